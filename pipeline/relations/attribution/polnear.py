"""PolNeAR's BRAT standoff: texts and their attributions (source, cue, content fragments).

Follows the reading rules of ``shared/eval/score_attributions.py``: for each
``text/<doc_id>.txt`` the first ``.ann`` (by name) called ``<doc_id>.ann`` or
``<doc_id>_*.ann``; every ``E`` line of type ``Attribution`` or
``Attribution-no-source`` is one attribution.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

_T = re.compile(r"^(T\d+)\t(\S+) ([0-9; ]+)\t")
_E = re.compile(r"^(E\d+)\t(.*)$")
TYPES = {"Attribution", "Attribution-no-source"}


@dataclass
class Attribution:
    content: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    source: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class PolnearDoc:
    doc_id: str
    text: str
    attributions: list[Attribution]
    skipped: int = 0  # attributions without content (they cannot be matched)


def parse_ann(raw: str) -> list[Attribution]:
    return parse_ann_counted(raw)[0]


def parse_ann_counted(raw: str) -> tuple[list[Attribution], int]:
    """(attributions with content, number of attributions without content)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    out = []
    skipped = 0
    lines = raw.split("\n")
    for line in lines:  # spans first: an event may name a span defined after it
        m = _T.match(line)
        if m:
            spans[m.group(1)] = [tuple(int(x) for x in part.split()) for part in m.group(3).split(";")]  # type: ignore[misc]
    for line in lines:
        m = _E.match(line)
        if not m or not m.group(2):
            continue
        args = m.group(2).split()
        if args[0].split(":")[0] not in TYPES:
            continue
        att = Attribution()
        for arg in args[1:]:
            role, _, tid = arg.partition(":")
            role = role.rstrip("0123456789").lower()
            if role in ("content", "cue", "source") and tid in spans:
                getattr(att, role).extend(spans[tid])
        if att.content:
            out.append(att)
        else:
            skipped += 1
    return out, skipped


def read_split(directory: Path) -> Iterator[PolnearDoc]:
    directory = Path(directory)
    anns = sorted((directory / "attributions").glob("*.ann"))
    for txt in sorted((directory / "text").glob("*.txt")):
        stem = txt.stem
        ann = next((a for a in anns if a.stem == stem or a.name.startswith(stem + "_")), None)
        with open(txt, encoding="utf-8") as fh:
            text = fh.read()
        atts, skipped = parse_ann_counted(ann.read_text(encoding="utf-8")) if ann else ([], 0)
        yield PolnearDoc(stem, text, atts, skipped)


def is_polnear_dir(directory: Path) -> bool:
    return (Path(directory) / "text").is_dir() and (Path(directory) / "attributions").is_dir()
