"""A sum broken by figures read by OCR is the parse's doubt, never the agency's 勾稽不成立 (issue 18 item 3).

The table of tests/ocr_cells.py prints 予以公开 5 (自然人) + 2 (商业企业) = 7 (总计) and 本年新收 7 = 办理结果总计 7.
"""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from govreport import catalog
from govreport.checks import check_report
from govreport.checks.identities import Cells, check_across_years, check_identities, derive_totals
from govreport.extract import extract
from govreport.model import OcrCell
from govreport.records import is_table_failure
from govreport.report.findings import evidence_sentence, finding_kind
from ocr_cells import ocr_document

DET = SimpleNamespace(template="gb2021", findings=[])


def _check(doc, reread=None):
    """(values, findings) of the check stage; ``reread`` stands in for the OCR reader's re-read (no file)."""
    ex = extract(doc, "gb2021", "scan-2022")
    if reread is None:
        values, findings, _derived = check_report("scan-2022", DET, ex)
        return values, findings
    values = list(ex.values)
    derive_totals(values, "gb2021", ex.placeholders)
    return values, check_identities("scan-2022", "gb2021", values, ex.placeholders, ex.unmapped, reread)


def _by_rule(findings) -> dict:
    return {(f["rule"], f["applicant"]): f for f in findings}


def test_an_intact_ocr_table_passes_its_identities():
    _values, findings = _check(ocr_document())
    got = _by_rule(findings)
    assert got[("applicants:outcome.granted", "total")]["state"] == "pass"
    assert (got[("outcome.total", "natural_person")]["left"], got[("outcome.total", "natural_person")]["right"]) == (5.0, 5.0)
    assert {f["state"] for f in findings if f["rule"].split(":")[0] in ("applicants", "outcome.total")} == {"pass"}
    assert not [f for f in findings if f["rule"].startswith("ocr_uncertain")]


def test_a_misread_figure_that_breaks_a_sum_is_ocr_uncertain_not_a_failure_of_the_report():
    # 自然人 予以公开 printed 5, OCR read 6 (sure enough to keep): 6 + 2 != 7, and 6 != 本年度办理结果总计 5
    values, findings = _check(ocr_document(read={("outcome.granted", 0): ("6", 0.9)}))
    assert not [f for f in findings if is_table_failure(f["rule"], f["state"])]  # no 勾稽不成立 for the agency
    got = _by_rule(findings)
    held = got[("applicants:outcome.granted", "total")]
    assert held["state"] == "not_assessable" and "ocr_uncertain" in held["evidence"]
    assert "outcome.granted[natural_person] read '6' (confidence 0.90)" in held["evidence"]
    doubt = got[("ocr_uncertain:applicants:outcome.granted", "total")]
    assert (doubt["state"], doubt["left"], doubt["right"]) == ("fail", 7.0, 8.0)
    assert finding_kind(doubt["rule"]) == "parse"
    assert got[("ocr_uncertain:outcome.total", "natural_person")]["state"] == "fail"
    # the value is kept as read, flagged by provenance and confidence (never silently)
    v = next(v for v in values if (v["metric"], v["applicant"]) == ("outcome.granted", "natural_person"))
    assert (v["value"], v["provenance"], v["ocr_confidence"]) == (6.0, "ocr", 0.9)
    # what the pages say: the reading is in doubt (parse section), the identity cannot be assessed
    assert "OCR" in evidence_sentence(doubt, "en") and "OCR" in evidence_sentence(held, "en")
    assert "光学字符识别" in evidence_sentence(held, "zh")


def test_the_same_break_in_a_text_layer_is_the_agency_s_failure():
    doc = ocr_document(read={("outcome.granted", 0): ("6", 0.9)})
    doc.blocks[2] = type(doc.blocks[2]).table([[None if c is None else str(c) for c in row] for row in doc.blocks[2].rows])
    _values, findings = _check(doc)
    got = _by_rule(findings)
    assert got[("applicants:outcome.granted", "total")]["state"] == "fail"
    assert is_table_failure("applicants:outcome.granted", "fail")
    assert not [f for f in findings if f["rule"].startswith("ocr_uncertain")]


