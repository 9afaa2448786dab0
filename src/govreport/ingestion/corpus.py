"""The corpus of one ingest: its inputs with their content hashes, the tasks, and the part cache.

``inputs`` finds the files (local paths or fsspec URLs) with their content hashes; ``drop_duplicates``
keeps one of byte-identical copies (listed, no failure); ``tasks`` pairs each with its part in the cache
(``<out>/.parts/<code fingerprint>/<sha256><suffix>.arrow``, ingestion/parts.py: Arrow data checked against
its digest, never code) and keeps those not cached yet, or whose failure may have been the machine's (read once
more: ``_retry_once``); a cached part that fails its check is removed, its file
parsed again, and the run says so (``IngestResult.bad_parts``, one line each).

``PerFile(read)`` is the per-file function the engines run: it fetches the file, calls ``read(path,
sha256)`` (pipeline.stored_part: parse the report) and writes what it returns, or the one-line problem, to
the file's part. It returns only a small ``Outcome``, so no document outlives its own parse.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from govreport.errors import OverBudget, ReportError, describe_path, one_line
from govreport.ingestion import discover as walk
from govreport.ingestion import parts as part_files
from govreport.ingestion.discover import Failure
from govreport.ingestion.remote import discover_urls, is_url, local_file, url_name
from govreport.readers import BY_SUFFIX_ALONE, limits, office, reader_of
from govreport.store import Processed, load, sha256_file

PART_SUFFIX = part_files.SUFFIX
RETRY_SUFFIX = ".retry"  # beside a part: its failure may be the machine's, read the file once more


@dataclass(frozen=True, slots=True)
class Task:
    """One file to parse: its name as stored (an input URL without credentials), its content hash, the part
    to write, where to fetch it when that differs from ``path`` (the URL with its credentials), and the
    LibreOffice conversion made for it beforehand (``converted_first``), if any."""

    path: str
    sha256: str
    part: str
    fetch: str = ""
    converted: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the engine hands back per file: the part written (or the problem), and the CPU time it took."""

    path: str
    sha256: str
    part: str
    seconds: float
    digest: str = ""  # sha256 of the part written (parts.SHA256SUMS records it too)
    info: Optional[dict] = None  # the part's info as parts.read_info reads it, less its sentences (the index's)


def code_fingerprint() -> str:
    """Hash of the package's code and catalogs: parts made by other code are not reused."""
    root = Path(__file__).resolve().parents[1]  # the whole package
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".csv") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def part_name(sha256: str, path) -> str:
    """The part of a file: its content hash, and its suffix (the suffix chooses the reader)."""
    name = url_name(str(path)) if is_url(path) else str(path)  # a URL's query string is no part of its suffix
    return f"{sha256}{Path(name).suffix.lower()}{PART_SUFFIX}"


@dataclass(frozen=True)
class PerFile:
    """The per-file function of ingest: ``read`` one file into its part; never raises for a bad file.

    ``read(path, sha256)`` must be a module-level function (a worker process or Dask worker unpickles it)."""

    read: Callable[[Path, str], Any]

    def __call__(self, task: Task) -> Outcome:
        start = time.process_time()
        return self.keep(task, self.part(task), time.process_time() - start)

    def part(self, task: Task) -> dict:
        """The file's part: ``{"failure": None, "report": …}`` or ``{"failure": "one-line problem"}``. Every
        stage, from reading to the report's part of repetition, runs inside the file's budget."""
        try:
            with local_file(task.fetch or task.path) as local, office.prepared(local, task.converted), \
                    limits.file_budget(local, limits.file_seconds(local), "parsing"):
                return {"failure": None, "report": self.read(local, task.sha256)}
        except OverBudget as exc:
            return {"failure": exc.problem, "retry": True}
        except limits.Alarm:  # it rang as a limit's block ended, past that limit's guard: over time all the same
            return {"failure": "gave up parsing (time limit per file)", "retry": True}
        except ReportError as exc:
            return {"failure": exc.problem}
        except RecursionError:
            return {"failure": "structure nested too deeply to read"}
        except MemoryError:
            return {"failure": "file too large to read in memory"}
        except Exception as exc:  # a bug or an unforeseen file: report it, keep the batch going
            return {"failure": one_line(f"internal error while parsing ({exc.__class__.__name__}: {exc})")}

    def keep(self, task: Task, part: dict, seconds: float = 0.0) -> Outcome:
        """Write the file's part (the local engine does this in the process that commits the store)."""
        digest, info = part_files.written(Path(task.part), part)
        _retry_once(Path(task.part), bool(part.get("retry")))
        return Outcome(task.path, task.sha256, task.part, seconds, digest, info)

    def failed(self, task: Task, reason: str) -> Outcome:
        """A file whose worker crashed, timed out or outgrew its memory (engines, supervise.py): its part
        is that one-line failure, read once more on the next run."""
        return self.keep(task, {"failure": reason, "retry": True})

    def budget(self, task: Task) -> tuple[float, float]:
        """(seconds, MB) the engines enforce from outside the worker: the budget inside speaks first."""
        return limits.hard_seconds(task.path), limits.LIMITS.memory_mb


