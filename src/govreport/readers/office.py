"""Older office formats (.doc, .wps, .xls) through headless LibreOffice, then the OOXML readers.

Portals still publish Word 97-2003 binaries (.doc; WPS Office writes the same format under .wps) and Excel
97-2003 sheets (.xls). Parsing those binaries ourselves would be a second, weaker Word reader; LibreOffice
converts them faithfully, so it converts into a private temporary folder (with a profile of its own, so a
batch never fights a desktop session over the lock) and the existing readers take over: .docx through
readers/docx.py, .xlsx through openpyxl here, each sheet one table. The conversion runs in its own process
group under what is left of the file's time budget (safety.py) and is killed whole when that runs out.
Without LibreOffice the file is refused in one line that says how to convert it.

Each LibreOffice run costs about one CPU-second to start, ten to twenty times what converting one more file
in the same run costs, so an ingest converts its files of these formats first, many to a run (``convert_many``); each
file is then read from its conversion (``prepared``) inside its own budget as before. A file that a batch does
not convert (LibreOffice refused it, crashed on it, or made no progress for a file's conversion time) is
converted alone when it is read, and fails there with its own one-line reason.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from govreport.errors import ReportError
from govreport.model import Block, Document
from govreport.readers.limits import LIMITS, check_zip_archive, checkpoint, remaining_seconds

# suffix -> (LibreOffice's filter target, the package that provides it, what to read the result with)
_TARGETS = {".doc": ("docx", "libreoffice-writer"), ".wps": ("docx", "libreoffice-writer"),
            ".xls": ("xlsx", "libreoffice-calc")}


def soffice_path():
    """LibreOffice's command (soffice or libreoffice) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _refusal(path: Path) -> str:
    target, package = _TARGETS[path.suffix.lower()]
    return (f"LibreOffice (soffice) is needed to read this format; convert it to .{target} "
            f"(soffice --headless --convert-to {target} FILE) or install {package}")


def convert(path: Path, outdir: Path) -> Path:
    """Convert ``path`` with headless LibreOffice into ``outdir``; the converted file, or a one-line
    ReportError (LibreOffice absent, failed, or over the file's time budget)."""
    soffice = soffice_path()
    if soffice is None:
        raise ReportError(path, f"{path.suffix.lower()}: {_refusal(path)}")
    target, package = _TARGETS[path.suffix.lower()]
    # a plain name for LibreOffice (it mis-reads some characters in paths); the result is named after it
    source = outdir / f"input{path.suffix.lower()}"
    shutil.copyfile(path, source)
    cmd = _command(soffice, target, outdir, [source])
    seconds = max(remaining_seconds(LIMITS.convert_seconds) - 1.0, 1.0)
    _run(cmd, seconds, path)
    result = outdir / f"input.{target}"
    if not result.exists():
        raise ReportError(path, f"LibreOffice could not convert this {path.suffix.lower()} file to .{target} "
                                f"(damaged, encrypted, or {package} is not installed)")
    return result


def _command(soffice: str, target: str, outdir: Path, files: list[Path]) -> list[str]:
    """LibreOffice converting ``files`` (in that order) to ``target`` into ``outdir``, headless, with this
    thread's own profile."""
    return [soffice, f"-env:UserInstallation=file://{_profile()}", "--headless", "--norestore",
            "--convert-to", target, "--outdir", str(outdir), *map(str, files)]


# LibreOffice runs as the child of a shell that kills their process group when sent SIGTERM; the kernel sends it
# when the thread that started the shell dies (PR_SET_PDEATHSIG), SIGKILL included, which no cleanup of ours
# survives: a killed ingest or worker leaves no LibreOffice converting on.
_TETHER = ["/bin/sh", "-c", 'trap "kill -KILL 0" TERM; "$@" & wait $!; exit $?', "govreport-soffice"]
_PR_SET_PDEATHSIG = 1


def _spawn(cmd: list, stderr) -> subprocess.Popen:
    """``cmd`` started in a process group of its own, tethered to this thread where the system allows it."""
    prctl = _prctl()
    if prctl is None:
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    parent = os.getpid()

    def tether() -> None:  # in the child, before exec: nothing here may take a lock
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the tether held
            os._exit(1)

    return subprocess.Popen([*_TETHER, *cmd], stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
                            preexec_fn=tether)


@lru_cache(maxsize=1)
def _prctl():
    """libc's prctl (Linux), resolved before any fork; None elsewhere."""
    if not sys.platform.startswith("linux") or not os.path.exists(_TETHER[0]):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = [ctypes.c_int, ctypes.c_ulong], ctypes.c_int
    return function


