"""A label's last word wrapped before its numbers is label text, not a cell (extract/row_guards.label_words).

The line ``1、申请人 无 — — — — — — 0`` / ``正当理由逾期不补正、行政机关不再处理其政府信息公开申请`` (a PDF text layer or a
pasted text: the label wrapped after 无, with a stray space before it) has eight tokens for the table's seven
columns. Read from the left, 无 took 自然人 and the total 0 was set aside as an extra cell, so the row's total
was stored missing. A leading token beyond the width that is a word (无, 不涉及) is the label's; a figure or a
mark there is not (the line is left as it was read). Found by the property test
tests/unit/extract/test_property_tables.py, which failed on such a generated table at random.
"""
from __future__ import annotations

import math
from pathlib import Path

from govreport.extract import extract
from govreport.extract.row_guards import label_words, with_words
from govreport.model import Block, Document

HEAD = [Block.line("测试县人民政府2022年政府信息公开工作年度报告"), Block.line("三、收到和处理政府信息公开申请情况"),
        Block.line("申请人情况"), Block.line("自然人 法人或其他组织 总计"),
        Block.line("商业企业 科研机构 社会公益组织 法律服务机构 其他"), Block.line("三、本年度办理结果"), Block.line("（六）其他处理")]
TAIL = "正当理由逾期不补正、行政机关不再处理其政府信息公开申请"


def _row(line: str):
    doc = Document(path=Path("wrapped.txt"), format="txt", hard_wrapped=True,
                   blocks=HEAD + [Block.line(line), Block.line(TAIL), Block.line("四、政府信息公开行政复议、行政诉讼情况")])
    ex = extract(doc, "gb2021", "wrapped-2022")
    values = {v["applicant"]: v for v in ex.values if v["metric"] == "outcome.other.no_correction"}
    return values, [(u["raw"], u["reason"]) for u in ex.unmapped]


def test_the_word_before_the_numbers_goes_back_to_the_label():
    values, unmapped = _row("1、申请人 无 — — — — — — 0")
    assert values["total"]["value"] == 0.0
    assert all(math.isnan(values[a]["value"]) for a in values if a != "total")  # the dashes: missing, never 0
    assert values["total"]["source_label"] == "1、申请人无 正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert unmapped == []


def test_a_number_beyond_the_width_is_still_an_extra_cell():
    values, unmapped = _row("1、申请人 3 — — — — — — 0")
    assert values["natural_person"]["value"] == 3.0 and math.isnan(values["total"]["value"])
    assert unmapped == [("0", "extra_cells")]


def test_a_word_in_a_row_of_the_right_width_is_a_cell():
    values, unmapped = _row("1、申请人 无 — — — — — 0")
    assert math.isnan(values["natural_person"]["value"]) and values["total"]["value"] == 0.0
    assert values["total"]["source_label"].startswith("1、申请人 正当理由")
    assert unmapped == []


def test_only_leading_words_beyond_the_width_count():
    assert label_words(["无", "不涉及", "—", "0"], 2) == 2
    assert label_words(["无", "0", "0"], 2) == 1
    assert label_words(["—", "0", "0"], 2) == 0  # a mark is a cell's
    assert label_words(["无", "0"], 2) == 0
    assert with_words("1、申请人 正当理由", "1、申请人", ["无"]) == "1、申请人无 正当理由"
    assert with_words("其他", "（三）", ["无"]) == "其他无"
