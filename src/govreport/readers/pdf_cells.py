"""pdfplumber's ruled-table finder with its cell search made linear: the same tables, a fraction of the time.

pdfplumber's ``intersections_to_cells`` rebuilds two sets of edge boxes (and evaluates the typing annotations of
a nested function) for every pair of points it tests, and scans every later point for each point; on a report
page that was most of ``find_tables`` (issue 16). ``find_tables`` here runs pdfplumber's own steps (edges,
intersections, cells_to_tables, Table) with ``cells`` and ``cells_to_tables`` below, which find the same cells
and tables in the same order: each point's edge boxes are built once, the points below a point are the ones that
follow it in sorted order with its x, the points to its right the later ones on its y, and the cells a table
sweep leaves are kept in a new list instead of deleted one by one. tests/unit/readers/test_pdf_cells.py compares
both on real pages, so a pdfplumber that changes its finder is noticed.
"""
from __future__ import annotations

from typing import Optional


def find_tables(page, settings: dict) -> list:
    """``page.find_tables(settings)``, the same Table objects."""
    from pdfplumber.table import Table, TableFinder, TableSettings

    finder = TableFinder.__new__(TableFinder)  # TableFinder.__init__'s steps, with cells() for intersections_to_cells
    finder.page = page
    finder.settings = TableSettings.resolve(settings)
    finder.edges = finder.get_edges()
    finder.intersections = intersections(
        finder.edges, finder.settings.intersection_x_tolerance, finder.settings.intersection_y_tolerance)
    finder.cells = cells(finder.intersections)
    finder.tables = [Table(page, group) for group in cells_to_tables(finder.cells)]
    return finder.tables


def intersections(edges: list[dict], x_tolerance: float, y_tolerance: float) -> dict:
    """pdfplumber.table.edges_to_intersections: the points where a vertical and a horizontal edge meet (within the
    tolerances), each with the edges that meet there, in pdfplumber's order. pdfplumber sorts the horizontal
    edges again for every vertical one and tests each pair; here they are sorted once and only those whose top
    lies near the vertical edge's extent (found by bisection, with a margin) get pdfplumber's test."""
    from bisect import bisect_left, bisect_right
    from operator import itemgetter

    found: dict = {}
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    tops = [h["top"] for h in h_edges]
    margin = y_tolerance + 1.0
    for v in v_edges:
        for h in h_edges[bisect_left(tops, v["top"] - margin):bisect_right(tops, v["bottom"] + margin)]:
            if (v["top"] <= h["top"] + y_tolerance and v["bottom"] >= h["top"] - y_tolerance
                    and v["x0"] >= h["x0"] - x_tolerance and v["x0"] <= h["x1"] + x_tolerance):
                vertex = (v["x0"], h["top"])
                if vertex not in found:
                    found[vertex] = {"v": [], "h": []}
                found[vertex]["v"].append(v)
                found[vertex]["h"].append(h)
    return found


def cells(intersections: dict) -> list[tuple]:
    """pdfplumber.table.intersections_to_cells: for each point, the smallest cell it is the top-left corner of.

    pdfplumber's test that two points are joined by an edge (a vertical one they share when their x is the
    same, else a horizontal one when their y is) is asked here only where the answer is known to come from
    one kind: a point below shares the x, one to the right the y, and the far corner the x of the one to the
    right and the y of the one below."""
    from pdfplumber.utils.geometry import bbox_getter  # pdfplumber's obj_to_bbox

    v_boxes = {p: set(map(bbox_getter, e["v"])) for p, e in intersections.items()}
    h_boxes = {p: set(map(bbox_getter, e["h"])) for p, e in intersections.items()}
    points = sorted(intersections.keys())
    on_row: dict = {}  # y -> that row's points, left to right (points are sorted by x, then y)
    for p in points:
        on_row.setdefault(p[1], []).append(p)
    in_row = {p: k for row in on_row.values() for k, p in enumerate(row)}  # a point's place in its row
    n = len(points)
    column_end = [n] * n  # one past the last point with the same x
    for k in range(n - 2, -1, -1):
        column_end[k] = column_end[k + 1] if points[k + 1][0] == points[k][0] else k + 1
    out = []
    for i in range(n - 1):
        pt = points[i]
        right = on_row[pt[1]][in_row[pt] + 1:]
        cell = _smallest(pt, points[i + 1:column_end[i]], right, v_boxes, h_boxes)
        if cell is not None:
            out.append(cell)
    return out


def _smallest(pt, below, right, v_boxes: dict, h_boxes: dict) -> Optional[tuple]:
    v_pt, h_pt = v_boxes[pt], h_boxes[pt]
    for below_pt in below:
        if v_pt.isdisjoint(v_boxes[below_pt]):
            continue
        for right_pt in right:
            if h_pt.isdisjoint(h_boxes[right_pt]):
                continue
            corner = (right_pt[0], below_pt[1])
            v_corner = v_boxes.get(corner)
            if v_corner is not None and not v_corner.isdisjoint(v_boxes[right_pt]) \
                    and not h_boxes[corner].isdisjoint(h_boxes[below_pt]):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def cells_to_tables(cells: list[tuple]) -> list[list[tuple]]:
    """pdfplumber.table.cells_to_tables: the cells grouped into tables of cells that share a corner, in the same
    order. pdfplumber sweeps the cells left again and again, deleting each cell it takes from the list; here each
    sweep keeps the cells it leaves in a new list instead (the same sweeps, without the deletions)."""
    remaining = list(cells)
    corners: set = set()
    current: list[tuple] = []
    tables = []
    while remaining:
        before = len(current)
        left = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            a, b, c, d = (x0, top), (x0, bottom), (x1, top), (x1, bottom)
            if not current or a in corners or b in corners or c in corners or d in corners:
                corners.update((a, b, c, d))
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]
