"""Build a folder of awkward but real-world inputs, as a new user's might be (issue 13).

    python scripts/hostile_corpus.py DIR [--normal N] [--tiny N] [--long-line-mb 5] [--run OUTPUT]

With ``--run OUTPUT``: then run the whole pipeline on it (``python -m pipeline run``)
and report its time, the peak resident memory of the run (all its processes
together) and what became of the documents.

Normal articles (copies of the seed articles in ``raw/``), odd file names
(spaces, quotes, a leading dash, non-ASCII), legacy encodings (Latin-1,
Windows-1252, UTF-16 with a BOM), a binary file, HTML markup with script,
one very long single line, one 20,000-word sentence, thousands of tiny files,
a symbolic link out of the folder, a dangling link, a directory named
``*.txt``, an unreadable file, a file of unbalanced quote marks and odd
Unicode. Used by the robustness tests (tests/test_robustness.py).
"""
from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SENTENCE = ('The minister said the talks would resume on Monday. "We will not accept these terms," '
            'President Adeyemi told reporters in Lagos, adding that the embassy had been warned. ')


def build(out: Path, normal: int = 20, tiny: int = 2000, long_line_mb: float = 5.0, seed: int = 0) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds] or [SENTENCE * 30]
    for i in range(normal):
        (out / f"article_{i:03d}.txt").write_text(f"Copy {i}.\n\n" + texts[i % len(texts)], encoding="utf-8")
    # odd names
    for name in ("with space.txt", "it's \"quoted\".txt", "-leading-dash.txt", "Überraschung_é_中文.txt",
                 "semi;colon&amp.txt", "=formula.txt"):
        (out / name).write_text(SENTENCE * 3, encoding="utf-8")
    # legacy encodings
    (out / "latin1.txt").write_bytes(("Le ministre a déclaré : « Nous ne céderons pas », a-t-il dit à Genève. "
                                      "The café owner said the façade was damaged. ").encode("latin-1") * 5)
    (out / "cp1252.txt").write_bytes(("\u201cWe will respond,\u201d the spokesman said \u2014 the "
                                      "ministry\u2019s statement followed. ").encode("cp1252") * 5)
    (out / "utf16.txt").write_bytes(("\ufeff" + SENTENCE * 3).encode("utf-16-le"))
    (out / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    # markup, with script and event handlers
    (out / "markup.txt").write_text(
        '<html><body><script>alert("x")</script><p onclick="evil()">The senator said '
        '"<a href="javascript:alert(1)">this</a> is wrong," her office told reporters.</p>'
        '<img src=x onerror=alert(1)>=HYPERLINK("http://evil","click") said the minister.</body></html>',
        encoding="utf-8")
    # one very long line and one very long sentence
    words = "minister said talks would resume after the embassy statement on security".split()
    line = " ".join(rng.choice(words) for _ in range(int(long_line_mb * 1e6 / 7)))
    (out / "long_line.txt").write_text(line[: int(long_line_mb * 1e6)], encoding="utf-8")
    (out / "long_sentence.txt").write_text(
        "The minister said that " + " and ".join(rng.choice(words) for _ in range(20000)) + ".", encoding="utf-8")
    # unbalanced and nested quote marks, odd Unicode
    (out / "quotes.txt").write_text(
        '"He said \u201cno \u2018never\u201d, "the minister said. \u00abNon, \u201ewhat\u201c said she.\n\n'
        "\u202eThe spokesman\u202c said\u200d \u0301\u0301 \U0001F600 \"the talks failed\".\n\n" * 20,
        encoding="utf-8")
    tiny_dir = out
    for i in range(tiny):
        (tiny_dir / f"tiny_{i:05d}.txt").write_text(f"Item {i}. The mayor said yes.", encoding="utf-8")
    # links and other non-files
    for name, target in (("passwd.txt", "/etc/passwd"), ("dangling.txt", "/nonexistent/file")):
        p = out / name
        if not p.is_symlink():
            p.symlink_to(target)
    (out / "folder.txt").mkdir(exist_ok=True)
    unreadable = out / "unreadable.txt"
    unreadable.write_text(SENTENCE, encoding="utf-8")
    unreadable.chmod(0)
    return out


def run_and_measure(raw: Path, out: Path, *extra: str) -> dict:
    """Run the pipeline on ``raw`` into ``out``; seconds, peak RSS of the process tree (MB), exit status."""
    import subprocess
    import sys
    import time

    import psutil

    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--input", str(raw), "--output", str(out), "-q",
                          *extra], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    peak, proc = 0.0, psutil.Process(p.pid)
    while p.poll() is None:
        try:
            peak = max(peak, sum(q.memory_info().rss for q in [proc] + proc.children(recursive=True)) / 1e6)
        except psutil.Error:
            pass
        time.sleep(0.1)
    stderr = p.stderr.read()
    return {"seconds": round(time.monotonic() - t0, 1), "peak_rss_mb": round(peak), "exit": p.returncode,
            "stderr_lines": len(stderr.splitlines()), "traceback": "Traceback" in stderr}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--normal", type=int, default=20)
    ap.add_argument("--tiny", type=int, default=2000)
    ap.add_argument("--long-line-mb", type=float, default=5.0)
    ap.add_argument("--run", type=Path, metavar="OUTPUT", help="then run the pipeline on it into OUTPUT and measure")
    a = ap.parse_args()
    build(a.out, a.normal, a.tiny, a.long_line_mb)
    print(f"{a.out}: {sum(1 for _ in a.out.iterdir())} entries")
    if a.run:
        import collections
        import json

        sys_path = str(ROOT)
        import sys

        sys.path.insert(0, sys_path)
        from pipeline.core.storage import read_rows

        res = run_and_measure(a.out, a.run)
        rows = read_rows(a.run / "tables" / "documents.csv")
        res["documents"] = dict(collections.Counter(r["status"] for r in rows))
        res["not_ok"] = {r["doc_id"]: f"{r['status']}: {r['error']}" for r in rows
                         if r["status"] != "ok" and not r["doc_id"].startswith("tiny_")}
        for stage_table in ("ner_documents.csv",):
            res[stage_table] = dict(collections.Counter(r["status"] for r in read_rows(a.run / "tables" / stage_table)))
        rel = a.run / "relations"
        res["relations_not_ok"] = {}
        for shard in sorted(rel.glob("*.json")):
            rec = json.loads(shard.read_text(encoding="utf-8"))
            if rec.get("status") != "ok":
                res["relations_not_ok"][shard.stem] = f"{rec['status']}: {rec.get('error', '')}"
        print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
