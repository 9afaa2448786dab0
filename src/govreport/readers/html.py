"""HTML report pages (as saved from government websites) -> Document.

Pages come in UTF-8 or GBK, wrap the report in site navigation and often in
layout tables, and print the statistics as tables with rowspan/colspan. This
reader keeps paragraphs and headings as text blocks and turns every data
table into a rectangular grid (spans expanded, blanks as None), in document
order. The parser never touches the network and never expands entities.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Optional

from lxml import etree

from govreport.errors import ReportError
from govreport.model import Block, Cell, Document
from govreport.text.normalize import join_cjk_lines, parse_cell
from govreport.readers.limits import LIMITS, checkpoint
from govreport.readers.encoding import decode_bytes
from govreport.readers.placement import Span, column_widths, edges_from_widths, is_value, place

MAX_TABLE_CELLS = 200_000   # a grid larger than this is refused (hostile or broken page)
MAX_TABLE_NESTING = 50      # tables inside tables deeper than this are refused
MAX_COLSPAN = 1_000         # the HTML standard's own ceiling
MAX_ROWSPAN = 65_534        # likewise; further clamped to the rows that exist
_PROSE_CHARS = 300          # a cell this long is a page region, not a table cell

# Elements whose content is never report text.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "applet",
              "svg", "math", "canvas", "button", "select", "input", "textarea", "form")
# Site furniture: dropped unless inside the article itself, and never when it
# holds a table with numbers.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_FURNITURE_TOKENS = frozenset({"nav", "navbar", "menu", "header", "footer", "breadcrumb", "crumb",
                               "crumbs", "sidebar", "topbar", "banner", "copyright"})
_CONTENT_TAGS = frozenset({"article", "main"})
_TABLE_PARTS = frozenset({"html", "body", "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup", "col"})
# Elements that end a paragraph (everything else is inline).
_BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "aside", "header", "footer", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre",
    "address", "center", "figure", "figcaption", "hr", "caption", "fieldset", "details", "summary",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th",
})

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_XML_DECL = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?", re.IGNORECASE)
_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_DIGIT = re.compile(r"[0-9０-９]")
_CJK_NEWLINE = re.compile(r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])[ \t\u3000]*[\r\n]\s*(?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])")
_NAME_SEP = re.compile(r"[\s_\-]+")  # splits class and id values into tokens
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)\s*(pt|px)", re.IGNORECASE)
_WIDTH = re.compile(r"\s*([\d.]+)\s*(?:px)?\s*")
_LEADING_INT = re.compile(r"\s*(\d+)")
_text_content = etree.XPath("string()", smart_strings=False)  # lxml.html's text_content()
_BR = "\ue000"      # <br> marker in collected text (source newlines are just spaces)
_PARA = re.compile("\ue000[\\s\u3000\xa0]*\ue000")  # two <br> in a row: a paragraph break


def read_html(path: Path) -> Document:
    """Read an HTML report page into text and table blocks."""
    path = Path(path)
    text = _decode(path.read_bytes(), path)
    root = _parse(text, path)
    meta = _head_meta(root)
    saved = _SAVED_FROM.search(text[:4096])  # a browser's <!-- saved from url=(0071)https://… -->
    if saved:
        meta.setdefault("saved_from", saved.group(1))
    _strip_furniture(root)
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
    for el in root.iter("meta"):
        name, content = el.get("name") or el.get("property"), el.get("content")
        if name and content and content.strip() and len(content) < 500:
            meta.setdefault(name.strip(), " ".join(content.split()))
    for el in root.iter("link"):  # the page's own address: <link rel="canonical" href=…>
        if (el.get("rel") or "").strip().lower() == "canonical" and (el.get("href") or "").strip():
            meta.setdefault("canonical", el.get("href").strip())
    return meta


# --- decoding and parsing -------------------------------------------------------------

def _decode(data: bytes, path: Path) -> str:
    """UTF-8/BOM first; bytes that are not UTF-8 follow the page's own <meta charset>."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_codec(data[:4096])
    if declared is not None:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None  # the declaration lies; fall back to detection
        # A Western code page (a server default) read over Chinese bytes yields no
        # CJK at all; these reports are Chinese, so then detection decides.
        if text is not None and _cjk_share(text) > 0.01:
            return text
    return decode_bytes(data, path)


