"""The catalog's label, section and header patterns as the walker searches them: compiled once per process.

A row's label is matched to catalog entries (``best_in_plan``: the match nearest the end of the label, then
the longest); a key is tested against the section headings and the layouts' headers. Most keys match none of a
pool's patterns, so each pool also has one joined pattern, ``(?:p1)|(?:p2)|…``, that matches a key exactly
when one of its patterns does: one search answers "none" instead of one search per pattern. Everything here
is read from the catalog (lru_cache: cleared with it by catalog.clear_caches).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.catalog import LabelEntry, Layout, Section
from govreport.text.prefilter import required_chars


def plan(entries) -> tuple:
    """The entries by distinct pattern, in the order each pattern first stands: (the characters every match of it
    contains (prefilter.required_chars), its regex, its (index, entry) pairs in order). An entry of a pattern already
    tried matches as that one did, so best_in_plan searches each pattern once, for its first entry not taken, and
    only on a key holding all those characters. Made once per pool (the walker keeps it with the pool)."""
    by_pattern: dict[str, list] = {}
    for k, e in enumerate(entries):
        if e.pattern != "*":
            by_pattern.setdefault(e.pattern, []).append((k, e))
    return tuple((required_chars(members[0][1].regex), members[0][1].regex, tuple(members))
                 for members in by_pattern.values())


def best_in_plan(plan_: tuple, key: str, start_before: Optional[int] = None,
                 anywhere: Optional[re.Pattern] = None, taken=()) -> Optional[LabelEntry]:
    """The entry of ``plan_`` (``plan``) whose pattern matches nearest the end of the label, then longest, then
    first in order: each pattern searched once, for its first entry whose metric is not taken.

    ``start_before``: only matches that begin before this offset count (a label read together with its wrapped
    tail must match across the wrap, not in the tail). ``anywhere``: a pattern that matches a key wherever one of
    the entries' patterns does (``pool``): a key it does not match has no best entry. ``taken``: (metric, '*')
    keys of metrics already placed: their entries are left out (as if not in the plan)."""
    if anywhere is not None and anywhere.search(key) is None:
        return None
    best, score = None, None
    chars = set(key)
    for need, rx, members in plan_:
        if not need <= chars:
            continue  # a character every match of the pattern holds is not in the key: no match (one C-level test)
        if taken:
            for k, e in members:
                if (e.metric, "*") not in taken:
                    break
            else:
                continue  # every entry of the pattern is taken
        else:
            k, e = members[0]
        m = rx.search(key)
        if m and (start_before is None or m.start() < start_before):
            s = (m.end(), m.end() - m.start(), -k)
            if score is None or s > score:
                best, score = e, s
    return best


def pool(entries, family: str, section: Optional[str], group_or_columns
         ) -> tuple[tuple[LabelEntry, ...], Optional[re.Pattern]]:
    """The family's entries a row may match and their joined pattern: legacy by sub-section (``group_or_columns``
    is the group, None for all), gb by section and the layout's columns (``group_or_columns``)."""
    if family == "legacy":
        chosen = tuple(e for e in entries if group_or_columns is None or e.section == group_or_columns)
    else:
        cols = set(group_or_columns)
        chosen = tuple(e for e in entries if e.section == section and (e.column == "*" or e.column in cols))
    patterns = tuple(dict.fromkeys(e.pattern for e in chosen if e.pattern != "*"))
    return chosen, (pool_filter(patterns) if patterns else None)


@lru_cache(maxsize=None)
def family_entries(family: str) -> tuple[LabelEntry, ...]:
    """The family's label entries, in catalog order (every walker of the family reads them)."""
    return tuple(e for e in catalog.label_entries() if e.family == family)


@lru_cache(maxsize=256)
def family_pool(family: str, key: tuple) -> tuple:
    """What the walker matches a row against where ``key`` holds (legacy: ('legacy', sub-section); gb: (section,
    the layout's columns)): the pool's entries, their joined pattern (``pool``), those of pattern ``*``, and their
    ``plan``; made once per process (a few dozen keys per catalog), not once per report."""
    chosen, joined = pool(family_entries(family), family, *key)
    return chosen, joined, tuple(e for e in chosen if e.pattern == "*"), plan(chosen), rows_of(chosen)


def rows_of(entries) -> dict[tuple, tuple]:
    """The pool's entries by (pattern, template), in pool order: the catalog row a matched entry stands for (the
    entries the walker places a matched row's cells with), looked up instead of filtered from the pool per row."""
    rows: dict[tuple, list] = {}
    for e in entries:
        rows.setdefault((e.pattern, e.template), []).append(e)
    return {row: tuple(entries) for row, entries in rows.items()}


@lru_cache(maxsize=64)
def pool_filter(patterns: tuple[str, ...]) -> Optional[re.Pattern]:
    """The joined pattern of a pool of label patterns (a few dozen pools per catalog: compiled once)."""
    return any_of(tuple(re.compile(p) for p in patterns))


@lru_cache(maxsize=None)
def sections(family: str) -> tuple[tuple[Section, re.Pattern], ...]:
    """The family's section rows with their patterns compiled."""
    return tuple((s, re.compile(s.pattern)) for s in catalog.sections() if s.family == family)


@lru_cache(maxsize=None)
def any_section(family: str, roles: tuple[str, ...]) -> Optional[re.Pattern]:
    """The joined pattern of the family's section patterns of ``roles`` (start, end, group)."""
    return any_of(tuple(rx for s, rx in sections(family) if s.role in roles))


@lru_cache(maxsize=None)
def header_layouts(section: Optional[str]) -> tuple[tuple[Layout, re.Pattern], ...]:
    """The section's layouts that a header row names, patterns compiled, in catalog order."""
    return tuple((lay, re.compile(lay.header_pattern)) for lay in catalog.layouts()
                 if lay.section == section and lay.header_pattern)


@lru_cache(maxsize=None)
def any_header(section: Optional[str]) -> Optional[re.Pattern]:
    """The joined pattern of the section's header patterns."""
    return any_of(tuple(rx for _lay, rx in header_layouts(section)))


@lru_cache(maxsize=None)
def default_layout(section: Optional[str]) -> Optional[Layout]:
    """The section's layout before any header names one (the first without a header pattern)."""
    return next((lay for lay in catalog.layouts() if lay.section == section and not lay.header_pattern), None)


def any_of(patterns: tuple[re.Pattern, ...]) -> Optional[re.Pattern]:
    """``(?:p1)|(?:p2)|…``: it finds a match in a text exactly when one of the patterns does (at the first
    position where one matches, the alternation tries each). Only for patterns without groups (no
    backreference can be renumbered) and without flags of their own; None otherwise (the caller tries each)."""
    if not patterns or any(rx.groups or rx.flags != re.UNICODE for rx in patterns):
        return None
    return re.compile("|".join(f"(?:{rx.pattern})" for rx in patterns))
