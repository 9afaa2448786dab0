"""One PDF page as pdfplumber shows it -> its items in reading order: ruled tables as grids, unruled tables, lines.

Shared by both PDF paths: readers/pdf.py hands it pdfplumber's pages, readers/pdfium.py pages whose characters
and paths come from PDFium. Ruled tables are found on the ruling lines the templates draw (pdfplumber's table
finder); tables printed without lines by their header words (readers/unruled.py); every other character
becomes one text line per visual line.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Optional

from govreport.model import Block
from govreport.readers import pdf_words, unruled
from govreport.readers.pdf_cells import find_tables
from govreport.readers.pdfium_compiled import helpers
from govreport.readers.text import is_page_mark
from govreport.text.normalize import join_cjk_lines, parse_cell

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
_GLUE_GAP = 1.0  # points between a label's last character and a number: more is another cell's text


@dataclass
class Grid:
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
class PageItems:
    """What one page holds, by its top: text lines (Block) and tables (Grid), and how many characters it has."""

    number: int
    items: list = field(default_factory=list)  # (top, Block | Grid)
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


def read_page(page, number: int, carry=None) -> tuple[PageItems, object]:
    """One page's tables (ruled, then unruled) and text lines; returns the unruled table left open at its end."""
    out = PageItems(number=number, n_chars=len(page.chars))
    if not out.n_chars:
        return out, None
    ruled = _filtered(page, _visible_ruling, "rect")
    settings = dict(_TABLE_SETTINGS, explicit_horizontal_lines=_closing_lines(ruled))
    grids: list[Grid] = []
    tables = find_tables(ruled, settings)
    middles = _middles(ruled.chars) if tables and helpers() is None else None  # else compiled: table_chars, outside
    for table in tables:
        grid = _grid_from_table(page, table, middles)
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
    loose = _outside(ruled.chars, [g.bbox for g in grids], middles) if grids else page.chars
    texts = {}  # id of a line's word list -> its text, made once (the lists live as long as ``lines``)
    lines = []
    for top, words, text in _word_lines(loose):
        if not is_page_mark(text):
            lines.append((top, words))
            texts[id(words)] = text
    items, carry = unruled.split(lines, carry)
    for top, kind, item in items:
        if kind == "table":
            grid = item.grid()
            out.items.append((top, Grid(cells=grid, owner=[[(i, j) for j in range(len(r))] for i, r in enumerate(grid)],
                                         top=top, bbox=(0, top, 0, top))))
        else:
            text = texts.get(id(item))
            out.items.append((top, Block.line(_line_text(item) if text is None else text, page=number)))
    out.items.sort(key=lambda item: item[0])  # stable: a boxed table's lines keep their order
    return out, carry


def _filtered(page, test, kind: str):
    """``page.filter(test)`` for a test that keeps every object not of ``kind``: the same FilteredPage, whose
    other lists are copied instead of passing each object (every character, for the ruling test) through it."""
    derived = page.filter(test)
    derived._objects = {k: list(filter(test, v)) if k == kind else list(v) for k, v in page.objects.items()}
    return derived


def _middles(chars: list[dict]) -> tuple[list, list, list, list]:
    """Every character's middle as pdfplumber's table tests take it (x, y), and the characters' numbers ordered by
    y with those y: a row's or a box's characters are then found by bisection instead of testing the page's
    every character (issue 16)."""
    h = [(c["x0"] + c["x1"]) / 2 for c in chars]
    v = [(c["top"] + c["bottom"]) / 2 for c in chars]
    order = sorted(range(len(v)), key=v.__getitem__)
    return h, v, order, [v[k] for k in order]


def _outside(chars: list[dict], boxes: list, middles=None) -> list[dict]:
    """The characters whose middle lies in none of the boxes (edges included), in page order (compiled where
    readers/_pdfium_loops.c is built). ``middles``: _middles(chars), when the caller has them."""
    compiled = helpers()
    found = compiled.outside(chars, boxes) if compiled is not None else None
    if found is not None:
        return found
    h, v, order, v_sorted = middles or _middles(chars)
    inside = set()
    for x0, top, x1, bottom in boxes:
        inside.update(k for k in order[bisect_left(v_sorted, top):bisect_right(v_sorted, bottom)]
                      if x0 <= h[k] <= x1 and top <= v[k] <= bottom)
    return [c for k, c in enumerate(chars) if k not in inside] if inside else list(chars)


