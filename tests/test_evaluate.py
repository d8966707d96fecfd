"""`pipeline evaluate` gives the numbers of shared/eval/score_gold.py and score_attributions.py on the same files.

Every comparison is of the reference's whole output: its ``--json`` dict (every
key, and the very same JSON text) and its text table.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from pipeline import evaluate

# hand-written predicted tables (mentions, statements with `type` and `tone`, relations)
# for two dev gold texts; see tests/data/eval_tables/README.md
FIXTURE = DATA / "eval_tables"
FIXTURE_DOCS = ("000_b12bcce1b98cf9ef", "kcna_2024-08-18_fm-spokesman-kursk")


def _reference(script: Path, *args: str) -> str:
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=True).stdout


def _assert_same_as_score_gold(shared: Path, gold: Path, tables: Path, ours: dict | None = None) -> dict:
    """Our scores of ``tables`` (computed here unless given) are the reference's, key for key and line for line."""
    if ours is None:
        ours = evaluate.score(evaluate.load_gold(gold), tables)
    script = shared / "eval" / "score_gold.py"
    ref_json = _reference(script, "--gold", str(gold), "--tables", str(tables), "--json")
    assert ours == json.loads(ref_json)
    assert json.dumps(ours, indent=1) + "\n" == ref_json  # same keys in the same order, same values
    assert evaluate.format_table(ours) + "\n" == _reference(script, "--gold", str(gold), "--tables", str(tables))
    return ours


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict], fields: list[str] | None = None) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields or list(rows[0]), extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def test_evaluate_agrees_with_the_reference_scorer(shared, tmp_path: Path):
    gold = shared / "gold" / "dev"
    out = tmp_path / "eval"
    proc = run_cli("evaluate", "--gold", str(gold), "--output", str(out), "--run", "--quiet")
    assert proc.returncode == 0, proc.stderr
    ours = json.loads((out / "scores.json").read_text())
    _assert_same_as_score_gold(shared, gold, out / "tables", ours)
    script = shared / "eval" / "score_gold.py"
    assert (out / "scores.json").read_text() == _reference(script, "--gold", str(gold), "--tables", str(out / "tables"), "--json")
    assert (out / "scores.txt").read_text().startswith(
        _reference(script, "--gold", str(gold), "--tables", str(out / "tables")) + "speaker resolver")
    assert (out / "scores.txt").read_text().startswith("documents: 5")
    # the speaker resolver, on the gold's own speaker phrases: pronouns and nominals resolved
    speakers = json.loads((out / "speakers.json").read_text())
    assert speakers["pronoun"]["n"] >= 3 and speakers["nominal"]["n"] >= 5
    assert speakers["pronoun"]["acc"] >= 0.8 and speakers["nominal"]["acc"] >= 0.8

    # and on degraded tables, where most metrics are neither 0 nor 1
    tables = tmp_path / "degraded"
    tables.mkdir()
    mentions = _read(out / "tables" / "mentions.csv")
    for i, m in enumerate(mentions):
        if i % 3 == 0:
            m["end"] = str(int(m["end"]) + 1)
        if i % 4 == 0:
            m["entity_id"] = "person:x" if m["label"] == "PERSON" else m["entity_id"]
        if i % 7 == 0:
            m["entity_id"] = "state:USA" if m["label"] == "STATE" else m["entity_id"]
    _write(tables / "mentions.csv", mentions)
    golds = evaluate.load_gold(gold)
    st_rows = []
    for d, g in golds.items():
        for k, s in enumerate(g["statements"]):
            if k % 2:
                continue
            st_rows.append({"statement_id": f"{d}:{k}", "doc_id": d, "speaker_id": s.get("speaker_id", ""),
                            "speaker_start": s["speaker"]["start"] if s["speaker"].get("text") else "",
                            "speaker_end": s["speaker"]["end"] if s["speaker"].get("text") else "",
                            "content_start": s["content"]["start"], "content_end": s["content"]["end"] + k,
                            "target_ids": ";".join(s.get("targets", [])[:1])})
    _write(tables / "statements.csv", st_rows)
    ours = _assert_same_as_score_gold(shared, gold, tables)
    assert 0 < ours["entities"]["ALL"]["f1"] < 1 and 0 < ours["statements"]["content"]["f1"] < 1
    assert 0 < ours["statements"]["content_exact"]["tp"] < ours["statements"]["content"]["tp"]
    # no `type` column: every type wrong, but the metrics are there (the gold has types)
    assert ours["statements"]["type"]["tp"] == 0 and ours["type_on_matched"]["n"] == ours["statements"]["content"]["tp"]


@pytest.fixture
def fixture_gold(shared, tmp_path: Path) -> Path:
    """The two dev gold files the hand-written tables are about."""
    gold = tmp_path / "gold"
    gold.mkdir()
    for d in FIXTURE_DOCS:
        shutil.copy(shared / "gold" / "dev" / f"{d}.json", gold / f"{d}.json")
    return gold


def test_type_and_tone_metrics_agree_with_the_reference(shared, fixture_gold: Path):
    """Predicted statements with `type` and `tone` columns: the type metrics are neither 0 nor 1."""
    ours = _assert_same_as_score_gold(shared, fixture_gold, FIXTURE)
    st, tm = ours["statements"], ours["type_on_matched"]
    assert 0 < st["content_exact"]["tp"] < st["content"]["tp"] < st["content"]["pred"]
    assert 0 < st["type"]["tp"] < st["tone"]["tp"] < st["content"]["tp"]
    assert st["type"]["gold"] == st["content"]["gold"] and st["type"]["pred"] == st["content"]["pred"]
    assert 0 < tm["macro_f1"] < tm["acc"] < tm["tone_acc"] < 1 and tm["n"] == st["content"]["tp"]
    assert 0 < ours["relations"]["HOLDS_OFFICE"]["f1"] < 1 and 0 < ours["person_clusters"]["f1"] < 1


