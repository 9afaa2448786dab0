"""A sum over what was read is not a sum that holds: the guard of a table whose rows were not all placed.

When the parse could not place some numbers of a table section (an unread label, merged rows, a cell read by
OCR with too little confidence ...), a sum with an operand that was not read at all says nothing about the
report: the unplaced row may be the missing operand. Such a sum is "cannot tell" (``not_assessable``,
model.PART_UNREAD in its evidence), never a pass, and never a fail (identities.py holds a failing one back the
same way); nor is a total derived from the rows read when one of its parts is so missing (derive_totals).
A printed row among a sum's own rows that its operands do not account for (a number not placed, a row of another
metric) holds it back too (``unaccounted``, over the report's rows in reading order: ``PrintedRows``), and so does
an operand whose printed number was placed, then set aside (``set_aside``, ``unread_operands``; ``hold_back``).
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Optional

from govreport import catalog
from govreport.model import PART_UNREAD
from govreport.extract.row_guards import list_styles

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


@lru_cache(maxsize=4096)
def _sections_in_order(metric: str) -> tuple[str, ...]:
    """sorted(_sections(metric)), once per metric (the catalog's metrics: a bounded set)."""
    return tuple(sorted(_sections(metric)))


def unplaced_near(metric: str, unplaced: dict[str, dict]) -> Optional[dict]:
    """A number not placed in the table section ``metric`` is printed in, or None."""
    if not unplaced:
        return None
    return next((unplaced[s] for s in _sections_in_order(metric) if s in unplaced), None)


def incomplete(left, right, lookup: Callable, unplaced: dict[str, dict]) -> list[str]:
    """Why a sum's operands are not all read, in words (empty: they are): an operand not read at all in a table
    section with a number the parse could not place. (A total is derived only when none of its parts is so
    missing, see identities.derive_totals; an unplaced number among a sum's own rows is ``unaccounted``.)"""
    why = []
    if not unplaced:  # (no section has an unplaced number: nothing to name)
        return why
    for metric, app, _w, offset in (*left, *right):
        if offset or lookup(metric, app, offset) is not None:
            continue
        hit = unplaced_near(metric, unplaced)
        if hit is not None:
            why.append(f"{metric}[{app}] is not read, and row '{str(hit.get('source_label') or '')[:40]}' has a "
                       f"number the parse could not place ({hit['reason']}: {hit.get('raw')})")
    return why


# ----------------------------------------------------------------- is every printed part accounted for?
@dataclass
class _Row:
    label: str = ""
    metrics: set = field(default_factory=set)
    unplaced: list = field(default_factory=list)


class PrintedRows:
    """The report's table rows in reading order (the ``row`` number extract gives every value and unmapped
    number): what each row placed, what it could not place, and its list style (catalog/list_styles.csv).
    The rows are gathered when first asked for (``rows``, ``order``): most reports' sums need only
    ``any_unplaced``."""

    def __init__(self, values: Iterable[dict], unmapped: Iterable[dict]):
        self._values, self._unmapped = values, list(unmapped)
        self.any_unplaced = any(u.get("row") is not None for u in self._unmapped)  # a row with a number not placed
        self._styles: dict[int, str] = {}

    @cached_property
    def rows(self) -> dict[int, _Row]:
        rows: dict[int, _Row] = {}
        for v in self._values:
            if v.get("row") is not None:
                row = rows.get(v["row"])
                if row is None:
                    row = rows[v["row"]] = _Row()
                row.metrics.add(v["metric"])
                row.label = row.label or (v.get("source_label") or "")
        for u in self._unmapped:
            if u.get("row") is not None:
                row = rows.get(u["row"])
                if row is None:
                    row = rows[u["row"]] = _Row()
                row.unplaced.append(u)
                row.label = row.label or (u.get("source_label") or "")
        return rows

    @cached_property
    def order(self) -> list[int]:
        return sorted(self.rows)

    @cached_property
    def unplaced_order(self) -> list[int]:
        """The rows with a number the parse could not place, sorted."""
        return [r for r in self.order if self.rows[r].unplaced]

    def style(self, r: int) -> str:
        """The row's own list marker: the last one in its label (a grid label carries its headings first:
        三、本年度办理结果 (三)不予公开 1.属于国家秘密 is a 1. item); 'plain' when it has none. Once a row."""
        if r not in self._styles:
            self._styles[r] = self._style(r)
        return self._styles[r]

    def _style(self, r: int) -> str:
        label, best, style = self.rows[r].label, -1, "plain"
        for name, rx in list_styles():
            for m in rx.finditer(label):
                if m.start() > best:
                    best, style = m.start(), name
        return style

    def extend(self, edge: int, step: int) -> int:
        """Walk from ``edge`` over the neighbouring rows numbered in the same list style (4.其他类型答复数
        after 3.不予公开答复数); an unnumbered row never extends a list."""
        style = self.style(edge)
        if style == "plain":
            return edge
        i = self.order.index(edge) + step
        while 0 <= i < len(self.order) and self.style(self.order[i]) == style:
            edge, i = self.order[i], i + step
        return edge


def unaccounted(left, right, cells: dict, printed: PrintedRows, closure: dict, other_rows: bool = True) -> list[str]:
    """Printed rows among a rule's rows that its operands do not account for, in words (empty: all are).

    The rule's rows run from its first to its last printed operand, widened over the neighbouring rows of
    the same list style on the side away from a heading total (or before a closing 总计). ``other_rows``: also
    name placed rows of other metrics among them (what may explain a sum that fails; a sum that holds
    without them is not in doubt). ``cells``: (metric, applicant) -> the report's value row (identities.Cells);
    ``closure``: a total metric -> its parts, and theirs."""
    if not other_rows and not printed.any_unplaced:
        return []  # (only a row's unplaced number would be named: there is none)
    get = cells.get

    def rows_of(ops):
        return sorted({c["row"] for m, a, _w, _o in ops if (c := get((m, a))) is not None and c.get("row") is not None})
    lrows, rrows = rows_of(left), rows_of(right)
    if not rrows:
        return []
    lo, hi = min(lrows + rrows), max(lrows + rrows)
    if len(left) == 1 and lrows and lrows[0] < rrows[0]:
        hi = printed.extend(hi, +1)
    elif len(left) == 1 and lrows and lrows[0] > rrows[-1]:
        lo = printed.extend(lo, -1)
    # the rows from lo to hi: one slice of the sorted rows; of the rows with an unplaced number (all a sum that
    # holds would name), when other rows are not named
    order = printed.order if other_rows else printed.unplaced_order
    among = order[bisect_left(order, lo):bisect_right(order, hi)]
    if not among:
        return []
    known = {m for m, *_ in left + right}
    known |= {p for m in list(known) for p in closure.get(m, ())}
    apps = {a for _m, a, *_ in left + right}
    operand_rows = set(lrows + rrows)
    why = []
    for r in among:
        row = printed.rows[r]
        lost = [u for u in row.unplaced if not row.metrics or u["column"] in apps] if row.unplaced else []
        if lost:
            why.append(f"row '{row.label}' has a number the parse could not place ({lost[0]['reason']}: {lost[0]['raw']})")
        if other_rows and r not in operand_rows:  # an operand's row may hold other columns' metrics (行政复议 | 行政诉讼)
            why += [f"row '{row.label}' ({m}) is printed among the parts but is not on the rule" for m in sorted(row.metrics - known)]
    return why


# ----------------------------------------------------------------- numbers set aside, and the sums they hold back
def set_aside(unmapped: list[dict]) -> dict:
    """(metric, applicant) -> the unmapped number placed there, then set aside (the last one of the key)."""
    return {(u["metric"], u["applicant"]): u for u in unmapped if u.get("metric")}


def unread_operands(left, right, unread: dict) -> list[str]:
    """Operands whose printed cell was set aside after placement (extract/plausible.py keeps the metric and
    applicant it was placed on; ``unread``: set_aside): the sum cannot be judged without them."""
    if not unread:
        return []
    return [f"{m}[{a}] printed '{unread[(m, a)]['raw'][:20]}' ({unread[(m, a)]['reason']})"
            for m, a, _w, offset in (*left, *right) if offset == 0 and (m, a) in unread]


def hold_back(finding: dict, why: list[str]) -> None:
    """A sum with a printed part unaccounted for is published neither as a fail nor as a pass: not_assessable, and why."""
    if not why:
        return
    more = f" (+{len(why) - 2} more)" if len(why) > 2 else ""
    finding.update(state="not_assessable", left=math.nan, right=math.nan,
                   evidence=f"{finding['evidence']}  {PART_UNREAD}: {'; '.join(why[:2])}{more}")
