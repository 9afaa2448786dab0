"""A sum over what was read is not a sum that holds: the guard of a table whose rows were not all placed.

When the parse could not place some numbers of a table section (an unread label, merged rows, a cell read by
OCR with too little confidence ...), a sum with an operand that was not read at all says nothing about the
report: the unplaced row may be the missing operand. Such a sum is "cannot tell" (``not_assessable``,
model.PART_UNREAD in its evidence), never a pass, and never a fail (identities.py holds a failing one back the
same way); nor is a total derived from the rows read when one of its parts is so missing (derive_totals).
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, Optional

from govreport import catalog

_NOT_A_ROW = frozenset({"cumulative"})  # unmapped reasons (catalog/reasons.csv) that set aside no row of the year


def unplaced_by_section(unmapped: Iterable[dict]) -> dict[str, dict]:
    """{table section: its first number the parse could not place} (extract's ``section`` of each unmapped)."""
    out: dict[str, dict] = {}
    for u in unmapped:
        value = u.get("value")
        if (isinstance(value, float) and math.isnan(value) and not u.get("raw")) or u.get("reason") in _NOT_A_ROW:
            continue  # nothing printed there, or a figure of another column than the year's (历年累计)
        out.setdefault(u.get("section") or "", u)
    return out


def _sections(metric: str) -> set[str]:
    """The sections a metric's row is printed in, in every family's tables."""
    m = catalog.metrics().get(metric)
    if m is None:
        return set()
    return {m.section, m.legacy_section, *m.sections.values()} - {""}


def unplaced_near(metric: str, unplaced: dict[str, dict]) -> Optional[dict]:
    """A number not placed in the table section ``metric`` is printed in, or None."""
    return next((unplaced[s] for s in sorted(_sections(metric)) if s in unplaced), None)


def incomplete(left, right, lookup: Callable, unplaced: dict[str, dict]) -> list[str]:
    """Why a sum's operands are not all read, in words (empty: they are): an operand not read at all in a table
    section with a number the parse could not place. (A total is derived only when none of its parts is so
    missing, see identities.derive_totals; an unplaced number among a sum's own rows is ``_unaccounted``.)"""
    why = []
    for metric, app, _w, offset in (*left, *right):
        if offset or lookup(metric, app, offset) is not None:
            continue
        hit = unplaced_near(metric, unplaced)
        if hit is not None:
            why.append(f"{metric}[{app}] is not read, and row '{str(hit.get('source_label') or '')[:40]}' has a "
                       f"number the parse could not place ({hit['reason']}: {hit.get('raw')})")
    return why
