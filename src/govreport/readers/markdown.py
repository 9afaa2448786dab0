"""Markdown reports -> Document: pipe tables become grids, the rest paragraphs.

Markdown copies of reports (converted from Word or typed by hand) keep the
tables as GitHub-style pipe tables: a header row, a separator row of dashes,
then body rows. Everything else is prose; consecutive lines form a paragraph.
"""
from __future__ import annotations

import re
from pathlib import Path

from govreport.text.normalize import join_cjk_lines
from govreport.errors import ReportError
from govreport.model import Block, Cell, Document
from govreport.readers.limits import checkpoint
from govreport.readers.encoding import read_text_file

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_HEADING_CLOSE = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
# Bullets only: ordered numbers ("1.属于国家秘密", "1. 当面申请数") are part of report labels.
_BULLET = re.compile(r"^\s*[-*+]\s+")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def read_markdown(path: Path) -> Document:
    """Read a Markdown report: pipe tables as table blocks, other text as paragraphs."""
    path = Path(path)
    text = _drop_comments(read_text_file(path))  # HTML comments are not rendered
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append(Block.line(join_cjk_lines(para)))
            para.clear()

    i = 0
    in_fence = False
    while i < len(lines):
        if i % 1024 == 0:
            checkpoint()  # the file's time and memory budget (safety.LIMITS)
        line = lines[i]
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            i += 1
            continue
        if in_fence:
            if line.strip():
                blocks.append(Block.line(line.strip()))
            i += 1
            continue
        if "|" in line and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]) and "|" in lines[i + 1]:
            flush()
            rows = [_split_row(line)]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_split_row(lines[i]))
                i += 1
            width = max(len(r) for r in rows)
            blocks.append(Block.table([r + [None] * (width - len(r)) for r in rows]))
            continue
        if not line.strip() or _RULE.match(line):
            flush()
        elif _HEADING.match(line):
            flush()
            text = _inline(_HEADING_CLOSE.sub("", _HEADING.sub("", line)))
            if text:
                blocks.append(Block.line(text))
        else:
            text = _inline(_BULLET.sub("", _QUOTE.sub("", line)))
            if _BULLET.match(_QUOTE.sub("", line)):
                flush()  # each list item is its own paragraph
            if text:
                para.append(text)
        i += 1
    flush()
    if not any(b.kind == "table" or b.text for b in blocks):
        raise ReportError(path, "Markdown file has no text")
    return Document(path=path, format="md", blocks=blocks, hard_wrapped=False)


def _drop_comments(text: str) -> str:
    """Remove <!-- ... --> comments (an unclosed one stays text). A scan, not the regex
    "<!--.*?-->": that tries every unclosed opener to the end (quadratic: 80 KB of "<!--" took 4.5 s)."""
    out, pos = [], 0
    while True:
        start = text.find("<!--", pos)
        end = text.find("-->", start + 4) if start >= 0 else -1
        if end < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:start])
        pos = end + 3


def _split_row(line: str) -> list[Cell]:
    """Cells of one pipe-table row: trimmed, '\\|' unescaped, empty -> None."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    out: list[Cell] = []
    for cell in cells:
        text = _inline(cell.replace("\\|", "|"))
        out.append(text or None)
    return out


def _inline(text: str) -> str:
    """Drop emphasis markers and <br> tags; collapse whitespace."""
    text = re.sub(r"<br\s*/?>", "", text, flags=re.IGNORECASE)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("&nbsp;", " ")
    return re.sub(r"[\s\u3000\xa0]+", " ", text).strip()


