"""Ingest's assembly, streamed: per-report parts -> the stored tables, one agency at a time (issue 16).

``collect`` reads each part's info row alone (digest checked; its tables are not decoded) for its small
index entry (its reports row, where its part is); the index is sorted by agency and year. ``stream`` then
decodes the parts' tables a chunk of whole agencies at a time (CHUNK_REPORTS; each part checked
again, parts._checked_bytes), runs the steps that need more than one report over that chunk alone (two documents for one
agency-year, the cross-year identities, repetition against the previous year, the harmonized series, the
cross-year fact series, the analyst's reviews joined onto the findings) and hands its rows to the store's
TableStream, which checks and writes them in batches. So memory holds one chunk of parts, a queue of rows
and the index (~1 KB a report), never the corpus. With ``--jobs N`` the chunks of cached parts are assembled
in N supervised worker processes (engines.ordered) and handed back in index order, while this process, the
store's one writer, writes them: the same rows in the same order, and the serial part of an ingest is the
writing alone (issue 16: the assembly in this process held ``--jobs 2`` at 1.54x).
"""
from __future__ import annotations

import sys
from contextlib import closing
from dataclasses import replace
from collections import Counter
from itertools import groupby, islice
from pathlib import Path
from typing import Optional

import pandas as pd
import pyarrow as pa

from govreport import catalog
from govreport.checks.identities import Cells, check_across_years
from govreport.checks.repetition import repetition_tables
from govreport.errors import storable
from govreport.harmonize.crosswalk import harmonize
from govreport.harmonize.facts import fact_series
from govreport.ingestion import engines
from govreport.ingestion import reviews as review_log
from govreport.ingestion.corpus import read_part
from govreport.ingestion.parts import TABLES, BadPart, read_info, read_tables
from govreport.ingestion.discover import Failure
from govreport.model import ParsedReport, finding
from govreport.records import is_table_failure, report_row
from govreport.schemas import columns, data_dictionary
from govreport.store import prepared

PER_REPORT = ("values", "unmapped", "placeholders", "facts", "timeliness")  # written as each report has them
CHUNK_REPORTS = 200  # reports (whole agencies) assembled at once: ~40 MB of parts


_ROW = tuple(columns("reports"))
_SHARED = {"agency", "agency_id", "template", "format", "sections_found", "agency_source", "agency_id_how",
           "agency_level"}  # few distinct values: one string object each across the index


class Entry:
    """One kept report in the index: its reports row (report_id as stored), and where its part is read again
    from: the part cache (``part``), the stored tables (``stored_id``, additive.Stored), or held in memory
    (``held``: a kept report read again from its file because the stored tables were damaged).

    The index holds one Entry per report for the whole run, so the row is a tuple (``row`` gives it as a
    dict; ``set`` changes it) and repeated strings are shared: ~1 KB a report instead of ~3 KB as a dict."""

    __slots__ = ("_values", "part", "stored_id", "held", "extra")

    def __init__(self, row: dict, part: str = "", stored_id: Optional[str] = None,
                 held: Optional[ParsedReport] = None, extra: Optional[list] = None):
        self._values = tuple(sys.intern(v) if c in _SHARED and isinstance(v, str) else v
                             for c, v in ((c, row.get(c)) for c in _ROW))
        self.part, self.stored_id, self.held, self.extra = part, stored_id, held, extra if extra is not None else []

    @property
    def row(self) -> dict:
        return dict(zip(_ROW, self._values))

    def set(self, **changes) -> None:
        self._values = tuple(changes.get(c, v) for c, v in zip(_ROW, self._values))

    def __getitem__(self, column: str):
        return self._values[_ROW.index(column)]

    @property
    def agency_id(self):
        return self["agency_id"]


