"""Scanned reports read by OCR (Tesseract): a scanned page image, a PDF half text, half scanned, the page
cache and the re-read of one cell. The scans (tests/data/scans/, made by make_scans.py) are pages 4 and 5 of
淮安市人民政府 2024 (tests/data/fixtures/pdf/huaian_gov_2024.pdf) at 200 dpi, turned 0.7° / -0.5°, a red seal
stamped over the table, JPEG; the values are the hand-checked ones of fixtures/expected/huaian_gov_2024.json.
Tesseract comes from scripts/ensure_tesseract.sh; the tests skip, with the reason, only when it cannot be
installed."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from govreport.model import OcrCell
from govreport.readers import read_document
from govreport.readers.ocr import cache, engine, reread, reread_cell

sys.path.insert(0, str(ROOT / "tests" / "data" / "scans"))
from make_scans import mixed_pdf  # noqa: E402  (the scans' own maker: pages replaced by their JPEG)

SCANS = ROOT / "tests" / "data" / "scans"
P4, P5 = SCANS / "huaian_gov_2024_p4_200dpi.jpg", SCANS / "huaian_gov_2024_p5_200dpi.jpg"
EXPECTED = json.loads((FIXTURES / "expected" / "huaian_gov_2024.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tesseract():
    done = subprocess.run(["bash", str(ROOT / "scripts" / "ensure_tesseract.sh")], capture_output=True, text=True,
                          timeout=1800)
    if done.returncode != 0:
        pytest.skip(f"tesseract could not be installed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def mixed(tesseract, tmp_path_factory):
    """The report with its table pages 4 and 5 scanned, the rest text; read once with a page cache."""
    tmp = tmp_path_factory.mktemp("mixed")
    path = mixed_pdf(FIXTURES / "pdf" / "huaian_gov_2024.pdf", {4: P4, 5: P5}, tmp / "huaian_gov_2024.pdf")
    cache.use_folder(tmp / "ocr")
    try:
        from govreport.pipeline import audit_report, parse

        rep = parse(path)
        row = audit_report(path, EXPECTED)  # the second parse reads the scanned pages from the cache
    finally:
        cache.use_folder(None)
    return path, rep, row, tmp / "ocr"


@pytest.fixture(scope="module")
def appeals_png(tmp_path_factory):
    """The lower part of scanned page 5 (heading 四、… and the appeals table) as a PNG: a small scan."""
    from PIL import Image

    out = tmp_path_factory.mktemp("scan") / "appeals.png"
    with Image.open(P5) as im:
        im.crop((0, int(im.height * 0.55), im.width, int(im.height * 0.85))).save(out, dpi=(200, 200))
    return out


@pytest.fixture(scope="module")
def page5(tesseract, appeals_png):
    return read_document(appeals_png)


def test_half_scanned_pdf_reads_both_halves_against_the_hand_checked_values(mixed):
    path, rep, row, _ = mixed
    assert (row["template"], row["year"], row["agency"]) == ("gb2021", 2024, "淮安市人民政府")
    assert row["hand_checked"] == 200 and row["hand_wrong"] == 0
    assert row["hand_right"] >= 0.95 * row["hand_checked"]
    values = rep.values.set_index(["metric", "applicant"])
    # text page 3 (no OCR) and scanned pages 4 and 5, each value checked by hand against the PDF
    assert values.loc[("art20.licensing.decisions", "total"), "value"] == 447228
    assert pd_isna(values.loc[("art20.licensing.decisions", "total"), "ocr_confidence"])
    assert values.loc[("art20.punishment.decisions", "total"), "value"] == 3985758
    assert values.loc[("outcome.granted", "natural_person"), "value"] == 1288
    assert values.loc[("outcome.granted", "natural_person"), "provenance"] == "ocr"
    assert values.loc[("outcome.granted", "natural_person"), "ocr_confidence"] > 0.8
    assert values.loc[("requests.carried_forward", "total"), "value"] == 103


def pd_isna(value) -> bool:
    return value != value or value is None


def test_every_ocr_value_is_right_or_flagged(mixed):
    """No number is stored wrong without a flag: every OCR'd value equals the hand-checked one."""
    _, rep, _, _ = mixed
    ocr = rep.values[rep.values["provenance"] == "ocr"]
    assert len(ocr) > 150
    for metric, applicant, value in zip(ocr["metric"], ocr["applicant"], ocr["value"]):
        key = f"{metric}|{applicant}"
        if key in EXPECTED["values"]:
            assert value == EXPECTED["values"][key], key
    low = rep.unmapped[rep.unmapped["reason"] == "ocr_low_confidence"]
    assert len(low) >= 1  # the cells under the seal's solid centre are not trusted


