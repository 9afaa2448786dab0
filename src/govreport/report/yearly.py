"""The yearly page: one story per report, each a run of sections (headline, tables, prose, checks).

A page with several agencies shows each agency's story whole, one after the
other (never section by section across agencies), after a table of contents
and, when there are several agencies, a ranking on the main shares.
"""
from __future__ import annotations

from typing import Optional

import pandas as pd

from govreport.report.access import (harmonized_value, label, metric_names, metric_row, reports_for_year, rows_for, totals,
                     with_prefix)
from govreport.report.context import repetition_section, timeliness_section
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.facts import facts_section, prose_pointer
from govreport.report.findings import checks_section, differs_section, methods_section, parse_section, report_findings
from govreport.report.names_en import bilingual, english_name
from govreport.report.headline import headline_section
from govreport.report.links import agency_links, report_anchor
from govreport.report.model import Chart, Details, Links, Section, Story
from govreport.report.shares import outcome_denominator, outcome_series, share
from govreport.report.tables import all_zero, bar_chart, data_table, values_block, values_table
from govreport.report.wording import file_name, fmt_number, is_missing, paren, series_name, template_name, term, unit_text


@takes_dataset
def year_intro(data: Dataset, year: int, agency: Optional[str] = None, lang: str = "zh") -> Section:
    """The page heading: which year and which agencies this page covers."""
    chosen = reports_for_year(data, year, agency)
    title = term("year.title", lang, year=int(year))
    if chosen.empty:
        note = paren(str(agency), lang) if agency else ""
        return Section("intro", title, [term("year.none", lang, year=int(year), agency_note=note)], level=1)
    names = ("、" if lang == "zh" else "; ").join(bilingual(a, lang) for a in chosen["agency"].astype(str))
    return Section("intro", title, [term("year.agencies", lang, n=len(chosen), year=int(year), agencies=names)],
                   level=1)


@takes_dataset
def year_stories(data: Dataset, year: int, agency: Optional[str] = None, lang: str = "zh") -> list[Story]:
    """One story per report of ``year`` (every agency, or only ``agency``)."""
    return [report_story(data, report, lang) for _, report in reports_for_year(data, year, agency).iterrows()]


@takes_dataset
def report_story(data: Dataset, report: pd.Series, lang: str = "zh") -> Story:
    """Every section of one report's story, in reading order."""
    report_id = str(report["report_id"])
    values = rows_for(data.table("values"), report_id)
    table = totals(values)
    n_read = len(values)  # the one count of numbers read: overview, parse summary and data table all say it
    zero = all_zero(values)
    names = metric_names(data, lang)
    sections = [_overview(data, report, n_read, zero, lang), headline_section(data, report, lang),
                _proactive(report, table, zero, lang, names), _requests(data, report, table, zero, lang, names),
                _review(data, report, table, zero, lang, names), _other(table, lang, names),
                facts_section(data, report, zero, lang, names), repetition_section(data, report, lang),
                timeliness_section(data, report, lang), checks_section(data, report_id, lang),
                differs_section(data, report_id, lang), parse_section(data, report_id, values, lang, n_read),
                _data_section(values, lang, names, n_read), methods_section(data, report, values, lang)]
    agency = bilingual(str(report["agency"]), lang)
    story = Story(key=report_id, title=agency + paren(str(int(report["year"])), lang),
                  anchor=report_anchor(report_id), sections=[s for s in sections if s is not None],
                  report_id=report_id)
    for section in story.sections:
        section.anchor = story.section_anchor(section.key)
    return story


def _overview(data: Dataset, report: pd.Series, n_read: int, zero: bool, lang: str) -> Section:
    paragraphs = [
        term("overview.line", lang, agency=bilingual(str(report["agency"]), lang), year=int(report["year"]),
             template=template_name(report["template"], lang),
             source_file=file_name(report.get("source_file"), lang)),
        term("overview.count", lang, n=n_read),
    ]
    links = agency_links(data, str(report["agency_id"]), str(report["agency"]), lang, int(report["year"]))
    if links:
        paragraphs.append(Links(links))
    if zero:
        paragraphs.append(term("overview.all_zero", lang, n=n_read))
        pointer = prose_pointer(data, str(report["report_id"]), lang)
        if pointer:
            paragraphs.append(pointer)
    return Section("overview", term("section.overview", lang), paragraphs)


def _chart_title(key: str, report: pd.Series, lang: str) -> str:
    agency = str(report["agency"]) if lang == "zh" else english_name(str(report["agency"]))  # a chart is all one language
    return term(key, lang, agency=agency, year=int(report["year"]))


def _section_rows(key: str, table: pd.DataFrame, lang: str) -> tuple[Section, pd.DataFrame]:
    """Section ``key`` of the tables and the report's rows of it; with none, the section says so."""
    section = Section(key, term(f"section.{key}", lang))
    rows = with_prefix(table, key)
    if rows.empty:
        section.blocks.append(term(f"{key}.none", lang))
    return section, rows


