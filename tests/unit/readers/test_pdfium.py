"""The fast PDF path (readers/pdfium.py) gives the pdfplumber path's Document, or declines.

Every PDF the tests have -- the three real reports, the reportlab twins (ruled with merged
cells and a page break, unruled, blank cells, owner password) and the LibreOffice / Chromium
renderings of the HTML test reports (test_formats_render's ``renders``) -- is read both ways:
where the fast path reads a file its blocks (table grids and text lines) equal pdfplumber's,
and its values equal the hand-checked ones. Where it declines, pdfplumber reads the file.
"""
import inspect
import json
import math
import shutil

import pytest

import filegen
from conftest import FIXTURES
from govreport.errors import ReportError
from govreport.extract import extract
from govreport.readers import pdf as plumber_path
from govreport.readers import pdfium

REAL = ["huaian_gov_2024", "hongze_district_gov_2023", "hongze_district_gov_2024"]


def _plumber(path):
    """The pdfplumber path alone (read_pdf without its fast first try, once the hook is in)."""
    if "fast" in inspect.signature(plumber_path.read_pdf).parameters:
        return plumber_path.read_pdf(path, fast=False)
    return plumber_path.read_pdf(path)


def _values(doc, template: str = "gb2021") -> dict:
    ex = extract(doc, template)
    return {f"{v['metric']}|{v['applicant']}": v["value"] for v in ex.values
            if v["provenance"] == "reported" and not math.isnan(v["value"])}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    """filegen's PDFs: the twin report ruled / unruled / owner-password, and rows with blank cells."""
    d = tmp_path_factory.mktemp("pdfium")
    rep = filegen.Gb2021Report()
    blanks = filegen.Gb2021Report()
    blanks.sec3["outcome.granted"] = [None, "32", None, None, "35", None, "67"]
    blanks.sec3["requests.carried_forward"] = [None] * 6 + ["257"]
    one_blank = filegen.Gb2021Report()
    one_blank.sec3["outcome.not_processed.duplicate"][4] = None
    return {
        "ruled": (rep, filegen.to_pdf_ruled(rep, d / "ruled.pdf")),
        "unruled": (rep, filegen.to_pdf_unruled(rep, d / "unruled.pdf")),
        "owner_password": (rep, filegen.owner_password_pdf(rep, d / "owner.pdf")),
        "blanks_unruled": (blanks, filegen.to_pdf_unruled(blanks, d / "blanks_unruled.pdf")),
        "blanks_ruled": (blanks, filegen.to_pdf_ruled(blanks, d / "blanks_ruled.pdf")),
        "one_blank_ruled": (one_blank, filegen.to_pdf_ruled(one_blank, d / "one_blank.pdf")),
    }


# ------------------------------------------------------------------ the real reports
@pytest.mark.parametrize("name", REAL)
def test_real_pdf_fast_path_equals_pdfplumber_and_the_hand_checked_values(name):
    path = FIXTURES / "pdf" / f"{name}.pdf"
    fast = pdfium.read(path)
    assert fast is not None, "the fast path declined a real report"
    assert fast.blocks == _plumber(path).blocks
    exp = json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))
    assert _values(fast, exp["template"]) == exp["values"]


def test_vertical_label_of_a_merged_cell_stays_in_its_cell():
    """hongze 2023 prints 三、本年度办理结果 top to bottom (Identity-V): PDFium's box for it is in text space."""
    fast = pdfium.read(FIXTURES / "pdf" / "hongze_district_gov_2023.pdf")
    row = next(r for t in fast.tables for r in t.rows if "1.属于国家秘密" in r)
    assert row == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "1", "0", "0", "0", "0", "0", "1")


# ------------------------------------------------------------------ generated PDFs
@pytest.mark.parametrize("case", ["ruled", "unruled", "owner_password", "blanks_unruled", "blanks_ruled", "one_blank_ruled"])
def test_generated_pdf_fast_path_equals_pdfplumber_and_the_printed_values(generated, case):
    rep, path = generated[case]
    fast = pdfium.read(path)
    assert fast is not None
    assert fast.blocks == _plumber(path).blocks
    assert _values(fast) == rep.expected()


