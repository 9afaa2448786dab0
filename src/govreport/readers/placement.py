"""Cell -> column by position: every value stands under the header column it overlaps.

Readers know where each source cell sits horizontally (PDF boxes, DOCX grid
widths, HTML colspan offsets and widths). Counting cells from the left is
wrong as soon as a row leaves a cell blank or merges two header columns, so
the grid each reader returns is built here from positions:

* header leaves: in each run of rows without values, the header cells that
  contain no narrower header cell (自然人, 商业企业 …, not 申请人情况);
* a value cell covering one grid column stays there; one covering several
  goes to the header leaf it overlaps most, unless a second leaf overlaps it
  at least ``AMBIGUOUS_RATIO`` as much: then its column is unknown and it is
  put in an *unplaced* column left of the value columns, where the extractor
  reports it as unmapped (never guessed, never shifting the row);
* grid columns that only data rows draw (Word tables whose rows split the
  page differently from the header) are merged into the header leaf they lie
  in, so the value columns of the grid are exactly the header's columns.

Text cells repeat over every grid column they cover (the Document contract);
a value is written once.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Optional, Sequence

from govreport.model import Cell
from govreport.text.normalize import parse_cell

AMBIGUOUS_RATIO = 0.5  # a second column overlapped this much (relative to the best) makes a value unplaceable
_EPS = 1e-6


@dataclass(frozen=True)
class Span:
    """One source cell: the grid columns [start, stop) it covers and its text (None: blank)."""

    start: int
    stop: int
    text: Optional[str]


_new = object.__new__


def span(start: int, stop: int, text: Optional[str]) -> Span:
    """Span(start, stop, text), its fields set as the frozen dataclass's __init__ sets them, without a frozen
    __setattr__ per field (readers make one per table cell: two thirds of the cost)."""
    made = _new(Span)
    fields = made.__dict__
    fields["start"] = start
    fields["stop"] = stop
    fields["text"] = text
    return made


@dataclass
class Placed:
    """A position-true grid, and how many values could not be given a column."""

    rows: list[list[Cell]]
    unplaced: int = 0


def is_value(text: Optional[str]) -> bool:
    """A number or a placeholder (/, —, 无): placed once, never repeated over a span."""
    if text is None:
        return False
    cell = parse_cell(text)
    return cell is not None and not cell.blank


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def best_column(x0: float, x1: float, columns: Sequence[tuple[float, float]]) -> Optional[int]:
    """Index of the column [c0, c1) the extent [x0, x1) overlaps most; None if none or ambiguous."""
    scores = sorted(((overlap(x0, x1, c0, c1), n) for n, (c0, c1) in enumerate(columns)), reverse=True)
    if not scores or scores[0][0] <= _EPS:
        return None
    if len(scores) > 1 and scores[1][0] >= AMBIGUOUS_RATIO * scores[0][0]:
        return None
    return scores[0][1]


def zones(extents: Sequence[tuple[float, float]], margin: Optional[float] = None) -> list[tuple[float, float]]:
    """Widen header word extents to the midpoints of the gaps between them.

    Printed numbers are centred or right-aligned under a header word, not
    inside it; each column owns the space halfway to its neighbours. The outer
    columns reach ``margin`` beyond their word (default: half the median gap).
    """
    ext = sorted(extents)
    if not ext:
        return []
    gaps = [max(0.0, b[0] - a[1]) for a, b in zip(ext, ext[1:])]
    if margin is None:
        widths = sorted(g for g in gaps) or [0.0]
        margin = max(widths[len(widths) // 2] / 2, 6.0)
    out = []
    for n, (x0, x1) in enumerate(ext):
        left = (ext[n - 1][1] + x0) / 2 if n else x0 - margin
        right = (x1 + ext[n + 1][0]) / 2 if n + 1 < len(ext) else x1 + margin
        out.append((min(left, x0), max(right, x1)))
    return out


def column_widths(cells: Sequence[tuple[int, int, Optional[float]]], n: int) -> list[float]:
    """Widths of ``n`` grid columns from cells (start, stop, width or None).

    Single-column cells give their column's width; a spanning cell gives the
    width left over for its one unknown column. Columns nothing measures get
    the median known width (1.0 when nothing is known), so colspan offsets
    alone still work.
    """
    known: dict[int, float] = {}
    for start, stop, width in cells:
        if width is not None and width > 0 and stop - start == 1 and start < n:
            old = known.get(start)
            if old is None or width < old:  # min(old, width)
                known[start] = width
    # cells with a width and a column still unknown (a cell whose columns are all known gives nothing)
    pending = []
    for start, stop, width in cells:
        if width is None or width <= 0:
            continue
        end = min(stop, n)
        if (start in known) if end - start == 1 else all(map(known.__contains__, range(start, end))):
            continue
        pending.append((start, stop, width))
    changed = True
    while changed:  # each pass fixes at least one more column, so this ends within n passes
        changed = False
        for start, stop, width in pending:
            unknown = [c for c in range(start, min(stop, n)) if c not in known]
            if len(unknown) == 1:
                rest = sum(known[c] for c in range(start, min(stop, n)) if c in known)
                if width - rest > 0:
                    known[unknown[0]] = width - rest
                    changed = True
    values = sorted(known.values())
    default = values[len(values) // 2] if values else 1.0
    return [known.get(c, default) for c in range(n)]


def edges_from_widths(widths: Sequence[float]) -> list[float]:
    out = [0.0]
    for w in widths:
        out.append(out[-1] + w)
    return out


# --------------------------------------------------------------------------- grids
def place(rows: Sequence[Sequence[Span]], edges: Sequence[float],
          values: Optional[list[list[bool]]] = None) -> Placed:
    """Rebuild a span grid so that each value stands in its header leaf's column.

    ``edges``: x position of every grid column boundary (len = columns + 1). ``values``: is_value of every
    span's text, when the caller has them already (HTML decides them as it reads the cells).

    Most tables have no value wider than one column: then no header leaf is ever asked (only the header's
    edges are) and each value's target is its own column, so neither is computed.
    """
    n = len(edges) - 1
    if n <= 0 or not rows:
        return Placed(rows=[[] for _ in rows])
    if values is None:
        values = [[is_value(s.text) for s in row] for row in rows]  # each span's kind, decided once for every step
    data = [any(row) for row in values]
    narrow = [s.start for row, flags in zip(rows, values) for s, v in zip(row, flags) if v and s.stop - s.start <= 1]
    if len(narrow) < sum(map(sum, values)):  # a value covers two columns or more
        leaves_at, header_edges = _header_leaves(rows, data)
        targets, first_value = _targets(rows, values, edges, leaves_at)
    else:  # each value's target is its own column (what _targets gives a one-column span)
        header_edges, targets, first_value = _header_edges(rows, data), None, min(narrow, default=None)
    keep = _kept_edges(n, header_edges, first_value)
    groups = _groups(n, keep)
    return _assemble(rows, values, edges, groups, targets, first_value)


def place_cells(rows: list[list[tuple[int, int, Optional[str], bool]]], edges: Sequence[float]) -> Placed:
    """place() for cells given as (start, stop, text, is_value) tuples (HTML reads the four as it reads a cell).

    When every value covers exactly one column inside the grid (most tables), place()'s narrow path is done here
    in one pass over the cells, on the tuples themselves: no Span is made and the header edges, the first value
    column and the row kinds are gathered together. Any other table is handed to place() as Spans.
    (tests/unit/readers/test_place_cells.py compares the two.)"""
    n = len(edges) - 1
    if n <= 0 or not rows:
        return Placed(rows=[[] for _ in rows])
    kinds = _narrow_kinds(rows, n)
    if kinds is None:  # a value wider than one column (or outside the grid): place() as Spans
        return place([[span(start, stop, text) for start, stop, text, _v in row] for row in rows], edges,
                     [[value for _s, _e, _t, value in row] for row in rows])
    header_edges, first_value = kinds
    groups = _groups(n, _kept_edges(n, header_edges, first_value))
    width = len(groups)
    starts = [a for a, _b in groups]
    group_of = [g for g, (a, b) in enumerate(groups) for _c in range(a, b)]
    # a value in column c overlaps its group by more than _EPS (_assemble's test, which depends on c alone here)
    fits = [min(edges[c + 1], edges[b]) - max(edges[c], edges[a]) > _EPS for a, b in groups for c in range(a, b)]
    out: list[list[Cell]] = []
    extras: list[list[str]] = []
    for row in rows:  # _assemble with every value's target its own column
        cells: list[Cell] = [None] * width
        unplaced: list[str] = []
        labels = []
        for cell in row:
            start, stop, text, value = cell
            if not value:
                if text and text.strip():
                    labels.append(cell)
                continue
            g = group_of[start]
            if not fits[start] or cells[g] is not None:
                unplaced.append(text)  # a zero-width column, or a second value under one header column
                continue
            cells[g] = text
        for start, stop, text, _value in labels:
            if stop == start + 1 and 0 <= start < n:
                g = group_of[start]
                if cells[g] is None:
                    cells[g] = text
                continue
            for g in range(max(0, bisect_right(starts, start) - 1), bisect_left(starts, stop)):
                if start < groups[g][1] and cells[g] is None:
                    cells[g] = text
        out.append(cells)
        extras.append(unplaced)
    n_extra = max(map(len, extras))
    if n_extra:
        at = next((g for g, (a, _b) in enumerate(groups) if a >= (first_value or 0)), width)
        out = [row[:at] + (u + [None] * n_extra)[:n_extra] + row[at:] for row, u in zip(out, extras)]
    return Placed(rows=out, unplaced=sum(map(len, extras)))


def _narrow_kinds(rows, n: int) -> Optional[tuple[set[int], Optional[int]]]:
    """In one pass over (start, stop, text, is_value) cells: the header edges (_header_edges) and the first value
    column, when every value covers exactly one column of the ``n``; None for any other table."""
    header_edges: set[int] = set()
    first_value = None
    for row in rows:
        data = False
        for start, stop, _text, value in row:
            if value:
                if stop != start + 1 or start < 0 or start >= n:
                    return None
                data = True
                if first_value is None or start < first_value:
                    first_value = start
        if not data:  # a header row: the edges of its cells with text
            for start, stop, text, _value in row:
                if text and text.strip():
                    header_edges.add(start)
                    header_edges.add(stop)
    return header_edges, first_value


def _header_edges(rows, data: list[bool]) -> set[int]:
    """_header_leaves' second result alone: the edges of every header cell with text (rows without values)."""
    edges: set[int] = set()
    for row, is_data in zip(rows, data):
        if not is_data:
            for s in row:
                if s.text and s.text.strip():
                    edges.add(s.start)
                    edges.add(s.stop)
    return edges


