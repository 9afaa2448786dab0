"""One page image -> what the page holds: text lines and ruled tables, as plain data (cacheable JSON).

Tables: each cell is cut from the straightened page (ruling strokes wiped), read as Chinese text first;
cells that read as a number, or short reads in a column or row of numbers, are read again digits-only
(tesseract's digit whitelist) at three sizes and the reads vote (``settle``): a number only one read gives,
or one the reads dispute, gets a confidence below the 0.6 trust line, so it is never stored as a value. Text outside the tables is read as whole lines so the
title, agency and year are there for identification. Coordinates are PDF points (1/72 inch) of the
straightened page.
"""
from __future__ import annotations

import re
from typing import Optional

import cv2
import numpy as np

from govreport.readers.limits import checkpoint
from govreport.readers.ocr import engine
from govreport.readers.ocr.grid import ImageGrid, find_tables
from govreport.readers.ocr.image import binarize, prepare
from govreport.readers.ocr.slant import box_back, measure as measure_slant, upright
from govreport.text.normalize import join_cjk_lines, parse_cell

CELL_DPI = 300  # text cells are enlarged to this resolution before the Chinese read
DIGIT_SCALES = (0.6, 0.8, 1.0)  # of the scan's size: the digits-only reads of a number (one batch each)
SETTINGS = "page-v8 cells psm6 chi_sim+eng, digits psm7 eng whitelist; lines psm3, italic lines again"
# a later pass: a page read with SETTINGS alone is brought up to date by ``italic_pass``
AGAIN = "italic cells again v2; italic tables and pages read upright (slant.py) v2"
_PAD = 12
_NUMBERISH = re.compile(r"^[\d.,，．\-%OoIl|]+$")
_CONFUSED = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "，": ",", "．": "."})


def read_page_image(bgr: np.ndarray, dpi: float) -> dict:
    """{'angle', 'lines': [{text, conf, bbox}], 'tables': [{cells, owner, bbox, x_edges}]} for one page."""
    grey, angle, clean, grids, slants = _layout(bgr, dpi)
    tables = [_read_table(clean, grid, dpi, slant) for grid, slant in zip(grids, slants)]
    checkpoint()
    lines = _read_lines(grey, [g.bbox for g in grids], dpi)
    return {"angle": angle, "lines": lines, "tables": tables}


def _layout(bgr: np.ndarray, dpi: float):
    """(straight grey page, its angle, the page with ruling strokes wiped, the tables' grids, each
    table's italic slant): what every read of the page starts from."""
    grey, angle, red = prepare(bgr)
    grids, strokes = find_tables(binarize(grey), dpi, red)
    clean = grey.copy()
    clean[strokes > 0] = 255  # ruling lines would read as 1, l, | or —
    wide = cv2.dilate(strokes, np.ones((5, 5), np.uint8)) > 0  # a rule's grey edges are upright too
    slants = []
    for grid in grids:
        x0, y0, x1, y1 = grid.bbox
        region = grey[y0:y1, x0:x1].copy()
        region[wide[y0:y1, x0:x1]] = 255
        slants.append(measure_slant(region))
    return grey, angle, clean, grids, slants


def italic_pass(bgr: np.ndarray, dpi: float, result: dict) -> dict:
    """A page result read before the italic reading (an older cache entry), brought up to date as a fresh
    read would have it: a table printed italic reads the page again whole, upright; text outside the tables
    printed italic reads the lines again; in upright tables only the cells that read as Latin letters are
    read again sheared (what the older entry lacks)."""
    grey, _angle, clean, grids, slants = _layout(bgr, dpi)
    if len(grids) != len(result["tables"]):
        return result  # not the page the result came from: leave it
    if any(slants):
        return read_page_image(bgr, dpi)
    if _lines_slant(grey, [g.bbox for g in grids]):
        result["lines"] = _read_lines(grey, [g.bbox for g in grids], dpi)
    for grid, table in zip(grids, result["tables"]):
        keys = {k: tuple(int(v) for v in k.split(",")) for k, (text, _c, _b) in table["cells"].items() if _doubtful(text)}
        crops = {o: crop_cell(clean, grid.cell_box(*o), dpi) for o in keys.values()}
        reads = {o: tuple(table["cells"][k][:2]) for k, o in keys.items() if crops[o] is not None}
        _italic_cells_again(reads, crops, dpi)
        for k, o in keys.items():
            if o in reads:
                table["cells"][k][:2] = [reads[o][0], round(reads[o][1], 3)]
    return result


