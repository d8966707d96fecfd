"""``newsgraph_paragraphs``: a line break ends a sentence.

Placed before the parser, which respects boundaries set before it: a headline
(`Press Statement of ... Kim Yo Jong`) is never parsed into the sentence of
the next paragraph, and no sentence runs across paragraphs.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("newsgraph_paragraphs", assigns=["token.is_sent_start"])
def paragraphs(doc: Doc) -> Doc:
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if (prev.is_space and "\n" in prev.text) or "\n" in prev.whitespace_:
            if not tok.is_space:
                tok.is_sent_start = True
    return doc
