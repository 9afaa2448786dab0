"""Plain text as extracted from PDF (pdftotext and friends): one block per line."""
from __future__ import annotations

import re
from pathlib import Path

from govreport.model import Block, Document
from govreport.readers.limits import checkpoint
from govreport.readers.encoding import read_text_file

# Page furniture that PDF extraction leaves between lines: "-3-", "— 3 —",
# "第 3 页 共 6 页", "3 / 6", form feeds.
_PAGE_MARK = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|Page\s+\d+(?:\s+of\s+\d+)?)\s*$",
    re.IGNORECASE,
)


def is_page_mark(line: str) -> bool:
    return bool(_PAGE_MARK.match(line))


def read_text(path: Path) -> Document:
    text = read_text_file(path)
    return document_from_text(path, text, fmt="txt")


def document_from_text(path: Path, text: str, fmt: str = "txt") -> Document:
    """Split text into line blocks; page marks become page numbers, not text."""
    blocks: list[Block] = []
    page = 1
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if n % 1024 == 0:
            checkpoint()  # the file's time and memory budget (safety.LIMITS)
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if is_page_mark(raw):
            page += 1
            blocks.append(Block.line("", page=page))
            continue
        blocks.append(Block.line(raw.rstrip(), page=page))
    return Document(path=Path(path), format=fmt, blocks=blocks, hard_wrapped=True)
