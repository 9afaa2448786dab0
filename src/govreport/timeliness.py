"""Timeliness: was the report published by its statutory deadline?

The 2007 regulations (第三十一条) required every report by 31 March; since the
2019 regulations (第四十九条) departments publish by 31 January and the
whole-government report by 31 March. The deadlines are data
(catalog/deadlines.csv), and so is the rule that tells a government from a
department by its name (catalog/report_levels.csv). A document that states no
publication date is ``unknown``, never ``late``.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Optional

from . import catalog
from .normalize import clean_text


_CN = "〇零○Ｏ一二三四五六七八九十"
_ARABIC_DATE = r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?|[-./]\s*(?P<m2>\d{1,2})\s*[-./]\s*(?P<d2>\d{1,2}))"
_CN_DATE = rf"(?P<cy>[{_CN}]{{4}})\s*年\s*(?P<cm>[{_CN}]{{1,3}})\s*月\s*(?P<cd>[{_CN}]{{1,3}})\s*日"
_DATE = re.compile(rf"(?:{_ARABIC_DATE}|{_CN_DATE})")
# "发布日期：2022-01-20", "发文日期 2022年1月20日", "成文日期", "印发日期"
_LABELLED = re.compile(rf"(?:发布|发文|成文|印发|公布)(?:日期|时间)\s*[:：]?\s*(?:{_ARABIC_DATE}|{_CN_DATE})")
_DATE_LINE = re.compile(rf"^\s*(?:{_ARABIC_DATE}|{_CN_DATE})\s*$")

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

HEAD_LINES = 8   # a date line under the title sits within the first lines
TAIL_LINES = 8   # a date line at the end (after the signature) within the last lines


def _cn_int(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGIT[c]) for c in text))


def _to_date(m: re.Match) -> Optional[date]:
    try:
        if m.group("y"):
            month = m.group("m") or m.group("m2")
            day = m.group("d") or m.group("d2")
            return date(int(m.group("y")), int(month), int(day))
        return date(_cn_int(m.group("cy")), _cn_int(m.group("cm")), _cn_int(m.group("cd")))
    except (ValueError, KeyError, TypeError):
        return None


def publication_date(document) -> Optional[date]:
    """The date the document says it was published, or None.

    Looks for a labelled date (发布日期/发文日期/成文日期…: date) anywhere in
    the text blocks, then for a line that is only a date among the first or
    last lines. Dates inside tables (e.g. a list of items with their 发布日期
    column) are not text blocks in structured formats and are not lone date
    lines in PDF text, so they are not taken.
    """
    lines = [clean_text(b.text) for b in document.blocks if b.kind == "text"]
    lines = [ln for ln in lines if ln]
    for line in lines:
        if "\t" in line:
            continue
        m = _LABELLED.search(line)
        if m:
            found = _to_date(m)
            if found:
                return found
    for line in lines[-TAIL_LINES:][::-1] + lines[:HEAD_LINES]:
        m = _DATE_LINE.match(line)
        if m:
            found = _to_date(m)
            if found:
                return found
    return None


@lru_cache(maxsize=1)
def _levels() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(r["pattern"]), r["level"]) for r in catalog.read_csv("report_levels.csv")]


@lru_cache(maxsize=1)
def _deadlines() -> list[dict]:
    return catalog.read_csv("deadlines.csv")


def agency_level(agency: str) -> str:
    """'government' for a whole-government report (…人民政府), else 'department'."""
    name = clean_text(agency).replace(" ", "")
    for pattern, level in _levels():
        if pattern.search(name):
            return level
    return "department"


def deadline(year: int, level: str) -> tuple[date, str]:
    """(deadline date, legal basis) for the report on ``year``, published in year+1."""
    for row in _deadlines():
        if row["level"] == level and int(row["first_year"]) <= year <= int(row["last_year"]):
            return date(year + 1, int(row["month"]), int(row["day"])), row["basis"]
    raise ValueError(f"no deadline in catalog/deadlines.csv for level={level!r}, year={year}")


def assess(report_id: str, year: int, agency: str, document) -> dict:
    """On time, late or unknown, with the dates and the rule in ``evidence``.

    A stated date before the end of the reporting year cannot be the
    publication date of that year's report; it is ignored (state unknown).
    """
    level = agency_level(agency)
    due, basis = deadline(int(year), level)
    published = publication_date(document)
    if published is not None and published <= date(int(year), 12, 31):
        evidence = f"stated date {published.isoformat()} is not after the reporting year {year}; ignored"
        published = None
        state = "unknown"
    elif published is None:
        state = "unknown"
        evidence = f"no publication date stated; deadline {due.isoformat()} ({level})"
    else:
        state = "on_time" if published <= due else "late"
        days = (published - due).days
        evidence = (f"published {published.isoformat()}, deadline {due.isoformat()} ({level}; {basis.split(':')[0]})"
                    + (f", {days} days late" if days > 0 else ""))
    return {"report_id": report_id, "published": published, "deadline": due, "level": level,
            "state": state, "evidence": evidence}
