"""python -m pipeline serve: Datasette on outputs/newsgraph.db (issue 14), through Datasette's
in-process client, on a real run of the pipeline (seed articles and KCNA texts)."""
from __future__ import annotations

import asyncio
import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from argparse import Namespace
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from conftest import KCNA, REPO, SEEDS, pipeline_run
from pipeline.core.storage import read_table
from pipeline.export.database import write_database

pytest.importorskip("datasette")

from pipeline import serve  # noqa: E402
from pipeline.datasette_plugins.links import page_link  # noqa: E402


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = pipeline_run(tmp_path_factory.mktemp("serve"), SEEDS + KCNA)
    write_database(out / "tables", out / "newsgraph.db")
    return out


@pytest.fixture(scope="module")
def get(out: Path):
    """GET paths from Datasette as `serve` configures it, in process."""
    ds = serve.make_datasette(out)
    asyncio.run(ds.invoke_startup())

    def get(path: str):
        async def one():
            return await ds.client.get(path)
        return asyncio.run(one())
    return get


def statements(out: Path):
    return read_table(out / "tables" / "statements.csv")


def test_statements_table_as_json(out: Path, get):
    st = statements(out)
    r = get("/newsgraph/statements.json?_shape=objects&_size=max")
    assert r.status_code == 200
    data = r.json()
    assert data["filtered_table_rows_count"] == len(st)
    rows = {row["statement_id"]: row for row in data["rows"]}
    assert set(rows) == set(st["statement_id"])
    rec = st.iloc[len(st) // 2]
    row = rows[rec["statement_id"]]
    assert row["content"] == rec["content"] and row["speaker_id"] == (rec["speaker_id"] or None)
    assert isinstance(row["content_start"], int) and row["content_start"] == int(rec["content_start"])
    assert isinstance(row["goldstein"], float)


def test_facets(out: Path, get):
    st = statements(out)
    data = get("/newsgraph/statements.json?_facet=type&_size=0").json()
    got = {f["value"]: f["count"] for f in data["facet_results"]["type"]["results"]}
    assert got == st["type"].value_counts().to_dict()
    # the default facets of the metadata: speaker state on the statements and on the view
    for table in ("statements", "statement_details"):
        facets = get(f"/newsgraph/{table}.json?_size=0").json()["facet_results"]
        assert {"speaker_state", "type", "tone", "date"} <= set(facets), table
        assert any(f["value"] == "PRK" for f in facets["speaker_state"]["results"])


def test_full_text_search(out: Path, get):
    st = statements(out)
    rec = max(st.to_dict("records"), key=lambda r: len(r["content"]))
    word = max(re.findall(r"[A-Za-z]{5,}", rec["content"]), key=len)
    for table in ("statements", "statement_details"):
        rows = get(f"/newsgraph/{table}.json?_shape=objects&_size=max&_search={quote(word)}").json()["rows"]
        assert rec["statement_id"] in {r["statement_id"] for r in rows}, table
        assert len(rows) < len(st)


def test_canned_query(out: Path, get):
    pair = get("/newsgraph/state_pairs.json?_shape=objects&_sort_desc=statements&_size=1").json()["rows"][0]
    r = get("/newsgraph/statements_between_states.json?_shape=objects&_size=max&"
            + urlencode({"from_state": pair["from_state"], "to_state": pair["to_state"]}))
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert len(rows) == pair["statements"] > 0
    assert all(row["page"].startswith("/html/") for row in rows)
    page = get("/newsgraph/what_x_said_about_y")  # the form of a query with parameters
    assert page.status_code == 200 and 'name="speaker"' in page.text and 'name="target"' in page.text


def test_statement_page_link(out: Path, get):
    st = statements(out)
    rec = st.iloc[0]
    r = get(f"/newsgraph/statement_details?statement_id={quote(rec['statement_id'])}")
    assert r.status_code == 200
    links = re.findall(r'<a href="(/html/[^"]+)">', r.text)
    assert len(links) == 1, links
    href = html.unescape(links[0])
    path, _, fragment = href.partition("#")
    assert fragment == quote(rec["statement_id"], safe=":")
    page = get(path)  # the document's page, served from OUTPUT/html
    assert page.status_code == 200 and "<html" in page.text
    docs = read_table(out / "tables" / "documents.csv")
    title = docs[docs["doc_id"] == rec["doc_id"]]["title"].iloc[0]
    assert html.escape(title) in page.text


def test_page_link_escapes():
    a = page_link("/html/x%22%3E%3Cscript%3E.html#" + 'a"><script>alert(1)</script>')
    assert "<script>" not in a and a.count("<a ") == 1 and a.count('"') == 2
    assert a.startswith('<a href="/html/x%22%3E%3Cscript%3E.html#a%22%3E%3Cscript%3Ealert')
    assert page_link("javascript:alert(1)") is None and page_link("https://example.com/") is None
    assert page_link("/html/") is None and page_link(None) is None
    assert page_link("/html/a%2F..%2Fb.html#s1").startswith('<a href="/html/a%2F..%2Fb.html#s1">')


def test_metadata_describes_tables_and_columns(out: Path, get):
    md = serve.metadata(out)
    tables = md["databases"]["newsgraph"]["tables"]
    for name in ("documents", "entities", "mentions", "statements", "relations", "events", "statement_details",
                 "state_pairs", "entity_statements"):
        assert tables[name]["description"], name
    assert "after coreference" in tables["statements"]["columns"]["speaker_id"]
    page = get("/newsgraph/statements")
    assert page.status_code == 200 and "after coreference" in html.unescape(page.text)
    cols = {r[0] for r in get("/newsgraph.json?sql=select+name+from+pragma_table_info('statements')").json()["rows"]}
    assert set(tables["statements"]["columns"]) <= cols | {"origin", "plover"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_datasette_on_localhost(out: Path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from pathlib import Path; from pipeline.serve import serve; "
                             f"sys.exit(serve(Path({str(out)!r}), port={port}))"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, data = time.time() + 60, None
        while time.time() < deadline and data is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/newsgraph/statements.json?_shape=objects") as r:
                    data = json.load(r)
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.3)
        assert data and len(data["rows"]) > 0
        md = json.loads(serve.metadata_path(out).read_text(encoding="utf-8"))
        assert md == json.loads(json.dumps(serve.metadata(out)))
        args = serve.datasette_args(out)
        assert args[args.index("--host") + 1] == "127.0.0.1" and f"html:{out.resolve() / 'html'}" in args
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_main_serve_without_outputs(tmp_path: Path):
    assert serve.main_serve(Namespace(output=str(tmp_path / "nothing"), host=None, port=None)) == 2
    (tmp_path / "empty").mkdir()
    assert serve.main_serve(Namespace(output=str(tmp_path / "empty"), host=None, port=None)) == 2
