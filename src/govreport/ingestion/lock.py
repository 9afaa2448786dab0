"""One writer per store and per project: ``ingest`` holds ``<store>/.lock``; ``build`` holds
``<root>/.govreport.lock`` and the store lock of its data/processed, each for its whole run.

fcntl.flock on a file that is never removed: the kernel releases the lock when its holder exits, however it
ends (SIGKILL, a native crash), so a lock left by a dead process never blocks anyone. A second writer
refuses at once, in one line naming the holder (its pid, command line and start time, which the holder writes
into the lock file), or, given ``wait`` seconds (``--wait``), waits that long for the holder to finish first.
The locks are re-entrant within one thread (``build`` holds the store lock its own ingest takes again); a
second thread of the same process is a second writer.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from govreport.errors import GovreportError, describe_path

STORE_LOCK = ".lock"
PROJECT_LOCK = ".govreport.lock"
POLL = 0.1  # seconds between two attempts while waiting

_HELD: dict[str, list] = {}  # lock file (real path) -> [thread id, depth, open handle]
_GUARD = threading.Lock()


def _not_inherited() -> None:
    """In a forked child (a supervised worker), close the held locks' files: flock belongs to the open file,
    which the fork shares, so a worker orphaned by a killed ingest would otherwise keep the store locked
    until its file's budget ran out. Closing a copy releases nothing while the writer itself lives."""
    for entry in list(_HELD.values()):
        try:
            entry[2].close()
        except (OSError, ValueError, IndexError):
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_not_inherited)


class Locked(GovreportError, RuntimeError):
    """Another writer holds the store or the project: one line naming it."""


def store_lock(store, wait: float = 0.0, what: str = "store"):
    """Hold ``<store>/.lock`` (creating the folder) for a ``with`` block."""
    Path(store).mkdir(parents=True, exist_ok=True)
    return holding(Path(store) / STORE_LOCK, wait, f"{describe_path(store)}: another writer is at work on "
                                                   f"this {what}")


def project_lock(root, wait: float = 0.0):
    """Hold ``<root>/.govreport.lock`` for a ``with`` block (``build``)."""
    return holding(Path(root) / PROJECT_LOCK, wait,
                   f"{describe_path(root)}: another `govreport build` is at work on this project")


@contextlib.contextmanager
def holding(lock_file: Path, wait: float, refusal: str):
    """flock ``lock_file`` exclusively (re-entrant in this thread); Locked after ``wait`` seconds."""
    key, me = os.path.realpath(lock_file), threading.get_ident()
    with _GUARD:
        mine = _HELD.get(key)
        if mine is not None and mine[0] == me:
            mine[1] += 1
    if mine is not None and mine[0] == me:
        try:
            yield
        finally:
            with _GUARD:
                mine[1] -= 1
        return
    handle = _acquire(Path(lock_file), wait, refusal)
    with _GUARD:
        _HELD[key] = [me, 1, handle]
    try:
        yield
    finally:
        with _GUARD:
            _HELD.pop(key, None)
        handle.close()  # closing the file releases the lock


def _acquire(lock_file: Path, wait: float, refusal: str):
    handle = open(lock_file, "a+", encoding="utf-8")  # never truncated before it is ours: it names the holder
    deadline = time.monotonic() + max(0.0, float(wait or 0))
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(lock_file)
                handle.close()
                waited = f" after waiting {float(wait):g} s" if wait else ""
                advice = "; run again when it ends" + ("" if wait else ", or pass --wait SECONDS to wait for it")
                raise Locked(f"{refusal}{waited} ({holder}){advice}") from None
            time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "command": " ".join(sys.argv) or sys.executable,
                             "since": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")},
                            ensure_ascii=False) + "\n")
    handle.flush()
    return handle


def _holder(lock_file: Path) -> str:
    """Who holds the lock, as its holder wrote it (one line)."""
    try:
        info = json.loads(lock_file.read_text(encoding="utf-8").splitlines()[0])
        return f"pid {int(info['pid'])}, `{info['command']}`, since {info['since']}"
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return "holder unknown: it has only just started"
