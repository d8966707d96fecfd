"""The one document model shared by every stage.

A :class:`CleanDocument` is what stage 1 (clean-text) writes and every later
stage reads: the cleaned text the model sees, the metadata found in the text
(title, date, credit), the raw spans of the credits that cleaning took out, and
an :class:`OffsetMap` from cleaned-text offsets back to raw-file offsets.

Raw offsets follow ``shared/docs/SCHEMA.md``: Python ``str`` indices into the
raw file as ``open(path, encoding="utf-8").read()`` returns it (universal
newlines, a BOM kept as a character).
"""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class OffsetMap:
    """Exact map from cleaned-text offsets to raw-text offsets.

    Cleaning is a sequence of edits: runs of characters copied unchanged, and
    *altered* regions where a raw span ``[raw_start, raw_end)`` became a clean
    span ``[clean_start, clean_end)`` (either side may be empty: a deletion, an
    insertion). Only the altered regions are stored, sorted; between them the
    text is copied one to one, so a span that cleaning did not alter reads the
    same characters in both texts.

    A clean span that touches an altered region maps to the whole raw extent of
    that region (a replaced ``&#x27;`` maps back to all six characters).
    """

    clean_len: int
    raw_len: int
    # each region: (clean_start, clean_end, raw_start, raw_end)
    regions: tuple[tuple[int, int, int, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [r[0] for r in self.regions])

    # -- construction -------------------------------------------------------
    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        return cls(clean_len=n, raw_len=n, regions=())

    @classmethod
    def from_char_spans(cls, clean: str, raw: str, starts: Sequence[int], ends: Sequence[int]) -> "OffsetMap":
        """Build from the raw span of every clean character.

        ``starts[i], ends[i]`` is the raw span clean character ``i`` came from:
        one raw character for a copy, several for a replacement, an empty span
        for an inserted character. Both sequences are non-decreasing.
        A character is *copied* when its span is one raw character that is the
        same character; everything else, and every raw character no clean
        character came from (a deletion), belongs to an altered region.

        Raw text that no clean character came from is a deletion region of its
        own (empty on the clean side), never part of the region of a replaced
        character beside it: a span that ends at a replaced quote mark does not
        reach over a closing credit deleted after it, nor one that starts there
        over a dateline deleted before it.
        """
        n = len(clean)
        if len(starts) != n or len(ends) != n:
            raise ValueError("one raw span per clean character is needed")
        copy, run_ends = _copy_runs(clean, raw, starts, ends)
        regions: list[tuple[int, int, int, int]] = []
        rp = 0  # raw offset consumed so far
        i = 0
        while i < n:
            if starts[i] > rp:  # raw text before this character was deleted
                regions.append((i, i, rp, starts[i]))
                rp = starts[i]
            if copy[i] and starts[i] == rp:
                # the whole run of characters copied in order from here on, at once
                j = run_ends[bisect_right(run_ends, i)]
                rp += j - i
                i = j
                continue
            c0, r0, r1 = i, rp, rp
            # the characters of one edit (their raw spans overlap) are one region; a
            # character copied from raw text the region already covers (a replacement
            # that kept it) belongs to it too. The next edit's characters (raw text after
            # this one's) are a region of their own, so that a span touching one edit does
            # not take in its neighbour's raw text
            while i < n and not (copy[i] and starts[i] >= r1) and (i == c0 or starts[i] < r1 or ends[i] <= r1):
                r1 = max(r1, ends[i])
                i += 1
            regions.append((c0, i, r0, r1))
            rp = r1
        if rp < len(raw):
            regions.append((n, n, rp, len(raw)))
        return cls(clean_len=n, raw_len=len(raw), regions=_merge(regions))

    # -- queries ------------------------------------------------------------
    def _last_region_from(self, pos: int) -> int:
        """Index of the last region with clean_start <= pos, or -1."""
        return bisect_right(self._starts, pos) - 1  # type: ignore[attr-defined]

    def _shift(self, k: int) -> int:
        """Raw minus clean offset of the copied text that follows region k."""
        if k < 0:
            return 0
        _, c1, _, r1 = self.regions[k]
        return r1 - c1

    def start_to_raw(self, pos: int) -> int:
        """Raw offset where a span starting at clean offset ``pos`` starts."""
        self._check(pos)
        if pos == self.clean_len:
            return self.raw_len
        k = self._last_region_from(pos)
        if k >= 0 and self.regions[k][0] <= pos < self.regions[k][1]:
            return self.regions[k][2]
        return pos + self._shift(k)

    def end_to_raw(self, pos: int) -> int:
        """Raw offset where a span ending at clean offset ``pos`` ends."""
        self._check(pos)
        if pos == 0:
            return 0
        k = self._last_region_from(pos - 1)
        if k >= 0 and self.regions[k][0] <= pos - 1 < self.regions[k][1]:
            return self.regions[k][3]
        return pos + self._shift(k)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map the clean span ``[start, end)`` to its raw span."""
        if end < start:
            raise ValueError(f"span end {end} before start {start}")
        if start == end:
            p = self.start_to_raw(start)
            return p, p
        return self.start_to_raw(start), self.end_to_raw(end)

    def to_clean(self, start: int, end: int) -> tuple[int, int] | None:
        """Map the raw span ``[start, end)`` to the clean span that covers it.

        None when cleaning removed the whole span (a dateline, a caption).
        """
        if end < start or start < 0 or end > self.raw_len:
            raise ValueError(f"bad raw span [{start}, {end}) for raw length {self.raw_len}")
        raw_starts = [r[2] for r in self.regions]
        k = bisect_right(raw_starts, start) - 1
        if k >= 0 and self.regions[k][2] <= start < self.regions[k][3]:
            cs = self.regions[k][0]
        else:
            cs = start - self._shift(k)
        if end == start:
            return cs, cs
        k = bisect_right(raw_starts, end - 1) - 1
        if k >= 0 and self.regions[k][2] <= end - 1 < self.regions[k][3]:
            ce = self.regions[k][1]
        else:
            ce = end - self._shift(k)
        return (cs, ce) if ce > cs else None

    def is_unaltered(self, start: int, end: int) -> bool:
        """True when cleaning changed nothing in or inside the clean span."""
        if end <= start:
            return True
        k = bisect_right(self._starts, end - 1) - 1  # type: ignore[attr-defined]
        if k < 0:
            return True
        c0, c1, _, _ = self.regions[k]
        if c1 > c0:
            return c1 <= start
        return c0 <= start  # a deletion strictly inside the span alters it

    def _check(self, pos: int) -> None:
        if not 0 <= pos <= self.clean_len:
            raise IndexError(f"clean offset {pos} outside 0..{self.clean_len}")

    # -- serialisation ------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {"clean_len": self.clean_len, "raw_len": self.raw_len, "regions": [list(r) for r in self.regions]}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "OffsetMap":
        return cls(
            clean_len=int(obj["clean_len"]),
            raw_len=int(obj["raw_len"]),
            regions=tuple(tuple(int(x) for x in r) for r in obj["regions"]),  # type: ignore[misc]
        )


def _copy_runs(clean: str, raw: str, starts: Sequence[int], ends: Sequence[int]) -> tuple[list[bool], list[int]]:
    """For :meth:`OffsetMap.from_char_spans`: whether each clean character is a copy (one raw
    character, the same one), and the sorted positions where a run of copies from consecutive raw
    characters cannot go on (where each run that starts before them ends), ``len(clean)`` last.
    Array operations over the whole text."""
    import numpy as np

    n = len(clean)
    if n == 0:
        return [], [0, 0]
    s = np.asarray(starts, dtype=np.int64)
    one = np.asarray(ends, dtype=np.int64) == s + 1
    if np.any(one & ((s >= len(raw)) | (s < 0))):
        raise IndexError("a clean character's raw span lies outside the raw text")
    raw_codes = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    clean_codes = np.frombuffer(clean.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    copy = one.copy()
    copy[one] = raw_codes[s[one]] == clean_codes[one]
    # character k goes on from character k - 1: both copies, of consecutive raw characters
    goes_on = copy[1:] & copy[:-1] & (s[1:] == s[:-1] + 1)
    return copy.tolist(), [0] + (np.flatnonzero(~goes_on) + 1).tolist() + [n]


def _merge(regions: Iterable[tuple[int, int, int, int]]) -> tuple[tuple[int, int, int, int], ...]:
    """Merge deletions that touch (a deletion is never merged with a replacement beside it, nor
    two replacements: a span touching one must not take in the raw text of the other)."""
    out: list[tuple[int, int, int, int]] = []
    for r in regions:
        if out and out[-1][1] == r[0] == out[-1][0] == r[1] and out[-1][3] == r[2]:
            p = out.pop()
            r = (p[0], r[1], p[2], r[3])
        out.append(r)
    return tuple(out)


@dataclass
class Credit:
    """A news organisation credited in a dateline, caption, header or trailer.

    ``start``/``end`` are raw-file offsets of the organisation's name as written.
    """

    name: str
    start: int
    end: int
    where: str  # dateline | caption | trailer | header


@dataclass
class Removed:
    """A piece of the raw text that cleaning took out (raw offsets)."""

    kind: str
    start: int
    end: int
    text: str


def read_raw_text(path: str, encoding: str = "utf-8") -> str:
    """A raw file's text as its offsets index it: decoded with the codec stage 1 found
    (``CleanDocument.encoding``, the ``encoding`` column of documents.csv), universal newlines."""
    with open(path, encoding=encoding or "utf-8") as fh:
        return fh.read()


@dataclass
class CleanDocument:
    """Stage 1's output for one input file; read by every later stage."""

    doc_id: str
    source_path: str
    sha256: str
    status: str = "ok"  # ok | skipped | error
    error: str = ""
    n_chars: int = 0  # characters in the raw text
    title: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD) or ""
    date_source: str = ""  # header | dateline | dateline+filename
    credit: str = ""  # the organisation the text is credited to
    credits: list[Credit] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    text: str = ""
    offset_map: OffsetMap = field(default_factory=lambda: OffsetMap.identity(0))
    cleaner: str = ""  # fingerprint of the cleaning rules that made it
    encoding: str = "utf-8"  # codec the raw text was read with: offsets index open(path, encoding=...).read()

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-file span of the clean-text span ``[start, end)``."""
        return self.offset_map.to_raw(start, end)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["offset_map"] = self.offset_map.to_json()
        return {"schema_version": SCHEMA_VERSION, **d}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "CleanDocument":
        obj = dict(obj)
        version = obj.pop("schema_version", None)
        if version != SCHEMA_VERSION:
            raise ValueError(f"clean document schema {version!r}, expected {SCHEMA_VERSION}")
        obj["credits"] = [Credit(**c) for c in obj.get("credits", [])]
        obj["removed"] = [Removed(**r) for r in obj.get("removed", [])]
        obj["offset_map"] = OffsetMap.from_json(obj["offset_map"])
        return cls(**obj)

    @classmethod
    def loads(cls, s: str) -> "CleanDocument":
        return cls.from_json(json.loads(s))
