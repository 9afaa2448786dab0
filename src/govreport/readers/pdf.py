"""PDF with a text layer -> Document: ruled and unruled tables as position-true grids, the rest as lines.

pdfplumber (MIT, on pdfminer.six) is used because its table finder works on
the ruling lines the report templates draw, and exposes cell and word boxes.
Per page, in reading order (top to bottom): ruled tables become table blocks
whose values stand under the header column their cell box overlaps
(readers/placement.py); tables printed without lines are found by their
header words and read by word positions (readers/unruled.py); other
characters become one text block per visual line. A table continued on the
next page is joined into one block. Owner-password PDFs (which open without a
password) are read; scanned, user-password and truncated files end as a
one-line ReportError.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..document import Block, Document, ReportError
from ..normalize import join_cjk_lines, parse_cell
from ..safety import MAX_PDF_PAGES, PDF_TIME_BUDGET_S, time_limit
from . import unruled
from .pdf_fonts import repair_cid_system_info
from .placement import Span, place
from .text import is_page_mark

# pdfminer logs every odd token of a damaged file as a warning; the reader
# reports one line instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_WHITE = {(1.0, 1.0, 1.0), (1, 1, 1), (1.0,), (1,)}
# points: characters whose tops differ less sit on one line. Latin digits set in a fallback font
# (DejaVu beside Noto CJK in Chromium's PDFs) stand 3.3 pt lower than the CJK text of their line.
_LINE_TOL = 4.5
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’]")


def read_pdf(path, fast: bool = True) -> Document:
    """Read a PDF that has a text layer; see the module docstring.

    ``fast``: first try readers/pdfium.py (PDFium's characters and paths, this module's grid
    logic, the same Document), which leaves files it cannot read the same way to pdfplumber.
    """
    path = Path(path)
    if fast:
        from .pdfium import read as read_fast

        doc = read_fast(path)
        if doc is not None:
            return doc
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with time_limit(PDF_TIME_BUDGET_S, path, "reading PDF"):
            with pdfplumber.open(path) as pdf:
                n_pages = len(pdf.pages)
                if n_pages > MAX_PDF_PAGES:
                    raise ReportError(path, f"PDF has {n_pages} pages (limit {MAX_PDF_PAGES}): not an annual report")
                if pdf.doc.encryption is not None:
                    repair_cid_system_info(pdf)
                pages, carry = [], None
                for number, page in enumerate(pdf.pages, 1):
                    read, carry = _read_page(page, number, carry)
                    pages.append(read)
    except ReportError:
        raise
    except PdfminerException as exc:
        raise ReportError(path, _pdfminer_problem(exc)) from None
    except Exception as exc:  # pdfminer raises bare errors (KeyError, TypeError, RecursionError...) on damaged files
        raise ReportError(path, f"corrupt or truncated PDF ({exc.__class__.__name__}: {_one_line(exc)})") from None
    if not pages:
        raise ReportError(path, "corrupt or truncated PDF (no pages)")
    _check_end_marker(path)
    if not any(p.n_chars for p in pages):
        raise ReportError(path, "no text layer (scanned PDF?): OCR is needed before it can be parsed")
    blocks = _join_pages(pages)
    return Document(path=path, format="pdf", blocks=blocks, hard_wrapped=True)


# --------------------------------------------------------------------------
# error wording


def _check_end_marker(path: Path) -> None:
    """pdfminer repairs a cut file silently (pages, and tables, just go missing): insist on %%EOF."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise ReportError(path, "corrupt or truncated PDF (no %%EOF marker at the end: pages may be missing)")


def _pdfminer_problem(exc: Exception) -> str:
    inner = exc.args[0] if exc.args else exc
    if not isinstance(inner, BaseException):
        return f"corrupt or truncated PDF ({_one_line(inner)})"
    name = inner.__class__.__name__
    if "Password" in name or "Encrypt" in name:
        return "password-protected PDF: cannot read without the password"
    if name == "PDFSyntaxError":  # its messages already say what is wrong
        return f"corrupt or truncated PDF ({_one_line(inner)})"
    return f"corrupt or truncated PDF ({name}: {_one_line(inner)})"


