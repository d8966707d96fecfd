"""Cue rates from PolNeAR train: how often a word is (part of) an attribution cue.

For every verb and noun lemma of the PolNeAR train texts, the number of its
occurrences (``n``) and the number inside a gold cue span (``n_cue``). The
relations stage keeps a statement of the statistical tagger only when its cue
holds a word of the cue lexicon or a word that is a cue often enough here
(``pipeline/data/cue_rates.csv``; threshold in ``cues.toml`` [tagger]).

    python scripts/build_cue_rates.py ../shared/polnear/train pipeline/data/cue_rates.csv
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.relations.attribution.polnear import read_split  # noqa: E402
from pipeline.ner.nlp import load_model  # noqa: E402

MIN_N = 5  # lemmas seen fewer times say nothing


def main(train: str, out: str) -> None:
    nlp = load_model("en_core_web_md", disable=["parser", "ner"])
    docs = list(read_split(Path(train)))
    n, n_cue = Counter(), Counter()
    texts = ((d.text, d) for d in docs)
    for doc, d in nlp.pipe(texts, as_tuples=True, batch_size=32):
        cue_chars = set()
        for att in d.attributions:
            for s, e in att.cue:
                cue_chars.update(range(s, e))
        for t in doc:
            if t.pos_ not in ("VERB", "NOUN", "ADJ"):
                continue
            key = (t.lemma_.lower(), "NOUN" if t.pos_ == "NOUN" else "VERB" if t.pos_ == "VERB" else "ADJ")
            n[key] += 1
            if t.idx in cue_chars:
                n_cue[key] += 1
    rows = sorted((k for k in n if n[k] >= MIN_N and n_cue[k]), key=lambda k: (-n_cue[k] / n[k], k))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["lemma", "pos", "n", "n_cue", "rate"])
        for k in rows:
            w.writerow([k[0], k[1], n[k], n_cue[k], f"{n_cue[k] / n[k]:.3f}"])
    print(f"{len(rows)} lemmas from {len(docs)} documents -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
