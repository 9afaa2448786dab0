"""Readers: one module per input format, each turning a file into a Document."""
from __future__ import annotations

from pathlib import Path

from ..document import Document, ReportError
from ..safety import LIMITS, file_budget

MAX_FILE_BYTES = LIMITS.max_file_bytes  # larger files are refused, not read
_FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html",
            ".md": "md", ".markdown": "md", ".pdf": "pdf", ".docx": "docx",
            ".doc": "doc", ".wps": "doc", ".xls": "xls"}  # doc/wps/xls: converted by LibreOffice (office.py)
_MARKUP = {"txt", "html", "md"}
_FORMAT_NAMES = {"txt": "text", "html": "HTML", "md": "Markdown", "pdf": "PDF", "docx": "DOCX",
                 "doc": "Word 97-2003 (.doc/.wps)", "xls": "Excel 97-2003 (.xls)"}


def _reader_for(path: Path):
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt == "txt":
        from .text import read_text
        return read_text
    if fmt == "html":
        from .html import read_html
        return read_html
    if fmt == "md":
        from .markdown import read_markdown
        return read_markdown
    if fmt == "pdf":
        from .pdf import read_pdf
        return read_pdf
    if fmt == "docx":
        from .docx import read_docx
        return read_docx
    if fmt == "doc":
        from .office import read_legacy_word
        return read_legacy_word
    if fmt == "xls":
        from .office import read_xls
        return read_xls
    return None


SUPPORTED_SUFFIXES = tuple(_FORMATS)


def read_document(path) -> Document:
    """Read any supported file; raise ReportError with a one-line reason otherwise.

    Every reader runs inside the file's budget (safety.LIMITS: time and memory),
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
