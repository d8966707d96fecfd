"""Stage 1 rules: raw article text -> cleaned text, offset map and metadata.

Pure functions, no I/O: :func:`clean_text` takes the raw text (as
``open(path, encoding="utf-8").read()`` gives it) and returns a
:class:`CleanResult`. The stage driver (``clean/stage.py``) does the reading
and writing.

Cleaning is a series of passes. Each pass proposes edits ``(start, end,
replacement)`` on the current text; :class:`_Work` applies them and carries,
for every current character, the raw span it came from, so the final
:class:`~pipeline.document.OffsetMap` is exact whatever the passes did.
The rules themselves (labels, caption words, end marks, furniture lines,
news agencies) live in ``pipeline/data/``.
"""
from __future__ import annotations

import calendar
import csv
import datetime as _dt
import html
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Iterable, Iterator

from pipeline.core.document import Credit, OffsetMap, Removed
from pipeline.core.lexicons import data_file

# --------------------------------------------------------------------------
# rules from data files


@dataclass(frozen=True)
class Rules:
    date_label: re.Pattern  # a metadata line's opening: punctuation, then a date label (`Published:`), if any
    header_max_words: int
    caption_cues: re.Pattern
    photo_words: re.Pattern
    agency_words: frozenset[str]
    end_mark: re.Pattern
    furniture: tuple[re.Pattern, ...]
    tag: re.Pattern
    block_tags: frozenset[str]
    glue_keep: float
    glue_left: float
    glue_right: float
    agencies: tuple[tuple[str, str], ...]  # (alias, canonical name), longest alias first
    agency_names: dict[str, str]  # alias -> canonical name
    agency_re: re.Pattern
    fingerprint: str


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Read the cleaning rules from ``pipeline/data/`` (cached)."""
    import hashlib

    toml_bytes = data_file("cleaning.toml").read_bytes()
    csv_text = data_file("news_agencies.csv").read_text(encoding="utf-8")
    cfg = tomllib.loads(toml_bytes.decode("utf-8"))
    agencies: list[tuple[str, str]] = []
    for row in csv.DictReader(csv_text.splitlines()):
        for alias in row["aliases"].split(";"):
            if alias.strip():
                agencies.append((alias.strip(), row["name"].strip()))
    agencies.sort(key=lambda a: len(a[0]), reverse=True)
    html_cfg = cfg["html"]
    tags = _alternation(html_cfg["block_tags"] + html_cfg["inline_tags"])
    glue = cfg["glued_words"]
    from pipeline.core.executor import code_fingerprint

    fingerprint = hashlib.sha256(toml_bytes + csv_text.encode() + CLEANER_VERSION.encode()
                                 + code_fingerprint("pipeline.clean.rules", "pipeline.core.document").encode()).hexdigest()[:16]
    return Rules(
        date_label=re.compile(r"[\W_]*(?:(?:%s)\b[\s:\uff1a.\-]*)?" % _alternation(cfg["header"]["date_labels"]), re.I),
        header_max_words=int(cfg["header"]["max_words"]),
        caption_cues=re.compile(r"\b(?:%s)\b" % _alternation(cfg["captions"]["cue_words"]), re.I),
        photo_words=re.compile(r"^(?:%s)$" % _alternation(cfg["captions"]["photo_words"]), re.I),
        agency_words=frozenset(w.lower() for w in cfg["captions"]["agency_words"]),
        end_mark=re.compile("(?:%s)" % "|".join(cfg["end_marks"]["patterns"])),
        furniture=tuple(re.compile(p) for p in cfg["furniture"]["line_patterns"]),
        tag=re.compile(r"<!--.*?-->|<\s*/?\s*(%s)\b[^<>]{0,500}?/?\s*>" % tags, re.I | re.S),
        block_tags=frozenset(t.lower() for t in html_cfg["block_tags"]),
        glue_keep=float(glue["keep_if_word_zipf_at_least"]),
        glue_left=float(glue["left_zipf_at_least"]),
        glue_right=float(glue["right_zipf_at_least"]),
        agencies=tuple(agencies),
        agency_names=dict(agencies),
        agency_re=re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(re.escape(a) for a, _ in agencies)),
        fingerprint=fingerprint,
    )


# Bump when the code of the rules changes in a way that changes outputs.
CLEANER_VERSION = "3"

# --------------------------------------------------------------------------
# dates

_MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    _MONTHS[calendar.month_name[_i].lower()] = _i
    _MONTHS[calendar.month_abbr[_i].lower()] = _i
_MONTHS["sept"] = 9  # AP style
_MONTH_RE = r"(?:%s)" % "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_MON = r"(?P<m>%s)\.?" % _MONTH_RE
_FULL_DATES = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)[-./](?P<mn>[01]?\d)[-./](?P<d>[0-3]?\d)\b"),
    re.compile(r"\b%s\s+%s,?\s+%s\b" % (_DAY, _MON, _YEAR), re.I),
    re.compile(r"\b%s\s+%s,?\s+%s\b" % (_MON, _DAY, _YEAR), re.I),
]
_YEAR_ANYWHERE = re.compile(r"(?:19|20)\d\d")
_MONTH_DAY = [
    re.compile(r"\b%s\s+%s\b(?:,?\s+%s\b)?" % (_MON, _DAY, _YEAR), re.I),
    re.compile(r"\b%s\s+%s\b(?:,?\s+%s\b)?" % (_DAY, _MON, _YEAR), re.I),
]


@dataclass(frozen=True)
class FoundDate:
    year: int | None
    month: int
    day: int
    start: int
    end: int

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else ""


def _valid(y: int | None, m: int, d: int) -> bool:
    try:
        _dt.date(y or 2000, m, d)  # 2000 is a leap year: Feb 29 stays valid
        return True
    except ValueError:
        return False


def _month(gd: dict) -> int:
    return int(gd["mn"]) if gd.get("mn") else _MONTHS[gd["m"].lower().rstrip(".")]


def find_full_date(s: str) -> FoundDate | None:
    """The first date with a year in ``s`` (ISO, `29 February 2024`, `Feb. 29, 2024`)."""
    best: FoundDate | None = None
    if not _YEAR_ANYWHERE.search(s):
        return None  # every full date holds a year
    for rx in _FULL_DATES:
        for m in rx.finditer(s):
            gd = m.groupdict()
            y, mo, d = int(gd["y"]), _month(gd), int(gd["d"])
            if _valid(y, mo, d):
                if best is None or m.start() < best.start:
                    best = FoundDate(y, mo, d, m.start(), m.end())
                break
    return best


def find_month_day(s: str) -> FoundDate | None:
    """A date as datelines give it: `May 29`, `Aug. 20`, `29 May`, year optional."""
    for rx in _MONTH_DAY:
        m = rx.search(s)
        if m:
            gd = m.groupdict()
            y = int(gd["y"]) if gd.get("y") else None
            mo, d = _month(gd), int(gd["d"])
            if _valid(y, mo, d):
                return FoundDate(y, mo, d, m.start(), m.end())
    return None


# --------------------------------------------------------------------------
# the working text


class _Work:
    """Current text plus, for each character, the raw span it came from."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw
        self.starts = list(range(len(raw)))
        self.ends = list(range(1, len(raw) + 1))

    def raw_pos(self, i: int) -> int:
        """Raw offset of the boundary before current character ``i``."""
        if i < len(self.text):
            return self.starts[i]
        return self.ends[-1] if self.text else 0

    def raw_span(self, a: int, b: int) -> tuple[int, int]:
        if b <= a:
            p = self.raw_pos(a)
            return p, p
        return self.starts[a], self.ends[b - 1]

    def apply(self, edits: Iterable[tuple[int, int, str]]) -> int:
        """Apply non-overlapping edits; returns how many changed the text."""
        text, starts, ends = self.text, self.starts, self.ends
        out: list[str] = []
        ns: list[int] = []
        ne: list[int] = []
        prev = 0
        n = 0
        for a, b, rep in sorted(edits):
            if a < prev:
                continue  # overlapping edit: the first one wins
            old = text[a:b]
            if old == rep:
                continue
            # keep common prefix and suffix as copies
            p = 0
            while p < len(old) and p < len(rep) and old[p] == rep[p]:
                p += 1
            q = 0
            while q < len(old) - p and q < len(rep) - p and old[-1 - q] == rep[-1 - q]:
                q += 1
            a2, b2, r2 = a + p, b - q, rep[p : len(rep) - q]
            out.append(text[prev:a2])
            ns.extend(starts[prev:a2])
            ne.extend(ends[prev:a2])
            if r2:
                s, e = self.raw_span(a2, b2)
                out.append(r2)
                ns.extend([s] * len(r2))
                ne.extend([e] * len(r2))
            prev = b2
            n += 1
        if n == 0:
            return 0
        out.append(text[prev:])
        ns.extend(starts[prev:])
        ne.extend(ends[prev:])
        self.text = "".join(out)
        self.starts, self.ends = ns, ne
        return n

    def offset_map(self) -> OffsetMap:
        return OffsetMap.from_char_spans(self.text, self.raw, self.starts, self.ends)


