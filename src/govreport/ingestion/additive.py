"""An additive store: what ``--out`` holds, what this run names, and the union ingest writes (issue 16).

Every input a store was made from is one record of its manifest (``inputs``): the input as a key (the
absolute path, or the URL without credentials), the name shown in the tables (``source_file``, the failures'
``path``), its content hash, its source record name, and what became of it (its ``report_id``, or the
one-line ``failure``). A run's union is the store's records, each replaced by this run's record of the same
input (a changed file replaces its own rows), then the inputs new to the store. ``replace`` starts from
nothing (today's ``build``: data/raw is the truth); ``prune`` drops the records whose local file no longer
exists. Those two are the only ways a store shrinks, and each dropped report is listed.

A report kept from an earlier run (not named now) comes from its cached part when the code is the same,
else from the stored tables (``Stored.report``: its rows, less what assembly adds again).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

import pandas as pd

from govreport.checks.identities import rules
from govreport.errors import GovreportError, ReportError, storable
from govreport.ingestion import discover as walk
from govreport.ingestion.assemble import renamed
from govreport.ingestion.discover import Failure
from govreport.ingestion.remote import discover_urls, is_url
from govreport.model import ParsedReport
from govreport.schemas import columns
from govreport.store import IncompleteData, load, read_manifest, sha256_file, verify

SAME_AGENCY_YEAR = "identify.same_agency_and_year"  # added by assembly (assemble._keep_apart), again each run
PER_REPORT = ("values", "unmapped", "findings", "placeholders", "facts", "timeliness")


class InputNotFound(ReportError):
    """A named input that does not exist: nothing is ingested, the store is left as it is."""


def key_of(path) -> str:
    """The input as the manifest keys it: the absolute local path, or the URL (without credentials)."""
    return str(path) if is_url(path) else os.path.abspath(str(path))


@dataclass
class Plan:
    """The union one ingest writes: the input records (key -> record, store order), those kept from earlier
    runs, those dropped, and the failures of inputs that were never files (a folder that cannot be listed…)."""

    records: dict = field(default_factory=dict)
    kept: set = field(default_factory=set)
    dropped: list = field(default_factory=list)
    previous: dict = field(default_factory=dict)
    out: Optional[Path] = None

    def files(self) -> list[tuple]:
        """(path shown, sha256, the URL to fetch) of every record that is a file."""
        return [(r["path"], r["sha256"], r.get("fetch", "")) for r in self.records.values() if r.get("source") is not None]

    def failures(self) -> list[Failure]:
        return [Failure(r["path"], r["failure"]) for r in self.records.values() if r.get("source") is None]

    def sources(self) -> list[dict]:
        """The source records of the union (as ``discover.source_records`` makes them), sorted."""
        return sorted(({"path": r["source"], "sha256": r["sha256"]} for r in self.records.values()
                       if r.get("source") is not None), key=lambda s: s["path"])

    def is_kept(self, shown: str) -> bool:
        return shown in self._kept_shown

    @cached_property
    def _kept_shown(self) -> set:  # once the plan is made (is_kept runs per file)
        return {self.records[k]["path"] for k in self.kept}

    def unchanged(self, sources: list[dict], code: str) -> bool:
        """Nothing to do: the store is intact, made by this code from these inputs and reviews."""
        same = (not self.dropped and self.previous.get("code") == code and self.previous.get("sources") == sources
                and [_same(r) for r in self.records.values()] == [_same(r) for r in self.previous.get("inputs", [])])
        try:
            return same and bool(verify(self.out, whole=False))
        except (FileNotFoundError, IncompleteData):
            return False

    def stored_part(self, stored: "Stored"):
        """For assembly: the stored part of a kept input (by the name shown), else None."""
        kept = {self.records[k]["path"]: self.records[k] for k in self.kept}
        return lambda shown: stored.part(kept[shown]) if shown in kept else None

    def dropped_reports(self) -> list[tuple[str, str]]:
        """(path, report_id) of every report this run dropped (--replace, --prune), the path as the tables show it
        (errors.storable), like the failures' paths."""
        return [(storable(r["path"]), r["report_id"]) for r in self.dropped if r.get("report_id")]

    def manifest_inputs(self, tables: dict):
        """The records as the manifest keeps them: with the report each became, or its failure (a generator:
        store.write_manifest streams them)."""
        rid = dict(zip(tables["reports"]["source_file"], tables["reports"]["report_id"]))
        failed = dict(zip(tables["failures"]["path"], tables["failures"]["problem"]))
        copies = dict(zip(tables["duplicates"]["path"], tables["duplicates"]["duplicate_of"]))
        for r in self.records.values():
            shown = storable(r["path"])  # as the tables hold it
            yield {"input": r["input"], "path": r["path"], "sha256": r["sha256"], "source": r.get("source"),
                   "report_id": rid.get(shown), "failure": failed.get(shown),
                   "duplicate_of": copies.get(shown), "stat": r.get("stat")}