def collect(outcomes: list, failures: list[Failure], stored=None) -> list[Entry]:
    """The index of the kept reports, sorted by agency and year: failures and same-id documents sorted out
    (byte-identical copies never get here: corpus.drop_duplicates). ``stored(path)`` is the part of an input
    kept from an earlier run whose part is not cached (additive.Stored.part), or None."""
    kept, by_id = [], {}
    for outcome in outcomes:
        entry = _entry(outcome, stored(outcome.path) if stored is not None and not Path(outcome.part).exists()
                       else None, failures)
        if entry is None:
            continue
        if entry["report_id"] in by_id:  # another document claims the same agency and year: keep both, say so
            _keep_apart(entry, by_id[entry["report_id"]])
        by_id[entry["report_id"]] = entry
        kept.append(entry)
    kept.sort(key=lambda e: (e["agency_id"], e["year"]))
    return kept


def _entry(outcome, kept: Optional[dict], failures: list[Failure]) -> Optional[Entry]:
    """The index entry of one input, or None (its failure noted). A part written in this run gives its info
    with its outcome (corpus.Outcome.info), one cached before gives only its info row (parts.read_info, digest
    checked): its tables are decoded once, when its chunk is assembled (digest checked then)."""
    if kept is None:
        info = getattr(outcome, "info", None) or read_info(outcome.part)
        if info.get("failure") or info.get("meta") is None:
            failures.append(Failure(outcome.path, info.get("failure") or "part holds no report"))
            return None
        return Entry(report_row({**info["meta"], "source_file": storable(outcome.path)}), part=outcome.part)
    if kept["failure"]:
        failures.append(Failure(outcome.path, kept["failure"]))
        return None
    rep = kept["report"]
    return Entry(report_row({**rep.meta, "source_file": storable(outcome.path)}), stored_id=kept.get("stored"),
                 held=rep if not kept.get("stored") else None)


def _keep_apart(entry: Entry, first: Entry) -> None:
    """A second, different document with the same agency id and year: its report_id gets its content hash,
    and both reports get a finding (two editions, a mislabelled file, or two agencies one id cannot tell)."""
    new_id = f"{entry['report_id']}~{entry['sha256'][:8]}"
    evidence = (f"{Path(entry['source_file']).name} and {Path(first['source_file']).name} are different "
                f"documents for {entry['agency']} {entry['year']}; kept as {first['report_id']} and {new_id}")
    entry.set(report_id=new_id)
    for target in (entry, first):
        target.extra.append(finding(target["report_id"], "identify.same_agency_and_year", "fail",
                                    evidence=evidence))


def renamed(rep: ParsedReport, new_id: str) -> ParsedReport:
    """The report under another report_id (every row, and the fact ids that begin with the old one)."""
    old = rep.report_id
    tables = {name: getattr(rep, name).assign(report_id=new_id)
              for name in ("values", "unmapped", "findings", "placeholders", "facts", "timeliness")}
    for column in ("fact_id", "parent_fact_id"):
        tables["facts"][column] = tables["facts"][column].map(
            lambda f: f"{new_id}{f[len(old):]}" if isinstance(f, str) and f.startswith(old + "#") else f)
    return replace(rep, meta={**rep.meta, "report_id": new_id}, **tables)


