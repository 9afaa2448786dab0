"""One report as records: the check and records stages of ``pipeline.parse``.

Tables are built from plain records (no pandera here: every combined table is
checked once per ingest, see schemas.validate_table), so one report costs
what its reading and extraction cost.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from .document import Document
from . import catalog
from .identify import identity_findings, report_id
from .published import source_url
from .schemas import REPORT_COLUMNS, frame
from .validate import check_report, derive_totals

_EXPECTED_SECTIONS = {"legacy": {"legacy"}, "gb2019": {"art20", "requests", "appeals"},
                      "gb2021": {"art20", "requests", "appeals"}}


@dataclass
class ParsedReport:
    """One report as tables: ``values`` (the long table), ``unmapped``, ``findings``, ``placeholders``, ``meta``."""

    values: pd.DataFrame
    unmapped: pd.DataFrame
    findings: pd.DataFrame
    placeholders: pd.DataFrame
    meta: dict
    document: Optional[Document] = field(default=None, repr=False)

    @property
    def report_id(self) -> str:
        return self.meta["report_id"]


def check(rid: str, det, ex) -> tuple[list[dict], list[dict], list]:
    """Derived totals (added to ``ex.values``) and the report's findings: identity, table rules, sections."""
    values = list(ex.values)
    derived = derive_totals(values, det.template, ex.placeholders)
    findings = (identity_findings(rid, det) + list(ex.findings)
                + check_report(rid, det.template, values, ex.placeholders, ex.unmapped))
    missing = sorted(_EXPECTED_SECTIONS[det.template] - ex.sections_found)
    if missing:
        findings.append(dict(report_id=rid, rule="extract.sections", applicant="total", state="fail", left=math.nan,
                             right=math.nan, blanks_as_zero=False,
                             evidence=f"table sections not found: {', '.join(missing)} (report truncated or laid "
                                      "out unusually)"))
    return values, findings, derived


def records(path: Path, doc: Document, det, ex, checked, sha256: str) -> ParsedReport:
    """The report's tables (schema columns and dtypes) and its meta row."""
    values, findings, derived = checked
    rid, aid = report_id(det.agency_id, det.year), det.agency_id
    ident = dict(report_id=rid, agency=det.agency, agency_id=aid, year=det.year, template=det.template)
    vals = frame("values", [{**ident, **v} for v in values])
    unm = frame("unmapped", [dict(report_id=rid, agency_id=aid, year=det.year, **u) for u in ex.unmapped])
    ph = frame("placeholders", [dict(report_id=rid, **p) for p in ex.placeholders])
    fnd = frame("findings", findings)
    meta = dict(**ident, source_file=str(path), format=doc.format, sha256=sha256,
                n_values=sum(1 for v in values if not _missing(v.get("value"))),
                n_derived=len(derived), n_unmapped=len(ex.unmapped),
                n_failed_rules=sum(1 for f in findings if catalog.is_arithmetic_failure(f["rule"], f["state"])),
                sections_found=",".join(sorted(ex.sections_found)), template_scores=det.template_scores,
                agency_source=det.agency_source, agency_id_how=det.agency_id_how,
                agency_level=det.agency_level, source_url=source_url(doc), **_match_counts(values))
    return ParsedReport(values=vals, unmapped=unm, findings=fnd, placeholders=ph, meta=meta, document=doc)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _match_counts(values: list[dict]) -> dict:
    """How the report's cells were read: exact catalog matches, fuzzy matches, blank cells."""
    prov = [v.get("provenance") for v in values]
    return dict(n_exact=prov.count("reported"), n_fuzzy=prov.count("matched_fuzzy"),
                n_blank=sum(1 for p, v in zip(prov, values) if p != "derived" and _missing(v.get("value"))))


def report_row(meta: dict) -> dict:
    """The report's row of the ``reports`` table."""
    return {k: meta[k] for k in REPORT_COLUMNS}
