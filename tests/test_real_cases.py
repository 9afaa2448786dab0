"""Real reports from portals the parser was not written for (Putian, Sanming), scored against values
transcribed by hand from the published pages (tests/data/real/expected/*.json).

No number may land in the wrong cell; every hand-checked cell is found except the gaps named below,
which are known parser limits (the test fails when one closes, so the list stays honest).
"""
import json
from pathlib import Path

import pytest

from govreport.audit import audit_report

from conftest import TESTDATA

REAL = TESTDATA / "real"
CASES = sorted((REAL / "expected").glob("*.json"))
# hand-checked cells the parser does not find yet, and why
KNOWN_GAPS = {
    "putian_ptsslj_2020": 2,  # procurement row: 2488（元） under a column the header does not line up with
}


def _case_file(expected: dict) -> Path:
    return REAL / expected["file"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_real_report_every_hand_checked_value(case):
    expected = json.loads(case.read_text(encoding="utf-8"))
    row = audit_report(_case_file(expected), expected)
    assert row["status"] == "ok", row["problem"]
    assert (row["template"], row["year"]) == (expected["template"], expected["year"])
    assert row["hand_wrong"] == 0  # never a number in the wrong cell
    assert row["hand_missing"] == KNOWN_GAPS.get(case.stem, 0)
    assert row["hand_right"] == len(expected["values"]) - KNOWN_GAPS.get(case.stem, 0)


def test_there_are_real_cases_of_every_template():
    templates = [json.loads(c.read_text(encoding="utf-8"))["template"] for c in CASES]
    assert {t: templates.count(t) >= 2 for t in ("legacy", "gb2019", "gb2021")} == {
        "legacy": True, "gb2019": True, "gb2021": True}
