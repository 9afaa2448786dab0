"""Prose figures followed across years (harmonize/facts.py): the 沙坡头区政务服务中心 seeds of 2018 and 2021.

Line numbers cite data/raw/shapotou_gov_service_center_2018.txt (S18) and
data/raw/shapotou_gov_service_center_2021.txt (S21).
"""
from __future__ import annotations

import pandas as pd
import pytest

from govreport.harmonize.facts import FACT_SERIES_COLUMNS, fact_series, subjects_match
from prose_helpers import S18, S21, facts_of

AGENCY = "中卫市/沙坡头区政务服务中心"


@pytest.fixture(scope="module")
def facts():
    return pd.concat([facts_of(S18, "spt2018"), facts_of(S21, "spt2021")], ignore_index=True)


def _reports(agency_2018: str, agency_2021: str) -> pd.DataFrame:
    return pd.DataFrame({"report_id": ["spt2018", "spt2021"], "agency_id": [agency_2018, agency_2021],
                         "year": [2018, 2021]})


@pytest.fixture(scope="module")
def series(facts):
    return fact_series(facts, _reports(AGENCY, AGENCY))


def test_fact_series_has_the_table_columns(series):
    assert list(series.columns) == FACT_SERIES_COLUMNS
    assert set(series["agency_id"]) == {AGENCY}


def test_hotline_requests_are_one_series_under_each_years_phrase(series):
    # S18 66: 转办…有效诉求件 2525 件; S21 347: 共转办市民有效诉求件 4491 件
    hotline = series[series["phrase"] == "转办有效诉求件 / 转办市民有效诉求件"].set_index("year")
    assert hotline.loc[2018, "value"] == 2525 and hotline.loc[2018, "subject"] == "转办有效诉求件"
    assert hotline.loc[2021, "value"] == 4491 and hotline.loc[2021, "subject"] == "转办市民有效诉求件"
    assert set(hotline["context"]) == {""} and hotline["series_no"].nunique() == 1


def test_a_bare_closed_count_takes_the_hotline_of_its_sentence(series):
    # S18 has two 办结 (21525 of 便民服务事项, line 60; 2525 of the hotline, line 66): the hotline's is matched
    done = series[series["phrase"] == "办结"]
    assert dict(zip(done["year"], done["value"])) == {2018: 2525.0, 2021: 4475.0}
    assert set(done["context"]) == {"转办市民有效诉求件"}


def test_series_are_numbered_in_page_order_one_to_n(series):
    numbers = list(dict.fromkeys(series["series_no"]))
    assert numbers == list(range(1, len(numbers) + 1))
    assert (series.groupby("series_no")["year"].nunique() >= 2).all()


def test_reports_of_different_agencies_make_no_series(facts):
    assert fact_series(facts, _reports("A", "B")).empty


def test_subject_phrases_match_across_years():
    assert subjects_match("转办有效诉求件", "转办市民有效诉求件")           # S18 66 vs S21 347
    assert subjects_match("“12345”政务服务热线办理情况通报", "“12345”政务服务热线办理情况通报")
    assert not subjects_match("办结", "转办市民有效诉求件")
    assert not subjects_match("市长信箱", "区长信箱")


def test_subjects_match_across_wording_changes_between_years():
    # 洪泽区 2023 "主动公开政府信息 1136 条" vs 2024 "主动发布各类政府信息 … 条" (fixtures/text)
    assert subjects_match("主动公开政府信息", "主动发布各类政府信息")
    assert not subjects_match("主动公开政府信息", "受理政府信息公开申请")


def test_facts_are_joined_on_every_matching_pair_of_different_years_and_no_other(facts):
    # the pairs compared only within one unit and key head are those a comparison of every pair finds
    from govreport.harmonize.facts import _matching_pairs
    records = list(facts.assign(year=[2018 if r == "spt2018" else 2021 for r in facts["report_id"]]).itertuples())
    every = {(a.Index, b.Index) for a in records for b in records if b.Index > a.Index and b.year != a.year
             and b.unit == a.unit and subjects_match(str(a.subject), str(b.subject))}
    assert every and set(_matching_pairs(records)) == every
