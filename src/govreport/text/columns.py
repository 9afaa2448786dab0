"""The words a statistics table's header prints (catalog/table_columns.csv), for readers that find tables by them.

A PDF table drawn without ruling lines is found by its header words (自然人 商业企业 … 总计, 结果维持 …); readers
know no catalog, so they ask here what a word names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.text.normalize import nfkc


@dataclass(frozen=True)
class _Names:
    patterns: tuple[tuple[str, re.Pattern], ...]  # (role, regex) for column / group / label
    enumerator: re.Pattern
    literals: tuple[str, ...]  # column names written as plain text (^自然人$ -> 自然人), for splitting run-together names


@lru_cache(maxsize=1)
def _names() -> _Names:
    rows = catalog.read_csv("table_columns.csv")
    patterns = tuple((r["role"], re.compile(r["pattern"])) for r in rows if r["role"] != "enumerator")
    enumerator = next(re.compile(r["pattern"]) for r in rows if r["role"] == "enumerator")
    literals = tuple(r["pattern"][1:-1] for r in rows if r["role"] == "column"
                     and re.fullmatch(r"\^[^\\^$.*+?()\[\]{}|]+\$", r["pattern"]))
    return _Names(patterns=patterns, enumerator=enumerator, literals=literals)


@lru_cache(maxsize=65536)
def header_role(text: str) -> Optional[str]:
    """What a header word names: 'column', 'group' or 'label', or None; cached: it depends on the text only."""
    text = nfkc(text).replace(" ", "")
    for role, regex in _names().patterns:
        if regex.match(text):
            return role
    return None


def column_names() -> tuple[str, ...]:
    """Column names written as plain words (自然人, 商业企业 …): the pieces run-together header words are cut into."""
    return _names().literals


def starts_new_label(text: str) -> bool:
    """A label that begins with its own number (一、 （二） 3. 其中 第二十条): not the end of another."""
    return bool(_names().enumerator.match(nfkc(text).strip()))


def is_numbered(text: str) -> bool:
    """Does the text open with a label's own number (一、 （二） 3. 其中 第二十条)? (Not stripped first.)"""
    return bool(_names().enumerator.match(nfkc(text)))
