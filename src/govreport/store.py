"""Write processed tables (Parquet + CSV) atomically and read them back.

Each file is written to a temporary name in the same folder and renamed into place, so an interrupted run never
leaves a half-written file under a final name. The manifest is written last: it records the sha256 (and stat) of
every file of the run and the raw inputs it was made from, so ``load()`` can tell a complete set from one that a
killed run left half old, half new (or half written), and ``govreport build`` can tell whether the tables are
those of the current ``data/raw``. The large tables with a ``year`` (PARTITIONED) are one Parquet file per year
(``values/year=2021/part-0.parquet``: ``load(years=…)`` and ``govreport sql`` read only those); every table is
also one CSV, UTF-8 with a byte-order mark (``CSV_ENCODING``: a spreadsheet on a Chinese Windows reads it so).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Callable, Iterable, Optional

import pandas as pd

from govreport.errors import GovreportError
from govreport.schemas import TABLES as REGISTRY, checked, rows_checked
from govreport.text.agencies import select_reports

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 2
TABLES = tuple(REGISTRY)  # every table a store may hold (schemas.TABLES)
PARTITIONED = tuple(name for name, spec in REGISTRY.items() if spec.partitioned)
EMPTY_PART = "empty.parquet"  # a partitioned table with no rows: its columns and dtypes
SUFFIXES = (".parquet", ".csv")
BATCH_ROWS = 100_000  # rows queued before a TableStream writes them (bounds its memory)
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a BOM: Excel on a Chinese Windows otherwise opens the CSV as GBK (mojibake)


def sha256_file(path) -> str:
    """Content hash of a file, read in chunks (report ids, build change detection)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_HASHED: dict = {}  # path -> (stat key, sha256) of files this process has hashed (verify, _Lazy)
_MANIFESTS: dict = {}  # path -> (stat key, manifest): the last whole manifest read


def checked_sha(path: Path) -> str:
    """sha256 of a store file, hashed once per process while it stays the same file (``_once``)."""
    return _once(_HASHED, path, sha256_file, 10_000)


def _once(cache: dict, path: Path, make, size: int):
    """``make(path)`` once per process while ``path`` is the same file (inode and ctime: every write or rename
    changes them; no tool sets ctime); a file modified in the last 2 s is made again. ``size`` entries at most."""
    stat = os.stat(path)
    key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)
    if (hit := cache.get(str(path))) is not None and hit[0] == key:
        return hit[1]
    value = make(path)
    if len(cache) >= size:
        cache.clear()
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > 2_000_000_000:
        cache[str(path)] = (key, value)
    return value


def _stat_key(path) -> list:
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _hashed_as(path: Path) -> tuple:
    """(sha256, stat) of a file just written; the stat None unless it stayed that file while hashed, its last change
    older than a clock tick (a later write, even one that puts the mtime back, changes the ctime: ``_intact``)."""
    before = _stat_key(path)
    if time.time_ns() - max(before[1], before[2]) < 20_000_000:  # a timestamp tick is at most 10 ms
        time.sleep(0.02)
        before = _stat_key(path)
    digest = sha256_file(path)
    return digest, before if _stat_key(path) == before else None


def _intact(path: Path, digest: str, stat: Optional[list]) -> bool:
    """Is ``path`` the file the manifest hashed? Its stat, else its hash (an unchanged re-ingest reads none)."""
    return path.exists() and ((stat is not None and _stat_key(path) == stat) or checked_sha(path) == digest)