def _cjk_share(text: str) -> float:
    sample = text[:50_000]
    return sum("\u4e00" <= ch <= "\u9fff" for ch in sample) / max(len(sample), 1)


def _declared_codec(head: bytes) -> Optional[str]:
    m = _META_CHARSET.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii", "replace")).name
    except LookupError:
        return None
    # GB2312 and GBK pages routinely contain characters only GB18030 defines.
    return "gb18030" if name in {"gbk", "gb2312", "gb18030", "hz"} else name


def _parse(text: str, path: Path):
    # The prolog goes before parsing: lxml refuses str input with an encoding
    # declaration, and a DOCTYPE internal subset would otherwise leak as text.
    text = _strip_prolog(text)
    # huge_tree: without it libxml2 stops at 256 nested elements and returns what it
    # has so far, silently dropping the rest of the page; _check_depth refuses instead.
    # lxml's own HTML parser (the one lxml.html.HTMLParser configures) with plain elements: lxml.html's
    # element classes are chosen by a Python callback for every element touched (~7 % of a read), and this
    # reader uses none of their methods (text_content and drop_tree are _text_content and _drop here).
    parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(text, parser)  # what lxml.html.document_fromstring does, with this parser
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReportError(path, f"cannot parse HTML: {exc}") from exc
    if root is None:  # lxml.html raised ParserError("Document is empty") here
        raise ReportError(path, "cannot parse HTML: Document is empty")
    stopped = any(e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message for e in parser.error_log)
    _check_depth(root, path, stopped)
    return root


def _strip_prolog(text: str) -> str:
    """Drop a leading XML declaration and DOCTYPE (with its [...] internal subset), by a
    scan: the regex this replaces backtracked exponentially over unclosed brackets
    ("<!DOCTYPE " + "[]]" * 18 took 21 s, beyond SIGALRM's reach)."""
    start = _XML_DECL.match(text).end()
    if text[start:start + 9].upper() != "<!DOCTYPE":
        return text[start:]
    i = start + 9
    while i < len(text):
        ch = text[i]
        if ch == ">":
            return text[i + 1:]
        if ch == "[":
            close = text.find("]", i + 1)
            if close < 0:
                break
            i = close
        i += 1
    return text[start:]  # no end to the DOCTYPE: leave it to the parser


def _check_depth(root, path: Path, stopped: bool) -> None:
    """Refuse a page nested deeper than the limits (and one the parser gave up on) with one
    line, instead of returning it truncated. Measured without recursion (the tree can be
    thousands deep); tables nested too deep get their own, more telling, reason."""
    depth = tables = max_depth = max_tables = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):  # (no max() per event: it was 1/10 of a read)
        if event == "start":
            depth += 1
            if depth > max_depth:
                max_depth = depth
            if el.tag == "table":
                tables += 1
                if tables > max_tables:
                    max_tables = tables
        else:
            depth -= 1
            if el.tag == "table":
                tables -= 1
    if max_tables > MAX_TABLE_NESTING:
        raise ReportError(path, f"tables nested more than {MAX_TABLE_NESTING} deep")
    if stopped or max_depth > LIMITS.max_html_depth:
        raise ReportError(path, f"HTML elements nested more than {LIMITS.max_html_depth} deep: refused "
                                "(reading it would lose the rest of the page)")


def _strip_furniture(root) -> None:
    for el in list(root.iter(*_DROP_TAGS)):
        _drop(el)
    elements = list(root.iter(etree.Element))
    # inside <article>/<main>: found once for the tree, not by walking up from every element
    in_content = {d for c in root.iter(*_CONTENT_TAGS) for d in c.iterdescendants()}
    for el in elements:
        if el.getparent() is None or not _is_furniture(el, el in in_content):
            continue
        if any(_has_number(t) for t in el.iter("table")):
            continue
        _drop(el)


