"""Seed 2018 (legacy 统计表): every indicator, hand-checked against data/raw/shapotou_gov_service_center_2018.txt."""
import math

import govreport
from govreport import catalog
from conftest import SEED_2018, values_dict

# (metric, value, unit) transcribed from the 统计表 at the end of the seed, in table order.
EXPECTED = [
    ("proactive.total", 45, "条"), ("proactive.normative_docs", 0, "条"), ("proactive.normative_docs_issued", 0, "件"),
    ("proactive.channel.gazette", 0, "条"), ("proactive.channel.website", 42, "条"), ("proactive.channel.weibo", 0, "条"),
    ("proactive.channel.wechat", 0, "条"), ("proactive.channel.other", 41, "条"),
    ("response.hot_topics", 0, "次"), ("response.press_conferences", 0, "次"), ("response.press_conferences_leader", 0, "次"),
    ("response.online_interviews", 0, "次"), ("response.online_interviews_leader", 0, "次"),
    ("response.interpretations", 0, "篇"), ("response.weibo_wechat", 0, "次"), ("response.other", 0, "次"),
    ("requests.new_received", 0, "件"), ("requests.channel.in_person", 0, "件"), ("requests.channel.fax", 0, "件"),
    ("requests.channel.online", 0, "件"), ("requests.channel.mail", 0, "件"), ("requests.completed", 0, "件"),
    ("requests.completed_on_time", 0, "件"), ("requests.completed_extended", 0, "件"),
    ("outcome.responses_total", 0, "件"), ("outcome.already_public", 0, "件"), ("outcome.granted", 0, "件"),
    ("outcome.partially_granted", 0, "件"), ("outcome.denied.total", 0, "件"), ("outcome.denied.state_secret", 0, "件"),
    ("outcome.denied.trade_secret", 0, "件"), ("outcome.denied.privacy", 0, "件"),
    ("outcome.denied.security_stability", 0, "件"), ("outcome.denied.not_gov_info", 0, "件"),
    ("outcome.denied.law_prohibited", 0, "件"), ("outcome.unavailable.not_this_agency", 0, "件"),
    ("outcome.unavailable.not_held", 0, "件"), ("outcome.told_to_amend", 0, "件"), ("outcome.told_other_channel", 0, "件"),
    ("review.total", 0, "件"), ("review.upheld", 0, "件"), ("review.corrected", 0, "件"), ("review.other", 0, "件"),
    ("litigation.total", 0, "件"), ("litigation.upheld", 0, "件"), ("litigation.corrected", 0, "件"),
    ("litigation.other", 0, "件"), ("complaints.total", 0, "件"), ("fees.collected", 0, "万元"),
    ("capacity.units", 0, "个"), ("capacity.reading_points", 1, "个"), ("capacity.staff", 1, "人"),
    ("capacity.staff_fulltime", 1, "人"), ("capacity.staff_parttime", 0, "人"), ("capacity.budget", 0.04, "万元"),
    ("meetings.total", 4, "次"), ("training.sessions", 0, "次"), ("training.trainees", 3, "人次"),
]


def test_metadata_from_title_and_labels():
    rep = govreport.parse(SEED_2018)
    assert rep.meta["template"] == "legacy"
    assert rep.meta["year"] == 2018
    assert rep.meta["agency"] == "中卫市沙坡头区政务服务中心"
    assert rep.meta["agency_id"] == "中卫市/沙坡头区政务服务中心"


def test_every_indicator_of_the_statistics_table():
    rep = govreport.parse(SEED_2018)
    got = values_dict(rep.values)
    for metric, value, unit in EXPECTED:
        assert got[f"{metric}|total"] == value, metric
    units = dict(zip(rep.values["metric"], rep.values["unit"]))
    assert {m: units[m] for m, _v, _u in EXPECTED} == {m: u for m, _v, u in EXPECTED}
    assert len(rep.values) == len(EXPECTED)  # nothing extra: 58 indicators, 58 rows
    assert rep.unmapped.empty


def test_legacy_rows_keep_their_printed_labels_and_applicant_total():
    v = govreport.parse(SEED_2018).values.set_index("metric")
    assert v.loc["response.online_interviews_leader", "source_label"] == "其中:主要负责同志参加政府网站在线访谈次数"
    assert v.loc["capacity.budget", "source_label"].startswith("(四)政府信息公开专项经费")
    assert set(v["applicant"]) == {"total"}
    assert set(v["provenance"]) == {"reported"}


def test_legacy_identities_hold_in_the_seed():
    f = govreport.parse(SEED_2018).findings
    table_rules = {r["rule"] for r in catalog.read_csv("rules.csv")}
    f = f[f["rule"].isin(table_rules)]  # parse() also returns the prose checks (fact.part_whole is not_assessable here)
    assert len(f) > 0 and set(f["state"]) == {"pass"}
    staff = f[f["rule"] == "capacity.staff"].iloc[0]
    assert (staff["left"], staff["right"]) == (1, 1)
    assert math.isclose(staff["left"], 1.0)
