"""Walking input folders: every entry is either a file to read or a failure with its reason.

Nothing found under an input path is skipped silently and no file-system error
escapes as a traceback: a folder that cannot be listed, an entry whose
information cannot be read (a folder without search permission), a file that
cannot be opened, a broken or looping link, a link to a folder (never
followed) and a file of an unsupported type each become one ``Failure``.
Hidden names (a leading dot) are skipped on purpose: editors and ingest itself
leave temporaries there. So is ``reviews.csv`` at the top of an input folder: an
analyst's decisions on findings beside the reports (govreport.ingestion.reviews), no report,
but recorded among the sources the processed tables were made from.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from govreport.errors import describe_path, one_line, storable
from govreport.store import sha256_file
from govreport.readers import SUPPORTED_SUFFIXES, unread_by_content

_DENIED = (errno.EACCES, errno.EPERM)
LINKED_FOLDER = "symbolic link to a folder: not followed (pass its target as an input path to read it)"
REVIEWS_FILE = "reviews.csv"  # beside the reports: decisions on findings, read by govreport.ingestion.reviews


@dataclass
class Failure:
    """One input that was not read, and why (one line)."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{describe_path(self.path)}: {one_line(self.problem)}"


def _reason(exc: OSError, what: str) -> str:
    if exc.errno in _DENIED:
        return f"permission denied: {what}"
    return f"{what}: {exc.strerror or type(exc).__name__}"


