"""Write processed tables (Parquet + CSV) atomically and read them back.

Each file is written to a temporary name in the same folder and renamed into
place, so an interrupted run never leaves a half-written file under a final
name. The manifest is written last: it records the sha256 of every file of the
run (Parquet and CSV) and the raw inputs it was made from, so ``load()`` can
tell a complete set from one that a killed run left half old, half new (or,
for a first run, half written), and ``govreport build`` can tell whether the
tables are those of the current ``data/raw``.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 2
TABLES = ("reports", "values", "unmapped", "placeholders", "findings", "harmonized")
OPTIONAL_TABLES = ("facts", "repetition", "repetition_passages", "timeliness", "failures")
SUFFIXES = (".parquet", ".csv")


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


def write_text(text: str, path: Path) -> None:
    _atomic(Path(path), lambda p: Path(p).write_text(text, encoding="utf-8"))


def clear_temporaries(out_dir: Path) -> None:
    """Remove the hidden temporary files of a run that was killed mid-write."""
    out_dir = Path(out_dir)
    for stale in out_dir.glob(".*.tmp") if out_dir.is_dir() else ():
        stale.unlink(missing_ok=True)


def write_manifest(out_dir: Path, names: Iterable[str], sources: Iterable[dict] = ()) -> None:
    """Written last: the sha256 of every file of this run and the raw inputs it was made from."""
    out_dir = Path(out_dir)
    files = {f"{name}{suffix}": sha256_file(out_dir / f"{name}{suffix}")
             for name in names for suffix in SUFFIXES if (out_dir / f"{name}{suffix}").exists()}
    document = {"format": MANIFEST_FORMAT, "files": files, "sources": list(sources)}
    write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", out_dir / MANIFEST)


def write_tables(out_dir: Path, tables: dict, sources: Iterable[dict] = ()) -> None:
    """One ingest run's output: every table as Parquet and CSV, then the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clear_temporaries(out_dir)
    for name, frame in tables.items():
        write_table(frame, out_dir, name)
    write_manifest(out_dir, tables, sources)


def seal(directory) -> None:
    """Record the tables now in ``directory`` as one set (for tables edited by hand, e.g. in tests)."""
    directory = Path(directory)
    try:
        sources = json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("sources", [])
    except (OSError, ValueError, AttributeError):
        sources = []
    write_manifest(directory, sorted(p.stem for p in directory.glob("*.parquet")), sources)


class IncompleteData(RuntimeError):
    """The processed folder is not one complete ingest run (one was interrupted)."""


def _again(directory: Path, problem: str) -> IncompleteData:
    return IncompleteData(f"{directory}: {problem}; run `govreport ingest` again")


def read_manifest(directory) -> dict:
    """The manifest of ``directory``; raises FileNotFoundError (nothing there) or IncompleteData."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.exists():
        if any(directory.glob("*.parquet")) or any(directory.glob("*.csv")):
            raise _again(directory, f"no {MANIFEST}, so these tables are not known to be one complete ingest "
                                    "(a first ingest was interrupted?)")
        raise FileNotFoundError(f"{directory}: no processed data (run `govreport ingest` first)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _again(directory, f"{MANIFEST} is unreadable ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT \
            or not isinstance(manifest.get("files"), dict) or "reports.parquet" not in manifest["files"]:
        raise _again(directory, f"{MANIFEST} is from an older govreport or damaged")
    return manifest


def verify(directory) -> dict:
    """The manifest, after checking that every file it lists is the one the run wrote."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    order = sorted(manifest["files"], key=lambda name: (not name.endswith(".parquet"), name))
    for name in order:
        path = directory / name
        if not path.exists() or sha256_file(path) != manifest["files"][name]:
            raise _again(directory, f"{name} is not the one the last complete ingest wrote "
                                    "(an ingest was interrupted)")
    return manifest


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
    """Read every table of the last complete ingest run (Parquet), after checking the manifest."""
    directory = Path(processed_dir)
    files = verify(directory)["files"]
    tables = {}
    for name in TABLES + OPTIONAL_TABLES + ("data_dictionary",):
        if f"{name}.parquet" in files:
            tables[name] = pd.read_parquet(directory / f"{name}.parquet")
        elif f"{name}.csv" in files:
            tables[name] = pd.read_csv(directory / f"{name}.csv")
    return Processed(directory=directory, tables=tables)
