"""Command line: one sub-command per stage, and `run` for all of them.

    python -m pipeline clean-text --input raw --output outputs
    python -m pipeline run --input raw --output outputs

Options override ``NEWSGRAPH_*`` environment variables, which override the
defaults of ``config.py``. Exit status: 0 on success (bad documents are
reported and skipped), 1 with ``--strict`` when a document was not cleaned,
2 when the run itself cannot start (a missing input directory, a bad option).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Callable

from pipeline import __version__
from pipeline.clean import stage as clean_stage
from pipeline.export import stage as export
from pipeline.ner import stage as ner
from pipeline.relations import stage as relations
from pipeline.core.executor import EXECUTORS, StageError, StageReport, make_executor
from pipeline.core.config import Settings, from_env
from pipeline.core.lock import LockBusy, RunLock
from pipeline.core.storage import describe_os_error, sweep_temporary, write_text_atomic
from pipeline.core.progress import setup_logging

log = logging.getLogger("newsgraph")

# stage name -> (help, function). `run` runs them in this order.
STAGES: dict[str, tuple[str, Callable[[Settings], StageReport]]] = {
    "clean-text": ("stage 1: clean raw/*.txt into clean/<doc_id>.json and tables/documents.csv", clean_stage.run),
    "ner": ("stage 2: people, states, offices, organisations: nlp/*.spacy, tables/mentions.csv, tables/entities.csv", ner.run),
    "relations": ("stage 3: statements (speaker, cue, content, targets) and relations: tables/statements.csv, relations.csv", relations.run),
    "export": ("stage 4: the knowledge graph (graph/graph.gexf, graphml, states.gexf, Gephi CSVs, preview.png, graph.html), html/, newsgraph.db and tables/*.parquet", export.run),
}


def _common(p: argparse.ArgumentParser, input_help: str) -> None:
    p.add_argument("--input", metavar="DIR", help=input_help)
    p.add_argument("--output", metavar="DIR", help="output directory (default: outputs, or $NEWSGRAPH_OUT)")
    p.add_argument("--model", metavar="NAME", help="spaCy model package (default: en_core_web_sm, or $NEWSGRAPH_MODEL)")
    p.add_argument("--max-bytes", type=int, metavar="N", help="skip input files larger than N bytes (default: 10 MB)")
    p.add_argument("--max-chars", type=int, metavar="N", help="skip documents longer than N characters after "
                   "cleaning (default: 1,000,000; 0: no limit)")
    p.add_argument("--max-sentence-words", type=int, metavar="N", help="relations: do not search sentences longer "
                   "than N words for statements (default: 1,000; 0: no limit)")
    p.add_argument("--doc-timeout", type=float, metavar="SECONDS", help="give up a document that takes longer than "
                   "this in one stage, as an error (default: 300; 0: no limit)")
    p.add_argument("--doc-memory", type=int, metavar="MB", help="give up a document that grows its worker by more "
                   "than this, as an error (default: 3000; 0: no limit)")
    p.add_argument("--wait", action="store_true", help="when another run is using the output directory, wait for "
                   "it to finish (default: say so and exit)")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when any document was skipped or failed")
    p.add_argument("--force", action="store_true", help="redo every document even when its input is unchanged")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary; per-document errors still print")
    p.add_argument("-v", "--verbose", action="store_true", help="debug messages")
    p.add_argument("--rules-only", action="store_true", help="relations: do not use the statistical attribution tagger")
    p.add_argument("--attribution-model", metavar="DIR", help="relations: a trained attribution tagger (default: the one shipped)")
    p.add_argument("--statements", choices=("speech", "attribution"),
                   help="relations: what counts as a statement: speech by a speaker (SCHEMA.md; the default) or "
                        "PolNeAR's attributions (also beliefs, intentions, polls, agentless); evaluate on a PolNeAR "
                        "gold uses attribution unless told")
    p.add_argument("--threads", type=int, metavar="N", help="relations: CPU threads of the attribution tagger "
                   "per worker (default: the worker's share of the CPUs, or $NEWSGRAPH_THREADS)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes for the per-document work "
                   "(default: one per CPU, or $NEWSGRAPH_WORKERS)")
    p.add_argument("--executor", choices=EXECUTORS, help="where the per-document work runs: auto (a pool of "
                   "--workers processes when more than one; the default), local (this process), processes, or "
                   "dask (on --scheduler, else a local Dask cluster of --workers processes)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: the scheduler of a running "
                   "dask.distributed cluster, e.g. tcp://10.0.0.5:8786 (workers need newsgraph installed and "
                   "the output directory on a shared filesystem)")
    p.add_argument("--batch-docs", type=int, metavar="N", help="documents per piece of work sent to a worker "
                   "(default: the stage's own, 32 or 64)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="newsgraph: who said what to whom, from news articles.")
    parser.add_argument("--version", action="version", version=f"newsgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="STAGE", required=True)
    for name, (help_text, _) in STAGES.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, "directory of raw *.txt articles (default: raw)" if name == "clean-text" else "output directory of the stage before (default: --output)")
    p = sub.add_parser("run", help="run every stage in order", description="Run every stage in order.")
    _common(p, "directory of raw *.txt articles (default: raw)")
    p = sub.add_parser("evaluate", help="score the output tables against gold files (SCHEMA.md format)",
                       description="Score OUTPUT/tables against the gold files of --gold; with --run, first run every "
                                   "stage on the gold texts (written to OUTPUT/raw). Writes OUTPUT/scores.json and scores.txt.")
    p.add_argument("--gold", metavar="DIR", required=True, help="directory of <doc_id>.json gold files")
    p.add_argument("--run", action="store_true", help="run the pipeline on the gold texts first")
    _common(p, "(unused)")
    p = sub.add_parser("explain", help="why each statement of a document has its speaker (after `relations`)",
                       description="Print the statements of DOC_ID from OUTPUT/relations/DOC_ID.json with the rule "
                                   "that chose each speaker and the candidate antecedents with their scores.")
    p.add_argument("doc_id", help="the document (its file name without .txt)")
    p.add_argument("--output", metavar="DIR", help="output directory (default: outputs, or $NEWSGRAPH_OUT)")
    p.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)
    p = sub.add_parser("serve", help="explore the outputs in the browser: Datasette on OUTPUT/newsgraph.db",
                       description="Run Datasette on OUTPUT/newsgraph.db (built first when it is missing or older than "
                                   "the tables), with OUTPUT/html served at /html/. Listens on this machine only unless "
                                   "--host says otherwise. Needs datasette (pip install 'newsgraph[serve]').")
    p.add_argument("--output", metavar="DIR", help="output directory (default: outputs, or $NEWSGRAPH_OUT)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8001, help="port (default: 8001)")
    p.add_argument("--open", action="store_true", help="open a browser on it")
    p.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(quiet=args.quiet, verbose=args.verbose)
    if args.command == "explain":
        return _explain(args)
    if args.command == "serve":
        from pipeline.serve import main_serve

        return main_serve(args)
    try:
        env_settings = from_env()
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    settings = env_settings.with_overrides(
        output_dir=args.output, model=args.model, max_bytes=args.max_bytes, max_chars=args.max_chars,
        max_sentence_words=args.max_sentence_words, doc_timeout=args.doc_timeout, doc_memory=args.doc_memory,
        quiet=args.quiet, strict=args.strict, force=args.force, threads=args.threads, statements=args.statements,
        workers=args.workers, executor=args.executor, scheduler=args.scheduler, batch_docs=args.batch_docs,
    )
    if args.rules_only:
        settings = settings.with_overrides(use_tagger=False)
    if args.attribution_model:
        settings = settings.with_overrides(attribution_model=args.attribution_model)
    try:
        with RunLock(settings.output_dir, wait=args.wait,
                     on_wait=lambda who: log.warning("waiting for the run using %s (%s)", settings.output_dir, who)):
            if sweep_temporary(settings.output_dir):  # a killed run's leftovers: never read as outputs
                log.info("removed temporary files a stopped run left in %s", settings.output_dir)
            if args.command == "evaluate":
                return _evaluate(args, settings)
            return _run_command(args, settings)
    except LockBusy as exc:
        log.error("%s", exc)
        return 2
    except OSError as exc:  # the output directory cannot be written (read-only, full disk, quota)
        log.error("%s", describe_os_error(exc))
        return 2


def _run_command(args, settings: Settings) -> int:
    """A stage sub-command, or ``run``: every stage, with ``run.json`` saying how far it got
    (``running`` while it runs, so a killed run is told from a finished one; then ``complete``
    or ``failed``)."""
    names = list(STAGES) if args.command == "run" else [args.command]
    state = {"status": "running", "pid": os.getpid(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if args.command == "run":
        write_text_atomic(settings.output_dir / "run.json", json.dumps(state, indent=1) + "\n")
    error = ""  # a write error stops the run here; any other reason _run_stages has already logged
    try:
        status, reports, executor = _run_stages(settings, names, args.input, show=not args.quiet)
    except OSError as exc:
        status, reports, executor, error = 2, [], None, describe_os_error(exc)
    if args.command == "run":
        state = {"status": "failed" if status else "complete",
                 **({"error": error or "see the messages of the run"} if status else {}),
                 "executor": executor.name if executor else None, "workers": executor.workers if executor else None,
                 "stages": {r.stage: r.to_json() for r in reports}}
        try:
            write_text_atomic(settings.output_dir / "run.json", json.dumps(state, indent=1) + "\n")
        except OSError:
            pass  # the error that stopped the run is the one to report
    if error:
        log.error("%s", error)
    if status:
        return status
    failed = sum(r.failed for r in reports)
    if args.strict and failed:
        log.error("--strict: %d document(s) were not processed", failed)
        return 1
    return 0


def _run_stages(settings: Settings, names: list[str], input_dir, show: bool = False):
    """Run the named stages in order on one executor (clean-text reads ``input_dir``; later stages
    read what the stage before them wrote under the output directory). Returns (exit status: 0, or 2
    when the run cannot go on; the stages' reports; the executor)."""
    try:
        executor = make_executor(settings.executor, settings.workers, settings.scheduler)
    except StageError as exc:
        log.error("%s", exc)
        return 2, [], None
    reports: list[StageReport] = []
    try:
        for name in names:
            stage_settings = settings.with_overrides(input_dir=input_dir) if name == "clean-text" else settings
            t0 = time.perf_counter()
            try:
                report = STAGES[name][1](stage_settings, executor)
            except StageError as exc:
                log.error("%s: %s", name, exc)
                return 2, reports, executor
            report.seconds = dt = time.perf_counter() - t0
            reports.append(report)
            n = sum(report.counts.values())
            if show:
                rate = f", {n / dt:.1f} docs/s" if dt > 0 and n else ""
                print(f"{report.summary()} ({dt:.1f} s{rate})", file=sys.stderr)
    finally:
        executor.close()
    return 0, reports, executor


def _run_all(settings: Settings, raw_dir: Path) -> int:
    return _run_stages(settings, list(STAGES), raw_dir)[0]


def _explain(args) -> int:
    settings = from_env().with_overrides(output_dir=args.output)
    shard = settings.output_dir / "relations" / f"{args.doc_id}.json"
    if not shard.exists():
        log.error("explain: %s not found: run the relations stage first (make relations)", shard)
        return 2
    print(relations.explain_text(json.loads(shard.read_text(encoding="utf-8"))))
    return 0


def _evaluate(args, settings: Settings) -> int:
    from pipeline import evaluate
    from pipeline.relations.attribution.polnear import is_polnear_dir

    gold_dir = Path(args.gold)
    if is_polnear_dir(gold_dir):
        if not args.statements:  # score PolNeAR by the definition its annotators followed
            settings = settings.with_overrides(statements="attribution")
        if args.run and _run_all(settings, gold_dir / "text"):
            return 2
        res = evaluate.score_attributions(gold_dir, settings.tables_dir / "statements.csv")
        text = evaluate.format_attr_table(res)
    else:
        golds = evaluate.load_gold(gold_dir) if gold_dir.is_dir() else {}
        if not golds:
            log.error("evaluate: no gold files (*.json, or text/ and attributions/) in %s", gold_dir)
            return 2
        if args.run:
            raw_dir = settings.output_dir / "raw"
            evaluate.write_gold_texts(golds, raw_dir)
            if _run_all(settings, raw_dir):
                return 2
        res = evaluate.score(golds, settings.tables_dir)
        speakers = evaluate.score_speakers(golds, settings.output_dir)
        write_text_atomic(settings.output_dir / "speakers.json", json.dumps(speakers, indent=1) + "\n")
        text = evaluate.format_table(res) + "\n" + evaluate.format_speakers(speakers)
    mode = ("rules only" if not settings.use_tagger else "rules + attribution tagger") + f"; statements: {settings.statements}"
    print(f"== {gold_dir} ({mode})\n{text}")
    write_text_atomic(settings.output_dir / "scores.txt", text + "\n")
    write_text_atomic(settings.output_dir / "scores.json", json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
