"""What a document states about its own publication: the date, where that date is stated, and its source URL.

Sources in order of strength (catalog/date_sources.csv holds every name, label and pattern):
``meta`` (a page's PubDate-style <meta>), ``labelled`` (a 发布时间/发布日期/成文日期 line with a full
date), ``url`` (the portal's date stamp in the page's stated original link, t20200306_), ``signature``
(the document's own date line: under the signer, or under the title). A date that cannot be the
publication of the year's report (on or before 31 December of that year, or years later) is rejected
and the next source counts. Dates inside tables and a browser's print header/footer are never read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.text.normalize import clean_text
from govreport.text.numerals import chinese_to_number
from govreport.text.urls import strip_credentials

SOURCES = ("meta", "labelled", "url", "signature")

_CN = "〇零○Ｏ一二三四五六七八九十"
# 2020年3月6日 (whitespace, line breaks included, between the parts: one text run per line), 二〇二〇年三月六日
_YMD = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_CN_YMD = re.compile(rf"(?P<y>[{_CN}]{{4}})\s*年\s*(?P<m>[{_CN}]{{1,3}})\s*月\s*(?P<d>[{_CN}]{{1,3}})\s*日")
# 2025-01-06, 2025/1/6, 2025.01.06 (meta content and labelled lines only)
_ISO = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)")
_ANY_DIGIT = re.compile(r"\d")
_DATE_TEXT = re.compile(r"[\d\s年月日时分:./-]*")  # what a labelled line states, for the evidence


@dataclass
class Stated:
    """The publication date a document states (None: none usable), its source, what was read, what was rejected."""

    published: Optional[date] = None
    source: Optional[str] = None
    read: str = ""
    rejected: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------ catalog
@lru_cache(maxsize=1)
def _rows() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in catalog.read_csv("date_sources.csv"):
        out.setdefault(row["use"], []).append(row["value"])
    return out


def _limit(name: str) -> int:
    return int(_rows()[f"limit:{name}"][0])


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern:
    labels = "|".join(re.escape(v) for v in _rows()["date_label"])
    return re.compile(rf"(?P<label>{labels})\s*[:：]?\s*(?P<rest>.*)")


@lru_cache(maxsize=1)
def _furniture() -> list[re.Pattern]:
    return [re.compile(p, re.IGNORECASE) for p in _rows()["furniture"]]


@lru_cache(maxsize=1)
def _any_furniture() -> Optional[re.Pattern]:
    """The furniture patterns as one alternation (one search a line: whether any matches is whether it
    does); None if they do not combine (no pattern, a numbered backreference, a group name used twice)."""
    patterns = [p.pattern for p in _furniture()]
    if not patterns or any(re.search(r"\\[1-9]", p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


@lru_cache(maxsize=1)
def _url_dates() -> list[re.Pattern]:
    return [re.compile(p) for p in _rows()["url_date"]]


@lru_cache(maxsize=1)
def _signature_re() -> re.Pattern:
    """A date standing alone on its line(s), maybe with an issuing word after it: the document's own date."""
    suffix = "|".join(re.escape(v) for v in _rows()["signature_suffix"])
    dates = "|".join(_unnamed(p) for p in (_YMD, _CN_YMD))
    return re.compile(rf"(?:^|\n)[ (（]*(?P<date>{dates})[ )）]*(?:{suffix})?[ ]*(?=\n|$)")


def _unnamed(pattern: re.Pattern) -> str:
    """The pattern's text with its named groups made plain (to combine it with others)."""
    return re.sub(r"\(\?P<\w+>", "(", pattern.pattern)


# ------------------------------------------------------------------------ dates
def _ymd(y: str, m: str, d: str) -> Optional[date]:
    try:
        if y.isdigit():
            return date(int(y), int(m), int(d))
        return date(chinese_to_number(y), chinese_to_number(m), chinese_to_number(d))
    except (ValueError, TypeError):  # no such day (二月三十日)
        return None


def parse_date(text: str) -> Optional[date]:
    """The full date a short text starts with (2025-01-06 16:03, 2020年3月6日, 二〇二〇年三月六日), else None."""
    text = clean_text(text)
    for pattern in (_ISO, _YMD, _CN_YMD):
        m = pattern.match(text)
        if m:
            return _ymd(m.group("y"), m.group("m"), m.group("d"))
    return None


def _why_not(found: date, year: int) -> Optional[str]:
    """Why ``found`` cannot be the publication date of the report on ``year`` (None: it can)."""
    if found <= date(year, 12, 31):
        return f"on or before the end of the reporting year {year}"
    bound = date(year + _limit("years_after"), 12, 31)
    if found > bound:
        return f"after {bound.isoformat()}, too late to be the first publication"
    return None


# ------------------------------------------------------------------------ the document's lines
def is_furniture(line: str) -> bool:
    """A browser's print header or footer line (print date and time, file URL and page n/m)."""
    combined = _any_furniture()
    if combined is not None:
        return combined.search(line) is not None
    return any(p.search(line) for p in _furniture())


