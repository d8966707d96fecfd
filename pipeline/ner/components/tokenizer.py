"""Two fixes to the pretrained tokenizer for news copy, applied by `build_nlp` before our components.

- A Korean surname is never split as a contraction: the English exceptions
  read `Im` as `I'm` (`I` + `m`), which breaks `Im Eul-chul` at the start of
  a sentence. The surnames are those of ``persons.toml``.
- An opening quote glued to the end of the previous sentence (`dismiss.“North
  Korea’s ...`, as some outlets publish paragraphs run together) is a token
  of its own, so that the name after it is a token too.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex, registry

from pipeline.core import lexicons

GLUED_OPENING_QUOTE = r"(?<=[.!?;:,])[“‘\"«](?=\w)"


def adapt_tokenizer(nlp: Language, persons: dict | None = None) -> None:
    """Called once by :func:`pipeline.ner.nlp.build_nlp`, before the components are initialized.

    ``persons``: a mapping with ``korean_surnames`` (None: ``lexicons.persons()``). The adapted
    rules and infix pattern are part of the tokenizer's own serialisation, so a pipeline saved
    with ``nlp.to_disk`` loads with them and without this function."""
    tok = nlp.tokenizer
    if not hasattr(tok, "rules") or not hasattr(tok, "infix_finditer"):
        return
    surnames = set((lexicons.persons() if persons is None else persons).get("korean_surnames", []))
    rules = tok.rules or {}
    if any(s in rules for s in surnames):
        tok.rules = {k: v for k, v in rules.items() if k not in surnames}
    tok.infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes or []) + [GLUED_OPENING_QUOTE]).finditer


@registry.callbacks("newsgraph.adapt_tokenizer.v1")
def make_adapt_tokenizer():
    """The adaptation as a config callback, for a pipeline built from a config:
    ``[initialize] before_init = {"@callbacks": "newsgraph.adapt_tokenizer.v1"}``."""
    return adapt_tokenizer