def test_a_reread_that_makes_the_sum_hold_corrects_the_figure():
    calls = []

    def reread(cell):
        calls.append((str(cell), cell.page, cell.bbox))
        return [OcrCell("5", 0.97, cell.page, cell.bbox)] if str(cell) == "6" else [OcrCell(str(cell), 0.97)]
    values, findings = _check(ocr_document(read={("outcome.granted", 0): ("6", 0.9)}), reread)
    v = next(v for v in values if (v["metric"], v["applicant"]) == ("outcome.granted", "natural_person"))
    assert (v["value"], v["provenance"], v["ocr_confidence"]) == (5.0, "ocr", 0.97)
    # the misread cell was re-read where it is printed, once, though it breaks two sums (its row, its column)
    assert calls.count(("6", 1, (200.0, 124.0, 228.0, 134.0))) == 1
    assert {f["state"] for f in findings if f["rule"].split(":")[0] in ("applicants", "outcome.total")} == {"pass"}
    assert not [f for f in findings if f["rule"].startswith("ocr_uncertain")]


def test_a_reread_that_still_disagrees_is_ocr_uncertain():
    # every cell re-read as 8 (9: too unsure to use). 总计 7 -> 8 would make 6 + 2 hold, but break
    # 办理结果总计 (7) = its parts: a re-read never buys one sum with another, so nothing changes
    values, findings = _check(ocr_document(read={("outcome.granted", 0): ("6", 0.9)}),
                              lambda cell: [OcrCell("8", 0.95), OcrCell("9", 0.3)])
    got = _by_rule(findings)
    assert got[("applicants:outcome.granted", "total")]["state"] == "not_assessable"
    assert got[("ocr_uncertain:applicants:outcome.granted", "total")]["state"] == "fail"
    v = next(v for v in values if (v["metric"], v["applicant"]) == ("outcome.granted", "natural_person"))
    assert v["value"] == 6.0  # the first reading stays, flagged
    total = next(v for v in values if (v["metric"], v["applicant"]) == ("outcome.granted", "total"))
    assert (total["value"], total["ocr_confidence"]) == (7.0, 0.95)


def test_the_threshold_and_wording_are_catalog_data():
    assert catalog.finding_kinds()["ocr_uncertain"] == "parse"
    assert "ocr_low_confidence" in {r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "unmapped"}


def test_a_cross_year_break_on_ocr_figures_is_ocr_uncertain():
    # carried_over this year (OCR 3) against carried_forward last year (printed 4): the reading is in doubt
    row = lambda m, v, prov: dict(metric=m, applicant="total", value=v, unit="件", source_label=m, provenance=prov,
                                  note="", match_score=float("nan"), ocr_confidence=0.9 if prov == "ocr" else pd.NA)
    cur = Cells([row("requests.carried_over", 3.0, "ocr")])
    prev = Cells([row("requests.carried_forward", 4.0, "reported")])
    got = _by_rule(check_across_years("scan-2022", "gb2021", cur, prev))
    assert got[("carried_over.continuity", "total")]["state"] == "not_assessable"
    assert got[("ocr_uncertain:carried_over.continuity", "total")]["state"] == "fail"
    cur = Cells([row("requests.carried_over", 3.0, "reported")])
    assert _by_rule(check_across_years("scan-2022", "gb2021", cur, prev))[("carried_over.continuity", "total")]["state"] == "fail"


def test_no_total_is_derived_over_a_cell_set_aside_as_unsure():
    # 予以公开 总计 (7) read too unsure: it goes to unmapped, and no total is derived from its parts in its place
    # (5 + 2 would happen to be right here; with an unsure part it would be a wrong number stored as 'derived')
    threshold = catalog.matching_settings()["ocr_min_confidence"]
    values, findings = _check(ocr_document(read={("outcome.granted", 6): ("7", threshold / 2)}))
    assert ("outcome.granted", "total") not in {(v["metric"], v["applicant"]) for v in values}
    # 自然人 5 unsure: the 不予公开 subtotal of that column is derived from printed zeros, 办理结果总计 is printed;
    # the 予以公开 row's own sum cannot be judged without the unsure cell
    values, findings = _check(ocr_document(read={("outcome.granted", 0): ("5", threshold / 2)}))
    held = _by_rule(findings)[("applicants:outcome.granted", "total")]
    assert held["state"] == "not_assessable" and "ocr_low_confidence" in held["evidence"]
