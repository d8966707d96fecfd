"""The relations stage as a user runs it: statements.csv and relations.csv in raw offsets."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import KCNA, SEEDS, pipeline_run, read_raw, csv_rows as rows
from pipeline.relations import stage as relations
from pipeline.core.config import Settings

SCHEMA_STATEMENT_COLUMNS = ["statement_id", "doc_id", "date", "speaker_id", "speaker_text", "speaker_start",
                            "speaker_end", "cue_text", "cue_start", "cue_end", "content", "content_start",
                            "content_end", "kind", "target_ids"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("rel")
    pipeline_run(base, SEEDS + KCNA[:1], stages=("clean-text", "ner", "relations"))
    return base


def test_statements_table_follows_the_schema_and_points_at_raw_text(out: Path):
    st = rows(out / "out" / "tables" / "statements.csv")
    assert list(st[0])[:len(SCHEMA_STATEMENT_COLUMNS)] == SCHEMA_STATEMENT_COLUMNS
    raws = {p.stem: read_raw(p) for p in (out / "raw").glob("*.txt")}
    for r in st:
        raw = raws[r["doc_id"]]
        assert raw[int(r["content_start"]):int(r["content_end"])] == r["content"]
        if r["speaker_start"]:
            assert raw[int(r["speaker_start"]):int(r["speaker_end"])] == r["speaker_text"]
        if r["cue_start"]:
            assert raw[int(r["cue_start"]):int(r["cue_end"])] == r["cue_text"]
        assert r["kind"] in {"direct", "indirect", "mixed"}
    dates = {r["doc_id"][:3]: r["date"] for r in st}
    assert dates["000"] == "2021-06-24" and dates["004"] == "2024-02-29"
    # the KCNA press statement: one verbatim statement by Kim Yo Jong to the end of the text
    kcna = [r for r in st if r["doc_id"].startswith("kcna") and r["cue_text"] == "issued"]
    assert len(kcna) == 1 and kcna[0]["speaker_id"] == "person:kim-yo-jong"
    assert kcna[0]["content"].endswith("in the future.")


def test_office_relations_with_evidence(out: Path):
    rel = rows(out / "out" / "tables" / "relations.csv")
    raws = {p.stem: read_raw(p) for p in (out / "raw").glob("*.txt")}
    holds = {(r["source_id"], r["target_id"]) for r in rel if r["relation"] == "HOLDS_OFFICE"}
    assert ("person:ri-son-gwon", "office:PRK:foreign-minister") in holds
    assert ("person:sung-kim", "office:USA:special-envoy") in holds
    assert ("person:kim-yo-jong", "office:PRK:vice-department-director") in holds
    ri = next(r for r in rel if r["source_id"] == "person:ri-son-gwon" and r["relation"] == "HOLDS_OFFICE")
    assert raws[ri["doc_id"]][int(ri["start"]):int(ri["end"])] == "Foreign Minister Ri Son-gwon"
    kinds = {r["relation"] for r in rel}
    assert kinds == {"HOLDS_OFFICE", "OFFICE_OF", "PART_OF", "AFFILIATED_WITH"}
    assert ("office:PRK:foreign-minister", "state:PRK") in {(r["source_id"], r["target_id"]) for r in rel if r["relation"] == "OFFICE_OF"}


def test_rerun_rewrites_nothing_and_rules_only_mode(out: Path):
    settings = Settings(input_dir=out / "raw", output_dir=out / "out", quiet=True)
    before = {p: p.stat().st_mtime_ns for p in (out / "out").rglob("*") if p.is_file()}
    report = relations.run(settings)
    assert report.written == 0
    assert {p: p.stat().st_mtime_ns for p in (out / "out").rglob("*") if p.is_file()} == before
    rules = relations.run(settings.with_overrides(use_tagger=False))
    assert rules.counts["ok"] == 3 and rows(out / "out" / "tables" / "statements.csv")


def test_relations_without_ner_outputs_is_a_clear_error(tmp_path: Path):
    with pytest.raises(relations.StageError, match="run ner first"):
        relations.run(Settings(output_dir=tmp_path, quiet=True))


def test_an_office_named_as_speaker_takes_its_holder_from_another_document():
    from pipeline.relations.stage import resolve_office_speakers

    def st(doc, date, office):
        return {"doc_id": doc, "date": date, "speaker_id": "state:PRK", "speaker_office": office}

    rel = [{"relation": "HOLDS_OFFICE", "source_id": "person:ri-son-gwon", "target_id": "office:PRK:foreign-minister", "doc_id": "a"},
           {"relation": "HOLDS_OFFICE", "source_id": "person:choe-son-hui", "target_id": "office:PRK:foreign-minister", "doc_id": "c"},
           {"relation": "HOLDS_OFFICE", "source_id": "person:sung-kim", "target_id": "office:USA:special-envoy", "doc_id": "a"}]
    stmts = [st("a", "2021-06-24", ""), st("c", "2024-01-10", ""),
             st("b", "2021-07-01", "office:PRK:foreign-minister"),  # nearer the 2021 holder
             st("d", "2024-02-01", "office:PRK:foreign-minister"),  # nearer the 2024 holder
             st("e", "", "office:PRK:foreign-minister"),  # no date: two holders, undecided
             st("f", "2024-02-01", "office:USA:special-envoy"),  # one holder
             st("g", "2024-02-01", "office:JPN:foreign-minister")]  # no holder known
    resolve_office_speakers(stmts, rel)
    assert [s["speaker_id"] for s in stmts[2:]] == ["person:ri-son-gwon", "person:choe-son-hui", "state:PRK",
                                                    "person:sung-kim", "state:PRK"]


def test_explain_prints_each_speaker_with_its_rule_and_candidates(out: Path, capsys):
    from pipeline.__main__ import main

    doc_id = next(p.stem for p in (out / "out" / "relations").glob("004_*.json"))
    assert main(["explain", doc_id, "--output", str(out / "out")]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert any("[pronoun]" in ln for ln in lines)  # "she added": a pronoun resolved with its candidates
    i = next(k for k, ln in enumerate(lines) if "[pronoun]" in ln)
    assert "person:kim-yo-jong" in lines[i] and "last_speaker=" in lines[i + 1]
    assert main(["explain", "no-such-doc", "--output", str(out / "out")]) == 2


def test_a_spokesperson_is_never_taken_from_another_document():
    from pipeline.relations.stage import resolve_office_speakers

    rel = [{"relation": "HOLDS_OFFICE", "source_id": "person:ana-ruiz", "target_id": "office:USA:spokesperson", "doc_id": "a"}]
    stmts = [{"doc_id": "a", "date": "2025-03-01", "speaker_id": "person:ana-ruiz", "speaker_office": ""},
             {"doc_id": "b", "date": "2025-03-02", "speaker_id": "state:USA", "speaker_office": "office:USA:spokesperson"}]
    resolve_office_speakers(stmts, rel)
    assert stmts[1]["speaker_id"] == "state:USA"  # a department has several spokespersons


def test_events_table_is_the_statements_dyads_with_their_actors(out: Path):
    """events.csv recomputed from statements.csv and entities.csv: one row per (speaker, target) pair
    of every typed statement, each actor with its name, state and sector, the type's codes."""
    tables = out / "out" / "tables"
    st = rows(tables / "statements.csv")
    ents = {e["entity_id"]: e for e in rows(tables / "entities.csv")}
    ev = rows(tables / "events.csv")
    expected = [(s["statement_id"], a, b) for s in st for a in s["speaker_id"].split(";") if a
                for b in s["target_ids"].split(";") if b and b != a]
    assert [(e["statement_id"], e["source_id"], e["target_id"]) for e in ev] == expected
    assert ev, "the seed articles have statements with speakers and targets"
    by_id = {s["statement_id"]: s for s in st}
    for e in ev:
        s = by_id[e["statement_id"]]
        for k in ("type", "cameo", "goldstein", "tone", "plover", "doc_id", "date", "content_start", "content_end"):
            assert e[k] == s[k], k
        for side in ("source", "target"):
            ent = ents[e[f"{side}_id"]]
            assert e[f"{side}_name"] == ent["name"] and e[f"{side}_state"] == ent["state"]
            assert e[f"{side}_sector"] in {"government", "military", "party", "media", "ngo", "igo", "armed_group",
                                           "business", "organisation", "person"}
        if e["source_id"].startswith("state:"):
            assert e["source_sector"] == "government"
    assert len({e["event_id"] for e in ev}) == len(ev)
