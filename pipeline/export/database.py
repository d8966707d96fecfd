"""The tables of ``tables/`` as one SQLite database, ``outputs/newsgraph.db`` (issue 14).

What it holds (built with sqlite-utils; every CSV of ``tables/`` becomes a table of the same name,
its rows as read by :func:`pipeline.core.storage.read_table`, the spreadsheet apostrophe taken off):

- **Types.** By column name, the same rule for every table (:func:`column_type`): offsets and
  counts are INTEGER (``start``, ``end``, ``*_start``, ``*_end``, ``*_count``, ``n_*``), Goldstein
  values REAL (``goldstein*``), everything else TEXT (``cameo`` stays text: ``010``; dates are ISO
  8601 text). An empty cell is NULL in every column (a CSV cannot tell "empty" from "missing",
  and a NULL is what SQL and foreign keys treat as "none"). A cell of a numeric column that is
  not a number (the pipeline writes none) becomes NULL too, counted in the stats and logged.
- **Keys.** ``documents.doc_id``, ``entities.entity_id``, ``mentions.mention_id``,
  ``statements.statement_id``, ``events.event_id``, ``ner_documents.doc_id`` are primary keys;
  ``relations`` and tables this module does not know have SQLite's rowid. A row repeating a key
  already loaded is left out (the pipeline writes none; counted in ``duplicates``). An empty key
  is NULL, which SQLite allows in a rowid table's primary key (the synthetic benchmark tables have
  empty ``mention_id`` cells).
- **Foreign keys.** ``statements``, ``mentions``, ``ner_documents`` and ``relations`` ->
  ``documents`` (``doc_id``); ``mentions.entity_id`` and ``relations.source_id`` / ``target_id``
  -> ``entities``; ``events.statement_id`` -> ``statements`` (an event's speaker, target and
  document are its statement's, and their names and states are columns of ``events``).
  ``statements.speaker_id`` and ``target_ids`` are ``;``-joined lists, which cannot carry a
  foreign key: the link tables ``statement_speakers`` and ``statement_targets``
  (``statement_id``, ``entity_id``, ``position`` in the list; key ``statement_id, entity_id``;
  WITHOUT ROWID) do, both ways.
- **Missing references.** A row may name an entity, document or statement that its table does not
  hold (real runs do: an ``OFFICE_OF`` relation to ``state:AUS`` when Australia itself is never
  mentioned). Such a reference gets a *placeholder row* in the referenced table, flagged
  ``missing = 1`` (real rows have ``missing = 0``): ``label`` and ``state`` are read off the id
  (``state:AUS`` -> STATE, AUS) and a state's ``name`` comes from ``pipeline/data/states.csv``;
  everything else is NULL. Why not leave the link out: the statement, mention or relation keeps
  the id it has in the CSV (the same rows as the tables), joins from it still find a row (the
  views show the id where there is no name), ``PRAGMA foreign_key_check`` holds, and what is
  missing can be listed (``WHERE missing = 1``); the stats count the placeholders per table.
- **Derived columns.** ``statements.speaker_state`` and ``target_states``: the states of the
  speaker and target entities (``entities.state``; for an id that is not there, the state its id
  names), each once, ``;``-joined. A column of the table, indexed, so that filtering and faceting
  by state reads an index, not every statement.
- **Indexes** on the columns people filter by: ``doc_id`` (statements, mentions, relations),
  speaker and target (the link tables' ``entity_id``; ``mentions.entity_id``), states
  (``statements.speaker_state``, ``entities.state``, ``events.source_state, target_state`` and
  ``target_state``), ``type``, ``tone``, ``date``, entity labels and names, relation names.
  (Each index of a million-row table costs 1-3 s to build; the ones left out are not in a view,
  a foreign key or a facet.)
- **Full-text search** (FTS5, Porter stemming, accents folded): ``statements_fts`` over a
  statement's ``content`` and ``speaker_text``, ``entities_fts`` over ``name`` and ``aliases``
  (external-content tables that Datasette finds by itself: ``?_search=``).
- **Views**: ``statement_details`` (one row per statement with its speakers' and targets' names
  and states, the document's title and ``page``: ``/html/<page>#<statement_id>``, the statement
  on its document's HTML page as Datasette serves ``html/``) and ``entity_statements`` (one row
  per entity and statement it said (``role`` = ``said``) or that is about it (``about``)). They
  read one table and look the rest up in correlated subqueries, so a count, a filter or a facet
  over a million statements reads an index (tens of milliseconds), not a join.
- **Summary table** ``state_pairs``: speaker state -> target state: statements, mean Goldstein
  value, cooperative / conflictual / neutral counts, first and last date; from ``events``, each
  statement once per pair, a state to itself left out as in ``graph/states.gexf``. Its SQL is
  :data:`SUMMARIES`; it is a table computed when the database is built (a materialised view: the
  database is rebuilt from the CSVs, never updated, so it cannot go stale) because aggregating
  every event takes ~5 s on a million statements, over Datasette's time limit.

``documents`` also gets ``page`` (the file name of the document's page in ``html/``, from
:func:`pipeline.export.stage.page_names`, as the export stage names it; NULL for a document that
has none) and ``page_url`` (``/html/`` + the URL-quoted name).

The database is built in a temporary file beside the target and renamed over it, so a crash never
leaves a half-built database; the CSVs are streamed in chunks (pandas ``chunksize``), so memory
does not grow with the number of statements.
"""
from __future__ import annotations