def _one_line(exc) -> str:
    text = " ".join(str(exc).split())
    return text[:160] if text else "(no detail)"


# --------------------------------------------------------------------------
# one page


@dataclass
class _Grid:
    """A table on one page: expanded cell texts plus which merged region owns each position."""

    cells: list[list[Optional[str]]]
    owner: list[list[Optional[tuple[int, int]]]]
    top: float
    bbox: tuple[float, float, float, float]
    raw_lines: list[str] = field(default_factory=list)  # cell text lines as printed, for prose boxes
    x_edges: list[float] = field(default_factory=list)  # x of every column boundary (len = n_cols + 1)

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0


@dataclass
class _Page:
    number: int
    items: list = field(default_factory=list)  # (top, Block | _Grid)
    n_chars: int = 0


def _visible_ruling(obj) -> bool:
    """Keep real ruling lines; drop invisible rects (WPS draws a white box behind every prose line)."""
    if obj.get("object_type") != "rect":
        return True
    width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    if obj.get("stroke") and _colour(obj.get("stroking_color")) not in _WHITE:
        return True  # line width 0 is PDF's thinnest visible line (Chromium draws cell borders so)
    thin = min(width, height) <= 2.0
    return bool(obj.get("fill")) and thin and _colour(obj.get("non_stroking_color")) not in _WHITE


def _colour(value):
    if isinstance(value, (list, tuple)):
        return tuple(float(v) for v in value)
    return value


def _read_page(page, number: int, carry=None) -> tuple[_Page, object]:
    """One page's tables (ruled, then unruled) and text lines; returns the unruled table left open at its end."""
    out = _Page(number=number, n_chars=len(page.chars))
    if not out.n_chars:
        return out, None
    ruled = page.filter(_visible_ruling)
    settings = dict(_TABLE_SETTINGS, explicit_horizontal_lines=_closing_lines(ruled))
    grids: list[_Grid] = []
    for table in ruled.find_tables(settings):
        grid = _grid_from_table(page, table)
        if grid is None:
            continue
        if grid.n_cols < 2:
            # A box drawn around prose is not a data table: keep its lines as text.
            for line in _cell_lines(grid):
                out.items.append((grid.top, Block.line(line, page=number)))
            grids.append(grid)
            continue
        out.items.append((grid.top, grid))
        grids.append(grid)
    boxes = [g.bbox for g in grids]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    loose = page.filter(outside_tables) if boxes else page
    lines = [(top, words) for top, words in _word_lines(loose) if not is_page_mark(_line_text(words))]
    items, carry = unruled.split(lines, carry)
    for top, kind, item in items:
        if kind == "table":
            grid = item.grid()
            out.items.append((top, _Grid(cells=grid, owner=[[(i, j) for j in range(len(r))] for i, r in enumerate(grid)],
                                         top=top, bbox=(0, top, 0, top))))
        else:
            out.items.append((top, Block.line(_line_text(item), page=number)))
    out.items.sort(key=lambda item: item[0])  # stable: a boxed table's lines keep their order
    return out, carry


