"""Readers: one module per input format, each turning a file into a Document."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Optional

from govreport.errors import ReportError
from govreport.model import Document
from govreport.readers import sniff
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


def _reader_for(fmt: str):
    module, function = _READERS[fmt]
    return getattr(importlib.import_module(f"govreport.readers.{module}"), function)


def _format(path: Path) -> str:
    """The format to read ``path`` as: its suffix's; for a suffix that names none, its first bytes'
    (readers/sniff.py); a file under a binary format's name whose bytes are another format a reader takes as it
    is (a web page: Word's "web page" .doc, a portal's error page saved as the .pdf; a PDF or .docx saved as .doc,
    a scan saved as .pdf) is read as what it is. A one-line ReportError when no format is known."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is not None and fmt not in sniff.BINARY:
        return fmt
    data = sniff.head(path)
    if fmt is not None:
        return sniff.content_format(path, data, fmt) or fmt  # OLE2 (only a suffix tells Word from Excel), or none
    found = sniff.content_format(path, data)
    if found is None:
        raise ReportError(path, f"unsupported file type '{path.suffix or '(none)'}' (expected one of "
                                f"{', '.join(SUPPORTED_SUFFIXES)}){sniff.hint(data)}")
    return found


def reader_of(path) -> str:
    """Which reader reads ``path`` (its format, as ``read_document`` chooses it), or its suffix when none does: two
    files of the same bytes are one report only when the same reader reads them (ingest's duplicates)."""
    path = Path(path)
    try:
        return _format(path)
    except (ReportError, OSError):
        return path.suffix.lower()


def unread_by_content(path) -> Optional[str]:
    """For a file whose suffix names no format: None when its first bytes make it readable all the same, else
    what they say of it ('' or a hint), for discovery's one line."""
    try:
        data = sniff.head(Path(path))
    except OSError:
        return ""
    return None if sniff.content_format(Path(path), data) is not None else sniff.hint(data)


SUPPORTED_SUFFIXES = tuple(_FORMATS)
BY_SUFFIX_ALONE = {s: f for s, f in _FORMATS.items() if f not in sniff.BINARY}  # read as named, bytes unseen


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
    fmt = _format(path)
    reader = _reader_for(fmt)
    if fmt in _MARKUP and size > LIMITS.max_markup_bytes:
        raise ReportError(path, f"{_FORMAT_NAMES[fmt]} file too large ({size // (1024 * 1024)} MB > "
                                f"{LIMITS.max_markup_bytes // (1024 * 1024)} MB limit for text, HTML and Markdown)")
    try:
        with file_budget(path, LIMITS.read_seconds(fmt), f"reading {_FORMAT_NAMES[fmt]}"):
            return reader(path)
    except ReportError as exc:
        advice = sniff.misnamed(path, fmt)  # a Word 97-2003 file saved as .docx or .pdf: say so
        if advice and type(exc) is ReportError and not exc.problem.endswith(advice):
            raise ReportError(path, exc.problem + advice) from exc
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise ReportError(path, f"cannot read file: {exc.__class__.__name__}: {exc}") from exc
