"""Stage 1 driver, clean-text: ``raw/*.txt`` -> ``clean/<doc_id>.json`` + ``tables/documents.csv``.

The only part of stage 1 that touches disk. Per document: read, check, clean
(``clean.py``), write atomically. Outputs are keyed by the raw file's sha256
and the cleaning rules' fingerprint: an unchanged file is not cleaned or
written again. Bad input gets a status row and a one-line message; the run
goes on.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Iterator

from pipeline.clean.rules import clean_text, load_rules
from pipeline.core.config import Settings
from pipeline.core.limits import LIMIT_MARK, describe
from pipeline.core.document import CleanDocument, OffsetMap
from pipeline.core.executor import Item, Outcome, Stage, StageError, StageReport, run_stage
from pipeline.core.storage import sha256_file, write_csv, write_text_atomic

log = logging.getLogger("newsgraph.clean-text")

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "title", "date", "credit", "n_chars", "status", "error",
    "sha256", "date_source", "credits", "n_clean_chars", "encoding",
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
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8 (rename it)"
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


# -- decoding the raw bytes --------------------------------------------------
# Raw offsets are str indices into the decoded text (after universal newlines), so the
# decoding is recorded in the ``encoding`` column: the raw text is what
# ``open(path, encoding=<encoding>).read()`` returns. UTF-8 is read as today (a BOM stays
# a character); UTF-16/UTF-32 only with a byte-order mark (the codec drops it); anything
# else only when one legacy single-byte code page clearly reads it as text (below).

_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))

#: The single-byte code pages a news file plausibly comes in. When several read a file
#: identically, the first one here names it: cp1252 before latin_1 and iso8859_15
#: (cp1252 is what "Latin-1" text with curly quotes and dashes really is).
LEGACY_CODEPAGES = (
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u",
    "iso8859_5", "mac_cyrillic", "cp866", "cp1253", "iso8859_7", "cp1254", "iso8859_9",
    "cp1257", "iso8859_13", "iso8859_4", "iso8859_10", "iso8859_14", "iso8859_16", "iso8859_3",
    "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp1258", "mac_roman", "mac_latin2",
    "cp437", "cp850", "cp852",
)
#: charset_normalizer's mess ratio above which a code page is not considered at all
MAX_CHAOS = 0.1
#: a reading's words score (known - unknown) / (known + unknown); it must score at least
#: this (as many real words as not) ...
MIN_SCORE = 0.0
#: ... and beat every other clean reading by this much on the words where they differ
MARGIN = 0.5
# characters no article is written in: the spacing diacritics and currency sign that stand
# for letters in other code pages (¤ is € in ISO-8859-15), box drawing (DOS code pages)
_ODD_SYMBOLS = frozenset("\u00a4\u00a6\u00a8\u00af\u00b4\u00b8\u02d8\u02d9\u02db\u02dd\u02c7"
                         + "".join(map(chr, range(0x2500, 0x25a0))))  # and box drawing
# marks that may stand inside a word
_WORD_JOINERS = frozenset("'\u2018\u2019-\u2010\u2011\u00ad")
_TEXT_CATEGORIES = ("L", "M", "N", "P", "Z")
# wordfreq languages by script; a word is known when one of its script's languages has it
_SCRIPT_LANGS = {
    "LATIN": ("ca", "cs", "da", "de", "en", "es", "fi", "fr", "hu", "is", "it", "lt", "lv", "nb",
              "nl", "pl", "pt", "ro", "sh", "sk", "sl", "sv", "tr", "vi"),
    "CYRILLIC": ("bg", "mk", "ru", "uk", "sh"),
    "GREEK": ("el",),
    "HEBREW": ("he",),
    "ARABIC": ("ar", "fa", "ur"),
}
_WORDS_PER_LANGUAGE = 30000
_COMMA_BELOW = str.maketrans("\u015f\u0163", "\u0219\u021b")
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_known_words_cache: dict[str, frozenset[str]] = {}


class NotText(Exception):
    """Raw bytes that are not read as text: ``status`` (skipped | error) and a one-line reason."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def decode_raw(data: bytes) -> tuple[str, str]:
    """The text of a raw file and the Python codec that reads it (before universal newlines).

    Raises :class:`NotText` for a binary file (skipped) or one whose encoding cannot be
    told (error)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                if codec == "utf-32":  # a UTF-16 LE mark followed by U+0000: try UTF-16
                    continue
                raise NotText("error", f"starts with a UTF-16 byte-order mark but is not valid UTF-16: "
                                       f"{exc.reason} at byte {exc.start}") from None
            if "\x00" in text:
                raise NotText("skipped", "binary file (contains NUL characters)")
            return text, codec
    if b"\x00" in data:
        raise NotText("skipped", "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    where = f"byte 0x{data[bad]:02x} at offset {bad}"
    # mostly good UTF-8 with stray bytes: a damaged file or pasted pieces, not a legacy code page
    n_bad = len(re.findall("[\udc80-\udcff]", data.decode("utf-8", errors="surrogateescape")))
    n_good = len(data.translate(None, bytes(range(0x80)))) - n_bad  # non-ASCII bytes in good sequences
    if n_good >= n_bad:
        raise NotText("error", f"not valid UTF-8: {where}, in a file that is otherwise UTF-8 "
                               "(damaged, or mixed encodings; convert it to UTF-8)")
    return _decode_legacy(data, where)


def _cannot_tell(detail: str) -> NotText:
    return NotText("error", f"not UTF-8 and the encoding cannot be told apart: {detail} (convert it to UTF-8)")


class _Reading:
    """The text one or more code pages (that read the file identically) make of the bytes."""

    def __init__(self, codecs: list[str], table: str, text: str, chaos: float, script: str) -> None:
        self.codecs, self.table, self.text, self.chaos = codecs, table, text, chaos
        self.name = codecs[0]
        self.script = script  # the script most of its letters are in


def _decode_legacy(data: bytes, where: str) -> tuple[str, str]:
    """Decode a file in a legacy single-byte code page, when that is unambiguous.

    The rule: charset_normalizer proposes the code pages of :data:`LEGACY_CODEPAGES` whose
    reading has a mess ratio of at most :data:`MAX_CHAOS`; code pages that read the file
    identically are one reading. A reading with control characters (latin-1's 0x80-0x9F,
    which cp1252 reads as punctuation) or with more than 10 % symbols (not letters, digits,
    punctuation, spaces or currency signs) is dropped. A reading is scored by its words with
    non-ASCII letters (:func:`_word_evidence`): (known - unknown) / (known + unknown), from
    -1 to 1, and 0 when it has none. The best reading (highest score; then lowest mess; then
    the order of :data:`LEGACY_CODEPAGES`) is taken when its score is at least
    :data:`MIN_SCORE` (as many real words as not) and, scored on only the bytes where the two
    differ, it beats every other reading by at least :data:`MARGIN` with a score of at least
    :data:`MIN_SCORE`. Anything else cannot be told apart.
    """
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_CODEPAGES), threshold=MAX_CHAOS)
    chaos: dict[str, float] = {}
    for m in matches:
        if m.chaos <= MAX_CHAOS:
            for codec in m.could_be_from_charset:
                if codec in LEGACY_CODEPAGES:
                    chaos[codec] = min(chaos.get(codec, 1.0), m.chaos)
    if ("latin_1" in chaos or "iso8859_15" in chaos) and "cp1252" not in chaos:
        chaos["cp1252"] = min(chaos.get("latin_1", 1.0), chaos.get("iso8859_15", 1.0))
    present = [b for b in range(0x80, 0x100) if bytes([b]) in data]
    counts = {b: data.count(bytes([b])) for b in present}
    readings: dict[str, _Reading] = {}
    for codec in sorted(chaos, key=LEGACY_CODEPAGES.index):
        table = "".join(bytes([b]).decode(codec, errors="replace") for b in present)
        if table in readings:
            readings[table].codecs.append(codec)
            readings[table].chaos = min(readings[table].chaos, chaos[codec])
            continue
        if "\ufffd" in table or any(unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") for ch in table):
            continue  # a byte this code page does not define, or reads as a control character
        symbols = sum(n for ch, n in zip(table, counts.values())
                      if unicodedata.category(ch)[0] not in _TEXT_CATEGORIES and unicodedata.category(ch) != "Sc")
        if symbols > 0.1 * len(data):
            continue  # not mostly letters, digits, punctuation and spaces
        letters = Counter({"LATIN": len(data) - len(data.translate(None, _ASCII_LETTERS))})
        for ch, (b, n) in zip(table, counts.items()):
            if ch.isalpha():
                letters[_script(ch)] += n
        script = letters.most_common(1)[0][0]
        readings[table] = _Reading([codec], table, data.decode(codec), chaos[codec], script)
    if not readings:
        raise _cannot_tell(f"no single-byte code page reads it as text ({where})")

    everywhere = re.compile(rb"[\x80-\xff]")
    scored = []
    for r in readings.values():
        known, unknown = _word_evidence(r, everywhere, data)
        scored.append((_score(known, unknown), r, unknown))
    scored.sort(key=lambda t: (-t[0], t[1].chaos, LEGACY_CODEPAGES.index(t[1].name)))
    best_score, best, best_unknown = scored[0]
    if best_score < MIN_SCORE:
        raise _cannot_tell(f"in {best.name} it would read {best_unknown[0]!r}, not a known word")
    for _, rival, _ in scored[1:]:
        differ = bytes(b for b, x, y in zip(present, best.table, rival.table) if x != y)
        pattern = re.compile(b"[" + b"".join(b"\\x%02x" % b for b in differ) + b"]")
        score_b = _score(*_word_evidence(best, pattern, data))
        score_r = _score(*_word_evidence(rival, pattern, data))
        if score_b < MIN_SCORE or score_b - score_r < MARGIN:
            pos = pattern.search(data).start()
            say_b, say_r = _word_at(best.text, pos), _word_at(rival.text, pos)
            raise _cannot_tell(f"{say_b!r} in {best.name} or {say_r!r} in {rival.name} "
                               f"(byte 0x{data[pos]:02x} at offset {pos})")
    return best.text, best.name


def _score(known: list[str], unknown: list[str]) -> float:
    return (len(known) - len(unknown)) / (len(known) + len(unknown)) if known or unknown else 0.0


def _is_letter(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch).startswith("M")


def _word_at(text: str, pos: int, reach: int = 40) -> str:
    """The word (run of letters, at most ``reach`` either side) around ``pos``, or the character
    there when it is no letter."""
    if not _is_letter(text[pos]):
        return text[pos]
    start, end = pos, pos + 1
    while start > max(0, pos - reach) and _is_letter(text[start - 1]):
        start -= 1
    while end < min(len(text), pos + reach) and _is_letter(text[end]):
        end += 1
    return text[start:end]


def _misplaced(text: str, pos: int) -> bool:
    """Whether the non-letter at ``pos`` cannot be right: an odd character, a symbol touching a
    letter (``za€вил``, ``M³nchen``; not ``°C``, ``km²``, ``Brand™``), or a mark inside a word
    that is no apostrophe or hyphen (``erd·n``, ``Gespr‰che``; not ``col·lecció``)."""
    ch = text[pos]
    if ch in _ODD_SYMBOLS:
        return True
    prev, nxt = text[pos - 1:pos], text[pos + 1:pos + 2]
    before, after = bool(prev) and _is_letter(prev), bool(nxt) and _is_letter(nxt)
    if before and after:
        return not (ch in _WORD_JOINERS or (ch == "\u00b7" and prev in "lL" and nxt in "lL"))  # col·lecció
    category = unicodedata.category(ch)
    if not (before or after) or not (category[0] == "S" or category == "No" or ch in "\u00a7\u00b6\u2020\u2021\u2030\u2017"):
        return False  # (and the signs among punctuation: § ¶ † ‡ ‰ ‗)
    if ch == "\u00b0":  # 30°C
        return before or nxt not in ("C", "F")
    if ch in "\u00b2\u00b3":  # km², cm³
        return after or prev != "m"
    return after or ch not in "\u2122\u00ae\u00a9"  # a brand™


def _word_evidence(reading: _Reading, pattern: "re.Pattern[bytes]", data: bytes,
                   limit: int = 300, max_places: int = 20000) -> tuple[list[str], list[str]]:
    """The distinct words (runs of letters) of a reading at the bytes ``pattern`` matches (one
    character per byte), as (known, unknown): known when wordfreq has the word in a language
    of the script most of the reading's letters are in (a one-letter word only when it is
    very common there: ``à``, not ``ğ``) and it is in lower, upper or title case (not ``cafÈ``). A character there that is no letter is evidence only
    when it is :func:`_misplaced` (then unknown). Looks at the first ``max_places`` places
    and ``limit`` words."""
    text = reading.text
    known: list[str] = []
    unknown: list[str] = []
    seen: set[str] = set()
    end = -1
    for m in itertools.islice(pattern.finditer(data), max_places):
        pos = m.start()
        if pos < end:
            continue
        word = _word_at(text, pos)
        end = pos + len(word)
        key = _fold(word)
        if key in seen:
            continue
        seen.add(key)
        if _is_letter(word[0]):
            cased = word in (word.lower(), word.upper()) or word.istitle()  # not "cafÈ"
            (known if cased and _is_known_word(key, reading.script) else unknown).append(word)
        elif _misplaced(text, pos):
            unknown.append(text[max(0, pos - 3):pos + 4].strip())
        if len(seen) >= limit:
            break
    return known, unknown


def _fold(word: str) -> str:
    """A word as looked up: NFC, case-folded, Romanian s and t with a cedilla as with a comma
    (as wordfreq stores them; the word lists get the same treatment)."""
    return unicodedata.normalize("NFC", word).casefold().translate(_COMMA_BELOW)


def _script(ch: str) -> str:
    return unicodedata.name(ch, "?").split(" ")[0]


def _is_known_word(key: str, script: str) -> bool:
    if script not in _SCRIPT_LANGS or any(_script(ch) != script for ch in key if ch.isalpha()):
        return False
    return key in _known_words(script)


def _known_words(script: str) -> frozenset[str]:
    """The words (as wordfreq stores them: case-folded) of the script's languages that can
    decide between code pages: those with a non-ASCII letter (of one letter only when very
    common, Zipf 5 or more), and German words with ``ss`` (``ß`` case-folds to it). Read once
    per process, without keeping wordfreq's whole lists."""
    if script not in _known_words_cache:
        import wordfreq

        read = getattr(wordfreq.get_frequency_list, "__wrapped__", wordfreq.get_frequency_list)
        words: set[str] = set()
        for lang in _SCRIPT_LANGS[script]:
            n = 0
            # bucket i holds the words of frequency 10 ** (-i / 100), Zipf 9 - i / 100
            for i, bucket in enumerate(read(lang, "small")):
                words.update(_fold(w) for w in bucket
                             if (not w.isascii() and (len(w) > 1 or i <= 400)) or (lang == "de" and "ss" in w))
                n += len(bucket)
                if n >= _WORDS_PER_LANGUAGE:
                    break
        _known_words_cache[script] = frozenset(words)
    return _known_words_cache[script]