@pytest.mark.parametrize("columns", ["none", "type only", "tone only"])
def test_statements_without_type_or_tone_columns(shared, fixture_gold: Path, tmp_path: Path, columns: str):
    """The same tables with no `type`/`tone` column, or only one of them (the tone then comes from the type)."""
    tables = tmp_path / "tables"
    tables.mkdir()
    for name in ("mentions.csv", "relations.csv"):
        shutil.copy(FIXTURE / name, tables / name)
    rows = _read(FIXTURE / "statements.csv")
    drop = {"none": {"type", "tone"}, "type only": {"tone"}, "tone only": {"type"}}[columns]
    _write(tables / "statements.csv", rows, [c for c in rows[0] if c not in drop])
    ours = _assert_same_as_score_gold(shared, fixture_gold, tables)
    st = ours["statements"]
    with_types = evaluate.score(evaluate.load_gold(fixture_gold), FIXTURE)["statements"]
    assert {k: st[k] for k in ("content", "content_exact", "speaker_id")} == \
        {k: with_types[k] for k in ("content", "content_exact", "speaker_id")}
    if columns == "none":
        assert st["type"]["tp"] == st["tone"]["tp"] == 0 and ours["type_on_matched"]["macro_f1"] == 0.0
    elif columns == "type only":
        assert st["type"] == with_types["type"] and 0 < st["tone"]["tp"]
    else:
        assert st["type"]["tp"] == 0 and st["tone"]["tp"] > 0


def test_gold_without_types_has_no_type_metrics(shared, fixture_gold: Path, tmp_path: Path):
    """Gold without statement types: no statements.type / tone, no type_on_matched, in both scorers."""
    gold = tmp_path / "untyped"
    gold.mkdir()
    for f in fixture_gold.glob("*.json"):
        g = json.loads(f.read_text(encoding="utf-8"))
        for s in g["statements"]:
            s.pop("type", None)
        (gold / f.name).write_text(json.dumps(g), encoding="utf-8")
    ours = _assert_same_as_score_gold(shared, gold, FIXTURE)
    assert "type_on_matched" not in ours and set(ours["statements"]) == {
        "content", "speaker", "speaker_id", "targets", "content_exact"}


def test_evaluate_without_gold_is_a_clear_error(tmp_path: Path):
    proc = run_cli("evaluate", "--gold", str(tmp_path), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no gold files" in proc.stderr


def test_attribution_scores_agree_with_the_reference_scorer(shared, tmp_path: Path):
    """PolNeAR-style gold (text/ + attributions/): our metrics equal score_attributions.py's, every key."""
    gold = shared / "polnear" / "dev"
    script = shared / "eval" / "score_attributions.py"
    pred = tmp_path / "statements.csv"
    # a prediction file with real variety: the gold itself, cut, widened and shifted
    ref_csv = tmp_path / "gold.csv"
    subprocess.run([sys.executable, str(script), "--gold", str(gold), "--gold-to-csv", str(ref_csv)],
                   check=True, capture_output=True)
    gold_rows = _read(ref_csv)
    texts: dict[str, str] = {}
    for i, r in enumerate(gold_rows):
        if r["doc_id"] not in texts:
            with open(gold / "text" / f"{r['doc_id']}.txt", encoding="utf-8") as fh:
                texts[r["doc_id"]] = fh.read()
        text = texts[r["doc_id"]]
        if i % 3 == 0 and r["content_end"]:
            r["content_end"] = str(int(r["content_end"]) - (int(r["content_end"]) - int(r["content_start"])) * 2 // 3)
        elif i % 4 == 1 and r["content_start"]:
            # quote marks, punctuation and spaces around the content: still exact once trimmed
            s, e = int(r["content_start"]), int(r["content_end"])
            while s > 0 and not text[s - 1].isalnum() and int(r["content_start"]) - s < 3:
                s -= 1
            while e < len(text) and not text[e].isalnum() and e - int(r["content_end"]) < 3:
                e += 1
            r["content_start"], r["content_end"] = str(s), str(e)
        elif i % 4 == 3 and r["content_start"]:
            r["content_start"] = str(text.find(" ", int(r["content_start"])) + 1)  # one word short
        if i % 5 == 0:
            r["speaker_start"] = r["speaker_end"] = ""
        if i % 7 == 0 and r["cue_start"]:
            r["cue_start"] = str(int(r["cue_start"]) + 40)
            r["cue_end"] = str(int(r["cue_start"]) + 4)
    extra = [dict(gold_rows[0], content_start="nan", content_end="nan"),  # as pandas' astype(str) writes NaN
             dict(gold_rows[1], doc_id="not_a_polnear_doc")]
    _write(pred, gold_rows + gold_rows[:50] + extra)
    ours = evaluate.score_attributions(gold, pred)
    ref_json = _reference(script, "--gold", str(gold), "--pred", str(pred), "--json")
    assert ours == json.loads(ref_json)
    assert json.dumps(ours, indent=2) + "\n" == ref_json
    assert evaluate.format_attr_table(ours) + "\n" == _reference(script, "--gold", str(gold), "--pred", str(pred))
    assert 0.3 < ours["content"]["f1"] < 1 and ours["content+source"]["f1"] < ours["content"]["f1"]
    assert 0 < ours["content_exact"]["tp"] < ours["content"]["tp"] and ours["pred_rows_unknown_doc"] == 1
