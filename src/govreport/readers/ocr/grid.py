"""Ruled tables in a straight page image: ruling lines by morphology, then the cell grid with merged cells.

Horizontal and vertical strokes much longer than any character are kept by opening the ink with long thin
kernels; each table is one connected frame of them. Its row and column edges are the clustered positions of
its strokes; two neighbouring grid positions belong to one (merged) cell when no stroke separates them,
which is how the PDF and HTML readers expand spans too (readers/pdf_grid.py): every position knows the
cell that owns it. A row cut by a page break (a browser print splits a row over two pages) has no rule on
its open side: the column strokes running on past the last (or first) rule, together, to where the page
cut them, make that edge (``_open_ends``), so the half row is a grid row that readers/pdf_join.py joins.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

VERSION = "grid v3 open rows, faint rules"  # part of the OCR cache key: a page whose tables are found otherwise is read again
_MIN_TABLE_SIDE = 0.08  # of the page width/height: a frame smaller than this is a box, not a table


@dataclass
class ImageGrid:
    """One table: pixel edges, and for every grid position the (row, col) of the cell that owns it."""

    x_edges: list[int]
    y_edges: list[int]
    owner: list[list[tuple[int, int]]] = field(default_factory=list)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.x_edges[0], self.y_edges[0], self.x_edges[-1], self.y_edges[-1]

    def cell_box(self, i: int, j: int) -> tuple[int, int, int, int]:
        """Pixel box of the whole cell that owns position (i, j) (all positions it spans)."""
        target = self.owner[i][j]
        rows = [r for r in range(len(self.owner)) if target in self.owner[r]]
        cols = [c for c in range(len(self.owner[0])) if any(self.owner[r][c] == target for r in rows)]
        return self.x_edges[min(cols)], self.y_edges[min(rows)], self.x_edges[max(cols) + 1], self.y_edges[max(rows) + 1]


def ruling_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal strokes, vertical strokes) of the ink: runs longer than ~0.25 inch."""
    run = max(15, int(dpi * 0.25))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    # bridge the one-pixel breaks a skew correction and JPEG leave in a line
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    return horizontal, vertical


def find_tables(ink: np.ndarray, dpi: float, red=None) -> tuple[list[ImageGrid], np.ndarray]:
    """The page's ruled tables, top to bottom, and the mask of all ruling strokes (to wipe before OCR).
    ``red``: where a seal was (bool mask); a stroke broken there is bridged (the seal hid it), never
    elsewhere, where a gap is a merged cell."""
    horizontal, vertical = ruling_masks(ink, dpi)
    if red is not None and red.any():
        horizontal, vertical = _bridge(horizontal, red, dpi, (1, 0)), _bridge(vertical, red, dpi, (0, 1))
    frame = cv2.bitwise_or(horizontal, vertical)
    h, w = ink.shape
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    grids = []
    for k in range(1, n):
        x, y, bw, bh = stats[k, :4]
        if bw < w * _MIN_TABLE_SIDE or bh < h * 0.02:
            continue
        grid = _grid_in(horizontal[y:y + bh, x:x + bw], vertical[y:y + bh, x:x + bw], x, y, dpi)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.y_edges[0])
    return grids, frame


def _bridge(mask: np.ndarray, red: np.ndarray, dpi: float, along: tuple[int, int]) -> np.ndarray:
    """Strokes with their gaps under the seal closed, up to ~1.8 inch: a seal's whole width (42 mm), since a
    rule printed light grey is wiped with the seal's pink wherever the seal covers it, not only under its
    solid centre."""
    run = max(9, int(dpi * 1.8))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1) if along == (1, 0) else (1, run))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    seal = cv2.dilate(red.astype(np.uint8) * 255, np.ones((5, 5), np.uint8)) > 0
    out = mask.copy()
    out[seal & (closed > 0)] = 255
    return out


