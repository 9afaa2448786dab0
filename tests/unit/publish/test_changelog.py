"""Releases with a data changelog (issue 19, item 4).

Old: a build replaced reports/data/ and said nothing of what changed; a researcher holding last month's
download could not tell which reports were new, which figures moved, or why. Now each build that publishes
data lists, against the data published before it, the reports added, removed or re-read and every value and
verdict that changed, with why (new input, new code, a review): reports/changes.html and
reports/data/changes.csv, both named in the build record.

The diff is checked on small hand-made tables; the build on the two seeds with the notebooks replaced by
stand-in pages (fault_helpers), adding the 2018 seed and editing one cell of the 2021 one.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fault_helpers import SEED_2018, SEED_2021, SEEDS, build_quietly, make_root, use_fake_notebooks

SHA_A, SHA_B, SHA_C, SHA_D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)


# ------------------------------------------------------------------ hand-made versions
def _reports(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(report_id=f"{aid}-{year}", agency=name, agency_id=aid, year=year, template="gb2021",
                              source_file=f"data/raw/{aid}_{year}.txt", sha256=sha, agency_level="department")
                         for aid, name, year, sha in rows])


def _values(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(report_id=rid, metric=m, applicant=a, value=v) for rid, m, a, v in rows])


def _findings(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(report_id=rid, rule=rule, applicant=a, state=s, review=r)
                         for rid, rule, a, s, r in rows])


def _version(reports, values, findings, code="code1", inputs=None, timeliness=None):
    from govreport.publish.changelog import Version

    inputs = frozenset(reports["sha256"]) if inputs is None else frozenset(inputs)
    return Version(reports=reports, values=values, findings=findings,
                   timeliness=timeliness if timeliness is not None else pd.DataFrame(), code=code, inputs=inputs)


def _rows(table: pd.DataFrame, change: str) -> list[tuple]:
    part = table[table["change"] == change]
    return [tuple(r) for r in part[["why", "report_id", "item", "applicant", "field", "old", "new"]].itertuples(index=False)]


@pytest.fixture()
def old():
    """Three reports of 2021: values of each, one finding each."""
    return _version(
        _reports(("甲", "甲局", 2021, SHA_A), ("乙", "乙局", 2021, SHA_B), ("丙", "丙局", 2021, SHA_C)),
        _values(("甲-2021", "requests.new_received", "total", 5.0), ("甲-2021", "requests.carried_over", "total", 1.0),
                ("乙-2021", "requests.new_received", "total", 7.0), ("丙-2021", "requests.new_received", "total", 3.0)),
        _findings(("甲-2021", "requests.balance", "total", "pass", ""),
                  ("乙-2021", "requests.balance", "total", "fail", ""),
                  ("丙-2021", "requests.balance", "total", "pass", "")))


def test_a_new_report_is_added_with_new_input_and_a_gone_one_removed(old):
    from govreport.publish.changelog import diff

    new = _version(old.reports[old.reports["report_id"] != "丙-2021"].pipe(
        lambda r: pd.concat([r, _reports(("丁", "丁局", 2018, SHA_D))], ignore_index=True)),
        pd.concat([old.values[old.values["report_id"] != "丙-2021"],
                   _values(("丁-2018", "requests.new_received", "total", 2.0))], ignore_index=True),
        pd.concat([old.findings[old.findings["report_id"] != "丙-2021"],
                   _findings(("丁-2018", "requests.balance", "total", "fail", ""))], ignore_index=True))
    table = diff(old, new)
    assert _rows(table, "report_added") == [("new_input", "丁-2018", "data/raw/丁_2018.txt", "", "sha256", "", SHA_D)]
    assert _rows(table, "report_removed") == [("new_input", "丙-2021", "data/raw/丙_2021.txt", "", "sha256", SHA_C, "")]
    # an added report's values are not listed one by one: the report is
    assert len(table) == 2


def test_an_edited_document_is_re_read_as_new_input_with_its_changed_value_and_verdict(old):
    from govreport.publish.changelog import diff

    reports = old.reports.copy()
    reports.loc[reports["report_id"] == "甲-2021", "sha256"] = SHA_D
    values = old.values.copy()
    values.loc[(values["report_id"] == "甲-2021") & (values["metric"] == "requests.new_received"), "value"] = 6.0
    findings = old.findings.copy()
    findings.loc[findings["report_id"] == "甲-2021", "state"] = "fail"
    table = diff(old, _version(reports, values, findings))
    assert _rows(table, "report_reread") == [("new_input", "甲-2021", "data/raw/甲_2021.txt", "", "sha256", SHA_A, SHA_D)]
    assert _rows(table, "value_changed") == [("new_input", "甲-2021", "requests.new_received", "total", "value", "5", "6")]
    assert _rows(table, "verdict_changed") == [("new_input", "甲-2021", "requests.balance", "total", "state", "pass", "fail")]
    assert list(table["change"]) == ["report_reread", "verdict_changed", "value_changed"]  # reports, verdicts, values


def test_the_same_documents_read_by_other_code_are_re_read_as_new_code(old):
    from govreport.publish.changelog import diff

    values = old.values.copy()
    values.loc[values["report_id"] == "乙-2021", "value"] = float("nan")  # the new code reads a blank: missing
    table = diff(old, _version(old.reports, values, old.findings, code="code2"))
    assert _rows(table, "report_reread") == [("new_code", f"{x}-2021", f"data/raw/{x}_2021.txt", "", "code", "code1",
                                              "code2") for x in ("丙", "乙", "甲")]  # by year, then report id
    assert _rows(table, "value_changed") == [("new_code", "乙-2021", "requests.new_received", "total", "value", "7", "")]


def test_a_changed_review_is_a_verdict_change_with_why_review(old):
    from govreport.publish.changelog import diff

    findings = old.findings.copy()
    findings.loc[findings["report_id"] == "乙-2021", "review"] = "dismissed"
    table = diff(old, _version(old.reports, old.values, findings))
    assert _rows(table, "verdict_changed") == [("review", "乙-2021", "requests.balance", "total", "review", "",
                                                "dismissed")]
    assert len(table) == 1


def test_timeliness_and_the_agency_of_a_report_are_verdicts(old):
    from govreport.publish.changelog import diff

    reports = old.reports.copy()
    reports.loc[reports["report_id"] == "乙-2021", ["agency", "agency_level"]] = ["乙局（新名）", "government"]
    before = pd.DataFrame({"report_id": ["甲-2021"], "state": ["unknown"]})
    after = pd.DataFrame({"report_id": ["甲-2021"], "state": ["late"]})
    table = diff(_version(old.reports, old.values, old.findings, timeliness=before),
                 _version(reports, old.values, old.findings, code="code2", timeliness=after))
    verdicts = _rows(table, "verdict_changed")
    assert ("new_code", "乙-2021", "", "", "agency", "乙局", "乙局（新名）") in verdicts
    assert ("new_code", "乙-2021", "", "", "agency_level", "department", "government") in verdicts
    assert ("new_code", "甲-2021", "", "", "timeliness", "unknown", "late") in verdicts


def test_a_document_read_as_another_agency_is_one_report_whose_agency_id_changed(old):
    from govreport.publish.changelog import diff

    reports = old.reports.copy()
    reports.loc[reports["report_id"] == "丙-2021", ["report_id", "agency_id"]] = ["戊-2021", "戊"]
    values = old.values.replace({"report_id": {"丙-2021": "戊-2021"}})
    findings = old.findings.replace({"report_id": {"丙-2021": "戊-2021"}})
    table = diff(old, _version(reports, values, findings, code="code2"))
    assert _rows(table, "report_added") == [] and _rows(table, "report_removed") == []
    assert ("new_code", "戊-2021", "", "", "agency_id", "丙", "戊") in _rows(table, "verdict_changed")
    assert _rows(table, "value_changed") == []


def test_identical_versions_have_no_changes(old):
    from govreport.publish.changelog import COLUMNS, diff

    table = diff(old, old)
    assert table.empty and list(table.columns) == COLUMNS


# ------------------------------------------------------------------ a build sequence
# data/raw/shapotou_gov_service_center_2021.txt, table 三, row 一、本年新收政府信息公开申请数量, first column
# (自然人): 0. The edit makes it 1; every other cell of that row, the 总计 among them, stays 0.
EDIT_ROW = "一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0"
EDITED_ROW = "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 0"


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """Build the 2021 seed; add the 2018 seed and edit one cell of the 2021 text; build again."""
    parent = tmp_path_factory.mktemp("changelog")
    with pytest.MonkeyPatch.context() as mp:
        use_fake_notebooks(mp.setattr)
        root = make_root(parent, seeds=(SEED_2021,))
        assert build_quietly(root) == 0
        first = {name: (root / "reports" / name).read_text(encoding="utf-8")
                 for name in ("changes.html", "build_record.json", "index.html")}
        first_csv = (root / "reports" / "data" / "changes.csv").read_bytes()
        shutil.copy2(SEEDS / SEED_2018, root / "data" / "raw" / SEED_2018)
        text = (root / "data" / "raw" / SEED_2021).read_text(encoding="utf-8")
        assert text.count(EDIT_ROW) == 1
        (root / "data" / "raw" / SEED_2021).write_text(text.replace(EDIT_ROW, EDITED_ROW), encoding="utf-8")
        assert build_quietly(root) == 0
        yield root, first, first_csv


def _csv(root: Path) -> list[dict]:
    with open(root / "reports" / "data" / "changes.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_first_build_says_there_is_no_previous_version(sequence):
    from govreport.publish.changelog import COLUMNS

    _, first, first_csv = sequence
    record = json.loads(first["build_record.json"])
    assert record["changes"]["status"] == "first" and record["changes"]["previous_data_version"] is None
    assert record["changes"]["data_version"] == record["data_version"]
    assert f"本版数据 <code>{record['data_version'][:12]}</code>" in first["changes.html"]
    assert "是首个发布的数据版本，没有可比较的上一版本" in first["changes.html"]
    assert first_csv.decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]  # the header, no change
    assert '<a href="changes.html">数据变更记录</a>：这是首个发布的数据版本' in first["index.html"]


def test_adding_a_report_and_editing_a_cell_lists_both_reports_the_value_and_the_broken_checks(sequence):
    root, _, _ = sequence
    rows = _csv(root)
    reports = [(r["change"], r["why"], r["year"], r["item"]) for r in rows if r["change"].startswith("report_")]
    assert reports == [("report_added", "new_input", "2018", f"data/raw/{SEED_2018}"),
                       ("report_reread", "new_input", "2021", f"data/raw/{SEED_2021}")]
    values = [(r["why"], r["item"], r["applicant"], r["old"], r["new"]) for r in rows if r["change"] == "value_changed"]
    # the cell itself; the 总计 cell of the row is printed (0) and stays 0, so nothing derived moves
    assert values == [("new_input", "requests.new_received", "natural_person", "0", "1")]
    verdicts = [(r["why"], r["item"], r["applicant"], r["field"], r["old"], r["new"]) for r in rows
                if r["change"] == "verdict_changed"]
    # checked by hand: the 总计 column (0) is no longer the sum of the applicant columns (1 + 0 + ... = 1); and
    # for 自然人 new 1 + carried over 0 != handled 0 + carried forward 0 (the identity printed above the table).
    # The 总计 column's own balance (0 + 0 = 0 + 0) still holds.
    assert verdicts == [("new_input", "applicants:requests.new_received", "total", "state", "pass", "fail"),
                        ("new_input", "requests.balance", "natural_person", "state", "pass", "fail")]
    assert all(r["report_id"] == "中卫市/沙坡头区政务服务中心-2021" for r in rows if r["change"] != "report_added")


def test_the_page_and_the_record_name_both_versions(sequence):
    root, first, _ = sequence
    old = json.loads(first["build_record.json"])["data_version"]
    record = json.loads((root / "reports" / "build_record.json").read_text(encoding="utf-8"))
    new = record["data_version"]
    assert new != old
    entry = record["changes"]
    assert (entry["status"], entry["previous_data_version"], entry["data_version"]) == ("compared", old, new)
    assert entry["csv"] == "data/changes.csv" and entry["page"] == "changes.html"
    assert entry["counts"]["report_added"] == 1 and entry["counts"]["report_reread"] == 1
    manifest = json.loads((root / "reports" / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert {"changes.csv", "changes.parquet"} <= set(manifest["files"])
    page = (root / "reports" / "changes.html").read_text(encoding="utf-8")
    assert f"本版数据 <code>{new[:12]}</code>" in page and f"上一发布版本 <code>{old[:12]}</code>" in page
    assert re.search(r"<td>新增报告</td><td>新的输入</td><td>2018</td>", page)
    assert re.search(r"<td>数值变化</td><td>新的输入</td><td>2021</td><td>沙坡头区政务服务中心</td>"
                     r"<td>本年新收政府信息公开申请数量</td><td>自然人</td><td>0 件</td><td>1 件</td>", page)
    assert 'href="data/changes.csv"' in page
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert '<a href="changes.html">数据变更记录</a>：与上一发布版本相比：新增报告 1 份' in index


def test_the_same_data_published_again_keeps_its_changelog(sequence, tmp_path, monkeypatch):
    root, _, _ = sequence
    use_fake_notebooks(monkeypatch.setattr)
    copy = tmp_path / "project"
    shutil.copytree(root, copy)
    before = _csv(copy)
    assert build_quietly(copy, force=True) == 0  # every page again, the data version unchanged
    assert _csv(copy) == before
    record = json.loads((copy / "reports" / "build_record.json").read_text(encoding="utf-8"))
    assert record["changes"]["status"] == "compared" and record["changes"]["counts"]["report_added"] == 1
