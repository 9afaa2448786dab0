"""SQL over the processed tables: DuckDB views named after the tables, over the Parquet of the last
complete ingest (the files its manifest lists, checked first), so a query on one year of ``values``
reads that year's partition only (``WHERE year = 2021`` prunes the others)."""
from __future__ import annotations

from pathlib import Path

from .store import IncompleteData, read_manifest, verify


class SqlError(RuntimeError):
    """A query that cannot run (no data, damaged data, bad SQL), in one line."""


def connect(processed_dir):
    """An in-memory DuckDB connection with one view per table of ``processed_dir``."""
    import duckdb

    directory = Path(processed_dir)
    try:
        files = read_manifest(directory)["files"]
        parquet = [f for f in files if f.endswith(".parquet")]
        verify(directory, parquet)
    except (FileNotFoundError, IncompleteData) as exc:
        raise SqlError(str(exc)) from None
    con = duckdb.connect(":memory:")
    for name, paths in sorted(_tables(directory, parquet).items()):
        listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listed}], union_by_name = true)')
    return con


def _tables(directory: Path, parquet: list[str]) -> dict[str, list[str]]:
    """Table name -> its Parquet files (one file, or one per year partition)."""
    out: dict[str, list[str]] = {}
    for rel in sorted(parquet):
        name = rel.split("/", 1)[0].removesuffix(".parquet")
        out.setdefault(name, []).append(str(directory / rel))
    return out


def query(sql: str, processed_dir):
    """Run ``sql`` and return the result as a DataFrame; SqlError (one line) when it cannot run."""
    import duckdb

    con = connect(processed_dir)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        raise SqlError(" ".join(str(exc).split())) from None
    finally:
        con.close()
