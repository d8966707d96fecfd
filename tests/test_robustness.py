"""Runs that survive hostile input, kills, full disks and each other (issue 13), end to end
through the command line as a user runs it."""
from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import KCNA, REPO, SEEDS

from pipeline.core.storage import read_rows

sys.path.insert(0, str(REPO / "scripts"))
from hostile_corpus import build as build_hostile  # noqa: E402

# run.json has the run's timings; the lock file its holder
VOLATILE = {"run.json", ".newsgraph.lock"}


def _cmd(raw: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", "--input", str(raw), "--output", str(out), "-q", *extra]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in VOLATILE}


def _corpus(base: Path, extra: int = 8) -> Path:
    raw = base / "raw"
    raw.mkdir()
    for p in SEEDS + KCNA:
        (raw / p.name).write_bytes(p.read_bytes())
    for i in range(extra):
        (raw / f"brief_{i}.txt").write_text(
            f"GENEVA, March {i + 3} -- The foreign minister of Norway said on Tuesday that talks would resume. "
            f'"We expect progress by the end of the month," she told reporters. Item {i}.\n', encoding="utf-8")
    return raw


def test_a_run_killed_at_random_moments_resumes_to_the_same_outputs(tmp_path: Path):
    raw = _corpus(tmp_path)
    ref = tmp_path / "reference"
    t0 = time.monotonic()
    subprocess.run(_cmd(raw, ref, "--workers", "2"), env=_env(), check=True, timeout=600, cwd=REPO)
    full = time.monotonic() - t0
    seed = int(time.time())
    rng = random.Random(seed)
    out = tmp_path / "killed"
    kills = sorted(rng.uniform(0.3, full) for _ in range(3))
    states = []
    for at in kills:
        p = subprocess.Popen(_cmd(raw, out, "--workers", "2"), env=_env(), cwd=REPO, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p.wait(timeout=at)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)  # the run and its workers, as the kernel or a reboot would
            p.wait()
        if (out / "run.json").exists():
            states.append(json.loads((out / "run.json").read_text())["status"])
    assert "complete" not in states[:1] or kills[0] > full * 0.9, states  # a killed run never claims to be complete
    r = subprocess.run(_cmd(raw, out, "--workers", "2"), env=_env(), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    want, got = _tree(ref), _tree(out)
    assert sorted(got) == sorted(want), f"seed {seed}, kills at {kills}"
    differ = [k for k in want if want[k] != got[k]]
    assert not differ, f"seed {seed}, kills at {[round(k, 1) for k in kills]}: {differ[:5]}"


def test_a_full_disk_stops_the_run_with_one_line_and_a_later_run_finishes_it(tmp_path: Path, monkeypatch, capsys):
    from pipeline import __main__ as cli
    from pipeline.core import storage

    raw = _corpus(tmp_path, extra=2)
    out = tmp_path / "out"
    real_fsync, calls = os.fsync, {"n": 0}
    n_docs = len(list(raw.iterdir()))

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > n_docs + 4:  # the disk fills up after the clean-text stage
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(storage.os, "fsync", fsync)
    assert cli.main(["run", "--input", str(raw), "--output", str(out), "-q", "--executor", "local"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot write " + str(out) in err[0] and "No space left on device" in err[0], err
    assert not list(out.rglob(".*.tmp"))  # nothing half-written
    monkeypatch.setattr(storage.os, "fsync", real_fsync)
    assert json.loads((out / "run.json").read_text())["status"] != "complete"
    assert cli.main(["run", "--input", str(raw), "--output", str(out), "-q", "--executor", "local"]) == 0
    ref = tmp_path / "ref"
    assert cli.main(["run", "--input", str(raw), "--output", str(ref), "-q", "--executor", "local"]) == 0
    assert _tree(out) == _tree(ref)


def test_a_read_only_output_is_one_clear_error(tmp_path: Path, monkeypatch, capsys):
    from pipeline import __main__ as cli
    from pipeline.core import storage

    raw = _corpus(tmp_path, extra=0)
    out = tmp_path / "out"
    out.mkdir()

    def mkstemp(*a, **k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), k.get("dir"))

    monkeypatch.setattr(storage.tempfile, "mkstemp", mkstemp)  # as on a read-only mount (we run as root in CI)
    assert cli.main(["run", "--input", str(raw), "--output", str(out), "-q", "--executor", "local"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Read-only file system" in err[0] and f"cannot write {out}" in err[0], err


def _peak_tree_rss(p: subprocess.Popen) -> float:
    """Poll the resident memory of a process and its children until it ends; the peak sum in MB."""
    import psutil

    peak = 0.0
    proc = psutil.Process(p.pid)
    while p.poll() is None:
        try:
            procs = [proc] + proc.children(recursive=True)
            peak = max(peak, sum(q.memory_info().rss for q in procs if q.is_running()) / 1e6)
        except psutil.Error:
            pass
        time.sleep(0.1)
    return peak


def test_a_hostile_folder_finishes_with_every_document_accounted_for(tmp_path: Path):
    raw = build_hostile(tmp_path / "raw", normal=3, tiny=40, long_line_mb=5.0)
    out = tmp_path / "out"
    p = subprocess.Popen(_cmd(raw, out, "--workers", "2"), env=_env(), cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = _peak_tree_rss(p)
    stdout, stderr = p.communicate(timeout=900)
    assert p.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert peak < 4000, f"peak memory {peak:.0f} MB"
    docs = {Path(r["source_path"]).name: r for r in read_rows(out / "tables" / "documents.csv")}
    entries = {p.name for p in raw.iterdir()}
    assert set(docs) == entries  # nothing silently dropped
    for name, row in docs.items():
        assert row["status"] in ("ok", "skipped", "error")
        assert (row["status"] == "ok") == (row["error"] == ""), row
    assert docs["long_line.txt"]["status"] == "skipped" and "--max-chars" in docs["long_line.txt"]["error"]
    assert docs["passwd.txt"]["status"] == "skipped"
    statements = read_rows(out / "tables" / "statements.csv")
    with open(out / "relations" / "long_sentence.json", encoding="utf-8") as fh:
        assert "--max-sentence-words" in json.load(fh)["error"]
    assert statements
    by_doc = {r["doc_id"]: r for r in docs.values()}
    for s in statements:  # every span reads, in its raw file, the characters the table gives
        src = Path(by_doc[s["doc_id"]]["source_path"])
        if not src.is_absolute():
            src = REPO / src
        enc = by_doc[s["doc_id"]].get("encoding") or "utf-8"
        text = src.read_bytes().decode(enc).replace("\r\n", "\n").replace("\r", "\n")
        assert text[int(s["content_start"]):int(s["content_end"])] == s["content"]
