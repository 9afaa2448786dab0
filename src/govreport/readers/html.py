"""HTML report pages (as saved from government websites) -> Document.

Pages come in UTF-8 or GBK, wrap the report in site navigation and often in
layout tables, and print the statistics as tables with rowspan/colspan. This
reader keeps paragraphs and headings as text blocks and turns every data
table into a rectangular grid (spans expanded, blanks as None), in document
order. The parser never touches the network and never expands entities.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from lxml import etree

from govreport.errors import ReportError
from govreport.model import Block, Cell, Document
from govreport.text.normalize import join_cjk_lines, parse_cell
from govreport.readers.limits import checkpoint
from govreport.readers.html_source import parser_input, page_text
from govreport.readers.html_page import MAX_TABLE_NESTING, check_depth, strip_furniture
from govreport.readers.placement import column_widths, edges_from_widths, is_value, place_cells

MAX_TABLE_CELLS = 200_000   # a grid larger than this is refused (hostile or broken page)
MAX_COLSPAN = 1_000         # the HTML standard's own ceiling
MAX_ROWSPAN = 65_534        # likewise; further clamped to the rows that exist
_PROSE_CHARS = 300          # a cell this long is a page region, not a table cell

# Elements that end a paragraph (everything else is inline).
_BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "aside", "header", "footer", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre",
    "address", "center", "figure", "figcaption", "hr", "caption", "fieldset", "details", "summary",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th",
})

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_CJK_NEWLINE = re.compile(r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])[ \t\u3000]*[\r\n]\s*(?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])")
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)\s*(pt|px)", re.IGNORECASE)
_WIDTH = re.compile(r"\s*([\d.]+)\s*(?:px)?\s*")
_LEADING_INT = re.compile(r"\s*(\d+)")
_text_content = etree.XPath("string()", smart_strings=False)  # lxml.html's text_content()
_BR = "\ue000"      # <br> marker in collected text (source newlines are just spaces)
_PARA = re.compile("\ue000[\\s\u3000\xa0]*\ue000")  # two <br> in a row: a paragraph break


def read_html(path: Path) -> Document:
    """Read an HTML report page into text and table blocks."""
    path = Path(path)
    text, own = page_text(path.read_bytes(), path)
    root = _parse(text, path, own)
    meta = _head_meta(root)
    saved = _SAVED_FROM.search(text[:4096])  # a browser's <!-- saved from url=(0071)https://… -->
    if saved:
        meta.setdefault("saved_from", saved.group(1))
    strip_furniture(root)
    body = root.find("body")
    blocks = _Walker(path).blocks(body if body is not None else root)
    if not blocks:
        raise ReportError(path, "HTML page has no text")
    return Document(path=path, format="html", blocks=blocks, hard_wrapped=False, meta=meta)


def _head_meta(root) -> dict:
    """<title> and named <meta> tags (ArticleTitle, ContentSource, Author …): identification falls back on them."""
    meta = {}
    title = root.find(".//title")
    if title is not None and (_text_content(title) or "").strip():
        meta["title"] = " ".join(_text_content(title).split())
    canonical = None
    for el in root.iter("meta", "link"):  # one pass; the canonical link is added after every meta, as it was
        if el.tag == "link":  # the page's own address: <link rel="canonical" href=…>
            if canonical is None and (el.get("rel") or "").strip().lower() == "canonical":
                canonical = (el.get("href") or "").strip() or None
            continue
        name, content = el.get("name") or el.get("property"), el.get("content")
        if name and content and content.strip() and len(content) < 500:
            meta.setdefault(name.strip(), " ".join(content.split()))
    if canonical is not None:
        meta.setdefault("canonical", canonical)
    return meta


# --- decoding and parsing -------------------------------------------------------------

def _decode(data: bytes, path: Path) -> str:
    """The page's text alone (html_source.page_text)."""
    return page_text(data, path)[0]


def _parse(text: str, path: Path, data: Optional[bytes] = None):
    """The page's tree. ``data``: the bytes ``text`` is the UTF-8 reading of, if any (html_source.page_text)."""
    source = parser_input(text, data)  # (the prolog dropped; UTF-8 bytes where it can be)
    # huge_tree: without it libxml2 stops at 256 nested elements and returns what it
    # has so far, silently dropping the rest of the page; check_depth refuses instead.
    # lxml's own HTML parser (the one lxml.html.HTMLParser configures) with plain elements: lxml.html's
    # element classes are chosen by a Python callback for every element touched (~7 % of a read), and this
    # reader uses none of their methods (text_content and drop_tree are _text_content and _drop here).
    parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=True,
                              encoding="utf-8" if isinstance(source, bytes) else None)
    try:
        root = etree.fromstring(source, parser)  # what lxml.html.document_fromstring does, with this parser
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReportError(path, f"cannot parse HTML: {exc}") from exc
    if root is None:  # lxml.html raised ParserError("Document is empty") here
        raise ReportError(path, "cannot parse HTML: Document is empty")
    stopped = any(e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message for e in parser.error_log)
    check_depth(root, path, stopped)
    return root


