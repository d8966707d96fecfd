"""Stage 3 driver, relations: ``nlp/*.spacy`` -> ``tables/statements.csv`` + ``tables/relations.csv``.

Reads only the parsed documents the ner stage wrote (entities with their ids,
the offset map to the raw file). Per document (cached by the DocBin's hash and
the rules' fingerprint, one shard ``relations/<doc_id>.json`` each):
statements from the rules and the attribution tagger (``statements.py``),
speakers resolved (``speakers.py``), targets; and the HOLDS_OFFICE, OFFICE_OF,
PART_OF and AFFILIATED_WITH relations the text states. Then the two tables.
"""
from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc, DocBin

from pipeline.core import lexicons
from pipeline.ner.components import extensions  # noqa: F401  (Doc/Span attributes)
from pipeline.core.config import Settings
from pipeline.core.limits import LIMIT_MARK, describe, document_guard, is_current, record_key
from pipeline.relations.speakers import SpeakerResolver
from pipeline.core.document import OffsetMap, read_raw_text
from pipeline.ner.resolve import office_holders
from pipeline.core.executor import Item, Outcome, Stage, StageError, StageReport, code_fingerprint, run_stage, worker_threads
from pipeline.relations.events import EVENT_COLUMNS, events, sectors
from pipeline.relations.types import statement_type, type_columns
from pipeline.relations.statements import SCOPES, Statement, extract
from pipeline.core.storage import AtomicCSV, load_msgpack_plugins_once, read_rows, write_text_atomic

log = logging.getLogger("newsgraph.relations")

RELATIONS_VERSION = "6"
STATEMENT_COLUMNS = ["statement_id", "doc_id", "date", "speaker_id", "speaker_text", "speaker_start", "speaker_end",
                     "cue_text", "cue_start", "cue_end", "content", "content_start", "content_end", "kind",
                     "target_ids", "origin", "type", "cameo", "goldstein", "tone", "plover"]
RELATION_COLUMNS = ["source_id", "relation", "target_id", "doc_id", "start", "end"]


def default_tagger_dir() -> Path:
    """The shipped attribution tagger (``make train-attribution`` rebuilds it)."""
    from pipeline.relations.attribution.onnx_tagger import default_model_dir

    return default_model_dir()


def load_tagger(settings: Settings):
    """The attribution tagger, or None (rules only) when it is switched off or not built.

    A model directory that is there but broken is a one-line ``StageError``."""
    if not settings.use_tagger:
        return None
    path = Path(settings.attribution_model) if settings.attribution_model else default_tagger_dir()
    from pipeline.relations.attribution.onnx_tagger import TaggerModelError, TransformerTagger

    if not settings.attribution_model and not path.exists():
        log.info("no attribution tagger at %s: rules only (build it with `make train-attribution`)", path)
        return None
    try:
        return TransformerTagger(path, threads=settings.threads)
    except TaggerModelError as exc:
        raise StageError(str(exc)) from None


def doc_statements(doc: Doc, tagger=None, tags: list[str] | None = None,
                   scope: str = "speech") -> list[tuple[Statement, list[str], list[str]]]:
    """(statement, speaker ids, target ids) for one parsed document.

    ``scope``: what counts as a statement (``statements.extract``).
    ``tags``: the attribution tagger's BIO tags of the document's tokens, when
    they were computed for a batch of documents; else ``tagger`` tags it here.
    A speaker named only by an office whose holder the document does not name
    is left at the office's state; ``Statement.speaker_office`` keeps the
    office id for the cross-document step (:func:`resolve_office_speakers`).
    """
    tagged = None
    if tags is None and tagger is not None:
        tags = tagger.tags(doc)
    if tags is not None:
        from pipeline.relations.attribution.tagger import decode

        tagged = decode(tags, doc)
    stmts = extract(doc, tagged, scope)
    resolver = SpeakerResolver(doc)
    out = []
    prev = None
    for st in stmts:
        res = resolver.explain(st, prev)
        st.speaker_office = res.office
        st.speaker_resolution = res.to_json()
        out.append((st, res.ids, resolver.targets(st, res.ids)))
        prev = st
    return out


