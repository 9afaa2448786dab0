"""pandera schemas of every output table, checked before anything is written.

Column lists and allowed values come from the catalogs, so the schema and
the data dictionary cannot drift apart. pandera is imported only when a
table is validated (once per combined table per ingest), so ``parse`` and the
command line start without it; per-report frames get their dtypes from
``DTYPES`` (the same dtypes the schemas coerce to).
"""
from __future__ import annotations

from functools import lru_cache

from . import catalog

TEMPLATES = list(catalog.TEMPLATES)
VALUE_COLUMNS = ["report_id", "agency", "agency_id", "year", "template", "metric", "applicant", "value", "unit",
                 "source_label", "provenance", "note", "match_score"]
UNMAPPED_COLUMNS = ["report_id", "agency_id", "year", "section", "source_label", "column", "raw", "value", "reason",
                    "detail"]
UNMAPPED_REASONS = [r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "unmapped"]
# a finding's rule is an identity of rules.csv or a code of reasons.csv; ':' adds a scope (applicants:total)
FINDING_RULES = sorted({r["rule"] for r in catalog.read_csv("rules.csv")}
                       | {r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "findings"})


PLACEHOLDER_COLUMNS = ["report_id", "metric", "applicant", "source_label", "text"]
REPORT_COLUMNS = ["report_id", "agency", "agency_id", "year", "template", "source_file", "format", "sha256",
                  "n_values", "n_derived", "n_unmapped", "n_failed_rules", "sections_found",
                  "agency_source", "agency_id_how", "agency_level", "n_exact", "n_fuzzy", "n_blank",
                  "source_url"]  # source_url: the web address the document states as its own (published.py), or null
FINDING_COLUMNS = ["report_id", "rule", "applicant", "state", "left", "right", "evidence", "blanks_as_zero"]
# an analyst's decision on a finding (govreport.reviews, data/raw/reviews.csv), joined on at ingest:
# the stored findings table has them, a report's own findings (parse) do not
REVIEW_COLUMNS = ["review", "review_note", "reviewer", "review_date"]
REVIEW_DECISIONS = ["", "confirmed", "dismissed"]


