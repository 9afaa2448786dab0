"""parse(), ingest() and audit() as the stage calls, in order, and nothing else.

parse:  read -> identify -> extract (table values, prose facts) -> check (identities, prose against the
        table, timeliness; the sentences repetition compares) -> records
ingest: discover -> drop byte-identical copies -> (unchanged? done) -> run an engine of the per-file function
        (parse, kept in the part cache) over the new files -> assemble agency by agency (with the analyst's
        reviews), each batch of rows checked once and streamed to Parquet -> rename into place (manifest last)
audit:  discover -> parse each file -> score it against the hand-checked values (checks.coverage)
"""
from __future__ import annotations

from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from govreport.checks import check_report
from govreport.errors import ReportError
from govreport.extract import extract
from govreport.identify import identify, report_id
from govreport.readers import read_document

if TYPE_CHECKING:
    import pandas as pd

    from govreport.ingestion import corpus
    from govreport.model import ParsedReport
    from govreport.records import ReportRows

# Only what the table's values need is imported here: `govreport parse FILE` prints them without pandas,
# the prose stages, the store or the engines (each imported where it is used; issue 16, one-report parse).


def parse(path, sha256: Optional[str] = None) -> "ParsedReport":
    """Read, identify, extract and check one report: every table ingest stores for it (pandas frames).
    Raises ReportError on bad input."""
    from govreport import records
    return records.frames(report_rows(path, sha256))


def report_rows(path, sha256: Optional[str] = None) -> "ReportRows":
    """``parse`` before its tables are built: each table's plain rows (records.ReportRows)."""
    from govreport import records, store
    from govreport.checks.prose import check_prose
    from govreport.checks.repetition import prose_sentences
    from govreport.checks.timeliness import assess
    from govreport.extract.facts import prose_facts

    path = Path(path)
    doc, det, rid, ex, checked = _table(path)
    prose = prose_facts(rid, doc)  # the facts and what their checks need, in one pass over the sentences
    rep = records.records(path, doc, det, ex, checked, sha256 or store.sha256_file(path))
    found = check_prose(rid, prose, rep.tables["values"])  # the values table's rows (report_id first, then each value)
    return records.with_prose(rep, prose.rows, found, assess(rid, det.year, det.agency_level, doc),
                              prose_sentences(doc))


def table_values(path) -> tuple[list[dict], int]:
    """The rows of ``parse(path).values`` as plain records (before the table's dtypes: records.records adds
    the report's identity to each checked value) and how many numbers went unmapped; no pandas, so a
    one-report ``govreport parse`` costs its imports and this report's table (issue 16)."""
    _doc, det, rid, ex, (values, _findings, _derived) = _table(Path(path))
    ident = dict(report_id=rid, agency=det.agency, agency_id=det.agency_id, year=det.year, template=det.template)
    return [{**ident, **v} for v in values], len(ex.unmapped)


def _table(path: Path) -> tuple:
    """The document, its identification, report_id, extraction and checked table (values, findings, derived)."""
    doc = read_document(path)
    det = identify(doc)
    rid = report_id(det.agency_id, det.year)
    ex = extract(doc, det.template, rid)
    if not ex.values and not ex.unmapped:
        raise ReportError(path, f"{det.template} report for {det.year} but no statistics table could be read (truncated?)")
    return doc, det, rid, ex, check_report(rid, det, ex, doc)


def stored_part(path, sha256: str) -> "ParsedReport":
    """Ingest's per-file function: the report as its part keeps it (Arrow tables made from its rows, no
    pandas; no document, no file name)."""
    from govreport import records
    return records.stored(report_rows(path, sha256))


def ingest(paths: Iterable = ("data/raw",), out_dir="data/processed", progress=None, jobs: int = 1,
           engine: Optional[str] = None, scheduler=None, reviews=None, replace: bool = False,
           prune: bool = False, wait: float = 0.0) -> "corpus.IngestResult":
    """``_ingest``, as the one writer of ``out_dir`` (ingestion/lock.py: another writer there refuses in one
    line, or waits ``wait`` seconds), noting each cached part it could not use (``result.bad_parts``).
    ``progress(n, total, path)`` is told after each file; if it has a ``converting(n, total, path)`` method, that is
    told as the .doc/.wps/.xls files are converted first."""
    from govreport.ingestion import additive, corpus, lock
    from govreport.readers.ocr import cache as ocr_cache
    paths = list(paths)
    additive.require_inputs(paths)  # a mistyped path leaves no trace, not even a new, empty store folder
    ocr_pages = Path(out_dir) / ".parts" / "ocr"  # OCR'd pages by content hash, beside the parts
    with lock.store_lock(out_dir, wait, "store"), corpus.noticing(), ocr_cache.using(ocr_pages):
        return _ingest(paths, out_dir, progress, jobs, engine, scheduler, reviews, replace, prune)


