"""The story a published report tells, computed from the loaded tables.

Notebooks stay thin: they call :func:`year_stories` / :func:`comparison_story`
and display the result. Every number in the prose comes from the data passed
in; wording (zh or en) lives in ``catalog/narrative_terms.csv`` and the series
vocabulary in ``catalog/narrative_series.csv``. Text copied from a report
(agency names, labels, evidence) is escaped when rendered, so a ``<script>``
in a report is shown, never executed.
"""
from __future__ import annotations

import csv
import html
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Optional, Sequence, Union

import pandas as pd

LANGS = ("zh", "en")
_ID_COLUMNS = ("report_id", "agency", "agency_id", "year", "template")


# --------------------------------------------------------------------------
# vocabulary (data files)

def _read_catalog(name: str) -> list[dict[str, str]]:
    text = resources.files("govreport").joinpath("catalog").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=None)
def _terms() -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in _read_catalog("narrative_terms.csv")}


@lru_cache(maxsize=None)
def series_catalog() -> tuple[dict[str, str], ...]:
    """Series vocabulary rows: series, group, order, zh, en."""
    return tuple(_read_catalog("narrative_series.csv"))


@lru_cache(maxsize=None)
def group_catalog() -> tuple[dict[str, str], ...]:
    return tuple(sorted(_read_catalog("narrative_groups.csv"), key=lambda r: int(r["order"])))


@lru_cache(maxsize=None)
def _section_prefixes() -> tuple[tuple[str, str], ...]:
    return tuple((r["section"], r["metric_prefix"]) for r in _read_catalog("narrative_sections.csv"))


def term(key: str, lang: str = "zh", **values: Any) -> str:
    """The wording for ``key`` in ``lang``, with ``{placeholders}`` filled."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    try:
        text = _terms()[key][lang]
    except KeyError:
        raise KeyError(f"narrative_terms.csv: no term {key!r}") from None
    return text.format(**values) if values else text


def series_name(series: str, lang: str = "zh") -> str:
    for row in series_catalog():
        if row["series"] == series:
            return row[lang]
    return series


def template_name(template: Any, lang: str = "zh", short: bool = False) -> str:
    key = f"template.short.{template}" if short else f"template.{template}"
    return term(key, lang) if key in _terms() else str(template)


# --------------------------------------------------------------------------
# structured output

@dataclass
class Table:
    """A small table of display strings (escaped when rendered)."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    """What to draw; :mod:`govreport.charts` turns it into a figure.

    ``kind='bar'``: ``labels``/``values`` (one bar each).
    ``kind='series'``: ``frame`` with columns year, series, label, value,
    comparability, template (one line per series across years).
    """

    kind: str
    title: str
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    unit: str = ""
    frame: Optional[pd.DataFrame] = None
    lang: str = "zh"


@dataclass
class Section:
    """A titled part of a story: prose and tables in reading order (``blocks``), then charts."""

    key: str
    title: str
    blocks: list[Union[str, Table]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    anchor: str = ""
    level: int = 3

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class Story:
    """One report (yearly) or one agency's series (comparison)."""

    key: str
    title: str
    anchor: str
    sections: list[Section]
    report_id: str = ""

    def section(self, key: str) -> Optional[Section]:
        return next((s for s in self.sections if s.key == key), None)


# --------------------------------------------------------------------------
# formatting helpers

def is_missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, lang: str = "zh") -> str:
    """A number as printed in prose: integers without decimals, NA as 'blank'."""
    if is_missing(value):
        return term("blank", lang)
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.6g}"


def fmt_share(part: float, total: float) -> str:
    return f"{100.0 * part / total:.1f}%"


