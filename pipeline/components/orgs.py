"""``newsgraph_orgs``: government bodies, parties, agencies, news organisations.

From the organisation lexicon (``orgs.csv``, ``news_agencies.csv``) and a
grammar of state bodies (``orgs.toml``): `Foreign Ministry`, `unification
ministry`, `Ministry of Foreign Affairs`, `Department of State`. A leading
`the` is never part of the span.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import lexicons


@Language.factory("newsgraph_orgs", default_config={"spans_key": "ng_orgs", "states_key": "ng_states", "persons_key": "ng_persons"})
def make_orgs(nlp: Language, name: str, spans_key: str, states_key: str, persons_key: str) -> "OrgRecogniser":
    return OrgRecogniser(nlp, spans_key, states_key, persons_key)


class OrgRecogniser:
    """A state or a person is never inside a body's name: `U.S.` + `Department of
    State`, `Foreign Ministry` + `of the DPRK`, `Ministry of Foreign Affairs` + `Choe Son Hui`."""

    def __init__(self, nlp, spans_key, states_key, persons_key):
        self.spans_key = spans_key
        self.block_keys = (states_key, persons_key)
        self.alias_to_name: dict[str, str] = {}
        # acronyms and one-word names by exact spelling; longer names in any case
        # ("Yonhap News agency", "unification Ministry")
        self.phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.phrases_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for entry in lexicons.orgs():
            for a in entry.aliases:
                self.alias_to_name[a.lower() if " " in a else a] = entry.name
            self.phrases.add(entry.name, [nlp.tokenizer(a) for a in entry.aliases if " " not in a])
            self.phrases_lower.add(entry.name, [nlp.tokenizer(a) for a in entry.aliases if " " in a])
        g = lexicons.org_grammar()
        heads, domains = g["heads"], g["domains"]
        self.grammar = Matcher(nlp.vocab)
        self.grammar.add("DOMAIN_HEAD", [[{"LOWER": {"IN": domains}, "OP": "+"}, {"LOWER": {"IN": heads}}]])
        self.grammar.add("HEAD_OF", [[{"LOWER": {"IN": heads}, "IS_TITLE": True}, {"LOWER": "of"}, {"LOWER": "the", "OP": "?"},
                                      {"IS_TITLE": True, "OP": "+"}]])

    def __call__(self, doc: Doc) -> Doc:
        blocked = {i for key in self.block_keys for sp in doc.spans.get(key, []) for i in range(sp.start, sp.end)}
        spans = []
        for match_id, s, e in [*self.phrases(doc), *self.phrases_lower(doc)]:
            text = doc[s:e].text
            name = self.alias_to_name.get(text) or self.alias_to_name.get(text.lower(), text)
            if not any(i in blocked for i in range(s, e)):
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
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc
