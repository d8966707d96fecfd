"""``newsgraph_offices``: public posts, without the state and the holder's name.

A grammar over the lexicon of ``offices.toml``: modifiers, a head, and a
complement that is part of the post's name (`First Vice Minister of Foreign
Affairs`, `vice-minister for International Organizations`) but stops at a
state, an organisation or a person (`Vice Foreign Minister` of `DPRK`).
Heads such as `spokesman` count only when tied to a body (`spokesman for
the Foreign Ministry`, `Foreign Ministry spokesman`).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import lexicons


@Language.factory("newsgraph_offices", default_config={
    "spans_key": "ng_offices", "states_key": "ng_states", "orgs_key": "ng_orgs", "persons_key": "ng_persons",
    "max_complement": 4,
})
def make_offices(nlp: Language, name: str, spans_key: str, states_key: str, orgs_key: str, persons_key: str,
                 max_complement: int) -> "OfficeRecogniser":
    return OfficeRecogniser(nlp, spans_key, states_key, orgs_key, persons_key, max_complement)


class OfficeRecogniser:
    def __init__(self, nlp, spans_key, states_key, orgs_key, persons_key, max_complement):
        self.keys = (states_key, orgs_key, persons_key)
        self.spans_key = spans_key
        self.max_complement = max_complement
        data = lexicons.offices()
        heads = [h.lower() for h in data["heads"]]
        single = sorted({h for h in heads if " " not in h and "-" not in h})
        self.needs_body = set(data["needs_body"])
        self.exclude = set(data["exclude_words"])
        self.preps = set(data["complement_preps"])
        words = sorted(set(data["modifiers"]) | set(single))
        self.heads = set(single)
        self.words = set(words)
        self.matcher = Matcher(nlp.vocab)
        # (modifier | head | hyphen)* head
        self.matcher.add("OFFICE", [[{"LOWER": {"IN": words + ["-"]}, "OP": "*"}, {"LOWER": {"IN": single}}]])

    def __call__(self, doc: Doc) -> Doc:
        blocked = {}
        for key in self.keys:
            for sp in doc.spans.get(key, []):
                for i in range(sp.start, sp.end):
                    blocked[i] = sp.label_
        for ent in doc.ents:  # the model's people
            if ent.label_ == "PERSON":
                for i in range(ent.start, ent.end):
                    blocked.setdefault(i, ent.label_)
        spans = []
        for _, s, e in self.matcher(doc):
            while s < e and (doc[s].text == "-" or doc[s].lower_ in self.exclude or (blocked.get(s) in ("STATE", "ORG", "PERSON"))):
                s += 1
            if s >= e or doc[e - 1].lower_ not in self.heads:
                continue
            if any(blocked.get(i) in ("STATE", "ORG", "PERSON") for i in range(s, e)):
                continue
            e2 = self._complement(doc, e, blocked)
            span = Span(doc, s, e2, label="OFFICE")
            head = doc[e - 1].lower_
            if head in self.needs_body and not self._tied_to_body(doc, s, e2, blocked):
                # with a modifier it names a post ("vice department director",
                # "secretary-general"); alone it needs a body ("his spokesperson")
                if not any(t.lower_ in self.words for t in doc[s:e - 1]):
                    continue
            spans.append(span)
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc

    def _complement(self, doc: Doc, e: int, blocked: dict) -> int:
        """Extend over `of/for [the] Capitalised...` when it names the post's domain."""
        if e >= len(doc) or doc[e].lower_ not in self.preps:
            return e
        i = e + 1
        if i < len(doc) and doc[i].lower_ == "the":
            return e  # "of the Central Committee": a body, not part of the post
        j = i
        while j < len(doc) and j - i < self.max_complement and doc[j].is_title and j not in blocked:
            j += 1
        if j == i or (j < len(doc) and doc[j].is_title and j not in blocked):
            return e  # nothing, or a name that runs on into something else
        return j

    def _tied_to_body(self, doc: Doc, s: int, e: int, blocked: dict) -> bool:
        if s > 0 and blocked.get(s - 1) == "ORG":
            return True  # "Foreign Ministry spokesman"
        if e < len(doc) and doc[e].lower_ in self.preps:
            k = e + 1
            while k < len(doc) and doc[k].lower_ in ("the",):
                k += 1
            while k < len(doc) and blocked.get(k) == "STATE":
                k += 1
            return k < len(doc) and blocked.get(k) == "ORG"
        return False
