"""SQL over the processed tables, read-only: one table per name of the store, over the Parquet of the
last complete ingest (the files its manifest lists, checked first), scanned lazily, so a query on one year
of ``values`` reads little of the others (``WHERE year = 2021`` is pushed into the scan).

The connection can read those tables and nothing else: DuckDB's own settings turn off every external
access (no file read or written, so no ``COPY … TO``, ``read_csv('/etc/passwd')``, ``glob``, ``ATTACH`` of
a file, ``EXPORT``), extension install and load (no network), persistent secrets and spill files, and the
configuration is locked so a query cannot turn any of it back on. The store's Parquet reaches DuckDB as
Arrow datasets opened here, read-only, not as paths DuckDB may open (an allowed path is writable too).

``agency_names(name, agency_id, how)`` holds every name an agency answers to (its id, each written name,
each alias, with or without the city), so ``WHERE agency_id IN (SELECT agency_id FROM agency_names WHERE
name = '洪泽区人民政府')`` finds every year of it; ``agencies=`` narrows every table to those agencies."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from govreport.errors import GovreportError
from govreport.text.agencies import name_table, select_reports
from govreport.store import IncompleteData, read_manifest, verify

# DuckDB settings of every connection, fixed when it opens (lock_configuration: no query can change them)
READ_ONLY = {
    "enable_external_access": False,  # no file or URL opened by a query: COPY, read_*, glob, ATTACH, INSTALL
    "autoinstall_known_extensions": False,  # a query never fetches an extension (no network) ...
    "autoload_known_extensions": False,  # ... nor loads one
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,  # secrets would be written under ~/.duckdb
    "temp_directory": "",  # no spill files: a query larger than memory fails instead of writing
    "lock_configuration": True,
}


class SqlError(GovreportError, RuntimeError):
    """A query that cannot run (no data, damaged data, bad SQL, refused: the connection is read-only)."""


def connect(processed_dir, agencies=None):
    """An in-memory, read-only DuckDB connection with one table per table of ``processed_dir`` and
    ``agency_names``; ``agencies`` (any names) keeps only their reports' rows (SelectionError, one line,
    for a name of none)."""
    import duckdb

    directory = Path(processed_dir)
    try:
        files = read_manifest(directory)["files"]
        parquet = [f for f in files if f.endswith(".parquet")]
        verify(directory, parquet)
    except (FileNotFoundError, IncompleteData) as exc:
        raise SqlError(str(exc)) from None
    reports = pd.read_parquet(directory / "reports.parquet")
    names = name_table(reports)
    kept = None if agencies is None else sorted(select_reports(reports, _listed(agencies), None, directory))
    if kept is not None:
        names = names[names["agency_id"].isin(set(reports.loc[reports["report_id"].isin(kept), "agency_id"]))]
    con = duckdb.connect(":memory:", config=READ_ONLY)
    for name, paths in sorted(_tables(directory, parquet).items()):
        con.register(name, _dataset(name, paths, kept))
    con.register("_agency_names", names.reset_index(drop=True))
    con.execute("CREATE TABLE agency_names AS SELECT * FROM _agency_names")
    con.unregister("_agency_names")
    return con


def _dataset(name: str, paths: list[str], kept):
    """The Parquet files of one table as one Arrow dataset: columns united by name (a year's partition may
    lack a column), rows of the ``kept`` reports only when given."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    try:
        schema = pa.unify_schemas([pq.read_schema(p) for p in paths], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SqlError(f"{name}: its files do not share columns ({' '.join(str(exc).split())})") from None
    data = ds.dataset(paths, format="parquet", schema=schema)
    if kept is not None and "report_id" in schema.names:
        data = data.filter(ds.field("report_id").isin(kept))
    return data


def _listed(agencies) -> list:
    return [agencies] if isinstance(agencies, str) else list(agencies)


def _tables(directory: Path, parquet: list[str]) -> dict[str, list[str]]:
    """Table name -> its Parquet files (one file, or one per year partition)."""
    out: dict[str, list[str]] = {}
    for rel in sorted(parquet):
        name = rel.split("/", 1)[0].removesuffix(".parquet")
        out.setdefault(name, []).append(str(directory / rel))
    return out


def query(sql: str, processed_dir, agencies=None):
    """Run ``sql`` and return the result as a DataFrame; SqlError (one line) when it cannot run or is refused
    (it writes, reads outside the tables, attaches, installs or loads), SelectionError (one line) when
    ``agencies`` names no agency of the data."""
    import duckdb

    con = connect(processed_dir, agencies)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        raise SqlError(_one_line(exc)) from None
    finally:
        con.close()


def _one_line(exc) -> str:
    """DuckDB's message on one line; a refusal says why (the connection is read-only)."""
    import duckdb

    text = " ".join(str(exc).split())
    if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in text:
        return f"refused, govreport sql is read-only (no files, attachments or extensions): {text}"
    return text
