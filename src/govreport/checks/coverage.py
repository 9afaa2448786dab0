"""How well did a batch parse? Per report: the template's expected cells found / blank / missing, fuzzy
matches, unmapped numbers and identity checks; optionally scored against hand-checked values.

This is how a researcher sees whether a new batch of downloads parsed well before trusting it, and how
the parser is measured on reports it was not tuned to. A failed identity is counted (it may be the report's
own arithmetic), never read as a parse error. Where the expected JSON states "verdicts", what the library
says about the report (agency, agency_id, level, publication date and its source, timeliness, the identity
breaks of its own table) is scored right / wrong / unknown: declining to say is never wrong, a false
accusation always is.

Checks sit below the stages that find and read files, so this module scores what it is handed:
``pipeline.audit`` (``govreport.audit``, the CLI's ``govreport audit``) passes its own ``parse`` and
``discover`` to :func:`audit_files`.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional

import pandas as pd

from govreport import catalog
from govreport.catalog import APPLICANTS
from govreport.errors import GovreportError, ReportError
from govreport.text.units import unit_factor

AUDIT_COLUMNS = ["file", "status", "problem", "report_id", "template", "year", "agency", "expected_cells", "found",
                 "blank", "missing", "coverage", "fuzzy", "unmapped", "checks_pass", "checks_fail",
                 "checks_not_assessable", "hand_checked", "hand_right", "hand_wrong", "hand_missing"]
# what the library says about a report, each scored right / wrong / unknown against the expected JSON's "verdicts"
VERDICT_KINDS = ("agency", "agency_id", "level", "published", "published_source", "timeliness", "identity")
VERDICT_OUTCOMES = ("right", "wrong", "unknown")
VERDICT_COLUMNS = [f"verdict_{k}" for k in VERDICT_KINDS] + ["false_fails", "verdict_problems"]
AUDIT_COLUMNS += VERDICT_COLUMNS
_UNKNOWN = {None, "", "unknown", "not_assessable"}  # the library declining to say


@lru_cache(maxsize=None)
def expected_cells(template: str) -> frozenset:
    """Every (metric, applicant) cell the template's tables print. Legacy layouts vary, so a legacy report is
    held to the core cells every legacy table prints (labels.csv legacy column less optional_cells.csv)."""
    optional = {r["metric"] for r in catalog.read_csv("optional_cells.csv") if template in r["templates"].split()}
    cells = set()
    for e in catalog.label_entries():
        if e.template == template and e.metric not in optional:
            if e.column == "*":  # per applicant column (only gb-family labels have one)
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
            got = got * (unit_factor(catalog.metrics()[metric].unit, units[key]) or math.nan)
        if got is None or (isinstance(got, float) and math.isnan(got)):
            missing += 1
        elif abs(got - float(want)) < 1e-6:
            right += 1
        else:
            wrong += 1  # a number stored under the wrong metric or column: a shift
    return dict(hand_checked=right + wrong + missing, hand_right=right, hand_wrong=wrong, hand_missing=missing)


@lru_cache(maxsize=None)
def _own_table_rules() -> frozenset:
    """Identity rules of the report's own table: a rule with a previous-year term is judged across reports."""
    rows = catalog.read_csv("rules.csv")
    cross = {r["rule"] for r in rows if int(r["year_offset"]) != 0}
    return frozenset(r["rule"] for r in rows) - cross


_SEVERITY = ("pass", "not_assessable", "fail")


def identity_states(findings: pd.DataFrame) -> dict:
    """{rule as found ('outcome.total', 'applicants:outcome.total'): state} over the report's own identity
    checks; over applicant columns a rule fails if one fails, else is not_assessable if one cannot be judged."""
    rules, out = _own_table_rules(), {}
    for rule, state in zip(findings["rule"], findings["state"]):
        if str(rule).split(":", 1)[0] in rules and state in _SEVERITY:
            out[rule] = max(out.get(rule, "pass"), state, key=_SEVERITY.index)
    return out


