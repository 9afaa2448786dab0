"""Text and number normalization shared by every stage.

Reports mix full-width and half-width characters, scatter spaces inside
labels, and write numbers with thousands separators, units or placeholders.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.text.numerals import chinese_to_number
from govreport.text.units import cell_units


# Zero-width and bidirectional-control characters: invisible in the source, never meaningful in a report,
# and (right-to-left overrides) able to make published text read other than it is.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)


@lru_cache(maxsize=1)
def _pre_nfkc_table() -> dict[int, Optional[str]]:
    return {**catalog.radicals(), **_INVISIBLE}


@lru_cache(maxsize=1)
def _pre_nfkc_chars() -> re.Pattern:
    """Any character the pre-NFKC table changes: a text without one needs no translate (the slow step)."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in _pre_nfkc_table()) + "]")


# Labels, cells and sentences repeat within a report and across reports (each is normalized 10-19 times per
# parse): short strings are memoized, long ones (a whole page) are not kept alive.
_MEMO_CHARS = 512
_MEMO_SIZE = 1 << 14


# The full-width marks of Chinese prose whose NFKD is one ASCII character (，-> ,): almost every line NFKC changes
# holds one of them and nothing else NFKC changes. Replaced by their NFKD first, they leave NFKC's result as it was
# (NFKC(s) is NFC(NFKD(s)), and NFKD(s) is the same with any character replaced by its own NFKD), and the line then
# passes NFKC's quick check: the full normalization (~75 ns a character, most of nfkc's cost) is skipped.
# (tests/unit/text/test_normalized_once.py)
_WIDE_MARKS = tuple((mark, unicodedata.normalize("NFKD", mark)) for mark in "，（）：；！？")


def _nfkc(text: str) -> str:
    if _pre_nfkc_chars().search(text):
        text = text.translate(_pre_nfkc_table())
    if not unicodedata.is_normalized("NFKC", text):
        for mark, narrow in _WIDE_MARKS:
            if mark in text:
                text = text.replace(mark, narrow)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.replace("\u3000", " ").replace("\xa0", " ")


_nfkc_memo = lru_cache(maxsize=_MEMO_SIZE)(_nfkc)


def nfkc(text: str) -> str:
    """Radicals to ideographs (⺠ -> 民), invisible controls dropped, then NFKC (full-width digits/letters/
    punctuation to ASCII); ideographic and no-break spaces become plain spaces."""
    if len(text) <= _MEMO_CHARS:
        return _nfkc_memo(text)
    if "\n" in text:
        # a document or a page: line by line, each line once per process (the stages normalize the same lines
        # one by one and as a whole). The same text: NFKC neither composes nor reorders across a line break,
        # and the steps before and after it go character by character (tests/unit/text/
        # test_normalize_speed_identical.py).
        return "\n".join([nfkc(line) for line in text.split("\n")])
    return _nfkc(text)


# " ".join(text.split()) is re.sub(r"\s+", " ", text).strip() (str.split and str.strip part at str.isspace, which is
# re's \s code point for code point: tests/unit/text/test_normalize_speed_identical.py), ~3x faster on CJK text
@lru_cache(maxsize=_MEMO_SIZE)
def _clean_short(text: str) -> str:
    return " ".join(_nfkc_memo(text).split())


def clean_text(text: Optional[str]) -> str:
    """NFKC plus collapsed whitespace: how labels are stored (`source_label`)."""
    if text is None:
        return ""
    return _clean_short(text) if len(text) <= _MEMO_CHARS else " ".join(nfkc(text).split())


_PUNCT_FOLD = str.maketrans({"、": ".", "．": ".", "，": ",", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "〈": "<", "〉": ">", "《": "<", "》": ">"})
# _PUNCT_FOLD as one str.replace per mark present: str.translate looks each character of a non-ASCII text up in
# the table (~0.1 µs a character: 0.8 ms for a report's full text), a replace is one C pass. The same text, as
# no mark folds to a character that is itself folded (tests/unit/extract/test_extract_speed_identical.py).
_PUNCT_PAIRS = tuple((chr(k), v) for k, v in _PUNCT_FOLD.items())
_ANY_PUNCT = re.compile("[" + "".join(re.escape(mark) for mark, _ in _PUNCT_PAIRS) + "]")  # most keys have none


