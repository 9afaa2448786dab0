"""readers/pdfium.py's shortcuts past PDFium's one-call-per-item API read what the API reads (issue 16).

A path's segments are read from PDFium's point array in one piece (``pdfium_paths.PathWalker.points``), and
``FPDFText_IsGenerated`` is asked only of characters that hold a space or a line break (``_GENERATED``).
Both rest on how PDFium is built (the layout of ``CFX_Path::Point``; CPDF_TextPage generating only those
characters); these tests read the real reports and the reportlab twins both ways, so a pypdfium2 whose PDFium
differs is noticed, and show that a layout the checks do not recognise falls back to the API.
"""
import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

import filegen
from conftest import FIXTURES
from govreport.readers import pdfium as fast
from govreport.readers import pdfium_calls as calls
from govreport.readers import pdfium_paths as walk

REAL = sorted((FIXTURES / "pdf").glob("*.pdf"))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> list:
    d = tmp_path_factory.mktemp("pdfium_bulk")
    rep = filegen.Gb2021Report()
    return REAL + [filegen.to_pdf_ruled(rep, d / "ruled.pdf"), filegen.to_pdf_unruled(rep, d / "unruled.pdf")]


def _api_points(walker, obj) -> list:
    """Every segment through the API: FPDFPath_GetPathSegment, then its point, type and close flag."""
    out = []
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        x, y = ctypes.c_float(), ctypes.c_float()
        assert raw.FPDFPathSegment_GetPoint(seg, x, y)
        out.append((x.value, y.value, raw.FPDFPathSegment_GetType(seg), raw.FPDFPathSegment_GetClose(seg)))
    return out


def _paths(pdf, keep: list) -> list:
    """The path objects of every page (their document and pages kept alive in ``keep``)."""
    doc = pdfium.PdfDocument(str(pdf))
    keep.append(doc)
    out = []
    for page in doc:
        keep.append(page)
        out += [obj.raw for obj in page.get_objects(max_depth=walk.MAX_FORM_DEPTH) if obj.type == walk.OBJ_PATH]
    return out


def test_path_points_read_in_one_piece_are_the_apis(pdfs, monkeypatch):
    walker = walk.PathWalker(calls.hot(), (1, 842.0, 0.0))
    pieces = []  # the arrays read in one piece: this PDFium's layout is the one expected
    string_at = ctypes.string_at
    monkeypatch.setattr(ctypes, "string_at", lambda *a: pieces.append(a) or string_at(*a))
    read, keep = 0, []
    for pdf in pdfs:
        for obj in _paths(pdf, keep):
            handle = calls.Handle(calls.address(obj))
            assert walker.points(handle) == _api_points(walker, obj), pdf.name
            read += 1
    assert read > 500  # the ruled reports draw hundreds of paths
    assert len(pieces) > 500


def test_path_points_fall_back_to_the_api_when_the_array_is_not_as_expected(pdfs, monkeypatch):
    walker = walk.PathWalker(calls.hot(), (1, 842.0, 0.0))
    keep: list = []
    obj = next(o for o in _paths(pdfs[0], keep) if raw.FPDFPath_CountSegments(o) >= 2)
    handle = calls.Handle(calls.address(obj))
    expected = _api_points(walker, obj)
    # a layout of another size (the last segment not where 12-byte points would put it): segment by segment
    monkeypatch.setattr(walk, "POINT", __import__("struct").Struct("=ffBB6x"))
    assert walker.points(handle) == expected
    # the right size but the fields elsewhere: the last point read through the API disagrees, same fallback
    monkeypatch.setattr(walk, "POINT", __import__("struct").Struct("=BB2xff"))
    assert walker.points(handle) == expected


def test_generated_characters_hold_only_a_space_or_a_line_break(pdfs):
    generated = 0
    for pdf in pdfs:
        doc = pdfium.PdfDocument(str(pdf))
        for page in doc:
            textpage = page.get_textpage()
            for i in range(raw.FPDFText_CountChars(textpage.raw)):
                if raw.FPDFText_IsGenerated(textpage.raw, i):
                    generated += 1
                    assert raw.FPDFText_GetUnicode(textpage.raw, i) in fast._GENERATED, (pdf.name, i)
            textpage.close()
    assert generated > 1000
