"""Values read by OCR (issue 18 item 3): every one says so (provenance 'ocr' and its confidence), and a cell
read with too little confidence is never a value: it goes to unmapped with what was read."""
from __future__ import annotations

import math

import pandas as pd

from govreport import catalog
from govreport.extract import extract
from govreport.model import OcrCell
from govreport.schemas import frame, validate_table
from ocr_cells import PRINTED, ocr_document


def _values(ex) -> dict:
    return {(v["metric"], v["applicant"]): v for v in ex.values}


def test_every_value_of_an_ocr_table_is_marked_ocr_with_its_confidence():
    ex = extract(ocr_document(confidence=0.93), "gb2021", "scan-2022")
    got = _values(ex)
    assert len(got) == 25 * 7 and not ex.unmapped
    v = got[("outcome.granted", "natural_person")]
    assert (v["value"], v["provenance"], v["ocr_confidence"]) == (5.0, "ocr", 0.93)
    assert got[("outcome.total", "total")]["value"] == 7.0
    assert {g["provenance"] for g in got.values()} == {"ocr"}
    assert {g["ocr_confidence"] for g in got.values()} == {0.93}


def test_the_values_table_stores_provenance_ocr_and_the_confidence():
    ex = extract(ocr_document(confidence=0.88), "gb2021", "scan-2022")
    ident = dict(report_id="scan-2022", agency="测试县人民政府", agency_id="x", year=2022, template="gb2021")
    table = validate_table("values", frame("values", [{**ident, **v} for v in ex.values]))
    assert table["ocr_confidence"].dtype == "float64" and (table["ocr_confidence"] == 0.88).all()
    assert set(table["provenance"]) == {"ocr"}


def test_cells_not_read_by_ocr_keep_their_provenance_and_no_confidence():
    doc = ocr_document()
    doc.blocks[2] = type(doc.blocks[2]).table([[None if c is None else str(c) for c in row]
                                               for row in doc.blocks[2].rows])  # plain strings: a text layer
    v = _values(extract(doc, "gb2021", "pdf-2022"))[("outcome.granted", "commercial")]
    assert (v["value"], v["provenance"]) == (2.0, "reported") and math.isnan(v["ocr_confidence"])


def test_a_low_confidence_cell_goes_to_unmapped_with_what_was_read():
    threshold = catalog.matching_settings()["ocr_min_confidence"]
    assert 0 < threshold < 1  # the threshold is catalog data (matching.csv), not a literal in code
    doc = ocr_document(read={("outcome.granted", 0): ("8", threshold - 0.01),  # printed 5, misread 8, unsure
                             ("outcome.granted", 1): ("2", threshold)})        # at the threshold: kept
    ex = extract(doc, "gb2021", "scan-2022")
    got = _values(ex)
    assert ("outcome.granted", "natural_person") not in got  # no value for it: not a number the table states
    assert got[("outcome.granted", "commercial")]["value"] == 2.0
    [u] = ex.unmapped
    assert (u["reason"], u["raw"], u["column"], u["value"]) == ("ocr_low_confidence", "8", "natural_person", 8.0)
    assert f"confidence {threshold - 0.01:.2f}" in u["detail"]
    assert validate_table("unmapped", frame("unmapped", [dict(report_id="r", agency_id="x", year=2022, **u)])) \
        ["reason"].tolist() == ["ocr_low_confidence"]


def test_a_low_confidence_text_cell_is_unmapped_as_ocr_not_as_text():
    # 科研机构 printed 0, read as the letter o: a text cell, unsure; its neighbours stay values
    ex = extract(ocr_document(read={("outcome.granted", 2): ("o", 0.2)}), "gb2021", "scan-2022")
    assert [(u["reason"], u["raw"], u["column"]) for u in ex.unmapped] == [("ocr_low_confidence", "o", "research")]
    got = _values(ex)
    assert ("outcome.granted", "research") not in got
    assert [got[("outcome.granted", a)]["value"] for a in ("natural_person", "commercial", "total")] == [5.0, 2.0, 7.0]


def test_a_blank_ocr_cell_stays_missing_never_zero():
    ex = extract(ocr_document(read={("outcome.granted", 2): ("", 0.1)}), "gb2021", "scan-2022")
    v = _values(ex)[("outcome.granted", "research")]
    assert math.isnan(v["value"]) and not ex.unmapped  # even unsure: a blank carries no number to lose


def test_ocr_cells_are_plain_strings_to_the_label_matching():
    # the labels are OcrCells too, read as plain strings; a label misread by one character (作 read as 做) is
    # still placed, and its values say they were read by OCR
    doc = ocr_document()
    rows = [list(r) for r in doc.blocks[2].rows]
    n = 3 + [m for m, *_ in __import__("filegen").SECTION_3].index("outcome.unavailable.needs_creation")
    rows[n][2] = OcrCell("2.没有现成信息需要另行制做", 0.7, page=1)  # 作 read as 做
    doc.blocks[2] = type(doc.blocks[2]).table(rows)
    v = _values(extract(doc, "gb2021", "scan-2022"))[("outcome.unavailable.needs_creation", "total")]
    assert v["provenance"] == "ocr" and v["value"] == float(PRINTED["outcome.unavailable.needs_creation"][6])
    assert not pd.isna(v["ocr_confidence"])


def test_letters_read_in_a_number_cell_are_a_misread_not_a_note():
    # putian_ptsslj_2020 prints 采购总金额 '2488（元）'; scanned at 300 dpi OCR read '2488 (zt)' at confidence 0.66:
    # as a note the unit is lost and 2488 would be stored as 万元. Letters in a number cell: unmapped, never a value
    ex = extract(ocr_document(read={("outcome.granted", 0): ("5 (zt)", 0.9)}), "gb2021", "scan-2022")
    assert ("outcome.granted", "natural_person") not in _values(ex)
    [u] = ex.unmapped
    assert (u["reason"], u["raw"], u["column"]) == ("ocr_low_confidence", "5 (zt)", "natural_person")
    assert "letters in a number cell" in u["detail"]


def test_numbers_on_text_lines_read_by_ocr_are_marked_ocr_too():
    """A table OCR cannot see as a grid is read from its text lines (legacy 统计表 printed as lines): those
    numbers were stored as 'reported', as if a text layer had printed them (found on the office scan of
    莆田市民宗局 2015 at 300 dpi). The real 莆田市科技局 2009 report's lines, as OCR lines, read the same
    numbers, each marked 'ocr' with its line's confidence."""
    from pathlib import Path

    from govreport.readers import read_document

    path = Path(__file__).resolve().parents[2] / "data" / "real" / "putian_ptkjj_2009.txt"
    plain = read_document(path)
    scanned = read_document(path)
    scanned.blocks = [type(b).line(OcrCell(b.text, 0.9, 1, (0, 0, 10, 10)), page=1) if b.kind == "text" else b
                      for b in plain.blocks]
    want = {k: v["value"] for k, v in _values(extract(plain, "legacy", "ptkjj-2009")).items()}
    got = {k: v for k, v in _values(extract(scanned, "legacy", "ptkjj-2009")).items()}
    assert {k: v["value"] for k, v in got.items()} == want
    assert (want[("proactive.total", "total")], want[("proactive.channel.website", "total")]) == (36, 36)  # by hand
    printed = [v for v in got.values() if v["provenance"] != "derived"]
    assert len(printed) >= 15 and {(v["provenance"], v["ocr_confidence"]) for v in printed} == {("ocr", 0.9)}
    assert {v["provenance"] for v in _values(extract(plain, "legacy", "ptkjj-2009")).values()} <= {"reported", "matched_fuzzy", "derived"}
