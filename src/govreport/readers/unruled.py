"""Tables printed without ruling lines (PDF): found by their header words, read by position.

A PDF table with no drawn borders is only words at positions. Reading its rows
as text and counting numbers from the left puts a number under the wrong
applicant as soon as a cell is left blank. Instead, a header is recognised by
the column names of the known tables (text/columns.py: 自然人 商业企业
… 总计, 结果维持 …, 本年制发件数 …, 单位 统计数 …); each column owns the
horizontal zone around its header word, and every number of the following
lines is put in the zone it overlaps (readers/placement.py). A number between
two zones is kept in an *unplaced* column the extractor reports as unmapped.

Input is a page's visual lines: (top, words) with pdfplumber word dicts
(x0, x1, text, chars). Output: plain lines and tables (rows of cells).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from govreport.readers.placement import best_column, is_value, place_words, zones
from govreport.text.columns import column_names, header_role, is_numbered
from govreport.text.normalize import join_cjk_lines, nfkc

_LOOKAHEAD = 8  # label-only lines kept inside a table only when a data line follows within this many lines
_HEADER_LINES = 8  # a header is looked for in at most this many text lines above the first data line


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
            if cells is None:
                out.append([label])  # a label line without cells: a row head or group heading, not a blank row
            else:
                out.append([label or None] + (unplaced + [None] * n_extra)[:n_extra] + list(cells))
        return out

    @property
    def has_data(self) -> bool:
        return any(any(is_value(c) for c in cells or ()) or unplaced for _l, cells, unplaced in self.rows)

    def text_columns(self) -> set[int]:
        """Columns that hold text in rows with numbers (计量单位: 条, 件): text there is a cell, not prose."""
        return {n for _l, cells, _u in self.rows if cells and any(is_value(c) for c in cells)
                for n, c in enumerate(cells) if c is not None and not is_value(c)}


def _tokens(word: dict) -> Optional[list[Token]]:
    """A word as header names, split where the PDF printed two names without a gap; None if it is not one."""
    text, chars = word["text"], word.get("chars") or []
    whole = header_role(text)
    if whole:
        return [Token(word["x0"], word["x1"], text, whole)]
    if len(chars) != len(text):
        return None
    out, start = [], 0
    while start < len(text):
        for stop in range(len(text), start, -1):
            role = header_role(text[start:stop])
            if role:
                out.append(Token(chars[start]["x0"], chars[stop - 1]["x1"], text[start:stop], role))
                start = stop
                break
        else:
            return None
    return out


def _stacked_header(block: list, known: Optional[dict] = None) -> Optional[tuple[list[Token], str]]:
    """(columns, header label) when the lines of ``block`` (no values) are a table header.

    Header names of narrow columns wrap (社会公益 / 组织, 自 / 然 / 人): the words of
    the block are stacked by horizontal overlap, top to bottom, and each stack must
    read as a known column name; group names (申请人情况, 法人或其他组织) and the
    label-column header (信息内容, 指标名称) stand apart, as does text left of the
    columns. Anything else under the columns means this is not a header. The
    block's first line must hold a header word, so a heading above it stays text. ``known``: the words' tokens
    found so far (_look_back tries the same lines in ever larger blocks).
    """
    named: list[tuple[float, float, str]] = []  # group and label names: (top, x0, text)
    pieces: list[dict] = []
    for _top, words in block:
        for w in words:
            tokens = _known_tokens(w, known)
            for t in tokens or ():  # known names, split where they ran together (自然人法人或其他组织)
                if t.role in ("group", "label"):
                    named.append((w["top"], t.x0, t.text))
                else:
                    pieces.append(dict(x0=t.x0, x1=t.x1, top=w["top"], bottom=w["bottom"], text=t.text, chars=[]))
            if tokens is None:
                pieces.append(w)
    columns: list[Token] = []
    others: list[list[dict]] = []
    for stack in _stacks(pieces):
        text = "".join(nfkc(w["text"]) for w in sorted(stack, key=lambda w: (round(w["top"]), w["x0"])))
        if header_role(text) == "column":
            columns.append(Token(min(w["x0"] for w in stack), max(w["x1"] for w in stack), text, "column"))
            continue
        split = _tokens(stack[0]) if len(stack) == 1 else _split_stack(stack)
        if split:
            columns += [t for t in split if t.role == "column"]
            named += [(stack[0]["top"], t.x0, t.text) for t in split if t.role != "column"]
        else:
            others.append(stack)
    has_label = any(header_role(t) == "label" for _top, _x, t in named)
    if len(columns) < 2 and not (columns and has_label):
        return None
    beside = zones([(c.x0, c.x1) for c in columns])[-1][1]  # words right of this stand beside the table (a sidebar)
    others = [stack for stack in others if min(w["x0"] for w in stack) < beside]
    left = min(c.x0 for c in columns)
    if any(max(w["x1"] for w in stack) > left + 0.5 for stack in others):
        return None  # text under the columns that is no column name: prose, not a header
    first = block[0][1]
    in_columns = any(c.x0 - 0.5 <= w["x0"] and w["x1"] <= c.x1 + 0.5 for w in first for c in columns)
    if not in_columns and not any(header_role(nfkc(w["text"])) in ("group", "label") for w in first):
        return None
    label_words = sorted([(w["top"], w["x0"], nfkc(w["text"])) for stack in others for w in stack] + named)
    return sorted(columns, key=lambda c: c.x0), " ".join(t for _top, _x, t in label_words)


def _known_tokens(word: dict, known: Optional[dict]) -> Optional[list[Token]]:
    """_tokens(word), found once per word while ``known`` (id -> (word, tokens)) is kept."""
    if known is None:
        return _tokens(word)
    hit = known.get(id(word))
    if hit is None or hit[0] is not word:
        hit = known[id(word)] = (word, _tokens(word))
    return hit[1]


def _split_stack(stack: list[dict]) -> Optional[list[Token]]:
    """Two narrow columns whose top words ran together (社会公益组法律服务机 over 织 … 构).

    The top word is cut into beginnings of known column names, and every word
    below goes to the piece it overlaps; each piece must then read as a name.
    """
    top = min(w["top"] for w in stack)
    heads = [w for w in stack if w["top"] - top < 1.0]
    head = heads[0]
    chars = head.get("chars") or []
    if len(heads) != 1 or len(chars) != len(head["text"]):
        return None
    prefixes, longest = _prefixes(column_names())
    first = nfkc(head["text"][0]) if head["text"] else ""
    if len(first) == 1 and first not in prefixes:
        return None  # no column name begins so (the prefixes hold every beginning of a beginning)
    text = "".join(nfkc(ch) for ch in head["text"])
    if len(text) != len(head["text"]):
        return None
    pieces: list[list] = []
    start = 0
    while start < len(text):
        # no piece longer than the longest name is a beginning of one
        stop = next((j for j in range(min(len(text), start + longest), start, -1) if text[start:j] in prefixes), None)
        if stop is None:
            return None
        pieces.append([chars[start]["x0"], chars[stop - 1]["x1"], text[start:stop]])
        start = stop
    if len(pieces) < 2:
        return None
    for w in sorted((w for w in stack if w is not head), key=lambda w: (w["top"], w["x0"])):
        # character by character: the lower line may have run together too (益组织务机构)
        chars = w.get("chars") or []
        parts = [(c["x0"], c["x1"], c["text"]) for c in chars] if len(chars) == len(w["text"]) else [(w["x0"], w["x1"], w["text"])]
        for x0, x1, t in parts:
            n = best_column(x0, x1, [(p[0], p[1]) for p in pieces])
            if n is None:
                return None
            pieces[n][2] += nfkc(t)
    if any(header_role(p[2]) != "column" for p in pieces):
        return None
    return [Token(p[0], p[1], p[2], "column") for p in pieces]


@lru_cache(maxsize=4)
def _prefixes(names: tuple[str, ...]) -> tuple[frozenset, int]:
    """Every beginning of a column name, and the longest name's length: ``piece in _prefixes(names)[0]`` is
    ``any(n.startswith(piece) for n in names)`` for a non-empty piece, in one look-up (issue 16)."""
    return frozenset(name[:k] for name in names for k in range(1, len(name) + 1)), max(map(len, names), default=0)


def _stacks(words: list[dict]) -> list[list[dict]]:
    """Words grouped by horizontal overlap (transitively), left to right."""
    out: list[list[dict]] = []
    right = None
    for w in sorted(words, key=lambda w: w["x0"]):
        if out and w["x0"] < right - 0.5:
            out[-1].append(w)
            right = max(right, w["x1"])
        else:
            out.append([w])
            right = w["x1"]
    return out


def _look_back(items: list, before: list) -> Optional[tuple[int, list[Token], str]]:
    """A header among the text lines just emitted: (lines of ``items`` it takes, columns, label).

    ``before``: the text lines that ended the previous page, for a header cut by the page break
    (they stay where they are; the header only borrows their names). The largest header that reads wins.
    """
    tail: list = []
    reached_start = True
    for top, kind, words in reversed(items):
        if kind != "line" or any(is_value(w["text"]) for w in words) or len(tail) >= _HEADER_LINES:
            reached_start = False
            break
        tail.insert(0, (top, words))
    lines = (before if reached_start else []) + tail
    known: dict = {}
    for k in range(len(lines), 0, -1):  # the largest first: the first that reads wins
        found = _stacked_header(lines[-k:], known)
        if found is not None:
            return (min(k, len(tail)), *found)
    return None


@dataclass
class Carry:
    """What a page leaves to the next: a table still open at its end, or the text lines that end it."""

    table: Optional[Table] = None
    trailing: list = field(default_factory=list)


def split(lines: list[tuple[float, list[dict]]], carry: Optional[Carry] = None):
    """Page lines -> items [(top, 'line', words) | (top, 'table', Table)], and what the next page needs."""
    carry = carry or Carry()
    items: list = []
    table: Optional[Table] = None
    if carry.table is not None and lines:
        table = Table(top=lines[0][0], columns=carry.table.columns, header=[None] * (len(carry.table.columns) + 1))
    i = 0
    while i < len(lines):
        top, words = lines[i]
        if (table is None or not _row_fits(table, words)) and any(is_value(w["text"]) for w in words):
            header = _look_back(items, carry.trailing)
            if header is not None and not _explains(header[1], words):
                header = None  # the names found leave numbers of the first row without a column
            if header is not None:
                _close(items, table)
                used, cols, label = header
                head_lines = [(t, w) for t, _kind, w in items[len(items) - used:]]
                del items[len(items) - used:]
                table = Table(top=head_lines[0][0] if head_lines else top, columns=zones([(c.x0, c.x1) for c in cols]),
                              header=[label] + [c.text for c in cols], lines=head_lines)
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
    trailing: list = []
    for top, kind, words in reversed(items):
        if kind != "line" or any(is_value(w["text"]) for w in words) or len(trailing) >= _HEADER_LINES:
            break
        trailing.insert(0, (top, words))
    return items, Carry(table=open_table, trailing=[] if open_table else trailing)


def _explains(columns: list[Token], words: list[dict]) -> bool:
    """Every number of the table's first row falls in one of the header's columns."""
    _label, cells, unplaced = place_words([(w["x0"], w["x1"], w["text"]) for w in words],
                                          zones([(c.x0, c.x1) for c in columns]))
    return not unplaced and any(is_value(c) for c in cells)


def _data_follows(table: Table, lines) -> bool:
    """A row with values comes before any line with text under the columns (a new header, prose)."""
    lo, hi = table.columns[0][0], table.columns[-1][1]
    for _top, words in lines:
        inside = [w for w in words if lo <= (w["x0"] + w["x1"]) / 2 <= hi]  # a long label may reach into a column
        if any(is_value(w["text"]) for w in inside):
            return True
        if inside:
            return False
    return False


def _row_fits(table: Table, words: list[dict]) -> bool:
    """A line with values fits the open table when none of its values falls outside the columns."""
    _label, cells, unplaced = place_words([(w["x0"], w["x1"], w["text"]) for w in words], table.columns)
    return not unplaced and any(is_value(c) for c in cells)


def _row(table: Table, lines, i: int) -> bool:
    """Add line i to the table if it belongs there; False ends the table."""
    words = lines[i][1]
    if all(w["x0"] >= table.columns[-1][1] and not is_value(w["text"]) for w in words):
        return True  # a line wholly beside the table (a portal's sidebar): not part of it
    label, cells, unplaced = place_words([(w["x0"], w["x1"], w["text"]) for w in words], table.columns)
    if any(is_value(c) for c in cells) or unplaced:
        previous = table.rows[-1] if table.rows else None
        if previous and not any(is_value(c) for c in previous[1] or ()) and not previous[2] \
                and _continues_head(lines, i, label):
            # 其他对外管理服务事 / 项 35 0 410, or 2.政府网站 条 / 24 237: the numbers sit on the label's last line
            # or on the line under it; a text cell of the line above (its unit) stays
            kept = [c if c is not None else p for c, p in zip(cells, previous[1] or [None] * len(cells))]
            table.rows[-1] = (join_cjk_lines([previous[0], label]), kept, unplaced)
        else:
            table.rows.append((label, cells, unplaced))
        return True
    follows = _data_follows(table, lines[i + 1:i + 1 + _LOOKAHEAD])
    if any(c is not None for c in cells):
        text_columns = table.text_columns()
        if follows and all(c is None or n in text_columns for n, c in enumerate(cells)):
            table.rows.append((label, cells, []))  # 2.政府网站 条: a label and its unit, the numbers on the next line
            return True
        return False  # text under the value columns without a number: prose, the table is over
    previous = table.rows[-1] if table.rows else None
    if previous and previous[1] is not None and (any(is_value(c) for c in previous[1]) or previous[2]) \
            and _is_tail(lines, i, label):
        # the wrapped tail of the row above: （二）部分公开（区分处理的，只计这一 / 情形，不计其他情形）
        table.rows[-1] = (join_cjk_lines([previous[0], label]), previous[1], previous[2])
        return True
    if follows:
        table.rows.append((label, None, []))
        return True
    return False


def _continues_head(lines, i: int, label: str) -> bool:
    """Does data line i carry the end of the label-only line just above it (not a label of its own)?"""
    if i == 0 or is_numbered(label):
        return False  # an empty label qualifies: numbers centred between a label's two lines
    height = max((w["bottom"] - w["top"] for w in lines[i][1]), default=10.0)
    return lines[i][0] - lines[i - 1][0] <= 2.2 * height


def _is_tail(lines, i: int, label: str) -> bool:
    """Is label-only line i the wrapped end of the row above, rather than the start of the next row?

    It is when it sits nearer the line above than the line below (cells whose
    numbers are vertically centred leave a wider gap between rows than inside
    one), or, at even spacing, unless the next line is a row whose label goes on
    from this one.
    """
    if i == 0 or is_numbered(label):
        return False
    height = max((w["bottom"] - w["top"] for w in lines[i][1]), default=10.0)
    above = lines[i][0] - lines[i - 1][0]
    if above > 2.2 * height:
        return False
    if i + 1 >= len(lines):
        return True
    below = lines[i + 1][0] - lines[i][0]
    if abs(above - below) > 0.5:
        return above < below
    # even spacing: a tail, unless the next line carries numbers under a label that does not start a
    # new one (then this line is the middle of that row's wrapped label)
    nxt = lines[i + 1][1]
    if not any(is_value(w["text"]) for w in nxt):
        return True
    head = " ".join(w["text"] for w in nxt if not is_value(w["text"]))
    return not head or is_numbered(head)


def _close(items: list, table: Optional[Table]) -> None:
    if table is None:
        return
    if table.has_data:
        items.append((table.top, "table", table))
    else:
        items.extend((top, "line", words) for top, words in table.lines)