def previous_reviews(plan: Plan) -> Optional[Path]:
    """The reviews file the store was last made with, when this run names none and it is still there."""
    recorded = plan.previous.get("reviews_file")
    return Path(recorded) if recorded and Path(recorded).is_file() else None


def _same(record: dict) -> tuple:
    """What must match for a run to have nothing to do: the input's name under its folder (not its absolute
    path: a project moved as a whole has the same data and keeps its data version), or the failed input."""
    return record.get("source") or record["input"], record["sha256"]


def require_inputs(paths: list) -> None:
    """InputNotFound for a named local input that does not exist (checked before the store is even locked)."""
    for p in paths:
        if not is_url(p) and not os.path.lexists(str(p)):
            raise InputNotFound(p, "no such file or folder; nothing was ingested and the store was left as it is")


def plan(paths: list, out: Path, replace: bool = False, prune: bool = False) -> Plan:
    """The union of what ``out`` holds (nothing with ``replace``) and what ``paths`` name now.

    A local input that does not exist raises InputNotFound before anything is read or written."""
    require_inputs(paths)
    previous = _replaced(out) if replace else previous_manifest(out)
    now = this_run(paths, {r["input"]: r for r in previous.get("inputs", [])}, skip=[out])
    result = Plan(previous=previous, out=Path(out))
    old = {r["input"]: r for r in previous.get("inputs", [])}
    for key, record in ({} if replace else old).items():  # the store's order: a report keeps its id
        result.records[key] = now.get(key) or record
    for key, record in now.items():
        result.records.setdefault(key, record)
    result.kept = {k for k in old if k not in now and not replace}
    gone = [k for k in result.kept if prune and not is_url(k) and not os.path.lexists(k)]
    for key in gone:
        result.dropped.append(result.records.pop(key))
        result.kept.discard(key)
    same_now = {_same(r) for r in now.values()}  # a moved project: its inputs under new paths are not dropped
    result.dropped += [r for k, r in old.items() if replace and k not in now and _same(r) not in same_now]
    return result


def _replaced(out: Path) -> dict:
    """What a replacing run drops, as far as the old store says (nothing when it cannot say)."""
    try:
        return previous_manifest(out)
    except (IncompleteData, OSError, ValueError, KeyError):
        return {}


def previous_manifest(out: Path) -> dict:
    """The manifest of the store at ``out``; {} when there is none yet (or only a killed first run's files).
    A manifest that cannot be read is an error: an additive run must know what the store holds."""
    try:
        manifest = read_manifest(out)
    except FileNotFoundError:
        return {}
    except IncompleteData as exc:
        if not (Path(out) / "manifest.json").exists():
            return {}  # a first ingest killed before its manifest: nothing complete was ever there
        raise IncompleteData(f"{exc}; or pass --replace to rebuild it from the inputs named") from None
    if "inputs" not in manifest:  # a store of an earlier govreport: its inputs, from its tables
        manifest["inputs"] = _inputs_from_tables(out)
    return manifest


def _inputs_from_tables(out: Path) -> list[dict]:
    data = load(out)
    records = [{"input": key_of(p), "path": p, "sha256": s, "source": Path(p).name}
               for p, s in zip(data.reports["source_file"], data.reports["sha256"])]
    records += [{"input": key_of(p), "path": p, "sha256": None, "source": None, "failure": f}
                for p, f in zip(data.failures["path"], data.failures["problem"])]
    return records


def this_run(paths: list, known: Optional[dict] = None, skip: list = ()) -> dict:
    """key -> record of every input this run names: files (hashed once, or not at all when the store's
    manifest ``known`` holds the same file: ``_hashed``) and the failures of discovery; the folders ``skip``
    (the store itself, inside an input folder) are not searched."""
    local, urls = [p for p in paths if not is_url(p)], [p for p in paths if is_url(p)]
    found, failures = walk.discover_names(local, skip) if local else ([], [])
    folders = walk.input_folders(local)
    records = [_local(f, known or {}, folders) for f in found]
    if urls:
        remote, more, _sources = discover_urls(urls)
        records += [{"input": key_of(shown), "path": shown, "sha256": sha, "source": source, "fetch": fetch}
                    for shown, sha, fetch, source in remote]
        failures += more
    records += [{"input": key_of(f.path), "path": f.path, "sha256": None, "source": None, "failure": f.problem}
                for f in failures]
    return {r["input"]: r for r in records}