def library_verdicts(rep) -> dict:
    """What the library says about one parsed report, in the terms of the expected JSON's "verdicts": its
    identity, the timeliness row parse computed (the one ingest stores) and its own table's identities."""
    said = {k: None if pd.isna(v) else v for k, v in rep.timeliness.iloc[0].items()}
    published = said["published"]
    return {"agency": rep.meta.get("agency"), "agency_id": rep.meta.get("agency_id"), "level": said["level"],
            "published": pd.Timestamp(published).date().isoformat() if published is not None else None,
            "published_source": said["published_source"], "timeliness": said["state"],
            "identity": identity_states(rep.findings)}


def _judge(said, truth) -> str:
    """right / wrong / unknown: declining to say is right only where the document says nothing either."""
    if said in _UNKNOWN:
        return "right" if truth in _UNKNOWN else "unknown"
    return "right" if said == truth else "wrong"


def _judge_identity(states: dict, expected_fails: Iterable) -> tuple[str, list, list]:
    """(verdict, false fails, expected fails the library reported as pass) for the set of failing rules.

    An expected id names a rule ('applicants') or one of its instances ('applicants:outcome.total'). A fail
    nobody expected is a false accusation (wrong); an expected fail judged pass is a miss (wrong); one judged
    not_assessable, or not checked at all, is unknown."""
    def matches(rule: str, want: str) -> bool:
        return rule == want or rule.split(":", 1)[0] == want

    expected_fails = list(expected_fails)
    false = sorted(r for r, s in states.items() if s == "fail" and not any(matches(r, w) for w in expected_fails))
    passed, undecided = [], []
    for want in expected_fails:
        seen = [s for r, s in states.items() if matches(r, want)]
        if "fail" not in seen:
            (passed if seen and set(seen) == {"pass"} else undecided).append(want)
    verdict = "wrong" if false or passed else "unknown" if undecided else "right"
    return verdict, false, passed + undecided


def score_verdicts(said: dict, truth: dict) -> dict:
    """The verdict columns of an audit row: each kind right / wrong / unknown, the false fails, and one line
    naming every verdict that is not right (what was said against what is true)."""
    out, problems = {}, []
    for kind in VERDICT_KINDS[:-1]:
        out[f"verdict_{kind}"] = _judge(said.get(kind), truth.get(kind))
        if out[f"verdict_{kind}"] != "right":
            problems.append(f"{kind} {out[f'verdict_{kind}']}: {said.get(kind)} (expected {truth.get(kind)})")
    verdict, false, missed = _judge_identity(said["identity"], truth.get("identity_fails", []))
    out.update(verdict_identity=verdict, false_fails=" ".join(false))
    if verdict != "right":
        parts = [f"false fail {' '.join(false)}"] if false else []
        parts += [f"missed {w}={said['identity'].get(w, 'not checked')}" for w in missed]
        problems.append(f"identity {verdict}: " + "; ".join(parts))
    out["verdict_problems"] = " | ".join(problems)
    return out


def verdict_table(table: pd.DataFrame) -> pd.DataFrame:
    """Verdict kind x right / wrong / unknown over the rows that were scored (reports with "verdicts")."""
    counts = {kind: table[f"verdict_{kind}"].value_counts() for kind in VERDICT_KINDS}
    frame = pd.DataFrame({k: [int(c.get(o, 0)) for o in VERDICT_OUTCOMES] for k, c in counts.items()},
                         index=list(VERDICT_OUTCOMES)).T
    frame["total"] = frame.sum(axis=1)
    frame.index.name = "verdict"
    return frame


def refused_row(path, problem: str, expected: Optional[dict] = None) -> dict:
    """The audit row of a file that could not be read: a refused file says nothing about the report, so
    every verdict its expected JSON would score is unknown."""
    row = dict({c: None for c in AUDIT_COLUMNS}, file=str(path), status="refused", problem=problem)
    if expected and expected.get("verdicts"):
        row.update({f"verdict_{k}": "unknown" for k in VERDICT_KINDS}, verdict_problems=f"refused: {problem}")
    return row


