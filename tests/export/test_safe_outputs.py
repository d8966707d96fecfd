"""Safe outputs (issue 13): article text and file names are hostile input.

The real pipeline (clean-text, ner, relations, export) runs once on a handful of tiny made-up articles
whose text carries markup, script, event handlers and `javascript:` links, and whose file names carry
`<`, quotes, `&`, a leading dash, non-ASCII, control characters and names such as ``..txt`` (id ``.``),
``index.txt`` and ``javascript:alert(1).txt``. Then:

- GEXF / GraphML: well-formed for a strict XML parser, GEXF valid against the 1.3 schema, the hostile
  strings read back unchanged (escaped, not interpreted), no XML-illegal character in the files;
- HTML: parsed with the stdlib's html.parser: no <script>, no element that is not one the project writes,
  no `on*` attribute, no `src`, every href a relative, URL-quoted path to a page that exists in html/
  (or the one link to ../graph/graph.html); the hostile strings are there as text;
- graph/graph.html: its one script is its own (the policy's hash), the hostile strings are only in its
  JSON data block, escaped, and read back unchanged; its links stay in the output folder;
- paths: nothing is written outside the output folder, whatever the document id.
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

from conftest import DATA, pipeline_run
from pipeline.core.config import Settings
from pipeline.export import stage as export

SCHEMA = etree.XMLSchema(file=str(DATA / "gexf-1.3" / "gexf.xsd"))
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = '<a href="javascript:alert(1)">click</a>'
ATTR_BREAK = '" onmouseover="x'

TITLE = f'Talks {SCRIPT} Fail & "Quotes" Follow'
ARTICLE = (
    f"{TITLE}\n\n"
    f'SEOUL, March 1 (Reuters) -- "The United States {SCRIPT} is wrong," North Korean Foreign Minister '
    f'Choe Son Hui said on Friday. "South Korea {IMG} must stop the drills," she added. '
    f'South Korean President Yoon Suk Yeol said North Korea "{JS_LINK}" would not deter Seoul.\n\n'
    f'U.S. Secretary of State Antony Blinken said the United States "{ATTR_BREAK}" remains open to talks '
    "with North Korea.\n\n"
    'Kim <b>Jong Un</b> said Japan & "Korea" <i>were</i> enemies. Jo of AT&T said China was wrong.\n')

# file names: markup, quotes and ampersand, a URL scheme, a stem of ".", the index page's name,
# a leading dash with spaces and non-ASCII, control characters (a bell and an ANSI escape)
NAMES = [f"{IMG}.txt", "a\"b'c&d<e.txt", "javascript:alert(1).txt", "..txt", "index.txt",
         "-leading dash Überraschung 中文.txt", "bell\x07\x1b[31m.txt"]

# the elements the export's own templates and displaCy write
PROJECT_TAGS = {"html", "head", "meta", "title", "style", "body", "p", "a", "h1", "h2", "code", "div", "mark",
                "span", "br", "table", "tr", "th", "td", "small"}


class Page(HTMLParser):
    """Every start tag with its attributes, and the text (character references decoded)."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.title += data

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    raw.mkdir()
    for name in NAMES:
        (raw / name).write_text(ARTICLE, encoding="utf-8")
    out = pipeline_run(base, [])
    assert sorted(p.name for p in base.iterdir()) == ["out", "raw"]
    return out


def table(out: Path, name: str) -> pd.DataFrame:
    from pipeline.core.storage import read_table

    return read_table(out / "tables" / name)  # the values as written (spreadsheet apostrophe taken off)


def test_the_hostile_input_reached_the_tables(out: Path):
    """The premise: the hostile strings went through cleaning, NER and statements."""
    docs = table(out, "documents.csv")
    assert set(docs["doc_id"]) == {Path(n).stem for n in NAMES} and set(docs["status"]) == {"ok"}
    assert (docs["title"] == TITLE).all()
    st = table(out, "statements.csv")
    assert any(SCRIPT in c for c in st["content"]) and any(IMG in c for c in st["content"])
    assert any("javascript:alert(1)" in c for c in st["content"])
    assert any("<b>" in n for n in table(out, "entities.csv")["name"])  # an entity name with markup
    assert any("\x1b" in s for s in st["statement_id"])  # ids with control characters


