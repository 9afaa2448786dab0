"""Fault injection for ingest and build: SIGKILL at the Nth write point, and the checks of what is left.

A *write point* is every call that changes what a reader sees on disk:
``os.replace`` (each atomic file write of the store, pages and manifests),
``staging._exchange`` and ``os.rename`` (the swap of ``reports/``), ``shutil.copy2``
(published data and reused pages; killed half way through the copy) and
``shutil.rmtree``.

Run as a script (``kill_matrix``), this module first counts the write points
of one ingest or build, then for each selected point N runs it again on a fresh
copy of the old state and kills the run (SIGKILL: no cleanup code runs) just
before write point N, then records what a reader sees and what the next run
yields. By default the points are a sample that kills at every kind of write
point (``sampled``: ~10 of an ingest's 34, 29 of a build's 83);
GOVREPORT_FULL_KILL_MATRIX=1 kills at every point (~4 times as long).

Builds here use a stand-in for the notebook step (``fake_run_job`` writes a
small page through the real atomic page writer) and skip the kernel preflight:
what is under test is the store and the publishing, and a real notebook run
costs ~10 s per page per kill point. The real notebooks are built end to end
in test_build.py.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "data" / "raw"
SEED_2018 = "shapotou_gov_service_center_2018.txt"
SEED_2021 = "shapotou_gov_service_center_2021.txt"


# ------------------------------------------------------------------ the notebook stand-in
def fake_run_job(job):
    """Write ``job.html`` as the real export does (checked, atomic), naming the job and its parameters."""
    from govreport.publish import build
    from govreport.publish.export import write_page
    body = f"<!DOCTYPE html><html><body><h1>{html.escape(job.title)}</h1>" \
           f"<p class=\"job\">{html.escape(job.name)} {html.escape(json.dumps(job.parameters, sort_keys=True))}</p>" \
           f"</body></html>\n"
    write_page(Path(job.html), body)
    return build.JobResult(job.name, True, 0.0)


def use_fake_notebooks(patch) -> None:
    """``patch(obj, name, value)`` (monkeypatch.setattr or setattr): no kernel, stand-in pages."""
    from govreport.publish import build, execution
    patch(build, "run_job", fake_run_job)
    patch(execution, "preflight", lambda jupyter_dir: execution.Preflight(True, "test: notebooks replaced by pages"))


def build_quietly(root: Path, **overrides) -> int:
    import argparse
    import contextlib
    import io

    from govreport.publish.build import add_build_arguments, run_build

    args = add_build_arguments(argparse.ArgumentParser()).parse_args(["--root", str(root)])
    for key, value in overrides.items():
        setattr(args, key, value)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return run_build(args)


def make_root(parent: Path, seeds=(SEED_2021,)) -> Path:
    root = Path(parent) / "project"
    (root / "data" / "raw").mkdir(parents=True)
    for name in seeds:
        shutil.copy2(SEEDS / name, root / "data" / "raw" / name)
    from govreport.paths import packaged_notebooks

    shutil.copytree(packaged_notebooks(), root / "notebooks")
    return root


# ------------------------------------------------------------------ the kill switch
def install_kill_switch(kill_at: int, counter: list):
    """Count write points; SIGKILL this process just before write point ``kill_at`` (never if 0).

    Returns a function that puts the real calls back (the counting run runs in the matrix's parent)."""
    def point(name, real, *args, **kwargs):
        counter.append(f"{name} {Path(str(args[-1] if name != 'rmtree' else args[0])).name}")
        if len(counter) == kill_at:
            if name == "copy2":  # half the file under its final name, then the kill
                data = Path(args[0]).read_bytes()
                with open(args[1], "wb") as f:
                    f.write(data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    from govreport.publish import staging
    reals = [(module, name, getattr(module, name)) for module, name in (
        (os, "replace"), (os, "rename"), (shutil, "copy2"), (shutil, "rmtree"), (staging, "_exchange"))]
    for module, name, real in reals:
        setattr(module, name, lambda *a, _n=name.lstrip("_"), _r=real, **k: point(_n, _r, *a, **k))
    return lambda: [setattr(module, name, real) for module, name, real in reals]


def _fork(work) -> int:
    """Run ``work()`` in a forked child; return its wait status (the child never returns here)."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        except BaseException:
            import traceback

            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    return os.waitpid(pid, 0)[1]


def _reap_the_killed_run(seconds: float = 120.0) -> None:
    """Wait until every process of the killed run has ended. Its ingest workers (forked, holding the
    store lock they inherited) outlive a SIGKILL of their parent until they see their socket close; the
    matrix is their subreaper (``_main``), so they end here, and the next run starts after them."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                time.sleep(0.02)
        except ChildProcessError:
            return
    raise AssertionError(f"a process of the killed run was still alive after {seconds} s")


def _run(kind: str, target: Path, inputs) -> int:
    import govreport

    if kind == "ingest":
        govreport.ingest(list(inputs), target)
        return 0
    return build_quietly(target)


def _killed_run(kind: str, kill_at: int, target: Path, inputs, points_file: Path) -> None:
    counter: list = []
    install_kill_switch(kill_at, counter)
    code = _run(kind, target, inputs)
    points_file.write_text(json.dumps({"code": code, "points": counter}, ensure_ascii=False), encoding="utf-8")


def _safe(check, *args):
    """A broken record is recorded (``["broken", why]``), not raised."""
    try:
        return check(*args)
    except Exception as exc:
        return ["broken", f"{type(exc).__name__}: {exc}"]


def _state(kind: str, target: Path):
    """What a reader sees."""
    if kind == "ingest":
        return _safe(processed_state, target)
    return {"published": _safe(published_state, target),
            "processed": _safe(processed_state, target / "data" / "processed")}


def _after(kind: str, target: Path, inputs, out: Path) -> None:
    """What a reader sees after the kill, then after one more complete run."""
    after = _state(kind, target)
    code = _run(kind, target, inputs)
    out.write_text(json.dumps({"after_kill": after, "next_code": code, "next_run": _state(kind, target)},
                              ensure_ascii=False), encoding="utf-8")


def kill_matrix(kind: str, template: Path, work: Path, inputs=(), points: str = "sample") -> tuple[list, list]:
    """Kill ``kind`` at write points, each time on a fresh copy of ``template``.

    ``points``: "sample" (``sampled``, the default), "all" (every point; also what
    GOVREPORT_FULL_KILL_MATRIX=1 makes of "sample") or a comma-separated list of
    "sample" and point labels such as "replace values.csv" (every point so named).
    One child process imports the library and makes one complete counting run
    (which also loads every lazy import and catalog), then forks a run per kill
    point (a fresh interpreter per point costs ~3 s). Returns every write point
    of a complete run, in order, and per killed point its number ``n`` (1-based),
    the write it was about to do, what a reader sees after the kill and after
    the next complete run.
    """
    if os.environ.get("GOVREPORT_FULL_KILL_MATRIX") == "1":
        points = "all"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    proc = subprocess.run([sys.executable, str(Path(__file__)), kind, str(template), str(work), points,
                           *map(str, inputs)], capture_output=True, text=True, timeout=1800, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return lines[0]["points"], lines[1:]


def write_kind(label: str) -> str:
    """The kind of a write point: a part, a table file (CSV or Parquet, of the store or the published
    data), a page, or the operation or file itself (manifest.json, exchange, rmtree, govreport.xlsx)."""
    operation, _, name = label.partition(" ")
    if operation in ("rmtree", "exchange", "rename"):
        return operation
    category = ("part" if name.endswith(".arrow") else "table" if name.endswith((".parquet", ".csv"))
                else "page" if name.endswith(".html") else name)
    return f"{operation} {category}"


def _table_kind(label: str) -> str:
    """parquet, csv, partition (values/year=2018/part-0.parquet) or empty (a table without rows)."""
    name = label.partition(" ")[2]
    return "partition" if name.startswith("part-") else "empty" if name == "empty.parquet" else name.rsplit(".", 1)[1]


def sampled(points: list[str], covered: int = 0) -> list[int]:
    """1-based numbers of the write points the sampled matrix kills at.

    Consecutive points of one kind (``write_kind``) leave states that differ only in how many files of
    that kind are new, so each run of them is killed at its first point (nothing of the run written),
    its middle and its last (all but one written); a run of table files also at the first and last
    point of each table kind (Parquet, CSV, per-year partition: the last of these falls between two
    partitions of one table, empty table). Every point of a kind that stands alone (the manifest,
    the exchange of reports/, rmtree, the workbook, the database, the build record) is kept.
    ``covered``: the first ``covered`` points are a phase another matrix kills at one by one
    (build's ingest, covered by the ingest matrices): only its first, second, middle and last.
    """
    chosen = {n for n in (1, 2, (covered + 1) // 2, covered) if 1 <= n <= covered}
    n = covered + 1
    while n <= len(points):
        end = n
        while end < len(points) and write_kind(points[end]) == write_kind(points[n - 1]):
            end += 1
        run = range(n, end + 1)
        chosen |= {n, (n + end) // 2, end}
        if write_kind(points[n - 1]).endswith(" table"):
            for table_kind in {_table_kind(points[i - 1]) for i in run}:
                same = [i for i in run if _table_kind(points[i - 1]) == table_kind]
                chosen |= {same[0], same[-1]}
        n = end + 1
    return sorted(chosen)


def selected(kind: str, points: list[str], spec: str) -> list[int]:
    """1-based numbers of the write points to kill at (``kill_matrix``'s ``points``)."""
    wanted = set(spec.split(","))
    covered = points.index("replace manifest.json") + 1 if kind == "build" else 0  # the processed manifest
    #   closes build's ingest phase
    chosen = set(range(1, len(points) + 1)) if "all" in wanted else set()
    chosen |= set(sampled(points, covered)) if "sample" in wanted else set()
    return sorted(chosen | {n for n, label in enumerate(points, 1) if label in wanted})


def _main(argv) -> int:
    kind, template, work, spec, inputs = argv[0], Path(argv[1]), Path(argv[2]), argv[3], argv[4:]
    import ctypes

    import govreport  # noqa: F401  imported once, before the forks
    assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER: see _reap_the_killed_run
    if kind == "build":
        use_fake_notebooks(setattr)
    target = lambda n: work / str(n) / template.name  # noqa: E731
    shutil.copytree(template, target(0), symlinks=True)
    points: list = []
    restore = install_kill_switch(0, points)  # the counting run, here: every fork below starts warm
    code = _run(kind, target(0), inputs)
    restore()
    assert code == 0, code
    print(json.dumps({"points": points}, ensure_ascii=False), flush=True)
    for n in selected(kind, points, spec):
        point = points[n - 1]
        shutil.copytree(template, target(n), symlinks=True)
        status = _fork(lambda: _killed_run(kind, n, target(n), inputs, work / f"{n}.unexpected"))
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        _reap_the_killed_run()
        assert _fork(lambda: _after(kind, target(n), inputs, work / f"{n}.json")) == 0, n
        result = json.loads((work / f"{n}.json").read_text(encoding="utf-8"))
        print(json.dumps({"n": n, "point": point, "killed": killed, **result}, ensure_ascii=False), flush=True)
        shutil.rmtree(work / str(n))
    return 0


# ------------------------------------------------------------------ what a reader sees
def processed_state(folder: Path):
    """('ok', sorted report ids) for a loadable folder, or ('refused', the one-line message)."""
    import govreport
    from govreport.store import IncompleteData

    try:
        data = govreport.load(folder)
    except (FileNotFoundError, IncompleteData) as exc:
        assert "\n" not in str(exc) and "govreport ingest" in str(exc), str(exc)
        return "refused", str(exc)
    ids = sorted(data.reports["report_id"])
    assert sorted(set(data.values["report_id"])) == ids  # tables of one run
    assert len(data.values) == len(data.values.dropna(subset=["metric"]))
    return "ok", ids


def published_state(root: Path):
    """The published record as a reader sees it: (page names, report rows in the index).

    Asserts that it is whole: every link of the index resolves, every published data
    file is the one its manifest records, and the data load as one ingest run whose
    reports are the index's rows.
    """
    import govreport

    reports = root / "reports"
    if not reports.is_dir():
        return None
    index = (reports / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"#]+)', index):
        assert (reports / unquote(html.unescape(href))).is_file(), href
    data = govreport.load(reports / "data")  # raises unless every data file matches the manifest
    listed = {p.relative_to(reports / "data").as_posix() for p in (reports / "data").rglob("*")
              if p.is_file()} - {"manifest.json"}  # values/year=2021/part-0.parquet and friends
    manifest = json.loads((reports / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert listed == set(manifest["files"])
    rows = len(re.findall(r"<tr><td>\d{4}</td>", index))
    assert rows == len(data.reports)
    pages = sorted(p.name for p in reports.glob("*.html") if p.name != "index.html")
    return pages, rows


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
