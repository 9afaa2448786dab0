"""Plausibility (issue 17, item 2): a cell that no count or sum can mean is never a published value.

Each probe replaces one cell of a real report in the repository (the Hongze district 2023 report, gb2021; the
Sanming city 2019 report, gb2019) and checks that the cell lands in ``unmapped`` with reason
``implausible_value`` and its raw text, that a parse finding names it, that the row's other cells keep their
values, and that nothing implausible is left in ``values``. The legitimately signed 本年增/减 column stays a value,
and no real report in the repository loses a value to the bounds of catalog/bounds.csv.
"""
import math
from pathlib import Path

import pytest

from govreport import catalog
from govreport.pipeline import parse
from govreport.schemas import validate_table

from conftest import FIXTURES, TESTDATA, values_dict

HONGZE = FIXTURES / "text" / "hongze_district_gov_2023.txt"
SANMING = TESTDATA / "real" / "sanming_shizhengfu_2019.txt"
# the 7-cell row of 本年新收 in HONGZE: natural person 21, five organisation columns 0, total 21
NEW_ROW = "一、本年新收政府信息公开申请数量                             21    0      0     0   0   0     21"
LICENSING_ROW = "行政许可                      550"  # 第二十条第（五）项: 550 licensing decisions
FEES_ROW = "行政事业性收费                                            7730.28"  # 第二十条第（八）项, 万元
FOUR_HUNDRED = "9" * 400
PROBES = ["-550", "320102199001011234", FOUR_HUNDRED, "3.5", "13912345678"]


def _parse_changed(tmp_path: Path, source: Path, old: str, new: str):
    """Parse a copy of ``source`` (same file name) with the one occurrence of ``old`` replaced by ``new``."""
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    copy = tmp_path / source.name
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return parse(copy)


@pytest.fixture(scope="module")
def hongze():
    return parse(HONGZE)


def _implausible(rep, metric: str, applicant: str):
    """The unmapped row and the finding the probe cell became."""
    unm = rep.unmapped[rep.unmapped["reason"] == "implausible_value"]
    fnd = rep.findings[rep.findings["rule"] == f"extract.implausible_value:{metric}"]
    fnd = fnd[fnd["applicant"] == applicant]
    return unm, fnd


def _assert_nothing_implausible(rep):
    for metric, value in zip(rep.values["metric"], rep.values["value"]):
        if math.isnan(value):
            continue  # a blank is missing, not a value
        assert math.isfinite(value), metric
        assert value >= 0 or metric.endswith(".change"), (metric, value)
        assert value < 1e9, (metric, value)


def _assert_moved(rep, base, probe: str, metric: str, applicant: str, label: str):
    unm, fnd = _implausible(rep, metric, applicant)
    assert list(unm["raw"]) == [probe]  # the raw text, whole (400 digits included)
    assert label in unm["source_label"].iloc[0] and unm["column"].iloc[0] == applicant
    assert metric in unm["detail"].iloc[0]
    assert len(fnd) == 1 and fnd["state"].iloc[0] == "fail"
    assert probe[:20] in fnd["evidence"].iloc[0] and label in fnd["evidence"].iloc[0]
    got, before = values_dict(rep.values), values_dict(base.values)
    assert f"{metric}|{applicant}" not in got  # never a published count
    assert {k: v for k, v in before.items() if k != f"{metric}|{applicant}"} == pytest.approx(got, nan_ok=True)
    _assert_nothing_implausible(rep)
    # a parse note, not the agency's arithmetic error: the report fails no more rules than before
    assert rep.meta["n_failed_rules"] == base.meta["n_failed_rules"]
    validate_table("unmapped", rep.unmapped)
    validate_table("findings", rep.findings)


@pytest.mark.parametrize("probe", PROBES, ids=["negative", "id18", "400_digits", "fraction", "phone"])
def test_an_implausible_cell_of_a_seven_cell_row_is_unmapped_and_its_neighbours_keep_their_values(tmp_path, hongze, probe):
    new = NEW_ROW.replace("数量                             21", f"数量                             {probe}", 1)
    rep = _parse_changed(tmp_path, HONGZE, NEW_ROW, new)
    _assert_moved(rep, hongze, probe, "requests.new_received", "natural_person", "本年新收政府信息公开申请数量")
    got = values_dict(rep.values)  # the other six cells of the row, as printed
    assert [got[f"requests.new_received|{a}"] for a in catalog.APPLICANTS[1:]] == [0, 0, 0, 0, 0, 21]