def _list_folder(folder: str, failures: list[Failure]) -> Optional[list[os.DirEntry]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        failures.append(Failure(str(folder), _reason(exc, "cannot list folder")))
        return None


def _not_regular(path: str) -> Optional[str]:
    """None when ``path`` is a regular file (or a link to one), else the reason it is not: a named pipe, socket or
    device is never opened (opening a pipe, or reading a device like /dev/zero, waits forever)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP) and os.path.islink(path):
            return "broken symbolic link"
        return _reason(exc, "cannot read file information (is its folder searchable?)")
    return None if stat.S_ISREG(mode) else "not a regular file"


def _readable_file(path: str) -> Optional[str]:
    """None when ``path`` is a regular file that opens for reading, else the reason it is not."""
    problem = _not_regular(path)
    if problem:
        return problem
    try:
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        return _reason(exc, "cannot open file")
    return None


def on_disk(shown) -> Path:
    """The file a name of the tables stands for: the name itself, or, for a name whose bytes that are not UTF-8
    the tables show as \\xNN escapes (errors.storable), the path whose parts have those storable names."""
    path = Path(shown)
    if "\\x" not in str(shown) or path.exists():
        return path
    real = Path(path.anchor)
    for part in path.parts[1:] if path.anchor else path.parts:
        found = real / part
        if not found.exists() and real.is_dir():
            found = next((real / e.name for e in os.scandir(real) if storable(e.name) == part), found)
        real = found
    return real


def suffix_of(name: str) -> str:
    """``Path(name).suffix`` without a Path (the last dot of the name, not a leading or trailing one)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _entry(entry: os.DirEntry, path: str, folders: list[str], files: list[str], failures: list[Failure]) -> None:
    """``path``: the entry's path as its Path's string (no Path per file: an unchanged re-ingest walks 100,000s)."""
    try:
        is_link = entry.is_symlink()
        is_folder = entry.is_dir(follow_symlinks=False)
    except OSError as exc:
        failures.append(Failure(path, _reason(exc, "cannot read file information")))
        return
    suffix = suffix_of(entry.name)
    if is_link and os.path.isdir(path):
        failures.append(Failure(path, LINKED_FOLDER))  # never followed: a link can loop back
    elif is_folder:
        folders.append(path)
    elif suffix.lower() not in SUPPORTED_SUFFIXES:
        if problem := _not_regular(path):  # its first bytes are not read: a named pipe would wait for a writer
            failures.append(Failure(path, problem))
        elif (hint := unread_by_content(path)) is None:  # a PDF, .docx or web page without its suffix
            files.append(path)
        else:
            failures.append(Failure(path, f"unsupported file type '{suffix or '(none)'}'{hint}"))
    else:
        problem = _readable_file(path)
        if problem:
            failures.append(Failure(path, problem))
        else:
            files.append(path)


def _walk(top: str, files: list[str], failures: list[Failure], reviews: Optional[str] = None,
          skip: set = frozenset()) -> None:
    """Depth first, names sorted, each folder's files before its subfolders; links never followed; the
    batch's reviews file (``reviews``) is no report; the folders of ``skip`` (real paths) are not entered."""
    pending = [top]
    while pending:
        folder = pending.pop()
        entries = _list_folder(folder, failures)
        if entries is None:
            continue
        subfolders: list[str] = []
        page = _saved_page(folder)
        for entry in entries:
            path = entry.name if folder == "." else entry.path  # str(Path(".") / name) is the name
            if entry.name.startswith(".") or (reviews and path == reviews):
                continue
            if page is not None and not entry.is_dir(follow_symlinks=False):
                # a browser's "save page" folder: its images and scripts are the page's, not reports (and
                # images would otherwise go to OCR)
                failures.append(Failure(path, f"part of the saved web page {os.path.basename(page)}, not a report"))
                continue
            _entry(entry, path, subfolders, files, failures)
        pending.extend(reversed([f for f in subfolders if not skip or os.path.realpath(f) not in skip]))


def _saved_page(folder: str) -> Optional[str]:
    """The web page a folder belongs to (``报告_files`` beside ``报告.html``), or None."""
    name = os.path.basename(folder)
    for tail in ("_files", ".files"):
        if name.endswith(tail):
            for suffix in (".html", ".htm", ".mhtml", ".shtml"):
                page = os.path.join(os.path.dirname(folder), name[: -len(tail)] + suffix)
                if os.path.isfile(page):
                    return page
    return None


def discover(paths: Iterable) -> tuple[list[Path], list[Failure]]:
    """Files to read under the given paths, and a failure for every entry that cannot be read.

    A path named explicitly is read whatever its suffix (the reader then says
    what is wrong with it); inside folders only supported suffixes are read, and
    the first folder's reviews.csv is left to govreport.ingestion.reviews.
    """
    names, failures = discover_names(paths)
    return [Path(f) for f in names], failures


def discover_names(paths: Iterable, skip: Iterable = ()) -> tuple[list[str], list[Failure]]:
    """``discover`` with each file as the string of its Path (``str(Path(...))``), no Path made per file; the
    folders ``skip`` (the store this ingest writes, when it lies inside an input folder) are not entered."""
    files: list[str] = []
    failures: list[Failure] = []
    paths = list(paths)
    reviews = reviews_file(paths)
    skip = {os.path.realpath(folder) for folder in skip}
    for p in paths:
        p = Path(p)
        try:
            is_folder = p.is_dir()
        except OSError as exc:
            failures.append(Failure(str(p), _reason(exc, "cannot read file information")))
            continue
        if is_folder:
            _walk(str(p), files, failures, str(reviews) if reviews else None, skip)
        elif os.path.lexists(p):
            if problem := _not_regular(str(p)):  # named, yet no file to hash or read (a pipe, /dev/zero)
                failures.append(Failure(str(p), problem))
            else:
                files.append(str(p))
        else:
            failures.append(Failure(str(p), "file not found"))
    return files, failures


def report_files(folder) -> list[Path]:
    """Report files ingest reads under ``folder`` (subfolders too; hidden names skipped); none when it is no
    folder."""
    return discover([folder])[0] if Path(folder).is_dir() else []


def reviews_file(roots: Iterable) -> Optional[Path]:
    """The reviews file of a batch: reviews.csv at the top of the first input folder, when there is one."""
    for root in roots:
        try:
            if Path(root).is_dir():
                candidate = Path(root) / REVIEWS_FILE
                return candidate if candidate.is_file() else None
        except OSError:
            return None
    return None


def source_records(files: Iterable[Path], roots: Iterable = ()) -> list[dict]:
    """What a processed folder was made from: path (relative to its input folder) and sha256 per file,
    and the reviews file of the batch (its decisions are joined onto the findings).

    The manifest stores these so ``govreport build`` can check that the
    processed tables are exactly those of the current ``data/raw``.
    """
    roots = list(roots)
    reviews = reviews_file(roots)
    files = list(files) + ([reviews] if reviews else [])
    folders = input_folders(roots)
    records = []
    for f in files:
        try:
            digest: Optional[str] = sha256_file(f)
        except OSError:
            digest = None  # unreadable: recorded, so a later readable copy counts as a change
        records.append({"path": source_name(f, folders), "sha256": digest})
    return sorted(records, key=lambda r: r["path"])


def input_folders(roots: Iterable) -> list[Path]:
    """The input paths that are folders, absolute (a file's source record is named relative to its folder)."""
    folders = []
    for root in roots:
        try:
            if Path(root).is_dir():
                folders.append(Path(root).absolute())
        except OSError:
            continue
    return folders


def source_name(f, folders: list[Path]) -> str:
    """A file's name in the source records: relative to the input folder it was found in, else its name. ``f``:
    a Path, or a Path's string (``discover_names``: normalized, so joined to the working folder it is
    ``Path.absolute()``, and a prefix test is is_relative_to; no Path per file: 100,000s)."""
    text = str(f)
    absolute = text if os.path.isabs(text) else os.path.join(os.getcwd(), text)
    for r in folders:
        prefix = str(r) if str(r).endswith("/") else f"{r}/"
        if absolute.startswith(prefix):
            return absolute[len(prefix):]
    return os.path.basename(text.rstrip("/")) if isinstance(f, str) else f.name