# --------------------------------------------------------------------------
# character-level passes

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CHARS = re.compile(
    "(?P<drop>[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f])"
    "|(?P<nl>[\x0b\x0c\x85\u2028\u2029])"
    "|(?P<sp>[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000])"
)
_QUOTES = {"``": "\u201c", "''": "\u201d", "\u201e": "\u201c", "\u201f": "\u201c",
           "\u2033": '"', "\uff02": '"', "\u301d": '"', "\u301e": '"', "\u201a": "\u2018"}
# two apostrophes as a quote mark (``like this'' or ''like this''): opening before a word, closing after one
_QUOTE_RE = re.compile(r"``|(?P<open>(?<![\w'])''(?=[\w\u2018\u201c]))|(?<!')''(?!')|[\u201e\u201f\u2033\uff02\u301d\u301e\u201a]")


def _html_edits(w: _Work, rules: Rules) -> list[tuple[int, int, str]]:
    if "<" not in w.text:
        return []
    edits = []
    for m in rules.tag.finditer(w.text):
        name = (m.group(1) or "").lower()
        edits.append((m.start(), m.end(), "\n\n" if name in rules.block_tags else ""))
    return edits


def _entity_edits(w: _Work) -> list[tuple[int, int, str]]:
    if "&" not in w.text:
        return []
    return [(m.start(), m.end(), html.unescape(m.group())) for m in _ENTITY.finditer(w.text)]


