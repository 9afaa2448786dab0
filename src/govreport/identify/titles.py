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
from typing import Iterator, NamedTuple, Optional

from govreport import catalog
from govreport.identify.scanned import corrected, in_gazetteer, is_ocr_line, ocr_lines, reread_line, surely_read
from govreport.model import Document
from govreport.text.agencies import normalize_agency_name, region_prefix
from govreport.text.normalize import nfkc
from govreport.text.numerals import chinese_to_number
from govreport.text.prefilter import required_chars, width

HEAD_LINES = 60  # a title sits within the first lines, site navigation printed above it included
_TITLE_META = ("title", "articletitle")
_CN_DIGITS = "〇○零一二三四五六七八九"
_CN_YEAR = re.compile(f"[{_CN_DIGITS}]{{4}}(?=年)")
_CLEAN_MARKS = "、。《》「」『』【】〔〕“”‘’—·"  # line openers that join cleanly (_clean_opener)
_YEAR_ALONE = re.compile(r"(?:19|20)\d{2}")  # a title's year printed on its own line (document_lines)
_YEAR_GAP, _YEAR_GAP_SPACE = re.compile(r"\S\s+年"), re.compile(r"(?<=\S)\s+(?=年)")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace but the newline between lines (compact_document_lines)
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_NOT_A_NAME = re.compile(r"(?:19|20)\d{2}年|报告|年报")
_LABEL_HEAD, _DANGLING = re.compile(r"^(?:标题|题目|关于)"), re.compile(r"(?:关于|的)$")  # clean_agency's, compiled once
_SITE_CODE = re.compile(r"^[A-Za-z]+[-－—]+")


@lru_cache(maxsize=None)
def _title_forms(ocr: bool = False) -> tuple[re.Pattern, ...]:
    """The title forms of printed text; with ``ocr``, also those for OCR'd lines (form named ocr_…)."""
    return tuple(re.compile(r["pattern"]) for r in catalog.read_csv("title_forms.csv")
                 if ocr or not r["form"].startswith("ocr_"))


@lru_cache(maxsize=None)
def _forms_and_chars(ocr: bool = False) -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    """_title_forms(ocr), each with the characters every match of it holds (text.prefilter.required_chars)."""
    return tuple((form, tuple(sorted(required_chars(form)))) for form in _title_forms(ocr))


@lru_cache(maxsize=None)
def agency_tail() -> re.Pattern:
    """Any agency suffix at the end of a name (人民政府, 局, 办公室 …), longest first."""
    suffixes = sorted((r["suffix"] for r in catalog.read_csv("agency_suffixes.csv")), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, suffixes)) + ")$")


@lru_cache(maxsize=None)
def _agency_rejects() -> re.Pattern:
    return re.compile("|".join(f"(?:{r['pattern']})" for r in catalog.read_csv("agency_rejects.csv")))


@lru_cache(maxsize=None)
def after_agency(form: re.Pattern) -> Optional[re.Pattern]:
    """The part of a pattern after its ``agency`` group, or None (no such group outside alternatives).

    Every match of the pattern holds a match of this part, which opens with the year or the title words: a line
    it does not match is skipped without the pattern, whose lazy ``{0,60}?`` group is tried from each position
    of a long line (most of identification's time on prose lines that mention 政府信息公开 and a year)."""
    split = _agency_split(form)
    return split[0] if split else None


@lru_cache(maxsize=None)
def _head_width(form: re.Pattern) -> Optional[int]:
    """The most characters a match of ``form`` holds before its after_agency part (None: unbounded, unknown, or
    the form can match the empty string, whose finditer steps the shortcut of _matches does not mirror)."""
    split = _agency_split(form)
    whole, head = width(form.pattern, form.flags), width(split[1], form.flags) if split else None
    if whole is None or head is None:  # unbounded, or unknown: no shortcut, never a wrong answer
        return None
    return head[1] if whole[0] > 0 else None


def _matches(form: re.Pattern, text: str) -> Iterator[re.Match]:
    """``form.finditer(text)``, the same matches, looked for only near a match of after_agency(form).

    A match starting at p has its agency group end at some q <= p + _head_width, where the after part matches
    (a match with a pos sees the text before it, so ^ and lookbehinds answer as in finditer): no match starts
    before the first after-part match at or past pos minus that width. A form's lazy agency group was tried
    from every position of a long prose line (~0.5 ms a line pair); now only from the few positions before a
    year and 政府信息公开…报告. No form matches the empty string (_head_width), so finditer goes on at m.end()."""
    after, width = after_agency(form), _head_width(form)
    if after is None or width is None:
        yield from form.finditer(text)
        return
    pos = 0
    while True:
        tail = after.search(text, pos)
        m = form.search(text, max(pos, tail.start() - width)) if tail else None
        if m is None:
            return
        yield m
        pos = m.end()


