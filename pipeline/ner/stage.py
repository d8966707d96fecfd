"""Stage 2 driver, ner: ``clean/*.json`` -> ``nlp/<doc_id>.spacy`` + ``tables/mentions.csv``, ``tables/entities.csv``.

Per document (parallel-friendly, cached): parse once with ``nlp.pipe``, keep
the parsed ``Doc`` as a ``DocBin`` (later stages read it; nobody parses
twice), resolve its mentions to canonical ids and map them to raw offsets
(``nlp/<doc_id>.json``). Across documents: person ids made one for transliteration variants and
for a surname whose one full name another document gives
(:func:`pipeline.resolve.cross_document_ids`), written to the tables and
to the ``DocBin`` entities (``Span._.entity_id``) that later stages read; the
per-document records (``nlp/<doc_id>.json``) keep the ids of their document
alone, so the step is redone from them whenever the corpus changes. Then
the mention and entity tables.
Credits that cleaning took out of the text (datelines, captions, trailers)
are reported as ORG mentions of the credited organisation.

A document is parsed again only when its cleaned text, the model or the
lexicons changed. A document the model cannot process gets a status row in
``tables/ner_documents.csv`` and a one-line message; the run goes on.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Iterator

from spacy.tokens import Doc, DocBin

from pipeline.core import lexicons
from pipeline.core.config import Settings
from pipeline.core.limits import describe, document_guard, is_current, record_key
from pipeline.core.document import CleanDocument, read_raw_text
from pipeline.ner.resolve import ENTITY_COLUMNS, Mention, annotate, cross_document_ids, entity_table, slug
from pipeline.core.executor import Item, Outcome, Stage, StageError, StageReport, code_fingerprint, run_stage
from pipeline.core.storage import AtomicCSV, load_msgpack_plugins_once, write_bytes_atomic, write_csv, write_text_atomic

log = logging.getLogger("newsgraph.ner")

NER_VERSION = "3"
MENTION_COLUMNS = ["doc_id", "mention_id", "start", "end", "text", "label", "entity_id", "state", "source",
                   "clean_start", "clean_end"]
STATUS_COLUMNS = ["doc_id", "status", "error", "n_tokens", "n_mentions"]


def _clean_docs(settings: Settings) -> list[Path]:
    d = settings.clean_dir
    if not d.is_dir():
        raise StageError(f"{d} does not exist: run clean-text first (make clean-text)")
    return sorted(d.glob("*.json"))


def _chunks(text: str, size: int) -> list[str]:
    """Split a long text at paragraph (else sentence, else space) boundaries; the pieces join back exactly."""
    pieces, start = [], 0
    while len(text) - start > size:
        cut = -1
        for sep in ("\n\n", ". ", " "):
            cut = text.rfind(sep, start + size // 2, start + size)
            if cut != -1:
                cut += len(sep)
                break
        if cut == -1:
            cut = start + size
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _parse_one(nlp, text: str, chunk_chars: int) -> Doc:
    """One text; a long one in pieces joined with ``Doc.from_docs`` (character offsets unchanged)."""
    if len(text) <= chunk_chars:
        return nlp(text)
    docs = list(nlp.pipe(_chunks(text, chunk_chars)))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:
        raise ValueError("the pieces of a long text did not join back into it")
    return doc


def parse(nlp, texts: list[str], chunk_chars: int, batch_size: int = 16, seconds: float = 0,
          memory_mb: float = 0) -> Iterator[tuple[Doc | None, str]]:
    """(doc, error) for each text, in order, streaming through ``nlp.pipe`` in batches.

    A batch that fails, or overruns its documents' time or memory (``seconds`` each, the process
    grown by ``memory_mb``), is redone one text at a time so that only the bad one fails.
    """
    for i in range(0, len(texts), batch_size):
        batch = texts[i:i + batch_size]
        short = [t for t in batch if len(t) <= chunk_chars]
        try:
            with document_guard(seconds * len(short), memory_mb):
                parsed = iter(list(nlp.pipe(short, batch_size=batch_size)))
        except Exception:  # find the culprit one by one
            parsed = None
        for text in batch:
            if parsed is not None and len(text) <= chunk_chars:
                yield next(parsed), ""
                continue
            try:
                with document_guard(seconds, memory_mb):
                    doc = _parse_one(nlp, text, chunk_chars)
            except Exception as exc:
                yield None, describe(exc)
            else:
                yield doc, ""


def dateline_state(clean: CleanDocument) -> str:
    """The state of a dateline's place (`KYIV, Ukraine (AP) --`, `SEOUL, March 12 --`): a capital or a
    state's name from the state lexicon, or ""."""
    aliases = lexicons.states().aliases
    for r in clean.removed:
        if r.kind != "dateline":
            continue
        for part in r.text.split(",")[:2]:
            name = part.strip().split("(")[0].strip()
            for cand in (name, name.title()):
                hit = aliases.get(cand)
                if hit is not None and hit[1] in ("capital", "name"):
                    return hit[0]
    return ""


