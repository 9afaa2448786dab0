"""Identification from the forms real titles take (Putian and Sanming portals, 2013-2025) and its fallbacks."""
from pathlib import Path

import pytest

from govreport.document import Block, Document
from govreport.identify import find_title, identify, match_title

from conftest import TESTDATA


@pytest.mark.parametrize("title, year, agency", [
    ("莆田市民族与宗教事务局2019年度政府信息公开工作年度报告", 2019, "莆田市民族与宗教事务局"),  # 年度 … 年度报告
    ("2019年莆田市人民政府办公室政府信息公开工作年度报告", 2019, "莆田市人民政府办公室"),  # year first
    ("三明市2013年政府信息公开工作年度报告", 2013, "三明市"),  # the agency is a region: 三明市
    ("莆田市水利局关于2015年政府信息公开工作的报告", 2015, "莆田市水利局"),  # 关于…的报告
    ("标题: 湄洲湾北岸经济开发区管委会2020年政府信息公开工作年度报告", 2020, "湄洲湾北岸经济开发区管委会"),
    ("福州市鼓楼区温泉街道办事处二〇二一年政府信息公开工作年度报告", 2021, "福州市鼓楼区温泉街道办事处"),
    ("某某旗人民政府政府信息公开工作年度报告（2018年度）", 2018, "某某旗人民政府"),
])
def test_real_title_forms(title, year, agency):
    assert match_title(title) == (year, agency)


def test_title_split_over_lines_and_agency_on_its_own_line():
    doc = Document(Path("x.txt"), "txt", [Block.line("莆田市科学技术局"), Block.line("2016年政府信息公开工作"),
                                           Block.line("年度报告")])
    assert find_title(doc)[:2] == (2016, "莆田市科学技术局")


def test_html_title_tag_names_the_agency_when_the_body_does_not(tmp_path):
    doc = Document(Path("page.html"), "html", [Block.line("2019年政府信息公开工作年度报告")],
                   meta={"title": "青溪县人民政府办公室2019年政府信息公开工作年度报告_青溪县人民政府"})
    assert find_title(doc) == (2019, "青溪县人民政府办公室", "meta")


def _table_doc(lines):
    rows = [("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
            ("本年制发件数", "本年废止件数", "现行有效件数", "", "", "", "", "")]
    return Document(Path("report.txt"), "txt", [Block.line(t) for t in lines] + [Block.table(rows)])


def test_agency_from_the_reports_own_sentence_when_the_title_lacks_it():
    ident = identify(_table_doc(["2022年政府信息公开工作年度报告",
                                 "本报告由莆田市生态环境局根据《中华人民共和国政府信息公开条例》要求编制。"]))
    assert (ident.year, ident.agency, ident.agency_source) == (2022, "莆田市生态环境局", "sentence")
    assert [rule for rule, _ in ident.findings] == ["identify.agency_not_in_title"]


def test_a_report_naming_no_agency_is_still_read_with_a_finding():
    ident = identify(_table_doc(["政府信息公开工作年度报告", "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"]))
    assert (ident.year, ident.agency, ident.agency_id) == (2023, "unknown", "unknown")
    assert [rule for rule, _ in ident.findings] == ["identify.agency_unknown"]


def test_radical_in_a_pdf_title_reads_as_the_ideograph():
    assert match_title("莆田市⺠政局2021年政府信息公开工作年度报告") == (2021, "莆田市民政局")


def test_real_putian_page_identified_from_its_html(tmp_path):
    import govreport
    rep = govreport.parse(TESTDATA / "real" / "putian_ptsmzj_2015.html")
    assert (rep.meta["template"], rep.meta["year"]) == ("legacy", 2015)
    assert rep.meta["agency"].startswith("莆田市")


def test_a_navigation_title_of_another_year_does_not_win_over_the_reports_own():
    # a portal page printed to PDF carries its site navigation: links to past reports come before the title
    doc = _table_doc(["返回首页", "2019年政府信息公开工作年度报告", "莆田市科学技术局2024年政府信息公开工作年度报告",
                      "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"])
    ident = identify(doc)
    assert (ident.year, ident.agency) == (2024, "莆田市科学技术局")


def test_a_bare_suffix_is_not_an_agency():
    assert match_title("政府2019年政府信息公开工作年度报告") is None
