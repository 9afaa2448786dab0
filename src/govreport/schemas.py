"""The one table registry: every stored table's columns, dtypes, checks and description.

Every column list in the package derives from ``TABLES`` (``columns("findings")``), so a table's shape is
said once. Allowed values come from the catalogs, so the schema and the data dictionary cannot drift
apart. Each stored table is checked once per batch (``validate_table``: plain pandas on whole columns);
per-report tables get their dtypes from the same specs (``frame`` for pandas, ``arrow_table`` for a part).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Callable, Optional, Union

from govreport import catalog
from govreport.errors import GovreportError

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
    """One column: its dtype (str, int64, float64, bool, datetime64[ns]) and what validate_table checks of it.

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
    """One stored table: its columns in order, whether validate_table checks it before it is written, whether it is
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
    # not checked: what ingest could not read or read twice, the reviews, the dictionary
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
SCHEMA_NAMES = tuple(n for n, s in TABLES.items() if s.checked)  # the tables checked before writing


class SchemaError(GovreportError, ValueError):
    """A table that breaks its registry spec: ``table``, and ``failures`` as (column, check, failing values)."""

    def __init__(self, table: str, failures: list[tuple]):
        self.table, self.failures = table, failures
        said = "; ".join(f"column {col!r} {check}" + (f": {_shown(bad)}" if bad else "") for col, check, bad in failures)
        super().__init__(f"table {table!r} fails {len(failures)} check(s): {said}")

    def __reduce__(self):  # rebuilt from its parts (a pickled error crosses process and Dask boundaries)
        return type(self), (self.table, self.failures)


def _shown(values: list) -> str:
    values = list(values)
    more = f" and {len(values) - 10} more" if len(values) > 10 else ""
    return ", ".join(repr(v) for v in values[:10]) + more


def validate_table(name: str, frame, rows: bool = True):
    """Table ``name`` checked against its spec (all failures at once: SchemaError) and returned with the
    spec's dtypes: its columns in order (no other), each converted to its dtype, then not-null, unique, isin,
    within (bounds included), string length, known finding rule, and the table's unique columns together.
    Plain pandas on whole columns, once per batch (no pandera: its import and checks were ~40 % of a
    one-report ingest, issue 16). ``rows=False``: every row passed its own checks already (``rows_checked``,
    in the worker that made it), so only those across rows are left (unique, unique together)."""
    spec, failures = TABLES[name], []
    present = [c.name for c in spec.columns if c.name in frame.columns]
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    extra = [c for c in frame.columns if c not in present]
    if missing or extra or list(frame.columns) != present:
        raise SchemaError(name, [(c, "is required but not in the table", []) for c in missing]
                          + [(c, "is not a column of the table", []) for c in extra]
                          + ([("*", "columns out of order", list(frame.columns))] if not (missing or extra) else []))
    out = _converted(spec, frame, failures,
                     lambda values, col: failures.extend(_column_failures(name, values, col, rows)))
    if spec.unique and len(out):
        twice = out.duplicated(list(spec.unique), keep=False)
        if twice.any():
            rows_ = out.loc[twice, list(spec.unique)].drop_duplicates().itertuples(index=False)
            failures.append((",".join(spec.unique), "not unique together", [tuple(r) for r in rows_]))
    if failures:
        raise SchemaError(name, failures)
    return out


def checked(name: str, frame, rows: bool = True):
    """A batch of table ``name`` checked (and coerced) once, when the registry says it is checked;
    ``rows=False``: its rows passed ``rows_checked`` (validate_table)."""
    return validate_table(name, frame, rows) if TABLES[name].checked else frame


def rows_checked(name: str, frame):
    """``frame`` as ``checked`` returns it when every row passes the checks of its own (columns, dtypes,
    not-null, isin, within, length, known rule), else None: rows checked apart from their batch (in the
    worker that assembled them, store.prepared), whose check is then only across rows (``checked(...,
    rows=False)``). A failing piece is left to its batch's whole check, so the error is the one it was."""
    spec, failures = TABLES[name], []
    if not spec.checked:
        return frame
    if list(frame.columns) != [c.name for c in spec.columns if c.name in frame.columns or c.required]:
        return None
    out = _converted(spec, frame, failures,
                     lambda values, col: failures.extend(_column_failures(name, values, col, True, False)))
    return None if failures else out


