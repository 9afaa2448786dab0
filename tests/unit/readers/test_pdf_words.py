"""readers/pdf_words gives pdfplumber's words and text: on the pages of a real report read both ways, and on
random characters (ties in x and y, blanks, ligatures, overlaps, rotated ones) where any drift shows.

If pdfplumber changes its word grouping, these fail rather than the reader drifting from it (issue 16: the
word grouping and cell texts were a fifth of a PDF's reading time).
"""
import random

import pytest

from conftest import FIXTURES
from pdf_pages import fast_pages
from govreport.readers import pdf_grid, pdf_words

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

    out = [page.chars for page in fast_pages(REPORT)]
    with pdfplumber.open(REPORT) as pdf:
        out += [list(p.chars) for p in pdf.pages]
    return out


def test_words_and_text_of_real_pages(page_chars, grouping):
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


@pytest.fixture(params=["compiled", "python"])
def grouping(request, monkeypatch):
    """Each test twice: with the compiled grouping (where it is built) and with the Python loops alone."""
    if request.param == "python":
        monkeypatch.setattr(pdf_words, "helpers", lambda: None)
    return request.param


def test_words_and_text_of_random_characters(grouping):
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


def _compiled():
    from govreport.readers.pdfium_compiled import helpers

    compiled = helpers()
    if compiled is None:
        pytest.skip("the compiled grouping is not built (test_pdfium_compiled says whether it must be)")
    return compiled


def _compiled_is_python(compiled, chars, x_tol, y_tol) -> bool:
    """The compiled word_chars and words give the Python loops' objects (the same repr: every key in the same
    order, every float to its last bit, the same characters), or None where the Python code must decide.
    True when the compiled code grouped the characters."""
    from pdfplumber.utils.text import LIGATURES

    lists = compiled.word_chars(chars, x_tol, y_tol)
    merged = compiled.words(chars, x_tol, y_tol, LIGATURES)
    if lists is None:
        assert merged is None
        return False
    python = pdf_words.word_chars_python(chars, x_tol, y_tol)
    assert [[id(c) for c in w] for w in lists] == [[id(c) for c in w] for w in python]
    assert repr(merged) == repr(pdf_words.words_python(chars, x_tol, y_tol))
    return True


def test_compiled_grouping_is_the_python_one_on_real_pages(page_chars):
    compiled = _compiled()
    for chars in page_chars:
        assert _compiled_is_python(compiled, chars, 3, pdf_grid._LINE_TOL)
        for start in range(0, len(chars), 7):
            assert _compiled_is_python(compiled, chars[start:start + 1 + start % 23], 3, pdf_grid._LINE_TOL)


def test_compiled_grouping_is_the_python_one_on_random_characters():
    compiled = _compiled()
    rng = random.Random(61)
    grouped = declined = 0
    for case in range(600):
        chars = _random_chars(rng, rng.randrange(0, 40))
        if chars and case % 40 == 3:
            chars[rng.randrange(len(chars))]["top"] = -0.0 if case % 80 == 3 else 0.0
        if chars and case % 40 == 5:  # what only the Python code decides: it must come back as None
            key, value = rng.choice([("upright", False), ("upright", 1), ("text", ""), ("x0", 12), ("top", float("nan")),
                                     ("bottom", None), ("text", 5)])
            chars[rng.randrange(len(chars))][key] = value
        if chars and case % 40 == 6:
            del chars[rng.randrange(len(chars))]["doctop"]
        for x_tol, y_tol in ((3, pdf_grid._LINE_TOL), (3, 0), (1, 3), (0, 0)):
            if _compiled_is_python(compiled, chars, x_tol, y_tol):
                grouped += 1
            else:
                declined += 1
    assert grouped > 2000 and declined > 40
    assert compiled.word_chars([], 3, 3) == [] and compiled.words([], 3, 3, {}) == []