WAVE_FILES = 512  # files read through LibreOffice converted ahead of their reading at most (about 25 MB of .docx)


def in_waves(tasks: list[Task], parallel: int, progress=None) -> Iterator[list[Task]]:
    """The tasks in waves of at most WAVE_FILES files read through LibreOffice, each wave's conversions made first
    (``converted_first``) and removed once the next wave is asked for; the other files go with the first wave.
    A corpus of a hundred thousand .doc files neither fills the disk with their conversions nor waits hours for
    its first report. ``parallel`` 0: no conversions ahead (Dask: each file alone, where it is read).
    ``progress(n, total, path)`` is told as the conversions go, over all the waves."""
    ahead = [bool(parallel) and _converted_ahead(t) for t in tasks]
    legacy = [t for t, a in zip(tasks, ahead) if a]
    if len(legacy) <= WAVE_FILES:
        with converted_first(tasks, parallel, progress) if parallel else contextlib.nullcontext(tasks) as wave:
            yield wave
        return
    for start in range(0, len(legacy), WAVE_FILES):
        told = progress and (lambda n, total, path, before=start: progress(before + n, len(legacy), path))
        with converted_first(legacy[start:start + WAVE_FILES], parallel, told) as wave:
            yield ([t for t, a in zip(tasks, ahead) if not a] if start == 0 else []) + wave


def _converted_ahead(task: Task) -> bool:
    """A local file read through LibreOffice that read_document would not refuse before converting it (nor read
    as the web page it is: Word's "web page" .doc, readers/sniff.py)."""
    return (not task.fetch and not is_url(task.path) and office.converts(task.path) and _readable_size(task.path)
            and reader_of(task.path) in ("doc", "xls"))


@contextlib.contextmanager
def converted_first(tasks: list[Task], parallel: int, progress=None) -> Iterator[list[Task]]:
    """The tasks, those of local files read through LibreOffice (.doc, .wps, .xls) with their conversions made
    first, many to a LibreOffice run and ``parallel`` runs at a time (readers/office.convert_many): starting
    LibreOffice costs about a CPU-second, ten to twenty times converting one more file in the same run. The conversions
    last as long as the block; a file a batch did not convert is converted alone when read. ``progress(n, total,
    path)`` is told as the conversions go."""
    legacy = [t.path for t in tasks if _converted_ahead(t)]
    if len(legacy) < 2:  # one file: its own conversion, inside its own budget, costs the same
        yield tasks
        return
    with office.batch_folder() as tmp:
        done = office.convert_many(legacy, tmp, parallel, progress)
        yield [replace(t, converted=str(done[t.path])) if t.path in done else t for t in tasks]


def _readable_size(path: str) -> bool:
    """Not empty and not over the size limit: read_document refuses the others before converting them."""
    try:
        return 0 < os.stat(path).st_size <= limits.LIMITS.max_file_bytes
    except OSError:
        return False


def _retry_once(part: Path, transient: bool) -> None:
    """A crash, a timeout or a memory overrun can be the machine's (the OOM killer, a loaded host), not the
    file's: such a failure is marked, and the next run reads the file once more. Failing again, or any other
    failure, it is kept like any other until the file or the code changes."""
    marker = part.with_name(part.name + RETRY_SUFFIX)
    if transient and not marker.exists():
        marker.touch()
    else:
        marker.unlink(missing_ok=True)