def test_document_meta_and_cells(mixed):
    path, _, _, folder = mixed
    cache.use_folder(folder)
    try:
        doc = read_document(path)
    finally:
        cache.use_folder(None)
    assert doc.meta["ocr_pages"] == [4, 5] and doc.meta["ocr_engine"].startswith("tesseract")
    assert len(list(folder.glob("*.json"))) == 2  # one entry per scanned page
    text_rows = [r for b in doc.tables if b.page == 3 for r in b.rows]
    assert ("规章", "1", "0", "11") in text_rows and not any(isinstance(c, OcrCell) for r in text_rows for c in r)
    first = next(r for b in doc.tables if b.page == 4 for r in b.rows if len(r) > 3 and r[3] == "3001")
    assert [str(c) for c in first[3:]] == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert all(isinstance(c, OcrCell) and c.page == 4 for c in first[3:])


def test_cached_pages_need_no_engine(mixed, monkeypatch):
    path, _, _, folder = mixed

    def no_engine(*_a, **_k):
        raise AssertionError("tesseract ran for a cached page")

    monkeypatch.setattr(engine, "read_batch", no_engine)
    cache.use_folder(folder)
    try:
        assert read_document(path).meta["ocr_pages"] == [4, 5]
    finally:
        cache.use_folder(None)


def test_scanned_image_file(page5):
    assert page5.format == "image" and page5.meta["ocr_pages"] == [1]
    lines = [b.text for b in page5.blocks if b.kind == "text"]
    assert "四、政府信息公开行政复议、行政诉讼情况" in lines
    appeals = page5.tables[-1]
    row = next(r for r in appeals.rows if r[0] == "72")
    # 行政复议 72 64 178 37 351 | 未经复议直接起诉 13 4 8 1 26 | 复议后起诉 12 1 1 6 20 (hand-checked)
    good = {k: v for k, v in enumerate(["72", "64", "178", "37", "351", "13", "4", "8", "1", "26",
                                        "12", "1", "1", "6", "20"])}
    for k, cell in enumerate(row):
        assert cell == good[k] or cell.confidence <= 0.6, (k, cell)  # right, or flagged as unsure
    assert sum(cell == good[k] for k, cell in enumerate(row)) >= 13


def test_reread_one_cell_at_higher_resolution(page5, appeals_png):
    appeals = page5.tables[-1]
    row = next(r for r in appeals.rows if r[0] == "72")
    again = reread_cell(appeals_png, row[2], dpi=400)
    assert again == "178" and again.confidence > 0.8 and again.page == 1 and again.bbox == row[2].bbox
    as_text = reread(appeals_png, 1, appeals.rows[0][0].bbox, dpi=300, digits=False)
    assert as_text == "行政复议"


def test_unreadable_image_is_one_line_refusal(tmp_path):
    from govreport.errors import ReportError

    bad = tmp_path / "scan.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ReportError) as err:
        read_document(bad)
    assert "not an image Pillow can read" in str(err.value) and "scan.jpg" in str(err.value)
    assert "\n" not in str(err.value)