def _header_leaves(rows, data: list[bool]) -> tuple[list[list[tuple[int, int]]], set[int]]:
    """For each row, the header leaves in force (column ranges); and every header cell edge.
    ``data``: which rows hold a value."""
    current: list[tuple[int, int]] = []
    header_edges: set[int] = set()
    out: list[list[tuple[int, int]]] = []
    n = 0
    while n < len(rows):
        if data[n]:
            out.append(current)
            n += 1
            continue
        block_end = n
        while block_end < len(rows) and not data[block_end]:
            block_end += 1
        spans = {(s.start, s.stop) for r in rows[n:block_end] for s in r if s.text and s.text.strip()}
        leaves = [s for s in spans if not any(o != s and s[0] <= o[0] and o[1] <= s[1] for o in spans)]
        for a, b in spans:
            header_edges.update((a, b))
        current = [c for c in current if not any(_cols_overlap(c, leaf) for leaf in leaves)] + leaves
        current.sort()
        out.extend([current] * (block_end - n))
        n = block_end
    return out, header_edges


def _cols_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _targets(rows, values, edges, leaves_at):
    """Per value span, the (start, stop) leaf it belongs to, or None when its column is ambiguous (row by row,
    span by span; None for a text span too). ``leaves_at`` is only read for a value wider than one column."""
    targets: list[list[Optional[tuple[int, int]]]] = []
    first_value: Optional[int] = None
    for r, row in enumerate(rows):
        is_value_at = values[r]
        row_targets: list[Optional[tuple[int, int]]] = [None] * len(row)
        targets.append(row_targets)
        for k, s in enumerate(row):
            if not is_value_at[k]:
                continue
            if s.stop - s.start <= 1:
                target = (s.start, s.stop)
            else:
                leaves = [lf for lf in leaves_at[r] if _cols_overlap(lf, (s.start, s.stop))]
                if not leaves:
                    leaves = [(c, c + 1) for c in range(s.start, s.stop)]
                choice = best_column(edges[s.start], edges[s.stop], [(edges[a], edges[b]) for a, b in leaves])
                target = None if choice is None else leaves[choice]
            row_targets[k] = target
            start = s.start if target is None else target[0]
            first_value = start if first_value is None else min(first_value, start)
    return targets, first_value


