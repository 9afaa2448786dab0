"""The published record says what made it and can be served as it is (issue 10).

Each test names the old behaviour it guards against: a build that exited 0 with a
corrupt input, pages without versions or sources, 0600 files, the builder's
absolute paths in reports.csv/failures.csv, bare file names for the data, regex
patterns in the published data dictionary.
"""
from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path

import pytest

from govreport.catalog import failure_code, failure_text

from publish_helpers import make_project, page_text, run_build
from locations import DATA, REPO

SEED_2018 = "shapotou_gov_service_center_2018.txt"
SEED_2021 = "shapotou_gov_service_center_2021.txt"


@pytest.fixture(scope="module")
def failed_build(tmp_path_factory):
    """The seeds plus one corrupt PDF, built under the usual umask 022."""
    root = make_project(tmp_path_factory.mktemp("failed"))
    (root / "data" / "raw" / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf at all\n")
    old = os.umask(0o022)
    try:
        result = run_build(root)
    finally:
        os.umask(old)
    return root, result


# ---- honest exit codes ------------------------------------------------------

def test_a_corrupt_input_makes_the_build_exit_1_and_the_index_list_it(failed_build):
    """Old: exit 0 and an index that said nothing about broken.pdf."""
    root, result = failed_build
    assert result.code == 1, result.output
    assert "input failed: data/raw/broken.pdf: " in result.output
    assert "1 input file(s) could not be read" in result.output
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    text = page_text(index)
    assert "未能读取的输入文件" in text and "以下 1 个文件未能读取" in text
    line = next(ln for ln in text.splitlines() if "broken.pdf" in ln)
    reason = json.loads((root / "reports" / "build_record.json").read_text(encoding="utf-8"))["failed_inputs"]
    assert reason == [{"path": "data/raw/broken.pdf", "problem": reason[0]["problem"]}]
    # the zh index tells the reason in Chinese from its code (the English one-liner stays in the record)
    code = failure_code(reason[0]["problem"])
    assert code == "corrupt_pdf" and failure_text(code, "zh") in line
    # every readable report is still published
    assert (root / "reports" / "yearly_report_2018.html").is_file()
    assert (root / "reports" / "yearly_report_2021.html").is_file()


def test_an_up_to_date_build_with_a_failed_input_still_exits_1(failed_build):
    root, _ = failed_build
    again = run_build(root)
    assert again.code == 1
    assert "input failed: data/raw/broken.pdf" in again.output


# ---- servable, portable -----------------------------------------------------

def test_published_files_are_0644_and_folders_0755(failed_build):
    """Old: every page and data file 0600 (mkstemp), so a web server as another user got 403."""
    root, _ = failed_build
    reports = root / "reports"
    modes = {p.relative_to(reports).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in reports.rglob("*")}
    assert stat.S_IMODE(reports.stat().st_mode) == 0o755
    wrong = {p: oct(m) for p, m in modes.items()
             if m != (0o755 if (reports / p).is_dir() else 0o644)}
    assert wrong == {}
    assert "index.html" in modes and "data/reports.csv" in modes and f"sources/{SEED_2018}" in modes


def test_nothing_published_carries_an_absolute_path(failed_build):
    """Old: reports.csv source_file and failures.csv path were the builder's absolute paths."""
    root, _ = failed_build
    reports = root / "reports"
    for path in reports.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert str(root) not in text, path
            assert str(REPO) not in text, path
    with open(reports / "data" / "reports.csv", encoding="utf-8-sig") as f:
        assert sorted(r["source_file"] for r in csv.DictReader(f)) == [f"data/raw/{SEED_2018}", f"data/raw/{SEED_2021}"]
    with open(reports / "data" / "failures.csv", encoding="utf-8-sig") as f:
        assert [r["path"] for r in csv.DictReader(f)] == ["data/raw/broken.pdf"]


def test_published_tables_load_back_with_their_manifest(failed_build):
    import govreport

    root, _ = failed_build
    data = govreport.load(root / "reports" / "data")
    assert sorted(data.reports["year"].astype(int)) == [2018, 2021]


# ---- a record that says what made it ---------------------------------------

def test_each_page_names_the_versions_and_links_its_sources_with_their_sha256(build):
    """Old: no data version, no link to the source document."""
    import govreport
    from govreport.store import sha256_file

    reports = build.root / "reports"
    data_version = sha256_file(build.root / "data" / "processed" / "manifest.json")
    for page, sources in [("yearly_report_2018.html", [SEED_2018, SEED_2021]),
                          ("comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html", [SEED_2018, SEED_2021])]:
        html = (reports / page).read_text(encoding="utf-8")
        footer = re.search(r'<footer class="govreport-record">(.*?)</footer>', html, re.S).group(1)
        assert f"本页由 govreport {govreport.__version__} 生成，数据版本 {data_version[:12]}。" in footer
        assert 'href="build_record.json"' in footer
        for name in sources:
            digest = sha256_file(build.root / "data" / "raw" / name)
            assert f'href="sources/{name}"' in footer and f"SHA-256 {digest}" in footer
            assert sha256_file(reports / "sources" / name) == digest


def test_the_build_record_lists_inputs_versions_and_findings_by_kind(build):
    import govreport
    from govreport.report.findings import with_kind
    from govreport.store import sha256_file

    record = json.loads((build.root / "reports" / "build_record.json").read_text(encoding="utf-8"))
    assert record["govreport_version"] == govreport.__version__
    assert record["data_version"] == sha256_file(build.root / "data" / "processed" / "manifest.json")
    assert record["inputs"] == [{"path": n, "sha256": sha256_file(build.root / "data" / "raw" / n)}
                                for n in (SEED_2018, SEED_2021)]
    findings = with_kind(govreport.load(build.root / "data" / "processed").findings)
    expected = {k: {s: int(n) for s, n in g.groupby("state").size().items()} for k, g in findings.groupby("kind")}
    assert record["findings_by_kind"] == expected and record["reports"] == 2
    assert set(record["pages"]) == {"yearly_report_2018.html", "yearly_report_2021.html",
                                    "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html"}
    assert record["failed_inputs"] == []
    index = (build.root / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="build_record.json"' in index


# ---- the data section -------------------------------------------------------

def test_the_data_section_describes_each_table_from_the_catalog(build):
    """Old: 24 bare file names."""
    from govreport import catalog

    index = (build.root / "reports" / "index.html").read_text(encoding="utf-8")
    section = index.split("数据文件</h2>", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    descriptions = {r["table"]: r["zh"] for r in catalog.read_csv("published_tables.csv")}
    assert len(items) == 15  # 12 tables, the reviews (issue 14: a reviewer's decision is part of the record),
    # the duplicates (issue 19: byte-identical copies not read twice, listed apart from the failures)
    # and the cross-year prose series (issue 15: stored at ingest, no longer re-derived by the pages)
    assert any("正文数字的跨年序列" in page_text(i) for i in items)
    assert all(any(d in page_text(i) for d in descriptions.values()) for i in items)
    assert "每份年度报告一行：机关、年度、表格格式、来源文件及其 SHA-256" in page_text(section)
    assert 'href="data/reports.csv">CSV</a>' in section
    for href in re.findall(r'href="([^"]+)"', section):
        assert (build.root / "reports" / href).is_file(), href


def test_the_published_data_dictionary_shows_label_text_not_patterns(build):
    """Old: label_* columns held the parser's regexes, e.g. 本年(?:度)?新收."""
    with open(build.root / "reports" / "data" / "data_dictionary.csv", encoding="utf-8-sig") as f:
        rows = {r["metric"]: r for r in csv.DictReader(f)}
    new = rows["requests.new_received"]
    assert new["label_gb2021"] == "本年新收" and new["unit"] == "件" and new["name_zh"] == "本年新收政府信息公开申请数量"
    assert new["label_legacy"].startswith("收到申请数 / 申请总数")
    for row in rows.values():
        for column in ("label_legacy", "label_gb2019", "label_gb2021"):
            assert not re.search(r"\(\?|[\\^$|*+\[\]]", row[column]), (row["metric"], column, row[column])


def test_label_text_reads_patterns_as_printed_wordings():
    from govreport.publish.record import label_text

    assert label_text(r"本年(?:度)?新收") == "本年新收"
    assert label_text(r"(?:^|\d\.|\))同意公开") == "同意公开"
    assert label_text(r"上年(?:度)?结转|上年结余") == "上年结转 / 上年结余"
    assert label_text("*") == ""


def test_a_page_run_for_a_year_without_data_fails_with_the_notebooks_message(build, tmp_path):
    """Old: papermill with an unknown year published an empty page; the build's job now fails, saying why."""
    from govreport.publish.pages import Job, run_job
    from govreport.paths import packaged_notebooks

    job = Job(name="yearly_report_1999", notebook=str(packaged_notebooks() / "yearly_report.ipynb"),
              parameters={"year": 1999, "agency": None, "processed_dir": str(build.root / "data" / "processed"),
                          "lang": "zh"},
              title="1999", executed=str(tmp_path / "executed.ipynb"), html=str(tmp_path / "page.html"),
              with_code=False, timeout=120, lang="zh", cwd=str(tmp_path), jupyter_dir=str(tmp_path / "jupyter"))
    result = run_job(job)
    assert not result.ok
    assert "yearly_report.ipynb (year=1999" in result.message and "1999 年没有可用的报告" in result.message
    assert not (tmp_path / "page.html").exists()
