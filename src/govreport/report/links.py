"""Links between the published pages: index, each year's page, each agency's comparison.

The page names follow the build's naming (``yearly_report_<year>.html``,
``comparison_<agency id slug>.html``, ``index.html``); every link is relative,
so the published folder can be served from anywhere.
"""
from __future__ import annotations

from typing import Any, Optional

from .access import agencies_with_years, agency_reports
from .wording import anchor_for, term

INDEX_PAGE = "index.html"


def slug(agency_id: str) -> str:
    """The file-name form of an agency id (as the build names comparison pages)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(agency_id))


def yearly_page(year: int) -> str:
    return f"yearly_report_{int(year)}.html"


def comparison_page(agency_id: str) -> str:
    return f"comparison_{slug(agency_id)}.html"


def agency_links(data: Any, agency_id: str, agency: str, lang: str = "zh",
                 this_year: Optional[int] = None) -> list[tuple[str, str]]:
    """This agency's other years (each to its own section of that year's page) and its comparison page."""
    links = []
    for year in agency_reports(data, agency_id)["year"]:
        if this_year is None or int(year) != int(this_year):
            links.append((term("links.year", lang, year=int(year)), f"{yearly_page(year)}#{anchor_for(agency_id)}"))
    if this_year is not None and agency_id in agencies_with_years(data, 2):
        links.append((term("links.comparison", lang, agency=agency), comparison_page(agency_id)))
    return links


def index_link(lang: str = "zh") -> list[tuple[str, str]]:
    return [(term("links.index", lang), INDEX_PAGE)]
