"""The public pipeline: parse one report, ingest many, load what was written."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from . import catalog
from .identify import identify, identity_findings
from .identify import report_id as make_report_id
from .document import Document
from .errors import ReportError, one_line
from .extract import extract
from .harmonize import harmonize
from .readers import read_document
from .schemas import (FINDING_COLUMNS, PLACEHOLDER_COLUMNS, REPORT_COLUMNS, UNMAPPED_COLUMNS, VALUE_COLUMNS,
                      validate_table)
from .readers.walk import Failure, discover, source_records
from .store import Processed, load, sha256_file, write_tables
from .validate import Cells, check_across_years, check_report, derive_totals

_EXPECTED_SECTIONS = {"legacy": {"legacy"}, "gb2019": {"art20", "requests", "appeals"}, "gb2021": {"art20", "requests", "appeals"}}


@dataclass
class ParsedReport:
    """One report as tables: ``values`` (the long table), ``unmapped``, ``findings``, ``meta``."""

    values: pd.DataFrame
    unmapped: pd.DataFrame
    findings: pd.DataFrame
    placeholders: pd.DataFrame
    meta: dict
    document: Optional[Document] = field(default=None, repr=False)

    @property
    def report_id(self) -> str:
        return self.meta["report_id"]


def parse(path) -> ParsedReport:
    """Read, detect, extract and check one report. Raises ReportError on bad input."""
    path = Path(path)
    doc = read_document(path)
    det = identify(doc)
    aid = det.agency_id
    rid = make_report_id(aid, det.year)
    ex = extract(doc, det.template, rid)
    if not ex.values and not ex.unmapped:
        raise ReportError(path, f"{det.template} report for {det.year} but no statistics table could be read (truncated?)")
    values = list(ex.values)
    derived = derive_totals(values, det.template, ex.placeholders)
    findings = identity_findings(rid, det) + check_report(rid, det.template, values, ex.placeholders)
    missing = sorted(_EXPECTED_SECTIONS[det.template] - ex.sections_found)
    if missing:
        findings.append(dict(report_id=rid, rule="extract.sections", applicant="total", state="fail", left=math.nan,
                             right=math.nan, blanks_as_zero=False,
                             evidence=f"table sections not found: {', '.join(missing)} (report truncated or laid out unusually)"))
    ident = dict(report_id=rid, agency=det.agency, agency_id=aid, year=det.year, template=det.template)
    vals = pd.DataFrame([{**ident, **v} for v in values], columns=VALUE_COLUMNS)
    vals = validate_table("values", vals)
    unm = pd.DataFrame([dict(report_id=rid, agency_id=aid, year=det.year, **u) for u in ex.unmapped], columns=UNMAPPED_COLUMNS)
    unm = validate_table("unmapped", unm)
    ph = validate_table("placeholders", pd.DataFrame([dict(report_id=rid, **p) for p in ex.placeholders], columns=PLACEHOLDER_COLUMNS))
    fnd = validate_table("findings", pd.DataFrame(findings, columns=FINDING_COLUMNS))
    meta = dict(**ident, source_file=str(path), format=doc.format, sha256=sha256_file(path), n_values=int(vals["value"].notna().sum()),
                n_derived=len(derived), n_unmapped=len(unm), n_failed_rules=int((fnd["state"] == "fail").sum()),
                sections_found=",".join(sorted(ex.sections_found)), template_scores=det.template_scores,
                agency_source=det.agency_source, agency_id_how=det.agency_id_how, **_match_counts(vals))
    return ParsedReport(values=vals, unmapped=unm, findings=fnd, placeholders=ph, meta=meta, document=doc)


def _match_counts(vals: pd.DataFrame) -> dict:
    """How the report's cells were read: exact catalog matches, fuzzy matches, blank cells."""
    printed = vals["provenance"] != "derived"
    return dict(n_exact=int((vals["provenance"] == "reported").sum()),
                n_fuzzy=int((vals["provenance"] == "matched_fuzzy").sum()),
                n_blank=int((printed & vals["value"].isna()).sum()))


@dataclass
class IngestResult:
    processed: Processed
    failures: list[Failure]
    reports: list[ParsedReport]


def _keep_apart(rep: ParsedReport, first: ParsedReport) -> ParsedReport:
    """A second, different document with the same agency id and year: its report_id gets its content hash,
    and both reports get a finding (two editions, a mislabelled file, or two agencies one id cannot tell)."""
    new_id = f"{rep.report_id}~{rep.meta['sha256'][:8]}"
    evidence = (f"{Path(rep.meta['source_file']).name} and {Path(first.meta['source_file']).name} are different "
                f"documents for {rep.meta['agency']} {rep.meta['year']}; kept as {first.report_id} and {new_id}")
    for frame in (rep.values, rep.unmapped, rep.findings, rep.placeholders):
        frame["report_id"] = new_id
    rep.meta["report_id"] = new_id
    for target in (rep, first):
        row = dict(report_id=target.report_id, rule="identify.same_agency_and_year", applicant="total", state="fail",
                   left=math.nan, right=math.nan, evidence=evidence, blanks_as_zero=False)
        target.findings = validate_table("findings", pd.concat([target.findings, pd.DataFrame([row])], ignore_index=True))
    return rep


def _parse_safely(path: Path) -> tuple[Optional[ParsedReport], Optional[Failure]]:
    try:
        return parse(path), None
    except ReportError as exc:
        return None, Failure(str(path), exc.problem)
    except RecursionError:
        return None, Failure(str(path), "structure nested too deeply to read")
    except MemoryError:
        return None, Failure(str(path), "file too large to read in memory")
    except Exception as exc:  # a bug or an unforeseen file: report it, keep the batch going
        return None, Failure(str(path), one_line(f"internal error while parsing ({exc.__class__.__name__}: {exc})"))


