"""The executor: caching and incremental runs, and outputs that do not depend on where the
per-document work ran (this process, a pool of processes, a Dask cluster)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import KCNA, SEEDS, run_cli

from pipeline.clean import stage as clean_stage
from pipeline.core.config import Settings
from pipeline.core.executor import (Item, LocalExecutor, Outcome, ProcessExecutor, StageError, make_executor,
                                    run_stage)

OUTPUTS = ("tables/documents.csv", "tables/mentions.csv", "tables/entities.csv", "tables/statements.csv",
           "tables/relations.csv", "tables/events.csv", "graph/graph.gexf", "graph/states.gexf")


def _raw(base: Path, files: list[Path]) -> Path:
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for p in files:
        shutil.copy(p, raw / p.name)
    return raw


def _run(raw: Path, out: Path, *extra: str) -> dict:
    r = run_cli("run", "--input", str(raw), "--output", str(out), "-q", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def _outputs(out: Path) -> dict[str, bytes]:
    """The outputs, with the run's own raw folder (in documents.csv) written as RAW."""
    raw = str(out.parent / "raw").encode()
    return {name: (out / name).read_bytes().replace(raw, b"RAW") for name in OUTPUTS}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("local")
    out = base / "out"
    report = _run(_raw(base, SEEDS + KCNA), out, "--executor", "local")
    assert report["executor"] == "local" and report["stages"]["ner"]["processed"] == len(SEEDS + KCNA)
    return out


def test_a_second_run_parses_nothing_and_a_new_article_only_itself(tmp_path: Path):
    raw = _raw(tmp_path, SEEDS + KCNA[:1])
    out = tmp_path / "out"
    first = _run(raw, out, "--workers", "1")
    assert {s: first["stages"][s]["processed"] for s in ("clean-text", "ner", "relations")} == \
        {"clean-text": 3, "ner": 3, "relations": 3}
    before = _outputs(out)
    again = _run(raw, out, "--workers", "1")
    assert all(again["stages"][s]["processed"] == 0 for s in ("clean-text", "ner", "relations"))
    assert again["stages"]["ner"]["unchanged"] == 3 and _outputs(out) == before
    shutil.copy(KCNA[1], raw / KCNA[1].name)
    third = _run(raw, out, "--workers", "1")
    assert {s: third["stages"][s]["processed"] for s in ("clean-text", "ner", "relations")} == \
        {"clean-text": 1, "ner": 1, "relations": 1}
    assert KCNA[1].stem in (out / "tables" / "documents.csv").read_text(encoding="utf-8")
    (raw / KCNA[1].name).unlink()  # a removed article: its shards go, the tables are as before
    fourth = _run(raw, out, "--workers", "1")
    assert fourth["stages"]["ner"]["removed"] == 2 and fourth["stages"]["ner"]["processed"] == 0
    assert _outputs(out) == before


def test_a_pool_of_processes_gives_the_same_outputs(tmp_path: Path, local_run: Path):
    out = tmp_path / "out"
    report = _run(_raw(tmp_path, SEEDS + KCNA), out, "--workers", "2", "--batch-docs", "1")
    assert report["executor"] == "processes" and report["workers"] == 2
    assert _outputs(out) == _outputs(local_run)


