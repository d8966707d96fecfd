"""``newsgraph_entities``: one set of non-overlapping mentions with the labels of SCHEMA.md.

Spans from our recognisers win over the pretrained model's where they
overlap (longest first among ours). The model's entities fill the rest:
PERSON stays PERSON; ORG stays ORG unless it is a state's name (`DPRK`);
GPE becomes STATE only when it is a state's name or abbreviation (cities are
places, and capitals are judged by ``newsgraph_states``); NORP, LOC and the
rest are not mentions. Where a model entity overlaps ours, what is left of it
is kept if it is still a name (`North Korea Sung Kim` → STATE + PERSON).
Leading `the`, honorifics and a trailing possessive are never in a span;
nor a lower-case word or a verb before a model's organisation
(`paramilitary Rapid Support Forces`, `Addressing the Human Rights Council`),
nor a demonym left over from one (`South Korean` of `South Korean foreign
ministry`: the body is `foreign ministry`).

Then, over the whole document (``names.toml``, ``persons.toml``): a state
or body inside the name of a document is no mention (`UN Charter`); a
social media platform where a post is made is no organisation (`a post on
Weibo`); a name does not end on a particle (`Ursula von der Leyen`); and the
surname of a person named in full is that person wherever it stands alone
(`Volker Turk ... Turk said`).
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.core import lexicons
from pipeline.ner.components.lexicon_data import LexiconComponent, org_data, pick, state_data
from pipeline.ner.components.orgs import initials_match
from pipeline.ner.resolve import _headline, fold

LABELS = ("PERSON", "STATE", "OFFICE", "ORG")


# the keys of the TOML lexicons the merger uses
PERSON_KEYS = ("honorifics", "place_words", "particles", "name_suffixes", "speech_verbs", "transliteration")
NAME_KEYS = ("documents", "documents_any_case", "platforms", "platform_preps", "locative_preps", "region_features",
             "vessels", "weapon_words", "place_features", "place_nouns", "regions", "weapons", "documents_also_bodies",
             "org_words")


MODEL_ENTS = "model_ents"  # span group: the pretrained model's own entities


@Language.factory("newsgraph_entities", assigns=["doc.ents", "token.ent_type", "token.ent_iob", "doc.spans"],
                  requires=["doc.spans", "doc.ents", "doc.sents", "token.tag", "token.dep"],  # and token.pos (attribute_ruler)
                  default_config={
    "keys": ["ng_states", "ng_orgs", "ng_offices", "ng_persons", "ng_holders"],
    "model_labels": {"PERSON": "PERSON", "ORG": "ORG", "GPE": "STATE"},
    "strip_start": ["the", "The", "a", "an", "former", "Former", "then", "late"],
    "strip_end": ["'s", "’s", "'", "’", ".", ",", "-", "--"],
})
def make_entities(nlp: Language, name: str, keys: list[str], model_labels: dict[str, str],
                  strip_start: list[str], strip_end: list[str]) -> "EntityMerger":
    return EntityMerger(keys, model_labels, strip_start, strip_end, name=name)


class EntityMerger(LexiconComponent):
    """Sets ``doc.ents`` (PERSON, STATE, OFFICE, ORG; kb_id where known) from the spans of the
    recognisers and the model's entities. Lexicon (``initialize``): ``states``
    (``lexicons.states()``), ``persons``, ``names``, ``offices`` (``person_titles``),
    ``org_grammar`` (``heads``) and ``orgs`` (their aliases), each named after its loader in
    ``pipeline.core.lexicons``."""

    def __init__(self, keys, model_labels, strip_start, strip_end, name="newsgraph_entities"):
        self.name = name
        self.keys = keys
        self.model_labels = model_labels
        self.strip_start_config = frozenset(strip_start)
        self.strip_end = set(strip_end)

    def initialize(self, get_examples=None, *, nlp=None, states=None, persons=None, names=None, orgs=None,
                   org_grammar=None, offices=None) -> None:
        """Each keyword takes what its loader in ``pipeline.core.lexicons`` returns (or a mapping of
        the same shape); None: ``pipeline/data``."""
        self.set_lexicon({
            "states": state_data(states),
            "persons": pick(persons, lexicons.persons, PERSON_KEYS),
            "names": pick(names, lexicons.names, NAME_KEYS),
            "org_aliases": sorted({a for _, aliases in org_data(orgs) for a in aliases}),
            "org_grammar": pick(org_grammar, lexicons.org_grammar, ["heads"]),
            "offices": pick(offices, lexicons.offices, ["person_titles"]),
        })

    def _setup(self, data: dict) -> None:
        persons, names = data["persons"], data["names"]
        self.strip_start = set(self.strip_start_config) | set(persons.get("honorifics", []))
        self.states = {alias: (iso3, kind) for alias, iso3, kind in data["states"]["aliases"]}
        self.demonyms = {alias: iso3 for alias, iso3 in data["states"]["demonyms"]}
        self.place_words = frozenset(persons.get("place_words", []))
        self.particles = frozenset(persons.get("particles", []))
        self.suffixes = frozenset(persons.get("name_suffixes", []))
        # one form for the Latin spellings of a name part (as pipeline.ner.resolve.name_key)
        self.translit = tuple((re.compile(p), r) for p, r in persons.get("transliteration", []))
        self._name_keys: dict[str, str] = {}
        self.documents = frozenset(names.get("documents", []))
        self.documents_any = frozenset(names.get("documents_any_case", []))
        self.platforms = [tuple(p.split()) for p in names.get("platforms", [])]
        self.platform_preps = frozenset(names.get("platform_preps", []))
        self.platform_words = frozenset(w for p in names.get("platforms", []) for w in p.split())
        self.org_aliases = frozenset(data["org_aliases"])
        self.locative = frozenset(names.get("locative_preps", []))
        self.features = frozenset(names.get("region_features", []))
        self.vessel_words = frozenset(names.get("vessels", []))
        self.weapon_words = [tuple(w.lower().split()) for w in names.get("weapon_words", [])]
        self.place_features = frozenset(names.get("place_features", []))
        self.place_nouns = frozenset(names.get("place_nouns", []))
        self.regions = frozenset(names.get("regions", []))
        self.weapons = frozenset(names.get("weapons", []))
        self.document_ends = self.documents - frozenset(names.get("documents_also_bodies", []))
        # royal and religious titles before a name (offices.toml): OFFICE, the name PERSON
        self.titles = sorted({tuple(t.split()) for t in data["offices"].get("person_titles", [])}, key=len, reverse=True)
        self.title_words = frozenset(w for t in self.titles for w in t)
        # a state's short name left out of the state lexicon as ambiguous (`Jordan`): STATE only
        # as the possessor of a royal title (`Jordan's Queen Rania`)
        self.ambiguous_states = {n: iso for iso, n in data["states"]["names"] if n not in self.states}
        # a surname alone that the model reads as an organisation (persons.toml)
        self.speech_verbs = frozenset(persons.get("speech_verbs", []))
        self.body_heads = frozenset(data["org_grammar"].get("heads", []))
        self.org_words = frozenset(w.lower() for w in names.get("org_words", [])) | self.body_heads

    def name_key(self, part: str) -> str:
        """`zelenskiy`, `zelensky`, `zelenskyy` -> `zelensky` (``persons.toml``, `transliteration`;
        the same key as :func:`pipeline.ner.resolve.name_key`, from this component's lexicon)."""
        key = self._name_keys.get(part)
        if key is None:
            key = fold(part).lower().rstrip(".")
            for pattern, repl in self.translit:
                key = pattern.sub(repl, key)
            self._name_keys[part] = key
        return key

    def _trim(self, doc: Doc, s: int, e: int) -> tuple[int, int]:
        while s < e and (doc[s].text in self.strip_start or doc[s].is_punct or doc[s].is_space):
            s += 1
        while e > s and (doc[e - 1].text in self.strip_end or doc[e - 1].is_punct or doc[e - 1].is_space):
            e -= 1
        return s, e

    def _model_names_over_states(self, doc: Doc, ours: list[Span]) -> list[Span]:
        """Where the model reads a state's name as the start of a longer name, the name wins:
        `Israel Katz` after a title (PERSON), `Sudan Doctors Network` (ORG, no state body);
        never a state body (`US State Department` stays `US` + `State Department`)."""
        by_tok = {i: sp for sp in ours for i in range(sp.start, sp.end)}
        heads = self.body_heads
        out = []
        for ent in doc.ents:
            if ent.label_ not in ("PERSON", "ORG"):
                continue
            s, e = self._trim(doc, ent.start, ent.end)
            inner = by_tok.get(s)
            if ent.label_ == "ORG" and inner is not None and inner.label_ == "ORG" and inner.start == s and inner.end + 1 < e \
                    and doc[inner.end].lower_ in ("on", "for") and all(t.is_title for t in doc[inner.end + 1:e]) \
                    and not any(i in by_tok for i in range(inner.end, e)):
                # "European Council on Foreign Relations": a longer name than the lexicon's body
                out.append(Span(doc, s, e, label="ORG"))
                continue
            first = by_tok.get(s)
            if first is None or first.label_ != "STATE" or first.start != s or first.end >= e:
                continue
            rest = doc[first.end:e]
            if any(i in by_tok for i in range(first.end, e)) or not all(t.is_title for t in rest):
                continue
            if rest[-1].text in self.document_ends:
                continue  # "Taiwan Relations Act": a document's name, no body
            if ent.label_ == "PERSON":
                # "Minister of Foreign Affairs Israel Katz": a given name right after a title
                if len(rest) == 1 and s > 0 and by_tok.get(s - 1) is not None and by_tok[s - 1].label_ == "OFFICE":
                    out.append(Span(doc, s, e, label="PERSON"))
            elif len(rest) >= 2 and not any(t.lower_ in heads or t.text in self.features for t in rest) \
                    and doc[s].text not in ("'s", "’s"):  # "the US Gulf Coast": a region in the state
                out.append(Span(doc, s, e, label="ORG"))
        return out

    def _split_possessive(self, doc: Doc, s: int, e: int) -> list[tuple[int, int]]:
        """`Kyungnam University's Institute for Far Eastern Studies`: two names (two words or more each)."""
        for k in range(s + 2, e - 2):
            if doc[k].text in ("'s", "’s") and doc[k + 1].is_title and doc[s].is_title:
                return [(s, k), (k + 1, e)]
        return [(s, e)]

    def __call__(self, doc: Doc) -> Doc:
        self._require()
        # the pretrained recogniser's entities (dates, places, ...) that ``doc.ents`` will no longer hold:
        # later stages read them from here (``statements.model_label``)
        doc.spans[MODEL_ENTS] = list(doc.ents)
        ours = [sp for key in self.keys for sp in doc.spans.get(key, [])]
        ours = filter_spans(self._model_names_over_states(doc, ours) + ours)
        chosen = [Span(doc, s, e, label=sp.label_, kb_id=sp.kb_id_)
                  for sp in ours for s, e in [self._trim(doc, sp.start, sp.end)] if e > s]
        taken = {i for sp in chosen for i in range(sp.start, sp.end)}
        title_ends = {sp.end for sp in chosen if sp.label_ == "OFFICE" and tuple(t.text for t in sp) in self.titles}
        model = []
        for ent in doc.ents:
            if ent.label_ == "ORG":
                model += [Span(doc, a, b, label=ent.label_) for a, b in self._split_possessive(doc, ent.start, ent.end)]
            else:
                model.append(ent)
        for ent in model:
            label = self.model_labels.get(ent.label_)
            if label is None:
                continue
            s, e = self._trim(doc, ent.start, ent.end)
            if label == "ORG":
                # "paramilitary Rapid Support Forces", "Addressing the Human Rights Council"
                while s < e and ((doc[s].is_lower and doc[s].whitespace_) or doc[s].pos_ in ("VERB", "AUX", "DET")):
                    s += 1
                s, e = self._trim(doc, s, e)
                if e <= s or doc[s].is_lower:
                    continue  # "el-Fasher": no name of an organisation
            if e <= s:
                continue
            # runs of tokens that none of our spans took
            runs, run = [], []
            for i in range(s, e):
                if i in taken:
                    if run:
                        runs.append(run)
                    run = []
                else:
                    run.append(i)
            if run:
                runs.append(run)
            whole = len(runs) == 1 and runs[0][0] == s and runs[0][-1] == e - 1
            for r in runs:
                rs, re_ = self._trim(doc, r[0], r[-1] + 1)
                if re_ <= rs:
                    continue
                span = doc[rs:re_]
                text = span.text
                if not whole and (text in self.demonyms or text in self.states and self.states[text][1] not in ("name", "abbreviation")):
                    continue  # "South Korean" left of "foreign ministry": a demonym, no organisation
                if text in self.states and self.states[text][1] in ("name", "abbreviation"):
                    chosen.append(Span(doc, rs, re_, label="STATE", kb_id=self.states[text][0]))
                elif whole and label in ("PERSON", "ORG"):
                    chosen.append(Span(doc, rs, re_, label=label))
                elif not whole and label == "ORG" and doc[rs].text in self.features:
                    pass  # "US" + "Gulf Coast": what is left is a region, no organisation
                elif not whole and all(t.is_title or t.text == "-" or t.is_lower and (doc[t.i - 1].text == "-" or t.lower_ in self.particles)
                                       for t in span) and not span[-1].is_lower \
                        and sum(t.is_title for t in span) >= (1 if label == "PERSON" or rs in title_ends else 2) \
                        and all(t.pos_ == "PROPN" or t.text == "-" or t.is_lower for t in span):
                    # a name right after a royal title is a person's (`Queen` + `Rania`, `Prince` + `Faisal bin Farhan`)
                    chosen.append(Span(doc, rs, re_, label="PERSON" if label in ("PERSON", "STATE") or rs in title_ends else label))
                taken.update(range(rs, re_))
        chosen = filter_spans(chosen)
        chosen = [sp for sp in chosen if not self._in_document_name(doc, sp) and not self._platform(doc, sp)]
        chosen = self._drop_vessels_and_categories(doc, chosen)
        # "Regular Press Conference", "Daily Press Briefing": an event, not an organisation (ANNOTATION.md 8)
        chosen = [sp for sp in chosen if not (sp.label_ == "ORG" and not sp.kb_id_ and len(sp) >= 2 and
                                              sp[-2:].text.lower() in ("press conference", "news conference", "press briefing"))]
        chosen = self._drop_things_and_places(doc, chosen)
        chosen = filter_spans([self._complete_name(doc, sp) if sp.label_ == "PERSON" else sp for sp in chosen])
        # "Kim Il Sung Square": a name followed by a place word names a place, not a person
        chosen = [sp for sp in chosen if not (sp.label_ == "PERSON" and sp.end < len(doc) and doc[sp.end].text in self.place_words)
                  and not (sp.label_ == "PERSON" and all(t.text in self.place_words for t in sp))
                  and not (sp.label_ == "PERSON" and len(sp) > 1 and sp[-1].text in self.place_words)]
        chosen = self._split_titles(doc, chosen)
        # a one-word ORG or STATE guess that is the surname of a person named
        # in the document is that person ("Biden" after "Joe Biden"), or the same
        # word the document names as a person elsewhere ("Castell said ... Castell told")
        surnames = {sp[-1].text for sp in chosen if sp.label_ == "PERSON" and len(sp) > 1}
        surnames |= {sp[0].text for sp in chosen if sp.label_ == "PERSON" and len(sp) > 1}
        surnames |= {sp.text for sp in chosen if sp.label_ == "PERSON" and len(sp) == 1 and sp[0].is_title}
        chosen = [Span(doc, sp.start, sp.end, label="PERSON") if len(sp) == 1 and sp.label_ == "ORG"
                  and not sp.kb_id_ and sp.text in surnames else sp for sp in chosen]
        chosen = self._speaking_surnames(doc, chosen)
        chosen = self._states_in_lists(doc, chosen + self._lone_surnames(doc, chosen))
        doc.ents = sorted(chosen, key=lambda sp: sp.start)
        return doc

    def _drop_things_and_places(self, doc: Doc, chosen: list[Span]) -> list[Span]:
        """Not bodies: a name the model reads as an organisation or a person but that the text makes
        a weapon (`Patriot missiles`, `more Patriot batteries` — and `Patriots` anywhere in the
        document), a place (`the Dokdo islets`, `the city of El Fasher` — and that name anywhere in the
        document), a region or disputed territory (``names.toml`` `regions`: `Indo-Pacific`,
        `Takeshima`), or a document (`Taiwan Relations Act`). A body of the lexicon stays."""
        things: set[str] = set(self.weapons)
        for sp in chosen:
            if sp.label_ not in ("ORG", "PERSON") or sp.kb_id_:
                continue
            e = sp.end
            nxt = tuple(t.lower_ for t in doc[e:e + 2])
            if any(nxt[:len(w)] == w for w in self.weapon_words) and sp.label_ == "ORG":
                things.add(sp.text)
            elif e < len(doc) and doc[e].lower_ in self.place_features:
                things.add(sp.text)
            elif sp.label_ == "ORG" and self._named_place(doc, sp):
                things.add(sp.text)
        out = []
        for sp in chosen:
            if sp.label_ in ("ORG", "PERSON") and not sp.kb_id_:
                text = sp.text
                if text in things or text.rstrip("s") in things or text + "s" in things or text in self.regions:
                    continue
                if sp.label_ == "ORG" and sp[-1].text in self.document_ends:
                    continue
            out.append(sp)
        return out

    def _named_place(self, doc: Doc, sp: Span) -> bool:
        """`the city of El Fasher`, `in El Fasher`: a name with no word of a body in it, after a noun
        naming a place (`city of`) or a locative preposition."""
        if any(t.lower_ in self.org_words or t.is_upper for t in sp):
            return False
        i = sp.start - 1
        if i >= 1 and doc[i].lower_ == "of" and doc[i - 1].lower_ in self.place_nouns:
            return True
        return i >= 0 and doc[i].lower_ in self.locative and doc[i].pos_ == "ADP"

    def _states_in_lists(self, doc: Doc, chosen: list[Span]) -> list[Span]:
        """`to Chad, Egypt and South Sudan`: a state's name left out of the state lexicon as ambiguous
        alone (`Chad`, `Jordan`, `Georgia`) is that state in a list with another state (joined by a
        comma, `and`, `or`), unless it is part of a longer name (`Michael Jordan`)."""
        if not self.ambiguous_states:
            return chosen
        by_tok = {i: sp for sp in chosen for i in range(sp.start, sp.end)}

        def state_at(i: int) -> bool:
            sp = by_tok.get(i)
            return sp is not None and sp.label_ == "STATE"

        add, drop = [], set()
        for t in doc:
            name = t.text
            if name not in self.ambiguous_states or not t.is_title:
                continue
            cur = by_tok.get(t.i)
            if cur is not None and (len(cur) > 1 or cur.label_ == "STATE"):
                continue
            if t.i + 1 < len(doc) and (doc[t.i + 1].text in ("'s", "’s", "-") or doc[t.i + 1].is_title and doc[t.i + 1].pos_ == "PROPN"):
                continue
            if t.i > 0 and doc[t.i - 1].is_title and doc[t.i - 1].pos_ == "PROPN" and not doc[t.i - 1].is_sent_start:
                continue
            joins = (",", "and", "or", "&")
            left = t.i >= 2 and doc[t.i - 1].lower_ in joins and state_at(t.i - 2)
            right = t.i + 2 < len(doc) and doc[t.i + 1].lower_ in joins and state_at(t.i + 2)
            if left or right:
                if cur is not None:
                    drop.add((cur.start, cur.end))
                add.append(Span(doc, t.i, t.i + 1, label="STATE", kb_id=self.ambiguous_states[name]))
        if not add:
            return chosen
        return [sp for sp in chosen if (sp.start, sp.end) not in drop] + add

    def _drop_vessels_and_categories(self, doc: Doc, chosen: list[Span]) -> list[Span]:
        """Not entities (ANNOTATION.md rule 8): a ship or aircraft named like an organisation or a
        person (`the 'Madleen' ship`, `the vessel Ocean Star`) — and that name anywhere in the
        document —, and a plural acronym, which names a kind of thing (`NGOs`, `all POGOs`)."""
        vessels: set[str] = set()
        opening, closing = ("'", "\u2018", '"', "\u201c"), ("'", "\u2019", '"', "\u201d")
        for t in doc:
            if t.lower_ not in self.vessel_words or t.pos_ != "NOUN":
                continue
            # "the 'Madleen' ship": a quoted name right before the word
            j = t.i - 1
            if j >= 2 and doc[j].text in closing:
                k = j - 1
                while k > 0 and doc[k].pos_ == "PROPN" and doc[k - 1].text not in opening:
                    k -= 1
                if doc[k].pos_ == "PROPN" and k > 0 and doc[k - 1].text in opening:
                    vessels.add(doc[k:j].text)
            # "the tanker Ocean Breeze": a name right after the word
            k = t.i + 1
            while k < len(doc) and doc[k].text in opening:
                k += 1
            m = k
            while m < len(doc) and doc[m].pos_ == "PROPN":
                m += 1
            if m > k:
                vessels.add(doc[k:m].text)
        # "POGOs", "NGOs": a plural acronym names a kind of thing; so do its singular and its expansion
        # in that document ("the POGO sector", "Philippine Offshore Gaming Operators")
        kinds = {t.text[:-1] for t in doc if re.fullmatch(r"[A-Z]{2,}s", t.text)}
        out = []
        for sp in chosen:
            if sp.text in vessels and sp.label_ in ("ORG", "PERSON") and not sp.kb_id_:
                continue
            if sp.label_ == "ORG" and not sp.kb_id_ and (sp.text.rstrip("s") in kinds or (
                    len(sp) > 1 and any(initials_match(k, [t.text for t in sp]) for k in kinds))):
                continue
            out.append(sp)
        return out

    def _in_document_name(self, doc: Doc, sp: Span) -> bool:
        """`UN Charter`, `INF Treaty`, `US-DPRK Agreed Framework`: the document's name, no mention.

        Never across a verb (`Russia Signs Defence Pact`); in a title-case headline, where every
        word is capitalised (`Iran Rejects UN Plan`), only right before a word that names a
        document in lower case too (`UN Charter`, `INF Treaty`)."""
        if sp.label_ not in ("ORG", "STATE"):
            return False
        if _headline(sp):
            j = sp.end
            while j < len(doc) and doc[j].text == "-":
                j += 1
            return j < len(doc) and doc[j].lower_ in self.documents_any
        j, words = sp.end, 0
        while j < len(doc) and (doc[j].text == "-" or ((doc[j].is_title or doc[j].is_upper) and doc[j].text not in self.documents
                                                        and words < 2 and doc[j].pos_ in ("PROPN", "ADJ")
                                                        and doc[j].tag_ not in ("VBZ", "VBD", "VBP", "VB"))):
            words += doc[j].text != "-"
            j += 1  # "US-DPRK Agreed Framework"
        return j < len(doc) and (doc[j].text in self.documents or doc[j].lower_ in self.documents_any)

    def _platform(self, doc: Doc, sp: Span) -> bool:
        """`a post on Weibo`, `on his Truth Social platform`: a venue, no organisation."""
        if sp.label_ != "ORG":
            return False
        words = tuple(t.text for t in sp)
        if not any(words[:len(p)] == p for p in self.platforms):
            return False
        i = sp.start - 1
        while i >= 0 and doc[i].pos_ in ("DET", "PRON") or (i >= 0 and doc[i].tag_ == "PRP$"):
            i -= 1
        return i >= 0 and doc[i].lower_ in self.platform_preps

    def _complete_name(self, doc: Doc, sp: Span) -> Span:
        """A name does not end on a particle: `Ursula von` + `der Leyen`."""
        e = sp.end
        if doc[e - 1].lower_ not in self.particles:
            return sp
        while e < len(doc) and doc[e].lower_ in self.particles:
            e += 1
        if e < len(doc) and doc[e].is_title:
            return Span(doc, sp.start, e + 1, label=sp.label_, kb_id=sp.kb_id_)
        return Span(doc, sp.start, sp.end - 1, label=sp.label_, kb_id=sp.kb_id_) if len(sp) > 1 else sp

    def _lone_surnames(self, doc: Doc, chosen: list[Span]) -> list[Span]:
        """`Turk said`: the surname of a person the document names in full, where no entity stands."""
        taken = {i for sp in chosen for i in range(sp.start, sp.end)}
        surnames: dict[str, set[str]] = {}  # key -> spellings seen
        alone: dict[str, int] = {}
        for sp in chosen:
            if sp.label_ == "PERSON":
                toks = [t for t in sp if t.lower_ not in self.suffixes and t.text != "-"]
                if not toks or not toks[-1].is_title or not toks[-1].is_alpha or len(toks[-1]) < 3:
                    continue
                key = self.name_key(toks[-1].text)
                if len(toks) == 1:  # a surname the model found alone, twice: "Borrell" ... "Borrel said"
                    alone[key] = alone.get(key, 0) + 1
                    if alone[key] < 2:
                        continue
                surnames.setdefault(key, set()).add(toks[-1].text)
        out = []
        for t in doc:
            if t.i in taken or not t.is_title or not t.is_alpha or t.pos_ != "PROPN":
                continue
            key = self.name_key(t.text)
            if key not in surnames:
                continue
            if t.text not in surnames[key] and (len(t.text) < 5 or len(key) < 5):
                continue  # another spelling only for a longer name ("Borrel" / "Borrell", not "Conn" / "Coon")
            if t.text in self.states or t.text in self.demonyms or t.text in self.platform_words or t.text in self.org_aliases:
                continue
            if t.i > 0 and doc[t.i - 1].lower_ in self.locative:
                continue  # "a press conference in Chelsea": a place
            prev = doc[t.i - 1] if t.i > 0 else None
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if (prev is not None and (prev.is_title and not prev.is_sent_start and prev.pos_ == "PROPN" or prev.text == "-")) \
                    or (nxt is not None and (nxt.is_title and nxt.pos_ == "PROPN" or nxt.text in self.place_words or nxt.text == "-")):
                continue  # part of another name
            out.append(Span(doc, t.i, t.i + 1, label="PERSON"))
        return out

    def _title_at(self, doc: Doc, i: int) -> int:
        """Length of the royal or religious title starting at token ``i`` (0: none)."""
        if doc[i].text not in self.title_words:
            return 0  # most tokens: no title begins here
        for title in self.titles:
            n = len(title)
            if i + n <= len(doc) and tuple(t.text for t in doc[i:i + n]) == title:
                return n
        return 0

    def _title_before(self, doc: Doc, i: int) -> int:
        """Start of the royal or religious title that ends right before token ``i`` (-1: none)."""
        for title in self.titles:
            s = i - len(title)
            if s >= 0 and tuple(t.text for t in doc[s:i]) == title:
                return s
        return -1

    def _split_titles(self, doc: Doc, chosen: list[Span]) -> list[Span]:
        """`Prince Faisal bin Farhan`, `Sheikh Tamim`, `Pope Leo`: the title is an OFFICE span and
        the name a PERSON span without it (ANNOTATION rule 6), wherever the model put the title;
        and a state's ambiguous short name owning such a title is that state (`Jordan's Queen Rania`)."""
        out: list[Span] = []
        for sp in chosen:
            n = self._title_at(doc, sp.start) if sp.label_ == "PERSON" else 0
            if n and sp.end - sp.start > n and doc[sp.start + n].is_title:
                out.append(Span(doc, sp.start, sp.start + n, label="OFFICE"))
                out.append(Span(doc, sp.start + n, sp.end, label="PERSON"))
            else:
                out.append(sp)
        taken = {i for sp in out for i in range(sp.start, sp.end)}
        for sp in list(out):
            if sp.label_ != "PERSON":
                continue
            s = self._title_before(doc, sp.start)
            if s >= 0 and not any(i in taken for i in range(s, sp.start)) and not (doc[s].is_sent_start and _headline(sp)):
                out.append(Span(doc, s, sp.start, label="OFFICE"))
                taken.update(range(s, sp.start))
        # a title and a name that the model did not read as a person ("Sheikh" + "Tamim" as NORP)
        i = 0
        while i < len(doc):
            n = self._title_at(doc, i)
            if not n or any(k in taken for k in range(i, i + n)) or (doc[i].is_sent_start and _headline(doc[i:i + n])):
                i += 1
                continue
            j = i + n
            while j < len(doc) and j not in taken and (doc[j].is_title and doc[j].pos_ == "PROPN"
                                                       or doc[j].lower_ in self.particles and j + 1 < len(doc) and doc[j + 1].is_title):
                j += 1
            name = doc[i + n:j]
            if j > i + n and name[-1].is_title and not any(t.text in self.place_words or t.lower_ in self.org_words
                                                          or t.text in self.states or t.text in self.demonyms for t in name):
                out += [Span(doc, i, i + n, label="OFFICE"), Span(doc, i + n, j, label="PERSON")]
                taken.update(range(i, j))
            i = max(j, i + 1)
        # "Jordan's Queen Rania": the owner of a royal title is a state
        states = []
        for sp in out:
            if sp.label_ != "OFFICE" or tuple(t.text for t in sp) not in self.titles or sp.start < 2 \
                    or doc[sp.start - 1].text not in ("'s", "’s"):
                continue
            for a in (sp.start - 2, sp.start - 3):
                name = doc[a:sp.start - 1].text if a >= 0 else ""
                if name in self.ambiguous_states and doc[a].is_title:
                    states.append(Span(doc, a, sp.start - 1, label="STATE", kb_id=self.ambiguous_states[name]))
                    break
        if states:
            cut = {i for sp in states for i in range(sp.start, sp.end)}
            out = [sp for sp in out if not any(i in cut for i in range(sp.start, sp.end))] + states
        return sorted(out, key=lambda sp: sp.start)

    def _speaking_surnames(self, doc: Doc, chosen: list[Span]) -> list[Span]:
        """`Guterres called for restraint`, `Lavrov was quoted ... as saying`, `Blinken and Wang said`:
        a one-word organisation of the model's, with no lexicon entry, that is no acronym and no word
        naming a kind of body, is the surname of a person where it speaks like one: the subject of a
        verb of saying or of `quoted`, the one quoted, or joined by `and` to a person; or where a
        personal pronoun (`he`, `her`) comes after it in its sentence before any `it`/`its`. Never a
        word the document writes after an article (`the Pentagon`) or followed by `it`/`its`
        (`Gazprom said it would cut supplies`)."""
        persons = {i for sp in chosen if sp.label_ == "PERSON" for i in range(sp.start, sp.end)}
        articled = {t.text for t in doc[1:] if doc[t.i - 1].lower_ in ("the", "a", "an", "this", "that", "its")}
        out = []
        for sp in chosen:
            if sp.label_ == "ORG" and len(sp) == 1 and not sp.kb_id_ and self._speaks_like_a_person(doc, sp[0], persons, articled):
                sp = Span(doc, sp.start, sp.end, label="PERSON")
            out.append(sp)
        return out

    def _speaks_like_a_person(self, doc: Doc, t, persons: set[int], articled: set[str]) -> bool:
        if not (t.is_title and t.is_alpha and len(t.text) >= 3) or t.is_upper:
            return False
        if t.text in self.org_aliases or t.text in self.states or t.text in self.demonyms \
                or t.text in self.platform_words or t.lower_ in self.org_words or t.text in articled:
            return False
        subj = t.head if t.dep_ == "conj" and t.head.dep_ in ("nsubj", "nsubjpass") else t
        verb = subj.head
        if subj.dep_ in ("nsubj", "nsubjpass"):  # "X said he ...", "X said it would ..."
            pronoun = self._next_pronoun(doc, t)
            if pronoun == "it":
                return False
            if pronoun == "person":
                return True
        if t.dep_ == "conj" and t.head.i in persons or any(c.dep_ == "conj" and c.i in persons for c in t.children):
            return True  # "Blinken and Wang"
        if subj.dep_ == "nsubj" and verb.lemma_ in self.speech_verbs:
            return True
        # "Lavrov was quoted ... as saying", "RIA quoted Lavrov as saying"
        return verb.lemma_ == "quote" and subj.dep_ in ("nsubjpass", "dobj")

    @staticmethod
    def _next_pronoun(doc: Doc, t) -> str:
        """The first third-person singular pronoun after ``t`` in its sentence: "person", "it" or "";
        an `it` that only stands for what follows (`said it was time`, `said it would be wrong`)
        is no body's."""
        for u in doc[t.i + 1:t.sent.end]:
            if u.lower_ in ("he", "she", "his", "her", "him", "hers"):
                return "person"
            if u.lower_ == "its":
                return "it"
            if u.lower_ == "it":
                nxt = [v.lower_ for v in doc[u.i + 1:u.i + 3]]
                if nxt and (nxt[0] in ("is", "was", "'s", "’s", "seems", "seemed", "appears", "appeared", "remains")
                            or nxt[0] in ("would", "will", "could", "might", "may", "must", "should") and nxt[1:] == ["be"]):
                    continue
                return "it"
        return ""
