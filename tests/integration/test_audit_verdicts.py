"""Scoring the library's verdicts against the hand-checked "verdicts" of an expected JSON (govreport.checks.coverage).

Right / wrong / unknown: a verdict the document cannot support, declined (unknown, not_assessable), is never
wrong; a false accusation (a fail the report does not have, "late" for a report on time) always is.
"""
from __future__ import annotations

import pandas as pd

from conftest import TESTDATA

from govreport.checks.coverage import VERDICT_KINDS, identity_states, score_verdicts, verdict_summary, verdict_table
from govreport.pipeline import audit

# sanming_shizhengfu_2013.txt, checked by hand: requests 394 vs 当面377 + 网上31 + 信函3 = 411 (a real break);
# responses 394 = 377 + 0 + 3 + 4.其他类型答复数 14 (holds); 原始链接 …/t20140227_78734.htm; city government
SANMING_2013 = {"agency": "三明市人民政府", "agency_id": "三明市人民政府", "level": "government",
                "published": "2014-02-27", "published_source": "url", "timeliness": "on_time",
                "identity_fails": ["requests.new_received"]}


def _said(**changes) -> dict:
    said = {k: SANMING_2013[k] for k in VERDICT_KINDS[:-1]}
    said["identity"] = {"requests.new_received": "fail", "outcome.responses_total": "pass"}
    return {**said, **changes}


def _outcomes(scored: dict) -> dict:
    return {k: scored[f"verdict_{k}"] for k in VERDICT_KINDS}


def test_every_verdict_as_the_page_states_it_is_right():
    scored = score_verdicts(_said(), SANMING_2013)
    assert _outcomes(scored) == dict.fromkeys(VERDICT_KINDS, "right")
    assert (scored["false_fails"], scored["verdict_problems"]) == ("", "")


def test_a_fail_the_report_does_not_have_is_a_false_fail():
    """Issue 14: the legacy rule without 其他类型答复 published 'responses 394 vs 380, 勾稽不成立'."""
    said = _said(identity={"requests.new_received": "fail", "outcome.responses_total": "fail"})
    scored = score_verdicts(said, SANMING_2013)
    assert (scored["verdict_identity"], scored["false_fails"]) == ("wrong", "outcome.responses_total")
    assert "false fail outcome.responses_total" in scored["verdict_problems"]


def test_a_real_break_judged_pass_is_wrong_and_judged_not_assessable_is_unknown():
    """hongze_district_gov_2023: section 四 prints 总计 0 where its parts sum to 11 (行政复议)."""
    truth = {**SANMING_2013, "identity_fails": ["review.total"]}
    assert score_verdicts(_said(identity={"review.total": "pass"}), truth)["verdict_identity"] == "wrong"
    assert score_verdicts(_said(identity={"review.total": "not_assessable"}), truth)["verdict_identity"] == "unknown"
    assert score_verdicts(_said(identity={}), truth)["verdict_identity"] == "unknown"  # not checked at all


def test_a_rule_names_every_instance_of_it():
    """'applicants' in identity_fails is broken by the report wherever its columns do not add up."""
    truth = {**SANMING_2013, "identity_fails": ["applicants"]}
    said = _said(identity={"applicants:outcome.total": "fail", "applicants:requests.new_received": "pass"})
    assert score_verdicts(said, truth)["verdict_identity"] == "right"


def test_a_city_report_called_late_is_wrong_and_a_date_not_found_is_unknown():
    """Issue 14: a city report published on 10 March was shown '39 days late' (deadline 31 March)."""
    scored = score_verdicts(_said(level="department", timeliness="late"), SANMING_2013)
    assert (scored["verdict_level"], scored["verdict_timeliness"]) == ("wrong", "wrong")
    scored = score_verdicts(_said(published=None, published_source=None, timeliness="unknown"), SANMING_2013)
    assert [scored[f"verdict_{k}"] for k in ("published", "published_source", "timeliness")] == ["unknown"] * 3


def test_no_date_said_where_the_document_states_none_is_right():
    """huaian_gov_2024.pdf states no publication date: unknown is the true verdict, a date would be wrong."""
    truth = {**SANMING_2013, "published": None, "published_source": None, "timeliness": "unknown"}
    scored = score_verdicts(_said(published=None, published_source=None, timeliness="unknown"), truth)
    assert [scored[f"verdict_{k}"] for k in ("published", "published_source", "timeliness")] == ["right"] * 3
    scored = score_verdicts(_said(published="2025-01-20", published_source="signature"), truth)
    assert [scored[f"verdict_{k}"] for k in ("published", "published_source")] == ["wrong"] * 2


def test_an_unknown_agency_is_unknown_not_wrong():
    scored = score_verdicts(_said(agency="unknown", agency_id="unknown"), SANMING_2013)
    assert (scored["verdict_agency"], scored["verdict_agency_id"]) == ("unknown", "unknown")


def test_identity_states_take_the_worst_column_and_only_the_reports_own_sums():
    findings = pd.DataFrame({
        "rule": ["applicants:outcome.total", "applicants:outcome.total", "outcome.total", "outcome.total",
                 "carried_over.continuity", "identify.agency_unknown", "requests.balance"],
        "state": ["pass", "fail", "pass", "not_assessable", "fail", "fail", "pass"]})
    assert identity_states(findings) == {"applicants:outcome.total": "fail", "outcome.total": "not_assessable",
                                         "requests.balance": "pass"}


def test_the_audit_of_a_batch_counts_each_verdict_kind_once_per_report():
    table = audit([TESTDATA / "real" / "sanming_shizhengfu_2013.txt"], [TESTDATA / "real" / "expected"])
    counts = verdict_table(table)
    assert list(counts.index) == list(VERDICT_KINDS)
    assert counts["total"].tolist() == [1] * len(VERDICT_KINDS)
    assert verdict_summary(table).splitlines()[0] == "| verdict | right | wrong | unknown | total |"


def test_reports_without_verdicts_are_not_scored():
    table = audit([TESTDATA / "html_gb2019_county.html"], [])
    assert table["verdict_agency"].isna().all()
    assert verdict_summary(table) == ""
