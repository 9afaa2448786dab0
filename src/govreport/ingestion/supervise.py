"""Supervised worker processes: a file that crashes its worker, hangs or eats memory costs that file only.

A native crash (a segfault in a C library, ``os._exit``) cannot be caught in the process it happens in, a
reader blocked in C cannot be interrupted from inside, and memory allocated in C is not seen by the
cooperative budget checks. So the per-file work runs in worker processes this module watches from outside:

- each worker holds at most one task, sent over its own pipe, so a dead worker names exactly one file;
- a worker that dies (a signal, any exit) costs its task: ``crashed (signal SIGSEGV)``; it is replaced and
  the other workers' tasks go on untouched;
- a task past its deadline, or whose worker's resident memory grew by more than its budget since the task
  began, has its worker killed (SIGKILL) and replaced: ``timed out after N s`` / ``over memory budget``.

The handed function decides the budget of a task (``fn.budget(task) -> (seconds, memory_mb)``, no limit
without it) and what a lost task becomes (``fn.failed(task, reason) -> outcome``). ``Pool.run`` yields
``(task, outcome)`` in completion order. ``call_once`` runs one task in a fresh child (a Dask task's
external deadline).
"""
from __future__ import annotations

import gc
import mmap
import os
import signal
import struct
import socket
import threading
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator, Optional

from govreport.errors import GovreportError, one_line
from govreport.readers.limits import on_ocr_allow, rss_mb

POLL_SECONDS = 0.05  # how often a busy worker's memory is read (/proc, ~10 µs each)


class Lost(GovreportError):
    """A task its worker could not finish: ``reason`` is the one line its failure row says."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def crash_reason(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"crashed (signal {name}) while it was parsed; its worker was replaced"
    return f"crashed (its worker exited with code {exitcode}) while it was parsed; its worker was replaced"


def timeout_reason(seconds: float) -> str:
    return f"timed out after {seconds:g} s (time limit per file); its worker was stopped"


def memory_reason(memory_mb: float) -> str:
    return f"over memory budget: it needed more than {memory_mb:g} MB (limit per file); its worker was stopped"


def _serve(conn, fn: Callable, two_phase: bool, extra: "_Extra") -> None:
    """A worker's loop: take a task, send back ("ok", result) or ("error", one line); None ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    on_ocr_allow(extra.add)  # an OCR'd page's allowance moves the supervisor's deadline too
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})  # a Dask thread may block it: the budget needs it
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply = ("ok", fn.part(task) if two_phase else fn(task))
        except BaseException as exc:  # the function's own errors: a failure of its task, not of the worker
            reply = ("error", one_line(f"internal error while parsing ({exc.__class__.__name__}: {exc})"))
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result
            conn.send(("error", one_line(f"internal error while parsing (cannot send the result: {exc})")))


_PARENT_ENDS: set = set()  # this process's ends of its workers' sockets


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


class _Extra:
    """Seconds the task's OCR'd pages added to its file's budget, in memory shared by a worker and its
    supervisor (an anonymous shared map made before the fork): the deadline from outside moves with the
    budget inside, and only for the task that OCR'd pages."""

    def __init__(self):
        self._map = mmap.mmap(-1, 8)

    def add(self, seconds: float) -> None:
        self._map[:8] = struct.pack("d", self.value + seconds)

    @property
    def value(self) -> float:
        return struct.unpack("d", self._map[:8])[0]

    def reset(self) -> None:
        self._map[:8] = struct.pack("d", 0.0)


