"""The PDF reader's faster steps give what pdfplumber's own give, on the pages of a real report.

readers/pdf_cells.find_tables stands for ``page.find_tables`` and pdf_grid._extract for ``Table.extract``
(issue 16: they were a third of a PDF's reading time); if pdfplumber changes either, these fail rather than
the reader drifting from it. read_counted's empty-page list is what lets read_pdf skip the scan search.
"""
import pytest

from conftest import FIXTURES
from pdf_pages import fast_pages
from govreport.readers import pdf_grid, pdfium
from govreport.readers.pdf_cells import cells, find_tables, merged_edges, points

REPORT = FIXTURES / "pdf" / "hongze_district_gov_2023.pdf"


@pytest.fixture(scope="module")
def pages():
    """The report's pages as the fast path gives them to pdf_grid (PDFium's characters and paths)."""
    return fast_pages(REPORT)


def _ruled(page):
    ruled = page.filter(pdf_grid._visible_ruling)
    return ruled, dict(pdf_grid._TABLE_SETTINGS, explicit_horizontal_lines=pdf_grid._closing_lines(ruled))


def _same_as_pdfplumber(page) -> tuple[int, int]:
    """Every step of pdf_cells.find_tables equals TableFinder's on this page: (cells, tables) found."""
    from pdfplumber.table import TableFinder, TableSettings

    ruled, settings = _ruled(page)
    theirs = TableFinder(ruled, settings)
    resolved = TableSettings.resolve(settings)
    edges = merged_edges(ruled.edges, resolved)
    assert edges == [(e["x0"], e["top"], e["x1"], e["bottom"], e["width"], e["height"], e["orientation"])
                     for e in theirs.edges]
    found = points(edges, 3, 3)
    assert list(found) == list(theirs.intersections)  # the same points in the same order
    assert cells(found) == theirs.cells
    ours = find_tables(ruled, settings)
    assert [t.cells for t in ours] == [t.cells for t in theirs.tables]
    return len(theirs.cells), len(ours)


def test_tables_and_cells_are_pdfplumbers(pages):
    n_cells = n_tables = 0
    for page in pages:
        c, t = _same_as_pdfplumber(page)
        n_cells, n_tables = n_cells + c, n_tables + t
    # the report's two statistics tables and the boxes drawn around its prose, hundreds of cells
    assert n_tables >= 3 and n_cells > 200


def test_tables_on_pdfplumbers_pages_are_its_own():
    """pdfplumber's pages of the report: its rectangles (WPS's white boxes, filtered out) and lines."""
    import pdfplumber

    with pdfplumber.open(REPORT) as pdf:
        found = [_same_as_pdfplumber(page) for page in pdf.pages]
    assert sum(t for _c, t in found) >= 3 and sum(c for c, _t in found) > 200


def test_other_settings_go_to_pdfplumber(pages):
    from pdfplumber.table import TableFinder

    page = next(p for p in pages if p.lines)
    settings = dict(pdf_grid._TABLE_SETTINGS, explicit_vertical_lines=[100.0, 300.0])
    assert [t.cells for t in find_tables(page, settings)] == [t.cells for t in TableFinder(page, settings).tables]


@pytest.fixture(params=["compiled", "python"])
def loops(request, monkeypatch):
    """Each test twice: with the compiled table_chars and outside (where built) and with the Python loops alone."""
    if request.param == "python":
        monkeypatch.setattr(pdf_grid, "helpers", lambda: None)
    return request.param


def test_cell_texts_are_table_extract(pages, loops):
    texts = []
    for page in pages:
        ruled, settings = _ruled(page)
        for table in find_tables(ruled, settings):
            ours = pdf_grid._extract(table, table.rows)
            assert ours == table.extract(y_tolerance=pdf_grid._LINE_TOL)
            assert pdf_grid._extract(table, table.rows, pdf_grid._middles(ruled.chars)) == ours
            texts += [t for row in ours for t in row if t]
    assert "0" in texts and any(len(t) > 4 for t in texts)  # one-character cells and longer labels both met


def test_read_counted_lists_pages_without_characters():
    doc, why, empty = pdfium.read_counted(REPORT)
    assert why is None and doc is not None and empty == []  # every page has text: no scan search needed
    scan = FIXTURES.parent / "scans" / "putian_ptsjj_2024_title_200dpi.pdf"
    doc, why, empty = pdfium.read_counted(scan)
    assert doc is None and why == "no text" and empty is None  # declined: read_pdf asks about scans as before


def test_filtered_pages_are_pdfplumbers(pages):
    """pdf_grid._filtered tests only the objects its test can drop: the same objects as page.filter."""
    for page in pages:
        ruled = pdf_grid._filtered(page, pdf_grid._visible_ruling, "rect")
        assert ruled.objects == page.filter(pdf_grid._visible_ruling).objects

        def left_half(obj):
            return obj.get("object_type") != "char" or obj["x0"] < page.width / 2

        assert pdf_grid._filtered(page, left_half, "char").objects == page.filter(left_half).objects
    assert any(len(page.filter(pdf_grid._visible_ruling).rects) < len(page.rects) for page in pages)  # some dropped