import csv
import errno
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import numpy as np
import pandas as pd

from pipeline.core import storage

log = logging.getLogger("newsgraph.export.database")

CHUNK_ROWS = 50_000
DB_NAME = "newsgraph.db"


# -- types ------------------------------------------------------------------------------------

def column_type(name: str) -> str:
    """The SQLite type of a table column, by its name (the same in every table and in Parquet)."""
    if name.startswith("goldstein"):
        return "REAL"
    if name in ("start", "end", "position", "missing") or name.endswith(("_start", "_end", "_count")) \
            or name.startswith("n_"):
        return "INTEGER"
    return "TEXT"


# -- the tables this module knows ---------------------------------------------------------------

@dataclass(frozen=True)
class TableSpec:
    pk: str | None = None
    # columns a view or a query relies on: added (all NULL) when the CSV lacks them
    required: tuple[str, ...] = ()
    # (column, other table, other column)
    fks: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    extra: tuple[str, ...] = field(default=())  # columns this module adds after the CSV's


DOC = ("doc_id", "documents", "doc_id")
TABLES: dict[str, TableSpec] = {
    "documents": TableSpec(
        pk="doc_id", required=("doc_id", "source_path", "title", "date", "credit", "n_chars", "status", "error"),
        indexes=(("date",), ("status",), ("credit",)), extra=("page", "page_url", "label", "missing")),
    "entities": TableSpec(
        pk="entity_id", required=("entity_id", "label", "name", "aliases", "state", "mention_count", "doc_count"),
        indexes=(("label",), ("state",), ("name",)), extra=("missing",)),
    "statements": TableSpec(
        pk="statement_id",
        required=("statement_id", "doc_id", "date", "speaker_id", "speaker_text", "speaker_start", "speaker_end",
                  "cue_text", "cue_start", "cue_end", "content", "content_start", "content_end", "kind",
                  "target_ids", "type", "cameo", "goldstein", "tone"),
        fks=(DOC,), indexes=(("doc_id",), ("date",), ("type",), ("tone",), ("speaker_state",)),
        extra=("speaker_state", "target_states", "missing")),
    "mentions": TableSpec(
        pk="mention_id", required=("doc_id", "mention_id", "start", "end", "text", "label", "entity_id"),
        fks=(DOC, ("entity_id", "entities", "entity_id")), indexes=(("doc_id",), ("entity_id",))),
    "ner_documents": TableSpec(pk="doc_id", required=("doc_id", "status", "error"), fks=(DOC,)),
    "relations": TableSpec(
        required=("source_id", "relation", "target_id", "doc_id", "start", "end"),
        fks=(("source_id", "entities", "entity_id"), ("target_id", "entities", "entity_id"), DOC),
        indexes=(("source_id",), ("target_id",), ("doc_id",), ("relation",))),
    "events": TableSpec(
        pk="event_id",
        required=("event_id", "date", "source_id", "source_name", "source_state", "target_id", "target_name",
                  "target_state", "type", "cameo", "goldstein", "tone", "statement_id", "doc_id"),
        # the statement it is part of; its speaker, target and document are the statement's (and
        # their names and states are columns of the table)
        fks=(("statement_id", "statements", "statement_id"),),
        indexes=(("statement_id",), ("source_state", "target_state"), ("target_state",))),
}
# loaded first: the tables others refer to
ORDER = ("documents", "entities", "statements", "mentions", "ner_documents", "relations", "events")
LINKS = {"statement_speakers": "speaker_id", "statement_targets": "target_ids"}
# columns of statements derived from the link tables' entities: their states, ';'-joined
DERIVED = ("speaker_state", "target_states")
# referenced tables that take placeholder rows, in the order they are filled (a placeholder
# statement has no document; placeholder entities and documents refer to nothing)
PARENTS = (("statements", "statement_id"), ("entities", "entity_id"), ("documents", "doc_id"))
_LABELS = {"state": "STATE", "person": "PERSON", "org": "ORG", "office": "OFFICE"}


