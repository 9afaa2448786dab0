"""The story a published report tells, computed from the loaded tables.

Notebooks stay thin: they call :func:`year_stories` / :func:`comparison_story`
and display the result. Every number in the prose comes from the data passed
in; wording (zh or en) lives in ``catalog/narrative_terms.csv`` and the series
vocabulary in ``catalog/narrative_series.csv``. Text copied from a report
(agency names, labels, evidence) is escaped when rendered, so a ``<script>``
in a report is shown, never executed.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Optional, Sequence, Union

import pandas as pd

from . import catalog

LANGS = ("zh", "en")
_ID_COLUMNS = ("report_id", "agency", "agency_id", "year", "template")


# --------------------------------------------------------------------------
# vocabulary (data files)

def _read_catalog(name: str) -> list[dict[str, str]]:
    return catalog.read_csv(name)


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
class Long:
    """A table cell with long text: shown shortened, the full text one click away (<details>)."""

    text: str
    limit: int = 36

    def __str__(self) -> str:
        return self.text


@dataclass
class Quote:
    """A sentence cited from the report, with a caption such as 原文："""

    text: str
    caption: str = ""


@dataclass
class Details:
    """A collapsed list or table (repeated passages, all-zero rows): a summary line, the rest on click."""

    summary: str
    items: list[str] = field(default_factory=list)
    ordered: bool = True
    table: Optional[Table] = None


@dataclass
class Chart:
    """What to draw; :mod:`govreport.charts` turns it into a figure.

    ``kind='bar'``: ``labels``/``values`` (one bar each).
    ``kind='series'``: ``frame`` with columns year, series, label, value,
    comparability, template (one line per series across years).
    ``kind='facts'``: ``frame`` with columns series, year, subject, value, unit
    (prose figures matched across years; each point labelled with the phrase
    printed that year).
    ``kind='share'``: ``labels`` (years) and ``values`` (shares 0–1), with an
    optional ``threshold`` line.
    """

    kind: str
    title: str
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    unit: str = ""
    frame: Optional[pd.DataFrame] = None
    lang: str = "zh"
    threshold: Optional[float] = None   # a reference line (e.g. the 50% repetition mark)


@dataclass
class Section:
    """A titled part of a story: prose and tables in reading order (``blocks``), then charts."""

    key: str
    title: str
    blocks: list[Union[str, Table, Quote, Details]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    anchor: str = ""
    level: int = 3

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Table]:
        """Every table, including those folded into a Details block."""
        return [b if isinstance(b, Table) else b.table for b in self.blocks
                if isinstance(b, Table) or (isinstance(b, Details) and b.table is not None)]


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
    if str(row.get("provenance", "")) == "derived":
        # a derived value has no printed label: name the metric and say it was computed

        meta = catalog.metrics().get(str(row.get("metric")))
        name = (meta.name_zh if lang == "zh" else meta.name_en) if meta else (fallback or str(row.get("metric")))
        return f"{name}（{term('review.derived_label', lang)}）" if lang == "zh" else f"{name} ({term('review.derived_label', lang)})"
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


FOLD_ROWS = 12   # longer tables of zeros or derived values open on click


def _values_block(rows: pd.DataFrame, lang: str, names: Optional[dict[str, str]] = None) -> Union[Table, Details]:
    """The values table; folded behind one line when every number in it is 0 and it is long."""
    table = _values_table(rows, lang, names)
    if len(rows) > FOLD_ROWS and _all_zero(rows):
        return Details(term("fold.zero_rows", lang, n=len(rows)), table=table)
    return table


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
        _overview(data, report, totals, all_zero, lang),
        _proactive(report, totals, all_zero, lang, names),
        _requests(data, report, totals, all_zero, lang, names),
        _review(data, report, totals, all_zero, lang, names),
    ]
    other = _other(totals, lang, names)
    if other is not None:
        sections.append(other)
    for part in (_facts_section(data, report, all_zero, lang, names), _repetition_section(data, report, lang),
                 _timeliness_section(data, report, lang)):
        if part is not None:
            sections.append(part)
    sections.append(_quality(data, report_id, values, lang))
    agency = str(report["agency"])
    return Story(
        key=report_id,
        title=f"{agency}（{int(report['year'])}）" if lang == "zh" else f"{agency} ({int(report['year'])})",
        anchor=anchor_for(report["agency_id"]),
        sections=sections,
        report_id=report_id,
    )


def _overview(data: Any, report: pd.Series, totals: pd.DataFrame, all_zero: bool, lang: str) -> Section:
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
        pointer = _prose_pointer(data, str(report["report_id"]), lang)
        if pointer:
            paragraphs.append(pointer)
    return Section("overview", term("section.overview", lang), paragraphs)


def _chart_labels(rows: pd.DataFrame, lang: str, names: Optional[dict[str, str]]) -> list[str]:
    """The report's own labels, except where several bars share one (规章 ×3): those get the metric's name."""
    own = [_label(r, lang, fallback=str(r["metric"])) for _, r in rows.iterrows()]
    shared = {label for label in own if own.count(label) > 1}
    return [(names or {}).get(str(m), label) if label in shared else label for label, m in zip(own, rows["metric"])]


def _bar_chart(rows: pd.DataFrame, title: str, lang: str, names: Optional[dict[str, str]] = None) -> Optional[Chart]:
    """A bar per non-blank row, or None when there is nothing but zeros."""
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if "unit" in rows.columns and rows["unit"].nunique() > 1:
        # one axis, one unit: amounts in 万元 are not drawn beside counts in 件
        rows = rows[rows["unit"] == rows["unit"].mode().iloc[0]]
    if rows.empty or _all_zero(rows):
        return None
    units = rows["unit"].dropna().astype(str).unique() if "unit" in rows.columns else []
    return Chart(
        kind="bar", title=title,
        labels=_chart_labels(rows, lang, names),
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
    section.blocks.append(_values_block(rows, lang, names))
    if not all_zero:
        chart = _bar_chart(rows, _chart_title("chart.proactive", report, lang), lang, names)
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
    section.blocks.append(_values_block(rows, lang, names))
    return section


_TOTAL_RULES = ("review.total", "litigation.direct.total", "litigation.after_review.total", "litigation.total")


def _review(data: Any, report: pd.Series, totals: pd.DataFrame, all_zero: bool, lang: str,
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
    if _all_zero(rows):  # every printed cell, parts included, is 0
        section.blocks.append(term("review.zero", lang))
    else:
        section.blocks.append(term(
            "review.line", lang,
            review=fmt_number(review_value, lang), review_label=_label(review, lang),
            litigation=fmt_number(litigation_value, lang), litigation_label=_label(litigation, lang),
        ))
        findings = _rows_for(_frame(data, "findings"), str(report["report_id"]))
        if not findings.empty:
            broken = findings[(findings["state"].astype(str) == "fail") & findings["rule"].isin(_TOTAL_RULES)]
            for f in broken.itertuples():
                total = _metric_row(rows, f.rule)
                section.blocks.append(term("review.total_break", lang, label=_label(total, lang, fallback=f.rule),
                                           printed=fmt_number(f.left, lang), parts=fmt_number(f.right, lang)))
        if not all_zero:
            chart = _bar_chart(rows, _chart_title("chart.review", report, lang), lang, names)
            if chart is not None:
                section.charts.append(chart)
    section.blocks.append(_values_block(rows, lang, names))
    return section


def _other(totals: pd.DataFrame, lang: str, names: dict[str, str]) -> Optional[Section]:
    rows = _with_prefix(totals, "other")
    if rows.empty:
        return None
    return Section("other", term("section.other", lang),
                   [term("other.rows", lang, n=len(rows)), _values_table(rows, lang, names)])


def _enum(kind: str, value: Any, lang: str) -> str:
    """An enumeration value (state, role, level, applicant…) in words, from narrative_terms.csv."""
    if is_missing(value):
        return term("blank", lang)
    key = f"{kind}.{value}"
    return term(key, lang) if key in _terms() else str(value)


def applicant_name(applicant: Any, lang: str = "zh") -> str:
    return _enum("applicant", applicant, lang)


@lru_cache(maxsize=None)
def _rule_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(r["pattern"]), r["term"]) for r in _read_catalog("narrative_rules.csv"))


def rule_name(rule: Any, names: Optional[dict[str, str]] = None, lang: str = "zh") -> str:
    """A check's id in words (catalog/narrative_rules.csv): 'review.total' -> 行政复议总计＝各分项之和."""
    if is_missing(rule):
        return term("blank", lang)
    names = names or {}
    for pattern, key in _rule_patterns():
        match = pattern.fullmatch(str(rule))
        if match:
            metric = match.groupdict().get("metric")
            return term(key, lang, name=names.get(metric, metric) if metric else "")
    return str(rule)


