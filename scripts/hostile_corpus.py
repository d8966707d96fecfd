"""Build a folder of awkward but real-world inputs, as a new user's might be (issue 13).

    python scripts/hostile_corpus.py DIR [--normal N] [--tiny N] [--long-line-mb 5]

Normal articles (copies of the seed articles in ``raw/``), odd file names
(spaces, quotes, a leading dash, non-ASCII), legacy encodings (Latin-1,
Windows-1252, UTF-16 with a BOM), a binary file, HTML markup with script,
one very long single line, one 20,000-word sentence, thousands of tiny files,
a symbolic link out of the folder, a dangling link, a directory named
``*.txt``, an unreadable file, a file of unbalanced quote marks and odd
Unicode. Used by ``make fuzz`` and the robustness tests.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--normal", type=int, default=20)
    ap.add_argument("--tiny", type=int, default=2000)
    ap.add_argument("--long-line-mb", type=float, default=5.0)
    a = ap.parse_args()
    build(a.out, a.normal, a.tiny, a.long_line_mb)
    print(f"{a.out}: {sum(1 for _ in a.out.iterdir())} entries")


if __name__ == "__main__":
    main()
