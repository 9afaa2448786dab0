"""parse() and ingest() as the stage calls, in order, and nothing else.

parse:  read -> identify -> extract -> check -> records
ingest: discover -> drop byte-identical copies -> (unchanged? done) -> run an engine of the per-file function
        over the new files -> assemble (with the analyst's reviews) -> validate each table once -> write (manifest last)
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from . import assemble, engines, parsed, reviews as review_log, store
from .errors import ReportError
from .extract import extract
from .identify import identify, report_id
from .readers import read_document
from .schemas import SCHEMA_NAMES as SCHEMAS, validate_table


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


def ingest(paths: Iterable = ("data/raw",), out_dir="data/processed", progress=None, jobs: int = 1,
           engine: Optional[str] = None, scheduler=None, reviews=None) -> engines.IngestResult:
    """Parse every report under ``paths`` into ``out_dir`` (Parquet by year + CSV, manifest last).

    Bad files become failures (one line each). Each file's part is cached by content hash, so an
    unchanged corpus is only hashed; ``engine`` is local, processes (``jobs`` workers) or dask.
    ``reviews`` is the analyst's reviews file (default: reviews.csv in the first input folder).
    """
    paths, out, code = list(paths), Path(out_dir), engines.code_fingerprint()
    files, failures, sources = engines.discover(paths)
    files, duplicates = engines.drop_duplicates(files)
    review_file = review_log.locate(paths, reviews)
    sources = review_log.with_source(sources, review_file)
    if store.unchanged(out, sources, code):
        return engines.result(out, 0, len(files))
    tasks, todo = engines.tasks(files, out / ".parts" / code)
    outcomes = {o.path: o for o in engines.run(engine or ("processes" if jobs != 1 else "local"), todo, jobs,
                                               scheduler, progress)}
    parts = assemble.collect([outcomes.get(t.path, t) for t in tasks], failures)
    assembled = assemble.tables(parts, failures, review_log.read(review_file), duplicates)
    tables = {name: validate_table(name, frame) if name in SCHEMAS else frame for name, frame in assembled.items()}
    store.write_tables(out, tables, sources=sources, code=code)
    engines.prune_parts(out / ".parts", keep=code)
    return engines.result(out, len(todo), len(tasks) - len(todo))