@lru_cache(maxsize=None)
def _agency_split(form: re.Pattern) -> Optional[tuple[re.Pattern, str]]:
    """(after_agency(form), the source of the form up to the end of its agency group), or None."""
    source, depth, k, in_class = form.pattern, 0, 0, False
    group, rest = -1, None
    while k < len(source):
        ch = source[k]
        if ch == "\\":
            k += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":  # a class: its first character (after ^) may be a literal ]
            in_class, k = True, k + 1 + source.startswith("^", k + 1)
            k += source.startswith("]", k)
            continue
        elif ch == "|" and depth == 0:
            return None  # the group is one alternative's: no part every match holds
        elif ch == "(":
            if depth == 0 and source.startswith("(?P<agency>", k):
                group = k
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and group >= 0 and rest is None:
                rest = source[k + 1:]
        k += 1
    if depth != 0 or not rest or "(?P=" in rest or "(?(" in rest or re.search(r"\\\d", rest):
        return None  # the rest refers to groups before it (backreference, conditional): no shortcut
    if rest[0] in "?*+{":
        return None  # the group is repeated: the rest is not what follows one match of it
    try:
        return re.compile(rest, form.flags), source[:len(source) - len(rest)]
    except re.error:  # not a whole pattern on its own: no shortcut, never a wrong answer
        return None


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
    text = _LABEL_HEAD.sub("", _EDGE_JUNK.sub("", text))
    text = _SITE_CODE.sub("", _DANGLING.sub("", text))  # PTSSLJ-莆田市水利局: a site code
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
    return _match_compacted(compact(text), ocr)


def _match_compacted(compacted: str, ocr: bool) -> Optional[tuple[int, str]]:
    """match_title of a text whose compact() is ``compacted``."""
    holds = compacted.__contains__
    for form, chars in _forms_and_chars(ocr):
        if not all(map(holds, chars)):  # text.prefilter.may_match without its calls: a character is missing
            continue
        for m in _matches(form, compacted):
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
    return [ln for ln in _line_pieces(doc)[2] if ln]


def _line_pieces(doc: Document) -> tuple[list[str], list[int], list[str], set[int]]:
    """The document's text split at newlines (the pieces of full_text), the numbers of the non-blank pieces,
    those pieces stripped with the years put back ('' for a year's own line, taken into the line above) and
    which of them a year was put back into; once per document (document_lines and compact_document_lines)."""
    if hasattr(doc, "derived"):
        return doc.derived("line_pieces", lambda d: [_split_pieces(d)])[0]
    return _split_pieces(doc)


def _split_pieces(doc: Document) -> tuple[list[str], list[int], list[str], set[int]]:
    pieces = doc.full_text().split("\n")  # the text lines' own pieces: full_text joins them with newlines
    stripped = [part.strip() for part in pieces]
    kept = [i for i, part in enumerate(stripped) if part]
    lines = [stripped[i] for i in kept]
    return pieces, kept, lines, _put_years_back(lines)


def _put_years_back(lines: list[str]) -> set[int]:
    """The year lines put back into the line above (in place, the year's own line left empty): the lines changed.
    Only lines n whose next line is 4 characters long are looked at (every match of _YEAR_ALONE is 4 characters),
    in order: a change at n alters lines n and n + 1 only, so the next line of a later n is as it was."""
    changed = set()
    for n in [n for n, line in enumerate(lines[1:]) if len(line) == 4]:
        if _YEAR_ALONE.fullmatch(lines[n + 1]) and _YEAR_GAP.search(lines[n]):
            lines[n] = _YEAR_GAP_SPACE.sub(lines[n + 1], lines[n], count=1)
            lines[n + 1] = ""
            changed.add(n)
    return changed


def document_text(doc: Document) -> str:
    """nfkc(doc.full_text()), once per document: identify reads it, and compacts the lines from it."""
    if not hasattr(doc, "derived"):
        return nfkc(doc.full_text())
    return doc.derived("nfkc_text", _nfkc_text)[0]


def _nfkc_text(doc: Document) -> list[str]:
    """nfkc(full_text) from the pieces _line_pieces split it into: nfkc of a text is that of its lines joined (as
    nfkc does a long text itself: text.normalize; tests/unit/text/test_normalize_speed_identical.py), so the text is
    neither joined nor split again."""
    return ["\n".join([nfkc(piece) for piece in _line_pieces(doc)[0]])]


