"""The export stage: GEXF that the official 1.3 schema accepts and networkx re-reads, Gephi's CSV pair, pictures."""
from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

from conftest import DATA, KCNA, SEEDS, pipeline_run
from pipeline.export import stage as export
from pipeline.core.config import Settings

SCHEMA = etree.XMLSchema(file=str(DATA / "gexf-1.3" / "gexf.xsd"))


def validate(path: Path) -> None:
    doc = etree.parse(str(path))
    assert SCHEMA.validate(doc), [str(e) for e in SCHEMA.error_log][:3]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return pipeline_run(tmp_path_factory.mktemp("export"), SEEDS + KCNA)


def test_gexf_files_validate_and_reread(out: Path):
    for name in ("graph.gexf", "states.gexf"):
        validate(out / "graph" / name)
    G = nx.read_gexf(out / "graph" / "graph.gexf")
    entities = pd.read_csv(out / "tables" / "entities.csv", dtype=str, keep_default_na=False)
    assert set(entities["entity_id"]) <= set(G.nodes)
    prk = G.nodes["state:PRK"]
    assert prk["label"] == "North Korea" and prk["type"] == "STATE" and int(prk["mention_count"]) > 10
    # dates for Gephi's timeline: ISO 8601, and the file declares them as such
    assert etree.parse(str(out / "graph" / "graph.gexf")).getroot().find("{http://gexf.net/1.3}graph").get("timeformat") == "date"
    assert prk["first_seen"] == "2021-06-24" and prk["last_seen"] == "2024-08-18"
    H = nx.read_graphml(out / "graph" / "graph.graphml")
    assert set(H.nodes) == set(G.nodes) and H.number_of_edges() == G.number_of_edges()


def test_state_edges_count_statements(out: Path):
    S = nx.read_gexf(out / "graph" / "states.gexf")
    st = pd.read_csv(out / "tables" / "statements.csv", dtype=str, keep_default_na=False)
    ents = pd.read_csv(out / "tables" / "entities.csv", dtype=str, keep_default_na=False)
    state_of = export.state_of(ents)

    def count(a: str, b: str) -> int:
        n = 0
        for r in st.itertuples():
            ss = {state_of.get(x, "") for x in r.speaker_id.split(";") if x}
            ts = {state_of.get(x, "") for x in r.target_ids.split(";") if x}
            n += a in ss and b in ts
        return n

    for a, b in (("PRK", "USA"), ("USA", "PRK"), ("KOR", "PRK")):
        assert S.has_edge(a, b), list(S.edges)
        assert int(float(S.edges[a, b]["weight"])) == count(a, b) > 0
    assert not any(a == b for a, b in S.edges)


def test_state_edges_carry_the_tone_of_their_statements(out: Path):
    """states.gexf (valid GEXF 1.3, checked above): each state pair's statements by type, their mean
    Goldstein value and their cooperative / conflictual counts, recomputed from statements.csv."""
    S = nx.read_gexf(out / "graph" / "states.gexf")
    st = pd.read_csv(out / "tables" / "statements.csv", dtype=str, keep_default_na=False)
    state_of = export.state_of(pd.read_csv(out / "tables" / "entities.csv", dtype=str, keep_default_na=False))
    for a, b, d in S.edges(data=True):
        rows = [r for r in st.itertuples()
                if a in {state_of.get(x, "") for x in r.speaker_id.split(";") if x}
                and b in {state_of.get(x, "") for x in r.target_ids.split(";") if x}]
        assert int(d["cooperative"]) == sum(r.tone == "cooperative" for r in rows)
        assert int(d["conflictual"]) == sum(r.tone == "conflictual" for r in rows)
        assert float(d["goldstein_mean"]) == pytest.approx(sum(float(r.goldstein) for r in rows) / len(rows), abs=1e-3)
        assert sum(int(x.split(":")[1]) for x in d["types"].split(";") if x) == len(rows)
    G = nx.read_gexf(out / "graph" / "graph.gexf")
    typed = [d for *_, d in G.edges(data=True) if d.get("relation") == "STATEMENT"]
    assert typed and all("goldstein_mean" in d and d["types"] for d in typed)


def test_gephi_spreadsheet_pair(out: Path):
    for name in ("nodes.csv", "edges.csv"):
        assert not (out / "graph" / name).read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out / "graph" / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(out / "graph" / "edges.csv", encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert list(nodes[0])[:3] == ["Id", "Label", "type"]
    assert list(edges[0])[:5] == ["Source", "Target", "Type", "Weight", "relation"]
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids and e["Type"] == "Directed" for e in edges)
    assert {e["relation"] for e in edges} >= {"STATEMENT", "HOLDS_OFFICE"}


