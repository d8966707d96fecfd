#!/usr/bin/env python3
"""Whole-pipeline throughput against the bare models, by corpus size and number of workers:

    python scripts/bench_pipeline.py [--texts DIR] [--docs 500 2000] [--workers 1 2] [--out outputs/bench]

For each size N, a corpus of N documents is made by replicating the texts of
DIR (default ``../shared/polnear/dev/text``, else ``raw/``), each copy made
distinct (its own file name and a last line naming the copy). On it, in the
same run:

- ``bare_wps``: bare ``nlp.pipe`` of the pretrained model (no component of
  ours) on the cleaned texts, then bare attribution-tagger inference
  (``tags_batch``, one document a batch, as the relations stage) on those
  parsed documents, one after the other: words / (both times);
- for each worker count K: ``python -m pipeline run --workers K`` into a fresh
  output directory (every stage, model loads and writes included):
  ``pipeline_wps`` = words / wall time, ``ratio`` = pipeline_wps / bare_wps,
  the per-stage seconds of its ``run.json``, and peak RSS: of the whole
  process tree (``peak_rss_mb``), of the main process and of the largest
  worker (sampled every 0.2 s with psutil).

Words are the model's non-space, non-punctuation tokens. Writes
``OUT/bench.json`` and prints a table.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.clean.rules import clean_text  # noqa: E402
from pipeline.core.config import DEFAULT_MODEL  # noqa: E402
from pipeline.core.storage import write_text_atomic  # noqa: E402


def make_corpus(texts: list[Path], n: int, target: Path) -> Path:
    """``n`` distinct documents from ``texts``, copies numbered."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for i in range(n):
        src = texts[i % len(texts)]
        copy = i // len(texts)
        body = src.read_text(encoding="utf-8").rstrip("\n")
        (target / f"c{copy:03d}_{src.name}").write_text(f"{body}\n\nArchive copy {copy + 1}.\n", encoding="utf-8")
    return target


def bare_rates(corpus: Path, model: str) -> dict:
    """Bare nlp.pipe, then bare tagger inference on the same parsed documents."""
    from pipeline.ner.nlp import load_model
    from pipeline.relations.attribution.onnx_tagger import TransformerTagger, default_model_dir

    texts = [clean_text(p.read_text(encoding="utf-8"), filename=p.name).text for p in sorted(corpus.glob("*.txt"))]
    nlp = load_model(model)
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    t_nlp = time.perf_counter() - t0
    words = sum(1 for d in docs for t in d if not t.is_space and not t.is_punct)
    tagger = TransformerTagger(default_model_dir())
    t0 = time.perf_counter()
    for doc in docs:  # one document a batch, as the relations stage reads them
        tagger.tags_batch([doc])
    t_tag = time.perf_counter() - t0
    return {"words": words, "nlp_seconds": round(t_nlp, 2), "tagger_seconds": round(t_tag, 2),
            "nlp_wps": round(words / t_nlp, 1), "tagger_wps": round(words / t_tag, 1),
            "bare_wps": round(words / (t_nlp + t_tag), 1)}


