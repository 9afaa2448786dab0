"""Publishing the methods page: gather what it shows, key it, write it (or keep the unchanged copy).

The page is made by the build beside the index, in the same staging folder, so it
is published by the same atomic swap and named in the same build record. Its
key hashes everything it shows -- the library (its code and every catalog,
``verdict_accuracy.csv`` included), the sources, reviews and versions handed to
:mod:`govreport.report.methods`, the language and the language switch -- so an
unchanged page is copied from the published site, byte for byte.
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any, Optional

from govreport import catalog
from govreport.identify import published
from govreport.ingestion.discover import REVIEWS_FILE
from govreport.publish.index import write_article
from govreport.publish.pages import digest
from govreport.publish.record import METHODS_PAGE, footer, page_sources, relative_to_root, source_href
from govreport.report.dataset import Dataset
from govreport.report.findings import review_state
from govreport.report.methods import MethodsInputs, SourceRow, methods_body
from govreport.report.wording import is_missing, term

ACCURACY = "verdict_accuracy.csv"   # written by scripts/measure_verdicts.py into the catalog
RETRIEVED_COLUMN = "retrieved"      # the retrieval date a page states, where the reports table has it


def measured_accuracy() -> Optional[list[dict]]:
    """The rows of catalog/verdict_accuracy.csv, or None when no measurement is shipped."""
    try:
        rows = catalog.read_csv(ACCURACY)
    except FileNotFoundError:
        return None
    return rows or None


def date_sources() -> tuple[str, ...]:
    """The publication-date sources, strongest first, as the library applies them."""
    return tuple(published.SOURCES)


def review_counts(data: Any) -> Optional[dict[str, int]]:
    """Findings confirmed and dismissed by an analyst, counted as the build record counts them."""
    findings = Dataset.of(data).table("findings")
    if findings.empty:
        return None
    counts = review_state(findings).value_counts()
    return {d: int(counts.get(d, 0)) for d in ("confirmed", "dismissed")}


def _stated(row: Any, column: str) -> Optional[str]:
    value = row.get(column) if column in row else None
    return None if is_missing(value) or not str(value).strip() else str(value).strip()


def source_rows(data: Any, raw: Path, root: Path) -> list[SourceRow]:
    """Each report's file, agency, year, and the source URL and retrieval date its page states."""
    reports = data.reports.sort_values(["year", "agency_id"])
    paths = page_sources(data, set(reports["report_id"].astype(str)), raw, root)
    out = []
    for (_, r), source in zip(reports.iterrows(), paths):  # page_sources keeps the same order
        out.append(SourceRow(path=source["path"], href=source_href(source["path"]), agency=str(r["agency"]),
                             year=int(r["year"]), url=_stated(r, "source_url"), retrieved=_stated(r, RETRIEVED_COLUMN)))
    return out


def methods_inputs(data: Any, raw: Path, root: Path, version: str, data_version: str) -> MethodsInputs:
    return MethodsInputs(version=version, data_version=data_version, sources=source_rows(data, raw, root),
                         reviews=review_counts(data), accuracy=measured_accuracy(), date_sources=date_sources(),
                         reviews_file=relative_to_root(str(Path(raw).resolve() / REVIEWS_FILE), Path(root).resolve()))


def page_key(inputs: MethodsInputs, library: str, lang: str, other: Optional[tuple[str, str]]) -> str:
    return digest("methods", library, dataclasses.asdict(inputs), lang, other)


def publish_methods(staging: Path, site: Path, inputs: MethodsInputs, *, key: str, reusable: bool, lang: str,
                    other: Optional[tuple[str, str]]) -> bool:
    """Write methods.html into ``staging``, or copy the published one when ``reusable``; True when written."""
    target = Path(staging) / METHODS_PAGE
    if reusable and (Path(site) / METHODS_PAGE).is_file():
        shutil.copy2(Path(site) / METHODS_PAGE, target)
        return False
    write_article(target, term("page.title", lang), methods_body(inputs, lang), lang=lang,
                  footer=footer(lang, inputs.version, inputs.data_version[:12], []), other=other)
    return True
