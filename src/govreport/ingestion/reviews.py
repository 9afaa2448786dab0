"""An analyst's decisions on findings: read ``reviews.csv``, check each row, apply them to the findings table.

The file lives beside the raw reports (``data/raw/reviews.csv``): it is input, kept across re-ingests, never
a build product. A review is keyed by the report's content hash and the finding's rule (and applicant; blank
means every applicant of that rule), so it stays with the same document whatever its file is called, and is
detached (``orphan``) when the document changes. Ingest applies the reviews after the part cache, so a changed
reviews.csv re-assembles the tables without parsing a report again. The file is a log: a later row for the
same key supersedes an earlier one (``govreport review`` appends).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from govreport.ingestion.discover import REVIEWS_FILE, Failure, reviews_file
from govreport.schemas import FINDING_RULES, REVIEW_COLUMNS, columns
from govreport.store import atomic_write, sha256_file

COLUMNS = ["sha256", "rule", "applicant", "decision", "note", "reviewer", "date"]  # of reviews.csv, the input
DECISIONS = ("confirmed", "dismissed")
STATUSES = ("applied", "superseded", "orphan", "no_finding")  # what became of each row (the reviews table)
TABLE_COLUMNS = columns("reviews")  # the stored table: its row in the file, COLUMNS, the report, the status
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Review:
    """One row of reviews.csv, checked."""

    sha256: str
    rule: str
    applicant: str  # '' = every applicant of the rule
    decision: str
    note: str
    reviewer: str
    date: str
    row: int = 0    # its row in the file (the header is row 1)


@dataclass
class Reviews:
    """The checked rows of one reviews file, and a one-line failure per row (or file) that could not be used."""

    path: Optional[str] = None
    rows: list[Review] = field(default_factory=list)
    problems: list[Failure] = field(default_factory=list)


# --------------------------------------------------------------------------
# where the file is, and its record in the manifest

def locate(paths: Iterable, explicit=None) -> Optional[Path]:
    """The reviews file of an ingest: ``explicit`` (--reviews FILE), else reviews.csv in the first input folder."""
    return Path(explicit) if explicit is not None else reviews_file([p for p in paths if "://" not in str(p)])


def with_source(sources: list[dict], path: Optional[Path]) -> list[dict]:
    """The manifest's source records with the reviews file used (recorded as reviews.csv, whatever its name),
    so a changed reviews file is a changed input (additive.Plan.unchanged) and re-assembles the tables."""
    kept = [s for s in sources if s.get("path") != REVIEWS_FILE]
    if path is not None and Path(path).is_file():
        kept.append({"path": REVIEWS_FILE, "sha256": sha256_file(path)})
    return sorted(kept, key=lambda r: r["path"])


# --------------------------------------------------------------------------
# reading and checking

def read(path: Optional[Path]) -> Reviews:
    """Every usable row of ``path``; each bad row (or an unreadable file) is one failure naming file and row."""
    if path is None:
        return Reviews()
    out = Reviews(path=str(path))
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        out.problems.append(Failure(str(path), "reviews file not found"))
        return out
    except (OSError, UnicodeDecodeError) as exc:
        out.problems.append(Failure(str(path), f"reviews file unreadable ({type(exc).__name__}; UTF-8 CSV expected)"))
        return out
    reader = csv.DictReader(io.StringIO(text))
    if [c.strip() for c in reader.fieldnames or []] != COLUMNS:
        out.problems.append(Failure(str(path), f"row 1: the header must be {','.join(COLUMNS)}"))
        return out
    for n, raw in enumerate(reader, 2):
        try:
            out.rows.append(check_row(raw, n))
        except ValueError as exc:
            out.problems.append(Failure(str(path), f"row {n}: {exc}"))
    return out


def check_row(raw: dict, row: int = 0) -> Review:
    """A row as a Review; ValueError with the reason when a cell is wrong."""
    if None in raw or any(raw.get(c) is None for c in COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} cells ({','.join(COLUMNS)})")
    cell = {c: str(raw[c]).strip() for c in COLUMNS}
    if not _SHA256.fullmatch(cell["sha256"]):
        raise ValueError(f"sha256 {cell['sha256']!r} is not a report's content hash (64 lower-case hex digits)")
    if cell["rule"].split(":", 1)[0] not in FINDING_RULES:
        raise ValueError(f"rule {cell['rule']!r} is not a rule of catalog/rules.csv or catalog/reasons.csv")
    if cell["decision"] not in DECISIONS:
        raise ValueError(f"decision {cell['decision']!r} is not one of {', '.join(DECISIONS)}")
    if not cell["note"]:
        raise ValueError("a decision needs a note saying why")
    try:
        dt.date.fromisoformat(cell["date"])
    except ValueError:
        raise ValueError(f"date {cell['date']!r} is not a date (YYYY-MM-DD)") from None
    return Review(row=row, **cell)


# --------------------------------------------------------------------------
# applying

def apply(findings: pd.DataFrame, reports: pd.DataFrame, reviews: Reviews) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The findings with their review columns, and the reviews table (each row and what became of it).

    A row names a report by content hash; one with a specific applicant outranks a blank one; of two rows
    with the same key the later wins."""
    by_sha = dict(zip(reports["sha256"].astype(str), reports["report_id"].astype(str))) if len(reports) else {}
    latest: dict[tuple, Review] = {}
    for r in reviews.rows:
        latest[(r.sha256, r.rule, r.applicant)] = r
    decided = {(by_sha[k[0]], k[1], k[2]): r for k, r in latest.items() if k[0] in by_sha}
    if decided:
        columns, used = {c: [] for c in REVIEW_COLUMNS}, set()
        for rid, rule, applicant in zip(findings["report_id"].astype(str), findings["rule"].astype(str),
                                        findings["applicant"].astype(str)):
            r = decided.get((rid, rule, applicant)) or decided.get((rid, rule, ""))
            used.add(r.row if r else None)
            for c, v in zip(REVIEW_COLUMNS, (r.decision, r.note, r.reviewer, r.date) if r else ("",) * 4):
                columns[c].append(v)
    else:  # no review names these reports (most chunks): every finding unreviewed, nothing looked up
        columns, used = {c: [""] * len(findings) for c in REVIEW_COLUMNS}, {None} if len(findings) else set()
    out = findings.assign(**columns)[list(findings.columns) + REVIEW_COLUMNS] if len(findings) \
        else findings.assign(**{c: pd.Series(dtype=str) for c in REVIEW_COLUMNS})
    return out, _table(reviews, by_sha, latest, used)


