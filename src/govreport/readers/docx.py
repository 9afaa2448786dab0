"""Word (.docx) reports through python-docx: paragraphs and tables in body order.

A .docx is a zip of XML parts, so the archive is checked first
(safety.check_zip_archive: zip bombs and DTD/entity declarations are refused
before python-docx, whose lxml parser has resolve_entities=False, reads a
byte). Merged cells (gridSpan / vMerge) are read from the XML with their grid
offsets and Word's column widths, and placed by position (readers/placement.py):
a value stands under the header column it covers, even when Word's rows split
the page differently from the header row. Tables nested in cells become blocks
of their own.
External relationships (linked templates, linked images) are never followed.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Optional

from govreport.errors import ReportError
from govreport.model import Block, Document
from govreport.text.normalize import is_value_token
from govreport.readers.limits import DOCX_TIME_BUDGET_S, check_zip_archive, time_limit
from govreport.readers.placement import Span, column_widths, edges_from_widths, place

MAX_NESTING = 20  # deeper nesting is refused: no report needs it, and recursion must stay bounded
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
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
            for box in _text_boxes(child):
                skipped += _body_blocks(document, box, blocks, depth + 1)
        elif tag == _W + "tbl":
            skipped += _table_blocks(document, Table(child, document), blocks, depth)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                skipped += _body_blocks(document, content, blocks, depth)
    return skipped


def _text_boxes(paragraph) -> list:
    """Text boxes anchored in a paragraph (LibreOffice puts a floating table in one).

    Each box is written twice, as DrawingML (mc:Choice) and as a VML fallback
    (mc:Fallback); only the first is read, so nothing is read twice.
    """
    boxes = []
    for box in paragraph.iter(_W + "txbxContent"):
        if not any(a.tag == _MC + "Fallback" for a in box.iterancestors()) and \
                not any(a.tag == _W + "txbxContent" for a in box.iterancestors()):
            boxes.append(box)
    return boxes


def _cell_text(cell) -> str | None:
    text = "\n".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
    return text or None


def _table_blocks(document, table, blocks: list[Block], depth: int) -> int:
    """The table as a position-true grid (readers/placement.py), then the tables nested in its cells."""
    if depth >= MAX_NESTING:
        return 1
    rows, nested, widths = _table_spans(table)
    n = max((s.stop for r in rows for s in r), default=0)
    if n:
        edges = edges_from_widths(_grid_widths(table, widths, n))
        grid = place(rows, edges).rows
        if any(any(c is not None for c in r) for r in grid):
            blocks.append(Block.table(grid))
    skipped = 0
    for inner in nested:
        skipped += _table_blocks(document, inner, blocks, depth + 1)
    return skipped


def _table_spans(table):
    """Each row as Spans over Word's table grid (gridBefore, gridSpan, vMerge read from the XML).

    A vertically merged cell repeats its label text in the rows it covers; a
    number stays in its first row only, so a merged value is never read twice.
    """
    from docx.table import _Cell

    rows: list[list[Span]] = []
    nested: list = []
    widths: list[tuple[int, int, Optional[float]]] = []
    above: dict[int, Optional[str]] = {}  # grid column -> text of the cell a vMerge continues
    for tr in table._tbl.tr_lst:
        col = tr.grid_before
        row: list[Span] = []
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            if tc.vMerge == "continue":
                prev = above.get(col)
                text = None if prev is None or is_value_token(prev) else prev
            else:
                cell = _Cell(tc, table)
                text = _cell_text(cell)
                nested.extend(cell.tables)
                above.update({c: text for c in range(col, col + span)})
                width = tc.width
                widths.append((col, col + span, float(width) if width else None))
            row.append(Span(col, col + span, text))
            col += span
        rows.append(row)
    return rows, nested, widths


def _grid_widths(table, cell_widths, n: int) -> list[float]:
    """Column widths from <w:tblGrid>, else from the cells' own widths (tcW)."""
    grid = table._tbl.tblGrid
    cols = [gc.w for gc in grid.gridCol_lst] if grid is not None else []
    if len(cols) >= n and all(w for w in cols[:n]):
        return [float(w) for w in cols[:n]]
    return column_widths(cell_widths, n)
