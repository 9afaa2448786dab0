"""Files read by what their bytes are (readers/sniff.py). Bulk downloads from portals name files badly: a PDF
saved as ``downfile.do`` or with no suffix at all, Word's "web page" .doc (HTML), or a portal's error page saved
under the report's .pdf name. Before, the first two were "unsupported file type" and the last "corrupt or
truncated PDF (No /Root object! - Is this really a PDF?)", which sends the researcher looking for a broken PDF.
A binary format's name on another binary format's bytes (a PDF or .docx saved as .doc, a PDF saved as .docx, a
scan saved as .pdf) failed the same way, or went to LibreOffice for a conversion that refuses a PDF."""
from __future__ import annotations

import dataclasses
import shutil
import zipfile
from pathlib import Path

import pytest

import filegen
import govreport
from conftest import RAW, ROOT
from govreport.errors import ReportError
from govreport.readers import read_document, reader_of

REAL_HTML = ROOT / "tests" / "data" / "real" / "putian_ptkjj_2024.html"
PDF = RAW / "huaian_gov_2024.pdf"
SCAN = ROOT / "tests" / "data" / "scans" / "huaian_gov_2024_p5_200dpi.jpg"


def _blocks(doc):
    return [dataclasses.astuple(b) for b in doc.blocks], doc.format, doc.meta


@pytest.mark.parametrize("source, name", [(PDF, "downfile.do"), (PDF, "P020250123456789"),
                                          (REAL_HTML, "view.jsp"), (REAL_HTML, "report.doc")])
def test_a_report_under_another_name_is_read_as_its_bytes_say(tmp_path, source, name):
    copy = tmp_path / name
    shutil.copy(source, copy)
    assert _blocks(read_document(copy)) == _blocks(read_document(source))


@pytest.mark.parametrize("name", ["report.doc", "report.docx"])
def test_a_pdf_under_another_binary_name_is_read_as_the_pdf(tmp_path, name):
    copy = tmp_path / name
    shutil.copy(PDF, copy)
    assert _blocks(read_document(copy)) == _blocks(read_document(PDF))
    assert read_document(copy).format == "pdf"


def test_a_docx_saved_as_doc_is_read_directly_not_converted(tmp_path):
    docx = filegen.to_docx(filegen.Gb2021Report(), tmp_path / "r.docx")
    doc_named = tmp_path / "r.doc"
    shutil.copy(docx, doc_named)
    read = read_document(doc_named)
    assert read.format == "docx" and _blocks(read) == _blocks(read_document(docx))


def test_a_docx_named_so_is_not_opened_to_choose_its_reader(tmp_path, monkeypatch):
    docx = filegen.to_docx(filegen.Gb2021Report(), tmp_path / "r.docx")

    def opened(*args, **kwargs):
        raise AssertionError("the .docx's zip was opened to choose its reader (its reader opens it)")
    monkeypatch.setattr(zipfile, "ZipFile", opened)
    assert reader_of(docx) == "docx"


def test_a_scan_saved_as_the_pdf_is_read_as_the_image(tmp_path):
    copy = tmp_path / "report.pdf"
    shutil.copy(SCAN, copy)
    assert reader_of(copy) == "image"  # OCR reads it (tests/unit/ocr reads these scans)


def test_a_word_97_file_saved_as_the_pdf_says_so(tmp_path):
    ole2 = tmp_path / "2024年报.pdf"
    ole2.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600))
    with pytest.raises(ReportError) as caught:
        read_document(ole2)
    assert str(caught.value).endswith("; its bytes are a Word or Excel 97-2003 file: name it .doc or .xls")
    assert str(caught.value).startswith(f"{ole2}: corrupt or truncated PDF")


def test_a_web_page_saved_as_the_pdf_says_it_is_one(tmp_path):
    page = tmp_path / "2024年报.pdf"
    page.write_text("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
                    "<body><h1>404 Not Found</h1><hr>nginx</body></html>", encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        govreport.parse(page)
    assert str(caught.value) == (f"{page}: not a government information-disclosure annual report (no known table "
                                 "labels found; the file named .pdf is a web page: '404 Not Found')")


def test_bytes_that_no_reader_takes_stay_unsupported_with_advice(tmp_path):
    ole2 = tmp_path / "attachment"
    ole2.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600))
    archive = tmp_path / "reports.bin"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "not a Word package")
    with pytest.raises(ReportError, match=r"unsupported file type '\(none\)' .*; its bytes are a Word or Excel "
                                          r"97-2003 file: name it \.doc or \.xls$"):
        read_document(ole2)
    with pytest.raises(ReportError, match=r"unsupported file type '\.bin' \(expected one of [^)]*\)$"):
        read_document(archive)


def test_an_ingest_finds_them_in_folders_and_one_report_is_read_once(tmp_path, capsys):
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(PDF, folder / "huaian_gov_2024.pdf")
    shutil.copy(PDF, folder / "downfile.do")  # the same bytes, read by the same reader: a copy
    shutil.copy(REAL_HTML, folder / "P020240101")
    (folder / "attachment").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600))
    result = govreport.ingest([folder], tmp_path / "store", jobs=1)
    data = govreport.load(tmp_path / "store")
    assert sorted((Path(p).name, f) for p, f in zip(data.reports["source_file"], data.reports["format"])) == [
        ("P020240101", "html"), ("downfile.do", "pdf")]  # of two copies the first name in code-point order
    assert [(Path(d.path).name, Path(d.duplicate_of).name) for d in result.duplicates] == [
        ("huaian_gov_2024.pdf", "downfile.do")]
    assert [(Path(f.path).name, f.problem) for f in result.failures] == [
        ("attachment", "unsupported file type '(none)'; its bytes are a Word or Excel 97-2003 file: "
                       "name it .doc or .xls")]


@pytest.mark.parametrize("name, fmt, said", [("2024年报.pdf", "image", "; the file named .pdf is an image"),
                                             ("report.doc", "pdf", "; the file named .doc is a PDF"),
                                             ("report.doc", "docx", "; the file named .doc is a Word .docx file"),
                                             ("report.pdf", "pdf", ""), ("scan.JPG", "image", ""),
                                             ("report.doc", "doc", "")])
def test_a_failure_of_a_file_read_as_another_format_says_what_it_was(name, fmt, said):
    from govreport.model import Document
    from govreport.readers.sniff import named_otherwise

    assert named_otherwise(Document(path=Path(name), format=fmt)) == said
