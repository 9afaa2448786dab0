"""Fault injection for ingest and build: SIGKILL at the Nth write point, and the checks of what is left.

A *write point* is every call that changes what a reader sees on disk:
``os.replace`` (each atomic file write of the store, pages and manifests),
``staging._exchange`` and ``os.rename`` (the swap of ``reports/``), ``shutil.copy2``
(published data and reused pages; killed half way through the copy) and
``shutil.rmtree``.

Run as a script (``kill_matrix``), this module first counts the write points
of one ingest or build, then for each point N runs it again on a fresh copy of
the old state and kills the run (SIGKILL: no cleanup code runs) just before
write point N, then records what a reader sees and what the next run yields.

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
def install_kill_switch(kill_at: int, counter: list) -> None:
    """Count write points; SIGKILL this process just before write point ``kill_at`` (never if 0)."""
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
    for module, name in ((os, "replace"), (os, "rename"), (shutil, "copy2"), (shutil, "rmtree"),
                         (staging, "_exchange")):
        real = getattr(module, name)
        setattr(module, name, lambda *a, _n=name.lstrip("_"), _r=real, **k: point(_n, _r, *a, **k))


def _fork(work) -> int:
    """Run ``work()`` in a forked child; return its wait status (the child never returns here)."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


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


def kill_matrix(kind: str, template: Path, work: Path, inputs=(), points: str = "all") -> list[dict]:
    """Kill ``kind`` at write points, each time on a fresh copy of ``template``.

    ``points``: "all", "sample" (every point after the ingest phase, and the first,
    second, middle and last point of the ingest phase, whose points the ingest
    matrix covers one by one) or a comma-separated list of point labels such as
    "copy2 values.csv". One child process imports the library once and forks a
    run per kill point (a fresh interpreter per point costs ~3 s). Returns, per
    point, the write it was about to do, what a reader sees after the kill and
    after the next complete run.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    proc = subprocess.run([sys.executable, str(Path(__file__)), kind, str(template), str(work), points,
                           *map(str, inputs)], capture_output=True, text=True, timeout=900, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def _selected(points: list[str], spec: str) -> list[int]:
    """1-based numbers of the write points to kill at."""
    numbers = list(range(1, len(points) + 1))
    if spec == "all":
        return numbers
    if spec != "sample":
        wanted = spec.split(",")
        return [n for n in numbers if points[n - 1] in wanted]
    ingest_end = points.index("replace manifest.json") + 1  # the processed manifest closes the ingest phase
    return sorted({1, 2, (ingest_end + 1) // 2, ingest_end} | set(range(ingest_end + 1, len(points) + 1)))


def _main(argv) -> int:
    kind, template, work, spec, inputs = argv[0], Path(argv[1]), Path(argv[2]), argv[3], argv[4:]
    import govreport  # noqa: F401  imported once, before the forks
    from govreport import publish  # noqa: F401
    from govreport.publish import build
    from govreport import report as narrative
    if kind == "build":
        use_fake_notebooks(setattr)
    target = lambda n: work / str(n) / template.name  # noqa: E731
    shutil.copytree(template, target(0), symlinks=True)
    status = _fork(lambda: _killed_run(kind, 0, target(0), inputs, work / "points.json"))
    assert status == 0, status
    points = json.loads((work / "points.json").read_text(encoding="utf-8"))["points"]
    for n in _selected(points, spec):
        point = points[n - 1]
        shutil.copytree(template, target(n), symlinks=True)
        status = _fork(lambda: _killed_run(kind, n, target(n), inputs, work / f"{n}.unexpected"))
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        _fork(lambda: _after(kind, target(n), inputs, work / f"{n}.json"))
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