def _kept_edges(n: int, header_edges: set[int], first_value: Optional[int]) -> set[int]:
    """Inner edges that stay: all left of the values, and in the value region those a header draws."""
    inner = set(range(1, n))
    if first_value is None or not (header_edges & set(range(first_value + 1, n))):
        return inner  # no header over the values: nothing tells which columns belong together
    return {e for e in inner if e <= first_value or e in header_edges}


def _groups(n: int, keep: set[int]) -> list[tuple[int, int]]:
    bounds = [0] + sorted(keep) + [n]
    return list(zip(bounds, bounds[1:]))


def _assemble(rows, values, edges, groups, targets, first_value) -> Placed:
    """The output rows: each value in the group its target's columns give it (a second value there, or one with
    no target, is unplaced), then each text span over the groups it covers that are still empty. ``targets``
    None: every value's target is its own span. (No ``taken`` flags: a value's text is never None, so a
    group holds a value exactly when it is not None before the labels are written.)"""
    width = len(groups)
    starts = [a for a, _b in groups]  # groups tile the columns left to right: a span's groups are found by bisection
    # the group holding each column (what the bisection finds for a one-column target or label)
    group_of = [g for g, (a, b) in enumerate(groups) for _c in range(a, b)]
    n = len(group_of)
    out: list[list[Cell]] = []
    extras: list[list[str]] = []
    for r, (row, is_value_at) in enumerate(zip(rows, values)):
        cells: list[Cell] = [None] * width
        unplaced: list[str] = []
        labels = []  # the row's text spans, written after its values
        row_targets = None if targets is None else targets[r]
        for k, s in enumerate(row):
            if not is_value_at[k]:
                text = s.text
                if text and text.strip():
                    labels.append(s)
                continue
            target = (s.start, s.stop) if row_targets is None else row_targets[k]  # (None: the span itself)
            if target is None:
                g = None
            else:
                t0 = target[0]
                if target[1] == t0 + 1 and 0 <= t0 < n:  # one column: only its group can overlap it
                    g = group_of[t0]
                    a, b = groups[g]
                    # _group_in's test for that one group: overlap(...) > 0.0 + _EPS (NaN: no)
                    if not min(edges[s.stop], edges[b]) - max(edges[s.start], edges[a]) > _EPS:
                        g = None
                else:
                    g = _group_in(groups, starts, edges, s, target)
            if g is None or cells[g] is not None:
                unplaced.append(s.text)  # ambiguous, or a second value under one header column
                continue
            cells[g] = s.text
        for s in labels:
            start, stop = s.start, s.stop
            if stop == start + 1 and 0 <= start < n:  # one column: its group (which ends after start)
                g = group_of[start]
                if cells[g] is None:
                    cells[g] = s.text
                continue
            for g in range(max(0, bisect_right(starts, start) - 1), bisect_left(starts, stop)):
                if start < groups[g][1] and cells[g] is None:  # (and groups[g][0] < stop)
                    cells[g] = s.text
        out.append(cells)
        extras.append(unplaced)
    n_extra = max((len(u) for u in extras), default=0)
    if n_extra:
        at = next((g for g, (a, _b) in enumerate(groups) if a >= (first_value or 0)), width)
        out = [row[:at] + (u + [None] * n_extra)[:n_extra] + row[at:] for row, u in zip(out, extras)]
    return Placed(rows=out, unplaced=sum(len(u) for u in extras))


