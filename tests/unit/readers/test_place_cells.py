"""HTML's one-pass grid gives what the Span grid and place() give (issue 16: reading HTML).

The HTML reader builds a table's grid in one pass over its cells, as (start, stop, text, is_value) tuples, and
places them with placement.place_cells, which does place()'s narrow path itself (no Span made, the header edges,
the first value column and the row kinds gathered in one pass) and hands any other table to place(). It also asks
the cells' specs twice only when a colspan is over 100 (only such a colspan can be wider than the table). The
references below are the reader's grid as it was before (every spec first, Spans, place() with the flags) and
place() itself; every real table, random grids with degenerate spans and widths, and random HTML tables with
huge, garbage and over-wide spans must give the same rows, unplaced count, cell count and errors.
"""
from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Optional

import pytest
from lxml import etree

from govreport.errors import ReportError
from govreport.readers import html, placement
from govreport.readers.html_page import strip_furniture
from govreport.readers.placement import Span, column_widths, edges_from_widths, is_value, place, place_cells, span
from locations import DATA, REPO

FILES = sorted(DATA.glob("*.html")) + sorted((DATA / "real").glob("*.html")) + sorted((REPO / "data" / "raw").glob("*.htm*"))


# --------------------------------------------------------------------------- the full computations

def _reference_grid(walker, rows: list[list], texts: list[list]) -> list[list]:
    """html._Walker._grid as it was: every cell's spec first, the sane width, Spans and flags, place()."""
    specs = [[html._cell_spec(c) for c in row] for row in rows]
    sane = max((sum(cs if cs <= 100 else 1 for cs, _, _ in row) for row in specs), default=1)
    n_rows = len(specs)
    below: list[Optional[set[int]]] = [None] * n_rows
    spans: list[list[Span]] = [[] for _ in range(n_rows)]
    flags: list[list[bool]] = [[] for _ in range(n_rows)]
    measured = []
    width = 0
    cells = walker.cells
    for r, (row, row_texts) in enumerate(zip(specs, texts)):
        col, taken, out, out_flags = 0, below[r], spans[r], flags[r]
        for i, (colspan, rowspan, px) in enumerate(row):
            text = row_texts[i]
            value = text is not None and is_value(text)
            if colspan > sane:
                colspan = max(1, sane - col - sum(cs if cs <= 100 else 1 for cs, _, _ in row[i + 1:]))
            if taken:
                while col in taken:
                    col += 1
            stop = col + colspan
            if rowspan > 1:
                rowspan = min(rowspan, n_rows - r)
            cells += colspan * rowspan
            if cells > html.MAX_TABLE_CELLS:
                raise ReportError(walker.path, f"tables have more than {html.MAX_TABLE_CELLS} cells after span expansion")
            if px is not None:
                measured.append((col, stop, px))
            out.append(span(col, stop, text))
            out_flags.append(value)
            if rowspan > 1:
                repeated = span(col, stop, None if value else text)
                for dr in range(1, rowspan):
                    if below[r + dr] is None:
                        below[r + dr] = set()
                    below[r + dr].update(range(col, stop))
                    spans[r + dr].append(repeated)
                    flags[r + dr].append(False)
            col = stop
            width = max(width, col)
    walker.cells = cells + n_rows * width
    if walker.cells > html.MAX_TABLE_CELLS:
        raise ReportError(walker.path, f"tables have more than {html.MAX_TABLE_CELLS} cells after span expansion")
    if not width:
        return [[] for _ in range(n_rows)]
    return place(spans, edges_from_widths(column_widths(measured, width)), flags).rows


def _spans(rows):
    return [[Span(a, b, t) for a, b, t, _v in row] for row in rows], [[v for _a, _b, _t, v in row] for row in rows]


def _same_placement(rows, edges) -> bool:
    got = place_cells(rows, edges)
    spans, flags = _spans(rows)
    want = place(spans, edges, flags)
    return (got.rows, got.unplaced) == (want.rows, want.unplaced)


def _tables(path: Path) -> list:
    root = html._parse(html._decode(path.read_bytes(), path), path)
    strip_furniture(root)
    return list(root.iter("table"))


def _cells_of(table):
    rows = [html._row_cells(row) for row in html._own_rows(table)]
    return rows, [[html._cell_text(cell, []) for cell in row] for row in rows]


def _grid_both(rows, texts, cells: int = 0):
    """(grid, cell count) or the error, from the reader's _grid and from the reference."""
    results = []
    for grid in (html._Walker._grid, _reference_grid):
        walker = html._Walker(Path("t.html"))
        walker.cells = cells
        try:
            results.append((grid(walker, rows, texts), walker.cells))
        except ReportError as exc:
            results.append(("error", str(exc)))
    return results


# --------------------------------------------------------------------------- real tables

@pytest.fixture(scope="module")
def real_calls():
    """Every place_cells() call the HTML reader makes on the repository's HTML reports."""
    calls = []
    original = html.place_cells

    def record(rows, edges):
        calls.append((rows, list(edges)))
        return original(rows, edges)

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(html, "place_cells", record)
        for path in FILES:
            html.read_html(path)
    finally:
        mp.undo()
    assert len(calls) > 20
    return calls


