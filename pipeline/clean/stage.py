"""Stage 1 driver, clean-text: ``raw/*.txt`` -> ``clean/<doc_id>.json`` + ``tables/documents.csv``.

The only part of stage 1 that touches disk. Per document: read, check, clean
(``clean.py``), write atomically. Outputs are keyed by the raw file's sha256
and the cleaning rules' fingerprint: an unchanged file is not cleaned or
written again. Bad input gets a status row and a one-line message; the run
goes on.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Iterator

from pipeline.clean.rules import clean_text, load_rules
from pipeline.core.config import Settings
from pipeline.core.document import CleanDocument, OffsetMap
from pipeline.core.executor import Item, Outcome, Stage, StageError, StageReport, run_stage
from pipeline.core.storage import sha256_file, write_csv, write_text_atomic

log = logging.getLogger("newsgraph.clean-text")

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "title", "date", "credit", "n_chars", "status", "error",
    "sha256", "date_source", "credits", "n_clean_chars",
]


def input_files(input_dir: Path) -> list[Path]:
    """The ``*.txt`` entries of the input folder (files, and what is not one: :func:`not_readable`)."""
    if not input_dir.is_dir():
        raise StageError(f"input directory {input_dir} does not exist or is not a directory")
    return sorted(input_dir.glob("*.txt"))


def not_readable(path: Path, input_dir: Path) -> str:
    """Why an input entry is not read, or "": a symbolic link is followed only to a file inside the
    input folder (never to a system file); a directory named ``*.txt`` is not an article."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(input_dir.resolve()):
                return "a symbolic link to a file outside the input folder (not followed)"
        if path.is_dir():
            return "a directory, not a file"
        if not path.is_file():
            return "not a regular file"
    except (OSError, RuntimeError) as exc:  # a dangling or looping link
        return f"cannot resolve the link: {getattr(exc, 'strerror', None) or exc}"
    return ""


def _display_path(path: Path) -> str:
    """The source path as users see it: relative to the working directory when inside it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(Path(path).resolve())
    return str(Path(path).resolve()) if rel.startswith("..") else rel


def _failed(doc: CleanDocument, status: str, reason: str) -> CleanDocument:
    doc.status, doc.error = status, reason
    doc.text, doc.offset_map = "", OffsetMap.identity(0)
    return doc


def clean_file(path: Path, settings: Settings, fingerprint: str) -> CleanDocument:
    """Read and clean one raw file; never raises for a bad document."""
    doc = CleanDocument(doc_id=path.stem, source_path=_display_path(path), sha256="", cleaner=fingerprint)
    try:
        size = path.stat().st_size
        doc.sha256 = sha256_file(path)
        if size == 0:
            return _failed(doc, "skipped", "empty file")
        if size > settings.max_bytes:
            return _failed(doc, "skipped", f"file is {size / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.1f} MB limit (--max-bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return _failed(doc, "error", f"cannot read file: {exc.strerror or exc}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _failed(doc, "error", "not UTF-8: the file starts with a UTF-16 byte-order mark")
    if b"\x00" in data:
        return _failed(doc, "skipped", "binary file (contains NUL bytes)")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _failed(doc, "error", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}")
    # universal newlines, as open(path, encoding="utf-8").read() gives them
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    doc.n_chars = len(raw)
    if not any(ch.isalpha() for ch in raw):
        return _failed(doc, "skipped", "no letters in the text")
    try:
        res = clean_text(raw, filename=path.name)
    except Exception as exc:  # a bug in a rule must not stop the run
        log.debug("cleaning %s failed", path, exc_info=True)
        return _failed(doc, "error", f"cleaning failed: {type(exc).__name__}: {exc}")
    if not any(ch.isalpha() for ch in res.text):
        return _failed(doc, "skipped", "nothing left after cleaning (only page furniture)")
    doc.text, doc.offset_map = res.text, res.offset_map
    doc.title, doc.date, doc.date_source = res.title, res.date, res.date_source
    doc.credit, doc.credits, doc.removed = res.credit, res.credits, res.removed
    return doc


def _load_existing(path: Path) -> CleanDocument | None:
    try:
        return CleanDocument.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None


def document_row(doc: CleanDocument) -> dict[str, object]:
    return {
        "doc_id": doc.doc_id, "source_path": doc.source_path, "title": doc.title, "date": doc.date,
        "credit": doc.credit, "n_chars": doc.n_chars, "status": doc.status, "error": doc.error,
        "sha256": doc.sha256, "date_source": doc.date_source,
        "credits": ";".join(dict.fromkeys(c.name for c in doc.credits)), "n_clean_chars": len(doc.text),
    }


def process_batch(settings: Settings, fingerprint: str, items: list[Item]) -> list[Outcome]:
    """Clean a batch of raw files into their shards (runs on any worker)."""
    out = []
    for it in items:
        doc = clean_file(Path(it.path), settings, fingerprint)
        written = write_text_atomic(settings.clean_dir / f"{it.name}.json", doc.dumps())
        out.append(Outcome(it.name, doc.status, doc.error, written=written, row=document_row(doc)))
    return out


def _unread(name: str, source_path: str, status: str, reason: str) -> Outcome:
    """The outcome of a document that was not cleaned, with its row in documents.csv."""
    doc = _failed(CleanDocument(doc_id=name, source_path=source_path, sha256=""), status, reason)
    return Outcome(name, status, reason, row=document_row(doc))


class CleanStage(Stage):
    """Stage 1: ``raw/*.txt`` -> ``clean/<doc_id>.json``; across documents, ``tables/documents.csv``."""
    name = "clean-text"
    batch_size = 64
    process = staticmethod(process_batch)

    def out_dir(self, settings: Settings) -> Path:
        return settings.clean_dir

    def prepare(self, settings: Settings) -> str:
        return load_rules().fingerprint

    def plan(self, settings: Settings, fingerprint: str) -> Iterator[Item | Outcome]:
        files = input_files(settings.input_dir)
        if not files:
            log.warning("no *.txt files in %s", settings.input_dir)
        for path in files:
            reason = not_readable(path, settings.input_dir)
            if reason:
                (settings.clean_dir / f"{path.stem}.json").unlink(missing_ok=True)  # none from an earlier run
                yield _unread(path.stem, str(path.absolute()), "skipped", reason)
                continue
            existing = None if settings.force else _load_existing(settings.clean_dir / f"{path.stem}.json")
            if existing is not None and existing.cleaner == fingerprint and existing.source_path == _display_path(path):
                try:
                    if existing.sha256 and existing.sha256 == sha256_file(path):
                        yield Outcome(path.stem, existing.status, existing.error, cached=True, row=document_row(existing))
                        continue
                except OSError:
                    pass
            yield Item(path.stem, str(path.absolute()), fingerprint)

    def failed(self, item: Item, error: str) -> Outcome:
        return _unread(item.name, _display_path(Path(item.path)), "error", error)

    def finish(self, settings: Settings, fingerprint: str, outcomes: list[Outcome]) -> None:
        write_csv(settings.tables_dir / "documents.csv", DOCUMENT_COLUMNS, [o.row for o in outcomes])


STAGE = CleanStage()


def run(settings: Settings, executor=None) -> StageReport:
    """Clean every ``*.txt`` of ``settings.input_dir`` into ``settings.output_dir``."""
    return run_stage(STAGE, settings, executor)
