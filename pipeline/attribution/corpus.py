"""Training data for the attribution tagger, and the corpus reader spaCy's training uses.

Each document is stored parsed by the pretrained model (so the tagger can use
its part-of-speech tags and dependency labels as features, as it does at run
time), with the attribution tags of every token in ``doc.user_data``.
The reader ``newsgraph.attribution_corpus.v1`` pairs that parsed document
(the *predicted* side) with a copy whose ``tag_`` holds the attribution tags
(the *reference* side the tagger learns from).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from .labels import token_tags
from .polnear import PolnearDoc

TAGS_KEY = "attribution_tags"
MAX_TOKENS = 400  # long documents are cut at sentence ends into pieces of about this size


def tagged_docs(nlp: Language, docs: Iterable[PolnearDoc], n_process: int = 1) -> Iterator[Doc]:
    """Parse PolNeAR documents and attach the attribution tags of their tokens."""
    docs = list(docs)
    for pdoc, doc in zip(docs, nlp.pipe((d.text for d in docs), n_process=n_process, batch_size=8)):
        roles = [(role, s, e, k)
                 for k, att in enumerate(pdoc.attributions)
                 for role, frags in (("SRC", att.source), ("CUE", att.cue), ("CNT", att.content))
                 for s, e in frags]
        doc.user_data[TAGS_KEY] = token_tags([(t.idx, t.idx + len(t)) for t in doc], roles)
        doc.user_data["doc_id"] = pdoc.doc_id
        yield doc


def pieces(doc: Doc, max_tokens: int = MAX_TOKENS) -> Iterator[tuple[int, int]]:
    """(start, end) token ranges at sentence boundaries, about ``max_tokens`` long."""
    start = 0
    for sent in doc.sents:
        if sent.end - start > max_tokens and sent.start > start:
            yield start, sent.start
            start = sent.start
    if start < len(doc):
        yield start, len(doc)


def example_pairs(doc: Doc, vocab) -> Iterator[Example]:
    tags = doc.user_data[TAGS_KEY]
    for s, e in pieces(doc):
        pred = doc[s:e].as_doc()
        ref = Doc(vocab, words=[t.text for t in pred], spaces=[bool(t.whitespace_) for t in pred], tags=tags[s:e])
        yield Example(pred, ref)


@spacy.registry.readers("newsgraph.attribution_corpus.v1")
def attribution_corpus(path: Path) -> Callable[[Language], Iterator[Example]]:
    def read(nlp: Language) -> Iterator[Example]:
        db = DocBin().from_disk(path)
        for doc in db.get_docs(nlp.vocab):
            yield from example_pairs(doc, nlp.vocab)

    return read