def _profile() -> Path:
    """A LibreOffice user profile for this process and thread: created on first use (a cold start costs
    seconds), reused by later files, removed at exit. One per thread, as LibreOffice locks its profile."""
    key = (os.getpid(), threading.get_ident())
    if key not in _PROFILES:
        _PROFILES[key] = _owned_folder(_PROFILE_PREFIX)
        atexit.register(shutil.rmtree, _PROFILES[key], True)
    return _PROFILES[key]


_PROFILES: dict = {}
_PROFILE_PREFIX, _BATCH_PREFIX = "govreport-soffice-profile-", "govreport-convert-"
ORPHAN_AGE_S = 3600.0  # a folder of a dead process this old is left over (a killed run); younger, leave it be


@contextmanager
def batch_folder() -> Iterator[Path]:
    """A temporary folder for ``convert_many``'s conversions, removed after the block (or, when this process is
    killed, by a later run: ``_swept``)."""
    folder = _owned_folder(_BATCH_PREFIX)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _owned_folder(prefix: str) -> Path:
    """A new temporary folder named after this process, so a later run can tell when it is left over."""
    _swept()
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


@lru_cache(maxsize=1)
def _swept() -> int:
    """Remove (once per process) the profiles and conversion folders that killed runs left behind: named after
    a process that no longer runs and untouched for ORPHAN_AGE_S. A killed process skips its atexit and
    ``finally`` clean-ups, and a LibreOffice profile holds megabytes. The number removed."""
    removed, now = 0, time.time()
    for entry in Path(tempfile.gettempdir()).glob("govreport-*-*"):
        pid = _owner(entry.name)
        try:
            if pid is None or _running(pid) or now - entry.stat().st_mtime < ORPHAN_AGE_S:
                continue
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += not entry.exists()
    return removed


def _owner(name: str) -> Optional[int]:
    """The process id in a folder name that ``_owned_folder`` made, else None."""
    for prefix in (_PROFILE_PREFIX, _BATCH_PREFIX):
        pid, dash, _ = name[len(prefix):].partition("-") if name.startswith(prefix) else ("", "", "")
        if pid.isdigit() and dash:
            return int(pid)
    return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _run(cmd: list, seconds: float, path: Path) -> None:
    """Run LibreOffice in its own process group; kill the whole group on timeout or any interruption."""
    proc = _spawn(cmd, subprocess.PIPE)
    try:
        proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise ReportError(path, f"gave up converting with LibreOffice after {seconds:g} s (time limit per file)") \
            from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


BATCH_FILES = 32  # files per LibreOffice run: its start is paid once per batch
_PREPARED: ContextVar[Optional[tuple[str, Path]]] = ContextVar("govreport_office_prepared", default=None)


def converts(path) -> bool:
    """Whether ``path`` is read through a LibreOffice conversion (by its suffix, as readers/__init__.py chooses)."""
    return Path(path).suffix.lower() in _TARGETS


@contextmanager
def prepared(source, converted: str = "") -> Iterator[None]:
    """Read ``source`` from ``converted`` (made by ``convert_many``) instead of converting it again."""
    token = _PREPARED.set((str(source), Path(converted)) if converted else None)
    try:
        yield
    finally:
        _PREPARED.reset(token)