def _fold_punct(text: str) -> str:
    if _ANY_PUNCT.search(text) is None:
        return text
    for mark, folded in _PUNCT_PAIRS:
        if mark in text:
            text = text.replace(mark, folded)
    return text


def label_key(text: Optional[str]) -> str:
    """The form labels are matched in: NFKC, no whitespace, folded punctuation (memoized for short texts: the
    walker keys one row's label several times)."""
    if not text:
        return ""
    return _label_key_short(text) if len(text) <= _MEMO_CHARS else _label_key(text)


def _label_key(text: str) -> str:
    return _fold_punct("".join(nfkc(text).split()))  # re.sub(r"\s+", "", …), as in clean_text


_label_key_short = lru_cache(maxsize=_MEMO_SIZE)(_label_key)


def key_of_normalized(text: str) -> str:
    """label_key of a text that is already ``nfkc(x)`` (a document's normalized text): nfkc(nfkc(x)) == nfkc(x)
    (NFKC is idempotent and its output holds no radical, invisible control, ideographic or no-break space for
    the steps around it to change), so only the whitespace and the punctuation fold remain (a report's whole text
    was NFKC'd a second time, line by line). tests/unit/text/test_normalized_once.py compares it with label_key."""
    return _fold_punct("".join(text.split())) if text else ""


@dataclass(frozen=True)
class ParsedCell:
    """A cell read by the cell grammar: ``value`` is None for blanks, placeholders, ambiguous and unreadable cells.

    ``note`` keeps what was printed beside the number (约, 余, *, ①, 增, （含转办3）, 万 …); ``approximate`` is set
    by the qualifiers that say the figure is not exact (约, 余). An ambiguous or unreadable cell is still a cell:
    it keeps its column, and extraction reports its raw text in unmapped.
    """

    raw: str
    value: Optional[float]
    unit: Optional[str] = None  # unit written inside the cell, e.g. 251000元
    placeholder: bool = False
    note: str = ""
    approximate: bool = False
    ambiguous: bool = False  # separators that cannot be told apart (5,50 · 1.288,0): value None, raw kept
    readable: bool = True  # False: a cell that opens as a number of the grammar but does not parse (0万万元)

    @property
    def blank(self) -> bool:
        return self.raw == ""


# Footnote marks that NFKC would turn into digits (21① -> 211, 21² -> 212): taken off before NFKC.
_FOOTNOTE_MARKS = re.compile("[\u2460-\u24ff\u2776-\u2793\u00b9\u00b2\u00b3\u2070-\u2079]+")
# A Chinese numeral in a cell (二十一): it opens with a digit or 十, and is short (text/numerals reads it)
_CN_FIRST = "零〇一二两三四五六七八九十"
_CN_CORE = f"[{_CN_FIRST}][{_CN_FIRST}百千万]{{0,11}}"


# The cell grammar: [qualifiers] number [multiplier] [qualifiers] [unit] [qualifiers] [notes] [qualifiers], every
# part but the digits and the qualifiers from catalog/cell_grammar.csv (qualifiers: cell_qualifiers.csv; units: units.csv).
# A number is either plain/thousands (1,234.5) or loose: digits with separators in places that cannot be told
# (5,50 · 550,0 · 1,5500 · 0,032 · 1.288,0 · 12 ,345), which is kept as ambiguous, never guessed.
_STRICT = r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?"
_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_THOUSANDS_RUN = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SPACE_AT_SEPARATOR = re.compile(r"(?<=\d)\s+(?=[,.]\d)|(?<=\d[,.])\s+(?=\d)")
COMMAS_THOUSANDS, COMMAS_AMBIGUOUS = "thousands", "ambiguous"


