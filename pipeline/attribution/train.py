"""Build the attribution tagger from PolNeAR: ``make train-attribution``.

    python -m pipeline.attribution.train --polnear ../shared/polnear --output pipeline/models/attribution

1. parse PolNeAR ``train`` and ``dev`` with the pretrained model and tag every
   token (``corpus.py``) into ``OUTPUT/../attribution-data/{train,dev}.spacy``;
2. train ``pipeline/data/attribution.cfg`` with spaCy's own training loop;
3. keep the best model (by dev tag accuracy) in ``OUTPUT``.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from spacy.tokens import DocBin

from ..config import DEFAULT_MODEL
from ..nlp import load_model
from . import corpus  # noqa: F401  (registers the reader)
from .corpus import tagged_docs
from .polnear import read_split

CONFIG = Path(__file__).resolve().parents[1] / "data" / "attribution.cfg"


def convert(polnear: Path, data_dir: Path, model: str) -> None:
    nlp = load_model(model, disable=["ner", "lemmatizer"])
    data_dir.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        t0 = time.perf_counter()
        db = DocBin(store_user_data=True)
        n = 0
        for doc in tagged_docs(nlp, read_split(polnear / split), n_process=1):
            db.add(doc)
            n += 1
        db.to_disk(data_dir / f"{split}.spacy")
        print(f"{split}: {n} documents tagged in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", type=Path, required=True, help="PolNeAR directory with train/ and dev/")
    ap.add_argument("--output", type=Path, required=True, help="where the trained tagger goes")
    ap.add_argument("--data", type=Path, default=Path("outputs/attribution-data"), help="where the tagged corpora go")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="pretrained model that parses the corpus (as at run time)")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--skip-convert", action="store_true")
    a = ap.parse_args(argv)
    if not (a.polnear / "train" / "text").is_dir():
        print(f"error: {a.polnear}/train/text not found", file=sys.stderr)
        return 2
    if not a.skip_convert or not (a.data / "train.spacy").exists():
        convert(a.polnear, a.data, a.model)
    from spacy.cli.train import train

    overrides = {"paths.train": str(a.data / "train.spacy"), "paths.dev": str(a.data / "dev.spacy")}
    if a.max_steps:
        overrides["training.max_steps"] = a.max_steps
    work = a.data / "training"
    train(CONFIG, work, overrides=overrides)
    if a.output.exists():
        shutil.rmtree(a.output)
    shutil.copytree(work / "model-best", a.output)
    print(f"attribution tagger written to {a.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