def _closing_lines(ruled) -> list[dict]:
    """Horizontal borders Word leaves out where a table breaks across pages.

    A table cut by a page break has no bottom line on the first page and often
    no (or a partial) top line on the next; without them its last or first row
    is lost. Where two or more vertical rules that cross a drawn horizontal rule
    end at the same height and nothing closes them, a closing line is added.
    """
    edges = ruled.edges
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    added: list[dict] = []
    for end in ("top", "bottom"):
        clusters: list[list[dict]] = []
        for edge in sorted(vertical, key=lambda e: e[end]):
            if clusters and abs(edge[end] - clusters[-1][-1][end]) <= 2.0:
                clusters[-1].append(edge)
            else:
                clusters.append([edge])
        for cluster in clusters:
            if len(cluster) < 2:
                continue
            x0, x1 = min(e["x0"] for e in cluster), max(e["x0"] for e in cluster)
            y = min(e[end] for e in cluster) if end == "top" else max(e[end] for e in cluster)
            closed = any(abs(h["top"] - y) <= 3 and h["x0"] <= x0 + 3 and h["x1"] >= x1 - 3 for h in horizontal)
            crossed = any(
                h["x0"] <= x0 + 3 and h["x1"] >= x1 - 3 and min(e["top"] for e in cluster) < h["top"] < max(e["bottom"] for e in cluster)
                for h in horizontal
            )
            if not closed and crossed:
                added.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    return added


def _cell_lines(grid: _Grid) -> list[str]:
    return [ln for ln in grid.raw_lines if ln.strip()]


def _word_lines(page) -> list[tuple[float, list[dict]]]:
    """Group words (with their boxes and characters) into visual lines by their top, left to right."""
    words = page.extract_words(x_tolerance=3, y_tolerance=_LINE_TOL, keep_blank_chars=False, use_text_flow=False,
                               return_chars=True)
    words.sort(key=lambda w: (round(w["top"], 1), w["x0"]))
    lines: list[list[dict]] = []
    for word in words:
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= _LINE_TOL:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        if _line_text(line):
            out.append((line[0]["top"], line))
    return out


def _line_text(words: list[dict]) -> str:
    """A visual line as text: words left to right, one space between them."""
    return " ".join(w["text"] for w in words).strip()


def _clean_cell(text: Optional[str]) -> Optional[str]:
    """Join a cell's wrapped lines: no space between CJK characters, one otherwise."""
    if text is None:
        return None
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return None
    joined = lines[0]
    for ln in lines[1:]:
        if _CJK.match(joined[-1]) or _CJK.match(ln[0]):
            joined += ln
        else:
            joined += " " + ln
    return joined


def _grid_from_table(page, table) -> Optional[_Grid]:
    """Expand a pdfplumber table into a rectangular grid.

    pdfplumber returns None for grid positions covered by a merged cell; the
    merged cell's box tells which positions it covers, so its text is repeated
    there (the Document contract) -- unless it is a number, which stays in its
    first position only, so a merged value is never read twice. A position no cell box covers (a border the
    PDF did not draw, typically at a page top) is read from its own rectangle.
    """
    rows = table.rows
    if not rows:
        return None
    texts = table.extract(y_tolerance=_LINE_TOL)
    xs = sorted({c[0] for c in table.cells})
    ys = sorted({c[1] for c in table.cells})
    x_edges = xs + [table.bbox[2]]
    y_edges = ys + [table.bbox[3]]
    n_rows, n_cols = len(rows), len(xs)
    anchors: dict[tuple, tuple[int, int]] = {}
    for i, row in enumerate(rows):
        for j, box in enumerate(row.cells):
            if box is not None:
                anchors[box] = (i, j)
    owner: list[list[Optional[tuple[int, int]]]] = [[None] * n_cols for _ in range(n_rows)]
    cells: list[list[Optional[str]]] = [[None] * n_cols for _ in range(n_rows)]
    for i in range(n_rows):
        for j in range(n_cols):
            box = rows[i].cells[j]
            if box is not None:
                owner[i][j] = (i, j)
                cells[i][j] = _clean_cell(texts[i][j])
                continue
            cx, cy = (x_edges[j] + x_edges[j + 1]) / 2, (y_edges[i] + y_edges[i + 1]) / 2
            for b, (ai, aj) in anchors.items():
                if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                    owner[i][j] = (ai, aj)
                    break
    for i in range(n_rows):
        for j in range(n_cols):
            if owner[i][j] is None:
                rect = (x_edges[j], y_edges[i], x_edges[j + 1], y_edges[i + 1])
                try:
                    cells[i][j] = _clean_cell(page.crop(rect, strict=False).extract_text())
                except ValueError:
                    cells[i][j] = None
                owner[i][j] = (i, j)
            elif owner[i][j] != (i, j):
                ai, aj = owner[i][j]
                if not _is_number(cells[ai][aj]):
                    cells[i][j] = cells[ai][aj]  # label text repeats; a number is never counted twice
    raw_lines = [ln.strip() for row in texts for t in row if t for ln in t.split("\n")]
    return _Grid(cells=cells, owner=owner, top=table.bbox[1], bbox=tuple(table.bbox), raw_lines=raw_lines,
                 x_edges=x_edges)