def report_row(path, rep, expected: Optional[dict] = None) -> dict:
    """The audit row of one parsed report (``rep``: a ParsedReport): cells found, checks, hand-checked values
    and, where ``expected`` states "verdicts", the verdicts scored."""
    row = dict({c: None for c in AUDIT_COLUMNS}, file=str(path), status="ok", problem="")
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
    if expected and expected.get("verdicts"):
        row.update(score_verdicts(library_verdicts(rep), expected["verdicts"]))
    return row


def audit_report(path: Path, expected: Optional[dict] = None, *, parse: Callable) -> dict:
    """One row of the audit table for one file, parsed by ``parse`` (pipeline.parse; handed in, as checks sit
    below the pipeline); a file ``parse`` refuses (ReportError) is a row too."""
    try:
        rep = parse(path)
    except ReportError as exc:
        return refused_row(path, exc.problem, expected)
    return report_row(path, rep, expected)


class UnmatchedExpected(GovreportError, ValueError):
    """A hand-checked JSON that names no audited file: scoring it would silently read as 0/0."""


def _expected_files(expected: list) -> list:
    """The JSON files of ``expected``: each entry is a folder of JSON or one JSON file."""
    return sorted(q for d in expected for q in ([d] if d.suffix == ".json" else d.glob("*.json")))


def _expected_by_file(expected: list) -> dict:
    """{file stem the JSON names: (JSON path, data)}."""
    out = {}
    for p in _expected_files(expected):
        data = json.loads(p.read_text(encoding="utf-8"))
        out[Path(data["file"]).stem] = (p, data)
    return out


# integer columns: a refused row has none of them, and must not turn 2013 into 2013.0
_INT_COLUMNS = ["year", "expected_cells", "found", "blank", "missing", "fuzzy", "unmapped", "checks_pass", "checks_fail",
                "checks_not_assessable", "hand_checked", "hand_right", "hand_wrong", "hand_missing"]


def audit_files(paths: Iterable, expected_dirs: Iterable = (), strict: bool = False, *, parse: Callable,
                discover: Callable) -> pd.DataFrame:
    """The audit table, one row per file under ``paths`` (a refusal is a row too); ``expected_dirs`` hold
    hand-checked JSON (folders or single files, matched to a report by file stem, so one JSON scores every
    rendering of a report: .html, .docx, .pdf). ``strict``: a JSON naming no audited file raises
    UnmatchedExpected (the CLI's rule; a library caller may audit a subset against a whole folder).
    ``parse`` (path -> ParsedReport) and ``discover`` (paths -> (files, failures)) are the pipeline's, handed
    in by ``pipeline.audit``: checks sit below the stages that read files."""
    expected_dirs = [Path(d).resolve() for d in expected_dirs]
    files, failures = discover(paths)
    # the hand-checked JSON may sit inside the folder being audited
    files = [f for f in files if not any(d in Path(f).resolve().parents for d in expected_dirs)]
    failures = [f for f in failures if not any(d in Path(f.path).resolve().parents for d in expected_dirs)]
    expected = _expected_by_file(expected_dirs)
    if strict:
        stems = {Path(f).stem for f in files} | {Path(f.path).stem for f in failures}
        lost = [str(p) for stem, (p, _) in expected.items() if stem not in stems]
        if lost:
            raise UnmatchedExpected(f"{lost[0]}: expected file matches no input file"
                                    + (f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""))
    rows = [audit_report(f, expected.get(Path(f).stem, (None, None))[1], parse=parse) for f in files]
    rows += [refused_row(f.path, f.problem) for f in failures]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS).astype({c: "Int64" for c in _INT_COLUMNS})


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


def verdict_summary(table: pd.DataFrame) -> str:
    """The verdict table as markdown (kind | right | wrong | unknown | total), or '' when nothing was scored."""
    frame = verdict_table(table)
    if not int(frame["total"].sum()):
        return ""
    lines = ["| verdict | right | wrong | unknown | total |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {k} | {r.right} | {r.wrong} | {r.unknown} | {r.total} |" for k, r in frame.iterrows()]
    return "\n".join(lines)
