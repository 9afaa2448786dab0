"""place()'s shortcuts give what the full computation gives (issue 16: reading HTML).

place() skips the header leaves and the per-value targets when no value is wider than one column, finds a
one-column target's or label's group by a column -> group table instead of a bisection, keeps no ``taken``
flags (a value's text is never None), and takes the value flags from a caller that has them (HTML). The
reference below is the full computation as it was before those shortcuts (every value through _targets and
_group_in, taken flags); every place() call the HTML and PDF readers make on the repository's real files,
and random grids with degenerate widths, must give the same rows and unplaced count.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right

import pytest

from govreport.readers import html, pdf_join, placement, read_document
from govreport.readers.placement import Span, is_value
from locations import DATA, REPO


def _reference_place(rows, edges) -> tuple[list, int]:
    """The full computation: header leaves and targets for every table, each value's group by _group_in."""
    n = len(edges) - 1
    if n <= 0 or not rows:
        return [[] for _ in rows], 0
    values = [[is_value(s.text) for s in row] for row in rows]
    leaves_at, header_edges = placement._header_leaves(rows, [any(row) for row in values])
    targets, first_value = placement._targets(rows, values, edges, leaves_at)
    groups = placement._groups(n, placement._kept_edges(n, header_edges, first_value))
    width = len(groups)
    starts = [a for a, _b in groups]
    out, extras = [], []
    for row, is_value_at, row_targets in zip(rows, values, targets):
        cells, taken, unplaced, labels = [None] * width, [False] * width, [], []
        for s, value, target in zip(row, is_value_at, row_targets):
            if not value:
                if s.text and s.text.strip():
                    labels.append(s)
                continue
            g = None if target is None else placement._group_in(groups, starts, edges, s, target)
            if g is None or taken[g]:
                unplaced.append(s.text)
                continue
            cells[g], taken[g] = s.text, True
        for s in labels:
            for g in range(max(0, bisect_right(starts, s.start) - 1), bisect_left(starts, s.stop)):
                if s.start < groups[g][1] and not taken[g] and cells[g] is None:
                    cells[g] = s.text
        out.append(cells)
        extras.append(unplaced)
    n_extra = max((len(u) for u in extras), default=0)
    if n_extra:
        at = next((g for g, (a, _b) in enumerate(groups) if a >= (first_value or 0)), width)
        out = [row[:at] + (u + [None] * n_extra)[:n_extra] + row[at:] for row, u in zip(out, extras)]
    return out, sum(len(u) for u in extras)


@pytest.fixture(scope="module")
def real_calls():
    """Every place() call (rows, edges, value flags or None) the readers make on the repository's HTML and PDFs."""
    calls = []
    original = placement.place

    def record(rows, edges, values=None):
        calls.append((rows, list(edges), values))
        return original(rows, edges, values)

    original_cells = html.place_cells

    def record_cells(rows, edges):  # HTML's cells as (start, stop, text, is_value): as Spans and their flags
        calls.append(([[Span(a, b, t) for a, b, t, _v in row] for row in rows], list(edges),
                      [[v for _a, _b, _t, v in row] for row in rows]))
        return original_cells(rows, edges)

    files = sorted(DATA.glob("*.html")) + sorted((DATA / "real").glob("*.html")) + \
        sorted((DATA / "fixtures" / "pdf").glob("*.pdf")) + sorted((REPO / "data" / "raw").glob("*.pdf"))
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(html, "place_cells", record_cells)
        mp.setattr(pdf_join, "place", record)
        for path in files:
            read_document(path)
    finally:
        mp.undo()
    assert len(calls) > 30 and any(v is not None for _r, _e, v in calls) and any(v is None for _r, _e, v in calls)
    return calls


def _same(rows, edges, values=None) -> bool:
    got = placement.place(rows, edges, values)
    return (got.rows, got.unplaced) == _reference_place(rows, edges)


def test_every_real_table_is_placed_as_the_full_computation_places_it(real_calls):
    for rows, edges, values in real_calls:
        assert _same(rows, edges), rows
        if values is not None:  # HTML's own flags are is_value's, and place gives the same grid with them
            assert values == [[is_value(s.text) for s in row] for row in rows]
            assert _same(rows, edges, values), rows


def test_the_real_tables_exercise_both_paths(real_calls):
    # tables whose values all fit one column (no leaves asked) and tables with a wider value
    def wide(rows):
        return any(s.stop - s.start > 1 and is_value(s.text) for row in rows for s in row)
    assert any(wide(rows) for rows, _e, _v in real_calls) and any(not wide(rows) for rows, _e, _v in real_calls)


def test_header_edges_alone_are_the_leaves_pass_edges(real_calls):
    for rows, _edges, _values in real_calls:
        data = [any(is_value(s.text) for s in row) for row in rows]
        assert placement._header_edges(rows, data) == placement._header_leaves(rows, data)[1]


TEXTS = [None, "", " ", "申请人情况", "自然人", "商业企业", "12", "0", "/", "—", "无", "合计", "3.5", "项目", "1,234", "5件"]


def _random_grid(rnd: random.Random):
    n = rnd.randint(1, 8)
    rows = []
    for _ in range(rnd.randint(0, 7)):
        row, col = [], 0
        while col < n and rnd.random() < 0.9:
            start = col if rnd.random() < 0.85 else max(0, col - 1)  # sometimes over the span before it
            width = rnd.choice([1, 1, 1, 2, 3, 0, -1])  # (0, -1: degenerate spans)
            stop = min(n + (1 if rnd.random() < 0.05 else 0), start + width)
            row.append(Span(start, stop, rnd.choice(TEXTS)))
            col = max(col, stop) if stop > start else col + 1
        rows.append(row)
    widths = [rnd.choice([0.0, 1e-9, 1.0, 5.0, 12.5, 30.0, 1e300, math.nan, math.inf]) for _ in range(n)]
    edges = [0.0]
    for w in widths:
        edges.append(edges[-1] + w)
    if rnd.random() < 0.1:
        edges[rnd.randrange(len(edges))] = -5.0  # not ascending
    return rows, edges


def test_random_grids_with_degenerate_widths_are_placed_as_the_full_computation_places_them():
    rnd = random.Random(16)
    for _ in range(6_000):
        rows, edges = _random_grid(rnd)
        try:
            want = _reference_place(rows, edges)
        except IndexError:  # a span beyond the edges: both fail alike
            with pytest.raises(IndexError):
                placement.place(rows, edges)
            continue
        got = placement.place(rows, edges)
        assert (got.rows, got.unplaced) == want, (rows, edges)
        values = [[is_value(s.text) for s in row] for row in rows]
        got = placement.place(rows, edges, values)
        assert (got.rows, got.unplaced) == want, (rows, edges)


def test_column_widths_keeps_the_narrowest_width_of_a_column():
    assert placement.column_widths([(0, 1, 30.0), (0, 1, 20.0), (0, 1, 25.0), (1, 2, 5.0)], 2) == [20.0, 5.0]
    assert placement.column_widths([(0, 1, 20.0), (0, 1, math.nan), (0, 1, 0.0)], 1) == [20.0]
