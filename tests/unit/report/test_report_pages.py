"""Pages a reader finds their way in: one agency's story whole, a table of contents, key figures with
the change from last year, a data table to copy, a short methods note.

2024 has two agencies in data/raw (淮安市洪泽区人民政府, 淮安市人民政府); 洪泽区 also has 2023.
"""
from __future__ import annotations

import re

import pytest

from report_fixtures import HONGZE_ID, HUAIAN_ID, huaian_data, report_row, visible_text


@pytest.fixture(scope="module")
def data():
    return huaian_data()


@pytest.fixture(scope="module")
def page(data):
    from govreport import report

    stories = report.year_stories(data, 2024)
    return stories, report.toc_html(stories) + "".join(report.story_html(s) for s in stories)


def test_agencies_are_never_interleaved(page):
    stories, markup = page
    ids = re.findall(r'<h[23] id="([^"]+)"', markup)
    owners = [i.split("--")[0] for i in ids]
    # every heading of the first agency comes before the first heading of the second
    first, second = stories[0].anchor, stories[1].anchor
    assert owners.index(second) > max(n for n, o in enumerate(owners) if o == first)
    assert owners == sorted(owners, key=[first, second].index)


def test_the_index_anchor_opens_that_agencys_story(page, data):
    from govreport.report import report_anchor

    stories, markup = page
    anchor = report_anchor(f"{HUAIAN_ID}-2024")               # the index links each report's own section
    start = markup.index(f'id="{anchor}"')
    rest = markup[start:]
    assert "淮安市人民政府（2024）" in rest[:200]
    assert f'id="{report_anchor(f"{HONGZE_ID}-2024")}' not in rest       # nothing of 洪泽区 follows it


def test_the_table_of_contents_links_every_section_and_every_anchor_exists(page):
    stories, markup = page
    links = re.findall(r'<nav class="govreport-toc">.*?</nav>', markup, flags=re.S)[0]
    targets = re.findall(r'href="#([^"]+)"', links)
    ids = re.findall(r' id="([^"]+)"', markup)
    assert len(ids) == len(set(ids))
    assert set(targets) <= set(ids)
    assert len(targets) == sum(1 + len(s.sections) for s in stories)


def test_key_figures_show_the_change_from_last_year(data):
    from govreport import report

    section = report.headline_section(data, report_row(data, HONGZE_ID, 2024))
    rows = {r[0]: r[1:] for r in section.tables[0].rows}
    # 本年新收: 2024 table 三 "一、本年新收…" 95; 2023 table 三 21 -> +74, +352.4 %
    assert rows["新收申请"] == ["95", "21", "+74", "+352.4%"]
    # 行政复议: 2024 总计 2; 2023 prints 总计 0 while its parts add up to 11
    assert rows["行政复议"][0] == "2"
    assert rows["行政复议"][1] == "0（报告印出的总计；其各分项之和为 11）"
    assert section.tables[0].columns[1:3] == ["2024年", "2023年"]


def test_the_data_table_lists_every_value_plainly(data):
    from govreport import report

    story = report.report_story(data, report_row(data, HUAIAN_ID, 2024))
    table = story.section("data").tables[0]
    values = data.values[data.values["report_id"] == f"{HUAIAN_ID}-2024"]
    assert table.copyable and len(table.rows) == len(values)
    granted = [r for r in table.rows if r[0] == "予以公开" and r[2] == "总计"]
    assert granted == [["予以公开", "三、本年度办理结果 (一)予以公开", "总计", "1362", "件", "报告原文"]]


def test_derived_values_are_explained_in_a_short_methods_note(data):
    from govreport import report

    story = report.report_story(data, report_row(data, HONGZE_ID, 2024))
    note = visible_text(report.section_html(story.section("methods")))
    assert "22 个数字报告没有直接印出" in note
    assert ("不予公开（合计）＝属于国家秘密＋其他法律行政法规禁止公开＋危及“三安全一稳定”＋保护第三方合法权益＋"
            "属于三类内部事务信息＋属于四类过程性信息＋属于行政执法案卷＋属于行政查询事项（7 个数字）") in note
    assert "= 1.属于国家秘密+" not in note                     # the old dump of printed labels
    digest = data.reports.set_index("report_id").loc[f"{HONGZE_ID}-2024", "sha256"]
    assert f"来源文件 hongze_district_gov_2024.txt 的 SHA-256 校验值为 {digest}" in note


def test_pages_link_to_the_index_other_years_and_the_comparison(data):
    from govreport import report

    story = report.report_story(data, report_row(data, HONGZE_ID, 2024))
    links = re.findall(r'href="([^"]+)"', report.section_html(story.section("overview")))
    # the 2023 link lands on that report's own section (report id 淮安市/洪泽区人民政府-2023, hashed)
    assert links == ["yearly_report_2023.html#report-淮安市-洪泽区人民政府-2023-febe56ee80",
                     "comparison_淮安市-洪泽区人民政府-de36557a7f.html"]
    comparison = report.comparison_story(data, HONGZE_ID)
    assert re.findall(r'href="([^"]+)"', report.section_html(comparison.sections[0]))[0] == "index.html"
