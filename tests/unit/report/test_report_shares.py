"""Every percentage from one function that names its denominator; index and pages print the same share.

淮安市人民政府 2024 (data/raw/huaian_gov_2024.pdf, table 三): 予以公开 1362, 部分公开 454, 不予公开 178,
无法提供 781, 不予处理 88, 其他处理 187, (七)总计 3050. 1362 / 3050 = 44.66 % -> 44.7 %; the old index
divided by five categories only (1362 / 2863 = 47.6 %) while the yearly page said 44.7 %.
"""
from __future__ import annotations

import pytest

from report_fixtures import HONGZE_ID, HUAIAN_ID, huaian_data, report_row, visible_text


@pytest.fixture(scope="module")
def data():
    return huaian_data()


def test_the_granted_share_divides_by_the_printed_total_and_says_so(data):
    from govreport.report import outcome_share

    share = outcome_share(data, f"{HUAIAN_ID}-2024", "granted")
    assert (share.part, share.total, share.denominator) == (1362, 3050, "outcome_total")
    assert share.text("zh") == "占办理结果总计的 44.7%"
    assert share.text("en") == "44.7% of requests decided (total)"


def test_index_line_and_yearly_page_print_the_same_share(data):
    from govreport import report

    line = report.headline(data, f"{HUAIAN_ID}-2024")["text"]
    assert "予以公开占办理结果总计的 44.7%" in line and "47.6" not in line
    story = report.report_story(data, report_row(data, HUAIAN_ID, 2024))
    page = visible_text(report.story_html(story))
    assert "1,362（占办理结果总计的 44.7%）" in page          # key figures
    assert "予以公开 1,362 件（44.7%）" in page                 # requests section
    assert "以上占比均以办理结果总计为分母。" in page


def test_without_a_positive_total_there_is_no_share():
    from govreport.report import share

    assert share(3, 0, "outcome_total") is None
    assert share(None, 10, "outcome_total") is None
    assert share(1, 4, "outcome_sum").percent() == "25.0%"


def test_the_yearly_ranking_uses_the_same_shares(data):
    from govreport import report

    ranking = report.ranking_section(data, 2024)
    rows = ranking.tables[0].rows
    # 洪泽区 2024: 予以公开 50 / 总计 95 = 52.6 %, 不予公开 3 / 95 = 3.2 %; 淮安市: 178 / 3050 = 5.8 %
    assert rows == [["1", "淮安市洪泽区人民政府", "95", "52.6%", "3.2%"],
                    ["2", "淮安市人民政府", "3,119", "44.7%", "5.8%"]]
    assert "分母为办理结果总计" in ranking.blocks[0]
    assert report.ranking_section(data, 2023) is None           # one agency: nothing to rank