def _ingest(paths: Iterable = ("data/raw",), out_dir="data/processed", progress=None, jobs: int = 1,
            engine: Optional[str] = None, scheduler=None, reviews=None, replace: bool = False,
            prune: bool = False) -> "corpus.IngestResult":
    """Add every report under ``paths`` to the store ``out_dir`` (Parquet by year + CSV, manifest last).

    Additive (ingestion/additive.py): a new file adds its report, a changed file replaces its own rows, an
    unchanged file costs a hash, and what the store holds from earlier inputs stays; ``replace`` makes the
    store from ``paths`` alone (``build``: data/raw is the truth), ``prune`` drops the reports whose files are
    gone; both list what they drop (``result.dropped``). A named path that does not exist raises InputNotFound
    and nothing is written. Bad files become failures (one line each). Each file's part is cached by content
    hash; ``engine`` is local, processes (``jobs`` workers) or dask. ``reviews`` is the analyst's reviews file
    (default: reviews.csv in the first input folder, else the one the store was last made with).
    """
    from govreport import store
    from govreport.ingestion import additive, assemble, corpus, engines
    from govreport.ingestion import reviews as review_log

    paths, out, code = list(paths), Path(out_dir), corpus.code_fingerprint()
    plan = additive.plan(paths, out, replace=replace, prune=prune)
    review_file = review_log.locate(paths, reviews) or additive.previous_reviews(plan)
    sources = review_log.with_source(plan.sources(), review_file)
    files, duplicates = corpus.drop_duplicates(plan.files())
    if plan.unchanged(sources, code) and not corpus.retry_pending(out / ".parts" / code):
        return corpus.result(out, 0, sum(not plan.is_kept(f[0]) for f in files), n_kept=len(plan.kept))
    tasks, todo = corpus.tasks(files, out / ".parts" / code)
    _import_parse_stages()  # before the engines fork their workers: each starts warm
    todo = [t for t in todo if not plan.is_kept(t.path)]  # an input not named now is never read again
    engine = engine or ("processes" if jobs != 1 else "local")
    converting = engines.converting_workers(engine, jobs, scheduler)
    outcomes: dict = {}
    with closing(corpus.in_waves(todo, converting, getattr(progress, "converting", None))) as waves:
        for wave in waves:
            told = progress and partial(_told, progress, len(outcomes), len(todo))
            outcomes.update((o.path, o) for o in engines.run(corpus.PerFile(stored_part), wave, engine, jobs,
                                                             scheduler, told))
    stored = additive.Stored(out, reparse=_read_again)
    failures = plan.failures()
    index = assemble.collect([outcomes.get(t.path, t) for t in tasks], failures, stored=plan.stored_part(stored))
    sink = store.TableStream(out)  # each table checked per batch and written as it streams (issue 16)
    try:
        small = assemble.stream(index, sink, failures, review_log.read(review_file), duplicates, stored=stored,
                                jobs=engines.local_workers(engine, jobs))
        files = sink.close(small)
    except BaseException:
        sink.abort()
        raise
    store.finish(out, files, sources=sources, code=code, inputs=plan.manifest_inputs(small), reviews_file=review_file)
    corpus.prune_parts(out / ".parts", keep=code)
    n_named = sum(not plan.is_kept(t.path) for t in tasks)
    return corpus.result(out, len(todo), n_named - len(todo), dropped=plan.dropped_reports(), n_kept=len(plan.kept))


def _told(progress, before: int, total: int, n: int, wave_total: int, path) -> None:
    """A wave's progress, as the whole ingest's."""
    progress(before + n, total, path)


def _import_parse_stages() -> None:
    """Import what ``parse`` imports on first use (a forked worker inherits the imports of this process)."""
    from govreport import records  # noqa: F401
    from govreport.checks import prose, repetition, timeliness  # noqa: F401
    from govreport.extract import facts  # noqa: F401


def _read_again(record: dict) -> dict:
    """The part of a kept input read again from its file (its stored rows cannot be read)."""
    from dataclasses import replace as with_tables

    from govreport import records
    from govreport.ingestion import corpus
    part = corpus.PerFile(stored_part).part(corpus.Task(record["input"], record["sha256"], ""))
    if part.get("report") is not None:  # assembly holds it as it holds a decoded part: pandas (parts.decode)
        part["report"] = with_tables(part["report"], **{n: getattr(part["report"], n).to_pandas()
                                                       for n in records.TABLES})
    return part


def audit(paths: Iterable, expected_dirs: Iterable = (), strict: bool = False) -> "pd.DataFrame":
    """Parse quality of a batch: one row per file, scored against hand-checked JSON (checks/coverage.py);
    ``strict``: a JSON naming no audited file raises coverage.UnmatchedExpected."""
    from govreport.checks import coverage
    from govreport.ingestion.discover import discover
    return coverage.audit_files(paths, expected_dirs, strict, parse=parse, discover=discover)


def audit_report(path, expected: Optional[dict] = None) -> dict:
    """One file's audit row (coverage.audit_report with this pipeline's parse)."""
    from govreport.checks import coverage
    return coverage.audit_report(path, expected, parse=parse)
