"""A failure that may be the machine's is not kept for ever (issue 16: transient crashes were cached).

A worker killed by the OOM killer on a loaded host, or a file that ran out of time because the machine was
busy, failed for reasons that are not the file's. Such a failure (a crash, a timeout, a memory overrun) is
read once more on the next run; failing again, it is kept like any other failure, so a file that always
crashes costs one extra attempt, not one per run. Faults come from tests/worker_faults.py (``crash-once``
crashes the first time only, as a transient fault does; ``segv`` crashes every time).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import govreport
from locations import DATA, REPO, TESTS
from worker_faults import write_fault

CRASHED = "crashed (signal SIGSEGV) while it was parsed; its worker was replaced"
GOOD = "sanming_shizhengfu_2022.txt"


def _ingest(raw: Path, out: Path, flags: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(TESTS)]),
           "GOVREPORT_TEST_FLAGS": str(flags)}
    code = "import sys, worker_faults; sys.exit(worker_faults.main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "ingest", str(raw), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=150, env=env)


def _state(out: Path) -> tuple[dict, list, int]:
    """(failure rows by file name, report files, retry markers left in the part cache)."""
    data = govreport.load(out)
    failures = {Path(p).name: problem for p, problem in zip(data.failures["path"], data.failures["problem"])}
    markers = len(list((out / ".parts").glob("*/*.retry")))
    return failures, sorted(Path(p).name for p in data.reports["source_file"]), markers


def test_a_crash_is_read_once_more_on_the_next_run_then_kept(tmp_path):
    raw, out, flags = tmp_path / "raw", tmp_path / "processed", tmp_path / "flags"
    raw.mkdir()
    flags.mkdir()
    shutil.copy2(DATA / "real" / GOOD, raw / GOOD)
    write_fault(raw / "crash_once.txt", "crash-once", (DATA / "real" / "sanming_shizhengfu_2019.txt").read_text("utf-8"))
    write_fault(raw / "segv.txt", "segv", "一、总体情况\n")

    first = _ingest(raw, out, flags)
    assert first.returncode == 1, first.stderr[-2000:]
    assert _state(out) == ({"crash_once.txt": CRASHED, "segv.txt": CRASHED}, [GOOD], 2)

    # the next run reads both crashed files again: the transient one now parses, the other fails again
    second = _ingest(raw, out, flags)
    assert second.returncode == 1, second.stderr[-2000:]
    assert _state(out) == ({"segv.txt": CRASHED}, sorted(["crash_once.txt", GOOD]), 0)
    assert govreport.load(out).reports.set_index("source_file").loc[str(raw / "crash_once.txt"), "year"] == 2019

    # failing twice, the crash is the file's: the run after is unchanged and rewrites nothing
    manifest = out / "manifest.json"
    before = manifest.stat().st_mtime_ns
    third = _ingest(raw, out, flags)
    assert third.returncode == 1 and manifest.stat().st_mtime_ns == before
    assert _state(out) == ({"segv.txt": CRASHED}, sorted(["crash_once.txt", GOOD]), 0)
