"""One executor for every stage, like kedro's runner: a stage is a declaration,
running it is written once here, and local, process-pool and Dask runs differ
only in the executor.

A stage (:class:`Stage`) declares
- ``prepare``: what a run needs once (a fingerprint of the code and data its
  outputs depend on), computed on the client, small and picklable;
- ``plan``: for each input document, either an :class:`Item` to process (its
  name, input path and cache key) or a final :class:`Outcome` (unchanged since
  the last run, or skipped before any work);
- ``process``: a top-level, picklable function ``(settings, context, items) ->
  outcomes`` that does the per-document work for a batch and writes each
  document's shard atomically — it runs wherever the executor sends it, loading
  its models once per worker process (cached loaders);
- ``finish``: the cross-document step over the per-document shards (tables),
  on the client.

:func:`run_stage` owns what every stage shares: temporary-file cleanup, the
cache check, batching, progress, counts, the stale sweep and timing.
"""
from __future__ import annotations

import hashlib
import importlib.util
import itertools
import logging
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

log = logging.getLogger("newsgraph")

EXECUTORS = ("auto", "local", "processes", "dask")


class StageError(Exception):
    """A problem with the run as a whole (not with one document)."""


@dataclass
class StageReport:
    stage: str
    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "skipped": 0, "error": 0})
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    processed: int = 0  # documents whose per-document work ran in this run

    @property
    def failed(self) -> int:
        return self.counts["skipped"] + self.counts["error"]

    def summary(self) -> str:
        n = sum(self.counts.values())
        c = self.counts
        return (f"{self.stage}: {n} documents: {c['ok']} ok, {c['skipped']} skipped, {c['error']} error; "
                f"{self.written} written, {self.unchanged} unchanged, {self.removed} stale removed")

    def to_json(self) -> dict:
        return {"counts": dict(self.counts), "written": self.written, "unchanged": self.unchanged,
                "removed": self.removed, "processed": self.processed, "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class Item:
    """One document to process: ``name`` names its shards, ``path`` is its input, ``key`` what its
    outputs are made from (a later run with the same key does nothing)."""
    name: str
    path: str
    key: str


@dataclass
class Outcome:
    """What became of one document: ``status`` ok / skipped / error (with a one-line ``error``),
    whether its shard changed on disk, and a small ``row`` for the cross-document step."""
    name: str
    status: str
    error: str = ""
    written: bool = False
    cached: bool = False  # unchanged since the last run: no work done
    worked: bool = True  # False: decided before any work (not cleaned, so not parsed)
    row: dict = field(default_factory=dict)


class Stage:
    """A stage declaration; subclasses set ``name``, ``batch_size``, ``shard_suffixes`` and implement
    :meth:`out_dir`, :meth:`plan`, :meth:`finish` and the module-level ``process`` function."""
    name = ""
    batch_size = 32
    shard_suffixes: tuple[str, ...] = (".json",)
    process: Callable[[Any, Any, list[Item]], list[Outcome]]

    def out_dir(self, settings) -> Path:
        raise NotImplementedError

    def prepare(self, settings) -> Any:
        return None

    def plan(self, settings, context) -> Iterable[Item | Outcome]:
        raise NotImplementedError

    def finish(self, settings, context, outcomes: list[Outcome]) -> None:
        pass

    def failed(self, item: Item, error: str) -> Outcome:
        """The outcome of a document whose worker failed (crashed, ran out of memory)."""
        return Outcome(item.name, "error", error)


def code_fingerprint(*modules: str) -> str:
    """A hash of the source files of ``modules`` (and of every module in a package):
    cached outputs are redone when the code that made them changes."""
    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for f in files:
            h.update(str(f.relative_to(origin.parent)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# -- executors -------------------------------------------------------------
class LocalExecutor:
    """Everything in this process, one batch after the other."""
    name = "local"
    workers = 1

    def map(self, fn: Callable, jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        for job in jobs:
            try:
                yield job, fn(*job)
            except Exception as exc:
                yield job, exc

    def close(self) -> None:
        pass


def _check_picklable(fn: Callable, job: tuple) -> None:
    """Fail before starting, with a clear message, when the work cannot go to another process."""
    try:
        pickle.dumps((fn, job))
    except Exception as exc:
        raise StageError(f"the per-document work cannot be sent to another process: {type(exc).__name__}: {exc}") from None


def _stream(fn: Callable, jobs: Iterable[tuple], window: int, submit: Callable, first_done: Callable
            ) -> Iterator[tuple[tuple, Any]]:
    """(job, result or exception) as jobs finish, with at most ``window`` in flight, so results
    stream and the inputs are never all queued. ``submit(fn, job)`` gives a future,
    ``first_done(futures)`` the futures that have finished."""
    jobs = iter(jobs)
    pending: dict = {}
    checked = False
    while True:
        for job in itertools.islice(jobs, window - len(pending)):
            if not checked:
                _check_picklable(fn, job)
                checked = True
            pending[submit(fn, job)] = job
        if not pending:
            return
        for fut in first_done(list(pending)):
            job = pending.pop(fut)
            try:
                yield job, fut.result()
            except Exception as exc:
                yield job, exc


# how many CPU threads a worker process may use (set in each worker by its executor)
WORKER_THREADS_ENV = "NEWSGRAPH_WORKER_THREADS"


def _cpu_share(workers: int) -> int:
    return max(1, available_cpus() // max(1, workers))


def _init_worker(threads: int) -> None:
    os.environ[WORKER_THREADS_ENV] = str(threads)


class ProcessExecutor:
    """A pool of worker processes on this machine (spawned: a clean interpreter each, models loaded
    once per worker by the stages' cached loaders). The pool starts with the first work sent to it
    and serves every stage of a run."""
    name = "processes"

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self._pool = None

    @property
    def pool(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker, initargs=(_cpu_share(self.workers),))
        return self._pool

    def _submit(self, fn: Callable, job: tuple):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(fn, *job)
        except BrokenProcessPool:  # a worker died (the batches it broke fail with it): a new pool
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            return self.pool.submit(fn, *job)

    def map(self, fn: Callable, jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        return _stream(fn, jobs, 2 * self.workers, self._submit,
                       lambda futures: wait(futures, return_when=FIRST_COMPLETED).done)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """The per-document work on a dask.distributed cluster: ``scheduler`` is its address
    (``tcp://host:8786``); without one, a LocalCluster of ``workers`` processes is started.
    Workers must have newsgraph installed and see the output directory (a shared filesystem)."""
    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise StageError("--executor dask needs dask.distributed: pip install 'newsgraph[dask]'") from None
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="10s")
            else:
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                            dashboard_address=":0", silence_logs=logging.ERROR,
                                            env={WORKER_THREADS_ENV: str(_cpu_share(workers))})
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            msg = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise StageError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {msg}") from None
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, fn: Callable, jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        from distributed import wait

        return _stream(fn, jobs, 2 * self.workers, lambda f, job: self.client.submit(f, *job, pure=False),
                       lambda futures: wait(futures, return_when="FIRST_COMPLETED").done)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str = "auto", workers: int = 0, scheduler: str | None = None):
    """``local`` (this process), ``processes`` (a pool of ``workers``), ``dask`` (a cluster), or
    ``auto``: a pool when there is more than one worker, else this process. ``workers`` 0: one per CPU."""
    if kind not in EXECUTORS:
        raise StageError(f"unknown executor {kind!r} (one of {', '.join(EXECUTORS)})")
    if workers < 0:
        raise StageError(f"--workers must be 0 (one per CPU) or more, not {workers}")
    workers = workers or available_cpus()
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if scheduler:
        raise StageError("--scheduler needs --executor dask")
    if kind == "processes" or (kind == "auto" and workers > 1):
        return ProcessExecutor(workers)
    return LocalExecutor()


def worker_threads(settings_threads: int) -> int:
    """CPU threads one worker may use: the setting, else its share of the machine's CPUs."""
    if settings_threads:
        return settings_threads
    return int(os.environ.get(WORKER_THREADS_ENV, "0") or 0) or available_cpus()


def _worker_died(exc: BaseException) -> bool:
    """Whether a batch failed because its worker process died (killed by the OOM killer or a
    signal) rather than by an exception of the work."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, BrokenProcessPool):
        return True
    try:  # dask.distributed: the task's worker died (too many times)
        from distributed.scheduler import KilledWorker
    except ImportError:
        return False
    return isinstance(exc, KilledWorker)


# -- running a stage ---------------------------------------------------------
def _batches(items: Sequence[Item], size: int) -> Iterator[list[Item]]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def run_stage(stage: Stage, settings, executor=None) -> StageReport:
    """Run ``stage``: plan on the client, per-document work on ``executor``, then the
    cross-document step. Outputs do not depend on the executor or the number of workers."""
    from .progress import progress
    from .storage import OutputError, remove_stale_temp_files

    t0 = time.perf_counter()
    executor = executor or LocalExecutor()
    stage_log = logging.getLogger(f"newsgraph.{stage.name}")
    report = StageReport(stage.name)
    out = stage.out_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(out)
    context = stage.prepare(settings)
    outcomes: dict[str, Outcome] = {}
    todo: list[Item] = []
    for entry in stage.plan(settings, context):
        if isinstance(entry, Outcome):
            outcomes[entry.name] = entry
        else:
            todo.append(entry)
    fn = type(stage).process
    size = settings.batch_docs or stage.batch_size
    if executor.workers > 1 and not settings.batch_docs:
        # enough pieces for every worker to stay busy to the end (at least 4 each)
        size = max(4, min(size, -(-len(todo) // (4 * executor.workers))))
    if len(todo) <= size and not isinstance(executor, DaskExecutor):
        executor = LocalExecutor()  # one batch: not worth starting workers for

    def outcomes_of(jobs: Iterable[list[Item]], retry: list[Item] | None) -> Iterator[Outcome]:
        for (_, _, batch), res in executor.map(fn, ((settings, context, b) for b in jobs)):
            if isinstance(res, OutputError):  # the output cannot be written (disk full, read-only): stop
                raise res
            if isinstance(res, BaseException) and retry is not None and _worker_died(res):
                retry.extend(batch)  # which of them killed the worker? each alone will tell
                continue
            if isinstance(res, BaseException):  # the worker itself failed: every document of its batch
                if _worker_died(res):
                    msg = "its worker process died (killed by the system: out of memory?)"
                else:
                    msg = f"{type(res).__name__}: {str(res).splitlines()[0][:200] if str(res) else ''}"
                res = [stage.failed(it, f"the worker failed: {msg}") for it in batch]
                for it in batch:  # an older shard must not stand in for the document
                    for suffix in stage.shard_suffixes:
                        (out / f"{it.name}{suffix}").unlink(missing_ok=True)
            yield from res

    def results() -> Iterator[Outcome]:
        retry: list[Item] = []
        yield from outcomes_of(_batches(todo, size), retry)
        if retry:
            stage_log.warning("a worker process died; %d document(s) of its batches are redone one by one", len(retry))
            for it in retry:  # alone in flight: a death is that document's
                yield from outcomes_of([[it]], None)

    for o in progress(results(), desc=stage.name, quiet=settings.quiet, total=len(todo)):
        outcomes[o.name] = o
        report.processed += 1
    for o in outcomes.values():
        report.counts[o.status] = report.counts.get(o.status, 0) + 1
        if o.written:
            report.written += 1
        elif o.cached or o.worked:
            report.unchanged += 1
        if o.status != "ok" and o.worked:
            stage_log.error("%s: %s: %s", o.row.get("source_path") or o.name, o.status, o.error)
    # shards of documents that are gone would haunt later stages
    for p in sorted(out.iterdir()):
        if p.suffix in stage.shard_suffixes and p.stem not in outcomes and p.is_file():
            p.unlink()
            report.removed += 1
    stage.finish(settings, context, [outcomes[k] for k in sorted(outcomes)])
    report.seconds = time.perf_counter() - t0
    return report
