"""readers/pdf_words gives pdfplumber's words and text: on the pages of a real report read both ways, and on
random characters (ties in x and y, blanks, ligatures, overlaps, rotated ones) where any drift shows.

If pdfplumber changes its word grouping, these fail rather than the reader drifting from it (issue 16: the
word grouping and cell texts were a fifth of a PDF's reading time).
"""
import random

import pytest

from conftest import FIXTURES
from govreport.readers import pdf_grid, pdf_words, pdfium

REPORT = FIXTURES / "pdf" / "hongze_district_gov_2023.pdf"


def _theirs_words(chars, x_tol, y_tol):
    from pdfplumber.utils import extract_words

    return extract_words(chars, return_chars=True, x_tolerance=x_tol, y_tolerance=y_tol)


def _theirs_text(chars, y_tol):
    from pdfplumber.utils import extract_text

    return extract_text(chars, y_tolerance=y_tol)


@pytest.fixture(scope="module")
def page_chars():
    """Each page's characters as the fast path (PDFium) and as pdfplumber (pdfminer) give them."""
    import pdfplumber
    import pypdfium2 as pdfium_doc

    out = []
    doc = pdfium_doc.PdfDocument(str(REPORT))
    try:
        doctop = 0.0
        for number in range(1, len(doc) + 1):
            page = doc[number - 1]
            try:
                fast = pdfium._page(page, number, doctop)
            finally:
                page.close()
            doctop += fast.height
            out.append(fast.chars)
    finally:
        doc.close()
    with pdfplumber.open(REPORT) as pdf:
        out += [list(p.chars) for p in pdf.pages]
    return out


def test_words_and_text_of_real_pages(page_chars):
    n_words = 0
    for chars in page_chars:
        ours = pdf_words.words(chars, 3, pdf_grid._LINE_TOL)
        assert ours == _theirs_words(chars, 3, pdf_grid._LINE_TOL)
        n_words += len(ours)
        assert pdf_words.text(chars, pdf_grid._LINE_TOL) == _theirs_text(chars, pdf_grid._LINE_TOL)
        for start in range(0, len(chars), 7):  # runs of characters, as a cell holds them
            part = chars[start:start + 1 + start % 23]
            assert pdf_words.text(part, pdf_grid._LINE_TOL) == _theirs_text(part, pdf_grid._LINE_TOL)
    assert n_words > 500


def _random_chars(rng: random.Random, n: int) -> list[dict]:
    texts = "表一二三0123456789 ,.ﬁﬂ\u3000a"
    tops = [rng.choice([100.0, 100.0, 101.5, 104.0, 104.4, 109.0, 120.0]) + rng.choice([0.0, 0.0, 0.25])
            for _ in range(n)]
    chars = []
    for top in tops:
        x0 = rng.choice([10.0, 10.0, 12.0, 14.5]) + rng.randrange(0, 60) * rng.choice([1.0, 2.5, 4.0])
        width = rng.choice([0.0, 2.0, 5.0, 10.5])
        size = rng.choice([9.0, 10.5, 12.0])
        chars.append({"text": rng.choice(texts), "x0": x0, "x1": x0 + width, "top": top, "bottom": top + size,
                      "doctop": 800.0 + top, "upright": True, "size": size})
    return chars


def test_words_and_text_of_random_characters():
    rng = random.Random(16)
    for case in range(400):
        chars = _random_chars(rng, rng.randrange(1, 40))
        if case % 50 == 7:
            chars[rng.randrange(len(chars))]["upright"] = False  # rotated: pdfplumber's own code decides
        if case % 50 == 9:
            chars[rng.randrange(len(chars))]["text"] = ""
        for x_tol, y_tol in ((3, pdf_grid._LINE_TOL), (3, 0), (1, 3)):
            assert pdf_words.words(chars, x_tol, y_tol) == _theirs_words(chars, x_tol, y_tol), case
        assert pdf_words.text(chars, pdf_grid._LINE_TOL) == _theirs_text(chars, pdf_grid._LINE_TOL), case
    assert pdf_words.text([], pdf_grid._LINE_TOL) == _theirs_text([], pdf_grid._LINE_TOL) == ""
