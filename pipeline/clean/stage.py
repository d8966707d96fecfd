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

from pipeline.clean.rules import clean_text, load_rules
from pipeline.core.config import Settings
from pipeline.core.document import CleanDocument, OffsetMap
from pipeline.core.progress import progress
from pipeline.core.executor import StageError, StageReport
from pipeline.core.storage import remove_stale_temp_files, sha256_file, write_csv, write_text_atomic

log = logging.getLogger("newsgraph.clean-text")

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "title", "date", "credit", "n_chars", "status", "error",
    "sha256", "date_source", "credits", "n_clean_chars",
]


def input_files(input_dir: Path) -> list[Path]:
    if not input_dir.is_dir():
        raise StageError(f"input directory {input_dir} does not exist or is not a directory")
    return sorted(p for p in input_dir.glob("*.txt") if p.is_file())


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


def run(settings: Settings) -> StageReport:
    """Clean every ``*.txt`` of ``settings.input_dir`` into ``settings.output_dir``."""
    files = input_files(settings.input_dir)
    report = StageReport("clean-text")
    if not files:
        log.warning("no *.txt files in %s", settings.input_dir)
    fingerprint = load_rules().fingerprint
    out_dir = settings.clean_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(out_dir)
    rows = []
    for path in progress(files, desc="clean-text", quiet=settings.quiet):
        target = out_dir / f"{path.stem}.json"
        existing = None if settings.force else _load_existing(target)
        doc = None
        if existing is not None and existing.cleaner == fingerprint and existing.source_path == _display_path(path):
            try:
                if existing.sha256 and existing.sha256 == sha256_file(path):
                    doc = existing
            except OSError:
                pass
        if doc is None:
            doc = clean_file(path, settings, fingerprint)
            if write_text_atomic(target, doc.dumps()):
                report.written += 1
            else:
                report.unchanged += 1
        else:
            report.unchanged += 1
        report.counts[doc.status] += 1
        if doc.status != "ok":
            log.error("%s: %s: %s", doc.source_path, doc.status, doc.error)
        rows.append(document_row(doc))
    # outputs whose raw file is gone would haunt later stages
    wanted = {p.stem for p in files}
    for stale in sorted(out_dir.glob("*.json")):
        if stale.stem not in wanted:
            stale.unlink()
            report.removed += 1
            log.info("removed %s: its raw file is no longer in %s", stale, settings.input_dir)
    write_csv(settings.tables_dir / "documents.csv", DOCUMENT_COLUMNS, rows)
    return report
