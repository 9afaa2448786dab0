"""The published Chinese narrative: prose figures, repetition, timeliness, zh wording.

Seed pages come from the session's shared build (tests/publish_helpers.py);
the 洪泽区 fixtures (data/raw/hongze_district_gov_2023/2024.txt) are ingested
once into a temporary directory and their stories rendered with the same
library calls the notebooks make. Every figure is hand-checked against the
source line cited beside it.
"""
from __future__ import annotations

import re

import pytest

from publish_helpers import REPO, built_seed_project, page_text

RAW = REPO / "data" / "raw"
HONGZE = ("hongze_district_gov_2023.txt", "hongze_district_gov_2024.txt")
# enumeration values of the data that must never reach a zh page untranslated
ENGLISH_ENUMS = ("unknown", "single", "department", "government", "on_time", "not_assessable",
                 "natural_person", "whole")


@pytest.fixture(scope="module")
def build():
    result = built_seed_project()
    assert result.first.code == 0, result.first.output
    return result


def _page(build, name: str) -> tuple[str, str]:
    page = (build.root / "reports" / f"{name}.html").read_text(encoding="utf-8")
    return page, re.sub(r"\s+", " ", page_text(page))


@pytest.fixture(scope="module")
def hongze(tmp_path_factory):
    import govreport

    missing = [n for n in HONGZE if not (RAW / n).is_file()]
    if missing:
        pytest.skip(f"fixture texts not in data/raw: {missing}")
    out = tmp_path_factory.mktemp("hongze")
    govreport.ingest([RAW / n for n in HONGZE], out / "processed")
    return govreport.load(out / "processed")


def _story_html(data, year: int, lang: str = "zh") -> str:
    from govreport import report as narrative
    stories = narrative.year_stories(data, year, None, lang)
    assert len(stories) == 1
    return "\n".join(narrative.section_html(s) for s in stories[0].sections)


# ---- 2021 seed: the tables are all zero, the prose carries the hotline workload ----

def test_2021_page_states_the_hotline_total_its_parts_the_rate_and_the_checks(build):
    _, text = _page(build, "yearly_report_2021")
    # seed 2021 line 348-350: "共转办市民有效诉求件4491 件，其中，“12345”政务服务热线 4183 件、市长信箱 285件、
    # 区长信箱 17件、社情民意信息 6件，共办结 4475件，办结率 99.64%。"
    assert ("转办市民有效诉求件 4,491 件（其中：“12345”政务服务热线 4,183 件、市长信箱 285 件、区长信箱 17 件、"
            "社情民意信息 6 件），办结 4,475 件，办结率 99.64%。") in text
    # 4183 + 285 + 17 + 6 = 4491; 4475 / 4491 = 99.6437…% -> 99.64%
    assert "核对：各分项之和为 4,491 件，与总数 4,491 件一致（成立）" in text
    assert "办结 4,475 ÷ 转办市民有效诉求件 4,491 ＝ 99.64%，与报告所写的办结率 99.64%相符（成立）" in text
    # the overview points to it, since every table figure is 0
    assert "如转办市民有效诉求件 4,491 件" in text


def test_2021_page_cites_the_sentence_quoted_and_leads_with_it(build):
    page, text = _page(build, "yearly_report_2021")
    cite = re.search(r"原文：</strong>“([^”]*?4491[^<]*?)”</p></blockquote>", page)
    assert cite is not None
    assert "沙坡头区政务服务中心共转办市民有效诉求件4491 件" in cite.group(1)
    assert cite.group(1).endswith("办结率 99.64%。")
    section = text[text.index("正文中的数字 报告正文"):]
    # the hotline group (a rate, tables silent) comes before the 公开信息 90 篇 group
    assert section.index("4,491") < section.index("公开信息 90 篇")


def test_report_text_in_a_cited_sentence_is_escaped():
    from govreport import report as narrative
    html = narrative.block_html(narrative.Quote("共<script>alert(1)</script> 3 件", "原文："))
    assert "<script>" not in html and "&lt;script&gt;" in html
    cell = narrative.cell_html(narrative.Long("<b>" + "长" * 60))
    assert "<b>" not in cell and "<details" in cell


# ---- 2018 seed -------------------------------------------------------------

def test_2018_page_states_both_workloads_with_their_rates(build):
    _, text = _page(build, "yearly_report_2018")
    # seed 2018 line 66: "2018 年共转办市民咨询、求助、意见、建议和投诉等有效诉求件 2525 件，办结 2525 件，办结率 100%。"
    assert "转办有效诉求件 2,525 件，办结 2,525 件，办结率 100%。" in text
    assert "办结 2,525 ÷ 转办有效诉求件 2,525 ＝ 100.00%，与报告所写的办结率 100%相符（成立）" in text
    # seed 2018 line 60: "39项便民服务事项共受理22599件，办结21525件，正在办理1074件，办结率95.25%。"
    assert "便民服务事项受理 22,599 件，办结 21,525 件，正在办理 1,074 件，办结率 95.25%。" in text
    # 21525 / 22599 = 95.2476…%
    assert "办结 21,525 ÷ 便民服务事项受理 22,599 ＝ 95.25%" in text
    assert "“2018 年共转办市民咨询、求助、意见、建议和投诉等有效诉求件 2525 件,办结 2525 件,办结率 100%。”" in text


