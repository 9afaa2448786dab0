"""The one table registry: every stored table's columns, dtypes, checks and description.

Every column list in the package derives from ``TABLES`` (``columns("findings")``), so a table's shape is
said once. Allowed values come from the catalogs, so the schema and the data dictionary cannot drift
apart. pandera is imported only when a table is validated (once per combined table per ingest), so
``parse`` and the command line start without it; per-report frames get their dtypes from the same specs
(``frame``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional, Union

from govreport import catalog

TEMPLATES = list(catalog.templates())
UNMAPPED_REASONS = [r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "unmapped"]
# a finding's rule is an identity of rules.csv or a code of reasons.csv; ':' adds a scope (applicants:total)
FINDING_RULES = sorted({r["rule"] for r in catalog.read_csv("rules.csv")}
                       | {r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "findings"})
REVIEW_DECISIONS = ["", "confirmed", "dismissed"]
LEVELS = ["government", "department", "unknown"]

Allowed = Union[list, Callable[[], list]]  # a callable: values read from the catalog when first checked


@dataclass(frozen=True)
class Column:
    """One column: its dtype (str, int64, float64, bool, datetime64[ns]) and what pandera checks of it.

    ``isin`` lists the allowed values; ``within`` is (low, high), either None for no bound; ``length`` a
    fixed string length; ``known_rule`` checks a finding rule against the catalogs. ``required=False``:
    the column is there only in the stored table (the reviews joined onto findings at ingest)."""

    name: str
    dtype: str = "str"
    nullable: bool = False
    unique: bool = False
    isin: Optional[Allowed] = None
    within: Optional[tuple] = None
    length: Optional[int] = None
    known_rule: bool = False
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One stored table: its columns in order, whether pandera checks it before it is written, whether it is
    stored one Parquet file per year, the columns that identify a row, and what it holds (the published
    description, catalog/published_tables.csv)."""

    name: str
    columns: tuple[Column, ...]
    checked: bool = True
    partitioned: bool = False
    unique: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return {r["table"]: r["en"] for r in catalog.read_csv("published_tables.csv")}.get(self.name, "")

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.name: c.dtype for c in self.columns}


def _c(names: str, dtype: str = "str", **kw) -> tuple[Column, ...]:
    """Columns of one dtype and checks, named in one space-separated string."""
    return tuple(Column(n, dtype, **kw) for n in names.split())


def _spec(name: str, *groups: tuple, **kw) -> TableSpec:
    return TableSpec(name, tuple(c for g in groups for c in g), **kw)


_YEAR = _c("year", "int64")
_TEMPLATE = _c("template", isin=lambda: list(catalog.templates()))  # read when checked: a catalog edit is a new template
_ID = _c("report_id agency agency_id")
_COUNT = dict(dtype="int64", within=(0, None))

TABLES: dict[str, TableSpec] = {s.name: s for s in (
    _spec("reports", _c("report_id", unique=True), _c("agency agency_id"), _YEAR, _TEMPLATE,
          _c("source_file format"), _c("sha256", length=64), _c("n_values n_derived n_unmapped n_failed_rules", "int64"),
          _c("sections_found agency_source agency_id_how"), _c("agency_level", isin=LEVELS),
          _c("n_exact n_fuzzy n_blank", "int64"),
          # the web address the document states as its own (identify.published), or null
          _c("source_url", nullable=True)),
    _spec("values", _ID, _c("year", "int64", within=(1990, 2100)), _TEMPLATE,
          _c("metric", isin=lambda: sorted(catalog.metrics())), _c("applicant", isin=lambda: list(catalog.APPLICANTS)),
          _c("value", "float64", nullable=True), _c("unit source_label"),
          # ocr: read from a page image (ocr_confidence says how sure); matched_position: placed by the
          # template's row order where its label could not be read
          _c("provenance", isin=["reported", "matched_fuzzy", "derived", "ocr", "matched_position"]),
          _c("note"),  # what the cell printed beside the number (约, 余, *, ①, 增 …); '' when nothing
          _c("match_score", "float64", nullable=True, within=(0, 1)),  # fuzzy label matches only
          _c("ocr_confidence", "float64", nullable=True, within=(0, 1)),  # OCR'd cells only (provenance ocr)
          partitioned=True, unique=("report_id", "metric", "applicant")),
    _spec("unmapped", _c("report_id agency_id"), _YEAR, _c("section source_label column raw"),
          _c("value", "float64", nullable=True), _c("reason", isin=UNMAPPED_REASONS), _c("detail"), partitioned=True),
    _spec("placeholders", _c("report_id metric applicant source_label text")),
    # an analyst's decision on a finding (govreport.ingestion.reviews, data/raw/reviews.csv), joined on at ingest:
    # the stored findings table has them, a report's own findings (parse) do not
    _spec("findings", _c("report_id"), _c("rule", known_rule=True), _c("applicant"),
          _c("state", isin=["pass", "fail", "not_assessable"]), _c("left right", "float64", nullable=True),
          _c("evidence"), _c("blanks_as_zero", "bool"), _c("review", isin=REVIEW_DECISIONS, required=False),
          _c("review_note reviewer review_date", required=False)),
    _spec("harmonized", _ID, _YEAR, _TEMPLATE, _c("series"), _c("value", "float64", nullable=True),
          _c("comparability", isin=["exact", "approximate", "none"]), _c("caveat caveat_zh"), partitioned=True),
    _spec("facts", _c("report_id"), _c("fact_id", unique=True), _c("section subject"), _c("value", "float64"),
          _c("unit sentence"), _c("parent_fact_id", nullable=True),
          _c("role", isin=["whole", "part", "rate", "single"]),
          _c("table_metric", nullable=True)),  # the table metric a whole/single fact states (NA for parts, rates)
    # one cross-year series of prose facts per (agency_id, series_no) (harmonize.facts.fact_series)
    _spec("fact_series", _c("agency_id"), _c("series_no", "int64"), _c("phrase context"), _YEAR,
          _c("subject"), _c("value", "float64"), _c("unit sentence report_id fact_id")),
    _spec("repetition", _c("report_id previous_report_id agency_id"), _YEAR, _c("n_sentences n_repeated", **_COUNT),
          _c("share", "float64", nullable=True, within=(0, 1))),
    _spec("repetition_passages", _c("report_id"), _c("passage_no", "int64", within=(1, None)), _c("passage")),
    _spec("timeliness", _c("report_id"), _c("published", "datetime64[ns]", nullable=True),
          _c("published_source", nullable=True, isin=["meta", "labelled", "url", "signature"]),
          _c("deadline", "datetime64[ns]", nullable=True), _c("level", isin=LEVELS),
          _c("state", isin=["on_time", "late", "unknown"]), _c("basis basis_en evidence")),
    # not checked by pandera: what ingest could not read or read twice, the reviews, the dictionary
    _spec("failures", _c("path problem reason"), checked=False),  # reason: catalog.failure_code(problem)
    _spec("duplicates", _c("path duplicate_of sha256"), checked=False),
    _spec("reviews", _c("row", "int64"), _c("sha256 rule applicant decision note reviewer date report_id status"),
          checked=False),
    _spec("data_dictionary", _c("metric name_zh name_en unit section legacy_section templates "
                                + " ".join(f"label_{t}" for t in TEMPLATES)), checked=False),  # a label per template
)}


