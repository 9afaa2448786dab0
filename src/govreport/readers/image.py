"""Scanned page images (.png, .jpg/.jpeg, .tif/.tiff) -> Document, by OCR (readers/ocr/).

Each image (each frame of a multi-page TIFF) is one page; its ruled tables and text lines go through the
PDF reader's page joining and column placement, so a scanned report is extracted like a printed one.
"""
from __future__ import annotations

from pathlib import Path

from govreport.errors import ReportError
from govreport.model import Document


def read_image(path) -> Document:
    from PIL import Image, UnidentifiedImageError

    from govreport.readers.ocr.document import engine_name, read_image_file
    from govreport.readers.ocr.engine import OcrUnavailable
    from govreport.readers.pdf_join import join_pages

    path = Path(path)
    try:
        pages = read_image_file(path)
    except Image.DecompressionBombError as exc:
        raise ReportError(path, f"image too large to read: {exc}") from None
    except UnidentifiedImageError:
        raise ReportError(path, "not an image Pillow can read (damaged or not what its suffix says)") from None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's words for a cut or damaged image
        raise ReportError(path, f"not an image Pillow can read (damaged or truncated: {exc})") from None
    except OcrUnavailable as exc:
        raise ReportError(path, f"scanned image needs OCR: {exc}") from None
    except TimeoutError as exc:
        raise ReportError(path, f"gave up OCR: {exc}") from None
    if not any(p.n_chars for p in pages):
        raise ReportError(path, "OCR found no text in the image")
    return Document(path=path, format="image", blocks=join_pages(pages), hard_wrapped=True,
                    meta={"ocr_pages": [p.number for p in pages], "ocr_engine": engine_name()})