def _converted(spec: TableSpec, frame, failures: list, each: Optional[Callable] = None):
    """``frame`` with each column of the spec in its dtype (``_coerced``); ``each(values, column)`` is called
    with every column converted."""
    out = frame
    for col in (c for c in spec.columns if c.name in frame.columns):
        given = frame[col.name]
        values = _coerced(given, col, failures)
        if values is None:
            continue
        if values is not given:
            out = out.copy(deep=False) if out is frame else out
            out[col.name] = values
        if each is not None:
            each(values, col)
    return out


def _coerced(values, col: Column, failures: list):
    """The column with its spec dtype (itself when it has it); None, and a failure, when a value cannot be."""
    import pandas as pd

    dtype = _dtype(col.dtype)
    if values.dtype == dtype:
        return values
    try:
        return values.astype(dtype)
    except (ValueError, TypeError, OverflowError):
        bad = []
        for v in values.drop_duplicates():
            try:
                pd.Series([v], dtype=object).astype(dtype)
            except (ValueError, TypeError, OverflowError):
                bad.append(v)
        failures.append((col.name, f"cannot be {col.dtype}", bad))
        return None


def _column_failures(name: str, values, col: Column, rows: bool = True, across: bool = True) -> list[tuple]:
    """The column's failures in order: not nullable, not unique (``across`` rows), its element checks (``rows``)."""
    failures = []
    if not rows and not col.unique:
        return failures
    missing = values.isna()
    n_missing = int(missing.sum())
    if rows and not col.nullable and n_missing:
        failures.append((col.name, "not nullable", [f"{n_missing} missing value(s)"]))
    given = values[~missing] if n_missing else values
    if across and col.unique and given.duplicated().any():
        failures.append((col.name, "not unique", given[given.duplicated()].unique().tolist()))
    for check, ok in _tests(name, col, given) if rows else ():
        if not ok.all():
            failures.append((col.name, check, given[~ok].unique().tolist()))
    return failures


def _tests(name: str, col: Column, given) -> list[tuple]:
    """(check, passes per value) of the column's element checks, on its values that are there."""
    tests = []
    if col.isin is not None:
        allowed = _allowed(name, col.name)
        tests.append((f"isin {_shown(sorted(allowed))}", given.isin(allowed)))
    if col.within is not None:
        low, high = col.within
        ok = given >= low if high is None else (given >= low) & (given <= high)
        tests.append((f"within [{low}, {'' if high is None else high}]", ok))
    if col.length is not None:
        tests.append((f"string length {col.length}", given.str.len() == col.length))
    if col.known_rule:
        tests.append(("rule not in rules.csv or reasons.csv", given.str.split(":").str[0].isin(FINDING_RULES)))
    return tests


@lru_cache(maxsize=None)
def _allowed(name: str, column: str) -> tuple:
    """The allowed values of a column (a callable is read from the catalog once per process)."""
    col = next(c for c in TABLES[name].columns if c.name == column)
    return tuple(dict.fromkeys(col.isin() if callable(col.isin) else col.isin))


@lru_cache(maxsize=None)
def _dtype(spec: str):
    import pandas as pd
    return pd.api.types.pandas_dtype(spec)


def frame(name: str, records: list):
    """A table from plain records with the spec's columns and dtypes, unchecked (checked once combined)."""
    import pandas as pd

    names, dtypes = columns(name), TABLES[name].dtypes
    return pd.DataFrame({c: pd.array([r.get(c) for r in records], dtype=dtypes[c]) for c in names}, columns=names)


_ARROW_TYPES = {"str": "large_string", "int64": "int64", "float64": "float64", "bool": "bool_",
                "datetime64[ns]": "timestamp"}


