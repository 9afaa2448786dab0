"""Every verdict the library gives on a hand-checked report, in every format the report reaches a reader in.

The truth is the expected JSON's "verdicts" (agency, agency_id, level, publication date and its source,
timeliness, the identity breaks of the report's own table), checked by hand against each published page or
document (its `checked_by_hand` line says how). As published (the portal's HTML or text, the official PDF and
its pdftotext copy) every verdict must be right. Rendered (LibreOffice DOCX and PDF, Chromium PDF, made once
per run by the `renders` fixture, shared with test_formats_render.py) no verdict may be wrong; one may be
`unknown` only where the rendering loses what the page states, listed below with the reason, so the test
fails when that changes.
"""
from __future__ import annotations

import csv

import pytest

from conftest import ROOT

from govreport.checks.coverage import VERDICT_KINDS
from render_helpers import FORMATS
from verdict_helpers import RENDERED, accuracy_rows, score_file, truth, verdict_cases

CASES = verdict_cases()
RENDERED_CASES = [c for c in CASES if c.html is not None]
ACCURACY_CSV = ROOT / "src" / "govreport" / "catalog" / "verdict_accuracy.csv"



def _outcomes(score: dict) -> dict:
    return {k: score[k] for k in VERDICT_KINDS}


def test_cases_with_verdicts_cover_every_shape():
    """The ground truth spans both levels, every date source but the signature, a report published late
    (putian_ptkjj_2009), reports that state no date (the Huai'an PDFs), and reports with identity breaks."""
    verdicts = [c.expected["verdicts"] for c in CASES]
    assert {v["level"] for v in verdicts} >= {"government", "department"}
    assert {v["published_source"] for v in verdicts} >= {"meta", "labelled", "url", None}
    assert {v["timeliness"] for v in verdicts} >= {"on_time", "late", "unknown"}
    assert any(v["identity_fails"] for v in verdicts)
    assert len(RENDERED_CASES) >= 6


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_every_verdict_is_right_as_published(case):
    for fmt, path in case.files:
        score = score_file(path, truth(case, fmt))
        assert _outcomes(score) == dict.fromkeys(VERDICT_KINDS, "right"), f"{fmt}: {score['problems']}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", RENDERED_CASES, ids=[c.stem for c in RENDERED_CASES])
def test_no_verdict_is_wrong_in_a_rendering(renders, case, fmt):
    if fmt in renders.skipped:
        pytest.skip(renders.skipped[fmt])
    score = score_file(renders.files[(case.html.stem, fmt)], truth(case, fmt))
    outcomes = _outcomes(score)
    assert [k for k, o in outcomes.items() if o == "wrong"] == [], score["problems"]
    assert {k for k, o in outcomes.items() if o == "unknown"} == set(), score["problems"]


def test_a_rendering_states_a_meta_date_by_the_printed_line():
    """putian_ptsjj_2024: <meta name="PubDate" content="2025-01-06 16:03"> and, above the text, the printed
    line 发布时间：2025-01-06 16:03; a DOCX or PDF keeps only the line, so its true source is 'labelled'."""
    case = next(c for c in CASES if c.stem == "putian_ptsjj_2024")
    assert truth(case, "published_html")["verdicts"]["published_source"] == "meta"
    assert {fmt: truth(case, fmt)["verdicts"]["published_source"] for fmt in FORMATS} == dict.fromkeys(FORMATS, "labelled")
    assert all(truth(case, fmt)["verdicts"]["published"] == "2025-01-06" for fmt in FORMATS)


def test_published_accuracy_figures_are_what_the_library_gives_now():
    """verdict_accuracy.csv (written by scripts/measure_verdicts.py, published on the methods page): its rows
    for the files as published must equal a fresh scoring, so the published figure cannot go stale."""
    with open(ACCURACY_CSV, encoding="utf-8", newline="") as fh:
        published = [r for r in csv.DictReader(fh) if r["format"] not in RENDERED]
    scores = [(fmt, score_file(path, truth(c, fmt))) for c in CASES for fmt, path in c.files]
    now = accuracy_rows(scores, measured_on="")
    drop = lambda rows: [{k: str(v) for k, v in r.items() if k != "measured_on"} for r in rows]  # noqa: E731
    assert drop(published) == drop(now), "stale: rerun .venv/bin/python scripts/measure_verdicts.py"


def test_accuracy_figures_cover_every_rendered_format():
    with open(ACCURACY_CSV, encoding="utf-8", newline="") as fh:
        formats = {r["format"] for r in csv.DictReader(fh)}
    assert formats >= set(FORMATS)