# --------------------------------------------------------------------------
# pages -> blocks, joining tables that run over a page break


def _join_pages(pages: list[_Page]) -> list[Block]:
    items: list = []  # Block | (_Grid, page number)
    for page in pages:
        for index, (_top, item) in enumerate(page.items):
            if isinstance(item, _Grid):
                prev = items[-1] if items else None
                if index == 0 and isinstance(prev, tuple) and prev[1] < page.number:
                    same = item if prev[0].n_cols == item.n_cols else _on_columns_of(prev[0], item)
                    if same is not None:
                        items[-1] = (_continue_grid(prev[0], same), prev[1])
                        continue
                items.append((item, page.number))
            else:
                items.append(item)
    blocks = []
    for item in items:
        if isinstance(item, tuple):
            rows = [tuple(r) for r in _placed(item[0]) if any(c is not None for c in r)]
            if rows:
                blocks.append(Block.table(rows, page=item[1]))
        else:
            blocks.append(item)
    return blocks


def _row_broken(last: list, add_cells: list, add_owner: list) -> bool:
    """Does the continuation start with the rest of the previous page's last row (its label only)?

    Word lets a row break across pages: the numbers stay above, the end of the label
    goes over. The first row below then has text but no number, its cells are not
    merged with the row after, and its label does not start a new one (（六）…, 3.…).
    """
    first = add_cells[0]
    texts = [c for c in first if c]
    if not texts or any(_is_number(c) for c in first) or not any(_is_number(c) for c in last):
        return False
    if len(add_owner) > 1 and any(a == b and a is not None for a, b in zip(add_owner[0], add_owner[1])):
        return False  # a merged cell running on: handled as a cut merged label below
    return not unruled.starts_new_label(texts[0])


def _on_columns_of(first: _Grid, nxt: _Grid, tol: float = 2.0) -> Optional[_Grid]:
    """The continuation ``nxt`` re-gridded on ``first``'s columns, when its column edges are among them.

    A Word table whose header row splits columns its data rows do not (slivers) has fewer
    grid columns on a page without the header; by position, each of its cells covers the
    same columns of the table it continues. None when the edges do not line up.
    """
    if len(nxt.x_edges) != nxt.n_cols + 1 or len(first.x_edges) != first.n_cols + 1:
        return None
    index = []
    for x in nxt.x_edges:
        k = min(range(len(first.x_edges)), key=lambda n: abs(first.x_edges[n] - x))
        if abs(first.x_edges[k] - x) > tol or (index and k <= index[-1]):
            return None
        index.append(k)
    cells, owner = [], []
    for i, row in enumerate(nxt.cells):
        new_cells: list[Optional[str]] = [None] * first.n_cols
        new_owner: list = [None] * first.n_cols
        for j, text in enumerate(row):
            o = nxt.owner[i][j]
            for c in range(index[j], index[j + 1]):
                new_owner[c] = (o[0], index[o[1]]) if o else (i, index[j])
                if c == index[j] or not _is_number(text):
                    new_cells[c] = text  # a value once, in the first column its cell covers
        for c in range(first.n_cols):  # columns left of the first edge or right of the last: empty
            if new_owner[c] is None:
                new_owner[c] = (i, c)
        cells.append(new_cells)
        owner.append(new_owner)
    return _Grid(cells=cells, owner=owner, top=nxt.top, bbox=nxt.bbox, x_edges=list(first.x_edges))


