"""The attribution tagger's BIO tags decoded into (source, cue, content) token spans."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc


@dataclass(frozen=True)
class TaggedSpan:
    role: str  # SRC | CUE | CNT
    start: int  # token offsets in the Doc
    end: int


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