def test_2018_prose_figure_is_compared_with_the_table(build):
    _, text = _page(build, "yearly_report_2018")
    # prose "发布各类信息 45 条" vs 统计表 "(一) 主动公开政府信息数 … 条 45"
    assert "正文写发布各类信息 45 条，统计表“(一) 主动公开政府信息数" in text
    assert "为 45 条，两者一致" in text


# ---- zh wording ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["yearly_report_2018", "yearly_report_2021", "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4"])
def test_zh_pages_show_no_english_enumeration_words(build, name):
    _, text = _page(build, name)
    found = [w for w in ENGLISH_ENUMS if re.search(rf"\b{w}\b", text)]
    assert found == []


def test_zh_stories_of_the_fixtures_show_no_english_enumeration_words(hongze):
    for year in (2023, 2024):
        text = page_text(_story_html(hongze, year))
        assert [w for w in ENGLISH_ENUMS if re.search(rf"\b{w}\b", text)] == [], year


def test_timeliness_says_unknown_is_not_late(build):
    _, text = _page(build, "yearly_report_2021")
    # the 2021 seed states no publication date; a department report is due 31 January (2019 条例 第四十九条)
    assert "无法判断是否按时发布（发布日期不明，不等于逾期）" in text
    assert "法定截止日期为 2022-01-31（政府部门年度报告）" in text
    assert "逾期发布" not in text


def test_identity_checks_are_named_in_chinese(hongze):
    text = page_text(_story_html(hongze, 2023))
    # hongze 2023 table 四: 行政复议 维持 10 纠正 1 … 总计 0 — a real break in the report
    assert "行政复议总计＝各分项之和" in text
    assert "不成立" in text


# ---- repetition ------------------------------------------------------------------

def test_repetition_share_of_hongze_2024_is_stated_with_its_passages(hongze):
    html = _story_html(hongze, 2024)
    text = re.sub(r"\s+", " ", page_text(html))
    # 2024 prose: 19 sentences; repeated from 2023: 本报告由…编制此报告 / 报告中所列数据统计期限… /
    # 主要通过政府门户网站主动公开… / …收取政府信息公开信息处理费 0 元 (numbers masked) = 4
    assert "与2023年报告相比，本年正文 19 句中有 4 句与上一年重复，重复比例 21.1%（4/19" in text
    assert "重复比例未超过 50%" in text
    details = re.search(r"<details><summary>与2023年重复的文字：4 句，连成 3 段（点击展开）</summary><ol>(.*?)</ol>",
                        html)
    assert details is not None
    items = re.findall(r"<li>(.*?)</li>", details.group(1))
    assert len(items) == 3
    assert items[0].startswith("本报告由淮安市洪泽区人民政府办公室") and "统计期限自 2024 年" in items[0]
    assert "全年收取政府信息公开信息处理费 0 元" in items[2]


def test_hongze_2023_has_no_previous_year_and_says_so(hongze):
    text = page_text(_story_html(hongze, 2023))
    assert "数据中没有洪泽区人民政府2022年的报告" in text


def test_over_the_limit_the_penalty_is_stated(hongze):
    from govreport import report as narrative
    from govreport.store import Processed

    rep = hongze.repetition.assign(n_repeated=11, share=11 / 19)
    data = Processed(directory=hongze.directory, tables={**hongze.tables, "repetition": rep,
                                                          "repetition_passages": None})
    text = page_text(_story_html(data, 2024))
    assert "重复比例 57.9%（11/19" in text
    assert "重复比例超过 50%：2021年格式通知要求避免内容雷同" in text
    # the recount from the source files (4) no longer matches the table: no passages are invented
    assert "原始文件已不在或已改动" in text
    assert narrative.repetition_limit() == 0.5


# ---- comparison --------------------------------------------------------------------

def test_comparison_matches_prose_series_by_subject_and_shows_each_years_phrase(build):
    from govreport import load
    from govreport import report as narrative
    data = load(build.root / "data" / "processed")
    series = narrative.fact_series(data, "中卫市/沙坡头区政务服务中心")
    hotline = series[series["series"] == "转办有效诉求件 / 转办市民有效诉求件"].set_index("year")
    # 2018: 转办…有效诉求件 2525 件 (line 66); 2021: 转办市民有效诉求件 4491 件 (line 348)
    assert hotline.loc[2018, "value"] == 2525 and hotline.loc[2018, "subject"] == "转办有效诉求件"
    assert hotline.loc[2021, "value"] == 4491 and hotline.loc[2021, "subject"] == "转办市民有效诉求件"
    # 2018 has two 办结 (21525 of 便民服务事项, 2525 of the hotline): the hotline's is matched
    done = series[series["series"].str.startswith("办结（")].set_index("year")["value"].to_dict()
    assert done == {2018: 2525.0, 2021: 4475.0}
    _, text = _page(build, "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4")
    assert "2018年“转办有效诉求件”＝2021年“转办市民有效诉求件”" in text


