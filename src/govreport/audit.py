"""How well did a batch parse? Per report: the template's expected cells found / blank / missing, fuzzy
matches, unmapped numbers and identity checks; optionally scored against hand-checked values.

This is how a researcher sees whether a new batch of downloads parsed well before trusting it, and how
the parser is measured on reports it was not tuned to. Parse quality only: a failed identity is counted
(it may be the report's own arithmetic), never read as a parse error.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from . import catalog
from .catalog import APPLICANTS

AUDIT_COLUMNS = ["file", "status", "problem", "report_id", "template", "year", "agency", "expected_cells", "found",
                 "blank", "missing", "coverage", "fuzzy", "unmapped", "checks_pass", "checks_fail",
                 "checks_not_assessable", "hand_checked", "hand_right", "hand_wrong", "hand_missing"]


@lru_cache(maxsize=None)
def expected_cells(template: str) -> frozenset:
    """Every (metric, applicant) cell the template's tables print (legacy layouts vary: none expected)."""
    if template == "legacy":
        return frozenset()
    optional = {r["metric"] for r in catalog.read_csv("optional_cells.csv") if template in r["templates"].split()}
    cells = set()
    for e in catalog.label_entries():
        if e.template == template and e.metric not in optional:
            if e.column == "*":
                cells.update((e.metric, a) for a in APPLICANTS)
            else:
                cells.add((e.metric, "total"))
    return frozenset(cells)


def _hand_checked(expected: Optional[dict], printed: dict) -> dict:
    if not expected:
        return dict(hand_checked=0, hand_right=0, hand_wrong=0, hand_missing=0)
    right = wrong = missing = 0
    units = expected.get("units", {})  # cells the report printed in another money unit than the catalog's
    for key, want in expected.get("values", {}).items():
        metric, applicant = key.split("|")
        got = printed.get((metric, applicant))
        if key in units and got is not None:
            got = got * (catalog.unit_factor(catalog.metrics()[metric].unit, units[key]) or math.nan)
        if got is None or (isinstance(got, float) and math.isnan(got)):
            missing += 1
        elif abs(got - float(want)) < 1e-6:
            right += 1
        else:
            wrong += 1  # a number stored under the wrong metric or column: a shift
    return dict(hand_checked=right + wrong + missing, hand_right=right, hand_wrong=wrong, hand_missing=missing)


def audit_report(path: Path, expected: Optional[dict] = None) -> dict:
    """One row of the audit table for one file (a failure is a row too)."""
    from .api import parse
    from .document import ReportError

    row = {c: None for c in AUDIT_COLUMNS}
    row.update(file=str(path), status="ok", problem="")
    try:
        rep = parse(path)
    except ReportError as exc:
        row.update(status="refused", problem=exc.problem)
        return row
    vals = rep.values
    printed_rows = vals[vals["provenance"] != "derived"]
    printed = {(m, a): v for m, a, v in zip(printed_rows["metric"], printed_rows["applicant"], printed_rows["value"])}
    want = expected_cells(rep.meta["template"])
    found = sum(1 for c in want if c in printed and not math.isnan(printed[c]))
    blank = sum(1 for c in want if c in printed and math.isnan(printed[c]))
    states = rep.findings[~rep.findings["rule"].str.startswith(("identify.", "extract.", "fact.", "prose."))]["state"]
    row.update(report_id=rep.report_id, template=rep.meta["template"], year=rep.meta["year"], agency=rep.meta["agency"],
               expected_cells=len(want), found=found, blank=blank, missing=len(want) - found - blank,
               coverage=(found + blank) / len(want) if want else math.nan, fuzzy=rep.meta["n_fuzzy"],
               unmapped=len(rep.unmapped), checks_pass=int((states == "pass").sum()),
               checks_fail=int((states == "fail").sum()), checks_not_assessable=int((states == "not_assessable").sum()),
               **_hand_checked(expected, printed))
    return row


def _expected_by_file(expected_dirs: list) -> dict:
    out = {}
    for p in sorted(q for d in expected_dirs for q in Path(d).glob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        out[Path(data["file"]).stem] = data
    return out


def audit(paths: Iterable, expected_dirs: Iterable = ()) -> pd.DataFrame:
    """The audit table of every report under ``paths``; ``expected_dirs`` hold hand-checked JSON (matched to a
    report by file stem, so one JSON scores every rendering of a report: .html, .docx, .pdf)."""
    from .readers.walk import discover

    expected_dirs = [Path(d).resolve() for d in expected_dirs]
    files, failures = discover(paths)
    # the hand-checked JSON may sit inside the folder being audited
    files = [f for f in files if not any(d in Path(f).resolve().parents for d in expected_dirs)]
    failures = [f for f in failures if not any(d in Path(f.path).resolve().parents for d in expected_dirs)]
    expected = _expected_by_file(expected_dirs)
    rows = [audit_report(f, expected.get(Path(f).stem)) for f in files]
    rows += [dict({c: None for c in AUDIT_COLUMNS}, file=f.path, status="refused", problem=f.problem) for f in failures]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def summary_line(table: pd.DataFrame) -> str:
    """One line over the corpus: parsed, refused, cell coverage, fuzzy, unmapped, checks, hand-checked accuracy."""
    ok = table[table["status"] == "ok"]
    exp = int(ok["expected_cells"].sum())
    got = int(ok["found"].sum() + ok["blank"].sum())
    hand = int(ok["hand_checked"].sum())
    parts = [f"{len(ok)}/{len(table)} parsed ({len(table) - len(ok)} refused)",
             f"expected cells found {got}/{exp} = {got / exp:.1%}" if exp else "no fixed-layout tables",
             f"fuzzy {int(ok['fuzzy'].sum())}", f"unmapped {int(ok['unmapped'].sum())}",
             f"checks pass/fail/n.a. {int(ok['checks_pass'].sum())}/{int(ok['checks_fail'].sum())}/"
             f"{int(ok['checks_not_assessable'].sum())}"]
    if hand:
        parts.append(f"hand-checked right {int(ok['hand_right'].sum())}/{hand} = {ok['hand_right'].sum() / hand:.1%}, "
                     f"wrong (shifted) {int(ok['hand_wrong'].sum())}, missing {int(ok['hand_missing'].sum())}")
    return "; ".join(parts)
