"""The PDF reader's faster steps give what pdfplumber's own give, on the pages of a real report.

readers/pdf_cells.find_tables stands for ``page.find_tables`` and pdf_grid._extract for ``Table.extract``
(issue 16: they were a third of a PDF's reading time); if pdfplumber changes either, these fail rather than
the reader drifting from it. read_counted's empty-page list is what lets read_pdf skip the scan search.
"""
import pytest

from conftest import FIXTURES
from govreport.readers import pdf_grid, pdfium
from govreport.readers.pdf_cells import cells, find_tables, intersections

REPORT = FIXTURES / "pdf" / "hongze_district_gov_2023.pdf"


@pytest.fixture(scope="module")
def pages():
    """The report's pages as the fast path gives them to pdf_grid (PDFium's characters and paths)."""
    import pypdfium2 as pdfium_doc

    doc = pdfium_doc.PdfDocument(str(REPORT))
    out, doctop = [], 0.0
    try:
        for number in range(1, len(doc) + 1):
            page = doc[number - 1]
            try:
                out.append(pdfium._page(page, number, doctop))
            finally:
                page.close()
            doctop += out[-1].height
    finally:
        doc.close()
    return out


def _ruled(page):
    ruled = page.filter(pdf_grid._visible_ruling)
    return ruled, dict(pdf_grid._TABLE_SETTINGS, explicit_horizontal_lines=pdf_grid._closing_lines(ruled))


def test_tables_and_cells_are_pdfplumbers(pages):
    from pdfplumber.table import TableFinder

    n_cells = n_tables = 0
    for page in pages:
        ruled, settings = _ruled(page)
        theirs = TableFinder(ruled, settings)
        assert intersections(theirs.edges, 3, 3) == theirs.intersections
        assert list(intersections(theirs.edges, 3, 3)) == list(theirs.intersections)  # in the same order
        assert cells(theirs.intersections) == theirs.cells
        ours = find_tables(ruled, settings)
        assert [t.cells for t in ours] == [t.cells for t in theirs.tables]
        n_cells += len(theirs.cells)
        n_tables += len(ours)
    # the report's two statistics tables and the boxes drawn around its prose, hundreds of cells
    assert n_tables >= 3 and n_cells > 200


def test_cell_texts_are_table_extract(pages):
    texts = []
    for page in pages:
        ruled, settings = _ruled(page)
        for table in find_tables(ruled, settings):
            ours = pdf_grid._extract(table, table.rows)
            assert ours == table.extract(y_tolerance=pdf_grid._LINE_TOL)
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
