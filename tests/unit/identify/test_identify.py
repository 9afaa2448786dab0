"""Identification from the forms real titles take (Putian and Sanming portals, 2013-2025) and its fallbacks."""
from pathlib import Path

import pytest

from govreport.model import Block, Document
from govreport.identify import identify
from govreport.identify.titles import clean_agency, find_title, match_title
from govreport.readers import read_document

from conftest import SEED_2021, TESTDATA


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


# ----------------------------------------------------------------------------- agency names that are names (issue 14)
def _signed_doc(lines, signature=(), meta=None, path="report.pdf"):
    """A report with a title and sentences, its table, then a signature (name line, date line) at the end."""
    doc = _table_doc(lines)
    blocks = doc.blocks + [Block.line(t) for t in signature]
    return Document(Path(path), "pdf", blocks, meta=meta or {})


def test_a_title_whose_year_the_pdf_put_on_its_own_line_keeps_the_year():
    # Chromium prints putian_ptsjj_2024.html's title with its digits in another font; the PDF's text reads
    # "莆⽥市审计局 年政府信息公开⼯作年度报告" then "2024" (before: agency 莆田市审计局年)
    doc = Document(Path("x.pdf"), "pdf", [Block.line("莆⽥市审计局 年政府信息公开⼯作年度报告"), Block.line("2024"),
                                          Block.line("发布时间：2025-01-06 16:03 | 来源：莆⽥市审计局 点击数：")])
    assert find_title(doc)[:2] == (2024, "莆田市审计局")


@pytest.mark.parametrize("raw", [
    "莆田市审计局年",  # the year's digits fell out of a printed title (putian_ptsjj_2024, Chromium PDF)
    "2021〕30号)要求,特向社会公布莆田市审计局",  # a sentence cut at a PDF line start (issue 14)
    "莆田市人",  # a footer cut at a line end: 版权所有 莆⽥市⼈ / ⺠政府⽹ (putian_ptsmzj_2015, Chromium PDF)
    "三明市人民政府门户网站",  # 来源：三明市人民政府门户网站 (sanming_shizhengfu_2013): a website
    "关于印发莆田市审计局",
])
def test_what_is_not_an_agency_name_is_no_candidate(raw):
    assert clean_agency(raw) == ""


@pytest.mark.parametrize("name", ["莆田市审计局", "中国(福建)自由贸易试验区福州片区管理委员会", "三明市", "莆田市机构编制委员会办公室"])
def test_agency_names_stay_candidates(name):
    assert clean_agency(name) == name


def test_a_sentence_fragment_before_the_title_words_is_not_the_agency():
    # issue 14's example: a browser PDF's line that begins inside a document number (none of the repository's
    # renderings breaks the line there, so the line is written as such a PDF's text has it);
    # before: agency "2021〕30号)要求,特向社会公布莆田市审计局"
    line = "2021〕30号）要求，特向社会公布莆田市审计局2024年政府信息公开工作年度报告。本报告由总体情况、"
    assert match_title(line) is None
    ident = identify(_table_doc(["根据《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔", line,
                                 "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"]))
    assert (ident.year, ident.agency, ident.agency_source) == (2024, "莆田市审计局", "sentence")


def _identify_rendering(renders, stem, fmt):
    if fmt in renders.skipped:
        pytest.skip(renders.skipped[fmt])
    return identify(read_document(renders.files[(stem, fmt)]))


@pytest.mark.parametrize("stem, agency", [
    ("putian_ptsjj_2024", "莆田市审计局"),  # before: 莆田市审计局年
    ("putian_ptslyj_2023", "莆田市林业局"),  # before: 莆田市林业局年
    ("putian_ptsslj_2020", "莆田市水利局"),  # before: 莆田市水利局办公室 (请与莆田市水利局办公室联系)
    ("putian_ptsmzj_2015", "莆田市民族与宗教事务局"),  # before: 莆田市人 (the footer)
])
def test_chromium_pdf_of_a_putian_page_names_its_agency(renders, stem, agency):
    # hand-checked: the page's <title> and its printed title name the agency (tests/data/real/<stem>.html)
    ident = _identify_rendering(renders, stem, "chromium_pdf")
    assert (ident.agency, ident.agency_id, ident.agency_source, ident.agency_level) == (agency, agency, "title", "department")
    assert not [rule for rule, _ in ident.findings if rule.startswith("identify.agency")]


def test_a_region_alone_is_its_government_with_the_governments_id():
    # sanming_shizhengfu_2013.txt: 标题：三明市2013年政府信息公开工作年度报告 (before: agency 三明市, id 三明市)
    ident = identify(read_document(TESTDATA / "real" / "sanming_shizhengfu_2013.txt"))
    assert (ident.agency, ident.agency_id, ident.agency_level) == ("三明市人民政府", "三明市人民政府", "government")
    other = identify(_table_doc(["三明市人民政府2013年政府信息公开工作年度报告"]))
    assert other.agency_id == ident.agency_id


def test_a_working_groups_office_signs_for_its_government_without_a_conflict():
    # sanming_shizhengfu_2013.txt is signed 三明市政府信息公开工作领导小组办公室 under its title 三明市…
    ident = identify(read_document(TESTDATA / "real" / "sanming_shizhengfu_2013.txt"))
    assert [rule for rule, _ in ident.findings] == []


