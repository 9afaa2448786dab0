"""The check stage of parse (checks.check_report) and the one finding constructor (model.finding)."""
from __future__ import annotations

import math
from types import SimpleNamespace

from govreport.checks import check_report
from govreport.model import finding
from govreport.schemas import FINDING_COLUMNS


def _cell(metric, value, applicant="total"):
    return dict(metric=metric, applicant=applicant, value=value, unit="件", source_label=metric,
                provenance="reported", note="", match_score=math.nan)


def _extraction(values, sections):
    return SimpleNamespace(values=values, placeholders=[], unmapped=[], findings=[], sections_found=set(sections))


def test_a_finding_has_the_findings_columns_in_order_and_no_sides_by_default():
    f = finding("r", "extract.sections", "fail", evidence="why")
    assert list(f) == FINDING_COLUMNS
    assert (f["applicant"], f["blanks_as_zero"], f["evidence"]) == ("total", False, "why")
    assert math.isnan(f["left"]) and math.isnan(f["right"])


def test_a_section_the_template_prints_but_the_report_lacks_is_a_finding():
    # gb2019 prints the art20, requests and appeals tables (catalog/templates.csv); this report shows art20 only
    _values, findings, _derived = check_report("r", SimpleNamespace(template="gb2019", findings=[]),
                                               _extraction([], {"art20"}))
    assert findings == [finding("r", "extract.sections", "fail", evidence="table sections not found: appeals, "
                                "requests (report truncated or laid out unusually)")]


def test_a_blank_total_with_printed_parts_is_derived_and_checked():
    # legacy 答复总数 left out, its parts printed: 同意 12 + 部分 2 + 不予公开 1 = 15, derived (ex.values kept as read)
    ex = _extraction([_cell("outcome.granted", 12.0), _cell("outcome.partially_granted", 2.0),
                      _cell("outcome.denied.total", 1.0)], {"legacy"})
    values, findings, derived = check_report("r", SimpleNamespace(template="legacy", findings=[]), ex)
    assert [(d["metric"], d["value"], d["provenance"]) for d in derived] == [("outcome.responses_total", 15.0, "derived")]
    assert len(values) == 4 and len(ex.values) == 3
    f = next(f for f in findings if f["rule"] == "outcome.responses_total")
    assert (f["state"], f["left"], f["right"]) == ("pass", 15.0, 15.0)
    assert f["evidence"].startswith("outcome.responses_total[total]=15 (derived) = 15")
