"""PDF with a text layer -> Document: ruled and unruled tables as position-true grids, the rest as lines.

pdfplumber (MIT, on pdfminer.six) is used because its table finder works on
the ruling lines the report templates draw, and exposes cell and word boxes.
Per page, in reading order (top to bottom): ruled tables become table blocks
whose values stand under the header column their cell box overlaps
(readers/placement.py); tables printed without lines are found by their
header words and read by word positions (readers/unruled.py); other
characters become one text block per visual line. A table continued on the
next page is joined into one block. Owner-password PDFs (which open without a
password) are read; user-password and truncated files end as a
one-line ReportError. Pages without a text layer are read by OCR (readers/ocr/: Tesseract, ruled
tables cut into cells) and joined in page order, so a scanned or half-scanned report reads whole.
"""
from __future__ import annotations

import logging
from pathlib import Path

from govreport.errors import ReportError
from govreport.model import Document
from govreport.readers import pdfium
from govreport.readers.limits import MAX_PDF_PAGES, PDF_TIME_BUDGET_S, time_limit
from govreport.readers.pdf_fonts import repair_cid_system_info
from govreport.readers.pdf_grid import read_page
from govreport.readers.pdf_join import check_end_marker, join_pages

# pdfminer logs every odd token of a damaged file as a warning; the reader
# reports one line instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read_pdf(path, fast: bool = True) -> Document:
    """Read a PDF; see the module docstring. Pages without a text layer (scans) are read by OCR
    (readers/ocr/) and their blocks put among the text pages' blocks in page order.

    ``fast``: first try readers/pdfium.py (PDFium's characters and paths, the same grid
    logic of readers/pdf_grid.py and pdf_join.py, the same Document), which leaves files it cannot read the same way to pdfplumber.
    """
    path = Path(path)
    doc, _why, empty = pdfium.read_counted(path) if fast else (None, None, None)
    if doc is None:
        doc = _read_plumber(path)
    scanned = _textless_pages(path) if empty is None or empty else []  # a page with characters is no scan
    if scanned:
        return _with_ocr(path, doc, scanned)
    if doc is None:
        raise ReportError(path, "no text layer and no page image to read")
    return doc


def _read_plumber(path: Path):
    """The Document pdfplumber reads, or None when no page has a text layer (all scanned)."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with time_limit(PDF_TIME_BUDGET_S, path, "reading PDF"):
            with pdfplumber.open(path) as pdf:
                n_pages = len(pdf.pages)
                if n_pages > MAX_PDF_PAGES:
                    raise ReportError(path, f"PDF has {n_pages} pages (limit {MAX_PDF_PAGES}): not an annual report")
                if pdf.doc.encryption is not None:
                    repair_cid_system_info(pdf)
                pages, carry = [], None
                for number, page in enumerate(pdf.pages, 1):
                    read, carry = read_page(page, number, carry)
                    pages.append(read)
    except ReportError:
        raise
    except PdfminerException as exc:
        raise ReportError(path, _pdfminer_problem(exc)) from None
    except Exception as exc:  # pdfminer raises bare errors (KeyError, TypeError, RecursionError...) on damaged files
        raise ReportError(path, f"corrupt or truncated PDF ({exc.__class__.__name__}: {_one_line(exc)})") from None
    if not pages:
        raise ReportError(path, "corrupt or truncated PDF (no pages)")
    check_end_marker(path)
    if not any(p.n_chars for p in pages):
        return None
    return Document(path=path, format="pdf", blocks=join_pages(pages), hard_wrapped=True)


def _textless_pages(path: Path) -> list[int]:
    from govreport.readers.ocr.document import textless_pages

    try:
        return textless_pages(path)
    except Exception:  # PDFium cannot open what pdfplumber read: no page is known to be a scan
        return []


def _with_ocr(path: Path, doc, scanned: list[int]) -> Document:
    """``doc`` (the text pages, or None) with the scanned pages' blocks read by OCR, in page order."""
    from govreport.readers.ocr.document import engine_name, read_pdf_pages
    from govreport.readers.ocr.engine import OcrUnavailable

    where = f"page{'s' if len(scanned) > 1 else ''} {_page_list(scanned)}"
    try:
        pages = read_pdf_pages(path, scanned)
    except OcrUnavailable as exc:
        raise ReportError(path, f"no text layer on {where} (scanned PDF): {exc}") from None
    except TimeoutError as exc:
        raise ReportError(path, f"gave up OCR of {where}: {exc}") from None
    if doc is None and not any(p.n_chars for p in pages):
        raise ReportError(path, "no text layer (scanned PDF) and OCR found no text on its pages")
    blocks, page = [], 0
    for block in (doc.blocks if doc is not None else []) + join_pages(pages):
        page = block.page if block.page is not None else page
        blocks.append((page, len(blocks), block))
    blocks.sort(key=lambda b: (b[0], b[1]))  # stable: each page's blocks keep their order
    meta = dict(doc.meta) if doc is not None else {}
    meta.update(ocr_pages=list(scanned), ocr_engine=engine_name())
    return Document(path=path, format="pdf", blocks=[b[2] for b in blocks], hard_wrapped=True, meta=meta)


def _page_list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else "")


# --------------------------------------------------------------------------
# error wording


def _pdfminer_problem(exc: Exception) -> str:
    inner = exc.args[0] if exc.args else exc
    if not isinstance(inner, BaseException):
        return f"corrupt or truncated PDF ({_one_line(inner)})"
    name = inner.__class__.__name__
    if "Password" in name or "Encrypt" in name:
        return "password-protected PDF: cannot read without the password"
    if name == "PDFSyntaxError":  # its messages already say what is wrong
        return f"corrupt or truncated PDF ({_one_line(inner)})"
    return f"corrupt or truncated PDF ({name}: {_one_line(inner)})"


def _one_line(exc) -> str:
    text = " ".join(str(exc).split())
    return text[:160] if text else "(no detail)"