def _closing_lines(ruled) -> list[dict]:
    """Horizontal borders Word leaves out where a table breaks across pages.

    A table cut by a page break has no bottom line on the first page and often
    no (or a partial) top line on the next; without them its last or first row
    is lost. Where two or more vertical rules that cross a drawn horizontal rule (or hang from one: the
    cut row's top border, see _hangs) end at the same height and nothing closes them, a closing line is added.
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
            ) or _hangs(cluster, horizontal, x0, x1, "top" if end == "bottom" else "bottom")
            if not closed and crossed:
                added.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    return added


def _hangs(cluster: list[dict], horizontal: list[dict], x0: float, x1: float, side: str) -> bool:
    """The vertical rules all start (side "top") or end ("bottom") on one drawn rule across most of them.

    That rule is a table row's top (bottom) border, and rules hanging from it that nothing closes at their
    other end are the row a page break cut: Chromium draws a row split over two pages without its bottom
    border on the first page and without its top border on the next.
    """
    ends = [e[side] for e in cluster]
    if max(ends) - min(ends) > 3:
        return False
    y = min(ends) if side == "top" else max(ends)
    pieces = sorted((h["x0"], h["x1"]) for h in horizontal if abs(h["top"] - y) <= 3 and h["x1"] - h["x0"] > 3)
    covered, reach = 0.0, x0
    for a, b in pieces:
        a, b = max(a, reach), min(b, x1)
        if b > a:
            covered, reach = covered + b - a, b
    return covered >= 0.5 * (x1 - x0)  # a rowspan cell on the left has no border there


def _cell_lines(grid: Grid) -> list[str]:
    return [ln for ln in grid.raw_lines if ln.strip()]


def _word_lines(chars: list[dict]) -> list[tuple[float, list[dict], str]]:
    """Group words (with their boxes and characters) into visual lines by their top, left to right, each with its
    text (_line_text) when it has one. The words are
    ``page.extract_words(x_tolerance=3, y_tolerance=_LINE_TOL, return_chars=True)`` of a page with these
    characters, as pdf_words reads them."""
    words = pdf_words.words(chars, 3, _LINE_TOL)
    words = [piece for word in words for piece in _unglue(word)]
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
        text = _line_text(line)
        if text:
            out.append((line[0]["top"], line, text))
    return out


def _line_text(words: list[dict]) -> str:
    """A visual line as text: words left to right, one space between them (none before a piece _unglue cut)."""
    return "".join((w["text"] if w.get("glued") or i == 0 else " " + w["text"]) for i, w in enumerate(words)).strip()


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _unglue(word: dict) -> list[dict]:
    """A number printed right after a label's last character, set apart, is its own word.

    A table printed without cell padding puts a value column's number 2-3 pt after a long label
    (``3.危及“三安全一稳定”`` then ``0``): under pdfplumber's 3-pt tolerance they are one word, the number
    is read into the label and its cell stays blank. A run of digits ending the word, after a CJK or
    full-width character or a typographic quote and more than _GLUE_GAP away from it, is cut off
    (typeset text, digits included, sits flush; an office's ideograph-numeric autospace gap in prose
    changes nothing: _line_text joins the pieces without a space)."""
    chars = word.get("chars") or []
    if len(chars) != len(word["text"]) or len(chars) < 2 or not _is_digit(chars[-1]["text"]):
        return [word]
    i = len(chars) - 1
    while i > 0 and _is_digit(chars[i - 1]["text"]):
        i -= 1
    if i == 0 or ord(chars[i - 1]["text"]) < 0x2000 or chars[i]["x0"] - chars[i - 1]["x1"] <= _GLUE_GAP:
        return [word]
    head, tail = chars[:i], chars[i:]
    return [dict(word, text=word["text"][:i], x1=head[-1]["x1"], chars=head),
            dict(word, text=word["text"][i:], x0=tail[0]["x0"], chars=tail, glued=True)]


def _clean_cell(text: Optional[str]) -> Optional[str]:
    """Join a cell's wrapped lines: no space between CJK characters, one otherwise."""
    if text is not None and "\n" not in text:  # one line (most cells): join_cjk_lines of one is that line
        return text.strip() or None
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()] if text is not None else []
    return join_cjk_lines(lines) if lines else None


