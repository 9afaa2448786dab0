"""Bounded work per file: one set of limits for every reader and every prose step.

A batch of downloaded reports may contain anything; one hostile file must cost a
bounded amount of time and memory and end as a one-line ReportError (or, in the
prose steps, a finding), not a hung or exhausted batch. ``LIMITS`` holds every
bound; ``file_budget`` enforces the time and memory budget of one file:

- by SIGALRM (``time_limit``), which also interrupts long C calls (lxml, pdfminer)
  but works only in the main thread of a POSIX process, and
- by cooperative ``checkpoint()`` calls in the readers' and prose steps' loops,
  which work in any thread and also watch the memory the file has cost.

OCR is the one step whose cost grows with the file (5-10 CPU-s a page, more on a busy machine): every page
that is really OCR'd (not found in the page cache) adds ``ocr_page_seconds`` to the budgets in force
(``allow_ocr_page``), up to ``ocr_max_seconds`` per file, so a long scan is still bounded.
"""
from __future__ import annotations

import contextvars
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from govreport.errors import OverBudget, ReportError

if TYPE_CHECKING:
    import zipfile


@dataclass(frozen=True)
class Limits:
    """Every per-file bound. A real annual report is a few pages, its prose a few
    thousand characters, its longest sentence a few hundred; these are far above that."""

    max_file_bytes: int = 100 * 1024 * 1024     # any file (PDFs carry images)
    max_markup_bytes: int = 50 * 1024 * 1024    # text, HTML and Markdown files
    max_pdf_pages: int = 200
    pdf_seconds: float = 90.0
    docx_seconds: float = 60.0
    markup_seconds: float = 60.0                # text, HTML and Markdown
    convert_seconds: float = 60.0               # LibreOffice converting a .doc/.wps/.xls (cold start included)
    memory_mb: int = 1536                       # memory one file may add while it is read
    max_html_depth: int = 500                   # element nesting (libxml2 alone stops at 256)
    prose_seconds: float = 60.0                 # the prose steps (facts, checks) of one report
    max_prose_chars: int = 400_000              # prose read for facts per report; the rest is left out
    max_sentence_chars: int = 3_000             # a longer "sentence" is cut for fact extraction
    max_zip_members: int = 2_000
    max_zip_uncompressed: int = 200 * 1024 * 1024  # sum of declared member sizes
    max_zip_ratio: int = 200                    # uncompressed / compressed, above 10 MB unpacked
    ocr_page_seconds: float = 30.0              # added per OCR'd page (~10 CPU-s at 300 dpi, x3 for a busy host)
    ocr_max_seconds: float = 900.0              # at most this much added per file, whatever its page count
    ocr_bytes_per_pixel: int = 32               # an OCR'd page's peak memory per pixel (measured: ~30 at 15-35 MP)

    @property
    def ocr_max_pixels(self) -> int:
        """The largest page image OCR reads within memory_mb (~50 MP: a 600 dpi A4 scan, a 1080 x 45,000 long
        image); a larger one is refused before it is decoded (a 144 MP one took 2 GB)."""
        return self.memory_mb * 1024 * 1024 // self.ocr_bytes_per_pixel

    def read_seconds(self, fmt: str) -> float:
        """The reading budget for a file of format ``fmt`` (pdf, image, docx, txt, html, md; doc and xls are
        converted by LibreOffice first, then read)."""
        converted = self.convert_seconds + self.docx_seconds
        return {"pdf": self.pdf_seconds, "image": self.pdf_seconds, "docx": self.docx_seconds, "doc": converted,
                "xls": converted}.get(fmt, self.markup_seconds)  # image: as _BUDGET_FORMAT budgets it


LIMITS = Limits()

# suffix -> the format whose reading budget bounds the whole file (text, HTML, Markdown: markup_seconds)
_BUDGET_FORMAT = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc", ".xls": "xls",
                  ".png": "pdf", ".jpg": "pdf", ".jpeg": "pdf", ".tif": "pdf", ".tiff": "pdf"}  # images: OCR'd
HARD_GRACE_S = 5.0  # the supervisor waits this much past a file's budget before it kills the worker


def file_seconds(path) -> float:
    """The time budget of one file through every stage (read, identify, extract, checks, paragraphs,
    facts, its part of repetition): its format's reading budget, which the stages after reading share;
    they cost milliseconds on any real report."""
    return LIMITS.read_seconds(_BUDGET_FORMAT.get(Path(str(path)).suffix.lower(), "txt"))


def hard_seconds(path) -> float:
    """When a supervised worker still busy with the file is killed (ingestion/supervise.py): the budget
    plus a grace, so the cooperative checks and SIGALRM inside get to end it with their own words first.
    What OCR'd pages add to a file's budget moves this backstop too (``on_ocr_allow``: a supervised worker
    tells its supervisor), so a PDF that hangs with no page OCR'd is still stopped at its own budget."""
    seconds = file_seconds(path)
    return seconds + min(HARD_GRACE_S, max(seconds, 0.5))

