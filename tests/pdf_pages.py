"""A PDF's pages as the fast path reads them (readers/pdfium._page: PDFium's characters and paths), for the reader
tests that compare its pieces with pdfplumber's or with the compiled loops."""
from __future__ import annotations

from pathlib import Path


def fast_pages(path: Path) -> list:
    """Every page of ``path``, in order, as pdf_grid gets it from the fast path."""
    import pypdfium2

    from govreport.readers import pdfium

    doc = pypdfium2.PdfDocument(str(path))
    out, doctop = [], 0.0
    try:
        for number in range(1, len(doc) + 1):
            page = doc[number - 1]
            try:
                out.append(pdfium._page(page, number, doctop))
            finally:
                page.close()
            doctop += out[-1].height
    finally:
        doc.close()
    return out