def arrow_table(name: str, records: list):
    """``frame(name, records)`` as the Arrow table a part stores (pyarrow.array of each typed column, as
    parts._ipc makes it), built from the records without a pandas frame: the per-report cost of ingest.
    A column whose values are not plain Python values of its dtype goes through pandas as ``frame`` does."""
    import pyarrow as pa

    typed = _typed_columns(name)
    if not records:
        return _empty_table(name)
    names = [c for c, _ in typed]
    columns_ = None
    if len(names) > 1 and set(map(type, records)) == {dict}:  # plain dicts: the columns in one C pass
        try:
            columns_ = [list(col) for col in zip(*map(itemgetter(*names), records))]
        except KeyError:  # a record without a column: None there, as r.get gives
            columns_ = None
    if columns_ is None:
        columns_ = [[r.get(c) for r in records] for c in names]
    return pa.table({c: _arrow_column(values, dtype) for (c, dtype), values in zip(typed, columns_)})


@lru_cache(maxsize=None)
def _empty_table(name: str):
    """The table with no rows (Arrow tables are immutable: one per table name and process)."""
    import pyarrow as pa
    return pa.table({c: _arrow_column([], dtype) for c, dtype in _typed_columns(name)})


@lru_cache(maxsize=None)
def _typed_columns(name: str) -> tuple[tuple[str, str], ...]:
    """(column, dtype) of table ``name`` in order (``columns`` and the spec's dtypes, once per process)."""
    dtypes = TABLES[name].dtypes
    return tuple((c, dtypes[c]) for c in columns(name))


def _arrow_column(values: list, dtype: str):
    import pyarrow as pa

    plain = _plain_values(values, dtype)
    if plain is not None:
        kind = _ARROW_TYPES[dtype]
        try:
            return pa.array(plain, pa.timestamp("ns") if kind == "timestamp" else getattr(pa, kind)(),
                            from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            pass
    import pandas as pd  # anything else: the value pandas would make of it (or its error), exactly
    return pa.array(pd.array(values, dtype=dtype), from_pandas=True)


def _plain_values(values: list, dtype: str) -> Optional[list]:
    """The values as Arrow takes them when each is None or a plain Python value of the dtype (a float NaN is
    missing, as in pandas), else None. int64 and bool columns take no missing value (pandas refuses one)."""
    types = set(map(type, values))  # the values' exact types, in one pass (a subclass is not plain)
    if dtype == "str":
        if types <= _STR_TYPES:
            return values
        na = {t for t in types if t.__name__ == "NAType"} | {float}  # pandas.NA (facts' rows): missing too
        ok = types - na <= _STR_TYPES and all(math.isnan(v) for v in values if type(v) is float)
        return [None if type(v) in na else v for v in values] if ok else None
    if dtype == "float64":
        return values if types <= _FLOAT_TYPES else None
    if dtype == "int64":
        return values if types <= {int} else None
    if dtype == "bool":
        return values if types <= {bool} else None
    if dtype == "datetime64[ns]":
        if types <= _DATE_TYPES:
            return [None if v is None else datetime(v.year, v.month, v.day) for v in values]
    return None


_NONE = type(None)
_STR_TYPES = frozenset({str, _NONE})
_FLOAT_TYPES = frozenset({float, int, _NONE})
_DATE_TYPES = frozenset({date, _NONE})


def data_dictionary():
    """Metric id, labels and unit per metric, generated from the label catalog."""
    import pandas as pd

    rows = [dict(metric=m.metric, name_zh=m.name_zh, name_en=m.name_en, unit=m.unit,
                 section=m.section or f"legacy.{m.legacy_section}", legacy_section=m.legacy_section,
                 templates=" ".join(t for t in catalog.templates() if m.labels[t]) or "derived",
                 **{f"label_{t}": m.labels[t] for t in catalog.templates()})
            for m in catalog.metrics().values()]
    return pd.DataFrame(rows, columns=columns("data_dictionary"))
