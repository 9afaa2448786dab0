"""The one catalog loader fails loudly, at load, on a malformed row: a CatalogError naming file and line."""
import shutil
from pathlib import Path

import pytest

from govreport import catalog
from govreport.errors import CatalogError, GovreportError

PACKAGED = Path(catalog.__file__).parent


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(PACKAGED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _load_error(folder: Path, name: str) -> CatalogError:
    with catalog.use_directory(folder), pytest.raises(CatalogError) as info:
        catalog.read_csv(name)
    return info.value


def test_a_missing_required_column_names_the_file_and_header_line(copy):
    _edit(copy, "layouts.csv", "layout,section,header_pattern,columns", "layout,section,header,columns")
    err = _load_error(copy, "layouts.csv")
    assert (err.file, err.row) == (str(copy / "layouts.csv"), 1)
    assert str(err) == f"{copy / 'layouts.csv'} line 1: missing column(s) header_pattern"


def test_a_bad_whole_number_names_its_line(copy):
    _edit(copy, "deadlines.csv", "government,2008,2018,3,31", "government,2008,2018,March,31")
    err = _load_error(copy, "deadlines.csv")
    assert err.row == 2 and "month 'March' is not a whole number" in str(err)


def test_a_duplicate_key_names_both_lines(copy):
    _edit(copy, "units.csv", "条,count,1,", "件,count,1,")
    err = _load_error(copy, "units.csv")
    assert err.row == 3 and "duplicate unit '件' (first on line 2)" in str(err)


def test_an_unknown_reference_names_the_row_and_the_target_file(copy):
    _edit(copy, "rules.csv", "applicants,gb2019 gb2021,left,*,total", "applicants,gb2019 gb2022,left,*,total")
    err = _load_error(copy, "rules.csv")
    assert err.row == 2 and "templates 'gb2022' is no template of templates.csv" in str(err)


def test_an_unknown_metric_in_the_crosswalk_is_caught_at_load(copy):
    _edit(copy, "crosswalk.csv", "requests_received,gb2021,requests.new_received",
          "requests_received,gb2021,requests.new_recieved")
    assert "expression 'requests.new_recieved' is no metric of labels.csv" in str(_load_error(copy, "crosswalk.csv"))


def test_a_bad_regular_expression_is_caught_at_load(copy):
    _edit(copy, "title_forms.csv", "agency_year,\"(?P<agency>", "agency_year,\"((?P<agency>")
    assert "pattern" in str(_load_error(copy, "title_forms.csv"))


def test_a_short_row_is_caught(copy):
    _edit(copy, "matching.csv", "fuzzy_margin,0.08,", "fuzzy_margin")
    assert _load_error(copy, "matching.csv").row == 3


def test_catalog_errors_are_one_line_govreport_errors_and_value_errors():
    err = CatalogError("catalog/labels.csv", 7, "metric is blank\nsecond line")
    assert isinstance(err, GovreportError) and isinstance(err, ValueError)
    assert str(err) == "catalog/labels.csv line 7: metric is blank\\nsecond line"
    assert str(CatalogError("catalog/bounds.csv", None, "needs one digit_run row")) == \
        "catalog/bounds.csv: needs one digit_run row"


def test_the_override_reads_the_copy_and_is_undone_after(copy):
    _edit(copy, "matching.csv", "fuzzy_threshold,0.8,", "fuzzy_threshold,0.9,")
    with catalog.use_directory(copy):
        assert catalog.matching_settings()["fuzzy_threshold"] == 0.9  # cached readings were cleared
    assert catalog.matching_settings()["fuzzy_threshold"] == 0.8


def test_the_environment_variable_names_a_catalog_folder(copy, monkeypatch):
    _edit(copy, "matching.csv", "fuzzy_threshold,0.8,", "fuzzy_threshold,0.7,")
    monkeypatch.setenv("GOVREPORT_CATALOG", str(copy))
    catalog.clear_caches()
    try:
        assert catalog.matching_settings()["fuzzy_threshold"] == 0.7
    finally:
        monkeypatch.delenv("GOVREPORT_CATALOG")
        catalog.clear_caches()
    assert catalog.matching_settings()["fuzzy_threshold"] == 0.8


def test_templates_come_from_templates_csv():
    assert catalog.templates() == ("legacy", "gb2019", "gb2021")
    assert [catalog.template_family(t) for t in catalog.templates()] == ["legacy", "gb", "gb"]
    assert catalog.templates_for_year(2018) == ("legacy",)
    assert catalog.templates_for_year(2020) == ("gb2019",)
    assert catalog.templates_for_year(2024) == ("gb2021",)
    assert catalog.template_sections("legacy") == {"legacy"}
    assert catalog.metric_section("requests.new_received", "legacy") == "requests"
    assert catalog.metric_section("requests.carried_over", "gb2019") == "requests"
    assert catalog.metric_section("requests.carried_over", "legacy") == ""
