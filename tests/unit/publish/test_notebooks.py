"""The two notebooks, executed through papermill on the seed reports.

The executed notebooks come from the session's real build (tests/publish_helpers.py):
ingest of data/raw's two seeds, then papermill with the build's kernel.
Hand-checked figures cite the seed line they come from.
"""
from __future__ import annotations

import ast
import importlib.util
import shutil
import warnings

import nbformat
import pandas as pd
import pytest

from publish_helpers import REPO, built_seed_project, page_text

NOTEBOOKS = REPO / "src" / "govreport" / "publish" / "notebooks"   # the one copy (package data)
YEARLY = NOTEBOOKS / "yearly_report.ipynb"
COMPARISON = NOTEBOOKS / "comparison.ipynb"


def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _output_text(nb) -> str:
    parts = []
    for o in _outputs(nb):
        if o.output_type == "stream":
            parts.append(o.text)
        elif "data" in o:
            parts.append(o.data.get("text/html", "") or o.data.get("text/plain", ""))
    return page_text("\n".join(parts))


def _images(nb) -> list[str]:
    """Charts: embedded as described <img> in HTML outputs (alt text), or bare PNG outputs."""
    import re

    html = [o.data.get("text/html", "") for o in _outputs(nb) if "data" in o]
    return ([o.data["image/png"] for o in _outputs(nb) if "data" in o and "image/png" in o.data]
            + [m for h in html for m in re.findall(r'<img src="data:image/png;base64,([^"]+)"', h)])


@pytest.fixture(scope="module")
def build():
    result = built_seed_project()
    assert result.first.code == 0, result.first.output
    return result


def _executed(build, name: str):
    return nbformat.read(str(build.root / "build" / "executed" / f"{name}.ipynb"), as_version=4)


# ---- notebook sources -------------------------------------------------------