@lru_cache(maxsize=None)
def cell_part_tokens(part: str) -> tuple[str, ...]:
    """The tokens of one part of the cell grammar, longest first: catalog/cell_grammar.csv, and for 'unit' the
    unit table (text/units.py)."""
    if part == "unit":
        return cell_units()
    return tuple(p.token for p in catalog.cell_grammar() if p.part == part)


def _alternation(tokens) -> str:
    return "|".join(re.escape(t) for t in tokens)


@lru_cache(maxsize=1)
def _placeholders() -> frozenset:
    """Cells that say "nothing here" in words or dashes (cell_grammar.csv): not numbers, never zero."""
    return frozenset(clean_text(t) for t in cell_part_tokens("placeholder"))


@lru_cache(maxsize=1)
def _separators() -> str:
    return "[" + "".join(re.escape(t) for t in cell_part_tokens("separator")) + "]"


@lru_cache(maxsize=1)
def _qualified_number() -> re.Pattern:
    """The whole cell grammar as one anchored pattern (see the comment above)."""
    quals = catalog.cell_qualifiers()
    pre = _alternation(q.token for q in quals if q.position == "prefix")
    suf = f"(?:{_alternation(q.token for q in quals if q.position == 'suffix')})*"
    loose = rf"\d+(?: ?{_separators()} ?\d+)+"
    part = {p: _alternation(cell_part_tokens(p)) for p in ("clause", "multiplier", "unit")}
    brackets = "|".join(f"{re.escape(b[0])}[^{re.escape(b)}]*{re.escape(b[1])}" for b in cell_part_tokens("bracket"))
    notes = rf"(?:{brackets}|(?:{part['clause']}).+)*"
    mult = rf"(?:(?P<mult>{part['multiplier']})(?!{part['unit']}))?"
    return re.compile(rf"^(?P<pre>(?:{pre})*)(?:(?P<num>{_STRICT})|(?P<loose>{loose})|(?P<cn>{_CN_CORE})){mult}"
                      rf"(?P<suf1>{suf})(?P<unit>{part['unit']})?(?P<suf2>{suf})(?P<notes>{notes})(?P<suf3>{suf})$")


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


def _number_value(m: re.Match) -> Optional[float]:
    """The number the digits (or the Chinese numeral) and the multiplier of a cell say."""
    if m["cn"]:
        return chinese_to_number(m["cn"])
    value = Decimal(m["num"].replace(",", ""))
    if m["mult"]:
        value *= Decimal(next(p.factor for p in catalog.cell_grammar() if p.part == "multiplier" and p.token == m["mult"]))
    return float(value)


def _bracketed_unit(notes: str) -> Optional[str]:
    """The unit of 2488（元）: a bracket that holds a unit and nothing else is the cell's unit, not a note."""
    for pair in cell_part_tokens("bracket"):
        if len(notes) > 2 and (notes[0], notes[-1]) == tuple(pair) and notes[1:-1] in cell_part_tokens("unit"):
            return notes[1:-1]
    return None


def _parse_number(compact: str, raw: str, marks: list[str], commas: str) -> Optional[ParsedCell]:
    wrapped = len(compact) > 2 and compact[0] == "(" and compact[-1] == ")" and compact[1:-1].isdigit()
    if wrapped:
        compact = compact[1:-1]
    m = _qualified_number().match(compact)
    if not m or (m["cn"] and (m["notes"] or m["mult"])):
        return None  # a bracket or clause after a Chinese numeral is a label ((三)不予公开), not a note
    pre, sign, approx_pre = _qualifier_notes(m["pre"], "prefix")
    notes = pre + _qualifier_notes(m["suf1"], "suffix")[0] + _qualifier_notes(m["suf2"], "suffix")[0]
    unit = m["unit"] or _bracketed_unit(m["notes"])
    notes += [m["notes"]] if m["notes"] and unit == m["unit"] else []
    notes += _qualifier_notes(m["suf3"], "suffix")[0] + marks + (["()"] if wrapped else [])
    notes += [m["mult"]] if m["mult"] else []
    notes += [m["cn"]] if m["cn"] else []
    approx = approx_pre or any(q.kind == "approximate" and q.token in notes for q in catalog.cell_qualifiers())
    if m["loose"] or (commas != COMMAS_THOUSANDS and "," in (m["num"] or "")):
        return ParsedCell(raw=raw, value=None, unit=unit, note=" ".join(notes), approximate=approx, ambiguous=True)
    value = _number_value(m)
    if value is None:
        return None
    return ParsedCell(raw=raw, value=sign * value, unit=unit, note=" ".join(notes), approximate=approx)


