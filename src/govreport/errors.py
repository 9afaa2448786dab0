"""The package's exceptions: one base, each message one line.

Every exception govreport raises on purpose subclasses ``GovreportError``, so a caller can catch them all
and print each on one line. A batch's failures table and the command line show one line per bad file; a
file name may hold a newline, a tab or any other control character (a downloaded name can be anything), so
names are escaped before they go into such a line. Layer 0: this module imports nothing of the package (the
failure-reason vocabulary is catalog data, read by ``govreport.catalog.failure_code``).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

# Characters that would break or disguise a one-line message: C0/C1 controls, line and
# paragraph separators, the bidirectional controls that reorder what a reader sees, and the
# lone surrogates that stand for undecodable bytes in a name (they cannot even be printed).
_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp", "Cf", "Cs"}


def _escape_char(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if unicodedata.category(ch) in _BREAKING_CATEGORIES:
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def one_line(text) -> str:
    """``text`` with every line break and control character shown as an escape (\\n, \\x1b, \\u202e)."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(_escape_char(ch) for ch in text)


_AS_SPACE = {"\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"}


def strip_controls(text) -> str:
    """``text`` as it may be published: the same breaking characters ``one_line`` escapes are dropped
    (a line break or tab becomes a space), so no page, table or record carries a right-to-left override
    or an invisible control -- in an agency name or in a file name."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(" " if ch in _AS_SPACE else ch for ch in text
                   if ch in _AS_SPACE or unicodedata.category(ch) not in _BREAKING_CATEGORIES)


def describe_path(path) -> str:
    """A file name as it goes into a one-line message: backslashes doubled (so an escape
    is never ambiguous), bytes that are not UTF-8, line breaks and control characters escaped."""
    if path is None:
        return "(no file)"
    return one_line(storable(str(path).replace("\\", "\\\\")))


def encodable(text: str) -> bool:
    """Whether ``text`` encodes as UTF-8: not when it holds lone surrogates (a file name whose bytes are not UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable(name: str) -> str:
    """A file name as text every encoder takes (a table, a CSV, JSON, the terminal): the bytes of a name that are
    not UTF-8 as \\xNN escapes. Such names are common: a zip archive made on a Chinese Windows system unpacks
    its names in GBK, which reach Python as lone surrogates, and one of them stopped a whole ingest."""
    if encodable(name):
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte made
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


class GovreportError(Exception):
    """Base of every exception the package raises on purpose; str() is always one line (controls escaped)."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class ReportError(GovreportError):
    """Expected bad input: the message is one line naming the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = Path(path) if path is not None else None
        self.problem = one_line(problem)
        super().__init__(f"{describe_path(path)}: {self.problem}")


class OverBudget(ReportError):
    """A file that spent its time or memory budget. A loaded machine can cause that, so ingest reads the file
    once more on its next run before the failure is kept (ingestion/corpus.py)."""


class SelectionError(ReportError):
    """An agency or year asked of the processed data that it does not hold (or holds twice): one line
    naming what it does hold (the closest agencies, the years there are)."""

    def __init__(self, problem: str, path=None):
        super().__init__(path, problem)
        if path is None:
            self.args = (self.problem,)

    def __str__(self) -> str:
        return str(self.args[0])


class CatalogError(GovreportError, ValueError):
    """A malformed catalog file, found when it is loaded: one line naming the file, the row (its line in
    the file, the header being line 1; None for the file as a whole) and the problem. A ValueError too, as
    catalog problems were before the base existed."""

    def __init__(self, file, row, problem: str):
        self.file, self.row, self.problem = str(file), row, one_line(problem)
        where = describe_path(self.file) if row is None else f"{describe_path(self.file)} line {row}"
        super().__init__(f"{where}: {self.problem}")