@lru_cache(maxsize=1)
def schemas() -> dict:
    """Every table's pandera schema, built on first use (pandera costs ~0.15 s to import)."""
    import pandera.pandas as pa

    from .harmonize import HARMONIZED_COLUMNS

    def _str(**kw):
        return pa.Column(str, **kw)

    def _known_rule(rules):
        return rules.str.split(":").str[0].isin(FINDING_RULES)

    values_schema = pa.DataFrameSchema(
        {
            "report_id": _str(), "agency": _str(), "agency_id": _str(),
            "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
            "template": _str(checks=pa.Check.isin(TEMPLATES)),
            "metric": _str(checks=pa.Check.isin(sorted(catalog.metrics()))),
            "applicant": _str(checks=pa.Check.isin(list(catalog.APPLICANTS))),
            "value": pa.Column(float, nullable=True),
            "unit": _str(),
            "source_label": _str(),
            "provenance": _str(checks=pa.Check.isin(["reported", "matched_fuzzy", "derived"])),
            "note": _str(),  # what the cell printed beside the number (约, 余, *, ①, 增 …); '' when nothing
            "match_score": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),  # fuzzy label matches only
        },
        strict=True, ordered=True, coerce=True,
        unique=["report_id", "metric", "applicant"],
    )

    unmapped_schema = pa.DataFrameSchema(
        {"report_id": _str(), "agency_id": _str(), "year": pa.Column(int), "section": _str(), "source_label": _str(),
         "column": _str(), "raw": _str(), "value": pa.Column(float, nullable=True),
         "reason": _str(checks=pa.Check.isin(UNMAPPED_REASONS)), "detail": _str()},
        strict=True, ordered=True, coerce=True,
    )

    placeholders_schema = pa.DataFrameSchema(
        {c: _str() for c in PLACEHOLDER_COLUMNS}, strict=True, ordered=True, coerce=True)

    findings_schema = pa.DataFrameSchema(
        {
            "report_id": _str(), "rule": _str(checks=pa.Check(_known_rule, error="rule not in rules.csv or reasons.csv")),
            "applicant": _str(),
            "state": _str(checks=pa.Check.isin(["pass", "fail", "not_assessable"])),
            "left": pa.Column(float, nullable=True), "right": pa.Column(float, nullable=True),
            "evidence": _str(), "blanks_as_zero": pa.Column(bool),
            "review": _str(checks=pa.Check.isin(REVIEW_DECISIONS), required=False),
            "review_note": _str(required=False), "reviewer": _str(required=False),
            "review_date": _str(required=False),
        },
        strict=True, ordered=True, coerce=True,
    )

    reports_schema = pa.DataFrameSchema(
        {
            "report_id": _str(unique=True), "agency": _str(), "agency_id": _str(), "year": pa.Column(int),
            "template": _str(checks=pa.Check.isin(TEMPLATES)), "source_file": _str(), "format": _str(),
            "sha256": _str(checks=pa.Check.str_length(64, 64)), "n_values": pa.Column(int), "n_derived": pa.Column(int),
            "n_unmapped": pa.Column(int), "n_failed_rules": pa.Column(int), "sections_found": _str(),
            "agency_source": _str(), "agency_id_how": _str(),
            "agency_level": _str(checks=pa.Check.isin(["government", "department", "unknown"])),
            "n_exact": pa.Column(int), "n_fuzzy": pa.Column(int), "n_blank": pa.Column(int),
            "source_url": _str(nullable=True),
        },
        strict=True, ordered=True, coerce=True,
    )

    harmonized_schema = pa.DataFrameSchema(
        {
            "report_id": _str(), "agency": _str(), "agency_id": _str(), "year": pa.Column(int),
            "template": _str(checks=pa.Check.isin(TEMPLATES)), "series": _str(), "value": pa.Column(float, nullable=True),
            "comparability": _str(checks=pa.Check.isin(["exact", "approximate", "none"])), "caveat": _str(),
            "caveat_zh": _str(),
        },
        strict=True, ordered=True, coerce=True,
    )

    facts_schema = pa.DataFrameSchema(
        {
            "report_id": _str(), "fact_id": _str(unique=True), "section": _str(), "subject": _str(),
            "value": pa.Column(float), "unit": _str(), "sentence": _str(), "parent_fact_id": _str(nullable=True),
            "role": _str(checks=pa.Check.isin(["whole", "part", "rate", "single"])),
        },
        strict=True, ordered=True, coerce=True,
    )

    repetition_schema = pa.DataFrameSchema(
        {
            "report_id": _str(), "previous_report_id": _str(), "agency_id": _str(), "year": pa.Column(int),
            "n_sentences": pa.Column(int, pa.Check.ge(0)), "n_repeated": pa.Column(int, pa.Check.ge(0)),
            "share": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
        },
        strict=True, ordered=True, coerce=True,
    )

    repetition_passages_schema = pa.DataFrameSchema(
        {"report_id": _str(), "passage_no": pa.Column(int, pa.Check.ge(1)), "passage": _str()},
        strict=True, ordered=True, coerce=True,
    )

    timeliness_schema = pa.DataFrameSchema(
        {
            "report_id": _str(), "published": pa.Column("datetime64[ns]", nullable=True),
            "published_source": _str(nullable=True, checks=pa.Check.isin(["meta", "labelled", "url", "signature"])),
            "deadline": pa.Column("datetime64[ns]", nullable=True),
            "level": _str(checks=pa.Check.isin(["government", "department", "unknown"])),
            "state": _str(checks=pa.Check.isin(["on_time", "late", "unknown"])), "basis": _str(), "basis_en": _str(),
            "evidence": _str(),
        },
        strict=True, ordered=True, coerce=True,
    )

    assert list(harmonized_schema.columns) == HARMONIZED_COLUMNS
    return {
        "values": values_schema,
        "unmapped": unmapped_schema,
        "placeholders": placeholders_schema,
        "findings": findings_schema,
        "reports": reports_schema,
        "harmonized": harmonized_schema,
        "facts": facts_schema,
        "repetition": repetition_schema,
        "repetition_passages": repetition_passages_schema,
        "timeliness": timeliness_schema,
    }


SCHEMA_NAMES = ("values", "unmapped", "placeholders", "findings", "reports", "harmonized", "facts", "repetition",
                "repetition_passages", "timeliness")  # the tables with a schema (failures and the dictionary have none)


def validate_table(name: str, frame):
    """Check a table lazily (all failures at once) and return it coerced."""
    return schemas()[name].validate(frame, lazy=True)


# the dtypes the schemas coerce to (other columns: str), for frames built from records without a check
DTYPES = {
    "values": {"year": "int64", "value": "float64", "match_score": "float64"},
    "unmapped": {"year": "int64", "value": "float64"},
    "placeholders": {},
    "findings": {"left": "float64", "right": "float64", "blanks_as_zero": "bool"},
}
COLUMNS = {"values": VALUE_COLUMNS, "unmapped": UNMAPPED_COLUMNS, "placeholders": PLACEHOLDER_COLUMNS,
           "findings": FINDING_COLUMNS, "reports": REPORT_COLUMNS}


def frame(name: str, records: list):
    """A table from plain records with the schema's columns and dtypes, unchecked (checked once combined)."""
    import pandas as pd

    columns, dtypes = COLUMNS[name], DTYPES[name]
    return pd.DataFrame({c: pd.array([r.get(c) for r in records], dtype=dtypes.get(c, "str")) for c in columns},
                        columns=columns)
