"""Robust workers (issue 16 item 5): a file that crashes, hangs or outgrows its memory costs one failure row.

Each engine ingests the same small corpus: three real text reports and one file per fault of
tests/worker_faults.py (a native crash, a worker killed with SIGKILL, ``os._exit`` in the reader, a reader
blocked in C past its budget, a Python loop past it, 1 GB held against a 400 MB budget). The run goes
through the command line in a child process with a timeout: on the code before this issue the local engine
died with the crash (exit -11, nothing written), a ``--jobs 2`` pool hung for good after the killed
worker, and Dask ended in a ``KilledWorker`` traceback or waited on the hang forever.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import govreport
from locations import DATA, REPO, TESTS
from worker_faults import write_fault

SECONDS, MEMORY_MB = 3, 400  # the per-file budget of these runs (limits.LIMITS via worker_faults)
DASK_SECONDS = 5  # on Dask a replaced child starts cold (imports, catalogs) beside two Dask workers on 2 cores
ONCE = "sanming_shizhengfu_2022.txt"
GOOD = ["sanming_shizhengfu_2018.txt", "sanming_shizhengfu_2019.txt", "putian_shizhengfu_2019.txt"]
FAULTS = {"segv": "segv", "killed": "kill9", "exits": "exit", "blocked_in_c": "sleep-in-c", "loops": "loop",
          "hog": "memory"}
CRASHED = "crashed (signal {}) while it was parsed; its worker was replaced"


def expected(seconds: float) -> dict:
    """The failure row of each fault file under a per-file budget of ``seconds``."""
    return {
        "segv.txt": CRASHED.format("SIGSEGV"),
        "killed.txt": CRASHED.format("SIGKILL"),
        "exits.txt": "crashed (its worker exited with code 3) while it was parsed; its worker was replaced",
        # SIGALRM cannot reach a C call with the signal blocked: the supervisor kills the worker at budget + grace
        "blocked_in_c.txt": f"timed out after {2 * seconds} s (time limit per file); its worker was stopped",
        # a Python loop is interrupted inside the worker, by the file's own alarm, in its own words
        "loops.txt": f"gave up parsing after {seconds} s (time limit per file)",
        "hog.txt": f"over memory budget: it needed more than {MEMORY_MB} MB (limit per file); its worker was stopped",
    }


EXPECTED = expected(SECONDS)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("faulty") / "raw"
    raw.mkdir()
    for name in GOOD:
        shutil.copy2(DATA / "real" / name, raw / name)
    for name, kind in FAULTS.items():
        write_fault(raw / f"{name}.txt", kind, "一、总体情况\n")
    return raw


def ingest(inputs, out: Path, *options: str, flags: Path = None, seconds: float = SECONDS) -> subprocess.CompletedProcess:
    """``govreport ingest`` with the test faults installed, in a child process (a hang fails the test)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(TESTS)]),
           "GOVREPORT_TEST_SECONDS": str(seconds), "GOVREPORT_TEST_MEMORY_MB": str(MEMORY_MB),
           "GOVREPORT_TEST_FLAGS": str(flags or out.parent)}
    code = "import sys, worker_faults; sys.exit(worker_faults.main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "ingest", *map(str, inputs), "--out", str(out), "--quiet",
                           *options], capture_output=True, text=True, timeout=150, env=env)


def failures(out: Path) -> dict:
    frame = govreport.load(out).failures
    return {Path(p).name: problem for p, problem in zip(frame["path"], frame["problem"])}


@pytest.mark.parametrize("engine", ["local", "processes"])
def test_each_fault_costs_its_file_alone_on_the_machine_engines(corpus, tmp_path, engine):
    """``processes``: kill -9 of one ``--jobs 2`` worker while it holds killed.txt costs that file; before,
    the pool hung for good (stuck at 292/300). ``local``: a native crash ended the run (exit -11)."""
    out = tmp_path / "processed"
    run = ingest([corpus], out, "--engine", engine, "--jobs", "1" if engine == "local" else "2")
    assert run.returncode == 1 and failures(out) == EXPECTED, run.stderr[-2000:]
    assert sorted(Path(p).name for p in govreport.load(out).reports["source_file"]) == sorted(GOOD)
    assert sorted(ln for ln in run.stderr.splitlines() if ln.startswith("error: ")) == \
        sorted(f"error: {corpus / name}: {problem}" for name, problem in EXPECTED.items())
    assert "Traceback" not in run.stderr
    if engine == "local":  # the next run: no crash on the same files, the same rows (before: exit -11 every time)
        again = ingest([corpus], out, "--engine", "local")
        assert (again.returncode, failures(out)) == (1, EXPECTED)


def test_on_dask_a_crash_is_retried_once_and_a_hang_is_stopped_from_outside(corpus, tmp_path):
    """Before: a reader blocked in C or looping stalled the batch (no alarm in a worker thread), and a crash
    ended in a ``KilledWorker`` traceback with nothing written."""
    pytest.importorskip("distributed")
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    # a native crash the first time it is read, then the report itself (a real report below the marker line)
    write_fault(raw / "crash_once.txt", "crash-once", (DATA / "real" / ONCE).read_text(encoding="utf-8"))
    out = tmp_path / "processed"
    run = ingest([raw], out, "--engine", "dask", "--jobs", "2", flags=tmp_path, seconds=DASK_SECONDS)
    assert "Traceback" not in run.stderr and "KilledWorker" not in run.stderr
    again = "while it was parsed, and again when retried;"  # a crash is retried once, in a fresh child
    rows = {name: problem.replace("while it was parsed;", again) for name, problem in expected(DASK_SECONDS).items()}
    assert (run.returncode, failures(out)) == (1, rows), run.stderr[-2000:]
    assert (tmp_path / "crash_once.txt.crashed").exists()  # it did crash, once
    reports = govreport.load(out).reports
    assert sorted(Path(p).name for p in reports["source_file"]) == sorted(GOOD + ["crash_once.txt"])
    assert "三明市人民政府-2022" in set(reports["report_id"])
