"""Ruled tables the plain rule-to-rule grid missed (readers/ocr/grid.py, image.py), on drawn pages, no engine:
a row a page break cut (no rule on its open side) and a table ruled in light grey (an office export's borders)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from govreport.readers.ocr.grid import find_tables
from govreport.readers.ocr.image import binarize

XS = [50, 250, 400, 550]


def _cut_table(bottom: int = 340, top: int = 50, run_on: tuple[int, ...] = (0, 1, 2, 3)) -> np.ndarray:
    """Rules at y=100, 200, 280; the column lines in ``run_on`` run from ``top`` to ``bottom`` (the others
    only between the rules): a row open below the last rule and one open above the first."""
    img = np.full((400, 600), 255, np.uint8)
    for y in (100, 200, 280):
        cv2.line(img, (XS[0], y), (XS[-1], y), 0, 2)
    for k, x in enumerate(XS):
        cv2.line(img, (x, top if k in run_on else 100), (x, bottom if k in run_on else 280), 0, 2)
    return img


def test_a_row_cut_by_the_page_edge_is_a_row():
    grid = find_tables(binarize(_cut_table()), 200)[0][0]
    assert grid.y_edges == pytest.approx([50, 100, 200, 280, 340], abs=8)  # the strokes' ends close both halves
    assert len(grid.owner) == 4 and grid.owner[3] == [(3, 0), (3, 1), (3, 2)]


def test_one_or_two_lines_running_on_are_a_merged_column_not_a_row():
    grid = find_tables(binarize(_cut_table(run_on=(0, 1))), 200)[0][0]
    assert [round(y / 10) for y in grid.y_edges] == [10, 20, 28]


def test_strokes_ending_apart_or_too_short_make_no_row():
    img = _cut_table(bottom=290, top=95)  # 10 px past the rules: the pen's end, not a row
    assert [round(y / 10) for y in find_tables(binarize(img), 200)[0][0].y_edges] == [10, 20, 28]
    img = _cut_table(run_on=(0, 1))
    cv2.line(img, (XS[2], 280), (XS[2], 320), 0, 2)
    cv2.line(img, (XS[3], 280), (XS[3], 380), 0, 2)  # four run on below, but end 60 px apart
    assert [round(y / 10) for y in find_tables(binarize(img), 200)[0][0].y_edges] == [10, 20, 28]


def _light_table(rule: int, noise: float = 4.0) -> np.ndarray:
    """Paper ~243 with scan noise, black text, the table's rules at grey ``rule``, and a shaded block."""
    rng = np.random.default_rng(7)
    img = np.full((500, 700), 243, np.uint8)
    for y in (50, 150, 250, 350):
        cv2.line(img, (50, y), (650, y), rule, 1)
    for x in (50, 300, 450, 650):
        cv2.line(img, (x, 50), (x, 350), rule, 1)
    for y in (100, 200, 300):
        cv2.putText(img, "2015 1800", (80, y + 10), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
    img[400:480, 100:600] = 205  # a shaded box below the table: no rules in it
    return np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)


def test_a_table_ruled_in_light_grey_is_found():
    grey = _light_table(rule=180)
    grid = find_tables(binarize(grey), 200)[0][0]
    assert [round(x / 10) for x in grid.x_edges] == [5, 30, 45, 65]
    assert [round(y / 10) for y in grid.y_edges] == [5, 15, 25, 35]
    assert all(o == (i, j) for i, row in enumerate(grid.owner) for j, o in enumerate(row))  # no cell merged


def test_noise_and_a_shaded_block_are_no_rules():
    ink = binarize(_light_table(rule=243))  # no rules at all: the text, the noise and the shading
    assert find_tables(ink, 200)[0] == []
    assert not ink[420:460, 150:550].any()  # the shaded block's inside is paper, not a slab of strokes
