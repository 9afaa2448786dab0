"""OCR building blocks that need no engine: seal removal, deskew, ruled grids with merged cells, the vote
between reads, the page cache, OcrCell as a plain string (readers/ocr/)."""
from __future__ import annotations

import os

import pickle

import cv2
import numpy as np
import pytest

from conftest import ROOT
from govreport.model import OcrCell
from govreport.readers.ocr import cache
from govreport.readers.ocr.document import page_items
from govreport.readers.ocr.grid import find_tables
from govreport.readers.ocr.image import binarize, load_image, prepare, red_mask, remove_red, rotate, skew_angle
from govreport.readers.ocr.page import as_number_text, settle

SCANS = ROOT / "tests" / "data" / "scans"


def test_ocr_cell_is_a_plain_string_that_keeps_its_confidence_through_pickle():
    cell = OcrCell("1288", 0.93, 4, (10.0, 20.0, 30.0, 40.0))
    back = pickle.loads(pickle.dumps(cell))
    assert back == "1288" and hash(back) == hash("1288") and {back: 1}["1288"] == 1
    assert (back.confidence, back.page, back.bbox) == (0.93, 4, (10.0, 20.0, 30.0, 40.0))
    assert type(back.strip()) is str  # string methods give plain strings: keep the cell object for its confidence


def test_red_seal_is_removed_and_black_print_under_it_stays():
    page = np.full((200, 200, 3), 255, np.uint8)
    cv2.line(page, (0, 100), (199, 100), (0, 0, 0), 2)  # a ruling line
    seal = page.copy()
    cv2.circle(seal, (100, 100), 60, (40, 40, 220), -1)
    page = np.minimum(page, seal)  # red ink printed over the line
    grey = remove_red(page, red_mask(page))
    assert grey[30, 100] == 255 and grey[60, 60] == 255  # seal ink: paper now (outside and inside the disc)
    assert grey[100, 100] < 80 and grey[100, 10] < 80  # the line under the seal and beside it: still dark


def test_deskew_finds_the_scan_rotation():
    bgr, dpi = load_image(SCANS / "huaian_gov_2024_p4_200dpi.jpg")  # made turned by 0.7 degrees
    assert dpi == 200.0
    grey, angle, _red = prepare(bgr)
    assert angle == pytest.approx(-0.7, abs=0.1)
    turned = rotate(grey, 1.0)
    assert skew_angle(binarize(turned)) == pytest.approx(-1.0, abs=0.1)  # the straightened page turned again


def _table_image() -> np.ndarray:
    """3 x 3 grid, 200 dpi; the top row's last two cells merged (no line between them)."""
    img = np.full((400, 600), 255, np.uint8)
    xs, ys = [50, 250, 400, 550], [50, 150, 250, 350]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for k, x in enumerate(xs):
        cv2.line(img, (x, ys[1] if k == 2 else ys[0]), (x, ys[-1]), 0, 2)
    return img


def test_grid_finds_cells_and_merged_cells():
    ink = binarize(_table_image())
    grids, strokes = find_tables(ink, 200)
    assert len(grids) == 1
    grid = grids[0]
    assert [round(x / 10) for x in grid.x_edges] == [5, 25, 40, 55]
    assert [round(y / 10) for y in grid.y_edges] == [5, 15, 25, 35]
    assert grid.owner[0] == [(0, 0), (0, 1), (0, 1)]  # the merged header cell owns both positions
    assert grid.owner[1] == [(1, 0), (1, 1), (1, 2)]
    assert strokes[50, 300] > 0 and strokes[100, 300] == 0


def test_a_seal_hiding_a_line_does_not_merge_cells_but_a_real_gap_does():
    img = cv2.cvtColor(_table_image(), cv2.COLOR_GRAY2BGR)
    img[240:262, 380:420] = (40, 40, 220)  # a seal's solid centre over the line y=250 near x=400
    grey, _angle, red = prepare(img, angle=0.0)
    grids, _ = find_tables(binarize(grey), 200, red)
    assert grids[0].owner[1][2] == (1, 2) and grids[0].owner[2][2] == (2, 2)
    assert grids[0].owner[0][2] == (0, 1)  # the gap no seal covers is still a merged cell


