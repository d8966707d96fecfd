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
import tempfile
from pathlib import Path

# mkstemp creates files readable by the owner only; outputs get the usual mode
_UMASK = os.umask(0)
os.umask(_UMASK)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; returns False when it was already there."""
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True


def write_text_atomic(path: Path, text: str) -> bool:
    return write_bytes_atomic(path, text.encode("utf-8"))


def remove_stale_temp_files(directory: Path) -> None:
    """Remove temporary files a killed run may have left behind."""
    if directory.is_dir():
        for p in directory.glob(".*.tmp"):
            p.unlink(missing_ok=True)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> bool:
    """A CSV table (UTF-8, no BOM, header row), written atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.fchmod(fd, 0o666 & ~_UMASK)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.fh, fieldnames=self.columns, lineterminator="\n", extrasaction="ignore")
        self.writer.writeheader()
        return self

    def write(self, row: dict) -> None:
        self.writer.writerow(row)

    def __exit__(self, exc_type, exc, tb) -> None:
        self.fh.close()
        if exc_type is not None:
            os.unlink(self.tmp)
            return
        import filecmp

        if self.path.exists() and filecmp.cmp(self.tmp, self.path, shallow=False):
            os.unlink(self.tmp)
        else:
            os.replace(self.tmp, self.path)
            self.changed = True


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV table as dicts (none when the file is not there)."""
    if not Path(path).exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


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
