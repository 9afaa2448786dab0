"""A template is catalog data: a toy template added by CSV rows alone is recognised and read by parse().

The toy form ("toy2030", family gb) prints one table section (heading 玩具统计情况) with two rows, 苹果数量 and 梨子数量, each
with one value column. Adding it touches only copies of templates.csv, template_markers.csv, sections.csv,
layouts.csv and labels.csv (a label column for the template, two metric rows); no code.
"""
import csv
import shutil
from pathlib import Path

import pytest

import govreport
from govreport import catalog

PACKAGED = Path(catalog.__file__).parent
TOY = "toy2030"

REPORT = """玩具局2030年政府信息公开工作年度报告

本报告统计期限自2030年1月1日至2030年12月31日。

一、玩具统计情况
苹果数量 12
梨子数量 7

二、存在的主要问题及改进情况
无。
"""


def _append(path: Path, *rows: list) -> None:
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _add_labels(path: Path, template: str, metrics: list[dict], labels: dict) -> None:
    """labels.csv gets the new metrics' rows and a column named after the template (its label of each metric;
    blank for every metric it does not print)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames) + [template], list(reader) + metrics
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, template: labels.get(r["metric"], "")} for r in rows)


def toy_catalog(folder: Path) -> Path:
    """A copy of the packaged catalog with the toy template added by CSV rows."""
    shutil.copytree(PACKAGED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    _append(folder / "templates.csv", [TOY, "gb", "2030", "", "toy", "a toy form for the catalog test"])
    _append(folder / "template_markers.csv", [TOY, "苹果数量", "3"], [TOY, "梨子数量", "3"])
    _append(folder / "sections.csv", ["gb", "toy", "start", "^(?:[一二三四五六七八九十]+\\.?)?玩具统计情况$"])
    _append(folder / "layouts.csv", ["toy_value", "toy", "", "value"])
    toy_metric = dict(section="toy", column="value", unit="件")  # a gb-family metric: section and layout column
    _add_labels(folder / "labels.csv", TOY,
                [dict(metric="toy.apples", name_zh="苹果数量", name_en="Apples", **toy_metric),
                 dict(metric="toy.pears", name_zh="梨子数量", name_en="Pears", **toy_metric)],
                {"toy.apples": "苹果", "toy.pears": "梨子"})
    return folder


@pytest.fixture
def toy_report(tmp_path):
    path = tmp_path / "玩具局2030年政府信息公开工作年度报告.txt"
    path.write_text(REPORT, encoding="utf-8")
    with catalog.use_directory(toy_catalog(tmp_path / "catalog")):
        return govreport.parse(path)


def test_toy_template_values_land_in_the_toy_metrics(toy_report):
    values = toy_report.values.set_index(["metric", "applicant"])["value"].to_dict()
    assert values == {("toy.apples", "total"): 12.0, ("toy.pears", "total"): 7.0}


def test_toy_template_is_identified_with_its_sections(toy_report):
    assert (toy_report.meta["template"], toy_report.meta["year"]) == (TOY, 2030)
    assert toy_report.meta["sections_found"] == "toy"
    assert "extract.sections" not in set(toy_report.findings["rule"])  # templates.csv: the toy prints only 'toy'


def test_packaged_catalog_is_back_after_the_override(toy_report):
    assert TOY not in catalog.templates() and "toy.apples" not in catalog.metrics()


def test_toy_template_without_its_label_column_is_a_catalog_error(tmp_path):
    folder = toy_catalog(tmp_path / "catalog")
    with (folder / "labels.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with (folder / "labels.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(r[:-1] for r in rows)
    with catalog.use_directory(folder), pytest.raises(govreport.errors.CatalogError, match=r"labels\.csv line 1: .*toy2030"):
        catalog.metrics()


def test_adding_the_toy_template_changes_no_other_report(tmp_path):
    from conftest import RAW

    for name in ("hongze_district_gov_2023.txt", "shapotou_gov_service_center_2018.txt"):  # a gb2021 and a legacy report
        before = govreport.parse(RAW / name)
        with catalog.use_directory(toy_catalog(tmp_path / name)):
            after = govreport.parse(RAW / name)
        assert after.meta["template"] == before.meta["template"]
        assert after.values.equals(before.values) and after.findings.equals(before.findings)


def test_toy_template_report_is_ingested_and_stored(tmp_path):
    """Not only parse(): the combined tables are checked against the catalog's templates when they are written."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "玩具局2030年政府信息公开工作年度报告.txt").write_text(REPORT, encoding="utf-8")
    with catalog.use_directory(toy_catalog(tmp_path / "catalog")):
        govreport.ingest([raw], tmp_path / "processed")
        data = govreport.load(tmp_path / "processed")
    assert list(data.reports["template"]) == [TOY]
    stored = data.values.set_index("metric")["value"].to_dict()
    assert stored == {"toy.apples": 12.0, "toy.pears": 7.0}
    assert len(data.findings) == 0 and data.reports["n_failed_rules"].tolist() == [0]  # no findings: 0, not a crash
