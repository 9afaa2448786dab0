"""`govreport sql` is read-only: a query can read the processed tables and nothing else. Writing a file
(`COPY … TO`, over the store's own files too), reading a path outside the tables (`read_csv`, `glob`),
attaching a database file, installing or loading an extension (network) and switching any of this back on
are refused in one line (exit 1), and the file system shows that nothing was written or fetched."""
from __future__ import annotations

import http.server
import re
import threading

import pytest

import govreport
from conftest import ROOT, SEED_2018, SEED_2021
from govreport.cli import main


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("sql_readonly") / "processed"
    govreport.ingest([SEED_2018, SEED_2021], out)
    return out


def _snapshot(folder):
    """Every file under ``folder`` with its bytes: what a refused query must leave as it was."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(query, processed, capsys) -> str:
    """Run ``query`` through the CLI; assert it is refused in one line with exit 1; return that line."""
    assert main(["sql", query, "--processed", str(processed)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: refused, govreport sql is read-only") and captured.err.count("\n") == 1
    return captured.err


@pytest.mark.parametrize("options", ["", " (FORMAT csv, HEADER)", " (FORMAT csv, USE_TMP_FILE false)"])
def test_copy_over_the_stores_own_csv_is_refused_and_the_store_still_loads(processed, capsys, options):
    before = _snapshot(processed)
    _refused(f"COPY (SELECT 1 AS x) TO '{processed / 'values.csv'}'{options}", processed, capsys)
    assert _snapshot(processed) == before
    assert len(govreport.load(processed).values) == 58 + 229  # the two seeds' values, as in test_sql.py


def test_copy_over_the_stores_parquet_is_refused(processed, capsys):
    # an allowed path would be writable as well: the store's files must not be paths DuckDB may open
    before = _snapshot(processed)
    target = processed / "reports.parquet"
    _refused(f"COPY (SELECT 1 AS x) TO '{target}' (FORMAT csv, USE_TMP_FILE false)", processed, capsys)
    assert _snapshot(processed) == before


def test_copy_to_a_new_file_is_refused_and_creates_nothing(processed, tmp_path, capsys):
    _refused(f"COPY values TO '{tmp_path / 'out.csv'}'", processed, capsys)
    _refused(f"EXPORT DATABASE '{tmp_path / 'export'}'", processed, capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("reader", ["read_csv", "read_text", "read_parquet", "glob"])
def test_reading_outside_the_tables_is_refused(processed, capsys, reader):
    # a file of the repository, and the store's own folder: neither is one of the tables
    for target in (ROOT / "README.md", processed / "*.parquet"):
        _refused(f"SELECT * FROM {reader}('{target}')", processed, capsys)


def test_attach_is_refused_and_creates_no_database_file(processed, tmp_path, capsys):
    _refused(f"ATTACH '{tmp_path / 'x.db'}' AS x", processed, capsys)
    assert not (tmp_path / "x.db").exists() and list(tmp_path.iterdir()) == []


def test_install_and_load_are_refused_before_any_download(processed, tmp_path, capsys, monkeypatch):
    """A local extension repository counts the requests DuckDB sends: none (DuckDB reads HOME at start)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    requests = []

    class Repository(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Repository)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _refused(f"INSTALL httpfs FROM 'http://127.0.0.1:{server.server_address[1]}'", processed, capsys)
        _refused("INSTALL httpfs", processed, capsys)
        _refused("LOAD httpfs", processed, capsys)
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert list(tmp_path.iterdir()) == []  # no ~/.duckdb/extensions made either


@pytest.mark.parametrize("setting", ["SET enable_external_access = true", "SET autoinstall_known_extensions = true",
                                     "SET allowed_directories = ['/']", "SET temp_directory = '/tmp'"])
def test_a_query_cannot_switch_the_locks_off(processed, capsys, setting):
    _refused(setting, processed, capsys)


def test_python_api_refuses_the_same_in_one_line(processed, tmp_path):
    from govreport.sql import SqlError, query

    with pytest.raises(SqlError, match="^refused, govreport sql is read-only") as caught:
        query(f"COPY values TO '{tmp_path / 'v.csv'}'", processed)
    assert "\n" not in str(caught.value) and list(tmp_path.iterdir()) == []


def test_reading_the_tables_still_works_and_year_filters_reach_the_scan(processed):
    from govreport.sql import connect

    con = connect(processed)
    try:
        assert con.execute("SELECT count(*) FROM values WHERE year = 2018").fetchone() == (58,)  # the 2018 seed
        plan = "\n".join(row[1] for row in con.execute("EXPLAIN SELECT value FROM values WHERE year = 2018").fetchall())
    finally:
        con.close()
    assert re.search(r'Filters: "?year"? = 2018', plan)  # pushed into the scan of the Parquet files
