"""Text and number normalization shared by every stage.

Reports mix full-width and half-width characters, scatter spaces inside
labels, and write numbers with thousands separators, units or placeholders.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

# Cells that say "nothing here" in words or dashes: not numbers, never zero.
PLACEHOLDERS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―", "－", "无", "不涉及", "N/A", "NA", "n/a", "×", "*", "暂无", "空"})

_WS = re.compile(r"\s+")
_NUM = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_NUM_WITH_UNIT = re.compile(r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>万元|元|件|条|次|篇|个|人次|人|项|%)$")


def nfkc(text: str) -> str:
    """NFKC folds full-width digits/letters/punctuation to ASCII; keep CJK quotes."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").replace("\xa0", " ")


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
    """A cell read as a number: ``value`` is None for blanks and placeholders."""

    raw: str
    value: Optional[float]
    unit: Optional[str] = None  # unit written inside the cell, e.g. 251000元
    placeholder: bool = False

    @property
    def blank(self) -> bool:
        return self.raw == ""


def parse_cell(raw: Optional[str]) -> Optional[ParsedCell]:
    """Read one cell. Returns None when the cell is text, not a value.

    Blank -> value None; placeholder (/, —, 无, 不涉及) -> value None, placeholder;
    '1,234' -> 1234; '251000元' -> 251000 with unit 元; '12%' -> 12 with unit %.
    """
    text = clean_text(raw)
    if text == "":
        return ParsedCell(raw="", value=None)
    if text in PLACEHOLDERS:
        return ParsedCell(raw=text, value=None, placeholder=True)
    compact = text.replace(" ", "")
    if _NUM.match(compact):
        return ParsedCell(raw=text, value=float(compact.replace(",", "")))
    m = _NUM_WITH_UNIT.match(compact)
    if m:
        return ParsedCell(raw=text, value=float(m["num"].replace(",", "")), unit=m["unit"])
    return None


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
