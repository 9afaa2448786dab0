"""Cells as real reports print them: qualifiers, footnote marks, Chinese numerals, words in value columns.

Each of these used to lose its number (or every number to its left) into the row label, or (21①) store 211.
"""
import math

import pytest

import govreport
from conftest import FIXTURES, TESTDATA
from govreport.text.normalize import judge_commas, parse_cell
from govreport.text.numerals import chinese_to_number
from reportgen import gb2019_text


@pytest.mark.parametrize("raw, value, note, approximate", [
    ("约550", 550, "约", True),
    ("1288余", 1288, "余", True),
    ("21*", 21, "*", False),
    ("(21)", 21, "()", False),
    ("21①", 21, "①", False),  # NFKC would make it 211
    ("21²", 21, "²", False),
    ("\u200b12", 12, "", False),  # zero-width space
    ("二十一", 21, "二十一", False),
    ("增3", 3, "增", False),
    ("减2", -2, "减", False),
])
def test_a_number_with_a_qualifier_is_the_number_and_the_qualifier_is_kept(raw, value, note, approximate):
    cell = parse_cell(raw)
    assert (cell.value, cell.note, cell.approximate) == (value, note, approximate)


@pytest.mark.parametrize("raw", ["行政许可", "万元", "增", "①"])
def test_words_are_not_numbers(raw):
    assert parse_cell(raw) is None


def test_chinese_numerals():
    assert [chinese_to_number(t) for t in ("十", "十二", "一百零五", "三千", "两万零一")] == [10, 12, 105, 3000, 20001]


def _rows():
    return {"requests.new_received": ["3", "0", "0", "0", "0", "0", "3"],
            "outcome.granted": ["3", "0", "0", "0", "0", "0", "3"]}


def test_qualified_cells_in_a_multi_column_row_keep_their_columns(tmp_path):
    rows = _rows()
    rows["outcome.granted"] = ["约1288", "21*", "(2)", "0", "二十一", "1①", "1333"]
    p = tmp_path / "r.txt"
    p.write_text(gb2019_text(rows=rows), encoding="utf-8")
    rep = govreport.parse(p)
    v = rep.values[rep.values["metric"] == "outcome.granted"].set_index("applicant")
    assert v["value"].to_dict() == {"natural_person": 1288, "commercial": 21, "research": 2, "social_org": 0,
                                    "legal_service": 21, "other_org": 1, "total": 1333}
    assert v.loc["natural_person", "note"] == "approximate 约" and v.loc["other_org", "note"] == "①"
    assert v.loc["social_org", "note"] == ""


def test_text_in_a_value_column_never_moves_its_neighbours(tmp_path):
    rows = _rows()
    rows["outcome.granted"] = ["3", "0", "无变化", "0", "0", "0", "3"]
    p = tmp_path / "r.txt"
    p.write_text(gb2019_text(rows=rows), encoding="utf-8")
    rep = govreport.parse(p)
    v = rep.values[(rep.values["metric"] == "outcome.granted") & (rep.values["provenance"] == "reported")]
    assert v.set_index("applicant")["value"].to_dict() == {"natural_person": 3, "commercial": 0, "social_org": 0,
                                                           "legal_service": 0, "other_org": 0, "total": 3}
    u = rep.unmapped
    assert list(zip(u["column"], u["raw"], u["reason"])) == [("research", "无变化", "text_cell")]


def test_right_to_left_overrides_and_radicals_never_reach_the_tables(tmp_path):
    # a PDF font's radical (⺠ for 民) and a right-to-left override (U+202E) that would make published text
    # read other than it is: the first becomes the ideograph, the second is dropped
    text = gb2019_text(agency="某某县⺠政局", rows=_rows()).replace("二、上年结转", "二、上\u202e年结转")
    text = text.replace("（一）予以公开", "（一）予以公开\u200b")
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    rep = govreport.parse(p)
    assert (rep.meta["agency"], rep.meta["agency_id"]) == ("某某县民政局", "某某县民政局")
    assert "requests.carried_over" in set(rep.values["metric"])
    for frame in (rep.values, rep.unmapped, rep.findings):
        for column in frame.columns:
            if frame[column].dtype == object:
                assert not frame[column].astype(str).str.contains("[\u202e\u200b⺠]").any(), column


