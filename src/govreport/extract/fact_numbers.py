"""The figures of a prose sentence: every number+unit pair that counts something (extract/facts.py reads
what each counts).

A number is Arabic (1,234.5) or Chinese numerals (三十二), optionally 万/亿 and 余/多, then a unit of the one unit
table (catalog/fact_units.csv); ordinals, document numbers, dates, phone numbers and codes are left out
(catalog/fact_lexicon.csv: the blockers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from govreport.extract.fact_lexicon import lexicon
from govreport.text.numerals import chinese_to_number


@dataclass
class Token:
    """One figure of a sentence; extract/facts.py fills in what it counts and its place in a part list."""

    start: int          # index of the first character of the number
    end: int            # index after the unit
    value: float
    unit: str
    decimals: int = 0   # digits after the decimal point (for rate rounding)
    subject: str = ""
    total: bool = False  # announced with 共/累计/合计…
    role: str = "single"
    parent: Optional[int] = None
    parts: list = field(default_factory=list)


# A number starts only where its run of digits (or numerals) starts: a match that
# failed at the start of a run fails inside it too, so trying again at every inner
# position only made long runs of digits quadratic. Likewise a thousands-grouped
# number does not start right after "digit,".
_ARABIC = r"(?P<num>(?<!\d)(?<!\d,)\d{1,3}(?:,\d{3})+(?!\d)|(?<!\d)\d+)(?P<frac>\.\d+)?"
_CN_NUM = r"(?<![〇零一二两三四五六七八九十百千万])(?P<cn>[〇零一二两三四五六七八九十百千万]+)"


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern:
    units = sorted(lexicon().units, key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    return re.compile(
        rf"(?:{_ARABIC}|{_CN_NUM})\s*(?P<approx1>余|多)?\s*(?P<mult>万(?!元)|亿(?!元))?\s*(?P<approx2>余|多)?\s*(?P<unit>{alt})"
    )


@lru_cache(maxsize=None)
def _unit_blockers(unit: str) -> tuple[str, ...]:
    """The blocker words longer than ``unit`` that start with it (条例 for 条): the unit plus what follows it
    starting with any other blocker is impossible (one tuple per unit of the catalog, not a loop per number)."""
    return tuple(b for b in lexicon().unit_blockers if len(b) > len(unit) and b.startswith(unit))


def _excluded_context(text: str, m: re.Match) -> bool:
    """Numbers that are not counts: ordinals, document numbers, phone numbers, codes, URLs."""
    lex = lexicon()
    start = m.start()
    before = text[max(0, start - 3):start].rstrip()
    prev = before[-1:] if before else ""
    after = text[m.end("unit"):m.end("unit") + 3]
    unit = m["unit"]
    if (unit + after).startswith(_unit_blockers(unit)):
        return True
    if prev in ("第", "〕", "]", "-", "—", "/", ".", "@", "#", "No", "号") or (prev.isascii() and prev.isalpha()):
        return True
    if text[m.end("unit"):m.end("unit") + 1] in ("-", "—", "/") and unit != "%":
        return True
    if m["num"]:
        digits = m["num"].replace(",", "")
        if len(digits) > 1 and digits.startswith("0"):
            return True
        nxt = text[m.end("num"):m.end("num") + 1]
        if nxt in ("-", "/", "年", "月", "日") or (nxt.isascii() and nxt.isalpha()):
            return True
    else:
        cn = m["cn"]
        value = chinese_to_number(cn)
        if value is None or value < 2 or not lex.units[unit].chinese_numeral:
            return True
        for blocker in lex.cn_prefix_blockers:
            if text[:start].endswith(blocker):
                return True
        tail = text[m.end("unit"):m.end("unit") + 4]
        if any(tail.startswith(b) for b in lex.cn_suffix_blockers):
            return True
        if text[start - 1:start] and text[start - 1] in "〇零一二两三四五六七八九十百千万":
            return True
    return False


# where a token can start: the first character either branch of the number consumes (a digit or a numeral)
_NUMBER_START = re.compile(r"[\d〇零一二两三四五六七八九十百千万]")


def _token_matches(text: str):
    """The matches ``_token_pattern().finditer(text)`` gives, the pattern tried only where a number can start
    (a search for one character class skips the rest at C speed; trying the pattern, whose lookbehinds open it,
    at every position cost more than all the rest of the tokenizing). ``match(text, pos)`` sees the text before
    ``pos``, so the lookbehinds answer as in finditer."""
    pattern, starts = _token_pattern(), _NUMBER_START.search
    pos = 0
    while (c := starts(text, pos)) is not None:
        m = pattern.match(text, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            yield m
            pos = m.end()  # (a token is never empty)


@lru_cache(maxsize=1)
def _unit_after_number() -> re.Pattern:
    """What every token holds: a unit (catalog/fact_units.csv) right after the last character of its number
    (a digit or numeral), of the space before the unit, or of its 余/多/万/亿. No match: no token (most sentences)."""
    units = "|".join(re.escape(u) for u in sorted(lexicon().units, key=len, reverse=True))
    return re.compile(rf"[\d〇零一二两三四五六七八九十百千万亿余多\s](?:{units})")


def tokenize(text: str) -> list[Token]:
    if _unit_after_number().search(text) is None:
        return []  # (_token_matches would find no match either)
    out: list[Token] = []
    for m in _token_matches(text):
        if _excluded_context(text, m):
            continue
        if m["num"]:
            value = float(m["num"].replace(",", "") + (m["frac"] or ""))
            decimals = len(m["frac"]) - 1 if m["frac"] else 0
        else:
            value = float(chinese_to_number(m["cn"]))
            decimals = 0
        if m["mult"] == "万":
            value *= 10000
        elif m["mult"] == "亿":
            value *= 100000000
        unit = m["unit"]
        if unit == "%" and value > 1000:
            continue
        out.append(Token(start=m.start(), end=m.end(), value=value, unit=unit, decimals=decimals))
    # Tokens must not overlap (the regex cannot, but exclusions may have skipped one)
    return out
