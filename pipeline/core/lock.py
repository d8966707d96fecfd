"""One run at a time per output directory.

A run holds an exclusive ``flock`` on ``OUTPUT/.newsgraph.lock`` for its whole
life; the file records who holds it (pid, host, command, start time) for the
message a second run prints. The kernel drops the lock when its process dies
however it dies (SIGKILL included), so a lock left by a dead run is simply
taken over: the file being there means nothing, only the lock on it does.

On a network filesystem without working ``flock`` (some NFS setups) the lock
protects runs started on the same machine only.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

from pipeline.core.storage import OutputError

LOCK_NAME = ".newsgraph.lock"


class LockBusy(Exception):
    """Another run is using the output directory."""


class RunLock:
    """``with RunLock(output_dir, wait=False):`` — raises :class:`LockBusy` (with who holds it)
    unless ``wait``, which blocks until the other run ends."""

    def __init__(self, output_dir: Path, wait: bool = False, on_wait=None):
        self.path = Path(output_dir) / LOCK_NAME
        self.wait = wait
        self.on_wait = on_wait  # called once with the holder's description before blocking
        self.fd: int | None = None

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return (f"pid {info['pid']} on {info['host']}, started {info['started']}: "
                    f"{info.get('command', '')}").rstrip(": ")
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    def __enter__(self) -> "RunLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror or str(exc), str(self.path)) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                if not self.wait:
                    raise LockBusy(f"another run is using {self.path.parent} ({self.holder()}); "
                                   f"wait for it to finish, or use --wait") from None
                if self.on_wait:
                    self.on_wait(self.holder())
                fcntl.flock(fd, fcntl.LOCK_EX)
            info = {"pid": os.getpid(), "host": socket.gethostname(),
                    "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": " ".join(sys.argv[1:])[:300]}
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            except OSError:
                pass
            os.close(self.fd)  # releases the lock
            self.fd = None