def _piecewise_edits(offset: int, tok: str, bounds: list[int], fix) -> list[tuple[int, int, str]]:
    """Edits that turn the token ``tok`` (at ``offset``) into ``fix(tok)``, one for each piece between
    ``bounds`` that fixing changes, when fixing the pieces one by one gives the same text; else one
    edit of the whole token. The characters of the pieces fixing leaves alone stay copies of the
    raw text, so that a span inside the token (`Sánchez` of `Sánchez-Pérez`, `Kim` of `â€˜Kimâ€™`)
    maps to its own raw characters, not to the whole token's."""
    whole = fix(tok)
    pieces = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
    fixed = [fix(tok[a:b]) for a, b in pieces]
    if "".join(fixed) != whole:
        return [(offset, offset + len(tok), whole)]
    return [(offset + a, offset + b, f) for (a, b), f in zip(pieces, fixed) if f != tok[a:b]]


def _mojibake_edits(w: _Work) -> list[tuple[int, int, str]]:
    """Repair UTF-8 read as Latin-1/cp1252 (`â€™` -> `’`), token by token (each run of non-ASCII
    characters alone where that repairs the token the same: ASCII is never mojibake)."""
    from ftfy import fix_encoding
    from ftfy.badness import is_bad

    if w.text.isascii() or not is_bad(w.text):
        return []
    edits = []
    for m in re.finditer(r"\S+", w.text):
        tok = m.group()
        if not tok.isascii() and is_bad(tok) and fix_encoding(tok) != tok:
            bounds = [0, *(r.end() for r in re.finditer(r"[\x00-\x7f]+|[^\x00-\x7f]+", tok))]
            edits.extend(_piecewise_edits(m.start(), tok, bounds, fix_encoding))
    return edits


def _char_edits(w: _Work) -> list[tuple[int, int, str]]:
    edits = []
    for m in _CHARS.finditer(w.text):
        rep = "" if m.group("drop") else "\n" if m.group("nl") else " "
        edits.append((m.start(), m.end(), rep))
    for m in _QUOTE_RE.finditer(w.text):
        edits.append((m.start(), m.end(), "\u201c" if m.group("open") else _QUOTES[m.group()]))
    return edits


def _nfc_edits(w: _Work) -> list[tuple[int, int, str]]:
    if w.text.isascii() or unicodedata.is_normalized("NFC", w.text):
        return []
    edits = []
    for m in re.finditer(r"\S+", w.text):
        tok = m.group()
        if not unicodedata.is_normalized("NFC", tok):
            # a piece per character with its combining marks: only the pieces NFC changes are edits
            bounds = [0, *(i for i, ch in enumerate(tok) if i and not unicodedata.combining(ch)), len(tok)]
            edits.extend(_piecewise_edits(m.start(), tok, bounds, partial(unicodedata.normalize, "NFC")))
    return edits


