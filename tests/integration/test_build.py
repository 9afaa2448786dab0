"""`govreport build` end to end on the seeds: publish, skip when unchanged, rebuild identically."""
from __future__ import annotations

import json
import re
import sys

import nbformat
import pytest

from publish_helpers import built_seed_project, make_project, page_text, run_build

PAGES = ("index.html", "yearly_report_2018.html", "yearly_report_2021.html", "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html")


@pytest.fixture(scope="module")
def build():
    result = built_seed_project()
    assert result.first.code == 0, result.first.output
    return result


# ---- paths ------------------------------------------------------------------

def test_root_comes_from_the_argument_then_the_environment(tmp_path, monkeypatch):
    from govreport.paths import RootNotFound, project_paths

    (tmp_path / "a" / "data" / "raw").mkdir(parents=True)
    (tmp_path / "b" / "data" / "raw").mkdir(parents=True)
    monkeypatch.setenv("GOVREPORT_ROOT", str(tmp_path / "b"))
    monkeypatch.chdir(tmp_path)
    assert project_paths().root == tmp_path / "b"
    assert project_paths(tmp_path / "a").reports == tmp_path / "a" / "reports"
    with pytest.raises(RootNotFound, match="no data/raw"):
        project_paths(tmp_path)


# ---- first build ------------------------------------------------------------

def test_build_publishes_index_one_report_per_year_the_comparison_and_the_data(build):
    reports = build.root / "reports"
    for page in PAGES:
        assert (reports / page).is_file(), page
    assert (reports / "data" / "values.csv").is_file()
    assert (reports / "data" / "data_dictionary.csv").is_file()


def test_build_reports_progress_the_kernel_python_and_a_summary_line(build):
    out = build.first.output
    assert f"runs {sys.executable}" in out                      # preflight names the interpreter
    assert re.search(r"\[3/3\] done \S+ in \d+\.\ds", out)       # progress per notebook
    assert re.search(r"govreport build: 3 pages \(3 built, 0 unchanged, 0 failed\), ingest run, "
                     r"index written, in \d+\.\ds", out)


def test_index_has_a_row_per_year_and_agency_with_headlines_and_working_links(build):
    index = (build.root / "reports" / "index.html").read_text(encoding="utf-8")
    text = page_text(index)
    # 2018 row: legacy 主动公开政府信息数 45; 2021 row: 新收申请 0 (seed 2021 table 三, row 一)
    assert re.search(r"2018\s+中卫市沙坡头区政务服务中心\s+旧版统计表\s+主动公开 45；新收申请 0", text)
    assert re.search(r"2021\s+沙坡头区政务服务中心\s+2021版\s+新收申请 0", text)
    hrefs = re.findall(r'href="([^"]+)"', index)
    assert any(h.startswith("yearly_report_2018.html#") for h in hrefs)
    assert "data/values.csv" in hrefs
    for href in hrefs:
        target = href.split("#")[0]
        assert (build.root / "reports" / target).exists(), href


# ---- change detection and determinism --------------------------------------

def _library_changed_since_the_build(root) -> bool:
    """Whether govreport's own source changed after ``root`` was built (a library change rebuilds;
    in a working tree under edit that can happen between two builds of one test)."""
    from govreport.publish.build import library_fingerprint, raw_sources
    from govreport.publish.pages import digest
    from govreport.paths import project_paths

    recorded = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))["ingest"]
    return recorded != digest(digest(raw_sources(project_paths(root))), library_fingerprint())


def test_second_build_with_unchanged_inputs_does_no_work_and_says_so(build):
    if _library_changed_since_the_build(build.root):
        pytest.skip("govreport's source was edited since the first build: the inputs are not unchanged")
    before = {p: (build.root / "reports" / p).stat().st_mtime_ns for p in PAGES}
    second = run_build(build.root)
    assert second.code == 0, second.output
    assert "ingest: raw files and library unchanged, skipped" in second.output
    assert "govreport build: up to date, nothing to do (3 pages unchanged; --force rebuilds)" in second.output
    assert "start " not in second.output
    assert {p: (build.root / "reports" / p).stat().st_mtime_ns for p in PAGES} == before


def test_forced_rebuild_gives_the_same_bytes_apart_from_the_build_line(build):
    from govreport.publish.export import strip_build_line

    before = {p: (build.root / "reports" / p).read_text(encoding="utf-8") for p in PAGES}
    # the data version names the processed tables, whose manifest records the library that made them
    edited = _library_changed_since_the_build(build.root)
    same = (lambda page: re.sub(r"数据版本 [0-9a-f]{12}", "数据版本 …", page)) if edited else (lambda page: page)
    forced = run_build(build.root, force=True)
    assert forced.code == 0, forced.output
    assert "ingest: 2 raw file(s)" in forced.output
    for page in PAGES:
        after = (build.root / "reports" / page).read_text(encoding="utf-8")
        assert same(strip_build_line(after)) == same(strip_build_line(before[page])), page
        assert len(after.splitlines()) == len(before[page].splitlines())
        assert after.count('class="govreport-build"') == 1


def test_a_changed_raw_file_rebuilds(tmp_path):
    from govreport.publish.build import raw_fingerprint
    from govreport.paths import project_paths

    root = make_project(tmp_path)
    paths = project_paths(root)
    first = raw_fingerprint(paths)
    seed = paths.raw / "shapotou_gov_service_center_2021.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert raw_fingerprint(paths) != first


# ---- failure isolation and kernel independence -----------------------------

def test_a_failing_notebook_is_named_and_the_other_reports_are_still_published(tmp_path, monkeypatch):
    root = make_project(tmp_path)
    # A broken global "python3" kernelspec must not matter: the build uses its own kernel.
    bogus = tmp_path / "jupyter" / "kernels" / "python3"
    bogus.mkdir(parents=True)
    (bogus / "kernel.json").write_text(json.dumps(
        {"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "broken", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    notebook = root / "notebooks" / "comparison.ipynb"
    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    nbformat.write(nb, str(notebook))

    result = run_build(root, jobs=2, timeout=120)
    assert result.code == 1
    line = next(ln for ln in result.output.splitlines() if "FAILED" in ln)
    assert "comparison.ipynb" in line and "agency='中卫市/沙坡头区政务服务中心'" in line
    assert "raise ValueError('broken on purpose')" in line and "ValueError: broken on purpose" in line
    assert (root / "reports" / "yearly_report_2018.html").is_file()
    assert (root / "reports" / "yearly_report_2021.html").is_file()
    assert not (root / "reports" / "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html").exists()
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "生成失败" in index and "yearly_report_2018.html#" in index


def test_build_without_raw_files_is_a_one_line_error(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    result = run_build(tmp_path)
    assert result.code == 2
    assert result.output.strip().endswith("no report files to build from")
