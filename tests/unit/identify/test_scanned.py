"""Identification from lines read by OCR (identify.scanned): a misread title end is tolerated on OCR'd lines only,
and an agency is stated only when OCR read its name surely (catalog/matching.csv ocr_min_confidence = 0.6).

The lines are what tesseract read on the 200-dpi office scan of tests/data/real/putian_ptsjj_2024.html
(scripts/make_scans.py; title, the 特向社会公布 sentence and the signature with their line confidences).
"""
from pathlib import Path

from govreport.identify.agency import agency_candidates, choose_agency
from govreport.identify.scanned import ocr_lines, surely_read
from govreport.identify.titles import find_title, match_title
from govreport.model import Block, Document, OcrCell

TITLE = "莆田市审计局2024年政府信息公开工作年度报各"  # 告 read as 各 (OCR, 200 dpi)
SENTENCE = "文件要求，特向社会公布靖田市审计局2024年政府信息公开工作年度报"  # 莆 read as 靖, confidence 0.23


def _scan(*lines: tuple[str, float]) -> Document:
    return Document(Path("scan.pdf"), "pdf", [Block.line(OcrCell(t, c, 1, (0, 0, 1, 1)), page=1) for t, c in lines])


def test_a_misread_last_character_of_an_ocr_title_still_gives_year_and_agency():
    doc = _scan(("。2018年以前", 0.86), (TITLE, 0.61), (SENTENCE, 0.23))
    assert find_title(doc)[:2] == (2024, "莆田市审计局")
    year, found = agency_candidates(doc, doc.full_text(), 2024)
    assert year == 2024
    assert [(c.source, c.name) for c in found] == [("title", "莆田市审计局")]  # not 靖田市审计局: read unsure


def test_the_tolerant_form_is_for_ocr_lines_only():
    assert match_title(TITLE) is None
    assert match_title(TITLE, ocr=True) == (2024, "莆田市审计局")
    printed = Document(Path("x.txt"), "txt", [Block.line(TITLE)])
    assert find_title(printed) == (None, "", "unknown")


def test_an_agency_ocr_was_unsure_of_is_not_stated():
    doc = _scan((TITLE.replace("报各", "报告"), 0.41), (SENTENCE, 0.23))
    assert find_title(doc)[:2] == (2024, "")  # the year counts (other sources check it); the name does not
    winner, _others = choose_agency(agency_candidates(doc, doc.full_text(), 2024)[1])
    assert winner is None


def test_an_unsure_title_is_confirmed_by_the_same_name_read_surely_elsewhere():
    doc = _scan((TITLE, 0.41), ("莆田市审计局", 0.77), ("2025年1月2日", 0.9))
    assert find_title(doc)[:2] == (2024, "莆田市审计局")


def test_a_name_that_lost_its_first_character_is_not_confirmed_by_the_full_one():
    read = ocr_lines(_scan(("莆田市审计局", 0.77), ("特向社会公布莆田市审计局2024年", 0.9)))
    assert surely_read(read, "莆田市审计局")
    assert not surely_read(read, "田市审计局")
    assert surely_read(ocr_lines(Document(Path("x.txt"), "txt", [Block.line("田市审计局")])), "田市审计局")  # no OCR


def test_a_half_scanned_report_keeps_the_name_its_text_layer_prints():
    doc = Document(Path("half.pdf"), "pdf", [Block.line("莆田市审计局2024年政府信息公开工作年度报告", page=1),
                                              Block.line(OcrCell("申请情况", 0.9, 2, (0, 0, 1, 1)), page=2)])
    assert find_title(doc)[:2] == (2024, "莆田市审计局")
    assert surely_read(ocr_lines(doc), "莆田市审计局")


def test_a_name_read_alike_in_two_unsure_lines_counts_a_misread_title_does_not():
    # the 200-dpi office scan of putian_ptslyj_2023: 莆 of the bold title read as 青 (and 甫 at 300 dpi)
    doc = _scan(("青田市林业局2023年政府信息公开工作年度报告", 0.30), ("发布时间: 2024-01-10 15:12 |来源:莆田市林业局", 0.47),
                ("2023年，莆田市林业局严格按照《中华人民共和国政府信息公开条例》", 0.33))
    read = ocr_lines(doc)
    assert surely_read(read, "莆田市林业局")  # two lines, and 莆田市 is in the gazetteer
    assert not surely_read(read, "青田市林业局")  # one unsure line
    twice = ocr_lines(_scan(("青田市林业局", 0.3), ("青田市林业局", 0.3)))
    assert not surely_read(twice, "青田市林业局")  # read alike twice, but no such region


def _reread_gives(monkeypatch, text: str) -> list:
    """The reader's 300-dpi re-read of a line replaced by ``text`` (the real one needs tesseract and a page)."""
    import govreport.readers.ocr as ocr

    asked = []

    def reread_line(path, page, bbox, dpi):
        asked.append((str(path), page, dpi))
        return OcrCell(text, 0.8, page, bbox)

    monkeypatch.setattr(ocr, "reread_line", reread_line)
    return asked


def test_an_unsure_title_is_stated_when_the_300_dpi_read_gives_the_same_name(monkeypatch):
    # the 200-dpi title of 审计局 2024 (0.54, …年度报名) with nothing else naming the agency surely
    asked = _reread_gives(monkeypatch, "莆田市审计局2024年政府信息公开工作年度报告")
    doc = _scan(("莆田市审计局2024年政府信息公开工作年度报名", 0.54), ("2025年1月2日", 0.9))
    assert find_title(doc)[:2] == (2024, "莆田市审计局")
    assert asked == [("scan.pdf", 1, 300)]


def test_an_unsure_title_whose_300_dpi_read_names_another_agency_is_not_stated(monkeypatch):
    asked = _reread_gives(monkeypatch, "靖田市审计局2024年政府信息公开工作年度报告")
    doc = _scan(("莆田市审计局2024年政府信息公开工作年度报名", 0.54), ("2025年1月2日", 0.9))
    assert find_title(doc)[:2] == (2024, "")
    assert asked
