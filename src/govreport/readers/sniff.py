"""What a file's first bytes say it is, for the files whose name does not say it.

Bulk downloads from government portals name files badly: ``downfile.do``, ``P020230131…`` with no suffix, or a
report's name on what the portal actually sent, an error, login or redirect page. A file is read by its
content when its suffix names no format, or names a binary format its bytes are not: a web page is read as one
whatever its name says (Word's "web page" .doc files are reports; a portal's error page saved as the .pdf fails as
no report, and says it is a web page), as is a PDF or .docx saved as .doc and a scan saved as .pdf.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Optional

HEAD_BYTES = 4096  # read from the start of a file for its signature
BINARY = {"pdf", "docx", "doc", "xls", "image"}  # formats a web page cannot be


# (kind, searched in the first 1,024 bytes rather than at the start, pattern, the format it reads as): file
# formats, not report knowledge, so here beside the suffixes (readers/__init__.py), not in the catalog
SIGNATURES = (
    ("pdf", True, re.compile(rb"%PDF-"), "pdf"),  # its header may follow up to 1,024 bytes of other data
    ("zip", False, re.compile(rb"PK\x03\x04"), "docx"),  # a .docx when it holds word/document.xml
    ("ole2", False, re.compile(rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), ""),  # Word/Excel 97-2003: only a suffix tells which
    ("png", False, re.compile(rb"\x89PNG\r\n\x1a\n"), "image"),
    ("jpeg", False, re.compile(rb"\xff\xd8\xff"), "image"),
    ("tiff", False, re.compile(rb"II\*\x00|MM\x00\*"), "image"),
    ("html", False, re.compile(rb"(?is)(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                               rb"<(?:!doctype\s+html|html|head|body|meta|title)\b"), "html"),
)


# a format read by its bytes -> (what a failure calls such a file, the suffixes that name it)
READ_AS = {"html": ("a web page", (".html", ".htm", ".xhtml")), "pdf": ("a PDF", (".pdf",)),
           "docx": ("a Word .docx file", (".docx",)), "image": ("an image", (".png", ".jpg", ".jpeg", ".tif", ".tiff"))}


def head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEAD_BYTES)


def kind(data: bytes) -> Optional[str]:
    """The kind (SIGNATURES) of the bytes a file starts with (``head``), or None."""
    for name, first_kb, pattern, _reads in SIGNATURES:
        if (pattern.search(data, 0, 1024) if first_kb else pattern.match(data)):
            return name
    return None


def content_format(path: Path, data: bytes, named: Optional[str] = None) -> Optional[str]:
    """The reader format of a file by its first bytes ``data``; None when they are no report format (a zip is a
    .docx only when it holds word/document.xml). ``named``: the format its suffix names, returned as soon as the
    bytes agree (a .docx's zip is not opened here: its reader opens it)."""
    found = kind(data)
    reads = next((r for name, _f, _p, r in SIGNATURES if name == found), "") if found else ""
    if reads and reads == named:
        return named
    if reads == "docx":
        try:
            with zipfile.ZipFile(path) as zf:
                return "docx" if "word/document.xml" in zf.namelist() else None
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return reads or None


def hint(data: bytes) -> str:
    """What to do with a file of these first bytes that no reader takes by its name or its bytes: '' or advice."""
    return "; its bytes are a Word or Excel 97-2003 file: name it .doc or .xls" if kind(data) == "ole2" else ""


def misnamed(path: Path, fmt: str) -> str:
    """Advice for a file that failed as a PDF or image (its suffix's format) while its bytes are a Word or Excel
    97-2003 file, which no reader takes by its bytes alone: '' or the advice (the .docx reader words its own:
    an OLE2 .docx may be an encrypted one)."""
    if fmt not in ("pdf", "image"):
        return ""
    try:
        return hint(head(path))
    except OSError:
        return ""


def named_otherwise(doc) -> str:
    """Words for a failure of a file read as another format than its name says (``…; the file named .pdf is a web
    page: '404 Not Found'``), so the reader of the failure knows to download it again; '' for any other."""
    suffix = Path(doc.path).suffix.lower() if doc.path else ""
    what, own = READ_AS.get(doc.format, ("", ()))
    if not what or suffix in ("", *own) or not suffix[1:].isalnum():
        return ""
    title = " ".join(str(doc.meta.get("title", "")).split())[:80] if doc.format == "html" else ""
    return f"; the file named {suffix} is {what}" + (f": '{title}'" if title else "")
