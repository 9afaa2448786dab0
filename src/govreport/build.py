"""`govreport build`: data/raw -> data/processed -> executed notebooks -> reports/*.html.

Change detection: a manifest (build/manifest.json) records, per step, a hash
of everything that step depends on (raw file contents, the library's source
and version, the notebook source, the parameters, the export options). A
step whose hash is unchanged and whose output exists is skipped, so a second
run with the same inputs does no work and says so; ``--force`` rebuilds.
Notebooks run in a process pool (``--jobs N``); one failing notebook is
reported (notebook, parameters, cell) and every other page is still published.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Optional

from .paths import ProjectPaths, RootNotFound, project_paths
from .store import sha256_file

YEARLY_NOTEBOOK = "yearly_report.ipynb"
COMPARISON_NOTEBOOK = "comparison.ipynb"
DATA_SUFFIXES = (".csv", ".parquet")


# --------------------------------------------------------------------------
# arguments

def add_build_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options of the ``build`` subcommand (the CLI wires them in)."""
    try:
        parser.add_argument("--root", default=argparse.SUPPRESS,
                            help="project root (the directory holding data/raw); default: $GOVREPORT_ROOT or the checkout")
    except argparse.ArgumentError:
        pass  # the CLI already has a global --root
    parser.add_argument("--force", action="store_true", help="rebuild everything even when nothing changed")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                        help="execute N notebooks in parallel (default 1)")
    parser.add_argument("--with-code", action="store_true", help="keep code cells in the published HTML")
    parser.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                        help="execution timeout per notebook cell (default 600)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the published text")
    return parser


# --------------------------------------------------------------------------
# hashing

def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def library_fingerprint() -> str:
    """Version plus a hash of the package's code and catalogs: a library change rebuilds."""
    import govreport

    package = Path(govreport.__path__[0])
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".csv", ".j2") and "__pycache__" not in p.parts)
    return _digest(getattr(govreport, "__version__", "unknown"),
                   [(str(p.relative_to(package)), sha256_file(p)) for p in files])


def raw_fingerprint(paths: ProjectPaths) -> str:
    return _digest([(p.name, sha256_file(p)) for p in paths.raw_files()])


# --------------------------------------------------------------------------
# jobs

@dataclass
class Job:
    """One notebook run: executed into build/executed, exported to reports/."""

    name: str            # output stem, e.g. yearly_report_2021
    notebook: str        # absolute path of the source notebook
    parameters: dict
    title: str
    executed: str
    html: str
    with_code: bool
    timeout: int
    lang: str
    cwd: str
    jupyter_dir: str
    key: str = ""


@dataclass
class JobResult:
    name: str
    ok: bool
    seconds: float
    message: str = ""


def run_job(job: Job) -> JobResult:
    """Execute and export one notebook; never raises (a failure is a result)."""
    from . import publish

    started = time.perf_counter()
    try:
        publish.install_kernel(Path(job.jupyter_dir))
        publish.execute(Path(job.notebook), Path(job.executed), job.parameters, timeout=job.timeout, cwd=Path(job.cwd))
        publish.export_html(Path(job.executed), Path(job.html), title=job.title, with_code=job.with_code, lang=job.lang)
    except publish.NotebookFailed as exc:
        return JobResult(job.name, False, time.perf_counter() - started, str(exc))
    except Exception as exc:
        return JobResult(job.name, False, time.perf_counter() - started,
                         f"{Path(job.notebook).name} ({publish.describe_parameters(job.parameters)}): "
                         f"export failed: {type(exc).__name__}: {exc}")
    return JobResult(job.name, True, time.perf_counter() - started)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(text))


def plan_jobs(paths: ProjectPaths, data: Any, ingest_key: str, args: argparse.Namespace) -> list[Job]:
    """One yearly page per year present, one comparison per agency with two or more years."""
    from .narrative import agencies_with_years, available_years, comparison_frame, term

    common = dict(with_code=args.with_code, timeout=args.timeout, lang=args.lang,
                  cwd=str(paths.executed), jupyter_dir=str(paths.jupyter_dir))
    jobs = []

    def add(name: str, notebook: Path, parameters: dict, title: str) -> None:
        parameters = {**parameters, "processed_dir": str(paths.processed), "lang": args.lang}
        jobs.append(Job(name=name, notebook=str(notebook), parameters=parameters, title=title,
                        executed=str(paths.executed / f"{name}.ipynb"), html=str(paths.reports / f"{name}.html"),
                        **common))

    for year in available_years(data):
        add(f"yearly_report_{year}", paths.notebooks / YEARLY_NOTEBOOK, {"year": int(year), "agency": None},
            term("year.title", args.lang, year=year))
    for agency_id in agencies_with_years(data, 2):
        frame = comparison_frame(data, agency_id)
        agency = str(frame.sort_values("year")["agency"].iloc[-1]) if not frame.empty else agency_id
        add(f"comparison_{_slug(agency_id)}", paths.notebooks / COMPARISON_NOTEBOOK,
            {"agency": str(agency_id), "years": None}, term("comparison.title", args.lang, agency=agency))
    for job in jobs:
        job.key = _digest(ingest_key, sha256_file(Path(job.notebook)), job.parameters, job.title,
                          job.with_code, job.lang)
    return jobs


