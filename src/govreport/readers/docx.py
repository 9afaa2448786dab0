"""Word (.docx) reports through python-docx: paragraphs and tables in body order.

A .docx is a zip of XML parts, so the archive is checked before python-docx
opens it: a zip bomb (huge expansion, too many members) is refused, and only
the parts the document needs are ever read. python-docx resolves merged cells
(gridSpan / vMerge) by returning the same cell for every grid position it
covers, which is exactly the span-expanded grid the extractor wants. External
relationships (linked templates, images on a server) are never followed.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..document import Block, Document, ReportError

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
MAX_NESTING = 20


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ReportError(path, f"not a valid .docx (corrupt or truncated zip: {exc})") from exc
    if len(infos) > MAX_MEMBERS:
        raise ReportError(path, f".docx has {len(infos)} parts (limit {MAX_MEMBERS}): refused as a possible zip bomb")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ReportError(path, f".docx expands to {total // (1024 * 1024)} MB from {packed // 1024} KB: refused as a possible zip bomb")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ReportError(path, "not a Word document (.docx without word/document.xml)")


def _table_blocks(table, depth: int = 0) -> list[Block]:
    """The table as a grid, then any tables nested in its cells as blocks of their own."""
    if depth > MAX_NESTING:
        raise ReportError(None, "tables nested too deeply")
    rows, nested, visited = [], [], set()
    for row in table.rows:
        cells = []
        for cell in row.cells:  # a merged cell comes back once per grid position it covers
            text = "\n".join(p.text for p in cell.paragraphs).strip()
            cells.append(text or None)
            if id(cell._tc) not in visited:
                visited.add(id(cell._tc))
                for inner in cell.tables:
                    nested.extend(_table_blocks(inner, depth + 1))
        rows.append(cells)
    return [Block.table(rows)] + nested


def read_docx(path: Path) -> Document:
    path = Path(path)
    _check_archive(path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for broken parts
        raise ReportError(path, f"cannot open .docx ({exc.__class__.__name__}: {exc})".replace("\n", " ")) from exc
    blocks: list[Block] = []
    try:
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = Paragraph(child, document).text.strip()
                if text:
                    blocks.append(Block.line(text))
            elif tag == "tbl":
                blocks.extend(_table_blocks(Table(child, document)))
    except ReportError as exc:
        raise ReportError(path, exc.problem) from exc
    return Document(path=path, format="docx", blocks=blocks, hard_wrapped=False)
