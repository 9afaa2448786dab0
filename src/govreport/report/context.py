"""The report as a document: text repeated from last year (内容雷同) and when it was published."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from govreport.report.access import report_year, rows_for
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.names_en import bilingual
from govreport.report.model import Details, Section
from govreport.report.wording import fmt_percent, has_term, is_missing, limits, term


def repetition_limit() -> float:
    """The share above which assessments score a report down for repeating last year's text."""
    return limits()["repetition.penalty_share"]


@takes_dataset
def repeated_passages(data: Dataset, report_id: str) -> Optional[list[str]]:
    """The passages of ``report_id`` repeated from the previous year's report (ingest's
    ``repetition_passages`` table); None when that table is absent."""
    stored = data.table("repetition_passages")
    if "passage" not in stored.columns:
        return None
    return [str(p) for p in rows_for(stored, report_id)["passage"]]


@takes_dataset
def repetition_section(data: Dataset, report: pd.Series, lang: str) -> Optional[Section]:
    stored = data.table("repetition")
    if "n_repeated" not in stored.columns:
        return None
    report_id, year = str(report["report_id"]), int(report["year"])
    section = Section("repetition", term("section.repetition", lang))
    rows = rows_for(stored, report_id)
    if rows.empty:
        section.blocks.append(term("repetition.no_previous", lang, agency=bilingual(str(report["agency"]), lang), previous=year - 1))
        return section
    row = rows.iloc[0]
    previous = report_year(data, row["previous_report_id"]) or year - 1
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
                                           previous=previous), passages, original=lang != "zh"))
    return section


def _date_text(value: Any, lang: str) -> str:
    if is_missing(value):
        return term("timeliness.no_date", lang)
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _source_text(row: pd.Series, lang: str) -> str:
    """Where the stated date comes from (据页面发布时间, 据落款日期 …), as the stored table records it."""
    source = row.get("published_source")
    key = f"timeliness.source.{source}" if not is_missing(source) else ""
    return term(key if key and has_term(key) else "timeliness.source.none", lang)


@takes_dataset
def timeliness_section(data: Dataset, report: pd.Series, lang: str) -> Optional[Section]:
    """The stored verdict (ingest's ``timeliness`` table) in words: date and its source, deadline, level, basis."""
    rows = rows_for(data.table("timeliness"), str(report["report_id"]))
    if rows.empty:
        return None
    row = rows.iloc[0]
    section = Section("timeliness", term("section.timeliness", lang))
    state, level = str(row["state"]), str(row["level"])
    level_name = term(f"level.{level}", lang) if has_term(f"level.{level}") else level
    days = ""
    if state == "late" and not is_missing(row["published"]) and not is_missing(row["deadline"]):
        days = str((pd.Timestamp(row["published"]) - pd.Timestamp(row["deadline"])).days)
    key = f"timeliness.{state}" if has_term(f"timeliness.{state}") else "timeliness.other"
    if state == "unknown" and not is_missing(row["published"]):
        key = "timeliness.level_unknown"  # a date is stated, but not whose deadline applies
    section.blocks.append(term(key, lang, published=_date_text(row["published"], lang), source=_source_text(row, lang),
                               deadline=_date_text(row["deadline"], lang), level=level_name, days=days,
                               state=state))
    basis = row.get("basis_en" if lang == "en" else "basis")
    if not is_missing(basis) and str(basis).strip():
        section.blocks.append(term("timeliness.basis", lang, basis=str(basis)))
    # The stored evidence line restates these fields in English; the sentences above say it all.
    return section