def _proactive(report: pd.Series, table: pd.DataFrame, zero: bool, lang: str, names: dict[str, str]) -> Section:
    section, rows = _section_rows("proactive", table, lang)
    if rows.empty:
        return section
    total = metric_row(rows, "proactive.total")
    if total is not None and not is_missing(total["value"]):
        section.blocks.append(term("proactive.headline", lang, value=fmt_number(total["value"], lang),
                                   unit=unit_text(total.get("unit"), lang), label=label(total, lang)))
    section.blocks.append(term("proactive.all_zero" if all_zero(rows) else "proactive.rows", lang, n=len(rows)))
    section.blocks.append(values_block(rows, lang, names))
    chart = None if zero else bar_chart(rows, _chart_title("chart.proactive", report, lang), lang, names)
    if chart is not None:
        section.charts.append(chart)
    return section


def _outcome_lines(data: Dataset, report: pd.Series, lang: str) -> tuple[list[str], Optional[Chart], Optional[float]]:
    """The outcome categories with their shares of one named total, and the chart of them."""
    report_id = str(report["report_id"])
    total, key = outcome_denominator(data, report_id)
    if not total:
        return [], None, total
    items, present = [], []
    for series in outcome_series():
        value, comparability = harmonized_value(data, report_id, series)
        name = series_name(series, lang)
        if value is None or comparability == "none":
            items.append(term("requests.outcome_missing", lang, name=name))
            continue
        items.append(term("requests.outcome_item", lang, name=name, value=fmt_number(value, lang),
                          share=share(value, total, key).percent()))
        present.append((name, value))
    line = term("requests.outcomes", lang, total=fmt_number(total, lang),
                total_label=term(f"denominator.{key}", lang), items=("；" if lang == "zh" else "; ").join(items))
    chart = Chart(kind="bar", title=_chart_title("chart.outcomes", report, lang), labels=[n for n, _ in present],
                  values=[v for _, v in present], unit=unit_text("件", lang), lang=lang) if any(v for _, v in present) else None
    return [line, term("share.note", lang, denominator=term(f"denominator.{key}", lang))], chart, total


def _requests(data: Dataset, report: pd.Series, table: pd.DataFrame, zero: bool, lang: str,
              names: dict[str, str]) -> Section:
    section, rows = _section_rows("requests", table, lang)
    if rows.empty:
        return section
    received = metric_row(rows, "requests.new_received")
    carried = metric_row(rows, "requests.carried_over")
    if received is not None:
        section.blocks.append(term("requests.received", lang, value=fmt_number(received["value"], lang),
                                   label=label(received, lang)))
    if carried is not None:
        section.blocks.append(term("requests.carried", lang, value=fmt_number(carried["value"], lang),
                                   label=label(carried, lang)))
    lines, chart, total = _outcome_lines(data, report, lang)
    nothing = all(r is None or is_missing(r["value"]) or float(r["value"]) == 0 for r in (received, carried))
    if not total and nothing:
        section.blocks.append(term("requests.zero", lang, label=label(received, lang)))
    elif not total:
        section.blocks.append(term("requests.outcomes_zero", lang, total_label=term("denominator.outcome_sum", lang)))
    section.blocks += lines
    if chart is not None and not zero:
        section.charts.append(chart)
    section.blocks.append(values_block(rows, lang, names))
    return section


def _review(data: Dataset, report: pd.Series, table: pd.DataFrame, zero: bool, lang: str,
            names: dict[str, str]) -> Section:
    section, rows = _section_rows("review", table, lang)
    if rows.empty:
        return section
    review, litigation = metric_row(rows, "review.total"), metric_row(rows, "litigation.total")
    if all_zero(rows):  # every printed cell, parts included, is 0
        section.blocks.append(term("review.zero", lang))
    else:
        section.blocks.append(term(
            "review.line", lang, review=fmt_number(None if review is None else review["value"], lang),
            review_label=label(review, lang), litigation_label=label(litigation, lang),
            litigation=fmt_number(None if litigation is None else litigation["value"], lang)))
        broken = report_findings(data, str(report["report_id"]), "arithmetic")
        if not broken.empty:
            broken = broken[(broken["state"].astype(str) == "fail") & (broken["applicant"].astype(str) == "total")
                            & broken["rule"].astype(str).isin(set(rows["metric"].astype(str)))]
        for f in broken.itertuples():
            section.blocks.append(term("review.total_break", lang,
                                       label=label(metric_row(rows, f.rule), lang, fallback=f.rule),
                                       printed=fmt_number(f.left, lang), parts=fmt_number(f.right, lang)))
        chart = None if zero else bar_chart(rows, _chart_title("chart.review", report, lang), lang, names)
        if chart is not None:
            section.charts.append(chart)
    section.blocks.append(values_block(rows, lang, names))
    return section


def _other(table: pd.DataFrame, lang: str, names: dict[str, str]) -> Optional[Section]:
    rows = with_prefix(table, "other")
    if rows.empty:
        return None
    return Section("other", term("section.other", lang), [term("other.rows", lang, n=len(rows)),
                                                          values_table(rows, lang, names)])


def _data_section(values: pd.DataFrame, lang: str, names: dict[str, str], n_read: int) -> Optional[Section]:
    """数据表: every value of the report in one plain table, to copy into a spreadsheet."""
    if values.empty:
        return None
    return Section("data", term("section.data", lang),
                   [term("data.intro", lang, n=n_read),
                    Details(term("data.open", lang, n=n_read), table=data_table(values, lang, names))])
