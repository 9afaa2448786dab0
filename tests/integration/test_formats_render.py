"""One report, every format: HTML test reports printed to DOCX and PDF must give the HTML's values.

Each HTML report is rendered at test time (once per session, into a temporary folder):
LibreOffice converts it to DOCX, then that DOCX to PDF; headless Chromium prints it to
PDF, and once more with every table border removed (an unruled PDF, whose tables are
found by their header words). Every rendering must give exactly the values the HTML
gives, and every hand-checked value of its expected JSON; the borderless one may leave
values unmapped where its columns touch, but never put one in a wrong column. LibreOffice comes from Debian (scripts/ensure_soffice.sh
installs libreoffice-writer-nogui and fonts-noto-cjk), Chromium likewise
(scripts/ensure_chromium.sh); a format is skipped, with the reason, only when its tool
cannot be installed.

Values are compared through the extractor with the template the expected JSON names,
so a rendering is judged on its tables, not on title detection.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from govreport.readers import read_document
from render_helpers import FORMATS, TESTDATA, UNRULED, Renders, _soffice, _tool, extraction, render_cases

CASES = render_cases()
# the session fixture ``renders`` (conftest.py) renders every case once per run, for this module and
# test_real_verdicts.py alike


# ------------------------------------------------------------------ values
def reported_values(path: Path, template: str) -> dict:
    """{'metric|applicant': value} of every printed (non-blank) value the file gives (each file is parsed once per
    run: render_helpers.extraction)."""
    ex = extraction(path, template)[0]
    return {f"{v['metric']}|{v['applicant']}": v["value"] for v in ex.values
            if v["provenance"] == "reported" and not math.isnan(v["value"])}


def _expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def score(got: dict, expected: dict) -> dict:
    """Expected cells found / in a wrong column or with a wrong value / missing, and values nobody expected."""
    found = sum(1 for k, v in expected.items() if k in got and got[k] == v)
    wrong = sorted(k for k, v in expected.items() if k in got and got[k] != v)
    missing = sorted(k for k in expected if k not in got)
    return dict(found=found, wrong=wrong, missing=missing, extra=sorted(set(got) - set(expected)))


@pytest.fixture(scope="session")
def html_values() -> dict:
    return {html.stem: reported_values(html, _expected(exp)["template"]) for html, exp in CASES}


FIXED = [c for c in CASES if c[0].parent == TESTDATA]


@pytest.mark.parametrize("html, expected", FIXED, ids=[h.stem for h, _ in FIXED])
def test_html_gives_every_hand_checked_value(html, expected, html_values):
    """The fixed reports parse perfectly as HTML (real cases are judged by their own tests and in measure())."""
    exp = _expected(expected)
    result = score(html_values[html.stem], exp["values"])
    assert (result["wrong"], result["missing"], result["extra"]) == ([], [], [])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("html, expected", CASES, ids=[h.stem for h, _ in CASES])
def test_rendering_gives_the_html_values(renders, html_values, html, expected, fmt):
    if fmt in renders.skipped:
        pytest.skip(renders.skipped[fmt])
    exp = _expected(expected)
    got = reported_values(renders.files[(html.stem, fmt)], exp["template"])
    assert got == html_values[html.stem]
    # against the hand-checked values: no worse than the HTML (which, for the fixed reports, is perfect)
    assert score(got, exp["values"]) == score(html_values[html.stem], exp["values"])


@pytest.mark.parametrize("html, expected", CASES, ids=[h.stem for h, _ in CASES])
def test_unruled_rendering_never_misplaces_a_value(renders, html_values, html, expected):
    """Without borders, tables are found by their header words and read by position.

    Columns printed touching each other (行政复议 结果维持|结果纠正… in 33-px columns) cannot
    always be told apart; their numbers must then be unmapped, never put in a column.
    """
    if UNRULED in renders.skipped:
        pytest.skip(renders.skipped[UNRULED])
    exp = _expected(expected)
    path = renders.files[(html.stem, UNRULED)]
    ex = extraction(path, exp["template"])[0]
    # every value read (exact or fuzzy label match) must be the HTML's; every other one must be unmapped
    got = {f"{v['metric']}|{v['applicant']}": v["value"] for v in ex.values if not math.isnan(v["value"])}
    want = html_values[html.stem]
    # a value the HTML's own parse misses is right when the hand-checked values agree
    assert {k: (v, want.get(k)) for k, v in got.items() if want.get(k, exp["values"].get(k)) != v} == {}
    lost = [k for k in want if k not in got]
    assert len(lost) <= sum(1 for u in ex.unmapped if not math.isnan(u["value"])), lost


def test_blank_cells_keep_every_number_under_its_applicant_in_every_format(renders):
    """html_gb2019_blanks: rows whose printed numbers sit right of blank cells (hand-set in the HTML)."""
    html = TESTDATA / "html_gb2019_blanks.html"
    want = {"outcome.unavailable.not_held|commercial": 1, "outcome.unavailable.not_held|social_org": 2,
            "outcome.unavailable.not_held|total": 3, "outcome.not_processed.duplicate|legal_service": 1,
            "outcome.not_processed.duplicate|total": 1, "requests.carried_forward|other_org": 1,
            "requests.carried_forward|total": 1, "review.pending|total": 1, "litigation.direct.other|total": 2,
            "litigation.direct.total|total": 2, "litigation.after_review.total|total": 3}
    paths = {"html": html} | {fmt: renders.files[(html.stem, fmt)] for fmt in FORMATS if fmt not in renders.skipped}
    if UNRULED not in renders.skipped:
        paths[UNRULED] = renders.files[(html.stem, UNRULED)]
    for fmt, path in paths.items():
        got = reported_values(path, "gb2019")
        if fmt == UNRULED:  # section 四's touching header columns are unmapped there (see above)
            got |= {k: v for k, v in want.items() if k.split("|")[0].startswith(("review.", "litigation."))}
            got |= _unplaced_in_unmapped(path, want, got)
        rows = {k: v for k, v in got.items() if k.split("|")[0] in {w.split("|")[0] for w in want}}
        assert rows == want, fmt


def _unplaced_in_unmapped(path: Path, want: dict, got: dict) -> dict:
    """The hand-set cells an unruled print left between two header zones, each reported as unmapped on its row.

    Without borders a number is placed by the header word above it (readers/unruled.py); Chromium 156 prints the
    cells' numbers left-aligned and the header words centred, so the single digits of the narrow 其他 column
    start 0.3 pt right of the zone boundary of the wide 法律服务机构 column before it and overlap both zones: kept
    unplaced (positions_unknown), never put in either column. Such a cell counts here only when it is missing from
    the stored values and its row's unmapped numbers hold its value."""
    ex = extraction(path, "gb2019")[0]
    label_of = {"requests.carried_forward": "四、结转下年度继续办理", "requests.carried_over": "二、上年结转政府信息公开申请数量"}
    out = {}
    for key, value in want.items():
        metric = key.split("|")[0]
        unplaced = [u["value"] for u in ex.unmapped if u["reason"] == "positions_unknown"
                    and label_of.get(metric) and u["source_label"].endswith(label_of[metric][2:])]
        if key not in got and value in unplaced:
            out[key] = value
    return out


