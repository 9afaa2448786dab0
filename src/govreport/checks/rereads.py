"""Re-reading figures read by OCR: what other OCR settings read in a cell (checks/identities.py re-reads the
OCR'd cells of a failing sum, and keeps a re-read only when the sums then hold); which of a sum's figures were
read by OCR, and how a finding's evidence names them."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

from govreport import catalog
from govreport.text.normalize import parse_cell

_REREADS = ((400, None), (300, True))  # (dpi, digits only) of each re-read of an OCR'd cell: finer, then digits


def rereader(doc) -> Optional[Callable]:
    """A function giving what other OCR settings read in one OCR'd cell of ``doc``'s file (a list of OcrCells,
    readers/ocr ``reread``), or None when nothing in the document was read by OCR."""
    if not doc.meta.get("ocr_pages"):
        return None
    from govreport.errors import ReportError
    from govreport.readers import ocr  # OpenCV and tesseract: only for a scanned file

    def reread(cell) -> list:
        out = []
        for dpi, digits in _REREADS:
            try:
                out.append(ocr.reread(doc.path, cell.page, cell.bbox, dpi=dpi, digits=digits))
            except (ReportError, ocr.OcrUnavailable):  # the file or the engine gone since: the first read stands
                break
        return out
    return reread


def reread_values(cell: dict, reread: Callable) -> list[tuple[float, Any]]:
    """(figure, OcrCell) other settings read in an OCR'd value cell: sure enough, plain numbers, unlike the
    first read. A cell whose value is not its plain reading (a unit converted) is not re-read."""
    first = parse_cell(cell["ocr_cell"])
    if first is None or first.value is None or first.value != cell["value"]:
        return []
    out: list[tuple[float, Any]] = []
    for new in reread(cell["ocr_cell"]):
        p = parse_cell(str(new))
        if (p is None or p.value is None or p.unit or p.ambiguous or not p.readable
                or getattr(new, "confidence", 0.0) < catalog.matching_settings()["ocr_min_confidence"]
                or p.value == cell["value"] or any(p.value == v for v, _ in out)):
            continue
        out.append((p.value, new))
    return out


def choices(options: list[tuple[dict, list]]):
    """The sets of re-read figures to try, in order: none, every cell's first re-read, each re-read alone."""
    yield []
    firsts = [(c, vals[0]) for c, vals in options if vals]
    if len(firsts) > 1:
        yield firsts
    for c, vals in options:
        for v in vals:
            yield [(c, v)]


def is_ocr(cell: Optional[dict]) -> bool:
    """A value read by OCR, or a total derived from such values."""
    return cell is not None and (str(cell.get("provenance")) == "ocr" or bool(cell.get("ocr_parts")))


def ocr_operands(left, right, lookup) -> list[dict]:
    """The value rows of a sum's operands read by OCR (each once), ``lookup``(metric, applicant, year offset)."""
    seen, out = set(), []
    for m, a, _w, offset in (*left, *right):
        cell = lookup(m, a, offset)
        if is_ocr(cell) and id(cell) not in seen:
            seen.add(id(cell))
            out.append(cell)
    return out


def as_read(cell: dict) -> str:
    """metric[applicant] read '12' (confidence 0.91): an OCR'd figure in a finding's evidence."""
    figure = cell.get("raw") or f"{cell['value']:g}"
    text = f"{cell['metric']}[{cell['applicant']}] read '{figure}'"
    try:
        confidence = float(cell.get("ocr_confidence"))
    except (TypeError, ValueError):  # a derived total, a stored row's NA
        return text
    return text if math.isnan(confidence) else f"{text} (confidence {confidence:.2f})"