def _is_furniture(el, in_content: bool) -> bool:
    if in_content:  # an <article> or <main> holds it
        return el.tag == "nav"
    if el.tag in _FURNITURE_TAGS:
        return True
    if el.tag in _TABLE_PARTS:
        return False  # <td class="header"> is a table's header cell, not site furniture
    names = f"{el.get('class', '')} {el.get('id', '')}"
    if names == " ":  # no class, no id: no token (most elements)
        return False
    return not _FURNITURE_TOKENS.isdisjoint(_NAME_SEP.split(names.lower()))


def _drop(el) -> None:
    """Remove an element and its content, keeping the text that follows it (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _has_number(table) -> bool:
    return any(_DIGIT.search(t) for t in table.itertext())


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
        tag = el.tag if isinstance(el.tag, str) else ""
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
        if el.text:
            buf.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self._walk(child, buf, table_depth, out)
            if child.tail:
                buf.append(child.tail)
        if block:
            _flush(buf, out)

    def _table(self, table, depth: int, out: list[Block]) -> None:
        if depth > MAX_TABLE_NESTING:
            raise ReportError(self.path, f"tables nested more than {MAX_TABLE_NESTING} deep")
        rows = _own_rows(table)
        caption = table.find("caption")
        if caption is not None:
            self._walk(caption, [], depth, out)
        texts = {}  # each cell's text, read once for the layout test and the grid
        if _is_layout(rows, texts):
            # A layout table: its cells are page regions, read as ordinary content.
            for row in rows:
                for cell in _row_cells(row):
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
        for row in rows:
            for cell in _row_cells(row):
                for inner in _nested_tables(cell):
                    self._table(inner, depth + 1, out)

    def _grid(self, rows, texts: Optional[dict] = None) -> list[list[Cell]]:
        """rowspan/colspan -> Spans on the table's column grid, then a position-true grid.

        Columns are located by colspan offsets, sized by the cells' width attributes
        (Word-exported pages), so a value spanning two header columns goes to the one
        it covers (readers/placement.py). A value spanning rows is written once.
        """
        texts = {} if texts is None else texts
        specs = [[(_text_of(c, texts), _span(c, "colspan"), _span(c, "rowspan"), _width(c)) for c in _row_cells(r)]
                 for r in rows]
        # A colspan wider than the table is garbage: cap it at the widest row
        # counted without such spans (a full-width title row still spans all).
        sane = max((sum(cs if cs <= 100 else 1 for _, cs, _, _ in row) for row in specs), default=1)
        n_rows = len(specs)
        occupied: list[set[int]] = [set() for _ in range(n_rows)]
        spans: list[list[Span]] = [[] for _ in range(n_rows)]
        measured: list[tuple[int, int, Optional[float]]] = []
        width = 0
        for r, row in enumerate(specs):
            col = 0
            widths = [cs if cs <= 100 else 1 for _, cs, _, _ in row]
            for i, (text, colspan, rowspan, px) in enumerate(row):
                if colspan > sane:
                    # fill the row up to the table's width, leaving room for the cells after it
                    colspan = max(1, sane - col - sum(widths[i + 1:]))
                rowspan = min(rowspan, n_rows - r)
                while col in occupied[r]:
                    col += 1
                self.cells += colspan * rowspan
                if self.cells > MAX_TABLE_CELLS:
                    raise ReportError(self.path, f"tables have more than {MAX_TABLE_CELLS} cells after span expansion")
                measured.append((col, col + colspan, px))
                for dr in range(rowspan):
                    occupied[r + dr].update(range(col, col + colspan))
                    # label text repeats down a rowspan; a value is read in its first row only
                    spans[r + dr].append(Span(col, col + colspan, text if dr == 0 or not is_value(text) else None))
                col += colspan
                width = max(width, col)
        self.cells += n_rows * width
        if self.cells > MAX_TABLE_CELLS:
            raise ReportError(self.path, f"tables have more than {MAX_TABLE_CELLS} cells after span expansion")
        if not width:
            return [[] for _ in range(n_rows)]
        return place(spans, edges_from_widths(column_widths(measured, width))).rows


def _width(cell) -> Optional[float]:
    """A cell's width in CSS px from width="…" or style="width:…pt|px" (Word writes both); None if unknown."""
    given, width = cell.get("style"), cell.get("width")
    if not given and not width:
        return None
    style = _STYLE_WIDTH.search(given or "")
    if style:
        try:
            return float(style.group(1)) * (4 / 3 if style.group(2).lower() == "pt" else 1.0)
        except ValueError:
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