def explain_text(shard: dict) -> str:
    """A statement shard as text: each statement's speaker, the rule that resolved it and the
    candidate antecedents with their features and scores (``python -m pipeline explain DOC_ID``)."""
    lines = []
    for st in shard.get("statements", []):
        res = st.get("speaker_resolution") or {}
        lines.append(f"{st['statement_id']}  {st.get('speaker_text') or '(no speaker)'!r} -> "
                     f"{st.get('speaker_id') or '(none)'}  [{res.get('rule', '?')}]  "
                     f"{st.get('cue_text', '')!r}: {st['content'][:70]!r}")
        for c in res.get("candidates", []):
            feats = ", ".join(f"{k}={v:g}" for k, v in c["features"].items())
            lines.append(f"      {c['score']:7.2f}  {';'.join(c['ids']) or '(nobody)'}  via {c['mention']!r}  ({feats})")
    return "\n".join(lines) if lines else "(no statements)"


def office_holder_index(relations: Iterable[dict], dates: dict[str, str]) -> dict[str, dict[str, str]]:
    """office id -> {person id: latest date of a document stating it}, from HOLDS_OFFICE rows."""
    holders: dict[str, dict[str, str]] = {}
    for r in relations:
        if r["relation"] == "HOLDS_OFFICE":
            d = dates.get(r["doc_id"], "")
            per = holders.setdefault(r["target_id"], {})
            per[r["source_id"]] = max(per.get(r["source_id"], ""), d)
    return holders


# posts several people hold at once: their holder is never taken from another document
SHARED_POSTS = ("spokes", "official", "adviser", "advisor", "aide", "deputy", "vice")


def patch_office_speaker(s: dict, holders: dict[str, dict[str, str]]) -> None:
    """The holder of the office (any document) replaces the office's state as speaker;
    with several holders, the one stated in the document closest in date, none on a tie."""
    office = s.get("speaker_office")
    if not office or office not in holders or any(w in office for w in SHARED_POSTS):
        return  # a ministry has several spokespersons: another document's one is no evidence
    cands = holders[office]
    if len(cands) == 1:
        s["speaker_id"] = next(iter(cands))
    elif s["date"]:
        dist = sorted((_days(s["date"], d), p) for p, d in cands.items() if d)
        if dist and (len(dist) == 1 or dist[0][0] < dist[1][0]):
            s["speaker_id"] = dist[0][1]


def resolve_office_speakers(statements: list[dict], relations: list[dict]) -> None:
    """Cross-document: "North Korea's foreign minister said" where another document names the minister."""
    holders = office_holder_index(relations, {s["doc_id"]: s["date"] for s in statements})
    for s in statements:
        patch_office_speaker(s, holders)


def _days(a: str, b: str) -> int:
    import datetime as dt

    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


def doc_relations(doc: Doc) -> list[tuple[str, str, str, int, int]]:
    """(source id, relation, target id, start token, end token) the text states."""
    orgs = lexicons.org_index()
    rels: dict[tuple[str, str, str], tuple[int, int]] = {}

    def add(a: str, rel: str, b: str, s: int, e: int) -> None:
        rels.setdefault((a, rel, b), (s, e))

    for office, person in office_holders(doc):
        if office._.entity_id and person._.entity_id:
            add(person._.entity_id, "HOLDS_OFFICE", office._.entity_id, min(office.start, person.start), max(office.end, person.end))
    for ent in doc.ents:
        eid, state = ent._.entity_id, ent._.state
        if not eid or not state:
            continue
        if ent.label_ == "OFFICE":
            add(eid, "OFFICE_OF", f"state:{state}", ent.start, ent.end)
        elif ent.label_ == "ORG" and (ent.kb_id_ not in orgs or orgs[ent.kb_id_].kind not in ("international", "news")):
            add(eid, "PART_OF", f"state:{state}", ent.start, ent.end)
        elif ent.label_ == "PERSON":
            add(eid, "AFFILIATED_WITH", f"state:{state}", ent.start, ent.end)
    return [(a, r, b, s, e) for (a, r, b), (s, e) in rels.items()]


