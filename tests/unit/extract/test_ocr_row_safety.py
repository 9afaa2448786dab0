"""A number read from a scan is never moved to a row that is not its own (issue 18: OCR never stores a wrong
number silently).

The documents are the reader's output for real scans of real cases, recorded in tests/data/ocr_rows/ (see its
README: which scan, which code), so these run without tesseract; the values asserted are the hand-checked ones
of tests/data/real/expected/.
"""
from __future__ import annotations

import math

import pytest

from govreport import catalog
from govreport.extract import extract
from govreport.extract.row_guards import merged_rows, own_label
from govreport.model import Block, Document, OcrCell
from ocr_rows import recorded, truth, wrong

MERGED_LABEL = "一、本年新收政府信息公开申请数量 二、上年结转政府信息公开申请数量"


def _doc(name: str) -> Document:
    return recorded(name)


def _truth(case: str) -> dict:
    return truth(case)


def _values(ex) -> dict:
    return {f"{v['metric']}|{v['applicant']}": v for v in ex.values}


def _wrong(ex, case: str) -> list:
    return wrong(ex.values, case)


def test_a_misread_digit_keeps_its_row_and_no_number_lands_on_another_row():
    # 审计局 2024, browser print at 300 dpi: row 一 prints 1 0 0 0 0 0 1 and its 1s read 了; the row used to
    # become a label (了 0 了) buffered onto row 二, whose 0s were stored as requests.new_received (truth: 1)
    ex = extract(_doc("putian_ptsjj_2024.browser_300dpi"), "gb2021")
    got = _values(ex)
    assert _wrong(ex, "putian_ptsjj_2024") == []
    assert "requests.new_received|natural_person" not in got and "requests.new_received|total" not in got
    assert [got[f"requests.new_received|{a}"]["value"] for a in ("commercial", "research", "social_org",
                                                                  "legal_service", "other_org")] == [0.0] * 5
    misread = [u for u in ex.unmapped if u["source_label"] == "一、本年新收政府信息公开申请数量"]
    assert [(u["column"], u["raw"]) for u in misread] == [("natural_person", "了"), ("total", "了")]  # what was read, kept
    # an OCR misread, not the report's text: set aside where it was placed (the identity checks see the cell unread)
    assert [(u["reason"], u["metric"], u["applicant"]) for u in misread] == [
        ("ocr_low_confidence", "requests.new_received", a) for a in ("natural_person", "total")]
    assert all(math.isnan(u["value"]) and "'了'" in u["detail"] and "not a number" in u["detail"] for u in misread)
    right = sum(1 for k, t in _truth("putian_ptsjj_2024").items() if k in got and got[k]["value"] == t)
    assert right == 189  # of 200 hand-checked cells (149 before, 2 of them wrong)


def test_a_row_holding_two_numbered_row_labels_goes_to_unmapped_whole():
    # the same table with the ruling line between rows 一 and 二 lost: one grid row, both labels in its label cell
    doc = _doc("putian_ptsjj_2024.browser_300dpi")
    n, table = next((n, b) for n, b in enumerate(doc.blocks) if b.kind == "table" and any(
        str(r[0]).startswith("一、本年新收") for r in b.rows))
    rows = [list(r) for r in table.rows]
    k = next(i for i, r in enumerate(rows) if str(r[0]).startswith("一、本年新收"))
    label = OcrCell(MERGED_LABEL, 0.67, 4, (0, 0, 1, 1))
    rows[k:k + 2] = [[label] * 3 + rows[k + 1][3:]]  # row 二's cells (all 0) under both labels
    doc.blocks[n] = Block.table(rows, page=table.page)
    ex = extract(doc, "gb2021")
    metrics = {v["metric"] for v in ex.values}
    assert not {"requests.new_received", "requests.carried_over"} & metrics
    merged = [u for u in ex.unmapped if u["reason"] == "merged_rows"]
    assert [(u["column"], u["raw"]) for u in merged] == [(a, "0") for a in catalog.APPLICANTS]
    assert "一 and 二" in merged[0]["detail"]
    assert _wrong(ex, "putian_ptsjj_2024") == []


