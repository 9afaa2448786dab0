"""Expected bad input, reported as one line that names the file.

A batch's failures table and the command line show one line per bad file; a file
name may hold a newline, a tab or any other control character (a downloaded name
can be anything), so names are escaped before they go into such a line.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import catalog

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
    is never ambiguous), line breaks and control characters escaped."""
    if path is None:
        return "(no file)"
    return one_line(str(path).replace("\\", "\\\\"))


class ReportError(Exception):
    """Expected bad input: the message is one line naming the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = Path(path) if path is not None else None
        self.problem = one_line(problem)
        super().__init__(f"{describe_path(path)}: {self.problem}")


class SelectionError(ReportError):
    """An agency or year asked of the processed data that it does not hold (or holds twice): one line
    naming what it does hold (the closest agencies, the years there are)."""

    def __init__(self, problem: str, path=None):
        super().__init__(path, problem)
        if path is None:
            self.args = (self.problem,)

    def __str__(self) -> str:
        return str(self.args[0])


# ---- failure reasons: a closed vocabulary of codes, each with zh and en text (catalog/failure_reasons.csv)

@lru_cache(maxsize=None)
def _failure_reasons() -> tuple[tuple[str, re.Pattern, str, str], ...]:
    rows = catalog.read_csv("failure_reasons.csv")
    if not rows or rows[-1]["code"] != "other":
        raise ValueError("catalog/failure_reasons.csv: the last row must be the catch-all code 'other'")
    return tuple((r["code"], re.compile(r["pattern"]), r["zh"], r["en"]) for r in rows)


def failure_code(problem) -> str:
    """The reason code of a failure's one-line problem (first catalog pattern that matches; 'other' at worst),
    so failures can be counted and told in the reader's language while the English line stays in the data."""
    text = str(problem)
    return next(code for code, pattern, _zh, _en in _failure_reasons() if pattern.search(text))


def failure_text(code: str, lang: str = "zh") -> str:
    """A failure reason code in words, in ``lang`` ('zh' or 'en')."""
    for known, _pattern, zh, en in _failure_reasons():
        if known == code:
            return zh if lang == "zh" else en
    raise KeyError(f"catalog/failure_reasons.csv: no failure code {code!r}")
