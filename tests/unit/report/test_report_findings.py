"""Findings that say what they are: the report's own arithmetic, prose vs table, parse quality.

Hand-checked against data/raw: 洪泽区 2024 prose line 24-25 "区政府办代表区政府受理政府信息公开申请 17 件"
(a subset) vs table 三 "一、本年新收政府信息公开申请数量 … 95"; 洪泽区 2023 table 四 prints 行政复议
维持 10 纠正 1 … 总计 0.
"""
from __future__ import annotations

import pytest

from report_fixtures import HONGZE_ID, huaian_data, report_row, visible_text


@pytest.fixture(scope="module")
def data():
    return huaian_data()


def test_the_kind_of_each_rule_comes_from_the_catalogs():
    from govreport.report.findings import finding_kind

    assert finding_kind("review.total") == "arithmetic"                       # rules.csv identity
    assert finding_kind("applicants:outcome.granted") == "arithmetic"
    assert finding_kind("fact.rate") == "arithmetic"                          # reasons.csv kind column
    assert finding_kind("fact.vs_table:requests.new_received") == "prose_vs_table"
    assert finding_kind("identify.agency_not_in_title") == "parse"


def test_prose_17_against_table_95_is_a_difference_not_a_broken_identity(data):
    from govreport import report

    c = report.counts(data, f"{HONGZE_ID}-2024")
    assert (c.failed, c.differs) == (0, 1)
    line = report.headline(data, f"{HONGZE_ID}-2024")
    assert line["failed_rules"] == 0            # the old index said 勾稽不成立 1
    assert "勾稽不成立 0" in line["text"] and "正文与统计表不同 1" in line["text"]


def test_the_yearly_page_shows_the_difference_with_both_figures_and_the_sentence(data):
    from govreport import report

    story = report.report_story(data, report_row(data, HONGZE_ID, 2024))
    checks = visible_text(report.section_html(story.section("checks")))
    assert "0 项不成立" in checks and "17" not in checks
    differs = visible_text(report.section_html(story.section("differs")))
    assert "正文写 17，统计表“本年新收政府信息公开申请数量”为 95。" in differs
    assert "2024 年,区政府办代表区政府受理政府信息公开申请 17 件,均已在法定期限内予以答复。" in differs
    assert "不计入“勾稽不成立”" in differs
    assert "不一致" not in visible_text(report.story_html(story))


def test_evidence_is_told_in_a_sentence_not_the_checkers_string(data):
    from govreport import report

    story = report.report_story(data, report_row(data, HONGZE_ID, 2023))
    page = visible_text(report.story_html(story))
    # table 四: 维持 10 + 纠正 1 + 其他 0 + 尚未审结 0 = 11, printed 总计 0
    assert "“行政复议总计”印为 0，而各分项之和为 11。" in page
    assert "[total]" not in page and " vs " not in page and "review.total" not in page


def test_parse_quality_is_apart_from_the_reports_arithmetic(data):
    from govreport import report

    story = report.report_story(data, report_row(data, HONGZE_ID, 2024))
    parse = visible_text(report.section_html(story.section("parse")))
    reports = data.reports.set_index("report_id").loc[f"{HONGZE_ID}-2024"]
    assert f"{int(reports['n_exact'])} 个的行标签与标准标签完全匹配" in parse
    assert "不是机关报告本身的问题" in parse
    arithmetic = visible_text(report.section_html(story.section("checks")))
    assert "勾稽关系检查 74 项：74 项成立，0 项不成立" in arithmetic
