"""``newsgraph_entities``: one set of non-overlapping mentions with the labels of SCHEMA.md.

Spans from our recognisers win over the pretrained model's where they
overlap (longest first among ours). The model's entities fill the rest:
PERSON stays PERSON; ORG stays ORG unless it is a state's name (`DPRK`);
GPE becomes STATE only when it is a state's name or abbreviation (cities are
places, and capitals are judged by ``newsgraph_states``); NORP, LOC and the
rest are not mentions. Where a model entity overlaps ours, what is left of it
is kept if it is still a name (`North Korea Sung Kim` → STATE + PERSON).
Leading `the`, honorifics and a trailing possessive are never in a span.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import lexicons

LABELS = ("PERSON", "STATE", "OFFICE", "ORG")


@Language.factory("newsgraph_entities", default_config={
    "keys": ["ng_states", "ng_orgs", "ng_offices", "ng_persons"],
    "model_labels": {"PERSON": "PERSON", "ORG": "ORG", "GPE": "STATE"},
    "strip_start": ["the", "The", "a", "an", "former", "Former", "then", "late"],
    "strip_end": ["'s", "’s", "'", "’", ".", ",", "-", "--"],
})
def make_entities(nlp: Language, name: str, keys: list[str], model_labels: dict[str, str],
                  strip_start: list[str], strip_end: list[str]) -> "EntityMerger":
    return EntityMerger(keys, model_labels, strip_start, strip_end)


class EntityMerger:
    def __init__(self, keys, model_labels, strip_start, strip_end):
        self.keys = keys
        self.model_labels = model_labels
        self.strip_start = set(strip_start) | set(lexicons.persons()["honorifics"])
        self.strip_end = set(strip_end)
        self.states = lexicons.states().aliases
        self.place_words = frozenset(lexicons.persons().get("place_words", []))

    def _trim(self, doc: Doc, s: int, e: int) -> tuple[int, int]:
        while s < e and (doc[s].text in self.strip_start or doc[s].is_punct or doc[s].is_space):
            s += 1
        while e > s and (doc[e - 1].text in self.strip_end or doc[e - 1].is_punct or doc[e - 1].is_space):
            e -= 1
        return s, e

    def __call__(self, doc: Doc) -> Doc:
        ours = [sp for key in self.keys for sp in doc.spans.get(key, [])]
        chosen = [Span(doc, s, e, label=sp.label_, kb_id=sp.kb_id_)
                  for sp in filter_spans(ours) for s, e in [self._trim(doc, sp.start, sp.end)] if e > s]
        taken = {i for sp in chosen for i in range(sp.start, sp.end)}
        for ent in doc.ents:
            label = self.model_labels.get(ent.label_)
            if label is None:
                continue
            s, e = self._trim(doc, ent.start, ent.end)
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
                if text in self.states and self.states[text][1] in ("name", "abbreviation"):
                    chosen.append(Span(doc, rs, re_, label="STATE", kb_id=self.states[text][0]))
                elif whole and label in ("PERSON", "ORG"):
                    chosen.append(Span(doc, rs, re_, label=label))
                elif not whole and all(t.is_title or t.text == "-" or t.is_lower and doc[t.i - 1].text == "-" for t in span) \
                        and sum(t.is_title for t in span) >= (1 if label == "PERSON" else 2) and all(t.pos_ == "PROPN" or t.text == "-" or t.is_lower for t in span):
                    chosen.append(Span(doc, rs, re_, label="PERSON" if label in ("PERSON", "STATE") else label))
                taken.update(range(rs, re_))
        chosen = filter_spans(chosen)
        # "Kim Il Sung Square": a name followed by a place word names a place, not a person
        chosen = [sp for sp in chosen if not (sp.label_ == "PERSON" and sp.end < len(doc) and doc[sp.end].text in self.place_words)
                  and not (sp.label_ == "PERSON" and all(t.text in self.place_words for t in sp))]
        # a one-word ORG or STATE guess that is the surname of a person named
        # in the document is that person ("Biden" after "Joe Biden")
        surnames = {sp[-1].text for sp in chosen if sp.label_ == "PERSON" and len(sp) > 1}
        surnames |= {sp[0].text for sp in chosen if sp.label_ == "PERSON" and len(sp) > 1}
        doc.ents = [Span(doc, sp.start, sp.end, label="PERSON") if len(sp) == 1 and sp.label_ == "ORG"
                    and not sp.kb_id_ and sp.text in surnames else sp for sp in chosen]
        return doc
