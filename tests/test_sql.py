"""`govreport sql`: DuckDB over the processed Parquet, one view per table, a table or CSV out."""
from __future__ import annotations

import io

import pandas as pd
import pytest

import govreport
from conftest import SEED_2018, SEED_2021
from govreport.cli import main


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("sql") / "processed"
    govreport.ingest([SEED_2018, SEED_2021], out)
    return out


def test_sql_counts_the_printed_values_per_year(processed, capsys):
    query = "SELECT year, count(value) AS n FROM values GROUP BY year ORDER BY year"
    assert main(["sql", query, "--processed", str(processed), "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table.to_dict("list") == {"year": [2018, 2021], "n": [58, 229]}  # as test_load_returns_every_table


def test_sql_joins_tables_by_their_names_and_prints_a_table(processed, capsys):
    query = ("SELECT r.year, h.value FROM harmonized h JOIN reports r USING (report_id) "
             "WHERE h.series = 'proactive_published' ORDER BY r.year")
    assert main(["sql", query, "--processed", str(processed)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["year", "value"] and lines[1].split() == ["2018", "45.0"]  # the 2018 seed: 45


def test_every_table_is_a_view(processed):
    from govreport.sql import query

    names = set(query("SELECT table_name FROM information_schema.tables", processed)["table_name"])
    assert {"reports", "values", "unmapped", "findings", "harmonized", "facts", "timeliness",
            "failures", "data_dictionary"} <= names
    assert query("SELECT count(*) AS n FROM unmapped", processed)["n"].tolist() == [0]  # empty, with its columns


def test_bad_sql_and_missing_data_are_one_line_errors(processed, tmp_path, capsys):
    assert main(["sql", "SELEC 1", "--processed", str(processed)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Parser Error: syntax error") and err.count("\n") == 1
    assert main(["sql", "SELECT 1", "--processed", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'none'}: no processed data (run `govreport ingest` first)\n"
