"""The interchangeable engines that run ingest's per-file function over the corpus.

They are handed the function (``run(fn, tasks, engine)``) and know nothing of what it does: no stage is
imported here. ``fn(task)`` must be picklable (a module-level function or an instance of a module-level
class) and return a small outcome with a ``path``, so no document outlives its own parse. The engines
differ only in where it runs:

- ``local``: in this process, one file after another;
- ``processes``: a pool of worker processes on this machine (``--jobs N``);
- ``dask``: the workers of a Dask distributed cluster (``--scheduler ADDRESS``),
  which must see the input files and the part cache at the same paths
  (a shared filesystem), or read inputs from fsspec URLs.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator, Optional

from govreport.errors import ReportError, one_line

Progress = Optional[Callable[[int, int, str], None]]


def run_local(fn: Callable, tasks: list, jobs: int = 1, scheduler=None, progress: Progress = None) -> Iterator:
    """In this process, one file after another."""
    for n, task in enumerate(tasks, 1):
        if progress:
            progress(n, len(tasks), task.path)
        yield fn(task)


def run_processes(fn: Callable, tasks: list, jobs: int = 0, scheduler=None, progress: Progress = None) -> Iterator:
    """A pool of ``jobs`` worker processes (default: the core count); outcomes in completion order."""
    import multiprocessing

    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        yield from run_local(fn, tasks, 1, None, progress)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(1, min(8, len(tasks) // (jobs * 8)))
    with multiprocessing.get_context(method).Pool(jobs) as pool:
        for n, outcome in enumerate(pool.imap_unordered(fn, tasks, chunksize=chunk), 1):
            if progress:
                progress(n, len(tasks), outcome.path)
            yield outcome


def run_dask(fn: Callable, tasks: list, jobs: int = 0, scheduler=None, progress: Progress = None) -> Iterator:
    """The workers of a Dask cluster: ``scheduler`` is its address, a ``distributed.Client``, or None for a
    LocalCluster of ``jobs`` worker processes on this machine."""
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
        futures = client.map(fn, tasks, pure=False)
        for n, future in enumerate(as_completed(futures), 1):
            outcome = future.result()
            future.release()
            if progress:
                progress(n, len(tasks), outcome.path)
            yield outcome
    finally:
        for thing in own:
            thing.close()


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


ENGINES = {"local": run_local, "processes": run_processes, "dask": run_dask}


def run(fn: Callable, tasks: Iterable, engine: str = "local", jobs: int = 1, scheduler=None,
        progress: Progress = None) -> Iterator:
    """Run the per-file function ``fn`` over ``tasks`` with the named engine; its outcomes, in completion order."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[engine](fn, list(tasks), jobs, scheduler, progress)
