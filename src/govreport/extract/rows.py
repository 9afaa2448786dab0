"""Document -> rows: a label and its value cells, from PDF text lines and from cell grids alike.

A text line is split from the right: the numbers (and the words printed beside them) are the cells, the rest
is the label; a grid row keeps its positions, blank cells as None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from govreport import catalog
from govreport.model import Document, OcrCell
from govreport.text.normalize import cell_openers, cell_part_tokens, clean_text, parse_cell, value_run_start
from govreport.text.numerals import NUMERAL_CHARS
from govreport.text.units import label_units

_YEAR_CELL = re.compile(r"^(?:19|20)\d{2}$")
_NUMBERING_TOKEN = re.compile(r"^[(（]\d{1,2}[)）]$")
_SEPARATOR_CUT = re.compile(r"^[,.]\d")  # ,345 of 12 ,345
_SEPARATOR_END = re.compile(r"\d[,.]$")  # 12, of 12, 345


@dataclass(slots=True)
class Row:
    """One candidate table row: a label and its value cells (None = blank cell)."""

    label: str
    cells: list[Optional[str]]
    unit: Optional[str] = None
    grid: bool = False
    raw: tuple = ()  # grid rows: the full row of cells, spans expanded


# --------------------------------------------------------------------------- rows
def _is_value(token) -> bool:
    """A text-line token that is a cell. One Chinese numeral character (三 of 保护第 三 / 方合法权益, cut by a
    wrap) is a piece of a label there, never a value; in a grid cell it would be read as the number."""
    parsed = parse_cell(token)
    if parsed is None or parsed.blank:
        return False
    return not (len(token) == 1 and token in NUMERAL_CHARS)  # the one characters chinese_to_number reads


@lru_cache(maxsize=1)
def _prefix_words() -> frozenset:
    return frozenset(q.token for q in catalog.cell_qualifiers() if q.position == "prefix")


@lru_cache(maxsize=1)
def _part_openers() -> tuple[str, ...]:
    return tuple(b[0] for b in cell_part_tokens("bracket")) + cell_part_tokens("clause")


def _merge_prefix_words(tokens: list[str]) -> list[str]:
    """'增 3' printed as two tokens is one cell: a qualifier word glued to the number after it."""
    prefixes = _prefix_words()
    out: list[str] = []
    for t in tokens:
        if out and out[-1] in prefixes and _is_value(out[-1] + t):
            out[-1] += t
        else:
            out.append(t)
    return out


def _merge_cell_parts(tokens: list[str]) -> list[str]:
    """Parts of one cell a space split apart: a note after its number (550 （含转办3）, 550 含转办3) and a
    separator cut from its digits (12 ,345 · 12, 345). Only such a part joins the token before it, and only
    when together they read as one cell; the space is kept, so 12 ,345 stays ambiguous (one number or two
    cannot be told)."""
    out: list[str] = []
    for t in tokens:
        if out and _is_cell_part(out[-1], t) and not (_is_value(out[-1]) and _is_value(t)):
            joined = f"{out[-1]} {t}"
            if _is_value(joined) and parse_cell(joined).readable:
                out[-1] = joined
                continue
        out.append(t)
    return out


def _is_cell_part(before: str, token: str) -> bool:
    """``token`` opens with a note (a bracket, a clause word) or a separator, or ``before`` ends with one."""
    before, token = clean_text(before), clean_text(token)
    return token.startswith(_part_openers()) or bool(_SEPARATOR_CUT.match(token)) or bool(_SEPARATOR_END.search(before))


def _may_join_parts(cleaned: list[str]) -> bool:
    """Whether ``_merge_cell_parts`` can join anything: some token after the first opens with a note or a
    separator, or some token before the last ends with one (``_is_cell_part`` of a pair of neighbours). One search
    over the cleaned tokens joined by spaces: each such token start follows a space there and each such end comes
    before one (a cleaned token holding a space can only add a false alarm, which the full merge then settles)."""
    return _part_boundary().search(" ".join(cleaned)) is not None


@lru_cache(maxsize=1)
def _part_boundary() -> re.Pattern:
    openers = "|".join(re.escape(t) for t in _part_openers())
    return re.compile(rf" (?:{openers}|[,.]\d)|\d[,.] ")


def _line_parts(line: str) -> tuple[str, list[str], Optional[str]]:
    """A text line as (label, value cells, unit): the label's tokens cleaned, the cells as printed."""
    # split before NFKC: it would turn the footnote mark of 21① into a digit (211)
    tokens = line.split()  # the pieces between runs of \s (str.isspace is re's \s, code point for code point)
    if len(tokens) == 1:
        token = tokens[0]
        # the merges keep one token and value_run_start reads it as 0 (a value: the line's one cell) or 1 (the
        # label, or a unit word). A token opening with an ideograph that opens no cell (most prose lines) is text
        # by parse_cell's first test; a numbering alone ((2)) is that of a label wrapped onto the line above
        if ("\u4e00" <= token[0] <= "\u9fff" and token[0] not in cell_openers()) or not _is_value(token) \
                or _NUMBERING_TOKEN.match(token):
            label = clean_text(token)
            return (label, [], None) if label not in label_units() else ("", [], label)
        return "", tokens, None
    if not tokens:
        return "", [], None
    tokens = _merge_prefix_words(tokens)
    cleaned = [clean_text(t) for t in tokens]
    if _may_join_parts(cleaned):
        tokens = _merge_cell_parts(tokens)
        cleaned = [clean_text(t) for t in tokens]
    start = value_run_start(tokens, _is_value)
    if start == 0 and _NUMBERING_TOKEN.match(tokens[0]):
        start = 1  # (2) 0 0 0 …: the numbering of a label wrapped onto the line above, not a value
    while start < len(tokens) and not _is_value(tokens[start]):
        start += 1  # a value run never opens with a text cell
    label = cleaned[:start]
    unit = label.pop() if label and label[-1] in label_units() else None
    return " ".join(label), tokens[start:], unit


