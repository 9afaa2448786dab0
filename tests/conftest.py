"""Shared paths for tests: the seeds in data/raw and the real fixtures copied into tests/data/fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

from render_helpers import render_all, render_cases

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TESTDATA = ROOT / "tests" / "data"
FIXTURES = TESTDATA / "fixtures"  # copies of ../shared/fixtures: the repository carries its own
SEED_2018 = RAW / "shapotou_gov_service_center_2018.txt"
SEED_2021 = RAW / "shapotou_gov_service_center_2021.txt"


def values_dict(frame) -> dict:
    """{'metric|applicant': value} of a values frame (NaN kept)."""
    return {f"{m}|{a}": v for m, a, v in zip(frame["metric"], frame["applicant"], frame["value"])}


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


PDF_ROWS = TESTDATA / "pdfrows"  # test_pdf_rows_more.py's cases, rendered with the others (one LibreOffice start)
PDF_ROWS_RENDERED = ("putian_ptkjj_2021", "putian_ptslyj_2019", "putian_ptkjj_2019")


@pytest.fixture(scope="session")
def renders(tmp_path_factory):
    """Every HTML test report rendered to DOCX and PDF once per run (tests/render_helpers.py), shared by the
    value tests (test_formats_render.py), the verdict tests (test_real_verdicts.py) and the PDF row tests
    (test_pdf_rows.py, test_pdf_rows_more.py)."""
    htmls = [html for html, _ in render_cases()] + [PDF_ROWS / f"{stem}.html" for stem in PDF_ROWS_RENDERED]
    return render_all(htmls, tmp_path_factory.mktemp("renders"))


@pytest.fixture(scope="module")
def build():
    """The seed project built once per test module (tests/publish_helpers.built_seed_project)."""
    from publish_helpers import built_seed_project

    result = built_seed_project()
    assert result.first.code == 0, result.first.output
    return result