def atomic_write(path: Path, write) -> None:
    """``write(tmp)`` to a temporary name in the same folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, out_dir: Path, name: str) -> list[str]:
    """Parquet (one file per year for PARTITIONED tables) and CSV; returns the files written, relative."""
    out_dir, written = Path(out_dir), []
    for rel, part in parquet_parts(frame, name):
        atomic_write(out_dir / rel, lambda p, part=part: part.to_parquet(p, index=False))
        written.append(rel)
    atomic_write(out_dir / f"{name}.csv", lambda p: frame.to_csv(p, index=False, encoding=CSV_ENCODING))
    return written + [f"{name}.csv"]


def parquet_parts(frame: pd.DataFrame, name: str):
    """(file, rows) of table ``name`` per Parquet file (a year's, for a partitioned table)."""
    if name not in PARTITIONED:
        yield f"{name}.parquet", frame
    elif not len(frame):
        yield f"{name}/{EMPTY_PART}", frame
    else:
        for year, part in frame.groupby("year", sort=True):
            yield f"{name}/year={int(year)}/part-0.parquet", part.reset_index(drop=True)


def table_files(out_dir: Path, name: str) -> list[str]:
    """The files of table ``name`` now in ``out_dir``, relative (for seal)."""
    out_dir = Path(out_dir)
    found = [p.relative_to(out_dir).as_posix() for p in sorted((out_dir / name).rglob("*.parquet"))
             if not p.name.startswith(".")] if name in PARTITIONED else []
    return found + [f"{name}{s}" for s in SUFFIXES if (out_dir / f"{name}{s}").exists()]


class TableStream:
    """One ingest's tables written as their rows arrive, so no table is ever whole in memory (issue 16).
    ``add(name, frame)`` queues rows; ``step()`` (between agencies: a report's rows are never split over two
    batches, each batch checked on its own) writes the queue once it holds ``batch_rows`` rows: checked once
    (schemas.validate_table), appended to one ParquetWriter per table and year and to the table's CSV, under
    hidden temporary names; ``close()`` renames them all into place and returns them (relative), for the
    manifest that the caller writes last; ``abort()`` removes them."""

    def __init__(self, out_dir: Path, batch_rows: Optional[int] = None):
        self.out, self.batch_rows = Path(out_dir), batch_rows or BATCH_ROWS
        self.out.mkdir(parents=True, exist_ok=True)
        clear_temporaries(self.out)
        self.queued, self.n_queued, self.lines = {}, 0, {}  # (table, file) -> frames; rows; file -> csv lines
        self.parquet, self.csv = {}, {}  # relative file -> (temporary path, ParquetWriter); table -> (tmp, handle)

    def add(self, name: str, frame: pd.DataFrame) -> None:
        self.add_parts(name, parquet_parts(frame, name) if len(frame) else ())

    def add_parts(self, name: str, parts) -> None:  # rows cut per file by parquet_parts, or ``prepared``
        for rel, part, *text in parts:
            self.queued.setdefault((name, rel), []).append((part, text[0] if text else None))
            self.n_queued += len(part)

    def step(self, between: Callable[[], None] = lambda: None) -> None:
        """Write the queue when full, calling ``between()`` after each file (engines.Ordered.serve: the workers)."""
        if self.n_queued >= self.batch_rows:
            self.flush(between)

    def flush(self, between: Callable[[], None] = lambda: None) -> None:
        for (name, rel), queued in sorted(self.queued.items(), key=lambda item: _order(item[0])):
            frames, texts = zip(*queued)
            self.lines.update({rel: texts} if None not in texts and len({tuple(f.columns) for f in frames}) < 2 else {})
            self._write(name, rel, pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])
            between()
        self.queued, self.n_queued = {}, 0

    def _write(self, name: str, rel: str, frame: pd.DataFrame) -> None:
        from pyarrow import Table, parquet as pq

        texts, writer = self.lines.pop(rel, None), self.parquet.get(rel, (None, None))[1]
        frame = checked(name, frame.reset_index(drop=True), rows=texts is None)  # lines: rows checked (prepared)
        table = Table.from_pandas(frame, schema=None if writer is None else writer.schema, preserve_index=False)
        if writer is None:
            tmp = self._temporary(rel)
            self.parquet[rel] = (tmp, writer := pq.ParquetWriter(tmp, table.schema))
        writer.write_table(table)
        if name not in self.csv:
            tmp = self._temporary(f"{name}.csv")
            self.csv[name] = (tmp, open(tmp, "w", encoding=CSV_ENCODING, newline=""))
            frame.iloc[:0].to_csv(self.csv[name][1], index=False)  # the header
        self.csv[name][1].writelines(texts or [frame.to_csv(index=False, header=False)])

    def _temporary(self, rel: str) -> Path:
        (path := self.out / rel).parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        return Path(tmp)

    def close(self, whole: Optional[dict] = None, names: Iterable[str] = TABLES) -> list[str]:
        """Write what is queued and the ``whole`` tables (small ones, made at the end), give every table of
        ``names`` with no rows its empty files, close the writers and rename every file into place."""
        for name, frame in (whole := whole or {}).items():
            self.add(name, frame)
        self.flush()
        for name in names:
            if name not in self.csv:  # no rows: its columns and dtypes
                empty = whole[name] if name in whole else pd.DataFrame({c: pd.Series(dtype=object)
                                                                        for c in REGISTRY[name].dtypes})
                self._write(name, f"{name}/{EMPTY_PART}" if name in PARTITIONED else f"{name}.parquet", empty)
        for _tmp, closer in [*self.parquet.values(), *self.csv.values()]:  # the Parquet writers, the CSV files
            closer.close()
        files = []
        for name in names:
            parts = sorted((rel for rel in self.parquet if rel == f"{name}.parquet" or rel.startswith(f"{name}/")),
                           key=lambda rel: _order((name, rel)))
            for rel in parts + [f"{name}.csv"]:
                tmp = self.parquet[rel][0] if rel in self.parquet else self.csv[name][0]
                os.replace(tmp, self.out / rel)
                files.append(rel)
        self.parquet, self.csv = {}, {}
        return files

    def abort(self) -> None:
        """Close and remove the temporary files (an ingest that raised)."""
        for tmp, closer in list(self.parquet.values()) + list(self.csv.values()):
            try:
                closer.close()
            finally:
                Path(tmp).unlink(missing_ok=True)
        self.parquet, self.csv = {}, {}


