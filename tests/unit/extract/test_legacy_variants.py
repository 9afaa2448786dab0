"""Provincial legacy 统计表 variants as PDF text: 历年累计 column, other labels, blank value cells."""
import math

import govreport

LEGACY_2012 = """某某市统计局2012年政府信息公开工作年度报告

本报告中所列数据的统计期限自2012年1月1日起至2012年12月31日止。

附件：政府信息公开情况统计表
指标名称 计量单位 2012年度 历年累计
一、主动公开情况
主动公开文件数 条 120 860
二、依申请公开情况
申请总数 件 7 35
1.当面申请数 件 2 10
2.网络申请数 件 5 25
3.信函申请数 件
同意公开答复数 件 4 20
否决公开答复数 件 1 3
三、行政复议数量 件 0 1
四、依申请公开信息收取的费用 万元 0.12 0.5
五、其中：涉及企业改制 件 3 3
"""


def test_year_column_is_the_value_and_cumulative_is_unmapped(tmp_path):
    p = tmp_path / "legacy2012.txt"
    p.write_text(LEGACY_2012, encoding="utf-8")
    rep = govreport.parse(p)
    assert (rep.meta["template"], rep.meta["year"], rep.meta["agency"]) == ("legacy", 2012, "某某市统计局")
    v = dict(zip(rep.values["metric"], rep.values["value"]))
    assert v["proactive.total"] == 120
    assert v["requests.new_received"] == 7
    assert v["requests.channel.in_person"] == 2 and v["requests.channel.online"] == 5
    assert math.isnan(v["requests.channel.mail"])  # printed row, blank cell: NA, not 0
    assert v["outcome.granted"] == 4 and v["outcome.denied.total"] == 1
    assert v["review.total"] == 0 and v["fees.collected"] == 0.12
    u = rep.unmapped
    cumulative = u[(u["column"] == "cumulative") & (u["reason"] == "cumulative")]
    assert dict(zip(cumulative["source_label"], cumulative["value"])) == {
        "主动公开文件数": 860, "申请总数": 35, "1.当面申请数": 10, "2.网络申请数": 25, "同意公开答复数": 20,
        "否决公开答复数": 3, "三、行政复议数量": 1, "四、依申请公开信息收取的费用": 0.5}
    unknown = u[u["reason"] == "label_unknown"]
    assert list(unknown["raw"]) == ["3", "3"] and list(unknown["column"]) == ["value", "cumulative"]
    assert set(unknown["source_label"]) == {"五、其中:涉及企业改制"}
    channels = rep.findings.set_index("rule").loc["requests.new_received"]
    assert (channels["state"], channels["blanks_as_zero"]) == ("pass", True)  # 2 + 5 + blank == 7


# Putian 2008-2018 pages (text as the portal stores it): the header cell printed one character per line,
# list numbers cut from their labels, 件次 as a unit, 受理政府信息公开申请总数 / 否决公开答复总数 wordings.
PUTIAN_STYLE = """莆田市某某局2012年度政府信息公开工作年度报告
本报告中所列数据的统计期限自2012年1月1日起至2012年12月31日止。
指
标
名
称
计量单位
年末统计
主动公开信息数
条
120
公开查阅点利用件次
件次
336
受理政府信息公开申请总数
条
9
其中：
1
、同意公开答复数
件
5
2
、否决公开答复总数
件
1
"""


def test_putian_portal_layout_is_read(tmp_path):
    p = tmp_path / "putian2012.txt"
    p.write_text(PUTIAN_STYLE, encoding="utf-8")
    rep = govreport.parse(p)
    assert (rep.meta["template"], rep.meta["year"], rep.meta["agency"]) == ("legacy", 2012, "莆田市某某局")
    v = dict(zip(rep.values["metric"], rep.values["value"]))
    assert (v["proactive.total"], v["requests.new_received"]) == (120, 9)
    assert (v["outcome.granted"], v["outcome.denied.total"]) == (5, 1)
    assert set(rep.unmapped["raw"]) == {"336"}  # no metric for 查阅点利用件次: kept, and 件次 read as its unit
    assert rep.unmapped["source_label"].tolist() == ["公开查阅点利用件次"]
