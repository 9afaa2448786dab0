"""Row losses of text-layer PDFs on three more real reports (tests/data/pdfrows), rendered to PDF both ways.

The cases are transcriptions of real Putian reports (changwu/putian-policy-opening-html; source, what was seen
in the page and what was taken from its text are recorded in each expected JSON): every table cell for cell with
its text, spans and width, so the narrow columns print as on the site. Rendered once per run with the other
HTML test reports (conftest.py ``renders``, tests/render_helpers.py): the browser PDF (Chromium), the same page printed without table borders, and the
office PDF (LibreOffice, from the DOCX it made of the page). What each case caught before the fixes:

- putian_ptkjj_2021 (gb2021, 12 pt text in 32-pt applicant columns), unruled: a long label runs to within 2.8 pt
  of the first value column (``3.危及“三安全一稳定”`` then ``0``), pdfplumber joins them into one word and the
  number was read into the label, its cell left blank with no unmapped row (2 cells).
- putian_ptslyj_2019 (gb2019, cells indented with '　　', a 33-px 三、本年度办理结果 column), browser PDF:
  Chromium breaks the row ``8.属于行政查询事项`` over two pages and draws no bottom border under its first part
  nor a top border over its rest; the row was outside every table (7 cells unmapped).
- putian_ptslyj_2019, unruled: labels wrap around their numbers over three lines (``7.属于行`` / 0 0 … /
  ``政执法案卷``); the tail of the row above (``类过程性信息``) was read into the next row's label, which put
  7.'s numbers under 6.'s metric (a wrong cell, all 0 so no value differed) and left 6. unmapped.
- putian_ptkjj_2019 (gb2019 printed with no rowspan: blank label cells in every row, the group label in its first row
  only): read in full before and after (unruled: 14 cells by the template's row order, on their rows).
- putian_ptsjj_2022 (gb2021, every request cell 0 in 57-px columns): read in full in every format before and after
  (/work/w4_notes/rows.md); only its HTML reading is tested here, to keep the module's rendering small.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from render_helpers import UNRULED, extraction, printed_values

DATA = Path(__file__).resolve().parents[1] / "data" / "pdfrows"
STEMS = ("putian_ptkjj_2021", "putian_ptslyj_2019", "putian_ptkjj_2019")  # rendered
READ_IN_FULL = "putian_ptsjj_2022"  # read in full in every format before the fixes: its HTML only, to save rendering
PDFS = ("chromium_pdf", "soffice_pdf", UNRULED)


@pytest.fixture(scope="module")
def rendered(renders):
    """The session's renderings (conftest.py renders these cases with the others: one LibreOffice start)."""
    assert all((s, "chromium_pdf") in renders.files or "chromium_pdf" in renders.skipped for s in STEMS)
    return renders


def _expected(stem: str) -> dict:
    return json.loads((DATA / "expected" / f"{stem}.json").read_text(encoding="utf-8"))


def _extraction(rendered, stem: str, fmt: str):
    if fmt in rendered.skipped:
        pytest.skip(rendered.skipped[fmt])
    path = DATA / f"{stem}.html" if fmt == "html" else rendered.files[(stem, fmt)]
    return extraction(path, _expected(stem)["template"])[0]  # each file parsed once per run


def _row(ex, metric: str) -> dict:
    """The total cell of one metric (its provenance and the label it was read under)."""
    return next(v for v in ex.values if v["metric"] == metric and v["applicant"] == "total")


CASES = [(stem, fmt) for stem in STEMS for fmt in ("html",) + PDFS] + [(READ_IN_FULL, "html")]


@pytest.mark.parametrize(("stem", "fmt"), CASES)
def test_every_hand_checked_cell_reads_right_and_none_lands_in_a_wrong_cell(rendered, stem, fmt):
    exp = _expected(stem)
    want = exp["values"]
    ex = _extraction(rendered, stem, fmt)
    got = printed_values(ex, exp.get("units", {}))
    wrong = {k: (got[k], v) for k, v in want.items() if k in got and got[k] != v}
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    assert not wrong and not extra, (wrong, extra)
    assert not missing, missing
    assert not ex.unmapped, ex.unmapped[:3]


def test_a_number_printed_against_its_label_is_its_own_cell(rendered):
    """ptkjj_2021 unruled: 3.危及“三安全一稳定”0 and 5.属于三类内部事务信息0 were one word each."""
    ex = _extraction(rendered, "putian_ptkjj_2021", UNRULED)
    got = printed_values(ex)
    for metric in ("outcome.denied.security_stability", "outcome.denied.internal_affairs"):
        assert got[f"{metric}|natural_person"] == 0
        assert not _row(ex, metric)["source_label"][-1].isdigit()


def test_a_row_a_page_break_cut_reads_by_its_label(rendered):
    """ptslyj_2019 browser PDF: 8.属于行政查询事 | 0 … on one page, 项 on the next, both parts unclosed."""
    ex = _extraction(rendered, "putian_ptslyj_2019", "chromium_pdf")
    row = _row(ex, "outcome.denied.admin_query")
    assert row["provenance"] == "reported" and row["source_label"].endswith("(三)不予公开 8.属于行政查询事项")
    # the merged (三)不予公开 cell ends with the cut row: (四)无法提供 below it is not joined to it
    assert "(四)无法提供 1.本机关" in _row(ex, "outcome.unavailable.not_held")["source_label"]
    assert "(三)" not in _row(ex, "outcome.unavailable.not_held")["source_label"]


def test_a_tail_left_above_a_numbered_label_is_not_read_into_it(rendered):
    """ptslyj_2019 unruled: 类过程性信息 (6.'s tail) stands above 7.属于行; 7.'s numbers go to 7.'s metric."""
    ex = _extraction(rendered, "putian_ptslyj_2019", UNRULED)
    row = _row(ex, "outcome.denied.enforcement_file")
    assert row["provenance"] == "reported" and row["source_label"].startswith("7.")
    six = _row(ex, "outcome.denied.process_info")
    assert six["row"] == row["row"] - 1  # 6.'s metric holds the row above 7.: by its label or the row order
