"""`govreport build`: data/raw -> data/processed -> executed notebooks -> reports/*.html.

One truth: the processed tables are used only when their manifest is intact and
records exactly the files of the current ``data/raw`` (paths and sha256);
otherwise the build ingests again, so a partial or killed ingest never decides
what is published. Change detection: build/manifest.json records, per page, a
hash of what that page shows (the report rows it uses -- ids and source sha256 of
its reports and of their agencies' other years), the library's source and version,
the notebook, the parameters and the export options, and the sha256 of every
published file; a page whose hash is unchanged and whose published file is intact
is reused, so adding one report rebuilds that year's page, that agency's comparison
and the index, and a second run with the same inputs does no work and says so
(``--force`` rebuilds). A build with an input that could not be read still
publishes everything else, lists the failed files on the index and exits 1.
``--lang en`` publishes to reports/en/ (its own manifest), never over the Chinese site. Publishing is atomic as a whole: the next ``reports/``
is assembled in a sibling folder and swapped in with renames; a build killed at
any point leaves the previous record, and the next build repairs and completes
it. Notebooks run in a process pool (``--jobs N``); one failing notebook is
reported (notebook, parameters, cell) and every other page is still published.
A page never takes another down: a page that fails keeps its previously published
version (recorded as such), or, when there is none, is listed as failed on the
index and every link to it is removed from the other pages; the build names the
page and exits 1.
The methods page (methods.html: what each check means, measured accuracy, licence,
citation, sources) is written beside the index from the catalog and the stored
tables, and copied unchanged while its key (manifest ``methods``) stays the same.
So is the changelog (changes.html, data/changes.csv: changelog.py), which lists what changed against the
data published before this build.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Optional

import govreport

from govreport.ingestion.discover import discover, report_files, source_records
from govreport.ingestion.lock import Locked, project_lock, store_lock
from govreport.paths import ProjectPaths, RootNotFound, project_paths
from govreport.publish import changelog, execution, methods_page, record
from govreport.publish.changelog import CHANGES_PAGE
from govreport.publish.index import IndexRow, write_index
from govreport.publish.pages import Job, JobResult, digest, manifest_path, plan_jobs, run_job, site_dir
from govreport.publish.pages import PageOutcome, page_ids, page_outcome, page_records, unlink_missing
from govreport.publish.record import BUILD_RECORD, METHODS_PAGE, SOURCES_DIR
from govreport.publish.staging import recover, staging_dir, swap, tree_digest
from govreport.report import Dataset, agencies_with_years, headline
from govreport.report.links import comparison_page, report_anchor
from govreport.report.methods import citation_text
from govreport.store import IncompleteData, sha256_file, verify, write_text

PAGE_PREFIXES = ("yearly_report_", "comparison_")
INDEX = "index.html"
DATA_DIR = "data"


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
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="when another build or an ingest into data/processed is at work, wait up to SECONDS "
                             "for it (default: refuse at once, naming it)")
    return parser


# --------------------------------------------------------------------------
# hashing (pages.digest: one hash for manifests and page keys)

def library_fingerprint() -> str:
    """Version plus a hash of the package's code and catalogs: a library change rebuilds."""
    package = Path(govreport.__path__[0])
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".csv", ".j2") and "__pycache__" not in p.parts)
    return digest(getattr(govreport, "__version__", "unknown"),
                   [(str(p.relative_to(package)), sha256_file(p)) for p in files])


def raw_sources(paths: ProjectPaths) -> list[dict]:
    """Every file ingest would read under data/raw, as the processed manifest records it."""
    files, _ = discover([paths.raw])
    return source_records(files, [paths.raw])


def raw_fingerprint(paths: ProjectPaths) -> str:
    return digest(raw_sources(paths))


# --------------------------------------------------------------------------
# manifest and lock