class _Worker:
    """One forked worker process, its socket, and the task it holds (if any) with that task's deadline and
    memory. ``os.fork`` directly, not multiprocessing: a Dask worker is a daemonic process, which
    multiprocessing forbids to have children; and a fork inherits the imports, so a worker starts warm."""

    def __init__(self, fn: Callable, two_phase: bool):
        mine, theirs = socket.socketpair()
        self.extra = _Extra()
        parent = os.getpid()
        gc.freeze()  # the worker's collector never walks (so never copies) the objects it shares with this process
        try:
            self.pid = os.fork()
        finally:
            if os.getpid() == parent:
                gc.unfreeze()
        if self.pid == 0:  # the worker: serve, then leave without running the parent's exit handlers
            code = 0
            try:
                mine.close()
                for fd in list(_PARENT_ENDS):  # other workers' sockets, inherited by the fork
                    _close_quietly(fd)
                _serve(Connection(theirs.detach()), fn, two_phase, self.extra)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self.conn = Connection(mine.detach())
        _PARENT_ENDS.add(self.conn.fileno())
        self.exitcode: Optional[int] = None
        self.asked = False  # told to end (``ask_to_stop``)
        self.task, self.deadline, self.seconds, self.memory_mb, self.rss0 = None, None, None, None, None

    def alive(self) -> bool:
        if self.exitcode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self.exitcode = os.waitstatus_to_exitcode(status)
        return self.exitcode is None

    def give(self, task, seconds: Optional[float], memory_mb: Optional[float]) -> None:
        self.task, self.seconds, self.memory_mb = task, seconds, memory_mb
        self.deadline = time.monotonic() + seconds if seconds else None
        self.extra.reset()
        self.rss0 = rss_mb(self.pid)
        self.conn.send(task)

    def check(self) -> Optional[tuple]:
        """("ok"|"error"|"lost", value) when the task ended (or must end), else None."""
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            self._reap()  # the worker died: its exit code says how
        if not self.alive():
            return "lost", crash_reason(self.exitcode)
        if self.deadline is not None and time.monotonic() > self.deadline + self.extra.value:
            self.kill()
            return "lost", timeout_reason(self.seconds + self.extra.value)
        if self.memory_mb is not None and self.rss0 is not None:
            now = rss_mb(self.pid)
            if now is not None and now - self.rss0 > self.memory_mb:
                self.kill()
                return "lost", memory_reason(self.memory_mb)
        return None

    def _reap(self, seconds: float = 5.0) -> None:
        """Wait (briefly) for a worker whose socket closed to be gone, so its exit code is known."""
        end = time.monotonic() + seconds
        while self.alive() and time.monotonic() < end:
            time.sleep(0.005)

    def kill(self) -> None:
        if self.alive():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        if not self.conn.closed:
            _PARENT_ENDS.discard(self.conn.fileno())
            self.conn.close()

    def ask_to_stop(self) -> None:
        if not self.asked and not self.conn.closed:
            self.asked = True
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass

    def stop(self) -> None:
        self.ask_to_stop()
        self._reap(1.0)
        self.kill()


class Pool:
    """``jobs`` supervised worker processes running ``fn`` (see the module docstring).

    ``two_phase``: the worker computes ``fn.part(task)`` and this process makes the outcome with
    ``fn.keep(task, part)`` (every write in the one process), else the worker returns ``fn(task)``."""

    def __init__(self, fn: Callable, jobs: int = 1, two_phase: bool = False):
        self.fn, self.jobs, self.two_phase = fn, max(1, jobs), two_phase

    def run(self, tasks: Iterable) -> Iterator[tuple]:
        """(task, outcome) for every task, in completion order; the workers end with the generator."""
        for task, status, value in self.results(tasks):
            yield task, self.outcome(task, status, value)

    def outcome(self, task, status: str, value):
        """The outcome of a task that ended ``status`` ("ok", "error", "lost") with ``value``."""
        if status == "ok":
            return self.fn.keep(task, value) if self.two_phase else value
        failed = getattr(self.fn, "failed", None)
        if failed is None:
            raise Lost(value)
        return failed(task, value)

    def results(self, tasks: Iterable, may_start: Optional[Callable] = None) -> Iterator[tuple]:
        """(task, status, value) for every task, in completion order. ``may_start(task)``: whether the next
        task may be handed out now (the caller bounds what is in flight; while it says no, some task runs)."""
        run = self.start(tasks, may_start)
        try:
            while run.busy():
                yield from run.step(POLL_SECONDS)
        finally:
            run.stop()

    def start(self, tasks: Iterable, may_start: Optional[Callable] = None) -> "Run":
        """The workers started on ``tasks``, for the caller to drive pass by pass (``Run.step``)."""
        return Run(self, tasks, may_start)

    def _give(self, worker: _Worker, task) -> _Worker:
        """Hand ``task`` to ``worker``, or to a new one when it died while idle (killed from outside)."""
        budget = getattr(self.fn, "budget", None)
        seconds, memory_mb = budget(task) if budget is not None else (None, None)
        for attempt in range(2):
            if attempt or not worker.alive():
                worker.kill()
                worker = _Worker(self.fn, self.two_phase)
            try:
                worker.give(task, seconds, memory_mb)
                return worker
            except (OSError, ValueError):
                continue
        raise Lost("cannot start a worker process")