def _lines(document) -> list[str]:
    """The document's text lines (tables excluded), cleaned, without empty and print-furniture lines (once per
    document: the date and the source URL both read them)."""
    return document.derived("published_lines", _read_lines) if hasattr(document, "derived") else _read_lines(document)


def _read_lines(document) -> list[str]:
    lines = (clean_text(b.text) for b in document.blocks if b.kind == "text")
    combined = _any_furniture()
    if combined is None:
        return [ln for ln in lines if ln and not is_furniture(ln)]
    search = combined.search  # is_furniture's one search, without two calls a line
    return [ln for ln in lines if ln and search(ln) is None]


# ------------------------------------------------------------------------ one candidate list per source
def _meta_candidates(document) -> list[tuple[str, str]]:
    by_name = {str(k).lower(): (k, v) for k, v in (document.meta or {}).items()}
    out = []
    for name in _rows()["date_meta"]:
        if name.lower() in by_name:
            key, value = by_name[name.lower()]
            out.append((f"<meta {key}> {value}", str(value)))
    return out


def _labelled_candidates(lines: list[str]) -> list[tuple[str, str]]:
    joined = "\n".join(lines)
    if "\t" in joined or _label_across_lines() is None or joined.count("\n") >= len(lines):  # (a line holds one)
        matches = (_label_re().search(line) for line in lines if "\t" not in line)  # (\t: pdftotext's table row)
    else:
        matches = _label_across_lines().finditer(joined)  # each line's first match: _label_across_lines
    out = []
    for m in matches:
        if m and _ANY_DIGIT.match(m.group("rest")):
            stated = _DATE_TEXT.match(m.group("rest")).group(0).strip()
            out.append((f"{m.group('label')}: {stated}", m.group("rest")))
    return out


@lru_cache(maxsize=1)
def _label_across_lines() -> Optional[re.Pattern]:
    """_label_re with its whitespace kept within a line, for the lines joined by newlines: a match cannot cross
    one (the labels hold none, ``.`` stops at it), so finditer gives each line's first match, as searching the
    line does (the rest of a line is taken by ``.*``, and a line ends at a newline as at the end of a string);
    one search over the text instead of one a line. None (line by line) if a label holds a newline."""
    if any("\n" in label for label in _rows()["date_label"]):
        return None
    labels = "|".join(re.escape(v) for v in _rows()["date_label"])
    return re.compile(rf"(?P<label>{labels})[^\S\n]*[:：]?[^\S\n]*(?P<rest>.*)")


def _url_candidates(document, lines: list[str]) -> list[tuple[str, str]]:
    url = source_url(document, lines)
    if not url:
        return []
    for pattern in _url_dates():
        m = pattern.search(url)
        if m:
            return [(f"URL stamp {m.group(0).strip('/')} of {url}", f"{m.group('y')}-{m.group('m')}-{m.group('d')}")]
    return []


def _signature_candidates(lines: list[str]) -> list[tuple[str, str]]:
    """The document's own date line: near the end (joined across one-run-per-line splits), then under the title."""
    tail_n = _limit("tail_lines")
    tail = "\n".join(lines[-(tail_n + 12):])
    out = []
    for m in reversed(list(_signature_re().finditer(tail))):
        if tail[m.end():].count("\n") <= tail_n:
            out.append((f"date line {' '.join(m.group('date').split())}", re.sub(r"\s+", "", m.group("date"))))
    head = "\n".join(lines[:_limit("head_lines")])
    for m in _signature_re().finditer(head):
        out.append((f"date line {' '.join(m.group('date').split())}", re.sub(r"\s+", "", m.group("date"))))
    return out


def stated_date(document, year: int) -> Stated:
    """The strongest usable publication date the document states for its report on ``year``."""
    lines = _lines(document)
    result = Stated()
    sources = {"meta": lambda: _meta_candidates(document), "labelled": lambda: _labelled_candidates(lines),
               "url": lambda: _url_candidates(document, lines), "signature": lambda: _signature_candidates(lines)}
    for source in SOURCES:
        for read, text in sources[source]():
            found = parse_date(text)
            why = "not a full date" if found is None else _why_not(found, int(year))
            if why is None:
                result.published, result.source, result.read = found, source, read
                return result
            result.rejected.append(f"{source} {read!r} rejected: {why}")
    return result


# ------------------------------------------------------------------------ the source URL
_URL = re.compile(r"https?://[^\s\"'<>]+")


def _web_url(text: str) -> Optional[str]:
    m = _URL.search(text) if text else None
    return strip_credentials(m.group(0)) if m else None


def source_url(document, lines: Optional[list[str]] = None) -> Optional[str]:
    """The web address the document states as its own (canonical link, og:url, the portal's Url meta, a
    browser's saved-from comment, a 原始链接 line), credentials removed; None when it states none."""
    by_name = {str(k).lower(): v for k, v in (document.meta or {}).items()}
    for name in _rows()["url_meta"]:
        url = _web_url(str(by_name.get(name.lower(), "")))
        if url:
            return url
    labels = tuple(_rows()["url_label"])
    for line in lines if lines is not None else _lines(document):
        if line.startswith(labels):
            url = _web_url(line)
            if url:
                return url
    return None
