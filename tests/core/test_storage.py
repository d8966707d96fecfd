"""Writes: atomic, and a full disk or a read-only output is one clear error naming the file,
with nothing half-written left behind."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from pipeline.core import storage
from pipeline.core.storage import AtomicCSV, OutputError, describe_os_error, write_text_atomic


def _fail_on(monkeypatch, name: str, err: int) -> None:
    def boom(*a, **k):
        raise OSError(err, os.strerror(err))
    monkeypatch.setattr(storage.os, name, boom)


@pytest.mark.parametrize("call,err", [("fsync", errno.ENOSPC), ("replace", errno.EROFS), ("fsync", errno.EDQUOT)])
def test_a_failed_write_names_the_file_and_leaves_the_old_one(tmp_path: Path, monkeypatch, call, err):
    target = tmp_path / "tables" / "statements.csv"
    write_text_atomic(target, "old\n")
    _fail_on(monkeypatch, call, err)
    with pytest.raises(OutputError) as info:
        write_text_atomic(target, "new\n")
    assert describe_os_error(info.value) == f"cannot write {target}: {os.strerror(err)}"
    assert target.read_text() == "old\n"
    assert [p.name for p in target.parent.iterdir()] == ["statements.csv"]  # no temporary file left


def test_a_table_that_does_not_fit_is_not_left_half_written(tmp_path: Path, monkeypatch):
    target = tmp_path / "events.csv"
    write_text_atomic(target, "a,b\n1,2\n")
    with pytest.raises(OutputError, match="cannot write .*events.csv: No space left on device"):
        with AtomicCSV(target, ["a", "b"]) as out:
            out.write({"a": 3, "b": 4})
            _fail_on(monkeypatch, "fsync", errno.ENOSPC)
    assert target.read_text() == "a,b\n1,2\n" and [p.name for p in tmp_path.iterdir()] == ["events.csv"]


def test_an_output_error_crosses_process_boundaries_intact():
    import pickle

    e = OutputError(errno.ENOSPC, "No space left on device", "/out/nlp/a.spacy")
    back = pickle.loads(pickle.dumps(e))
    assert isinstance(back, OutputError) and str(back) == "cannot write /out/nlp/a.spacy: No space left on device"


# -- CSV cells safe in a spreadsheet -----------------------------------------------------------
from hypothesis import given, strategies as st  # noqa: E402

from pipeline.core.storage import read_rows, read_table, spreadsheet_safe, spreadsheet_value, write_csv  # noqa: E402


def test_formula_like_text_is_inert_in_a_spreadsheet_and_reads_back_as_written(tmp_path: Path):
    rows = [{"content": '=HYPERLINK("http://evil.example","click")', "goldstein": "-2.5"},
            {"content": "+44 20 7946 0958 is the embassy's number", "goldstein": "+1"},
            {"content": "@minister replied", "goldstein": ""},
            {"content": "-- and then nothing", "goldstein": "3.0"},
            {"content": "'We will not give in,' she said", "goldstein": "1e3"},
            {"content": "'=already quoted", "goldstein": "-"}]
    path = tmp_path / "statements.csv"
    write_csv(path, ["content", "goldstein"], rows)
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        cells = [r for r in csv.DictReader(fh)]
    for cell in cells:  # what a spreadsheet opens
        assert not cell["content"].startswith(tuple("=+-@\t\r")), cell
        assert cell["goldstein"] in ("-2.5", "+1", "", "3.0", "1e3", "'-")
    assert cells[4]["content"] == "'We will not give in,' she said"  # ordinary quotation left alone
    assert read_rows(path) == rows
    assert read_table(path).to_dict("records") == rows


@given(st.text(max_size=30))
def test_the_spreadsheet_escape_is_reversible_and_never_leaves_a_formula(value):
    cell = spreadsheet_safe(value)
    assert spreadsheet_value(cell) == value
    if cell[:1] and cell[0] in "=@\t\r":
        raise AssertionError(f"{cell!r} would run as a formula")
    if cell[:1] in ("+", "-"):
        float(cell)  # only a number may start so


def test_what_a_killed_run_left_is_swept_and_nothing_else(tmp_path: Path):
    from pipeline.core.storage import sweep_temporary

    keep = [tmp_path / "tables" / "statements.csv", tmp_path / "nlp" / "a.spacy", tmp_path / ".newsgraph.lock",
            tmp_path / "nlp-model" / "meta.json", tmp_path / "raw" / ".hidden article.txt"]
    junk = [tmp_path / "tables" / ".statements.csv.x1y2.tmp", tmp_path / ".run.json.abc.tmp",
            tmp_path / ".nlp-model.tmp-k3j4" / "ner" / "model", tmp_path / ".nlp-model.old-1a2b3c4d" / "meta.json"]
    for p in keep + junk:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    assert sweep_temporary(tmp_path) == 4
    assert all(p.exists() for p in keep)
    assert not any(p.exists() for p in junk) and not (tmp_path / ".nlp-model.tmp-k3j4").exists()
