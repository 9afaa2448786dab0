"""Write processed tables (Parquet + CSV) atomically and read them back.

Each file is written to a temporary name in the same folder and renamed into
place, so an interrupted run never leaves a half-written file that load()
would take for valid.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

MANIFEST = "manifest.json"
TABLES = ("reports", "values", "unmapped", "placeholders", "findings", "harmonized")
OPTIONAL_TABLES = ("facts", "repetition", "repetition_passages", "timeliness", "failures")


def sha256_file(path) -> str:
    """Content hash of a file, read in chunks (report ids, build change detection)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, out_dir: Path, name: str) -> None:
    out_dir = Path(out_dir)
    _atomic(out_dir / f"{name}.parquet", lambda p: frame.to_parquet(p, index=False))
    _atomic(out_dir / f"{name}.csv", lambda p: frame.to_csv(p, index=False, encoding="utf-8"))


def write_manifest(out_dir: Path, names) -> None:
    """Written last: the sha256 of every Parquet file of this run, so load() can tell a
    complete set from one that an interrupted run left half old, half new."""
    out_dir = Path(out_dir)
    digest = {name: sha256_file(out_dir / f"{name}.parquet") for name in names}
    write_text(json.dumps({"tables": digest}, ensure_ascii=False, indent=1, sort_keys=True) + "\n", out_dir / MANIFEST)


class IncompleteData(RuntimeError):
    """The processed folder mixes tables of two ingest runs (one was interrupted)."""


def write_text(text: str, path: Path) -> None:
    _atomic(Path(path), lambda p: Path(p).write_text(text, encoding="utf-8"))


@dataclass
class Processed:
    """The processed tables of one ingest run, as DataFrames."""

    directory: Path
    tables: dict = field(default_factory=dict)

    def __getattr__(self, name):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in TABLES or name in OPTIONAL_TABLES or name == "data_dictionary":
            return pd.DataFrame()
        raise AttributeError(name)


def load(processed_dir="data/processed") -> Processed:
    """Read every table that ingest wrote (Parquet preferred)."""
    directory = Path(processed_dir)
    if not (directory / "reports.parquet").exists():
        raise FileNotFoundError(f"{directory}: no processed data (run `govreport ingest` first)")
    manifest = directory / MANIFEST
    expected = json.loads(manifest.read_text(encoding="utf-8"))["tables"] if manifest.exists() else {}
    for name, digest in expected.items():
        path = directory / f"{name}.parquet"
        if not path.exists() or sha256_file(path) != digest:
            raise IncompleteData(f"{directory}: {name}.parquet is not the one the last complete ingest wrote "
                                 "(an ingest was interrupted); run `govreport ingest` again")
    tables = {}
    for name in TABLES + OPTIONAL_TABLES + ("data_dictionary",):
        parquet = directory / f"{name}.parquet"
        csv = directory / f"{name}.csv"
        if parquet.exists():
            tables[name] = pd.read_parquet(parquet)
        elif csv.exists():
            tables[name] = pd.read_csv(csv)
    return Processed(directory=directory, tables=tables)
