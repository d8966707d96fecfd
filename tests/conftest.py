"""Shared fixtures. Tests that need ../shared (gold, PolNeAR) skip cleanly without it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSGRAPH_SHARED", REPO.parent / "shared"))
DATA = Path(__file__).resolve().parent / "data"
SEEDS = sorted((REPO / "raw").glob("*.txt"))
KCNA = sorted((DATA / "kcna").glob("*.txt"))


def read_raw(path: Path) -> str:
    """A raw file as SCHEMA.md defines raw offsets: UTF-8, universal newlines."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not there (it is beside the project in CI only)")
    return SHARED


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m pipeline ARGS` as a user would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline: pretrained model + newsgraph's components (loaded once)."""
    from pipeline.core.config import DEFAULT_MODEL
    from pipeline.ner.nlp import build_nlp

    return build_nlp(DEFAULT_MODEL)


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


def pipeline_run(base: Path, files: list[Path], stages: tuple = ("clean-text", "ner", "relations", "export")) -> Path:
    """Copy ``files`` into ``base/raw`` and run the named stages into ``base/out``; returns ``base/out``."""
    import shutil

    from pipeline.clean import stage as clean_stage
    from pipeline.export import stage as export
    from pipeline.ner import stage as ner
    from pipeline.relations import stage as relations
    from pipeline.core.config import Settings

    runners = {"clean-text": clean_stage.run, "ner": ner.run, "relations": relations.run, "export": export.run}
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for p in files:
        shutil.copy(p, raw / p.name)
    settings = Settings(input_dir=raw, output_dir=base / "out", quiet=True)
    for name in stages:
        runners[name](settings)
    return base / "out"


def csv_rows(path: Path) -> list[dict]:
    """A CSV table as a list of dicts, every cell a string."""
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