def test_pictures_and_pages(out: Path):
    assert (out / "graph" / "preview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    page = next((out / "html").glob("004_*.html")).read_text(encoding="utf-8")
    assert "North Korea turns down US offer for official meeting" in index
    assert "Choe Son Hui" in page and "STATE" in page and "CONTENT" in page


def test_hostile_labels_formulas_and_an_empty_corpus(tmp_path: Path):
    tables = tmp_path / "out" / "tables"
    tables.mkdir(parents=True)
    pd.DataFrame([
        {"entity_id": "org:a", "label": "ORG", "name": "=HYPERLINK(\"http://x\")<&>\x07 \U0001F680", "aliases": "", "state": "",
         "mention_count": "1", "doc_count": "1"},
        {"entity_id": "state:PRK", "label": "STATE", "name": "North Korea", "aliases": "", "state": "PRK",
         "mention_count": "1", "doc_count": "1"},
    ]).to_csv(tables / "entities.csv", index=False)
    pd.DataFrame([{"statement_id": "d:s1", "doc_id": "d", "date": "", "speaker_id": "org:a", "speaker_text": "x",
                   "speaker_start": "", "speaker_end": "", "cue_text": "-said", "cue_start": "", "cue_end": "",
                   "content": "@SUM(1+1) & <b>", "content_start": "", "content_end": "", "kind": "direct",
                   "target_ids": "state:PRK"}]).to_csv(tables / "statements.csv", index=False)
    export.run(Settings(output_dir=tmp_path / "out", quiet=True))
    validate(tmp_path / "out" / "graph" / "graph.gexf")
    G = nx.read_gexf(tmp_path / "out" / "graph" / "graph.gexf")
    assert G.nodes["org:a"]["label"] == "=HYPERLINK(\"http://x\")<&> \U0001F680"  # control character dropped
    nodes = pd.read_csv(tmp_path / "out" / "graph" / "nodes.csv", dtype=str, keep_default_na=False)
    edges = pd.read_csv(tmp_path / "out" / "graph" / "edges.csv", dtype=str, keep_default_na=False)
    assert nodes.set_index("Id").loc["org:a", "Label"].startswith("'=")
    assert edges.loc[0, "content"] == "'@SUM(1+1) & <b>" and edges.loc[0, "cues"] == "'-said"

    empty = tmp_path / "empty" / "tables"
    empty.mkdir(parents=True)
    pd.DataFrame(columns=["entity_id", "label", "name", "aliases", "state", "mention_count", "doc_count"]).to_csv(empty / "entities.csv", index=False)
    export.run(Settings(output_dir=tmp_path / "empty", quiet=True))
    for name in ("graph.gexf", "states.gexf"):
        validate(tmp_path / "empty" / "graph" / name)
        assert nx.read_gexf(tmp_path / "empty" / "graph" / name).number_of_nodes() == 0


def test_seed_run_state_edges(tmp_path_factory):
    """The seed articles alone: PRK -> USA, USA -> PRK and KOR -> PRK, weighted by their statements."""
    base = tmp_path_factory.mktemp("seeds")
    pipeline_run(base, SEEDS)
    validate(base / "out" / "graph" / "states.gexf")
    S = nx.read_gexf(base / "out" / "graph" / "states.gexf")
    st = pd.read_csv(base / "out" / "tables" / "statements.csv", dtype=str, keep_default_na=False)
    state_of = export.state_of(pd.read_csv(base / "out" / "tables" / "entities.csv", dtype=str, keep_default_na=False))
    for a, b in (("PRK", "USA"), ("USA", "PRK"), ("KOR", "PRK")):
        n = sum(1 for r in st.itertuples()
                if a in {state_of.get(x, "") for x in r.speaker_id.split(";") if x}
                and b in {state_of.get(x, "") for x in r.target_ids.split(";") if x})
        assert S.has_edge(a, b) and int(float(S.edges[a, b]["weight"])) == n > 0


def test_gexf_round_trip_keeps_nodes_edges_and_values(out: Path):
    tables = out / "tables"
    G = export.build_graph(
        export.read_table(tables, "entities.csv", ["entity_id", "label", "name", "state", "mention_count", "doc_count"]),
        export.entity_dates(export.read_table(tables, "mentions.csv", ["doc_id", "entity_id"]),
                            export.read_table(tables, "documents.csv", ["doc_id", "date"])),
        export.statement_edges(export.statement_pairs(export.read_table(
            tables, "statements.csv", ["statement_id", "speaker_id", "target_ids", "cue_text", "kind", "date", "content"]))),
        export.relation_edges(export.read_table(tables, "relations.csv", ["source_id", "relation", "target_id"])))
    R = nx.read_gexf(out / "graph" / "graph.gexf")
    assert set(R.nodes) == set(G.nodes)
    for n, d in G.nodes(data=True):
        for k in ("label", "type", "state", "mention_count", "doc_count", "first_seen", "last_seen"):
            assert str(R.nodes[n].get(k, "")) == str(d.get(k, "")), (n, k)

    def edge_set(H):
        return sorted((s, t, d["relation"], float(d["weight"]), d.get("cues", ""), d.get("first_date", ""))
                      for s, t, d in H.edges(data=True))

    assert edge_set(R) == edge_set(G)