# --- walking the tree ----------------------------------------------------------------

class _Walker:
    """Turns an element tree into blocks; one instance per file (it counts cells)."""

    def __init__(self, path: Path):
        self.path = path
        self.cells = 0

    def blocks(self, root) -> list[Block]:
        """The blocks of ``root`` in document order, appended to one list as the tree is walked (not yielded
        by a generator per element, which passed each block up through every level of nesting)."""
        buf: list[str] = []
        out: list[Block] = []
        self._walk(root, buf, 0, out)
        _flush(buf, out)
        return out

    def _walk(self, el, buf: list[str], table_depth: int, out: list[Block]) -> None:
        checkpoint()  # the file's time and memory budget (safety.LIMITS)
        tag = el.tag  # (a comment's or PI's tag is a function: no br, table or block)
        if tag == "br":
            buf.append(_BR)
            return
        if tag == "table":
            _flush(buf, out)
            self._table(el, table_depth + 1, out)
            return
        block = tag in _BLOCK_TAGS
        if block:
            _flush(buf, out)
        text = el.text
        if text:
            buf.append(text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                if len(child) or tag in _BLOCK_TAGS or tag == "br":
                    self._walk(child, buf, table_depth, out)
                else:  # an inline element with text only (a link, a <span>): what _walk would do, in place
                    checkpoint()
                    text = child.text
                    if text:
                        buf.append(text)
            text = child.tail
            if text:
                buf.append(text)
        if block:
            _flush(buf, out)

    def _table(self, table, depth: int, out: list[Block]) -> None:
        """One table: its cells are read once (text, spans, width, the tables nested in them), then it is
        either a layout table (its cells walked as page regions) or a grid, followed by its nested tables."""
        if depth > MAX_TABLE_NESTING:
            raise ReportError(self.path, f"tables nested more than {MAX_TABLE_NESTING} deep")
        rows = [_row_cells(row) for row in _own_rows(table)]
        caption = table.find("caption")
        if caption is not None:
            self._walk(caption, [], depth, out)
        nested: list = []  # tables in the cells (not inside deeper tables), in document order
        texts = [[_cell_text(cell, nested) for cell in row] for row in rows]
        if _is_layout(texts, nested):
            # A layout table: its cells are page regions, read as ordinary content.
            for row in rows:
                for cell in row:
                    self._walk(cell, [], depth, out)
            return
        grid = self._grid(rows, texts)
        if grid and len(grid[0]) == 1:
            # One column holds no label/value pairs: a banner or a boxed note.
            for (text,) in grid:
                if text is not None:
                    out.append(Block.line(text))
        elif any(any(c is not None for c in r) for r in grid):
            out.append(Block.table(grid))
        for inner in nested:
            self._table(inner, depth + 1, out)

    def _grid(self, rows: list[list], texts: list[list[Cell]]) -> list[list[Cell]]:
        """rowspan/colspan -> cells on the table's column grid, then a position-true grid (one pass over the
        cells: spans, widths and value flags together, handed to place_cells as tuples).

        Columns are located by colspan offsets, sized by the cells' width attributes
        (Word-exported pages), so a value spanning two header columns goes to the one
        it covers (readers/placement.py). A value spanning rows is written once.
        """
        n_rows = len(rows)
        # columns taken by rowspans from the rows above (a row's own cells only move right)
        below: list[Optional[set[int]]] = [None] * n_rows
        # each row's cells as (start, stop, text, is_value): placement.place_cells reads them as they are
        placed: list[list[tuple]] = [[] for _ in range(n_rows)]
        measured: list[tuple[int, int, float]] = []  # the cells with a width (column_widths skips the others)
        specs: Optional[list] = None  # every cell's spec, asked only for a colspan over 100 (_sane_width)
        sane = 0
        width = 0
        cells = self.cells
        for r, (row, row_texts) in enumerate(zip(rows, texts)):
            col, taken, out = 0, below[r], placed[r]
            for i, cell in enumerate(row):
                colspan, rowspan, px = _cell_spec(cell)
                text = row_texts[i]
                value = text is not None and is_value(text)
                if colspan > 100:  # (only such a colspan can be wider than the table: see _sane_width)
                    if specs is None:
                        specs, sane = _sane_width(rows)
                    if colspan > sane:
                        # fill the row up to the table's width, leaving room for the cells after it
                        colspan = max(1, sane - col - sum(cs if cs <= 100 else 1 for cs, _, _ in specs[r][i + 1:]))
                if taken:
                    while col in taken:
                        col += 1
                stop = col + colspan
                if rowspan > 1:
                    rowspan = min(rowspan, n_rows - r)
                cells += colspan * rowspan
                if cells > MAX_TABLE_CELLS:
                    raise ReportError(self.path, f"tables have more than {MAX_TABLE_CELLS} cells after span expansion")
                if px is not None:
                    measured.append((col, stop, px))
                out.append((col, stop, text, value))
                if rowspan > 1:
                    # label text repeats down a rowspan; a value is read in its first row only (so the
                    # repeated cell is never a value: its text is None or a label's)
                    repeated = (col, stop, None if value else text, False)
                    for dr in range(1, rowspan):
                        if below[r + dr] is None:
                            below[r + dr] = set()
                        below[r + dr].update(range(col, stop))
                        placed[r + dr].append(repeated)
                col = stop
                if col > width:
                    width = col
        self.cells = cells + n_rows * width
        if self.cells > MAX_TABLE_CELLS:
            raise ReportError(self.path, f"tables have more than {MAX_TABLE_CELLS} cells after span expansion")
        if not width:
            return [[] for _ in range(n_rows)]
        return place_cells(placed, edges_from_widths(column_widths(measured, width))).rows


def _sane_width(rows: list[list]) -> tuple[list[list[tuple]], int]:
    """Every cell's spec, and the table's width counted without colspans over 100. A colspan wider than that is
    garbage, capped by _grid (a full-width title row still spans all); a colspan of 100 or less is counted in its
    own row's sum, so only a wider one is ever capped, and a table without one needs neither."""
    specs = [[_cell_spec(c) for c in row] for row in rows]
    return specs, max((sum(cs if cs <= 100 else 1 for cs, _, _ in row) for row in specs), default=1)


def _cell_spec(cell) -> tuple[int, int, Optional[float]]:
    """A cell's (colspan, rowspan, width): _span and _width, with the attributes read once (most cells have
    none of them)."""
    names = cell.keys()
    if not names:  # (a third of the cells)
        return _PLAIN
    colspan = rowspan = style = width = None
    get = cell.get
    for name in names:  # (Word's cells: valign and width, sometimes style)
        if name == "width":
            width = get("width")
        elif name == "style":
            style = get("style")
        elif name == "colspan":
            colspan = get("colspan")
        elif name == "rowspan":
            rowspan = get("rowspan")
    return (_span(colspan, MAX_COLSPAN) if colspan else 1, _span(rowspan, MAX_ROWSPAN) if rowspan else 1,
            _width(style, width) if style or width else None)


_PLAIN = (1, 1, None)


def _width(given: Optional[str], width: Optional[str]) -> Optional[float]:
    """A cell's width in CSS px from width="…" or style="width:…pt|px" (Word writes both); None if unknown."""
    style = None
    if given:
        lowered = given.lower()
        at = lowered.find("dth")  # (d, t and h match themselves in either case only; lower() makes no other d, t, h)
        if at >= 0:
            # a match starts at the last ";" before its "width" (or at 0), across spaces only: so none starts before
            # the last ";" ahead of the first "dth", and the search (of Word's long styles) starts there
            # (tests/unit/readers/test_html_style_width.py)
            style = _STYLE_WIDTH.search(given, max(given.rfind(";", 0, at), 0) if len(lowered) == len(given) else 0)
    if style:
        try:
            return float(style.group(1)) * (4 / 3 if style.group(2).lower() == "pt" else 1.0)
        except ValueError:
            return None
    if width:
        if width.isdecimal():  # digits only (\d's characters, which float reads): what _WIDTH captures
            return float(width)
        if width[-1] == "%":  # (Word's "58%") _WIDTH ends in a digit, ".", "px" or a space
            return None
    m = _WIDTH.fullmatch(width or "")
    try:
        return float(m.group(1)) if m else None
    except ValueError:
        return None


def _own_rows(table) -> list:
    """The table's own <tr> rows (not those of tables nested in its cells)."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if tr.tag == "tr")
    return rows


def _row_cells(tr) -> list:
    return [c for c in tr if c.tag in ("td", "th")]


def _is_layout(texts: list[list[Cell]], nested: list) -> bool:
    """A table used for page layout: no cell holds a bare value, and some cell
    holds a nested table or a long stretch of prose. Its cells are page regions.
    ``nested``: the tables in its cells."""
    cells = [t for row in texts for t in row if t is not None]
    if any(len(t) <= 30 and parse_cell(t) is not None for t in cells):
        return False
    return bool(nested) or any(len(t) > _PROSE_CHARS for t in cells)


def _span(given: str, ceiling: int) -> int:
    """Parse rowspan/colspan leniently: garbage, zero or negative -> 1; huge -> capped at ``ceiling``."""
    if given.isdecimal():  # digits only (\d's characters): what _LEADING_INT captures
        value = int(given[:7])
    else:
        m = _LEADING_INT.match(given)
        if not m:
            return 1
        value = int(m.group(1)[:7])
    if value < 1:
        return 1
    return min(value, ceiling)


def _cell_text(cell, tables: list) -> Cell:
    """A cell's own text (nested tables excluded, and added to ``tables``); <br> and paragraphs joined."""
    n = len(cell)
    if n == 1:  # (most: a Word cell, <td><p>text</p></td> or <td><p><font>text</font></p></td>)
        body = _one_paragraph(cell)
        if body is not None:
            return _squash(body) or None
    if n:
        parts: list[str] = []
        _collect(cell, parts, tables)
        raw = "".join(parts)
    else:  # text only
        raw = cell.text or ""
    if _BR not in raw:  # one line (join_cjk_lines of one line is the line)
        return _squash(raw) or None
    # (a line of whitespace squashes to nothing: most lines between block edges)
    lines = [_squash(line) for line in raw.split(_BR) if line and not line.isspace()]
    if len(lines) == 1:  # text between block edges (a Word cell's <p>)
        return lines[0] or None
    text = join_cjk_lines([ln for ln in lines if ln])
    return text or None


def _one_paragraph(cell) -> Optional[str]:
    """The text of a cell that is one block (<p>, <div> …) of plain text and inline elements with text only
    (no <br>, no nested block or table), with only whitespace around that block; None for any other cell.
    Its _collect text is one line between two _BR (the whitespace around them is dropped as a line), so
    _cell_text's result is that line squashed (tests/unit/readers/test_html_read_once.py compares the two)."""
    block = cell[0]
    tag = block.tag
    if tag not in _BLOCK_TAGS or tag == "table":
        return None
    head, tail = cell.text, block.tail
    if (head and not head.isspace()) or (tail and not tail.isspace()):
        return None
    body = block.text or ""
    for child in block:  # (usually none or one <font>/<span>)
        tag = child.tag
        if tag in _BLOCK_TAGS or tag == "br" or not isinstance(tag, str) or len(child):
            return None
        body += (child.text or "") + (child.tail or "")
    return None if _BR in body else body


def _collect(el, parts: list[str], tables: list) -> None:
    """The text of ``el`` and its children into ``parts``: <br> and block edges as _BR, tables left out
    (and added to ``tables``: those are the tables nested in the cell, not inside a deeper table)."""
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if tag in _BLOCK_TAGS:
            if tag == "table":
                tables.append(child)
            else:
                parts.append(_BR)
                _collect(child, parts, tables)
                parts.append(_BR)
        elif tag == "br":
            parts.append(_BR)
        elif isinstance(tag, str):
            _collect(child, parts, tables)
        if child.tail:
            parts.append(child.tail)


# --- text assembly ----------------------------------------------------------------------

def _squash(text: str) -> str:
    """Collapse whitespace; a source line break between two CJK characters is no space."""
    if text.isprintable() and "  " not in text:
        # the only whitespace a printable text can hold is " " (every other character _WS takes is a separator
        # or a control/format character): no run to collapse, and no line break
        return text.strip()
    if "\n" in text or "\r" in text:
        text = _CJK_NEWLINE.sub("", text)
    return _WS.sub(" ", text).strip()


def _flush(buf: list[str], out: list[Block]) -> None:
    """Append the collected inline text to ``out`` as paragraph blocks and clear the buffer."""
    if not buf:
        return
    raw = "".join(buf)
    buf.clear()
    if _BR not in raw:  # one line (most flushes; whitespace between blocks squashes to nothing)
        text = _squash(raw) if raw and not raw.isspace() else ""
        if text:
            out.append(Block.line(text))
        return
    for para in _PARA.split(raw):
        lines = [_squash(ln) for ln in para.split(_BR) if ln and not ln.isspace()]
        text = join_cjk_lines([ln for ln in lines if ln])
        if text:
            out.append(Block.line(text))
