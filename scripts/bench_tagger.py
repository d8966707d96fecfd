#!/usr/bin/env python3
"""Attribution tagger throughput, in one run on the same texts:

    python scripts/bench_tagger.py [TEXT_DIR] [--model NAME] [--threads N]

1. bare ``nlp.pipe`` with the pretrained model (no component of ours);
2. bare tagger inference (``TransformerTagger.tags_batch`` on those parsed
   documents, 8 documents per batch as the relations stage does), int8 and fp32
   where both model files are present: tokens/s and word pieces/s;
3. the whole pipeline as a user runs it (``python -m pipeline run --force`` on
   the texts: clean-text, ner, relations, export; model loads and writes included);
4. the model files' sizes and the size of the run-time environment, with the
   part the tagger's dependencies take.

Words are the model's non-space, non-punctuation tokens.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.executor import available_cpus  # noqa: E402
from pipeline.relations.attribution.onnx_tagger import TransformerTagger, default_model_dir  # noqa: E402
from pipeline.clean.rules import clean_text  # noqa: E402
from pipeline.core.config import DEFAULT_MODEL  # noqa: E402
from pipeline.ner.nlp import load_model  # noqa: E402

# what `onnxruntime` and `tokenizers` bring into the run-time environment
TAGGER_DISTS = ("onnxruntime", "tokenizers", "huggingface-hub", "hf-xet", "flatbuffers", "protobuf", "filelock",
                "fsspec", "httpx2", "httpcore2", "truststore")


def dist_mb(name: str) -> float:
    try:
        files = md.distribution(name).files or []
    except md.PackageNotFoundError:
        return 0.0
    return sum(f.locate().stat().st_size for f in files if f.locate().exists()) / 1e6


def tree_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default="../shared/polnear/dev/text")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--tagger", type=Path, default=default_model_dir())
    a = ap.parse_args()
    paths = sorted(Path(a.text_dir).glob("*.txt"))
    if not paths:
        print(f"no *.txt in {a.text_dir}", file=sys.stderr)
        return 1
    texts = [clean_text(p.read_text(encoding="utf-8"), p.name).text for p in paths]
    threads = a.threads or available_cpus()
    nlp = load_model(a.model)
    list(nlp.pipe(texts[:3]))
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts))
    t_pipe = time.perf_counter() - t0
    words = sum(1 for d in docs for t in d if not (t.is_space or t.is_punct))
    tokens = sum(len(d) for d in docs)
    print(f"{len(texts)} texts, {words:,} words, {tokens:,} tokens; {threads} threads")
    print(f"  bare nlp.pipe ({nlp.meta['name']})        {t_pipe:7.2f} s  {words / t_pipe:9,.0f} words/s")
    t_tag = {}
    for precision in ("int8", "fp32"):
        tagger = TransformerTagger(a.tagger, threads=threads, precision=precision)
        if precision == "fp32" and tagger.model_path.name != "model.onnx":
            continue
        tagger.tags_batch(docs[:2])
        pieces = sum(len(tagger.tokenizer.encode(d.text, add_special_tokens=False).ids) for d in docs)
        t0 = time.perf_counter()
        for i in range(0, len(docs), 8):
            tagger.tags_batch(docs[i:i + 8])
        dt = time.perf_counter() - t0
        t_tag[precision] = dt
        print(f"  bare tagger ({tagger.model_path.name:15}) {dt:7.2f} s  {words / dt:9,.0f} words/s  "
              f"{tokens / dt:9,.0f} tokens/s  {pieces / dt:9,.0f} pieces/s")
    work = Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    try:
        raw = work / "raw"
        raw.mkdir()
        for p in paths:
            shutil.copy(p, raw / p.name)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "run", "--input", str(raw), "--output", str(work / "out"),
                        "--quiet", "--force", "--model", a.model, "--threads", str(threads)], check=True)
        t_all = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bare = t_pipe + t_tag.get("int8", 0)
    print(f"  whole pipeline (python -m pipeline run)  {t_all:7.2f} s  {words / t_all:9,.0f} words/s  "
          f"({len(texts) / t_all:.1f} documents/s)")
    print(f"  bare nlp.pipe + bare tagger              {bare:7.2f} s  {words / bare:9,.0f} words/s  "
          f"(the rest of the pipeline adds {100 * (t_all / bare - 1):.0f}%)")
    print("model files:")
    for f in sorted(a.tagger.iterdir()):
        print(f"  {f.name:20} {f.stat().st_size / 1e6:8.1f} MB")
    venv = Path(sys.prefix)
    extra = sum(dist_mb(d) for d in TAGGER_DISTS)
    total = tree_mb(venv)
    print(f"environment {venv}: {total:,.0f} MB; the tagger's run-time dependencies "
          f"({', '.join(d for d in TAGGER_DISTS if dist_mb(d))}) {extra:,.0f} MB; without them {total - extra:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