def _read_manifest(paths: ProjectPaths, lang: str = "zh") -> dict:
    try:
        manifest = json.loads(manifest_path(paths, lang).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _write_manifest(paths: ProjectPaths, manifest: dict, lang: str = "zh") -> None:
    write_text(json.dumps(manifest, indent=1, sort_keys=True), manifest_path(paths, lang))


BuildLocked = Locked  # another build (or an ingest into data/processed) is at work on the project


@contextlib.contextmanager
def _lock(paths: ProjectPaths, wait: float = 0.0):
    """One writer per project and per store (ingestion/lock.py), for the whole build: the project lock, and
    the store lock of data/processed (its own ingest takes it again), so an ingest into data/processed never
    changes the tables a build is publishing. The locks die with their process, even on SIGKILL."""
    with project_lock(paths.root, wait), store_lock(paths.processed, wait, "project's processed store"):
        yield


# --------------------------------------------------------------------------
# the build

@dataclass
class _Log:
    quiet: bool = False
    lines: list = field(default_factory=list)

    def __call__(self, message: str, error: bool = False) -> None:
        self.lines.append(message)
        print(message, file=sys.stderr if error else sys.stdout, flush=True)


def processed_problem(paths: ProjectPaths, sources: list[dict]) -> Optional[str]:
    """Why data/processed cannot be used as the tables of the current data/raw (None: it can)."""
    try:
        manifest = verify(paths.processed)
    except (FileNotFoundError, IncompleteData) as exc:
        return str(exc)
    if manifest.get("sources") != sources:
        return f"{paths.processed} was not ingested from the current {paths.raw}"
    return None


def _ingest(paths: ProjectPaths, sources: list[dict], log: _Log) -> None:
    log(f"ingest: {len(sources)} raw file(s) in {paths.raw} -> {paths.processed}")
    result = govreport.ingest([paths.raw], paths.processed, replace=True)  # data/raw is the truth
    for failure in getattr(result, "failures", []) or []:
        log(f"  skipped {failure}", error=True)
    for duplicate in getattr(result, "duplicates", []) or []:  # no failure: one copy was read
        log(f"  note: {duplicate}")


def _ensure_processed(paths: ProjectPaths, manifest: dict, ingest_key: str, sources: list[dict],
                      log: _Log) -> Optional[bool]:
    """Ingest unless data/processed is intact and made from the current data/raw.

    Returns whether ingest ran, or None when the tables still cannot be used."""
    problem = processed_problem(paths, sources)
    if manifest.get("ingest") == ingest_key and problem is None:
        log("ingest: raw files and library unchanged, skipped")
        return False
    if problem and manifest.get("ingest") == ingest_key:
        log(f"ingest: processed tables cannot be used ({problem.splitlines()[0]}); ingesting again")
    try:
        _ingest(paths, sources, log)
    except Exception as exc:
        log(f"govreport build: ingest failed: {type(exc).__name__}: {exc}", error=True)
        return None
    problem = processed_problem(paths, sources)
    if problem:  # data/raw changed while ingest read it
        log(f"govreport build: {problem}", error=True)
        return None
    return True


def _index_rows(data: Dataset, jobs_ok: dict[str, bool], lang: str, kept_ids: Optional[dict[str, set]] = None):
    """One row per report; ``jobs_ok`` says which pages are published (built, reused or kept), ``kept_ids``
    the in-page ids of each kept older page (a report it does not show gets no link)."""
    reports = data.reports.sort_values(["year", "agency_id"])
    comparable = set(agencies_with_years(data, 2))
    rows = []
    for _, r in reports.iterrows():
        yearly = f"yearly_report_{int(r['year'])}"
        comparison = comparison_page(str(r["agency_id"]))[: -len(".html")]
        anchor = report_anchor(r["report_id"])
        shown = jobs_ok.get(yearly) and anchor in (kept_ids or {}).get(yearly, {anchor})
        rows.append(IndexRow(
            year=int(r["year"]), agency=str(r["agency"]), agency_id=str(r["agency_id"]),
            template=str(r["template"]), headline=headline(data, str(r["report_id"]), lang)["text"],
            report_href=f"{yearly}.html#{anchor}" if shown else None,
            comparison_href=f"{comparison}.html" if str(r["agency_id"]) in comparable and jobs_ok.get(comparison)
            else None,
        ))
    return rows


def _run_jobs(todo: list[Job], args: argparse.Namespace, log: _Log) -> dict[str, JobResult]:
    results: dict[str, JobResult] = {}
    log(f"notebooks: {len(todo)} to run, {args.jobs} in parallel")
    for job in todo:
        log(f"  start {Path(job.notebook).name} -> {job.name} ({execution.describe_parameters(job.parameters)})")
    pool = None
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
        if pool is not None:
            pool.shutdown()
    return results


def _foreign(relative: str) -> bool:
    """A file in the site folder that the build does not make (kept across builds; reports/en/ among them)."""
    return not (relative in (INDEX, BUILD_RECORD, METHODS_PAGE, CHANGES_PAGE)
                or relative.startswith((DATA_DIR + "/", SOURCES_DIR + "/"))
                or ("/" not in relative and relative.startswith(PAGE_PREFIXES) and relative.endswith(".html")))


def _other_language(paths: ProjectPaths, lang: str) -> Optional[tuple[str, str]]:
    """The other language's index, when it is published: (its language, href from this site)."""
    other = "en" if lang == "zh" else "zh"
    href = f"{other}/{INDEX}" if lang == "zh" else f"../{INDEX}"
    return (other, href) if (site_dir(paths, other) / INDEX).is_file() else None


def _page_records(paths: ProjectPaths, args: argparse.Namespace, jobs: list[Job], reused: list[Job],
                  pages: PageOutcome) -> dict[str, dict]:
    return page_records(_read_manifest(paths, args.lang).get("pages", {}), jobs, reused, pages)


def _stage(paths: ProjectPaths, site: Path, staging: Path, data: Dataset, jobs: list[Job], reused: list[Job],
           pages: PageOutcome, current: dict[str, str], args: argparse.Namespace, library: str,
           version: str) -> tuple[int, str]:
    """Fill ``staging``: reused and kept pages, foreign files, data (with the changelog), sources, build record,
    the methods and changes pages and, last, the index; links to a page that is not there are removed.
    Returns the number of data tables and the methods page's key."""
    for relative in [f"{j.name}.html" for j in reused + pages.kept] + [r for r in current if _foreign(r)]:
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(site / relative, staging / relative)
    changes = changelog.changes_for_build(site, data, paths.processed, version, paths.root, DATA_DIR)
    tables = record.publish_data(paths.processed, staging / DATA_DIR, paths.root,
                                 more={changelog.CHANGES_TABLE: changes.table})
    copies = record.source_copies(data, set(data.reports["report_id"].astype(str)), paths.raw, paths.root)
    sources = [r for _, r in copies]
    record.copy_sources(staging / record.SOURCES_DIR, copies)
    failures = record.failed_inputs(data, paths.root)
    other = _other_language(paths, args.lang)
    methods_key = _stage_methods(paths, site, staging, data, current, args, library, version, other)
    document = record.build_record(
        version=getattr(govreport, "__version__", "unknown"), library=library, data_version=version,
        data=data, sources=sources, failures=failures, pages=_page_records(paths, args, jobs, reused, pages),
        lang=args.lang)
    document["methods_page"] = {"path": record.METHODS_PAGE, "key": methods_key, "data_version": version}
    document["changes"] = changelog.publish_changes(staging, site, changes, lang=args.lang, library=library, other=other,
                                                    version=getattr(govreport, "__version__", "unknown"), force=args.force)
    record.write_json(document, staging / record.BUILD_RECORD)
    published = pages.published()
    comparisons = [(j.title, Path(j.html).name if published[j.name] else None)
                   for j in jobs if j.name.startswith("comparison_")]
    footer = record.footer(args.lang, getattr(govreport, "__version__", "unknown"), version[:12], [])
    if pages.failed:  # only then can a page link to one that is not there
        unlink_missing(staging)
    kept_ids = {j.name: page_ids((staging / f"{j.name}.html").read_text(encoding="utf-8")) for j in pages.kept}
    write_index(staging / INDEX, _index_rows(data, published, args.lang, kept_ids), comparisons, tables,
                        lang=args.lang, failures=failures, other=other, footer=footer, methods=record.METHODS_PAGE,
                        failed_pages=pages.failed, downloads=record.published_downloads(staging / DATA_DIR),
                        cite=citation_text(getattr(govreport, "__version__", "unknown"), version, args.lang),
                        changes=(changelog.CHANGES_PAGE, changelog.summary(changes, args.lang)))
    record.make_servable(staging)
    return len(tables), methods_key


def _stage_methods(paths: ProjectPaths, site: Path, staging: Path, data: Dataset, current: dict[str, str],
                   args: argparse.Namespace, library: str, version: str, other: Optional[tuple[str, str]]) -> str:
    """Write the methods page into ``staging`` (or copy the published one when its key is unchanged); its key."""
    inputs = methods_page.methods_inputs(data, paths.raw, paths.root, getattr(govreport, "__version__", "unknown"),
                                         version)
    key = methods_page.page_key(inputs, library, args.lang, other)
    manifest = _read_manifest(paths, args.lang)
    intact = METHODS_PAGE in current and current[METHODS_PAGE] == manifest.get("published", {}).get(METHODS_PAGE)
    methods_page.publish_methods(staging, site, inputs, key=key, lang=args.lang, other=other,
                                 reusable=not args.force and manifest.get("methods") == key and intact)
    return key


def _setup(args: argparse.Namespace, log: _Log) -> Optional[ProjectPaths]:
    defaults = add_build_arguments(argparse.ArgumentParser()).parse_args([])
    for key, value in vars(defaults).items():
        if not hasattr(args, key):
            setattr(args, key, value)
    try:
        paths = project_paths(getattr(args, "root", None))
    except RootNotFound as exc:
        log(f"govreport build: {exc}", error=True)
        return None
    if not report_files(paths.raw):
        log(f"govreport build: {paths.raw}: no report files to build from", error=True)
        return None
    if args.jobs < 1:
        log("govreport build: --jobs must be at least 1", error=True)
        return None
    return paths


def run_build(args: argparse.Namespace) -> int:
    """Run the whole build; returns the process exit code (0 ok, 1 some page failed, 2 setup error)."""
    log = _Log()
    paths = _setup(args, log)
    if paths is None:
        return 2
    try:
        with _lock(paths, args.wait):
            return _build(paths, args, log)
    except BuildLocked as exc:
        log(f"govreport build: {exc}", error=True)
        return 2


def _failed_inputs_line(data: Dataset, paths: ProjectPaths, log: _Log) -> int:
    """Name every input that could not be read (one line each); returns how many."""
    failures = record.failed_inputs(data, paths.root)
    for failure in failures:
        log(f"  input failed: {failure['path']}: {failure['problem']}", error=True)
    return len(failures)


def _build(paths: ProjectPaths, args: argparse.Namespace, log: _Log) -> int:
    started = time.perf_counter()
    check = execution.preflight(paths.jupyter_dir)
    log(f"preflight: {check.message}", error=not check.ok)
    if not check.ok:
        return 2
    site = site_dir(paths, args.lang)
    site.parent.mkdir(parents=True, exist_ok=True)
    for line in recover(site):
        log(f"publish: {line}")

    manifest = {} if args.force else _read_manifest(paths, args.lang)
    sources = raw_sources(paths)
    library = library_fingerprint()
    ingest_key = digest(digest(sources), library)
    known = {**_read_manifest(paths, "zh" if args.lang != "zh" else "en"), **manifest} if not args.force else {}
    did_ingest = _ensure_processed(paths, known, ingest_key, sources, log)
    if did_ingest is None:
        return 2

    data = Dataset.from_processed(govreport.load(paths.processed))  # a mistyped table name is an error
    n_failed_inputs = _failed_inputs_line(data, paths, log)
    if data.reports.empty:
        log(f"govreport build: no report in {paths.raw} could be read; nothing to publish", error=True)
        return 1
    version = record.data_version(paths.processed)
    jobs = plan_jobs(paths, data, library, args, version)
    previous, published = manifest.get("jobs", {}), manifest.get("published", {})
    current = tree_digest(site)
    intact = bool(published) and current == published

    def reusable(job: Job) -> bool:
        page = f"{job.name}.html"
        return previous.get(job.name) == job.key and page in current and current[page] == published.get(page)

    reused = [j for j in jobs if reusable(j)]
    todo = [j for j in jobs if j not in reused]
    index_key = _index_key(paths, args, ingest_key, jobs)
    if not did_ingest and not todo and intact and manifest.get("index") == index_key:
        log(f"notebooks: all {len(jobs)} unchanged, skipped")
        log(f"govreport build: up to date, nothing to do ({len(jobs)} pages unchanged; --force rebuilds) "
            f"in {time.perf_counter() - started:.1f}s")
        return _exit_code([], n_failed_inputs, log)
    code = _publish(paths, args, log, data, jobs, reused, todo, current, (ingest_key, library, version),
                    did_ingest, started)
    return max(code, _exit_code([], n_failed_inputs, log))


def _index_key(paths: ProjectPaths, args: argparse.Namespace, ingest_key: str, jobs: list[Job]) -> str:
    return digest(ingest_key, sorted((j.name, j.key) for j in jobs), args.lang, _other_language(paths, args.lang))


def _exit_code(failed: list, n_failed_inputs: int, log: _Log) -> int:
    if n_failed_inputs:
        log(f"govreport build: {n_failed_inputs} input file(s) could not be read (listed on the index); exit 1",
            error=True)
    return 1 if failed or n_failed_inputs else 0


def _publish(paths: ProjectPaths, args: argparse.Namespace, log: _Log, data: Dataset, jobs: list[Job],
             reused: list[Job], todo: list[Job], current: dict[str, str], keys: tuple[str, str, str],
             did_ingest: bool, started: float) -> int:
    """Assemble the next site in a sibling folder, swap it in, then record it."""
    ingest_key, library, version = keys
    site = site_dir(paths, args.lang)
    staging = staging_dir(site)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    todo = [dataclasses.replace(j, html=str(staging / Path(j.html).name)) for j in todo]
    results: dict[str, JobResult] = {}
    try:
        if todo:
            Path(todo[0].cwd).mkdir(parents=True, exist_ok=True)
            results = _run_jobs(todo, args, log)
        else:
            log(f"notebooks: all {len(jobs)} unchanged, skipped")
        pages = page_outcome(jobs, results, current)
        records = _page_records(paths, args, jobs, reused, pages)
        n_data, methods_key = _stage(paths, site, staging, data, jobs, reused, pages, current, args, library, version)
        swap(staging, site)
    finally:
        if staging.exists():  # an error before the swap: the old record stays
            shutil.rmtree(staging, ignore_errors=True)
    stale = sorted(r for r in current if r.startswith(PAGE_PREFIXES) and r not in {f"{j.name}.html" for j in jobs})
    if stale:
        log(f"removed stale pages: {', '.join(stale)}")
    log(f"index: wrote {site / INDEX} ({len(data.reports)} report rows, {n_data} data tables)")
    _write_manifest(paths, {
        "ingest": ingest_key, "jobs": {j.name: j.key for j in jobs if pages.ok[j.name]}, "pages": records,
        "published": tree_digest(site), "index": _index_key(paths, args, ingest_key, jobs),
        "methods": methods_key}, args.lang)

    log(f"govreport build: {len(jobs)} pages ({len(results) - len(pages.failed)} built, {len(reused)} unchanged, "
        f"{len(pages.failed)} failed), ingest {'run' if did_ingest else 'skipped'}, "
        f"index written, in {time.perf_counter() - started:.1f}s -> {site}")
    for failed in pages.failed:
        log(f"govreport build: page {failed.page} failed; "
            + ("its previously published version is kept" if failed.kept
               else "no earlier version: listed as failed on the index, links to it removed"), error=True)
    return 1 if pages.failed else 0


def main(argv: Optional[list[str]] = None) -> int:
    """Standalone entry point (``python -m govreport.publish.build``) until the CLI wires ``build`` in."""
    parser = add_build_arguments(argparse.ArgumentParser(prog="govreport build", description=__doc__.splitlines()[0]))
    return run_build(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