def test_comparison_without_a_subject_match_says_so_and_draws_nothing():
    import pandas as pd

    from govreport import report as narrative
    from govreport.report import comparison

    # ingest stored no series for agency a: 培训 (次) and 发布信息 (条) do not match
    data = narrative.Dataset({
        "reports": pd.DataFrame({"report_id": ["a-1", "a-2"], "agency_id": ["a", "a"], "year": [2020, 2021]}),
        "facts": pd.DataFrame({"report_id": ["a-1", "a-2"], "fact_id": ["a-1#f1", "a-2#f1"], "section": ["", ""],
                               "subject": ["培训", "发布信息"], "value": [3.0, 9.0], "unit": ["次", "条"],
                               "sentence": ["培训 3 次。", "发布信息 9 条。"], "parent_fact_id": [pd.NA, pd.NA],
                               "role": ["single", "single"], "table_metric": [pd.NA, pd.NA]}),
        "fact_series": pd.DataFrame(columns=["agency_id", "series_no", "phrase", "context", "year", "subject", "value",
                                             "unit", "sentence", "report_id", "fact_id"])})

    section = comparison._comparison_facts(data, "a", "甲", None, "zh")
    assert section.charts == []
    assert section.blocks == [narrative.term("comparison.facts_no_match", "zh")]


def test_hongze_comparison_has_repetition_and_prose_series(hongze):
    from govreport import report as narrative
    story = narrative.comparison_story(hongze, "淮安市/洪泽区人民政府")
    rep = narrative.section_html(story.section("repetition"))
    assert "2024年报告正文 19 句中有 4 句与2023年重复，占 21.1%" in page_text(rep)
    facts = page_text(narrative.section_html(story.section("facts")))
    # 2023: "受理政府信息公开申请 21 件"; 2024: "受理政府信息公开申请 17 件" while table 三 says 95
    assert "“受理政府信息公开申请”（2023、2024年）" in facts
    assert "2024年正文写“受理政府信息公开申请”17 件，而当年统计表中的同一指标为 95 件" in facts
    assert len(story.section("facts").charts) == 1


def test_a_printed_total_contradicting_its_parts_is_said_not_hidden(hongze):
    # hongze 2023 table 四 prints 行政复议 总计 0 beside 维持 10 + 纠正 1, and 复议后起诉 总计 0 beside 维持 5:
    # the page must not claim "no reviews"; it states both numbers.
    text = page_text(_story_html(hongze, 2023))
    assert "本年度没有因政府信息公开引起的行政复议" not in text
    assert "报告所列“行政复议总计”为 0 件，但其各分项之和为 11 件" in text
    assert "报告所列“行政诉讼·复议后起诉总计”为 0 件，但其各分项之和为 5 件" in text


def test_proactive_chart_keeps_one_unit_and_distinct_labels(hongze):
    from govreport import report as narrative
    reports = hongze.reports
    story = narrative.report_story(hongze, reports[reports["year"] == 2023].iloc[0])
    chart = story.section("proactive").charts[0]
    assert "行政事业性收费本年收费金额" not in chart.labels  # 7730.28 万元 is not drawn beside counts in 件
    assert chart.unit == "件"
    assert chart.labels[:3] == ["规章本年制发件数", "规章本年废止件数", "规章现行有效件数"]  # three bars all labelled 规章 in the report


def test_comparison_flags_the_year_whose_printed_total_breaks_its_identity(hongze):
    from govreport import report as narrative
    story = narrative.comparison_story(hongze, "淮安市/洪泽区人民政府")
    chart = story.section("group.disputes").charts[0]
    # hongze 2023 table 四: 行政复议 维持 10 纠正 1 … 总计 0; 复议后起诉 维持 5 … 总计 0 (inside 行政诉讼 总计)
    assert chart.notes == [
        "注意：2023年的“行政复议”按报告原样绘制，但报告自身的数字对不上：“行政复议总计”印为 0，而各分项之和为 11。"
        "图中该点以红圈标出。",
        "注意：2023年的“行政诉讼”按报告原样绘制，但报告自身的数字对不上：“行政诉讼·复议后起诉总计”印为 0，"
        "而各分项之和为 5。图中该点以红圈标出。"]
    points = chart.frame.set_index(["series", "year"])
    assert bool(points.loc[("review_total", 2023), "contradicted"]) and points.loc[("review_total", 2023), "parts"] == 11
    assert not bool(points.loc[("review_total", 2024), "contradicted"])
