"""Guards shared by the binary readers: bounded work per file, no zip bombs.

A batch of downloaded reports may contain anything; these checks run before
a third-party parser sees the bytes, so one hostile file costs a bounded
amount of time and memory and ends as a ReportError, not a hung batch.
"""
from __future__ import annotations

import signal
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

from .document import ReportError

# Limits. A real annual report is a few pages and well under 10 MB unzipped.
MAX_PDF_PAGES = 200
PDF_TIME_BUDGET_S = 90.0
DOCX_TIME_BUDGET_S = 60.0
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024  # sum of declared member sizes
MAX_ZIP_RATIO = 200  # uncompressed / compressed, for archives above 10 MB unpacked


_DTD_MARKERS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be"))


class _Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float, path, what: str = "reading"):
    """Raise ReportError if the block runs longer than ``seconds``.

    Uses SIGALRM, so it only bounds work in the main thread of a POSIX
    process; elsewhere it is a no-op (callers still have page/size limits).
    An outer alarm, if any, is restored afterwards.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def _handler(signum, frame):
        raise _Timeout()

    old_handler = signal.signal(signal.SIGALRM, _handler)
    old_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise ReportError(path, f"gave up {what} after {seconds:g} s (time limit per file)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            signal.setitimer(signal.ITIMER_REAL, old_delay)


def check_zip_archive(path, kind: str = ".docx") -> None:
    """Refuse archives that are not zips, or that would inflate beyond the limits.

    Sizes come from the central directory only (no member is inflated to decide);
    Python's zipfile stops inflating a member at its declared size, so declared
    sizes bound memory later too. XML parts are then scanned (first 8 KB, where
    a prolog sits) for DTDs: OOXML never uses them, so a DOCTYPE or ENTITY
    declaration means an entity-expansion attack or an external-entity probe.
    """
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ReportError(path, f"not a valid {kind} (corrupt or truncated zip: {exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ReportError(path, f"{kind} has {len(infos)} parts (limit {MAX_ZIP_MEMBERS}): refused as a possible zip bomb")
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_ZIP_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
            raise ReportError(path, f"{kind} expands to {total // (1024 * 1024)} MB from {packed // 1024} KB: refused as a possible zip bomb")
        for info in infos:
            name = info.filename.lower()
            if not (name.endswith(".xml") or name.endswith(".rels")):
                continue
            try:
                with zf.open(info) as member:
                    head = member.read(8192)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
                raise ReportError(path, f"not a valid {kind} (cannot read {info.filename}: {exc})") from None
            if any(marker in head for marker in _DTD_MARKERS):
                raise ReportError(path, f"{info.filename} declares a DTD (<!DOCTYPE>), which Office Open XML forbids: "
                                        "refused (entity expansion or external entity)")