class _Batch:
    """A chunk's reports for ``_agency``: each one's meta and sentences (``parts``) and its tables. When every
    report of the chunk is a cached part under its own report_id with no finding added (all but the rare
    chunk), the tables stay as ``_decoded`` made them, one frame per table for the chunk with each report's rows
    (``spans``), instead of a frame per report cut from it and joined again (issue 16: with parts.py's one body for
    the tables, assembling 1,000 cached parts went from 6.6 to 5.0 CPU-s)."""

    def __init__(self, parts: list[ParsedReport], whole: Optional[dict] = None, spans: Optional[list] = None):
        """``whole``/``spans`` as ``_decoded`` makes them, or None: the tables are the parts' own frames."""
        self.parts, self.whole, self.spans, self._tables, self._lists = parts, whole, spans, {}, {}

    def table(self, name: str) -> pd.DataFrame:
        """Every report's rows of table ``name``, in report order (``_frame``: no report's rows, no rows)."""
        if name not in self._tables:
            if self.whole is None:
                self._tables[name] = _frame([getattr(p, name) for p in self.parts], name)
            else:
                self._tables[name] = _frame([self.whole.get(name)], name)
        return self._tables[name]

    def cells(self, k: int) -> Cells:
        """Report ``k``'s values and placeholders as records (the cross-year identities read them)."""
        if self.whole is None:
            rep = self.parts[k]
            return Cells(_records(rep.values), _records(rep.placeholders))
        return Cells(*(self._records(name, k) for name in ("values", "placeholders")))

    def _records(self, name: str, k: int) -> list[dict]:
        span = self.spans[k].get(name)
        if span is None:
            return []
        if name not in self._lists:  # the chunk's columns as lists once: a column of a slice costs ~0.1 ms
            frame = self.whole[name]
            self._lists[name] = (list(frame.columns), [frame[c].tolist() for c in frame.columns])
        columns, lists = self._lists[name]
        return [dict(zip(columns, row)) for row in zip(*(column[span[0]:span[1]] for column in lists))]


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``: the same dicts of the same Python values, made column by column (``tolist``)
    where to_dict boxes each value of an Arrow-backed column alone (measured: 4.5x faster)."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in zip(*(frame[c].tolist() for c in columns))]


def _reports(group: list[Entry], stored) -> _Batch:
    """The chunk's reports, in index order; the cached parts' tables are decoded together (``_decoded``) and
    kept whole where nothing of a report changes (``_Batch``)."""
    cached = [k for k, e in enumerate(group) if e.held is None and e.stored_id is None]
    infos, whole, spans = _decoded([group[k].part for k in cached])
    plain = all(frame is not None for frame in whole.values()) and len(cached) == len(group) and all(
        not e.extra and info["meta"]["report_id"] == e["report_id"] for e, info in zip(group, infos))
    if plain:
        return _Batch([ParsedReport(None, None, None, None, meta={**info["meta"], **e.row},
                                    sentences=info.get("sentences")) for e, info in zip(group, infos)],
                      whole, spans)
    decoded = dict(zip(cached, _sliced(infos, whole, spans)))
    return _Batch([_report(e, stored, decoded.get(k)) for k, e in enumerate(group)])


def _decoded(paths: list[str]) -> tuple[list[dict], dict, list[dict]]:
    """(info, the chunk's tables, each report's rows in them) of cached parts (each checked again: a part changed
    since the index was made is hashed again and refused, parts.BadPart): each table of them all is one pandas
    frame (one ``to_pandas`` per table and chunk, not per report: that was a third of assembly's CPU), and a
    report's rows of it are ``spans[k][name]`` = (start, stop); a table whose types do not unify across the parts
    is None, and each report's own frame of it is ``spans[k][name]``."""
    read = [read_tables(path) for path in paths]
    whole: dict = {}
    spans: list[dict] = [{} for _ in read]
    for name in TABLES:
        present = [(k, tables[name]) for k, (_info, tables) in enumerate(read) if name in tables]
        if not present:
            continue
        try:
            whole[name] = pa.concat_tables([t for _, t in present], promote_options="permissive").to_pandas()
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # types that do not unify: report by report, as written
            whole[name] = None
        start = 0
        for k, table in present:
            spans[k][name] = (start, start + table.num_rows) if whole[name] is not None else table.to_pandas()
            start += table.num_rows
    return [info for info, _tables in read], whole, spans


def _sliced(infos: list[dict], whole: dict, spans: list[dict]) -> list[ParsedReport]:
    """Each decoded report with frames of its own (cut from the chunk's, or made alone where the chunk's would not
    unify). The index holds reports only, never a failure."""
    out = []
    for info, own in zip(infos, spans):
        frames = {name: whole[name].iloc[span[0]:span[1]].reset_index(drop=True) if isinstance(span, tuple) else span
                  for name, span in own.items()}
        out.append(ParsedReport(meta=info["meta"], sentences=info.get("sentences"),
                                **{n: frames.get(n) for n in TABLES}))
    return out