def _cross_year(parsed: list[ParsedReport]) -> list[dict]:
    by_agency: dict[str, dict[int, ParsedReport]] = {}
    for p in parsed:
        by_agency.setdefault(p.meta["agency_id"], {})[p.meta["year"]] = p
    out = []
    for years in by_agency.values():
        for year, cur in sorted(years.items()):
            prev = years.get(year - 1)
            if prev is None or prev.meta["template"] == "legacy" or cur.meta["template"] == "legacy":
                continue
            cells_now = Cells(cur.values.to_dict("records"), cur.placeholders.to_dict("records"))
            cells_prev = Cells(prev.values.to_dict("records"), prev.placeholders.to_dict("records"))
            out.extend(check_across_years(cur.report_id, cur.meta["template"], cells_now, cells_prev))
    return out


def data_dictionary() -> pd.DataFrame:
    """Metric id, labels and unit per metric, generated from the label catalog."""
    rows = []
    for m in catalog.metrics().values():
        rows.append(dict(metric=m.metric, name_zh=m.name_zh, name_en=m.name_en, unit=m.unit,
                         section=m.section or f"legacy.{m.legacy_section}", legacy_section=m.legacy_section,
                         templates=" ".join(t for t in catalog.TEMPLATES if m.labels[t]) or "derived",
                         label_legacy=m.labels["legacy"], label_gb2019=m.labels["gb2019"], label_gb2021=m.labels["gb2021"]))
    return pd.DataFrame(rows)


def _frame(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def ingest(paths: Iterable = ("data/raw",), out_dir="data/processed", progress=None) -> IngestResult:
    """Parse every report under ``paths`` and write the processed tables to ``out_dir``.

    Bad files become failures (one line each); everything else is still written.
    """
    files, failures = discover(paths)
    parsed: list[ParsedReport] = []
    by_id: dict[str, ParsedReport] = {}
    by_hash: dict[str, str] = {}
    for n, f in enumerate(files, 1):
        if progress:
            progress(n, len(files), f)
        rep, fail = _parse_safely(f)
        if fail:
            failures.append(fail)
            continue
        sha = rep.meta["sha256"]
        if sha in by_hash:  # only a byte-identical file is a duplicate
            failures.append(Failure(str(f), f"duplicate file: byte-identical to {by_hash[sha]}"))
            continue
        by_hash[sha] = str(f)
        if rep.report_id in by_id:  # another document claims the same agency and year: keep both, say so
            rep = _keep_apart(rep, by_id[rep.report_id])
        by_id[rep.report_id] = rep
        parsed.append(rep)
    parsed.sort(key=lambda p: (p.meta["agency_id"], p.meta["year"]))
    findings = _frame([p.findings for p in parsed], FINDING_COLUMNS)
    cross = pd.DataFrame(_cross_year(parsed), columns=FINDING_COLUMNS)
    findings = validate_table("findings", _frame([findings, cross], FINDING_COLUMNS))
    reports = pd.DataFrame([{k: p.meta[k] for k in REPORT_COLUMNS} for p in parsed], columns=REPORT_COLUMNS)
    if len(reports):
        fails = findings[findings["state"] == "fail"].groupby("report_id").size()
        reports["n_failed_rules"] = reports["report_id"].map(fails).fillna(0).astype(int)
    tables = {
        "reports": validate_table("reports", reports),
        "values": validate_table("values", _frame([p.values for p in parsed], VALUE_COLUMNS)),
        "unmapped": validate_table("unmapped", _frame([p.unmapped for p in parsed], UNMAPPED_COLUMNS)),
        "placeholders": validate_table("placeholders", _frame([p.placeholders for p in parsed], PLACEHOLDER_COLUMNS)),
        "findings": findings,
    }
    tables["harmonized"] = validate_table("harmonized", harmonize(tables["reports"], tables["values"]))
    tables.update(_prose_tables(parsed, tables))
    tables["failures"] = pd.DataFrame([dict(path=f.path, problem=f.problem) for f in failures], columns=["path", "problem"])
    out = Path(out_dir)
    tables["data_dictionary"] = data_dictionary()
    write_tables(out, tables, sources=source_records(files, paths))  # the manifest last
    return IngestResult(processed=load(out), failures=failures, reports=parsed)


def _prose_tables(parsed: list[ParsedReport], tables: dict) -> dict:
    """Facts, repetition and timeliness from the prose (see facts.py and friends)."""
    from . import facts, repetition, timeliness

    fact_frames, fact_findings, times = [], [], []
    for p in parsed:
        fr = facts.extract_facts(p.report_id, p.document)
        fact_frames.append(fr)
        fact_findings.append(facts.check_facts(p.report_id, fr, p.values))
        times.append(timeliness.assess(p.report_id, p.meta["year"], p.meta["agency"], p.document))
    out = {"facts": validate_table("facts", pd.concat(fact_frames, ignore_index=True)) if fact_frames
           else facts.extract_facts("", Document(path=Path("."), format="txt"))}
    ff = [f for f in fact_findings if len(f)]
    if ff:
        tables["findings"] = validate_table("findings", pd.concat([tables["findings"], *ff], ignore_index=True))
    docs = {p.report_id: p.document for p in parsed}
    shares, passages = repetition.repetition_tables(tables["reports"], docs)
    out["repetition"] = validate_table("repetition", shares)
    out["repetition_passages"] = validate_table("repetition_passages", passages)
    timeliness_columns = ["report_id", "published", "deadline", "level", "state", "evidence"]
    out["timeliness"] = validate_table("timeliness", pd.DataFrame(times, columns=timeliness_columns))
    return out
