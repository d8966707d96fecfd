"""Progress on long runs (tqdm on stderr: documents done, rate) and one-line messages."""
from __future__ import annotations

import logging
import sys
from typing import Iterable, Iterator, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, quiet: bool = False, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar on stderr unless ``quiet`` or stderr is not a terminal."""
    yield from tqdm(items, desc=desc, unit="doc", total=total, disable=quiet or None,
                    file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


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