def xml_files(out: Path) -> list[Path]:
    return [out / "graph" / n for n in ("graph.gexf", "states.gexf", "graph.graphml")]


def test_xml_is_well_formed_valid_and_free_of_illegal_characters(out: Path):
    for path in xml_files(out):
        text = path.read_bytes().decode("utf-8")  # strict: no lone surrogate made it to the bytes either
        assert not XML_ILLEGAL.search(text), path.name
        assert "<script" not in text and "<img" not in text and "<b>" not in text, path.name
        etree.parse(str(path), etree.XMLParser(recover=False))  # raises when not well-formed
    for name in ("graph.gexf", "states.gexf"):
        doc = etree.parse(str(out / "graph" / name))
        assert SCHEMA.validate(doc), [str(e) for e in SCHEMA.error_log][:3]


def test_xml_keeps_the_hostile_strings_as_text(out: Path):
    """Escaped, not dropped: what the tables hold reads back from GEXF and GraphML unchanged
    (but for the XML-illegal characters, the only thing export removes)."""
    entities = table(out, "entities.csv")
    st = table(out, "statements.csv")
    for G in (nx.read_gexf(out / "graph" / "graph.gexf"), nx.read_graphml(out / "graph" / "graph.graphml")):
        assert {export.xml_safe(e) for e in entities["entity_id"]} <= set(G.nodes)
        labels = {d.get("label") for _, d in G.nodes(data=True)}
        assert {n for n in entities["name"] if "<b>" in n} <= labels
        statement = [d for *_, d in G.edges(data=True) if d.get("relation") == "STATEMENT"]
        contents = {d["content"] for d in statement}
        assert any(SCRIPT in c for c in contents) and any(ATTR_BREAK in c for c in contents)
        ids = {i for d in statement for i in d["statement_ids"].split(";")}
        hostile = {export.xml_safe(s) for s in st["statement_id"] if s.startswith(("a\"b'c&d<e:", f"{IMG}:", "bell"))}
        assert hostile and hostile <= ids
        assert not any(XML_ILLEGAL.search(n) for n in G.nodes)


def pages(out: Path) -> dict[str, Page]:
    return {p.name: Page(p.read_text(encoding="utf-8")) for p in (out / "html").iterdir()}


def test_html_runs_no_script_from_the_input(out: Path):
    parsed = pages(out)
    assert "index.html" in parsed and len(parsed) == len(NAMES) + 1
    for name, page in parsed.items():
        tags = {t for t, _ in page.tags}
        assert "script" not in tags, name
        assert tags <= PROJECT_TAGS, (name, tags - PROJECT_TAGS)
        for tag, attrs in page.tags:
            assert not [a for a in attrs if a.lower().startswith("on")], (name, tag, attrs)
            assert "src" not in attrs and "srcdoc" not in attrs, (name, tag, attrs)
            if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
                pytest.fail(f"{name}: a meta refresh")
        # and a policy that runs no script even if one slipped through
        csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0], name


def test_html_shows_the_hostile_strings_as_text(out: Path):
    parsed = pages(out)
    index = parsed["index.html"]
    assert index.title == "newsgraph: documents"  # the index page is not a document's (doc id "index")
    assert index.all_text.count(TITLE) == len(NAMES)
    docs = table(out, "documents.csv")
    doc_pages = [p for n, p in parsed.items() if n != "index.html"]
    for page in doc_pages:
        assert page.title == TITLE
        text = page.all_text
        for s in (SCRIPT, IMG, JS_LINK, ATTR_BREAK, "Kim <b>Jong Un", "AT&T"):
            assert s in text, s
    shown = {t for p in doc_pages for t in p.text}  # the document id, in <code>, as it is (bar control characters)
    assert {export.xml_safe(d) for d in docs["doc_id"]} <= shown and "a\"b'c&d<e" in shown


GRAPH_LINK = "../graph/graph.html"  # the one link out of html/: a constant, to the interactive graph


def _is_datasette(href: str, name: str) -> bool:
    """The link to the statements in Datasette: the constant local address, a document's id URL-quoted."""
    from pipeline.export.graph_html import DATASETTE_URL

    if not href.startswith(DATASETTE_URL):
        return False
    rest = href[len(DATASETTE_URL):]
    assert rest == "" or (rest.startswith("?doc_id=") and not any(c in rest for c in '"<>& ')), (name, href)
    return True


