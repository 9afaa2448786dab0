"""The pages a build publishes: one notebook run per page, keyed on what the page shows.

A yearly page shows one year's reports and links each agency's other years; a
comparison page shows one agency's years. A page's key hashes exactly those report
rows (ids, agencies, years, source sha256), the file names of the comparison pages
it links, the library, the notebook and the run's options -- so adding one report
re-runs only the pages that show it or link to it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .paths import ProjectPaths
from .store import sha256_file

YEARLY_NOTEBOOK = "yearly_report.ipynb"
COMPARISON_NOTEBOOK = "comparison.ipynb"


def _digest(*parts: Any) -> str:
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
    from . import publish

    started = time.perf_counter()
    try:
        publish.install_kernel(Path(job.jupyter_dir))
        publish.execute(Path(job.notebook), Path(job.executed), job.parameters, timeout=job.timeout, cwd=Path(job.cwd))
        publish.export_html(Path(job.executed), Path(job.html), title=job.title, with_code=job.with_code, lang=job.lang,
                            line=f"{job.footer}\n{publish.build_line(lang=job.lang)}")
    except publish.NotebookFailed as exc:
        return JobResult(job.name, False, time.perf_counter() - started, str(exc))
    except Exception as exc:
        return JobResult(job.name, False, time.perf_counter() - started,
                         f"{Path(job.notebook).name} ({publish.describe_parameters(job.parameters)}): "
                         f"export failed: {type(exc).__name__}: {exc}")
    return JobResult(job.name, True, time.perf_counter() - started)




def site_dir(paths: ProjectPaths, lang: str) -> Path:
    """Where a language's site is published: reports/ (zh) or reports/en/."""
    return paths.reports if lang == "zh" else paths.reports / lang


def manifest_path(paths: ProjectPaths, lang: str) -> Path:
    return paths.manifest if lang == "zh" else paths.build / f"manifest-{lang}.json"


def _rows_digest(data: Any, report_ids: set) -> str:
    """Hash of the report rows a page shows (ids, agencies, years, source sha256, counts)."""
    reports = data.reports[data.reports["report_id"].astype(str).isin(report_ids)]
    return _digest(reports.sort_values("report_id").astype(str).to_dict("records"))


def page_report_ids(data: Any, year: Optional[int] = None, agency_id: Optional[str] = None) -> set:
    """The reports a page uses: a year's reports and their agencies' other years, or one agency's."""
    reports = data.reports
    if agency_id is not None:
        return set(reports.loc[reports["agency_id"].astype(str) == str(agency_id), "report_id"].astype(str))
    agencies = set(reports.loc[reports["year"].astype(int) == int(year), "agency_id"].astype(str))
    return set(reports.loc[reports["agency_id"].astype(str).isin(agencies), "report_id"].astype(str))


def plan_jobs(paths: ProjectPaths, data: Any, library: str, args: argparse.Namespace,
              data_version: str = "") -> list[Job]:
    """One yearly page per year present, one comparison per agency with two or more years."""
    import govreport

    from . import record
    from .report import agencies_with_years, available_years, comparison_frame, term
    from .report.links import comparison_page

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
        job.key = _digest(library, _rows_digest(data, ids), names, sha256_file(notebook), parameters, title,
                          args.with_code, args.lang)
        job.footer = record.footer(args.lang, version, data_version[:12], sources)
        job.record = {"data_version": data_version, "report_ids": sorted(ids), "sources": sources}
        jobs.append(job)

    for year in available_years(data):
        ids = page_report_ids(data, year=int(year))
        agencies = sorted(set(data.reports.loc[data.reports["report_id"].astype(str).isin(ids), "agency_id"].astype(str)))
        add(f"yearly_report_{year}", paths.notebook(YEARLY_NOTEBOOK), {"year": int(year), "agency": None},
            term("year.title", args.lang, year=year), ids, [comparison_page(a, data) for a in agencies])
    for agency_id in agencies_with_years(data, 2):
        frame = comparison_frame(data, agency_id)
        agency = str(frame.sort_values("year")["agency"].iloc[-1]) if not frame.empty else agency_id
        page = comparison_page(agency_id, data)
        add(page[: -len(".html")], paths.notebook(COMPARISON_NOTEBOOK),
            {"agency": str(agency_id), "years": None}, term("comparison.title", args.lang, agency=agency),
            page_report_ids(data, agency_id=agency_id), [page])
    return jobs


