"""Atomic, idempotent file writes and content hashes.

Every output file is written to a temporary file in the same directory and
renamed over the target, so a crash never leaves a half-written file; a
write whose bytes equal the file already there touches nothing, so re-running
on unchanged input rewrites nothing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

# mkstemp creates files readable by the owner only; outputs get the usual mode
_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputError(OSError):
    """An output file could not be written (disk full, quota, read-only filesystem, permissions):
    the run cannot go on. ``filename`` is the file that was being written."""

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


def _output_error(exc: OSError, path: Path) -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    return OutputError(exc.errno, exc.strerror or str(exc), str(path))


def describe_os_error(exc: OSError) -> str:
    """One line for an operating-system error, naming the file."""
    if isinstance(exc, OutputError):
        return str(exc)
    if exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def temp_beside(path: Path) -> Path:
    """A new empty temporary file in ``path``'s folder (``.<name>.*.tmp``, the usual mode) for a
    writer that fills it and then calls :func:`commit_temp`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_UMASK)
        os.close(fd)
    except OSError as exc:
        raise _output_error(exc, path) from exc
    return Path(tmp)


def _same_bytes(a: Path, b: Path) -> bool:
    import filecmp

    try:
        return b.stat().st_size == a.stat().st_size and filecmp.cmp(a, b, shallow=False)
    except FileNotFoundError:
        return False


def commit_temp(tmp: Path, path: Path) -> bool:
    """Put the finished temporary file ``tmp`` in place of ``path`` (synced, renamed); when the bytes
    equal the file already there, drop ``tmp`` and leave that file untouched. Returns whether
    ``path`` changed. On failure ``tmp`` is removed and the error names ``path``."""
    try:
        if _same_bytes(tmp, path):
            os.unlink(tmp)
            return False
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return True
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _output_error(exc, path) from exc


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; returns False when it was already there."""
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(exc, OSError):
            raise _output_error(exc, path) from exc
        raise
    return True


def write_text_atomic(path: Path, text: str) -> bool:
    return write_bytes_atomic(path, text.encode("utf-8"))


def remove_stale_temp_files(directory: Path) -> None:
    """Remove temporary files a killed run may have left behind."""
    if directory.is_dir():
        for p in directory.glob(".*.tmp"):
            p.unlink(missing_ok=True)


# -- CSV: safe to open in a spreadsheet --------------------------------------------------------
# A cell that starts with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (CSV injection: `=HYPERLINK(...)` quoted in an article would become a live link or worse).
FORMULA_START = "=+-@\t\r"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value):
    """A CSV cell no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a
    leading apostrophe (what spreadsheets themselves use to mark a cell as text; OWASP's advice).
    Numbers stay numbers (``-2.5``). Reversible by :func:`spreadsheet_value`: a text that already
    starts with an apostrophe followed by one of those (or by another apostrophe) gets one too."""
    if not isinstance(value, str) or not value:
        return value
    c = value[0]
    if (c in FORMULA_START and not _NUMBER.fullmatch(value)) or \
            (c == "'" and len(value) > 1 and value[1] in FORMULA_START + "'"):
        return "'" + value
    return value


def spreadsheet_value(cell: str) -> str:
    """The value :func:`spreadsheet_safe` wrote as ``cell``."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START + "'":
        return cell[1:]
    return cell


def _safe_row(row: dict, columns: list[str]) -> dict:
    return {k: spreadsheet_safe(row.get(k, "")) for k in columns}


def sweep_temporary(output_dir: Path) -> int:
    """Remove what a killed run may have left anywhere under ``output_dir``: temporary files
    (``.<name>.*.tmp``, written then renamed) and temporary or replaced directories
    (``.<name>.tmp-*``, ``.<name>.old-*``: the saved spaCy pipeline). Only while holding the run
    lock (no other run is writing there). Returns how many were removed."""
    import shutil

    removed = 0
    for root, dirs, files in os.walk(output_dir):
        for name in files:
            if name.startswith(".") and name.endswith(".tmp"):
                Path(root, name).unlink(missing_ok=True)
                removed += 1
        for name in list(dirs):
            if name.startswith(".") and (".tmp-" in name or ".old-" in name):
                shutil.rmtree(Path(root, name), ignore_errors=True)
                dirs.remove(name)
                removed += 1
    return removed


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> bool:
    """A CSV table (UTF-8, no BOM, header row, cells safe in a spreadsheet), written atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(_safe_row(r, columns) for r in rows)
    return write_text_atomic(path, buf.getvalue())


class AtomicCSV:
    """Write a CSV row by row into a temporary file; on success it replaces ``path``
    (or is dropped when the bytes equal the file already there); on error nothing changes.

        with AtomicCSV(path, columns) as out:
            for row in rows:
                out.write(row)
    """

    def __init__(self, path: Path, columns: list[str]):
        self.path, self.columns = Path(path), columns
        self.changed = False

    def __enter__(self) -> "AtomicCSV":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            raise _output_error(exc, self.path) from exc
        os.fchmod(fd, 0o666 & ~_UMASK)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.fh, fieldnames=self.columns, lineterminator="\n", extrasaction="ignore")
        try:
            self.writer.writeheader()
        except BaseException:
            self._drop()
            raise
        return self

    def write(self, row: dict) -> None:
        try:
            self.writer.writerow(_safe_row(row, self.columns))
        except OSError as exc:
            raise _output_error(exc, self.path) from exc

    def _drop(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._drop()
            return
        try:
            self.fh.close()
        except OSError as err:  # the last rows did not fit (a full disk shows here)
            self._drop()
            raise _output_error(err, self.path) from err
        self.changed = commit_temp(Path(self.tmp), self.path)


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV table as dicts of the values written (none when the file is not there)."""
    if not Path(path).exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [{k: spreadsheet_value(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(fh)]


def read_table(path: Path):
    """A CSV table as a pandas DataFrame of strings, with the values written (the apostrophe
    :func:`spreadsheet_safe` puts before a formula-like text taken off)."""
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in df.columns:
        col = df[c]
        if col.str.startswith("'").any():
            df[c] = col.map(spreadsheet_value)
    return df


def load_msgpack_plugins_once() -> None:
    """srsly (spaCy's serialiser) looks up its msgpack plugins among every installed package's entry
    points on each DocBin read and write (measured: 0.86 s of a 38 s run on 84 documents). Register
    the plugins once, then stop the lookups; the encoders and decoders used are the same."""
    import srsly.msgpack as sm

    for registry in (sm.msgpack_encoders, sm.msgpack_decoders):
        if registry.entry_points:
            for name, func in registry.get_entry_points().items():
                registry.register(name, func=func)
            registry.entry_points = False
