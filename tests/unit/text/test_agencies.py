"""agency_id: one agency across the ways its name is written; same-named districts kept apart."""
import pytest

from govreport.text.agencies import agency_id, agency_level, resolve_agency_id


@pytest.mark.parametrize("written, expected", [
    ("中卫市沙坡头区政务服务中心", "中卫市/沙坡头区政务服务中心"),  # seeds 2018 / 2021
    ("沙坡头区政务服务中心", "中卫市/沙坡头区政务服务中心"),  # 沙坡头区 exists only in 中卫市 (gazetteer)
    ("淮安市洪泽区人民政府", "淮安市/洪泽区人民政府"),  # fixtures 2024 / 2023
    ("洪泽区人民政府", "淮安市/洪泽区人民政府"),
    ("淮安市 人民政府", "淮安市人民政府"),
    ("江苏省淮安市人民政府", "淮安市人民政府"),
    ("宁夏回族自治区中卫市沙坡头区政务服务中心", "中卫市/沙坡头区政务服务中心"),
    ("淮安市市场监督管理局", "淮安市市场监督管理局"),  # 市场 is not a region
    ("淮安市公安局", "淮安市公安局"),
    ("北京市朝阳区人民政府", "北京市/朝阳区人民政府"),  # a 直辖市 district: the municipality is its parent
    ("福建省民政厅", "福建省民政厅"),
    ("国家统计局", "国家统计局"),
])
def test_ids_are_anchored_at_the_agencys_own_region(written, expected):
    assert agency_id(written) == expected


def test_same_named_districts_in_different_cities_stay_apart():
    assert agency_id("南京市鼓楼区人民政府") == "南京市/鼓楼区人民政府"
    assert agency_id("福州市鼓楼区人民政府") == "福州市/鼓楼区人民政府"
    # a title without its city: the document's text tells which 鼓楼区 (contact address)
    text = "如对本报告有疑问，请与福州市鼓楼区人民政府办公室联系（地址：福州市鼓楼区…）"
    assert agency_id("鼓楼区人民政府", text=text) == "福州市/鼓楼区人民政府"
    assert resolve_agency_id("鼓楼区人民政府", "") == ("鼓楼区人民政府", "city_not_found")  # said, not guessed


@pytest.mark.parametrize("written, how", [
    ("淮安市洪泽区人民政府", "region"),  # a county-level agency with its city
    ("江苏省淮安市人民政府", "region"),  # the province dropped: anchored at the city
    ("淮安市公安局", "name"),  # one region, kept as written
    ("国家统计局", "name"),  # no region
    ("莆田市科技局", "alias"),  # catalog/agency_aliases.csv: 莆田市科技局 -> 莆田市科学技术局
])
def test_how_an_id_was_reached_is_a_declared_code(written, how):
    from govreport import catalog
    assert resolve_agency_id(written)[1] == how
    assert how in {row["code"] for row in catalog.read_csv("agency_id_how.csv")}


def test_an_undeclared_how_code_is_refused():
    from govreport.errors import CatalogError
    from govreport.text.agencies import id_how, id_how_text
    assert id_how_text("city_not_found") == "the name alone, city not found: same-named counties may share this id"
    with pytest.raises(CatalogError) as caught:
        id_how("name (city not found)")  # the free text agency_id_how held before it was a code
    assert str(caught.value) == "catalog/agency_id_how.csv: no code 'name (city not found)' declared"


def test_radicals_in_the_name_do_not_make_a_second_agency():
    assert agency_id("莆田市⺠政局") == agency_id("莆田市民政局") == "莆田市民政局"


def test_alias_file_settles_what_normalization_cannot(monkeypatch):
    from govreport import catalog
    # a renamed agency: normalization alone would give it a new id
    monkeypatch.setattr(catalog, "agency_aliases", lambda: {"中卫市/沙坡头区行政审批服务局": "中卫市/沙坡头区政务服务中心"})
    assert agency_id("中卫市沙坡头区行政审批服务局") == "中卫市/沙坡头区政务服务中心"
    assert agency_id("沙坡头区行政审批服务局", use_aliases=False) == "中卫市/沙坡头区行政审批服务局"


def test_two_different_documents_with_one_id_and_year_are_both_kept(tmp_path):
    import govreport
    from conftest import SEED_2021
    text = SEED_2021.read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + "\n（修订版）\n", encoding="utf-8")  # another edition: different bytes
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")  # byte-identical to a.txt: the one true duplicate
    result = govreport.ingest([tmp_path], tmp_path / "out")
    reports = result.processed.reports
    assert len(reports) == 2 and reports["report_id"].str.startswith("中卫市/沙坡头区政务服务中心-2021").all()
    assert result.failures == []  # a byte-identical copy is no failure (issue 19) ...
    assert [(d.path, d.duplicate_of) for d in result.duplicates] == [(str(tmp_path / "c.txt"), str(tmp_path / "a.txt"))]
    f = result.processed.findings
    assert (f["rule"] == "identify.same_agency_and_year").sum() == 2
    sizes = result.processed.values.groupby("report_id").size()
    assert len(sizes) == 2 and sizes.iloc[0] == sizes.iloc[1]  # both editions keep all their values


@pytest.mark.parametrize("written, expected", [
    ("三明市", "三明市人民政府"),  # sanming_shizhengfu_*: titled 三明市20XX年… — the city's own report
    ("三明市人民政府", "三明市人民政府"),
    ("三明市政府", "三明市人民政府"),  # the short form (catalog/report_levels.csv, rename)
    ("洪泽区", "淮安市/洪泽区人民政府"),  # county level keeps its city
    ("江苏省淮安市洪泽区", "淮安市/洪泽区人民政府"),
    ("平潭综合实验区", "平潭综合实验区"),  # a zone, not in the gazetteer: its government is a 管委会, not renamed
    ("清河市", "清河市人民政府"),  # a city the gazetteer lacks (the benchmark renames regions so): by its form
])
def test_a_region_alone_and_its_government_share_one_id(written, expected):
    assert agency_id(written) == expected


@pytest.mark.parametrize("name, level", [
    ("三明市", "government"), ("龙岩市", "government"), ("洪泽区", "government"),  # a region alone
    ("平潭综合实验区", "government"),  # a region suffix with nothing after it
    ("淮安市人民政府", "government"), ("淮安市洪泽区人民政府", "government"), ("三明市政府", "government"),
    ("湄洲湾北岸经济开发区管委会", "government"), ("平潭综合实验区管理委员会", "government"),
    ("淮安市人民政府办公室", "department"), ("福建省人民政府办公厅", "department"),
    ("莆田市审计局", "department"), ("沙坡头区政务服务中心", "department"), ("国网莆田供电公司", "department"),
    ("莆田市发展和改革委员会", "department"),
])
def test_level_from_the_name(name, level):
    assert agency_level(name) == level