def _grid_from_table(page, table, middles=None) -> Optional[Grid]:
    """Expand a pdfplumber table into a rectangular grid.

    pdfplumber returns None for grid positions covered by a merged cell; the
    merged cell's box tells which positions it covers, so its text is repeated
    there (the Document contract) -- unless it is a number, which stays in its
    first position only, so a merged value is never read twice. A position no cell box covers (a border the
    PDF did not draw, typically at a page top) is read from its own rectangle. ``middles``: _middles of the
    table page's characters, when the caller has them.
    """
    rows = table.rows
    if not rows:
        return None
    texts = _extract(table, rows, middles)
    bbox = table.bbox
    xs = sorted({c[0] for c in table.cells})
    ys = sorted({c[1] for c in table.cells})
    x_edges = xs + [bbox[2]]
    y_edges = ys + [bbox[3]]
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
                if not is_number(cells[ai][aj]):
                    cells[i][j] = cells[ai][aj]  # label text repeats; a number is never counted twice
    raw_lines = [ln.strip() for row in texts for t in row if t for ln in t.split("\n")]
    return Grid(cells=cells, owner=owner, top=bbox[1], bbox=tuple(bbox), raw_lines=raw_lines,
                 x_edges=x_edges)


def _extract(table, rows, middles=None) -> list[list[Optional[str]]]:
    """pdfplumber's ``table.extract(y_tolerance=_LINE_TOL)``, the same texts from the same characters in the same
    order, without testing every character of the page against every row and cell: each cell's characters come
    from the compiled table_chars where readers/_pdfium_loops.c is built, else from table_chars here (rows found
    by bisection on the characters' middles, cells by bisection on their starts) (issue 16: the page-wide test
    was a seventh of a PDF's reading time). A one-character cell (most value
    cells: 0) skips the word and line grouping, whose result for one character is the character (a ligature
    expanded, a space nothing); longer cells are read by pdf_words.text (pdfplumber's extract_text)."""
    from pdfplumber.utils.text import LIGATURES

    page_chars = table.page.chars
    compiled = helpers()
    found = compiled.table_chars(page_chars, [(row.bbox, row.cells) for row in rows]) if compiled is not None else None
    if found is None:
        found = table_chars(page_chars, rows, middles)
    out = []
    for row_found in found:
        arr: list[Optional[str]] = []
        for chars in row_found:
            if chars is None:
                arr.append(None)
                continue
            if len(chars) == 1:
                text = chars[0]["text"]
                arr.append("" if text.isspace() else LIGATURES.get(text, text or ""))
            else:
                arr.append(pdf_words.text(chars, _LINE_TOL))
        out.append(arr)
    return out


def table_chars(page_chars: list[dict], rows, middles=None) -> list[list[Optional[list[dict]]]]:
    """For each row, each cell's characters (None for a cell that is None): what the compiled table_chars gives.
    A row's characters are found by bisection on the middles (``middles``: _middles(page_chars), when the caller
    has them), in page order, as pdfplumber."""
    h, v, order, v_sorted = middles or _middles(page_chars)
    out = []
    for row in rows:
        rx0, rtop, rx1, rbottom = row.bbox
        band = order[bisect_left(v_sorted, rtop):bisect_left(v_sorted, rbottom)]  # rtop <= v_mid < rbottom
        row_chars = [(h[k], v[k], page_chars[k]) for k in sorted(band) if rx0 <= h[k] < rx1 and rtop <= v[k] < rbottom]
        in_boxes = iter(_cell_chars(row_chars, [cell for cell in row.cells if cell is not None]))
        out.append([None if cell is None else next(in_boxes) for cell in row.cells])
    return out


def _cell_chars(row_chars: list[tuple], boxes: list[tuple]) -> list[list[dict]]:
    """Each box's characters (h, v, char) whose middle it holds (left and top edges in, right and bottom out), in
    the given order. A row's boxes stand left to right (pdfplumber orders them by x0); where they do not
    overlap, a character can only be in the last box starting left of it."""
    starts = [b[0] for b in boxes]
    if any(boxes[k][2] > starts[k + 1] for k in range(len(boxes) - 1)):
        return [[m[2] for m in row_chars if b[0] <= m[0] < b[2] and b[1] <= m[1] < b[3]] for b in boxes]
    out: list[list[dict]] = [[] for _ in boxes]
    for x, y, char in row_chars:
        k = bisect_right(starts, x) - 1
        if k >= 0:
            b = boxes[k]
            if x < b[2] and b[1] <= y < b[3]:
                out[k].append(char)
    return out


def is_number(text: Optional[str]) -> bool:
    """A cell that holds a number (a merged number is never repeated, a number never joins a label)."""
    cell = parse_cell(text)
    return cell is not None and cell.value is not None
