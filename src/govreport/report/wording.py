"""Every published word, from the catalog wording files (zh and en), and how numbers are written.

``narrative_terms.csv`` holds the sentences (``{placeholders}`` filled here),
``narrative_evidence.csv`` the sentences a finding is told in, ``narrative_series.csv``
and ``narrative_groups.csv`` the series vocabulary. Numbers get thousands
separators and never scientific notation.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

import pandas as pd

from govreport import catalog

LANGS = ("zh", "en")
TERM_FILES = ("narrative_terms.csv", "narrative_evidence.csv", "narrative_pages.csv", "narrative_methods.csv")


@lru_cache(maxsize=None)
def _terms() -> dict[str, dict[str, str]]:
    terms: dict[str, dict[str, str]] = {}
    for name in TERM_FILES:
        for row in catalog.read_csv(name):
            if row["key"] in terms:
                raise ValueError(f"catalog/{name}: term {row['key']!r} defined twice")
            terms[row["key"]] = row
    return terms


def has_term(key: str) -> bool:
    return key in _terms()


def term_keys() -> list[str]:
    """Every wording key, in catalog order (numbered lists such as limits.1, limits.2 are read by prefix)."""
    return list(_terms())


def term(key: str, lang: str = "zh", **values: Any) -> str:
    """The wording for ``key`` in ``lang``, with ``{placeholders}`` filled."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    try:
        text = _terms()[key][lang]
    except KeyError:
        raise KeyError(f"narrative_terms.csv: no term {key!r}") from None
    return text.format(**values) if values else text


def sep(lang: str, kind: str = "list") -> str:
    """List separators: 、 and ； in Chinese, commas and semicolons in English."""
    return {("zh", "list"): "、", ("zh", "clause"): "；", ("zh", "comma"): "，",
            ("en", "list"): ", ", ("en", "clause"): "; ", ("en", "comma"): ", "}[(lang, kind)]


@lru_cache(maxsize=None)
def series_catalog() -> tuple[dict[str, str], ...]:
    """Series vocabulary rows: series, group, order, zh, en."""
    return tuple(catalog.read_csv("narrative_series.csv"))


@lru_cache(maxsize=None)
def group_catalog() -> tuple[dict[str, str], ...]:
    return tuple(sorted(catalog.read_csv("narrative_groups.csv"), key=lambda r: int(r["order"])))


@lru_cache(maxsize=None)
def section_prefixes() -> tuple[tuple[str, str], ...]:
    return tuple((r["section"], r["metric_prefix"]) for r in catalog.read_csv("narrative_sections.csv"))


@lru_cache(maxsize=None)
def limits() -> dict[str, float]:
    return {row["key"]: float(row["value"]) for row in catalog.read_csv("narrative_limits.csv")}


def series_name(series: str, lang: str = "zh") -> str:
    for row in series_catalog():
        if row["series"] == series:
            return row[lang]
    return series


def metric_name(metric: str, lang: str) -> str:
    """A metric's standard name in ``lang`` from the label catalog (the code itself when it has none)."""
    meta = catalog.metrics().get(metric)
    return (meta.name_zh if lang == "zh" else meta.name_en) if meta else metric


def heading(text: str, lang: str) -> str:
    """A name used as a row or column heading: capitalised in English, unchanged in Chinese."""
    return text[:1].upper() + text[1:] if lang == "en" and text else text


def template_name(template: Any, lang: str = "zh", short: bool = False) -> str:
    key = f"template.short.{template}" if short else f"template.{template}"
    return term(key, lang) if has_term(key) else str(template)


def enum(kind: str, value: Any, lang: str) -> str:
    """An enumeration value (state, role, level, applicant…) in words."""
    if is_missing(value):
        return term("blank", lang)
    key = f"{kind}.{value}"
    return term(key, lang) if has_term(key) else str(value)


def applicant_name(applicant: Any, lang: str = "zh") -> str:
    return enum("applicant", applicant, lang)


def unit_text(unit: Any, lang: str) -> str:
    unit = "" if is_missing(unit) else str(unit)
    key = f"unit.{unit}"
    return term(key, lang) if has_term(key) else unit


def headers(columns: list[str], lang: str) -> list[str]:
    """Column names in the page language where the vocabulary has them."""
    return [term(f"col.{c}", lang) if has_term(f"col.{c}") else c for c in columns]


@lru_cache(maxsize=None)
def _rule_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(r["pattern"]), r["term"]) for r in catalog.read_csv("narrative_rules.csv"))


def rule_name(rule: Any, names: Optional[dict[str, str]] = None, lang: str = "zh") -> str:
    """A check's id in words (catalog/narrative_rules.csv): 'review.total' -> 行政复议总计＝各分项之和."""
    if is_missing(rule):
        return term("blank", lang)
    names = names or {}
    for pattern, key in _rule_patterns():
        match = pattern.fullmatch(str(rule))
        if match:
            metric = match.groupdict().get("metric")
            return term(key, lang, name=names.get(metric, metric) if metric else "")
    return str(rule)


# --------------------------------------------------------------------------
# numbers and plain values

def is_missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, lang: str = "zh") -> str:
    """A number as printed: thousands separators, at most four decimals, never 1e6; NA as 'blank'."""
    if is_missing(value):
        return term("blank", lang)
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def fmt_percent(share: float) -> str:
    """A share 0–1 as '44.7%'."""
    return f"{100.0 * float(share):.1f}%"


def quantity(value: Any, unit: Any, lang: str = "zh") -> str:
    """'4,491 件', '99.64%' (a percent sign sits on the number)."""
    text = unit_text(unit, lang)
    number = fmt_number(value, lang)
    return f"{number}{text}" if text == "%" else f"{number} {text}".rstrip()


def plain(value: Any, lang: str) -> str:
    """A stored value as display text (dates as dates, numbers as numbers, NA as 'blank')."""
    if is_missing(value):
        return term("blank", lang)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, float):
        return fmt_number(value, lang)
    return str(value)


def file_name(value: Any, lang: str) -> str:
    """Only the file name: the page must not depend on where the project lives."""
    return term("blank", lang) if is_missing(value) else str(value).replace("\\", "/").rsplit("/", 1)[-1]


def paren(text: str, lang: str) -> str:
    """A parenthetical in the page's typography: （…） in Chinese, ' (…)' in English."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


@lru_cache(maxsize=None)
def published_tables() -> dict[str, dict[str, str]]:
    """catalog/published_tables.csv: what each published table holds (zh, en), in publishing order."""
    return {r["table"]: r for r in catalog.read_csv("published_tables.csv")}


def table_description(table: str, lang: str = "zh") -> str:
    """One line saying what a published table holds (catalog/published_tables.csv)."""
    try:
        return published_tables()[table][lang]
    except KeyError:
        raise KeyError(f"catalog/published_tables.csv: no description of table {table!r}") from None