def test_every_real_table_is_placed_as_place_places_its_spans(real_calls):
    for rows, edges in real_calls:
        assert _same_placement(rows, edges), rows


def test_the_real_tables_exercise_the_one_pass_and_the_handed_on_tables(real_calls):
    def handed_on(rows):
        return any(v and b - a != 1 for row in rows for a, b, _t, v in row)
    assert any(handed_on(rows) for rows, _e in real_calls) and any(not handed_on(rows) for rows, _e in real_calls)


def test_every_real_table_grids_as_the_span_grid_did():
    tables = [t for path in FILES for t in _tables(path)]
    assert len(tables) > 20
    for table in tables:
        rows, texts = _cells_of(table)
        got, want = _grid_both(rows, texts)
        assert got == want


# --------------------------------------------------------------------------- random grids and tables

TEXTS = [None, "", " ", "申请人情况", "自然人", "商业企业", "12", "0", "/", "—", "无", "合计", "3.5", "项目", "1,234", "5件"]


def _random_cells(rnd: random.Random):
    n = rnd.randint(1, 8)
    rows = []
    for _ in range(rnd.randint(0, 7)):
        row, col = [], 0
        while col < n and rnd.random() < 0.9:
            start = col if rnd.random() < 0.85 else max(0, col - 1)  # sometimes over the cell before it
            width = rnd.choice([1, 1, 1, 1, 2, 3, 0, -1])  # (0, -1: degenerate spans)
            stop = min(n + (1 if rnd.random() < 0.05 else 0), start + width)
            if rnd.random() < 0.02:
                start, stop = -1, 0  # left of the grid
            text = rnd.choice(TEXTS)
            value = is_value(text) if rnd.random() < 0.97 else not is_value(text)  # (flags as given)
            row.append((start, stop, text, value))
            col = max(col, stop) if stop > start else col + 1
        rows.append(row)
    widths = [rnd.choice([0.0, 1e-9, placement._EPS, 1.0, 5.0, 12.5, 30.0, 1e300, math.nan, math.inf]) for _ in range(n)]
    edges = edges_from_widths(widths)
    if rnd.random() < 0.1:
        edges[rnd.randrange(len(edges))] = -5.0  # not ascending
    if rnd.random() < 0.03:
        edges = edges[:1]  # no column
    return rows, edges


def test_random_cells_are_placed_as_place_places_their_spans():
    rnd = random.Random(1613)
    fast = 0
    for _ in range(8_000):
        rows, edges = _random_cells(rnd)
        spans, flags = _spans(rows)
        try:
            want = place(spans, edges, flags)
        except IndexError:  # a span beyond the edges: both fail alike
            with pytest.raises(IndexError):
                place_cells(rows, edges)
            continue
        got = place_cells(rows, edges)
        assert (got.rows, got.unplaced) == (want.rows, want.unplaced), (rows, edges)
        fast += all(b - a == 1 for row in rows for a, b, _t, v in row if v)
    assert fast > 2_000  # the one-pass path is the one compared most


_SPANS = ["", "1", "1", "1", "2", "3", "0", "-2", "abc", "2x", " 3", "٢", "150", "101", "100", "99999999", "65535"]
_WIDTHS = [None, None, "58", "12.5", "58%", " 20px ", "x", "style:width:40pt", "style:width:30px;height:2pt", "0"]


def _random_table(rnd: random.Random) -> str:
    rows = []
    for _ in range(rnd.randint(1, 7)):
        cells = []
        for _ in range(rnd.randint(0, 6)):
            attrs = ""
            if rnd.random() < 0.3:
                attrs += f' colspan="{rnd.choice(_SPANS)}"'
            if rnd.random() < 0.25:
                attrs += f' rowspan="{rnd.choice(_SPANS)}"'
            width = rnd.choice(_WIDTHS)
            if width is not None:
                attrs += f' style="{width[6:]}"' if width.startswith("style:") else f' width="{width}"'
            text = rnd.choice(TEXTS) or ""
            cells.append(f"<td{attrs}><p>{text}</p></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def test_random_html_tables_grid_as_the_span_grid_did():
    rnd = random.Random(1316)
    wide = errors = 0
    parser = etree.HTMLParser()
    for n in range(3_000):
        table = etree.fromstring("<html><body>" + _random_table(rnd) + "</body></html>", parser).find(".//table")
        rows, texts = _cells_of(table)
        cells = rnd.choice([0, 0, 0, html.MAX_TABLE_CELLS - 40, html.MAX_TABLE_CELLS - 5])  # near the cell limit
        got, want = _grid_both(rows, texts, cells)
        assert got == want, etree.tostring(table)
        wide += any(c.get("colspan", "").isdecimal() and int(c.get("colspan")) > 100 for row in rows for c in row)
        errors += got[0] == "error"
    assert wide > 100 and errors > 50  # over-wide colspans and the cell limit were both met