def _headers(columns: list[str], lang: str) -> list[str]:
    """Column names in the page language where the vocabulary has them."""
    return [term(f"col.{c}", lang) if f"col.{c}" in _terms() else c for c in columns]


# --------------------------------------------------------------------------
# figures stated in the prose (facts table + fact.* findings)

_FACT_NUMBER = re.compile(r"#f(\d+)$")


def _reading_order(fact_id: Any) -> int:
    match = _FACT_NUMBER.search(str(fact_id))
    return int(match.group(1)) if match else 0


def report_facts(data: Any, report_id: str) -> Optional[pd.DataFrame]:
    """The prose facts of one report in reading order; None when no facts table was produced."""
    frame = _frame(data, "facts")
    if frame is None or "fact_id" not in frame.columns:
        return None
    rows = _rows_for(frame, report_id)
    if rows.empty:
        return rows
    rows = rows.assign(_order=rows["fact_id"].map(_reading_order))
    return rows.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _unit_text(unit: Any, lang: str) -> str:
    unit = "" if is_missing(unit) else str(unit)
    key = f"unit.{unit}"
    return term(key, lang) if key in _terms() else unit


def quantity(value: Any, unit: Any, lang: str = "zh") -> str:
    """'4491 件', '99.64%' (a percent sign sits on the number)."""
    unit_text = _unit_text(unit, lang)
    number = fmt_number(value, lang)
    return f"{number}{unit_text}" if unit_text == "%" else f"{number} {unit_text}".rstrip()


def _subject_text(subject: Any, lang: str) -> str:
    return term("facts.no_subject", lang) if is_missing(subject) or not str(subject).strip() else str(subject)


