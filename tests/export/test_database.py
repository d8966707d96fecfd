"""outputs/newsgraph.db and tables/*.parquet (issue 14): built from a real run of the pipeline on the
seed articles and the KCNA texts, checked against the CSV tables as read_table reads them."""
from __future__ import annotations

import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from conftest import KCNA, SEEDS, pipeline_run
from pipeline.core.storage import read_rows, read_table, write_csv
from pipeline.export import database
from pipeline.export.database import column_type, write_database
from pipeline.export.parquet import write_parquet
from pipeline.export.stage import page_names

TABLES = ("documents", "entities", "mentions", "statements", "relations", "events", "ner_documents")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = pipeline_run(tmp_path_factory.mktemp("database"), SEEDS + KCNA)
    stats = write_database(out / "tables", out / "newsgraph.db")
    out.joinpath("stats.txt").write_text(repr(stats))
    return out


@pytest.fixture
def db(out: Path):
    conn = sqlite3.connect(f"file:{out / 'newsgraph.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def csv_value(cell: str, column: str):
    """A CSV cell as the database should hold it."""
    if cell == "":
        return None
    kind = column_type(column)
    return int(cell) if kind == "INTEGER" else float(cell) if kind == "REAL" else cell


def split(ids: str) -> list[str]:
    return list(dict.fromkeys(x.strip() for x in ids.split(";") if x.strip()))


def test_the_run_has_data(out: Path):
    for name in ("documents", "entities", "mentions", "statements", "events"):
        assert len(read_table(out / "tables" / f"{name}.csv")) > 0, name


@pytest.mark.parametrize("name", TABLES)
def test_same_rows_as_the_csv(out: Path, db, name: str):
    df = read_table(out / "tables" / f"{name}.csv")
    cols = list(df.columns)
    table_cols = [r["name"] for r in db.execute(f"PRAGMA table_info({name})")]
    assert cols == table_cols[:len(cols)]
    where = " WHERE missing = 0" if "missing" in table_cols else ""
    rows = db.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM {name}{where} ORDER BY rowid").fetchall()
    assert len(rows) == len(df) > 0
    for row, rec in zip(rows, df.to_dict("records")):  # every cell: a sample would be the first rows anyway
        assert tuple(row) == tuple(csv_value(rec[c], c) for c in cols), rec


def test_column_types(db):
    declared = {(t, r["name"]): r["type"] for t in TABLES for r in db.execute(f"PRAGMA table_info({t})")}
    assert declared[("statements", "content_start")] == declared[("mentions", "start")] == "INTEGER"
    assert declared[("entities", "mention_count")] == declared[("documents", "n_chars")] == "INTEGER"
    assert declared[("statements", "goldstein")] == declared[("events", "goldstein")] == "REAL"
    assert declared[("statements", "cameo")] == declared[("statements", "date")] == "TEXT"
    for (table, col), kind in declared.items():
        stored = {r[0] for r in db.execute(f"SELECT DISTINCT typeof([{col}]) FROM {table}")} - {"null"}
        assert stored <= {kind.lower()}, (table, col, stored)
    # codes keep their leading zero
    assert db.execute("SELECT count(*) FROM statements WHERE cameo LIKE '0%'").fetchone()[0] > 0


def test_keys(db):
    def pk(table):
        return [r["name"] for r in sorted(db.execute(f"PRAGMA table_info({table})"), key=lambda r: r["pk"]) if r["pk"]]

    assert pk("documents") == ["doc_id"] and pk("entities") == ["entity_id"]
    assert pk("mentions") == ["mention_id"] and pk("statements") == ["statement_id"]
    assert pk("statement_speakers") == pk("statement_targets") == ["statement_id", "entity_id"]
    fks = {(t, r["from"], r["table"], r["to"]) for t in TABLES + ("statement_speakers", "statement_targets")
           for r in db.execute(f"PRAGMA foreign_key_list({t})")}
    assert {("statements", "doc_id", "documents", "doc_id"), ("mentions", "doc_id", "documents", "doc_id"),
            ("mentions", "entity_id", "entities", "entity_id"),
            ("statement_speakers", "statement_id", "statements", "statement_id"),
            ("statement_speakers", "entity_id", "entities", "entity_id"),
            ("statement_targets", "statement_id", "statements", "statement_id"),
            ("statement_targets", "entity_id", "entities", "entity_id")} <= fks
    indexed = {r["name"] for t in ("statements", "statement_speakers", "statement_targets", "events")
               for i in db.execute(f"PRAGMA index_list({t})") for r in db.execute(f"PRAGMA index_info([{i['name']}])")}
    assert {"doc_id", "entity_id", "speaker_state", "type", "date", "source_state", "target_state"} <= indexed


def test_foreign_keys_hold(out: Path, db):
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # every id the CSVs refer to is a row of entities: the real ones, or a placeholder flagged missing
    entities = set(read_table(out / "tables" / "entities.csv")["entity_id"])
    st = read_table(out / "tables" / "statements.csv")
    referred = {x for col in ("speaker_id", "target_ids") for v in st[col] for x in split(v)}
    placeholders = {r[0] for r in db.execute("SELECT entity_id FROM entities WHERE missing = 1")}
    assert placeholders == placeholders - entities
    assert referred <= entities | placeholders


def test_link_tables_split_the_lists(out: Path, db):
    st = read_table(out / "tables" / "statements.csv")
    for link, col in (("statement_speakers", "speaker_id"), ("statement_targets", "target_ids")):
        got = {}
        for sid, eid, pos in db.execute(f"SELECT statement_id, entity_id, position FROM {link}"):
            got.setdefault(sid, []).append((pos, eid))
        want = {sid: split(v) for sid, v in zip(st["statement_id"], st[col]) if split(v)}
        assert {k: [e for _, e in sorted(v)] for k, v in got.items()} == want
    assert any(len(split(v)) > 1 for v in st["target_ids"])  # the run has lists to split


def test_speaker_state_is_the_speakers_state(out: Path, db):
    ents = read_table(out / "tables" / "entities.csv")
    state = dict(zip(ents["entity_id"], ents["state"]))
    n = 0
    for sid, speakers, got in db.execute("SELECT statement_id, speaker_id, speaker_state FROM statements"):
        want = [state.get(x) or database._state_from_id(x) for x in split(speakers or "")]
        want = list(dict.fromkeys(w for w in want if w))
        assert (got.split(";") if got else []) == want, sid
        n += bool(want)
    assert n > 0


def test_full_text_search_finds_a_statement_by_a_word(out: Path, db):
    st = read_table(out / "tables" / "statements.csv")
    rec = max(st.to_dict("records"), key=lambda r: len(r["content"]))
    word = max(re.findall(r"[A-Za-z]{5,}", rec["content"]), key=len)
    hits = [r[0] for r in db.execute(
        "SELECT statement_id FROM statements WHERE rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts "
        "MATCH ?)", (f'"{word}"',))]
    assert rec["statement_id"] in hits
    assert all(word.lower()[:4] in c.lower() for c in st[st["statement_id"].isin(hits)]["content"] + " " +
               st[st["statement_id"].isin(hits)]["speaker_text"])
    ents = read_table(out / "tables" / "entities.csv")
    name = ents[ents["label"] == "PERSON"]["name"].iloc[0]
    found = [r[0] for r in db.execute("SELECT entity_id FROM entities WHERE rowid IN (SELECT rowid FROM entities_fts "
                                      "WHERE entities_fts MATCH ?)", (f'"{name.split()[-1]}"',))]
    assert ents[ents["name"] == name]["entity_id"].iloc[0] in found


def test_every_view_runs(db):
    views = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
    assert {"statement_details", "entity_statements"} <= set(views)
    for v in views + ["state_pairs"]:
        assert db.execute(f"SELECT * FROM [{v}]").fetchall(), v


def test_statement_details(out: Path, db):
    st = read_table(out / "tables" / "statements.csv")
    docs = read_table(out / "tables" / "documents.csv")
    names = dict(zip(*[read_table(out / "tables" / "entities.csv")[c] for c in ("entity_id", "name")]))
    pages = page_names(docs[docs["status"] == "ok"]["doc_id"])
    rows = {r["statement_id"]: r for r in db.execute("SELECT * FROM statement_details")}
    assert set(rows) == set(st["statement_id"])  # one row per statement
    for rec in st.to_dict("records"):
        row = rows[rec["statement_id"]]
        assert (row["speaker"] or "") == "; ".join(names.get(x, x) for x in split(rec["speaker_id"]))
        assert (row["targets"] or "") == "; ".join(names.get(x, x) for x in split(rec["target_ids"]))
        assert row["content"] == rec["content"] and row["type"] == (rec["type"] or None)
        page = pages[rec["doc_id"]]
        assert row["page"] == f"/html/{quote(page, safe='')}#{rec['statement_id']}"
        assert (out / "html" / page).is_file()  # the page the link goes to


def test_state_pairs_count_each_statement_once(out: Path, db):
    ev = read_table(out / "tables" / "events.csv")
    want = Counter()
    gold = {}
    for (s, f, t), g in ev.groupby(["statement_id", "source_state", "target_state"]):
        if f and t and f != t:
            want[(f, t)] += 1
            gold.setdefault((f, t), []).append(float(g["goldstein"].iloc[0]))
    got = {(r["from_state"], r["to_state"]): r for r in db.execute("SELECT * FROM state_pairs")}
    assert {k: r["statements"] for k, r in got.items()} == dict(want) and want
    for k, values in gold.items():
        assert got[k]["mean_goldstein"] == pytest.approx(sum(values) / len(values), abs=1e-3)
    assert got[("PRK", "USA")]["from_name"] == "North Korea"


def test_entity_statements(out: Path, db):
    st = read_table(out / "tables" / "statements.csv")
    said = Counter(x for v in st["speaker_id"] for x in split(v))
    about = Counter(x for v in st["target_ids"] for x in split(v))
    entity = said.most_common(1)[0][0]
    rows = db.execute("SELECT role, statement_id, page FROM entity_statements WHERE entity_id = ?", (entity,)).fetchall()
    assert Counter(r["role"] for r in rows) == +Counter({"said": said[entity], "about": about[entity]})
    assert all(r["page"] and r["page"].endswith("#" + r["statement_id"]) for r in rows)
    assert db.execute("SELECT count(*) FROM entity_statements").fetchone()[0] == sum(said.values()) + sum(about.values())


def test_canned_queries_run_with_parameters_from_the_data(out: Path, db):
    from pipeline.serve import metadata

    queries = metadata(out)["databases"]["newsgraph"]["queries"]
    assert {"statements_between_states", "what_x_said_about_y"} <= set(queries)
    pair = db.execute("SELECT * FROM state_pairs ORDER BY statements DESC LIMIT 1").fetchone()
    sql = queries["statements_between_states"]["sql"]
    by_code = db.execute(sql, {"from_state": pair["from_state"], "to_state": pair["to_state"].lower()}).fetchall()
    by_name = db.execute(sql, {"from_state": pair["from_name"], "to_state": pair["to_name"]}).fetchall()
    assert len(by_code) == pair["statements"] > 0 and by_code == by_name
    assert all(r["page"] for r in by_code)
    # what X said about Y: a statement with a named speaker and target, found by parts of their names
    st = db.execute("SELECT s.statement_id, sp.name AS speaker, tg.name AS target FROM statements s "
                    "JOIN statement_speakers x ON x.statement_id = s.statement_id JOIN entities sp ON sp.entity_id = x.entity_id "
                    "JOIN statement_targets y ON y.statement_id = s.statement_id JOIN entities tg ON tg.entity_id = y.entity_id "
                    "WHERE sp.label = 'PERSON' AND tg.label = 'STATE' LIMIT 1").fetchone()
    rows = db.execute(queries["what_x_said_about_y"]["sql"],
                      {"speaker": st["speaker"].split()[-1].lower(), "target": st["target"][:5]}).fetchall()
    assert st["statement_id"] in {r["statement_id"] for r in rows}
    assert db.execute(queries["what_x_said_about_y"]["sql"], {"speaker": "", "target": ""}).fetchall() == []
    for name, q in queries.items():  # every canned query runs
        params = set(re.findall(r":(\w+)", q["sql"]))
        db.execute(q["sql"], {p: st["speaker"] for p in params}).fetchall()
    rows = db.execute(queries["said_by_or_about"]["sql"], {"name": st["speaker"]}).fetchall()
    assert {"said"} <= {r["role"] for r in rows}


def test_parquet_same_rows_typed_columns(out: Path, tmp_path: Path):
    tables = tmp_path / "tables"
    shutil.copytree(out / "tables", tables)
    written = write_parquet(tables)
    import fastparquet  # (after write_parquet, which imports it without its pandas 3 warning)

    assert sorted(p.name for p in written) == sorted(p.stem + ".parquet" for p in tables.glob("*.csv"))
    for path in written:
        df = read_table(path.with_suffix(".csv"))
        pq = fastparquet.ParquetFile(str(path)).to_pandas()
        assert list(pq.columns) == list(df.columns) and len(pq) == len(df), path.name
        for c in df.columns:
            kind = column_type(c)
            assert str(pq[c].dtype) == {"INTEGER": "Int64", "REAL": "float64", "TEXT": "object"}[kind], (path.name, c)
            got = [None if pd.isna(v) else v for v in pq[c].tolist()]
            assert got == [csv_value(v, c) for v in df[c]], (path.name, c)
    assert not list(tables.glob(".*.tmp"))


def test_rebuilt_atomically(out: Path, tmp_path: Path, monkeypatch):
    db_path = tmp_path / "newsgraph.db"
    db_path.write_bytes(b"not a database")
    (tmp_path / ".newsgraph.db.left-by-a-killed-run.tmp").write_bytes(b"x")
    stats = write_database(out / "tables", db_path)
    assert stats["bytes"] == db_path.stat().st_size and stats["seconds"] > 0
    assert stats["tables"]["statements"] == len(read_table(out / "tables" / "statements.csv"))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [p.name for p in tmp_path.iterdir()] == ["newsgraph.db"]  # no temporary file left
    assert stats["written"]
    # the same tables again: the same bytes, and the database already there is left as it is
    inode = db_path.stat().st_ino
    assert write_database(out / "tables", db_path)["written"] is False and db_path.stat().st_ino == inode
    # a build that fails half-way leaves the database there as it was, and no temporary file
    before = db_path.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("killed")

    monkeypatch.setattr(database, "_fill_missing", boom)
    with pytest.raises(RuntimeError):
        write_database(out / "tables", db_path)
    assert db_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["newsgraph.db"]
    # the same for a Parquet file
    tables = tmp_path / "tables"
    shutil.copytree(out / "tables", tables)
    first = write_parquet(tables)[0]
    before, mtime = first.read_bytes(), first.stat().st_mtime_ns
    assert write_parquet(tables)[0] == first and first.stat().st_mtime_ns == mtime  # unchanged: untouched
    monkeypatch.setattr("pipeline.export.parquet.typed_chunk", boom)
    with pytest.raises(RuntimeError):
        write_parquet(tables)
    assert first.read_bytes() == before and not list(tables.glob(".*.tmp"))


def test_chunks_missing_references_and_spreadsheet_cells(out: Path, tmp_path: Path, monkeypatch):
    """Tables streamed in chunks of 7 rows; a speaker and a relation target not in entities.csv, a
    statement of a document not in documents.csv; a formula-like text (written with its apostrophe)."""
    tables = tmp_path / "tables"
    shutil.copytree(out / "tables", tables)
    st = read_rows(tables / "statements.csv")
    cols = list(st[0])
    st[0]["speaker_id"] = "person:nobody-in-entities;" + st[0]["speaker_id"]
    st[1]["content"] = "=HYPERLINK(\"http://example.com\") said nobody"
    st[2]["doc_id"] = "no-such-document"
    write_csv(tables / "statements.csv", cols, st)
    rel = read_rows(tables / "relations.csv")
    rel[0]["target_id"] = "state:AUS"
    write_csv(tables / "relations.csv", list(rel[0]), rel)
    ents = read_table(tables / "entities.csv")
    assert "state:AUS" not in set(ents["entity_id"])
    assert (tables / "statements.csv").read_text(encoding="utf-8").count("'=HYPERLINK") == 1

    monkeypatch.setattr(database, "CHUNK_ROWS", 7)
    stats = write_database(tables, tmp_path / "newsgraph.db")
    whole = sqlite3.connect(out / "newsgraph.db")
    before = {t: whole.execute(f"SELECT count(*) FROM {t} WHERE missing = 1").fetchone()[0] for t in ("entities", "documents")}
    assert stats["missing"] == {"entities": before["entities"] + 2, "documents": before["documents"] + 1}
    assert stats["tables"]["statements"] == len(st) and stats["tables"]["entities"] == len(ents)
    conn = sqlite3.connect(tmp_path / "newsgraph.db")
    conn.execute("PRAGMA foreign_keys = ON")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT label, state, name, missing FROM entities WHERE entity_id = 'state:AUS'").fetchone() == \
        ("STATE", "AUS", "Australia", 1)
    assert conn.execute("SELECT label, name, missing FROM entities WHERE entity_id = 'person:nobody-in-entities'").fetchone() == \
        ("PERSON", None, 1)
    assert conn.execute("SELECT missing FROM documents WHERE doc_id = 'no-such-document'").fetchone() == (1,)
    assert conn.execute("SELECT content FROM statements WHERE statement_id = ?", (st[1]["statement_id"],)).fetchone()[0] \
        == st[1]["content"]
    speaker = conn.execute("SELECT speaker FROM statement_details WHERE statement_id = ?", (st[0]["statement_id"],)).fetchone()[0]
    assert speaker.startswith("person:nobody-in-entities")  # no name: the id
    for link in ("statement_speakers", "statement_targets"):  # 7-row chunks: the same links as one chunk
        n = whole.execute(f"SELECT count(*) FROM {link}").fetchone()[0]
        assert conn.execute(f"SELECT count(*) FROM {link}").fetchone()[0] == n + (link == "statement_speakers")
    for t in ("mentions", "events"):
        assert conn.execute(f"SELECT count(*) FROM {t}").fetchone() == whole.execute(f"SELECT count(*) FROM {t}").fetchone()