@pytest.mark.parametrize("probe", PROBES, ids=["negative", "id18", "400_digits", "fraction", "phone"])
def test_an_implausible_one_number_row_is_unmapped_not_published(tmp_path, hongze, probe):
    rep = _parse_changed(tmp_path, HONGZE, LICENSING_ROW, LICENSING_ROW.replace("550", probe))
    _assert_moved(rep, hongze, probe, "art20.licensing.decisions", "total", "行政许可")


def test_money_above_its_bound_is_unmapped_and_money_below_it_is_kept(tmp_path, hongze):
    # 9,000,000,000 万元 is 90 trillion 元: more than all of China's government procurement in a decade
    rep = _parse_changed(tmp_path, HONGZE, FEES_ROW, FEES_ROW.replace("7730.28", "9,000,000,000"))
    _assert_moved(rep, hongze, "9,000,000,000", "art20.fees.amount", "total", "行政事业性收费")
    assert values_dict(hongze.values)["art20.fees.amount|total"] == pytest.approx(7730.28)  # a fraction of 万元 is money


def test_a_count_above_its_bound_is_unmapped(tmp_path, hongze):
    probe = "200,000,000"  # thousands separators, so no identifier: only the bound of family:count catches it
    new = NEW_ROW.replace("数量                             21", f"数量                             {probe}", 1)
    rep = _parse_changed(tmp_path, HONGZE, NEW_ROW, new)
    _assert_moved(rep, hongze, probe, "requests.new_received", "natural_person", "本年新收政府信息公开申请数量")


@pytest.mark.parametrize("cell, value", [("-2", -2.0), ("减2", -2.0), ("增3", 3.0)])
def test_the_signed_change_column_of_article_20_keeps_its_sign(tmp_path, cell, value):
    """本年增/减 of 第二十条 (gb2019) is a signed change: -2 is a value, not an implausible count."""
    rep = _parse_changed(tmp_path, SANMING, "行政许可\n13191\n0\n92210", f"行政许可\n13191\n{cell}\n92210")
    got = values_dict(rep.values)
    assert got["art20.licensing.change|total"] == value
    assert got["art20.licensing.prev_count|total"] == 13191 and got["art20.licensing.decisions|total"] == 92210
    assert not (rep.unmapped["reason"] == "implausible_value").any()


def test_a_negative_in_the_count_column_beside_the_signed_one_is_implausible(tmp_path):
    base = parse(SANMING)
    rep = _parse_changed(tmp_path, SANMING, "行政许可\n13191\n0\n92210", "行政许可\n-13191\n0\n92210")
    _assert_moved(rep, base, "-13191", "art20.licensing.prev_count", "total", "行政许可")


REAL_REPORTS = sorted((TESTDATA / "real").glob("*.*")) + sorted((FIXTURES / "text").glob("*.txt"))


@pytest.mark.parametrize("path", REAL_REPORTS, ids=lambda p: p.name)
def test_no_real_report_in_the_repository_has_an_implausible_value(path):
    """The bounds stand above every real magnitude here (3,985,758 penalty decisions in Huai'an 2024, 481714587.29元
    of procurement in Sanming 2019): a bound that cut a real value would fail here."""
    rep = parse(path)
    assert not (rep.unmapped["reason"] == "implausible_value").any()
    assert not rep.findings["rule"].str.startswith("extract.implausible_value").any()


def test_every_bound_of_the_catalog_resolves_to_a_metric_in_its_own_unit():
    assert catalog.value_bounds().digit_run == 10  # 11 digits are a phone number
    from govreport.extract.plausible import limits_for
    assert limits_for("art20.fees.amount", "万元").high == pytest.approx(1e9)  # 1e13 元 in 万元
    assert limits_for("art20.punishment.decisions", "件").high == 1e9  # the metric glob beats the family default
    assert limits_for("art20.licensing.change", "项").low < 0  # the signed column
    assert limits_for("requests.new_received", "件").low == 0
