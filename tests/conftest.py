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


@pytest.fixture(scope="session")
def tagger():
    """The shipped attribution tagger (loaded once)."""
    from pipeline.core.config import Settings
    from pipeline.relations.stage import load_tagger

    return load_tagger(Settings())


@pytest.fixture(scope="session")
def statement_rows(nlp, tagger):
    """``go(text, use_tagger=True)``: the statements of a made-up text through the whole per-document path
    (model, recognisers, entity ids, extraction, speaker resolution, targets), one dict each."""
    from pipeline.ner.resolve import annotate
    from pipeline.relations.stage import doc_statements

    def go(text: str, use_tagger: bool = True) -> list[dict]:
        doc = nlp(text)
        annotate(doc, "t")
        return [{"speaker": doc[s.speaker[0]:s.speaker[1]].text if s.speaker else "",
                 "cue": doc[s.cue[0]:s.cue[1]].text if s.cue else "",
                 "content": doc[s.content[0]:s.content[1]].text, "ids": sids, "targets": tids,
                 "origin": s.origin, "why": s.speaker_resolution}
                for s, sids, tids in doc_statements(doc, tagger if use_tagger else None)]
    return go


def by_content(found: list[dict], words: str) -> dict:
    """The first statement whose content holds ``words`` (fails listing what was found)."""
    hits = [s for s in found if words in s["content"]]
    assert hits, [(s["speaker"], s["cue"], s["content"]) for s in found]
    return hits[0]


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


def check_offset_map(raw: str, clean: str, om) -> None:
    """The invariants of a clean text's OffsetMap (pipeline.core.document): regions in order and
    inside both texts, copied text between them the same, monotonic, unaltered spans read the same."""
    import random

    assert om.clean_len == len(clean) and om.raw_len == len(raw)
    # copied text between altered regions is the same in both texts
    c_prev = r_prev = 0
    for c0, c1, r0, r1 in om.regions:
        assert c_prev <= c0 <= c1 <= len(clean) and r_prev <= r0 <= r1 <= len(raw), om.regions
        assert c0 - c_prev == r0 - r_prev >= 0
        assert clean[c_prev:c0] == raw[r_prev:r0]
        c_prev, r_prev = c1, r1
    assert clean[c_prev:] == raw[r_prev:]
    # monotonic: later clean offsets never map to earlier raw offsets
    starts = [om.start_to_raw(i) for i in range(len(clean) + 1)]
    ends = [om.end_to_raw(i) for i in range(len(clean) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= x <= len(raw) for x in starts + ends)
    for i in range(len(clean)):
        assert starts[i] <= ends[i + 1]  # a one-character span never maps backwards
    # every unaltered span reads identically; every span maps inside the raw text
    rng = random.Random(len(raw))
    for _ in range(60):
        s = rng.randrange(len(clean) + 1)
        e = rng.randrange(s, len(clean) + 1)
        rs, re_ = om.to_raw(s, e)
        assert 0 <= rs <= re_ <= len(raw)
        if om.is_unaltered(s, e):
            assert raw[rs:re_] == clean[s:e]
            if e > s:
                assert om.to_clean(rs, re_) == (s, e)