def test_links_are_relative_quoted_paths_to_pages_inside_html(out: Path):
    html_dir = (out / "html").resolve()
    for name, page in pages(out).items():
        hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
        assert hrefs.count(GRAPH_LINK) == 1 and (out / "graph" / "graph.html").is_file(), name
        assert sum(_is_datasette(h, name) for h in hrefs) == 1, (name, hrefs)
        for href in hrefs:
            if href == GRAPH_LINK or _is_datasette(href, name):
                continue
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc and not href.startswith(("/", "\\")), (name, href)
            assert "/" not in href and ":" not in href and '"' not in href and "<" not in href, (name, href)
            target = (html_dir / unquote(parts.path)).resolve()
            assert target.parent == html_dir and target.is_file(), (name, href)
    index = pages(out)["index.html"]
    linked = {unquote(a["href"]) for t, a in index.tags
              if t == "a" and a["href"] != GRAPH_LINK and not _is_datasette(a["href"], "index.html")}
    assert len(linked) == len(NAMES) and "index.html" not in linked
    assert {p.name for p in (out / "html").iterdir()} == linked | {"index.html"}


class GraphPage(Page):
    """A Page that also keeps each script element's attributes and raw text."""

    def __init__(self, source: str):
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self._buf: list[str] = []
        super().__init__(source)

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "script":
            self._script, self._buf = dict(attrs), []

    def handle_data(self, data):
        super().handle_data(data)
        if self._script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None


# graph.html's elements: the project's, its controls, and its two script elements
GRAPH_TAGS = PROJECT_TAGS | {"header", "label", "select", "option", "input", "datalist", "i", "main", "aside",
                             "noscript", "script"}


def test_graph_page_runs_only_its_own_script_and_keeps_the_text_as_data(out: Path):
    """graph/graph.html: two script elements, the JSON data and the page's own code (vendored libraries
    and its script, the one the policy's hash lets run); the hostile strings only inside the JSON,
    escaped, and read back unchanged; every link, in the page or built by its script from the data,
    a relative path to a file of the output folder."""
    from pipeline.export import graph_html

    path = out / "graph" / "graph.html"
    text = path.read_text(encoding="utf-8")
    page = GraphPage(text)
    assert {t for t, _ in page.tags} <= GRAPH_TAGS, {t for t, _ in page.tags} - GRAPH_TAGS
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        assert "src" not in attrs and "srcdoc" not in attrs, (tag, attrs)
        if "href" in attrs:
            parts = urlsplit(attrs["href"])
            assert not parts.scheme and not parts.netloc, attrs
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(out.resolve()), attrs
    (data_attrs, data_text), (code_attrs, code) = page.scripts
    assert data_attrs == {"type": "application/json", "id": "graph-data"} and code_attrs == {}
    assert code == graph_html.script_js()  # nothing from the input in the code
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1 and "default-src 'none'" in csp[0]
    assert f"script-src {graph_html.csp_hash(code)};" in csp[0] and "unsafe-eval" not in csp[0]
    assert "'unsafe-inline'" not in csp[0].split("script-src", 1)[1].split(";", 1)[0]

    for s in (SCRIPT, IMG, JS_LINK, ATTR_BREAK, "Kim <b>Jong Un", "<img", "<b>", "<i>were"):
        assert s not in text, s  # in the JSON as \u003c... escapes only
    assert not set(data_text) & set("<>&")
    data = json.loads(data_text)
    contents = [r["text"] for r in data["statements"]]
    for s in (SCRIPT, IMG, JS_LINK, ATTR_BREAK):
        assert any(s in c for c in contents), s
    labels = {n["label"] for n in data["views"]["entities"]["nodes"]}
    assert {n for n in table(out, "entities.csv")["name"] if "<b>" in n} <= labels
    assert {d["title"] for d in data["docs"]} == {TITLE}

    html_dir = (out / "html").resolve()
    rows: dict[Path, set[str]] = {}
    linked = [r for r in data["statements"] if r["href"] is not None]
    assert len(linked) == len(data["statements"]) > 0
    for r in linked:
        parts = urlsplit(r["href"])
        assert not parts.scheme and not parts.netloc and r["href"].startswith("../html/"), r["href"]
        assert "/" not in parts.path[len("../html/"):] and '"' not in r["href"] and "<" not in r["href"]
        target = (path.parent / unquote(parts.path)).resolve()
        assert target.parent == html_dir and target.is_file(), r["href"]
        if target not in rows:
            rows[target] = {a.get("id") for t, a in Page(target.read_text(encoding="utf-8")).tags if t == "tr"}
        assert unquote(parts.fragment) == r["id"] and r["id"] in rows[target], r["href"]


