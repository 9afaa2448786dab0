"""parse() returns what ingest() stores for a report: a one-file ingest's tables, less the columns only the
stored tables have (the analyst's reviews), are the tables parse() gives for that file (issue 15)."""
from __future__ import annotations

import pandas as pd
import pytest

import govreport
from conftest import SEED_2021, TESTDATA
from govreport.records import report_row
from govreport.schemas import frame

REAL = TESTDATA / "real"
CASES = [SEED_2021,                                  # the gb2021 seed of data/raw: table findings, no date
         REAL / "sanming_shizhengfu_2024.txt",       # a city government: prose facts, dated by its original link
         REAL / "putian_ptkjj_2024.html"]            # a department's web page: dated in its <meta>
PER_REPORT = ("values", "unmapped", "placeholders", "findings", "facts", "timeliness")


@pytest.fixture(scope="module", params=CASES, ids=lambda p: p.name)
def both(request, tmp_path_factory):
    """(parse of the file, the tables of a one-file ingest of it)."""
    out = tmp_path_factory.mktemp("ingest") / "processed"
    result = govreport.ingest([request.param], out)
    assert result.failures == [] and len(result.reports) == 1
    return govreport.parse(request.param), govreport.load(out)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as stored (Parquet): index and string dtypes left out of the comparison, nothing else."""
    return frame.reset_index(drop=True).astype({c: "object" for c in frame.columns
                                                if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])})


@pytest.mark.parametrize("name", PER_REPORT)
def test_parse_gives_the_per_report_table_ingest_stores(both, name):
    rep, stored = both
    ours, theirs = getattr(rep, name), stored.tables[name]
    theirs = theirs[[c for c in ours.columns]]  # findings: less the review columns, joined on at ingest
    pd.testing.assert_frame_equal(_plain(ours), _plain(theirs), check_dtype=False, obj=name)


def test_parse_gives_the_reports_row_ingest_stores(both):
    rep, stored = both
    row = frame("reports", [report_row(rep.meta)])
    pd.testing.assert_frame_equal(_plain(row), _plain(stored.reports), check_dtype=False)


# what parse() alone did not return before issue 15 (engines computed it): prose facts (counts as read today; the
# facts themselves are checked in tests/unit/extract), their checks, and the
# publication date; dates as read by hand (tests/unit/checks/test_timeliness.py: 原始链接 …/t20250303_, <meta PubDate>)
PROSE = {SEED_2021.name: (15, {"fact.part_whole": 2, "fact.rate": 1}, None),
         "sanming_shizhengfu_2024.txt": (17, {"fact.vs_table": 3}, "2025-03-03"),
         "putian_ptkjj_2024.html": (10, {}, "2025-01-21")}


def test_parse_returns_the_prose_facts_their_checks_and_the_publication_date(both):
    rep, _ = both
    n_facts, prose_rules, published = PROSE[rep.meta["source_file"].rsplit("/", 1)[-1]]
    rules = rep.findings["rule"].str.split(":").str[0]
    assert len(rep.facts) == n_facts
    assert rules[rules.str.startswith("fact.")].value_counts().to_dict() == prose_rules
    stated = rep.timeliness["published"].iloc[0]
    assert (None if pd.isna(stated) else stated.date().isoformat()) == published
