"""The per-file function of ingest, the corpus it runs over, and the interchangeable engines that run it.

``discover`` finds the inputs (local paths or fsspec URLs) with their content hashes; ``drop_duplicates``
keeps one of byte-identical copies (listed, no failure); ``tasks`` pairs each with its part in the cache and
keeps those not cached yet.

``process_file(task)`` parses one report, computes what its prose says (facts,
their checks, timeliness, the sentences repetition compares) and writes all of it
to one *part*: a pickle named after the file's content hash in the part cache
(``<out>/.parts/<code fingerprint>/``). It returns only a small ``Outcome``, so
no document outlives its own parse. The engines differ only in where that runs:

- ``local``: in this process, one file after another;
- ``processes``: a pool of worker processes on this machine (``--jobs N``);
- ``dask``: the workers of a Dask distributed cluster (``--scheduler ADDRESS``),
  which must see the input files and the part cache at the same paths
  (a shared filesystem), or read inputs from fsspec URLs.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional
from urllib.parse import urlsplit

from . import catalog
from .errors import ReportError, describe_path, one_line
from .urls import strip_credentials
from .readers import walk
from .readers.walk import Failure
from .store import Processed, load, sha256_file

PART_SUFFIX = ".pkl"


@dataclass(frozen=True)
class Task:
    """One file to parse: its name as stored (an input URL without credentials), its content hash, the part
    to write, and where to fetch it when that differs from ``path`` (the URL with its credentials)."""

    path: str
    sha256: str
    part: str
    fetch: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the engine hands back per file: the part written (or the problem), and the CPU time it took."""

    path: str
    sha256: str
    part: str
    seconds: float


def code_fingerprint() -> str:
    """Hash of the package's code and catalogs: parts made by other code are not reused."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".csv") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def part_name(sha256: str, path) -> str:
    """The part of a file: its content hash, and its suffix (the suffix chooses the reader)."""
    name = url_name(str(path)) if is_url(path) else str(path)  # a URL's query string is no part of its suffix
    return f"{sha256}{Path(name).suffix.lower()}{PART_SUFFIX}"


def process_file(task: Task) -> Outcome:
    """Parse one file into its part (tables, prose facts, sentences); never raises for a bad file."""
    start = time.process_time()
    part = _parse_part(task)
    _write_part(Path(task.part), part)
    return Outcome(task.path, task.sha256, task.part, time.process_time() - start)


def _parse_part(task: Task) -> dict:
    from .pipeline import parse

    try:
        with _local_file(task.fetch or task.path) as local:
            rep = parse(local, sha256=task.sha256)
            return {"failure": None, **_report_part(rep)}
    except ReportError as exc:
        return {"failure": exc.problem}
    except RecursionError:
        return {"failure": "structure nested too deeply to read"}
    except MemoryError:
        return {"failure": "file too large to read in memory"}
    except Exception as exc:  # a bug or an unforeseen file: report it, keep the batch going
        return {"failure": one_line(f"internal error while parsing ({exc.__class__.__name__}: {exc})")}


def _report_part(rep) -> dict:
    """The report's tables and everything the cross-report steps need of its document."""
    from . import facts, repetition, timeliness

    rid, doc = rep.report_id, rep.document
    fact_frame = facts.extract_facts(rid, doc)
    fact_findings = facts.check_facts(rid, fact_frame, rep.values)
    fact_frame.attrs = {}
    meta = {k: v for k, v in rep.meta.items() if k != "source_file"}
    return {"meta": meta, "values": rep.values, "unmapped": rep.unmapped, "placeholders": rep.placeholders,
            "findings": rep.findings, "facts": fact_frame, "fact_findings": fact_findings,
            "timeliness": timeliness.assess(rid, rep.meta["year"], rep.meta["agency_level"], doc),
            "sentences": repetition.prose_sentences(doc)}