def test_page_names_stay_plain_file_names():
    names = export.page_names([".", "..", "index", "INDEX", "Index.html", "a\"b'c&d<e", "-x", "x" * 300, "x" * 301])
    assert names["."] == "..html" and names[".."] == "...html"
    assert names["index"] != "index.html" and names["INDEX"].casefold() != "index.html"
    assert names["index"].casefold() != names["INDEX"].casefold()
    assert names["a\"b'c&d<e"] == "a\"b'c&d<e.html" and names["-x"] == "-x.html"
    assert names["x" * 300] != names["x" * 301]
    assert all(len(n.encode()) <= 200 and n.endswith(".html") for n in names.values())
    folder = Path("/srv/out/html")
    for n in names.values():
        assert export.child_path(folder, n).parent == folder


@pytest.mark.parametrize("name", ["../x.html", "../../etc/passwd", "/etc/passwd", "a/b.html", "a\\b.html",
                                  "..", ".", "", "x\x00.html", "sub/../../x.html"])
def test_child_path_refuses_names_that_leave_their_folder(name: str):
    with pytest.raises(ValueError, match="not a plain file name|would leave"):
        export.child_path(Path("/srv/out/html"), name)


def _tables(tmp_path: Path, documents: list[dict], mentions: list[dict] | None = None,
            entities: list[dict] | None = None, statements: list[dict] | None = None) -> Path:
    out = tmp_path / "out"
    tables = out / "tables"
    tables.mkdir(parents=True)
    pd.DataFrame(documents).to_csv(tables / "documents.csv", index=False)
    pd.DataFrame(entities or [], columns=["entity_id", "label", "name", "aliases", "state", "mention_count",
                                          "doc_count"]).to_csv(tables / "entities.csv", index=False)
    if mentions:
        pd.DataFrame(mentions).to_csv(tables / "mentions.csv", index=False)
    if statements:
        pd.DataFrame(statements).to_csv(tables / "statements.csv", index=False)
    return out


def test_document_ids_that_would_leave_html_get_no_page(tmp_path: Path, caplog):
    """Ids no input file name gives on POSIX, but documents.csv may: a page for each would be written
    outside html/ (or outside the output folder); they are skipped with an error, the others are written."""
    source = tmp_path / "article.txt"
    source.write_text("Some text.", encoding="utf-8")
    bad = ["../escaped", "../../escaped2", str(tmp_path / "absolute"), "sub/dir", "x\\y"]
    docs = [{"doc_id": d, "source_path": str(source), "title": "t", "date": "", "credit": "", "status": "ok"}
            for d in bad + ["fine"]]
    out = _tables(tmp_path, docs)
    with caplog.at_level(logging.ERROR, logger="newsgraph.export"):
        report = export.run(Settings(output_dir=out, quiet=True))
    assert report.counts["error"] == len(bad) and report.counts["ok"] == 1
    assert sum("not a plain file name" in r.getMessage() for r in caplog.records) == len(bad)
    assert sorted(os.listdir(tmp_path)) == ["article.txt", "out"]
    assert sorted(os.listdir(out)) == ["graph", "html", "newsgraph.db", "tables"]
    assert sorted(os.listdir(out / "html")) == ["fine.html", "index.html"]
    index = Page((out / "html" / "index.html").read_text(encoding="utf-8"))
    hrefs = [a["href"] for t, a in index.tags if t == "a"]
    assert hrefs[0] == GRAPH_LINK and _is_datasette(hrefs[1], "index.html") and hrefs[2:] == ["fine.html"]


