"""A page image too large for OCR within the per-file memory budget is refused before its pixels are decoded or
rendered (readers/limits.check_ocr_pixels). Before, a blank 12,000 x 12,000 PNG took 2.0 GB and 17 CPU-s to end as
"OCR found no text", against the 1.5 GB budget: the memory checks run between steps, and one page is one step
(~30 bytes a pixel at its peak: a 3.9 MP scan 191 MB, 15.5 MP 571 MB, 35 MP 1.16 GB, measured 2026-12-07).
A multi-page TIFF is held to the PDF's page limit, as a PDF of scanned pages is."""
from __future__ import annotations

import pytest
from PIL import Image

from govreport.errors import ReportError
from govreport.readers import limits, read_document
from govreport.readers.ocr import document


def test_the_limit_follows_the_memory_budget():
    assert limits.LIMITS.ocr_max_pixels == 1536 * 1024 * 1024 // 32 == 50_331_648


def test_an_image_over_the_limit_is_refused_from_its_header(tmp_path):
    path = tmp_path / "long.png"
    Image.new("L", (1080, 46_700), 255).save(path)  # a "long image" of a web post: 50.4 MP, 1 over
    with pytest.raises(ReportError) as caught:
        read_document(path)
    assert str(caught.value) == (f"{path}: image is 1080 x 46700 pixels (50 MP): more than OCR reads within the "
                                 "1536 MB memory budget per file (50 MP)")


def test_a_scanned_pdf_page_too_large_to_render_is_refused(tmp_path):
    path = tmp_path / "poster.pdf"
    Image.new("L", (1000, 1000), 255).save(path, resolution=14.4)  # one 5,000 x 5,000 pt page: 108 MP at 150 dpi
    with pytest.raises(ReportError) as caught:
        document.render_pdf_page(path, 1, 150.0)
    assert str(caught.value) == (f"{path}: page 1 at 150 dpi is 10417 x 10417 pixels (109 MP): more than OCR "
                                 "reads within the 1536 MB memory budget per file (50 MP)")


def test_a_page_within_the_limit_is_rendered(tmp_path):
    path = tmp_path / "a4.pdf"
    Image.new("L", (1650, 2340), 255).save(path, resolution=200.0)  # an A4 scan at 200 dpi
    height, width, channels = document.render_pdf_page(path, 1, 200.0).shape
    assert abs(height - 2340) <= 1 and abs(width - 1650) <= 1 and channels == 3  # PDFium rounds up


def test_an_image_of_more_pages_than_a_pdf_may_have_is_refused(tmp_path):
    path = tmp_path / "fax.tif"
    frames = [Image.new("L", (8, 8), 255) for _ in range(limits.LIMITS.max_pdf_pages + 1)]
    frames[0].save(path, save_all=True, append_images=frames[1:])  # each frame a page, each OCR'd
    with pytest.raises(ReportError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: image has 201 pages (limit 200): not an annual report"
