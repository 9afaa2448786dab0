"""A report's title in any of its real forms (catalog/title_forms.csv): the year and the agency it names.

A title is read from the page's metadata and the head lines (one, two or three lines joined: a title wraps).
The agency part counts only if it looks like a name: it ends with an agency suffix
(catalog/agency_suffixes.csv) and holds no year, clause or 〔号〕 (catalog/agency_rejects.csv).
Forms named ``ocr_…`` are tried on lines read by OCR only (a scan's title whose last character was misread,
…年度报各); an agency read by OCR counts only when it was read surely (identify.scanned).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Optional

from govreport import catalog
from govreport.identify.scanned import corrected, in_gazetteer, is_ocr_line, ocr_lines, reread_line, surely_read
from govreport.model import Document
from govreport.text.agencies import normalize_agency_name, region_prefix
from govreport.text.numerals import chinese_to_number
from govreport.text.prefilter import may_match

HEAD_LINES = 60  # a title sits within the first lines, site navigation printed above it included
_TITLE_META = ("title", "articletitle")
_CN_YEAR = re.compile("[〇○零一二三四五六七八九]{4}(?=年)")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_NOT_A_NAME = re.compile(r"(?:19|20)\d{2}年|报告|年报")


@lru_cache(maxsize=None)
def _title_forms(ocr: bool = False) -> tuple[re.Pattern, ...]:
    """The title forms of printed text; with ``ocr``, also those for OCR'd lines (form named ocr_…)."""
    return tuple(re.compile(r["pattern"]) for r in catalog.read_csv("title_forms.csv")
                 if ocr or not r["form"].startswith("ocr_"))


@lru_cache(maxsize=None)
def agency_tail() -> re.Pattern:
    """Any agency suffix at the end of a name (人民政府, 局, 办公室 …), longest first."""
    suffixes = sorted((r["suffix"] for r in catalog.read_csv("agency_suffixes.csv")), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, suffixes)) + ")$")


@lru_cache(maxsize=None)
def _agency_rejects() -> re.Pattern:
    return re.compile("|".join(f"(?:{r['pattern']})" for r in catalog.read_csv("agency_rejects.csv")))


def compact(text: str) -> str:
    """The text normalized as agency names are (NFKC, no whitespace), years written in Chinese numerals as
    digits (二〇一九年 -> 2019年)."""
    text = normalize_agency_name(text)
    return _CN_YEAR.sub(lambda m: str(chinese_to_number(m.group())), text)


def clean_agency(text: str) -> str:
    """The agency part of a title, without breadcrumbs or punctuation; '' unless it reads as an agency."""
    text = _EDGE_JUNK.sub("", text or "")
    for sep in ("》", ">", "|", "：", ":", "_", "】", "]"):
        text = text.rsplit(sep, 1)[-1]
    text = re.sub(r"^(?:标题|题目|关于)", "", _EDGE_JUNK.sub("", text))
    text = re.sub(r"^[A-Za-z]+[-－—]+", "", re.sub(r"(?:关于|的)$", "", text))  # PTSSLJ-莆田市水利局: a site code
    tail = agency_tail().search(text)
    if tail and tail.start() == 0 or _NOT_A_NAME.search(text) or _agency_rejects().search(text):
        return ""  # a bare suffix (政府, 人民政府, 局), a whole title, a sentence or a year: no agency
    return _last_of_doubled(text) if len(text) >= 2 and tail else ""  # a name ends with an agency suffix


def _last_of_doubled(name: str) -> str:
    """A name printed twice into one line (青溪县人民政府办公青溪县人民政府办公室: a side column): the last one."""
    head = region_prefix(name)
    at = name.rfind(head) if head else 0
    return name[at:] if at > 0 else name


def match_title(text: str, ocr: bool = False) -> Optional[tuple[int, str]]:
    """(year, agency) of the first title form that matches; agency may be '' (title names only the year).
    ``ocr``: the text was read by OCR (the forms for misread titles are tried too)."""
    compacted = compact(text)
    for form in _title_forms(ocr):
        if not may_match(form, compacted):
            continue
        for m in form.finditer(compacted):
            agency = clean_agency(m.group("agency"))
            if agency or not m.group("agency"):
                return int(m.group("year")), agency
    return None


def meta_titles(doc: Document) -> list[str]:
    """The titles the page's metadata states (<title>, ArticleTitle)."""
    return [v for k, v in doc.meta.items() if k.lower() in _TITLE_META]