def _grid_in(horizontal: np.ndarray, vertical: np.ndarray, x0: int, y0: int, dpi: float):
    """The grid of one frame (masks cropped to it; x0, y0 its offset on the page), or None for no table."""
    tol = max(4, int(dpi * 0.03))
    h, w = horizontal.shape
    ys = _edges(horizontal.sum(axis=1) / 255.0, 0.05 * w, tol)
    xs = _edges(vertical.sum(axis=0) / 255.0, 0.05 * h, tol)
    if len(ys) < 2 or len(xs) < 2:
        return None
    if len(xs) < 3 and len(ys) < 3:
        return None  # a single box drawn around something
    ys = _open_ends(vertical, xs, ys, dpi, tol)
    owner = _owners(horizontal, vertical, xs, ys, tol)
    return ImageGrid(x_edges=[x + x0 for x in xs], y_edges=[y + y0 for y in ys], owner=owner)


_OPEN_MIN = 0.1  # inch: column strokes running on this far past the last/first rule hold a cut row
_OPEN_SHARE = 0.6  # of the column strokes that must run on, and end together


def _open_ends(vertical: np.ndarray, xs: list[int], ys: list[int], dpi: float, tol: int) -> list[int]:
    """``ys`` with an edge added below the last rule (above the first) where most column strokes run on
    past it, unbroken, and end together: the row a page break cut (its other half is on the next page).
    One or two strokes running on are a merged label column continuing, not a row."""
    reach = max(tol * 2, int(dpi * _OPEN_MIN))
    spread = max(tol * 2, int(dpi * 0.06))
    ink = [vertical[:, max(0, x - tol):x + tol + 1].max(axis=1) > 0 for x in xs]
    out = list(ys)
    for side in (1, -1):
        edge = out[-1] if side == 1 else out[0]
        ends = []
        for col in ink:
            run = col[edge:] if side == 1 else col[:edge + 1][::-1]
            gaps = np.flatnonzero(~run)
            length = int(gaps[0]) if gaps.size else run.size  # unbroken run from the rule on
            if length >= reach:
                ends.append(edge + side * (length - 1))
        if len(ends) >= max(2, _OPEN_SHARE * len(xs)) and max(ends) - min(ends) <= spread:
            end = int(np.median(ends))
            out = out + [end] if side == 1 else [end] + out
    return out


def _edges(profile: np.ndarray, min_len: float, tol: int) -> list[int]:
    """Centres of the runs of the profile above ``min_len`` (a stroke's thickness is one run)."""
    hits = np.flatnonzero(profile >= min_len)
    if hits.size == 0:
        return []
    out, start, prev = [], hits[0], hits[0]
    for v in hits[1:]:
        if v - prev > tol:
            out.append(int((start + prev) // 2))
            start = v
        prev = v
    out.append(int((start + prev) // 2))
    return out


def _owners(horizontal, vertical, xs, ys, tol) -> list[list[tuple[int, int]]]:
    """Union of neighbouring positions that no stroke separates; each cell owned by its top-left position."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = {(i, j): (i, j) for i in range(n_rows) for j in range(n_cols)}

    def find(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i in range(n_rows):
        for j in range(n_cols):
            if j + 1 < n_cols and not _stroke(vertical, xs[j + 1], ys[i], ys[i + 1], tol, axis=0):
                union((i, j), (i, j + 1))
            if i + 1 < n_rows and not _stroke(horizontal, ys[i + 1], xs[j], xs[j + 1], tol, axis=1):
                union((i, j), (i + 1, j))
    return [[find((i, j)) for j in range(n_cols)] for i in range(n_rows)]


def _stroke(mask: np.ndarray, at: int, lo: int, hi: int, tol: int, axis: int) -> bool:
    """Does a stroke run along ``at`` (x for vertical, y for horizontal) over most of lo..hi?"""
    a, b = lo + tol, hi - tol
    if b <= a:
        a, b = lo, hi
    band = mask[a:b, max(0, at - tol):at + tol + 1] if axis == 0 else mask[max(0, at - tol):at + tol + 1, a:b]
    if band.size == 0:
        return False
    covered = band.max(axis=1 if axis == 0 else 0) > 0
    return covered.mean() >= 0.6
