"""A number under a layout column that names no metric, and a row with more numbers than its columns.

A grid row is read from the right under its layout's columns (readers place each cell under its header column).
That is safe only when a header or the form named the columns (a gb form fixes them; the legacy form's layout
varies by agency, catalog/templates.csv): under the legacy default layout (no header recognised) a 附表
whose 历年累计 header OCR read as Latin letters gives rows of two numbers (year's, cumulative) for one column,
and the rightmost, the cumulative figure, would be stored as the year's. Such a row goes to unmapped whole
(``columns_unnamed``). A layout column named after an unmapped reason of catalog/reasons.csv (``cumulative``,
``columns_unnamed``) gives a number under it that reason.
"""
from __future__ import annotations

from functools import lru_cache

from govreport import catalog
from govreport.text.normalize import parse_cell

UNNAMED = "columns_unnamed"


@lru_cache(maxsize=None)
def _unmapped_reasons() -> frozenset:
    return frozenset(r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "unmapped")


def column_reason(col: str) -> str:
    """Why a number under the layout column ``col``, which has no metric in its row, is unmapped."""
    return col if col in _unmapped_reasons() else "no_metric_for_column"


def numbers_beyond(cells: list, width: int, commas: str) -> bool:
    """A number among the cells left of the layout's ``width`` columns (a grid row is read from the right)."""
    for c in cells[: len(cells) - width]:
        cell = parse_cell(c, commas) if c is not None else None
        if cell is not None and cell.readable and cell.value is not None:
            return True
    return False
