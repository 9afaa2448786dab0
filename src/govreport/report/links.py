"""Links between the published pages: index, each year's page, each agency's comparison.

The page names follow the build's naming (``yearly_report_<year>.html``,
``comparison_<slug of the agency id>.html``, ``index.html``); every link is relative,
so the published folder can be served from anywhere. One rule names every file and
every in-page id made from an id (:func:`slug`): a readable prefix of at most
``SLUG_CHARS`` characters, then a short hash of the exact id. Ids that slug alike
(``甲/乙``, ``甲·乙``, ``甲-乙``) therefore never share a page or an anchor, whatever
else is published beside them, and a 300-character name still makes a file name.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Optional

from govreport.errors import strip_controls
from govreport.report.access import agencies_with_years, agency_reports
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.names_en import bilingual
from govreport.report.wording import term

INDEX_PAGE = "index.html"
SLUG_CHARS = 40     # readable part: 40 CJK characters are 120 bytes, far below a file name's 255
HASH_CHARS = 10     # hex digits of sha256(exact id)
_UNSAFE = re.compile(r"[^\w-]+")


def slug(exact_id: Any) -> str:
    """The file-name and id form of an id: readable prefix (letters, digits, ``-``, ``_``) + ``-`` + hash.

    The hash is of the exact id, so two ids never share a slug; the prefix is only for the reader."""
    text = str(exact_id)
    readable = _UNSAFE.sub("-", strip_controls(text)).strip("-_")[:SLUG_CHARS].rstrip("-_")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    return f"{readable}-{digest}" if readable else digest


def anchor_for(agency_id: Any) -> str:
    """The in-page id of an agency's section (the comparison page's story)."""
    return "agency-" + slug(agency_id)


def report_anchor(report_id: Any) -> str:
    """The in-page id of one report's story on its year's page (two documents of one agency-year differ)."""
    return "report-" + slug(report_id)


def yearly_page(year: int) -> str:
    return f"yearly_report_{int(year)}.html"


def comparison_page(agency_id: str) -> str:
    """The comparison page's file name (it depends on the id only)."""
    return f"comparison_{slug(agency_id)}.html"


@takes_dataset
def agency_links(data: Dataset, agency_id: str, agency: str, lang: str = "zh",
                 this_year: Optional[int] = None) -> list[tuple[str, str]]:
    """This agency's other years (each to its own section of that year's page) and its comparison page."""
    links = []
    for _, row in agency_reports(data, agency_id).iterrows():
        year = int(row["year"])
        if this_year is None or year != int(this_year):
            href = f"{yearly_page(year)}#{report_anchor(row['report_id'])}"
            links.append((term("links.year", lang, year=year), href))
    if this_year is not None and agency_id in agencies_with_years(data, 2):
        links.append((term("links.comparison", lang, agency=bilingual(agency, lang)), comparison_page(agency_id)))
    return links


def index_link(lang: str = "zh") -> list[tuple[str, str]]:
    return [(term("links.index", lang), INDEX_PAGE)]
