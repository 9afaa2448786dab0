"""Tables printed without ruling lines (PDF): found by their header words, read by position.

A PDF table with no drawn borders is only words at positions. Reading its rows
as text and counting numbers from the left puts a number under the wrong
applicant as soon as a cell is left blank. Instead, a header is recognised by
the column names of the known tables (catalog/table_columns.csv: 自然人 商业企业
… 总计, 结果维持 …, 本年制发件数 …, 单位 统计数 …); each column owns the
horizontal zone around its header word, and every number of the following
lines is put in the zone it overlaps (readers/placement.py). A number between
two zones is kept in an *unplaced* column the extractor reports as unmapped.

Input is a page's visual lines: (top, words) with pdfplumber word dicts
(x0, x1, text, chars). Output: plain lines and tables (rows of cells).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .. import catalog
from ..normalize import join_cjk_lines
from .placement import is_value, place_words, zones

_LOOKAHEAD = 3  # label-only lines kept inside a table only when a data line follows within this many lines


@dataclass(frozen=True)
class _Names:
    patterns: tuple[tuple[str, re.Pattern], ...]  # (role, regex) for column / group / label
    enumerator: re.Pattern


@lru_cache(maxsize=1)
def _names() -> _Names:
    rows = catalog.read_csv("table_columns.csv")
    patterns = tuple((r["role"], re.compile(r["pattern"])) for r in rows if r["role"] != "enumerator")
    enumerator = next(re.compile(r["pattern"]) for r in rows if r["role"] == "enumerator")
    return _Names(patterns=patterns, enumerator=enumerator)


@dataclass
class Token:
    x0: float
    x1: float
    text: str
    role: str  # column / group / label


@dataclass
class Table:
    """An unruled table: header zones and rows of (label, cells, unplaced values)."""

    top: float
    columns: list[tuple[float, float]]
    header: list[Optional[str]]
    rows: list[tuple[str, list, list]] = field(default_factory=list)
    lines: list = field(default_factory=list)  # the (top, words) lines read into it, given back if it holds no data

    def grid(self) -> list[list[Optional[str]]]:
        n_extra = max((len(u) for _l, _c, u in self.rows), default=0)
        out = [[self.header[0] or None] + [None] * n_extra + list(self.header[1:])]
        for label, cells, unplaced in self.rows:
            out.append([label or None] + (unplaced + [None] * n_extra)[:n_extra] + list(cells))
        return out

    @property
    def has_data(self) -> bool:
        return any(any(is_value(c) for c in cells) or unplaced for _l, cells, unplaced in self.rows)


def _role(text: str) -> Optional[str]:
    for role, regex in _names().patterns:
        if regex.match(text):
            return role
    return None


def _tokens(word: dict) -> Optional[list[Token]]:
    """A word as header names, split where the PDF printed two names without a gap; None if it is not one."""
    text, chars = word["text"], word.get("chars") or []
    whole = _role(text)
    if whole:
        return [Token(word["x0"], word["x1"], text, whole)]
    if len(chars) != len(text):
        return None
    out, start = [], 0
    while start < len(text):
        for stop in range(len(text), start, -1):
            role = _role(text[start:stop])
            if role:
                out.append(Token(chars[start]["x0"], chars[stop - 1]["x1"], text[start:stop], role))
                start = stop
                break
        else:
            return None
    return out


def _header_line(words: list[dict]) -> Optional[list[Token]]:
    """The header names of a line, when all its words are header names (text left of them aside)."""
    if any(is_value(w["text"]) for w in words):
        return None
    tokens: list[Token] = []
    for w in words:
        found = _tokens(w)
        if found is None:
            if tokens:
                return None  # prose or a label right of a header name: not a header line
            continue  # text left of the names: the header's label cell
        tokens.extend(found)
    return tokens or None


def _header_block(lines, i: int) -> Optional[tuple[int, list[Token], str]]:
    """(lines used, column tokens, header label) when a table header starts at line i."""
    block: list[list[Token]] = []
    labels: list[str] = []
    j = i
    while j < len(lines):
        tokens = _header_line(lines[j][1])
        if tokens is None:
            break
        block.append(tokens)
        left = min(t.x0 for t in tokens)
        labels += [w["text"] for w in lines[j][1] if w["x1"] <= left + 0.5]
        j += 1
    columns = [t for line in block for t in line if t.role == "column"]
    has_label = any(t.role == "label" for line in block for t in line)
    if len(columns) < 2 and not (columns and has_label):
        return None
    labels += [t.text for line in block for t in line if t.role != "column"]
    return j - i, _merge_columns(columns), " ".join(labels)


def _merge_columns(tokens: list[Token]) -> list[Token]:
    """One column per x-range: a name printed over two lines (or repeated) is one column."""
    out: list[Token] = []
    for t in sorted(tokens, key=lambda t: t.x0):
        if out and t.x0 < out[-1].x1 - 0.5:
            prev = out[-1]
            out[-1] = Token(min(prev.x0, t.x0), max(prev.x1, t.x1), join_cjk_lines([prev.text, t.text]), "column")
        else:
            out.append(t)
    return out


def _has_placed_value(words: list[dict], columns) -> bool:
    lo, hi = columns[0][0], columns[-1][1]
    return any(is_value(w["text"]) and w["x1"] > lo and w["x0"] < hi for w in words)


def split(lines: list[tuple[float, list[dict]]], carry: Optional[Table] = None):
    """Page lines -> items [(top, 'line', words) | (top, 'table', Table)] and the table still open at the page end."""
    items: list = []
    table: Optional[Table] = None
    if carry is not None and lines:
        table = Table(top=lines[0][0], columns=carry.columns, header=[None] * (len(carry.columns) + 1))
    i = 0
    while i < len(lines):
        top, words = lines[i]
        header = _header_block(lines, i)
        if header is not None:
            _close(items, table)
            used, cols, label = header
            table = Table(top=top, columns=zones([(c.x0, c.x1) for c in cols]), header=[label] + [c.text for c in cols],
                          lines=list(lines[i:i + used]))
            i += used
            continue
        if table is not None and _row(table, lines, i):
            table.lines.append(lines[i])
            i += 1
            continue
        if table is not None:
            _close(items, table)
            table = None
        items.append((top, "line", words))
        i += 1
    open_table = table if table is not None and table.rows else None
    _close(items, table)
    return items, open_table


def _row(table: Table, lines, i: int) -> bool:
    """Add line i to the table if it belongs there; False ends the table."""
    words = lines[i][1]
    label, cells, unplaced = place_words([(w["x0"], w["x1"], w["text"]) for w in words], table.columns)
    if any(is_value(c) for c in cells) or unplaced:
        table.rows.append((label, cells, unplaced))
        return True
    if any(c is not None for c in cells):
        return False  # text under the value columns without a number: prose, the table is over
    follows = any(_has_placed_value(w, table.columns) for _t, w in lines[i + 1:i + 1 + _LOOKAHEAD])
    previous = table.rows[-1] if table.rows else None
    height = max((w["bottom"] - w["top"] for w in words), default=10.0)
    close_below = i > 0 and lines[i][0] - lines[i - 1][0] <= 2.2 * height
    if previous and close_below and (any(is_value(c) for c in previous[1]) or previous[2]) \
            and not _names().enumerator.match(label):
        # the wrapped tail of the row above: （二）部分公开（区分处理的，只计这一 / 情形，不计其他情形）
        table.rows[-1] = (join_cjk_lines([previous[0], label]), previous[1], previous[2])
        return True
    if follows:
        table.rows.append((label, [None] * len(table.columns), []))
        return True
    return False


def _close(items: list, table: Optional[Table]) -> None:
    if table is None:
        return
    if table.has_data:
        items.append((table.top, "table", table))
    else:
        items.extend((top, "line", words) for top, words in table.lines)
