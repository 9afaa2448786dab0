"""Pages of a PDF or an image file -> the readers' page items, through the per-page cache.

A page is rasterized (pypdfium2 for PDF pages, Pillow for image files), read by readers/ocr/page.py (or
found in the cache by its pixels' hash), and handed back as readers.pdf_grid.PageItems (text lines and
Grids), so the PDF reader's own page joining and column placement (readers/pdf_join.py) run on OCR'd
tables exactly as on drawn ones. Every cell and line is an OcrCell carrying its confidence.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from govreport.errors import ReportError
from govreport.model import Block, OcrCell
from govreport.readers.limits import LIMITS, allow_ocr_page, check_ocr_pixels, checkpoint
from govreport.readers.ocr import cache, engine
from govreport.readers.ocr.grid import VERSION as GRID_VERSION, find_tables
from govreport.readers.ocr.image import binarize, frame_count, load_image, prepare
from govreport.readers.ocr.page import AGAIN, SETTINGS, italic_pass, read_page_image
from govreport.readers.pdf_grid import Grid, PageItems, is_number
from govreport.readers.text import is_page_mark

PDF_DPI = 200  # a scanned PDF page whose image size says nothing is rasterized at this resolution


def engine_name() -> str:
    return f"{engine.version()} {engine.TEXT_LANG}"


def read_image(bgr: np.ndarray, dpi: float) -> dict:
    """One page's OCR result, from the cache when these pixels were read before with this engine and settings.
    An entry of older settings is carried over when it needs no new read (``_carried``)."""
    settings = f"{SETTINGS}|{AGAIN}"
    key = cache.page_key(bgr, dpi, engine.version(), f"{settings}|{GRID_VERSION}")
    hit = cache.load(key)
    if hit is not None:
        return hit
    result = _carried(bgr, dpi, settings)
    if result is None:
        allow_ocr_page()  # the file's time budget grows by a page's OCR allowance (readers/limits.py)
        result = read_page_image(bgr, dpi)
    cache.store(key, result)
    return result


def _carried(bgr: np.ndarray, dpi: float, settings: str) -> Optional[dict]:
    """A cached result from before the grid version (one from before the italic cell pass completed by it),
    kept when the page's tables are found the same today: only pages whose grid changed are read again."""
    older = cache.load(cache.page_key(bgr, dpi, engine.version(), settings))
    if older is None:
        oldest = cache.load(cache.page_key(bgr, dpi, engine.version(), SETTINGS))
        if oldest is None:
            return None
        older = italic_pass(bgr, dpi, oldest)
    grey, _angle, red = prepare(bgr)
    grids, _strokes = find_tables(binarize(grey), dpi, red)
    if len(grids) != len(older["tables"]):
        return None
    for found, table in zip(grids, older["tables"]):
        shape = (len(found.owner), len(found.owner[0]) if found.owner else 0)
        box = [round(v * 72.0 / dpi, 2) for v in found.bbox]
        if shape != (len(table["owner"]), len(table["owner"][0]) if table["owner"] else 0) or \
                max(abs(a - b) for a, b in zip(box, table["bbox"])) > 1.0:
            return None
    return older