def _pt(value: float, dpi: float) -> float:
    return round(value * 72.0 / dpi, 2)


def crop_cell(clean: np.ndarray, box, dpi: float) -> Optional[np.ndarray]:
    """The ink of the cell's inside with a small margin, at page resolution; None when it holds no ink
    (a blank cell)."""
    x0, y0, x1, y1 = box
    inset = max(2, int(dpi * 0.012))
    crop = clean[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    if crop.size == 0:
        return None
    ink = binarize(crop) if crop.min() < 160 else np.zeros_like(crop)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # JPEG speckles are no ink
    if int(np.count_nonzero(ink)) < max(8, int((dpi / 100) ** 2 * 6)):
        return None
    ys, xs = np.nonzero(ink)
    return crop[max(0, ys.min() - 3):ys.max() + 4, max(0, xs.min() - 3):xs.max() + 4]


def for_text(crop: np.ndarray, dpi: float) -> np.ndarray:
    """A cell crop as the Chinese read wants it: enlarged to CELL_DPI (small CJK strokes need it), padded."""
    scale = max(1.0, CELL_DPI / dpi)
    if scale > 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return _pad(crop)


def for_digits(crop: np.ndarray, factor: float = 1.0) -> np.ndarray:
    """A one-line number scaled by ``factor``, padded. Tesseract's digit reads of one crop change with its
    size (a leading digit dropped at one size, read at another), hence reads at several sizes near the
    scan's own (measured: enlarging a 150-dpi number or shrinking a 300-dpi one far both lose digits)."""
    if abs(factor - 1.0) > 0.05:
        crop = cv2.resize(crop, None, fx=factor, fy=factor,
                          interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
    return _pad(crop)


def _pad(crop: np.ndarray) -> np.ndarray:
    side = max(_PAD, (2 * crop.shape[0] - crop.shape[1]) // 2)  # a lone "1" is too narrow for tesseract alone
    return cv2.copyMakeBorder(crop, _PAD, _PAD, side, side, cv2.BORDER_CONSTANT, value=255)


def _words_text(words: list[engine.Word]) -> tuple[str, float]:
    """A cell's words as one text (lines joined the CJK way) and its lowest word confidence."""
    if not words:
        return "", 0.0
    lines: dict = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    text = join_cjk_lines([join_cjk_lines(ws) for ws in lines.values()])
    return text, min(w.conf for w in words)


def as_number_text(text: str) -> Optional[str]:
    """The text as a number the way the cell parser reads it, after the usual OCR confusions (O->0, l->1)."""
    squeezed = re.sub(r"\s+", "", text)
    if not squeezed or not _NUMBERISH.match(squeezed):
        return None
    fixed = squeezed.translate(_CONFUSED)
    parsed = parse_cell(fixed)
    return fixed if parsed is not None and parsed.value is not None else None


def _read_table(clean: np.ndarray, grid: ImageGrid, dpi: float, slant: float = 0.0) -> dict:
    """The table's cells read (see the module docstring); a table printed italic (``slant``) has every
    cell sheared upright before any read."""
    owners = sorted({o for row in grid.owner for o in row})
    boxes = {o: grid.cell_box(*o) for o in owners}
    crops = {o: crop_cell(clean, boxes[o], dpi) for o in owners}
    present = [o for o in owners if crops[o] is not None]
    if slant:
        crops = {o: upright(crops[o], slant) for o in present}
    first = engine.read_batch([for_text(crops[o], dpi) for o in present], psm=6)
    reads = {o: _words_text(words) for o, words in zip(present, first)}
    if not slant:
        _italic_cells_again(reads, crops, dpi)
    checkpoint()
    digits = _digit_cells(reads, grid)
    votes = {o: [reads[o]] for o in digits}
    for factor in DIGIT_SCALES:
        second = engine.read_batch([for_digits(crops[o], factor) for o in digits], psm=7, lang="eng",
                                   whitelist=engine.DIGITS)
        for o, words in zip(digits, second):
            votes[o].append(_words_text(words))
        checkpoint()
    for o in digits:
        reads[o] = settle(votes[o])
    cells = {}
    for o in present:
        text, conf = reads[o]
        if text:
            x0, y0, x1, y1 = boxes[o]
            cells[f"{o[0]},{o[1]}"] = [text, round(conf, 3), [_pt(x0, dpi), _pt(y0, dpi), _pt(x1, dpi), _pt(y1, dpi)]]
    return {"cells": cells, "owner": [[list(o) for o in row] for row in grid.owner],
            "bbox": [_pt(v, dpi) for v in grid.bbox], "x_edges": [_pt(x, dpi) for x in grid.x_edges]}


def _italic_cells_again(reads: dict, crops: dict, dpi: float) -> None:
    """Cells whose Chinese read came out mostly Latin letters (an italic face: a browser prints a page's
    <em> tables so) are read once more, sheared upright, Chinese only; kept when surer and Chinese."""
    doubtful = [o for o, (text, _conf) in reads.items() if _doubtful(text)]
    if not doubtful:
        return
    again = engine.read_batch([upright(for_text(crops[o], dpi), SLANT) for o in doubtful], psm=6, lang="chi_sim")
    for o, words in zip(doubtful, again):
        text, conf = _words_text(words)
        if text and _has_cjk(text) and conf > reads[o][1]:
            reads[o] = (text, conf)


def _doubtful(text: str) -> bool:
    return _latin_share(text) > 0.5 and as_number_text(text) is None


def _digit_cells(reads: dict, grid: ImageGrid) -> list[tuple[int, int]]:
    """Cells to read again digits-only: those that read as a number, and short unsure reads in a column
    whose other cells are mostly numbers (the shape of a value column, not a catalog's say)."""
    cols: dict[int, list[bool]] = {}
    rows: dict[int, list[bool]] = {}
    for (i, j), (text, _conf) in reads.items():
        numeric = as_number_text(text) is not None
        cols.setdefault(j, []).append(numeric)
        rows.setdefault(i, []).append(numeric)
    value_cols = {j for j, flags in cols.items() if len(flags) >= 3 and sum(flags) >= 0.6 * len(flags)}
    value_rows = {i for i, flags in rows.items() if len(flags) >= 3 and sum(flags) >= 0.6 * len(flags)}
    out = []
    for o, (text, _conf) in reads.items():
        if as_number_text(text) is not None:
            out.append(o)
        elif (o[1] in value_cols or o[0] in value_rows) and len(text.replace(" ", "")) <= 3 and not _has_cjk(text):
            out.append(o)
    return sorted(out)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def settle(reads: list[tuple[str, float]]) -> tuple[str, float]:
    """One value from several reads of a cell (the Chinese read, then digits-only reads at other sizes):
    the number most reads give wins, with the best confidence among them when at least two agree; a number
    only one read gives keeps at most 0.5, so the doubt shows downstream. No number: the Chinese read."""
    numbers = [(as_number_text(text), conf) for text, conf in reads]
    counts: dict[str, list[float]] = {}
    for number, conf in numbers:
        if number is not None:
            counts.setdefault(number, []).append(conf)
    if not counts:
        loose = re.sub(r"[^\d.,\-%]", "", reads[0][0])
        if loose and len(loose) * 2 >= len(reads[0][0].strip()) and as_number_text(loose) is not None:
            return loose, min(reads[0][1], 0.3)  # '0)': the digits of a garbled read, never trusted
        return reads[0]
    best = max(counts, key=lambda n: (len(counts[n]), max(counts[n])))
    agree = len(counts[best])
    conf = max(counts[best]) if agree >= 2 else min(max(counts[best]), 0.5)
    if agree <= sum(len(v) for v in counts.values()) - agree:
        conf = min(conf, 0.55)  # reads that disagree as often as they agree: below the 0.6 trust line
    return best, conf


def _text_page(grey: np.ndarray, table_boxes) -> np.ndarray:
    """The page with its tables wiped: what the line read sees."""
    page = grey.copy()
    for x0, y0, x1, y1 in table_boxes:
        page[max(0, y0 - 4):y1 + 5, max(0, x0 - 4):x1 + 5] = 255
    return page


def _lines_slant(grey: np.ndarray, table_boxes) -> float:
    return measure_slant(_text_page(grey, table_boxes))


def _read_lines(grey: np.ndarray, table_boxes, dpi: float) -> list[dict]:
    """Text lines outside the tables, top to bottom: [{text, conf, bbox}] in points. A page printed italic
    is read sheared upright whole (boxes mapped back to the page)."""
    page = _text_page(grey, table_boxes)
    if not (page < 128).any():
        return []
    slant = measure_slant(page)
    seen = upright(page, slant)
    words = engine.read_image(seen, psm=3)
    lines: dict = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    found = []
    for group in lines.values():
        text, conf = _words_text(group)
        if not text or (conf < 0.4 and len(text) <= 2):
            continue  # speckles and seal remains read as a stray glyph
        box = (min(w.box[0] for w in group), min(w.box[1] for w in group),
               max(w.box[2] for w in group), max(w.box[3] for w in group))
        found.append([text, conf, box])
    if slant:  # doubtful lines of an italic page: read again as printed (an upright line among italic ones)
        found = [[t, c, box_back(box, slant, *page.shape)] for t, c, box in found]
    _upright_again(page, found, 0.0 if slant else SLANT)
    out = [{"text": t, "conf": round(c, 3), "bbox": [_pt(v, dpi) for v in box]} for t, c, box in found]
    out.sort(key=lambda ln: (ln["bbox"][1], ln["bbox"][0]))
    return out


SLANT = 0.22  # the shear of an italic (oblique) CJK face: titles printed italic read as Latin garbage


def _upright_again(page: np.ndarray, found: list[list], slant: float) -> None:
    """Lines that read poorly (mostly Latin letters, or low confidence) are read once more, ``slant``
    sheared away and Chinese only: web pages often print the report's title and headings in italic, which
    the model misreads (on a page read upright whole, ``slant`` 0: a line printed upright among the italic
    ones). The second read is kept only when it is surer and has Chinese in it."""
    doubtful = [k for k, (text, conf, _box) in enumerate(found) if _latin_share(text) > 0.5 or conf < 0.6]
    if not doubtful:
        return
    crops = [_strip(page, found[k][2], slant) for k in doubtful]
    reads = engine.read_batch(crops, psm=7, lang="chi_sim")
    for k, words in zip(doubtful, reads):
        text, conf = _words_text(words)
        if text and _has_cjk(text) and conf > found[k][1]:
            found[k][0], found[k][1] = text, conf


def _latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isascii() for ch in letters) / len(letters) if letters else 0.0


def _strip(page: np.ndarray, box, slant: float) -> np.ndarray:
    """The line's strip, padded, with an italic ``slant`` sheared away."""
    x0, y0, x1, y1 = box
    pad = max(6, (y1 - y0) // 3)
    strip = page[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad + int((y1 - y0) * slant)]
    h, w = strip.shape[:2]
    shear = np.float32([[1, slant, -slant * h], [0, 1, 0]])  # the top moves left: upright again
    return cv2.warpAffine(strip, shear, (w, h), borderValue=255)