def convert_many(paths: list[str], outdir: Path, parallel: int = 1, progress=None) -> dict[str, Path]:
    """Convert the files (all of them ``converts``) into ``outdir``, ``BATCH_FILES`` to a LibreOffice run and up
    to ``parallel`` runs at a time: {path as given: its conversion}. A file left out is converted alone when read.
    ``progress(n, total, path)`` is told after each run (thousands of .doc files take minutes)."""
    soffice = soffice_path()
    if soffice is None or not paths:
        return {}
    by_target: dict[str, list[str]] = {}
    for path in paths:
        by_target.setdefault(_TARGETS[Path(path).suffix.lower()][0], []).append(path)
    batches = []
    for target, files in by_target.items():  # ``parallel`` runs when each gets half a batch or more
        n_runs = max(1, min(parallel, len(files) // max(1, BATCH_FILES // 2)))
        size = min(BATCH_FILES, -(-len(files) // n_runs))
        batches += [(target, files[k:k + size]) for k in range(0, len(files), size)]
    runs = [(soffice, target, files, outdir / f"batch{k}") for k, (target, files) in enumerate(batches)]
    done: dict[str, Path] = {}
    stop = threading.Event()  # an interrupted ingest (Ctrl-C, an error) kills the runs and starts no more
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:  # one LibreOffice profile per thread
        futures = [pool.submit(_convert_batch, *run, stop) for run in runs]
        try:
            finished = 0
            for future, (_, _, files, _) in zip(futures, runs):
                done.update(future.result())
                finished += len(files)
                if progress:
                    progress(finished, len(paths), files[-1])
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise
    return done


def _convert_batch(soffice: str, target: str, sources: list[str], work: Path,
                   stop: threading.Event) -> dict[str, Path]:
    """One LibreOffice run over ``sources`` (copied under plain names, as ``convert`` does), watched: a run that
    writes no new file for a file's conversion time is killed. LibreOffice converts in the order given, so
    after a run that did not end cleanly the last file it wrote may be incomplete and is not used."""
    if stop.is_set():
        return {}
    (work / "out").mkdir(parents=True)
    names = []
    for k, source in enumerate(sources):
        names.append(work / f"{k}{Path(source).suffix.lower()}")
        shutil.copyfile(source, names[-1])
    cmd = _command(soffice, target, work / "out", names)
    outputs = [work / "out" / f"{k}.{target}" for k in range(len(sources))]
    clean = _watched(cmd, outputs, LIMITS.convert_seconds, stop)
    made = [k for k, out in enumerate(outputs) if out.is_file()]
    if not clean and made:
        made = made[:-1]
    return {sources[k]: outputs[k] for k in made}


def _watched(cmd: list, outputs: list[Path], stall_seconds: float, stop: threading.Event) -> bool:
    """Run ``cmd`` in its own process group until it ends (True when it ended with status 0), killing the whole
    group when none of ``outputs`` appears for ``stall_seconds`` or when ``stop`` is set."""
    proc = _spawn(cmd, subprocess.DEVNULL)
    seen, last = 0, time.monotonic()
    try:
        while proc.poll() is None:
            time.sleep(0.05)
            if stop.is_set():
                return False
            now_seen = sum(out.exists() for out in outputs)
            if now_seen != seen:
                seen, last = now_seen, time.monotonic()
            elif time.monotonic() - last > stall_seconds:
                return False
        return proc.returncode == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _conversion(path: Path, outdir: Path) -> Path:
    """The file ``prepared`` gave for ``path`` when there is one, else a conversion made now."""
    ready = _PREPARED.get()
    if ready is not None and ready[0] == str(path) and ready[1].is_file():
        return ready[1]
    return convert(path, outdir)


def read_legacy_word(path) -> Document:
    """Read a .doc or .wps: converted to .docx, read by the DOCX reader, reported as the original file."""
    from govreport.readers.docx import read_docx

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="govreport-office-") as tmp:
        doc = read_docx(_conversion(path, Path(tmp)))
    return replace(doc, path=path, format=path.suffix.lower().lstrip("."))


def read_xls(path) -> Document:
    """Read an .xls: converted to .xlsx, each sheet one table of its cell texts (blank cells stay None)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="govreport-office-") as tmp:
        xlsx = _conversion(path, Path(tmp))
        check_zip_archive(xlsx, ".xlsx")
        blocks = _sheet_blocks(xlsx, path)
    return Document(path=path, format="xls", blocks=blocks, hard_wrapped=False)


def _sheet_blocks(xlsx: Path, path: Path) -> list:
    import openpyxl

    try:
        book = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken part
        raise ReportError(path, f"cannot open the converted workbook ({exc.__class__.__name__})") from None
    blocks = []
    try:
        for sheet in book.worksheets:
            blocks.append(Block.line(sheet.title))
            rows = []
            for row in sheet.iter_rows(values_only=True):
                checkpoint()
                rows.append([_cell_text(v) for v in row])
            blocks.extend(_grid_blocks(rows))
    finally:
        book.close()
    return blocks


def _grid_blocks(rows: list) -> list:
    """A sheet's rows as blocks: a row with one filled cell before or after the table is a line of text (a
    title, a paragraph); the rows from the first with two filled cells to the last are one table."""
    rows = [r for r in rows if any(c is not None for c in r)]
    wide = [i for i, r in enumerate(rows) if sum(c is not None for c in r) >= 2]
    if not wide:
        return [Block.line(next(c for c in r if c is not None)) for r in rows]
    first, last = wide[0], wide[-1]
    width = max(max(i for i, c in enumerate(r) if c is not None) for r in rows[first:last + 1]) + 1
    lines = lambda part: [Block.line(" ".join(c for c in r if c is not None)) for r in part]  # noqa: E731
    return lines(rows[:first]) + [Block.table([r[:width] for r in rows[first:last + 1]])] + lines(rows[last + 1:])


def _cell_text(value):
    """A cell as the text a reader would see: integers without '.0', blanks as None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
