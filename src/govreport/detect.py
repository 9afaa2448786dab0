"""Which template, which year, which agency: read from the report's own words.

The template comes from label markers (catalog/templates.csv), never from the
year alone, because late adopters exist. Year and agency come from the title
(``XX 2021 年政府信息公开工作年度报告``) or the 统计期限 sentence.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import catalog
from .document import Document, ReportError
from .normalize import label_key, nfkc

_TITLE = re.compile(
    r"(?P<agency>[^\s<>|>《》「」]{0,60}?)\s*(?:关于)?\s*(?P<year>(?:19|20)\d{2})\s*年\s*(?:度)?\s*(?:的)?\s*"
    r"(?:政府信息公开|政务公开)\s*(?:工作)?\s*(?:年度)?\s*(?:工作)?\s*报\s*告")
_PERIOD = re.compile(r"(?:统计期限|统计数据|统计时限|统计时间|数据统计)[^。]{0,20}?(?P<year>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_TABLE = re.compile(r"[(（]\s*(?P<year>(?:19|20)\d{2})\s*年度\s*[)）]")
_AGENCY_TAIL = re.compile(r"(人民政府|办公室|办公厅|委员会|局|厅|院|中心|部|署|会|所|站|队|处|政府|馆|街道办事处|街道|镇|乡|委)$")


@dataclass(frozen=True)
class Detected:
    template: str
    year: int
    agency: str
    template_scores: dict


def detect_template(doc: Document, year: int | None = None) -> tuple[str, dict]:
    """Score each template by the label markers present; ties go to the year's template."""
    key = label_key(doc.full_text())
    scores: Counter = Counter({t: 0.0 for t in catalog.TEMPLATES})
    for template, pattern, weight in catalog.template_markers():
        if pattern.search(key):
            scores[template] += weight
    best = max(scores.values())
    if best < 2:
        raise ReportError(doc.path, "not a government information-disclosure annual report (no known table labels found)")
    top = [t for t in catalog.TEMPLATES if scores[t] == best]
    if len(top) > 1 and year is not None:
        by_year = "legacy" if year <= 2018 else "gb2019" if year <= 2020 else "gb2021"
        if by_year in top:
            return by_year, dict(scores)
    return top[-1], dict(scores)


def detect_year_and_agency(doc: Document) -> tuple[int, str]:
    lines = [nfkc(ln).strip() for ln in doc.text_lines()]
    lines = [ln for ln in lines if ln]
    head = lines[:40]
    # single lines first: a banner line joined to the title would lend it words
    candidates = [(n, line) for n, line in enumerate(head)]
    candidates += [(n, line + head[n + 1]) for n, line in enumerate(head[:-1])]
    for n, text in candidates:
        m = _TITLE.search(text.replace(" ", ""))
        if not m:
            continue
        agency = _clean_agency(m["agency"])
        if not agency and n > 0:
            agency = _clean_agency(head[n - 1].replace(" ", ""))
        if agency:
            return int(m["year"]), agency
    text = nfkc(doc.full_text())
    m = _PERIOD.search(text) or _YEAR_TABLE.search(text)
    if m:
        raise ReportError(doc.path, f"found the year {m['year']} but no report title naming the agency")
    raise ReportError(doc.path, "no report title with agency and year (expected 'XX YYYY年政府信息公开工作年度报告')")


def _clean_agency(text: str) -> str:
    text = re.sub(r"^[\W_]+|[\W_]+$", "", text)
    for sep in ("》", ">", "|", "：", ":"):
        text = text.rsplit(sep, 1)[-1]
    return text if len(text) >= 2 and _AGENCY_TAIL.search(text) else ""


def detect(doc: Document) -> Detected:
    try:
        year, agency = detect_year_and_agency(doc)
    except ReportError:
        detect_template(doc)  # no title and no table labels: say "not a report" rather than "no title"
        raise
    text = nfkc(doc.full_text())
    m = _PERIOD.search(text)
    if m and abs(int(m["year"]) - year) <= 1:
        year = int(m["year"])  # the statistics period is the reporting year
    try:
        template, scores = detect_template(doc, year)
    except ReportError:
        raise ReportError(doc.path, f"title of {agency}'s {year} report found, but none of its statistics tables "
                                    "(truncated, or the tables are images)") from None
    return Detected(template=template, year=year, agency=agency, template_scores=scores)
