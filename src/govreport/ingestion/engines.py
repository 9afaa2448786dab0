"""The interchangeable engines that run ingest's per-file function over the corpus.

They are handed the function (``run(fn, tasks, engine)``) and know nothing of what it does: no stage is
imported here. ``fn(task)`` must be picklable (a module-level function or an instance of a module-level
class) and return a small outcome with a ``path``, so no document outlives its own parse. The engines
differ only in where it runs:

- ``local``: one supervised worker process on this machine, one file after another; the worker computes
  ``fn.part(task)`` and this process writes it (``fn.keep(task, part)``), so every write of an ingest
  happens in the one process that commits the store, and the worker parses the next file meanwhile;
- ``processes``: ``--jobs N`` supervised worker processes on this machine, each running ``fn(task)``;
- ``dask``: the workers of a Dask distributed cluster (``--scheduler ADDRESS``),
  which must see the input files and the part cache at the same paths
  (a shared filesystem), or read inputs from fsspec URLs; each task runs ``fn`` in a supervised child of
  its Dask worker.

``ordered`` runs another module-level function over a list of tasks in supervised worker processes and hands
the results back in the tasks' order (ingest's assembly: the agency chunks, assemble.py).

On every engine a file whose work crashes its process (a native crash, a kill), outlives its time budget
or outgrows its memory budget costs that file alone (supervise.py): its outcome is
``fn.failed(task, reason)``, the budget ``fn.budget(task) -> (seconds, memory MB)``. A Dask task whose
Dask worker itself is lost (``KilledWorker``) becomes ``fn.failed`` too, never a traceback.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator, Optional

from govreport.errors import ReportError, one_line
from govreport.ingestion.supervise import POLL_SECONDS, Pool, Supervised

Progress = Optional[Callable[[int, int, str], None]]


def run_local(fn: Callable, tasks: list, jobs: int = 1, scheduler=None, progress: Progress = None) -> Iterator:
    """One supervised worker process, one file after another; writes (``fn.keep``) in this process."""
    two_phase = callable(getattr(fn, "part", None)) and callable(getattr(fn, "keep", None))
    yield from _supervised(Pool(fn, 1, two_phase=two_phase), tasks, progress)


def run_processes(fn: Callable, tasks: list, jobs: int = 0, scheduler=None, progress: Progress = None) -> Iterator:
    """``jobs`` supervised worker processes (default: the core count); outcomes in completion order. A
    dead worker is replaced and costs only the file it held (each holds one file at a time)."""
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        yield from run_local(fn, tasks, 1, None, progress)
        return
    yield from _supervised(Pool(fn, jobs), tasks, progress)


def _supervised(pool: Pool, tasks: list, progress: Progress) -> Iterator:
    for n, (_, outcome) in enumerate(pool.run(tasks), 1):
        if progress:
            progress(n, len(tasks), outcome.path)
        yield outcome


def ordered(fn: Callable, tasks: list, jobs: int, remote: Callable = lambda task: True, ahead: int = 2) -> "Ordered":
    """``(task, status, value)`` for every task, in the order of ``tasks``: those ``remote(task)`` accepts run
    as ``fn(task)`` in ``jobs`` supervised worker processes (status "ok", "error" or "lost", supervise.Pool),
    the others (all of them when ``jobs`` < 2) are handed back untouched (status "here", value None) for the
    caller to run in its turn. At most ``jobs + ahead`` tasks are running or done and not yet handed back, so
    memory holds a few results at most. ``serve()`` between pieces of the caller's own work gives a worker
    that finished its next task (Ordered)."""
    return Ordered(fn, tasks, jobs, remote, ahead)


class Ordered:
    """The iterator ``ordered`` returns; ``close()`` stops its workers."""

    def __init__(self, fn: Callable, tasks: list, jobs: int, remote: Callable, ahead: int):
        self.tasks, self.done, self.far = tasks, {}, 0  # far: the position of the next task handed back
        numbered = []
        for k, task in enumerate(tasks):
            if jobs > 1 and remote(task):
                numbered.append((k, task))
            else:
                self.done[k] = ("here", None)
        window = jobs + ahead
        self.run = Pool(_Numbered(fn), jobs).start(numbered, lambda pair: pair[0] < self.far + window) \
            if numbered else None

    def __iter__(self) -> "Ordered":
        return self

    def __next__(self) -> tuple:
        self.serve()  # each take is a pass: the caller's work till the next one never leaves a worker idle
        while self.far not in self.done:
            if self.run is None or not self.run.busy():
                self.close()
                raise StopIteration
            self._keep(self.run.step(POLL_SECONDS))
        self.far += 1
        return (self.tasks[self.far - 1], *self.done.pop(self.far - 1))

    def serve(self) -> None:
        """A pass that waits for no worker: results kept for their turn, next tasks handed out."""
        if self.run is not None and self.run.busy():
            self._keep(self.run.step(0))

    def _keep(self, ended: list) -> None:
        for (k, _task), status, value in ended:
            self.done[k] = (status, value)

    def close(self) -> None:
        if self.run is not None:
            self.run.stop()
            self.run = None


class _Numbered:
    """``fn`` over ``(position, task)`` pairs (engines.ordered numbers its tasks)."""

    def __init__(self, fn: Callable):
        self.fn = fn

    def __call__(self, numbered: tuple):
        return self.fn(numbered[1])


def run_dask(fn: Callable, tasks: list, jobs: int = 0, scheduler=None, progress: Progress = None) -> Iterator:
    """The workers of a Dask cluster: ``scheduler`` is its address, a ``distributed.Client``, or None for a
    LocalCluster of ``jobs`` worker processes on this machine. Each task runs ``fn`` in a supervised child
    of its Dask worker (a deadline from outside, a crash retried once); a task the cluster still loses
    (its Dask worker died: ``KilledWorker``) is ``fn.failed`` with the cluster's words."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ReportError("--engine dask", "Dask is not installed (pip install 'govreport[dask]')") from None
    own = []
    if isinstance(scheduler, Client):
        client = scheduler
    elif scheduler:
        client = connect(scheduler)
        own.append(client)
    else:
        import logging

        cluster = LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1", silence_logs=logging.CRITICAL)
        client = Client(cluster)
        own += [client, cluster]
    try:
        futures = client.map(Supervised(fn), tasks, pure=False)
        task_of = {future.key: task for future, task in zip(futures, tasks)}
        for n, future in enumerate(as_completed(futures), 1):
            outcome = _dask_outcome(fn, future, task_of[future.key])
            future.release()
            if progress:
                progress(n, len(tasks), outcome.path)
            yield outcome
    finally:
        for thing in own:
            thing.close()


