"""Figures in the prose: hand-checked against the seed and fixture texts.

Line numbers cite data/raw/shapotou_gov_service_center_2018.txt (S18),
data/raw/shapotou_gov_service_center_2021.txt (S21) and
tests/data/fixtures/text/*.txt as shipped with the project.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from govreport.facts import FACT_COLUMNS, FINDING_COLUMNS, check_facts, chinese_to_number, extract_facts, subjects_match, table_metric
from govreport.readers import read_document
from govreport.readers.text import document_from_text

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
S18 = RAW / "shapotou_gov_service_center_2018.txt"
S21 = RAW / "shapotou_gov_service_center_2021.txt"
FIXTURES = Path(__file__).resolve().parent / "data" / "fixtures"
HONGZE_2024 = FIXTURES / "text" / "hongze_district_gov_2024.txt"
HUAIAN_2024 = FIXTURES / "text" / "huaian_gov_2024.txt"

from govreport.schemas import VALUE_COLUMNS


def facts_of(path, report_id="r"):
    return extract_facts(report_id, read_document(path))


def facts_of_text(text, report_id="t"):
    return extract_facts(report_id, document_from_text(Path("inline.txt"), text))


def row(df, value, unit, subject=None):
    hit = df[(df["value"] == value) & (df["unit"] == unit)]
    if subject is not None:
        hit = hit[hit["subject"] == subject]
    assert len(hit) == 1, f"expected one fact {value}{unit} {subject or ''}, got {len(hit)}:\n{df[['subject', 'value', 'unit']]}"
    return hit.iloc[0]


def values_table(report_id, items):
    rows = [{"report_id": report_id, "agency": "", "agency_id": "", "year": 0, "template": "legacy", "metric": m,
             "applicant": "total", "value": v, "unit": u, "source_label": label, "provenance": "reported"}
            for m, v, u, label in items]
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


# ---------------------------------------------------------------- the 2021 seed

@pytest.fixture(scope="module")
def f21():
    return facts_of(S21, "spt2021")


def test_facts_table_has_the_contract_columns(f21):
    assert list(f21.columns) == FACT_COLUMNS
    assert f21["fact_id"].is_unique
    assert f21["fact_id"].iloc[0] == "spt2021#f1"


def test_2021_every_prose_figure_and_nothing_else(f21):
    # S21 lines 45-51 (disclosure), 347-356 (hotline, 督办通知单, 通报): all the
    # number+unit pairs in the prose; the tables (lines 98-312) give none.
    got = sorted(zip(f21["value"], f21["unit"]))
    expected = sorted([(90, "篇"), (82, "篇"), (3, "篇"), (2, "篇"), (3, "条"), (2120, "条"),
                       (4491, "件"), (4183, "件"), (285, "件"), (17, "件"), (6, "件"), (4475, "件"),
                       (99.64, "%"), (50, "份"), (3, "期")])
    assert got == expected


def test_2021_hotline_whole_and_its_four_parts(f21):
    # S21 347-351: 共转办市民有效诉求件 4491 件，其中，“12345”政务服务热线 4183 件、市长信箱 285 件、区长信箱 17件、社情民意信息 6件
    whole = row(f21, 4491, "件")
    assert whole["subject"] == "转办市民有效诉求件"
    assert whole["role"] == "whole"
    assert whole["section"] == "六、其他需要报告的事项"
    assert "4491 件" in whole["sentence"] and whole["sentence"].endswith("。")
    for value, subject in [(4183, "“12345”政务服务热线"), (285, "市长信箱"), (17, "区长信箱"), (6, "社情民意信息")]:
        part = row(f21, value, "件", subject)
        assert part["role"] == "part"
        assert part["parent_fact_id"] == whole["fact_id"]
    closed = row(f21, 4475, "件")
    assert closed["subject"] == "办结" and closed["role"] == "single" and pd.isna(closed["parent_fact_id"])
    rate = row(f21, 99.64, "%")
    assert rate["subject"] == "办结率" and rate["role"] == "rate"


def test_2021_disclosure_parts_mix_pian_and_tiao(f21):
    # S21 45-51: 公开信息 90篇，其中：部门动态信息 82篇、财政预决算信息 3篇、建议提案 2篇、各类文件 3条; 微博 2120条
    whole = row(f21, 90, "篇")
    assert whole["subject"] == "公开信息" and whole["role"] == "whole"
    assert whole["section"] == "一、总体情况"
    parts = f21[f21["parent_fact_id"] == whole["fact_id"]]
    assert sorted(zip(parts["subject"], parts["value"], parts["unit"])) == sorted(
        [("部门动态信息", 82, "篇"), ("财政预决算信息", 3, "篇"), ("建议提案", 2, "篇"), ("各类文件", 3, "条")])
    weibo = row(f21, 2120, "条")
    assert weibo["subject"] == "主动公开政府信息" and weibo["role"] == "single"


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


# ---------------------------------------------------------------- the 2018 seed

@pytest.fixture(scope="module")
def f18():
    return facts_of(S18, "spt2018")


def test_2018_hotline_and_center_workload(f18):
    # S18 66: 2018 年共转办市民咨询、求助、意见、建议和投诉等有效诉求件 2525 件，办结 2525 件，办结率 100%。
    hot = f18[f18["sentence"].str.contains("有效诉求件")]
    assert list(zip(hot["subject"], hot["value"], hot["unit"])) == [
        ("转办有效诉求件", 2525, "件"), ("办结", 2525, "件"), ("办结率", 100, "%")]
    assert set(hot["section"]) == {"五、回应社会关切情况"}
    # S18 60: 39项便民服务事项共受理22599件，办结21525件，正在办理1074件，办结率95.25%。
    center = f18[f18["sentence"].str.contains("22599")]
    assert list(zip(center["subject"], center["value"], center["unit"])) == [
        ("便民服务事项", 39, "项"), ("便民服务事项受理", 22599, "件"), ("办结", 21525, "件"),
        ("正在办理", 1074, "件"), ("办结率", 95.25, "%")]
    # S18 66: 宣传资料 5000 余份, 督办通知单 29 份, 通报 12 期
    assert row(f18, 5000, "份")["subject"].endswith("宣传资料")
    assert row(f18, 29, "份")["subject"] == "督办通知单"
    assert row(f18, 12, "期")["subject"] == "“12345”政务服务热线办理情况通报"


def test_2018_training_sessions_and_people_share_a_subject(f18):
    # S18 60: 开展“政务云”系统操作培训3场次570余人次
    sessions, people = row(f18, 3, "场次"), row(f18, 570, "人次")
    assert sessions["subject"] == people["subject"] == "开展“政务云”系统操作培训"


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


def test_2018_table_rows_are_not_facts(f18):
    # S18 89-157: the 统计表 (e.g. "(一)收到申请数	件	0") and S18 31-40 (list with 发布日期)
    assert not f18["sentence"].str.contains("收到申请数|主动公开政府信息数|发布日期").any()
    assert (f18["section"] != "").all()


@pytest.mark.parametrize("path", [S18, S21])
def test_dates_phones_postcodes_and_document_numbers_are_not_facts(path):
    facts = facts_of(path)
    # S18 5 / S21 4-22: 2018 年 1 月 1 日, 邮编：755000, 0955-8597620, 传真 0955-8597622,
    # 正通东路 5 号, 4 楼, 163.com, 〔2021〕30号
    for value in [2018, 2021, 755000, 8597620, 8597622, 955, 163, 30, 31]:
        assert value not in set(facts["value"]), value
    assert not facts["sentence"].str.contains("邮编").any()


# ---------------------------------------------------------------- tokenizer on inline text

def test_chinese_numerals_are_counted():
    facts = facts_of_text("一、概述\n全年开展专题培训三场次，编印工作简报十二期，制定五项制度。\n")
    assert sorted(zip(facts["value"], facts["unit"])) == [(3, "场次"), (5, "项"), (12, "期")]
    assert chinese_to_number("二十五") == 25 and chinese_to_number("一百零八") == 108


def test_non_counts_are_skipped():
    text = ("依据《条例》（国令第711号）和国办公开办函〔2021〕30号，统计期限自2021年1月1日至12月31日。"
            "一是加强领导，二是完善制度。最多跑一次，落实“两个维护”。地址：某路5号4楼，邮编：755000，电话：0955-8597620。\n")
    assert facts_of_text(text).empty


def test_numbers_split_from_units_by_spaces_and_lines():
    facts = facts_of_text("2021 年，共受理政府信息公开申请 31\n件，办结 1,234 件，其中 5\n\n件延期。\n")
    assert sorted(zip(facts["value"], facts["unit"])) == [(5, "件"), (31, "件"), (1234, "件")]
    assert row(facts, 31, "件")["subject"] == "受理政府信息公开申请"


def test_sections_follow_headings_in_order():
    text = "一、总体情况\n全年公开信息 10 条。\n二、主动公开政府信息情况\n另发布解读 2 篇。\n"
    facts = facts_of_text(text)
    assert list(facts["section"]) == ["一、总体情况", "二、主动公开政府信息情况"]


# ---------------------------------------------------------------- fixtures and prose vs table

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
    assert table_metric(facts.iloc[0]["subject"]) == "fees.collected"
    findings = check_facts("t", facts, values_table("t", [("fees.collected", 0.394, "万元", "七、依申请公开信息收取的费用")]))
    assert findings.iloc[0]["state"] == "pass" and findings.iloc[0]["left"] == pytest.approx(0.394)


def test_subject_phrases_match_across_years():
    assert subjects_match("转办有效诉求件", "转办市民有效诉求件")           # S18 66 vs S21 347
    assert subjects_match("“12345”政务服务热线办理情况通报", "“12345”政务服务热线办理情况通报")
    assert not subjects_match("办结", "转办市民有效诉求件")
    assert not subjects_match("市长信箱", "区长信箱")


def test_subjects_match_across_wording_changes_between_years():
    from govreport.facts import subjects_match
    # 洪泽区 2023 "主动公开政府信息 1136 条" vs 2024 "主动发布各类政府信息 … 条" (fixtures/text)
    assert subjects_match("主动公开政府信息", "主动发布各类政府信息")
    assert not subjects_match("主动公开政府信息", "受理政府信息公开申请")
