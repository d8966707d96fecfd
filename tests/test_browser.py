"""In a real browser (issue 14): headless Chromium draws graph/graph.html from ``file://`` with no
network, lists a node's statements, links each to its highlighted row on the document page; and a
Datasette page on the run's database loads without a JavaScript error.

No driver and no Python dependency: Chromium's own command line. ``--dump-dom`` prints the page after
its scripts ran (graph.html writes ``data-rendered-nodes`` on its container once sigma has drawn),
``--screenshot`` shows what was drawn, and ``--enable-logging=stderr`` carries the console: any console
message or uncaught error of a page fails the test (but the WebGL driver's performance notes, which
SwiftShader, the software WebGL of a machine without a GPU, writes for every frame read back).
Without Chromium the tests skip; ``.ci/run`` installs it (``apt-get install chromium``)."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import networkx as nx
import pytest

from conftest import SEEDS, pipeline_run
from pipeline.core.storage import read_table

CHROMIUM = (os.environ.get("NEWSGRAPH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome"))
pytestmark = pytest.mark.skipif(
    not CHROMIUM, reason="no Chromium on PATH (/usr/bin/chromium): `apt-get install chromium` (.ci/run does) "
                         "or set NEWSGRAPH_CHROMIUM to run the browser tests")

# the console line Chromium logs for a page's console message or uncaught error:
#   [pid:tid:date:INFO:CONSOLE:12] "Uncaught TypeError: ...", source: file:///.../graph.html (12)
CONSOLE = re.compile(r'CONSOLE[:(]\d*\)?\]? "(?P<message>.*)", source: (?P<source>\S*) \(\d+\)')
# SwiftShader's notes on reading a frame back (sigma picks nodes that way): not the page's errors
HARMLESS = re.compile(r"GL Driver Message \(OpenGL, Performance")


def chromium(url: str, *args: str) -> tuple[str, str]:
    """Run headless Chromium on ``url`` (``args``: ``--dump-dom`` or ``--screenshot=...``) with a fresh
    profile and no background network; returns (stdout, stderr)."""
    profile = tempfile.mkdtemp(prefix="newsgraph-chromium-")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           # WebGL in software: Chromium no longer falls back to it by itself
           "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
           "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", "--disable-default-apps", f"--user-data-dir={profile}",
           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", *args, url]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return done.stdout, done.stderr


def console_problems(stderr: str) -> list[str]:
    """The console messages and uncaught errors Chromium logged, but the harmless ones."""
    out = []
    for line in stderr.splitlines():
        m = CONSOLE.search(line)
        if (m and not HARMLESS.search(m["message"])) or (not m and "Uncaught" in line):
            out.append(line)
    return out


class Dom(HTMLParser):
    """The dumped DOM: each element's attributes by id, the statement items, the links, the canvases."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, dict] = {}
        self.statements: list[str] = []
        self.hrefs: list[str] = []
        self.canvases = 0
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.by_id[a["id"]] = a
        if tag == "li" and "data-statement" in a:
            self.statements.append(a["data-statement"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        self.canvases += tag == "canvas"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return pipeline_run(tmp_path_factory.mktemp("browser"), SEEDS)


def involving(run: Path, node: str) -> list[str]:
    st = read_table(run / "tables" / "statements.csv")
    return [r.statement_id for r in st.itertuples() if node in r.speaker_id.split(";") or node in r.target_ids.split(";")]


def test_graph_page_draws_both_graphs_and_lists_statements(run: Path, tmp_path: Path):
    page = run / "graph" / "graph.html"
    G, S = nx.read_gexf(run / "graph" / "graph.gexf"), nx.read_gexf(run / "graph" / "states.gexf")

    # the entity graph, with a node chosen by the address: drawn, and its statements listed
    out, err = chromium(page.as_uri() + "#node=" + quote("state:PRK"), "--dump-dom")
    dom = Dom(out)
    assert "graph" in dom.by_id, err[-3000:]
    graph = dom.by_id["graph"]
    assert "data-error" not in graph, graph
    assert graph.get("data-view") == "entities" and graph.get("data-rendered-nodes") == str(G.number_of_nodes()), graph
    assert dom.canvases >= 2  # sigma's WebGL and label layers
    assert dom.by_id["details"].get("data-node") == "state:PRK"
    assert dom.statements == involving(run, "state:PRK")[:300] and dom.statements
    links = [h for h in dom.hrefs if h.startswith("../html/") and "#" in h]  # (and ../html/index.html)
    assert [h.split("#")[1] for h in links] == [quote(i, safe="") for i in dom.statements]
    assert console_problems(err) == []

    # the state graph, a node found by its name as a user types it
    out, err = chromium(page.as_uri() + "#view=states&find=" + quote("north korea"), "--dump-dom")
    dom = Dom(out)
    graph = dom.by_id["graph"]
    assert graph.get("data-view") == "states" and graph.get("data-rendered-nodes") == str(S.number_of_nodes()), graph
    assert dom.by_id["details"].get("data-node") == "PRK" and dom.statements
    assert console_problems(err) == []

    # and pixels: the graph is drawn (the type colours of the nodes are there), not just counted
    shot = tmp_path / "graph.png"
    _, err = chromium(page.as_uri(), f"--screenshot={shot}", "--window-size=1400,900")
    assert shot.is_file(), err[-3000:]
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    assert img.size == (1400, 900)
    graph_area = img.crop((0, 60, 1000, 900))  # left of the 380 px panel, below the header
    colours = {c for _, c in graph_area.getcolors(maxcolors=1 << 20)}
    near = lambda hex_, tol=40: any(all(abs(c[i] - int(hex_[1 + 2 * i:3 + 2 * i], 16)) < tol for i in range(3))
                                    for c in colours)
    assert near("#4C72B0") and near("#DD8452")  # STATE and PERSON nodes
    assert sum(n for n, c in graph_area.getcolors(maxcolors=1 << 20) if c != (255, 255, 255)) > 2000
    assert console_problems(err) == []


def test_a_statement_link_shows_its_row_highlighted(run: Path, tmp_path: Path):
    """The link graph.html gives a statement (``../html/<page>#<statement_id>``) lands on its row and the
    row is highlighted (``:target``). Checked on a copy of the page without its no-script policy, with a
    script that reports the target: the page itself runs none."""
    data = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>',
                                (run / "graph" / "graph.html").read_text(encoding="utf-8"), re.S)[1])
    record = next(r for r in data["statements"] if r["href"])
    target = urlsplit(record["href"])
    original = (run / "graph" / target.path).resolve()
    probe = ('<script>setTimeout(function () { var t = document.querySelector(":target");'
             'document.body.setAttribute("data-target", t ? t.id : "");'
             'document.body.setAttribute("data-background", t ? getComputedStyle(t.cells[0]).backgroundColor : "");'
             'document.body.setAttribute("data-scrolled", String(window.scrollY)); }, 300);</script></body>')
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", original.read_text(encoding="utf-8"))
    copy = tmp_path / "html" / original.name
    copy.parent.mkdir()
    copy.write_text(text.replace("</body>", probe), encoding="utf-8")
    out, err = chromium(copy.as_uri() + "#" + target.fragment, "--dump-dom")
    body = re.search(r"<body[^>]*>", out)[0]
    assert f'data-target="{record["id"]}"' in body, (body, err[-2000:])
    assert 'data-background="rgb(255, 243, 176)"' in body  # the :target colour of the document pages
    assert console_problems(err) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_pages_load_without_javascript_errors(run: Path, tmp_path: Path):
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("Datasette is not installed (pip install -e '.[serve]')")
    from pipeline.export.graph_html import DATASETTE_URL

    from pipeline.export.database import write_database

    db = tmp_path / "newsgraph.db"
    write_database(run / "tables", db)
    conn = sqlite3.connect(db)
    views = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    conn.close()
    wanted = urlsplit(DATASETTE_URL).path.rsplit("/", 1)[1]  # the view the HTML pages point to
    assert wanted in views
    paths = ["/newsgraph", "/newsgraph/statements"] + [f"/newsgraph/{v}" for v in sorted(views)]
    port = _free_port()
    log = open(tmp_path / "datasette.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port),
                               "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=5) as resp:
                    assert resp.status == 200
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "datasette.log").read_text()
                assert time.monotonic() < deadline, "Datasette did not answer within 60 s"
                time.sleep(0.3)
        st = read_table(run / "tables" / "statements.csv")
        for path in paths:
            out, err = chromium(base + path, "--dump-dom")
            assert "<table" in out or path == "/newsgraph", (path, out[:2000])
            if path == "/newsgraph/statements":
                assert st["statement_id"].iloc[0] in out
            assert console_problems(err) == [], path
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