class _local_file:
    """A local path for ``path``; an fsspec URL (s3://, gs://, https://…) is copied to a temporary folder
    under its own file name (identify may read the name; a query string is no part of it). A missing
    optional library is a ReportError naming it."""

    def __init__(self, path: str):
        self.path, self.tmp = path, None

    def __enter__(self) -> Path:
        if "://" not in self.path:
            return Path(self.path)
        import tempfile

        import fsspec

        self.tmp = Path(tempfile.mkdtemp(prefix="govreport-"))
        local = self.tmp / url_name(self.path)
        try:
            with fsspec.open(self.path, "rb") as src:
                local.write_bytes(src.read())
        except ImportError as exc:
            raise ReportError(None, missing_library(self.path, exc)) from None
        except OSError as exc:  # gone since discovery, refused, unreachable: its words, without the secrets
            raise ReportError(None, scrub(f"cannot read this URL ({exc.__class__.__name__}: {exc})", self.path)) \
                from None
        return local

    def __exit__(self, *exc):
        if self.tmp:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)


def _write_part(path: Path, part: dict) -> None:
    from .store import atomic_write

    atomic_write(path, lambda tmp: Path(tmp).write_bytes(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)))


def read_part(path) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f)


# ------------------------------------------------------------------ the corpus: inputs, tasks, the part cache
@dataclass
class IngestResult:
    """What one ingest wrote (``processed``), the files that failed, and how much was parsed anew."""

    processed: Processed
    failures: list[Failure]
    n_parsed: int = 0
    n_reused: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def reports(self):
        return self.processed.reports


def discover(paths: list) -> tuple[list[tuple[str, str]], list[Failure], list[dict]]:
    """(file, sha256) for every input (local paths, and fsspec URLs), the failures, the source records."""
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
    are listed (the ``duplicates`` table), and the batch's exit code does not change. The same bytes under
    another suffix are read by another reader, so they are not a copy (the part cache keys on both too). An
    unreadable file (no hash) is never anyone's duplicate."""
    kept: dict[tuple, tuple] = {}
    key = lambda entry: (entry[1], Path(str(entry[0])).suffix.lower())  # noqa: E731
    for entry in files:
        if entry[1] and (key(entry) not in kept or _kept_first(entry[0]) < _kept_first(kept[key(entry)][0])):
            kept[key(entry)] = entry
    unique = [f for f in files if not f[1] or kept[key(f)] is f]
    duplicates = [Duplicate(f[0], kept[key(f)][0], f[1]) for f in files if f[1] and kept[key(f)] is not f]
    return unique, sorted(duplicates, key=lambda d: (d.duplicate_of, d.path))


def _sha_or_none(path: Path) -> Optional[str]:
    try:
        return sha256_file(path)
    except OSError:
        return None  # unreadable: parsed (and refused by its reader, in its words) on every run


def tasks(files: list[tuple], cache: Path) -> tuple[list[Task], list[Task]]:
    """Every file (name, sha256[, where to fetch it]) as a task, and those whose part is not cached yet (an
    unreadable file never is)."""
    every = [Task(f, sha or "", str(cache / (part_name(sha, f) if sha else
                                             f"unread-{hashlib.sha256(f.encode()).hexdigest()}.pkl")),
                  fetch[0] if fetch and fetch[0] != f else "")
             for f, sha, *fetch in files]
    return every, [t for t in every if not t.sha256 or not Path(t.part).exists()]


def prune_parts(parts_dir: Path, keep: str) -> None:
    """Parts made by other code can never be reused: remove them."""
    for d in parts_dir.iterdir() if parts_dir.is_dir() else ():
        if d.name != keep and d.is_dir():
            for f in d.iterdir():
                f.unlink(missing_ok=True)
            d.rmdir()