def render_pdf_page(path, number: int, dpi: float) -> np.ndarray:
    """Page ``number`` (1-based) of the PDF as a BGR array at ``dpi``."""
    import cv2
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[number - 1]
        try:
            width, height = page.get_size()
            check_ocr_pixels(path, width * dpi / 72.0, height * dpi / 72.0, f"page {number} at {dpi:.0f} dpi")
            rgb = np.asarray(page.render(scale=dpi / 72.0).to_pil().convert("RGB"))
        finally:
            page.close()
    finally:
        doc.close()
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def textless_pages(path) -> list[int]:
    """1-based numbers of the PDF's pages that have no text layer but an image (scanned pages)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for k in range(len(doc)):
            page = doc[k]
            try:
                textpage = page.get_textpage()
                try:
                    if textpage.count_chars() == 0 and _has_image(page):
                        out.append(k + 1)
                finally:
                    textpage.close()
            finally:
                page.close()
        return out
    finally:
        doc.close()


def _has_image(page) -> bool:
    """A page image to read (a blank page or one of vector lines only is not a scan)."""
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)), None) is not None


def scan_dpi(path, number: int) -> float:
    """The resolution the page's largest image was scanned at (its pixels over the page width), kept within
    150..300 dpi; PDF_DPI when the page says nothing usable."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[number - 1]
        try:
            width_pt = page.get_size()[0]
            widths = [obj.get_px_size()[0] for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)]
        finally:
            page.close()
    except Exception:  # an odd image object: the default resolution reads it
        return float(PDF_DPI)
    finally:
        doc.close()
    if not widths or width_pt <= 0:
        return float(PDF_DPI)
    return float(min(300, max(150, round(max(widths) * 72.0 / width_pt))))


def read_pdf_pages(path, numbers: Iterable[int]) -> list[PageItems]:
    """Each page rendered at the resolution it was scanned at (scan_dpi) and read."""
    out = []
    for number in numbers:
        checkpoint()
        dpi = scan_dpi(path, number)
        out.append(page_items(read_image(render_pdf_page(path, number, dpi), dpi), number))
    return out


def read_image_file(path) -> list[PageItems]:
    """Every page (frame) of an image file: a .tif may hold several."""
    out = []
    frames = frame_count(path)
    if frames > LIMITS.max_pdf_pages:  # a page an image: the PDF's page limit
        raise ReportError(path, f"image has {frames} pages (limit {LIMITS.max_pdf_pages}): not an annual report")
    for frame in range(frames):
        checkpoint()
        bgr, dpi = load_image(path, frame)
        out.append(page_items(read_image(bgr, dpi), frame + 1))
    return out


def page_items(result: dict, number: int) -> PageItems:
    """The cached/plain OCR result of one page as PageItems (top, Block | Grid), top to bottom."""
    items: list = []
    for line in result["lines"]:
        if is_page_mark(line["text"]):
            continue
        cell = OcrCell(line["text"], line["conf"], number, tuple(line["bbox"]))
        items.append((line["bbox"][1], Block.line(cell, page=number)))
    for table in result["tables"]:
        grid = _grid(table, number)
        if grid.n_cols < 2:  # a box drawn around prose: its lines are text
            for row in grid.cells:
                if row[0]:
                    items.append((grid.top, Block.line(row[0], page=number)))
            continue
        items.append((grid.top, grid))
    items.sort(key=lambda item: item[0])
    n_chars = sum(len(line["text"]) for line in result["lines"]) + sum(len(c[0]) for t in result["tables"]
                                                                      for c in t["cells"].values())
    return PageItems(number=number, items=items, n_chars=n_chars)


def _grid(table: dict, number: int) -> Grid:
    """Expanded grid: a merged label repeats over the positions it covers, a merged number stays in its first
    position only (the rule of readers/pdf_grid.py), blank cells are None."""
    owner = [[tuple(o) for o in row] for row in table["owner"]]
    texts: dict[tuple, Optional[OcrCell]] = {}
    for key, (text, conf, bbox) in table["cells"].items():
        i, j = (int(v) for v in key.split(","))
        texts[(i, j)] = OcrCell(text, conf, number, tuple(bbox))
    cells = []
    for i, row in enumerate(owner):
        out_row = []
        for j, o in enumerate(row):
            text = texts.get(o)
            out_row.append(text if o == (i, j) or not is_number(text) else None)
        cells.append(out_row)
    bbox = tuple(table["bbox"])
    return Grid(cells=cells, owner=owner, top=bbox[1], bbox=bbox, x_edges=list(table["x_edges"]))


def is_pdf(path) -> bool:
    return Path(path).suffix.lower() == ".pdf"