# The names the PDF and DOCX readers import.
MAX_PDF_PAGES = LIMITS.max_pdf_pages
PDF_TIME_BUDGET_S = LIMITS.pdf_seconds
DOCX_TIME_BUDGET_S = LIMITS.docx_seconds
MAX_ZIP_MEMBERS = LIMITS.max_zip_members
MAX_ZIP_UNCOMPRESSED = LIMITS.max_zip_uncompressed
MAX_ZIP_RATIO = LIMITS.max_zip_ratio


_DTD_MARKERS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be"))
_SCAN_CHUNK = 1024 * 1024


# --------------------------------------------------------------------------- budgets

try:
    _PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
except (AttributeError, ValueError, OSError):
    _PAGE_MB = 4096 / (1024 * 1024)


def rss_mb(pid="self") -> Optional[float]:
    """Resident memory of process ``pid`` (this one by default) now (Linux /proc); None where unknown.
    The supervisor of the workers (ingestion/supervise.py) reads its workers' memory with it too."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE_MB
    except (OSError, ValueError, IndexError):
        return None


class Budget:
    """The time and memory one file may still spend on one step.

    ``exceeded()`` says why the budget is spent (or None); ``check()`` raises that as a
    ReportError. Memory is sampled every few hundred checks (reading /proc costs ~10 µs).
    """

    _MEMORY_EVERY = 512

    def __init__(self, path, seconds: float, what: str, memory_mb: Optional[float] = None):
        self.path, self.seconds, self.what = path, seconds, what
        self.deadline = time.monotonic() + seconds
        self.memory_mb = LIMITS.memory_mb if memory_mb is None else memory_mb
        self._rss0 = rss_mb()
        self._calls = 0
        self.ocr_pages, self.ocr_seconds = 0, 0.0  # the allowance OCR'd pages added (``allow_ocr_page``)
        self.outer: Optional[Budget] = None  # the budget this one runs inside (a file's, around its reading)

    def allow(self, seconds: float) -> float:
        """Add up to ``seconds`` for one more OCR'd page, within LIMITS.ocr_max_seconds; what was added."""
        extra = max(0.0, min(seconds, LIMITS.ocr_max_seconds - self.ocr_seconds))
        self.ocr_pages += 1
        self.ocr_seconds += extra
        self.deadline += extra
        return extra

    def limit_text(self) -> str:
        """'90 s' or '90 s + 210 s for 7 OCR'd pages': what the file was given, for the failure message."""
        if not self.ocr_pages:
            return f"{self.seconds:g} s"
        capped = " (the most OCR may add)" if self.ocr_seconds >= LIMITS.ocr_max_seconds else ""
        return f"{self.seconds:g} s + {self.ocr_seconds:g} s for {self.ocr_pages} OCR'd page" + \
            f"{'s' if self.ocr_pages > 1 else ''}{capped}"

    def exceeded(self) -> Optional[str]:
        if time.monotonic() > self.deadline:
            return f"gave up {self.what} after {self.limit_text()} (time limit per file)"
        self._calls += 1
        if self._rss0 is not None and self._calls % self._MEMORY_EVERY == 0:
            now = rss_mb()
            if now is not None and now - self._rss0 > self.memory_mb:
                return f"gave up {self.what}: it needed more than {self.memory_mb:g} MB of memory (limit per file)"
        return None

    def check(self) -> None:
        reason = self.exceeded()
        if reason is not None:
            raise OverBudget(self.path, reason)


_CURRENT: contextvars.ContextVar[Optional[Budget]] = contextvars.ContextVar("govreport_budget", default=None)


def checkpoint() -> None:
    """Raise ReportError when the file being read has spent its budget (no-op outside one)."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.check()


def allow_ocr_page() -> None:
    """One page is about to be OCR'd: every budget in force (the reading's and the file's around it) and
    their alarms get LIMITS.ocr_page_seconds more, up to LIMITS.ocr_max_seconds per file. A page found in
    the OCR cache costs nothing and is allowed nothing."""
    budget, added = _CURRENT.get(), 0.0
    while budget is not None:
        added = budget.allow(LIMITS.ocr_page_seconds)  # the outermost, the file's, is told last
        budget = budget.outer
    _rearm()
    for tell in _ON_OCR_ALLOW:
        tell(added)


_ON_OCR_ALLOW: list = []  # callbacks told the seconds an OCR'd page added to the file's budget


def on_ocr_allow(tell) -> None:
    """Call ``tell(seconds)`` whenever an OCR'd page adds ``seconds`` to the file's budget: a supervised
    worker passes it to the supervisor, whose deadline from outside must move with the budget inside."""
    _ON_OCR_ALLOW.append(tell)


def remaining_seconds(default: float) -> float:
    """Seconds left in the budget of the file being read (``default`` outside one): a child process such as
    LibreOffice gets a timeout that ends before the file's own limit does."""
    budget = _CURRENT.get()
    return default if budget is None else min(default, budget.deadline - time.monotonic())