def _placed(grid: _Grid) -> list[list[Optional[str]]]:
    """The grid with every value under the header column its cell box overlaps (readers/placement.py)."""
    if len(grid.x_edges) != grid.n_cols + 1:
        return grid.cells
    rows = []
    for i, row in enumerate(grid.cells):
        spans, j = [], 0
        while j < len(row):
            k = j + 1
            while k < len(row) and grid.owner[i][k] is not None and grid.owner[i][k] == grid.owner[i][j]:
                k += 1
            text = next((c for c in row[j:k] if c is not None), None)
            spans.append(Span(j, k, text))
            j = k
        rows.append(spans)
    return place(rows, grid.x_edges).rows


def _is_number(text: Optional[str]) -> bool:
    cell = parse_cell(text)
    return cell is not None and cell.value is not None


def _continue_grid(first: _Grid, nxt: _Grid) -> _Grid:
    """Append ``nxt`` (the same table on the next page) to ``first``.

    Repeated header rows are dropped. A merged label cell cut by the page break
    (one part on each page, at least one part spanning several rows) is one
    cell: its two texts are joined and written over both parts, so
    '（四）无' + '法提供' reads '（四）无法提供' in every row it covers.
    """
    cells = [list(r) for r in first.cells]
    owner = [list(r) for r in first.owner]
    add_cells = [list(r) for r in nxt.cells]
    add_owner = [list(r) for r in nxt.owner]
    # Drop header rows the PDF repeats at the top of the continuation.
    k = 0
    while k < len(add_cells) and k < len(cells) and add_cells[k] == cells[k] and not any(_is_number(c) for c in add_cells[k]):
        k += 1
    add_cells, add_owner = add_cells[k:], add_owner[k:]
    shift = len(cells) - k  # owner coordinates of the continuation, in the joined grid
    add_owner = [[(o[0] + shift, o[1]) if o else None for o in row] for row in add_owner]
    rectangular = all(len(r) == len(cells[0]) for r in owner + add_owner)  # unruled label-only rows are shorter
    if cells and add_cells and rectangular and _row_broken(cells[-1], add_cells, add_owner):
        # one row broken over the page: 2.申请人逾期未按收费 | 221 … / 通知要求缴纳费用、行政机关不再处理…
        cells[-1] = [join_cjk_lines([a, b]) if a and b and not _is_number(a) else a for a, b in zip(cells[-1], add_cells[0])]
        add_cells, add_owner = add_cells[1:], add_owner[1:]
    if cells and add_cells and rectangular:
        last, head = len(cells) - 1, 0
        for j in range(len(cells[last])):
            top_owner, bottom_owner = owner[last][j], add_owner[head][j]
            upper_text, lower_text = cells[last][j], add_cells[head][j]
            if _is_number(upper_text) or _is_number(lower_text):
                continue
            upper_rows = sum(1 for row in owner if row[j] == top_owner)
            lower_rows = sum(1 for row in add_owner if row[j] == bottom_owner)
            if upper_rows < 2 and lower_rows < 2:
                continue  # two ordinary rows meeting at the break
            if upper_text is None and lower_text is None:
                continue
            merged = (upper_text or "") + (lower_text or "")
            for grid_cells, grid_owner, target in ((cells, owner, top_owner), (add_cells, add_owner, bottom_owner)):
                for r in range(len(grid_cells)):
                    for c in range(len(grid_cells[r])):
                        if grid_owner[r][c] == target:
                            grid_cells[r][c] = merged
            for r in range(len(add_owner)):
                for c in range(len(add_owner[r])):
                    if add_owner[r][c] == bottom_owner:
                        add_owner[r][c] = top_owner
    return _Grid(cells=cells + add_cells, owner=owner + add_owner, top=first.top, bbox=first.bbox,
                 x_edges=first.x_edges)
