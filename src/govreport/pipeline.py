"""parse() and ingest() as the stage calls, in order, and nothing else.

parse:  read -> identify -> extract -> check -> records
ingest: discover -> (unchanged? done) -> run an engine of the per-file function over the new files
        -> assemble -> validate each table once -> write (manifest last)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from . import assemble, engines, parsed, store
from .errors import ReportError
from .extract import extract
from .identify import identify, report_id
from .readers import read_document
from .readers.walk import Failure, discover, source_records
from .schemas import validate_table


def parse(path, sha256: Optional[str] = None) -> parsed.ParsedReport:
    """Read, identify, extract and check one report. Raises ReportError on bad input."""
    path = Path(path)
    doc = read_document(path)
    det = identify(doc)
    ex = extract(doc, det.template, report_id(det.agency_id, det.year))
    if not ex.values and not ex.unmapped:
        raise ReportError(path, f"{det.template} report for {det.year} but no statistics table could be read (truncated?)")
    checked = parsed.check(report_id(det.agency_id, det.year), det, ex)
    return parsed.records(path, doc, det, ex, checked, sha256 or store.sha256_file(path))


@dataclass
class IngestResult:
    """What one ingest wrote (``processed``), the files that failed, and how much was parsed anew."""

    processed: store.Processed
    failures: list[Failure]
    n_parsed: int = 0
    n_reused: int = 0

    @property
    def reports(self):
        return self.processed.reports


def ingest(paths: Iterable = ("data/raw",), out_dir="data/processed", progress=None, jobs: int = 1,
           engine: Optional[str] = None, scheduler=None) -> IngestResult:
    """Parse every report under ``paths`` into ``out_dir`` (Parquet by year + CSV, manifest last).

    Bad files become failures (one line each). Each file's part is cached by content hash, so an
    unchanged corpus is only hashed; ``engine`` is local, processes (``jobs`` workers) or dask.
    """
    paths, out, code = list(paths), Path(out_dir), engines.code_fingerprint()
    files, failures, sources = _discover(paths)
    if store.unchanged(out, sources, code):
        return _result(out, 0, len(files))
    tasks, todo = _tasks(files, out / ".parts" / code)
    outcomes = {o.path: o for o in engines.run(engine or ("processes" if jobs != 1 else "local"), todo, jobs,
                                               scheduler, progress)}
    parts = assemble.collect([outcomes.get(t.path, t) for t in tasks], failures)
    tables = {name: _checked(name, frame) for name, frame in assemble.tables(parts, failures).items()}
    store.write_tables(out, tables, sources=sources, code=code)
    _prune_parts(out / ".parts", keep=code)
    return _result(out, len(todo), len(tasks) - len(todo))


def _discover(paths: list) -> tuple[list[tuple[str, str]], list[Failure], list[dict]]:
    """(file, sha256) for every input (local paths, and fsspec URLs), the failures, the source records."""
    local, urls = [p for p in paths if not engines.is_url(p)], [p for p in paths if engines.is_url(p)]
    found, failures = discover(local) if local else ([], [])
    files, sources = [(str(f), _sha_or_none(f)) for f in found], source_records(found, local)
    if urls:
        remote, more, remote_sources = engines.discover_urls(urls)
        files, failures, sources = files + remote, failures + more, sources + remote_sources
    return files, failures, sources


def _sha_or_none(path: Path) -> Optional[str]:
    try:
        return store.sha256_file(path)
    except OSError:
        return None  # unreadable: parsed (and refused by its reader, in its words) on every run


def _tasks(files: list[tuple[str, Optional[str]]], cache: Path) -> tuple[list[engines.Task], list[engines.Task]]:
    """Every file as a task, and those whose part is not cached yet (an unreadable file never is)."""
    tasks = [engines.Task(f, sha or "", str(cache / (engines.part_name(sha, f) if sha else
                                                     f"unread-{hashlib.sha256(f.encode()).hexdigest()}.pkl")))
             for f, sha in files]
    return tasks, [t for t in tasks if not t.sha256 or not Path(t.part).exists()]


def _checked(name: str, frame):
    return validate_table(name, frame) if name in store.TABLES + store.OPTIONAL_TABLES and name != "failures" else frame


def _prune_parts(parts_dir: Path, keep: str) -> None:
    """Parts made by other code can never be reused: remove them."""
    for d in parts_dir.iterdir() if parts_dir.is_dir() else ():
        if d.name != keep and d.is_dir():
            for f in d.iterdir():
                f.unlink(missing_ok=True)
            d.rmdir()


def _result(out: Path, n_parsed: int, n_reused: int) -> IngestResult:
    processed = store.load(out)
    failures = [Failure(r.path, r.problem) for r in processed.failures.itertuples()]
    return IngestResult(processed=processed, failures=failures, n_parsed=n_parsed, n_reused=n_reused)