def test_outside_is_the_characters_no_table_box_holds(pages, loops):
    """pdf_grid._outside (by bisection on the middles) keeps the characters whose middle no box holds, edges
    included, in page order: the page-wide test it replaced."""
    def outside(chars, boxes):
        def holds(box, c):
            cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
            return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
        return [c for c in chars if not any(holds(box, c) for box in boxes)]

    n_dropped = 0
    for page in pages:
        ruled, settings = _ruled(page)
        boxes = [t.bbox for t in find_tables(ruled, settings)]
        chars = ruled.chars
        middles = pdf_grid._middles(chars)
        some = chars[::37]  # boxes whose edges pass through characters' middles
        boxes += [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, page.width, page.height) for c in some[:2]]
        ours = pdf_grid._outside(chars, boxes, middles)
        assert ours == outside(chars, boxes)
        n_dropped += len(chars) - len(ours)
    assert n_dropped > 500


def test_cell_chars_of_overlapping_and_side_by_side_boxes():
    """pdf_grid._cell_chars: a character goes to every box holding its middle (left and top edges in, right and
    bottom out), in the given order, whether the boxes overlap (each tested) or not (found by bisection)."""
    chars = [(x, y, {"n": k}) for k, (x, y) in enumerate(
        [(5.0, 5.0), (10.0, 5.0), (19.999, 5.0), (20.0, 5.0), (25.0, 5.0), (30.0, 5.0), (15.0, 10.0), (15.0, 9.9),
         (-1.0, 5.0), (40.0, 5.0), (12.0, 0.0), (35.0, 2.0)])]

    def tested(boxes):
        return [[c for x, y, c in chars if b[0] <= x < b[2] and b[1] <= y < b[3]] for b in boxes]

    side_by_side = [(0.0, 0.0, 10.0, 10.0), (10.0, 0.0, 20.0, 10.0), (20.0, 1.0, 30.0, 10.0), (32.0, 0.0, 40.0, 10.0)]
    overlapping = [(0.0, 0.0, 15.0, 10.0), (10.0, 0.0, 20.0, 10.0), (20.0, 1.0, 40.0, 10.0)]
    for boxes in (side_by_side, overlapping, side_by_side[:1], []):
        assert pdf_grid._cell_chars(chars, boxes) == tested(boxes)
    assert [len(c) for c in pdf_grid._cell_chars(chars, side_by_side)] == [1, 4, 2, 1]


def test_compiled_table_chars_and_outside_are_the_python_ones(pages):
    """The compiled table_chars and outside give the Python loops' lists (the same characters), and None where
    the Python code must decide (a coordinate that is no float, or NaN)."""
    from govreport.readers.pdfium_compiled import helpers

    compiled = helpers()
    if compiled is None:
        pytest.skip("the compiled helpers are not built (test_pdfium_compiled says whether they must be)")
    n_tables = 0
    for page in pages:
        ruled, settings = _ruled(page)
        chars = ruled.chars
        tables = find_tables(ruled, settings)
        for table in tables:
            rows = table.rows
            ours = compiled.table_chars(chars, [(row.bbox, row.cells) for row in rows])
            theirs = pdf_grid.table_chars(chars, rows)
            assert [[None if c is None else [id(x) for x in c] for c in r] for r in ours] == \
                   [[None if c is None else [id(x) for x in c] for c in r] for r in theirs]
            n_tables += 1
        boxes = [tuple(t.bbox) for t in tables] + [(0.0, 0.0, page.width / 3, page.height / 3)]
        h, v, _order, _v_sorted = pdf_grid._middles(chars)
        python = [c for k, c in enumerate(chars)
                  if not any(b[0] <= h[k] <= b[2] and b[1] <= v[k] <= b[3] for b in boxes)]
        assert [id(c) for c in compiled.outside(chars, boxes)] == [id(c) for c in python]
    assert n_tables >= 3
    some = [dict(c) for c in pages[1].chars[:5]]
    rows = [((0.0, 0.0, 1000.0, 1000.0), [(0.0, 0.0, 1000.0, 1000.0), None])]
    assert [len(c) for c in compiled.table_chars(some, rows)[0] if c is not None] == [5]
    for key, value in (("x0", 3), ("top", float("nan")), ("bottom", None)):
        odd = [dict(c) for c in some]
        odd[2][key] = value
        assert compiled.table_chars(odd, rows) is None and compiled.outside(odd, [rows[0][0]]) is None
    assert compiled.table_chars(some, [((0, 0.0, 1000.0, 1000.0), [None])]) is None  # an int: Python decides
    assert compiled.outside(some, [(0.0, 0.0, 1000.0, float("nan"))]) is None
