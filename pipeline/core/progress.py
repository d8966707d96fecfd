"""Progress on long runs and one-line messages.

On a terminal: a tqdm bar on stderr (documents done, rate). Elsewhere (a log
file, CI, a cluster job): a line every ``log_every`` seconds with the same
numbers, so long runs are never silent. ``quiet`` turns both off.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Iterable, Iterator, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, quiet: bool = False, total: int | None = None,
             log_every: float = 30.0) -> Iterator[T]:
    """Yield ``items``, reporting progress on stderr unless ``quiet``."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if quiet:
        yield from items
    elif sys.stderr.isatty():
        yield from tqdm(items, desc=desc, unit="doc", total=total, file=sys.stderr,
                        dynamic_ncols=True, mininterval=0.5)
    else:
        log = logging.getLogger(f"newsgraph.{desc}")
        t0 = last = time.perf_counter()
        for done, item in enumerate(items, start=1):
            yield item
            now = time.perf_counter()
            if now - last >= log_every:
                last = now
                of = f"/{total}" if total else ""
                log.info("%d%s documents (%.1f docs/s)", done, of, done / (now - t0))


class _TqdmHandler(logging.Handler):
    """Writes log records as single lines that do not break a progress bar."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = self.format(record).replace("\n", " ")
            tqdm.write(msg, file=sys.stderr)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


def setup_logging(quiet: bool = False, verbose: bool = False) -> None:
    handler = _TqdmHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger("newsgraph")
    root.handlers[:] = [handler]
    root.propagate = False
    # errors about single documents are shown even with --quiet
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