def _local(path, known: dict, folders: list) -> dict:
    """A local file's record; its key and its name shown are one string when they are equal (100,000s)."""
    shown = str(path)
    key = key_of(shown)
    key = shown if key == shown else key
    return {"input": key, "path": shown, **_hashed(shown, known.get(key)), "source": walk.source_name(path, folders)}


SETTLED_NS = 2_000_000_000  # a file changed less than this before it is hashed is hashed again next run


def _hashed(path, known: Optional[dict]) -> dict:
    """{"sha256", "stat"} of a local input. The hash recorded for it is reused when the file is the very file
    that was hashed: same size, mtime, ctime and inode (an edit, even one that puts the mtime back, changes the
    ctime, which no tool can set; a copy or a move is another inode or ctime, so it is hashed). A file that
    changed in the 2 s before it was hashed gets no stat, so it is always hashed again (an edit in the same
    clock tick as the hash would keep every stat field). An unchanged re-ingest of 10,000 files so hashes
    none of them (issue 16 item 6)."""
    try:
        st = os.stat(path)
    except OSError:
        return {"sha256": None, "stat": None}
    stat = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    if known and known.get("stat") == stat and known.get("sha256"):
        return {"sha256": known["sha256"], "stat": stat}
    sha = _sha_or_none(path)
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLED_NS
    return {"sha256": sha, "stat": stat if sha and settled else None}


def _sha_or_none(path) -> Optional[str]:
    try:
        return sha256_file(path)
    except OSError:
        return None  # unreadable: parsed (and refused by its reader, in its words) on every run


