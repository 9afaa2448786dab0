"""Timeliness: stated publication date against the statutory deadline."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from govreport.readers import read_document
from govreport.readers.text import document_from_text
from govreport.timeliness import agency_level, assess, deadline, publication_date

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def doc(text):
    return document_from_text(Path("inline.txt"), text)


def test_levels_from_the_agency_name():
    assert agency_level("淮安市人民政府") == "government"
    assert agency_level("淮安市洪泽区人民政府") == "government"
    assert agency_level("淮安市人民政府办公室") == "department"
    assert agency_level("沙坡头区政务服务中心") == "department"


def test_deadlines_changed_with_the_2019_regulations():
    assert deadline(2018, "department")[0] == date(2019, 3, 31)
    assert deadline(2018, "government")[0] == date(2019, 3, 31)
    assert deadline(2021, "department")[0] == date(2022, 1, 31)
    assert deadline(2021, "government")[0] == date(2022, 3, 31)


def test_labelled_publication_date():
    d = doc("某某局2021年政府信息公开工作年度报告\n发布日期：2022-01-20\n一、总体情况\n正文。\n")
    assert publication_date(d) == date(2022, 1, 20)
    result = assess("r", 2021, "某某局", d)
    assert (result["state"], result["level"], result["deadline"]) == ("on_time", "department", date(2022, 1, 31))


def test_date_line_at_the_end_late_for_a_department_on_time_for_a_government():
    d = doc("报告\n一、总体情况\n正文。\n某某局\n2022年2月15日\n")
    assert assess("r", 2021, "某某局", d)["state"] == "late"
    assert "15 days late" in assess("r", 2021, "某某局", d)["evidence"]
    assert assess("r", 2021, "某某县人民政府", d)["state"] == "on_time"


def test_chinese_date_under_the_title_and_pre_2019_deadline():
    d = doc("某某局2018年政府信息公开工作年度报告\n二〇一九年三月十五日\n正文。\n")
    assert publication_date(d) == date(2019, 3, 15)
    assert assess("r", 2018, "某某局", d)["state"] == "on_time"


def test_no_date_is_unknown_not_late():
    # The seeds state no publication date; the 2018 list of items with a 发布日期 column
    # (shapotou 2018 lines 31-40) is a table, not the report's date.
    for path, year in [(RAW / "shapotou_gov_service_center_2018.txt", 2018), (RAW / "shapotou_gov_service_center_2021.txt", 2021)]:
        result = assess("r", year, "沙坡头区政务服务中心", read_document(path))
        assert result["published"] is None and result["state"] == "unknown"


def test_a_date_inside_the_reporting_year_is_not_a_publication_date():
    d = doc("报告\n正文。\n2021年12月31日\n")
    assert assess("r", 2021, "某某局", d)["state"] == "unknown"
