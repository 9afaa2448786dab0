"""Figures in the prose: hand-checked against the seed and fixture texts.

Line numbers cite data/raw/shapotou_gov_service_center_2018.txt (S18),
data/raw/shapotou_gov_service_center_2021.txt (S21) and
tests/data/fixtures/text/*.txt as shipped with the project.
"""
from __future__ import annotations

import pandas as pd
import pytest

from govreport.schemas import FACT_COLUMNS
from prose_helpers import S18, S21, facts_of, facts_of_text, row


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


# ---------------------------------------------------------------- the table metric of each figure

def test_a_figure_carries_the_table_metric_its_subject_names(f18):
    # S18 27: 发布各类信息 45 条 reports the legacy table's 主动公开政府信息数 (catalog/fact_subjects.csv)
    assert row(f18, 45, "条")["table_metric"] == "proactive.total"


def test_a_figure_whose_subject_names_no_metric_has_none(f21):
    # S21 347: 共转办市民有效诉求件 4491 件 — no table row counts hotline requests
    assert pd.isna(row(f21, 4491, "件")["table_metric"])


def test_parts_and_rates_carry_no_table_metric(f21):
    # S21 347-351: the four parts of 4491 件 and 办结率 99.64% are never set against a table
    assert f21.loc[f21["role"].isin(["part", "rate"]), "table_metric"].isna().all()


def test_money_figure_names_the_fees_metric():
    facts = facts_of_text("全年收取政府信息公开信息处理费 3940 元。\n")
    assert facts.iloc[0]["table_metric"] == "fees.collected"