@lru_cache(maxsize=1)
def _number_opening() -> re.Pattern:
    """How a number cell opens: digits, then a part of the grammar (unit, multiplier, qualifier, bracket, clause).
    A cell that opens so but does not parse is still a cell in its column (never part of the label); a list
    number (1.属于…) or a year (2023年) does not open so."""
    quals = catalog.cell_qualifiers()
    pre = _alternation(q.token for q in quals if q.position == "prefix")
    after = [q.token for q in quals if q.position == "suffix"] + [b[0] for b in cell_part_tokens("bracket")]
    after += [t for p in ("unit", "multiplier", "clause") for t in cell_part_tokens(p)]
    return re.compile(rf"^(?:{pre})*[+-]?\d[\d ]*(?:{_separators()}\d+)*(?:{_alternation(after)})")


@lru_cache(maxsize=1)
def _openers() -> frozenset:
    """What a number cell can open with besides a digit: a sign, the bracket of (12), a Chinese numeral, the first
    character of a prefix qualifier. _PLAIN, the cell grammar and _number_opening are all anchored at one of these."""
    prefixes = {q.token[0] for q in catalog.cell_qualifiers() if q.position == "prefix" and q.token}
    return frozenset("+-(" + _CN_FIRST) | prefixes


def _may_open_number(compact: str) -> bool:
    """False when no number of the grammar can open the (non-empty) cell: its first character is no digit (re's
    \\d is a decimal, Nd, character) and none of _openers. Most words of a prose line stop here."""
    return compact[0].isdecimal() or compact[0] in _openers()


def _balanced(text: str) -> bool:
    """Every bracket closed where it opened: 1条) is the tail of a remark cut by a line break, not a cell."""
    return all(text.count(b[0]) == text.count(b[1]) for b in cell_part_tokens("bracket"))


def _compact(text: str) -> str:
    """The cell without spaces, except one space where it stands beside a separator (12 ,345): such a number
    cannot be told (one cell or two) and must stay distinguishable from 12,345."""
    if " " not in text and "\0" not in text:
        return text  # nothing to substitute or replace (clean_text left no other whitespace)
    return _SPACE_AT_SEPARATOR.sub("\0", text).replace(" ", "").replace("\0", " ")


@lru_cache(maxsize=1)
def _cell_openers() -> frozenset:
    """The first characters of every cell that is no text: _openers and the placeholders' (无, 不涉及, 暂无 …)."""
    return _openers() | frozenset(p[0] for p in _placeholders())


def cell_openers() -> frozenset:
    """_cell_openers: a token opening with a CJK ideograph not among them is text (parse_cell None) by its first
    character alone (see parse_cell)."""
    return _cell_openers()


def parse_cell(raw: Optional[str], commas: str = COMMAS_THOUSANDS) -> Optional[ParsedCell]:
    """Read one cell by the cell grammar (memoized for short cells: a report reads each token several times,
    and ParsedCell is frozen). Returns None when the cell is text, not a value."""
    if raw and "\u4e00" <= raw[0] <= "\u9fff" and raw[0] not in _cell_openers():
        # text (most lines of prose): an ideograph that opens no number and no placeholder is the cleaned cell's
        # first character too (no footnote mark, radical or space; NFKC keeps it and composes nothing onto it),
        # so neither the placeholders nor _may_open_number can take it
        return None
    if raw is not None and len(raw) <= _MEMO_CHARS:
        return _parse_cell_memo(str(raw), commas)
    return _parse_cell(raw, commas)