def _evidence_sentence(evidence: Any) -> str:
    """The sentence (possibly shortened with …) that a fact.* finding cites after ' | '."""
    text = "" if is_missing(evidence) else str(evidence)
    return text.split(" | ", 1)[1].rstrip("…") if " | " in text else ""


def _cites(evidence: Any, sentence: str) -> bool:
    head = _evidence_sentence(evidence)
    return bool(head) and str(sentence).startswith(head)


@dataclass
class FactGroup:
    """The figures of one prose sentence, and how they relate to the tables."""

    sentence: str
    section: str
    rows: pd.DataFrame
    order: int
    covered: list[str]          # metrics of these figures that the tables do report
    silent: list[str]           # metrics of these figures that the tables leave without a number

    @property
    def has_rate(self) -> bool:
        return bool((self.rows["role"].astype(str) == "rate").any())

    @property
    def has_whole(self) -> bool:
        return bool((self.rows["role"].astype(str) == "whole").any())

    @property
    def highlight(self) -> bool:
        """Worth a sentence of its own: a total with parts, a rate, or a figure the tables lack."""
        return self.has_rate or self.has_whole or bool(self.silent)

    def rank(self) -> tuple[int, int, int]:
        """Figures the tables are silent on first; rates before totals before single figures."""
        kind = 0 if self.has_rate else (1 if self.has_whole else 2)
        return (1 if self.covered else 0, kind, self.order)


def prose_groups(data: Any, report_id: str) -> list[FactGroup]:
    """Facts grouped by sentence, each marked with what the tables say about the same metric."""
    from .facts import table_metric

    facts = report_facts(data, report_id)
    if facts is None or facts.empty:
        return []
    totals = _totals(_rows_for(_frame(data, "values"), report_id))
    reported = set() if totals.empty else set(totals.loc[totals["value"].notna(), "metric"].astype(str))
    groups = []
    for order, (sentence, rows) in enumerate(facts.groupby("sentence", sort=False)):
        covered, silent = [], []
        for _, row in rows.iterrows():
            if str(row["role"]) in ("part", "rate"):
                continue
            metric = table_metric(str(row["subject"]))
            if metric is None:
                continue
            (covered if metric in reported else silent).append(metric)
        groups.append(FactGroup(str(sentence), _text(rows["section"].iloc[0], "zh"), rows.reset_index(drop=True),
                                order, covered, silent))
    return groups


def _group_statement(group: FactGroup, lang: str) -> str:
    """'转办市民有效诉求件 4491 件（其中：…），办结 4475 件，办结率 99.64%。'"""
    rows = group.rows
    ids = set(rows["fact_id"].astype(str))
    pieces = []
    for _, row in rows.iterrows():
        parent = row.get("parent_fact_id")
        if str(row["role"]) == "part" and not is_missing(parent) and str(parent) in ids:
            continue
        text = f"{_subject_text(row['subject'], lang)} {quantity(row['value'], row['unit'], lang)}"
        parts = rows[rows["parent_fact_id"].astype(str) == str(row["fact_id"])]
        if str(row["role"]) == "whole" and not parts.empty:
            sep = "、" if lang == "zh" else ", "
            text += term("facts.parts", lang, items=sep.join(
                f"{_subject_text(p['subject'], lang)} {quantity(p['value'], p['unit'], lang)}" for _, p in parts.iterrows()))
        pieces.append(text)
    return term("facts.group", lang, items=("，" if lang == "zh" else ", ").join(pieces))


def _rate_operands(group: FactGroup, computed: float) -> Optional[tuple[pd.Series, pd.Series]]:
    """The (numerator, denominator) facts of the sentence that give ``computed`` percent."""
    counts = [(i, r) for i, r in group.rows.iterrows() if str(r["role"]) != "rate"]
    # the total comes first in the sentence ("受理 2525 件，办结 2525 件"): denominator before numerator
    found = [(n, d) for j, d in counts for i, n in counts if j < i and float(d["value"]) != 0
             and n["unit"] == d["unit"] and abs(100.0 * float(n["value"]) / float(d["value"]) - computed) < 1e-4]
    return found[0] if len(found) == 1 else None


def _check_statements(group: FactGroup, findings: pd.DataFrame, lang: str) -> list[str]:
    """What the fact.part_whole / fact.rate checks found for this sentence, in words."""
    out = []
    if findings.empty:
        return out
    cited = findings[findings["evidence"].map(lambda e: _cites(e, group.sentence))]
    rows = group.rows
    for _, finding in cited.iterrows():
        rule, state = str(finding["rule"]), str(finding["state"])
        left, right = finding["left"], finding["right"]
        if rule == "fact.part_whole":
            wholes = rows[(rows["role"].astype(str) == "whole") & (rows["value"] == left)]
            unit = wholes["unit"].iloc[0] if not wholes.empty else ""
            subject = _subject_text(wholes["subject"].iloc[0], lang) if not wholes.empty else ""
            key = {"pass": "facts.check.parts_pass", "fail": "facts.check.parts_fail"}.get(
                state, "facts.check.parts_unclear")
            diff = "" if is_missing(left) or is_missing(right) else quantity(abs(float(left) - float(right)), unit, lang)
            out.append(term(key, lang, subject=subject, whole=quantity(left, unit, lang),
                            sum=quantity(right, unit, lang), diff=diff))
        elif rule == "fact.rate":
            rates = rows[(rows["role"].astype(str) == "rate") & (rows["value"] == left)]
            subject = _subject_text(rates["subject"].iloc[0], lang) if not rates.empty else ""
            stated = quantity(left, "%", lang)
            if state == "not_assessable" or is_missing(right):
                out.append(term("facts.check.rate_unclear", lang, subject=subject, rate=stated))
                continue
            computed = f"{float(right):.2f}%"
            operands = _rate_operands(group, float(right))
            verdict = term(f"facts.check.rate_{'pass' if state == 'pass' else 'fail'}", lang,
                           subject=subject, rate=stated, computed=computed)
            if operands is not None:
                n, d = operands
                out.append(term("facts.check.rate_formula", lang,
                                numerator=f"{_subject_text(n['subject'], lang)} {fmt_number(n['value'], lang)}",
                                denominator=f"{_subject_text(d['subject'], lang)} {fmt_number(d['value'], lang)}",
                                computed=computed) + verdict)
            else:
                out.append(term("facts.check.rate_computed", lang, computed=computed) + verdict)
    return out


