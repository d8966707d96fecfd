"""Bounded work per document: a time limit and a memory guard around each document's heavy step.

    with document_guard(seconds=300, memory_mb=2048):
        parse(text)

raises :class:`LimitExceeded` (an ``Exception``, so the per-document error handling
of every stage turns it into an ``error`` row with its one-line reason) when the
block has run longer than ``seconds`` or the process has grown by more than
``memory_mb`` since the block began. The checks run from a ``SIGALRM`` interval
timer several times a second, so they interrupt pure-Python loops at once and a
long native call (one spaCy batch, one tagger window) as soon as it returns; the
size limits of the stages (characters per document, words per sentence) keep
every native call short.

The guard needs the main thread of a process (Python delivers signals there):
that is where the local executor and the process-pool workers run documents.
Elsewhere (a Dask worker's task threads) it checks once, when the block ends.
"""
from __future__ import annotations

import gc
import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

# how often the limits are checked (seconds)
INTERVAL = 0.2

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# every reason a limit gives starts so: a record that failed by a limit is redone when the limits change
LIMIT_MARK = "over the per-document "


class LimitExceeded(Exception):
    """A document took more time or memory than the run allows."""


def describe(exc: BaseException) -> str:
    """One line for a document's failure: a limit's reason as it is, else the exception's type and message."""
    if isinstance(exc, LimitExceeded):
        return str(exc)
    msg = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {msg}".rstrip(": ")


def limits_key(settings) -> str:
    """The limits in force, added to the cache key of a record that a limit decided, so that such a
    record is redone when the limits change (and only such a record)."""
    return (f"limits:{settings.max_chars}:{settings.max_sentence_words}:{settings.doc_timeout:g}:"
            f"{settings.doc_memory}")


def record_key(key: str, reason: str, settings) -> str:
    """``key``, with the limits in force when ``reason`` is a limit's."""
    return f"{key}|{limits_key(settings)}" if LIMIT_MARK in reason else key


def is_current(record_key_: str | None, key: str, settings) -> bool:
    """Whether a stored record with ``record_key_`` is up to date for ``key`` under ``settings``."""
    return record_key_ in (key, f"{key}|{limits_key(settings)}")


def rss_mb() -> float:
    """This process's resident memory in MB (Linux /proc; psutil elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE / 1e6
    except (OSError, IndexError, ValueError):
        import psutil

        return psutil.Process().memory_info().rss / 1e6


def release_memory() -> None:
    """Give freed memory back to the system after a document that used a lot of it."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class _Check:
    def __init__(self, seconds: float, memory_mb: float):
        self.seconds, self.memory_mb = seconds, memory_mb
        self.start = time.monotonic()
        self.base = rss_mb()
        self.tripped = False

    def __call__(self, *_) -> None:
        if self.tripped:  # raised once; the code that caught it is cleaning up
            return
        if self.seconds and time.monotonic() - self.start > self.seconds:
            self.tripped = True
            raise LimitExceeded(f"{LIMIT_MARK}time limit: took more than {self.seconds:g} s (--doc-timeout)")
        if self.memory_mb:
            grown = rss_mb() - self.base
            if grown > self.memory_mb:
                self.tripped = True
                raise LimitExceeded(f"{LIMIT_MARK}memory limit: needed more than {self.memory_mb:g} MB "
                                    f"(--doc-memory)")


@contextmanager
def document_guard(seconds: float = 0, memory_mb: float = 0) -> Iterator[None]:
    """Raise :class:`LimitExceeded` in the block when it overruns ``seconds`` or grows the
    process by more than ``memory_mb`` (0: no limit)."""
    if not seconds and not memory_mb:
        yield
        return
    check = _Check(seconds, memory_mb)
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        check()
        return
    previous = signal.signal(signal.SIGALRM, check)
    signal.setitimer(signal.ITIMER_REAL, INTERVAL, INTERVAL)
    try:
        yield
    except LimitExceeded:
        release_memory()
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
