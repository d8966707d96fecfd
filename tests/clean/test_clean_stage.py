"""The clean-text stage as a user runs it: bad input, re-runs, atomic writes, the CLI."""
from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import KCNA, REPO, SEEDS, run_cli
from pipeline.clean import stage as clean_stage
from pipeline.core.config import Settings
from pipeline.core.document import CleanDocument
from pipeline.core.storage import write_bytes_atomic


def read_rows(out: Path) -> dict[str, dict]:
    with open(out / "tables" / "documents.csv", encoding="utf-8", newline="") as fh:
        return {r["doc_id"]: r for r in csv.DictReader(fh)}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in SEEDS + KCNA[:1]:
        shutil.copy(p, raw / p.name)
    return raw


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()}


def test_bad_inputs_get_a_row_a_message_and_the_run_goes_on(corpus: Path, tmp_path: Path):
    (corpus / "undecodable.txt").write_bytes("Kim Yo Jong said \u201cno\u201d.".encode("utf-8") + b" \xff\xfe caf\xe9")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "numbers.txt").write_text("2024 -- 12, 13, 14\n(0)\n-0-\n", encoding="utf-8")
    (corpus / "toolong.txt").write_text("The minister said so. " * 50_000, encoding="utf-8")  # 1.1 M characters
    (corpus / os.fsdecode(b"name\xff.txt")).write_text("The minister said so.", encoding="utf-8")
    with open(corpus / "huge.txt", "wb") as fh:  # 50 MB
        fh.write(b"North Korea said so. " * (50 * 1024 * 1024 // 21 + 1))
    out = tmp_path / "out"
    proc = run_cli("clean-text", "--input", str(corpus), "--output", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    rows = read_rows(out)
    expect = {
        "undecodable": ("error", "not valid UTF-8: byte 0xff at offset"),
        "empty": ("skipped", "empty file"),
        "binary": ("skipped", "binary file"),
        "numbers": ("skipped", "no letters"),
        "toolong": ("skipped", "1,100,000 characters, over 1,000,000 (--max-chars)"),
        "name\\xff": ("skipped", "the file name is not valid UTF-8"),
        "huge": ("skipped", "MB, over the"),
    }
    for doc_id, (status, reason) in expect.items():
        assert rows[doc_id]["status"] == status, rows[doc_id]
        assert reason in rows[doc_id]["error"]
        assert "\n" not in rows[doc_id]["error"]
        # one line on stderr for each bad document, naming it
        lines = [ln for ln in proc.stderr.splitlines() if f"{doc_id}.txt" in ln]
        assert len(lines) == 1 and status in lines[0], proc.stderr
        if doc_id == "name\\xff":  # not read at all: no shard
            assert not list((out / "clean").glob("name*"))
            continue
        rec = json.loads((out / "clean" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert rec["status"] == status and rec["text"] == ""
    # the good documents were cleaned all the same
    for p in SEEDS + KCNA[:1]:
        assert rows[p.stem]["status"] == "ok" and rows[p.stem]["error"] == ""
    assert len(rows) == len(list(corpus.glob("*.txt")))  # no document silently dropped
    # --strict turns failed documents into a failing exit status
    strict = run_cli("clean-text", "--input", str(corpus), "--output", str(out), "--quiet", "--strict")
    assert strict.returncode == 1
    assert "--strict" in strict.stderr.splitlines()[-1]


def test_documents_table_follows_the_schema(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    clean_stage.run(Settings(input_dir=corpus, output_dir=out, quiet=True))
    with open(out / "tables" / "documents.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:8] == ["doc_id", "source_path", "title", "date", "credit", "n_chars", "status", "error"]
    assert not (out / "tables" / "documents.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_rows(out)
    seed = SEEDS[0]
    raw = seed.read_text(encoding="utf-8")
    assert int(rows[seed.stem]["n_chars"]) == len(raw)
    doc = CleanDocument.loads((out / "clean" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    assert doc.source_path.endswith(seed.name) and len(doc.sha256) == 64
    # the stored map still maps: a phrase of the cleaned text reads the same in the raw file
    i = doc.text.index("Ri Son-gwon")
    s, e = doc.raw_span(i, i + len("Ri Son-gwon"))
    assert raw[s:e] == "Ri Son-gwon"


def test_second_run_rewrites_nothing_and_a_change_recleans_one_file(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    settings = Settings(input_dir=corpus, output_dir=out, quiet=True)
    first = clean_stage.run(settings)
    assert first.written == 3
    before = snapshot(out)
    second = clean_stage.run(settings)
    assert (second.written, second.unchanged) == (0, 3)
    assert snapshot(out) == before  # not one file rewritten, documents.csv included

    changed = SEEDS[0].stem
    path = corpus / f"{changed}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Thursday", "Friday"), encoding="utf-8")
    third = clean_stage.run(settings)
    assert third.written == 1
    after = snapshot(out)
    rewritten = {k for k in after if after[k] != before.get(k)}
    assert rewritten == {f"clean/{changed}.json", "tables/documents.csv"}

    # a raw file that is gone takes its output with it
    (corpus / f"{changed}.txt").unlink()
    fourth = clean_stage.run(settings)
    assert fourth.removed == 1 and not (out / "clean" / f"{changed}.json").exists()
    assert changed not in read_rows(out)


def test_a_crash_mid_write_leaves_no_half_written_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "clean" / "doc.json"
    write_bytes_atomic(target, b'{"old": true}')

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_bytes_atomic(target, b'{"new": true, "long": "' + b"x" * 100000 + b'"}')
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in target.parent.iterdir()] == ["doc.json"]  # no temp file left


def test_cli_errors_and_help(tmp_path: Path):
    proc = run_cli("clean-text", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "does not exist" in proc.stderr
    helptext = run_cli("--help").stdout
    assert "clean-text" in helptext and "run" in helptext


def test_progress_and_quiet(corpus: Path, tmp_path: Path):
    loud = run_cli("run", "--input", str(corpus), "--output", str(tmp_path / "a"))
    assert loud.returncode == 0 and "clean-text: 3 documents: 3 ok" in loud.stderr and "docs/s" in loud.stderr
    quiet = run_cli("run", "--input", str(corpus), "--output", str(tmp_path / "b"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_make_targets_run_the_stage(corpus: Path, tmp_path: Path):
    """The Makefile's RAW= and OUT= reach the stage (environment already set up)."""
    if not (REPO / ".venv" / ".newsgraph-installed").exists():
        pytest.skip("run through `make test`, which sets up .venv")
    import subprocess

    out = tmp_path / "out"
    proc = subprocess.run(["make", "-s", "-C", str(REPO), "clean-text", f"RAW={corpus}", f"OUT={out}",
                           "PIPELINE_ARGS=--quiet"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(read_rows(out)) == 3
    proc = subprocess.run(["make", "-s", "-C", str(REPO), "clean", f"OUT={out}"], capture_output=True, text=True)
    assert proc.returncode == 0 and not (out / "clean").exists() and not (out / "tables").exists()


def test_bom_and_any_newline_style_keep_schema_offsets(tmp_path: Path):
    """Raw offsets are indices into open(path, encoding="utf-8").read(), whatever the file's newlines."""
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    body = "Pyongyang, May 29 (KCNA) -- Kim Yo Jong said the ROK clans must stop.\n\nShe added nothing. -0-\n"
    files = {
        "bom_crlf": b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode("utf-8"),
        "old_mac": body.replace("\n", "\r").encode("utf-8"),
        "unix": body.encode("utf-8"),
    }
    for name, data in files.items():
        (raw_dir / f"{name}.txt").write_bytes(data)
    out = tmp_path / "out"
    clean_stage.run(Settings(input_dir=raw_dir, output_dir=out, quiet=True))
    for name in files:
        doc = CleanDocument.loads((out / "clean" / f"{name}.json").read_text(encoding="utf-8"))
        with open(raw_dir / f"{name}.txt", encoding="utf-8") as fh:
            raw = fh.read()
        assert doc.text == "Kim Yo Jong said the ROK clans must stop.\n\nShe added nothing."
        assert doc.n_chars == len(raw)
        for phrase in ("Kim Yo Jong", "ROK", "She added nothing."):
            i = doc.text.index(phrase)
            s, e = doc.raw_span(i, i + len(phrase))
            assert raw[s:e] == phrase
        (credit,) = doc.credits
        assert raw[credit.start:credit.end] == "KCNA"


def test_progress_lines_when_not_on_a_terminal(capsys):
    """Long runs in a log file still report documents done and the rate."""
    import logging

    from pipeline.core.progress import progress

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("newsgraph.clean-text")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        assert list(progress(range(3), desc="clean-text", log_every=0.0)) == [0, 1, 2]
        assert list(progress(range(3), desc="clean-text", quiet=True, log_every=0.0)) == [0, 1, 2]
    finally:
        logger.removeHandler(handler)
    messages = [r.getMessage() for r in records]
    assert messages[0].startswith("1/3 documents (") and "docs/s" in messages[0]
    assert len(messages) == 3  # nothing from the quiet run


def test_streamed_tables_are_atomic_and_idempotent(tmp_path: Path):
    from pipeline.core.storage import AtomicCSV

    path = tmp_path / "tables" / "mentions.csv"
    with AtomicCSV(path, ["doc_id", "text"]) as out:
        out.write({"doc_id": "a", "text": "Ri Son-gwon"})
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(RuntimeError):
        with AtomicCSV(path, ["doc_id", "text"]) as out:
            out.write({"doc_id": "b", "text": "half"})
            raise RuntimeError("killed mid-table")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert [p.name for p in path.parent.iterdir()] == ["mentions.csv"]
    with AtomicCSV(path, ["doc_id", "text"]) as out:
        out.write({"doc_id": "a", "text": "Ri Son-gwon"})
    assert not out.changed and path.stat().st_mtime_ns == before[1]


def test_cached_outputs_follow_the_code(tmp_path: Path, monkeypatch):
    """A stage's cache key includes its source: changed code redoes the documents."""
    import importlib
    import sys

    from pipeline.core.executor import code_fingerprint

    pkg = tmp_path / "fakestage"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "rules.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    before = code_fingerprint("fakestage", "fakestage.rules")
    (pkg / "rules.py").write_text("X = 2\n")
    assert code_fingerprint("fakestage", "fakestage.rules") != before
    sys.modules.pop("fakestage", None)


def test_links_out_of_the_input_folder_are_not_followed(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KCNA[0], raw / "article.txt")
    secret = tmp_path / "elsewhere" / "passwords.txt"
    secret.parent.mkdir()
    secret.write_text("root:hunter2 is the password of the server\n", encoding="utf-8")
    (raw / "outside.txt").symlink_to(secret)
    (raw / "inside.txt").symlink_to(raw / "article.txt")
    (raw / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (raw / "folder.txt").mkdir()
    out = tmp_path / "out"
    report = clean_stage.run(Settings(input_dir=raw, output_dir=out, quiet=True))
    rows = read_rows(out)
    assert {k: (v["status"], v["error"]) for k, v in rows.items() if v["status"] != "ok"} == {
        "outside": ("skipped", "a symbolic link to a file outside the input folder (not followed)"),
        "dangling": ("skipped", rows["dangling"]["error"]),
        "folder": ("skipped", "a directory, not a file"),
    }
    assert rows["dangling"]["error"].startswith("cannot resolve the link")
    assert rows["article"]["status"] == rows["inside"]["status"] == "ok"
    assert report.counts == {"ok": 2, "skipped": 3, "error": 0}
    written = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert "hunter2" not in written and not (out / "clean" / "outside.json").exists()