def compact_document_lines(doc: Document) -> list[str]:
    """``compact`` of each of document_lines(doc), in order, cut from document_text (no second NFKC of the
    text: NFKC works within a line, never across a newline, and the whitespace a line is stripped of is
    whitespace after NFKC too, so it goes with the rest; checked over every character). A line a year was put
    back into is compacted itself."""
    return doc.derived("compact_lines", _compact_document_lines) if hasattr(doc, "derived") else \
        _compact_document_lines(doc)


def _compact_document_lines(doc: Document) -> list[str]:
    pieces, kept, lines, changed = _line_pieces(doc)
    text = document_text(doc)  # whitespace but the newlines removed: each piece compacted in one pass
    text = text.replace(" ", "") if _other_space().search(text) is None else _SPACES.sub("", text)
    if _digit_before_nian(text):  # else no _CN_YEAR match: each ends with a Chinese digit right before 年
        text = _CN_YEAR.sub(lambda m: str(chinese_to_number(m.group())), text)
    compacted = text.split("\n")
    if len(compacted) != len(pieces):  # never seen: a character NFKC turned into a line break
        return [compact(ln) for ln in document_lines(doc)]
    if not changed:  # (no line emptied either: only a year put back empties one)
        return list(map(compacted.__getitem__, kept))
    return [compact(line) if k in changed else compacted[i] for k, (i, line) in enumerate(zip(kept, lines)) if line]


@lru_cache(maxsize=1)
def _other_space() -> re.Pattern:
    """Whitespace but space and newline (re's \\s is str.isspace, all of it up to U+3000): without any, _SPACES
    removes the spaces. The characters listed, which the regex engine tests faster than ``[^\\S \\n]``."""
    others = "".join(filter(str.isspace, map(chr, range(0x3001)))).replace(" ", "").replace("\n", "")
    return re.compile("[" + re.escape(others) + "]")


def _digit_before_nian(text: str) -> bool:
    """Whether a Chinese year digit (_CN_DIGITS) stands right before a 年 of ``text`` (a str.find per 年: a scan
    for the digits' class tried every position)."""
    find, at = text.find, text.find("年", 1)
    while at >= 0:
        if text[at - 1] in _CN_DIGITS:
            return True
        at = find("年", at + 1)
    return False


def _title_candidates(doc: Document, lines: list[str], sources: tuple = ("meta", "title")
                      ) -> Iterator[tuple[str, str, int, bool, str]]:
    """(source, text, line number, read by OCR, compact(text)) to try for a title, of ``sources`` only: metadata
    first, then the head lines and line pairs; made as they are tried (the first title found ends the search).
    A head candidate's compact() is its lines' compact_document_lines, joined where each line after the first
    opens with a character no compact() of a join changes (_joins_cleanly), else compact() of the joined text."""
    if "meta" in sources:
        yield from (("meta", v, -1, False, compact(v)) for v in meta_titles(doc))
    if "title" not in sources:
        return
    read = ocr_lines(doc)
    lines, compacted = lines[:HEAD_LINES], compact_document_lines(doc)[:HEAD_LINES]
    for width in (1, 2, 3):
        for n, parts in enumerate(zip(*(lines[k:] for k in range(width)))):
            text, joined = "".join(parts), compacted[n]
            for k in range(1, width):
                if not _joins_cleanly(joined, parts[k][0]):
                    joined = compact(text)
                    break
                joined += compacted[n + k]
            yield "title", text, n, is_ocr_line(read, *parts), joined


def _joins_cleanly(before: str, first: str) -> bool:
    """Whether compact(a + b) == ``before`` + compact(b) for texts a whose compact() is ``before`` and lines b
    that open with ``first``. NFKC of a + b is NFKC of each when b opens with a starter that NFKC keeps (or maps
    to ASCII) and that composes with nothing before it (_clean_opener); the other steps of compact go character
    by character but _CN_YEAR, whose match could span the join only if ``before`` ends with a Chinese digit."""
    return not (before and before[-1] in _CN_DIGITS) and _clean_opener(first)


@lru_cache(maxsize=None)
def _clean_opener(first: str) -> bool:
    """A CJK unified ideograph, printable ASCII, its full-width form or common CJK punctuation, that no pre-NFKC
    table entry changes (catalog/radicals.csv). tests/unit/identify/test_title_matches.py checks each is an NFKC
    starter never composed with what comes before, and the joins over every code point."""
    return ("\u4e00" <= first <= "\u9fff" or "!" <= first <= "~" or "\uff01" <= first <= "\uff5e"
            or first in _CLEAN_MARKS) and ord(first) not in catalog.radicals()


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
    for source, text, n, ocr, compacted in _title_candidates(doc, lines, sources):
        hit = _match_compacted(compacted, ocr)
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