class RssSampler(threading.Thread):
    """Peak RSS of a process and its descendants, sampled."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.every = every
        self.stop = threading.Event()
        self.peak_total = self.peak_main = self.peak_worker = 0

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                main = self.root.memory_info().rss
                kids = []
                for c in self.root.children(recursive=True):
                    try:
                        kids.append(c.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak_main = max(self.peak_main, main)
            self.peak_worker = max([self.peak_worker] + kids)
            self.peak_total = max(self.peak_total, main + sum(kids))
            time.sleep(self.every)


def pipeline_run(corpus: Path, out: Path, workers: int) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "pipeline", "run", "--input", str(corpus), "--output", str(out), "-q",
           "--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    sampler = RssSampler(proc.pid)
    sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    if rc != 0:
        raise SystemExit(f"bench: the pipeline run failed (exit {rc}): {' '.join(cmd)}")
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    mb = 1024 * 1024
    return {"seconds": round(wall, 2), "executor": report["executor"],
            "stage_seconds": {k: v["seconds"] for k, v in report["stages"].items()},
            "peak_rss_mb": round(sampler.peak_total / mb, 1), "peak_main_rss_mb": round(sampler.peak_main / mb, 1),
            # one worker runs in the main process
            "peak_worker_rss_mb": round((sampler.peak_worker or sampler.peak_main) / mb, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_texts = ROOT.parent / "shared" / "polnear" / "dev" / "text"
    ap.add_argument("--texts", type=Path, default=default_texts if default_texts.is_dir() else ROOT / "raw")
    ap.add_argument("--docs", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench")
    a = ap.parse_args()
    texts = sorted(a.texts.glob("*.txt"))
    if not texts:
        print(f"bench: no *.txt in {a.texts}", file=sys.stderr)
        return 2
    runs = []
    for n in a.docs:
        corpus = make_corpus(texts, n, a.out / f"corpus-{n}")
        bare = bare_rates(corpus, a.model)
        print(f"{n} docs, {bare['words']} words: bare nlp.pipe {bare['nlp_wps']:.0f} w/s, "
              f"tagger {bare['tagger_wps']:.0f} w/s, both {bare['bare_wps']:.0f} w/s", file=sys.stderr)
        for k in a.workers:
            r = pipeline_run(corpus, a.out / f"run-{n}-w{k}", k)
            wps = bare["words"] / r["seconds"]
            runs.append({"docs": n, "words": bare["words"], "workers": k, "executor": r["executor"],
                         "pipeline_wps": round(wps, 1), "bare_wps": bare["bare_wps"],
                         "ratio": round(wps / bare["bare_wps"], 3), "peak_rss_mb": r["peak_rss_mb"],
                         "peak_main_rss_mb": r["peak_main_rss_mb"], "peak_worker_rss_mb": r["peak_worker_rss_mb"],
                         "stage_seconds": r["stage_seconds"], "seconds": r["seconds"],
                         "bare": {k2: v for k2, v in bare.items() if k2 != "words"}})
            print(f"  workers {k}: {wps:.0f} w/s ({r['seconds']:.0f} s), ratio {runs[-1]['ratio']:.2f}, "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB", file=sys.stderr)
        shutil.rmtree(corpus)
    # outputs must not depend on the number of workers
    same = {}
    for n in a.docs:
        outs = [a.out / f"run-{n}-w{k}" for k in a.workers]
        names = ["tables/statements.csv", "tables/mentions.csv", "tables/entities.csv", "tables/events.csv",
                 "graph/graph.gexf"]
        same[str(n)] = all((outs[0] / f).read_bytes() == (o / f).read_bytes() for o in outs[1:] for f in names)
    result = {"model": a.model, "texts": str(a.texts), "identical_outputs_across_workers": same, "runs": runs}
    write_text_atomic(a.out / "bench.json", json.dumps(result, indent=1) + "\n")
    print(f"\n{'docs':>6} {'words':>9} {'workers':>7} {'pipeline w/s':>12} {'bare w/s':>9} {'ratio':>6} "
          f"{'peak RSS MB':>11} {'worker MB':>9}  stage seconds")
    for r in runs:
        st = " ".join(f"{k}={v:.0f}" for k, v in r["stage_seconds"].items())
        print(f"{r['docs']:>6} {r['words']:>9} {r['workers']:>7} {r['pipeline_wps']:>12.0f} {r['bare_wps']:>9.0f} "
              f"{r['ratio']:>6.2f} {r['peak_rss_mb']:>11.0f} {r['peak_worker_rss_mb']:>9.0f}  {st}")
    by = {(r["docs"], r["workers"]): r for r in runs}
    for n in a.docs:
        if (n, 1) in by and (n, 2) in by:
            print(f"{n} docs: 2 workers / 1 worker = {by[(n, 2)]['pipeline_wps'] / by[(n, 1)]['pipeline_wps']:.2f}; "
                  f"outputs identical: {same[str(n)]}")
    if len(a.docs) > 1 and (a.docs[0], max(a.workers)) in by and (a.docs[-1], max(a.workers)) in by:
        k = max(a.workers)
        lo, hi = by[(a.docs[0], k)], by[(a.docs[-1], k)]
        print(f"peak worker RSS, {a.docs[-1]} vs {a.docs[0]} docs ({k} workers): "
              f"{hi['peak_worker_rss_mb'] / max(lo['peak_worker_rss_mb'], 1):.2f}x")
    print(f"wrote {a.out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
