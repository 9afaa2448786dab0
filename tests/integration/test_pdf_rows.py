"""The last row losses of text-layer PDFs, on the real reports of tests/data/real rendered to PDF both ways.

Uses the session's renderings (conftest.py ``renders``: tests/render_helpers.py, rendered once per run): the
browser-printed PDF (Chromium), the same page printed with every table border removed (its tables found by
their header words) and the office-exported PDF (LibreOffice, from the DOCX it made of the page).

- putian_ptsmzj_2015: a legacy 统计表 floating beside the portal's sidebar. Printed without borders, the sidebar's
  words (附件下载： 扫一扫在 手机打开 联系我们| …) stand on the table's lines and the header's; one value
  (2.政府网站 条 / 24 237) is printed on the line under its label. Every value is read, no label takes a
  sidebar word. LibreOffice's HTML import floats that table in a text box (``framed``); the office PDF is
  printed from the DOCX with the table back in the text flow, as an office's own Word file has it
  (tests/render_helpers.py ``_unframe_tables``), and reads in full.
- putian_ptsslj_2020: printed without borders, two rows of the gb2019 办理结果 table have labels that cannot be
  read (一、本年新收政府信息公开申 / 请数量 split by the page's header lines, and （四）无法提供 interleaved with
  2.没有现成信息需要另行制作); their neighbours match and the template's row order places them
  (provenance matched_position) since the table's identities hold with them.
- Every real case, browser and office PDF: at least 99.5 % of hand-checked cells, none in a wrong cell.
"""
from __future__ import annotations

import json
import math

import pytest

from render_helpers import REAL, UNRULED, extraction, printed_values, render_cases

PDFS = ("chromium_pdf", "soffice_pdf", UNRULED)
SIDEBAR = ("附件下载", "扫一扫", "手机打开", "当前页", "联系我们", "使用帮助", "加入收藏", "网站地图", "附表")


def _expected(stem: str) -> dict:
    return json.loads((REAL / "expected" / f"{stem}.json").read_text(encoding="utf-8"))


def _extraction(renders, stem: str, fmt: str):
    """The extraction of one rendering (render_helpers.extraction: each PDF is parsed once per run, shared
    with test_formats_render.py)."""
    if fmt in renders.skipped:
        pytest.skip(renders.skipped[fmt])
    return extraction(renders.files[(stem, fmt)], _expected(stem)["template"])[0]


@pytest.mark.parametrize("fmt", PDFS)
def test_legacy_table_beside_a_portal_sidebar(renders, fmt):
    stem = "putian_ptsmzj_2015"
    if fmt == "soffice_pdf":  # the DOCX holds the table in a text box; its PDF is printed with the table inline
        assert stem in renders.framed
    ex = _extraction(renders, stem, fmt)
    want = _expected(stem)["values"]
    got = printed_values(ex)
    assert {k: got.get(k) for k in want} == want
    assert got["proactive.channel.website|total"] == 24  # 2.政府网站 条 / 24 237: the number under its label
    labels = {v["source_label"] for v in ex.values} | {u["source_label"] for u in ex.unmapped}
    assert not [label for label in labels if any(word in label for word in SIDEBAR)]
    assert {v["source_label"] for v in ex.values if v["metric"] == "proactive.channel.website"} == {"2.政府网站"}


def test_unreadable_rows_are_placed_by_the_template_row_order(renders):
    stem = "putian_ptsslj_2020"
    ex = _extraction(renders, stem, UNRULED)
    placed = {(v["metric"], v["source_label"]) for v in ex.values if v["provenance"] == "matched_position"}
    assert placed == {("requests.new_received", "请数量"), ("outcome.unavailable.needs_creation", "无法提息需要另行制供作")}
    assert len([v for v in ex.values if v["provenance"] == "matched_position"]) == 14
    want, units = _expected(stem)["values"], _expected(stem)["units"]
    assert {k: v for k, v in printed_values(ex, units).items() if k in want} == want  # all 198 hand-checked cells, none elsewhere
    assert not [u for u in ex.unmapped if not math.isnan(u["value"]) and u["section"] == "requests"]
    # printed with its borders, both ways, the same rows read by their labels: nothing is placed by position
    for fmt in ("chromium_pdf", "soffice_pdf"):
        ruled = _extraction(renders, stem, fmt)
        assert not [v for v in ruled.values if v["provenance"] == "matched_position"]
        assert {k: v for k, v in printed_values(ruled, units).items() if k in want} == want


@pytest.mark.parametrize("fmt", PDFS)
def test_every_real_case_in_pdf_reads_its_hand_checked_cells(renders, fmt):
    """Over every real HTML case: >= 99.5 % of hand-checked cells, 0 in a wrong cell."""
    right = total = 0
    wrong: list = []
    for html, expected in render_cases():
        if html.parent != REAL:
            continue
        exp = json.loads(expected.read_text(encoding="utf-8"))
        got = printed_values(_extraction(renders, html.stem, fmt), exp.get("units", {}))
        for key, value in exp["values"].items():
            g = got.get(key)
            total += 1
            right += g == value
            if g is not None and g != value:
                wrong.append((html.stem, key, g, value))
    assert wrong == []
    assert total >= 800 and right / total >= 0.995, (right, total)  # 825 cells in 6 reports (810 office)
