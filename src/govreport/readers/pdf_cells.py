"""pdfplumber's ruled-table finder on plain tuples: the same tables, a fraction of the time.

pdfplumber's TableFinder copies an edge dict at every snap and join, sorts the horizontal edges again for every
vertical one, and rebuilds two sets of edge boxes for every pair of points it tests (issue 16: most of a report
page's table finding). For the settings the reader uses (ruling lines both ways, closing lines given as line
objects) ``find_tables`` takes pdfplumber's own steps on tuples (x0, top, x1, bottom, width, height, orientation)
with the same arithmetic in the same order: the page's edges, the prefilter, snapping to a cluster's average,
joining along one line, the length filter, the intersections, and for each point the smallest cell it is the
top-left corner of; two points share an edge when their edge sets (bit masks of edge numbers) meet, which is
pdfplumber's test on edge boxes, as edges with one box meet the same points. Other settings go to pdfplumber.
tests/unit/readers/test_pdf_cells.py compares every step with pdfplumber's on real pages, so a pdfplumber that
changes its finder is noticed.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import groupby
from operator import itemgetter
from typing import Optional

_X0, _TOP, _X1, _BOTTOM, _WIDTH, _HEIGHT, _ORIENT = range(7)
_KEY = itemgetter(1)


def find_tables(page, settings: dict) -> list:
    """``page.find_tables(settings)``, the same Table objects."""
    from pdfplumber.table import Table, TableFinder, TableSettings

    resolved = TableSettings.resolve(settings)
    if not _lines_only(resolved):
        return TableFinder(page, resolved).tables
    edges = merged_edges(page.edges, resolved)
    found = points(edges, resolved.intersection_x_tolerance, resolved.intersection_y_tolerance)
    return [Table(page, group) for group in cells_to_tables(cells(found))]


def _lines_only(settings) -> bool:
    return (settings.vertical_strategy == settings.horizontal_strategy == "lines"
            and not settings.explicit_vertical_lines
            and all(isinstance(d, dict) and d.get("object_type") == "line"
                    for d in settings.explicit_horizontal_lines or ()))


def _edge(e: dict, orientation) -> tuple:
    return (e["x0"], e["top"], e["x1"], e["bottom"], e.get("width"), e.get("height"), orientation)


def merged_edges(page_edges: list[dict], settings) -> list[tuple]:
    """TableFinder.get_edges for "lines" both ways: the edges the finder keeps, as tuples, in its order."""
    prefilter = settings.edge_min_length_prefilter
    v = [_edge(e, "v") for e in page_edges if e["orientation"] == "v" and e["height"] >= prefilter]
    h = [_edge(e, "h") for e in page_edges if e["orientation"] == "h" and e["width"] >= prefilter]
    for d in settings.explicit_horizontal_lines or ():  # utils.obj_to_edges of a line: line_to_edge
        if d["top"] == d["bottom"]:
            h.append(_edge(d, "h"))
    if settings.snap_x_tolerance > 0 or settings.snap_y_tolerance > 0:
        v, h = _snap(v, _X0, settings.snap_x_tolerance), _snap(h, _TOP, settings.snap_y_tolerance)
    edges = sorted(v + h, key=_group)
    joined: list[tuple] = []
    for (orientation, _value), group in groupby(edges, key=_group):
        joined += _join(group, orientation,
                        settings.join_x_tolerance if orientation == "h" else settings.join_y_tolerance)
    least = settings.edge_min_length
    return [e for e in joined if (e[_HEIGHT] if e[_ORIENT] == "v" else e[_WIDTH]) >= least]


def _group(e: tuple) -> tuple:
    return ("h", e[_TOP]) if e[_ORIENT] == "h" else ("v", e[_X0])


def _snap(edges: list[tuple], k: int, tolerance) -> list[tuple]:
    """utils.snap_objects(edges, "x0" or "top", tolerance): each cluster moved onto its average."""
    from pdfplumber.utils.clustering import make_cluster_dict

    index = make_cluster_dict([e[k] for e in edges], tolerance)
    keyed = sorted(((e, index.get(e[k])) for e in edges), key=_KEY)
    out: list[tuple] = []
    for _n, members in groupby(keyed, key=_KEY):
        cluster = [e for e, _n in members]
        average = sum(e[k] for e in cluster) / len(cluster)
        for e in cluster:
            d = average - e[k]
            if k == _X0:
                out.append((e[0] + d, e[1], e[2] + d, e[3], e[4], e[5], e[6]))
            else:
                out.append((e[0], e[1] + d, e[2], e[3] + d, e[4], e[5], e[6]))
    return out


def _join(group, orientation: str, tolerance) -> list[tuple]:
    """table.join_edge_group: edges along one line that touch or overlap (within tolerance) made one."""
    lo, hi = (_X0, _X1) if orientation == "h" else (_TOP, _BOTTOM)
    ordered = sorted(group, key=itemgetter(lo))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:  # utils.resize_object: x1 and the width, or the bottom and the height
                if orientation == "h":
                    joined[-1] = (last[0], last[1], e[hi], last[3], e[hi] - last[0], last[5], last[6])
                else:
                    joined[-1] = (last[0], last[1], last[2], e[hi], last[4], last[5] + (e[hi] - last[3]), last[6])
        else:
            joined.append(e)
    return joined


def points(edges: list[tuple], x_tolerance: float, y_tolerance: float) -> dict:
    """table.edges_to_intersections: each point where a vertical and a horizontal edge meet (within the
    tolerances), in pdfplumber's order, with the bit masks of the vertical and of the horizontal edges meeting
    there. The horizontal edges near a vertical one's extent are found by bisection (with a margin)."""
    v_edges = sorted((e for e in edges if e[_ORIENT] == "v"), key=itemgetter(_X0, _TOP))
    h_edges = sorted((e for e in edges if e[_ORIENT] == "h"), key=itemgetter(_TOP, _X0))
    tops = [h[_TOP] for h in h_edges]
    margin = y_tolerance + 1.0
    found: dict = {}
    for a, v in enumerate(v_edges):
        x, top, bottom = v[_X0], v[_TOP], v[_BOTTOM]
        for b in range(bisect_left(tops, top - margin), bisect_right(tops, bottom + margin)):
            h = h_edges[b]
            y = h[_TOP]
            if top <= y + y_tolerance and bottom >= y - y_tolerance and x >= h[_X0] - x_tolerance \
                    and x <= h[_X1] + x_tolerance:
                masks = found.get((x, y))
                if masks is None:
                    found[(x, y)] = [1 << a, 1 << b]
                else:
                    masks[0] |= 1 << a
                    masks[1] |= 1 << b
    return found


