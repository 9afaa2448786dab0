"""Charts a journalist reads right: gaps for missing years, overlapping series kept apart, % change,
and a mark on a point whose printed total its own parts contradict.

The contradiction is real: 洪泽区 2023 (data/raw/hongze_district_gov_2023.txt, table 四) prints 行政复议
总计 0 beside 维持 10 + 纠正 1; 2024 prints 2. The chart draws 0 -> 2 as printed and rings 2023.
"""
from __future__ import annotations

import pandas as pd

from report_fixtures import HONGZE_ID, huaian_data


def _chart(rows, notes=()):
    from govreport.report import Chart

    frame = pd.DataFrame(rows, columns=["year", "series", "label", "value", "comparability", "template",
                                        "contradicted", "parts"])
    return Chart(kind="series", title="申请数量", frame=frame, notes=list(notes))


def _lines(fig):
    return [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 2]


def test_no_line_is_drawn_through_missing_years():
    from govreport.report import charts

    chart = _chart([(2018, "a", "新收申请", 10.0, "exact", "legacy", False, None),
                    (2021, "a", "新收申请", 30.0, "exact", "gb2021", False, None)])
    fig = charts.series_chart(chart)
    spans = [abs(line.get_xdata()[1] - line.get_xdata()[0]) for line in _lines(fig)
             if line.get_linestyle() == "-" and line.get_ydata()[0] != line.get_ydata()[1]]
    assert spans == []                                    # 2018 and 2021 are not joined
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["2018", "2019", "2020", "2021"]      # the missing years keep their place
    assert sum(t.get_text() == "无报告" for t in fig.axes[0].texts) == 2


def test_identical_series_stay_visible_side_by_side_with_their_own_markers():
    from govreport.report import charts

    rows = [(y, s, s, v, "exact", "gb2021", False, None) for s in ("新收申请", "办理结果总计")
            for y, v in ((2023, 21.0), (2024, 95.0))]
    fig = charts.series_chart(_chart(rows))
    points = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 1 and line.get_marker() != "x"]
    xs = sorted({round(float(p.get_xdata()[0]), 3) for p in points})
    assert len(xs) == 4                                   # four distinct x positions, not two
    assert len({p.get_marker() for p in points}) == 2


def test_each_segment_carries_its_change_in_per_cent():
    from govreport.report import charts

    rows = [(2023, "a", "新收申请", 21.0, "exact", "gb2021", False, None),
            (2024, "a", "新收申请", 95.0, "exact", "gb2021", False, None),
            (2023, "b", "行政复议", 0.0, "exact", "gb2021", False, None),
            (2024, "b", "行政复议", 2.0, "exact", "gb2021", False, None)]
    texts = [t.get_text() for t in charts.series_chart(_chart(rows)).axes[0].texts]
    assert "+352%" in texts                               # (95 - 21) / 21 = 352.4 %
    assert "+2" in texts                                  # from 0 there is no per cent: the change in numbers


def test_a_total_contradicted_by_its_parts_is_ringed_with_a_note():
    from govreport import report
    from govreport.report import charts
    from govreport.report.render import figure_html

    story = report.comparison_story(huaian_data(), HONGZE_ID)
    chart = story.section("group.disputes").charts[0]
    review = chart.frame[chart.frame["series"] == "review_total"].set_index("year")
    assert review.loc[2023, "value"] == 0 and review.loc[2023, "parts"] == 11 and review.loc[2024, "value"] == 2
    fig = charts.series_chart(chart)
    rings = [line for line in fig.axes[0].get_lines() if line.get_markeredgecolor() == charts.ALERT
             and line.get_markersize() > 12]
    assert len(rings) == 2                                # 行政复议 2023 and 行政诉讼 2023
    assert any(list(line.get_ydata()) == [11.0] for line in fig.axes[0].get_lines())   # what the parts say
    assert "印出 0，分项之和 11" in [t.get_text() for t in fig.axes[0].texts]
    caption = figure_html(chart)
    assert "“行政复议总计”印为 0，而各分项之和为 11。图中该点以红圈标出。" in caption
