#!/usr/bin/env python3
"""Export benchmark: synthetic tables of N statements over M entities, timed with peak memory.

    python scripts/bench_export.py [--statements 1000000] [--entities 50000] [--docs 20000]

Builds the tables in a temporary directory (not timed), then runs the export
stage on them and prints wall time and peak resident memory. The synthetic
documents have no raw files, so no HTML pages are written (their cost grows
with the number of documents, not of statements).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.export import stage as export  # noqa: E402
from pipeline.core.config import Settings  # noqa: E402


def synthetic(tables: Path, n_st: int, n_ent: int, n_docs: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    kinds = np.array(["person", "org", "office", "state"])
    labels = {"person": "PERSON", "org": "ORG", "office": "OFFICE", "state": "STATE"}
    k = kinds[rng.integers(0, 4, n_ent)]
    ids = np.char.add(np.char.add(k, ":e"), np.arange(n_ent).astype(str))
    states = np.char.add("S", (np.arange(n_ent) % 190).astype(str))
    ids = np.where(k == "state", np.char.add("state:", states), ids)
    ents = pd.DataFrame({"entity_id": ids, "label": [labels[x] for x in k], "name": np.char.add("Entity ", np.arange(n_ent).astype(str)),
                         "aliases": "", "state": states, "mention_count": rng.integers(1, 500, n_ent), "doc_count": rng.integers(1, 50, n_ent)})
    ents = ents.drop_duplicates("entity_id")
    ents.to_csv(tables / "entities.csv", index=False)
    days = pd.date_range("2016-01-01", periods=3000).strftime("%Y-%m-%d").to_numpy()
    docs = pd.DataFrame({"doc_id": np.char.add("d", np.arange(n_docs).astype(str)), "source_path": "", "title": "",
                         "date": days[rng.integers(0, len(days), n_docs)], "credit": "", "n_chars": 1000,
                         # no raw files behind these documents: their HTML pages are not part of the timing
                         "status": "skipped", "error": "synthetic"})
    docs.to_csv(tables / "documents.csv", index=False)
    zipf = np.minimum(rng.zipf(1.3, size=(n_st, 2)) - 1, len(ents) - 1)
    ent_ids = ents["entity_id"].to_numpy()
    doc_idx = rng.integers(0, n_docs, n_st)
    st = pd.DataFrame({"statement_id": np.char.add("s", np.arange(n_st).astype(str)), "doc_id": docs["doc_id"].to_numpy()[doc_idx],
                       "date": docs["date"].to_numpy()[doc_idx], "speaker_id": ent_ids[zipf[:, 0]], "speaker_text": "x",
                       "speaker_start": 0, "speaker_end": 1, "cue_text": np.array(["said", "urged", "denied", "added"])[rng.integers(0, 4, n_st)],
                       "cue_start": 2, "cue_end": 6, "content": "that the talks would resume", "content_start": 7, "content_end": 40,
                       "kind": "indirect", "target_ids": ent_ids[zipf[:, 1]]})
    st.to_csv(tables / "statements.csv", index=False)
    m = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy()[rng.integers(0, n_docs, 2 * n_st)], "mention_id": "", "start": 0, "end": 1,
                      "text": "x", "label": "PERSON", "entity_id": ent_ids[rng.integers(0, len(ent_ids), 2 * n_st)]})
    m.to_csv(tables / "mentions.csv", index=False)
    pd.DataFrame(columns=["source_id", "relation", "target_id", "doc_id", "start", "end"]).to_csv(tables / "relations.csv", index=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--docs", type=int, default=20_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "tables").mkdir()
        synthetic(out / "tables", a.statements, a.entities, a.docs)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        export.run(Settings(output_dir=out, quiet=True))
        dt = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sizes = {p.name: p.stat().st_size for p in (out / "graph").iterdir()}
    print(f"export of {a.statements:,} statements over {a.entities:,} entities: {dt:.1f} s, "
          f"peak RSS {peak / 1024:.0f} MB (before export {base / 1024:.0f} MB)")
    print("  " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