class Stored:
    """The tables of the store before this run, for the kept reports that have no cached part: streamed.

    Assembly asks for them agency by agency, in agency order, and the stored tables hold their rows in that
    order (assembly writes them so), so each stored file is read forward once, in batches (``_Cursor``): the
    rows of one agency at a time, never a whole table. A file out of that order (written by hand, or by an
    older govreport) is read whole instead. When the tables cannot be read (a run was killed while writing
    them), a kept report whose file is still there, unchanged, is read again with ``reparse(record)`` (its
    part, as the per-file function makes it)."""

    def __init__(self, out: Path, reparse=None):
        self.out, self.reparse = Path(out), reparse
        self._meta: Optional[dict] = None
        self._cursors: dict[str, list] = {}
        self._whole = None

    @property
    def meta(self) -> dict:
        """report_id -> its stored reports row (the manifest checked first: IncompleteData when damaged)."""
        if self._meta is None:
            manifest = verify(self.out, whole=False)
            reports = pd.read_parquet(self.out / "reports.parquet") if "reports.parquet" in manifest["files"] \
                else pd.DataFrame(columns=columns("reports"))
            self._meta = {r["report_id"]: r for r in reports.to_dict("records")}
        return self._meta

    def part(self, record: dict) -> dict:
        """A kept input's part for the index: its stored reports row (its rows are read when its agency is
        assembled: ``report``), or its failure."""
        if record.get("report_id") is None:
            return {"failure": record.get("failure") or "not read (no stored report)"}
        try:
            meta = dict(self.meta[record["report_id"]])
        except IncompleteData:
            if self.reparse is None or not _still_there(record):
                raise
            return self.reparse(record)
        meta["report_id"] = _base_id(record["report_id"], meta)
        return {"failure": None, "report": ParsedReport(meta=meta, values=None, unmapped=None, findings=None,
                                                        placeholders=None), "stored": record["report_id"]}

    def report(self, rid: str) -> ParsedReport:
        """One stored report as assembly takes it: its own rows, without the findings assembly adds again
        (cross-year identities, two documents for one agency-year) and without the reviews; its sentences
        are not stored (None: its repetition rows are kept as stored)."""
        meta = dict(self.meta[rid])
        tables = {name: self._rows(name, meta["agency_id"], rid) for name in PER_REPORT}
        rep = ParsedReport(meta=meta, sentences=None, **tables)
        base = _base_id(rid, meta)
        return renamed(rep, base) if base != rid else rep

    def repetition(self, agency_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The stored repetition rows (shares, passages) of one agency."""
        return self._agency_rows("repetition", agency_id), self._agency_rows("repetition_passages", agency_id)

    def _rows(self, name: str, agency_id: str, rid: str) -> pd.DataFrame:
        frame = self._agency_rows(name, agency_id)
        if not len(frame):
            return pd.DataFrame(columns=columns(name))
        return frame.loc[frame["report_id"] == rid].reindex(columns=columns(name)).reset_index(drop=True)

    def _agency_rows(self, name: str, agency_id: str) -> pd.DataFrame:
        if self._whole is None:
            try:
                frames = [c.rows(agency_id) for c in self._cursors_of(name)]
                return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            except _Unsorted:
                self._whole = load(self.out)
        frame = _kept_rows(getattr(self._whole, name), name)
        if not len(frame):
            return frame
        agency = frame["agency_id"] if "agency_id" in frame else frame["report_id"].map(self._agency_of)
        return frame.loc[agency == agency_id].reset_index(drop=True)

    def _agency_of(self, rid):
        row = self.meta.get(rid)
        return None if row is None else row["agency_id"]

    def _cursors_of(self, name: str) -> list:
        if name not in self._cursors:
            files = sorted(f for f in read_manifest(self.out, whole=False)["files"]
                           if f.endswith(".parquet") and (f == f"{name}.parquet" or f.startswith(f"{name}/")))
            self._cursors[name] = [_Cursor(self.out / f, name, self._agency_of) for f in files]
        return self._cursors[name]


AGAIN = frozenset({r.rule for r in rules() if r.cross_year} | {SAME_AGENCY_YEAR})  # findings assembly adds


def _kept_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A stored table less the rows assembly makes again (the findings of AGAIN)."""
    if name == "findings" and len(frame):
        return frame.loc[~frame["rule"].isin(AGAIN)]
    return frame


def _base_id(rid: str, meta: dict) -> str:
    """The report_id a stored report had before a same-agency-year rename (``id~sha8``)."""
    base = rid.rsplit("~", 1)[0]
    return base if base != rid and rid.endswith("~" + str(meta["sha256"])[:8]) else rid


class _Unsorted(GovreportError):
    """A stored file whose rows are not in agency order: it is read whole instead."""


class _Cursor:
    """One stored Parquet file read forward, in batches of BATCH rows, one agency at a time (agencies asked
    for in increasing order, as assembly goes)."""

    BATCH = 16_384

    def __init__(self, path: Path, name: str, agency_of):
        import pyarrow.parquet as pq

        self.name, self.agency_of = name, agency_of
        self.batches = pq.ParquetFile(path).iter_batches(batch_size=self.BATCH)
        self.pending, self.last, self.asked = None, None, None
        self.cached = None

    def rows(self, agency_id: str) -> pd.DataFrame:
        if self.asked == agency_id:
            return self.cached
        if self.asked is not None and agency_id < self.asked:
            raise _Unsorted(self.name)
        taken = []
        while True:
            if self.pending is None or not len(self.pending):
                self.pending = self._next()
                if self.pending is None:
                    break
            agencies = self.pending["__agency"].to_numpy()
            lo, hi = (int(agencies.searchsorted(agency_id, side)) for side in ("left", "right"))
            taken.append(self.pending.iloc[lo:hi])
            self.pending = self.pending.iloc[hi:]
            if len(self.pending):
                break
        frame = pd.concat(taken, ignore_index=True) if taken else pd.DataFrame(columns=columns(self.name))
        self.asked, self.cached = agency_id, frame.drop(columns="__agency", errors="ignore")
        return self.cached

    def _next(self) -> Optional[pd.DataFrame]:
        batch = next(self.batches, None)
        if batch is None:
            return None
        frame = _kept_rows(batch.to_pandas(), self.name)
        agency = frame["agency_id"] if "agency_id" in frame else frame["report_id"].map(self.agency_of)
        frame = frame.assign(__agency=agency.astype(object))
        order = pd.Index(frame["__agency"])
        if order.hasnans or not order.is_monotonic_increasing or (
                self.last is not None and len(frame) and order[0] < self.last):
            raise _Unsorted(self.name)
        self.last = order[-1] if len(frame) else self.last
        return frame.reset_index(drop=True)


def _still_there(record: dict) -> bool:
    """Is the kept input's file still on this disk, with the content it was read with?"""
    path = record["input"]
    return not is_url(path) and os.path.isfile(path) and _sha_or_none(path) == record["sha256"]
