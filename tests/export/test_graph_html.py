"""graph/graph.html (issue 14): both graphs in one self-contained, deterministic page whose data
is data, never markup or code, on a real run of the seed articles (and on hostile tables)."""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import networkx as nx
import pandas as pd
import pytest

from conftest import REPO, SEEDS, pipeline_run
from pipeline.core.config import Settings
from pipeline.core.storage import read_table
from pipeline.export import graph_html as gh
from pipeline.export import stage as export

# the elements graph.html is made of
GRAPH_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "label", "select", "option", "input",
              "datalist", "span", "i", "main", "div", "aside", "p", "a", "code", "noscript", "script"}


class Page(HTMLParser):
    """Start tags with their attributes, and each script element's attributes and raw text."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self._buf: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._buf = dict(attrs), []

    def handle_data(self, data):
        if self._script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None

    def csp(self) -> dict[str, list[str]]:
        metas = [a["content"] for t, a in self.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(metas) == 1
        out = {}
        for part in metas[0].split(";"):
            name, *values = part.split()
            out[name] = values
        return out

    def data(self) -> dict:
        blocks = [text for attrs, text in self.scripts if attrs.get("type") == "application/json"]
        assert len(blocks) == 1
        return json.loads(blocks[0])


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return pipeline_run(tmp_path_factory.mktemp("graph_html"), SEEDS)


def _statements(out: Path) -> pd.DataFrame:
    return read_table(out / "tables" / "statements.csv")


def test_the_page_is_self_contained(out: Path):
    """No element that loads anything, no URL in the code, links only to files of the output folder,
    two script elements: the data (JSON, not run) and the one script the policy lets run."""
    path = out / "graph" / "graph.html"
    text = path.read_text(encoding="utf-8")
    page = Page(text)
    tags = {t for t, _ in page.tags}
    assert tags <= GRAPH_TAGS, tags - GRAPH_TAGS
    for tag, attrs in page.tags:
        assert not {"src", "srcdoc", "srcset", "action", "formaction", "data", "poster"} & set(attrs), (tag, attrs)
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        if "href" in attrs:
            href = attrs["href"]
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc and not href.startswith(("/", "\\")), href
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(out.resolve()), href
    order = [a.get("http-equiv") or t for t, a in page.tags]
    assert order.index("Content-Security-Policy") < order.index("script")  # the policy is read before any script

    (data_attrs, _), (code_attrs, code) = page.scripts
    assert data_attrs == {"type": "application/json", "id": "graph-data"}
    assert code_attrs == {}  # inline: no src, no type
    assert code == gh.script_js() == "".join(
        (gh.VENDOR / n).read_text(encoding="utf-8").rstrip("\n") + ";\n" for n in gh.VENDOR_SCRIPTS) + gh.APP_JS
    assert text.count("<script") == 2 and text.count("</script>") == 2

    csp = page.csp()
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
    assert csp == {"default-src": ["'none'"], "script-src": [f"'sha256-{digest}'"], "style-src": ["'unsafe-inline'"],
                   "base-uri": ["'none'"], "form-action": ["'none'"]}

    # no address to fetch anything from: the only URL in the file is the Datasette line, as text
    assert re.findall(r"(?:https?:)?//[\w.-]+(?::\d+)?/", code) == []
    assert re.findall(r"https?://[^\s<\"']+", text) == [gh.DATASETTE_URL]
    for api in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(", "fetch(",
                "XMLHttpRequest", "import(", "WebSocket", "Worker(", "setAttribute(\"on", "javascript:"):
        assert api not in gh.APP_JS, api
    assert "<" not in page.scripts[0][1] and ">" not in page.scripts[0][1] and "&" not in page.scripts[0][1]


def test_the_data_has_every_node_with_its_statements(out: Path):
    data = parse(out / "graph" / "graph.html").data()
    G = nx.read_gexf(out / "graph" / "graph.gexf")
    S = nx.read_gexf(out / "graph" / "states.gexf")
    st = _statements(out)
    records = data["statements"]
    assert data["total_statements"] == len(st)

    view = data["views"]["entities"]
    nodes = {n["id"]: n for n in view["nodes"]}
    assert set(nodes) == set(G.nodes) and view["total_nodes"] == len(nodes)
    assert len(view["edges"]) == G.number_of_edges() == view["total_edges"]
    assert {(e["s"], e["t"], e["rel"]) for e in view["edges"]} == {(s, t, d["relation"]) for s, t, d in G.edges(data=True)}
    for n, node in nodes.items():
        assert node["label"] == G.nodes[n]["label"] and node["type"] == G.nodes[n]["type"]
        assert math.isfinite(node["x"]) and math.isfinite(node["y"])
        expected = [r.statement_id for r in st.itertuples()
                    if n in r.speaker_id.split(";") or n in r.target_ids.split(";")]
        assert [records[i]["id"] for i in node["st"]] == expected and node["n"] == len(expected), n
    assert any(node["n"] for node in nodes.values())

    view = data["views"]["states"]
    states = {n["id"]: n for n in view["nodes"]}
    assert set(states) == set(S.nodes) and len(view["edges"]) == S.number_of_edges()
    state_of = export.state_of(read_table(out / "tables" / "entities.csv"))

    def states_of(ids: str) -> set[str]:
        return {x[6:] if x.startswith("state:") else state_of.get(x, "") for x in ids.split(";") if x}

    for n, node in states.items():
        expected = [r.statement_id for r in st.itertuples() if n in states_of(r.speaker_id) | states_of(r.target_ids)]
        assert [records[i]["id"] for i in node["st"]] == expected and expected, n
    prk = S.edges["PRK", "USA"]
    edge = next(e for e in view["edges"] if (e["s"], e["t"]) == ("PRK", "USA"))
    assert edge["w"] == float(prk["weight"]) and edge["g"] == pytest.approx(float(prk["goldstein_mean"]))

    by_id = {r.statement_id: r for r in st.itertuples()}
    pages = {p.name for p in (out / "html").iterdir()}
    for rec in records:
        row = by_id[rec["id"]]
        assert (rec["text"], rec["cue"], rec["date"], rec["spt"]) == (row.content, row.cue_text, row.date, row.speaker_text)
        assert rec["sp"] == [x for x in row.speaker_id.split(";") if x] and rec["tg"] == [x for x in row.target_ids.split(";") if x]
        page = export.page_names([row.doc_id])[row.doc_id]
        assert rec["href"] == f"../html/{quote(page, safe='')}#{quote(row.statement_id, safe='')}"
        assert unquote(urlsplit(rec["href"]).path).removeprefix("../html/") in pages
        assert data["docs"][rec["doc"]]["href"] == rec["href"].split("#")[0]


class Rows(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "id" in a:
            self.ids.append(a["id"])
        if tag == "a":
            self.hrefs.append(a["href"])


def test_document_pages_anchor_each_statement_and_link_the_graph(out: Path):
    """``<page>.html#<statement_id>``: the statement's row has that id and is highlighted (``:target``);
    every page links to the graph and names the Datasette view."""
    st = _statements(out)
    pages = export.page_names(sorted(set(st["doc_id"])))
    for doc_id, name in pages.items():
        text = (out / "html" / name).read_text(encoding="utf-8")
        assert Rows(text).ids == list(st.loc[st["doc_id"] == doc_id, "statement_id"])
        assert "tr:target" in text
    for name in ["index.html"] + list(pages.values()):
        text = (out / "html" / name).read_text(encoding="utf-8")
        assert "../graph/graph.html" in Rows(text).hrefs
        assert "make serve" in text and gh.DATASETTE_URL in text and "statement_details" in text


def test_hostile_text_is_data(tmp_path: Path):
    """Text that would close the data block, open a comment that swallows the script's end, break a
    JavaScript string (U+2028) or carry markup: in the page only as escaped JSON, read back unchanged."""
    closing = "</script><script>alert(1)</script>"
    nasty = [closing, "</SCRIPT >x", "<!--<script>", "a\u2028b\u2029c", "&amp;<b>&", "<img src=x onerror=alert(1)>",
             '"; alert(1); "', "\\u003c/script>"]
    source = tmp_path / "article.txt"
    source.write_text("Kim met Moon.", encoding="utf-8")
    tables = tmp_path / "out" / "tables"
    tables.mkdir(parents=True)
    doc = "javascript:alert(1)"
    pd.DataFrame([{"doc_id": doc, "source_path": str(source), "title": closing, "date": "2024-01-01", "credit": "",
                   "status": "ok"}]).to_csv(tables / "documents.csv", index=False)
    pd.DataFrame([{"entity_id": "person:kim", "label": "PERSON", "name": closing, "aliases": "", "state": "PRK",
                   "mention_count": "1", "doc_count": "1"},
                  {"entity_id": "person:moon", "label": "PERSON", "name": nasty[5], "aliases": "", "state": "KOR",
                   "mention_count": "1", "doc_count": "1"}]).to_csv(tables / "entities.csv", index=False)
    pd.DataFrame([{"statement_id": f"{doc}:{i}{s}", "doc_id": doc, "date": "2024-01-01", "speaker_id": "person:kim",
                   "speaker_text": s, "speaker_start": "", "speaker_end": "", "cue_text": s, "cue_start": "",
                   "cue_end": "", "content": s, "content_start": "", "content_end": "", "kind": "direct",
                   "target_ids": "person:moon", "type": "REJECT", "goldstein": "-4.0", "tone": "conflictual"}
                  for i, s in enumerate(nasty)]).to_csv(tables / "statements.csv", index=False)
    export.run(Settings(output_dir=tmp_path / "out", quiet=True))
    path = tmp_path / "out" / "graph" / "graph.html"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert b"\xe2\x80\xa8" not in raw and b"\xe2\x80\xa9" not in raw
    assert "alert(1)</script>" not in text and "<img" not in text and "<!--" not in text
    page = Page(text)
    assert len(page.scripts) == 2 and text.count("</script>") == 2  # the data block was not closed early
    data = page.data()
    contents = [r["text"] for r in data["statements"]]
    assert contents == nasty and [r["cue"] for r in data["statements"]] == nasty
    labels = {n["id"]: n["label"] for n in data["views"]["entities"]["nodes"]}
    assert labels == {"person:kim": closing, "person:moon": nasty[5]}
    for r in data["statements"]:
        assert r["href"].startswith("../html/javascript%3Aalert%281%29.html#") and "/" not in r["href"][8:]
        assert unquote(r["href"].split("#", 1)[1]) == r["id"]
    assert (tmp_path / "out" / "html" / "javascript:alert(1).html").is_file()


def test_json_for_html_escapes_what_html_and_javascript_would_read():
    value = {"k</script>": ["</script>", "<!--", "\u2028\u2029", "&", ">", "\ud800", "é中🚀"], "n": None, "f": 1.5}
    text = gh.json_for_html(value)
    assert text.isascii() and not set(text) & set("<>&")
    assert json.loads(text) == value
    with pytest.raises(ValueError):
        gh.json_for_html({"x": float("nan")})


def test_the_page_is_the_same_bytes_every_time(out: Path, tmp_path: Path):
    """Rebuilt from the same tables in new processes with other hash seeds: the same bytes."""
    ref = (out / "graph" / "graph.html").read_bytes()
    for seed in ("1", "4242"):
        dst = tmp_path / f"seed{seed}"
        shutil.copytree(out / "tables", dst / "tables")
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "pipeline", "export", "--output", str(dst), "-q"], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert (dst / "graph" / "graph.html").read_bytes() == ref, seed
    G, S = nx.read_gexf(out / "graph" / "graph.gexf"), nx.read_gexf(out / "graph" / "states.gexf")
    args = (G, S, _statements(out), read_table(out / "tables" / "documents.csv"))
    assert gh.graph_html(*args) == gh.graph_html(*args)


def test_layout_depends_on_the_graph_not_on_its_order():
    rng = random.Random(3)
    nodes = [f"n{i}" for i in range(120)]
    edges = [(f"n{rng.randrange(60)}", f"n{rng.randrange(60)}") for _ in range(90)] + [("n100", "n101")]
    pos = gh.layout(nodes, edges)
    assert set(pos) == set(nodes) and len(set(pos.values())) == len(nodes)
    shuffled_nodes, shuffled_edges = nodes[:], [(t, s) for s, t in edges]
    rng.shuffle(shuffled_nodes), rng.shuffle(shuffled_edges)
    assert gh.layout(shuffled_nodes, shuffled_edges) == pos
    assert gh.layout([], []) == {} and gh.layout(["a"], []) == {"a": (0.0, 0.0)}


def test_big_graphs_are_cut_to_the_nodes_in_most_statements(out: Path, monkeypatch):
    monkeypatch.setattr(gh, "MAX_NODES", 5)
    monkeypatch.setattr(gh, "MAX_NODE_STATEMENTS", 2)
    G, S = nx.read_gexf(out / "graph" / "graph.gexf"), nx.read_gexf(out / "graph" / "states.gexf")
    full = {n["id"]: n["n"] for n in json.loads(Page((out / "graph" / "graph.html").read_text(encoding="utf-8"))
                                                 .scripts[0][1])["views"]["entities"]["nodes"]}
    data = gh.graph_data(G, S, _statements(out), read_table(out / "tables" / "documents.csv"))
    view = data["views"]["entities"]
    assert len(view["nodes"]) == 5 and view["total_nodes"] == G.number_of_nodes() > 5
    kept = {n["id"] for n in view["nodes"]}
    assert min(full[n] for n in kept) >= max(v for n, v in full.items() if n not in kept)
    assert all(len(n["st"]) == min(2, n["n"]) and n["n"] == full[n["id"]] for n in view["nodes"])
    assert all(e["s"] in kept and e["t"] in kept for e in view["edges"])


def test_an_empty_corpus_gives_an_empty_page(tmp_path: Path):
    tables = tmp_path / "out" / "tables"
    tables.mkdir(parents=True)
    pd.DataFrame(columns=["entity_id", "label", "name", "aliases", "state", "mention_count", "doc_count"]).to_csv(
        tables / "entities.csv", index=False)
    export.run(Settings(output_dir=tmp_path / "out", quiet=True))
    data = parse(tmp_path / "out" / "graph" / "graph.html").data()
    assert data["views"]["entities"]["nodes"] == [] and data["views"]["states"]["nodes"] == [] and data["statements"] == []
