"""`pipeline evaluate` gives the numbers of shared/eval/score_gold.py on the same files."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import run_cli
from pipeline import evaluate


def test_evaluate_agrees_with_the_reference_scorer(shared, tmp_path: Path):
    gold = shared / "gold" / "dev"
    out = tmp_path / "eval"
    proc = run_cli("evaluate", "--gold", str(gold), "--output", str(out), "--run", "--quiet")
    assert proc.returncode == 0, proc.stderr
    ours = json.loads((out / "scores.json").read_text())
    ref = subprocess.run([sys.executable, str(shared / "eval" / "score_gold.py"), "--gold", str(gold),
                          "--tables", str(out / "tables"), "--json"], capture_output=True, text=True, check=True)
    assert ours == json.loads(ref.stdout)
    assert (out / "scores.txt").read_text().startswith("documents: 5")
    # the speaker resolver, on the gold's own speaker phrases: pronouns and nominals resolved
    speakers = json.loads((out / "speakers.json").read_text())
    assert speakers["pronoun"]["n"] >= 3 and speakers["nominal"]["n"] >= 5
    assert speakers["pronoun"]["acc"] >= 0.8 and speakers["nominal"]["acc"] >= 0.8

    # and on degraded tables, where most metrics are neither 0 nor 1
    tables = tmp_path / "degraded"
    tables.mkdir()
    with open(out / "tables" / "mentions.csv", encoding="utf-8", newline="") as fh:
        mentions = list(csv.DictReader(fh))
    for i, m in enumerate(mentions):
        if i % 3 == 0:
            m["end"] = str(int(m["end"]) + 1)
        if i % 4 == 0:
            m["entity_id"] = "person:x" if m["label"] == "PERSON" else m["entity_id"]
        if i % 7 == 0:
            m["entity_id"] = "state:USA" if m["label"] == "STATE" else m["entity_id"]
    with open(tables / "mentions.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(mentions[0]))
        w.writeheader()
        w.writerows(mentions)
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
    with open(tables / "statements.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(st_rows[0]))
        w.writeheader()
        w.writerows(st_rows)
    ours = evaluate.score(golds, tables)
    ref = subprocess.run([sys.executable, str(shared / "eval" / "score_gold.py"), "--gold", str(gold),
                          "--tables", str(tables), "--json"], capture_output=True, text=True, check=True)
    assert ours == json.loads(ref.stdout)
    assert 0 < ours["entities"]["ALL"]["f1"] < 1 and 0 < ours["statements"]["content"]["f1"] < 1


def test_evaluate_without_gold_is_a_clear_error(tmp_path: Path):
    proc = run_cli("evaluate", "--gold", str(tmp_path), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no gold files" in proc.stderr


def test_attribution_scores_agree_with_the_reference_scorer(shared, tmp_path: Path):
    """PolNeAR-style gold (text/ + attributions/): our metrics equal score_attributions.py's."""
    gold = shared / "polnear" / "dev"
    pred = tmp_path / "statements.csv"
    # a prediction file with real variety: the gold itself, cut and shifted
    ref_csv = tmp_path / "gold.csv"
    subprocess.run([sys.executable, str(shared / "eval" / "score_attributions.py"), "--gold", str(gold),
                    "--gold-to-csv", str(ref_csv)], check=True, capture_output=True)
    with open(ref_csv, encoding="utf-8", newline="") as fh:
        gold_rows = list(csv.DictReader(fh))
    for i, r in enumerate(gold_rows):
        if i % 3 == 0 and r["content_end"]:
            r["content_end"] = str(int(r["content_end"]) - (int(r["content_end"]) - int(r["content_start"])) * 2 // 3)
        if i % 5 == 0:
            r["speaker_start"] = r["speaker_end"] = ""
        if i % 7 == 0 and r["cue_start"]:
            r["cue_start"] = str(int(r["cue_start"]) + 40)
            r["cue_end"] = str(int(r["cue_start"]) + 4)
    with open(pred, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(gold_rows[0]))
        w.writeheader()
        w.writerows(gold_rows[::1] + gold_rows[:50])
    ours = evaluate.score_attributions(gold, pred)
    ref = subprocess.run([sys.executable, str(shared / "eval" / "score_attributions.py"), "--gold", str(gold),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    assert ours == json.loads(ref.stdout)
    assert 0.3 < ours["content"]["f1"] < 1 and ours["content+source"]["f1"] < ours["content"]["f1"]