def anchor_for(text: str) -> str:
    """A stable HTML id fragment for an agency id (kept to safe characters)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(text))
    return "agency-" + safe


def _text(value: Any, lang: str) -> str:
    if is_missing(value):
        return term("blank", lang)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, float):
        return fmt_number(value, lang)
    return str(value)


def _file_name(value: Any, lang: str) -> str:
    """Only the file name: the page must not depend on where the project lives."""
    return term("blank", lang) if is_missing(value) else str(value).replace("\\", "/").rsplit("/", 1)[-1]


# --------------------------------------------------------------------------
# table access

def _frame(data: Any, name: str) -> Optional[pd.DataFrame]:
    frame = getattr(data, name, None)
    return frame if isinstance(frame, pd.DataFrame) else None


def _rows_for(frame: Optional[pd.DataFrame], report_id: str) -> pd.DataFrame:
    if frame is None or "report_id" not in frame.columns:
        return pd.DataFrame()
    return frame[frame["report_id"].astype(str) == str(report_id)]


def _totals(values: pd.DataFrame) -> pd.DataFrame:
    """The applicant-total column only (legacy reports have nothing else)."""
    if values.empty or "applicant" not in values.columns:
        return values
    return values[values["applicant"].astype(str) == "total"]


def _with_prefix(values: pd.DataFrame, section: str) -> pd.DataFrame:
    prefixes = tuple(p for s, p in _section_prefixes() if s == section)
    if values.empty:
        return values
    mask = values["metric"].astype(str).str.startswith(prefixes)
    return values[mask]


def _metric_row(values: pd.DataFrame, metric: str) -> Optional[pd.Series]:
    rows = values[values["metric"].astype(str) == metric]
    return None if rows.empty else rows.iloc[0]


def _label(row: Optional[pd.Series], lang: str, fallback: str = "") -> str:
    if row is None:
        return fallback
    label = row.get("source_label")
    if is_missing(label) or not str(label).strip():
        return fallback or term("review.derived_label", lang)
    return str(label)


def metric_names(data: Any, lang: str = "zh") -> dict[str, str]:
    """metric id -> its standard name, from the data dictionary shipped with the data."""
    dictionary = _frame(data, "data_dictionary")
    column = "name_zh" if lang == "zh" else "name_en"
    if dictionary is None or dictionary.empty or column not in dictionary.columns:
        return {}
    return {str(m): str(n) for m, n in zip(dictionary["metric"], dictionary[column]) if not is_missing(n)}


def _values_table(rows: pd.DataFrame, lang: str, names: Optional[dict[str, str]] = None) -> Table:
    """Report label (as printed), standard metric name, value and unit, in report order."""
    names = names or {}
    table_rows = []
    for _, row in rows.iterrows():
        label = _label(row, lang, fallback=str(row["metric"]))
        if str(row.get("provenance", "reported")) == "derived":
            label = f"{label} ({term('review.derived_label', lang)})"
        table_rows.append([label, names.get(str(row["metric"]), str(row["metric"])),
                           fmt_number(row["value"], lang), _text(row.get("unit"), lang)])
    return Table([term("col.label", lang), term("col.standard", lang), term("col.value", lang),
                  term("col.unit", lang)], table_rows)


def _all_zero(values: pd.DataFrame) -> bool:
    numbers = pd.to_numeric(values["value"], errors="coerce") if not values.empty else pd.Series([], dtype=float)
    present = numbers.dropna()
    return not present.empty and bool((present == 0).all())


def _harmonized_value(data: Any, report_id: str, series: str) -> tuple[Optional[float], str]:
    """(value or None, comparability) of one harmonized series for one report."""
    rows = _rows_for(_frame(data, "harmonized"), report_id)
    if rows.empty:
        return None, "none"
    rows = rows[rows["series"].astype(str) == series]
    if rows.empty:
        return None, "none"
    row = rows.iloc[0]
    value = None if is_missing(row["value"]) else float(row["value"])
    return value, str(row.get("comparability", "exact"))


# --------------------------------------------------------------------------
# reports present

def reports_for_year(data: Any, year: int, agency: Optional[str] = None) -> pd.DataFrame:
    """Reports of ``year``; ``agency`` (an agency_id or a name) narrows to one agency."""
    reports = _frame(data, "reports")
    if reports is None or reports.empty:
        return pd.DataFrame(columns=["report_id", "agency", "agency_id", "year", "template"])
    chosen = reports[pd.to_numeric(reports["year"], errors="coerce") == int(year)]
    if agency is not None:
        agency = str(agency)
        chosen = chosen[(chosen["agency_id"].astype(str) == agency) | (chosen["agency"].astype(str) == agency)]
    return chosen.sort_values(["agency_id", "report_id"]).reset_index(drop=True)


def available_years(data: Any) -> list[int]:
    reports = _frame(data, "reports")
    if reports is None or reports.empty:
        return []
    return sorted({int(y) for y in pd.to_numeric(reports["year"], errors="coerce").dropna()})


def agencies_with_years(data: Any, min_years: int = 2) -> list[str]:
    """agency_ids with reports in at least ``min_years`` distinct years."""
    reports = _frame(data, "reports")
    if reports is None or reports.empty:
        return []
    counts = reports.groupby(reports["agency_id"].astype(str))["year"].nunique()
    return sorted(counts[counts >= min_years].index)


# --------------------------------------------------------------------------
# the yearly story

def year_intro(data: Any, year: int, agency: Optional[str] = None, lang: str = "zh") -> Section:
    """The page heading: which year and which agencies this page covers."""
    chosen = reports_for_year(data, year, agency)
    title = term("year.title", lang, year=int(year))
    if chosen.empty:
        note = f"（{agency}）" if agency and lang == "zh" else (f" ({agency})" if agency else "")
        return Section("intro", title, [term("year.none", lang, year=int(year), agency_note=note)], level=1)
    names = "、".join(chosen["agency"].astype(str)) if lang == "zh" else ", ".join(chosen["agency"].astype(str))
    return Section("intro", title, [term("year.agencies", lang, n=len(chosen), year=int(year), agencies=names)], level=1)


def year_stories(data: Any, year: int, agency: Optional[str] = None, lang: str = "zh") -> list[Story]:
    """One story per report of ``year`` (every agency, or only ``agency``)."""
    stories = []
    for _, report in reports_for_year(data, year, agency).iterrows():
        stories.append(report_story(data, report, lang))
    return stories


def report_story(data: Any, report: pd.Series, lang: str = "zh") -> Story:
    report_id = str(report["report_id"])
    values = _rows_for(_frame(data, "values"), report_id)
    totals = _totals(values)
    all_zero = _all_zero(totals)
    names = metric_names(data, lang)
    sections = [
        _overview(report, totals, all_zero, lang),
        _proactive(report, totals, all_zero, lang, names),
        _requests(data, report, totals, all_zero, lang, names),
        _review(report, totals, all_zero, lang, names),
    ]
    other = _other(totals, lang, names)
    if other is not None:
        sections.append(other)
    sections.extend(_extra_tables(data, report_id, lang))
    sections.append(_quality(data, report_id, values, lang))
    agency = str(report["agency"])
    return Story(
        key=report_id,
        title=f"{agency}（{int(report['year'])}）" if lang == "zh" else f"{agency} ({int(report['year'])})",
        anchor=anchor_for(report["agency_id"]),
        sections=sections,
        report_id=report_id,
    )


def _overview(report: pd.Series, totals: pd.DataFrame, all_zero: bool, lang: str) -> Section:
    paragraphs = [
        term(
            "overview.line", lang,
            agency=str(report["agency"]), year=int(report["year"]),
            template=template_name(report["template"], lang),
            source_file=_file_name(report.get("source_file"), lang),
        ),
        term("overview.count", lang, n=len(totals)),
    ]
    if all_zero:
        paragraphs.append(term("overview.all_zero", lang, n=len(totals)))
    return Section("overview", term("section.overview", lang), paragraphs)


def _bar_chart(rows: pd.DataFrame, title: str, lang: str) -> Optional[Chart]:
    """A bar per non-blank row, or None when there is nothing but zeros."""
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if rows.empty or _all_zero(rows):
        return None
    units = rows["unit"].dropna().astype(str).unique() if "unit" in rows.columns else []
    return Chart(
        kind="bar", title=title,
        labels=[_label(r, lang, fallback=str(r["metric"])) for _, r in rows.iterrows()],
        values=[float(v) for v in rows["value"]],
        unit=units[0] if len(units) == 1 else "", lang=lang,
    )


def _chart_title(key: str, report: pd.Series, lang: str) -> str:
    return term(key, lang, agency=str(report["agency"]), year=int(report["year"]))


def _proactive(report: pd.Series, totals: pd.DataFrame, all_zero: bool, lang: str,
               names: dict[str, str]) -> Section:
    section = Section("proactive", term("section.proactive", lang))
    rows = _with_prefix(totals, "proactive")
    if rows.empty:
        section.blocks.append(term("proactive.none", lang))
        return section
    headline = _metric_row(rows, "proactive.total")
    if headline is not None and not is_missing(headline["value"]):
        section.blocks.append(term(
            "proactive.headline", lang, value=fmt_number(headline["value"], lang),
            unit=_text(headline.get("unit"), lang), label=_label(headline, lang),
        ))
    if _all_zero(rows):
        section.blocks.append(term("proactive.all_zero", lang, n=len(rows)))
    else:
        section.blocks.append(term("proactive.rows", lang, n=len(rows)))
    section.blocks.append(_values_table(rows, lang, names))
    if not all_zero:
        chart = _bar_chart(rows, _chart_title("chart.proactive", report, lang), lang)
        if chart is not None:
            section.charts.append(chart)
    return section


_OUTCOME_SERIES = ("granted", "partially_granted", "denied", "unavailable", "not_processed")


def _requests(data: Any, report: pd.Series, totals: pd.DataFrame, all_zero: bool, lang: str,
              names: dict[str, str]) -> Section:
    section = Section("requests", term("section.requests", lang))
    rows = _with_prefix(totals, "requests")
    if rows.empty:
        section.blocks.append(term("requests.none", lang))
        return section
    received = _metric_row(rows, "requests.new_received")
    carried = _metric_row(rows, "requests.carried_over")
    received_value = None if received is None or is_missing(received["value"]) else float(received["value"])
    if received is not None:
        section.blocks.append(term(
            "requests.received", lang, value=fmt_number(received["value"], lang), label=_label(received, lang)))
    if carried is not None:
        section.blocks.append(term(
            "requests.carried", lang, value=fmt_number(carried["value"], lang), label=_label(carried, lang)))
    carried_value = 0.0 if carried is None or is_missing(carried["value"]) else float(carried["value"])

    outcomes = [(s, *_harmonized_value(data, str(report["report_id"]), s)) for s in _OUTCOME_SERIES]
    total_row = _metric_row(rows, "outcome.total")
    if total_row is None or is_missing(total_row["value"]):
        total_row = _metric_row(rows, "outcome.responses_total")
    if total_row is not None and not is_missing(total_row["value"]):
        total, total_label = float(total_row["value"]), "“" + _label(total_row, lang) + "”"
    else:
        total = sum(v for _, v, _ in outcomes if v is not None)
        total_label = term("requests.total_sum", lang)

    if received_value == 0 and carried_value == 0 and total == 0:
        section.blocks.append(term("requests.zero", lang, label=_label(received, lang)))
    elif total == 0:
        section.blocks.append(term("requests.outcomes_zero", lang, total_label=total_label))
    else:
        items = []
        for series, value, comparability in outcomes:
            name = series_name(series, lang)
            if value is None:
                items.append(term("requests.outcome_missing", lang, name=name))
            else:
                items.append(term("requests.outcome_item", lang, name=name, value=fmt_number(value, lang),
                                  share=fmt_share(value, total)))
        sep = "；" if lang == "zh" else "; "
        section.blocks.append(term("requests.outcomes", lang, total=fmt_number(total, lang),
                                       total_label=total_label, items=sep.join(items)))
        present = [(series_name(s, lang), v) for s, v, _ in outcomes if v is not None]
        if present and not all_zero and any(v for _, v in present):
            section.charts.append(Chart(
                kind="bar", title=_chart_title("chart.outcomes", report, lang),
                labels=[n for n, _ in present], values=[v for _, v in present], unit="件", lang=lang))
    section.blocks.append(_values_table(rows, lang, names))
    return section


def _review(report: pd.Series, totals: pd.DataFrame, all_zero: bool, lang: str,
            names: dict[str, str]) -> Section:
    section = Section("review", term("section.review", lang))
    rows = _with_prefix(totals, "review")
    if rows.empty:
        section.blocks.append(term("review.none", lang))
        return section
    review = _metric_row(rows, "review.total")
    litigation = _metric_row(rows, "litigation.total")
    review_value = None if review is None else review["value"]
    litigation_value = None if litigation is None else litigation["value"]
    if review_value is not None and litigation_value is not None and not is_missing(review_value) \
            and not is_missing(litigation_value) and float(review_value) == 0 and float(litigation_value) == 0:
        section.blocks.append(term("review.zero", lang))
    else:
        section.blocks.append(term(
            "review.line", lang,
            review=fmt_number(review_value, lang), review_label=_label(review, lang),
            litigation=fmt_number(litigation_value, lang), litigation_label=_label(litigation, lang),
        ))
        if not all_zero:
            chart = _bar_chart(rows, _chart_title("chart.review", report, lang), lang)
            if chart is not None:
                section.charts.append(chart)
    section.blocks.append(_values_table(rows, lang, names))
    return section


def _other(totals: pd.DataFrame, lang: str, names: dict[str, str]) -> Optional[Section]:
    rows = _with_prefix(totals, "other")
    if rows.empty:
        return None
    return Section("other", term("section.other", lang),
                   [term("other.rows", lang, n=len(rows)), _values_table(rows, lang, names)])


def _headers(columns: list[str], lang: str) -> list[str]:
    """Column names in the page language where the vocabulary has them."""
    return [term(f"col.{c}", lang) if f"col.{c}" in _terms() else c for c in columns]


def _extra_tables(data: Any, report_id: str, lang: str) -> list[Section]:
    """Prose facts, repetition and timeliness tables, when another stage produced them."""
    sections = []
    for name in ("facts", "repetition", "timeliness"):
        rows = _rows_for(_frame(data, name), report_id)
        if rows.empty:
            continue
        # ids and the full sentence repeat what the other columns say
        columns = [c for c in rows.columns if c not in _ID_COLUMNS and not c.endswith("_id") and c != "sentence"]
        table = Table(_headers(columns, lang), [[_text(v, lang) for v in row]
                                                for row in rows[columns].itertuples(index=False)])
        key = "facts.rows" if name == "facts" else "extra.rows"
        sections.append(Section(name, term(f"section.{name}", lang), [term(key, lang, n=len(rows)), table]))
    return sections


def _quality(data: Any, report_id: str, values: pd.DataFrame, lang: str) -> Section:
    section = Section("quality", term("section.quality", lang))
    findings = _rows_for(_frame(data, "findings"), report_id)
    if findings.empty:
        section.blocks.append(term("quality.no_findings", lang))
    else:
        states = findings["state"].astype(str)
        section.blocks.append(term(
            "quality.findings", lang, n=len(findings), passed=int((states == "pass").sum()),
            failed=int((states == "fail").sum()), na=int((states == "not_assessable").sum()),
        ))
        if "blanks_as_zero" in findings.columns:
            blanks = int(findings["blanks_as_zero"].fillna(False).astype(bool).sum())
            if blanks:
                section.blocks.append(term("quality.blanks", lang, n=blanks))
        shown = findings[states != "pass"]
        if not shown.empty:
            section.blocks.append(term("quality.failed_intro", lang))
            section.blocks.append(Table(
                [term(f"col.{c}", lang) for c in ("rule", "applicant", "state", "left", "right", "evidence")],
                [[_text(r.get("rule"), lang), _text(r.get("applicant"), lang),
                  term(f"state.{r['state']}", lang) if f"state.{r['state']}" in _terms() else str(r["state"]),
                  _text(r.get("left"), lang), _text(r.get("right"), lang), _text(r.get("evidence"), lang)]
                 for _, r in shown.iterrows()],
            ))
    derived = values[values["provenance"].astype(str) == "derived"] if not values.empty else values
    if derived.empty:
        section.blocks.append(term("quality.no_derived", lang))
    else:
        section.blocks.append(term("quality.derived", lang, n=len(derived)))
        section.blocks.append(Table(
            [term(f"col.{c}", lang) for c in ("metric", "applicant", "value", "label")],
            [[str(r["metric"]), _text(r.get("applicant"), lang), fmt_number(r["value"], lang),
              _text(r.get("source_label"), lang)] for _, r in derived.iterrows()],
        ))
    unmapped = _rows_for(_frame(data, "unmapped"), report_id)
    if unmapped.empty:
        section.blocks.append(term("quality.no_unmapped", lang))
    else:
        section.blocks.append(term("quality.unmapped", lang, n=len(unmapped)))
        columns = [c for c in unmapped.columns if c not in _ID_COLUMNS]
        section.blocks.append(Table(_headers(columns, lang), [
            [fmt_number(v, lang) if c == "value" else _text(v, lang) for c, v in zip(columns, row)]
            for row in unmapped[columns].itertuples(index=False)
        ]))
    return section


# --------------------------------------------------------------------------
# headline figures (index page)

def headline(data: Any, report_id: str, lang: str = "zh") -> dict[str, Any]:
    """Headline figures of one report for the index: numbers plus one display line."""
    proactive, _ = _harmonized_value(data, report_id, "proactive_published")
    received, _ = _harmonized_value(data, report_id, "requests_received")
    granted, _ = _harmonized_value(data, report_id, "granted")
    decided = [v for s in _OUTCOME_SERIES for v in [_harmonized_value(data, report_id, s)[0]] if v is not None]
    findings = _rows_for(_frame(data, "findings"), report_id)
    failed = int((findings["state"].astype(str) == "fail").sum()) if not findings.empty else 0
    parts = []
    if proactive is not None:
        parts.append(term("headline.proactive", lang, value=fmt_number(proactive, lang)))
    if received is not None:
        parts.append(term("headline.requests", lang, value=fmt_number(received, lang)))
    if granted is not None and decided and sum(decided) > 0:
        parts.append(term("headline.granted", lang, share=fmt_share(granted, sum(decided))))
    parts.append(term("headline.failed", lang, value=failed))
    return {"proactive": proactive, "requests_received": received, "granted": granted,
            "failed_rules": failed, "text": ("；" if lang == "zh" else "; ").join(parts)}


# --------------------------------------------------------------------------
# the comparison story

def _group_of(series: str) -> str:
    for row in series_catalog():
        if row["series"] == series:
            return row["group"]
    return "other"


def _series_order(series: str) -> int:
    for row in series_catalog():
        if row["series"] == series:
            return int(row["order"])
    return 99


def comparison_frame(data: Any, agency_id: str, years: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """Harmonized rows of one agency (optionally some years), sorted by year and series."""
    harmonized = _frame(data, "harmonized")
    if harmonized is None or harmonized.empty:
        return pd.DataFrame(columns=["year", "series", "value", "comparability", "template"])
    rows = harmonized[harmonized["agency_id"].astype(str) == str(agency_id)].copy()
    rows["year"] = pd.to_numeric(rows["year"], errors="coerce").astype(int)
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows.loc[rows["comparability"].astype(str) == "none", "value"] = float("nan")
    return rows.sort_values(["year", "series"]).reset_index(drop=True)


def template_changes(frame: pd.DataFrame) -> list[tuple[int, int, str, str]]:
    """(year_from, year_to, template_from, template_to) where consecutive reports change format."""
    per_year = frame.drop_duplicates("year")[["year", "template"]].sort_values("year")
    changes = []
    previous = None
    for year, template in per_year.itertuples(index=False):
        if previous is not None and previous[1] != template:
            changes.append((int(previous[0]), int(year), str(previous[1]), str(template)))
        previous = (year, template)
    return changes


def comparison_story(data: Any, agency_id: str, years: Optional[Sequence[int]] = None,
                     lang: str = "zh") -> Story:
    """Every harmonized series of one agency on one time axis, grouped as in the catalog."""
    frame = comparison_frame(data, agency_id, years)
    if frame.empty:
        title = term("comparison.title", lang, agency=str(agency_id))
        return Story(str(agency_id), title, anchor_for(agency_id),
                     [Section("overview", title, [term("comparison.unknown", lang, agency=str(agency_id))], level=1)])
    agency = str(frame.sort_values("year")["agency"].iloc[-1])
    title = term("comparison.title", lang, agency=agency)
    year_list = sorted(frame["year"].unique())
    sep = "、" if lang == "zh" else ", "
    overview = Section("overview", title, [term("comparison.overview", lang, agency=agency, n=len(year_list),
                                                 years=sep.join(str(y) for y in year_list))], level=1)
    if len(year_list) < 2:
        overview.blocks.append(term("comparison.too_few", lang, agency=agency, n=len(year_list)))
    changes = template_changes(frame)
    for year_from, year_to, t_from, t_to in changes:
        overview.blocks.append(term(
            "comparison.template_change", lang, year_from=year_from, year_to=year_to,
            from_template=template_name(t_from, lang), to_template=template_name(t_to, lang)))
    if not changes:
        overview.blocks.append(term("comparison.no_change", lang,
                                        template=template_name(frame["template"].iloc[0], lang)))
    overview.blocks.append(term("comparison.legend_note", lang))
    sections = [overview]

    frame = frame.assign(group=frame["series"].astype(str).map(_group_of),
                         order=frame["series"].astype(str).map(_series_order),
                         label=frame["series"].astype(str).map(lambda s: series_name(s, lang)))
    for group in group_catalog():
        rows = frame[frame["group"] == group["group"]].sort_values(["order", "year"])
        if rows.empty:
            continue
        section = Section(f"group.{group['group']}", group[lang])
        present = rows["value"].dropna()
        if not present.empty and (present == 0).all():
            section.blocks.append(term("comparison.group_zero", lang))
        elif not present.empty:
            section.charts.append(Chart(kind="series", title=f"{group[lang]}（{agency}）" if lang == "zh"
                                        else f"{group[lang]} ({agency})",
                                        frame=rows[["year", "series", "label", "value", "comparability", "template"]]
                                        .reset_index(drop=True), lang=lang))
        else:
            section.blocks.append(term("comparison.group_none", lang))
        approx = rows[rows["comparability"].astype(str) == "approximate"]
        if not approx.empty:
            section.blocks.append(term("comparison.approx_list", lang, items=sep.join(
                f"{r.label} {r.year}: {fmt_number(r.value, lang)}" for r in approx.itertuples())))
        gaps = rows[rows["comparability"].astype(str) == "none"]
        if not gaps.empty:
            section.blocks.append(term("comparison.none_list", lang, items=sep.join(
                f"{r.label} {r.year}" for r in gaps.itertuples())))
        section.blocks.append(Table(
            [term(f"col.{c}", lang) for c in ("series", "year", "template", "value", "comparability", "caveat")],
            [[r.label, str(r.year), template_name(r.template, lang, short=True), fmt_number(r.value, lang),
              term(f"comparability.{r.comparability}", lang),
              "" if is_missing(getattr(r, "caveat", None)) else str(r.caveat)] for r in rows.itertuples()],
        ))
        sections.append(section)
    return Story(str(agency_id), title, anchor_for(agency_id), sections)


# --------------------------------------------------------------------------
# rendering (all report text escaped here)

def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def table_html(table: Table) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f'<table class="govreport-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def section_html(section: Section, include_tables: bool = True) -> str:
    level = min(max(section.level, 1), 6)
    anchor = f' id="{_esc(section.anchor)}"' if section.anchor else ""
    parts = [f"<h{level}{anchor}>{_esc(section.title)}</h{level}>"]
    for block in section.blocks:
        if isinstance(block, str):
            parts.append(f"<p>{_esc(block)}</p>")
        elif include_tables:
            parts.append(table_html(block))
    return "\n".join(parts)


def story_heading_html(story: Story) -> str:
    return f'<h2 id="{_esc(story.anchor)}">{_esc(story.title)}</h2>'


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~"})


def _md(text: Any) -> str:
    """Markdown-safe text: HTML-escaped, then markdown punctuation backslashed."""
    return html.escape(str(text), quote=False).translate(_MD_SPECIAL)


def section_markdown(section: Section) -> str:
    lines = ["#" * min(max(section.level, 1), 6) + " " + _md(section.title), ""]
    for block in section.blocks:
        if isinstance(block, str):
            lines.append(_md(block) + "\n")
            continue
        lines.append("| " + " | ".join(_md(c) for c in block.columns) + " |")
        lines.append("|" + "---|" * len(block.columns))
        lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in block.rows]
        lines.append("")
    return "\n".join(lines)


def show(item: Any) -> None:
    """Display a Story heading or a Section (prose, tables, charts) in a notebook."""
    from IPython.display import HTML, display

    if isinstance(item, Story):
        display(HTML(story_heading_html(item)))
        return
    display(HTML(section_html(item)))
    if item.charts:
        from . import charts

        for chart in item.charts:
            charts.show(charts.draw(chart))


def show_sections(stories: Sequence[Story], key: str) -> None:
    """Display section ``key`` of every story (one notebook cell per section).

    With several agencies on one page, each section title names its agency.
    """
    for story in stories:
        section = story.section(key)
        if section is None:
            continue
        if key == "overview":
            show(story)
        elif len(stories) > 1:
            section = replace(section, title=f"{section.title} · {story.title}")
        show(section)
