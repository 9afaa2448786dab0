"""The package's shape is a test: arrows point down the pipeline, no circles, modules and functions stay small.

The rules live in scripts/check_architecture.py (also a command that prints the figures); this test fails
with every violation listed, so a change that adds an upward import or a 700-line module is seen in review.
"""
from __future__ import annotations

import importlib.util
import sys

from locations import REPO


def _checker():
    spec = importlib.util.spec_from_file_location("check_architecture", REPO / "scripts" / "check_architecture.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_package_has_no_upward_import_no_circle_and_no_oversized_module_or_function():
    problems, figures = _checker().check()
    assert problems == [], "\n".join(problems)
    assert figures["circles"] == 0


def test_the_checker_sees_an_upward_import_and_a_circle(tmp_path):
    """The checker itself can fail: a toy package with a reader importing a page module and a circle."""
    checker = _checker()
    pkg = tmp_path / "govreport"
    (pkg / "readers").mkdir(parents=True)
    (pkg / "report").mkdir()
    for d in (pkg, pkg / "readers", pkg / "report"):
        (d / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "readers" / "html.py").write_text("from govreport.report import pages\n", encoding="utf-8")
    (pkg / "report" / "pages.py").write_text("from govreport.readers import html\n", encoding="utf-8")
    problems, figures = checker.check(pkg)
    assert any(p.startswith("upward import: readers.html (layer 2) imports report.pages") for p in problems), problems
    assert figures["circles"] == 1