# --------------------------------------------------------------------------
# word-level passes

_CAMEL_TOKEN = re.compile(r"(?<![A-Za-z])[A-Za-z]*[a-z][A-Z][A-Za-z]*(?![A-Za-z])")
_MISSING_SPACE = re.compile(
    r"(?<=[a-z0-9][.!?])(?=[A-Z][a-z]+\b(?!\.[A-Za-z]))"
    r"|(?<=[a-z][.!?][\u201d\u2019])(?=[A-Z][a-z])"
)


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def _glue_edits(w: _Work, rules: Rules) -> list[tuple[int, int, str]]:
    """Split words glued by lost markup: `atKim` -> `at Kim`, `SungSquare` -> `Sung Square`."""
    edits = []
    for m in _CAMEL_TOKEN.finditer(w.text):
        tok = m.group()
        if _zipf(tok) >= rules.glue_keep:
            continue  # a word in its own right: YouTube, McDonald, iPhone
        cuts = [i for i in range(1, len(tok)) if tok[i - 1].islower() and tok[i].isupper()]
        bounds = [0, *cuts, len(tok)]
        for j, cut in enumerate(cuts, start=1):
            left, right = tok[bounds[j - 1] : cut], tok[cut : bounds[j + 1]]
            if len(left) >= 2 and _zipf(left) >= rules.glue_left and _zipf(right) >= rules.glue_right:
                edits.append((m.start() + cut, m.start() + cut, " "))
    for m in _MISSING_SPACE.finditer(w.text):
        line_start = w.text.rfind("\n", 0, m.start()) + 1
        token_start = max(w.text.rfind(" ", line_start, m.start()) + 1, line_start)
        if re.match(r"(?i)https?://|www\.|\S+@", w.text[token_start : m.start()]):
            continue  # a URL or an e-mail address
        edits.append((m.start(), m.start(), " "))
    return edits


# --------------------------------------------------------------------------
# credits


@dataclass
class _FoundCredit:
    name: str
    start: int  # current-text offsets
    end: int


_CREDIT_SPLIT = re.compile(r"\s*(?:[/,;&+]|(?<=\w)-(?=[A-Z])|\s-\s|\bvia\b|\band\b)\s*")


def parse_credit(inner: str, offset: int, rules: Rules, *, lenient: bool) -> list[_FoundCredit] | None:
    """Organisations named in the inside of a credit's parentheses.

    Returns None when the parenthesised text is not a credit at all. Known
    agencies come from ``news_agencies.csv``; an unknown name counts when it
    looks like an agency (an acronym, or a name with a word like `News`), or,
    where ``lenient`` (datelines, a closing credit), a single capitalised word.
    """
    inner_stripped = inner.strip()
    if not inner_stripped or len(inner_stripped) > 80 or not re.search(r"[A-Za-z]", inner_stripped):
        return None
    found: list[_FoundCredit] = []
    taken = [False] * len(inner)
    for m in rules.agency_re.finditer(inner):
        canonical = rules.agency_names[m.group()]
        found.append(_FoundCredit(canonical, offset + m.start(), offset + m.end()))
        for k in range(m.start(), m.end()):
            taken[k] = True
    # the remaining parts, split on separators
    pos = 0
    parts: list[tuple[int, int]] = []
    for sep in list(_CREDIT_SPLIT.finditer(inner)) + [None]:
        end = sep.start() if sep else len(inner)
        if end > pos:
            parts.append((pos, end))
        pos = sep.end() if sep else len(inner)
    for a, b in parts:
        seg = inner[a:b]
        # drop any piece already matched as a known agency
        rest = "".join(" " if taken[k] else inner[k] for k in range(a, b)).strip()
        if not rest:
            continue
        words = rest.split()
        # strip photo words at either end: "AP Photo" -> "AP", "File" -> ""
        while words and rules.photo_words.match(words[-1]):
            words.pop()
        while words and rules.photo_words.match(words[0]):
            words.pop(0)
        if not words:
            continue
        if not all(wd[0].isupper() or wd[0].isdigit() for wd in words):
            return None  # lowercase prose: not a credit
        name = " ".join(words)
        known = rules.agency_names.get(name)
        if known:
            s = a + seg.find(words[0])
            found.append(_FoundCredit(known, offset + s, offset + s + len(name)))
            continue
        looks_like_agency = (
            (len(words) == 1 and re.fullmatch(r"[A-Z][A-Z0-9]{1,6}", name) is not None)
            or any(wd.lower() in rules.agency_words for wd in words)
            or (lenient and len(words) == 1)
        )
        if looks_like_agency:
            s = a + seg.find(words[0])
            e = a + seg.rfind(words[-1]) + len(words[-1])
            found.append(_FoundCredit(name, offset + s, offset + e))
        # otherwise: a photographer's name and the like, not an organisation
    if not found:
        return None
    found.sort(key=lambda c: c.start)
    return found


