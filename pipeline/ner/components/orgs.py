"""``newsgraph_orgs``: government bodies, parties, agencies, news organisations.

From the organisation lexicon (``orgs.csv``, ``news_agencies.csv``: also
non-state armed groups and seats of government named for the government, `the
Kremlin`, `the White House`) and a grammar of state bodies (``orgs.toml``):
`Foreign Ministry`, `unification ministry`, `Ministry of Foreign Affairs`,
`Department of State`; bodies named by a common noun after their state
(`the Chinese embassy`, `Taiwan's presidential office`, `Ukraine's air
force`, `the Chinese coast guard`); armed services written as names (`the
US Navy`); and acronyms the text defines (`the
Freedom Flotilla Coalition (FFC)` makes every `FFC` that body). A leading
`the` is never part of the span, nor a state or a demonym before a body.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.core import lexicons
from pipeline.ner.components.lexicon_data import LexiconComponent, org_data, pick

_SKIP_INITIALS = {"of", "the", "for", "and", "de", "du", "la", "des", "on", "in"}


@Language.factory("newsgraph_orgs", assigns=["doc.spans"],
                  requires=["doc.spans", "doc.ents", "token.is_sent_start"],  # and token.pos (attribute_ruler)
                  default_config={"spans_key": "ng_orgs", "states_key": "ng_states", "persons_key": "ng_persons",
                                  "demonyms_key": "ng_demonyms"})
def make_orgs(nlp: Language, name: str, spans_key: str, states_key: str, persons_key: str, demonyms_key: str) -> "OrgRecogniser":
    return OrgRecogniser(nlp, spans_key, states_key, persons_key, demonyms_key, name=name)


# the keys of orgs.toml the recogniser uses
GRAMMAR_KEYS = ("heads", "domains", "after_state", "services_after_state", "anaphoric_heads", "services")


def initials_match(acronym: str, words: list[str]) -> bool:
    """`FFC` for `Freedom Flotilla Coalition`, `RSF` for `Rapid Support Forces`,
    `UNSC` for `United Nations Security Council` (letters in order, the first one first)."""
    letters = [c for c in acronym.upper() if c.isalpha()]
    inits = [w[0].upper() for w in words if w and w[0].isalpha() and w.lower() not in _SKIP_INITIALS]
    if len(letters) < 2 or not inits or letters[0] != inits[0]:
        return False
    i = 0
    for c in inits:
        if i < len(letters) and c == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= min(len(inits), 2)


class OrgRecogniser(LexiconComponent):
    """A state or a person is never inside a body's name: `U.S.` + `Department of
    State`, `Foreign Ministry` + `of the DPRK`, `Ministry of Foreign Affairs` + `Choe Son Hui`
    (a name from the lexicon is taken whole: `Israel Defense Forces`).

    Writes ``doc.spans[spans_key]`` (ORG, kb_id the lexicon's name); reads the spans of
    ``newsgraph_states`` and ``newsgraph_persons`` and the model's ``doc.ents``. Lexicon
    (``initialize``): ``orgs`` (``lexicons.orgs()``: names and aliases) and ``org_grammar``
    (``lexicons.org_grammar()``: heads, domains, after_state, services_after_state, anaphoric_heads, services)."""

    def __init__(self, nlp, spans_key, states_key, persons_key, demonyms_key, name="newsgraph_orgs"):
        self.nlp, self.name = nlp, name
        self.spans_key = spans_key
        self.states_key, self.persons_key, self.demonyms_key = states_key, persons_key, demonyms_key

    def initialize(self, get_examples=None, *, nlp=None, orgs=None, org_grammar=None) -> None:
        """``orgs``: ``OrgEntry`` items, mappings with ``name``/``aliases``, or ``(name, aliases)`` pairs;
        ``org_grammar``: a mapping of the keys of ``orgs.toml``; None: ``pipeline/data``."""
        self.set_lexicon({"orgs": org_data(orgs), "org_grammar": pick(org_grammar, lexicons.org_grammar, GRAMMAR_KEYS)})

    def _setup(self, data: dict) -> None:
        nlp = self.nlp
        self.alias_to_name: dict[str, str] = {}
        # acronyms and one-word names by exact spelling; longer names in any case
        # ("Yonhap News agency", "unification Ministry")
        self.phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.phrases_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for name, aliases in data["orgs"]:
            for a in aliases:
                self.alias_to_name[a.lower() if " " in a else a] = name
            self.phrases.add(name, [nlp.tokenizer(a) for a in aliases if " " not in a])
            self.phrases_lower.add(name, [nlp.tokenizer(a) for a in aliases if " " in a])
        g = data["org_grammar"]
        heads, domains = g.get("heads", []), g.get("domains", [])
        self.heads = frozenset(heads)
        self.grammar = Matcher(nlp.vocab)
        self.grammar.add("DOMAIN_HEAD", [[{"LOWER": {"IN": domains}, "OP": "+"}, {"LOWER": {"IN": heads}}]])
        self.grammar.add("HEAD_OF", [[{"LOWER": {"IN": heads}, "IS_TITLE": True}, {"LOWER": "of"}, {"LOWER": "the", "OP": "?"},
                                      {"IS_TITLE": True, "OP": "+"}]])
        # a post's office: "Attorney General's Office", "Prime Minister's Office"
        self.grammar.add("POST_OFFICE", [[{"IS_TITLE": True, "OP": "+"}, {"ORTH": {"IN": ["'s", "’s"]}}, {"ORTH": "Office"}]])
        self.after_state = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.after_state.add("AFTER_STATE", [nlp.tokenizer(w) for w in g.get("after_state", []) + g.get("services_after_state", [])])
        self.anaphoric = frozenset(g.get("anaphoric_heads", []))
        self.services = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.services.add("SERVICE", [nlp.tokenizer(w) for w in g.get("services", [])])

    def __call__(self, doc: Doc) -> Doc:
        self._require()
        states = {i for sp in doc.spans.get(self.states_key, []) for i in range(sp.start, sp.end)}
        persons = {i for sp in doc.spans.get(self.persons_key, []) for i in range(sp.start, sp.end)}
        dems = {i for sp in doc.spans.get(self.demonyms_key, []) for i in range(sp.start, sp.end)}
        blocked = states | persons
        spans = []
        for match_id, s, e in [*self.phrases(doc), *self.phrases_lower(doc)]:
            text = doc[s:e].text
            name = self.alias_to_name.get(text) or self.alias_to_name.get(text.lower(), text)
            # a lexicon name may hold a state's name (`Israel Defense Forces`), never a person
            if not any(i in persons for i in range(s, e)) and (e - s > 1 or s not in states):
                spans.append(Span(doc, s, e, label="ORG", kb_id=name))
        for match_id, s, e in self.grammar(doc):
            # stop at the first state or person token: "Ministry of the Democratic ..." is no name
            k = s
            while k < e and k not in blocked:
                k += 1
            while k > s and (doc[k - 1].lower_ in ("of", "the", "for") or not doc[k - 1].is_alpha):
                k -= 1
            if k - s >= 2 and doc[k - 1].lower_ not in ("of", "the"):
                spans.append(Span(doc, s, k, label="ORG"))
        for _, s, e in self.after_state(doc):
            if self._after_state(doc, s, states, dems) and not any(i in blocked for i in range(s, e)):
                spans.append(Span(doc, s, e, label="ORG"))
        for _, s, e in self.services(doc):
            prev = doc[s - 1] if s > 0 else None
            if doc[s].is_sent_start or any(i in blocked for i in range(s, e)):
                continue
            if prev is not None and (prev.i in dems or prev.is_title and prev.i not in states):
                continue  # part of another name ("Salvation Army", "Swedish Air Force")
            spans.append(Span(doc, s, e, label="ORG"))
        spans += self._named_after_states(doc, spans, states, persons)
        spans = filter_spans(spans)
        spans += self._acronyms(doc, spans, blocked)
        spans = filter_spans(spans)
        spans += self._anaphora(doc, spans)
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc

    def _named_after_states(self, doc: Doc, spans: list[Span], states: set[int], persons: set[int]) -> list[Span]:
        """A body named for the state it deals with, not its own (`Taiwan Affairs Office`): the state's
        name before `Affairs` + a head is part of the name; and a body's name runs on over `of [the]`
        + the body it belongs to (`Taiwan Affairs Office of the State Council`, `General Office of the
        Central Committee`)."""
        out = []
        heads = self.heads
        for sp in doc.spans.get(self.states_key, []):
            e = sp.end
            if e + 1 < len(doc) and doc[e].lower_ == "affairs" and doc[e].is_title and doc[e + 1].lower_ in heads \
                    and doc[e + 1].is_title:
                out.append(Span(doc, sp.start, e + 2, label="ORG"))
        by_start = {sp.start: sp for sp in spans if sp.label_ == "ORG"}
        merged = []
        for sp in spans + out:
            if sp.label_ != "ORG" or sp.end + 1 >= len(doc) or doc[sp.end].lower_ != "of" or sp[-1].lower_ not in heads:
                continue
            j = sp.end + 1
            if doc[j].lower_ == "the":
                j += 1
            nxt = by_start.get(j)
            if nxt is not None and doc[j].is_title and not any(i in persons or i in states for i in range(j, nxt.end)):
                merged.append(Span(doc, sp.start, nxt.end, label="ORG"))
        return out + merged

    @staticmethod
    def _after_state(doc: Doc, s: int, states: set[int], dems: set[int]) -> bool:
        i = s - 1
        if i >= 0 and doc[i].text in ("'s", "’s"):
            i -= 1
        return i >= 0 and (i in states or i in dems)

    def _anaphora(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """`the ministry` after `Taiwan's defence ministry`: the body named before (resolve.py gives its id)."""
        taken = {i for sp in spans for i in range(sp.start, sp.end)}
        out = []
        for t in doc[1:]:
            if t.lower_ not in self.anaphoric or t.i in taken or doc[t.i - 1].lower_ != "the":
                continue
            if t.i + 1 < len(doc) and doc[t.i + 1].pos_ in ("NOUN", "PROPN") and not doc[t.i + 1].text in ("'s", "’s"):
                continue  # "the ministry building": another thing
            if any(sp.end <= t.i and sp[-1].lower_ == t.lower_ for sp in spans):
                out.append(Span(doc, t.i, t.i + 1, label="ORG"))
        return out

    def _acronyms(self, doc: Doc, spans: list[Span], blocked: set[int]) -> list[Span]:
        """`Name (ACR)`: the acronym, wherever it stands, names the body named before it."""
        candidates = list(spans)
        for ent in doc.ents:  # the model's organisations, without a leading article or adjective
            if ent.label_ == "ORG":
                s = ent.start
                while s < ent.end and (doc[s].is_lower or doc[s].is_punct):
                    s += 1
                if ent.end - s >= 2:
                    candidates.append(doc[s:ent.end])
        taken = {i for sp in spans for i in range(sp.start, sp.end)}
        defined: dict[str, tuple[Span, str]] = {}
        for sp in candidates:
            e = sp.end
            if e + 2 < len(doc) and doc[e].text == "(" and doc[e + 2].text == ")":
                acr = doc[e + 1].text
                if acr.isupper() and acr.isalpha() and initials_match(acr, [t.text for t in sp]):
                    defined.setdefault(acr, (sp, sp.kb_id_ or sp.text))
        out = []
        for acr, (sp, name) in defined.items():
            if not any(i in taken for i in range(sp.start, sp.end)) and not any(i in blocked for i in range(sp.start, sp.end)):
                out.append(Span(doc, sp.start, sp.end, label="ORG", kb_id=name))
            for t in doc:
                if t.text == acr and t.i not in taken and t.i not in blocked:
                    out.append(Span(doc, t.i, t.i + 1, label="ORG", kb_id=name))
        return out
