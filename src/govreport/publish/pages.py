"""The pages a build publishes: one notebook run per page, keyed on what the page shows.

A yearly page shows one year's reports and links each agency's other years; a
comparison page shows one agency's years. A page's key hashes exactly those report
rows (ids, agencies, years, source sha256), the file names of the comparison pages
it links, the library, the notebook and the run's options -- so adding one report
re-runs only the pages that show it or link to it.

A page never takes another down: what became of each page (built, reused, failed
with its previous version kept, failed with none) is a :class:`PageOutcome`, and
:func:`unlink_missing` turns every link to a page or an in-page id that is not
published into plain text.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import unquote

import govreport

from govreport.paths import ProjectPaths
from govreport.publish import execution, record
from govreport.publish.export import build_line, export_html, write_page
from govreport.publish.index import FailedPage
from govreport.report import Dataset, agencies_with_years, available_years, comparison_frame, term
from govreport.report.links import comparison_page
from govreport.report.names_en import bilingual
from govreport.store import sha256_file

YEARLY_NOTEBOOK = "yearly_report.ipynb"
COMPARISON_NOTEBOOK = "comparison.ipynb"


def digest(*parts: Any) -> str:
    """The one hash of the build: page keys, manifests, the methods and changes pages' keys."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


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
    footer: str = ""
    record: dict = field(default_factory=dict)


@dataclass
class JobResult:
    name: str
    ok: bool
    seconds: float
    message: str = ""


def run_job(job: Job) -> JobResult:
    """Execute and export one notebook; never raises (a failure is a result)."""
    started = time.perf_counter()
    try:
        execution.install_kernel(Path(job.jupyter_dir))
        execution.execute(Path(job.notebook), Path(job.executed), job.parameters, timeout=job.timeout, cwd=Path(job.cwd))
        export_html(Path(job.executed), Path(job.html), title=job.title, with_code=job.with_code, lang=job.lang,
                    line=f"{job.footer}\n{build_line(lang=job.lang)}")
    except execution.NotebookFailed as exc:
        return JobResult(job.name, False, time.perf_counter() - started, str(exc))
    except Exception as exc:
        return JobResult(job.name, False, time.perf_counter() - started,
                         f"{Path(job.notebook).name} ({execution.describe_parameters(job.parameters)}): "
                         f"export failed: {type(exc).__name__}: {exc}")
    return JobResult(job.name, True, time.perf_counter() - started)


def site_dir(paths: ProjectPaths, lang: str) -> Path:
    """Where a language's site is published: reports/ (zh) or reports/en/."""
    return paths.reports if lang == "zh" else paths.reports / lang


def manifest_path(paths: ProjectPaths, lang: str) -> Path:
    return paths.manifest if lang == "zh" else paths.build / f"manifest-{lang}.json"


def _rows_digest(data: Dataset, report_ids: set) -> str:
    """Hash of the report rows a page shows (ids, agencies, years, source sha256, counts)."""
    reports = data.reports[data.reports["report_id"].astype(str).isin(report_ids)]
    return digest(reports.sort_values("report_id").astype(str).to_dict("records"))


def page_report_ids(data: Dataset, year: Optional[int] = None, agency_id: Optional[str] = None) -> set:
    """The reports a page uses: a year's reports and their agencies' other years, or one agency's."""
    reports = data.reports
    if agency_id is not None:
        return set(reports.loc[reports["agency_id"].astype(str) == str(agency_id), "report_id"].astype(str))
    agencies = set(reports.loc[reports["year"].astype(int) == int(year), "agency_id"].astype(str))
    return set(reports.loc[reports["agency_id"].astype(str).isin(agencies), "report_id"].astype(str))


