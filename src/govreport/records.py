"""One report as records: the last stage of ``pipeline.parse``, and the report as ingest's part cache keeps it.

Tables are built from plain records with the registry's columns and dtypes (no pandera here: every combined
table is checked once per ingest, see schemas.validate_table), so one report costs what its reading and
extraction cost.
"""
from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from govreport import catalog
from govreport.identify import report_id
from govreport.identify.published import source_url
from govreport.model import Document, ParsedReport
from govreport.schemas import REPORT_COLUMNS, frame


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
                n_failed_rules=sum(1 for f in findings if is_table_failure(f["rule"], f["state"])),
                sections_found=",".join(sorted(ex.sections_found)), template_scores=det.template_scores,
                agency_source=det.agency_source, agency_id_how=det.agency_id_how,
                agency_level=det.agency_level, source_url=source_url(doc), **_match_counts(values))
    return ParsedReport(values=vals, unmapped=unm, findings=fnd, placeholders=ph, meta=meta, document=doc)


def with_prose(rep: ParsedReport, facts: pd.DataFrame, prose_findings: pd.DataFrame, timeliness: dict,
               sentences: list[str]) -> ParsedReport:
    """The report with what its prose says: the facts, their findings (after the table's), its timeliness row
    and the sentences repetition compares across years."""
    facts = frame("facts", facts.to_dict("records"))  # the registry's dtypes; no attrs (extraction notes, checked)
    findings = frame("findings", rep.findings.to_dict("records") + prose_findings.to_dict("records"))
    return replace(rep, facts=facts, findings=findings, timeliness=frame("timeliness", [timeliness]),
                   sentences=list(sentences))


def stored(rep: ParsedReport) -> ParsedReport:
    """The report as ingest's part cache keeps it: no document (it would outlive its parse) and no file name
    (ingest names the file as it was given, a URL without its credentials)."""
    return replace(rep, document=None, meta={k: v for k, v in rep.meta.items() if k != "source_file"})


@lru_cache(maxsize=1)
def _table_rules() -> frozenset:
    return frozenset(r["rule"] for r in catalog.read_csv("rules.csv"))


def is_table_failure(rule: str, state: str) -> bool:
    """A failed identity of the report's own table (rules.csv): what n_failed_rules counts. The sums its
    prose states (fact.part_whole, fact.rate) are arithmetic too, but notes on the prose, not counted."""
    return catalog.is_arithmetic_failure(rule, state) and str(rule).split(":", 1)[0] in _table_rules()


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