def test_hostile_table_values_are_escaped_in_html(tmp_path: Path):
    """Values the pipeline itself does not produce from text but the tables may hold: a credit, a date
    and a mention label with markup; an entity id with an XML-illegal character."""
    source = tmp_path / "article.txt"
    source.write_text("Kim met Moon.", encoding="utf-8")
    docs = [{"doc_id": "d", "source_path": str(source), "title": "", "date": f"{SCRIPT}",
             "credit": f'{IMG}{ATTR_BREAK}', "status": "ok"}]
    mentions = [{"doc_id": "d", "start": "0", "end": "3", "label": IMG, "entity_id": "person:kim\x0b"}]
    entities = [{"entity_id": "person:kim\x0b", "label": "PERSON", "name": "Kim\ufffe", "aliases": "", "state": "",
                 "mention_count": "1", "doc_count": "1"},
                {"entity_id": "person:moon", "label": "PERSON", "name": "Moon", "aliases": "", "state": "",
                 "mention_count": "1", "doc_count": "1"}]
    statements = [{"statement_id": "d:s1", "doc_id": "d", "date": ATTR_BREAK, "speaker_id": "person:kim\x0b",
                   "speaker_text": f"Kim{SCRIPT}", "speaker_start": "", "speaker_end": "", "cue_text": "met",
                   "cue_start": "", "cue_end": "", "content": JS_LINK, "content_start": "", "content_end": "",
                   "kind": "direct", "target_ids": f"person:moon;{IMG}"}]
    out = _tables(tmp_path, docs, mentions, entities, statements)
    export.run(Settings(output_dir=out, quiet=True))
    for path in xml_files(out):
        etree.parse(str(path), etree.XMLParser(recover=False))
    assert SCHEMA.validate(etree.parse(str(out / "graph" / "graph.gexf")))
    G = nx.read_gexf(out / "graph" / "graph.gexf")
    assert G.nodes["person:kim"]["label"] == "Kim" and G.has_edge("person:kim", "person:moon")
    for name in ("index.html", "d.html"):
        page = Page((out / "html" / name).read_text(encoding="utf-8"))
        assert {t for t, _ in page.tags} <= PROJECT_TAGS, name
        assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")], name
        assert SCRIPT in page.all_text, name
    page = Page((out / "html" / "d.html").read_text(encoding="utf-8"))
    assert IMG in page.all_text and JS_LINK in page.all_text  # the mention's label, the content, the target
    index = Page((out / "html" / "index.html").read_text(encoding="utf-8"))
    assert f"{IMG}{ATTR_BREAK}" in index.all_text


def test_serialisation_drops_illegal_characters_of_graphs_built_elsewhere():
    """A graph not built from read_table (ids with a lone surrogate, U+FFFF, controls): the GEXF and the
    GraphML are still well-formed, and the GEXF valid."""
    entities = pd.DataFrame([{"entity_id": "person:a\ud800b", "label": "PERSON", "name": "A\uffff\x01<&>\"'",
                              "state": "", "mention_count": "1", "doc_count": "1"},
                             {"entity_id": "state:PRK", "label": "STATE", "name": "North Korea", "state": "PRK",
                              "mention_count": "1", "doc_count": "1"}])
    dates = pd.DataFrame(columns=["entity_id", "first_seen", "last_seen"])
    pairs = pd.DataFrame([{"statement_id": "d\x1f:s1", "source": "person:a\ud800b", "target": "state:PRK",
                           "cue_text": "said\x00", "kind": "direct", "date": "", "content": f"{SCRIPT}\udfff",
                           "type": "", "goldstein": "", "tone": ""}])
    G = export.build_graph(entities, dates, export.statement_edges(pairs),
                           export.relation_edges(pd.DataFrame(columns=["source_id", "relation", "target_id"])))
    for data in (export.gexf_bytes(G), export.graphml_bytes(G)):
        text = data.decode("utf-8")
        assert not XML_ILLEGAL.search(text)
        root = etree.fromstring(data, etree.XMLParser(recover=False))
        assert "person:ab" in etree.tostring(root, encoding="unicode")
    assert SCHEMA.validate(etree.fromstring(export.gexf_bytes(G)).getroottree())
    R = nx.read_gexf(io.BytesIO(export.gexf_bytes(G)))
    assert R.nodes["person:ab"]["label"] == "A<&>\"'"
    assert [d["content"] for *_, d in R.edges(data=True)] == [SCRIPT]