def _records(doc: Doc, tagger, tags: list[str] | None = None, scope: str = "speech") -> dict:
    src = doc._.source or {}
    om = OffsetMap.from_json(src["offset_map"])
    raw_text = _raw_text(src.get("source_path", ""), src.get("encoding", "utf-8"))

    def raw(s: int, e: int) -> tuple[int, int]:
        return om.to_raw(doc[s].idx, doc[e - 1].idx + len(doc[e - 1]))

    def text(rs: int, re_: int, s: int, e: int) -> str:
        return raw_text[rs:re_] if raw_text is not None else doc[s:e].text

    statements = []
    for n, (st, sids, tids) in enumerate(doc_statements(doc, tagger, tags, scope), start=1):
        cs, ce = raw(*st.content)
        row = {"statement_id": f"{doc._.doc_id}:s{n}", "doc_id": doc._.doc_id, "date": src.get("date", ""),
               "speaker_id": ";".join(sids), "speaker_text": "", "speaker_start": "", "speaker_end": "",
               "cue_text": "", "cue_start": "", "cue_end": "", "content": text(cs, ce, *st.content),
               "content_start": cs, "content_end": ce, "kind": st.kind, "target_ids": ";".join(tids), "origin": st.origin,
               **type_columns(statement_type(doc, st.content, st.cue, st.speaker)),
               "speaker_office": getattr(st, "speaker_office", ""),
               "speaker_resolution": getattr(st, "speaker_resolution", {})}
        if st.speaker:
            a, b = raw(*st.speaker)
            row.update(speaker_text=text(a, b, *st.speaker), speaker_start=a, speaker_end=b)
        if st.cue:
            a, b = raw(*st.cue)
            row.update(cue_text=text(a, b, *st.cue), cue_start=a, cue_end=b)
        statements.append(row)
    relations = []
    for a, rel, b, s, e in doc_relations(doc):
        rs, re_ = raw(s, e)
        relations.append({"source_id": a, "relation": rel, "target_id": b, "doc_id": doc._.doc_id, "start": rs, "end": re_})
    return {"date": src.get("date", ""), "statements": statements, "relations": relations}


def _raw_text(path: str, encoding: str = "utf-8") -> str | None:
    try:
        return read_raw_text(path, encoding)
    except (OSError, UnicodeDecodeError, LookupError):  # gone or changed since it was cleaned
        return None


def fingerprint(tagger, scope: str = "speech") -> str:
    h = hashlib.sha256(f"{RELATIONS_VERSION}:{scope}".encode())
    h.update(code_fingerprint("pipeline.relations.statements", "pipeline.relations.speakers", "pipeline.relations.stage", "pipeline.ner.resolve",
                              "pipeline.relations.attribution", "pipeline.relations.types").encode())
    h.update(lexicons.data_fingerprint("statement_types.toml", "cues.toml", "cue_rates.csv").encode())
    h.update(lexicons.fingerprint().encode())
    if tagger is not None:
        h.update(tagger.fingerprint.encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=2)
def _tagger(settings: Settings):
    """The attribution tagger, loaded once per process with this worker's share of the CPUs."""
    import gc

    tagger = load_tagger(settings.with_overrides(threads=worker_threads(settings.threads)))
    gc.freeze()  # loaded once, kept for the worker's life
    return tagger


def _error_record(key: str, error: str) -> dict:
    return {"key": key, "status": "error", "error": error, "statements": [], "relations": []}


@lru_cache(maxsize=1)
def _vocab():
    """The vocabulary parsed documents are read into, one per process."""
    import spacy

    return spacy.blank("en").vocab


def longest_sentence(doc: Doc) -> int:
    """Words (tokens that are not punctuation or space) in the longest sentence of ``doc``."""
    if not doc.has_annotation("SENT_START"):
        return sum(1 for t in doc if not (t.is_punct or t.is_space))
    return max((sum(1 for t in s if not (t.is_punct or t.is_space)) for s in doc.sents), default=0)


