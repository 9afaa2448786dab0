"""Read one cell again, at another resolution or setting: what a caller does when OCR'd cells break an identity.

The page is rendered (PDF) or loaded (image file, enlarged to ``dpi``), straightened the same way as the
first read, the cell is cut at its bbox (PDF points of the straightened page), sheared upright when printed
italic (readers/ocr/slant.py) and read Chinese-first then digits-only, as in readers/ocr/page.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import cv2

from govreport.errors import ReportError
from govreport.model import OcrCell
from govreport.readers.ocr import engine
from govreport.readers.ocr.document import is_pdf, render_pdf_page
from govreport.readers.ocr.grid import ruling_masks
from govreport.readers.ocr.image import binarize, load_image, prepare
from govreport.readers.ocr.slant import measure as measure_slant, upright
from govreport.readers.ocr.page import (SLANT, _has_cjk, _strip, _words_text, as_number_text, crop_cell, for_digits,
                                        for_text, settle)


REREAD_SCALES = (0.7, 0.9)  # of a 200-dpi size, from the finer render: other sizes than page.DIGIT_SCALES


def _page_grey(path: Path, page: int, dpi: int):
    """The page straightened as the first read had it (grey) and the resolution it is at."""
    try:
        if is_pdf(path):
            bgr, source_dpi = render_pdf_page(path, page, dpi), float(dpi)
        else:
            bgr, source_dpi = load_image(path, page - 1)
    except (OSError, ValueError, IndexError, EOFError) as exc:
        raise ReportError(path, f"cannot re-read page {page}: {exc.__class__.__name__}: {exc}") from None
    return prepare(bgr)[0], source_dpi


def _slant_near(grey, y0: int, y1: int, dpi: float) -> float:
    """The italic slant of the print around rows y0..y1 (half an inch above and below, the page's width,
    ruling lines wiped): one cell alone holds too few strokes to tell (measured: most single cells of the
    italic ptsjj print measure 0, one upright huaian cell 0.29; the band: 0.19-0.23 and 0.0)."""
    reach = int(dpi * 0.5)
    band = grey[max(0, y0 - reach):y1 + reach].copy()
    horizontal, vertical = ruling_masks(binarize(band), dpi)
    band[(horizontal > 0) | (vertical > 0)] = 255
    return measure_slant(band)


def reread_line(path, page: int, bbox, dpi: int = 400) -> OcrCell:
    """A text line (a title) read again at ``dpi``, Chinese only, upright and with an italic slant sheared
    away (one batch): the surer read with Chinese in it; OcrCell('', 0.0) when neither has."""
    path = Path(path)
    grey, source_dpi = _page_grey(path, page, dpi)
    box = tuple(int(round(v * source_dpi / 72.0)) for v in bbox)
    reads = engine.read_batch([_strip(grey, box, 0.0), _strip(grey, box, SLANT)], psm=7, lang="chi_sim")
    best = max((_words_text(words) for words in reads), key=lambda r: (_has_cjk(r[0]), r[1]))
    return OcrCell(best[0], best[1], page, tuple(bbox)) if _has_cjk(best[0]) else OcrCell("", 0.0, page, tuple(bbox))


def reread(path, page: int, bbox, dpi: int = 400, digits: Optional[bool] = None) -> OcrCell:
    """The cell at ``bbox`` on ``page`` read again at ``dpi``; ``digits`` True/False forces or forbids the
    digits-only read (None: when the Chinese read looks like a number). OcrCell('', 0.0) when nothing is read."""
    path = Path(path)
    grey, source_dpi = _page_grey(path, page, dpi)
    x0, y0, x1, y1 = (int(round(v * source_dpi / 72.0)) for v in bbox)
    h, w = grey.shape
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    region = grey[y0:y1, x0:x1].copy()
    if region.size == 0:
        return OcrCell("", 0.0, page, tuple(bbox))
    horizontal, vertical = ruling_masks(binarize(region), source_dpi)
    region[(horizontal > 0) | (vertical > 0)] = 255
    crop = crop_cell(region, (0, 0, region.shape[1], region.shape[0]), source_dpi)
    if crop is None:
        return OcrCell("", 0.0, page, tuple(bbox))
    crop = upright(crop, _slant_near(grey, y0, y1, source_dpi))  # printed italic: read upright, as page.py does
    if source_dpi < dpi:  # an image file: only the cell is enlarged (another setting, not more detail)
        crop = cv2.resize(crop, None, fx=dpi / source_dpi, fy=dpi / source_dpi, interpolation=cv2.INTER_CUBIC)
    first = _words_text(engine.read_batch([for_text(crop, dpi)], psm=6)[0])
    text, conf = first
    if digits or (digits is None and as_number_text(text) is not None):
        reads = engine.read_batch([for_digits(crop, f * 200.0 / dpi) for f in REREAD_SCALES], psm=7, lang="eng",
                                  whitelist=engine.DIGITS)
        votes = [_words_text(words) for words in reads]
        text, conf = settle(([first] if digits is None else []) + votes)
        if digits and as_number_text(text) is None:
            text, conf = "", 0.0
    return OcrCell(text, conf if text else 0.0, page, tuple(bbox))


def reread_cell(path, cell: OcrCell, dpi: int = 400, digits: Optional[bool] = None) -> OcrCell:
    return reread(path, cell.page, cell.bbox, dpi=dpi, digits=digits)