def test_a_dask_cluster_gives_the_same_outputs(tmp_path: Path, local_run: Path):
    """A running 2-worker cluster reached by its scheduler's address, as on a real cluster."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        out = tmp_path / "out"
        report = _run(_raw(tmp_path, SEEDS + KCNA), out, "--executor", "dask", "--scheduler", cluster.scheduler_address,
                      "--batch-docs", "1")
    assert report["executor"] == "dask" and report["workers"] == 2
    assert _outputs(out) == _outputs(local_run)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path):
    pytest.importorskip("distributed")
    r = run_cli("run", "--input", str(_raw(tmp_path, SEEDS[:1])), "--output", str(tmp_path / "out"),
                "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "-q")
    assert r.returncode == 2 and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in r.stderr


def test_work_that_cannot_go_to_another_process_is_refused_before_it_starts():
    ex = ProcessExecutor(2)
    with pytest.raises(StageError, match="cannot be sent to another process"):
        list(ex.map(lambda settings, context, items: [], [(None, None, [])]))
    assert ex._pool is None  # nothing was started
    ex.close()


def test_bad_executor_settings_are_clear_errors():
    with pytest.raises(StageError, match="unknown executor 'threads'"):
        make_executor("threads", 2)
    with pytest.raises(StageError, match="--scheduler needs --executor dask"):
        make_executor("processes", 2, "tcp://127.0.0.1:8786")
    assert isinstance(make_executor("auto", 1), LocalExecutor)
    assert isinstance(make_executor("auto", 3), ProcessExecutor)


def _crashing_batch(settings, context, items):
    if any(it.name.startswith("kcna_2024-05-30") for it in items):
        raise MemoryError("worker ran out of memory")
    return clean_stage.process_batch(settings, context, items)


class _CrashingClean(clean_stage.CleanStage):
    process = staticmethod(_crashing_batch)


def test_a_worker_that_fails_fails_only_the_documents_it_held(tmp_path: Path):
    raw = _raw(tmp_path, KCNA)
    settings = Settings(input_dir=raw, output_dir=tmp_path / "out", quiet=True, batch_docs=1)
    report = run_stage(_CrashingClean(), settings, LocalExecutor())
    assert report.counts == {"ok": 2, "skipped": 0, "error": 1}
    rows = (tmp_path / "out" / "tables" / "documents.csv").read_text(encoding="utf-8")
    assert "the worker failed: MemoryError: worker ran out of memory" in rows
    assert all(isinstance(o, (Item, Outcome)) for o in clean_stage.STAGE.plan(settings, "fp"))


def test_a_changed_lexicon_redoes_exactly_the_stages_that_read_it(tmp_path: Path, monkeypatch):
    from importlib import resources

    article = tmp_path / "grumble.txt"
    article.write_text("Seoul, March 3 -- South Korea's foreign minister grumbled that the talks had stalled.\n\n"
                       "The minister said the two sides would meet again in April.\n", encoding="utf-8")
    raw = _raw(tmp_path, SEEDS + [article])
    out = tmp_path / "out"
    _run(raw, out, "--executor", "local")
    assert "grumbled" not in (out / "tables" / "statements.csv").read_text(encoding="utf-8")
    # a user's cue lexicon (NEWSGRAPH_DATA) with one more reporting verb: only the statements are redone
    data = tmp_path / "data"
    data.mkdir()
    cues = (resources.files("pipeline") / "data" / "cues.toml").read_text(encoding="utf-8")
    (data / "cues.toml").write_text(cues.replace('clause_quote = [\n', 'clause_quote = [\n  "grumble",\n', 1),
                                    encoding="utf-8")
    monkeypatch.setenv("NEWSGRAPH_DATA", str(data))
    report = _run(raw, out, "--executor", "local")
    assert {s: report["stages"][s]["processed"] for s in ("clean-text", "ner", "relations")} == \
        {"clean-text": 0, "ner": 0, "relations": 3}
    assert "grumbled" in (out / "tables" / "statements.csv").read_text(encoding="utf-8")
    # a state lexicon changed: the parse and everything after it
    states = (resources.files("pipeline") / "data" / "states.csv").read_text(encoding="utf-8")
    assert states.endswith("\n")
    (data / "states.csv").write_text(states + "FRE,Freedonia,name,Freedonia\n", encoding="utf-8")
    report = _run(raw, out, "--executor", "local")
    assert {s: report["stages"][s]["processed"] for s in ("clean-text", "ner", "relations")} == \
        {"clean-text": 0, "ner": 3, "relations": 3}


def test_dask_without_an_address_starts_a_local_cluster(tmp_path: Path):
    pytest.importorskip("distributed")
    from pipeline.core.executor import DaskExecutor

    raw = _raw(tmp_path, SEEDS + KCNA)
    local = Settings(input_dir=raw, output_dir=tmp_path / "local", quiet=True)
    run_stage(clean_stage.STAGE, local, LocalExecutor())
    ex = make_executor("dask", 2)
    try:
        assert isinstance(ex, DaskExecutor) and ex.workers == 2
        report = run_stage(clean_stage.STAGE, Settings(input_dir=raw, output_dir=tmp_path / "dask", quiet=True,
                                                       batch_docs=1), ex)
    finally:
        ex.close()
    assert report.processed == 5 and report.counts["ok"] == 5
    for p in sorted((tmp_path / "local" / "clean").glob("*.json")):
        assert (tmp_path / "dask" / "clean" / p.name).read_bytes() == p.read_bytes()


def _dying_batch(settings, context, items):
    import os
    import signal

    if any(it.name.startswith("kcna_2024-05-30") for it in items):
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    return clean_stage.process_batch(settings, context, items)


class _DyingClean(clean_stage.CleanStage):
    process = staticmethod(_dying_batch)


def test_a_worker_killed_by_the_system_costs_only_the_document_that_killed_it(tmp_path: Path):
    raw = _raw(tmp_path, KCNA + SEEDS)
    settings = Settings(input_dir=raw, output_dir=tmp_path / "out", quiet=True, batch_docs=2)
    ex = ProcessExecutor(2)
    try:
        report = run_stage(_DyingClean(), settings, ex)
    finally:
        ex.close()
    assert report.counts == {"ok": len(KCNA + SEEDS) - 1, "skipped": 0, "error": 1}
    rows = (tmp_path / "out" / "tables" / "documents.csv").read_text(encoding="utf-8")
    assert rows.count("its worker process died") == 1 and "kcna_2024-05-30" in rows