def retry_pending(cache: Path) -> bool:
    """Some file of the cache ``<out>/.parts/<code>`` waits to be read once more (``_retry_once``)."""
    return cache.is_dir() and any(cache.glob(f"*{RETRY_SUFFIX}"))


def write_part(path: Path, part) -> str:
    """Write a part (a part dict, or its ``parts.encode`` bytes; Arrow, parts.py) and record its digest;
    returns the digest."""
    return part_files.write(path, part)


def read_part(path) -> dict:
    """A part: ``{"failure": None, "report": ParsedReport}`` or ``{"failure": "one-line problem"}``, after
    checking it against its digest (parts.BadPart, one line naming it, when it is not the part written)."""
    return part_files.read(path)


def inputs(paths: list) -> tuple[list[tuple], list[Failure], list[dict]]:
    """(file, sha256[, the URL to fetch it]) for every input (local paths, and fsspec URLs), the failures,
    the source records."""
    local, urls = [p for p in paths if not is_url(p)], [p for p in paths if is_url(p)]
    found, failures = walk.discover(local) if local else ([], [])
    files, sources = [(str(f), _sha_or_none(f)) for f in found], walk.source_records(found, local)
    if urls:
        remote, more, remote_sources = discover_urls(urls)
        files, failures, sources = files + remote, failures + more, sources + remote_sources
    return files, failures, sources


@dataclass(frozen=True)
class Duplicate:
    """An input byte-identical to another (``duplicate_of``, the copy read): not read twice, and no failure."""

    path: str
    duplicate_of: str
    sha256: str

    def __str__(self) -> str:
        return (f"{describe_path(self.path)}: byte-identical to {describe_path(self.duplicate_of)}, which was read; "
                "not read twice (duplicates table)")


def _kept_first(path: str) -> tuple:
    """Which of byte-identical copies is read: the shortest file name, then the first in code-point order (so
    ``a.txt`` is kept over ``a (1).txt`` and ``a - 副本.txt`` whatever order the files were found in)."""
    name = url_name(path) if is_url(path) else Path(path).name
    return len(name), name, path


def drop_duplicates(files: list[tuple]) -> tuple[list[tuple], list[Duplicate]]:
    """``files`` (name, sha256, ...) less the byte-identical copies, and those copies with the one kept.

    A downloaded report saved twice (``a.txt``, ``a (1).txt``) is the same report: one copy is read, the others
    are listed (the ``duplicates`` table), and the batch's exit code does not change. The same bytes read by
    another reader (``.txt`` and ``.md``) are not a copy; under two names one reader reads (``.htm`` and
    ``.html``; ``report.pdf`` and ``downfile.do``, a PDF by its bytes: readers/sniff.py), they are. An unreadable
    file (no hash) is never anyone's duplicate."""
    kept: dict[tuple, tuple] = {}
    shared = Counter(entry[1] for entry in files if entry[1])  # the reader is asked only where bytes repeat
    keys = [(entry[1], _reader(str(entry[0])) if shared[entry[1]] > 1 else "") for entry in files]
    for entry, key in zip(files, keys):
        if entry[1] and (key not in kept or _kept_first(entry[0]) < _kept_first(kept[key][0])):
            kept[key] = entry
    unique = [f for f, key in zip(files, keys) if not f[1] or kept[key] is f]
    duplicates = [Duplicate(f[0], kept[key][0], f[1]) for f, key in zip(files, keys) if f[1] and kept[key] is not f]
    return unique, sorted(duplicates, key=lambda d: (d.duplicate_of, d.path))


def _reader(path: str) -> str:
    """readers.reader_of(path), from the suffix alone when it names a format that is no binary one (100,000s of
    text and HTML files: no Path, no file opened)."""
    return BY_SUFFIX_ALONE.get(_suffix(path)) or reader_of(path)


