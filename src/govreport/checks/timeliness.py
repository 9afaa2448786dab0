"""Timeliness: was the report published by its statutory deadline?

The 2007 regulations (第三十一条) required every report by 31 March; since the
2019 regulations (第四十九条) departments publish by 31 January and the
whole-government report by 31 March. The deadlines are data
(catalog/deadlines.csv); the level (government or department) is part of the
report's identity (identify/, catalog/report_levels.csv); the publication date
is what the document states (identify/published.py, catalog/date_sources.csv). A
document that states no usable publication date is ``unknown``, never ``late``.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from govreport import catalog
from govreport.errors import CatalogError
from govreport.identify.published import stated_date

LEVELS = ("government", "department")
UNKNOWN_LEVEL = "unknown"  # the agency is not known, so neither is its deadline


@lru_cache(maxsize=1)
def _deadlines() -> list[dict]:
    return catalog.read_csv("deadlines.csv")


def _deadline_row(year: int, level: str) -> dict:
    for row in _deadlines():
        if row["level"] == level and int(row["first_year"]) <= year <= int(row["last_year"]):
            return row
    raise CatalogError("catalog/deadlines.csv", None, f"no deadline for level={level!r}, year={year}")


def deadline(year: int, level: str) -> tuple[date, str]:
    """(deadline date, legal basis) for the report on ``year``, published in year+1."""
    row = _deadline_row(year, level)
    return date(year + 1, int(row["month"]), int(row["day"])), row["basis"]


def assess(report_id: str, year: int, level: str, document) -> dict:
    """On time, late or unknown for the report on ``year`` of an agency of ``level``, with the date's
    source, the deadline and its legal basis; ``evidence`` says all of it in one line (and any date rejected).

    An agency of unknown level is judged under every level's deadline; the verdict stands only where they
    all agree (a date before the earliest deadline is on time, one after the latest is late), else unknown.
    """
    if level not in LEVELS + (UNKNOWN_LEVEL,):
        raise ValueError(f"level must be one of {LEVELS + (UNKNOWN_LEVEL,)}, got {level!r}")
    rows = {lv: _deadline_row(int(year), lv) for lv in (LEVELS if level == UNKNOWN_LEVEL else (level,))}
    dues = {lv: deadline(int(year), lv)[0] for lv in rows}
    stated = stated_date(document, int(year))
    rules = [f"deadline {due.isoformat()} ({lv}; {rows[lv]['basis'].split(':')[0]})" for lv, due in dues.items()]
    if stated.published is None:
        state, said = "unknown", "no usable publication date stated"
    else:
        late_by = {lv: (stated.published - due).days for lv, due in dues.items()}
        verdicts = {"late" if days > 0 else "on_time" for days in late_by.values()}
        state = verdicts.pop() if len(verdicts) == 1 else "unknown"
        days = min(late_by.values())
        said = (f"published {stated.published.isoformat()} (source {stated.source}: {stated.read})"
                + (f", {days} days late" if state == "late" else "")
                + ("; the agency's level is unknown and the deadlines disagree" if len(verdicts) else ""))
    one = len(set(dues.values())) == 1
    first = next(iter(rows.values()))
    evidence = "; ".join([said] + rules + stated.rejected)
    return {"report_id": report_id, "published": stated.published, "published_source": stated.source,
            "deadline": next(iter(dues.values())) if one else None, "level": level, "state": state,
            "basis": first["basis"] if len(rows) == 1 or one else "",
            "basis_en": first["basis_en"] if len(rows) == 1 or one else "", "evidence": evidence}
