"""Bounded work per document: the time limit and the memory guard interrupt a runaway document,
and the stages turn that into an ``error`` row with its reason while the run goes on."""
from __future__ import annotations

import time

import pytest

from pipeline.core.config import Settings
from pipeline.core.limits import LIMIT_MARK, LimitExceeded, describe, document_guard, is_current, record_key


def test_a_python_loop_that_runs_too_long_is_interrupted():
    t0 = time.monotonic()
    with pytest.raises(LimitExceeded, match="time limit: took more than 0.5 s"):
        with document_guard(seconds=0.5):
            while True:  # a runaway rule
                pass
    assert time.monotonic() - t0 < 2.0


def test_growing_memory_is_stopped_before_it_takes_the_machine():
    hog = []
    with pytest.raises(LimitExceeded, match="memory limit"):
        with document_guard(memory_mb=200):
            for _ in range(10_000):  # up to 10 GB if nothing stops it
                hog.append(bytearray(1_000_000))
                hog[-1][::4096] = b"x" * len(hog[-1][::4096])  # touch the pages: resident, not just reserved
    assert len(hog) < 2_000
    hog.clear()


def test_a_block_within_its_limits_runs_to_the_end_and_leaves_no_timer():
    import signal

    with document_guard(seconds=5, memory_mb=500):
        total = sum(range(100_000))
    assert total == 4999950000
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None, signal.default_int_handler)


def test_records_decided_by_a_limit_are_redone_when_the_limits_change():
    s = Settings(doc_timeout=10)
    reason = describe(LimitExceeded(f"{LIMIT_MARK}time limit: took more than 10 s (--doc-timeout)"))
    key = record_key("abc", reason, s)
    assert key != "abc" and is_current(key, "abc", s)
    assert not is_current(key, "abc", Settings(doc_timeout=60))  # a longer limit: try again
    # a failure that is not a limit's stays cached whatever the limits
    other = record_key("abc", describe(ValueError("bad offsets")), s)
    assert other == "abc" and is_current(other, "abc", Settings(doc_timeout=60))
    assert describe(ValueError("bad offsets\nmore")) == "ValueError: bad offsets"