def columns(name: str, *, optional: bool = False) -> list[str]:
    """The columns of table ``name`` in order (``optional``: with those only the stored table has)."""
    return [c.name for c in TABLES[name].columns if c.required or optional]


VALUE_COLUMNS = columns("values")
UNMAPPED_COLUMNS = columns("unmapped")
PLACEHOLDER_COLUMNS = columns("placeholders")
REPORT_COLUMNS = columns("reports")
FINDING_COLUMNS = columns("findings")
REVIEW_COLUMNS = [c for c in columns("findings", optional=True) if c not in FINDING_COLUMNS]
FACT_COLUMNS = columns("facts")
SCHEMA_NAMES = tuple(n for n, s in TABLES.items() if s.checked)  # the tables pandera checks before writing


def _checks(col: Column) -> list:
    import pandera.pandas as pa

    out = []
    if col.isin is not None:
        out.append(pa.Check.isin(col.isin() if callable(col.isin) else col.isin))
    if col.within is not None:
        low, high = col.within
        out.append(pa.Check.ge(low) if high is None else pa.Check.in_range(low, high))
    if col.length is not None:
        out.append(pa.Check.str_length(col.length, col.length))
    if col.known_rule:
        out.append(pa.Check(_known_rule, error="rule not in rules.csv or reasons.csv"))
    return out


def _known_rule(rules):
    return rules.str.split(":").str[0].isin(FINDING_RULES)


_PANDERA_TYPES = {"str": str, "int64": int, "float64": float, "bool": bool}


@lru_cache(maxsize=None)
def schema(name: str):
    """Table ``name``'s pandera schema, built from its spec on first use (pandera costs ~0.15 s to import)."""
    import pandera.pandas as pa

    spec = TABLES[name]
    return pa.DataFrameSchema(
        {c.name: pa.Column(_PANDERA_TYPES.get(c.dtype, c.dtype), checks=_checks(c), nullable=c.nullable,
                           unique=c.unique, required=c.required) for c in spec.columns},
        strict=True, ordered=True, coerce=True, unique=list(spec.unique) or None)


def validate_table(name: str, frame):
    """Check a table lazily (all failures at once) and return it coerced."""
    return schema(name).validate(frame, lazy=True)


def frame(name: str, records: list):
    """A table from plain records with the spec's columns and dtypes, unchecked (checked once combined)."""
    import pandas as pd

    names, dtypes = columns(name), TABLES[name].dtypes
    return pd.DataFrame({c: pd.array([r.get(c) for r in records], dtype=dtypes[c]) for c in names}, columns=names)


def data_dictionary():
    """Metric id, labels and unit per metric, generated from the label catalog."""
    import pandas as pd

    rows = [dict(metric=m.metric, name_zh=m.name_zh, name_en=m.name_en, unit=m.unit,
                 section=m.section or f"legacy.{m.legacy_section}", legacy_section=m.legacy_section,
                 templates=" ".join(t for t in catalog.templates() if m.labels[t]) or "derived",
                 **{f"label_{t}": m.labels[t] for t in catalog.templates()})
            for m in catalog.metrics().values()]
    return pd.DataFrame(rows, columns=columns("data_dictionary"))