def _nested_tables(cell) -> list:
    """Tables inside a cell that are not themselves inside a deeper table."""
    found = []
    for t in cell.iter("table"):
        a = t.getparent()
        while a is not None and a is not cell and a.tag != "table":
            a = a.getparent()
        if a is cell:
            found.append(t)
    return found


def _is_layout(rows, known: Optional[dict] = None) -> bool:
    """A table used for page layout: no cell holds a bare value, and some cell
    holds a nested table or a long stretch of prose. Its cells are page regions.
    ``known``: cell -> text, filled here for the grid to reuse."""
    cells = [c for r in rows for c in _row_cells(r)]
    known = {} if known is None else known
    texts = [_text_of(c, known) for c in cells]
    if any(t is not None and len(t) <= 30 and parse_cell(t) is not None for t in texts):
        return False
    return any(_nested_tables(c) for c in cells) or any(t is not None and len(t) > _PROSE_CHARS for t in texts)


def _span(cell, attr: str) -> int:
    """Parse rowspan/colspan leniently: garbage, zero or negative -> 1; huge -> capped."""
    given = cell.get(attr)
    m = _LEADING_INT.match(given) if given else None
    if not m:
        return 1
    value = int(m.group(1)[:7])
    if value < 1:
        return 1
    return min(value, MAX_COLSPAN if attr == "colspan" else MAX_ROWSPAN)


def _text_of(cell, known: dict) -> Cell:
    """_cell_text(cell), read once per table (``known`` keeps the element alive, so its key stays its own)."""
    if cell not in known:
        known[cell] = _cell_text(cell)
    return known[cell]


def _cell_text(cell) -> Cell:
    """A cell's own text (nested tables excluded); <br> and paragraphs joined."""
    if len(cell):
        parts: list[str] = []
        _collect(cell, parts)
        raw = "".join(parts)
    else:  # text only (most cells)
        raw = cell.text or ""
    if _BR not in raw:  # one line (join_cjk_lines of one line is the line)
        return _squash(raw) or None
    lines = [_squash(line) for line in raw.split(_BR)]
    text = join_cjk_lines([ln for ln in lines if ln])
    return text or None


def _collect(el, parts: list[str]) -> None:
    """The text of ``el`` and its children into ``parts``: <br> and block edges as _BR, tables left out."""
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag == "table":
            pass
        elif tag == "br":
            parts.append(_BR)
        elif tag in _BLOCK_TAGS:
            parts.append(_BR)
            _collect(child, parts)
            parts.append(_BR)
        else:
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


# --- text assembly ----------------------------------------------------------------------

def _squash(text: str) -> str:
    """Collapse whitespace; a source line break between two CJK characters is no space."""
    if "\n" in text or "\r" in text:
        text = _CJK_NEWLINE.sub("", text)
    return _WS.sub(" ", text).strip()


def _flush(buf: list[str], out: list[Block]) -> None:
    """Append the collected inline text to ``out`` as paragraph blocks and clear the buffer."""
    if not buf:
        return
    raw = "".join(buf)
    buf.clear()
    for para in _PARA.split(raw):
        lines = [_squash(ln) for ln in para.split(_BR)]
        text = join_cjk_lines([ln for ln in lines if ln])
        if text:
            out.append(Block.line(text))
