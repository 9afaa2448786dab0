"""The figures a reader asks for first, with the change from last year in numbers and per cent.

Which figures, in which order, is data (catalog/narrative_headline.csv). Shares
come from :mod:`govreport.report.shares`, so the index and the pages print
the same number with the same denominator.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

import pandas as pd

from govreport import catalog
from govreport.report.access import harmonized_value, previous_report, reports_for_year
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.findings import counts, series_contradiction
from govreport.report.names_en import bilingual
from govreport.report.model import Section, Table
from govreport.report.shares import Share, outcome_share
from govreport.report.wording import fmt_number, heading, paren, series_name, term


@lru_cache(maxsize=None)
def headline_catalog() -> tuple[tuple[str, bool], ...]:
    rows = sorted(catalog.read_csv("narrative_headline.csv"), key=lambda r: int(r["order"]))
    return tuple((r["series"], r["share"] == "yes") for r in rows)


@dataclass
class HeadlineFigure:
    """One headline figure of one report and the same agency's figure a year earlier."""

    series: str
    value: Optional[float]
    previous: Optional[float]
    share: Optional[Share] = None
    previous_share: Optional[Share] = None
    flag: str = ""            # the value is a printed total its own parts contradict: what they add up to
    previous_flag: str = ""

    @property
    def change(self) -> Optional[float]:
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def change_ratio(self) -> Optional[float]:
        return None if self.change is None or not self.previous else self.change / self.previous


@takes_dataset
def headline_figures(data: Dataset, report: pd.Series) -> list[HeadlineFigure]:
    """The catalog's headline series present in this report (a series the format lacks is left out)."""
    previous = previous_report(data, report)
    before = None if previous is None else str(previous["report_id"])
    figures = []
    for series, with_share in headline_catalog():
        value, comparability = harmonized_value(data, str(report["report_id"]), series)
        if value is None or comparability == "none":
            continue
        figure = HeadlineFigure(series, value, None if before is None else harmonized_value(data, before, series)[0])
        figure.flag = _flag(data, report, series)
        if previous is not None:
            figure.previous_flag = _flag(data, previous, series)
        if with_share:
            figure.share = outcome_share(data, str(report["report_id"]), series)
            figure.previous_share = None if before is None else outcome_share(data, before, series)
        figures.append(figure)
    return figures


def _flag(data: Dataset, report: pd.Series, series: str) -> str:
    """'' or, for a printed total the report's parts contradict, the parts' sum ('?' when unknown)."""
    hits, parts = series_contradiction(data, str(report["report_id"]), series, str(report["template"]))
    return "" if hits.empty else ("?" if parts is None else fmt_number(parts))


def signed(value: float, lang: str) -> str:
    text = fmt_number(abs(value), lang)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _change_cells(figure: HeadlineFigure, lang: str) -> list[str]:
    if figure.change is None:
        return [term("headline.no_previous_cell", lang)] * 2
    ratio = term("headline.no_ratio", lang) if figure.change_ratio is None else \
        ("+" if figure.change_ratio > 0 else "") + f"{100 * figure.change_ratio:.1f}%"
    return [signed(figure.change, lang), ratio]


def _value_cell(value: Optional[float], share: Optional[Share], flag: str, lang: str) -> str:
    if value is None:
        return term("headline.no_previous_cell", lang)
    text = fmt_number(value, lang) + (paren(share.text(lang), lang) if share else "")
    if flag:
        text += paren(term("headline.contradicted" if flag != "?" else "headline.contradicted_part", lang,
                           parts=flag), lang)
    return text


@takes_dataset
def headline_section(data: Dataset, report: pd.Series, lang: str = "zh") -> Section:
    """要点: the headline figures of one report as a small table with the change from last year."""
    year = int(report["year"])
    section = Section("headline", term("section.headline", lang))
    figures = headline_figures(data, report)
    if not figures:
        section.blocks.append(term("headline.none", lang))
        return section
    if previous_report(data, report) is None:
        section.blocks.append(term("headline.no_previous", lang, agency=bilingual(str(report["agency"]), lang), previous=year - 1))
    rows = [[heading(series_name(f.series, lang), lang), _value_cell(f.value, f.share, f.flag, lang),
             _value_cell(f.previous, f.previous_share, f.previous_flag, lang), *_change_cells(f, lang)]
            for f in figures]
    section.blocks.append(Table([term("col.figure", lang), term("col.this_year", lang, year=year),
                                 term("col.last_year", lang, year=year - 1), term("col.change", lang),
                                 term("col.change_ratio", lang)], rows))
    c = counts(data, str(report["report_id"]))
    section.blocks.append(term("headline.checks" if c.differs else "headline.checks_no_differs", lang,
                               failed=c.failed, checks=c.checks, differs=c.differs))
    return section


@takes_dataset
def headline(data: Dataset, report_id: str, lang: str = "zh") -> dict[str, Any]:
    """Headline figures of one report for the index: numbers plus one display line.

    ``failed_rules`` counts only the report's own arithmetic (勾稽不成立); a prose
    figure that differs from the table is ``differs``, shown apart.
    """
    proactive, _ = harmonized_value(data, report_id, "proactive_published")
    received, _ = harmonized_value(data, report_id, "requests_received")
    granted = outcome_share(data, report_id, "granted")
    c = counts(data, report_id)
    parts = []
    if proactive is not None:
        parts.append(term("headline.proactive", lang, value=fmt_number(proactive, lang)))
    if received is not None:
        parts.append(term("headline.requests", lang, value=fmt_number(received, lang)))
    if granted is not None:
        parts.append(term("headline.granted", lang, share=granted.text(lang)))
    parts.append(term("headline.failed", lang, value=c.failed))
    if c.differs:
        parts.append(term("headline.differs", lang, value=c.differs))
    return {"proactive": proactive, "requests_received": received,
            "granted": None if granted is None else granted.part, "granted_share": granted,
            "failed_rules": c.failed, "differs": c.differs, "text": ("；" if lang == "zh" else "; ").join(parts)}


RANK_SERIES = ("granted", "denied")


@takes_dataset
def ranking_section(data: Dataset, year: int, lang: str = "zh") -> Optional[Section]:
    """Agencies of one year ranked on the main outcome shares (only when the page has several)."""
    reports = reports_for_year(data, year)
    if len(reports) < 2:
        return None
    rows = []
    for _, report in reports.iterrows():
        report_id = str(report["report_id"])
        received, _ = harmonized_value(data, report_id, "requests_received")
        shares = [outcome_share(data, report_id, s) for s in RANK_SERIES]
        rows.append((shares[0].value if shares[0] else -1.0, bilingual(str(report["agency"]), lang), received, shares))
    rows.sort(key=lambda r: (-r[0], r[1]))
    denominators = {s.denominator_name(lang) for r in rows for s in r[3] if s is not None}
    section = Section("ranking", term("section.ranking", lang), anchor="ranking", level=2)
    section.blocks.append(term("ranking.intro", lang, n=len(rows), year=int(year),
                               denominator=("、" if lang == "zh" else ", ").join(sorted(denominators))
                               or term("blank", lang)))
    section.blocks.append(Table(
        [term("col.rank", lang), term("col.agency", lang), heading(series_name("requests_received", lang), lang)]
        + [heading(term("col.share_of", lang, name=series_name(s, lang)), lang) for s in RANK_SERIES],
        [[str(n), agency, fmt_number(received, lang)] + [s.percent() if s else term("ranking.no_share", lang)
                                                          for s in shares]
         for n, (_, agency, received, shares) in enumerate(rows, 1)]))
    return section
