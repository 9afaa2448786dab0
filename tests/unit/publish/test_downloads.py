"""Downloads like a data desk (issue 19, item 3): CSVs Excel reads as UTF-8, a workbook, a database file,
a data licence and a line to cite.

Old: the CSVs had no byte-order mark (Excel on a Chinese Windows opened them as GBK: mojibake), there was
no workbook, no database file, no data licence file and no citation file, and the index said nothing of how
to cite the data.
"""
from __future__ import annotations

import codecs
import json
import re
import tomllib
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import yaml

import govreport
from govreport.store import MANIFEST, sha256_file
from publish_helpers import REPO, page_text

AGENCY = "沙坡头区政务服务中心"  # the agency of both seed reports (data/raw/shapotou_gov_service_center_2021.txt)
MAIN_TABLES = ("reports", "values", "findings", "timeliness", "harmonized", "unmapped", "data_dictionary")


@pytest.fixture(scope="module")
def published(build):
    return build.root / "reports" / "data"


# ---- CSVs with a byte-order mark ---------------------------------------------

@pytest.mark.parametrize("folder", ["data/processed", "reports/data"])
def test_every_csv_starts_with_the_utf8_bom_and_reads_back_as_its_parquet(build, folder):
    directory = build.root / folder
    data = govreport.load(directory)  # the Parquet
    csvs = sorted(directory.glob("*.csv"))
    assert {p.stem for p in csvs} >= set(MAIN_TABLES) and len(csvs) >= 13  # every table (13 or more)
    for path in csvs:
        raw = path.read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), path.name
        table = data.tables.get(path.stem)
        table = pd.read_parquet(directory / f"{path.stem}.parquet") if table is None else table
        assert raw[len(codecs.BOM_UTF8):].decode("utf-8") == table.to_csv(index=False), path.name
        back = pd.read_csv(path, encoding="utf-8-sig")
        assert list(back.columns) == list(table.columns) and len(back) == len(table), path.name


# ---- the workbook ------------------------------------------------------------

def _sheet(book, name) -> pd.DataFrame:
    rows = list(book[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_workbook_has_a_sheet_per_main_table_with_its_rows_and_the_dictionary(published):
    book = openpyxl.load_workbook(published / "govreport.xlsx", read_only=True)
    data = govreport.load(published)
    assert book.sheetnames == ["contents", *MAIN_TABLES]
    for name in MAIN_TABLES:
        sheet = _sheet(book, name)
        assert len(sheet) == len(data.tables[name]) and list(sheet.columns) == list(data.tables[name].columns), name
    reports = _sheet(book, "reports")
    assert reports.loc[reports["year"] == 2021, "agency"].tolist() == [AGENCY]  # hand-checked: the 2021 seed
    dictionary = _sheet(book, "data_dictionary").set_index("metric")
    assert dictionary.loc["requests.new_received", "name_zh"] == "本年新收政府信息公开申请数量"
    contents = _sheet(book, "contents").set_index("sheet")
    assert contents.loc["values", "rows"] == len(data.values) and contents.loc["values", "parts"] == 1
    assert contents.loc["reports", "description_zh"].startswith("每份年度报告一行")


def test_a_table_longer_than_a_sheet_is_split_and_the_contents_say_so(tmp_path):
    from govreport.publish.downloads import write_workbook

    values = pd.DataFrame({"report_id": [f"r{i}" for i in range(5)], "value": range(5)})
    write_workbook({"values": values, "reports": values.head(1)}, tmp_path / "w.xlsx", max_rows=3)  # 2 rows a sheet
    book = openpyxl.load_workbook(tmp_path / "w.xlsx", read_only=True)
    assert book.sheetnames == ["contents", "reports", "values_1", "values_2", "values_3"]
    parts = pd.concat([_sheet(book, f"values_{n}") for n in (1, 2, 3)], ignore_index=True)
    assert parts["value"].tolist() == [0, 1, 2, 3, 4]  # nothing cut
    contents = _sheet(book, "contents").set_index("sheet")
    assert contents.loc["values_3", ["part", "parts", "rows", "table_rows"]].tolist() == [3, 3, 1, 5]


# ---- the database ------------------------------------------------------------

def test_the_duckdb_file_holds_every_table_as_a_table_with_its_rows(published):
    data = govreport.load(published)
    with duckdb.connect(str(published / "govreport.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in kinds}
        agencies = con.execute('SELECT DISTINCT agency FROM reports WHERE year = 2021').fetchall()
    files = json.loads((published / MANIFEST).read_text(encoding="utf-8"))["files"]
    stored = {f.split("/", 1)[0].removesuffix(".parquet") for f in files if f.endswith(".parquet")}
    assert set(kinds) == stored >= set(data.tables) and set(kinds.values()) == {"BASE TABLE"}
    assert counts == {name: len(data.tables[name]) if name in data.tables
                      else len(pd.read_parquet(published / f"{name}.parquet")) for name in stored}
    assert agencies == [(AGENCY,)]


def test_workbook_database_and_licence_are_in_the_manifest_with_their_sha256(published):
    files = json.loads((published / MANIFEST).read_text(encoding="utf-8"))["files"]
    for name in ("govreport.xlsx", "govreport.duckdb", "LICENSE"):
        assert files[name] == sha256_file(published / name), name


# ---- the index: downloads, licence, how to cite -------------------------------

def test_the_index_links_the_downloads_with_their_sizes_and_a_line_to_cite(build, published):
    from govreport.report.methods import citation_text

    index = (build.root / "reports" / "index.html").read_text(encoding="utf-8")
    section = index.split("数据文件</h2>", 1)[1]
    for name in ("govreport.xlsx", "govreport.duckdb", "LICENSE"):
        kb = f"{(published / name).stat().st_size / 1024:.1f}"
        mb = f"{(published / name).stat().st_size / (1 << 20):.1f}"
        assert re.search(rf'<a href="data/{re.escape(name)}"><code>{re.escape(name)}</code></a>：[^<]*（'
                         rf'(?:{kb} 千字节|{mb} 兆字节)）', section), name
    record = json.loads((build.root / "reports" / "build_record.json").read_text(encoding="utf-8"))
    line = citation_text(govreport.__version__, record["data_version"], "zh")
    assert record["data_version"][:12] in line and f"如何引用：{line}" in page_text(section)
    assert "CC-BY-4.0" in section


# ---- licence and citation files ---------------------------------------------

def test_the_data_licence_is_at_the_root_and_published_beside_the_data(published):
    from govreport.publish.downloads import licence_text

    text = (REPO / "DATA_LICENSE").read_text(encoding="utf-8")
    assert text == licence_text() == (published / "LICENSE").read_text(encoding="utf-8")  # one wording: the catalog
    assert "CC-BY-4.0" in text and "《中华人民共和国政府信息公开条例》" in text
    assert "Regulations of the People's Republic of China on Open Government Information" in text


def test_the_citation_file_names_the_package_version():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0" and cff["title"] and cff["authors"]
    assert cff["version"] == govreport.__version__ == project["version"]
    assert cff["license"] == "MIT" and Path(REPO / "LICENSE").is_file()
    assert cff["references"][0]["license"] == "CC-BY-4.0"
