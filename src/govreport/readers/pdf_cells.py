"""pdfplumber's ruled-table finder with its cell search made linear: the same tables, a fraction of the time.

pdfplumber's ``intersections_to_cells`` rebuilds two sets of edge boxes (and evaluates the typing annotations of
a nested function) for every pair of points it tests, and scans every later point for each point; on a report
page that was most of ``find_tables`` (issue 16). ``find_tables`` here runs pdfplumber's own steps (edges,
intersections, cells_to_tables, Table) with ``cells`` below, which finds the same cells in the same order:
each point's edge boxes are built once, the points below a point are the ones that follow it in sorted order
with its x, the points to its right the later ones on its y. tests/unit/readers/test_pdf_cells.py compares
both on real pages, so a pdfplumber that changes its finder is noticed.
"""
from __future__ import annotations

from typing import Optional


def find_tables(page, settings: dict) -> list:
    """``page.find_tables(settings)``, the same Table objects."""
    from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

    finder = TableFinder.__new__(TableFinder)  # TableFinder.__init__'s steps, with cells() for intersections_to_cells
    finder.page = page
    finder.settings = TableSettings.resolve(settings)
    finder.edges = finder.get_edges()
    finder.intersections = edges_to_intersections(
        finder.edges, finder.settings.intersection_x_tolerance, finder.settings.intersection_y_tolerance)
    finder.cells = cells(finder.intersections)
    finder.tables = [Table(page, group) for group in cells_to_tables(finder.cells)]
    return finder.tables


def cells(intersections: dict) -> list[tuple]:
    """pdfplumber.table.intersections_to_cells: for each point, the smallest cell it is the top-left corner of."""
    from pdfplumber.utils import obj_to_bbox

    v_boxes = {p: set(map(obj_to_bbox, e["v"])) for p, e in intersections.items()}
    h_boxes = {p: set(map(obj_to_bbox, e["h"])) for p, e in intersections.items()}

    def connects(p1, p2) -> bool:
        if p1[0] == p2[0] and not v_boxes[p1].isdisjoint(v_boxes[p2]):
            return True
        return p1[1] == p2[1] and not h_boxes[p1].isdisjoint(h_boxes[p2])

    points = sorted(intersections.keys())
    on_row: dict = {}  # y -> that row's points, left to right (points are sorted by x, then y)
    for p in points:
        on_row.setdefault(p[1], []).append(p)
    out = []
    for i, pt in enumerate(points[:-1]):
        j = i + 1
        while j < len(points) and points[j][0] == pt[0]:
            j += 1
        row = on_row[pt[1]]
        right = row[row.index(pt) + 1:]
        cell = _smallest(pt, points[i + 1:j], right, intersections, connects)
        if cell is not None:
            out.append(cell)
    return out


def _smallest(pt, below, right, intersections, connects) -> Optional[tuple]:
    for below_pt in below:
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            if not connects(pt, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None