# ------------------------------------------------------------------ issue 17: the cell grammar
# hongze_district_gov_2023.txt (a real report, in tests/data/fixtures/text and data/raw) prints, hand-checked:
#   line 59  "行政许可                      550"  -> art20.licensing.decisions|total = 550 (one of its 208 values)
#   line 93  "一、本年新收政府信息公开申请数量   21 0 0 0 0 0 21" -> requests.new_received by applicant
HONGZE = FIXTURES / "text" / "hongze_district_gov_2023.txt"
HONGZE_LICENSING = "行政许可                      550"
HONGZE_NEW = "一、本年新收政府信息公开申请数量                             21 "
HONGZE_VALUES = 208


def _hongze(tmp_path, old: str, new: str):
    text = HONGZE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / HONGZE.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return govreport.parse(path)


@pytest.mark.parametrize("raw, value, note, unit", [
    ("550（含转办3）", 550, "(含转办3)", None),
    ("550 （含转办3）", 550, "(含转办3)", None),
    ("550含转办3", 550, "含转办3", None),
    ("约550（含转办3）*", 550, "约 (含转办3) *", None),
    ("0.0032万", 32, "万", None),
    ("1.2万", 12000, "万", None),
    ("2488（元）", 2488, "", "元"),  # putian_ptsslj_2020.html: a unit in brackets is the cell's unit
    ("1,234", 1234, "", None),
    ("1,234.5", 1234.5, "", None),
])
def test_a_cell_is_its_number_and_what_stands_beside_it(raw, value, note, unit):
    cell = parse_cell(raw)
    assert (cell.value, cell.note, cell.unit, cell.ambiguous) == (value, note, unit, False)


@pytest.mark.parametrize("raw", ["5,50", "1,5500", "550,0", "0,032", "1.288,0", "3,2", "32,0", "1,2345", "12 ,345",
                                 "12, 345"])
def test_separators_that_cannot_be_told_are_ambiguous_never_a_guess(raw):
    cell = parse_cell(raw)
    assert (cell.value, cell.ambiguous, cell.raw) == (None, True, raw)


def test_a_comma_is_judged_per_report():
    assert judge_commas(["1,234", "550", "12,345.5"]) == "thousands"
    assert judge_commas(["1,234", "5,50"]) == "ambiguous"
    assert judge_commas(["1,000①"]) == "thousands"  # the footnote mark is no digit
    assert parse_cell("1,234", commas="ambiguous").ambiguous


def test_hongze_one_number_row_as_printed_is_550():
    rep = govreport.parse(HONGZE)
    v = rep.values[rep.values["metric"] == "art20.licensing.decisions"]
    assert (len(rep.values), v["value"].tolist(), len(rep.unmapped)) == (HONGZE_VALUES, [550], 0)


def test_a_bracketed_note_keeps_the_one_number_row(tmp_path):
    # HEAD: the row vanished (207 values, nothing unmapped)
    rep = _hongze(tmp_path, HONGZE_LICENSING, "行政许可                      550（含转办3）")
    v = rep.values[rep.values["metric"] == "art20.licensing.decisions"]
    assert len(rep.values) == HONGZE_VALUES and len(rep.unmapped) == 0
    assert (v["value"].tolist(), v["note"].tolist()) == ([550], ["(含转办3)"])


@pytest.mark.parametrize("cell", ["5,50", "1,5500", "550,0", "0,032", "12 ,345"])
def test_an_ambiguous_one_number_cell_is_unmapped_with_its_raw_text(tmp_path, cell):
    # HEAD: 5,50 / 1,5500 / 550,0 / 12 ,345 vanished with their row; 0,032 was stored as 32
    rep = _hongze(tmp_path, HONGZE_LICENSING, "行政许可                      " + cell)
    assert len(rep.values) == HONGZE_VALUES - 1
    assert "art20.licensing.decisions" not in set(rep.values["metric"])
    u = rep.unmapped
    assert list(zip(u["source_label"], u["column"], u["raw"], u["reason"])) == [
        ("行政许可", "total", cell, "ambiguous_number")]