def document_lines(doc: Document) -> list[str]:
    """The document's non-empty lines, a title's year put back where a printed PDF lost it.

    A browser prints a title's digits in another font, and the PDF's text puts them on a line of their own:
    莆田市审计局 年政府信息公开工作年度报告 / 2024. The year goes back into the gap before 年.
    Computed once per document (identification reads them three times).
    """
    return doc.derived("title_lines", _document_lines) if hasattr(doc, "derived") else _document_lines(doc)


def _document_lines(doc: Document) -> list[str]:
    lines = [part.strip() for ln in doc.text_lines() for part in ln.split("\n") if part.strip()]
    for n in range(len(lines) - 1):
        if re.fullmatch(r"(?:19|20)\d{2}", lines[n + 1]) and re.search(r"\S\s+年", lines[n]):
            lines[n] = re.sub(r"(?<=\S)\s+(?=年)", lines[n + 1], lines[n], count=1)
            lines[n + 1] = ""
    return [ln for ln in lines if ln]


def _title_candidates(doc: Document, lines: list[str]) -> list[tuple[str, str, int, bool]]:
    """(source, text, line number, read by OCR) to try for a title: metadata first, then the head lines and
    line pairs."""
    read = ocr_lines(doc)
    out = [("meta", v, -1, False) for v in meta_titles(doc)]
    lines = lines[:HEAD_LINES]
    for width in (1, 2, 3):
        out += [("title", "".join(parts), n, is_ocr_line(read, *parts))
                for n, parts in enumerate(zip(*(lines[k:] for k in range(width))))]
    return out


def _read_twice(doc: Document, read, text: str, n: int, agency: str) -> bool:
    """Whether the title's line(s), read again at a higher resolution, give the same agency in the gazetteer's
    region (identify.scanned)."""
    lines = document_lines(doc)
    parts = [ln for ln in lines[n:n + 3] if ln in text]
    again = "".join(reread_line(doc, read, ln) or "" for ln in parts if ln in read.read)
    hit = match_title(again, ocr=True) if again else None
    return bool(hit) and hit[1] == agency and in_gazetteer(agency)


def _agency_beside(lines: list[str], n: int, read) -> str:
    """The agency on the line above or below a title that names only the year (2019年政府信息公开工作年度报告)."""
    for near in (lines[n - 1] if n > 0 else "", lines[n + 1] if n + 1 < len(lines) else ""):
        agency = clean_agency(compact(near))
        if agency and len(agency) <= 40 and surely_read(read, agency):
            return agency
    return ""


class TitleRead(NamedTuple):
    """What the title gave: its year, the agency it names ('' none) and from where; ``misread``: the name OCR
    read whose region ``corrected`` put right; ``unread``: a scanned title OCR could not read (no title form
    matched an OCR'd line, or the name in it was not read surely), so "the title does not name the agency"
    cannot be said."""

    year: Optional[int]
    agency: str
    source: str
    misread: str = ""
    unread: bool = False


def find_title(doc: Document, period_year: Optional[int] = None,
               sources: tuple = ("meta", "title")) -> tuple[Optional[int], str, str]:
    """(year, agency, source) from the title (the page's title metadata, then the head lines); agency ''
    when no title names it (read_title)."""
    return tuple(read_title(doc, period_year, sources)[:3])


def read_title(doc: Document, period_year: Optional[int] = None, sources: tuple = ("meta", "title")) -> TitleRead:
    """The title's year and agency, and whether OCR misread or could not read it (TitleRead).

    A page can carry other reports' titles (site navigation printed into a PDF, links to past years):
    when the 统计期限 sentence gives the year, a title of that year (or the next: published early) wins.
    A scanned title whose name OCR could not read surely names no agency: the line beside it (a 来源 line)
    is not the title's name.
    """
    lines, read = document_lines(doc), ocr_lines(doc)
    year_only: Optional[int] = None
    fallback, unsure, ocr_title = None, False, False
    for source, text, n, ocr in _title_candidates(doc, lines):
        hit = match_title(text, ocr) if source in sources else None
        if not hit:
            continue
        year, agency = hit
        named, misread, ocr_title = bool(agency), "", ocr_title or ocr
        if ocr and agency and not surely_read(read, agency) and not _read_twice(doc, read, text, n, agency):
            misread, agency = agency, corrected(read, agency)  # stated only when put right surely
            unsure = unsure or not agency
        if agency and period_year is not None and year not in (period_year, period_year + 1):
            fallback = fallback or TitleRead(year, agency, source, misread)
            continue
        agency = agency or (_agency_beside(lines, n, read) if n >= 0 and not named else "")
        if agency:
            return TitleRead(year, agency, source, misread)
        year_only = year_only or year
    unread = read.any and "title" in sources and (unsure or not ocr_title and year_only is None)
    return fallback or TitleRead(year_only, "", "unknown", "", unread)
