"""OCR of page images (scanned PDF pages, .png/.jpg/.tif scans) with Tesseract, offline.

image.py straightens a page and removes red seals; grid.py finds ruled tables and their (merged) cells;
engine.py calls tesseract; page.py reads one page; cache.py keeps results per page content hash;
document.py turns pages into the PDF reader's page items; reread.py reads one cell (or a title line) again.
"""
from __future__ import annotations

from govreport.readers.ocr.cache import use_folder
from govreport.readers.ocr.engine import OcrUnavailable
from govreport.readers.ocr.reread import reread, reread_cell, reread_line

__all__ = ["OcrUnavailable", "reread", "reread_cell", "reread_line", "use_folder"]