def process_batch(settings: Settings, context: dict, items: list[Item]) -> list[Outcome]:
    """Statements and relations of a batch of parsed documents, one shard each (runs on any worker)."""
    load_msgpack_plugins_once()
    tagger = _tagger(settings)
    vocab = _vocab()
    out_dir = settings.output_dir / "relations"
    out: list[Outcome] = []
    for it in items:
        # The tagger reads one document at a time: the int8 model quantises its activations with
        # one scale per batch tensor (ONNX DynamicQuantizeLinear), so a document read beside others
        # could get other tags than alone; alone, its tags are its own whatever the batching,
        # executor or number of workers (and as fast: 14.0 s vs 14.2 s for 8 a batch, PolNeAR dev).
        try:
            (doc,) = list(DocBin().from_bytes(Path(it.path).read_bytes()).get_docs(vocab))
        except Exception as exc:
            rec = _error_record(it.key, f"unreadable DocBin: {describe(exc)}")
        else:
            too_long = longest_sentence(doc)
            if settings.max_sentence_words and too_long > settings.max_sentence_words:
                reason = (f"{LIMIT_MARK}sentence limit: a sentence of {too_long:,} words, over "
                          f"{settings.max_sentence_words:,} (--max-sentence-words)")
                rec = {**_error_record(record_key(it.key, reason, settings), reason), "status": "skipped"}
            else:
                try:
                    with document_guard(settings.doc_timeout, settings.doc_memory):
                        rec = {"key": it.key, "status": "ok", "error": "",
                               **_records(doc, tagger, None, settings.statements)}
                except Exception as exc:  # one bad document must not stop the run
                    reason = describe(exc)
                    rec = _error_record(record_key(it.key, reason, settings), reason)
        written = write_text_atomic(out_dir / f"{it.name}.json", json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
        out.append(Outcome(it.name, rec["status"], rec["error"], written=written))
    return out


class RelationsStage(Stage):
    """Stage 3: ``nlp/*.spacy`` -> ``relations/<doc_id>.json``; across documents the office
    holders and ``tables/statements.csv``, ``relations.csv``, ``events.csv``."""
    name = "relations"
    batch_size = 32
    process = staticmethod(process_batch)

    def out_dir(self, settings: Settings) -> Path:
        return settings.output_dir / "relations"

    def prepare(self, settings: Settings) -> dict:
        nlp_dir = settings.output_dir / "nlp"
        if not nlp_dir.is_dir():
            raise StageError(f"{nlp_dir} does not exist: run ner first (make ner)")
        if settings.statements not in SCOPES:
            raise StageError(f"unknown statement scope {settings.statements!r} (one of {', '.join(SCOPES)})")
        return {"fingerprint": fingerprint(_tagger(settings), settings.statements)}

    def plan(self, settings: Settings, context: dict) -> Iterator[Item | Outcome]:
        out_dir = self.out_dir(settings)
        for path in sorted((settings.output_dir / "nlp").glob("*.spacy")):
            key = hashlib.sha256(path.read_bytes()).hexdigest()[:16] + "-" + context["fingerprint"]
            target = out_dir / f"{path.stem}.json"
            if not settings.force and target.exists():
                try:
                    rec = json.loads(target.read_text(encoding="utf-8"))
                    if is_current(rec.get("key"), key, settings):
                        yield Outcome(path.stem, rec.get("status", "ok"), rec.get("error", ""), cached=True)
                        continue
                except (OSError, ValueError):
                    pass
            yield Item(path.stem, str(path.absolute()), key)

    def finish(self, settings: Settings, context: dict, outcomes: list[Outcome]) -> None:
        out_dir = self.out_dir(settings)
        shards = [out_dir / f"{o.name}.json" for o in outcomes]
        _write_tables(settings, [p for p in shards if p.exists()])


STAGE = RelationsStage()


def run(settings: Settings, executor=None) -> StageReport:
    return run_stage(STAGE, settings, executor)


def _shards(paths: list[Path]) -> Iterator[dict]:
    for p in paths:
        yield json.loads(p.read_text(encoding="utf-8"))


def _write_tables(settings: Settings, paths: list[Path]) -> None:
    """Two passes over the shards, one document at a time: relations (and the small
    index of office holders), then statements with office-only speakers resolved and
    their events (``events.py``)."""
    dates: dict[str, str] = {}
    holding: list[dict] = []
    with AtomicCSV(settings.tables_dir / "relations.csv", RELATION_COLUMNS) as out:
        for rec in _shards(paths):
            for r in rec["relations"]:
                out.write(r)
                dates[r["doc_id"]] = rec.get("date", "")
                if r["relation"] == "HOLDS_OFFICE":
                    holding.append(r)
    holders = office_holder_index(holding, dates)
    entities = {e["entity_id"]: e for e in read_rows(settings.tables_dir / "entities.csv")}
    sector = sectors(entities.values(), {r["source_id"] for r in holding})
    with AtomicCSV(settings.tables_dir / "statements.csv", STATEMENT_COLUMNS) as out, \
            AtomicCSV(settings.tables_dir / "events.csv", EVENT_COLUMNS) as ev:
        for rec in _shards(paths):
            for st in rec["statements"]:
                patch_office_speaker(st, holders)
                out.write(st)
                for row in events([st], entities, sector):
                    ev.write(row)

