"""Written names resolve everywhere: load(agencies=…), `govreport agencies NAME` and the resolver take an
agency_id, any name a report was written with, an alias or another form of these, and return every year of
the agency; an unknown name or year, or a name of two agencies, is one line naming what the data holds.

The corpus: data/raw's Hongze and Shapotou reports and three real reports of tests/data/real. Titles, as
each file prints them (hand-checked):
  hongze_district_gov_2023.txt        line 1 "洪泽区人民政府", line 2 "2023 年政府信息公开工作年度报告"
  hongze_district_gov_2024.txt        line 1 "淮安市洪泽区人民政府", line 2 "2024 年政府信息公开工作年度报告"
  shapotou_gov_service_center_2018    "中卫市沙坡头区政务服务中心 2018 年政府信息公开工作年度报告"
  shapotou_gov_service_center_2021    line 1 "沙坡头区政务服务中心", line 2 "2021年政府信息公开工作年度报告"
  putian_ptkjj_2024.html              "莆田市科学技术局2024年政府信息公开工作年度报告"
                                      (catalog/agency_aliases.csv: 莆田市科技局 -> 莆田市科学技术局)
  sanming_shizhengfu_2013.txt, _2019  "标题：三明市2013年…", "标题：三明市2019年…" (the region alone: its government)
"""
from __future__ import annotations

import pandas as pd
import pytest

import govreport
from conftest import RAW, TESTDATA
from govreport.text.agencies import AgencyNames, name_table
from govreport.cli import main
from govreport.errors import ReportError, SelectionError

HONGZE = "淮安市/洪泽区人民政府"
SHAPOTOU = "中卫市/沙坡头区政务服务中心"
FILES = [RAW / "hongze_district_gov_2023.txt", RAW / "hongze_district_gov_2024.txt",
         RAW / "shapotou_gov_service_center_2018.txt", RAW / "shapotou_gov_service_center_2021.txt",
         TESTDATA / "real" / "putian_ptkjj_2024.html", TESTDATA / "real" / "sanming_shizhengfu_2013.txt",
         TESTDATA / "real" / "sanming_shizhengfu_2019.txt"]


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("names") / "processed"
    govreport.ingest(FILES, out, jobs=1, engine="local")
    return out


def _years(data) -> list[int]:
    return sorted(int(y) for y in data.reports["year"])


@pytest.mark.parametrize("name", ["洪泽区人民政府", "淮安市洪泽区人民政府", HONGZE, "洪泽区\u3000人民政府 ",
                                  "江苏省淮安市洪泽区人民政府", "淮安市洪泽区"])
def test_any_name_of_hongze_loads_both_years(processed, name):
    data = govreport.load(processed, agencies=[name])
    assert _years(data) == [2023, 2024]  # 2023 is written 洪泽区人民政府, 2024 淮安市洪泽区人民政府
    assert list(data.reports.sort_values("year")["agency"]) == ["洪泽区人民政府", "淮安市洪泽区人民政府"]
    assert sorted(data.values["year"].unique()) == [2023, 2024]
    assert set(data.values["agency_id"]) == {HONGZE}


@pytest.mark.parametrize("name", ["沙坡头区政务服务中心", "中卫市沙坡头区政务服务中心"])
def test_either_written_name_of_shapotou_loads_2018_and_2021(processed, name):
    data = govreport.load(processed, agencies=name)  # one name as a plain string
    assert _years(data) == [2018, 2021]
    assert data.values.loc[data.values["year"] == 2018, "value"].notna().sum() == 58  # as test_store_partitions


def test_an_alias_of_the_catalog_loads_its_agency(processed):
    data = govreport.load(processed, agencies=["莆田市科技局"])  # agency_aliases.csv row 2
    assert list(data.reports["agency_id"]) == ["莆田市科学技术局"] and _years(data) == [2024]


@pytest.mark.parametrize("name", ["三明市", "三明市人民政府"])
def test_a_region_alone_and_its_government_are_one_agency(processed, name):
    data = govreport.load(processed, agencies=[name])
    assert set(data.reports["agency_id"]) == {"三明市人民政府"} and _years(data) == [2013, 2019]