def plan_jobs(paths: ProjectPaths, data: Dataset, library: str, args: argparse.Namespace,
              data_version: str = "") -> list[Job]:
    """One yearly page per year present, one comparison per agency with two or more years."""
    site = site_dir(paths, args.lang)
    executed = paths.executed if args.lang == "zh" else paths.executed / args.lang
    common = dict(with_code=args.with_code, timeout=args.timeout, lang=args.lang,
                  cwd=str(executed), jupyter_dir=str(paths.jupyter_dir))
    version = getattr(govreport, "__version__", "unknown")
    jobs = []

    def add(name: str, notebook: Path, parameters: dict, title: str, ids: set, names: list) -> None:
        parameters = {**parameters, "processed_dir": str(paths.processed), "lang": args.lang}
        sources = record.page_sources(data, ids, paths.raw, paths.root)
        job = Job(name=name, notebook=str(notebook), parameters=parameters, title=title,
                  executed=str(executed / f"{name}.ipynb"), html=str(site / f"{name}.html"), **common)
        job.key = digest(library, _rows_digest(data, ids), names, sha256_file(notebook), parameters, title,
                          args.with_code, args.lang)
        job.footer = record.footer(args.lang, version, data_version[:12], sources)
        job.record = {"data_version": data_version, "report_ids": sorted(ids), "sources": sources}
        jobs.append(job)

    for year in available_years(data):
        ids = page_report_ids(data, year=int(year))
        agencies = sorted(set(data.reports.loc[data.reports["report_id"].astype(str).isin(ids), "agency_id"].astype(str)))
        add(f"yearly_report_{year}", paths.notebook(YEARLY_NOTEBOOK), {"year": int(year), "agency": None},
            term("year.title", args.lang, year=year), ids, [comparison_page(a) for a in agencies])
    for agency_id in agencies_with_years(data, 2):
        frame = comparison_frame(data, agency_id)
        agency = str(frame.sort_values("year")["agency"].iloc[-1]) if not frame.empty else agency_id
        page = comparison_page(agency_id)
        add(page[: -len(".html")], paths.notebook(COMPARISON_NOTEBOOK),
            {"agency": str(agency_id), "years": None},
            term("comparison.title", args.lang, agency=bilingual(agency, args.lang)),
            page_report_ids(data, agency_id=agency_id), [page])
    return jobs


# --------------------------------------------------------------------------
# pages that failed

@dataclass
class PageOutcome:
    """What became of each planned page: built or reused (``ok``), failed but its previous version kept
    (``kept``), and the failures as the index lists them (``index.FailedPage``)."""

    ok: dict
    kept: list
    failed: list

    def published(self) -> dict[str, bool]:
        """Page stem -> whether a version of it is on the site (links to it may be made)."""
        kept = {j.name for j in self.kept}
        return {name: built or name in kept for name, built in self.ok.items()}


def page_outcome(jobs: list[Job], results: dict[str, JobResult], current: dict[str, str]) -> PageOutcome:
    """A failed page whose file is published (``current``) is kept; one without is not on the site."""
    ok = {j.name: (j.name not in results or results[j.name].ok) for j in jobs}
    kept = [j for j in jobs if not ok[j.name] and f"{j.name}.html" in current]
    failed = [FailedPage(f"{j.name}.html", results[j.name].message, j in kept) for j in jobs if not ok[j.name]]
    return PageOutcome(ok, kept, failed)


def page_records(previous: dict[str, dict], jobs: list[Job], reused: list[Job], pages: PageOutcome) -> dict:
    """build_record/manifest ``pages``: a built page's record; a reused page's as recorded when it was
    built (``previous``); a kept page's as recorded then, marked as kept after this build's failure."""
    out = {}
    for j in jobs:
        page = f"{j.name}.html"
        if pages.ok[j.name]:
            out[page] = (previous.get(page) if j in reused else None) or {**j.record, "key": j.key}
        elif j in pages.kept:
            out[page] = {**previous.get(page, {}), "kept_after_failure": True}
    return out


_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"#/:?]+\.html)(?:#([^"]*))?"[^>]*>(.*?)</a>', re.S | re.I)
_ID = re.compile(r'\bid="([^"]+)"')


def page_ids(page: str) -> set[str]:
    """The in-page ids a link's ``#fragment`` can land on."""
    return {html.unescape(i) for i in _ID.findall(page)}


def unlink_missing(folder: Path) -> dict[str, int]:
    """In every page of ``folder``, a link to a page of the same folder that is not there, or to an id
    that page does not hold (a kept older version), becomes its plain text: a page that failed leaves
    no dangling link behind. Returns, per rewritten page, how many links were removed."""
    folder = Path(folder)
    ids: dict[str, Optional[set[str]]] = {p.name: None for p in folder.glob("*.html")}

    def lands(name: str, fragment: Optional[str]) -> bool:
        if name not in ids:
            return False
        if ids[name] is None and fragment:
            ids[name] = page_ids((folder / name).read_text(encoding="utf-8"))
        return not fragment or html.unescape(fragment) in ids[name]

    changed = {}
    for page in sorted(folder.glob("*.html")):
        dropped = [0]

        def plain(match: re.Match) -> str:
            if lands(unquote(html.unescape(match.group(1))), match.group(2)):
                return match.group(0)
            dropped[0] += 1
            return f'<span class="govreport-unbuilt">{match.group(3)}</span>'

        rewritten = _LINK.sub(plain, page.read_text(encoding="utf-8"))
        if dropped[0]:
            write_page(page, rewritten)
            changed[page.name] = dropped[0]
    return changed