@pytest.mark.parametrize("path, agency, level", [
    (TESTDATA / "real" / "sanming_shizhengfu_2019.txt", "三明市人民政府", "government"),  # 三明市2019年…
    (TESTDATA / "real" / "putian_ptsjj_2024.html", "莆田市审计局", "department"),
    (TESTDATA / "real" / "putian_pthyyyyj_2016.html", "莆田市海洋与渔业局", "department"),
    (TESTDATA / "fixtures" / "text" / "hongze_district_gov_2023.txt", "洪泽区人民政府", "government"),
    (TESTDATA / "fixtures" / "text" / "hongze_district_gov_2024.txt", "淮安市洪泽区人民政府", "government"),
    (TESTDATA / "fixtures" / "text" / "huaian_gov_2024.txt", "淮安市人民政府", "government"),
    (SEED_2021, "沙坡头区政务服务中心", "department"),
    (TESTDATA / "html_gb2019_county.html", "青溪县人民政府办公室", "department"),  # a government's office
])
def test_level_of_each_real_case(path, agency, level):
    ident = identify(read_document(path))
    assert (ident.agency, ident.agency_level) == (agency, level)


def test_the_level_is_a_column_of_the_reports_table():
    import govreport
    from govreport.records import report_row
    rep = govreport.parse(TESTDATA / "real" / "sanming_shizhengfu_2019.txt")
    assert report_row(rep.meta)["agency_level"] == rep.meta["agency_level"] == "government"


def test_a_zones_administrative_committee_is_its_government():
    ident = identify(_table_doc(["标题: 湄洲湾北岸经济开发区管委会2020年政府信息公开工作年度报告"]))
    assert (ident.agency, ident.agency_level) == ("湄洲湾北岸经济开发区管委会", "government")


def test_sources_that_disagree_are_a_finding_and_the_agreeing_ones_win():
    # page title and signature say 莆田市水利局, a navigation line in the body another agency's title
    doc = _signed_doc(["莆田市审计局2024年政府信息公开工作年度报告"], signature=("莆田市水利局", "2025年1月2日"),
                      meta={"title": "莆田市水利局2024年政府信息公开工作年度报告_政府信息公开年报"})
    ident = identify(doc)
    assert (ident.agency, ident.agency_source) == ("莆田市水利局", "meta")
    (rule, evidence), = ident.findings
    assert rule == "identify.agency_conflict" and "莆田市审计局 (title)" in evidence


def test_a_lone_title_against_a_lone_signature_keeps_the_title_with_a_finding():
    ident = identify(_signed_doc(["莆田市审计局2024年政府信息公开工作年度报告"], signature=("莆田市水利局", "2025年1月2日")))
    assert ident.agency == "莆田市审计局"
    assert [rule for rule, _ in ident.findings] == ["identify.agency_conflict"]


def test_the_signers_office_is_the_agency_only_when_the_title_says_so():
    title = ["莆田市水利局2020年政府信息公开工作年度报告"]
    office = ("莆田市水利局办公室", "2021年1月18日")
    assert identify(_signed_doc(title, office)).findings == ()  # the agency's own office agrees with it
    assert identify(_signed_doc(title, office)).agency == "莆田市水利局"
    untitled = identify(_signed_doc(["2020年政府信息公开工作年度报告"], office))
    assert untitled.agency == "莆田市水利局"
    own = identify(_signed_doc(["莆田市人民政府办公室2019年政府信息公开工作年度报告"], ("莆田市人民政府办公室", "2020年1月20日")))
    assert (own.agency, own.agency_level, own.findings) == ("莆田市人民政府办公室", "department", ())


def test_a_short_name_in_the_metadata_agrees_with_the_full_name():
    # putian_ptsmzj_2015.html: <meta name="ContentSource" content="莆田市民宗局">, title 莆田市民族与宗教事务局…
    ident = identify(read_document(TESTDATA / "real" / "putian_ptsmzj_2015.html"))
    assert (ident.agency, ident.findings) == ("莆田市民族与宗教事务局", ())


def test_a_conflict_is_a_parse_finding_of_the_report(tmp_path):
    # the 2021 seed (titled 沙坡头区政务服务中心) signed by another agency: the report is read, with a finding
    import govreport
    from govreport import catalog
    from govreport.schemas import validate_table
    path = tmp_path / "signed.txt"
    path.write_text(SEED_2021.read_text(encoding="utf-8") + "\n中卫市沙坡头区人民政府\n2022年1月20日\n", encoding="utf-8")
    rep = govreport.parse(path)
    assert rep.meta["agency_id"] == "中卫市/沙坡头区政务服务中心"
    rows = validate_table("findings", rep.findings)
    conflict = rows[rows["rule"] == "identify.agency_conflict"]
    assert len(conflict) == 1 and "中卫市沙坡头区人民政府 (signature)" in conflict["evidence"].iloc[0]
    assert catalog.finding_kinds()["identify.agency_conflict"] == "parse"
    assert rep.meta["n_failed_rules"] == govreport.parse(SEED_2021).meta["n_failed_rules"]  # not the agency's error


def test_a_county_whose_city_is_not_found_is_a_finding_with_a_coded_id_how():
    # 鼓楼区 is a district of both 南京市 and 福州市 (catalog/regions.csv); this document names neither
    ident = identify(_table_doc(["鼓楼区人民政府2021年政府信息公开工作年度报告"]))
    assert (ident.agency_id, ident.agency_id_how) == ("鼓楼区人民政府", "city_not_found")
    assert ident.findings == (("identify.region_ambiguous", "鼓楼区人民政府: the name alone, city not found: "
                                                            "same-named counties may share this id"),)


def test_a_report_naming_no_agency_has_the_unknown_id_how():
    ident = identify(_table_doc(["政府信息公开工作年度报告", "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"]))
    assert ident.agency_id_how == "unknown"
