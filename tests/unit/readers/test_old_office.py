"""Older office formats (issue 19, item 5): .doc, .wps and .xls read through headless LibreOffice.

A real report (putian_ptkjj_2024.html, its values checked by hand in expected/putian_ptkjj_2024.json) is
rendered to Word 97 (.doc) and Excel 97 (.xls) by LibreOffice in the test; the renderings must read as the
HTML does. LibreOffice comes from scripts/ensure_soffice.sh (as in test_formats_render.py); a rendering is
skipped, with the reason, only when the tool cannot be installed. Without LibreOffice the file is refused in
one line saying how to convert it.
"""
from __future__ import annotations

import json
import shutil

import pytest
from render_helpers import REAL, _run, _soffice, _tool

from govreport.pipeline import audit_report
from govreport.readers import read_document
from govreport.ingestion.discover import discover

CASE = REAL / "putian_ptkjj_2024.html"
EXPECTED = json.loads((REAL / "expected" / "putian_ptkjj_2024.json").read_text(encoding="utf-8"))
N_HAND = len(EXPECTED["values"])  # 197 hand-checked cells


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """{'.doc': path, '.xls': path or None} rendered once for this module."""
    soffice, why = _tool(("soffice", "libreoffice"), "ensure_soffice.sh")
    if soffice is None:
        pytest.skip(f"LibreOffice cannot be installed: {why}")
    root = tmp_path_factory.mktemp("old_office")
    _soffice(soffice, root / "profile", "doc:MS Word 97", root, [CASE])
    out = {".doc": root / f"{CASE.stem}.doc"}
    calc = root / "calc"
    calc.mkdir()
    # Calc imports the page as a sheet; it is a separate Debian package (libreoffice-calc-nogui)
    _run([soffice, f"-env:UserInstallation=file://{root / 'profile'}", "--headless", "--norestore",
          "--infilter=HTML (StarCalc)", "--convert-to", "xls:MS Excel 97", "--outdir", str(calc), str(CASE)])
    xls = calc / f"{CASE.stem}.xls"
    out[".xls"] = xls if xls.exists() else None
    return out


def _row(path) -> dict:
    return audit_report(path, EXPECTED)


def test_a_doc_report_reads_every_hand_checked_value(renders):
    html, doc = _row(CASE), _row(renders[".doc"])
    assert doc["status"] == "ok", doc["problem"]
    assert (doc["template"], doc["year"], doc["agency"]) == ("gb2021", 2024, "莆田市科学技术局")
    assert (doc["hand_checked"], doc["hand_right"], doc["hand_wrong"], doc["hand_missing"]) == (N_HAND, N_HAND, 0, 0)
    assert (doc["found"], doc["blank"], doc["missing"]) == (html["found"], html["blank"], html["missing"])
    assert read_document(renders[".doc"]).format == "doc"


def test_a_wps_file_is_a_word_binary_and_reads_the_same(renders, tmp_path):
    wps = tmp_path / f"{CASE.stem}.wps"
    shutil.copy(renders[".doc"], wps)  # WPS Office writes the Word 97-2003 binary format under .wps
    row = _row(wps)
    assert row["status"] == "ok", row["problem"]
    assert (row["hand_right"], row["hand_wrong"], row["hand_missing"]) == (N_HAND, 0, 0)
    files, failures = discover([tmp_path])
    assert [str(f) for f in files] == [str(wps)] and not failures


def test_an_xls_sheet_is_read_as_a_table_and_never_misplaces_a_value(renders):
    if renders[".xls"] is None:
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed: no .xls rendering")
    row = _row(renders[".xls"])
    assert row["status"] == "ok", row["problem"]
    assert (row["template"], row["year"], row["agency"]) == ("gb2021", 2024, "莆田市科学技术局")
    # Calc splits the page's merged header cells over other columns; a number it cannot place is unmapped
    # (reported with its reason), never put under a wrong metric
    assert row["hand_wrong"] == 0
    assert row["hand_right"] + row["unmapped"] >= N_HAND


@pytest.mark.parametrize("suffix, target, package", [(".doc", "docx", "libreoffice-writer"),
                                                      (".wps", "docx", "libreoffice-writer"),
                                                      (".xls", "xlsx", "libreoffice-calc")])
def test_without_libreoffice_the_refusal_says_how_to_convert(monkeypatch, tmp_path, suffix, target, package):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE2 header, as Word 97 writes
    row = audit_report(path)
    assert row["status"] == "refused"
    assert row["problem"] == (f"{suffix}: LibreOffice (soffice) is needed to read this format; convert it to "
                              f".{target} (soffice --headless --convert-to {target} FILE) or install {package}")