def test_an_unknown_name_is_one_line_naming_the_closest_agency(processed):
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, agencies=["洪泽县人民政府"])  # 县 for 区: Hongze became a district in 2016
    assert str(caught.value) == f"{processed}: unknown agency '洪泽县人民政府'; closest known: {HONGZE}"
    assert isinstance(caught.value, ReportError)
    with pytest.raises(SelectionError, match=f"unknown agency '沙坡头区政务中心'; closest known: {SHAPOTOU}$"):
        govreport.load(processed, agencies=["沙坡头区政务中心"])


def test_a_name_near_nothing_lists_some_known_agencies(processed):
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, agencies=["国家统计局"])
    assert str(caught.value) == (f"{processed}: unknown agency '国家统计局'; known agencies (4): "
                                 f"三明市人民政府, {SHAPOTOU}, {HONGZE}, …")


def test_a_year_without_a_report_is_one_line_listing_the_years(processed):
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, agencies=["洪泽区人民政府"], years=[2022])
    assert str(caught.value) == f"{processed}: no report of 2022 for {HONGZE}; years there are: 2023, 2024"
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, years=[1999])
    assert str(caught.value) == (f"{processed}: no report of 1999 in the data; "
                                 "years there are: 2013, 2018, 2019, 2021, 2023, 2024")


def test_an_agency_with_no_report_in_the_years_asked_is_named(processed):
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, agencies=["洪泽区人民政府", "三明市"], years=[2023])
    assert str(caught.value) == f"{processed}: 三明市人民政府 has no report of 2023; its years: 2013, 2019"
    both = govreport.load(processed, agencies=["洪泽区人民政府", "三明市"], years=[2019, 2023])
    assert sorted(both.reports["report_id"]) == ["三明市人民政府-2019", f"{HONGZE}-2023"]


def test_a_name_of_two_agencies_is_ambiguous_and_lists_both():
    # 鼓楼区 is a district of both 南京市 and 福州市 (catalog/regions.csv): ids keep them apart, the short name cannot
    reports = pd.DataFrame({"report_id": ["南京市/鼓楼区人民政府-2021", "福州市/鼓楼区人民政府-2021"],
                            "agency": ["鼓楼区人民政府", "鼓楼区人民政府"],
                            "agency_id": ["南京市/鼓楼区人民政府", "福州市/鼓楼区人民政府"], "year": [2021, 2021]})
    names = AgencyNames(reports)
    with pytest.raises(SelectionError) as caught:
        names.resolve("鼓楼区人民政府")
    assert str(caught.value) == ("agency name '鼓楼区人民政府' is ambiguous: 南京市/鼓楼区人民政府, "
                                 "福州市/鼓楼区人民政府 (give one agency_id)")
    assert names.resolve("福州市鼓楼区人民政府") == "福州市/鼓楼区人民政府"
    assert names.resolve("南京市/鼓楼区人民政府") == "南京市/鼓楼区人民政府"


def test_the_name_table_lists_every_name_an_agency_answers_to(processed):
    table = name_table(govreport.load(processed).reports)
    hongze = table[table["agency_id"] == HONGZE]
    assert list(zip(hongze["name"], hongze["how"])) == [
        (HONGZE, "agency_id"), ("洪泽区人民政府", "written"), ("淮安市洪泽区人民政府", "written"),
        ("洪泽区", "region"), ("淮安市洪泽区", "region")]
    assert table.loc[table["name"] == "莆田市科技局", "how"].tolist() == ["alias"]


def test_agencies_command_shows_the_resolution(processed, capsys):
    assert main(["agencies", "洪泽区人民政府", "--processed", str(processed)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"洪泽区人民政府 -> {HONGZE} (matched as written)"
    assert lines[1] == "years: 2023 (洪泽区人民政府), 2024 (淮安市洪泽区人民政府)"


def test_agencies_command_prints_an_unknown_name_in_one_line_and_exits_2(processed, capsys):
    assert main(["agencies", "洪泽县人民政府", "--processed", str(processed)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {processed}: unknown agency '洪泽县人民政府'; closest known: {HONGZE}\n"
    assert captured.out == ""
