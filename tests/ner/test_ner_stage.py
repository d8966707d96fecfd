"""The ner stage as a user runs it: DocBin output, raw offsets, credits, cross-document ids, re-runs, bad input."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from conftest import KCNA, SEEDS, read_raw, csv_rows as rows
from pipeline.clean import stage as clean_stage
from pipeline.ner import stage as ner
from pipeline.core.config import Settings


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ner")
    raw = base / "raw"
    raw.mkdir()
    for p in SEEDS + KCNA[:1]:
        shutil.copy(p, raw / p.name)
    (raw / "numbers.txt").write_text("2024 -- 12, 13, 14\n", encoding="utf-8")
    settings = Settings(input_dir=raw, output_dir=base / "out", quiet=True)
    clean_stage.run(settings)
    report = ner.run(settings)
    assert report.counts["ok"] == 3
    return base


def test_every_document_has_a_status_row(run_dir: Path):
    status = {r["doc_id"]: r for r in rows(run_dir / "out" / "tables" / "ner_documents.csv")}
    assert len(status) == 4
    assert status["numbers"]["status"] == "skipped" and "no letters" in status["numbers"]["error"]
    assert all(r["status"] == "ok" and int(r["n_mentions"]) > 10 for k, r in status.items() if k != "numbers")


def test_mentions_point_at_the_raw_characters(run_dir: Path):
    mentions = rows(run_dir / "out" / "tables" / "mentions.csv")
    assert mentions and list(mentions[0])[:7] == ["doc_id", "mention_id", "start", "end", "text", "label", "entity_id"]
    raws = {p.stem: read_raw(p) for p in (run_dir / "raw").glob("*.txt")}
    for m in mentions:
        assert raws[m["doc_id"]][int(m["start"]):int(m["end"])] == m["text"], m
        assert m["label"] in {"PERSON", "STATE", "OFFICE", "ORG"}
    # spans never overlap within a document
    by_doc: dict[str, list] = {}
    for m in mentions:
        by_doc.setdefault(m["doc_id"], []).append((int(m["start"]), int(m["end"])))
    for spans in by_doc.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_credits_are_org_mentions(run_dir: Path):
    mentions = rows(run_dir / "out" / "tables" / "mentions.csv")
    credits = [(m["doc_id"][:3], m["text"], m["entity_id"]) for m in mentions if m["source"] == "credit"]
    assert ("000", "Reuters", "org:reuters") in credits and ("000", "Yonhap", "org:yonhap") in credits
    assert ("kcn", "KCNA", "org:kcna") in credits


def test_spelling_variants_merge_across_documents(run_dir: Path):
    entities = {r["entity_id"]: r for r in rows(run_dir / "out" / "tables" / "entities.csv")}
    ri = entities["person:ri-son-gwon"]
    assert set(ri["aliases"].split(";")) == {"Ri Son-gwon", "Ri Son Gwon"} and ri["doc_count"] == "2"
    assert set(entities["person:kim-yo-jong"]["aliases"].split(";")) >= {"Kim Yo-jong", "Kim Yo Jong"}
    assert entities["person:kim-yo-jong"]["doc_count"] == "3"
    assert entities["state:PRK"]["name"] == "North Korea"
    assert int(entities["state:USA"]["mention_count"]) > 10


def test_parsed_documents_are_docbins_later_stages_can_read(run_dir: Path, nlp):
    path = next((run_dir / "out" / "nlp").glob("004_*.spacy"))
    (doc,) = DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab)
    assert doc._.doc_id == path.stem
    assert doc.has_annotation("DEP") and ("Choe Son Hui", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    # the resolved ids travel with the parsed document
    ids = {e.text: (e._.entity_id, e._.state) for e in doc.ents}
    assert ids["Choe Son Hui"] == ("person:choe-son-hui", "PRK")
    assert ids["Washington"] == ("state:USA", "USA")


def test_rerun_parses_nothing(run_dir: Path):
    settings = Settings(input_dir=run_dir / "raw", output_dir=run_dir / "out", quiet=True)
    out = run_dir / "out"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    report = ner.run(settings)
    assert report.written == 0 and report.unchanged == 3
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


class _FlakyNLP:
    """Stands in for a model that fails on one document."""

    def __init__(self, nlp):
        self.nlp = nlp

    def __call__(self, text):
        if text.startswith("BOOM"):
            raise ValueError("cannot process this")
        return self.nlp(text)

    def pipe(self, texts, batch_size=16):
        for t in texts:
            yield self(t)


def test_a_document_the_model_fails_on_does_not_stop_the_others(nlp):
    texts = ["North Korea said so.", "BOOM 1 2 3", "Russia agreed."]
    out = [(doc is not None, err) for doc, err in ner.parse(_FlakyNLP(nlp), texts, chunk_chars=1000)]
    assert out[0] == (True, "") and out[2] == (True, "")
    assert out[1][0] is False and "ValueError: cannot process this" in out[1][1]


def test_long_texts_are_parsed_in_pieces_with_offsets_kept(nlp):
    para = "North Korean leader Kim Jong Un said on Friday that his country would never give up. "
    text = "\n\n".join(para * 3 for _ in range(40))
    ((doc, err),) = list(ner.parse(nlp, [text], chunk_chars=2000))
    assert err == "" and doc.text == text
    found = [(e.start_char, e.text) for e in doc.ents if e.label_ == "PERSON"]
    assert len(found) == 120 and all(text[s:s + len(t)] == t for s, t in found)
    assert ner._chunks(text, 2000) and "".join(ner._chunks(text, 2000)) == text


def test_ner_without_clean_outputs_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ner.StageError, match="run clean-text first"):
        ner.run(Settings(output_dir=tmp_path, quiet=True))


@pytest.fixture(scope="module")
def variants_dir(tmp_path_factory) -> Path:
    """Three short articles that write the same people differently."""
    base = tmp_path_factory.mktemp("variants")
    raw = base / "raw"
    raw.mkdir()
    (raw / "a_kyiv.txt").write_text(
        "Ukraine asks allies for air defence\n\nUkrainian President Volodymyr Zelenskiy said on Monday that Kyiv needed "
        "more air defence systems. Zelenskiy spoke after talks with European leaders.\n", encoding="utf-8")
    (raw / "b_moscow.txt").write_text(
        "Kremlin rejects ceasefire call\n\nRussian President Vladimir Vladimirovich Putin rejected the proposal, the "
        "Kremlin said. Volodymyr Zelensky called the decision cynical.\n", encoding="utf-8")
    (raw / "c_talks.txt").write_text(
        "No date for talks\n\nPutin told reporters in Moscow that no date had been set. Zelensky said he was ready "
        "to meet.\n", encoding="utf-8")
    # two people whose names differ by a letter no transliteration varies in
    (raw / "d_lahore.txt").write_text(
        "Opposition rallies in Lahore\n\nFormer cricketer Tariq Khan told supporters in Lahore that the vote had been "
        "rigged. Khan said he would appeal.\n", encoding="utf-8")
    (raw / "e_port.txt").write_text(
        "Port expansion approved\n\nHarbour engineer Tariq Han said the new terminal would open next year. "
        "Han said costs had risen.\n", encoding="utf-8")
    settings = Settings(input_dir=raw, output_dir=base / "out", quiet=True)
    clean_stage.run(settings)
    ner.run(settings)
    return base


def test_transliterations_patronymics_and_surnames_share_one_id_across_documents(variants_dir: Path, nlp):
    mentions = rows(variants_dir / "out" / "tables" / "mentions.csv")
    people: dict[str, set] = {}
    for m in mentions:
        if m["label"] == "PERSON":
            people.setdefault(m["text"], set()).add(m["entity_id"])
    zel = people["Volodymyr Zelenskiy"] | people["Zelenskiy"] | people["Volodymyr Zelensky"] | people["Zelensky"]
    assert len(zel) == 1, people
    assert people["Vladimir Vladimirovich Putin"] == people["Putin"] == {"person:vladimir-putin"}, people
    entities = {r["entity_id"]: r for r in rows(variants_dir / "out" / "tables" / "entities.csv")}
    assert entities[next(iter(zel))]["doc_count"] == "3"
    # the DocBins that later stages read carry the same ids
    for path in (variants_dir / "out" / "nlp").glob("*.spacy"):
        (doc,) = DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab)
        for e in doc.ents:
            if e.label_ == "PERSON" and e.text.startswith(("Zelensk", "Volodymyr")):
                assert e._.entity_id in zel, (path.name, e.text, e._.entity_id)


def test_names_a_letter_apart_stay_two_people_across_documents(variants_dir: Path):
    mentions = rows(variants_dir / "out" / "tables" / "mentions.csv")
    people: dict[str, set] = {}
    for m in mentions:
        if m["label"] == "PERSON":
            people.setdefault(m["text"], set()).add(m["entity_id"])
    assert people["Tariq Khan"] == people["Khan"] == {"person:tariq-khan"}, people
    assert people["Tariq Han"] == people["Han"] == {"person:tariq-han"}, people


def test_a_rerun_after_the_merge_writes_nothing(variants_dir: Path):
    settings = Settings(input_dir=variants_dir / "raw", output_dir=variants_dir / "out", quiet=True)
    out = variants_dir / "out"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    report = ner.run(settings)
    assert report.written == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_a_wires_dateline_gives_its_state_to_bodies_named_without_one(tmp_path):
    from conftest import pipeline_run

    raw = tmp_path / "src"
    raw.mkdir()
    (raw / "wire_kyiv.txt").write_text(
        "Drone strikes hit power plants\n\nKYIV, Ukraine (AP) — Russia launched 40 drones overnight and Russia "
        "threatened more strikes, the defense ministry said on Tuesday. Most were shot down over Ukraine.\n",
        encoding="utf-8")
    out = pipeline_run(tmp_path, [raw / "wire_kyiv.txt"], stages=("clean-text", "ner"))
    import csv

    with open(out / "tables" / "mentions.csv", encoding="utf-8") as fh:
        ids = {r["text"]: r["entity_id"] for r in csv.DictReader(fh)}
    assert ids["defense ministry"].endswith("-ukr"), ids  # not AP's home state, not the dominant Russia