_PAREN_AT_END = re.compile(r"\(([^()\n]{1,80})\)\s*$")


# --------------------------------------------------------------------------
# structure: furniture, datelines, trailers, headline


@dataclass
class CleanResult:
    text: str
    offset_map: OffsetMap
    title: str = ""
    date: str = ""
    date_source: str = ""
    credit: str = ""
    credits: list[Credit] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)


@dataclass
class _Meta:
    header_date: FoundDate | None = None
    dateline_date: FoundDate | None = None
    credits: list[tuple[_FoundCredit, str]] = field(default_factory=list)
    removed: list[tuple[str, int, int]] = field(default_factory=list)  # current offsets
    title_line: tuple[int, int] | None = None


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line's stripped content, blank lines skipped."""
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if e > s:
            yield s, e


_SENT_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$|[\"\u201d\u2019]$")
_PLACE = r"[A-Z][A-Za-z.'\u2019-]*(?:\s+[A-Z][A-Za-z.'\u2019-]*){0,3}"
_DASH = r"(?:--|\u2014|\u2013|-|\u2015)"
_DATELINE = re.compile(
    r"(?P<place>%s)(?:,\s*(?P<region>%s))?(?:,\s*(?P<date>[^()\n]{3,30}?))?\s*"
    r"(?:\((?P<credit>[^()\n]{2,60})\))?\s*(?P<dash>%s)\s*(?=\S)" % (_PLACE, _PLACE, _DASH)
)
# "MOSCOW, September 19. /TASS/.": place, month and day, the agency between slashes
_SLASH_DATELINE = re.compile(
    r"(?P<place>%s)(?:,\s*(?P<date>[^()\n/]{3,30}?))?\.?\s*/(?P<credit>[A-Z][A-Za-z.&' -]{1,40})/\.?\s*(?=\S)" % _PLACE
)
_CAPS_DATELINE = re.compile(r"(?P<place>[A-Z]{3,}(?:[ -][A-Z]{2,})*(?:,\s*[A-Z][A-Za-z.]*)?)\s*(?P<dash>--|\u2014|\u2013)\s*(?=\S)")


def _header_date_line(line: str, rules: Rules) -> FoundDate | None:
    """A metadata line that opens with a date: `date 2021-06-24 ...`, `| 29 February 2024, Thursday |`."""
    m = rules.date_label.match(line)
    head = m.end() if m else 0
    fd = find_full_date(line[head:])
    if fd is None or fd.start != 0:
        return None
    if len(line.split()) > rules.header_max_words:
        return None
    body = _PAREN_AT_END.sub("", line).rstrip()
    if _SENT_END.search(body) and len(line.split()) > 12:
        return None  # a sentence that happens to start with a date
    return FoundDate(fd.year, fd.month, fd.day, head + fd.start, head + fd.end)