def cells(found: dict) -> list[tuple]:
    """table.intersections_to_cells: for each point, the smallest cell it is the top-left corner of.

    pdfplumber's test that two points are joined by an edge (a vertical one they share when their x is the
    same, else a horizontal one when their y is) is asked here only where the answer is known to come from
    one kind: a point below shares the x, one to the right the y, and the far corner the x of the one to the
    right and the y of the one below. The points below a point follow it in sorted order with its x; the
    points to its right are the later ones on its y."""
    pts = sorted(found)
    on_row: dict = {}  # y -> that row's points, left to right (points are sorted by x, then y)
    for p in pts:
        on_row.setdefault(p[1], []).append(p)
    in_row = {p: k for row in on_row.values() for k, p in enumerate(row)}  # a point's place in its row
    n = len(pts)
    column_end = [n] * n  # one past the last point with the same x
    for k in range(n - 2, -1, -1):
        column_end[k] = column_end[k + 1] if pts[k + 1][0] == pts[k][0] else k + 1
    out = []
    for i in range(n - 1):
        pt = pts[i]
        cell = _smallest(pt, pts[i + 1:column_end[i]], on_row[pt[1]][in_row[pt] + 1:], found)
        if cell is not None:
            out.append(cell)
    return out


def _smallest(pt, below, right, found: dict) -> Optional[tuple]:
    v_pt, h_pt = found[pt]
    for below_pt in below:
        v_below, h_below = found[below_pt]
        if not v_pt & v_below:
            continue
        for right_pt in right:
            v_right, h_right = found[right_pt]
            if not h_pt & h_right:
                continue
            corner = found.get((right_pt[0], below_pt[1]))
            if corner is not None and corner[0] & v_right and corner[1] & h_below:
                return (pt[0], pt[1], right_pt[0], below_pt[1])
    return None


def cells_to_tables(cells: list[tuple]) -> list[list[tuple]]:
    """pdfplumber.table.cells_to_tables: the cells grouped into tables of cells that share a corner, in the same
    order. pdfplumber sweeps the cells left again and again, deleting each cell it takes from the list; here each
    sweep keeps the cells it leaves in a new list instead (the same sweeps, without the deletions)."""
    remaining = [(cell, ((cell[0], cell[1]), (cell[0], cell[3]), (cell[2], cell[1]), (cell[2], cell[3])))
                 for cell in cells]  # each cell with its corners, made once
    corners: set = set()
    current: list[tuple] = []
    tables = []
    while remaining:
        before = len(current)
        left = []
        for item in remaining:
            a, b, c, d = four = item[1]
            if not current or a in corners or b in corners or c in corners or d in corners:
                corners.update(four)
                current.append(item[0])
            else:
                left.append(item)
        remaining = left
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]
