"""Cleaning the seed articles (raw/) and the KCNA dev articles: metadata, and nothing of the furniture left."""
from __future__ import annotations

import json
import re

import pytest

from conftest import KCNA, SEEDS, read_raw
from pipeline.clean.rules import clean_text

# Generic signs of furniture in cleaned text: not matched against any one article's strings.
LEFTOVERS = {
    "dateline": re.compile(r"(?m)^[A-Z][A-Za-z .]+, [A-Z][a-z]+\.? \d{1,2} \([A-Za-z -]+\) ?(--|\u2014|-)"),
    "credit in parentheses at a paragraph end": re.compile(r"(?m)\((?:[A-Z][A-Za-z]*[-/ ]?){1,3}\)\s*$"),
    "end mark": re.compile(r"-0-|\(END\)"),
    "date line": re.compile(r"(?mi)^\W*(?:date\s+)?\d{4}-\d{2}-\d{2}"),
    "pipe-delimited line": re.compile(r"(?m)^\s*\|.*\|\s*$"),
    "blank-line run": re.compile(r"\n\s*\n\s*\n"),
}


def _by_name(name):
    return next(p for p in SEEDS if p.name.startswith(name))


def test_seed_dates_and_title():
    r000 = clean_text(read_raw(_by_name("000_")))
    r004 = clean_text(read_raw(_by_name("004_")))
    assert r000.date == "2021-06-24"
    assert r004.date == "2024-02-29"
    assert r004.title == "North Korea turns down US offer for official meeting"
    assert r000.credit == "Yonhap"


@pytest.mark.parametrize("path", SEEDS + KCNA, ids=lambda p: p.stem)
def test_no_furniture_left(path):
    raw = read_raw(path)
    res = clean_text(raw, filename=path.name)
    for what, rx in LEFTOVERS.items():
        assert not rx.search(res.text), f"{what} left in {path.name}: {rx.search(res.text).group()!r}"
    # whatever was taken out is furniture, never a body sentence
    for r in res.removed:
        assert r.kind in {"header", "caption", "dateline", "trailer", "end_mark", "furniture"}
        assert len(r.text) < 120, r
    # every credit's raw span reads the credited name (or an alias of it)
    for c in res.credits:
        assert raw[c.start:c.end] and raw[c.start:c.end][0].isupper()


@pytest.mark.parametrize("path", KCNA, ids=lambda p: p.stem)
def test_kcna_metadata(path):
    res = clean_text(read_raw(path), filename=path.name)
    assert res.credit == "KCNA"
    assert res.title.startswith("Press Statement of")
    assert res.date == path.stem.split("_")[1]  # e.g. kcna_2024-05-29_...: dateline day + file-name year


def test_gold_entities_survive_cleaning_and_map_exactly(shared):
    """Every gold entity of the dev set is either a credit that cleaning took out
    (and reports with the same raw span) or text the model sees, whose clean span
    maps back to exactly the gold raw span."""
    gold_dir = shared / "gold" / "dev"
    files = sorted(gold_dir.glob("*.json"))
    assert files
    for gf in files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        raw_path = next(p for p in [*(shared / "seeds").glob("*.txt"), *(gold_dir / "raw").glob("*.txt")]
                        if p.stem == gold["doc_id"])
        raw = read_raw(raw_path)
        assert raw == gold["text"]
        res = clean_text(raw, filename=raw_path.name)
        credit_spans = {(c.start, c.end) for c in res.credits}
        for ent in gold["entities"]:
            span = (ent["start"], ent["end"])
            if span in credit_spans:
                continue
            clean_span = res.offset_map.to_clean(*span)
            assert clean_span is not None, f"{gold['doc_id']}: gold entity {ent} was cleaned away"
            assert res.offset_map.to_raw(*clean_span) == span
            assert res.text[clean_span[0]:clean_span[1]] == ent["text"]
        # the credits the gold marks as ORG mentions in furniture are all found
        gold_orgs = {(e["start"], e["end"]) for e in gold["entities"] if e["label"] == "ORG"}
        assert credit_spans <= gold_orgs, f"{gold['doc_id']}: credits not in gold: {credit_spans - gold_orgs}"