def _title_like(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 25 or len(line) > 200:
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'\u201c\u2018"):
        return False
    if line.endswith((",", ":", ";")):
        return False
    if not re.search(r"[.]['\"\u201d\u2019]?$", line):
        return True
    long_words = [wd for wd in words if len(wd) >= 4 and wd[0].isalpha()]
    capitalised = [wd for wd in long_words if wd[0].isupper()]
    return bool(long_words) and len(capitalised) / len(long_words) >= 0.6  # Title Case ending in "."


def _match_dateline(line: str, rules: Rules):
    """(match, month-day date, credits) when ``line`` opens with a dateline, else None."""
    for rx in (_DATELINE, _SLASH_DATELINE, _CAPS_DATELINE):
        m = rx.match(line)
        if not m or m.end() >= len(line):
            continue
        gd = m.groupdict()
        fd = find_month_day(gd["date"]) if gd.get("date") else None
        if gd.get("date") and fd is None:
            continue  # "X, something -- ..." that is not a dateline
        credit_txt = gd.get("credit")
        found = parse_credit(credit_txt, m.start("credit"), rules, lenient=True) if credit_txt else None
        if credit_txt and found is None:
            continue
        if rx is _DATELINE and not (fd or found):
            continue  # a mixed-case place and a dash alone are not enough
        if rx is _SLASH_DATELINE and not found:
            continue  # slashes without an agency between them: no dateline
        return m, fd, found
    return None


def _structure(w: _Work, rules: Rules) -> tuple[_Meta, list[tuple[int, int, str]]]:
    """Find furniture: what was found, and the deletions (current offsets)."""
    meta = _Meta()
    text = w.text
    lines = list(_lines(text))
    keep: list[tuple[int, int]] = []  # content lines that stay (with possible trimming)
    edits: list[tuple[int, int, str]] = []

    def remove(kind: str, a: int, b: int) -> None:
        edits.append((a, b, ""))
        meta.removed.append((kind, a, b))

    def add_credits(found: list[_FoundCredit] | None, where: str) -> None:
        for c in found or []:
            meta.credits.append((c, where))

    last_idx = len(lines) - 1
    for idx, (s, e) in enumerate(lines):
        line = text[s:e]
        if rules.end_mark.fullmatch(line):
            remove("end_mark", s, e)
            continue
        if any(rx.match(line) for rx in rules.furniture):
            remove("furniture", s, e)
            continue
        # header metadata: a line opening with a date, or a |-delimited line with a date
        hd = _header_date_line(line, rules)
        if hd is None and line.count("|") >= 2 and len(line.split()) <= rules.header_max_words:
            hd = find_full_date(line)
        if hd is not None:
            if meta.header_date is None:
                meta.header_date = hd
            pm = _PAREN_AT_END.search(line)
            if pm:
                caption_text = line[hd.end : pm.start()].strip(" -|,")
                add_credits(parse_credit(pm.group(1), s + pm.start(1), rules, lenient=True),
                            "caption" if caption_text else "header")
            remove("header", s, e)
            continue
        # a photo caption: a line ending in a credit, not a sentence of the body
        pm = _PAREN_AT_END.search(line)
        if pm and idx != last_idx:
            body = line[: pm.start()].rstrip()
            found = parse_credit(pm.group(1), s + pm.start(1), rules, lenient=False)
            if found and (not _SENT_END.search(body) or rules.caption_cues.search(body)):
                add_credits(found, "caption")
                remove("caption", s, e)
                continue
        keep.append((s, e))

    # a dateline opens one of the first body lines (after an optional headline)
    for k, (s, e) in enumerate(keep[:3]):
        line = text[s:e]
        dl = _match_dateline(line, rules)
        if dl is None:
            continue
        m, fd, found = dl
        meta.dateline_date = fd
        add_credits([_FoundCredit(c.name, s + c.start, s + c.end) for c in found or []], "dateline")
        remove("dateline", s, s + m.end())
        keep[k] = (s + m.end(), e)
        break

    # end marks and a closing credit end the last body line
    if keep:
        s, e = keep[-1]
        for _ in range(4):
            line = text[s:e]
            mm = re.search(r"\s*(?:%s)\s*$" % rules.end_mark.pattern, line)
            if mm and mm.start() > 0:
                remove("end_mark", s + mm.start(), e)
                e = s + mm.start()
                continue
            pm = _PAREN_AT_END.search(line)
            if pm:
                before = line[: pm.start()].rstrip()
                found = parse_credit(pm.group(1), s + pm.start(1), rules, lenient=True)
                if found and (not before or _SENT_END.search(before)):
                    add_credits(found, "trailer")
                    cut = s + len(before)
                    remove("trailer", cut, e)
                    e = cut
                    continue
            break
        if e > s:
            keep[-1] = (s, e)
        else:
            keep.pop()

    # the headline: the first body line, if it reads like one and the next
    # line does not continue it
    if len(keep) > 1 and _title_like(text[keep[0][0] : keep[0][1]]) and not (
        text[keep[0][1] : keep[1][0]].count("\n") == 1 and text[keep[1][0]].islower()
    ):
        meta.title_line = keep[0]

    return meta, edits


def _whitespace_edits(w: _Work, title_raw_start: int | None) -> list[tuple[int, int, str]]:
    """Strip lines, collapse spaces, make every paragraph break `\\n\\n`, join wrapped lines."""
    text = w.text
    edits: list[tuple[int, int, str]] = []
    prev_end = 0
    prev_line = ""
    prev_s = None
    first = True
    for s, e in _lines(text):
        gap = text[prev_end:s]
        if first:
            edits.append((0, s, ""))
        else:
            line = text[s:e]
            single = gap.count("\n") == 1
            is_title = title_raw_start is not None and prev_s is not None and w.starts[prev_s] == title_raw_start
            if single and not is_title and re.search(r"[A-Za-z]-$", prev_line) and line[:1].isalpha():
                rep = ""  # a word hyphenated across a line break keeps its hyphen
            elif single and not is_title and not re.search(r"[.!?:;\"\u201d\u2019)\]]$", prev_line) and re.match(r"[a-z(]", line):
                rep = " "  # a hard-wrapped line
            else:
                rep = "\n\n"
            edits.append((prev_end, s, rep))
        for m in re.finditer(r" {2,}", text[s:e]):
            edits.append((s + m.start(), s + m.end(), " "))
        prev_end, prev_line, prev_s, first = e, text[s:e], s, False
    edits.append((prev_end, len(text), ""))
    return edits


# --------------------------------------------------------------------------
# the whole stage, for one text


def clean_text(raw: str, filename: str = "", rules: Rules | None = None) -> CleanResult:
    """Clean one article. ``filename`` may complete a dateline date that lacks a year."""
    rules = rules or load_rules()
    w = _Work(raw)
    w.apply(_html_edits(w, rules))
    for _ in range(3):  # double-escaped entities: &amp;#x27;
        if not w.apply(_entity_edits(w)):
            break
    w.apply(_mojibake_edits(w))
    w.apply(_char_edits(w))
    w.apply(_nfc_edits(w))
    w.apply(_glue_edits(w, rules))

    # structure: found spans are in current offsets; map them to raw ones
    # before the deletions change the text
    meta, edits = _structure(w, rules)
    credits = []
    for c, where in meta.credits:
        ra, rb = w.raw_span(c.start, c.end)
        credits.append(Credit(name=c.name, start=ra, end=rb, where=where))
    removed = []
    for kind, a, b in meta.removed:
        ra, rb = w.raw_span(a, b)
        removed.append(Removed(kind=kind, start=ra, end=rb, text=raw[ra:rb]))
    removed.sort(key=lambda r: r.start)
    title_raw_start = w.starts[meta.title_line[0]] if meta.title_line else None
    w.apply(edits)
    w.apply(_whitespace_edits(w, title_raw_start))
    # the headline stays in the text (headlines count as text) as its first paragraph
    title = w.text.split("\n\n", 1)[0] if title_raw_start is not None else ""

    date, date_source = _choose_date(meta, filename)
    return CleanResult(
        text=w.text,
        offset_map=w.offset_map(),
        title=title,
        date=date,
        date_source=date_source,
        credit=_choose_credit(credits),
        credits=sorted(credits, key=lambda c: c.start),
        removed=removed,
    )


_FILENAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?([01]\d)[-_.]?([0-3]\d)(?!\d)")


def _choose_date(meta: _Meta, filename: str) -> tuple[str, str]:
    if meta.header_date and meta.header_date.year:
        return meta.header_date.iso(), "header"
    dd = meta.dateline_date
    if dd and dd.year:
        return dd.iso(), "dateline"
    if dd and filename:
        # a dateline gives month and day; a file name with the same month and
        # day may give the year
        for m in _FILENAME_DATE.finditer(filename):
            y, mo, d = (int(x) for x in m.groups())
            if (mo, d) == (dd.month, dd.day) and _valid(y, mo, d):
                return f"{y:04d}-{mo:02d}-{d:02d}", "dateline+filename"
    return "", ""


_CREDIT_PRIORITY = {"dateline": 0, "trailer": 1, "header": 2, "caption": 3}


def _choose_credit(credits: list[Credit]) -> str:
    """The outlet the text itself is credited to: dateline, then trailer, then header, then caption."""
    if not credits:
        return ""
    best = min(credits, key=lambda c: (_CREDIT_PRIORITY.get(c.where, 9), -c.start if c.where == "caption" else c.start))
    return best.name