def _split_text_line(line: str, read: Optional[OcrCell] = None) -> Row:
    """A text line as a label and its values; a line read by OCR (``read``) gives each value its confidence,
    so a number from an OCR'd line is stored as OCR (provenance 'ocr', or ocr_low_confidence), never as text."""
    label, values, unit = _line_parts(line)
    if read is not None:
        values = [OcrCell(v, read.confidence, read.page, read.bbox) for v in values]
    return Row(label, values, unit)


def _text_rows(lines: Sequence[str], seen: dict) -> list[Row]:
    """The rows of text lines not read by OCR. A report prints many lines more than once (0, 条, its headings):
    ``seen`` keeps each line's parts for the rest of the document, and each row gets its own cells list."""
    rows = []
    for line in lines:
        parts = seen.get(line)
        if parts is None:
            parts = seen[line] = _line_parts(line)
        rows.append(Row(parts[0], parts[1][:], parts[2]))
    return rows


def _split_grid_row(cells: Sequence[Optional[str]]) -> Optional[Row]:
    cells = list(cells)
    for c in cells:
        if c and c.strip():
            break
    else:
        return None  # no cell holds a character
    i = _value_start(cells)
    label_cells: list[str] = []
    for c in cells[:i]:
        text = clean_text(c)
        if text and (not label_cells or label_cells[-1] != text):
            label_cells.append(text)
    unit = None
    if label_cells and label_cells[-1] in label_units():
        unit = label_cells.pop()
    # None: no cell at this grid position (PDF merged regions) or a blank HTML cell;
    # "": an empty cell that exists. Both are blank values; the difference helps align.
    values = [None if c is None else ("" if clean_text(c) == "" else c) for c in cells[i:]]
    return Row(" ".join(label_cells), values, unit, True, tuple(cells))


def _value_start(cells: list) -> int:
    """Where a grid row's value cells begin. A cell that stands among a row's numbers but does not parse is a
    value misread or mistyped, not label text: a one-character OCR read (1 read 了), or a number with stray
    characters (``2488元)``, the report's 2488（元）). Read as label, it took the numbers after it into the label
    (了 0 0 0 0 0 了 -> 一、本年新收… 了 0 了; 政府集中采购 1 2488元)), a silent loss; as a cell it goes to unmapped
    with what was read."""
    i = value_run_start(cells, _grid_value)
    if i == 0 or not _misread(cells[i - 1]):
        # the scan that also takes misreads takes every cell this one took (a text cell this one took stands before a
        # number, which both take) and so reaches i too; it goes on only past a misread there: else j == i, i stays
        return i
    j = value_run_start(cells, lambda c: _grid_value(c) or _misread(c))
    if 0 < j < i and any(c is not None and parse_cell(c) is not None and parse_cell(c).value is not None
                         for c in cells[j:]):
        return j
    return i


def _grid_value(cell) -> bool:
    return cell is None or parse_cell(cell) is not None


_STRAY_NUMBER = re.compile(r"^(\D{0,3})\d[\d,]*(?:\.\d+)?(\D{0,3})$")
_BRACKETS = set("()（）[]【】")


def _misread(cell) -> bool:
    """A value cell that does not parse: one character read by OCR (了 for 1), or a number with at most three
    stray characters around it, brackets or the catalog's unit words (2488元), 12件件). A list marker with its
    words (3.其他) is label text, and a unit word alone (条) is the row's unit, never this."""
    text = clean_text(cell) if cell is not None else ""
    if text in label_units():
        return False  # a unit column's word (条, 件): the label's unit, as in a printed row
    if isinstance(cell, OcrCell) and len(text) == 1:
        return True
    m = _STRAY_NUMBER.match(text)
    if not m:
        return False
    units = "".join(label_units())
    return all(ch in _BRACKETS or ch in units for ch in m.group(1) + m.group(2))


