"""A reviewer's decision is part of the record (issue 14, item 6): reviews.csv beside the raw reports.

Hand-checked sources:
- data/raw/hongze_district_gov_2023.txt, table 四: 行政复议 结果维持 10, 结果纠正 1, 其他结果 0, 尚未审结 0,
  总计 0, so ``review.total`` fails 0 vs 11 and the break is genuine (confirmed on review below); the
  same table prints 复议后起诉 total 0 against parts adding to 5 (``litigation.after_review.total``, left unreviewed).
- a synthetic 某某县人民政府 2020 report (tests/reportgen.py) printing 行政复议 维持 2, 纠正 1, 其他 0,
  尚未审结 0, 总计 4: ``review.total`` fails 4 vs 3; dismissed on review below.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import govreport
from govreport.cli import main
from report_fixtures import RAW, report_row, visible_text
from reportgen import gb2019_text

HONGZE = "hongze_district_gov_2023.txt"
HONGZE_RID = "淮安市/洪泽区人民政府-2023"
SYNTH_RID = "某某县人民政府-2020"
HEADER = "sha256,rule,applicant,decision,note,reviewer,date\n"
CONFIRM_NOTE = "表四：维持 10 + 纠正 1 = 11，总计印为 0，核对原件属实"
DISMISS_NOTE = "原件总计栏含上年结转 1 件，另有说明"


def _sha(path: Path) -> str:
    from govreport.store import sha256_file

    return sha256_file(path)


def _raw(folder: Path) -> Path:
    """data/raw of a test project: the real 洪泽区 2023 report and the synthetic county report."""
    raw = folder / "raw"
    raw.mkdir()
    shutil.copy(RAW / HONGZE, raw / HONGZE)
    appeals = ["2", "1", "0", "0", "4"] + ["0"] * 10
    (raw / "mouxian_2020.txt").write_text(gb2019_text(appeals=appeals), encoding="utf-8")
    return raw


def _decisions(raw: Path) -> str:
    return (HEADER + f"{_sha(raw / HONGZE)},review.total,,confirmed,{CONFIRM_NOTE},张三,2026-12-01\n"
            f"{_sha(raw / 'mouxian_2020.txt')},review.total,total,dismissed,{DISMISS_NOTE},李四,2026-12-02\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    raw = _raw(tmp_path_factory.mktemp("reviews"))
    (raw / "reviews.csv").write_text(_decisions(raw), encoding="utf-8")
    result = govreport.ingest([raw], raw.parent / "processed")
    return raw, result


def _finding(data, rid: str, rule: str):
    f = data.findings
    return f[(f["report_id"] == rid) & (f["rule"] == rule)].iloc[0]


# ---- the stored record ----------------------------------------------------------------------------------

def test_reviews_csv_in_data_raw_is_neither_a_report_nor_a_failure(project):
    raw, result = project
    assert result.failures == []
    assert sorted(result.reports["report_id"]) == [SYNTH_RID, HONGZE_RID]
    sources = json.loads((raw.parent / "processed" / "manifest.json").read_text(encoding="utf-8"))["sources"]
    assert {"path": "reviews.csv", "sha256": _sha(raw / "reviews.csv")} in sources  # an input of the tables


def test_a_reviews_csv_deeper_down_is_not_read_and_says_so(tmp_path):
    from govreport.ingestion.discover import discover

    (tmp_path / "sub").mkdir()
    (tmp_path / "reviews.csv").write_text(HEADER, encoding="utf-8")
    (tmp_path / "sub" / "reviews.csv").write_text(HEADER, encoding="utf-8")
    files, failures = discover([tmp_path])
    assert files == [] and [(Path(f.path).relative_to(tmp_path).as_posix(), f.problem) for f in failures] == [
        ("sub/reviews.csv", "unsupported file type '.csv'")]


def test_the_findings_table_carries_each_decision(project):
    _, result = project
    data = result.processed
    confirmed = _finding(data, HONGZE_RID, "review.total")
    assert (confirmed["state"], confirmed["left"], confirmed["right"]) == ("fail", 0.0, 11.0)
    assert (confirmed["review"], confirmed["review_note"], confirmed["reviewer"], confirmed["review_date"]) == (
        "confirmed", CONFIRM_NOTE, "张三", "2026-12-01")
    dismissed = _finding(data, SYNTH_RID, "review.total")
    assert (dismissed["state"], dismissed["left"], dismissed["right"], dismissed["review"]) == ("fail", 4.0, 3.0,
                                                                                               "dismissed")
    assert _finding(data, HONGZE_RID, "litigation.after_review.total")["review"] == ""  # not reviewed
    reports = data.reports.set_index("report_id")["n_failed_rules"]
    assert reports[HONGZE_RID] == 2 and reports[SYNTH_RID] == 0  # a dismissed fail is no failed rule
    assert list(data.reviews["status"]) == ["applied", "applied"]


def test_the_build_record_counts_findings_by_kind_and_review(project):
    from govreport.publish import record
    data = project[1].processed
    by_review = record.findings_by_review(data)
    # fails: 洪泽区 review.total (confirmed) and litigation.after_review.total; 某某县 review.total (dismissed)
    assert by_review["arithmetic"]["fail"] == {"confirmed": 1, "dismissed": 1, "unreviewed": 1}
    assert set(by_review["arithmetic"]["pass"]) == {"unreviewed"}
    doc = record.build_record(version="v", library="l", data_version="d", data=data, sources=[], failures=[],
                              pages={}, lang="zh")
    assert doc["findings_by_review"] == by_review
    assert doc["review_rows"] == {"applied": 2, "superseded": 0, "orphan": 0, "no_finding": 0}


# ---- what the pages say -----------------------------------------------------------------------------------

def test_a_dismissed_fail_is_never_an_accusation(project):
    from govreport import report

    data = project[1].processed
    c = report.counts(data, SYNTH_RID)
    assert (c.failed, c.dismissed, c.confirmed) == (0, 1, 0)
    assert "勾稽不成立 0" in report.headline(data, SYNTH_RID)["text"]
    story = report.report_story(data, report_row(data, "某某县人民政府", 2020))
    checks = visible_text(report.section_html(story.section("checks")))
    assert f"0 项不成立，0 项无法判断；另有 1 项经人工复核撤销，不计入不成立" in checks
    assert "以下 1 项核查结果经人工复核后撤销：不是报告本身的错误" in checks
    assert "“行政复议总计”印为 4，而各分项之和为 3。" in checks and f"{DISMISS_NOTE}（李四，2026-12-02）" in checks
    assert "不成立或无法判断的勾稽关系" not in checks          # no table of broken identities
    page = visible_text(report.story_html(story))
    assert "两者不一致" not in page                            # the review section states no break either


def test_a_confirmed_fail_is_marked_confirmed_on_review(project):
    from govreport import report

    data = project[1].processed
    c = report.counts(data, HONGZE_RID)
    assert (c.failed, c.confirmed, c.dismissed) == (2, 1, 0)
    story = report.report_story(data, report_row(data, "淮安市/洪泽区人民政府", 2023))
    checks = visible_text(report.section_html(story.section("checks")))
    assert "不成立（已复核确认） “行政复议总计”印为 0，而各分项之和为 11。" in checks
    assert f"复核说明：{CONFIRM_NOTE}（张三，2026-12-01）" in checks
    assert "“行政复议总计”为 0 件，但其各分项之和为 11 件，两者不一致" in visible_text(report.story_html(story))
    en = visible_text(report.section_html(report.report_story(
        data, report_row(data, "淮安市/洪泽区人民政府", 2023), lang="en").section("checks")))
    assert "broken (confirmed on review)" in en and f"Reviewer's note: {CONFIRM_NOTE} (张三, 2026-12-01)" in en
    assert "已复核" not in en


# ---- kept across re-ingests; a changed reviews.csv re-assembles only -------------------------------------

def test_reviews_are_kept_across_ingests_and_a_changed_file_reassembles_without_parsing(tmp_path):
    raw, out = _raw(tmp_path), tmp_path / "processed"
    (raw / "reviews.csv").write_text(HEADER, encoding="utf-8")
    first = govreport.ingest([raw], out)
    assert first.n_parsed == 2 and set(first.processed.findings["review"]) == {""}
    (raw / "reviews.csv").write_text(_decisions(raw), encoding="utf-8")  # only the reviews change
    second = govreport.ingest([raw], out)
    assert (second.n_parsed, second.n_reused) == (0, 2)           # no report parsed again
    assert _finding(second.processed, SYNTH_RID, "review.total")["review"] == "dismissed"
    shutil.move(raw / "mouxian_2020.txt", raw / "renamed.txt")    # same document, another name
    shutil.rmtree(out)                                            # and the processed tables gone
    third = govreport.ingest([raw], out)
    assert third.n_parsed == 2
    assert _finding(third.processed, SYNTH_RID, "review.total")["review"] == "dismissed"
    assert _finding(third.processed, HONGZE_RID, "review.total")["review"] == "confirmed"


def test_a_changed_document_leaves_its_review_orphaned_and_the_summary_says_so(tmp_path, capsys):
    raw = _raw(tmp_path)
    (raw / "reviews.csv").write_text(_decisions(raw), encoding="utf-8")
    old = _sha(raw / "mouxian_2020.txt")
    text = (raw / "mouxian_2020.txt").read_text(encoding="utf-8")
    (raw / "mouxian_2020.txt").write_text(text.replace("本年度依法推进", "本年度继续依法推进"), encoding="utf-8")
    assert main(["ingest", str(raw), "--out", str(tmp_path / "processed"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "reviews: 1 applied, 1 orphan" in out
    assert err.splitlines() == [f"warning: reviews.csv: row 3: orphan: no ingested report has sha256 {old[:12]}…"]
    data = govreport.load(tmp_path / "processed")
    assert _finding(data, SYNTH_RID, "review.total")["review"] == ""   # the changed document is judged afresh
    assert list(data.reviews["status"]) == ["applied", "orphan"]


# ---- bad rows -----------------------------------------------------------------------------------------------

def test_each_bad_row_is_one_line_naming_the_file_and_row(tmp_path):
    from govreport.ingestion.reviews import read

    sha = "a" * 64
    path = tmp_path / "reviews.csv"
    path.write_text(HEADER + f"{sha},review.total,,confirmed,ok,,2026-12-01\n"
                    f"{sha},review.total,,maybe,ok,,2026-12-01\n"
                    f"ABC,review.total,,confirmed,ok,,2026-12-01\n"
                    f"{sha},made.up,,dismissed,ok,,2026-12-01\n"
                    f"{sha},review.total,,dismissed,,,2026-12-01\n"
                    f"{sha},review.total,,dismissed,ok,,1.12.2026\n"
                    f"{sha},review.total\n", encoding="utf-8")
    result = read(path)
    assert [r.row for r in result.rows] == [2]
    lines = [str(p) for p in result.problems]
    assert lines == [
        f"{path}: row 3: decision 'maybe' is not one of confirmed, dismissed",
        f"{path}: row 4: sha256 'ABC' is not a report's content hash (64 lower-case hex digits)",
        f"{path}: row 5: rule 'made.up' is not a rule of catalog/rules.csv or catalog/reasons.csv",
        f"{path}: row 6: a decision needs a note saying why",
        f"{path}: row 7: date '1.12.2026' is not a date (YYYY-MM-DD)",
        f"{path}: row 8: expected 7 cells (sha256,rule,applicant,decision,note,reviewer,date)"]
    path.write_text("sha,rule\n", encoding="utf-8")
    assert [str(p) for p in read(path).problems] == [
        f"{path}: row 1: the header must be sha256,rule,applicant,decision,note,reviewer,date"]


def test_ingest_reports_a_bad_row_as_a_failure_and_applies_the_rest(tmp_path, capsys):
    raw = _raw(tmp_path)
    good = _decisions(raw)
    (raw / "reviews.csv").write_text(good + f"{_sha(raw / HONGZE)},review.total,,yes,ok,,2026-12-01\n",
                                     encoding="utf-8")
    assert main(["ingest", str(raw), "--out", str(tmp_path / "processed"), "--quiet"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line]
    assert err == [f"error: {raw / 'reviews.csv'}: row 4: decision 'yes' is not one of confirmed, dismissed"]
    data = govreport.load(tmp_path / "processed")
    assert _finding(data, SYNTH_RID, "review.total")["review"] == "dismissed"


# ---- govreport review ---------------------------------------------------------------------------------------

def test_the_review_command_appends_a_row_the_next_ingest_applies(tmp_path, capsys):
    raw, out = _raw(tmp_path), tmp_path / "processed"
    govreport.ingest([raw], out)
    reviews = raw / "reviews.csv"
    args = ["review", SYNTH_RID, "review.total", "--dismiss", "--note", DISMISS_NOTE, "--reviewer", "李四",
            "--processed", str(out), "--reviews", str(reviews)]
    assert main(args) == 0
    lines = reviews.read_text(encoding="utf-8").splitlines()
    assert lines[0] + "\n" == HEADER and lines[1].startswith(f"{_sha(raw / 'mouxian_2020.txt')},review.total,,dismissed,"
                                                             f"{DISMISS_NOTE},李四,")
    assert main(["ingest", str(raw), "--out", str(out), "--quiet"]) == 0
    assert _finding(govreport.load(out), SYNTH_RID, "review.total")["review"] == "dismissed"
    capsys.readouterr()
    assert main(["review", "某某县人民政府-2021", "review.total", "--confirm", "--note", "x",
                 "--processed", str(out), "--reviews", str(reviews)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no ingested report '某某县人民政府-2021' (closest: 某某县人民政府-2020" in err[0]
    assert main(["review", SYNTH_RID, "identify.same_agency_and_year", "--confirm", "--note", "x",
                 "--processed", str(out), "--reviews", str(reviews)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"report {SYNTH_RID} has no finding 'identify.same_agency_and_year'" in err[0]
    assert len(reviews.read_text(encoding="utf-8").splitlines()) == 2  # nothing written for either


def test_build_sees_a_changed_reviews_csv_as_a_changed_input(tmp_path):
    """govreport build re-ingests when data/raw changed: the reviews file counts as raw input."""
    from govreport.publish.build import processed_problem, raw_sources
    from govreport.paths import ProjectPaths

    paths = ProjectPaths(tmp_path)
    (tmp_path / "data").mkdir()
    raw = _raw(tmp_path / "data")
    (raw / "reviews.csv").write_text(_decisions(raw), encoding="utf-8")
    govreport.ingest([paths.raw], paths.processed)
    assert processed_problem(paths, raw_sources(paths)) is None
    with open(raw / "reviews.csv", "a", encoding="utf-8") as f:
        f.write(f"{_sha(raw / HONGZE)},litigation.after_review.total,,confirmed,表四复议后起诉总计印为 0,张三,2026-12-03\n")
    assert processed_problem(paths, raw_sources(paths)) == f"{paths.processed} was not ingested from the current {paths.raw}"


def test_a_specific_applicant_outranks_a_blank_one_and_a_later_row_supersedes():
    import pandas as pd

    from govreport.ingestion.reviews import Reviews, apply, check_row
    from govreport.schemas import FINDING_COLUMNS

    sha = "b" * 64
    findings = pd.DataFrame([dict(report_id="r", rule="applicants:outcome.granted", applicant=a, state="fail",
                                  left=1.0, right=2.0, evidence="", blanks_as_zero=False)
                             for a in ("natural_person", "commercial")], columns=FINDING_COLUMNS)
    reports = pd.DataFrame({"report_id": ["r"], "sha256": [sha]})
    rows = [dict(sha256=sha, rule="applicants:outcome.granted", applicant="", decision="confirmed", note="all",
                 reviewer="", date="2026-12-01"),
            dict(sha256=sha, rule="applicants:outcome.granted", applicant="commercial", decision="confirmed",
                 note="first look", reviewer="", date="2026-12-01"),
            dict(sha256=sha, rule="applicants:outcome.granted", applicant="commercial", decision="dismissed",
                 note="misread column", reviewer="", date="2026-12-02"),
            dict(sha256=sha, rule="review.total", applicant="", decision="confirmed", note="x", reviewer="",
                 date="2026-12-02")]
    out, table = apply(findings, reports, Reviews(rows=[check_row(r, n) for n, r in enumerate(rows, 2)]))
    assert list(out["review"]) == ["confirmed", "dismissed"] and list(out["review_note"]) == ["all", "misread column"]
    assert list(table["status"]) == ["applied", "superseded", "applied", "no_finding"]