@pytest.mark.parametrize("reads, expected", [
    ([("12", 0.9), ("12", 0.8), ("2", 0.4)], ("12", 0.9)),     # two of three agree
    ([("ST", 0.0), ("37", 0.96), ("7", 0.0)], ("37", 0.5)),    # one read only: never above 0.5
    ([("20", 0.91), ("26", 0.96), ("26", 0.96)], ("26", 0.96)),  # the Chinese read garbles a digit
    ([("0)", 0.21), ("", 0.0), ("", 0.0)], ("0", 0.21)),       # digits of a garbled read: low confidence
    ([("行政许可", 0.9)], ("行政许可", 0.9)),                    # text stays text
])
def test_settle_votes_between_reads(reads, expected):
    text, conf = settle(reads)
    assert text == expected[0] and conf == pytest.approx(min(expected[1], 0.3) if text == "0" else expected[1])


def test_number_text_fixes_the_usual_confusions_only():
    assert as_number_text("1O5") == "105" and as_number_text("l2") == "12" and as_number_text("96171.6") == "96171.6"
    assert as_number_text("本年") is None and as_number_text("") is None


def test_page_items_expand_spans_like_the_pdf_reader(tmp_path):
    result = {"angle": 0.0, "lines": [{"text": "- 4 -", "conf": 0.9, "bbox": [1, 800, 20, 810]},
                                      {"text": "三、收到和处理政府信息公开申请情况", "conf": 0.93, "bbox": [100, 300, 380, 320]}],
              "tables": [{"cells": {"0,0": ["信息内容", 0.9, [0, 330, 100, 350]], "0,1": ["本年处理决定数量", 0.9, [100, 330, 400, 350]],
                                    "1,0": ["行政许可", 0.95, [0, 350, 100, 370]], "1,1": ["447228", 0.97, [100, 350, 400, 370]]},
                          "owner": [[[0, 0], [0, 1], [0, 1]], [[1, 0], [1, 1], [1, 1]]],
                          "bbox": [0, 330, 400, 370], "x_edges": [0, 100, 250, 400]}]}
    items = page_items(result, 4)
    assert len(items.items) == 2  # the page mark is dropped
    line, grid = items.items[0][1], items.items[1][1]
    assert line.text == "三、收到和处理政府信息公开申请情况" and line.text.confidence == 0.93 and line.page == 4
    assert grid.cells[0] == ["信息内容", "本年处理决定数量", "本年处理决定数量"]  # a merged label repeats
    assert grid.cells[1] == ["行政许可", "447228", None]  # a merged number is never read twice
    assert grid.cells[1][1].confidence == 0.97 and grid.cells[1][1].page == 4


def test_cache_keys_on_pixels_and_settings(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_folder", cache._UNSET)
    monkeypatch.delenv(cache.ENV, raising=False)
    assert cache.folder() is None
    cache.store("k", {"x": 1})  # no folder: nothing written, no error
    monkeypatch.setenv(cache.ENV, str(tmp_path / "env"))
    assert cache.folder() == tmp_path / "env"
    cache.use_folder(tmp_path / "ocr")
    img = np.zeros((4, 4), np.uint8)
    key = cache.page_key(img, 200, "tesseract 5.3.0", "s")
    assert key != cache.page_key(img, 300, "tesseract 5.3.0", "s") != cache.page_key(img + 1, 200, "tesseract 5.3.0", "s")
    assert cache.load(key) is None
    cache.store(key, {"lines": [], "tables": []})
    assert cache.load(key) == {"lines": [], "tables": []} and (tmp_path / "ocr" / f"{key}.json").exists()
    (tmp_path / "ocr" / f"{key}.json").write_text("{broken", encoding="utf-8")
    assert cache.load(key) is None  # a damaged entry is read again, not trusted
    cache.store(key, {"lines": [{"text": "受理 550"}], "tables": []})
    entry = (tmp_path / "ocr" / f"{key}.json")
    entry.write_text(entry.read_text(encoding="utf-8").replace("550", "999999"), encoding="utf-8")
    assert cache.load(key) is None  # edited on disk: its digest no longer matches, the page is read again
    cache.store(key, {"lines": [], "tables": []})
    other = cache.page_key(img + 2, 200, "tesseract 5.3.0", "s")
    (tmp_path / "ocr" / f"{other}.json").write_bytes(entry.read_bytes())
    assert cache.load(other) is None  # another page's entry moved under this key
    cache.use_folder(None)


def test_an_ingest_caches_ocr_pages_beside_its_parts_and_lets_go_after(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    with cache.using(tmp_path / "store" / ".parts" / "ocr"):
        assert cache.folder() == tmp_path / "store" / ".parts" / "ocr"
        assert os.environ[cache.ENV] == str(tmp_path / "store" / ".parts" / "ocr")  # for spawned workers
    assert cache.ENV not in os.environ
