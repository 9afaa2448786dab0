"""Readers: one module per input format, each turning a file into a Document."""
from __future__ import annotations

from pathlib import Path

from ..document import Document, ReportError

MAX_FILE_BYTES = 100 * 1024 * 1024  # larger files are refused, not read


def _reader_for(path: Path):
    suffix = path.suffix.lower()
    if suffix in {".txt", ".text"}:
        from .text import read_text
        return read_text
    if suffix in {".html", ".htm", ".xhtml"}:
        from .html import read_html
        return read_html
    if suffix in {".md", ".markdown"}:
        from .markdown import read_markdown
        return read_markdown
    if suffix == ".pdf":
        from .pdf import read_pdf
        return read_pdf
    if suffix == ".docx":
        from .docx import read_docx
        return read_docx
    return None


SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".md", ".markdown", ".pdf", ".docx")


def read_document(path) -> Document:
    """Read any supported file; raise ReportError with a one-line reason otherwise."""
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
    try:
        return reader(path)
    except ReportError:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise ReportError(path, f"cannot read file: {exc.__class__.__name__}: {exc}") from exc