def _report(entry: Entry, stored, cached: Optional[ParsedReport] = None) -> ParsedReport:
    """The entry's whole part, read again (renamed and with its added findings as the index says)."""
    if entry.held is not None:
        rep = entry.held
    elif entry.stored_id is not None:
        rep = stored.report(entry.stored_id)
    else:
        rep = cached if cached is not None else read_part(entry.part)["report"]
    if rep.report_id != entry["report_id"]:
        rep = renamed(rep, entry["report_id"])
    if entry.extra:
        rep.findings = pd.concat([rep.findings, pd.DataFrame(entry.extra, columns=columns("findings"))],
                                 ignore_index=True)
    return replace(rep, meta={**rep.meta, **entry.row})


def stream(entries: list[Entry], sink, failures: list[Failure], reviews: review_log.Reviews = None,
           duplicates: list = (), stored=None, jobs: int = 1) -> dict:
    """Every table of one ingest into ``sink`` (store.TableStream), agency by agency; returns the small
    tables made at the end (reports, reviews, failures, duplicates, data dictionary) for the caller to close
    the sink with. The byte-identical copies not read (``duplicates``, corpus.Duplicate) are a table of their
    own, apart from the failures: a copy is no failure. With ``jobs`` > 1 the chunks of cached parts are
    assembled in that many worker processes (``_Chunk``; the last ones in halves, ``_units``) while this
    process, the one writer, writes the chunks before them; the rows, and their order, are the same."""
    reviews = reviews or review_log.Reviews()
    failures.extend(reviews.problems)
    applied: set = set()
    chunks = list(_chunks(entries))
    workers = jobs if len(chunks) > 1 else 1  # one chunk: nothing to overlap, only a worker to start
    units = list(_units(chunks, workers))
    n_units = Counter(k for k, _group in units)
    with closing(engines.ordered(_Chunk(reviews), [group for _k, group in units], workers,
                                 remote=_cached)) as assembled:
        for k in range(len(chunks)):  # a chunk's units taken as they end (no look at the next chunk's first)
            results = [(status, made) for _group, status, made in islice(assembled, n_units[k])]
            bad = [made["bad"] for status, made in results if status == "ok" and "bad" in made]
            if bad:
                raise BadPart(*bad[0])
            if all(status == "ok" and "again" not in made for status, made in results):
                _take(chunks[k], [made for _status, made in results], sink, applied)
            else:  # not for a worker, or a worker failed: the whole chunk here, as with one job (errors raised here)
                _agency(chunks[k], _reports(chunks[k], stored), sink, reviews, stored, applied)
            sink.step(assembled.serve)  # the workers served between the files of a batch written
    reports = pd.DataFrame.from_records([e._values for e in entries], columns=_ROW)  # no dict per report
    return {"reports": reports, "reviews": _decided(reports, reviews, applied),
            "failures": pd.DataFrame([dict(path=storable(f.path), problem=f.problem,
                                           reason=catalog.failure_code(f.problem))
                                      for f in failures], columns=columns("failures")),
            "duplicates": pd.DataFrame([dict(path=storable(d.path), duplicate_of=storable(d.duplicate_of),
                                             sha256=d.sha256)
                                        for d in duplicates], columns=columns("duplicates")),
            "data_dictionary": data_dictionary()}


def _cached(group: list[Entry]) -> bool:
    """A chunk whose every report is a cached part: assembled from the parts alone, anywhere (a report kept
    from the stored tables is read in agency order by this process's additive.Stored)."""
    return all(e.held is None and e.stored_id is None for e in group)


