"""Links between the published pages: index, each year's page, each agency's comparison.

The page names follow the build's naming (``yearly_report_<year>.html``,
``comparison_<agency id slug>.html``, ``index.html``); every link is relative,
so the published folder can be served from anywhere. Two agency ids that slug
alike (``a/b`` and ``a-b``) never share a file name: within such a group every id
that is not already its own slug gets a short hash of the id appended.
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterable, Optional

from .access import agencies_with_years, agency_reports
from .wording import anchor_for, term

INDEX_PAGE = "index.html"


def _plain_slug(agency_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(agency_id))


def slug(agency_id: str, others: Iterable[str] = ()) -> str:
    """The file-name form of an agency id, unique among ``others`` (every agency id published)."""
    plain = _plain_slug(agency_id)
    clash = any(str(o) != str(agency_id) and _plain_slug(o) == plain for o in others)
    if not clash or plain == str(agency_id):
        return plain
    return f"{plain}-{hashlib.sha256(str(agency_id).encode('utf-8')).hexdigest()[:8]}"


def _agency_ids(data: Any) -> list[str]:
    reports = getattr(data, "reports", None)
    return [] if reports is None or reports.empty else sorted({str(a) for a in reports["agency_id"]})


def yearly_page(year: int) -> str:
    return f"yearly_report_{int(year)}.html"


def comparison_page(agency_id: str, data: Any = None) -> str:
    """The comparison page's file name; pass ``data`` so ids that slug alike stay apart."""
    return f"comparison_{slug(agency_id, _agency_ids(data) if data is not None else ())}.html"


def agency_links(data: Any, agency_id: str, agency: str, lang: str = "zh",
                 this_year: Optional[int] = None) -> list[tuple[str, str]]:
    """This agency's other years (each to its own section of that year's page) and its comparison page."""
    links = []
    for year in agency_reports(data, agency_id)["year"]:
        if this_year is None or int(year) != int(this_year):
            links.append((term("links.year", lang, year=int(year)), f"{yearly_page(year)}#{anchor_for(agency_id)}"))
    if this_year is not None and agency_id in agencies_with_years(data, 2):
        links.append((term("links.comparison", lang, agency=agency), comparison_page(agency_id, data)))
    return links


def index_link(lang: str = "zh") -> list[tuple[str, str]]:
    return [(term("links.index", lang), INDEX_PAGE)]
