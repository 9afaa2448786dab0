"""PDF reports with a text layer, through pdfplumber.

Why pdfplumber: its table finder reads the ruled tables every national template
prints (merged cells come back as None, so blanks stay blank), it keeps the
characters' positions for the unruled case, and it is MIT-licensed pure Python
on top of pdfminer.six. PyMuPDF is faster but AGPL; camelot needs Ghostscript.

Each page becomes, in vertical order, table blocks for ruled tables and one
text block per visual line for everything else. A table that runs on from the
previous page (same column count, nothing but page furniture in between) is
joined to it. A PDF without characters is a scan: that needs OCR, not parsing.
"""
from __future__ import annotations

from pathlib import Path

from ..document import Block, Document, ReportError
from .text import is_page_mark

MAX_PAGES = 300
# Ruled tables only: an unruled table is read as positioned text lines instead.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "intersection_tolerance": 3}


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages  # forces the page tree to be read
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ReportError(path, "password-protected PDF: cannot read without the password") from exc
    except PDFSyntaxError as exc:
        raise ReportError(path, f"corrupt or truncated PDF ({exc})") from exc
    except Exception as exc:  # pdfminer raises many kinds for broken files
        name = exc.__class__.__name__
        if "Password" in name or "Encrypt" in name:
            raise ReportError(path, "password-protected PDF: cannot read without the password") from exc
        raise ReportError(path, f"corrupt or truncated PDF ({name}: {exc})".replace("\n", " ")) from exc
    if not pages:
        pdf.close()
        raise ReportError(path, "corrupt or truncated PDF (no pages found)")
    return pdf


def _inside(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)


def _page_items(page) -> list[tuple[float, Block]]:
    """Tables and text lines of one page, each with its top coordinate."""
    items: list[tuple[float, Block]] = []
    boxes = []
    for table in page.find_tables(TABLE_SETTINGS):
        rows = table.extract()
        if not rows or max(len(r) for r in rows) < 2:
            continue  # a framed text box: its words are read as text lines below
        boxes.append(table.bbox)
        items.append((table.bbox[1], Block.table(rows, page=page.page_number)))
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes)) if boxes else page
    for line in outside.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = line["text"]
        if text and not is_page_mark(text):
            items.append((line["top"], Block.line(text, page=page.page_number)))
    items.sort(key=lambda item: item[0])
    return items


def _continues(previous: Block, table: Block) -> bool:
    width = lambda b: max((len(r) for r in b.rows), default=0)
    return previous.kind == "table" and table.kind == "table" and width(previous) == width(table)


def read_pdf(path: Path) -> Document:
    path = Path(path)
    pdf = _open(path)
    blocks: list[Block] = []
    n_chars = 0
    try:
        if len(pdf.pages) > MAX_PAGES:
            raise ReportError(path, f"PDF has {len(pdf.pages)} pages (limit {MAX_PAGES}); not an annual report")
        for page in pdf.pages:
            n_chars += len(page.chars)
            items = _page_items(page)
            for n, (_top, block) in enumerate(items):
                if n == 0 and blocks and _continues(blocks[-1], block):
                    prev = blocks.pop()
                    block = Block.table(prev.rows + block.rows, page=prev.page)
                blocks.append(block)
            page.flush_cache()
    except ReportError:
        raise
    except Exception as exc:
        raise ReportError(path, f"corrupt or truncated PDF ({exc.__class__.__name__}: {exc})".replace("\n", " ")) from exc
    finally:
        pdf.close()
    if n_chars == 0:
        raise ReportError(path, "no text layer (scanned PDF?): OCR is needed before it can be parsed")
    return Document(path=path, format="pdf", blocks=blocks, hard_wrapped=True)
