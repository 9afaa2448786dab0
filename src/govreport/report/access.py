"""Reading the stored tables a page shows: one report's rows, an agency's years, harmonized values.

``data`` is a :class:`~govreport.report.dataset.Dataset` (public functions also take what
``govreport.load`` returns and wrap it once): a table the store lacks reads as empty, a
name no store has is an error.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import pandas as pd

from govreport import catalog
from govreport.text.agencies import AgencyNames, select_reports
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.wording import is_missing, metric_name, paren, section_prefixes, term


def rows_for(table: pd.DataFrame, report_id: str) -> pd.DataFrame:
    if "report_id" not in table.columns:
        return pd.DataFrame()
    return table[table["report_id"].astype(str) == str(report_id)]


def totals(values: pd.DataFrame) -> pd.DataFrame:
    """The applicant-total column only (legacy reports have nothing else)."""
    if values.empty or "applicant" not in values.columns:
        return values
    return values[values["applicant"].astype(str) == "total"]


def with_prefix(values: pd.DataFrame, section: str) -> pd.DataFrame:
    prefixes = tuple(p for s, p in section_prefixes() if s == section)
    if values.empty:
        return values
    return values[values["metric"].astype(str).str.startswith(prefixes)]


def metric_row(values: pd.DataFrame, metric: str) -> Optional[pd.Series]:
    if values.empty:
        return None
    rows = values[values["metric"].astype(str) == metric]
    return None if rows.empty else rows.iloc[0]


@takes_dataset
def metric_names(data: Dataset, lang: str = "zh") -> dict[str, str]:
    """metric id -> its standard name, from the data dictionary shipped with the data (or the catalog)."""
    dictionary = data.table("data_dictionary")
    column = "name_zh" if lang == "zh" else "name_en"
    if not dictionary.empty and column in dictionary.columns:
        return {str(m): str(n) for m, n in zip(dictionary["metric"], dictionary[column]) if not is_missing(n)}
    return {m: metric_name(m, lang) for m in catalog.metrics()}


def is_derived(row: Optional[pd.Series]) -> bool:
    return row is not None and str(row.get("provenance", "")) == "derived"


def label(row: Optional[pd.Series], lang: str, fallback: str = "") -> str:
    """The row's label as the report prints it; a derived value is named by its metric, marked once.

    Outside Chinese the report's own label is Chinese: the row is named by its metric's catalog name there."""
    if row is None:
        return fallback
    if lang != "zh" and not is_derived(row):
        metric = str(row.get("metric"))
        return metric_name(metric, lang) if metric in catalog.metrics() else (fallback or metric)
    if is_derived(row):
        metric = str(row.get("metric"))
        name = metric_name(metric, lang) if metric in catalog.metrics() else (fallback or metric)
        return name + paren(term("review.derived_label", lang), lang)
    text = row.get("source_label")
    if is_missing(text) or not str(text).strip():
        return fallback or str(row.get("metric"))
    return str(text)


@takes_dataset
def harmonized_value(data: Dataset, report_id: str, series: str) -> tuple[Optional[float], str]:
    """(value or None, comparability) of one harmonized series for one report."""
    rows = rows_for(data.table("harmonized"), report_id)
    if rows.empty:
        return None, "none"
    rows = rows[rows["series"].astype(str) == series]
    if rows.empty:
        return None, "none"
    row = rows.iloc[0]
    value = None if is_missing(row["value"]) else float(row["value"])
    return value, str(row.get("comparability", "exact"))


@takes_dataset
def resolve_agency(data: Dataset, agency: str, years: Optional[Sequence[int]] = None) -> str:
    """The agency_id of ``agency`` (an agency_id, a written name or an alias, agency_names); SelectionError,
    one line naming the closest agencies (or, with ``years``, the years it has), when the data has no such
    agency, two, or no report of it in one of ``years``."""
    reports = data.table("reports")
    if reports.empty:
        reports = pd.DataFrame(columns=["report_id", "agency", "agency_id", "year"])
    source = data.directory
    agency_id = AgencyNames(reports, source).resolve(agency)
    if years is not None:
        select_reports(reports, [agency_id], {int(y) for y in years}, source)
    return agency_id


@takes_dataset
def reports_for_year(data: Dataset, year: int, agency: Optional[str] = None) -> pd.DataFrame:
    """Reports of ``year``; ``agency`` (an agency_id, a written name or an alias) narrows to one agency."""
    reports = data.table("reports")
    if reports.empty:
        return pd.DataFrame(columns=["report_id", "agency", "agency_id", "year", "template"])
    chosen = reports[pd.to_numeric(reports["year"], errors="coerce") == int(year)]
    if agency is not None:
        chosen = chosen[chosen["agency_id"].astype(str) == resolve_agency(data, agency)]
    return chosen.sort_values(["agency_id", "report_id"]).reset_index(drop=True)


@takes_dataset
def available_years(data: Dataset) -> list[int]:
    reports = data.table("reports")
    if reports.empty:
        return []
    return sorted({int(y) for y in pd.to_numeric(reports["year"], errors="coerce").dropna()})


@takes_dataset
def agencies_with_years(data: Dataset, min_years: int = 2) -> list[str]:
    """agency_ids with reports in at least ``min_years`` distinct years."""
    reports = data.table("reports")
    if reports.empty:
        return []
    counts = reports.groupby(reports["agency_id"].astype(str))["year"].nunique()
    return sorted(counts[counts >= min_years].index)


@takes_dataset
def agency_reports(data: Dataset, agency_id: str, years: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """One report per year of ``agency_id`` (the first when there are two), sorted by year."""
    reports = data.table("reports")
    if reports.empty:
        return pd.DataFrame(columns=["report_id", "year"])
    rows = reports[reports["agency_id"].astype(str) == str(agency_id)].copy()
    rows["year"] = pd.to_numeric(rows["year"], errors="coerce").astype(int)
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    return rows.sort_values(["year", "report_id"]).drop_duplicates("year").reset_index(drop=True)


@takes_dataset
def report_year(data: Dataset, report_id: Any) -> Optional[int]:
    reports = data.table("reports")
    if reports.empty:
        return None
    rows = reports[reports["report_id"].astype(str) == str(report_id)]
    return None if rows.empty else int(rows["year"].iloc[0])


@takes_dataset
def previous_report(data: Dataset, report: pd.Series) -> Optional[pd.Series]:
    """The same agency's report of the year before (None when the data has none)."""
    reports = agency_reports(data, str(report["agency_id"]))
    rows = reports[reports["year"] == int(report["year"]) - 1]
    return None if rows.empty else rows.iloc[0]


def template_changes(table: pd.DataFrame) -> list[tuple[int, int, str, str]]:
    """(year_from, year_to, template_from, template_to) where consecutive reports change format."""
    per_year = table.drop_duplicates("year")[["year", "template"]].sort_values("year")
    changes = []
    previous = None
    for year, template in per_year.itertuples(index=False):
        if previous is not None and previous[1] != template:
            changes.append((int(previous[0]), int(year), str(previous[1]), str(template)))
        previous = (year, template)
    return changes