def test_two_numbered_labels_are_told_by_the_catalog_list_styles():
    assert merged_rows("一、本年新收政府信息公开申请数量 了 0 了 二、上年结转政府信息公开申请数量")
    assert merged_rows("（一）予以公开 （二）部分公开")
    assert merged_rows("1.属于国家秘密 2.其他法律行政法规禁止公开")
    # headings of different levels before a row's own label are one row
    assert merged_rows("三、本年度办理结果 （三）不予公开 1.属于国家秘密") is None
    assert merged_rows("三、本年度办理结果 (4) # seit(a) PRE 3.补正后申请内容仍不明确") is None
    assert merged_rows("第二十条第（一）项") is None
    for row in catalog.read_csv("labels.csv"):  # no catalog row name is two rows
        assert merged_rows(row["name_zh"]) is None, row["name_zh"]
    assert own_label("三、本年度办理结果 (六)其他处理 1.申请人无正当理由逾期不补正") == "1.申请人无正当理由逾期不补正"
    assert own_label("四、结转下年度继续办理") is None


@pytest.mark.parametrize("name, case", [("putian_ptslyj_2023.browser_200dpi", "putian_ptslyj_2023"),
                                        ("putian_ptkjj_2024.browser_200dpi", "putian_ptkjj_2024")])
def test_a_misread_numbered_row_never_takes_its_group_metric(name, case):
    # 1.申请人无正当理由逾期不补正… read 依期/信期…行政机天: its 0s used to land on outcome.other.total (the
    # group heading (六)其他处理 matched); now its own label is matched by similarity, the group never
    ex = extract(_doc(name), "gb2021")
    got = _values(ex)
    assert not [k for k in got if k.startswith("outcome.other.total|")]
    row = [got[f"outcome.other.no_correction|{a}"] for a in catalog.APPLICANTS]
    assert [v["value"] for v in row] == [_truth(case)[f"outcome.other.no_correction|{a}"] for a in catalog.APPLICANTS]
    assert {v["provenance"] for v in row} == {"ocr"} and 0.9 < row[0]["match_score"] < 1
    assert _wrong(ex, case) == [] and not ex.unmapped
    assert sum(1 for k, t in _truth(case).items() if k in got and got[k]["value"] == t) == len(_truth(case))


def test_an_unreadable_numbered_row_is_placed_by_the_template_order_or_not_at_all():
    # the same row with its own label unreadable (as OCR reads other rows of these scans: 1. FIBA LIE YEAR …)
    doc = _doc("putian_ptkjj_2024.browser_200dpi")
    for n, b in enumerate(doc.blocks):
        if b.kind == "table":
            doc.blocks[n] = Block.table([[OcrCell("1. FIBA LIE YEAR #hiE", 0.0, 4) if "不补正" in str(c) else c
                                          for c in r] for r in b.rows], page=b.page)
    ex = extract(doc, "gb2021")
    got = _values(ex)
    assert not [k for k in got if k.startswith("outcome.other.total|")]
    row = [got[f"outcome.other.no_correction|{a}"] for a in catalog.APPLICANTS]
    assert [v["value"] for v in row] == [0.0] * 7  # the hand-checked row: 0 in every column
    assert all("placed by the template's row order" in v["note"] for v in row)
    assert _wrong(ex, "putian_ptkjj_2024") == []



def test_a_number_with_stray_characters_keeps_its_row_and_goes_to_unmapped_as_read(tmp_path):
    # 水利局 2020 prints the procurement row as 政府集中采购 | 1 | 2488（元）; the 200-dpi browser scan read the
    # amount `2488元)`. That cell used to make the whole row a label with no cells: count and amount were lost
    # without an unmapped row. Now the count is read and the misread amount is listed with what was read.
    from pathlib import Path

    from govreport.extract.rows import _split_grid_row
    from govreport.pipeline import parse

    row = _split_grid_row(("政府集中采购", OcrCell("1", 0.9), OcrCell("2488元)", 0.8)))
    assert row.label == "政府集中采购" and [str(c) for c in row.cells] == ["1", "2488元)"]
    real = Path(__file__).parents[2] / "data" / "real" / "putian_ptsslj_2020.html"
    typo = tmp_path / real.name
    typo.write_text(real.read_text(encoding="utf-8").replace("2488（元）", "2488元)"), encoding="utf-8")
    parsed = parse(typo)
    values = {f"{r.metric}|{r.applicant}": r.value for r in parsed.values.itertuples()}
    truth_values = _truth("putian_ptsslj_2020")
    assert values["art20.procurement.count|total"] == truth_values["art20.procurement.count|total"] == 1
    assert "art20.procurement.amount|total" not in values
    hit = parsed.unmapped[parsed.unmapped.raw == "2488元)"]
    # printed so in an HTML file: the report's own text (text_cell); read so by OCR it is a misread (first test)
    assert list(hit.source_label) == ["政府集中采购"] and list(hit.reason) == ["text_cell"]


