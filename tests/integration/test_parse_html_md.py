"""End to end: HTML, GBK HTML and Markdown reports through govreport.parse.

Every number below comes from the fixtures' expected json, itself written by
hand from the fixture (gb2019/legacy: the HTML comment at the top of the file
lists each cell; Markdown: the official 淮安市 2024 PDF, pages 3-5).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import govreport
from govreport.text.normalize import label_key
from locations import DATA, REPO

DATA = DATA
FIXTURES = ["html_gb2019_county.html", "gbk_legacy_2012.html", "md_gb2021_small.md"]


def _expected(name: str) -> dict:
    return json.loads((DATA / (name.rsplit(".", 1)[0] + ".expected.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=FIXTURES)
def case(request):
    name = request.param
    return name, govreport.parse(DATA / name), _expected(name)


def _present(values):
    """metric|applicant -> rows whose value is a number (NA rows are blanks)."""
    out: dict[str, list] = {}
    for row in values.itertuples(index=False):
        if row.value is not None and not (isinstance(row.value, float) and math.isnan(row.value)):
            out.setdefault(f"{row.metric}|{row.applicant}", []).append(row)
    return out


def test_template_year_and_agency_are_detected(case):
    name, parsed, exp = case
    assert (parsed.meta["template"], parsed.meta["year"], parsed.meta["agency"]) == (exp["template"], exp["year"], exp["agency"])


def test_every_expected_value_is_reported_once(case):
    name, parsed, exp = case
    present = _present(parsed.values)
    wrong = {}
    for key, value in exp["values"].items():
        rows = [r for r in present.get(key, []) if r.provenance == "reported"]
        if len(rows) != 1 or not math.isclose(rows[0].value, value, rel_tol=1e-9, abs_tol=1e-9):
            wrong[key] = (value, [r.value for r in rows])
    assert wrong == {}


def test_no_value_is_invented(case):
    # Blank cells stay NA; placeholders ('/') are not numbers; nothing else is reported.
    name, parsed, exp = case
    reported = {k for k, rows in _present(parsed.values).items() if any(r.provenance == "reported" for r in rows)}
    assert reported - set(exp["values"]) == set()
    assert reported & set(exp["blank"]) == set()
    assert reported & set(exp.get("placeholders", {})) == set()


def test_blank_totals_are_derived_from_printed_parts(case):
    name, parsed, exp = case
    present = _present(parsed.values)
    for key, value in exp.get("derived", {}).items():
        rows = present.get(key, [])
        assert [(r.value, r.provenance) for r in rows] == [(value, "derived")], key


def test_units_follow_the_cell_and_the_metric(case):
    name, parsed, exp = case
    present = _present(parsed.values)
    for key, unit in exp.get("units", {}).items():
        assert [r.unit for r in present[key]] == [unit], key


def test_cumulative_column_goes_to_unmapped_not_values():
    exp = _expected("gbk_legacy_2012.html")
    parsed = govreport.parse(DATA / "gbk_legacy_2012.html")
    unmapped = {(label_key(r.source_label), float(r.value)) for r in parsed.unmapped.itertuples(index=False)}
    for key, value in exp["unmapped"].items():
        label = key.split("|")[0]
        assert (label_key(label), float(value)) in unmapped, key
    # 历年累计 431 of 申请总数 must not leak into the values table
    assert 431.0 not in set(parsed.values["value"].dropna())


def test_identities_hold_in_the_fixtures(case):
    # Each fixture is internally consistent (see its notes): no rule may fail.
    name, parsed, exp = case
    failed = parsed.findings[parsed.findings["state"] == "fail"]
    assert list(failed["rule"]) == [r for r in exp["identity_breaks"]]