def _silent_statement(group: FactGroup, names: dict[str, str], lang: str) -> Optional[str]:
    """Which figures of the sentence the tables have no number for, with the standard metric."""
    from .facts import table_metric

    if not group.silent:
        return None
    items = []
    for _, row in group.rows.iterrows():
        metric = table_metric(str(row["subject"])) if str(row["role"]) not in ("part", "rate") else None
        if metric in group.silent:
            items.append(term("facts.silent_item", lang, figure=f"{_subject_text(row['subject'], lang)} "
                              f"{quantity(row['value'], row['unit'], lang)}", name=names.get(metric, metric)))
    return term("facts.silent", lang, items=("、" if lang == "zh" else "; ").join(items))


def _vs_table_blocks(data: Any, report_id: str, findings: pd.DataFrame, lang: str) -> list[Union[str, Quote]]:
    """Prose figure against the table figure for the same metric (fact.vs_table:* findings)."""
    from .facts import table_metric

    if findings.empty:
        return []
    checks = findings[findings["rule"].astype(str).str.startswith("fact.vs_table:")]
    if checks.empty:
        return []
    facts = report_facts(data, report_id)
    totals = _totals(_rows_for(_frame(data, "values"), report_id))
    blocks: list[Union[str, Quote]] = [term("facts.vs_table_intro", lang)]
    for _, finding in checks.iterrows():
        metric = str(finding["rule"]).split(":", 1)[1]
        candidates = facts[(facts["subject"].astype(str).map(table_metric) == metric)
                           & ~facts["role"].astype(str).isin(["part", "rate"])]
        cited = candidates[candidates["sentence"].map(lambda s: _cites(finding["evidence"], s))]
        fact = (cited if not cited.empty else candidates).iloc[0] if not candidates.empty else None
        table_row = _metric_row(totals, metric) if not totals.empty else None
        label = _label(table_row, lang, fallback=metric)
        if table_row is not None and str(table_row.get("provenance", "")) == "derived":
            label = f"{metric_names(data, lang).get(metric, metric)}（{term('review.derived_label', lang)}）"
        table_unit = table_row.get("unit") if table_row is not None else None
        prose = (f"{_subject_text(fact['subject'], lang)} {quantity(fact['value'], fact['unit'], lang)}"
                 if fact is not None else fmt_number(finding["left"], lang))
        state = str(finding["state"])
        key = {"pass": "facts.vs_table.pass", "fail": "facts.vs_table.fail"}.get(state, "facts.vs_table.blank")
        blocks.append(term(key, lang, prose=prose, label=label, table=quantity(finding["right"], table_unit, lang)))
        if fact is not None:
            blocks.append(Quote(str(fact["sentence"]), term("facts.quote", lang)))
    return blocks


def _facts_table(facts: pd.DataFrame, lang: str) -> Table:
    """Every prose figure, readable: roles and units in words, the sentence one click away."""
    subjects = dict(zip(facts["fact_id"].astype(str), facts["subject"]))
    rows = []
    previous_section = previous_sentence = None
    for _, row in facts.iterrows():
        parent = row.get("parent_fact_id")
        section, sentence = _text(row["section"], lang), str(row["sentence"])
        rows.append([
            section if section != previous_section else "",
            _subject_text(row["subject"], lang), fmt_number(row["value"], lang), _unit_text(row["unit"], lang),
            _enum("role", row["role"], lang),
            "" if is_missing(parent) else _subject_text(subjects.get(str(parent)), lang),
            Long(sentence) if sentence != previous_sentence else term("facts.same_sentence", lang),
        ])
        previous_section, previous_sentence = section, sentence
    return Table([term(f"col.{c}", lang) for c in ("section", "subject", "value", "unit", "role", "parent", "sentence")],
                 rows)