@contextmanager
def file_budget(path, seconds: float, what: str = "reading"):
    """Bound the block by ``seconds`` and LIMITS.memory_mb: cooperative checks in loops
    (``checkpoint``) in any thread, and SIGALRM for long C calls in the main thread."""
    budget = Budget(path, seconds, what)
    budget.outer = _CURRENT.get()
    token = _CURRENT.set(budget)
    try:
        with time_limit(seconds, path, what, budget):
            yield budget
    finally:
        _CURRENT.reset(token)


class Alarm(BaseException):
    """The alarm of a time_limit. Not an Exception: code under the limit that catches Exception (lxml, openpyxl,
    pdfminer, our own shortcuts) must not swallow it, or the one-shot alarm is spent and the file runs unbounded."""


_ALARMS: list = []  # (deadline, budget or None) of the time_limits in force in the main thread, innermost last


def _rearm() -> None:
    """The innermost alarm set to its budget's deadline again (an OCR'd page moved it)."""
    if _ALARMS and threading.current_thread() is threading.main_thread():
        deadline = _deadline(_ALARMS[-1])
        signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 0.001))


def _deadline(alarm) -> float:
    deadline, budget = alarm
    return deadline if budget is None else budget.deadline


@contextmanager
def time_limit(seconds: float, path, what: str = "reading", budget: Optional[Budget] = None):
    """Raise ReportError if the block runs longer than ``seconds`` (than ``budget``'s deadline, which OCR'd
    pages may move: ``allow_ocr_page``).

    Uses SIGALRM, so it only bounds work in the main thread of a POSIX
    process; elsewhere it is a no-op (callers still have page/size limits).
    An outer alarm, if any, is restored afterwards.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def _handler(signum, frame):
        raise Alarm()

    old_handler = signal.signal(signal.SIGALRM, _handler)
    started = time.monotonic()
    old_delay = 0.0
    outer = _ALARMS[-1] if _ALARMS else None
    _ALARMS.append((started + seconds, budget))
    try:
        # inside the try: a short limit can fire before the next statement runs
        old_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except Alarm:
        limit = budget.limit_text() if budget is not None else f"{seconds:g} s"
        raise OverBudget(path, f"gave up {what} after {limit} (time limit per file)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        _ALARMS.pop()
        if outer is not None:  # ours: to its deadline, which OCR'd pages may have moved since
            old_delay = _deadline(outer) - started if old_delay else 0.0
        if old_delay:  # an outer limit: give it back what is left of it (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(old_delay - (time.monotonic() - started), 0.001))


def check_zip_archive(path, kind: str = ".docx") -> None:
    """Refuse archives that are not zips, or that would inflate beyond the limits.

    Sizes come from the central directory only (no member is inflated to decide);
    Python's zipfile stops inflating a member at its declared size, so declared
    sizes bound memory later too. Every XML part is then scanned whole (streamed
    in chunks, so memory stays bounded) for DTDs: OOXML never uses them, so a
    DOCTYPE or ENTITY declaration anywhere means an entity-expansion attack or an
    external-entity probe (a parser reads a DTD that follows a long comment too).
    """
    import zipfile  # here, not at the top: zipfile pulls in shutil, bz2 and lzma (~15 ms), only DOCX needs it

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
            if _declares_dtd(zf, info, path, kind):
                raise ReportError(path, f"{info.filename} declares a DTD (<!DOCTYPE>), which Office Open XML forbids: "
                                        "refused (entity expansion or external entity)")


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path, kind: str) -> bool:
    """True when a DOCTYPE/ENTITY marker occurs anywhere in the part (chunks overlap
    by a marker's length, so one split across two chunks is still seen)."""
    import zipfile

    overlap = max(len(m) for m in _DTD_MARKERS) - 1
    tail = b""
    try:
        with zf.open(info) as member:
            while True:
                chunk = member.read(_SCAN_CHUNK)
                if not chunk:
                    return False
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-overlap:]
                checkpoint()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ReportError(path, f"not a valid {kind} (cannot read {info.filename}: {exc})") from None


def check_ocr_pixels(path, width: float, height: float, where: str) -> None:
    """ReportError when a page image of ``width`` x ``height`` pixels is more than OCR reads within the memory
    budget (``Limits.ocr_max_pixels``): said before the pixels are decoded or rendered."""
    if width * height > LIMITS.ocr_max_pixels:
        raise ReportError(path, f"{where} is {width:.0f} x {height:.0f} pixels ({width * height / 1e6:.0f} MP): more "
                                f"than OCR reads within the {LIMITS.memory_mb} MB memory budget per file "
                                f"({LIMITS.ocr_max_pixels / 1e6:.0f} MP)")
