"""Text and number normalization shared by every stage.

Reports mix full-width and half-width characters, scatter spaces inside
labels, and write numbers with thousands separators, units or placeholders.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from . import catalog

# Cells that say "nothing here" in words or dashes: not numbers, never zero.
PLACEHOLDERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―", "－", "无", "不涉及", "N/A", "NA", "n/a", "×", "*", "暂无", "空"})

_WS = re.compile(r"\s+")
_NUM = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


# Zero-width and bidirectional-control characters: invisible in the source, never meaningful in a report,
# and (right-to-left overrides) able to make published text read other than it is.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)


@lru_cache(maxsize=1)
def _pre_nfkc_table() -> dict[int, Optional[str]]:
    return {**catalog.radicals(), **_INVISIBLE}


def nfkc(text: str) -> str:
    """Radicals to ideographs (⺠ -> 民), invisible controls dropped, then NFKC (full-width digits/letters/
    punctuation to ASCII); ideographic and no-break spaces become plain spaces."""
    text = unicodedata.normalize("NFKC", text.translate(_pre_nfkc_table()))
    return text.replace("\u3000", " ").replace("\xa0", " ")


def clean_text(text: Optional[str]) -> str:
    """NFKC plus collapsed whitespace: how labels are stored (`source_label`)."""
    if text is None:
        return ""
    return _WS.sub(" ", nfkc(text)).strip()


_PUNCT_FOLD = str.maketrans({"、": ".", "．": ".", "，": ",", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "〈": "<", "〉": ">", "《": "<", "》": ">"})


def label_key(text: Optional[str]) -> str:
    """The form labels are matched in: NFKC, no whitespace, folded punctuation."""
    if not text:
        return ""
    return _WS.sub("", nfkc(text)).translate(_PUNCT_FOLD)


@dataclass(frozen=True)
class ParsedCell:
    """A cell read as a number: ``value`` is None for blanks and placeholders.

    ``note`` keeps what was printed beside the number (约, 余, *, ①, 增 …); ``approximate`` is set by
    the qualifiers that say the figure is not exact (约, 余).
    """

    raw: str
    value: Optional[float]
    unit: Optional[str] = None  # unit written inside the cell, e.g. 251000元
    placeholder: bool = False
    note: str = ""
    approximate: bool = False

    @property
    def blank(self) -> bool:
        return self.raw == ""


# Footnote marks that NFKC would turn into digits (21① -> 211, 21² -> 212): taken off before NFKC.
_FOOTNOTE_MARKS = re.compile("[\u2460-\u24ff\u2776-\u2793\u00b9\u00b2\u00b3\u2070-\u2079]+")
_NUM_CORE = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNITS = r"万元|亿元|千元|元|件次|件|条|次|篇|个|人次|人|项|场|期|份|家|批|%"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = re.compile("^[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]{0,11}$")


def chinese_numeral(text: str) -> Optional[int]:
    """二十一 -> 21, 一百零五 -> 105, 三千 -> 3000; None when the text is not a Chinese numeral."""
    if not _CN_NUMERAL.match(text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and section == 0 and total == 0 and len(text) > 1 and ch != "零":
                digit = digit * 10 + _CN_DIGITS[ch]  # 二〇二一-style digit strings
            else:
                digit = _CN_DIGITS[ch]
        elif ch in _CN_POWERS:
            section += (1 if digit is None else digit) * _CN_POWERS[ch]
            digit = None
        else:  # 万
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


@lru_cache(maxsize=1)
def _qualified_number() -> re.Pattern:
    """number with optional unit, wrapped in the prefix and suffix words of catalog/cell_qualifiers.csv."""
    quals = catalog.cell_qualifiers()
    pre = "|".join(re.escape(q.token) for q in quals if q.position == "prefix")
    suf = "|".join(re.escape(q.token) for q in quals if q.position == "suffix")
    return re.compile(rf"^(?P<pre>(?:{pre})*)(?P<num>{_NUM_CORE}|[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]{{0,11}})"
                      rf"(?P<suf1>(?:{suf})*)(?P<unit>{_UNITS})?(?P<suf2>(?:{suf})*)$")


def _qualifier_notes(words: str, position: str) -> tuple[list[str], int, bool]:
    """Split a run of qualifier words; return notes, the sign they imply and whether one says approximate."""
    notes, sign, approx = [], 1, False
    quals = [q for q in catalog.cell_qualifiers() if q.position == position]
    while words:
        q = next(q for q in quals if words.startswith(q.token))
        notes.append(q.token)
        sign = -1 if q.kind == "sign_minus" else sign
        approx = approx or q.kind == "approximate"
        words = words[len(q.token):]
    return notes, sign, approx


def _parse_number(compact: str, raw: str, marks: list[str]) -> Optional[ParsedCell]:
    wrapped = len(compact) > 2 and compact[0] == "(" and compact[-1] == ")" and compact[1:-1].isdigit()
    if wrapped:
        compact = compact[1:-1]
    m = _qualified_number().match(compact)
    if not m:
        return None
    num = m["num"]
    value = float(num.replace(",", "")) if num[0].isdigit() or num[0] in "+-" else chinese_numeral(num)
    if value is None:
        return None
    pre, sign, approx_pre = _qualifier_notes(m["pre"], "prefix")
    suf1, _, approx_1 = _qualifier_notes(m["suf1"], "suffix")
    suf2, _, approx_2 = _qualifier_notes(m["suf2"], "suffix")
    notes = pre + suf1 + suf2 + marks + (["()"] if wrapped else []) + ([num] if not num[0].isdigit() and num[0] not in "+-" else [])
    return ParsedCell(raw=raw, value=sign * float(value), unit=m["unit"], note=" ".join(notes),
                      approximate=approx_pre or approx_1 or approx_2)


def parse_cell(raw: Optional[str]) -> Optional[ParsedCell]:
    """Read one cell. Returns None when the cell is text, not a value.

    Blank -> value None; placeholder (/, —, 无, 不涉及) -> value None, placeholder;
    '1,234' -> 1234; '251000元' -> 251000 with unit 元; '12%' -> 12 with unit %;
    '约550' -> 550, approximate; '21①' -> 21 with note ① (never 211); '二十一' -> 21; '增3' -> +3.
    """
    marks = _FOOTNOTE_MARKS.findall(raw) if raw else []
    text = clean_text(_FOOTNOTE_MARKS.sub("", raw) if marks else raw)
    if text == "":
        return ParsedCell(raw="", value=None) if not marks else None
    if text in PLACEHOLDERS:
        return ParsedCell(raw=text, value=None, placeholder=True)
    compact = text.replace(" ", "")
    if _NUM.match(compact) and not marks:
        return ParsedCell(raw=text, value=float(compact.replace(",", "")))
    return _parse_number(compact, text + "".join(marks), marks)


_SHORT_TEXT = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,4}$")


def is_text_cell(token: Optional[str]) -> bool:
    """A short word standing in a value column (无变化, 增, 持平): a cell, not part of the row label."""
    return bool(token) and bool(_SHORT_TEXT.match(clean_text(token).replace(" ", "")))


def _is_number(cell: Optional[str]) -> bool:
    parsed = parse_cell(cell) if cell is not None else None
    return parsed is not None and parsed.value is not None


def value_run_start(cells: list, is_value) -> int:
    """Index where a row's value cells begin, scanning from the right.

    A cell that ``is_value`` joins the run; a short text cell joins it only when a value stands right
    before it (2 | 无变化 | 7), so a word in a value column never pulls its neighbours into the label.
    """
    i = len(cells)
    while i > 0:
        if is_value(cells[i - 1]):
            i -= 1
        elif i >= 3 and i < len(cells) and is_text_cell(cells[i - 1]) and _is_number(cells[i - 2]):
            # a label keeps at least its first cell; a placeholder word (无) may belong to the label
            i -= 2
        else:
            break
    return i


def is_value_token(token: str) -> bool:
    """True for a whitespace-separated token that is a number or a placeholder."""
    cell = parse_cell(token)
    return cell is not None and not cell.blank


_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’]")


def join_cjk_lines(lines: list[str]) -> str:
    """Join broken lines of one paragraph: no space beside a CJK character, one space otherwise."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _CJK_CHAR.match(out[-1]) or _CJK_CHAR.match(line[0]):
            out += line
        else:
            out += " " + line
    return out
