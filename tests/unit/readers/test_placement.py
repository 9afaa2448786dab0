"""Placement by position (readers/placement.py): a value stands under the header column it overlaps.

Hand-made grids with the shapes that break counting from the left: blank cells, a header
leaf spanning several grid columns, data rows that split the page differently from the
header (Word), a value straddling two header columns, and positioned words of an
unruled PDF line.
"""
from govreport.readers.placement import Span, best_column, column_widths, edges_from_widths, place, place_words, zones

HEADS = ["自然人", "商业企业", "总计"]


def _header(label_cols=1):
    return [Span(0, label_cols, "申请人情况")] + [Span(label_cols + n, label_cols + n + 1, h) for n, h in enumerate(HEADS)]


def test_blank_cells_keep_every_value_in_its_column():
    rows = [_header(), [Span(0, 1, "2.重复申请"), Span(1, 2, None), Span(2, 3, "5"), Span(3, 4, "5")]]
    out = place(rows, [0, 100, 140, 180, 220]).rows
    assert out == [["申请人情况", "自然人", "商业企业", "总计"], ["2.重复申请", None, "5", "5"]]


def test_value_spanning_a_header_column_and_a_sliver_goes_to_the_column_it_covers():
    # header: 自然人 [100,176) 商业企业 [176,252) 总计 [252,328), each = a 70 column + a 6 sliver;
    # data cells: '7' covers [100,170) only, '9' covers the sliver of 自然人 and the body of 商业企业
    edges = [0, 100, 170, 176, 246, 252, 322, 328]
    header = [Span(0, 1, "申请人情况"), Span(1, 3, "自然人"), Span(3, 5, "商业企业"), Span(5, 7, "总计")]
    data = [Span(0, 1, "（一）予以公开"), Span(1, 2, "7"), Span(2, 4, "9"), Span(4, 6, "16"), Span(6, 7, None)]
    placed = place([header, data], edges)
    assert placed.rows == [["申请人情况", "自然人", "商业企业", "总计"], ["（一）予以公开", "7", "9", "16"]]
    assert placed.unplaced == 0


def test_value_straddling_two_columns_equally_is_not_guessed():
    edges = [0, 100, 140, 180, 220]
    data = [Span(0, 1, "（一）予以公开"), Span(1, 3, "8"), Span(3, 4, "8")]  # '8' covers 自然人 and 商业企业 alike
    placed = place([_header(), data], edges)
    assert placed.unplaced == 1
    # the unplaced value stands left of the value columns (the extractor reports it), the row is not shifted
    assert placed.rows[1] == ["（一）予以公开", "8", None, None, "8"]
    assert placed.rows[0] == ["申请人情况", None, "自然人", "商业企业", "总计"]


def test_header_colspan_keeps_its_grid_columns_and_the_value_is_written_once():
    # 行政事业性收费 | 6 | '/' under 本年增/减, which spans two grid columns drawn by another sub-table
    rows = [[Span(0, 1, "信息内容"), Span(1, 2, "上一年项目数量"), Span(2, 3, "本年增/减"), Span(3, 4, "处理决定数量")],
            [Span(0, 1, "行政处罚"), Span(1, 2, "320"), Span(2, 3, "-3"), Span(3, 4, "96")],
            [Span(0, 1, "信息内容"), Span(1, 2, "上一年项目数量"), Span(2, 4, "本年增/减")],
            [Span(0, 1, "行政事业性收费"), Span(1, 2, "6"), Span(2, 4, "/")]]
    assert place(rows, [0, 100, 150, 200, 250]).rows[2:] == [
        ["信息内容", "上一年项目数量", "本年增/减", "本年增/减"], ["行政事业性收费", "6", "/", None]]
    # a header cell no other row divides is one column
    assert place(rows[2:], [0, 100, 150, 200, 250]).rows == [
        ["信息内容", "上一年项目数量", "本年增/减"], ["行政事业性收费", "6", "/"]]


def test_label_cells_repeat_over_their_span():
    rows = [_header(2), [Span(0, 2, "四、结转下年度继续办理"), Span(2, 3, "1"), Span(3, 4, None), Span(4, 5, "1")]]
    out = place(rows, [0, 40, 100, 140, 180, 220]).rows
    assert out[1] == ["四、结转下年度继续办理", "四、结转下年度继续办理", "1", None, "1"]


def test_widths_from_spanning_cells():
    # 3 columns: one cell gives column 0 (70), a two-column cell gives 0+1 (76), a three-column cell all (150)
    assert column_widths([(0, 1, 70.0), (0, 2, 76.0), (0, 3, 150.0)], 3) == [70.0, 6.0, 74.0]
    assert column_widths([(0, 2, None)], 2) == [1.0, 1.0]  # nothing measured: colspan offsets
    assert edges_from_widths([70.0, 6.0]) == [0.0, 70.0, 76.0]


def test_best_column_refuses_a_near_tie():
    cols = [(0, 10), (10, 20)]
    assert best_column(2, 9, cols) == 0
    assert best_column(8, 20, cols) == 1  # 2 vs 10
    assert best_column(5, 15, cols) is None  # 5 vs 5
    assert best_column(30, 40, cols) is None  # outside every column


def test_unruled_line_numbers_go_to_the_zone_they_sit_in():
    # header words 自然人 [300,327] 商业企业 [340,376] 总计 [390,408]; zones reach halfway between them
    cols = zones([(300, 327), (340, 376), (390, 408)])
    assert cols[0][1] == cols[1][0] == 333.5 and cols[1][1] == cols[2][0] == 383
    label, cells, unplaced = place_words([(50, 150, "2.重复申请"), (355, 361, "5"), (396, 402, "5")], cols)
    assert (label, cells, unplaced) == ("2.重复申请", [None, "5", "5"], [])
    # a number printed across the boundary of two zones is not given to either
    label, cells, unplaced = place_words([(50, 150, "（一）予以公开"), (325, 342, "12")], cols)
    assert cells == [None, None, None] and unplaced == ["12"]