def doc_mentions(doc: Doc, clean: CleanDocument) -> list[Mention]:
    """Mentions of one parsed document in raw offsets, credits included."""
    credit_state = ""
    orgs = lexicons.org_index()
    if clean.credit in orgs and clean.credit in lexicons.domestic_outlets():
        credit_state = orgs[clean.credit].state  # not an international wire's home state (AP, AFP)
    else:
        # "KYIV, Ukraine (AP) --": the dateline's state, when the story itself names it (a GENEVA
        # dateline over talks between others does not make the bodies Swiss)
        credit_state = dateline_state(clean)
        if credit_state and not any(e.label_ == "STATE" and e.kb_id_ == credit_state for e in doc.ents):
            credit_state = ""
    found: list[tuple[int, int, Mention]] = []
    doc._.source = {"source_path": clean.source_path, "encoding": clean.encoding, "date": clean.date, "credit": clean.credit,
                    "title": clean.title, "offset_map": clean.offset_map.to_json()}
    for span, eid, state in annotate(doc, clean.doc_id, credit_state):  # ids kept in the DocBin
        rs, re_ = clean.raw_span(span.start_char, span.end_char)
        canonical = span.kb_id_ if span.label_ == "ORG" and span.kb_id_ in orgs else ""
        found.append((rs, re_, Mention(clean.doc_id, "", rs, re_, "", span.label_, eid, span.start_char, span.end_char, state,
                                       canonical=canonical)))
    for c in clean.credits:
        found.append((c.start, c.end, Mention(clean.doc_id, "", c.start, c.end, "", "ORG", "org:" + slug(c.name), -1, -1, "", "credit",
                                              canonical=c.name)))
    found.sort(key=lambda x: (x[0], x[1]))
    out = []
    for n, (_, _, m) in enumerate(found, start=1):
        m.mention_id = f"{clean.doc_id}:m{n}"
        out.append(m)
    return out


# the spaCy pipeline of this process, by the directory it was saved to (a worker loads it once)
_PIPELINES: dict[str, object] = {}


def _pipeline(model_dir: str):
    nlp = _PIPELINES.get(model_dir)
    if nlp is None:
        import gc

        from pipeline.ner.nlp import load_pipeline

        nlp = _PIPELINES[model_dir] = load_pipeline(model_dir)
        gc.freeze()  # the model's objects live as long as the worker: the collector need not scan them
    return nlp


