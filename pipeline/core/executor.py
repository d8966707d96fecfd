"""What every stage driver shares: its report and the error that stops a run.

Per-document work happens in the stage drivers (``clean_stage.py``,
``ner.py``); this module holds what they report, so that a later executor
(several processes, a Dask cluster) can run them the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class StageError(Exception):
    """A problem with the run as a whole (not with one document)."""


@dataclass
class StageReport:
    stage: str
    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "skipped": 0, "error": 0})
    written: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def failed(self) -> int:
        return self.counts["skipped"] + self.counts["error"]

    def summary(self) -> str:
        n = sum(self.counts.values())
        c = self.counts
        return (f"{self.stage}: {n} documents: {c['ok']} ok, {c['skipped']} skipped, {c['error']} error; "
                f"{self.written} written, {self.unchanged} unchanged, {self.removed} stale removed")


def code_fingerprint(*modules: str) -> str:
    """A hash of the source files of ``modules`` (and of every module in a package):
    cached outputs are redone when the code that made them changes."""
    import hashlib
    import importlib.util
    from pathlib import Path

    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]