def _order(key: tuple) -> tuple:
    """Tables in registry order, a table's years in order."""
    return list(TABLES).index(key[0]), _year_of(key[1]) or 0, key[1]


def prepared(name: str, frame: pd.DataFrame) -> list[tuple]:
    """(file, rows, CSV lines) per file of rows a worker assembled (TableStream.add_parts): passing their own checks
    (schemas.rows_checked), with their dtypes and lines, their batch then checked only across rows (to_csv and the
    checks were most of the writer's CPU); else as given, None (checked whole; dates too: no time in the batch)."""
    dated = any(dtype.startswith("datetime") for dtype in REGISTRY[name].dtypes.values())
    rows = None if dated else rows_checked(name, frame)
    return [(rel, part, None if rows is None else part.to_csv(index=False, header=False))
            for rel, part in parquet_parts(frame if rows is None else rows, name)]


def write_text(text: str, path: Path) -> None:
    atomic_write(Path(path), lambda p: Path(p).write_text(text, encoding="utf-8"))


def clear_temporaries(out_dir: Path) -> None:
    """Remove the hidden temporary files of a run that was killed mid-write."""
    out_dir = Path(out_dir)
    for pattern in (".*.tmp", "*/.*.tmp", "*/year=*/.*.tmp"):  # a table's partition folders too
        for stale in out_dir.glob(pattern) if out_dir.is_dir() else ():
            stale.unlink(missing_ok=True)


def write_manifest(out_dir: Path, files: Iterable[str], sources: Iterable[dict] = (), code: str = "",
                   inputs: Optional[Iterable[dict]] = None, reviews_file=None) -> None:
    """Written last: the sha256 and stat of every file of this run (relative paths), the raw inputs it was made
    from, the code's fingerprint, and per input (``inputs``: its path or URL, the name shown, its hash, the
    report it became or its failure) what an additive ingest keeps or replaces. Streamed, a record a line
    (generators welcome; as one indented string it was ~500 MB at 100,000 inputs); the first line is the header
    alone (``read_manifest(whole=False)``: what every reader of the tables needs)."""
    out_dir = Path(out_dir)
    header = {"format": MANIFEST_FORMAT, "code": code, "files": {}, "stat": {}}
    for rel in files:
        header["files"][rel], header["stat"][rel] = _hashed_as(out_dir / rel)
    if reviews_file is not None:
        header["reviews_file"] = str(Path(reviews_file).absolute())
    lists = [("sources", sources)] + ([("inputs", inputs)] if inputs is not None else [])

    def write(tmp):
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as f:  # a name not UTF-8: \udcXX, read back
            f.write(json.dumps(header, ensure_ascii=False, sort_keys=True)[:-1])
            for name, records in lists:
                f.write(f',\n"{name}": [')
                for k, record in enumerate(records):
                    f.write(("\n" if k == 0 else ",\n") + json.dumps(record, ensure_ascii=False, sort_keys=True))
                f.write("\n]")
            f.write("}\n")
    atomic_write(out_dir / MANIFEST, write)