class Run:
    """A Pool at work on its tasks, driven by its caller one pass at a time (``step``): a caller with work of
    its own (engines.ordered's, writing a batch) can pass between pieces of it, so a worker that finishes
    meanwhile gets its next task at once instead of waiting for the caller's work to end."""

    def __init__(self, pool: Pool, tasks: Iterable, may_start: Optional[Callable] = None):
        self.pool, self.pending, self.may_start = pool, deque(tasks), may_start
        self.workers = [_Worker(pool.fn, pool.two_phase) for _ in range(min(pool.jobs, len(self.pending)))]

    def ready(self) -> bool:
        return bool(self.pending) and (self.may_start is None or self.may_start(self.pending[0]))

    def busy(self) -> bool:
        return bool(self.pending) or any(w.task is not None for w in self.workers)

    def step(self, timeout: float) -> list[tuple]:
        """One pass: hand out what may start, wait up to ``timeout`` seconds for a worker, and return
        (task, status, value) of every task that ended (its worker given its next task first)."""
        workers, pool, ended = self.workers, self.pool, []
        for i, w in enumerate(workers):
            if w.task is None and self.ready():
                workers[i] = pool._give(w, self.pending.popleft())
        wait([w.conn for w in workers if w.task is not None], timeout=timeout)
        for i, w in enumerate(workers):
            done = w.check() if w.task is not None else None
            if done is None:
                continue
            task, w.task = w.task, None
            if done[0] == "lost" and self.pending:
                w.kill()
                workers[i] = w = _Worker(pool.fn, pool.two_phase)
            if self.ready():  # the next file first: the worker reads it while this process keeps the last
                workers[i] = pool._give(w, self.pending.popleft())
            ended.append((task, done[0], done[1]))
        return ended

    def stop(self) -> None:
        """Every worker asked to end before any is waited for: they exit (unmap their memory) at once."""
        for w in self.workers:
            w.ask_to_stop()
        for w in self.workers:
            w.stop()


_RESIDENT: dict = {}  # (fn, thread) -> the warm worker that ran its last task (call_once)
_RESIDENT_LOCK = threading.Lock()


def call_once(fn: Callable, task, retries: int = 1):
    """``fn(task)`` in a supervised child of this process (its budget enforced from here); a crash is
    retried ``retries`` times, then its outcome is ``fn.failed(task, reason)``. What a Dask task runs: a
    deadline from outside the code that may hang, and a crash that never takes the Dask worker down. The
    child stays for the next task of this thread (its imports and catalogs warm) until it is lost."""
    pool, key = Pool(fn, 1), (fn, threading.get_ident())
    for attempt in range(retries + 1):
        with _RESIDENT_LOCK:
            worker = _RESIDENT.pop(key, None)
        worker = pool._give(worker or _Worker(fn, False), task)
        status, value = _wait_one(worker)
        if status != "lost":
            with _RESIDENT_LOCK:
                _RESIDENT[key] = worker
            break
        worker.kill()
        if not value.startswith("crashed"):
            break
        if attempt:
            value = value.replace("while it was parsed", "while it was parsed, and again when retried")
    return pool.outcome(task, status, value)


def _wait_one(worker: _Worker) -> tuple:
    while True:
        wait([worker.conn], timeout=POLL_SECONDS)
        done = worker.check()
        if done is not None:
            worker.task = None
            return done


class Supervised:
    """``fn`` run by ``call_once``: a picklable per-task function for a Dask cluster."""

    def __init__(self, fn: Callable, retries: int = 1):
        self.fn, self.retries = fn, retries

    def __call__(self, task):
        return call_once(self.fn, task, self.retries)
