"""One table registry (schemas.TABLES): what ingest writes and load() reads is exactly what it declares."""
from __future__ import annotations

import pytest

import govreport
from conftest import SEED_2018, SEED_2021
from govreport import schemas, store


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The two seeds (same agency, 2018 and 2021) ingested once."""
    out = tmp_path_factory.mktemp("registry") / "processed"
    govreport.ingest([SEED_2018, SEED_2021], out)
    return govreport.load(out)


def test_ingest_writes_every_registered_table_and_no_other(stored):
    assert sorted(stored.tables) == sorted(schemas.TABLES)


def test_every_stored_table_has_the_registered_columns_in_order(stored):
    wrong = {name: list(frame.columns) for name, frame in stored.tables.items()
             if list(frame.columns) != schemas.columns(name, optional=True)}
    assert wrong == {}


def test_findings_stored_carry_the_review_columns_a_parsed_report_has_not():
    assert schemas.REVIEW_COLUMNS == ["review", "review_note", "reviewer", "review_date"]
    assert schemas.columns("findings") == ["report_id", "rule", "applicant", "state", "left", "right", "evidence",
                                           "blanks_as_zero"]


def test_facts_carry_their_table_metric_and_fact_series_is_stored(stored):
    assert schemas.columns("facts")[-1] == "table_metric"
    assert "fact_series" in stored.tables and "fact_series" in schemas.SCHEMA_NAMES


def test_the_store_partitions_exactly_the_tables_the_registry_says():
    assert store.PARTITIONED == ("values", "unmapped", "harmonized")


def test_every_registered_table_has_a_published_description():
    assert [name for name, spec in schemas.TABLES.items() if not spec.description] == []


def test_an_unknown_table_name_is_a_key_error_not_an_empty_list():
    with pytest.raises(KeyError):
        schemas.columns("fact")