def process_batch(settings: Settings, context: dict, items: list[Item]) -> list[Outcome]:
    """Parse a batch of cleaned documents with ``nlp.pipe``; write each one's DocBin and record
    (runs on any worker)."""
    load_msgpack_plugins_once()
    nlp = _pipeline(context["model_dir"])
    nlp_dir = settings.output_dir / "nlp"
    cleans = [CleanDocument.loads(Path(it.path).read_text(encoding="utf-8")) for it in items]
    chunk = min(nlp.max_length, settings.chunk_chars)
    out = []
    parsed = parse(nlp, [c.text for c in cleans], chunk, seconds=settings.doc_timeout, memory_mb=settings.doc_memory)
    for it, clean, (doc, error) in zip(items, cleans, parsed):
        cid = clean.doc_id
        if doc is not None:
            try:
                with document_guard(settings.doc_timeout, settings.doc_memory):
                    mentions = [m.to_json() for m in doc_mentions(doc, clean)]
            except Exception as exc:
                doc, error = None, describe(exc)
        if doc is None:
            (nlp_dir / f"{cid}.spacy").unlink(missing_ok=True)  # an older parse must not stand in for it
            st = {"doc_id": cid, "status": "error", "error": f"the model could not process it: {error}", "n_tokens": 0, "n_mentions": 0}
            rec = {"key": record_key(it.key, error, settings), "status": st, "mentions": []}
        else:
            for m in mentions:
                m["text"] = ""  # filled from the raw file below
            st = {"doc_id": cid, "status": "ok", "error": "", "n_tokens": len(doc), "n_mentions": len(mentions)}
            db = DocBin(store_user_data=True)
            db.add(doc)
            write_bytes_atomic(nlp_dir / f"{cid}.spacy", db.to_bytes())
            # no id of another document applied yet (the cross-document step skips it when none applies)
            rec = {"key": it.key, "status": st, "mentions": mentions, "cross_document_ids": {}}
            _fill_raw_text(rec["mentions"], clean)
        written = write_text_atomic(nlp_dir / f"{cid}.json", json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
        out.append(Outcome(it.name, st["status"], st["error"], written=written, row=st))
    return out


def model_dir(settings: Settings) -> Path:
    """Where the run's spaCy pipeline is saved (beside the stage's shards, on the shared filesystem)."""
    return settings.output_dir / "nlp-model"


class NerStage(Stage):
    """Stage 2: ``clean/*.json`` -> ``nlp/<doc_id>.spacy`` + ``.json``; across documents the
    cross-document ids and ``tables/mentions.csv``, ``entities.csv``, ``ner_documents.csv``."""
    name = "ner"
    batch_size = 32
    shard_suffixes = (".json", ".spacy")
    process = staticmethod(process_batch)

    def out_dir(self, settings: Settings) -> Path:
        return settings.output_dir / "nlp"

    def prepare(self, settings: Settings) -> dict:
        _clean_docs(settings)  # a clear error before the model is loaded
        return {"model_dir": str(model_dir(settings).absolute()), "fingerprint": None}

    def _fingerprint(self, settings: Settings, context: dict) -> str:
        """Built on first need (a run where no document was cleaned builds no model): the pipeline,
        model and lexicons, saved to ``nlp-model/`` where every worker loads it from; its files
        are its fingerprint."""
        if context["fingerprint"] is None:
            import gc

            from pipeline.ner.nlp import build_nlp, update_pipeline

            nlp = build_nlp(settings.model)
            fp = update_pipeline(nlp, context["model_dir"])  # a re-run with the same pipeline writes nothing
            _PIPELINES[context["model_dir"]] = nlp
            gc.freeze()
            context["fingerprint"] = hashlib.sha256(json.dumps(
                [NER_VERSION, fp, lexicons.fingerprint(),
                 code_fingerprint("pipeline.ner.components", "pipeline.ner.resolve", "pipeline.ner.stage")]).encode()).hexdigest()[:16]
        return context["fingerprint"]

    def plan(self, settings: Settings, context: dict) -> Iterator[Item | Outcome]:
        nlp_dir = self.out_dir(settings)
        for path in _clean_docs(settings):
            data = path.read_bytes()
            clean = CleanDocument.loads(data.decode("utf-8"))
            if clean.status != "ok":
                st = {"doc_id": clean.doc_id, "status": "skipped", "error": f"not cleaned: {clean.error}",
                      "n_tokens": 0, "n_mentions": 0}
                yield Outcome(path.stem, "skipped", st["error"], worked=False, row=st)
                continue
            key = hashlib.sha256(data).hexdigest()[:16] + "-" + self._fingerprint(settings, context)
            rec_path = nlp_dir / f"{path.stem}.json"
            if not settings.force and rec_path.exists() and (nlp_dir / f"{path.stem}.spacy").exists():
                try:
                    rec = json.loads(rec_path.read_text(encoding="utf-8"))
                    if is_current(rec.get("key"), key, settings):
                        st = rec["status"]
                        yield Outcome(path.stem, st["status"], st["error"], cached=True, row=st)
                        continue
                except (OSError, ValueError, KeyError):
                    pass
            yield Item(path.stem, str(path.absolute()), key)

    def failed(self, item: Item, error: str) -> Outcome:
        return Outcome(item.name, "error", error, row={"doc_id": item.name, "status": "error", "error": error,
                                                         "n_tokens": 0, "n_mentions": 0})

    def finish(self, settings: Settings, context: dict, outcomes: list[Outcome]) -> None:
        _write_tables(settings, self.out_dir(settings), [o.name for o in outcomes])
        write_csv(settings.tables_dir / "ner_documents.csv", STATUS_COLUMNS, [o.row for o in outcomes])


STAGE = NerStage()


def run(settings: Settings, executor=None) -> StageReport:
    return run_stage(STAGE, settings, executor)


def _fill_raw_text(mentions: list[dict], clean: CleanDocument) -> None:
    """Each mention's text as the raw file has it (the clean text where the file is gone)."""
    try:
        raw = read_raw_text(clean.source_path, clean.encoding)
    except (OSError, UnicodeDecodeError, LookupError):  # gone or changed since it was cleaned
        raw = None
    for m in mentions:
        if raw is not None:
            m["text"] = raw[m["start"]:m["end"]]
        elif m["clean_start"] >= 0:
            m["text"] = clean.text[m["clean_start"]:m["clean_end"]]


def _mention_records(nlp_dir: Path, doc_ids: list[str]) -> Iterator[dict]:
    for cid in doc_ids:
        p = nlp_dir / f"{cid}.json"
        if p.exists():
            yield from json.loads(p.read_text(encoding="utf-8")).get("mentions", [])


def _write_tables(settings: Settings, nlp_dir: Path, doc_ids: list[str]) -> None:
    """mentions.csv and entities.csv from the per-document records, one document at a time,
    with the ids made one across documents (also in the DocBins)."""
    merged = cross_document_ids(_mention_records(nlp_dir, doc_ids))
    _apply_to_docbins(nlp_dir, doc_ids, merged)
    with AtomicCSV(settings.tables_dir / "mentions.csv", MENTION_COLUMNS) as out:
        def rows() -> Iterator[dict]:
            for m in _mention_records(nlp_dir, doc_ids):
                m["entity_id"] = merged.get(m["entity_id"], m["entity_id"])
                out.write(m)
                yield m

        entities = entity_table(rows())
    write_csv(settings.tables_dir / "entities.csv", ENTITY_COLUMNS, entities)


def _apply_to_docbins(nlp_dir: Path, doc_ids: list[str], merged: dict[str, str]) -> None:
    """Give each DocBin's entities their cross-document ids, from the document's own record
    (so a change of the corpus that undoes a merge undoes it here too). A DocBin is
    rewritten only when an id changes."""
    from spacy.vocab import Vocab

    load_msgpack_plugins_once()

    from pipeline.ner.components import extensions  # noqa: F401

    vocab = None
    for cid in doc_ids:
        rec_path, bin_path = nlp_dir / f"{cid}.json", nlp_dir / f"{cid}.spacy"
        if not rec_path.exists() or not bin_path.exists():
            continue
        rec = json.loads(rec_path.read_text(encoding="utf-8"))
        mentions = rec.get("mentions", [])
        present = {m["entity_id"] for m in mentions}
        want_applied = {k: v for k, v in merged.items() if k in present}
        if rec.get("cross_document_ids") == want_applied:
            continue
        wanted = {(m["clean_start"], m["clean_end"], m["label"]): merged.get(m["entity_id"], m["entity_id"])
                  for m in mentions if m.get("source", "text") == "text"}
        vocab = vocab or Vocab()
        docs = list(DocBin().from_bytes(bin_path.read_bytes()).get_docs(vocab))
        changed = False
        for doc in docs:
            for ent in doc.ents:
                eid = wanted.get((ent.start_char, ent.end_char, ent.label_))
                if eid and ent._.entity_id != eid:
                    ent._.entity_id = eid
                    changed = True
        if changed:
            db = DocBin(store_user_data=True)
            for doc in docs:
                db.add(doc)
            write_bytes_atomic(bin_path, db.to_bytes())
        rec["cross_document_ids"] = want_applied
        write_text_atomic(rec_path, json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
