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


@pytest.mark.parametrize("name", ["沙坡头区政务服务中心", "中卫市沙坡头区政务服务中心", "中卫市/沙坡头区政务服务中心"])
def test_sql_agency_option_takes_any_name_and_keeps_every_year(processed, capsys, name):
    # seed 2021 is titled 沙坡头区政务服务中心, seed 2018 中卫市沙坡头区政务服务中心: one agency, both years
    query = "SELECT year, count(value) AS n FROM values GROUP BY year ORDER BY year"
    assert main(["sql", query, "--processed", str(processed), "--csv", "--agency", name]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table.to_dict("list") == {"year": [2018, 2021], "n": [58, 229]}


def test_agency_names_view_makes_written_names_usable_in_sql(processed):
    from govreport.sql import query

    names = query("SELECT name, how FROM agency_names ORDER BY how, name", processed)
    assert list(zip(names["name"], names["how"])) == [
        ("中卫市/沙坡头区政务服务中心", "agency_id"), ("中卫市沙坡头区政务服务中心", "written"),
        ("沙坡头区政务服务中心", "written")]
    years = query("SELECT r.year FROM reports r JOIN agency_names n USING (agency_id) "
                  "WHERE n.name = '沙坡头区政务服务中心' ORDER BY r.year", processed)
    assert years["year"].tolist() == [2018, 2021]


def test_sql_agency_option_with_an_unknown_name_is_one_line_and_exit_2(processed, capsys):
    assert main(["sql", "SELECT 1", "--processed", str(processed), "--agency", "沙坡头区政务中心"]) == 2
    assert capsys.readouterr().err == (f"error: {processed}: unknown agency '沙坡头区政务中心'; "
                                       "closest known: 中卫市/沙坡头区政务服务中心\n")
