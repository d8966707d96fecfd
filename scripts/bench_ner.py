#!/usr/bin/env python3
"""NER throughput: newsgraph's pipeline against bare `nlp.pipe` with the same model, in one run.

    python scripts/bench_ner.py [TEXT_DIR] [--model NAME]

Both read the same cleaned texts (clean-text rules applied first, not timed).
Words are the model's non-space, non-punctuation tokens. The two passes
alternate order over two rounds to even out warm-up; the best round counts.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.clean.rules import clean_text  # noqa: E402
from pipeline.core.config import DEFAULT_MODEL  # noqa: E402
from pipeline.ner.nlp import build_nlp, load_model  # noqa: E402
from pipeline.ner.resolve import resolve_doc  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default="../shared/polnear/dev/text")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    a = ap.parse_args()
    paths = sorted(Path(a.text_dir).glob("*.txt"))
    if not paths:
        print(f"no *.txt in {a.text_dir}", file=sys.stderr)
        return 1
    texts = [clean_text(p.read_text(encoding="utf-8"), p.name).text for p in paths]
    bare = load_model(a.model)
    ours = build_nlp(a.model)
    words = sum(1 for d in bare.pipe(texts[:3]) for t in d if not (t.is_space or t.is_punct))  # warm-up
    best = {"bare nlp.pipe": float("inf"), "newsgraph ner": float("inf")}
    for rnd in range(2):
        order = ["bare nlp.pipe", "newsgraph ner"] if rnd == 0 else ["newsgraph ner", "bare nlp.pipe"]
        for name in order:
            t0 = time.perf_counter()
            if name == "bare nlp.pipe":
                words = sum(1 for d in bare.pipe(texts) for t in d if not (t.is_space or t.is_punct))
            else:
                for i, d in enumerate(ours.pipe(texts)):
                    resolve_doc(d, str(i))
            best[name] = min(best[name], time.perf_counter() - t0)
    print(f"{len(texts)} texts, {words} words, model {bare.meta['name']} {bare.meta['version']}")
    for name, dt in best.items():
        print(f"  {name:15} {dt:7.2f} s  {words / dt:9.0f} words/s")
    print(f"  overhead of newsgraph's components: {100 * (best['newsgraph ner'] / best['bare nlp.pipe'] - 1):.0f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