_NEW_OTHERS = {"commercial": 0, "research": 0, "social_org": 0, "legal_service": 0, "other_org": 0, "total": 21}


@pytest.mark.parametrize("cell, value, note", [("32（含转办3）", 32, "(含转办3)"), ("0.0032万", 32, "万")])
def test_a_noted_cell_in_a_seven_column_row_keeps_every_column(tmp_path, cell, value, note):
    # HEAD: the cell and the label were read as one label; the 6 cells right of it went to positions_unknown
    rep = _hongze(tmp_path, HONGZE_NEW, HONGZE_NEW.replace("  21 ", "  " + cell + " "))
    v = rep.values[rep.values["metric"] == "requests.new_received"].set_index("applicant")
    assert v["value"].to_dict() == {"natural_person": value, **_NEW_OTHERS}
    assert v.loc["natural_person", "note"] == note and len(rep.unmapped) == 0


@pytest.mark.parametrize("cell", ["1.288,0", "3,2", "32,0", "1,2345", "12 ,345"])
def test_an_ambiguous_cell_in_a_seven_column_row_is_unmapped_and_its_neighbours_keep_their_columns(tmp_path, cell):
    rep = _hongze(tmp_path, HONGZE_NEW, HONGZE_NEW.replace("  21 ", "  " + cell + " "))
    v = rep.values[rep.values["metric"] == "requests.new_received"].set_index("applicant")
    assert v["value"].to_dict() == _NEW_OTHERS
    u = rep.unmapped
    assert list(zip(u["column"], u["raw"], u["reason"])) == [("natural_person", cell, "ambiguous_number")]


def test_a_report_with_a_decimal_comma_has_no_thousands_comma_either(tmp_path):
    # 行政许可 1,550 alone is one thousand five hundred and fifty; beside 行政强制 19,5 the comma cannot be told
    text = HONGZE.read_text(encoding="utf-8").replace(HONGZE_LICENSING, "行政许可                      1,550")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / HONGZE.name).write_text(text, encoding="utf-8")
    alone = govreport.parse(tmp_path / "a" / HONGZE.name)
    assert alone.values.set_index("metric").loc["art20.licensing.decisions", "value"] == 1550
    (tmp_path / "b").mkdir()
    mixed = text.replace("行政强制                                                   195",
                         "行政强制                                                   19,5")
    (tmp_path / "b" / HONGZE.name).write_text(mixed, encoding="utf-8")
    rep = govreport.parse(tmp_path / "b" / HONGZE.name)
    assert sorted(zip(rep.unmapped["raw"], rep.unmapped["reason"])) == [("1,550", "ambiguous_number"),
                                                                         ("19,5", "ambiguous_number")]


def test_an_unreadable_number_cell_stays_in_its_column(tmp_path):
    # 0万万元 opens as a number but does not parse: a text cell in its column, never part of the label
    rep = _hongze(tmp_path, HONGZE_NEW, HONGZE_NEW.replace("  21 ", "  0万万元 "))
    v = rep.values[rep.values["metric"] == "requests.new_received"].set_index("applicant")
    assert v["value"].to_dict() == _NEW_OTHERS
    assert list(zip(rep.unmapped["column"], rep.unmapped["raw"], rep.unmapped["reason"])) == [
        ("natural_person", "0万万元", "text_cell")]


def test_spaced_separator_reads_the_same_in_html_and_text(tmp_path):
    # HEAD: 12 ,345 was 12345 in an HTML cell (and lost its row in text): now ambiguous in both
    html = (TESTDATA / "html_gb2019_county.html").read_text(encoding="utf-8")
    old = "<tr><td>行政许可</td><td>156</td><td>+4</td><td>1234</td></tr>"
    assert old in html
    path = tmp_path / "county.html"
    path.write_text(html.replace(old, old.replace("1234", "12 ,345")), encoding="utf-8")
    rep = govreport.parse(path)
    assert "art20.licensing.decisions" not in set(rep.values["metric"])
    u = rep.unmapped[rep.unmapped["raw"] == "12 ,345"]
    assert list(zip(u["column"], u["reason"])) == [("total", "ambiguous_number")]