def _group_in(groups, starts, edges, span: Span, target: tuple[int, int]) -> Optional[int]:
    """The output column overlapping ``target`` that the span overlaps most (``starts``: each group's first
    column, ascending: only the groups from the one holding target's start to target's stop are looked at)."""
    t0, t1 = target
    lo, hi = bisect_right(starts, t0) - 1, bisect_left(starts, t1)
    if lo < 0:
        lo = 0
    best, score = None, 0.0
    for g in range(lo, hi):
        a, b = groups[g]
        if b <= t0:  # (a >= t1 cannot be: a < t1 for every g below hi)
            continue
        o = overlap(edges[span.start], edges[span.stop], edges[a], edges[b])
        if o > score + _EPS:
            best, score = g, o
    return best


# --------------------------------------------------------------------------- positioned words
def place_words(words: Sequence[tuple[float, float, str]], columns: Sequence[tuple[float, float]]):
    """One printed line of an unruled table -> (label, cells per column, unplaced values).

    Words left of the first column are the label; every other word goes to
    the column zone it overlaps most (text words are joined per column); a
    value between two zones is unplaced, never given to either. A text word
    wholly right of the last zone is beside the table (a portal's sidebar
    printed next to it), never part of the label.
    """
    label: list[str] = []
    cells: list[list[str]] = [[] for _ in columns]
    unplaced: list[str] = []
    start = columns[0][0] if columns else float("inf")
    end = columns[-1][1] if columns else float("inf")
    for x0, x1, text in sorted(words):
        if x0 >= end and not is_value(text):
            continue
        if x1 <= start + _EPS or (not is_value(text) and x0 < start and not cells[0]):
            # a number left of every column has no column: unplaced, never glued into the label
            (unplaced if is_value(text) else label).append(text)
            continue
        n = best_column(x0, x1, columns)
        if n is None:
            (unplaced if is_value(text) else label).append(text)
        elif is_value(text) and cells[n]:
            unplaced.append(text)  # two values under one column
        else:
            cells[n].append(text)
    return " ".join(label), [" ".join(c) if c else None for c in cells], unplaced
