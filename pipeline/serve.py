"""Explore a run in the browser: Datasette on ``outputs/newsgraph.db`` (issue 14).

    python -m pipeline serve --output outputs [--host 127.0.0.1] [--port 8001] [--open]

Serves the database that :func:`pipeline.export.database.write_database` builds (building it
first when it is missing or older than the tables), with

- metadata (:func:`metadata`, written to ``OUTPUT/datasette/metadata.json``): title, description,
  licence and source notes, a description of every table, view and column in SCHEMA.md's words,
  default facets, and canned queries: statements between two states, what X said about Y,
  everything said by or about X;
- ``OUTPUT/html`` (the document pages of the export stage) mounted at ``/html/``, and the plugin
  of ``pipeline/datasette_plugins/`` that renders each statement's ``page`` as a link to the
  statement on its document's page (``/html/<page>#<statement_id>``);
- localhost only by default (``--host 0.0.0.0`` to share it on a network: Datasette has no
  login by default, and the SQL box runs any read-only query).

Datasette is an optional dependency: ``pip install 'newsgraph[serve]'``.
The server keeps the database open: after the database is rebuilt, restart it.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from pipeline.export.database import DB_NAME

log = logging.getLogger("newsgraph.serve")

DB_LABEL = Path(DB_NAME).stem  # Datasette names a database after its file
PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8001
# Datasette's limits are set for public servers (1 s a query, 0.2 s a facet); this one is local and
# its tables can hold millions of rows: a count or a facet over a million statements takes ~0.3-1 s
SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000}

# -- descriptions, in SCHEMA.md's words ----------------------------------------------------------

_OFFSET = "raw-file offset: Python str index into the raw input file, [start, end); empty when there is no span"
_MISSING = ("1 for a placeholder row: an id another table refers to that this table's CSV does not hold "
            "(its other columns are empty, but a state's name); 0 for every row of the CSV")
_TYPE = ("the act the speaker performs toward its targets (PLOVER / CAMEO based): COMMENT, SUPPORT, AGREE, "
         "CONCEDE, APPEAL, DEMAND, CRITICIZE, ACCUSE, REJECT, DENY, WARN, THREATEN")
_GOLDSTEIN = "the Goldstein value of the statement's CAMEO code: cooperation > 0 > conflict (-10 … +10)"
_TONE = "cooperative, neutral or conflictual (from the type)"
_PAGE = ("link to the statement on its document's HTML page (/html/<page>#<statement_id>; the page is "
         "html/<doc_id>.html of the output directory)")

COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "the input file's name without its extension",
        "source_path": "the input file",
        "title": "the headline (the text's first paragraph)",
        "date": "the article's date, ISO 8601 (YYYY-MM-DD), or empty",
        "credit": "the outlet the text is credited to",
        "n_chars": "characters of the raw file",
        "status": "ok, skipped or error",
        "error": "why the document was skipped or failed (one line)",
        "sha256": "sha256 of the raw file's bytes",
        "date_source": "where the date came from: a header line, a dateline, or a dateline completed by the file name",
        "credits": "every credited organisation, joined with ;",
        "n_clean_chars": "characters of the cleaned text",
        "encoding": "the codec the raw file was read with",
        "page": "the file name of the document's page in html/ (empty when it has none)",
        "page_url": "the page's address when served (/html/<page>)",
        "label": "what rows referring to the document show: its headline, else its id",
        "missing": _MISSING,
    },
    "entities": {
        "entity_id": ("canonical id: state:ISO3 (state:PRK), person: / org: + a slug of the canonical name, "
                      "office:ISO3:post when the text tells whose post it is"),
        "label": "PERSON, STATE, OFFICE or ORG",
        "name": "the canonical name",
        "aliases": "the spellings of the name in the texts, joined with ;",
        "state": "ISO 3166-1 alpha-3 code of the entity's state (a state's own code for a state)",
        "mention_count": "mentions of the entity",
        "doc_count": "documents that mention it",
        "missing": _MISSING,
    },
    "mentions": {
        "doc_id": "the document",
        "mention_id": "the mention (<doc_id>:m<n>)",
        "start": _OFFSET, "end": _OFFSET,
        "text": "the mention as written",
        "label": "PERSON, STATE, OFFICE or ORG",
        "entity_id": "the canonical entity it refers to",
        "state": "ISO3 of the entity's state",
        "source": "how it was found (the model, a lexicon, credit: a credit taken out of the text by cleaning)",
        "clean_start": "offset in the cleaned text (-1: not in it, e.g. a credit)",
        "clean_end": "offset in the cleaned text (-1: not in it)",
    },
    "statements": {
        "statement_id": "the statement (<doc_id>:s<n>)",
        "doc_id": "the document",
        "date": "the document's date (ISO 8601)",
        "speaker_id": ("the entities the speaker mention refers to after coreference, joined with ; (a joint "
                       "speaker has several); an unnamed speaker gets its ORG, else its STATE; empty when the text "
                       "ties it to none (see statement_speakers)"),
        "speaker_text": "the mention that names the speaker in the text, as written; empty only when the text names none",
        "speaker_start": _OFFSET, "speaker_end": _OFFSET,
        "cue_text": "the reporting word(s): said, dismissed, urged, quoted … as saying → quoted",
        "cue_start": _OFFSET, "cue_end": _OFFSET,
        "content": "what was said or held: the quoted words with their quote marks, or the reported clause",
        "content_start": _OFFSET, "content_end": _OFFSET,
        "kind": "direct (wholly in quote marks, or a verbatim text after a colon), indirect (reported), mixed",
        "target_ids": ("ids of the STATE / PERSON / ORG entities the statement is about or addressed to, joined "
                       "with ; (see statement_targets)"),
        "origin": "which extractor found it",
        "type": _TYPE,
        "cameo": "the type's CAMEO code (text: 010)",
        "goldstein": _GOLDSTEIN,
        "tone": _TONE,
        "plover": "the type's PLOVER category",
        "missing": _MISSING,
    },
    "relations": {
        "source_id": "the entity the relation goes from",
        "relation": "HOLDS_OFFICE (PERSON → OFFICE), OFFICE_OF (OFFICE → STATE), PART_OF (ORG → STATE), "
                    "AFFILIATED_WITH (PERSON → STATE)",
        "target_id": "the entity it goes to",
        "doc_id": "the document it was read from",
        "start": _OFFSET, "end": _OFFSET,
    },
    "events": {
        "event_id": "the event (<statement_id>:e<n>): one speaker → target pair of a statement",
        "date": "the document's date (ISO 8601)",
        "source_id": "the speaker entity", "source_name": "its name", "source_state": "its state (ISO3)",
        "source_sector": "its sector (government, organisation, …)",
        "target_id": "the target entity", "target_name": "its name", "target_state": "its state (ISO3)",
        "target_sector": "its sector",
        "type": _TYPE, "plover": "PLOVER category", "cameo": "CAMEO code", "goldstein": _GOLDSTEIN, "tone": _TONE,
        "statement_id": "the statement", "doc_id": "the document",
        "content_start": _OFFSET, "content_end": _OFFSET,
    },
    "ner_documents": {
        "doc_id": "the document", "status": "ok or error (the model could not process it)",
        "error": "why", "n_tokens": "tokens of the cleaned text", "n_mentions": "entity mentions found",
    },
    "statement_speakers": {
        "statement_id": "the statement", "entity_id": "one of its speaker entities",
        "position": "its place in the statement's speaker_id list (1 = first)",
    },
    "statement_targets": {
        "statement_id": "the statement", "entity_id": "one of its targets",
        "position": "its place in the statement's target_ids list (1 = first)",
    },
    "statement_details": {
        "statement_id": "the statement", "date": "the document's date (ISO 8601)",
        "speaker": "the speaker entities' names, joined with ;",
        "speaker_state": "the speakers' states (ISO3), joined with ;",
        "cue_text": "the reporting word(s)", "content": "what was said or held",
        "targets": "the targets' names, joined with ;", "target_states": "the targets' states (ISO3), joined with ;",
        "type": _TYPE, "tone": _TONE, "goldstein": _GOLDSTEIN,
        "kind": "direct, indirect or mixed", "speaker_text": "the speaker as written in the text",
        "speaker_id": "speaker entity ids", "target_ids": "target entity ids",
        "doc_id": "the document", "title": "its headline", "credit": "the outlet it is credited to",
        "page": _PAGE, "statement_rowid": "the statement's rowid (for full-text search)",
    },
    "state_pairs": {
        "from_state": "the speakers' state (ISO3)", "from_name": "its name",
        "to_state": "the targets' state (ISO3)", "to_name": "its name",
        "statements": "statements with a speaker of from_state and a target of to_state (each once)",
        "mean_goldstein": "their mean Goldstein value: conflict (-) … cooperation (+)",
        "cooperative": "cooperative statements", "conflictual": "conflictual statements",
        "neutral": "neutral statements", "first_date": "the earliest", "last_date": "the latest",
    },
    "entity_statements": {
        "entity_id": "the entity", "entity": "its name", "label": "PERSON, STATE, OFFICE or ORG",
        "role": "said: the entity is a speaker of the statement; about: a target of it",
        "statement_id": "the statement", "date": "the document's date", "speaker": "the speakers' names",
        "cue_text": "the reporting word(s)", "content": "what was said or held", "targets": "the targets' names",
        "type": _TYPE, "tone": _TONE, "goldstein": _GOLDSTEIN,
        "doc_id": "the document", "title": "its headline", "page": _PAGE,
    },
}

TABLE_DESCRIPTIONS = {
    "documents": "One row per input file: its date, credit, status, and its HTML page.",
    "entities": "One row per canonical entity (PERSON, STATE, OFFICE, ORG), with its state and counts.",
    "mentions": "One row per entity mention, with raw-file offsets.",
    "statements": ("One row per statement: an attribution of speech or a stated position (direct quote, "
                   "reported or mixed) with its speaker, cue, content, targets and type."),
    "relations": "One row per non-statement relation (HOLDS_OFFICE, OFFICE_OF, PART_OF, AFFILIATED_WITH).",
    "events": ("One row per statement and target (speaker → target dyad), with the states and sectors of both "
               "and the statement's type, CAMEO code and Goldstein value, as event data."),
    "ner_documents": "The entity stage's status per document.",
    "statement_speakers": "The speakers of each statement, one row each (statements.speaker_id split at ;).",
    "statement_targets": "The targets of each statement, one row each (statements.target_ids split at ;).",
    "statement_details": ("View: one row per statement with its speakers' and targets' names and states, the "
                          "document's title, and a link to the statement on its document's page."),
    "state_pairs": ("View: who speaks about whom between states. Statements from a speaker of one state to a "
                    "target of another (each statement once per pair, a state to itself left out), with the mean "
                    "Goldstein value and the numbers of cooperative, conflictual and neutral statements."),
    "entity_statements": ("View: one row per entity and statement: the statements it said (role = said) and "
                          "those about it (role = about). Filter by entity_id."),
}

FACETS = {
    "statements": ["speaker_state", "type", "tone", "date"],
    "statement_details": ["speaker_state", "type", "tone", "date"],
    "entity_statements": ["role", "type"],
    "events": ["source_state", "target_state", "type"],
    "entities": ["label", "state"],
    "mentions": ["label"],
    "documents": ["status", "credit"],
}

# a text parameter matched as a part of a name, an alias or an id ('' matches nothing)
_LIKE = ("trim(:{p}) <> '' AND (name LIKE '%' || trim(:{p}) || '%' OR aliases LIKE '%' || trim(:{p}) || '%' "
         "OR entity_id LIKE '%' || trim(:{p}) || '%')")
_STATE = ("SELECT upper(trim(:{p})) UNION SELECT state FROM entities WHERE label = 'STATE' AND trim(:{p}) <> '' "
          "AND name LIKE trim(:{p})")
_COLS = ("sd.statement_id, sd.date, sd.speaker, sd.speaker_state, sd.cue_text, sd.content, sd.targets, "
         "sd.target_states, sd.type, sd.tone, sd.goldstein, sd.title, sd.page")

QUERIES = {
    "statements_between_states": {
        "title": "Statements between two states",
        "description": ("Every statement by a speaker of one state about a target of another, oldest first: "
                        "from_state and to_state are ISO 3166 alpha-3 codes (PRK, USA) or names (North Korea)."),
        "sql": (f"SELECT {_COLS}\nFROM statement_details sd\nWHERE sd.statement_id IN (\n"
                f"  SELECT statement_id FROM events\n"
                f"  WHERE source_state IN ({_STATE.format(p='from_state')})\n"
                f"    AND target_state IN ({_STATE.format(p='to_state')}))\n"
                f"ORDER BY sd.date, sd.statement_id"),
    },
    "what_x_said_about_y": {
        "title": "What X said about Y",
        "description": ("Statements with a speaker whose name, alias or id contains speaker and a target whose "
                        "name, alias or id contains target (Kim, Blinken, United States, state:PRK), oldest first."),
        "sql": (f"SELECT {_COLS}\nFROM statement_details sd\n"
                f"WHERE sd.statement_id IN (SELECT statement_id FROM statement_speakers WHERE entity_id IN "
                f"(SELECT entity_id FROM entities WHERE {_LIKE.format(p='speaker')}))\n"
                f"  AND sd.statement_id IN (SELECT statement_id FROM statement_targets WHERE entity_id IN "
                f"(SELECT entity_id FROM entities WHERE {_LIKE.format(p='target')}))\n"
                f"ORDER BY sd.date, sd.statement_id"),
    },
    "said_by_or_about": {
        "title": "Everything said by or about X",
        "description": ("The statements of every entity whose name, alias or id contains name: those it said "
                        "(role = said) and those about it (role = about), oldest first."),
        "sql": (f"SELECT * FROM entity_statements\nWHERE entity_id IN (SELECT entity_id FROM entities WHERE "
                f"{_LIKE.format(p='name')})\nORDER BY date, statement_id, role"),
    },
}


def metadata(output_dir: Path) -> dict:
    """Datasette metadata for the database of ``output_dir``."""
    tables: dict[str, dict] = {}
    for name, columns in COLUMNS.items():
        conf: dict = {"description": TABLE_DESCRIPTIONS[name], "columns": dict(columns)}
        if name in FACETS:
            conf["facets"] = list(FACETS[name])
        tables[name] = conf
    tables["statements"]["sort_desc"] = "date"
    tables["state_pairs"]["sort_desc"] = "statements"
    tables["entities"]["label_column"] = "name"
    tables["documents"]["label_column"] = "label"  # the headline, else the document id
    # full-text search on the view through the statements' index (?_search= on statement_details)
    tables["statement_details"].update({"fts_table": "statements_fts", "fts_pk": "statement_rowid"})
    return {
        "title": "newsgraph: who said what to whom",
        "description": (f"Statements, speakers, targets and entities extracted from the news articles of "
                        f"{Path(output_dir).name}/ by newsgraph. Start with statement_details (one row per "
                        f"statement with names, states and a link to it on its document's page), state_pairs, "
                        f"or the canned queries below; full-text search on statements and entities."),
        "license": "newsgraph: MIT; the article texts quoted in the tables: their publishers' copyright",
        "source": "newsgraph tables (tables/*.csv) of this run; offsets point into the raw article files",
        "databases": {DB_LABEL: {
            "description": "The tables of tables/ with types, keys, full-text search and views.",
            "tables": tables,
            "queries": {k: dict(v) for k, v in QUERIES.items()},
        }},
    }


def metadata_path(output_dir: Path) -> Path:
    return Path(output_dir) / "datasette" / "metadata.json"


def write_metadata(output_dir: Path) -> Path:
    from pipeline.core.storage import write_text_atomic

    path = metadata_path(output_dir)
    write_text_atomic(path, json.dumps(metadata(output_dir), indent=2, ensure_ascii=False) + "\n")
    return path


def database_path(output_dir: Path) -> Path:
    return Path(output_dir) / DB_NAME


def ensure_database(output_dir: Path) -> Path:
    """The database of ``output_dir``, built (under the run lock) when it is missing or older than a
    table of ``tables/``."""
    from pipeline.core.lock import LockBusy, RunLock
    from pipeline.export.database import write_database

    output_dir = Path(output_dir)
    db, tables = database_path(output_dir), output_dir / "tables"
    csvs = list(tables.glob("*.csv")) if tables.is_dir() else []
    if db.exists() and all(p.stat().st_mtime <= db.stat().st_mtime for p in csvs):
        return db
    if not csvs:
        raise FileNotFoundError(f"{tables} has no tables: run the pipeline first (make all)")
    log.info("building %s from %s", db, tables)
    try:
        with RunLock(output_dir):
            if not write_database(tables, db)["written"]:
                db.touch()  # the same bytes as the tables' now: up to date (no rebuild at the next start)
    except LockBusy:
        if not db.exists():
            raise
        log.warning("%s is older than the tables, but a run is using %s: serving it as it is", db, output_dir)
    return db


def datasette_args(output_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   open_browser: bool = False) -> list[str]:
    """The ``datasette serve`` arguments for ``output_dir`` (the metadata file is written by :func:`serve`)."""
    output_dir = Path(output_dir).resolve()
    args = ["serve", str(database_path(output_dir)), "--metadata", str(metadata_path(output_dir)),
            "--plugins-dir", str(PLUGINS_DIR), "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, str(value)]
    if (output_dir / "html").is_dir():
        args += ["--static", f"html:{output_dir / 'html'}"]
    if open_browser:
        args.append("--open")
    return args


def make_datasette(output_dir: Path):
    """A ``datasette.app.Datasette`` configured as :func:`serve` runs it (for tests and notebooks)."""
    from datasette.app import Datasette

    output_dir = Path(output_dir).resolve()
    html = output_dir / "html"
    return Datasette([str(database_path(output_dir))], metadata=metadata(output_dir),
                     static_mounts=[("html", str(html))] if html.is_dir() else [],
                     plugins_dir=str(PLUGINS_DIR), settings=dict(SETTINGS))


def serve(output_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = False) -> int:
    """Run Datasette on ``output_dir``'s database until interrupted (builds the database first when needed)."""
    try:
        from datasette import cli
    except ImportError:
        log.error("serve needs Datasette: pip install 'newsgraph[serve]' (or pip install datasette)")
        return 2
    ensure_database(output_dir)
    write_metadata(output_dir)
    args = datasette_args(output_dir, host, port, open_browser)
    log.info("Datasette on http://%s:%d/%s (Ctrl-C stops it)", host, port, DB_LABEL)
    try:
        cli.cli.main(args=args, prog_name="datasette", standalone_mode=False)
    except KeyboardInterrupt:
        pass
    return 0


def main_serve(args) -> int:
    """``python -m pipeline serve``: ``args.output`` (None: $NEWSGRAPH_OUT or outputs), ``args.host``,
    ``args.port``, ``args.open`` (any may be missing)."""
    from pipeline.core.config import from_env
    from pipeline.core.lock import LockBusy
    from pipeline.core.storage import describe_os_error

    try:
        output = Path(args.output) if getattr(args, "output", None) else from_env().output_dir
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    if not output.is_dir():
        log.error("serve: %s does not exist: run the pipeline first (make all)", output)
        return 2
    try:
        return serve(output, host=getattr(args, "host", None) or DEFAULT_HOST,
                     port=getattr(args, "port", None) or DEFAULT_PORT,
                     open_browser=bool(getattr(args, "open", False)))
    except LockBusy as exc:
        log.error("serve: %s", exc)
        return 2
    except FileNotFoundError as exc:
        log.error("serve: %s", exc)
        return 2
    except OSError as exc:
        log.error("serve: %s", describe_os_error(exc))
        return 2


if __name__ == "__main__":  # python -m pipeline.serve OUTPUT_DIR [PORT]
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sys.exit(serve(Path(sys.argv[1] if len(sys.argv) > 1 else "outputs"),
                   port=int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_PORT))