def _dask_outcome(fn: Callable, future, task):
    """The task's outcome, or ``fn.failed`` when the cluster lost it (its worker died, the task errred)."""
    try:
        return future.result()
    except Exception as exc:  # KilledWorker, CancelledError, a worker that could not unpickle the task
        failed = getattr(fn, "failed", None)
        reason = one_line(f"lost by the Dask cluster ({exc.__class__.__name__}: {exc})")
        if failed is None:
            raise ReportError(getattr(task, "path", None), reason) from None
        return failed(task, reason)


CONNECT_TIMEOUT = 10.0  # seconds; Dask's own default (30 s) is long to wait for a mistyped address


def connect(address: str, timeout: float = CONNECT_TIMEOUT):
    """A ``distributed.Client`` of the scheduler at ``address``, or a ReportError in one line naming the
    address and the problem (nothing answers within ``timeout`` seconds, a malformed address, Dask missing)."""
    try:
        from distributed import Client
    except ImportError:
        raise ReportError("--engine dask", "Dask is not installed (pip install 'govreport[dask]')") from None
    where = f"Dask scheduler {address}"
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError):  # refused, unreachable, nothing listening: Dask retries until timeout
        raise ReportError(where, f"no scheduler answered within {timeout:g} s; is `dask scheduler` running "
                                 "there and reachable from this machine? (--connect-timeout SECONDS waits "
                                 "longer)") from None
    except (ValueError, TypeError) as exc:  # an unknown scheme, a port that is not a number
        raise ReportError(where, one_line(f"not a scheduler address ({exc}); expected tcp://host:8786")) from None


def local_workers(engine: str, jobs: int) -> int:
    """The worker processes of this machine that the named engine runs (``--jobs``): 1 for ``local``, and for
    ``dask`` (its workers are the cluster's; the client works alone)."""
    return max(1, jobs or os.cpu_count() or 1) if engine == "processes" else 1


def converting_workers(engine: str, jobs: int, scheduler=None) -> int:
    """LibreOffice runs at a time for the files converted before they are read (ingestion/corpus.in_waves): one
    per worker on this machine; 0 for a Dask cluster elsewhere, whose workers may not see this machine's files
    (each file converted alone where it is read)."""
    if engine == "dask":
        return 0 if scheduler else max(1, jobs or os.cpu_count() or 1)
    return local_workers(engine, jobs)


ENGINES = {"local": run_local, "processes": run_processes, "dask": run_dask}


def run(fn: Callable, tasks: Iterable, engine: str = "local", jobs: int = 1, scheduler=None,
        progress: Progress = None) -> Iterator:
    """Run the per-file function ``fn`` over ``tasks`` with the named engine; its outcomes, in completion order."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[engine](fn, list(tasks), jobs, scheduler, progress)