def write_tables(out_dir: Path, tables: dict, sources: Iterable[dict] = (), code: str = "",
                 extra: Optional[Callable[[list[str]], list[str]]] = None, inputs: Optional[list] = None,
                 reviews_file=None) -> None:
    """One ingest run's output: every table as Parquet and CSV, then the manifest, then stale files go.

    ``extra(files)`` makes further files from the tables just written (the published workbook and database,
    ``downloads.py``) and returns them, relative: they are hashed into the same manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clear_temporaries(out_dir)
    files = [rel for name, frame in tables.items() for rel in write_table(frame, out_dir, name)]
    files += list(extra(files)) if extra else []
    write_manifest(out_dir, files, sources, code, inputs, reviews_file)
    _remove_stale(out_dir, set(files))


def finish(out_dir: Path, files: list[str], sources: Iterable[dict] = (), code: str = "", inputs: Optional[list] = None,
           reviews_file=None) -> None:
    """After a TableStream closed: the manifest last, then the files of earlier runs go."""
    write_manifest(out_dir, files, sources, code, inputs, reviews_file)
    _remove_stale(Path(out_dir), set(files))


def _remove_stale(out_dir: Path, keep: set) -> None:
    """Partition files of an earlier run (a year no longer there, a flat file of an older layout): removed."""
    for name in PARTITIONED:
        if f"{name}.parquet" not in keep:
            (out_dir / f"{name}.parquet").unlink(missing_ok=True)
        for p in sorted((out_dir / name).rglob("*.parquet")) if (out_dir / name).is_dir() else ():
            if p.relative_to(out_dir).as_posix() not in keep:
                p.unlink(missing_ok=True)
        for d in sorted((out_dir / name).glob("year=*")) if (out_dir / name).is_dir() else ():
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()


def seal(directory) -> None:
    """Record the tables now in ``directory`` as one set (for tables edited by hand, e.g. in tests)."""
    directory = Path(directory)
    try:
        old = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        sources, inputs = old.get("sources", []), old.get("inputs")
    except (OSError, ValueError, AttributeError):
        sources, inputs = [], None
    names = sorted({p.stem for p in directory.glob("*.parquet")} | {n for n in PARTITIONED if (directory / n).is_dir()})
    write_manifest(directory, [rel for name in names for rel in table_files(directory, name)], sources, "", inputs)


class IncompleteData(GovreportError, RuntimeError):
    """The processed folder is not one complete ingest run (one was interrupted)."""


def _again(directory: Path, problem: str) -> IncompleteData:
    return IncompleteData(f"{directory}: {problem}; run `govreport ingest` again")


def read_manifest(directory, whole: bool = True) -> dict:
    """The manifest of ``directory``; raises FileNotFoundError (nothing there) or IncompleteData. ``whole=False``:
    its header (format, code, files, reviews_file) from its first line when written so (``write_manifest``);
    the whole is parsed once per process while it stays the same file (it holds a record per input)."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.exists():
        if any(any(directory.glob(g)) for g in ("*.parquet", "*.csv", "*/*.parquet", "*/*/*.parquet")):
            raise _again(directory, f"no {MANIFEST}, so these tables are not known to be one complete ingest "
                                    "(a first ingest was interrupted?)")
        raise FileNotFoundError(f"{directory}: no processed data (run `govreport ingest` first)")
    try:
        manifest = (None if whole else _header(path)) or _once(_MANIFESTS, path, _parsed, 1)
    except (OSError, ValueError) as exc:
        raise _again(directory, f"{MANIFEST} is unreadable ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT or not isinstance(
            manifest.get("files"), dict) or "reports.parquet" not in manifest["files"] or not isinstance(
            manifest.get("stat") or {}, dict):
        raise _again(directory, f"{MANIFEST} is from an older govreport or damaged")
    return dict(manifest)  # a copy: the cached one is never changed by a caller


def _parsed(path: Path):
    return json.loads(Path(path).read_bytes())  # ~150 MB at 100,000 inputs: once per process (``_once``)


def _header(path: Path) -> Optional[dict]:
    """The first line of a streamed manifest, as a document, when the file ends as one does; else None."""
    with open(path, "rb") as f:
        first = f.readline()
        f.seek(max(f.seek(0, os.SEEK_END) - 3, 0))
        ends = f.read() == b"]}\n"
    if not (ends and first.endswith(b",\n") and first.startswith(b"{")):
        return None
    header = json.loads(first[:-2] + b"}")
    return header if isinstance(header, dict) and "sources" not in header else None


def verify(directory, only: Iterable[str] = None, whole: bool = True) -> dict:
    """The manifest (its header alone unless ``whole``), after checking that every file it lists (or those of
    ``only``) is the one the run wrote."""
    directory = Path(directory)
    manifest = read_manifest(directory, whole)
    names = manifest["files"] if only is None else [n for n in only if n in manifest["files"]]
    order = sorted(names, key=lambda name: (not name.endswith(".parquet"), name))
    stats = manifest.get("stat") or {}  # none in a manifest of an earlier govreport
    for name in order:
        if not _intact(directory / name, manifest["files"][name], stats.get(name)):
            raise _again(directory, f"{name} is not the one the last complete ingest wrote "
                                    "(an ingest was interrupted)")
    return manifest


