"""Rows placed by the national template's row order (extract/template_order.py), on hand-built gb2021 tables.

The tables are synthetic (built here cell by cell): they test the rule, not a report. The real cases rendered to
PDF are in tests/integration/test_pdf_rows.py.
"""
from __future__ import annotations

import math
from pathlib import Path

from govreport.extract import extract
from govreport.extract.template_order import PROVENANCE, template_rows
from govreport.model import Block, Document

HEAD = ("三、收到和处理政府信息公开申请情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
ZERO = ("0",) * 7


def _table(rows: dict[str, tuple], fmt: str = "pdf") -> Document:
    """A gb2021 section 三 table with every template row; ``rows``: new label -> (the row it replaces, its cells)."""
    body = {
        "一、本年新收政府信息公开申请数量": ("3", "1", "0", "0", "0", "0", "4"),
        "二、上年结转政府信息公开申请数量": ZERO,
        "（一）予以公开": ("2", "1", "0", "0", "0", "0", "3"),
        "（二）部分公开": ZERO,
        **{f"（三）不予公开 {n}": ZERO for n in ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                                           "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                                           "7.属于行政执法案卷", "8.属于行政查询事项")},
        "（四）无法提供 1.本机关不掌握相关政府信息": ("1", None, None, None, None, None, "1"),
        "（四）无法提供 2.没有现成信息需要另行制作": ZERO,
        "（四）无法提供 3.补正后申请内容仍不明确": ZERO,
        "（五）不予处理 1.信访举报投诉类申请": ZERO,
        "（五）不予处理 2.重复申请": ZERO,
        "（五）不予处理 3.要求提供公开出版物": ZERO,
        "（五）不予处理 4.无正当理由大量反复申请": ZERO,
        "（五）不予处理 5.要求行政机关确认或重新出具已获取信息": ZERO,
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": ZERO,
        "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": ZERO,
        "（六）其他处理 3.其他": ZERO,
        "（七）总计": ("3", "1", "0", "0", "0", "0", "4"),
        "四、结转下年度继续办理": ZERO,
    }
    for label, (old, cells) in rows.items():
        body = {(label if k == old else k): (cells if k == old else v) for k, v in body.items()}
    table = [HEAD] + [(label, *cells) for label, cells in body.items()]
    blocks = [Block.line("三、收到和处理政府信息公开申请情况", page=1), Block.table(table, page=1),
              Block.line("四、政府信息公开行政复议、行政诉讼情况", page=1)]
    return Document(path=Path(f"synthetic.{fmt}"), format=fmt, blocks=blocks, hard_wrapped=fmt == "pdf")


def _values(ex, metric: str) -> dict:
    return {v["applicant"]: (v["value"], v["provenance"]) for v in ex.values if v["metric"] == metric}


def test_template_rows_follow_the_printed_form():
    gb2019, gb2021 = template_rows("gb2019", "requests"), template_rows("gb2021", "requests")
    assert gb2021[:3] == ("requests.new_received", "requests.carried_over", "outcome.granted")
    assert gb2021[-5:] == ("outcome.other.no_correction", "outcome.other.no_fee", "outcome.other.other",
                           "outcome.total", "requests.carried_forward")
    assert gb2019[-3:] == ("outcome.other.total", "outcome.total", "requests.carried_forward")  # one 其他处理 row
    for rows in (gb2019, gb2021):  # merged group headings are no rows
        assert not {"outcome.denied.total", "outcome.unavailable.total", "outcome.not_processed.total"} & set(rows)
    assert len(gb2021) == 25 and len(gb2019) == 23


def test_an_unreadable_label_between_matched_rows_is_placed_by_the_template_order():
    # the 不掌握 row printed with its label scrambled (a PDF interleaving two label columns): 1 | blank … | 1
    doc = _table({"（四）无 1.本机法提供 关不掌": ("（四）无法提供 1.本机关不掌握相关政府信息", ("1", None, None, None, None, None, "1"))})
    ex = extract(doc, "gb2021")
    got = _values(ex, "outcome.unavailable.not_held")
    assert got["natural_person"] == (1.0, PROVENANCE) and got["total"] == (1.0, PROVENANCE)
    assert all(math.isnan(got[a][0]) for a in ("commercial", "research", "social_org", "legal_service", "other_org"))
    assert not [u for u in ex.unmapped if not math.isnan(u["value"])]
    # the same table as HTML: the label is exact there, so an unknown one stays unmapped with the hint
    ex_html = extract(_table({"（四）无 1.本机法提供 关不掌": ("（四）无法提供 1.本机关不掌握相关政府信息",
                                                       ("1", None, None, None, None, None, "1"))}, fmt="html"), "gb2021")
    assert "outcome.unavailable.not_held" not in {v["metric"] for v in ex_html.values}
    assert {u["value"] for u in ex_html.unmapped} == {1.0}
    assert all("by its position it is probably outcome.unavailable.not_held" in u["detail"] for u in ex_html.unmapped)


def test_a_placed_row_that_breaks_the_identities_is_not_kept():
    # the scrambled row prints 2 | … | 2 while 总计 says 4 = 3 + 1: with it, 办理结果 no longer adds up
    doc = _table({"（四）无 1.本机法提供 关不掌": ("（四）无法提供 1.本机关不掌握相关政府信息", ("2", None, None, None, None, None, "2"))})
    ex = extract(doc, "gb2021")
    assert "outcome.unavailable.not_held" not in {v["metric"] for v in ex.values}
    lost = [u for u in ex.unmapped if not math.isnan(u["value"])]
    assert [(u["column"], u["value"]) for u in lost] == [("natural_person", 2.0), ("total", 2.0)]
    assert all("not placed: identity outcome.total[natural_person]" in u["detail"] for u in lost)


def test_two_unread_rows_for_one_free_slot_are_left_unmapped():
    # a row the template does not have, next to the scrambled one: the place is not certain, nothing is placed
    doc = _table({"（四）无 1.本机法提供 关不掌": ("（四）无法提供 1.本机关不掌握相关政府信息", ("1", None, None, None, None, None, "1"))})
    rows = list(doc.blocks[1].rows)
    at = next(n for n, r in enumerate(rows) if r[0].startswith("（四）无 1."))
    rows.insert(at, ("另有一行", "5", None, None, None, None, None, "5"))
    doc.blocks[1] = Block.table(rows, page=1)
    ex = extract(doc, "gb2021")
    assert not [v for v in ex.values if v["provenance"] == PROVENANCE]
    assert sorted(u["value"] for u in ex.unmapped if not math.isnan(u["value"])) == [1.0, 1.0, 5.0, 5.0]