class _Chunk:
    """A chunk of cached parts, or a part of one (``_units``), assembled in a worker process (engines.ordered):
    what ``_agency`` adds to the sink, cut per file, its rows checked and with their CSV lines (store.prepared:
    made here, not by the one writer), the findings of the reports apart from those across years (a chunk's
    findings are its reports' and then its cross-year ones), and what it sets on the entries, for this process
    to replay (``_take``). A part refused on decode (parts.BadPart; the worker removed it) comes back as its
    path and problem."""

    def __init__(self, reviews: review_log.Reviews):
        self.reviews = reviews

    def __call__(self, group: list[Entry]) -> dict:
        try:
            batch = _reports(group, None)
        except BadPart as exc:
            return {"bad": (exc.path, exc.problem)}
        if any(p.sentences is None for p in batch.parts):  # repetition would need the stored rows: this process's
            return {"again": True}
        added, applied = _Added(), set()
        _agency(group, batch, added, self.reviews, None, applied)
        own = len(batch.table("findings"))  # the reports' own findings: _agency puts the cross-year ones last
        tables = [(name, _per_file(name, frame.iloc[:own] if name == "findings" else frame))
                  for name, frame in added.frames]
        cross = [_per_file("findings", frame.iloc[own:]) for name, frame in added.frames if name == "findings"]
        return {"tables": tables, "cross": cross[0] if cross else [], "applied": applied,
                "n_failed_rules": [e["n_failed_rules"] for e in group]}


class _Added:
    """A sink that keeps what is added to it, in order."""

    def __init__(self):
        self.frames: list[tuple] = []

    def add(self, name: str, frame: pd.DataFrame) -> None:
        self.frames.append((name, frame))


def _per_file(name: str, frame: pd.DataFrame) -> list[tuple]:
    """Rows of table ``name`` cut per file as store.TableStream queues them, checked and with their CSV lines
    (store.prepared: that work done here, not by the one writer)."""
    return prepared(name, frame) if len(frame) else []


def _take(group: list[Entry], made: list[dict], sink, applied: set) -> None:
    """A chunk assembled by workers (``_Chunk``, one per unit of it) into the sink, as ``_agency`` would have
    added it here: each table's rows unit after unit, and the cross-year findings after all the others."""
    for unit in made:
        for name, parts in unit["tables"]:
            sink.add_parts(name, parts)
    for unit in made:
        sink.add_parts("findings", unit["cross"])
    for entry, n in zip(group, (n for unit in made for n in unit["n_failed_rules"])):
        entry.set(n_failed_rules=n)
    for unit in made:
        applied.update(unit["applied"])


def _units(chunks: list, workers: int):
    """(chunk number, reports) for the workers: every chunk, the last ``workers`` of them in two halves cut
    between agencies, so that the last units to finish are short (a whole last chunk ran alone while the
    other workers waited: 5 chunks of a 1,000-report ingest on 2 workers). ``_take`` joins a chunk's units."""
    for k, group in enumerate(chunks):
        last = workers > 1 and k >= len(chunks) - workers and _cached(group)
        cuts = [n for n in range(1, len(group)) if group[n].agency_id != group[n - 1].agency_id] if last else []
        if cuts:
            cut = min(cuts, key=lambda n: abs(2 * n - len(group)))
            yield from ((k, group[:cut]), (k, group[cut:]))
        else:
            yield k, group


def _chunks(entries: list[Entry]):
    """Whole agencies, in index order, CHUNK_REPORTS reports or a little more at a time (the cross-report steps
    pair reports of one agency only, so any cut between agencies gives the same rows; a larger chunk costs
    memory, a smaller one the per-call overhead of pandas)."""
    chunk: list[Entry] = []
    for _id, group in groupby(entries, key=lambda e: e.agency_id):
        chunk.extend(group)
        if len(chunk) >= CHUNK_REPORTS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _agency(group: list[Entry], batch: _Batch, sink, reviews, stored, applied: set) -> None:
    """One chunk of whole agencies (``_reports``) into the sink; each entry's row gets its n_failed_rules (the
    index row is the reports row: no second copy of it is kept)."""
    reports = pd.DataFrame.from_records([e._values for e in group], columns=_ROW)
    cross = pd.DataFrame(_cross_year(batch), columns=columns("findings"))
    findings, decided = review_log.apply(_frame([batch.table("findings"), cross], "findings"), reports, reviews)
    applied.update(decided.loc[decided["status"] == "applied", "row"])
    failed = [is_table_failure(r, s) and d != "dismissed"  # the report's own sums, less those dismissed on review
              for r, s, d in zip(*(findings[c].tolist() for c in ("rule", "state", "review")))]
    fails = findings.loc[pd.Series(failed, index=findings.index, dtype=bool)].groupby("report_id").size()
    reports["n_failed_rules"] = reports["report_id"].map(fails).fillna(0).astype(int)
    tables = {name: batch.table(name) for name in PER_REPORT}
    shares, passages = _repetition(reports, batch.parts, stored)
    tables.update(findings=findings, harmonized=harmonize(reports, tables["values"]),
                  fact_series=fact_series(_followed(tables["facts"], reports), reports), repetition=shares,
                  repetition_passages=passages)
    for name, frame in tables.items():
        sink.add(name, frame)
    for entry, n in zip(group, reports["n_failed_rules"]):
        entry.set(n_failed_rules=int(n))


