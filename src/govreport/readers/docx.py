"""Word (.docx) reports through python-docx: paragraphs and tables in body order.

A .docx is a zip of XML parts, so the archive is checked first
(safety.check_zip_archive: zip bombs and DTD/entity declarations are refused
before python-docx, whose lxml parser has resolve_entities=False, reads a
byte). Merged cells (gridSpan / vMerge) come back from python-docx as the same
cell at every grid position it covers, which is the span-expanded grid the
Document contract asks for. Tables nested in cells become blocks of their own.
External relationships (linked templates, linked images) are never followed.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..document import Block, Document, ReportError
from ..normalize import is_value_token
from ..safety import DOCX_TIME_BUDGET_S, check_zip_archive, time_limit

MAX_NESTING = 20  # deeper nesting is refused: no report needs it, and recursion must stay bounded
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(path) -> Document:
    """Read a .docx; see the module docstring. Bad files raise a one-line ReportError."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        raise ReportError(path, "password-protected (encrypted) or legacy binary Word file, not a readable .docx")
    check_zip_archive(path, ".docx")
    with zipfile.ZipFile(path) as zf:
        if "word/document.xml" not in zf.namelist():
            raise ReportError(path, "not a Word document (.docx without word/document.xml)")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    with time_limit(DOCX_TIME_BUDGET_S, path, "reading DOCX"):
        try:
            document = docx.Document(str(path))
        except PackageNotFoundError:
            raise ReportError(path, "not a Word document (no main document part)") from None
        except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors for broken parts
            raise ReportError(path, f"cannot open .docx ({exc.__class__.__name__}: {_one_line(exc)})") from None
        blocks: list[Block] = []
        if _body_blocks(document, document.element.body, blocks, depth=0):
            raise ReportError(path, f"tables nested more than {MAX_NESTING} deep")
    return Document(path=path, format="docx", blocks=blocks, hard_wrapped=False)


def _one_line(exc) -> str:
    return " ".join(str(exc).split())[:160] or "(no detail)"


def _body_blocks(document, body, blocks: list[Block], depth: int) -> int:
    """Paragraphs and tables of a body-like element, in order; content controls are opened."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    skipped = 0
    for child in body.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            text = Paragraph(child, document).text.strip()
            if text:
                blocks.append(Block.line(text))
        elif tag == _W + "tbl":
            skipped += _table_blocks(document, Table(child, document), blocks, depth)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                skipped += _body_blocks(document, content, blocks, depth)
    return skipped


def _cell_text(cell) -> str | None:
    text = "\n".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
    return text or None


def _table_blocks(document, table, blocks: list[Block], depth: int) -> int:
    """The table as a rectangular grid, then the tables nested in its cells."""
    if depth >= MAX_NESTING:
        return 1
    rows: list[list] = []
    nested = []
    seen: set[int] = set()
    alive = []  # keep each cell element's proxy alive so its id() stays unique
    for row in table.rows:
        cells = []
        for cell in row.cells:  # a merged cell comes back once per grid position it covers
            text = _cell_text(cell)
            first = id(cell._tc) not in seen
            # Label text is repeated over a merged region; a number is kept once, so a
            # merged value cell is never counted twice (the other positions stay blank).
            cells.append(text if first or not is_value_token(text or "") else None)
            if first:
                seen.add(id(cell._tc))
                alive.append(cell._tc)
                nested.extend(cell.tables)
        rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]  # rows that end early (Word allows it)
    if any(any(c is not None for c in r) for r in rows):
        blocks.append(Block.table(rows))
    skipped = 0
    for inner in nested:
        skipped += _table_blocks(document, inner, blocks, depth + 1)
    return skipped