def test_blank_cells_keep_every_number_under_its_applicant(generated):
    for case in ("blanks_unruled", "blanks_ruled"):
        got = _values(pdfium.read(generated[case][1]))
        granted = {k.split("|")[1]: v for k, v in got.items() if k.startswith("outcome.granted|")}
        assert granted == {"commercial": 32, "legal_service": 35, "total": 67}, case
        assert {k: v for k, v in got.items() if k.startswith("requests.carried_forward|")} == \
            {"requests.carried_forward|total": 257}, case
    got = _values(pdfium.read(generated["one_blank_ruled"][1]))
    assert "outcome.not_processed.duplicate|legal_service" not in got  # blank: missing, never 0
    assert got["outcome.not_processed.duplicate|social_org"] == 174


def test_ruled_table_over_a_page_break_with_merged_cells(generated):
    fast = pdfium.read(generated["ruled"][1])
    sec3 = next(t for t in fast.tables if len(t.rows[0]) == 10)
    assert len(sec3.rows) == 28 and {b.page for b in fast.tables} == {1, 2}
    assert sec3.rows[1][4:9] == ("法人或其他组织",) * 5
    row = next(r for r in sec3.rows if r[2] == "3.补正后申请内容仍不明确")
    assert row == ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", "151", "152", "153", "154", "155", "156", "157")


# ------------------------------------------------------------------ rendered HTML reports
_RENDER_DECLINES = {
    "chromium_pdf": "Type3 font",  # Chromium draws CJK text in Type3 fonts, whose boxes PDFium and pdfminer size apart
    "chromium_pdf_unruled": "Type3 font",
    # LibreOffice writes runs of spaces that PDFium leaves out of its text page (pdfminer reads them), or
    # slants characters (synthetic italic) -- whichever it meets first
    "soffice_pdf": ("glyphs missing from PDFium's text page", "rotated, slanted or mirrored text"),
}


def test_rendered_pdfs_are_read_as_pdfplumber_reads_them_or_declined_for_a_stated_reason(renders):  # noqa: F811
    pdfs = {key: p for key, p in renders.files.items() if p.suffix == ".pdf"}
    if not pdfs:
        pytest.skip("; ".join(sorted(set(renders.skipped.values()))))
    for (stem, fmt), path in sorted(pdfs.items()):
        fast, why = pdfium.attempt(path)
        if fast is not None:
            assert fast.blocks == _plumber(path).blocks, (stem, fmt)
        else:
            allowed = _RENDER_DECLINES[fmt]
            assert why in (allowed if isinstance(allowed, tuple) else (allowed,)), (stem, fmt, why)


def test_damaged_scanned_and_locked_files_are_left_to_pdfplumber(generated, tmp_path):
    rep, ruled = generated["ruled"]
    cut = filegen.truncated(ruled, tmp_path / "cut.pdf")
    scanned = filegen.scanned_pdf(tmp_path / "scan.pdf")
    locked = filegen.password_pdf(rep, tmp_path / "locked.pdf")
    garbage = filegen.garbage(tmp_path / "garbage.pdf")
    for path in (cut, scanned, locked, garbage):
        fast, why = pdfium.attempt(path)
        assert fast is None and why, path.name
        with pytest.raises(ReportError) as err:
            plumber_path.read_pdf(path)
        assert "\n" not in str(err.value)


def test_file_name_with_spaces_and_chinese(tmp_path):
    target = tmp_path / "淮安 市政府 2024 年报（正式版）.pdf"
    shutil.copy(FIXTURES / "pdf" / "huaian_gov_2024.pdf", target)
    fast = pdfium.read(target)
    assert fast is not None and fast.path == target and fast.format == "pdf" and fast.hard_wrapped


# ------------------------------------------------------------------ the hook in read_pdf
def test_read_pdf_takes_the_fast_path_first_and_falls_back(generated, tmp_path, monkeypatch):
    import pdfplumber

    path = FIXTURES / "pdf" / "huaian_gov_2024.pdf"
    reference = _plumber(path)
    scanned = filegen.scanned_pdf(tmp_path / "scan.pdf")

    def no_pdfplumber(*_args, **_kwargs):
        raise AssertionError("pdfplumber opened a file the fast path reads")

    with monkeypatch.context() as m:
        m.setattr(pdfplumber, "open", no_pdfplumber)
        assert plumber_path.read_pdf(path).blocks == reference.blocks
        with pytest.raises(ReportError, match="pdfplumber opened"):  # declined (no text layer): pdfplumber is asked
            plumber_path.read_pdf(scanned)
    with pytest.raises(ReportError, match="no text layer"):
        plumber_path.read_pdf(scanned)
