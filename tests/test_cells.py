"""Cells as real reports print them: qualifiers, footnote marks, Chinese numerals, words in value columns.

Each of these used to lose its number (or every number to its left) into the row label, or (21①) store 211.
"""
import math

import pytest

import govreport
from govreport.normalize import chinese_numeral, parse_cell
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
    assert [chinese_numeral(t) for t in ("十", "十二", "一百零五", "三千", "两万零一")] == [10, 12, 105, 3000, 20001]


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