# --------------------------------------------------------------------------
# manifest

def _read_manifest(paths: ProjectPaths) -> dict:
    try:
        return json.loads(paths.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(paths: ProjectPaths, manifest: dict) -> None:
    paths.manifest.parent.mkdir(parents=True, exist_ok=True)
    tmp = paths.manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(paths.manifest)


# --------------------------------------------------------------------------
# the build

@dataclass
class _Log:
    quiet: bool = False
    lines: list = field(default_factory=list)

    def __call__(self, message: str, error: bool = False) -> None:
        self.lines.append(message)
        print(message, file=sys.stderr if error else sys.stdout, flush=True)


def _ingest(paths: ProjectPaths, log: _Log) -> bool:
    import govreport

    files = paths.raw_files()
    log(f"ingest: {len(files)} raw file(s) in {paths.raw} -> {paths.processed}")
    paths.processed.mkdir(parents=True, exist_ok=True)
    result = govreport.ingest([paths.raw], paths.processed)
    for failure in getattr(result, "failures", []) or []:
        log(f"  skipped {failure}", error=True)
    return True


def _publish_data(paths: ProjectPaths) -> list[str]:
    """Copy the processed tables next to the reports so the published record is complete."""
    target = paths.reports_data
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    published = []
    for source in sorted(paths.processed.iterdir()):
        if source.is_file() and source.suffix in DATA_SUFFIXES:
            shutil.copy2(source, target / source.name)
            published.append(f"data/{source.name}")
    return published


def _index_rows(data: Any, jobs_ok: dict[str, bool], lang: str):
    from .narrative import agencies_with_years, anchor_for, headline
    from .publish import IndexRow

    reports = data.reports.sort_values(["year", "agency_id"])
    comparable = set(agencies_with_years(data, 2))
    rows = []
    for _, r in reports.iterrows():
        yearly = f"yearly_report_{int(r['year'])}"
        comparison = f"comparison_{_slug(r['agency_id'])}"
        rows.append(IndexRow(
            year=int(r["year"]), agency=str(r["agency"]), agency_id=str(r["agency_id"]),
            template=str(r["template"]), headline=headline(data, str(r["report_id"]), lang)["text"],
            report_href=f"{yearly}.html#{anchor_for(r['agency_id'])}" if jobs_ok.get(yearly) else None,
            comparison_href=f"{comparison}.html" if str(r["agency_id"]) in comparable and jobs_ok.get(comparison)
            else None,
        ))
    return rows


def _remove_stale(paths: ProjectPaths, jobs: list[Job]) -> list[str]:
    """Delete published pages of years/agencies that are no longer in data/raw."""
    keep = {Path(j.html).name for j in jobs}
    removed = []
    if paths.reports.is_dir():
        for page in paths.reports.glob("*.html"):
            if page.name.startswith(("yearly_report_", "comparison_")) and page.name not in keep:
                page.unlink()
                removed.append(page.name)
    return removed


def run_build(args: argparse.Namespace) -> int:
    """Run the whole build; returns the process exit code (0 ok, 1 some page failed, 2 setup error)."""
    started = time.perf_counter()
    log = _Log()
    defaults = add_build_arguments(argparse.ArgumentParser()).parse_args([])
    for key, value in vars(defaults).items():
        if not hasattr(args, key):
            setattr(args, key, value)
    try:
        paths = project_paths(getattr(args, "root", None))
    except RootNotFound as exc:
        log(f"govreport build: {exc}", error=True)
        return 2
    if not paths.raw_files():
        log(f"govreport build: {paths.raw}: no report files to build from", error=True)
        return 2
    if args.jobs < 1:
        log("govreport build: --jobs must be at least 1", error=True)
        return 2

    from . import publish

    check = publish.preflight(paths.jupyter_dir)
    log(f"preflight: {check.message}", error=not check.ok)
    if not check.ok:
        return 2

    manifest = {} if args.force else _read_manifest(paths)
    new_manifest: dict[str, Any] = {"jobs": {}}
    lib_key = library_fingerprint()
    ingest_key = _digest(raw_fingerprint(paths), lib_key)
    new_manifest["ingest"] = ingest_key
    did_ingest = False
    if manifest.get("ingest") == ingest_key and (paths.processed / "reports.parquet").exists():
        log("ingest: raw files and library unchanged, skipped")
    else:
        try:
            _ingest(paths, log)
        except Exception as exc:
            log(f"govreport build: ingest failed: {type(exc).__name__}: {exc}", error=True)
            return 2
        did_ingest = True

    import govreport

    data = govreport.load(paths.processed)
    if data.reports.empty:
        log(f"govreport build: no report in {paths.raw} could be read; nothing to publish", error=True)
        return 1
    jobs = plan_jobs(paths, data, ingest_key, args)
    previous = manifest.get("jobs", {})
    todo = [j for j in jobs if previous.get(j.name) != j.key or not Path(j.html).exists()]
    skipped = [j for j in jobs if j not in todo]
    for job in skipped:
        new_manifest["jobs"][job.name] = job.key
    removed = _remove_stale(paths, jobs)
    if removed:
        log(f"removed stale pages: {', '.join(removed)}")

    results: dict[str, JobResult] = {}
    if todo:
        paths.executed.mkdir(parents=True, exist_ok=True)
        log(f"notebooks: {len(todo)} to run, {len(skipped)} unchanged, {args.jobs} in parallel")
        for job in todo:
            log(f"  start {Path(job.notebook).name} -> {job.name} ({publish.describe_parameters(job.parameters)})")
        if args.jobs == 1 or len(todo) == 1:
            done = (run_job(job) for job in todo)
        else:
            pool = ProcessPoolExecutor(max_workers=min(args.jobs, len(todo)), mp_context=get_context("spawn"))
            done = (f.result() for f in as_completed([pool.submit(run_job, job) for job in todo]))
        try:
            for n, result in enumerate(done, 1):
                results[result.name] = result
                if result.ok:
                    log(f"  [{n}/{len(todo)}] done {result.name} in {result.seconds:.1f}s")
                else:
                    log(f"  [{n}/{len(todo)}] FAILED {result.name}: {result.message}", error=True)
        finally:
            if args.jobs > 1 and len(todo) > 1:
                pool.shutdown()
        for job in todo:
            if results[job.name].ok:
                new_manifest["jobs"][job.name] = job.key
    else:
        log(f"notebooks: all {len(jobs)} unchanged, skipped")

    ok = {j.name: (j.name not in results or results[j.name].ok) for j in jobs}
    index_key = _digest(ingest_key, sorted(new_manifest["jobs"].items()), sorted(ok.items()), args.lang)
    new_manifest["index"] = index_key
    index_path = paths.reports / "index.html"
    wrote_index = False
    if manifest.get("index") != index_key or not index_path.exists() or not paths.reports_data.exists():
        data_files = _publish_data(paths)
        comparisons = []
        for job in jobs:
            if job.name.startswith("comparison_"):
                comparisons.append((job.title, Path(job.html).name if ok[job.name] else None))
        publish.write_index(index_path, _index_rows(data, ok, args.lang), comparisons, data_files, lang=args.lang)
        wrote_index = True
        log(f"index: wrote {index_path} ({len(data.reports)} report rows, {len(data_files)} data files)")
    _write_manifest(paths, new_manifest)

    failed = [r for r in results.values() if not r.ok]
    elapsed = time.perf_counter() - started
    if not did_ingest and not results and not wrote_index:
        log(f"govreport build: up to date, nothing to do ({len(jobs)} pages unchanged; --force rebuilds) "
            f"in {elapsed:.1f}s")
        return 0
    log(f"govreport build: {len(jobs)} pages ({len(results) - len(failed)} built, {len(skipped)} unchanged, "
        f"{len(failed)} failed), ingest {'run' if did_ingest else 'skipped'}, "
        f"index {'written' if wrote_index else 'unchanged'}, in {elapsed:.1f}s -> {paths.reports}")
    return 1 if failed else 0


def main(argv: Optional[list[str]] = None) -> int:
    """Standalone entry point (``python -m govreport.build``) until the CLI wires ``build`` in."""
    parser = add_build_arguments(argparse.ArgumentParser(prog="govreport build", description=__doc__.splitlines()[0]))
    return run_build(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