@pytest.mark.parametrize("path, names", [
    (YEARLY, ["year", "agency", "processed_dir", "lang"]),
    (COMPARISON, ["agency", "years", "processed_dir", "lang"]),
])
def test_each_notebook_has_one_parameters_cell_with_the_documented_names(path, names):
    nb = nbformat.read(str(path), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assigned = [t.id for node in ast.parse(tagged[0].source).body if isinstance(node, ast.Assign)
                for t in node.targets]
    assert assigned == names


@pytest.mark.parametrize("path", [YEARLY, COMPARISON])
def test_notebooks_are_committed_without_outputs(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def _tidy_script():
    spec = importlib.util.spec_from_file_location("tidy_notebooks", REPO / "scripts" / "tidy_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_notebooks_are_the_only_copy_and_are_tidy():
    """The notebooks exist once, as package data; scripts/tidy_notebooks.py leaves them byte for byte as committed
    (no outputs, no editor metadata), so an edit saved from Jupyter is seen here until it is tidied."""
    tidy = _tidy_script()
    assert tidy.PACKAGED == NOTEBOOKS
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == ["comparison.ipynb", "yearly_report.ipynb"]
    for path in (YEARLY, COMPARISON):
        assert tidy.tidy_text(path) == path.read_text(encoding="utf-8"), path.name
    assert tidy.main(["--check"]) == 0


def test_tidying_drops_outputs_and_editor_metadata_but_keeps_ids_and_the_parameters_tag():
    tidy = _tidy_script()
    nb = nbformat.read(str(COMPARISON), as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="noise")]
    nb.cells[1].execution_count = 7
    nb.cells[1].metadata["scrolled"] = True
    nb.metadata["widgets"] = {"state": {}}
    tidied = tidy.tidy(nb)
    assert tidied.cells[1].outputs == [] and tidied.cells[1].execution_count is None
    assert tidied.cells[1].metadata == {} and "widgets" not in tidied.metadata
    assert [c.id for c in tidied.cells][:2] == ["parameters", "check"]
    assert tidied.cells[0].metadata == {"tags": ["parameters"]}


# ---- executed notebooks -----------------------------------------------------

@pytest.mark.parametrize("name", ["yearly_report_2018", "yearly_report_2021", "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4"])
def test_executed_notebook_has_no_errors_and_no_stderr(build, name):
    nb = _executed(build, name)
    assert [o for o in _outputs(nb) if o.output_type == "error"] == []
    assert [o.text for o in _outputs(nb) if o.output_type == "stream" and o.name == "stderr"] == []


def test_papermill_injected_the_typed_parameters(build):
    nb = _executed(build, "yearly_report_2018")
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    namespace: dict = {}
    exec(injected[0].source, namespace)
    assert namespace["year"] == 2018 and isinstance(namespace["year"], int)
    assert namespace["agency"] is None
    assert namespace["processed_dir"] == str(build.root / "data" / "processed")


def test_2018_story_states_the_45_proactively_published_items_with_the_report_label(build):
    text = _output_text(_executed(build, "yearly_report_2018"))
    # seed 2018 统计表: "(一) 主动公开政府信息数 (不同渠道和方式公开相同信息计 1 条)	条	45"
    assert "本年主动公开政府信息 45 条" in text
    assert "主动公开政府信息数" in text
    # "2.政府网站公开政府信息数	条	42" and "5.其他方式公开政府信息数	条	41" are listed with their labels
    assert "2.政府网站公开政府信息数" in text and "42" in text
    assert "5.其他方式公开政府信息数" in text and "41" in text
    # section 六 of the seed: no requests; the legacy table prints "(一)收到申请数	件	0"
    assert "本年度收到的政府信息公开申请为 0 件（“(一)收到申请数”）" in text


def test_2018_story_draws_the_proactive_chart(build):
    assert len(_images(_executed(build, "yearly_report_2018"))) >= 1


def test_2021_zero_requests_are_stated_as_such_and_no_empty_chart_is_drawn(build):
    nb = _executed(build, "yearly_report_2021")
    text = _output_text(nb)
    # seed 2021 table 三: "一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0"
    assert "本年度收到的政府信息公开申请为 0 件（“一、本年新收政府信息公开申请数量”）" in text
    # every number of the 2021 tables is 0 (sections 二, 三, 四 of the seed)
    assert "数字均为 0，因此下文只列出数字，不绘制图表" in text
    assert "本年度没有因政府信息公开引起的行政复议或行政诉讼" in text
    assert _images(nb) == []


def test_data_quality_section_reports_identity_checks_and_derived_values(build):
    text = _output_text(_executed(build, "yearly_report_2021"))
    data = __import__("govreport").load(build.root / "data" / "processed")
    from govreport.report import finding_kind

    findings = data.findings[data.findings["report_id"] == data.reports.loc[data.reports["year"] == 2021, "report_id"].iloc[0]]
    findings = findings[findings["rule"].map(finding_kind) == "arithmetic"]
    passed = int((findings["state"] == "pass").sum())
    assert f"勾稽关系检查 {len(findings)} 项：{passed} 项成立" in text
    # gb2021 （三）不予公开 has no printed total in the seed: its total is derived from rows 1-8
    assert "个数字报告没有直接印出，由同一表中的分项相加得出" in text
    assert "不予公开（合计）＝属于国家秘密＋" in text


def test_comparison_marks_the_template_change_and_embeds_a_chart(build):
    nb = _executed(build, "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4")
    text = _output_text(nb)
    assert "2018年到2021年，报告格式由旧版统计表" in text
    assert "2021版年度报告格式" in text
    assert "空心点为近似可比" in text
    assert len(_images(nb)) >= 1


def test_comparison_leaves_not_comparable_values_as_gaps_not_zero(build):
    from govreport import load
    from govreport import report as narrative
    data = load(build.root / "data" / "processed")
    frame = narrative.comparison_frame(data, "中卫市/沙坡头区政务服务中心")
    proactive = frame[frame["series"] == "proactive_published"].set_index("year")
    # 2018 legacy 主动公开政府信息数 45 (exact); gb2021 has no such count (comparability none)
    assert proactive.loc[2018, "value"] == 45
    assert proactive.loc[2021, "comparability"] == "none"
    assert pd.isna(proactive.loc[2021, "value"])
    story = narrative.comparison_story(data, "中卫市/沙坡头区政务服务中心")
    chart = next(c for s in story.sections for c in s.charts if "proactive_published" in set(c.frame["series"]))
    assert pd.isna(chart.frame.set_index("year").loc[2021, "value"])


# ---- HTML export ------------------------------------------------------------

def test_published_html_embeds_chart_images_and_hides_code_and_parameters(build):
    page = (build.root / "reports" / "yearly_report_2018.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= 1
    assert "processed_dir" not in page          # neither parameters cell nor any code survives
    assert "report.show_story" not in page
    assert "本年主动公开政府信息 45 条" in page_text(page)


@pytest.mark.parametrize("name", ["index", "yearly_report_2018", "yearly_report_2021", "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4"])
def test_published_html_references_no_external_url_for_scripts_styles_or_fonts(build, name):
    from govreport.publish.export import external_references

    page = (build.root / "reports" / f"{name}.html").read_text(encoding="utf-8")
    assert external_references(page) == []
    assert "<script src" not in page and "cdnjs" not in page and "mathjax" not in page.lower()
    assert "@font-face" not in page or "url(http" not in page


def test_an_injected_script_in_an_agency_name_is_escaped(build, tmp_path):
    from govreport.publish import execution, export, index
    evil = "沙坡头区<script>alert('x')</script>中心"
    processed = tmp_path / "processed"
    shutil.copytree(build.root / "data" / "processed", processed)
    files = [processed / "reports.parquet", *sorted(processed.glob("values/year=*/*.parquet")),
             *sorted(processed.glob("harmonized/year=*/*.parquet"))]  # values and harmonized: a file per year
    for path in files:
        frame = pd.read_parquet(path)
        frame["agency"] = evil
        frame.to_parquet(path)
    from govreport.store import seal

    seal(processed)  # hand-edited tables, recorded as one set so load() accepts them
    execution.install_kernel(tmp_path / "jupyter")
    executed = tmp_path / "yearly.ipynb"
    execution.execute(YEARLY, executed, {"year": 2021, "agency": None, "processed_dir": str(processed), "lang": "zh"},
                    timeout=120, cwd=tmp_path)
    page = export.export_html(executed, tmp_path / "yearly.html", title=evil).read_text(encoding="utf-8")
    front = index.write_index(tmp_path / "index.html", [index.IndexRow(2021, evil, "x", "gb2021", evil, "y.html", None)],
                              [(evil, None)], []).read_text(encoding="utf-8")
    for html_page in (page, front):
        assert "<script>alert" not in html_page
        assert "<script" not in html_page.lower()       # the page carries no script at all
    # nbconvert re-serializes HTML outputs (quotes unescaped), angle brackets stay escaped
    assert page.count("沙坡头区&lt;script&gt;alert('x')&lt;/script&gt;中心") >= 3   # title, heading, prose
    assert "沙坡头区&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;中心</td>" in front


# ---- charts -----------------------------------------------------------------

def test_charts_use_the_cjk_font_from_mplfonts_without_missing_glyph_warnings():
    from govreport.report import charts
    assert charts.FONT_NAME == "Noto Sans CJK SC"
    assert "mplfonts" in charts.cjk_font_path().parts
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.figure_png(charts.bar_chart(["主动公开政府信息数", "政府网站公开政府信息数"], [45.0, 42.0],
                                                 "主动公开（沙坡头区政务服务中心，2018年）", "条"))
    assert png.startswith(b"\x89PNG")
    assert [str(w.message) for w in caught if "glyph" in str(w.message).lower()] == []


def test_the_same_chart_gives_the_same_png_bytes():
    from govreport.report import charts
    def draw():
        return charts.figure_png(charts.bar_chart(["予以公开", "部分公开"], [3.0, 1.0], "申请办理结果"))

    assert draw() == draw()


def test_with_code_keeps_the_code_cells_but_still_drops_the_parameter_cells(build, tmp_path):
    from govreport.publish.export import export_html
    executed = build.root / "build" / "executed" / "yearly_report_2018.ipynb"
    nb = nbformat.read(str(executed), as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"
                  and not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    page = export_html(executed, tmp_path / "with_code.html", title="2018", with_code=True).read_text("utf-8")
    assert page.count('<div class="jp-InputArea jp-Cell-inputArea">') == len(code_cells) == len(nb.cells) - 2
    assert "show_story" in page
    hidden = (build.root / "reports" / "yearly_report_2018.html").read_text(encoding="utf-8")
    assert '<div class="jp-InputArea jp-Cell-inputArea">' not in hidden


@pytest.mark.parametrize("notebook, parameters, message", [
    (YEARLY, {"year": 1999, "agency": None}, "1999 年没有可用的报告"),
    (COMPARISON, {"agency": "某市/无此机关", "years": None},
     "unknown agency '某市/无此机关'; known agencies (1): 中卫市/沙坡头区政务服务中心"),
    (COMPARISON, {"agency": "沙坡头区政务服务中心", "years": [2019]},
     "no report of 2019 for 中卫市/沙坡头区政务服务中心; years there are: 2018, 2021"),
    (YEARLY, {"year": 2021, "agency": "沙坡头区政务中心"},
     "unknown agency '沙坡头区政务中心'; closest known: 中卫市/沙坡头区政务服务中心"),
])
def test_a_notebook_run_without_data_fails_with_a_clear_message(build, tmp_path, notebook, parameters, message):
    from govreport.publish import execution
    execution.install_kernel(tmp_path / "jupyter")
    params = {**parameters, "processed_dir": str(build.root / "data" / "processed"), "lang": "zh"}
    with pytest.raises(execution.NotebookFailed) as failed:
        execution.execute(notebook, tmp_path / "out.ipynb", params, timeout=120, cwd=tmp_path)
    assert message in str(failed.value)


@pytest.mark.parametrize("notebook, parameters, expected", [
    # seed 2021 is titled 沙坡头区政务服务中心 (no city), seed 2018 中卫市沙坡头区政务服务中心: one agency
    (COMPARISON, {"agency": "沙坡头区政务服务中心", "years": None}, "2018年到2021年，报告格式由旧版统计表"),
    (YEARLY, {"year": 2018, "agency": "沙坡头区政务服务中心"}, "本年主动公开政府信息 45 条"),
])
def test_a_notebook_takes_a_written_agency_name(build, tmp_path, notebook, parameters, expected):
    from govreport.publish import execution
    execution.install_kernel(tmp_path / "jupyter")
    params = {**parameters, "processed_dir": str(build.root / "data" / "processed"), "lang": "zh"}
    execution.execute(notebook, tmp_path / "out.ipynb", params, timeout=120, cwd=tmp_path)
    assert expected in _output_text(nbformat.read(str(tmp_path / "out.ipynb"), as_version=4))


def test_published_pages_describe_every_chart_and_keep_agencies_whole(build):
    import re

    page = (build.root / "reports" / "yearly_report_2018.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img[^>]* alt="([^"]*)"', page)
    assert alts and all(a.startswith(("条形图：", "折线图：", "柱状图：", "分格折线图：")) for a in alts)
    assert "No description has been provided" not in page
    assert '<nav class="govreport-toc">' in page


def test_the_yearly_notebook_shows_each_agency_whole_never_section_by_section():
    source = "\n".join(c.source for c in nbformat.read(str(YEARLY), as_version=4).cells)
    assert "show_sections" not in source                    # the old per-section loop interleaved agencies
    assert "for story in stories:\n    report.show_story(story)" in source
    assert "report.show_toc(stories, lang)" in source


# ---- parameters as an analyst types them (issue 19, item 1) -------------------

@pytest.mark.parametrize("given, years", [
    ([2023, 2024], [2023, 2024]), ("[2023, 2024]", [2023, 2024]), ("2023,2024", [2023, 2024]),
    ("[2024]", [2024]), (2024, [2024]), ("2024", [2024]), ((2024, 2023, 2024), [2023, 2024]), (None, None),
    ("None", None),
])
def test_list_parameters_accept_every_spelling_of_a_list_of_years(given, years):
    from govreport.publish import params
    assert params.parse_years(given) == years


@pytest.mark.parametrize("call, message", [
    (lambda p: p.parse_years("20x4"), "years: '20x4' is not a year (write one year as 2024"),
    (lambda p: p.parse_years("[]"), "years: '[]' names no year"),
    (lambda p: p.parse_year(True), "year: True is not a year"),
    (lambda p: p.parse_lang("fr"), "lang: 'fr' is not a page language (one of zh, en)"),
    (lambda p: p.parse_agency(["a"]), "agency: ['a'] is not a name"),
])
def test_a_parameter_mistake_is_one_line_naming_the_parameter(call, message):
    from govreport.publish import params
    with pytest.raises(params.ParameterError) as raised:
        call(params)
    assert str(raised.value).startswith(message)
    # in a notebook IPython shows what _render_traceback_ gives: the one line, no traceback
    assert raised.value._render_traceback_() == [f"ParameterError: {raised.value}"]


def test_outside_a_project_the_data_folder_error_says_what_to_set(tmp_path, monkeypatch):
    from govreport.publish import params
    monkeypatch.delenv("GOVREPORT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(params.ParameterError) as raised:
        params.comparison(agency="洪泽区人民政府", years="2024")
    assert str(raised.value).startswith("processed_dir: no project found")
    assert "set GOVREPORT_ROOT" in str(raised.value) and "\n" not in str(raised.value)
    with pytest.raises(params.ParameterError, match="processed_dir: .* is not a folder"):
        params.yearly(2024, processed_dir=tmp_path / "nowhere")


@pytest.mark.parametrize("path, call", [(YEARLY, "params.yearly("), (COMPARISON, "params.comparison(")])
def test_the_cell_after_the_parameters_checks_them_through_the_library(path, call):
    nb = nbformat.read(str(path), as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    assert call in nb.cells[1].source


def test_the_readme_papermill_command_runs_from_any_folder(tmp_path):
    """README "Running the notebooks": papermill from a folder outside the project, the project named by
    GOVREPORT_ROOT, years typed as papermill passes them ("[2024]", a string), the agency by a written name
    (洪泽区人民政府, as the 2023 seed is titled; the 2024 seed says 淮安市洪泽区人民政府: one agency)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import govreport
    from govreport.cli import main

    project = tmp_path / "project"
    (project / "data" / "raw").mkdir(parents=True)
    for name in ("hongze_district_gov_2023.txt", "hongze_district_gov_2024.txt"):
        shutil.copy(REPO / "data" / "raw" / name, project / "data" / "raw" / name)
    assert main(["--root", str(project), "ingest"]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "GOVREPORT_ROOT": str(project)}
    shipped = Path(govreport.__file__).parent / "publish" / "notebooks" / "comparison.ipynb"  # what pip installs
    run = subprocess.run([sys.executable, "-m", "papermill", str(shipped), "out.ipynb", "-p", "agency",
                          "洪泽区人民政府", "-p", "years", "[2024]", "--no-progress-bar"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    text = _output_text(nbformat.read(str(elsewhere / "out.ipynb"), as_version=4))
    assert "淮安市洪泽区人民政府共有 1 个年度的报告：2024" in text
    # hongze_district_gov_2024.txt line 95: 一、本年新收政府信息公开申请数量 … 95
    assert "新收申请 2024 2021版 95" in " ".join(text.split())
