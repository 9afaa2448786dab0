"""Every sum rule of catalog/rules.csv covers every part that a real report prints under its total.

"Printed under the total" is read from each report's own parse, not from a list that mirrors rules.csv:
the rows come in reading order (the ``row`` number extract gives every value and unplaced number), and a
row's place in the table is its list number: 一、 above (一) above 1. above (1) and 其中 items (unnumbered
rows after a 其中 item continue its list; an unnumbered row elsewhere is a top-level row, as in the Fujian
附表). A heading total owns the deeper rows after it; a closing 总计 owns the rows of its own level before it
back to the heading above; in a gb table the 行政复议/行政诉讼 totals own the columns of their row that share
their metric's stem. Variants in the corpus: the national legacy form (gbk_legacy_2012.html,
shapotou_gov_service_center_2018.txt), the Fujian 附表 (sanming_shizhengfu_2013/2018, putian_ptsmzj_2015,
putian_pthyyyyj_2016), the older Fujian table (putian_shizhengfu_2008, putian_ptkjj_2009), gb2019 and gb2021.
"""
import re
from pathlib import Path

import pytest

import govreport
from govreport.extract import extract
from govreport.checks.identities import rules

from conftest import RAW, TESTDATA

REPORTS = sorted(
    [p for p in (TESTDATA / "real").iterdir() if p.is_file()]
    + sorted((TESTDATA / "fixtures" / "text").glob("*.txt"))
    + [p for p in TESTDATA.iterdir() if p.suffix in (".html", ".md")]
    + [p for p in RAW.iterdir() if p.is_file() and not p.name.startswith(".")])

# The list marker of a row and its depth; the last marker in a label counts (a grid label carries its
# headings first: 三、本年度办理结果 (三)不予公开 1.属于国家秘密 is a 1. item).
_MARKERS = [(2, r"(?:其中\s*[:：]?\s*)?\d{1,2}\s*[.、．](?!\d)"), (3, r"(?:其中\s*[:：]?\s*)?[(（]\s*\d{1,2}\s*[)）]"),
            (1, r"(?:其中\s*[:：]?\s*)?[(（]\s*[一二三四五六七八九十]+\s*[)）]"), (0, r"[一二三四五六七八九十]+\s*[、.．]"),
            (3, r"其中")]
_CLOSING = re.compile(r"总计|合计")

# Sub-rows whose label the parse does not know yet: the rule cannot be checked for them, and validate says
# not_assessable instead of fail (tests/test_validate.py). The test fails when one is read, so this stays honest.
KNOWN_UNPLACED = {
    ("putian_shizhengfu_2008", "outcome.responses_total"): ["其中: 1.公开同意答复数"],
    # the archive's page.txt drops a line repeating the one before (HTML 287|24|2|0|1|1|315 shows 6 numbers), so
    # these rows print fewer numbers than columns and stay unplaced; their labels are known (KNOWN_GAPS there)
    ("putian_shizhengfu_2019", "outcome.total"): [
        "三、本年度办理结果 (一 ) 予以公开", "(二 ) 部分公开 ( 区分处理的 , 只计这一情形 , 不计其他情形 )", "(六 ) 其他处理"],
}


def _marker(label: str):
    best = None
    for depth, pattern in _MARKERS:
        for m in re.finditer(rf"(?:^|(?<=\s))(?:{pattern})", label):
            if best is None or m.start() > best[0]:
                best = (m.start(), depth, pattern == "其中")
    return best


def printed_rows(path: Path):
    """(template, rows): rows in reading order as dicts: label, depth, metrics placed, numbers not placed."""
    rep = govreport.parse(path)
    ex = extract(rep.document, rep.meta["template"])
    rows: dict[int, dict] = {}
    for v in ex.values:
        rows.setdefault(v["row"], dict(label=v["source_label"], metrics=set(), unplaced=[]))["metrics"].add(v["metric"])
    for u in ex.unmapped:
        row = rows.setdefault(u["row"], dict(label=u["source_label"], metrics=set(), unplaced=[]))
        if not row["metrics"]:
            row["unplaced"].append(u)
    out, in_qizhong = [], False
    for n in sorted(rows):
        row = rows[n]
        if not row["metrics"] and not row["unplaced"]:
            continue
        marker = _marker(row["label"])
        if marker is None:
            depth = 3 if in_qizhong else 1
        else:
            depth, in_qizhong = marker[1], marker[2]
        out.append(dict(row, n=n, depth=depth, number=_item_number(row["label"]) if marker else None))
    for before, row, after in zip(out, out[1:], out[2:]):
        # a wrapped label that lost its number: the unnumbered row between items 1、 and 3、 is item 2
        if row["number"] is None and None not in (before["number"], after["number"]) \
                and after["number"] == before["number"] + 2 and before["depth"] == after["depth"]:
            row["depth"] = before["depth"]
    return rep.meta["template"], out


def _item_number(label: str):
    numbers = re.findall(r"(?:^|(?<=\s)|(?<=[:：]))(\d{1,2})\s*[.、．](?!\d)", label)
    return int(numbers[-1]) if numbers else None