def _facts_section(data: Any, report: pd.Series, all_zero: bool, lang: str,
                   names: dict[str, str]) -> Optional[Section]:
    report_id = str(report["report_id"])
    facts = report_facts(data, report_id)
    if facts is None:
        return None
    section = Section("facts", term("section.facts", lang))
    if facts.empty:
        section.blocks.append(term("facts.none", lang))
        return section
    groups = prose_groups(data, report_id)
    findings = _rows_for(_frame(data, "findings"), report_id)
    fact_findings = findings[findings["rule"].astype(str).str.startswith("fact.")] if not findings.empty else findings
    section.blocks.append(term("facts.intro", lang, n=len(facts), k=len(groups)))
    highlights = sorted((g for g in groups if g.highlight), key=FactGroup.rank)
    if highlights:
        section.blocks.append(term("facts.lead_zero" if all_zero else "facts.lead", lang))
        for group in highlights:
            words = [_group_statement(group, lang)]
            silent = _silent_statement(group, names, lang)
            if silent:
                words.append(silent)
            words += _check_statements(group, fact_findings, lang)
            section.blocks.append("".join(words) if lang == "zh" else " ".join(words))
            section.blocks.append(Quote(group.sentence, term("facts.quote", lang)))
    else:
        section.blocks.append(term("facts.no_highlights", lang))
    section.blocks += _vs_table_blocks(data, report_id, fact_findings, lang)
    section.blocks.append(term("facts.rows", lang, n=len(facts)))
    section.blocks.append(_facts_table(facts, lang))
    return section


def _prose_pointer(data: Any, report_id: str, lang: str) -> Optional[str]:
    """For an all-zero report: the first figure the prose states beyond the tables."""
    groups = sorted((g for g in prose_groups(data, report_id) if g.highlight and not g.covered), key=FactGroup.rank)
    if not groups:
        return None
    first = groups[0].rows.iloc[0]
    example = f"{_subject_text(first['subject'], lang)} {quantity(first['value'], first['unit'], lang)}"
    return term("overview.see_prose", lang, example=example, section=term("section.facts", lang))


# --------------------------------------------------------------------------
# repetition (内容雷同) and timeliness

@lru_cache(maxsize=None)
def _limits() -> dict[str, float]:
    return {row["key"]: float(row["value"]) for row in _read_catalog("narrative_limits.csv")}


def _caveat(row: Any, lang: str) -> str:
    """The crosswalk caveat in the page's language (caveat_zh for zh, caveat otherwise)."""
    text = getattr(row, "caveat_zh" if lang == "zh" else "caveat", None)
    if is_missing(text) or not str(text):
        text = getattr(row, "caveat", None)
    return "" if is_missing(text) else str(text)


def repetition_limit() -> float:
    """The share above which assessments score a report down for repeating last year's text."""
    return _limits()["repetition.penalty_share"]


def repeated_passages(data: Any, report_id: str) -> Optional[list[str]]:
    """The passages of ``report_id`` repeated from the previous year's report (ingest's
    ``repetition_passages`` table); None when that table is absent."""
    stored = _frame(data, "repetition_passages")
    if stored is None or "passage" not in stored.columns:
        return None
    return [str(p) for p in _rows_for(stored, report_id)["passage"]]


def _report_year(data: Any, report_id: Any) -> Optional[int]:
    reports = _frame(data, "reports")
    if reports is None:
        return None
    rows = reports[reports["report_id"].astype(str) == str(report_id)]
    return None if rows.empty else int(rows["year"].iloc[0])


def fmt_percent(share: float) -> str:
    return f"{100.0 * float(share):.1f}%"


def _repetition_section(data: Any, report: pd.Series, lang: str) -> Optional[Section]:
    frame = _frame(data, "repetition")
    if frame is None or "n_repeated" not in frame.columns:
        return None
    report_id, year = str(report["report_id"]), int(report["year"])
    section = Section("repetition", term("section.repetition", lang))
    rows = _rows_for(frame, report_id)
    if rows.empty:
        section.blocks.append(term("repetition.no_previous", lang, agency=str(report["agency"]), previous=year - 1))
        return section
    row = rows.iloc[0]
    previous = _report_year(data, row["previous_report_id"]) or year - 1
    limit = repetition_limit()
    if int(row["n_sentences"]) == 0 or is_missing(row["share"]):
        section.blocks.append(term("repetition.no_sentences", lang, previous=previous))
        return section
    share = float(row["share"])
    section.blocks.append(term("repetition.line", lang, previous=previous, n=int(row["n_sentences"]),
                               k=int(row["n_repeated"]), share=fmt_percent(share)))
    section.blocks.append(term("repetition.over" if share > limit else "repetition.under", lang,
                               limit=fmt_percent(limit).replace(".0%", "%")))
    if int(row["n_repeated"]) == 0:
        return section
    passages = repeated_passages(data, report_id)
    if passages is None:
        section.blocks.append(term("repetition.passages_unavailable", lang))
    elif passages:
        section.blocks.append(Details(term("repetition.passages", lang, m=len(passages), k=int(row["n_repeated"]),
                                           previous=previous), passages))
    return section


