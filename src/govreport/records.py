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
from govreport.schemas import REPORT_COLUMNS, TABLES, columns, frame


def records(path: Path, doc: Document, det, ex, checked, sha256: str) -> ParsedReport:
    """The report's tables (schema columns and dtypes) and its meta row."""
    values, findings, derived = checked
    rid, aid = report_id(det.agency_id, det.year), det.agency_id
    ident = dict(report_id=rid, agency=det.agency, agency_id=aid, year=det.year, template=det.template)
    vals = _table("values", [{**ident, **v} for v in values])
    unm = _table("unmapped", [dict(report_id=rid, agency_id=aid, year=det.year, **u) for u in ex.unmapped])
    ph = _table("placeholders", [dict(report_id=rid, **p) for p in ex.placeholders])
    fnd = _table("findings", findings)
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
    facts = _retyped("facts", [facts])  # the registry's dtypes; no attrs (extraction notes, checked)
    findings = _retyped("findings", [rep.findings, prose_findings])
    return replace(rep, facts=facts, findings=findings, timeliness=frame("timeliness", [timeliness]),
                   sentences=list(sentences))


@lru_cache(maxsize=None)
def _empty(name: str) -> pd.DataFrame:
    return frame(name, [])


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    """schemas.frame(name, rows); an empty table copied from one built once (building one costs ~1 ms)."""
    return frame(name, rows) if rows else _empty(name).copy()


def _retyped(name: str, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """schemas.frame(name, rows of the parts one after the other), read column by column: a column that already
    has the registry's dtype is kept as it is, any other is converted from its values (what to_dict("records")
    would give frame, without a dict per row)."""
    parts = [_without_attrs(p) for p in parts if len(p)]
    if not parts:
        return _empty(name).copy()
    names, dtypes = columns(name), TABLES[name].dtypes
    out = {}
    for c in names:
        kept = [p[c].array for p in parts if c in p.columns and p[c].dtype == _dtype(dtypes[c])]
        if len(parts) == 1 and kept:
            out[c] = kept[0].copy()
            continue
        values: list = []
        for p in parts:
            values += p[c].tolist() if c in p.columns else [None] * len(p)
        out[c] = pd.array(values, dtype=dtypes[c])
    return pd.DataFrame(out, columns=names)


def _without_attrs(part: pd.DataFrame) -> pd.DataFrame:
    """The part without its attrs (pandas deep-copies attrs into every column read from it)."""
    if not part.attrs:
        return part
    part = part.copy(deep=False)
    part.attrs = {}
    return part


@lru_cache(maxsize=None)
def _dtype(spec: str):
    return pd.api.types.pandas_dtype(spec)


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
