"""Plain text as extracted from PDF (pdftotext and friends): one block per line."""
from __future__ import annotations

import re
from pathlib import Path

from govreport.model import Block, Document
from govreport.readers.limits import checkpoint
from govreport.readers.encoding import read_text_file

# Page furniture that PDF extraction leaves between lines: "-3-", "— 3 —",
# "第 3 页 共 6 页", "3 / 6", form feeds. {ws}: the whitespace inside a mark.
_MARK_FORMS = (r"(?:[-—–－]{ws}*\d{1,3}{ws}*[-—–－]|第{ws}*\d{1,3}{ws}*页(?:{ws}*[,，]?{ws}*共{ws}*\d{1,3}{ws}*页)?"
               r"|\d{1,3}{ws}*/{ws}*\d{1,3}|Page{ws}+\d+(?:{ws}+of{ws}+\d+)?)")
_PAGE_MARK = re.compile(r"^\s*" + _MARK_FORMS.replace("{ws}", r"\s") + r"\s*$", re.IGNORECASE)
# The same test of every line of a text at once: a mark line is "\n", the mark with whitespace that is no line
# break, then "\n" or the end. A line holds no "\n", so \s in a line is [^\S\n] here and ^…$ of one line is
# \n…(?=\n|\Z) of "\n" + the text (the leading "\n" gives the scan a literal to look for).
_PAGE_MARK_LINES = re.compile(r"\n[^\S\n]*" + _MARK_FORMS.replace("{ws}", r"[^\S\n]") + r"[^\S\n]*(?=\n|\Z)",
                              re.IGNORECASE)
_FORM_FEED = re.compile("\f")
_CHECK_EVERY = 1024  # lines between two checks of the file's time and memory budget


def is_page_mark(line: str) -> bool:
    return bool(_PAGE_MARK.match(line))


def read_text(path: Path) -> Document:
    text = read_text_file(path)
    return document_from_text(path, text, fmt="txt")


def document_from_text(path: Path, text: str, fmt: str = "txt") -> Document:
    """Split text into line blocks; page marks become page numbers, not text.

    A form feed turns the page before its line is read; a page-mark line turns it and stays as an empty block.
    The form feeds and marks of the whole text are found first (a few a page), so the lines between two of them
    become the blocks of one page in one go instead of being tested one by one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    turns: dict[int, int] = {}  # line number -> form feeds on it
    if "\f" in text:
        for n in _line_numbers(text, [m.start() for m in _FORM_FEED.finditer(text)]):
            turns[n] = turns.get(n, 0) + 1
        text = text.replace("\f", "")
    scanned = "\n" + text  # a mark's match starts at the line break before its line
    marks = set(_line_numbers(scanned, [m.start() for m in _PAGE_MARK_LINES.finditer(scanned)]))
    lines = text.split("\n")
    blocks: list[Block] = []
    line = Block.line
    page, start, due = 1, 0, 0  # due: the line at which the file's budget is checked next
    for k in sorted(marks.union(turns)) + [len(lines)]:
        while start < k:  # the lines before the next mark or form feed: one page
            if start >= due:
                checkpoint()  # the file's time and memory budget (safety.LIMITS)
                due = start + _CHECK_EVERY
            end = min(k, due)
            blocks += [line(raw.rstrip(), page) for raw in lines[start:end]]
            start = end
        if k == len(lines):
            break
        page += turns.get(k, 0)
        if k in marks:
            page += 1
            blocks.append(line("", page))
        else:
            blocks.append(line(lines[k].rstrip(), page))
        start = k + 1
    return Document(path=Path(path), format=fmt, blocks=blocks, hard_wrapped=True)


def _line_numbers(text: str, positions: list[int]):
    """The line number (line breaks before it) of each of ``positions`` of ``text``, in ascending order."""
    n = at = 0
    for count, position in enumerate(positions, 1):
        if count % _CHECK_EVERY == 0:
            checkpoint()
        n += text.count("\n", at, position)
        at = position
        yield n
