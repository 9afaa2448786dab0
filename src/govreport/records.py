"""One report as records: the last stage of ``pipeline.parse``, and the report as ingest's part cache keeps it.

A report's tables stay plain rows (``ReportRows``) until they are made tables once: pandas frames for
``parse`` (``frames``), Arrow tables for ingest's part cache (``stored``), both with the registry's columns and
dtypes and no pandera (every stored table is checked once per batch, see schemas.validate_table), so one report
costs what its reading and extraction cost (issue 16: no pandas per report in ingest).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Optional

from govreport import catalog
from govreport.identify import report_id
from govreport.identify.published import source_url
from govreport.model import Document, ParsedReport
from govreport.schemas import REPORT_COLUMNS

TABLES = ("values", "unmapped", "findings", "placeholders", "facts", "timeliness")


@dataclass
class ReportRows:
    """One report's tables as rows (name -> list of dicts, each table's rows in order), its meta row, the
    sentences repetition compares and the document it was read from."""

    tables: dict
    meta: dict
    document: Optional[Document] = field(default=None, repr=False)
    sentences: list = field(default_factory=list, repr=False)


def records(path: Path, doc: Document, det, ex, checked, sha256: str) -> ReportRows:
    """The report's table rows (values, unmapped, findings, placeholders) and its meta row."""
    values, findings, derived = checked
    rid, aid = report_id(det.agency_id, det.year), det.agency_id
    ident = dict(report_id=rid, agency=det.agency, agency_id=aid, year=det.year, template=det.template)
    n_values, n_exact, n_fuzzy, n_blank = _counts(values)
    tables = dict(values=[{**ident, **v} for v in values],
                  unmapped=[dict(report_id=rid, agency_id=aid, year=det.year, **u) for u in ex.unmapped],
                  findings=list(findings), placeholders=[dict(report_id=rid, **p) for p in ex.placeholders])
    meta = dict(**ident, source_file=str(path), format=doc.format, sha256=sha256,
                n_values=n_values,
                n_derived=len(derived), n_unmapped=len(ex.unmapped),
                n_failed_rules=sum(1 for f in findings if is_table_failure(f["rule"], f["state"])),
                sections_found=",".join(sorted(ex.sections_found)), template_scores=det.template_scores,
                agency_source=det.agency_source, agency_id_how=det.agency_id_how,
                agency_level=det.agency_level, source_url=source_url(doc),
                n_exact=n_exact, n_fuzzy=n_fuzzy, n_blank=n_blank)
    return ReportRows(tables, meta, doc)


def with_prose(rep: ReportRows, facts: list[dict], prose_findings: list[dict], timeliness: dict,
               sentences: list[str]) -> ReportRows:
    """The report with what its prose says: the facts, their findings (after the table's), its timeliness row
    and the sentences repetition compares across years."""
    tables = dict(rep.tables, facts=list(facts), findings=rep.tables["findings"] + list(prose_findings),
                  timeliness=[timeliness])
    return ReportRows(tables, rep.meta, rep.document, list(sentences))


def frames(rep: ReportRows) -> ParsedReport:
    """The report as ``parse`` returns it: each table a pandas frame, with its document. A frame is made when
    a caller first reads it (most read one or two of the six; each costs ~0.3 ms), from the Arrow table
    (``to_pandas``: the frame schemas.frame makes of the rows, exactly, in under half its time). A table not
    made yet (``records`` before ``with_prose``: no facts, no timeliness) is empty."""
    out = object.__new__(_FramesOnRead)
    out.__dict__.update(meta=rep.meta, document=rep.document, sentences=rep.sentences, _rows=rep.tables)
    return out


class _FrameOnRead:
    """A ParsedReport table made a pandas frame from its rows when first read, then kept (and settable)."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        made = obj.__dict__
        if self.name not in made:
            from govreport.schemas import arrow_table
            made[self.name] = arrow_table(self.name, made["_rows"].get(self.name, [])).to_pandas()
        return made[self.name]

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.name] = value


class _FramesOnRead(ParsedReport):
    """``parse``'s ParsedReport: the same fields, each table a frame made when read (``frames``). A copy or
    pickle is a plain ParsedReport with every frame made."""

    values = _FrameOnRead()
    unmapped = _FrameOnRead()
    findings = _FrameOnRead()
    placeholders = _FrameOnRead()
    facts = _FrameOnRead()
    timeliness = _FrameOnRead()

    def __reduce__(self):
        return ParsedReport, tuple(getattr(self, f.name) for f in fields(ParsedReport))

    def __repr__(self) -> str:  # as a ParsedReport's
        return ParsedReport.__name__ + super().__repr__()[len(type(self).__qualname__):]


def stored(rep: ReportRows) -> ParsedReport:
    """The report as ingest's part cache keeps it: each table an Arrow table (schemas.arrow_table: what
    parts._ipc makes of ``frames``' frame, without pandas), no document (it would outlive its parse) and no
    file name (ingest names the file as it was given, a URL without its credentials)."""
    from govreport.schemas import arrow_table
    return ParsedReport(meta={k: v for k, v in rep.meta.items() if k != "source_file"}, sentences=rep.sentences,
                        **{name: arrow_table(name, rep.tables[name]) for name in TABLES})


@lru_cache(maxsize=1)
def _table_rules() -> frozenset:
    return frozenset(r["rule"] for r in catalog.read_csv("rules.csv"))


def is_table_failure(rule: str, state: str) -> bool:
    """A failed identity of the report's own table (rules.csv): what n_failed_rules counts. The sums its
    prose states (fact.part_whole, fact.rate) are arithmetic too, but notes on the prose, not counted."""
    return catalog.is_arithmetic_failure(rule, state) and str(rule).split(":", 1)[0] in _table_rules()


def _missing(value) -> bool:
    if type(value) is float:  # (most values: NaN is the one float not equal to itself)
        return value != value
    return value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NAType"


def _counts(values: list[dict]) -> tuple[int, int, int, int]:
    """The numbers read (n_values) and how the report's cells were read: exact catalog matches, fuzzy matches,
    blank cells (a derived total is not one); one pass over the values."""
    n_values = n_exact = n_fuzzy = n_blank = 0
    for v in values:
        prov = v.get("provenance")
        if not _missing(v.get("value")):
            n_values += 1
        elif prov != "derived":
            n_blank += 1
        if prov == "reported":
            n_exact += 1
        elif prov == "matched_fuzzy":
            n_fuzzy += 1
    return n_values, n_exact, n_fuzzy, n_blank


def report_row(meta: dict) -> dict:
    """The report's row of the ``reports`` table."""
    return {k: meta[k] for k in REPORT_COLUMNS}
