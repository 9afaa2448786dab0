"""The neutral document every reader produces and every later stage consumes.

A report, whatever its file format, becomes an ordered list of blocks:
text blocks (one line of PDF-extracted text, or one HTML/DOCX paragraph) and
table blocks (a cell grid with row/col spans already expanded). Keeping the
order lets the extractor know which section heading a table sits under.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Optional

from govreport.text.paragraphs import join_paragraphs

Cell = Optional[str]  # None: the cell was blank in the source


class OcrCell(str):
    """A cell (or line) read by OCR: a plain string to every stage, plus how sure the engine was.

    ``confidence`` 0..1 (the lowest word confidence in the cell); ``page`` the 1-based page number;
    ``bbox`` (x0, top, x1, bottom) in pixels of the page image as it was read (the reader's ``dpi`` meta says
    which resolution; readers/ocr/ gives ``reread`` that takes it back). Equal and hashing as the same str;
    pickles with its attributes (parts and worker processes carry it)."""

    confidence: float
    page: int
    bbox: tuple[float, float, float, float]

    def __new__(cls, text: str, confidence: float = 1.0, page: int = 0,
                bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)) -> "OcrCell":
        self = super().__new__(cls, text)
        self.confidence, self.page, self.bbox = float(confidence), int(page), tuple(float(v) for v in bbox)
        return self

    def __reduce__(self):
        return (OcrCell, (str(self), self.confidence, self.page, self.bbox))

    def __repr__(self) -> str:
        return f"OcrCell({str.__repr__(self)}, confidence={self.confidence:.2f}, page={self.page})"


@dataclass(frozen=True)
class Block:
    """One text line/paragraph (``kind='text'``) or one table (``kind='table'``)."""

    kind: Literal["text", "table"]
    text: str = ""
    rows: tuple[tuple[Cell, ...], ...] = ()
    page: Optional[int] = None

    @staticmethod
    def line(text: str, page: Optional[int] = None) -> "Block":
        return _made("text", text, (), page)

    @staticmethod
    def table(rows, page: Optional[int] = None) -> "Block":
        return _made("table", "", tuple(tuple(r) for r in rows), page)


def _made(kind: str, text: str, rows: tuple, page: Optional[int]) -> Block:
    """Block(kind, text, rows, page) with its fields set as the dataclass's __init__ sets them, without a frozen
    __setattr__ per field (a third of the cost: readers make one block per line, hundreds a report)."""
    block = object.__new__(Block)
    block.__dict__.update(kind=kind, text=text, rows=rows, page=page)
    return block


@dataclass
class Document:
    """What a reader returns: source path, format, and blocks in reading order.

    ``hard_wrapped`` is True for text extracted from PDF, where one paragraph is
    spread over many lines; paragraph joining then glues lines back together.
    ``meta`` holds what the file says about itself outside the body (title, author, publisher):
    identification falls back to it when the body names no agency.
    """

    path: Path
    format: str
    blocks: list[Block] = field(default_factory=list)
    hard_wrapped: bool = False
    meta: dict = field(default_factory=dict)  # page metadata a reader found: HTML <title>, <meta name=…>
    # what later stages derive from the blocks (paragraphs, prose paragraphs), kept while the blocks stay as
    # they are: several stages read them, each used to rebuild them
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: str, compute):
        """``compute(self)`` once per state of the blocks (the same list, length and wrapping); a new list
        each call, so a caller may change what it gets."""
        state = (id(self.blocks), len(self.blocks), self.hard_wrapped,
                 self.blocks[0] if self.blocks else None, self.blocks[-1] if self.blocks else None)
        hit = self._derived.get(key)
        if hit is None or hit[0] != state:
            hit = self._derived[key] = (state, compute(self))
        return list(hit[1])

    def text_lines(self) -> list[str]:
        """Every text block and every table row (cells joined by spaces), in order (made once: identification
        reads them three times)."""
        return self.derived("text_lines", _text_lines)

    def full_text(self) -> str:
        return "\n".join(self.text_lines())

    def paragraphs(self) -> list[str]:
        """Prose paragraphs (text blocks only), with PDF hard wraps joined.

        For hard-wrapped text a paragraph ends at a blank line, at a line that
        ends with sentence punctuation and is shorter than its neighbours, or
        before a line that starts a numbered heading.
        """
        return self.derived("paragraphs", _paragraphs)

    @property
    def tables(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "table"]


def _text_lines(doc: Document) -> list[str]:
    out: list[str] = []
    for b in doc.blocks:
        if b.kind == "text":
            out.append(b.text)
        else:
            for row in b.rows:
                out.append(" ".join(c for c in row if c))
    return out


def _paragraphs(doc: Document) -> list[str]:
    lines = [b.text for b in doc.blocks if b.kind == "text"]
    if not doc.hard_wrapped:
        return [ln.strip() for ln in lines if ln.strip()]
    return join_paragraphs(lines)


# ----------------------------------------------------------------- findings
# opens the evidence of a sum held back because a printed part is unread or not on the rule (pages tell it
# apart from a blank figure by it)
PART_UNREAD = "not judged, a printed part is unaccounted for"


def finding(report_id: str, rule: str, state: str, *, applicant: str = "total", left: float = math.nan,
            right: float = math.nan, blanks_as_zero: bool = False, evidence: str = "", **extra) -> dict:
    """One row of the findings table, its fields in the table's order: the one place a finding is built,
    so every stage's findings have the same fields and defaults (a note about the report as a whole is
    applicant 'total', with no sides to compare). ``extra``: further fields, after these."""
    row = {"report_id": report_id, "rule": rule, "applicant": applicant, "state": state, "left": left, "right": right,
           "evidence": evidence, "blanks_as_zero": blanks_as_zero}  # (a literal: a third of dict(**)'s time)
    if extra:
        row.update(extra)
    return row


if TYPE_CHECKING:  # the model imports no pandas at run time: readers build Documents without it
    import pandas as pd


@dataclass
class ParsedReport:
    """One report as the tables ingest stores for it: ``values`` (the long table), ``unmapped``, ``findings``
    (its table's identities, then its prose checks and parse notes), ``placeholders``, ``facts`` (figures its
    prose states), ``timeliness`` (one row), ``meta`` (its row of the reports table, and more); ``sentences``
    are what repetition compares with the next year; ``document`` is None in ingest's part cache."""

    values: "pd.DataFrame"
    unmapped: "pd.DataFrame"
    findings: "pd.DataFrame"
    placeholders: "pd.DataFrame"
    meta: dict
    document: Optional[Document] = field(default=None, repr=False)
    facts: Optional["pd.DataFrame"] = None
    timeliness: Optional["pd.DataFrame"] = None
    sentences: list[str] = field(default_factory=list, repr=False)

    @property
    def report_id(self) -> str:
        return self.meta["report_id"]