def result(out: Path, n_parsed: int, n_reused: int) -> IngestResult:
    """The tables just written (or found unchanged) in ``out``, and the failures they record."""
    processed = load(out)
    failures = [Failure(r.path, r.problem) for r in processed.failures.itertuples()]
    duplicates = [Duplicate(r.path, r.duplicate_of, r.sha256) for r in processed.duplicates.itertuples()]
    return IngestResult(processed=processed, failures=failures, n_parsed=n_parsed, n_reused=n_reused,
                        duplicates=duplicates)


# ------------------------------------------------------------------ inputs in object storage
def is_url(path) -> bool:
    return "://" in str(path)


def discover_urls(urls: Iterable[str]) -> tuple[list[tuple[str, str, str]], list, list[dict]]:
    """Files under fsspec URLs (s3://bucket/reports/, gs://…, file://…): the files (name without credentials,
    sha256, the URL to fetch it with its credentials), a failure per URL that names nothing or needs a
    library that is not installed (the batch goes on), and their source records (path relative to the URL
    given, sha256). No name stored or published carries a user:password@ or a secret query parameter."""
    files, failures, sources = [], [], []
    for url in map(str, urls):
        shown = strip_credentials(url)
        try:
            fs, root, found = _list_url(url)
        except ImportError as exc:
            failures.append(Failure(shown, missing_library(url, exc)))
            continue
        except (ValueError, OSError) as exc:  # unknown protocol, no such bucket, refused, unreachable
            failures.append(Failure(shown, scrub(f"cannot read this URL ({exc.__class__.__name__}: {exc})", url)))
            continue
        if found is None:
            failures.append(Failure(shown, "file not found"))
            continue
        for f in found:
            rel = f[len(root):].lstrip("/")
            try:
                with fs.open(f, "rb") as stream:
                    digest = hashlib.file_digest(stream, "sha256").hexdigest()
            except OSError as exc:
                problem = scrub(f"cannot read ({exc.__class__.__name__}: {exc})", url)
                failures.append(Failure(_under(shown, rel), problem))
                continue
            files.append((_under(shown, rel), digest, _under(url, rel)))
            sources.append({"path": rel or url_name(shown), "sha256": digest})
    return files, failures, sorted(sources, key=lambda r: r["path"])


def _under(url: str, rel: str) -> str:
    """The URL of file ``rel`` under folder ``url`` (its credentials, query string included, kept as given)."""
    if not rel:
        return url
    base, sep, query = url.partition("?")
    return f"{base.rstrip('/')}/{rel}{sep}{query}"


def _list_url(url: str):
    """(filesystem, root, the report files under the URL), or None for the files when it names nothing."""
    import fsspec

    from .readers import SUPPORTED_SUFFIXES

    fs, root = fsspec.core.url_to_fs(url)
    if fs.isdir(root):
        return fs, root, [f for f in sorted(fs.find(root)) if Path(f).suffix.lower() in SUPPORTED_SUFFIXES]
    return fs, root, [root] if fs.exists(root) else None


def scrub(text: str, url: str) -> str:
    """``text`` (a library's error message about ``url``) on one line, without the URL's credentials: the
    URL as stored, no user:password@, no value of a secret query parameter."""
    shown = strip_credentials(url)
    text = str(text).replace(url, shown)
    parts, kept = urlsplit(url), urlsplit(shown)
    if "@" in parts.netloc:
        text = text.replace(parts.netloc.rsplit("@", 1)[0] + "@", "")
    for pair in set(parts.query.split("&")) - set(kept.query.split("&")):
        value = pair.split("=", 1)[-1] if "=" in pair else ""
        if value:
            text = text.replace(value, "***")
    return one_line(text)