def parts_printed(rows: list[dict], i: int, metric: str) -> list[dict]:
    """The rows (or, for a column total, the pseudo-rows of its columns) printed under the total of row i."""
    total = rows[i]
    same_row = sorted(m for m in total["metrics"] if m != metric)
    if same_row:  # gb 行政复议/行政诉讼: one row, one column per part
        stem = metric.rsplit(".", 1)[0] + "."
        return [dict(label=m, metrics={m}, unplaced=[]) for m in same_row
                if m.startswith(stem) and (m.count(".") == metric.count(".") or m.endswith(".total"))]
    after = []
    for row in rows[i + 1:]:
        if row["depth"] <= total["depth"]:
            break
        after.append(row)
    if after:
        top = min(r["depth"] for r in after)
        return [r for r in after if r["depth"] == top]
    if _CLOSING.search(total["label"]):
        before = []
        for row in reversed(rows[:i]):
            if row["depth"] < total["depth"]:
                break
            if row["depth"] == total["depth"]:
                before.append(row)
        return before[::-1]
    return []


def sum_rules(template: str) -> dict[str, set]:
    """total metric -> the metrics on the right side of its sum rule (one left operand, same year)."""
    out = {}
    for rule in rules():
        if template in rule.templates and not rule.cross_year and not rule.per_applicant_column and len(rule.left) == 1:
            out.setdefault(rule.left[0].metric, set()).update(o.metric for o in rule.right)
    return out


def gaps(path: Path):
    """(left-out sub-rows, unplaced sub-rows, number of totals checked) of one report."""
    template, rows = printed_rows(path)
    left_out, unplaced, checked = [], {}, 0
    for total_metric, right in sum_rules(template).items():
        for i, row in enumerate(rows):
            if total_metric not in row["metrics"]:
                continue
            parts = parts_printed(rows, i, total_metric)
            checked += bool(parts)
            for part in parts:
                left_out += [(path.stem, total_metric, part["label"], m) for m in sorted(part["metrics"] - right)]
                if part["unplaced"]:
                    unplaced.setdefault((path.stem, total_metric), []).append(part["label"])
    return left_out, unplaced, checked


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_no_sum_rule_leaves_out_a_printed_sub_row(path):
    left_out, unplaced, _checked = gaps(path)
    assert left_out == []
    assert unplaced == {k: v for k, v in KNOWN_UNPLACED.items() if k[0] == path.stem}


def test_the_check_sees_the_printed_hierarchy_of_each_variant():
    """Hand-read from the files: what each variant prints under a total (one example per variant)."""
    def under(name, metric):
        _t, rows = printed_rows(name)
        i = next(i for i, r in enumerate(rows) if metric in r["metrics"])
        return [sorted(r["metrics"]) for r in parts_printed(rows, i, metric)]
    # Fujian 附表, sanming 2013: 对申请的答复总数 394 over 1.同意公开 377 / 2.同意部分公开 0 / 3.不予公开 3 / 4.其他类型答复数 14
    assert under(TESTDATA / "real" / "sanming_shizhengfu_2013.txt", "outcome.responses_total") == [
        ["outcome.granted"], ["outcome.partially_granted"], ["outcome.denied.total"], ["outcome.other_reply"]]
    # Fujian 附表, sanming 2018: 3.信函、传真申请数 is one merged row
    assert under(TESTDATA / "real" / "sanming_shizhengfu_2018.txt", "requests.new_received") == [
        ["requests.channel.in_person"], ["requests.channel.online"], ["requests.channel.mail_fax"]]
    # older Fujian table, putian_ptkjj_2009: six channels 当面/传真/电子邮件/网上/信函/其它形式
    assert len(under(TESTDATA / "real" / "putian_ptkjj_2009.txt", "requests.new_received")) == 6
    # national form, gbk_legacy_2012: (三)申请答复数 over eight numbered items; 4.否决公开 over six 其中 items
    legacy = TESTDATA / "gbk_legacy_2012.html"
    assert len(under(legacy, "outcome.responses_total")) == 8
    assert under(legacy, "outcome.denied.total")[0] == ["outcome.denied.state_secret"]
    assert len(under(legacy, "outcome.denied.total")) == 6
    # gb2021, hongze 2023: (七)总计 closes (一)…(六); the 行政复议 total shares its row with its four parts
    hongze = TESTDATA / "fixtures" / "text" / "hongze_district_gov_2023.txt"
    assert under(hongze, "outcome.total")[0] == ["outcome.granted"]
    assert under(hongze, "review.total") == [["review.corrected"], ["review.other"], ["review.pending"], ["review.upheld"]]


def test_each_variant_has_totals_whose_printed_parts_were_compared():
    checked = {p.name: gaps(p)[2] for p in REPORTS}
    assert len(REPORTS) >= 20
    # national form: 申请总数, 申请办结数, 申请答复数, 否决公开, 行政复议, 行政诉讼, 工作人员数 (parts printed under each)
    assert checked["gbk_legacy_2012.html"] == 7
    assert checked["sanming_shizhengfu_2013.txt"] == 2  # Fujian 附表: 受理…申请总数 and 对申请的答复总数
    assert checked["putian_shizhengfu_2008.txt"] == 2  # 年末统计 table: 受理依申请公开信息总数 and 本年度对申请的答复总数
    assert checked["hongze_district_gov_2023.txt"] == 4  # gb2021: (七)总计, 行政复议, 未经复议起诉, 复议后起诉
