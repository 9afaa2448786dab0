"""Test-only faults inside the per-file work of ingest, in whatever process runs it (tests/ is on sys.path).

A report whose first line is ``GOVREPORT-TEST-FAULT <kind>`` misbehaves when it is read, as a hostile file
or a broken native library would; any other file is parsed as usual (``pipeline.stored_part``). The faults
happen in the worker that reads the file, so they cross every process boundary: forked workers inherit
this module, a Dask worker imports it when it unpickles the per-file function (``PerFile(read)``).

Kinds: ``segv`` (a native crash), ``kill9`` (the worker killed with SIGKILL, as by ``kill -9`` or the OOM
killer), ``exit`` (``os._exit(3)`` inside the reader), ``sleep-in-c`` (blocked in a C call that no signal
interrupts), ``loop`` (a Python infinite loop), ``memory`` (allocates 640 MB and holds it), ``crash-once``
(a native crash the first time only: a retry succeeds).

``GOVREPORT_TEST_SECONDS`` / ``GOVREPORT_TEST_MEMORY_MB`` shorten the per-file budget (limits.LIMITS) in
every process that imports this module; ``main(argv)`` is ``govreport`` with these faults installed.
"""
from __future__ import annotations

import dataclasses
import faulthandler
import os
import signal
import sys
import time
from pathlib import Path

MARKER = b"GOVREPORT-TEST-FAULT "
_STORED = None  # pipeline.stored_part as it was before main() put ``read`` in its place


import govreport.pipeline  # noqa: E402,F401  (a Dask worker imports the stages once, not in every task's child)


def _shorten_budgets() -> None:
    from govreport import readers
    from govreport.readers import limits

    changes = {}
    if os.environ.get("GOVREPORT_TEST_SECONDS"):
        changes["markup_seconds"] = float(os.environ["GOVREPORT_TEST_SECONDS"])
    if os.environ.get("GOVREPORT_TEST_MEMORY_MB"):
        changes["memory_mb"] = int(os.environ["GOVREPORT_TEST_MEMORY_MB"])
    if changes:
        limits.LIMITS = readers.LIMITS = dataclasses.replace(limits.LIMITS, **changes)


_shorten_budgets()


def fault_of(path) -> str:
    with open(path, "rb") as fh:
        head = fh.readline()
    return head[len(MARKER):].strip().decode() if head.startswith(MARKER) else ""


def _real_stored_part():
    from govreport import pipeline

    return _STORED or pipeline.stored_part


def read(path, sha256: str):
    """``pipeline.stored_part``, after the file's fault (if it names one)."""
    kind = fault_of(path)
    if kind == "segv" or (kind == "crash-once" and _first_time(path)):
        faulthandler.disable()  # no stack dump of the crashed worker on stderr (pytest enables it)
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "kill9":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "exit":
        os._exit(3)
    elif kind == "sleep-in-c":
        _blocked_in_c(3600)
    elif kind == "loop":
        while True:
            pass
    elif kind == "memory":
        hog = bytearray(640 * 1024 * 1024)
        hog[::4096] = b"x" * len(range(0, len(hog), 4096))  # touched: resident
        _blocked_in_c(3600)
    return _real_stored_part()(path, sha256)


def _blocked_in_c(seconds: float) -> None:
    """Sleep with SIGALRM blocked: a C call that the file's own alarm cannot interrupt."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)


def _first_time(path) -> bool:
    """True once per file and flag folder (``GOVREPORT_TEST_FLAGS``, outside the corpus: ingest would list a
    flag file beside the report as an unsupported input)."""
    flag = Path(os.environ["GOVREPORT_TEST_FLAGS"]) / f"{Path(path).name}.crashed"
    if flag.exists():
        return False
    flag.write_text("crashed once\n")
    return True


def write_fault(path: Path, kind: str, body: str = "") -> Path:
    """A report file whose reading fails as ``kind``."""
    path.write_bytes(MARKER + kind.encode() + b"\n" + body.encode("utf-8"))
    return path


def main(argv=None) -> int:
    from govreport import cli, pipeline

    global _STORED
    _STORED, pipeline.stored_part = pipeline.stored_part, read
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
