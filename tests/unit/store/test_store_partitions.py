"""Processed data partitioned by year: load(years=…, agencies=…) reads only what it asks for, and the
manifest still covers every file (a partition of another run is refused)."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import govreport
from conftest import SEED_2018, SEED_2021, TESTDATA
from govreport.errors import SelectionError
from govreport.store import IncompleteData

SHAPOTOU = "中卫市/沙坡头区政务服务中心"


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("parts") / "processed"
    govreport.ingest([SEED_2018, SEED_2021, TESTDATA / "html_gb2019_county.html"], out)
    return out


def test_values_are_stored_one_parquet_file_per_year(processed):
    years = sorted(p.parent.name for p in (processed / "values").glob("year=*/part-0.parquet"))
    assert years == ["year=2018", "year=2019", "year=2021"]
    part = pd.read_parquet(processed / "values" / "year=2018" / "part-0.parquet")
    assert set(part["report_id"]) == {f"{SHAPOTOU}-2018"} and part["value"].notna().sum() == 58
    assert len(pd.read_csv(processed / "values.csv")) == len(govreport.load(processed).values)  # and one CSV


def test_load_of_some_years_reads_only_their_partitions(processed, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(processed, folder)
    (folder / "values" / "year=2021" / "part-0.parquet").write_bytes(b"damaged")
    with pytest.raises(IncompleteData, match=r"values/year=2021/part-0\.parquet is not the one"):
        govreport.load(folder)  # everything: the damaged year is read, and refused
    data = govreport.load(folder, years=[2018])  # 2021 is never opened
    assert list(data.reports["report_id"]) == [f"{SHAPOTOU}-2018"]
    assert set(data.values["report_id"]) == {f"{SHAPOTOU}-2018"} and data.values["value"].notna().sum() == 58
    assert set(data.findings["report_id"]) == {f"{SHAPOTOU}-2018"}  # the flat tables follow the reports
    assert list(data.values.columns) == list(govreport.load(processed).values.columns)


def test_load_by_agency_by_id_or_written_name(processed):
    whole = govreport.load(processed)
    by_id = govreport.load(processed, agencies=[SHAPOTOU])
    assert sorted(by_id.reports["year"]) == [2018, 2021]
    assert len(by_id.values) == (whole.values["agency_id"] == SHAPOTOU).sum()
    other = whole.reports.loc[whole.reports["agency_id"] != SHAPOTOU].iloc[0]
    by_name = govreport.load(processed, agencies=other["agency"], years=2019)
    assert list(by_name.reports["report_id"]) == [other["report_id"]]
    written_2018 = govreport.load(processed, agencies="中卫市沙坡头区政务服务中心")  # seed 2018's title
    assert sorted(written_2018.reports["year"]) == [2018, 2021]  # 2021 is titled 沙坡头区政务服务中心


def test_load_of_a_year_or_agency_not_there_says_so_in_one_line(processed):
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, years=[1999])
    assert str(caught.value) == f"{processed}: no report of 1999 in the data; years there are: 2018, 2019, 2021"
    with pytest.raises(SelectionError) as caught:
        govreport.load(processed, agencies=[SHAPOTOU], years=[2019])  # 2019 is the county fixture's year
    assert str(caught.value) == f"{processed}: no report of 2019 for {SHAPOTOU}; years there are: 2018, 2021"


def test_a_year_dropped_from_the_corpus_leaves_no_partition_behind(processed, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(processed, folder)
    govreport.ingest([SEED_2021], folder, replace=True)  # additive by default (issue 16)
    assert sorted(p.parent.name for p in (folder / "values").glob("year=*/*.parquet")) == ["year=2021"]
    assert not (folder / "values" / "year=2018").exists()
    assert sorted(govreport.load(folder).values["year"].unique()) == [2021]