def _table(reviews: Reviews, by_sha: dict, latest: dict, used: set) -> pd.DataFrame:
    rows = []
    for r in reviews.rows:
        if r.sha256 not in by_sha:
            status = "orphan"
        elif latest[(r.sha256, r.rule, r.applicant)] is not r:
            status = "superseded"
        else:
            status = "applied" if r.row in used else "no_finding"
        rows.append({"row": r.row, **{c: getattr(r, c) for c in COLUMNS},
                     "report_id": by_sha.get(r.sha256, ""), "status": status})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS).astype({"row": "int64"})


def summary(table: pd.DataFrame) -> dict[str, int]:
    """Rows of the reviews table by status (every status, 0 when none)."""
    counts = table["status"].value_counts() if len(table) else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}


# --------------------------------------------------------------------------
# writing a decision (govreport review)

def append(path: Path, review: Review) -> None:
    """Add one row to ``path`` (created with its header), atomically: the old file or the new, never half."""
    check_row({c: getattr(review, c) for c in COLUMNS})
    path = Path(path)
    old = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not old:
        writer.writerow(COLUMNS)
    writer.writerow([getattr(review, c) for c in COLUMNS])
    atomic_write(path, lambda tmp: Path(tmp).write_text(old + buffer.getvalue(), encoding="utf-8"))


def decide(processed: Path, target: Path, report: str, rule: str, decision: str, note: str, reviewer: str = "",
           applicant: str = "", date: Optional[str] = None) -> Review:
    """Record a decision on one finding of an ingested report (its content hash from the store) in ``target``.

    Raises ReportError (one line) for an unknown report, a rule the report has no finding of, or a bad cell."""
    from difflib import get_close_matches

    from govreport.errors import ReportError
    from govreport.store import load

    data = load(processed)
    reports = data.reports
    hit = reports[reports["report_id"].astype(str) == report]
    if hit.empty:
        near = get_close_matches(report, reports["report_id"].astype(str).tolist(), n=3, cutoff=0.4)
        raise ReportError(processed, f"no ingested report {report!r}"
                          + (f" (closest: {', '.join(near)})" if near else ""))
    findings = data.findings[data.findings["report_id"].astype(str) == report]
    mine = findings[findings["rule"].astype(str) == rule]
    if applicant:
        mine = mine[mine["applicant"].astype(str) == applicant]
    if mine.empty:
        open_ = sorted(set(findings.loc[findings["state"].astype(str) != "pass", "rule"].astype(str)))
        raise ReportError(processed, f"report {report} has no finding {rule!r}"
                          + (f" for applicant {applicant!r}" if applicant else "")
                          + (f" (its findings that do not pass: {', '.join(open_)})" if open_ else ""))
    review = Review(sha256=str(hit["sha256"].iloc[0]), rule=rule, applicant=applicant, decision=decision,
                    note=" ".join(str(note).split()), reviewer=reviewer, date=date or dt.date.today().isoformat())
    try:
        append(target, review)
    except ValueError as exc:
        raise ReportError(target, str(exc)) from None
    return review


def notices(table: pd.DataFrame, path: str = REVIEWS_FILE) -> list[str]:
    """One line per review row that decided nothing (orphan: no report has its hash; no_finding: its report
    has no such finding), for the ingest summary."""
    why = {"orphan": "no ingested report has sha256 {sha}", "no_finding": "report {rid} has no finding {rule}"}
    return [f"{path}: row {r.row}: {r.status}: " + why[r.status].format(sha=r.sha256[:12] + "…", rid=r.report_id,
                                                                      rule=r.rule)
            for r in table.itertuples() if r.status in why]