def _parse_cell(raw: Optional[str], commas: str = COMMAS_THOUSANDS) -> Optional[ParsedCell]:
    """Read one cell by the cell grammar. Returns None when the cell is text, not a value.

    Blank -> value None; placeholder (/, —, 无, 不涉及) -> value None, placeholder;
    '1,234' -> 1234; '251000元' -> 251000 with unit 元; '12%' -> 12 with unit %;
    '约550' -> 550, approximate; '21①' -> 21 with note ① (never 211); '二十一' -> 21; '增3' -> +3;
    '550（含转办3）' -> 550 with note (含转办3); '1.2万' -> 12000;
    '5,50', '1.288,0', '12 ,345' (and '1,234' when ``commas`` is 'ambiguous': the report writes commas that
    are no thousands separators) -> ambiguous, value None;
    '0万万元' (opens as a number, does not parse) -> unreadable (``readable`` False), value None.
    """
    marks = _FOOTNOTE_MARKS.findall(raw) if raw else []
    text = clean_text(_FOOTNOTE_MARKS.sub("", raw) if marks else raw)
    if text == "":
        return ParsedCell(raw="", value=None) if not marks else None
    if text in _placeholders():
        return ParsedCell(raw=text, value=None, placeholder=True)
    compact = _compact(text)
    if not _may_open_number(compact):
        return None  # text, not a value: no reading below can match it
    if _PLAIN.match(compact) and not marks:
        return ParsedCell(raw=text, value=float(compact))
    cell = _parse_number(compact, text + "".join(marks), marks, commas)
    if cell is None and _number_opening().match(compact) and _balanced(compact):
        return ParsedCell(raw=text + "".join(marks), value=None, readable=False)
    return cell


_parse_cell_memo = lru_cache(maxsize=_MEMO_SIZE)(_parse_cell)


def judge_commas(cells) -> str:
    """How one report writes commas in its cells: 'thousands' when every comma between digits stands in groups
    of three (1,234); 'ambiguous' when any does not (5,50 · 1.288,0), so a comma in that report cannot be told."""
    for cell in cells:
        text = nfkc(_FOOTNOTE_MARKS.sub(" ", cell)) if cell else ""
        if "," in text:  # full-width ，folded by NFKC
            for run in re.findall(r"\d+(?:[,.]\d+)+", text):
                if "," in run and not _THOUSANDS_RUN.fullmatch(run):
                    return COMMAS_AMBIGUOUS
    return COMMAS_THOUSANDS

def is_text_cell(token: Optional[str]) -> bool:
    """A short word standing in a value column (无变化, 增, 持平): a cell, not part of the row label:
    1 to 4 ideographs or Latin letters (what ``^[\u4e00-\u9fffA-Za-z]{1,4}$`` matched, a final newline
    allowed; compiling that class cost each process ~2 ms)."""
    if not token:
        return False
    word = clean_text(token).replace(" ", "")
    word = word[:-1] if word.endswith("\n") else word
    return 1 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" or "A" <= ch <= "Z" or "a" <= ch <= "z"
                                       for ch in word)


def _is_number(cell: Optional[str]) -> bool:
    parsed = parse_cell(cell) if cell is not None else None
    return parsed is not None and (parsed.value is not None or parsed.ambiguous or not parsed.readable)


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


def _is_cjk_char(ch: str) -> bool:
    """``ch`` is CJK or its punctuation (\u2e80-\u9fff, \uf900-\ufaff, \uff00-\uffef, \u3000-\u303f, “”‘’)."""
    return ("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
            or "\u3000" <= ch <= "\u303f" or ch in "“”‘’")


def join_cjk_lines(lines: list[str]) -> str:
    """Join broken lines of one paragraph: no space beside a CJK character, one space otherwise."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _is_cjk_char(out[-1]) or _is_cjk_char(line[0]):
            out += line
        else:
            out += " " + line
    return out
