"""A page printed italic (a browser's synthetic oblique of a CJK face) is read upright (readers/ocr/slant.py,
page.py). The input is real: tests/data/scans/putian_ptsjj_2024_italic_table_200dpi.jpg, the top of the
request table (rows 一, 二, 三(一), 三(二)) of 莆田市审计局 2024 printed by a browser and scanned at 200 dpi
(build/scans/browser_200dpi/putian_ptsjj_2024.pdf page 4, cut from the page as scanned, grey JPEG q85).
Values hand-checked against tests/data/real/expected/putian_ptsjj_2024.json. Read without the slant, its
1s read 了 and the labels garble (二、上年结医政府往宕么开店重数嘲)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import ROOT
from govreport.readers.ocr.image import load_image
from govreport.readers.ocr.page import _layout, read_page_image
from govreport.readers.ocr.slant import box_back, measure, upright
from test_ocr_reader import tesseract  # noqa: F401  (the module fixture: installs tesseract or skips)

SCANS = ROOT / "tests" / "data" / "scans"
ITALIC = SCANS / "putian_ptsjj_2024_italic_table_200dpi.jpg"
UPRIGHT = SCANS / "huaian_gov_2024_p4_200dpi.jpg"


def _stroke_image(slant: float) -> np.ndarray:
    """White page, eight black bars 60 px tall leaning right by ``slant`` (tops further right), drawn
    anti-aliased and blurred a little as a scan's optics do (a stair-stepped edge has no direction)."""
    img = np.full((120, 400), 255, np.uint8)
    for k in range(8):
        x = 30 + 45 * k
        pts = np.array([[x, 90], [x + 6, 90], [x + 6 + 60 * slant, 30], [x + 60 * slant, 30]], np.int32)
        cv2.fillPoly(img, [pts], 0, lineType=cv2.LINE_AA)
    return cv2.GaussianBlur(img, (3, 3), 0)


def test_slant_of_drawn_strokes_and_the_shear_sets_them_upright():
    leaning = _stroke_image(0.2)
    assert measure(leaning) == pytest.approx(0.2, abs=0.02)
    assert measure(_stroke_image(0.0)) == 0.0
    straight = upright(leaning, 0.2)
    assert straight.shape == (120, 400 + 25) and measure(straight) == 0.0
    cols = np.flatnonzero((straight[30:90, 20:80] < 128).any(axis=0))
    assert cols.size <= 9  # the first bar: 6 px wide again (it spanned 18 px leaning)
    # a box found on the upright image, mapped back: x moves left by slant x row
    assert box_back((100, 30, 140, 90), 0.2, 120, 400) == (82, 30, 134, 90)


def test_the_italic_table_measures_its_slant_and_an_upright_scan_none():
    bgr, dpi = load_image(ITALIC)
    assert dpi == 200.0
    _grey, _angle, _clean, grids, slants = _layout(bgr, dpi)
    assert len(grids) == 1 and slants[0] == pytest.approx(0.21, abs=0.03)
    bgr, dpi = load_image(UPRIGHT)
    assert _layout(bgr, dpi)[4] == [0.0, 0.0]  # its two tables


@pytest.fixture(scope="module")
def italic_table(tesseract):
    bgr, dpi = load_image(ITALIC)
    return read_page_image(bgr, dpi)["tables"][0]


def _row(table: dict, label_part: str):
    """The row whose label (column 0 or 1) holds ``label_part``: (label, [(text, conf) of its 7 value columns])."""
    cells = {tuple(int(v) for v in k.split(",")): (text, conf) for k, (text, conf, _b) in table["cells"].items()}
    for (i, j), (text, _conf) in sorted(cells.items()):
        if j <= 1 and label_part in text:
            return text, [cells.get((i, c)) for c in range(2, 9)]
    raise AssertionError(f"no row {label_part}: {sorted(cells.items())}")


def test_italic_table_reads_upright_labels_and_numbers(italic_table):
    """Every number reads right; the 0s are trusted (a 1 the digit reads dispute may stay below the 0.6
    trust line: flagged, never stored as sure)."""
    label, values = _row(italic_table, "一、")
    assert label == "一、本年新收政府信息公开申请数量"
    assert [v[0] for v in values] == ["1", "0", "0", "0", "0", "0", "1"]  # natural person 1 ... total 1
    assert all(conf >= 0.6 for _t, conf in values[1:6])
    label, values = _row(italic_table, "二、")
    assert label == "二、上年结转政府信息公开申请数量"
    assert [v[0] for v in values] == ["0"] * 7 and all(conf >= 0.6 for _t, conf in values)
    label, values = _row(italic_table, "予以公开")
    assert label == "(一)予以公开"
    assert [v[0] for v in values] == ["1", "0", "0", "0", "0", "0", "1"]
    assert all(conf >= 0.6 for _t, conf in values[1:6])
    label, values = _row(italic_table, "部分公开")  # (二)部分公开…: its 二 reads =
    assert "部分公开" in label and "区分处理的，只计这一情形，不计其他情形" in label
    assert [v[0] for v in values] == ["0"] * 7 and all(conf >= 0.6 for _t, conf in values)
