"""What every match of a regular expression must contain (its characters, its words), what plain words an
alternation is, and how wide a match can be: tests that skip a catalog pattern on a line that cannot match it,
with the same answer as running it. Read from the parse the re module itself makes (its private parser: every
reading here gives up, never a wrong answer, when that parser changes).

Catalog patterns (title forms, fact wordings, agency sentences, template markers) are tried on every head line or
sentence of every report; most lines hold none of the pattern's fixed characters or words, and Python's regex
engine still tries each start position.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

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


@lru_cache(maxsize=None)
def required_words(pattern: re.Pattern) -> tuple[str, ...]:
    """Words of two characters or more of which every match of ``pattern`` holds one: of the groups ``_word_groups``
    finds, the one whose shortest word is longest (then the one of fewest words), without a word that holds
    another of them (a line holding 信息来源 holds 来源); () when there is none or when unsure."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return ()
    try:
        groups = _word_groups(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal parser change: no words
        return ()
    best = max(groups, key=lambda g: (min(map(len, g)), -len(g)), default=())
    if not best or min(map(len, best)) < 2:
        return ()
    return tuple(w for w in best if not any(o != w and o in w for o in best))


def _word_groups(items) -> list[tuple[str, ...]]:
    """Groups of words of which every match of the parsed pattern ``items`` holds one each: its runs of literal
    characters outside optional parts, and its alternations of plain words ((?:联系|咨询|反映))."""
    groups: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            groups.append(("".join(run),))
            run = []
        if op is _c.SUBPATTERN and not av[1] & re.IGNORECASE:
            groups += _word_groups(av[-1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            groups += _word_groups(av[2])
        elif op is _c.BRANCH and all(alt and all(o is _c.LITERAL for o, _ in alt) for alt in av[1]):
            groups.append(tuple("".join(chr(code) for _, code in alt) for alt in av[1]))
    if run:
        groups.append(("".join(run),))
    return groups


def plain_alternatives(pattern: re.Pattern) -> Optional[tuple[str, ...]]:
    """The words of a pattern that is an alternation of plain words, with no flag that changes what a literal
    matches (a text holds a match exactly when it holds one of them); None for any other pattern or when unsure."""
    if pattern.flags & ~re.UNICODE or not isinstance(pattern.pattern, str):
        return None
    try:
        items = list(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal parser change: no shortcut
        return None
    if len(items) != 1 or items[0][0] is not _c.BRANCH:
        return None
    words = []
    for alternative in items[0][1][1]:
        if not all(op is _c.LITERAL for op, _ in alternative):
            return None
        words.append("".join(chr(code) for _, code in alternative))
    return tuple(words) if all(words) else None


def width(pattern: str, flags: int = 0) -> Optional[tuple[int, Optional[int]]]:
    """(fewest, most) characters a match of the regex ``pattern`` spans, most None when unbounded; None when
    unsure."""
    try:
        low, high = _p.parse(pattern, flags).getwidth()
    except Exception:  # an internal parser change: unknown
        return None
    return low, (None if high >= _c.MAXREPEAT else high)