def _date_text(value: Any, lang: str) -> str:
    if is_missing(value):
        return term("timeliness.no_date", lang)
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _timeliness_section(data: Any, report: pd.Series, lang: str) -> Optional[Section]:
    from .timeliness import deadline as statutory_deadline

    rows = _rows_for(_frame(data, "timeliness"), str(report["report_id"]))
    if rows.empty:
        return None
    row = rows.iloc[0]
    section = Section("timeliness", term("section.timeliness", lang))
    state, level = str(row["state"]), str(row["level"])
    level_name = term(f"level.{level}", lang) if f"level.{level}" in _terms() else level
    try:
        basis = statutory_deadline(int(report["year"]), level)[1]
    except ValueError:
        basis = ""
    days = ""
    if state == "late" and not is_missing(row["published"]) and not is_missing(row["deadline"]):
        days = str((pd.Timestamp(row["published"]) - pd.Timestamp(row["deadline"])).days)
    key = f"timeliness.{state}" if f"timeliness.{state}" in _terms() else "timeliness.other"
    section.blocks.append(term(key, lang, published=_date_text(row["published"], lang),
                               deadline=_date_text(row["deadline"], lang), level=level_name, days=days,
                               state=state))
    if basis:
        section.blocks.append(term("timeliness.basis", lang, basis=basis))
    # The stored evidence line restates these fields in English; the sentence above says it all.
    return section


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
            names = metric_names(data, lang)
            section.blocks.append(term("quality.failed_intro", lang))
            section.blocks.append(Table(
                [term(f"col.{c}", lang) for c in ("rule", "applicant", "state", "left", "right", "evidence")],
                [[rule_name(r.get("rule"), names, lang), applicant_name(r.get("applicant"), lang),
                  _enum("state", r["state"], lang),
                  _text(r.get("left"), lang), _text(r.get("right"), lang), Long(_text(r.get("evidence"), lang), 48)]
                 for _, r in shown.iterrows()],
            ))
            section.blocks.append(term("quality.evidence_note", lang))
    derived = values[values["provenance"].astype(str) == "derived"] if not values.empty else values
    if derived.empty:
        section.blocks.append(term("quality.no_derived", lang))
    else:
        section.blocks.append(term("quality.derived", lang, n=len(derived)))
        names = metric_names(data, lang)
        table = Table(
            [term(f"col.{c}", lang) for c in ("metric", "applicant", "value", "label")],
            [[names.get(str(r["metric"]), str(r["metric"])), applicant_name(r.get("applicant"), lang),
              fmt_number(r["value"], lang), Long(_text(r.get("source_label"), lang), 48)]
             for _, r in derived.iterrows()],
        )
        section.blocks.append(Details(term("fold.derived", lang, n=len(derived)), table=table)
                              if len(derived) > FOLD_ROWS else table)
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
              _caveat(r, lang)] for r in rows.itertuples()],
        ))
        for note in _identity_notes(data, rows, lang):
            section.blocks.append(note)
        sections.append(section)
    sections.append(_comparison_facts(data, agency_id, agency, years, lang))
    sections.append(_comparison_repetition(data, agency_id, agency, years, lang))
    return Story(str(agency_id), title, anchor_for(agency_id), sections)


def _identity_notes(data: Any, rows: pd.DataFrame, lang: str) -> list[str]:
    """Broken identities behind a group's points: the chart shows printed numbers, the note says which failed.

    A rule belongs to the group when its first metric segment (review, litigation,
    outcome, requests …) is one the group's series are built from (crosswalk terms).
    """
    from .harmonize import crosswalk

    findings = _frame(data, "findings")
    if findings is None or findings.empty:
        return []
    series = set(rows["series"].astype(str))
    heads = {t.split(".")[0] for spec in crosswalk() if spec.series in series for t in spec.terms}
    failed = findings[(findings["state"].astype(str) == "fail")
                      & findings["report_id"].isin(set(rows["report_id"].astype(str)))
                      & findings["rule"].astype(str).str.split(".").str[0].isin(heads)]
    years = dict(zip(rows["report_id"].astype(str), rows["year"]))
    notes = []
    for f in failed.drop_duplicates(["report_id", "rule", "applicant"]).itertuples():
        if f.applicant != "total":
            continue
        notes.append(term("comparison.identity_note", lang, year=years.get(str(f.report_id), ""),
                          rule=rule_name(str(f.rule), metric_names(data, lang), lang=lang), left=fmt_number(f.left, lang),
                          right=fmt_number(f.right, lang)))
    return notes


# --------------------------------------------------------------------------
# prose figures and repetition across years (comparison)

FACT_SERIES_COLUMNS = ["series", "year", "subject", "value", "unit", "sentence", "report_id", "fact_id"]


