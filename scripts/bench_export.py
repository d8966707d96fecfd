#!/usr/bin/env python3
"""Export benchmark: synthetic tables of N statements over M entities, timed with peak memory.

    python scripts/bench_export.py [--statements 1000000] [--entities 50000] [--docs 20000] [--db] [--no-export]

Builds the tables in a temporary directory (not timed), then runs the export
stage on them and prints wall time and peak resident memory. The synthetic
documents have no raw files, so no HTML pages are written (their cost grows
with the number of documents, not of statements).

``--db`` also times ``write_database`` (outputs/newsgraph.db) and ``write_parquet``
(tables/*.parquet), each in a fresh process so that its peak memory is its own; the
synthetic statements then carry ``type``, ``cameo``, ``goldstein`` and ``tone`` and an
``events.csv`` is written (one row per statement and target, as a real run has).
``--no-export`` skips the export stage.
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


TYPES = [("COMMENT", "010", 0.0, "neutral"), ("SUPPORT", "051", 3.4, "cooperative"), ("APPEAL", "020", 3.0, "cooperative"),
         ("CRITICIZE", "111", -2.0, "conflictual"), ("REJECT", "120", -4.0, "conflictual"), ("WARN", "012", -0.4, "neutral")]


def synthetic(tables: Path, n_st: int, n_ent: int, n_docs: int, seed: int = 0, typed: bool = False) -> None:
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
    if typed:  # what the relations stage adds to a statement, and its events table
        t = rng.integers(0, len(TYPES), n_st)
        for i, col in enumerate(("type", "cameo", "goldstein", "tone")):
            st[col] = np.array([x[i] for x in TYPES], dtype=object)[t]
        state_of = dict(zip(ents["entity_id"], ents["state"]))
        names = dict(zip(ents["entity_id"], ents["name"]))
        ev = pd.DataFrame({"event_id": np.char.add(st["statement_id"].to_numpy().astype(str), ":e1"), "date": st["date"],
                           "source_id": st["speaker_id"], "source_name": st["speaker_id"].map(names),
                           "source_state": st["speaker_id"].map(state_of), "source_sector": "government",
                           "target_id": st["target_ids"], "target_name": st["target_ids"].map(names),
                           "target_state": st["target_ids"].map(state_of), "target_sector": "government",
                           "type": st["type"], "plover": "", "cameo": st["cameo"], "goldstein": st["goldstein"],
                           "tone": st["tone"], "statement_id": st["statement_id"], "doc_id": st["doc_id"],
                           "content_start": st["content_start"], "content_end": st["content_end"]})
        ev.to_csv(tables / "events.csv", index=False)
    st.to_csv(tables / "statements.csv", index=False)
    m = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy()[rng.integers(0, n_docs, 2 * n_st)], "mention_id": "", "start": 0, "end": 1,
                      "text": "x", "label": "PERSON", "entity_id": ent_ids[rng.integers(0, len(ent_ids), 2 * n_st)]})
    m.to_csv(tables / "mentions.csv", index=False)
    pd.DataFrame(columns=["source_id", "relation", "target_id", "doc_id", "start", "end"]).to_csv(tables / "relations.csv", index=False)


def _hwm_kb() -> int:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))


def _timed(what: str, out: str) -> dict:
    """``write_database`` or ``write_parquet`` on ``out``/tables, in this (fresh) process: wall and CPU
    seconds, peak RSS."""
    base = _hwm_kb()
    t0, c0 = time.perf_counter(), time.process_time()
    phases = {}
    if what == "database":
        from pipeline.export.database import write_database

        stats = write_database(Path(out) / "tables", Path(out) / "newsgraph.db")
        size, phases = {"newsgraph.db": stats["bytes"]}, stats["phases"]
    else:
        from pipeline.export.parquet import write_parquet

        size = {p.name: p.stat().st_size for p in write_parquet(Path(out) / "tables")}
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "peak": _hwm_kb(),
            "base": base, "sizes": size, "phases": phases}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--db", action="store_true", help="also time write_database and write_parquet")
    ap.add_argument("--no-export", action="store_true", help="do not run the export stage")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "tables").mkdir()
        synthetic(out / "tables", a.statements, a.entities, a.docs, typed=a.db)
        if not a.no_export:
            base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()
            export.run(Settings(output_dir=out, quiet=True))
            dt = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            sizes = {p.name: p.stat().st_size for p in (out / "graph").iterdir()}
            sizes["newsgraph.db"] = (out / "newsgraph.db").stat().st_size
            sizes["tables/*.parquet"] = sum(p.stat().st_size for p in (out / "tables").glob("*.parquet"))
            print(f"export of {a.statements:,} statements over {a.entities:,} entities: {dt:.1f} s, "
                  f"peak RSS {peak / 1024:.0f} MB (before export {base / 1024:.0f} MB)")
            print("  " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items())))
        if a.db:
            import multiprocessing

            csv_mb = sum(p.stat().st_size for p in (out / "tables").glob("*.csv")) / 1e6
            ctx = multiprocessing.get_context("spawn")
            for what in ("database", "parquet"):
                with ctx.Pool(1) as pool:
                    r = pool.apply(_timed, (what, str(out)))
                print(f"{what} of {a.statements:,} statements ({csv_mb:.0f} MB of CSV): {r['seconds']:.1f} s "
                      f"({r['cpu']:.1f} s CPU), peak RSS {r['peak'] / 1024:.0f} MB (at start {r['base'] / 1024:.0f} MB)")
                print("  " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(r["sizes"].items())))
                if r["phases"]:
                    print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in r["phases"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
