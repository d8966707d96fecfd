"""``newsgraph_states``: sovereign states, by name, abbreviation or capital.

Names and abbreviations are STATE wherever they stand (`talks in North Korea`
too), but not inside the name of a region (`Taiwan Strait`, `South China
Sea`, `Gulf of Mexico`: ``names.toml``). A capital is STATE only where it acts for the
government (`Washington has offered`, `dialogue with Pyongyang`,
`Pyongyang's stance`, `the Kiev authorities`, `officials in Ankara believe`: only the capital's own
authorities, government or officials, not `Western diplomats in Beijing` or `EU officials in Brussels`),
not where it is a place (`said in Seoul`, `out of Budapest`, `the city of Tel Aviv`, `an attack on Tel Aviv`)
or names an event (`the Hanoi summit`).
Seats of government named for the government (`the Kremlin`) are ORG: ``newsgraph_orgs``. `the North` / `the
South` are STATE where the document names one of the two Koreas. Demonyms
(`North Korean`) are not mentions: they go to ``doc.spans["ng_demonyms"]``
to tie offices and people to their state.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.core import lexicons
from pipeline.ner.components.lexicon_data import LexiconComponent, pick, state_data


@Language.factory(
    "newsgraph_states",
    assigns=["doc.spans"],
    # and token.pos, set by the pretrained attribute_ruler, which declares no assigns
    requires=["token.dep", "token.head", "token.lemma", "token.ent_type", "token.is_sent_start"],
    default_config={
        "spans_key": "ng_states",
        "demonyms_key": "ng_demonyms",
        # a capital after one of these is a place
        "locative_preps": ["in", "at", "near", "outside", "around", "across", "throughout", "inside", "into",
                           "within", "via", "toward", "towards", "past", "over"],
        # ... and after "to" or "from" when the verb is one of motion
        "motion_verbs": ["go", "come", "fly", "travel", "arrive", "return", "visit", "head", "move", "leave",
                         "depart", "drive", "sail", "send", "bring", "take", "transfer", "flee", "walk", "run"],
        # a capital modifying one of these nouns acts for the government
        "actor_nouns": ["authority", "government", "regime", "administration", "official", "leadership", "side",
                        "ruler", "clique", "establishment", "policy", "diplomat", "negotiator"],
        # "<noun> in <capital>" is the capital's government only for these nouns ...
        "in_nouns": ["authority", "government", "official"],
        # ... and only without one of these modifiers (someone else's officials)
        "foreign_words": ["foreign", "western", "other", "overseas", "visiting", "international", "eu", "un", "nato",
                          "european", "allied", "diplomatic", "embassy", "consular", "expatriate", "exiled"],
        # "X of <capital>" / "<noun> on <capital>" where the capital is a place
        "place_nouns": ["city", "town", "capital", "streets", "street", "outskirts", "centre", "center", "suburb",
                        "suburbs", "port", "airport", "district", "heart"],
        "attack_nouns": ["attack", "strike", "raid", "assault", "bombing", "offensive", "march", "advance"],
        # words after "America" that make it a region: "Latin America"
        "region_words": ["Latin", "South", "North", "Central"],
        "shorthand_pairs": {"PRK": "KOR", "KOR": "PRK"},
    },
)
def make_states(nlp: Language, name: str, spans_key: str, demonyms_key: str, locative_preps: list[str],
                motion_verbs: list[str], actor_nouns: list[str], place_nouns: list[str], attack_nouns: list[str],
                region_words: list[str], shorthand_pairs: dict[str, str], in_nouns: list[str],
                foreign_words: list[str]) -> "StateRecogniser":
    return StateRecogniser(nlp, spans_key, demonyms_key, locative_preps, motion_verbs, actor_nouns, place_nouns, attack_nouns,
                           region_words, shorthand_pairs, in_nouns, foreign_words, name=name)


class StateRecogniser(LexiconComponent):
    """Writes ``doc.spans[spans_key]`` (STATE, kb_id ISO3) and ``doc.spans[demonyms_key]`` (DEMONYM).

    Lexicon (``initialize``): ``states`` (``lexicons.states()``: aliases, demonyms) and ``names``
    (``lexicons.names()``: its ``region_features``)."""

    def __init__(self, nlp, spans_key, demonyms_key, locative_preps, motion_verbs, actor_nouns, place_nouns, attack_nouns,
                 region_words, shorthand_pairs, in_nouns=("authority", "government", "official"), foreign_words=(),
                 name="newsgraph_states"):
        self.nlp, self.name = nlp, name
        self.spans_key, self.demonyms_key = spans_key, demonyms_key
        self.place_nouns = set(place_nouns)
        self.attack_nouns = set(attack_nouns)
        self.locative = set(locative_preps)
        self.motion = set(motion_verbs)
        self.actor_nouns = set(actor_nouns)
        self.in_nouns = set(in_nouns)
        self.foreign_words = set(foreign_words)
        self.region_words = set(region_words)
        self.pairs = shorthand_pairs

    def initialize(self, get_examples=None, *, nlp=None, states=None, names=None) -> None:
        """``states``: a ``lexicons.StateLexicon`` (or a mapping of its fields); ``names``: a mapping
        with ``region_features``; None: ``pipeline/data``."""
        st = state_data(states)
        self.set_lexicon({"states": {"aliases": st["aliases"], "demonyms": st["demonyms"]},
                          "names": pick(names, lexicons.names, ["region_features"])})

    def _setup(self, data: dict) -> None:
        self.features = frozenset(data["names"].get("region_features", []))
        self.aliases = {alias: (iso3, kind) for alias, iso3, kind in data["states"]["aliases"]}
        self.demonyms = {alias: iso3 for alias, iso3 in data["states"]["demonyms"]}
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.dem_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        tok = self.nlp.tokenizer
        for kind in ("name", "abbreviation", "capital", "shorthand"):
            pats = [tok(a) for a, (_, k) in self.aliases.items() if k == kind]
            if pats:
                self.matcher.add(kind, pats)
        if self.demonyms:
            self.dem_matcher.add("demonym", [tok(a) for a in self.demonyms])

    def __call__(self, doc: Doc) -> Doc:
        self._require()
        found: list[Span] = []
        candidates = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            iso3, kind = self.aliases.get(span.text, (None, None))
            if iso3:
                candidates.append((span, iso3, kind))
        named = {iso3 for _, iso3, kind in candidates if kind in ("name", "abbreviation")}
        named |= {self.demonyms[doc[s:e].text] for _, s, e in self.dem_matcher(doc)}
        for span, iso3, kind in candidates:
            if kind == "name" and span.text == "America" and span.start > 0 and doc[span.start - 1].text in self.region_words:
                continue
            if self._in_region_name(span):
                continue
            if kind == "capital" and not self._acts(span):
                continue
            if kind == "shorthand" and not self._shorthand(span, iso3, named):
                continue
            found.append(Span(doc, span.start, span.end, label="STATE", kb_id=iso3))
        doc.spans[self.spans_key] = filter_spans(found)
        # (demonym lexicon) a demonym inside a state's own name is part of the name, no demonym:
        # `Saudi` of `Saudi Arabia`, `Central African` of `Central African Republic`
        in_names = {i for sp in doc.spans[self.spans_key] for i in range(sp.start, sp.end)}
        dems = [Span(doc, s, e, label="DEMONYM", kb_id=self.demonyms[doc[s:e].text]) for _, s, e in self.dem_matcher(doc)
                if not any(i in in_names for i in range(s, e))]
        doc.spans[self.demonyms_key] = filter_spans(dems)
        return doc

    def _in_region_name(self, span: Span) -> bool:
        """`Taiwan Strait`, `South China Sea`, `Gulf of Mexico`: a region named after the state."""
        doc = span.doc
        if span.end < len(doc) and doc[span.end].text in self.features:
            # "the US Gulf Coast": the feature starts a longer name in the state
            nxt = doc[span.end + 1] if span.end + 1 < len(doc) else None
            return not (nxt is not None and nxt.is_title and nxt.pos_ == "PROPN" and not nxt.is_sent_start)
        return span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].text in self.features

    def _acts(self, span: Span) -> bool:
        """Does a capital stand for its government here?"""
        root = span.root
        # part of a longer proper name ("Washington Post", "Seoul National University")
        if span.end < len(span.doc) and span.doc[span.end].pos_ == "PROPN" and root.dep_ == "compound":
            return False
        if root.dep_ == "compound" or (root.dep_ in ("amod", "nmod") and root.head.pos_ == "NOUN"):
            return root.head.lemma_.lower() in self.actor_nouns
        if root.dep_ == "pobj":
            prep = root.head
            p = prep.lower_
            if p == "in" and self._government_in(prep.head, span):
                return True  # "officials in Tokyo say", "the authorities in Cairo"
            if p in self.locative:
                return False
            if p == "of" and (prep.head.lower_ in ("out", "outside") or prep.head.lemma_.lower() in self.place_nouns):
                return False  # "out of Budapest", "the city of Tel Aviv"
            if p in ("on", "against") and prep.head.lemma_.lower() in self.attack_nouns:
                return False  # "a drone attack on Tel Aviv"
            if p in ("to", "from") and prep.head.lemma_.lower() in self.motion:
                return False
            # "talks in Hanoi" handled above; "the summit with Pyongyang" acts
            return True
        if root.dep_ == "npadvmod":  # "Seoul, June 24": a place
            return False
        return True

    def _government_in(self, noun, span: Span) -> bool:
        """`officials in <capital>`, `the authorities in <capital>`: the capital's own government.

        Only for government nouns without a modifier that ties them to someone else
        (`Western diplomats in Beijing`, `EU officials in Brussels`, `Chinese officials in
        Manila`, `foreign officials in Seoul`), and not when the noun phrase already names a
        state, a demonym or a body (`officials of the UN in Geneva`)."""
        if noun.lemma_.lower() not in self.in_nouns:
            return False
        for child in noun.children:
            if child.i >= span.start:
                break
            for t in child.subtree:
                if t.i >= span.start:
                    break
                if t.lower_ in self.foreign_words or t.text in self.demonyms or t.text in self.aliases:
                    return False
                if t.ent_type_ in ("ORG", "NORP", "GPE") or (t.is_upper and len(t) > 1 and t.is_alpha):
                    return False  # "EU officials", "NATO officials"
        return True

    def _shorthand(self, span: Span, iso3: str, named: set[str]) -> bool:
        doc = span.doc
        if span.start == 0 or doc[span.start - 1].lower_ != "the":
            return False
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.is_title and nxt.text not in ("'s", "’s"):
            return False  # "the North Korean", "the South China Sea"
        return iso3 in named or self.pairs.get(iso3) in named