def _failed(doc: CleanDocument, status: str, reason: str) -> CleanDocument:
    doc.status, doc.error = status, reason
    doc.text, doc.offset_map = "", OffsetMap.identity(0)
    return doc


def clean_file(path: Path, settings: Settings, fingerprint: str) -> CleanDocument:
    """Read and clean one raw file; never raises for a bad document."""
    doc = CleanDocument(doc_id=path.stem, source_path=_display_path(path), sha256="", cleaner=fingerprint,
                        encoding="")
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
    try:
        raw, doc.encoding = decode_raw(data)
    except NotText as exc:
        return _failed(doc, exc.status, exc.reason)
    # universal newlines, as open(path, encoding=doc.encoding).read() gives them
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    doc.n_chars = len(raw)
    if settings.max_chars and len(raw) > settings.max_chars:
        return _failed(doc, "skipped", f"{LIMIT_MARK}size limit: {len(raw):,} characters, over "
                                       f"{settings.max_chars:,} (--max-chars)")
    if not any(ch.isalpha() for ch in raw):
        return _failed(doc, "skipped", "no letters in the text")
    try:
        res = clean_text(raw, filename=path.name)
    except Exception as exc:  # a bug in a rule must not stop the run
        log.debug("cleaning %s failed", path, exc_info=True)
        return _failed(doc, "error", f"cleaning failed: {describe(exc)}")
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
        "encoding": doc.encoding,
    }


def process_batch(settings: Settings, fingerprint: str, items: list[Item]) -> list[Outcome]:
    """Clean a batch of raw files into their shards (runs on any worker)."""
    out = []
    for it in items:
        doc = clean_file(Path(it.path), settings, fingerprint)
        written = write_text_atomic(settings.clean_dir / f"{it.name}.json", doc.dumps())
        out.append(Outcome(it.name, doc.status, doc.error, written=written, row=document_row(doc)))
    return out


def _printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates) as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _unread(name: str, source_path: str, status: str, reason: str) -> Outcome:
    """The outcome of a document that was not cleaned, with its row in documents.csv."""
    doc = _failed(CleanDocument(doc_id=_printable(name), source_path=_printable(source_path), sha256="", encoding=""),
                  status, reason)
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
            # a document a size limit skipped is looked at again (the limits may have changed; cheap)
            if existing is not None and existing.cleaner == fingerprint and existing.source_path == _display_path(path) \
                    and LIMIT_MARK not in existing.error and "--max-bytes" not in existing.error:
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