def _agency_reports(data: Any, agency_id: str, years: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """One report per year of ``agency_id`` (the first when there are two), sorted by year."""
    reports = _frame(data, "reports")
    if reports is None or reports.empty:
        return pd.DataFrame(columns=["report_id", "year"])
    rows = reports[reports["agency_id"].astype(str) == str(agency_id)].copy()
    rows["year"] = pd.to_numeric(rows["year"], errors="coerce").astype(int)
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    return rows.sort_values(["year", "report_id"]).drop_duplicates("year").reset_index(drop=True)


def _anchor_subjects(facts: pd.DataFrame) -> dict[str, str]:
    """fact_id -> subject of the first count in its sentence (what a bare 办结 or 办结率 belongs to)."""
    anchors = {}
    for _, rows in facts.groupby(["report_id", "sentence"], sort=False):
        counts = rows[rows["role"].astype(str) != "rate"]
        first = str(counts["subject"].iloc[0]) if not counts.empty else ""
        anchors.update({str(f): first for f in rows["fact_id"]})
    return anchors


def fact_series(data: Any, agency_id: str, years: Optional[Sequence[int]] = None,
                lang: str = "zh") -> pd.DataFrame:
    """Prose figures of one agency that can be followed across years (FACT_SERIES_COLUMNS).

    Two figures of different years belong together when they have the same
    unit and their subject phrases match (:func:`govreport.facts.subjects_match`).
    A year with several matching figures of different values keeps only those
    whose sentence is about the same thing (the sentence's first subject
    matches too: 2018's 办结 2525 of 转办有效诉求件, not 办结 21525 of
    便民服务事项); if that still leaves a choice the year is dropped rather
    than guessed. Series seen in fewer than two years are left out. A bare
    word such as 办结 is labelled with what its sentence is about.
    """
    from .facts import subject_key, subjects_match

    reports = _agency_reports(data, agency_id, years)
    frame = _frame(data, "facts")
    if reports.empty or frame is None or frame.empty:
        return pd.DataFrame(columns=FACT_SERIES_COLUMNS)
    year_of = dict(zip(reports["report_id"].astype(str), reports["year"]))
    facts = frame[frame["report_id"].astype(str).isin(year_of)].copy()
    facts = facts[facts["subject"].notna() & (facts["subject"].astype(str).str.strip() != "")]
    if facts.empty:
        return pd.DataFrame(columns=FACT_SERIES_COLUMNS)
    facts["year"] = facts["report_id"].astype(str).map(year_of)
    facts["reading"] = facts["fact_id"].map(_reading_order)
    facts = facts.sort_values(["year", "reading"]).reset_index(drop=True)
    anchors = _anchor_subjects(facts)

    parent = list(range(len(facts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    records = list(facts.itertuples())
    for a in records:
        for b in records:
            if b.Index <= a.Index or b.year == a.year or b.unit != a.unit:
                continue
            if subjects_match(str(a.subject), str(b.subject)):
                parent[find(b.Index)] = find(a.Index)

    components: dict[int, list] = {}
    for r in records:
        components.setdefault(find(r.Index), []).append(r)
    series_rows = []
    for members in components.values():
        by_year: dict[int, list] = {}
        for r in members:
            by_year.setdefault(int(r.year), []).append(r)
        if len(by_year) < 2:
            continue
        chosen = {}
        for year, candidates in by_year.items():
            if len({float(c.value) for c in candidates}) > 1:
                others = [anchors[str(r.fact_id)] for y, rs in by_year.items() if y != year for r in rs]
                candidates = [c for c in candidates
                              if any(subjects_match(anchors[str(c.fact_id)], o) for o in others)]
            if candidates and len({float(c.value) for c in candidates}) == 1:
                chosen[year] = candidates[0]
        if len(chosen) < 2:
            continue
        phrases = list(dict.fromkeys(str(chosen[y].subject) for y in sorted(chosen)))
        label = " / ".join(phrases)
        context = [anchors[str(chosen[y].fact_id)] for y in sorted(chosen)]
        if len(subject_key(phrases[-1])) < 4 and context[-1] != phrases[-1] \
                and all(subjects_match(c, context[-1]) for c in context):
            label = term("comparison.facts_context", lang, phrase=label, context=context[-1])
        for year in sorted(chosen):
            r = chosen[year]
            series_rows.append({"series": label, "year": year, "subject": str(r.subject), "value": float(r.value),
                                "unit": str(r.unit), "sentence": str(r.sentence), "report_id": str(r.report_id),
                                "fact_id": str(r.fact_id), "_first": (-max(chosen), chosen[max(chosen)].reading)})
    if not series_rows:
        return pd.DataFrame(columns=FACT_SERIES_COLUMNS)
    out = pd.DataFrame(series_rows)
    out = out.sort_values(["_first", "series", "year"]).drop(columns="_first").reset_index(drop=True)
    return out[FACT_SERIES_COLUMNS]


def _comparison_facts(data: Any, agency_id: str, agency: str, years: Optional[Sequence[int]],
                      lang: str) -> Section:
    section = Section("facts", term("comparison.facts_title", lang))
    reports = _agency_reports(data, agency_id, years)
    frame = _frame(data, "facts")
    if frame is None or frame.empty or not frame["report_id"].astype(str).isin(reports["report_id"].astype(str)).any():
        section.blocks.append(term("comparison.facts_none", lang))
        return section
    series = fact_series(data, agency_id, years, lang)
    if series.empty:
        section.blocks.append(term("comparison.facts_no_match", lang))
        return section
    sep = "；" if lang == "zh" else "; "
    labels = list(dict.fromkeys(series["series"]))
    items = []
    for label in labels:
        rows = series[series["series"] == label]
        phrases = list(dict.fromkeys(rows["subject"]))
        year_list = ("、" if lang == "zh" else ", ").join(str(y) for y in rows["year"])
        if len(phrases) == 1:
            items.append(term("comparison.facts_same_phrase", lang, phrase=phrases[0], years=year_list))
        else:
            items.append(term("comparison.facts_phrases", lang, phrases=("＝" if lang == "zh" else " = ").join(
                term("comparison.facts_phrase_year", lang, phrase=r.subject, year=r.year) for r in rows.itertuples())))
    section.blocks.append(term("comparison.facts_intro", lang, n=len(labels), items=sep.join(items)))
    zero = [label for label in labels if (series.loc[series["series"] == label, "value"] == 0).all()]
    if zero:
        section.blocks.append(term("comparison.facts_zero", lang, items=sep.join(f"“{z}”" for z in zero)))
    findings = _frame(data, "findings")
    if findings is not None and not findings.empty:
        broken = findings[findings["rule"].astype(str).str.startswith("fact.vs_table:")
                          & (findings["state"].astype(str) == "fail")]
        for r in series.itertuples():
            for _, f in broken[broken["report_id"].astype(str) == r.report_id].iterrows():
                if _cites(f["evidence"], r.sentence) and float(f["left"]) == float(r.value):
                    section.blocks.append(term("comparison.facts_vs_table", lang, year=r.year, phrase=r.subject,
                                               prose=quantity(r.value, r.unit, lang),
                                               table=quantity(f["right"], r.unit, lang)))
    drawn = series[~series["series"].isin(zero)]
    if not drawn.empty:
        section.charts.append(Chart(kind="facts", title=term("comparison.facts_chart", lang, agency=agency),
                                    frame=drawn[["series", "year", "subject", "value", "unit"]].reset_index(drop=True),
                                    lang=lang))
    section.blocks.append(Table(
        [term(f"col.{c}", lang) for c in ("series", "year", "phrase", "value", "unit", "sentence")],
        [[r.series, str(r.year), r.subject, fmt_number(r.value, lang), _unit_text(r.unit, lang), Long(r.sentence)]
         for r in series.itertuples()]))
    return section


def _comparison_repetition(data: Any, agency_id: str, agency: str, years: Optional[Sequence[int]],
                           lang: str) -> Section:
    section = Section("repetition", term("comparison.repetition_title", lang))
    frame = _frame(data, "repetition")
    rows = pd.DataFrame() if frame is None or frame.empty else \
        frame[frame["agency_id"].astype(str) == str(agency_id)]
    if not rows.empty and years is not None:
        rows = rows[pd.to_numeric(rows["year"]).isin([int(y) for y in years])]
    if rows.empty:
        section.blocks.append(term("comparison.repetition_none", lang))
        return section
    rows = rows.sort_values("year")
    limit = repetition_limit()
    table_rows = []
    for r in rows.itertuples():
        previous = _report_year(data, r.previous_report_id) or int(r.year) - 1
        share = fmt_percent(r.share) if not is_missing(r.share) else term("blank", lang)
        section.blocks.append(term("comparison.repetition_line", lang, year=int(r.year), previous=previous,
                                   n=int(r.n_sentences), k=int(r.n_repeated), share=share))
        table_rows.append([str(int(r.year)), str(previous), str(int(r.n_sentences)), str(int(r.n_repeated)), share])
    over = rows[rows["share"] > limit]
    limit_text = fmt_percent(limit).replace(".0%", "%")
    section.blocks.append(term("repetition.over" if not over.empty else "repetition.under", lang, limit=limit_text))
    section.blocks.append(Table([term(f"col.{c}", lang) for c in ("year", "previous_year", "n_sentences",
                                                                  "n_repeated", "share")], table_rows))
    present = rows[rows["share"].notna()]
    if len(present) >= 2:
        section.charts.append(Chart(kind="share", title=term("comparison.repetition_chart", lang, agency=agency),
                                    labels=[str(int(y)) for y in present["year"]],
                                    values=[float(v) for v in present["share"]], lang=lang, threshold=limit))
    return section


# --------------------------------------------------------------------------
# rendering (all report text escaped here)

def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def cell_html(value: Any) -> str:
    """One table cell; a :class:`Long` cell shows its start and opens to the full text."""
    if isinstance(value, Long) and len(value.text) > value.limit:
        short = value.text[: value.limit].rstrip() + "…"
        return (f'<details class="govreport-long"><summary>{_esc(short)}</summary>'
                f"<div>{_esc(value.text)}</div></details>")
    return _esc(value)


def table_html(table: Table) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell_html(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f'<table class="govreport-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def block_html(block: Any) -> str:
    if isinstance(block, str):
        return f"<p>{_esc(block)}</p>"
    if isinstance(block, Quote):
        caption = f"<strong>{_esc(block.caption)}</strong>" if block.caption else ""
        return f'<blockquote class="govreport-quote"><p>{caption}“{_esc(block.text)}”</p></blockquote>'
    if isinstance(block, Details):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_esc(item)}</li>" for item in block.items)
        inner = (f"<{tag}>{items}</{tag}>" if block.items else "") + (table_html(block.table) if block.table else "")
        return f"<details><summary>{_esc(block.summary)}</summary>{inner}</details>"
    return table_html(block)


def section_html(section: Section, include_tables: bool = True) -> str:
    level = min(max(section.level, 1), 6)
    anchor = f' id="{_esc(section.anchor)}"' if section.anchor else ""
    parts = [f"<h{level}{anchor}>{_esc(section.title)}</h{level}>"]
    for block in section.blocks:
        if isinstance(block, Table) and not include_tables:
            continue
        parts.append(block_html(block))
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
        if isinstance(block, Quote):
            lines.append("> " + _md(block.caption) + "“" + _md(block.text) + "”\n")
            continue
        if isinstance(block, Details):
            lines.append(_md(block.summary) + "\n")
            lines += [f"{n}. " + _md(item) for n, item in enumerate(block.items, 1)] + [""]
            if block.table is None:
                continue
            block = block.table
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
