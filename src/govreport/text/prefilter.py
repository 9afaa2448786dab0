"""The characters every match of a regular expression must contain: a test that skips a catalog pattern
on a line that cannot match it, with the same answer as running it.

Catalog patterns (title forms, fact wordings) are tried on every head line or sentence of every report; most
lines hold none of the pattern's fixed characters, and Python's regex engine still tries each start position.
"""
from __future__ import annotations

import re
from functools import lru_cache

try:  # the parser the re module itself uses (sre_parse before Python 3.11)
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_REPEATS = tuple(getattr(_c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, name))


def _required(items) -> frozenset:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av))
        elif op is _c.SUBPATTERN and not av[1] & re.IGNORECASE:  # (?i:...) matches other cases
            out |= _required(av[-1])
        elif op in _REPEATS and av[0] >= 1:
            out |= _required(av[2])
        elif op is _c.BRANCH:
            alternatives = [_required(a) for a in av[1]]
            out |= frozenset.intersection(*alternatives) if alternatives else frozenset()
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            out |= _required(av)
    return frozenset(out)


@lru_cache(maxsize=None)
def required_chars(pattern: re.Pattern) -> frozenset:
    """Characters that every match of ``pattern`` contains (literal characters outside optional parts; of an
    alternation, those all its branches share). Empty when unsure (case-insensitive or verbose patterns)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return frozenset()
    try:
        return _required(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal parser change: no prefilter, never a wrong answer
        return frozenset()


def may_match(pattern: re.Pattern, text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text`` (a required character is missing)."""
    return all(ch in text for ch in required_chars(pattern))