def _followed(facts: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """The facts of agencies with reports of two years or more: a series needs two years, so the others can
    give none (fact_series' rows are the same; its per-agency pandas work is most of assembly's CPU)."""
    years = reports.groupby("agency_id")["year"].nunique()
    ids = reports.loc[reports["agency_id"].isin(years.index[years > 1]), "report_id"]
    return facts[facts["report_id"].isin(ids)]


def _decided(reports: pd.DataFrame, reviews: review_log.Reviews, applied: set) -> pd.DataFrame:
    """The reviews table over the whole batch: a row applied to a finding of any agency is applied."""
    _, decided = review_log.apply(pd.DataFrame(columns=columns("findings")), reports, reviews)
    hit = decided["row"].isin(applied) & (decided["status"] == "no_finding")
    decided.loc[hit, "status"] = "applied"
    return decided


def _repetition(reports: pd.DataFrame, parts: list[ParsedReport], stored=None) -> tuple:
    """Repetition over one agency; a pair with a report kept from the stored tables (its sentences are not
    stored: None) keeps its stored rows when the stored tables pair the same two reports, else has none."""
    unknown = {p.report_id for p in parts if p.sentences is None}
    shares, passages = repetition_tables(reports, {p.report_id: p.sentences or [] for p in parts})
    if not unknown:
        return shares, passages
    blind = shares["report_id"].isin(unknown) | shares["previous_report_id"].isin(unknown)
    old = [stored.repetition(str(a)) for a in sorted(set(reports["agency_id"]))]
    old_shares = pd.concat([o[0] for o in old], ignore_index=True)
    old_passages = pd.concat([o[1] for o in old], ignore_index=True)
    pairs = set(zip(shares.loc[blind, "report_id"], shares.loc[blind, "previous_report_id"]))
    mask = [pair in pairs for pair in zip(old_shares.get("report_id", ()), old_shares.get("previous_report_id", ()))]
    again = old_shares.loc[pd.Series(mask, index=old_shares.index, dtype=bool)].reindex(columns=shares.columns)
    ids = set(shares.loc[blind, "report_id"])
    old_passages = old_passages.reindex(columns=passages.columns)
    shares = pd.concat([shares[~blind], again], ignore_index=True)
    passages = pd.concat([passages[~passages["report_id"].isin(ids)],
                          old_passages[old_passages["report_id"].isin(set(again["report_id"]))]], ignore_index=True)
    return (shares.sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True),
            passages.reset_index(drop=True))


def _frame(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns(name))


def _cross_year(batch: _Batch) -> list[dict]:
    by_agency: dict[str, dict[int, int]] = {}
    for k, p in enumerate(batch.parts):
        by_agency.setdefault(p.meta["agency_id"], {})[p.meta["year"]] = k
    out = []
    for years in by_agency.values():
        for year, cur in sorted(years.items()):
            prev = years.get(year - 1)
            families = {catalog.template_family(batch.parts[k].meta["template"]) for k in (prev, cur) if k is not None}
            if prev is None or "legacy" in families:
                continue
            rep = batch.parts[cur]
            out.extend(check_across_years(rep.report_id, rep.meta["template"], batch.cells(cur), batch.cells(prev)))
    return out
