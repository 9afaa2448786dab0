"""Which template a report follows (from its table labels) and its reporting year.

The template comes from the label markers of catalog/template_markers.csv, never from the title, so
identification never blocks extraction. The year is the title's, unless the 统计期限 sentence states the
statistics period; without a title year, a table caption, a publication date or the file name says it.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Optional

from govreport import catalog
from govreport.errors import ReportError
from govreport.identify.titles import match_title
from govreport.model import Document
from govreport.readers.sniff import named_otherwise
from govreport.text.normalize import label_key
from govreport.text.prefilter import plain_alternatives

_PERIOD = re.compile(r"(?:统计期限|统计数据|统计时限|统计时间|数据统计|统计区间|统计周期|数据时限|数据期限)[^。]{0,20}?(?P<year>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_CAPTION = re.compile(r"[(（]\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）]")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|成文日期|日期)[:：]\s*(?P<year>(?:19|20)\d{2})[-年./]")


def detect_template(doc: Document, year: Optional[int] = None, key: Optional[str] = None) -> tuple[str, dict]:
    """Score each template by the label markers present; ties go to the year's template. ``key``: the
    document's full text as label_key makes it, when the caller has it (identify: one NFKC of the text)."""
    key = label_key(doc.full_text()) if key is None else key
    scores: Counter = Counter({t: 0.0 for t in catalog.templates()})
    for template, tests, weight in _marker_tests():
        for test in tests:  # (its words, or the marker itself)
            if test.search(key):
                scores[template] += weight
                break
    best = max(scores.values())
    if best < 2:
        raise ReportError(doc.path, "not a government information-disclosure annual report (no known table labels "
                                    f"found{named_otherwise(doc)})")
    top = [t for t in catalog.templates() if scores[t] == best]
    if len(top) > 1 and year is not None:
        by_year = [t for t in top if t in catalog.templates_for_year(year)]  # templates.csv first_year/last_year
        if by_year:
            return by_year[-1], dict(scores)
    return top[-1], dict(scores)


@lru_cache(maxsize=1)
def _marker_tests() -> tuple[tuple[str, tuple[re.Pattern, ...], float], ...]:
    """catalog.template_markers, each as the patterns to search the text for until one is found: a marker that is an
    alternation of plain words (〔2021〕30号|\\[2021\\]30号) as one pattern a word (the regex engine skips to a
    plain word's first character but tries an alternation at every position: ~10 us a marker on a report's text,
    ~1 us a word), any other as itself."""
    return tuple((template, tuple(re.compile(re.escape(w)) for w in words) if words else (pattern,), weight)
                 for template, pattern, weight in catalog.template_markers() for words in [plain_alternatives(pattern)])


def period_year(text: str) -> Optional[int]:
    """The year the 统计期限 sentence states (统计期限自2023年1月1日起…), else None."""
    m = _PERIOD.search(text)
    return int(m["year"]) if m else None


def reporting_year(doc: Document, text: str, title_year: Optional[int], period: Optional[int]) -> Optional[int]:
    """The statistics period's year (``period``) when it is within a year of the title's (or the title has
    none), else the title's; without either, a table caption (2023年度), a publication date (the year before
    it) or the file name."""
    if period is not None and (title_year is None or abs(period - title_year) <= 1):
        return period
    if title_year is not None:
        return title_year
    for pattern, offset in ((_YEAR_CAPTION, 0), (_PUBLISHED, -1)):
        m = pattern.search(text)
        if m:
            return int(m.group("year")) + offset
    hit = match_title(Path(doc.path).stem) if doc.path else None
    return hit[0] if hit else None
