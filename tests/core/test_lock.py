"""One run at a time per output directory: a second run says who holds it and exits, or waits
with --wait; the lock of a run that died (even by SIGKILL) is taken over."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from pipeline.core.lock import LOCK_NAME, LockBusy, RunLock

HOLD = ("import sys, time; sys.path.insert(0, {repo!r}); from pipeline.core.lock import RunLock\n"
        "with RunLock({out!r}):\n    print('held', flush=True); time.sleep(60)\n")


def _holder(out: Path) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD.format(repo=str(REPO), out=str(out))], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_second_run_on_the_same_output_says_who_holds_it(tmp_path: Path):
    holder = _holder(tmp_path)
    try:
        with pytest.raises(LockBusy, match=rf"another run is using {tmp_path}.*pid {holder.pid}.*--wait"):
            with RunLock(tmp_path):
                pass
        r = subprocess.run([sys.executable, "-m", "pipeline", "export", "--output", str(tmp_path), "-q"],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and f"pid {holder.pid}" in r.stderr and "Traceback" not in r.stderr
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path: Path):
    holder = _holder(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_NAME).exists()  # the file stays; the lock died with its process
    with RunLock(tmp_path) as lock:
        assert str(os.getpid()) in (tmp_path / LOCK_NAME).read_text()
        assert lock.fd is not None


def test_wait_blocks_until_the_other_run_ends(tmp_path: Path):
    holder = _holder(tmp_path)
    told = []
    t0 = time.monotonic()
    subprocess.Popen(["sh", "-c", f"sleep 1.5; kill {holder.pid}"])
    with RunLock(tmp_path, wait=True, on_wait=told.append):
        waited = time.monotonic() - t0
    holder.wait()
    assert waited >= 1.0 and told and f"pid {holder.pid}" in told[0]