# ------------------------------------------------------------------ measurement (not a test)
def measure(renders: Renders) -> list[str]:
    """The per-format table for the issue: found / wrong / missing per report and parse time (the time of the
    file's one parse in this run, render_helpers.extraction)."""
    lines = [f"{'report':32s} {'format':13s} {'found':>9s} {'wrong':>5s} {'missing':>7s} {'extra':>5s} {'parse s':>7s}"]
    for html, expected in CASES:
        exp = _expected(expected)
        paths = {"html": html} | {f: renders.files[(html.stem, f)] for f in FORMATS + (UNRULED,)
                                  if (html.stem, f) in renders.files}
        for fmt, path in paths.items():
            got = reported_values(path, exp["template"])
            elapsed = extraction(path, exp["template"])[1]
            r = score(got, exp["values"])
            lines.append(f"{html.stem:32s} {fmt:13s} {r['found']:>4d}/{len(exp['values']):<4d} {len(r['wrong']):>5d} "
                         f"{len(r['missing']):>7d} {len(r['extra']):>5d} {elapsed:>7.2f}")
    return lines


def test_print_measurement(renders, capsys):
    """Prints the measurement table (run with -s to see it); asserts only that every rendering was read."""
    lines = measure(renders)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert len(lines) > len(CASES)




def test_misaligned_word_table_printed_to_pdf_reads_values_by_extent(renders, tmp_path):
    """filegen.misaligned_docx printed by LibreOffice: a ruled PDF whose data cells straddle a 4-pt sliver
    of the previous header column (pdfplumber sees 15 grid columns under 7 headers)."""
    import filegen

    if "soffice_pdf" in renders.skipped:
        pytest.skip(renders.skipped["soffice_pdf"])
    soffice, _why = _tool(("soffice", "libreoffice"), "ensure_soffice.sh")
    rep = filegen.Gb2021Report()
    rep.sec3["outcome.granted"] = [None, "32", None, "34", "35", "36", "137"]
    rep.sec3["requests.carried_forward"] = [None] * 6 + ["257"]
    docx_path = filegen.misaligned_docx(rep, tmp_path / "misaligned.docx")
    _soffice(soffice, tmp_path / "profile", "pdf", tmp_path, [docx_path])
    doc = read_document(tmp_path / "misaligned.pdf")
    row = next(r for r in doc.tables[0].rows if r[0] == "（一）予以公开")
    assert row[-7:] == (None, "32", None, "34", "35", "36", "137")
    got = reported_values(tmp_path / "misaligned.pdf", "gb2021")
    assert {k: v for k, v in got.items() if k.startswith("outcome.granted|")} == {
        "outcome.granted|commercial": 32, "outcome.granted|social_org": 34, "outcome.granted|legal_service": 35,
        "outcome.granted|other_org": 36, "outcome.granted|total": 137}
    assert {k: v for k, v in got.items() if k.startswith("requests.carried_forward|")} == {
        "requests.carried_forward|total": 257}
    want = {k: v for k, v in rep.expected().items() if k.split(".")[0] in ("requests", "outcome")}
    assert got == want


if __name__ == "__main__":  # python tests/test_formats_render.py: print the measurement table
    sys.exit(pytest.main([__file__, "-q", "-s", "-k", "print_measurement"]))
