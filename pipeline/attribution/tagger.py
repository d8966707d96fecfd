"""Apply the trained attribution tagger to a parsed ``Doc`` and decode its tags.

The tagger has its own small pipeline (``tok2vec`` + ``tagger``) whose
``tag_`` would overwrite the part-of-speech tags, so it runs on a copy of the
document that carries the features it was trained with (words, POS tags,
dependency labels), in pieces of whole sentences as in training.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from .corpus import pieces


@dataclass(frozen=True)
class TaggedSpan:
    role: str  # SRC | CUE | CNT
    start: int  # token offsets in the Doc
    end: int


class AttributionTagger:
    def __init__(self, model_dir: Path):
        import spacy

        self.nlp = spacy.load(model_dir)
        self.fingerprint = json.dumps(self.nlp.meta.get("performance", {}), sort_keys=True)

    def tags(self, doc: Doc) -> list[str]:
        out: list[str] = []
        copies = []
        for s, e in pieces(doc):
            span = doc[s:e]
            copies.append(Doc(self.nlp.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span],
                              tags=[t.tag_ for t in span], deps=[t.dep_ or "dep" for t in span],
                              heads=[t.head.i - s if s <= t.head.i < e else t.i - s for t in span]))
        for c in self.nlp.pipe(copies):
            out.extend(t.tag_ for t in c)
        return out


def decode(tags: list[str], doc: Doc) -> list[TaggedSpan]:
    """Contiguous runs of one role; ``B-`` starts a new run. Space tokens at the edges are dropped."""
    spans: list[TaggedSpan] = []
    cur_role, cur_start = None, 0
    for i, tag in enumerate(tags + ["O"]):
        bio, _, role = tag.partition("-")
        if cur_role is not None and (tag == "O" or bio == "B" or role != cur_role):
            s, e = cur_start, i
            while s < e and doc[s].is_space:
                s += 1
            while e > s and doc[e - 1].is_space:
                e -= 1
            if e > s:
                spans.append(TaggedSpan(cur_role, s, e))
            cur_role = None
        if tag != "O" and cur_role is None:
            cur_role, cur_start = role, i
    return spans