@dataclass
class Processed:
    """The processed tables of one ingest run, as DataFrames."""

    directory: Path
    tables: dict = field(default_factory=dict)

    def n_rows(self, name: str) -> int:
        """How many rows table ``name`` has, without reading it when it is not read yet (the Parquet footers'
        row counts): an ingest's summary line read the values whole (~700 MB at 10,000 reports)."""
        tables = self.__dict__.get("tables", {})
        if isinstance(tables, _Lazy) and name not in tables.read and name in tables.chosen:
            rels = tables.chosen[name]
            if rels[0].endswith(".parquet"):
                import pyarrow.parquet as pq
                return sum(pq.ParquetFile(self.directory / rel).metadata.num_rows for rel in rels)
        return len(getattr(self, name))

    def __getattr__(self, name):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in TABLES:
            return pd.DataFrame()
        raise AttributeError(name)


def load(processed_dir=None, years: Iterable[int] = None, agencies: Iterable[str] = None) -> Processed:
    """Read the tables of the last complete ingest run (Parquet), after checking the manifest.

    With no folder, the project's data/processed is found as every command finds the project
    (paths.find_processed: --root/env, then the current folder upwards), so ``load()`` works from notebooks/ too.
    ``years`` and ``agencies`` (an agency_id, a written name or an alias: every year of the agency) keep only
    those reports: partitioned tables read only those years. A name of no agency, a year without a report or an
    empty selection raises SelectionError, one line naming the closest agencies or the years there are."""
    if processed_dir is None:
        from govreport.paths import find_processed

        processed_dir = find_processed()
    directory = Path(processed_dir)
    manifest = read_manifest(directory, whole=False)
    years = None if years is None else {int(y) for y in ([years] if isinstance(years, int) else years)}
    agencies = None if agencies is None else list([agencies] if isinstance(agencies, str) else agencies)
    picked = {name: _pick(manifest["files"], name, years) for name in TABLES}
    everything = years is None and agencies is None
    verify(directory, None if everything else [f for chosen in picked.values() for f in chosen], whole=False)
    if everything:  # read when first used: an ingest with nothing to do reads no table back (issue 16)
        return Processed(directory=directory, tables=_Lazy(directory, {n: c for n, c in picked.items() if c}, manifest))
    tables = {name: _read(directory, chosen) for name, chosen in picked.items() if chosen}
    if "reports" in tables:
        tables = _select(tables, years, agencies, directory)
    return Processed(directory=directory, tables=tables)


class _Lazy(Mapping):
    """The tables of ``load()``: each read on first use (``columns``)."""

    def __init__(self, directory: Path, chosen: dict, manifest: dict):
        self.directory, self.chosen, self.files, self.read = directory, chosen, manifest["files"], {}
        self.stats = manifest.get("stat") or {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.read:
            self.read[name] = self.columns(name)
        return self.read[name]

    def columns(self, name: str, columns: Optional[list] = None) -> pd.DataFrame:
        """Table ``name`` read now (only ``columns`` of it: a count needs no whole table), its files checked again
        against the manifest first (so a table read later is still one of the run ``load()`` verified)."""
        for rel in self.chosen[name]:  # KeyError: no such table
            if not _intact(self.directory / rel, self.files[rel], self.stats.get(rel)):
                raise _again(self.directory, f"{rel} changed since it was loaded (another ingest ran)")
        return _read(self.directory, self.chosen[name], columns)

    def __iter__(self):
        return iter(self.chosen)

    def __len__(self) -> int:
        return len(self.chosen)


def _pick(files: dict, name: str, years) -> list[str]:
    """The files to read for table ``name``: its Parquet (the selected years' partitions), else its CSV."""
    if f"{name}.parquet" in files:
        return [f"{name}.parquet"]
    parts = sorted(f for f in files if f.startswith(f"{name}/"))
    if parts:
        chosen = [f for f in parts if years is None or _year_of(f) in years]
        return chosen or parts[:1]  # no year asked for is there: one file, for the columns
    return [f"{name}.csv"] if f"{name}.csv" in files else []


def _year_of(rel: str):
    segment = next((s for s in rel.split("/") if s.startswith("year=")), None)
    return int(segment[5:]) if segment else None


def _read(directory: Path, chosen: list[str], columns: Optional[list] = None) -> pd.DataFrame:
    if chosen[0].endswith(".csv"):
        return pd.read_csv(directory / chosen[0], encoding=CSV_ENCODING, usecols=columns)
    frames = [pd.read_parquet(directory / rel, columns=columns) for rel in chosen]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _select(tables: dict, years, agencies, directory: Path) -> dict:
    """Only the rows of the selected reports (agencies by any name, agency_names.select_reports)."""
    ids = select_reports(tables["reports"], agencies, years, directory)
    out = {}
    for name, frame in tables.items():
        out[name] = frame[frame["report_id"].isin(ids)].reset_index(drop=True) if "report_id" in frame else frame
    return out