def _suffix(path: str) -> str:
    """``Path(path).suffix.lower()`` without building a Path (the same rule: the last name's last dot, not
    a leading or trailing one)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _sha_or_none(path: Path) -> Optional[str]:
    try:
        return sha256_file(path)
    except OSError:
        return None  # unreadable: parsed (and refused by its reader, in its words) on every run


def tasks(files: list[tuple], cache: Path) -> tuple[list[Task], list[Task]]:
    """Every file (name, sha256[, where to fetch it]) as a task, and those whose part is not cached yet (an
    unreadable file never is)."""
    every = [Task(f, sha or "", str(cache / (part_name(sha, f) if sha else
                                             f"unread-{hashlib.sha256(f.encode()).hexdigest()}{PART_SUFFIX}")),
                  fetch[0] if fetch and fetch[0] != f else "")
             for f, sha, *fetch in files]
    _notice(part_files.screen((t.part, t.path) for t in every if t.sha256))  # a bad part: parsed again
    return every, [t for t in every
                   if not t.sha256 or not Path(t.part).exists() or Path(t.part + RETRY_SUFFIX).exists()]


def prune_parts(parts_dir: Path, keep: str) -> None:
    """Parts made by other code can never be reused: remove them; the kept folder loses its temporaries
    and its digest index its superseded lines."""
    for d in parts_dir.iterdir() if parts_dir.is_dir() else ():
        if d.name != keep and d.is_dir() and _is_fingerprint(d.name):  # other caches (ocr/) are not parts
            for f in d.iterdir():
                f.unlink(missing_ok=True)
            d.rmdir()
    kept = parts_dir / keep
    for stale in kept.glob(".*.tmp") if kept.is_dir() else ():  # a part write killed before its rename
        stale.unlink(missing_ok=True)
    part_files.compact(kept)


def _is_fingerprint(name: str) -> bool:
    return len(name) == 16 and all(c in "0123456789abcdef" for c in name)


_NOTES: ContextVar[Optional[list]] = ContextVar("govreport_part_notes", default=None)


@contextlib.contextmanager
def noticing():
    """Collect, for one ingest, the lines saying which cached parts were not used (``result`` reports them);
    within it each part is hashed once (parts.checking)."""
    token = _NOTES.set([])
    try:
        with part_files.checking():
            yield
    finally:
        _NOTES.reset(token)


def _notice(lines: list[str]) -> None:
    notes = _NOTES.get()
    if notes is not None:
        notes.extend(lines)


@dataclass
class IngestResult:
    """What one ingest wrote (``processed``), the files that failed, and how much was parsed anew."""

    processed: Processed
    failures: list[Failure]
    n_parsed: int = 0
    n_reused: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    dropped: list = field(default_factory=list)   # (path, report_id) dropped by --replace or --prune
    n_kept: int = 0                               # inputs of earlier runs, not named in this one, kept
    bad_parts: list = field(default_factory=list)  # one line per cached part not used (parts.screen)

    @property
    def reports(self):
        return self.processed.reports

    @property
    def n_reports(self) -> int:
        """How many reports the store holds, from the Parquet footers (no table read)."""
        return self.processed.n_rows("reports")

    @property
    def failed_checks(self) -> int:
        """The reports' ``n_failed_rules`` summed, from that one column when the reports table is not read yet
        (read whole, it is ~1.2 KB a report: 120 MB at 100,000, for one number of the summary line)."""
        tables = self.processed.tables
        lazy = hasattr(tables, "columns") and "reports" in tables.chosen and "reports" not in tables.read
        counts = tables.columns("reports", ["n_failed_rules"]) if lazy else self.processed.reports
        return int(counts["n_failed_rules"].sum()) if len(counts) else 0


def result(out: Path, n_parsed: int, n_reused: int, dropped: list = (), n_kept: int = 0) -> IngestResult:
    """The tables just written (or found unchanged) in ``out``, the failures they record, what was dropped."""
    processed = load(out)
    failures = [Failure(r.path, r.problem) for r in processed.failures.itertuples()]
    duplicates = [Duplicate(r.path, r.duplicate_of, r.sha256) for r in processed.duplicates.itertuples()]
    return IngestResult(processed=processed, failures=failures, n_parsed=n_parsed, n_reused=n_reused,
                        duplicates=duplicates, dropped=list(dropped), n_kept=n_kept,
                        bad_parts=list(_NOTES.get() or []))
