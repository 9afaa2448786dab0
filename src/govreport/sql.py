"""SQL over the processed tables: DuckDB views named after the tables, over the Parquet of the last
complete ingest (the files its manifest lists, checked first), so a query on one year of ``values``
reads that year's partition only (``WHERE year = 2021`` prunes the others).

``agency_names(name, agency_id, how)`` holds every name an agency answers to (its id, each written name,
each alias, with or without the city), so ``WHERE agency_id IN (SELECT agency_id FROM agency_names WHERE
name = '洪泽区人民政府')`` finds every year of it; ``agencies=`` narrows every view to those agencies."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .agency_names import name_table, select_reports
from .store import IncompleteData, read_manifest, verify


class SqlError(RuntimeError):
    """A query that cannot run (no data, damaged data, bad SQL), in one line."""


def connect(processed_dir, agencies=None):
    """An in-memory DuckDB connection with one view per table of ``processed_dir`` and ``agency_names``;
    ``agencies`` (any names) keeps only their reports' rows (SelectionError, one line, for a name of none)."""
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
    con = duckdb.connect(":memory:")
    for name, paths in sorted(_tables(directory, parquet).items()):
        listed = ", ".join(_quote(p) for p in paths)
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listed}], union_by_name = true)')
        if kept is not None and "report_id" in _columns(con, name):
            con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM read_parquet([{listed}], '
                        f'union_by_name = true) WHERE report_id IN ({", ".join(map(_quote, kept)) or "NULL"})')
    con.register("_agency_names", names.reset_index(drop=True))
    con.execute("CREATE TABLE agency_names AS SELECT * FROM _agency_names")
    con.unregister("_agency_names")
    return con


def _listed(agencies) -> list:
    return [agencies] if isinstance(agencies, str) else list(agencies)


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _columns(con, name: str) -> list[str]:
    return [row[0] for row in con.execute(f'DESCRIBE "{name}"').fetchall()]


def _tables(directory: Path, parquet: list[str]) -> dict[str, list[str]]:
    """Table name -> its Parquet files (one file, or one per year partition)."""
    out: dict[str, list[str]] = {}
    for rel in sorted(parquet):
        name = rel.split("/", 1)[0].removesuffix(".parquet")
        out.setdefault(name, []).append(str(directory / rel))
    return out


def query(sql: str, processed_dir, agencies=None):
    """Run ``sql`` and return the result as a DataFrame; SqlError (one line) when it cannot run,
    SelectionError (one line) when ``agencies`` names no agency of the data."""
    import duckdb

    con = connect(processed_dir, agencies)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        raise SqlError(" ".join(str(exc).split())) from None
    finally:
        con.close()
