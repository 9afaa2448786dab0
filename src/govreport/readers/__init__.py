"""Readers: one module per input format, each turning a file into a Document."""
from __future__ import annotations

import importlib
from pathlib import Path

from govreport.errors import ReportError
from govreport.model import Document
from govreport.readers.limits import LIMITS, file_budget

MAX_FILE_BYTES = LIMITS.max_file_bytes  # larger files are refused, not read
_FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html",
            ".md": "md", ".markdown": "md", ".pdf": "pdf", ".docx": "docx",
            ".doc": "doc", ".wps": "doc", ".xls": "xls",  # doc/wps/xls: converted by LibreOffice (office.py)
            ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}  # OCR (ocr/)
_MARKUP = {"txt", "html", "md"}
_FORMAT_NAMES = {"txt": "text", "html": "HTML", "md": "Markdown", "pdf": "PDF", "docx": "DOCX",
                 "doc": "Word 97-2003 (.doc/.wps)", "xls": "Excel 97-2003 (.xls)", "image": "scanned image"}
# format -> (module, function): imported only when a file of that format is read (pdfplumber, openpyxl, OpenCV … load slowly)
_READERS = {"txt": ("text", "read_text"), "html": ("html", "read_html"), "md": ("markdown", "read_markdown"),
            "pdf": ("pdf", "read_pdf"), "docx": ("docx", "read_docx"), "doc": ("office", "read_legacy_word"),
            "xls": ("office", "read_xls"), "image": ("image", "read_image")}


def _reader_for(path: Path):
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        return None
    module, function = _READERS[fmt]
    return getattr(importlib.import_module(f"govreport.readers.{module}"), function)


SUPPORTED_SUFFIXES = tuple(_FORMATS)


def read_document(path) -> Document:
    """Read any supported file; raise ReportError with a one-line reason otherwise.

    Every reader runs inside the file's budget (limits.LIMITS: time and memory),
    so a hostile or absurd file ends as a one-line refusal, not a stalled batch."""
    path = Path(path)
    if not path.exists():
        raise ReportError(path, "file not found")
    if not path.is_file():
        raise ReportError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ReportError(path, "empty file")
    if size > MAX_FILE_BYTES:
        raise ReportError(path, f"file too large ({size // (1024 * 1024)} MB > {MAX_FILE_BYTES // (1024 * 1024)} MB limit)")
    reader = _reader_for(path)
    if reader is None:
        raise ReportError(path, f"unsupported file type '{path.suffix or '(none)'}' (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
    fmt = _FORMATS[path.suffix.lower()]
    if fmt in _MARKUP and size > LIMITS.max_markup_bytes:
        raise ReportError(path, f"{_FORMAT_NAMES[fmt]} file too large ({size // (1024 * 1024)} MB > "
                                f"{LIMITS.max_markup_bytes // (1024 * 1024)} MB limit for text, HTML and Markdown)")
    try:
        with file_budget(path, LIMITS.read_seconds(fmt), f"reading {_FORMAT_NAMES[fmt]}"):
            return reader(path)
    except ReportError:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise ReportError(path, f"cannot read file: {exc.__class__.__name__}: {exc}") from exc
