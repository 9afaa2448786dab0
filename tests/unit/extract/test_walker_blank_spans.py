"""A grid row whose cells are blank once read through its header's colspans is a blank row, not an error.

putian_ptkjj_2024.html's section 二 table has a header cell over three grid columns (本年制发件数 …). A row
('', '', '\u200b', '') has a cell that is not whitespace (a zero-width space), so it is kept as a grid row, but
through the header's groups it reads ('', ''): nothing. The walker used to take that as a Row and fail on it
(AttributeError, a report lost as an internal error).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from govreport.extract import extract
from govreport.readers import read_document

REPORT = Path(__file__).resolve().parents[2] / "data" / "real" / "putian_ptkjj_2024.html"


def _with_row_before(doc, label: str, row: tuple):
    blocks = list(doc.blocks)
    k, table = next((k, b) for k, b in enumerate(blocks) if b.kind == "table" and any(r[0] == label for r in b.rows))
    rows = list(table.rows)
    at = next(n for n, r in enumerate(rows) if r[0] == label)
    blocks[k] = replace(table, rows=rows[:at] + [row] + rows[at:])
    return replace(doc, blocks=blocks)


def test_a_row_blank_through_its_colspans_is_skipped():
    doc = read_document(REPORT)
    width = len(next(r for b in doc.blocks if b.kind == "table" for r in b.rows if r[0] == "行政许可"))
    blank = ("", "", "\u200b") + ("",) * (width - 3)
    before = extract(doc, "gb2021")
    after = extract(_with_row_before(doc, "行政许可", blank), "gb2021")
    assert sorted(map(repr, after.values)) == sorted(map(repr, before.values))
    assert len(before.values) > 100
