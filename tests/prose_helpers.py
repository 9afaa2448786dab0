"""Prose facts for tests: the seed and fixture texts, facts read from them, a values table to check against.

Line numbers in tests cite data/raw/shapotou_gov_service_center_2018.txt (S18),
data/raw/shapotou_gov_service_center_2021.txt (S21) and tests/data/fixtures/text/*.txt.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from govreport.extract.facts import extract_facts
from govreport.readers import read_document
from govreport.readers.text import document_from_text
from govreport.schemas import VALUE_COLUMNS
from locations import DATA, REPO

RAW = REPO / "data" / "raw"
S18 = RAW / "shapotou_gov_service_center_2018.txt"
S21 = RAW / "shapotou_gov_service_center_2021.txt"
FIXTURES = DATA / "fixtures"
HONGZE_2024 = FIXTURES / "text" / "hongze_district_gov_2024.txt"
HUAIAN_2024 = FIXTURES / "text" / "huaian_gov_2024.txt"


def facts_of(path, report_id="r"):
    return extract_facts(report_id, read_document(path))


def facts_of_text(text, report_id="t"):
    return extract_facts(report_id, document_from_text(Path("inline.txt"), text))


def row(df, value, unit, subject=None):
    """The one fact of ``value`` ``unit`` (and ``subject``)."""
    hit = df[(df["value"] == value) & (df["unit"] == unit)]
    if subject is not None:
        hit = hit[hit["subject"] == subject]
    assert len(hit) == 1, f"expected one fact {value}{unit} {subject or ''}, got {len(hit)}:\n{df[['subject', 'value', 'unit']]}"
    return hit.iloc[0]


def values_table(report_id, items):
    """A values table of (metric, value, unit, source_label) total-column rows."""
    rows = [{"report_id": report_id, "agency": "", "agency_id": "", "year": 0, "template": "legacy", "metric": m,
             "applicant": "total", "value": v, "unit": u, "source_label": label, "provenance": "reported"}
            for m, v, u, label in items]
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)