def test_a_legacy_table_whose_first_header_cell_is_misread_is_still_read_by_its_other_header_words():
    # 海洋与渔业局 2016, browser print at 150 dpi: the 附表's header reads `bite teas = | 单位 | 2016年度 | 历年累计`
    # (指标名称 misread), so no legacy section opened and the report was refused; the header's other words
    # (catalog/sections.csv) open it. The unit column (条; 件 misread 性, 你) stays the unit, or goes to unmapped as read.
    from govreport.extract.rows import _misread

    ex = extract(_doc("putian_pthyyyyj_2016.browser_150dpi"), "legacy")
    got = _values(ex)
    truth_values = _truth("putian_pthyyyyj_2016")
    right = [k for k, v in truth_values.items() if k in got and got[k]["value"] == v]
    assert len(right) == 14 and len(truth_values) == 15  # 3.信函、传真申请数 read 信丁: unmapped, not guessed
    assert got["proactive.total|total"]["value"] == 105 and got["requests.new_received|total"]["value"] == 0
    assert not _wrong(ex, "putian_pthyyyyj_2016")
    assert {u["raw"] for u in ex.unmapped if u["reason"] == "positions_unknown"} == {"a", "性", "你"}
    assert not _misread(OcrCell("条", 0.85)) and _misread(OcrCell("了", 0.6))



def test_a_legacy_table_whose_cumulative_header_is_unread_stores_the_year_column_only():
    # 海洋与渔业局 2016, office print at 150 dpi: the header reads `指标名称 | 单位 | 2016年度 | Ase Rit` (历年累计
    # read as Latin letters). Read from the right under the one-column default layout, the cumulative 1800 and 6
    # were stored as the year's values (6 wrong cells, unflagged). The header names the year column and then a
    # column it could not read (catalog/layouts.csv legacy_value_then_unread): the year's values are stored, the
    # unread column's numbers go to unmapped as columns_unnamed.
    doc = _doc("putian_pthyyyyj_2016.office_150dpi")
    header = next(b.rows[0] for b in doc.blocks if b.kind == "table")
    assert [str(c) for c in header] == ["指标名称", "单位", "2016年度", "Ase Rit"]
    ex = extract(doc, "legacy")
    got = _values(ex)
    truth_values = _truth("putian_pthyyyyj_2016")
    assert not _wrong(ex, "putian_pthyyyyj_2016")
    assert got["proactive.total|total"]["value"] == 105 and got["requests.new_received|total"]["value"] == 0
    assert sum(1 for k, v in truth_values.items() if k in got and got[k]["value"] == v) == 15
    unread = [(u["source_label"], u["raw"]) for u in ex.unmapped if u["reason"] == "columns_unnamed"]
    assert ("主动公开文件数", "1800") in unread and ("对申请的答复总数", "6") in unread and len(unread) == 16


def test_a_legacy_row_with_more_numbers_than_its_unnamed_columns_stores_none():
    # the same table with no header naming any column (its header row dropped here): each row holds two numbers
    # for the one column of the default layout; which is the year's cannot be told, so none is stored
    doc = _doc("putian_pthyyyyj_2016.office_150dpi")
    n, table = next((n, b) for n, b in enumerate(doc.blocks) if b.kind == "table")
    doc.blocks[n] = Block.table([list(r) for r in table.rows[1:]], page=table.page)
    doc.blocks.insert(n, Block.line("指标名称", page=table.page))  # the legacy table still opens
    ex = extract(doc, "legacy")
    assert ex.values == [] and not _wrong(ex, "putian_pthyyyyj_2016")
    first = [(u["column"], u["raw"], u["reason"]) for u in ex.unmapped if u["source_label"] == "主动公开文件数"]
    assert first == [("?1", "105", "columns_unnamed"), ("?2", "1800", "columns_unnamed")]  # what was read, kept
    # a header that names both columns is read as before: the year's value stored, the cumulative set aside
    named = _doc("putian_pthyyyyj_2016.browser_150dpi")
    assert _values(extract(named, "legacy"))["proactive.total|total"]["value"] == 105