def url_name(url: str) -> str:
    """The file name a URL ends in, without its query string or fragment."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or "index"


@lru_cache(maxsize=1)
def _libraries() -> dict[str, str]:
    return {row["protocol"]: row["install"] for row in catalog.read_csv("url_libraries.csv")}


def missing_library(url: str, exc: ImportError) -> str:
    """One line naming the optional library a URL's protocol needs (catalog/url_libraries.csv), else
    fsspec's own words."""
    protocol = urlsplit(url).scheme.lower()
    install = _libraries().get(protocol)
    if not install:
        return one_line(f"reading {protocol}:// inputs needs an optional library ({exc})")
    names = install.split()
    return (f"reading {protocol}:// inputs needs the optional {'libraries' if len(names) > 1 else 'library'} "
            f"{' and '.join(names)}, not installed (pip install {install})")


# ------------------------------------------------------------------ the engines
Progress = Optional[Callable[[int, int, str], None]]


def run_local(tasks: list[Task], jobs: int = 1, scheduler=None, progress: Progress = None) -> Iterator[Outcome]:
    """In this process, one file after another."""
    for n, task in enumerate(tasks, 1):
        if progress:
            progress(n, len(tasks), task.path)
        yield process_file(task)


def run_processes(tasks: list[Task], jobs: int = 0, scheduler=None, progress: Progress = None) -> Iterator[Outcome]:
    """A pool of ``jobs`` worker processes (default: the core count); outcomes in completion order."""
    import multiprocessing

    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        yield from run_local(tasks, 1, None, progress)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(1, min(8, len(tasks) // (jobs * 8)))
    with multiprocessing.get_context(method).Pool(jobs) as pool:
        for n, outcome in enumerate(pool.imap_unordered(process_file, tasks, chunksize=chunk), 1):
            if progress:
                progress(n, len(tasks), outcome.path)
            yield outcome


def run_dask(tasks: list[Task], jobs: int = 0, scheduler=None, progress: Progress = None) -> Iterator[Outcome]:
    """The workers of a Dask cluster: ``scheduler`` is its address, a ``distributed.Client``, or None for a
    LocalCluster of ``jobs`` worker processes on this machine."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ReportError("--engine dask", "Dask is not installed (pip install 'govreport[dask]')") from None
    own = []
    if isinstance(scheduler, Client):
        client = scheduler
    elif scheduler:
        client = connect(scheduler)
        own.append(client)
    else:
        import logging

        cluster = LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1", silence_logs=logging.CRITICAL)
        client = Client(cluster)
        own += [client, cluster]
    try:
        futures = client.map(process_file, tasks, pure=False)
        for n, future in enumerate(as_completed(futures), 1):
            outcome = future.result()
            future.release()
            if progress:
                progress(n, len(tasks), outcome.path)
            yield outcome
    finally:
        for thing in own:
            thing.close()


CONNECT_TIMEOUT = 10.0  # seconds; Dask's own default (30 s) is long to wait for a mistyped address


def connect(address: str, timeout: float = CONNECT_TIMEOUT):
    """A ``distributed.Client`` of the scheduler at ``address``, or a ReportError in one line naming the
    address and the problem (nothing answers within ``timeout`` seconds, a malformed address, Dask missing)."""
    try:
        from distributed import Client
    except ImportError:
        raise ReportError("--engine dask", "Dask is not installed (pip install 'govreport[dask]')") from None
    where = f"Dask scheduler {address}"
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError):  # refused, unreachable, nothing listening: Dask retries until timeout
        raise ReportError(where, f"no scheduler answered within {timeout:g} s; is `dask scheduler` running "
                                 "there and reachable from this machine? (--connect-timeout SECONDS waits "
                                 "longer)") from None
    except (ValueError, TypeError) as exc:  # an unknown scheme, a port that is not a number
        raise ReportError(where, one_line(f"not a scheduler address ({exc}); expected tcp://host:8786")) from None


ENGINES = {"local": run_local, "processes": run_processes, "dask": run_dask}


def run(engine: str, tasks: Iterable[Task], jobs: int = 1, scheduler=None, progress: Progress = None):
    """Run the per-file function over ``tasks`` with the named engine."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[engine](list(tasks), jobs, scheduler, progress)