def _span_groups(header: tuple) -> list[list[int]]:
    """Grid positions that one header cell covers (a colspan repeats its text)."""
    groups: list[list[int]] = []
    for n, cell in enumerate(header):
        if groups and cell and clean_text(cell) == clean_text(header[groups[-1][0]]):
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups


def collapse_spans(row: Row, groups: list[list[int]]) -> Optional[Row]:
    """Read a data row through its header's colspans: one value per header column (None when the merged cells
    are all blank, as _split_grid_row says)."""
    if not groups or len(row.raw) != sum(len(g) for g in groups) or all(len(g) == 1 for g in groups):
        return row
    merged = []
    for g in groups:
        cells = [row.raw[i] for i in g]
        merged.append(next((c for c in cells if c is not None and clean_text(c)), cells[0]))
    return _split_grid_row(tuple(merged))


_LIST_NUMBER = re.compile(r"^\d{1,2}$")
_LIST_MARK = re.compile(r"^[、.．]")


def _one_ideograph(text: str) -> bool:
    """One CJK unified ideograph (U+4E00-U+9FFF), a character of a vertical header. A comparison, not a regex
    class over the range: that costs ~1.5 ms to compile (sre builds a 64K map) in every process."""
    return len(text) == 1 and "\u4e00" <= text <= "\u9fff"


def _least_sure(doc: Document, numbers: list[int]) -> Optional[OcrCell]:
    """Of text blocks read by OCR, the one read with the least confidence (None: no OCR'd block among them)."""
    read = [doc.blocks[n].text for n in numbers if isinstance(doc.blocks[n].text, OcrCell)]
    return min(read, key=lambda cell: cell.confidence) if read else None


def _joined_text_lines(doc: Document) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
    """Text lines with two layouts of one label put back together: a header printed one character per line
    (指/标/名/称, a vertical cell) and a list number cut from its label (1 / 、同意公开答复数): (the first
    block's number, the text) in block order, and for each joined line the numbers of the blocks it joins (for
    ``_least_sure``; any other line is its own block)."""
    lines = [(n, text) for n, b in enumerate(doc.blocks) if b.kind == "text" and (text := b.text.strip())]
    out: list[tuple[int, str]] = []
    joined: dict[int, list[int]] = {}
    done = 0  # lines[:done] are in out
    # only a line of at most two characters starts a join: a vertical header's character or a list number
    for i in [k for k, (_n, text) in enumerate(lines) if len(text) <= 2]:
        if i < done or i + 1 == len(lines) or (len(lines[i + 1][1]) > 1 and not _LIST_MARK.match(lines[i + 1][1])):
            continue  # taken by the join before, or the next line neither a vertical header's character nor 、…
        n, text = lines[i]
        j = i
        while j + 1 < len(lines) and len(lines[j][1]) == 1 and _one_ideograph(lines[j][1]) \
                and _one_ideograph(lines[j + 1][1]) and lines[j + 1][0] == lines[j][0] + 1:
            j += 1  # (len first: most lines are longer than one character)
        if j == i and _LIST_NUMBER.match(text) and i + 1 < len(lines) and _LIST_MARK.match(lines[i + 1][1]):
            j = i + 1
            text += lines[j][1]
        elif j > i:
            text = "".join(t for _, t in lines[i:j + 1])
        else:
            continue
        out += lines[done:i]
        out.append((n, text))
        joined[n] = [m for m, _ in lines[i:j + 1]]
        done = j + 1
    out += lines[done:]
    return out, joined


def document_rows(doc: Document) -> list[Row]:
    """Every text line and every grid row of the document, in reading order."""
    rows: list[Row] = []
    lines, joined = _joined_text_lines(doc)  # in block order: each goes before the first table after its block
    ocr = any(isinstance(b.text, OcrCell) for b in doc.blocks if b.kind == "text")  # else _least_sure is None
    seen: dict = {}

    def text_rows(part: list[tuple[int, str]]) -> list[Row]:
        if not ocr:
            return _text_rows([text for _n, text in part], seen)
        return [_split_text_line(text, _least_sure(doc, joined.get(n, [n]))) for n, text in part]

    k = 0
    for n, block in enumerate(doc.blocks):
        if block.kind == "text":
            continue
        m = k
        while m < len(lines) and lines[m][0] < n:
            m += 1
        rows += text_rows(lines[k:m])
        k = m
        for cells in block.rows:
            row = _split_grid_row(cells)
            if row is not None:
                rows.append(row)
        rows.append(Row(label="", cells=[], grid=True))  # table boundary
    rows += text_rows(lines[k:])
    return rows
