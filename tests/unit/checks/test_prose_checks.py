"""Prose figures checked against each other and against the tables (checks/prose.py).

Line numbers cite data/raw/shapotou_gov_service_center_2018.txt (S18),
data/raw/shapotou_gov_service_center_2021.txt (S21) and tests/data/fixtures/text/*.txt.
"""
from __future__ import annotations

import json

import pytest

from govreport.checks.prose import check_facts
from govreport.schemas import FINDING_COLUMNS
from prose_helpers import FIXTURES, HONGZE_2024, HUAIAN_2024, S18, S21, facts_of, facts_of_text, row, values_table


@pytest.fixture(scope="module")
def f21():
    return facts_of(S21, "spt2021")


@pytest.fixture(scope="module")
def f18():
    return facts_of(S18, "spt2018")


def test_2021_checks_pass(f21):
    findings = check_facts("spt2021", f21, values_table("spt2021", []))
    assert list(findings.columns) == FINDING_COLUMNS
    pw = findings[findings["rule"] == "fact.part_whole"].sort_values("left")
    assert list(pw["state"]) == ["pass", "pass"]
    assert list(pw["left"]) == [90.0, 4491.0] and list(pw["right"]) == [90.0, 4491.0]
    rate = findings[findings["rule"] == "fact.rate"].iloc[0]
    assert rate["state"] == "pass"
    assert rate["left"] == 99.64
    assert rate["right"] == pytest.approx(100 * 4475 / 4491)  # 99.6437…
    assert "4475" in rate["evidence"] and "4491" in rate["evidence"]
    assert set(findings["applicant"]) == {"total"} and not findings["blanks_as_zero"].any()


def test_a_changed_part_breaks_the_sum(tmp_path):
    broken = tmp_path / "broken_2021.txt"
    text = S21.read_text(encoding="utf-8")
    assert "市长信箱 285" in text
    broken.write_text(text.replace("市长信箱 285", "市长信箱 286"), encoding="utf-8")
    facts = facts_of(broken, "broken")
    findings = check_facts("broken", facts, values_table("broken", []))
    hotline = findings[(findings["rule"] == "fact.part_whole") & (findings["left"] == 4491)].iloc[0]
    assert hotline["state"] == "fail"
    assert hotline["right"] == 4492.0
    assert "市长信箱 286" in hotline["evidence"]


def test_a_wrong_rate_fails():
    facts = facts_of_text("2021年，共受理诉求 200 件，办结 150 件，办结率 80%。\n")
    findings = check_facts("t", facts, values_table("t", []))
    rate = findings[findings["rule"] == "fact.rate"].iloc[0]
    assert rate["state"] == "fail" and rate["right"] == 75.0


def test_2018_rates_95_25_and_100_pass(f18):
    findings = check_facts("spt2018", f18, values_table("spt2018", []))
    rates = findings[findings["rule"] == "fact.rate"].sort_values("left")
    assert list(rates["left"]) == [95.25, 100.0]
    assert list(rates["state"]) == ["pass", "pass"]
    assert rates["right"].iloc[0] == pytest.approx(100 * 21525 / 22599)  # 95.2476…


def test_2018_prose_45_matches_table_45(f18):
    # S18 27 (发布各类信息 45 条) vs S18 91 (主动公开政府信息数 条 45)
    assert row(f18, 45, "条")["subject"] == "发布各类信息"
    values = values_table("spt2018", [("proactive.total", 45.0, "条", "(一) 主动公开政府信息数")])
    findings = check_facts("spt2018", f18, values)
    vs = findings[findings["rule"] == "fact.vs_table:proactive.total"]
    assert len(vs) == 1 and vs.iloc[0]["state"] == "pass"
    assert vs.iloc[0]["left"] == 45.0 and vs.iloc[0]["right"] == 45.0
    contradicted = check_facts("spt2018", f18, values_table("spt2018", [("proactive.total", 44.0, "条", "x")]))
    assert contradicted[contradicted["rule"] == "fact.vs_table:proactive.total"].iloc[0]["state"] == "fail"


def test_2018_overlapping_clause_breakdown_is_not_a_failure(f18):
    # S18 54: 事项279项，其中：入驻实体大厅219项，可不见面办理事项253项，乡镇便民服务事项39项 (overlapping attributes)
    findings = check_facts("spt2018", f18, values_table("spt2018", []))
    pw = findings[findings["rule"] == "fact.part_whole"].iloc[0]
    assert pw["left"] == 279 and pw["right"] == 511 and pw["state"] == "not_assessable"


def test_huaian_appeal_breakdowns_sum():
    # huaian_gov_2024.txt 33-36: 行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件；行政诉讼 46 件…
    facts = facts_of(HUAIAN_2024, "ha")
    findings = check_facts("ha", facts, values_table("ha", []))
    pw = findings[findings["rule"] == "fact.part_whole"].sort_values("left")
    assert list(zip(pw["left"], pw["right"], pw["state"])) == [(46, 46, "pass"), (351, 351, "pass")]


def test_hongze_2024_prose_request_count_contradicts_table():
    # hongze_district_gov_2024.txt 24-25: 受理政府信息公开申请 17 件; expected/…2024.json: requests.new_received|total = 95
    expected = json.loads((FIXTURES / "expected" / "hongze_district_gov_2024.json").read_text(encoding="utf-8"))
    table_value = expected["values"]["requests.new_received|total"]
    facts = facts_of(HONGZE_2024, "hz")
    findings = check_facts("hz", facts, values_table("hz", [("requests.new_received", table_value, "件", "一、本年新收政府信息公开申请数量")]))
    vs = findings[findings["rule"] == "fact.vs_table:requests.new_received"].iloc[0]
    assert (vs["left"], vs["right"], vs["state"]) == (17.0, 95.0, "fail")


def test_money_facts_are_converted_to_the_table_unit():
    facts = facts_of_text("全年收取政府信息公开信息处理费 3940 元。\n")
    findings = check_facts("t", facts, values_table("t", [("fees.collected", 0.394, "万元", "七、依申请公开信息收取的费用")]))
    assert findings.iloc[0]["state"] == "pass" and findings.iloc[0]["left"] == pytest.approx(0.394)