def _q(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


# -- reading the CSVs ---------------------------------------------------------------------------

def csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


def read_chunks(path: Path, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The rows of a CSV table in chunks of strings, as :func:`pipeline.core.storage.read_table`
    reads them (same parser settings; the spreadsheet apostrophe taken off)."""
    reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=rows or CHUNK_ROWS, encoding="utf-8")
    with reader:
        for chunk in reader:
            for c in chunk.columns:
                col = chunk[c]
                # a cleared cell starts with an apostrophe: one scan of the joined column first (a
                # per-cell startswith costs ~0.8 us a cell), the per-cell pass only when one may
                if not len(col) or "\n'" not in "\n" + "\n".join(col.tolist()):
                    continue
                marked = col.str.startswith("'")
                if marked.any():
                    chunk[c] = col.where(~marked, col[marked].map(storage.spreadsheet_value))
            yield chunk


@dataclass
class Invalid:
    """Cells of numeric columns that are not numbers, per ``table.column``."""
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        if n:
            self.counts[key] = self.counts.get(key, 0) + n


def typed_column(values: pd.Series, kind: str, invalid: Invalid | None = None, key: str = "") -> pd.Series:
    """A column of strings as its type: ``Int64`` / ``float64`` / object (``None`` for an empty cell)."""
    empty = (values == "").to_numpy()
    if kind == "TEXT":
        out = values.to_numpy(dtype=object, copy=True)
        out[empty] = None
        return pd.Series(out, index=values.index, dtype=object)
    if kind == "INTEGER":
        try:
            nums = values.where(~empty, "0").astype(np.int64)
            arr = pd.array(nums.to_numpy(), dtype="Int64")
            arr[empty] = pd.NA
            return pd.Series(arr, index=values.index)
        except (ValueError, OverflowError):
            nums = pd.to_numeric(values, errors="coerce")
            bad = nums.isna().to_numpy() & ~empty | (nums.notna() & (nums % 1 != 0)).to_numpy()
            nums[bad] = np.nan
            if invalid is not None:
                invalid.add(key, int(bad.sum()))
            return nums.astype("Int64")
    try:
        return values.where(~empty, "nan").astype(np.float64)
    except ValueError:
        nums = pd.to_numeric(values, errors="coerce")
        if invalid is not None:
            invalid.add(key, int((nums.isna().to_numpy() & ~empty).sum()))
        return nums.astype(np.float64)


def typed_chunk(chunk: pd.DataFrame, invalid: Invalid | None = None, table: str = "") -> pd.DataFrame:
    return pd.DataFrame({c: typed_column(chunk[c], column_type(c), invalid, f"{table}.{c}") for c in chunk.columns},
                        index=chunk.index)


def _sql_values(col: pd.Series) -> np.ndarray:
    """Python values sqlite3 binds: int / float / str / None."""
    if isinstance(col.dtype, pd.Int64Dtype):
        return col.to_numpy(dtype=object, na_value=None)
    if col.dtype == np.float64:
        out = col.to_numpy(dtype=object)
        out[col.isna().to_numpy()] = None
        return out
    return col.to_numpy(dtype=object)


# -- page names ---------------------------------------------------------------------------------

def document_pages(tables_dir: Path) -> dict[str, str]:
    """doc_id -> the file name of its page in ``html/``, as the export stage names it: ``page_names``
    over the ``ok`` documents in the order of ``documents.csv``, with the ids as the stage reads them
    (without XML-illegal characters)."""
    from pipeline.export.stage import page_names, xml_safe

    path = tables_dir / "documents.csv"
    if not path.exists() or not {"doc_id", "status"} <= set(csv_header(path)):
        return {}
    docs = storage.read_table(path)[["doc_id", "status"]]
    ok = docs[docs["status"] == "ok"]["doc_id"].tolist()
    names = page_names([xml_safe(d) for d in ok])
    return {d: names[xml_safe(d)] for d in ok}


def _state_names() -> dict[str, str]:
    path = Path(__file__).resolve().parents[1] / "data" / "states.csv"
    out: dict[str, str] = {}
    try:
        for row in storage.read_rows(path):
            out.setdefault(row.get("iso3", ""), row.get("state", ""))
    except (OSError, csv.Error):
        pass
    return out


# -- building -----------------------------------------------------------------------------------

def _columns_of(name: str, header: list[str]) -> list[str]:
    spec = TABLES.get(name, TableSpec())
    cols = list(dict.fromkeys(header))
    cols += [c for c in spec.required if c not in cols]
    return cols


def _create(db, name: str, columns: list[str]) -> None:
    spec = TABLES.get(name, TableSpec())
    all_cols = columns + [c for c in spec.extra if c not in columns]
    types = {c: {"INTEGER": int, "REAL": float, "TEXT": str}[column_type(c)] for c in all_cols}
    kwargs = {}
    if "missing" in all_cols:
        kwargs = {"not_null": {"missing"}, "defaults": {"missing": 0}}
    db.create_table(name, types, pk=spec.pk, foreign_keys=[fk for fk in spec.fks if fk[0] in all_cols],
                    column_order=all_cols, **kwargs)


def _insert(conn: sqlite3.Connection, name: str, columns: list[str], rows, ignore: bool) -> int:
    """Insert ``rows`` (tuples); returns how many went in."""
    before = conn.total_changes
    sql = (f"INSERT {'OR IGNORE ' if ignore else ''}INTO {_q(name)} ({', '.join(map(_q, columns))}) "
           f"VALUES ({', '.join('?' * len(columns))})")
    conn.executemany(sql, rows)
    return conn.total_changes - before


def _state_from_id(entity_id: str) -> str | None:
    """The state an id names: ``state:AUS`` -> AUS, ``office:AUS:prime-minister`` -> AUS."""
    prefix, _, rest = entity_id.partition(":")
    if prefix == "state":
        return rest or None
    if prefix == "office" and ":" in rest:
        code = rest.split(":", 1)[0]
        return code if len(code) == 3 and code.isalpha() and code.isupper() else None
    return None


@dataclass
class _Build:
    db: object
    stats: dict
    invalid: Invalid
    pages: dict[str, str]
    states: dict[str, str | None] = field(default_factory=dict)  # entity_id -> its state (entities.csv)

    def state_of(self, entity_id: str) -> str | None:
        st = self.states.get(entity_id)
        return st if st is not None else _state_from_id(entity_id)


def _split_ids(build: _Build, statement_ids: np.ndarray, lists: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """(statement_id, entity_id, position) for each id of each ``;``-joined list, each id once; and per
    statement the states of those ids, each once, ``;``-joined (None when none has a state)."""
    out, states = [], np.full(len(lists), None, dtype=object)
    for i, (sid, ids) in enumerate(zip(statement_ids, lists)):
        if ids is None or sid is None:
            continue
        seen: dict[str, None] = {}
        for part in ids.split(";"):
            part = part.strip()
            if part and part not in seen:
                seen[part] = None
                out.append((sid, part, len(seen)))
        st = dict.fromkeys(x for x in map(build.state_of, seen) if x)
        if st:
            states[i] = ";".join(st)
    return out, states


def _load_table(build: _Build, name: str, path: Path | None) -> None:
    db, stats = build.db, build.stats
    conn = db.conn
    header = csv_header(path) if path is not None else []
    if not header:  # no table, or an empty file: the table without rows
        path = None
    columns = _columns_of(name, header)
    _create(db, name, columns)
    links = name == "statements"
    if links:  # filled while the statements are read (they refer to statements and entities)
        _create_links(db)
    spec = TABLES.get(name, TableSpec())
    insert_cols = list(columns)
    pages = name == "documents" and not {"page", "page_url", "label"} & set(columns)
    if pages:
        insert_cols += ["page", "page_url", "label"]
    if links:
        insert_cols += [c for c in DERIVED if c not in columns]
    rows = tried = 0
    if path is not None:
        conn.execute("BEGIN")
        for chunk in read_chunks(path):
            for c in columns:
                if c not in chunk.columns:
                    chunk[c] = ""
            typed = typed_chunk(chunk[columns], build.invalid, name)
            values = [_sql_values(typed[c]) for c in columns]
            if pages:
                page = chunk["doc_id"].map(build.pages).to_numpy(dtype=object)
                page[pd.isna(page)] = None
                url = np.array([None if p is None else "/html/" + quote(p, safe="") for p in page], dtype=object)
                # what Datasette shows for a document a row refers to: its headline, else its id
                title = chunk["title"] if "title" in chunk.columns else chunk["doc_id"]
                label = np.where(title.fillna("").astype(str) != "", title, chunk["doc_id"]).astype(object)
                values += [page, url, label]
            elif name == "entities":
                build.states.update(zip(values[columns.index("entity_id")], values[columns.index("state")]))
            link_rows = {}
            if links:
                sid = values[columns.index("statement_id")]
                derived = {}
                for (link, col), state_col in zip(LINKS.items(), DERIVED):
                    link_rows[link], derived[state_col] = _split_ids(build, sid, values[columns.index(col)])
                values += [derived[c] for c in DERIVED if c not in columns]
            tried += len(chunk)
            rows += _insert(conn, name, insert_cols, zip(*values), ignore=spec.pk is not None)
            for link, lrows in link_rows.items():
                n = _insert(conn, link, ["statement_id", "entity_id", "position"], lrows, ignore=True)
                stats["links"][link] = stats["links"].get(link, 0) + n
        conn.execute("COMMIT")
    stats["tables"][name] = rows
    if tried > rows:
        stats["duplicates"][name] = tried - rows
        log.warning("%s: %d rows repeat the %s of an earlier row: left out of the database", name, tried - rows, spec.pk)


def _create_links(db) -> None:
    # WITHOUT ROWID (sqlite-utils cannot say it): the rows are the key's b-tree, half the size and
    # half the insert time of a rowid table with its key index beside it
    for link in LINKS:
        db.execute(f"""CREATE TABLE {_q(link)} (
   "statement_id" TEXT NOT NULL REFERENCES "statements"("statement_id"),
   "entity_id" TEXT NOT NULL REFERENCES "entities"("entity_id"),
   "position" INTEGER,
   PRIMARY KEY ("statement_id", "entity_id")
) WITHOUT ROWID""")


def _references() -> list[tuple[str, str, str, str]]:
    """(child table, column, parent table, parent column) of every foreign key."""
    refs = [(t, c, p, k) for t, spec in TABLES.items() for c, p, k in spec.fks]
    # (the links' statement_id: each comes from a row of statements)
    refs += [(link, "entity_id", "entities", "entity_id") for link in LINKS]
    return refs


def _fill_missing(conn: sqlite3.Connection, stats: dict) -> None:
    """Placeholder rows (``missing = 1``) for every referenced id its table does not hold."""
    refs = _references()
    states = None
    for parent, key in PARENTS:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _missing (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM _missing")
        for child, col, p, k in refs:
            if p != parent:
                continue
            conn.execute(f"INSERT OR IGNORE INTO _missing (id) SELECT DISTINCT c.{_q(col)} FROM {_q(child)} c "
                         f"WHERE c.{_q(col)} IS NOT NULL AND NOT EXISTS "
                         f"(SELECT 1 FROM {_q(parent)} x WHERE x.{_q(key)} = c.{_q(col)})")
        ids = [r[0] for r in conn.execute("SELECT id FROM _missing ORDER BY id")]
        if not ids:
            continue
        if parent == "entities":
            if states is None:
                states = _state_names()
            rows = []
            for i in ids:
                prefix, _, rest = i.partition(":")
                rows.append((i, _LABELS.get(prefix), _state_from_id(i), states.get(rest) if prefix == "state" else None))
            conn.executemany("INSERT INTO entities (entity_id, label, state, name, missing) VALUES (?, ?, ?, ?, 1)", rows)
        else:
            conn.executemany(f"INSERT INTO {_q(parent)} ({_q(key)}, missing) VALUES (?, 1)", [(i,) for i in ids])
        stats["missing"][parent] = len(ids)
        log.warning("%s: %d ids referred to but not in %s.csv (placeholder rows, missing = 1), e.g. %s",
                    parent, len(ids), parent, ", ".join(ids[:5]))
    conn.execute("DROP TABLE IF EXISTS temp._missing")


def _names(link: str, statement: str) -> str:
    """The names of a statement's speakers or targets, in the list's order, joined with '; '."""
    return (f"(SELECT group_concat(n, '; ') FROM (SELECT coalesce(e.name, e.entity_id) AS n FROM {link} l "
            f"JOIN entities e ON e.entity_id = l.entity_id WHERE l.statement_id = {statement} ORDER BY l.position))")


def _of(table: str, key: str, column: str, value: str) -> str:
    return f"(SELECT {column} FROM {table} WHERE {table}.{key} = {value})"


# The views read one table and look everything else up in correlated subqueries, evaluated only for
# the columns a query uses: a count, a facet or a filter on a column of the table reads that table
# (or its index) alone, as fast on a million statements as on the table itself, where a join would
# read the joined tables for every row.
_PAGE = _of("documents", "doc_id", "documents.page_url || '#' || s.statement_id", "s.doc_id")
_ABOUT = ", ".join([
    "u.entity_id", f"{_of('entities', 'entity_id', 'name', 'u.entity_id')} AS entity",
    f"{_of('entities', 'entity_id', 'label', 'u.entity_id')} AS label", "u.role", "u.statement_id",
    *(f"{_of('statement_details', 'statement_id', c, 'u.statement_id')} AS {c}"
      for c in ("date", "speaker", "cue_text", "content", "targets", "type", "tone", "goldstein", "doc_id", "title",
                "page")),
])
VIEWS = {
    "statement_details": f"""
SELECT s.statement_id, s.date,
  {_names('statement_speakers', 's.statement_id')} AS speaker,
  s.speaker_state, s.cue_text, s.content,
  {_names('statement_targets', 's.statement_id')} AS targets,
  s.target_states, s.type, s.tone, s.goldstein, s.kind, s.speaker_text, s.speaker_id, s.target_ids, s.doc_id,
  {_of('documents', 'doc_id', 'title', 's.doc_id')} AS title,
  {_of('documents', 'doc_id', 'credit', 's.doc_id')} AS credit,
  {_PAGE} AS page,
  s.rowid AS statement_rowid
FROM statements s""",
    # the lookups outside the UNION: SQLite computes every column of a compound subquery it counts
    "entity_statements": f"""
SELECT {_ABOUT}
FROM (SELECT entity_id, statement_id, 'said' AS role FROM statement_speakers
      UNION ALL
      SELECT entity_id, statement_id, 'about' AS role FROM statement_targets) u""",
}

# Summary tables: views whose rows are computed once, when the database is built (it is rebuilt from
# the CSVs, never updated, so they cannot go stale). state_pairs aggregates every event: as a view it
# takes ~5 s on a million statements, over Datasette's time limit for every page that shows it.
SUMMARIES = {
    "state_pairs": (
        {"from_state": str, "from_name": str, "to_state": str, "to_name": str, "statements": int,
         "mean_goldstein": float, "cooperative": int, "conflictual": int, "neutral": int,
         "first_date": str, "last_date": str},
        ("from_state", "to_state"),
        """
SELECT p.from_state, fs.name AS from_name, p.to_state, ts.name AS to_name,
  count(*) AS statements, round(avg(p.goldstein), 3) AS mean_goldstein,
  sum(p.tone = 'cooperative') AS cooperative, sum(p.tone = 'conflictual') AS conflictual,
  sum(p.tone = 'neutral') AS neutral, min(p.date) AS first_date, max(p.date) AS last_date
FROM (SELECT source_state AS from_state, target_state AS to_state, statement_id,
             max(goldstein) AS goldstein, max(tone) AS tone, max(date) AS date
      FROM events
      WHERE source_state IS NOT NULL AND target_state IS NOT NULL AND source_state <> target_state
      GROUP BY source_state, target_state, statement_id) p
LEFT JOIN entities fs ON fs.entity_id = 'state:' || p.from_state
LEFT JOIN entities ts ON ts.entity_id = 'state:' || p.to_state
GROUP BY p.from_state, p.to_state
ORDER BY statements DESC, p.from_state, p.to_state"""),
}

FTS = {"statements": ("content", "speaker_text"), "entities": ("name", "aliases")}
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


def _index_name(table: str, cols: tuple[str, ...]) -> str:
    return "idx_" + table + "_" + "_".join(cols)


class _Phases:
    """Seconds per step of the build, in ``stats["phases"]``."""

    def __init__(self, stats: dict):
        self.out = stats.setdefault("phases", {})
        self.t = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.out[name] = round(self.out.get(name, 0.0) + now - self.t, 3)
        self.t = now


def build(db, tables_dir: Path, stats: dict) -> None:
    """Fill the empty database ``db`` (a ``sqlite_utils.Database``) from ``tables_dir``."""
    conn = db.conn
    phases = _Phases(stats)
    ctx = _Build(db, stats, Invalid(), document_pages(tables_dir))
    present = {p.stem: p for p in sorted(tables_dir.glob("*.csv"))}
    reserved = set(LINKS) | set(VIEWS) | set(SUMMARIES) | {f"{t}_fts" for t in FTS}
    others = []
    for name in present:
        if name in reserved:
            log.warning("%s: not loaded: %s is a table or view of the database", present[name], name)
        elif name not in TABLES and (name.startswith("sqlite_") or not csv_header(present[name])):
            log.warning("%s: not loaded: no header row, or a name SQLite keeps for itself", present[name])
        elif name not in TABLES:
            others.append(name)
    for name in list(ORDER) + others:
        _load_table(ctx, name, present.get(name))
        phases.done(f"load {name}")
    for name, spec in TABLES.items():
        for cols in spec.indexes:
            db[name].create_index(list(cols), index_name=_index_name(name, cols), if_not_exists=True)
    for link in LINKS:
        db[link].create_index(["entity_id"], index_name=_index_name(link, ("entity_id",)), if_not_exists=True)
    phases.done("indexes")
    _fill_missing(conn, stats)  # after the indexes: the distinct ids of a column are read off its index
    phases.done("placeholders")
    for name, cols in FTS.items():
        db[name].enable_fts(list(cols), fts_version="FTS5", tokenize=FTS_TOKENIZE)
    phases.done("full-text")
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    for name, (columns, pk, sql) in SUMMARIES.items():
        db.create_table(name, columns, pk=pk)
        conn.execute(f"INSERT INTO {_q(name)} ({', '.join(map(_q, columns))}) {sql.strip()}")
        stats["tables"][name] = db[name].count
    phases.done("views")
    # statistics for the query planner, from a sample of each index (a full ANALYZE reads every row)
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")
    phases.done("analyze")
    stats["invalid"] = ctx.invalid.counts
    for key, n in ctx.invalid.counts.items():
        log.warning("%s: %d cells are not numbers: NULL in the database", key, n)


def write_database(tables_dir: Path, db_path: Path) -> dict:
    """Build the SQLite database ``db_path`` from the CSV tables of ``tables_dir`` (module docstring),
    atomically: into a temporary file beside ``db_path``, renamed over it when complete.

    The build is deterministic: when the new database has the same bytes as the one already there
    (unchanged tables), that one is left as it is (``written`` False), as every stage leaves an
    output of unchanged input.

    Returns ``{"tables": {table: rows}, "links": {link table: rows}, "missing": {table: placeholder
    rows}, "duplicates": {table: rows left out}, "invalid": {table.column: cells}, "phases": {step:
    seconds}, "written": bool, "seconds": s, "bytes": size of the database}``."""
    import sqlite_utils

    t0 = time.perf_counter()
    tables_dir, db_path = Path(tables_dir), Path(db_path)
    if not tables_dir.is_dir():
        raise FileNotFoundError(f"{tables_dir} is not a directory: run the pipeline first")
    stats: dict = {"tables": {}, "links": {}, "missing": {}, "duplicates": {}, "invalid": {}}
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        # what a killed build left behind
        for stale in db_path.parent.glob(f".{db_path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        raise storage.OutputError(exc.errno, exc.strerror or str(exc), str(db_path)) from exc
    tmp = storage.temp_beside(db_path)
    db = None
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        db = sqlite_utils.Database(conn)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = MEMORY", "cache_size = -131072",
                       "foreign_keys = OFF"):
            conn.execute(f"PRAGMA {pragma}")
        build(db, tables_dir, stats)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        db = None
        # unchanged input: the database already there stays, untouched
        stats["written"] = storage.commit_temp(tmp, db_path)
    except BaseException as exc:
        if db is not None:
            db.conn.close()
        tmp.unlink(missing_ok=True)
        # writing failed (a full disk, a read-only filesystem): the run cannot go on, as for every output
        if isinstance(exc, OSError) and (exc.filename is None or str(exc.filename) in (str(tmp), str(db_path))):
            raise storage.OutputError(exc.errno, exc.strerror or str(exc), str(db_path)) from exc
        if isinstance(exc, sqlite3.OperationalError) and ("is full" in str(exc) or "disk I/O" in str(exc)):
            code = errno.ENOSPC if "is full" in str(exc) else errno.EIO
            raise storage.OutputError(code, str(exc), str(db_path)) from exc
        raise
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    stats["bytes"] = db_path.stat().st_size
    log.info("%s: %s in %.1f s, %.1f MB", db_path, ", ".join(f"{k} {v:,}" for k, v in stats["tables"].items()),
             stats["seconds"], stats["bytes"] / 1e6)
    return stats
