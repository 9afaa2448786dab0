"""The hand-checked cases with "verdicts", the files each is published as, and their scoring per format.

Shared by tests/test_real_verdicts.py and scripts/measure_verdicts.py, so the published accuracy figures
(src/govreport/catalog/verdict_accuracy.csv) are computed exactly as the tests judge them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from render_helpers import FIXTURES, FORMATS, REAL, TESTDATA

from govreport.checks.coverage import VERDICT_KINDS, VERDICT_OUTCOMES
from govreport.pipeline import audit_report

ACCURACY_COLUMNS = ["format", "verdict", "right", "wrong", "unknown", "total", "measured_on"]
RENDERED = frozenset(FORMATS)  # formats made from the page here; every other format is a file as published

# A rendering carries no HTML <meta>: the date a page states in its PubDate meta is, in DOCX and PDF, stated
# by the next source the page prints. Checked by hand in each page: the 发布时间 line above the text gives
# the same minute as the meta, so a rendering's true source is "labelled" (same date, same verdict).
_PRINTED_DATE_LINE = {
    "putian_pthyyyyj_2016": "发布时间：2017-01-20 09:06",
    "putian_ptkjj_2024": "发布时间：2025-01-21 10:30",
    "putian_ptsjj_2024": "发布时间：2025-01-06 16:03",
    "putian_ptslyj_2023": "发布时间：2024-01-10 15:12",
    "putian_ptsmzj_2015": "发布时间：2016-02-03 09:59",
    "putian_ptsslj_2020": "发布时间：2021-01-18 17:03",
}


@dataclass(frozen=True)
class VerdictCase:
    stem: str
    expected: dict  # the whole expected JSON (its "verdicts" are the truth)
    files: tuple  # ((format, path), ...) as published: the portal's page or text, the official PDF
    html: Path | None  # the page to render, when it is one


def _published(folder: Path, expected: dict) -> tuple:
    """The files a case is published as: the named file; a fixture's official PDF beside its pdftotext copy."""
    named = folder / expected["file"]
    if folder == FIXTURES / "expected":
        named = FIXTURES / "text" / expected["file"]
        pdf = FIXTURES / "pdf" / f"{named.stem}.pdf"
        return (("published_pdf", pdf), ("pdftotext_txt", named)) if pdf.is_file() else (("pdftotext_txt", named),)
    if folder == REAL / "expected":
        named = REAL / expected["file"]
    return ((f"published_{named.suffix.lstrip('.')}", named),)


def verdict_cases() -> list[VerdictCase]:
    """Every expected JSON in the repository that states "verdicts", with the files it scores."""
    sources = [(p, p.parent) for folder in (REAL / "expected", FIXTURES / "expected") for p in sorted(folder.glob("*.json"))]
    sources += [(p, TESTDATA) for p in sorted(TESTDATA.glob("*.expected.json"))]
    cases = []
    for path, folder in sources:
        expected = json.loads(path.read_text(encoding="utf-8"))
        if expected.get("verdicts"):
            files = _published(folder, expected)
            html = next((f for _, f in files if f.suffix == ".html"), None)
            cases.append(VerdictCase(Path(expected["file"]).stem, expected, files, html))
    return cases


def rendered_files(case: VerdictCase, renders) -> tuple:
    """((format, path), ...) of the case's renderings (none for a case that is not an HTML page)."""
    if case.html is None:
        return ()
    return tuple((fmt, renders.files[(case.html.stem, fmt)]) for fmt in FORMATS if (case.html.stem, fmt) in renders.files)


def truth(case: VerdictCase, fmt: str) -> dict:
    """The expected JSON with the verdicts true of this file: a rendering states a meta date by its printed line."""
    verdicts = dict(case.expected["verdicts"])
    line = _PRINTED_DATE_LINE.get(case.stem)
    if fmt in RENDERED and verdicts.get("published_source") == "meta" and line:
        assert verdicts["published"] in line, f"{case.stem}: the printed line {line} is not the meta date"
        verdicts["published_source"] = "labelled"
    return {**case.expected, "verdicts": verdicts}


_AUDITS: dict = {}  # (path, mtime, size, expected) -> audit_report's row


def audited(path: Path, expected: dict) -> dict:
    """``pipeline.audit_report(path, expected)``, run once per run for an unchanged file and the same truth: the
    verdict tests of each file as published and the accuracy figures score the same files."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, json.dumps(expected, sort_keys=True))
    if key not in _AUDITS:
        _AUDITS[key] = audit_report(path, expected)
    return dict(_AUDITS[key])


def score_file(path: Path, expected: dict) -> dict:
    """{verdict kind: right / wrong / unknown, 'problems': one line naming each verdict that is not right}."""
    row = audited(path, expected)
    return {**{k: row[f"verdict_{k}"] for k in VERDICT_KINDS}, "problems": row["verdict_problems"] or ""}


def accuracy_rows(scores: list[tuple[str, dict]], measured_on: str) -> list[dict]:
    """Rows of verdict_accuracy.csv from (format, score_file result) pairs: format x verdict kind counts."""
    rows = []
    formats = sorted(set(f for f, _ in scores), key=lambda f: (f in RENDERED, not f.startswith("published_"),
                                                              FORMATS.index(f) if f in RENDERED else f))
    for fmt in formats:
        for kind in VERDICT_KINDS:
            got = [s[kind] for f, s in scores if f == fmt]
            counts = {o: got.count(o) for o in VERDICT_OUTCOMES}
            rows.append({"format": fmt, "verdict": kind, **counts, "total": len(got), "measured_on": measured_on})
    return rows
