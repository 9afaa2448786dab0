"""The one checked reader of the catalog CSVs.

Every file is read once, checked against its row of ``SPECS`` (columns present, key unique, required cells
filled, numbers and patterns that parse, closed vocabularies, references to other catalog files) and cached.
A malformed row stops the load with a one-line ``CatalogError`` naming the file and its line, the way
PUDL's loader fails on a malformed map: a typo in a CSV must not become a silently missing label.

``use_directory(path)`` reads another catalog folder instead of the packaged one (tests add a toy template
this way); the environment variable ``GOVREPORT_CATALOG`` does the same for a whole process.
"""
from __future__ import annotations

import contextlib
import csv
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from govreport.errors import CatalogError

FAMILIES = ("gb", "legacy")  # the table families the walker knows (extract/walker.py); a template belongs to one


@dataclass(frozen=True)
class Ref:
    """Each value in ``column`` (split on ``sep`` when one cell lists several) is a ``target`` of ``file``;
    ``allow`` lists the values that stand for no row (the wildcard '*')."""

    column: str
    file: str
    target: str
    sep: str = ""
    allow: frozenset = frozenset()


@dataclass(frozen=True)
class Spec:
    columns: tuple[str, ...]  # must be in the header
    key: tuple[str, ...] = ()  # unique together
    filled: tuple[str, ...] = ()  # never blank
    ints: tuple[str, ...] = ()  # whole numbers where not blank
    numbers: tuple[str, ...] = ()  # numbers where not blank
    patterns: tuple[str, ...] = ()  # regular expressions that compile
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # closed vocabularies ('' allowed only if listed)
    refs: tuple[Ref, ...] = ()


_YES = ("", "yes")
_YES_NO = ("yes", "no")
_WORDING = Spec(("key", "zh", "en"), key=("key",), filled=("key",))
_METRIC = Ref("metric", "labels.csv", "metric")
_TEMPLATES = Ref("templates", "templates.csv", "template", sep=" ")

SPECS: dict[str, Spec] = {
    "agency_aliases.csv": Spec(("written_name", "agency_id", "note")),
    "agency_id_how.csv": Spec(("code", "zh", "en"), key=("code",), filled=("code", "zh", "en")),
    "agency_names_en.csv": Spec(("name", "en"), key=("name",), filled=("name", "en")),
    "agency_rejects.csv": Spec(("pattern", "note"), filled=("pattern",), patterns=("pattern",)),
    "agency_sources.csv": Spec(("source", "pattern", "note"), filled=("source", "pattern"), patterns=("pattern",)),
    "agency_suffixes.csv": Spec(("suffix", "office", "en", "note"), key=("suffix",), filled=("suffix",),
                                choices=(("office", _YES),)),
    "bounds.csv": Spec(("scope", "min", "max", "unit", "integer", "why"), key=("scope",), filled=("scope", "max"),
                       numbers=("min", "max"), choices=(("integer", ("", "yes", "no")),),
                       refs=(Ref("unit", "units.csv", "unit"),)),
    "cell_grammar.csv": Spec(("part", "token", "factor", "note"), key=("part", "token"), filled=("part", "token"),
                             numbers=("factor",)),
    "cell_qualifiers.csv": Spec(("token", "position", "kind", "note"), key=("token", "position"), filled=("token",),
                                choices=(("position", ("prefix", "suffix")),
                                         ("kind", ("approximate", "qualifier", "sign_plus", "sign_minus", "footnote")))),
    "crosswalk.csv": Spec(("series", "template", "expression", "comparability", "caveat", "caveat_zh"),
                          key=("series", "template"), filled=("series", "template"),
                          choices=(("comparability", ("exact", "approximate", "none")),),
                          refs=(Ref("template", "templates.csv", "template"),
                                Ref("expression", "labels.csv", "metric", sep="+"),
                                Ref("series", "narrative_series.csv", "series"))),
    "date_sources.csv": Spec(("use", "value", "note"), key=("use", "value"), filled=("use", "value")),
    "deadlines.csv": Spec(("level", "first_year", "last_year", "month", "day", "basis", "basis_en"),
                          key=("level", "first_year"), filled=("level", "first_year", "month", "day"),
                          ints=("first_year", "last_year", "month", "day"),
                          choices=(("level", ("government", "department")),)),
    "fact_lexicon.csv": Spec(("kind", "word", "note"), key=("kind", "word"), filled=("kind", "word")),
    "fact_rates.csv": Spec(("rate", "numerator", "note"), key=("rate",), filled=("rate", "numerator")),
    "fact_subjects.csv": Spec(("pattern", "metric", "note"), key=("pattern",), filled=("pattern", "metric"),
                              patterns=("pattern",), refs=(_METRIC,)),
    "fact_units.csv": Spec(("unit", "dimension", "factor", "classifier", "chinese_numeral", "note"), key=("unit",),
                           filled=("unit", "dimension", "factor"), numbers=("factor",),
                           choices=(("classifier", _YES_NO), ("chinese_numeral", _YES_NO))),
    "failure_reasons.csv": Spec(("code", "pattern", "zh", "en"), key=("code",), filled=("code", "pattern", "zh", "en"),
                                patterns=("pattern",)),
    "group_headings.csv": Spec(("metric", "why"), key=("metric",), filled=("metric",), refs=(_METRIC,)),
    "header_words.csv": Spec(("word", "note"), key=("word",), filled=("word",)),
    "labels.csv": Spec(("metric", "section", "column", "legacy_section", "unit", "name_zh", "name_en"),
                       key=("metric",), filled=("metric", "unit", "name_zh", "name_en"),
                       refs=(Ref("unit", "units.csv", "unit"),)),
    "layouts.csv": Spec(("layout", "section", "header_pattern", "columns"), key=("layout",),
                        filled=("layout", "section", "columns"), patterns=("header_pattern",),
                        refs=(Ref("section", "sections.csv", "section"),)),
    "list_styles.csv": Spec(("style", "pattern", "description"), key=("style",), filled=("style", "pattern"),
                            patterns=("pattern",)),
    "matching.csv": Spec(("setting", "value", "note"), key=("setting",), filled=("setting", "value"),
                         numbers=("value",)),
    "methods_codes.csv": Spec(("code", "zh", "en"), key=("code",), filled=("code",)),
    "methods_groups.csv": Spec(("group", "order", "kind", "prefix", "note"), key=("group",), filled=("group", "order"),
                               ints=("order",)),
    "narrative_evidence.csv": _WORDING,
    "narrative_groups.csv": Spec(("group", "order", "zh", "en"), key=("group",), filled=("group", "order"),
                                 ints=("order",)),
    "narrative_headline.csv": Spec(("order", "series", "share", "note"), key=("order",), filled=("order", "series"),
                                   ints=("order",), choices=(("share", _YES_NO),),
                                   refs=(Ref("series", "narrative_series.csv", "series"),)),
    "narrative_limits.csv": Spec(("key", "value", "note"), key=("key",), filled=("key", "value"), numbers=("value",)),
    "narrative_methods.csv": _WORDING,
    "narrative_pages.csv": _WORDING,
    "narrative_rules.csv": Spec(("pattern", "term", "evidence", "note"), key=("pattern",), filled=("pattern", "term"),
                                patterns=("pattern",)),
    "narrative_sections.csv": Spec(("section", "metric_prefix"), key=("section", "metric_prefix"),
                                   filled=("section", "metric_prefix")),
    "narrative_series.csv": Spec(("series", "group", "order", "zh", "en"), key=("series",),
                                 filled=("series", "group", "order"), ints=("order",),
                                 refs=(Ref("group", "narrative_groups.csv", "group"),)),
    "narrative_terms.csv": _WORDING,
    "optional_cells.csv": Spec(("metric", "templates", "why"), key=("metric",), filled=("metric", "templates"),
                               refs=(_METRIC, _TEMPLATES)),
    "publish_terms.csv": _WORDING,
    "published_tables.csv": Spec(("table", "zh", "en"), key=("table",), filled=("table",)),
    "radicals.csv": Spec(("codepoint", "char", "ideograph", "ideograph_codepoint"), key=("char",),
                         filled=("char", "ideograph")),
    "reasons.csv": Spec(("code", "table", "kind", "description"), key=("code",), filled=("code", "table", "kind"),
                        choices=(("table", ("unmapped", "findings")),
                                 ("kind", ("parse", "arithmetic", "prose_vs_table")))),
    "regions.csv": Spec(("adcode", "name", "level", "parent"), key=("adcode",), filled=("adcode", "name")),
    "report_levels.csv": Spec(("test", "pattern", "level", "rename", "note"), filled=("test", "level"),
                              patterns=("pattern",), choices=(("test", ("region", "name")),
                                                              ("level", ("government", "department")))),
    "rules.csv": Spec(("rule", "templates", "side", "metric", "applicant", "weight", "year_offset", "derive"),
                      filled=("rule", "templates", "side", "metric", "applicant", "weight", "year_offset"),
                      numbers=("weight",), ints=("year_offset",),
                      choices=(("side", ("left", "right")), ("derive", _YES)),
                      refs=(Ref("metric", "labels.csv", "metric", allow=frozenset({"*"})), _TEMPLATES)),
    "sections.csv": Spec(("family", "section", "role", "pattern"), filled=("family", "role", "pattern"),
                         patterns=("pattern",), choices=(("family", FAMILIES), ("role", ("start", "end", "group")))),
    "table_columns.csv": Spec(("table", "role", "pattern"), key=("table", "pattern"), filled=("table", "role", "pattern"),
                              patterns=("pattern",)),
    "template_markers.csv": Spec(("template", "pattern", "weight"), key=("template", "pattern"),
                                 filled=("template", "pattern", "weight"), patterns=("pattern",), numbers=("weight",),
                                 refs=(Ref("template", "templates.csv", "template"),)),
    "templates.csv": Spec(("template", "family", "first_year", "last_year", "sections", "note"), key=("template",),
                          filled=("template", "family", "sections"), ints=("first_year", "last_year"),
                          choices=(("family", FAMILIES),),
                          refs=(Ref("sections", "sections.csv", "section", sep=" "),)),
    "title_forms.csv": Spec(("form", "pattern", "note"), key=("form",), filled=("form", "pattern"), patterns=("pattern",)),
    "units.csv": Spec(("unit", "family", "factor", "label_unit", "note"), key=("unit",), filled=("unit", "family", "factor"),
                      numbers=("factor",), choices=(("label_unit", _YES_NO),)),
    "url_libraries.csv": Spec(("protocol", "install", "note"), key=("protocol",), filled=("protocol", "install")),
    "url_secrets.csv": Spec(("parameter", "note"), key=("parameter",), filled=("parameter",)),
    "value_tokens.csv": Spec(("form", "pattern", "ends", "note"), key=("form",), filled=("form", "pattern"),
                             patterns=("pattern",)),
    "verdict_accuracy.csv": Spec(("format", "verdict", "right", "wrong", "unknown", "total", "measured_on"),
                                 key=("format", "verdict"), filled=("format", "verdict"),
                                 ints=("right", "wrong", "unknown", "total")),
}

_override: Optional[Path] = None


def directory() -> Optional[Path]:
    """The catalog folder read instead of the packaged one (use_directory, else GOVREPORT_CATALOG), or None."""
    if _override is not None:
        return _override
    env = os.environ.get("GOVREPORT_CATALOG")
    return Path(env) if env else None


def display_name(name: str) -> str:
    """How a catalog file is named in a message: catalog/labels.csv, or its full path under an override."""
    folder = directory()
    return str(folder / name) if folder is not None else f"catalog/{name}"


def file_names() -> list[str]:
    """Every CSV of the catalog being read."""
    folder = directory()
    if folder is not None:
        return sorted(p.name for p in folder.glob("*.csv"))
    return sorted(p.name for p in _packaged().iterdir() if p.name.endswith(".csv"))


def _packaged():
    """The packaged catalog folder: this module's own folder when the package is on disk (importing
    importlib.resources costs a one-report parse ~50 ms), else what importlib.resources finds."""
    here = Path(__file__).parent
    if (here / "labels.csv").is_file():
        return here
    from importlib import resources
    return resources.files(__package__)


def _text(name: str) -> str:
    """The file's text; FileNotFoundError when the catalog has no such file (an optional file may be absent)."""
    folder = directory()
    try:
        if folder is not None:
            return (folder / name).read_text(encoding="utf-8")
        return _packaged().joinpath(name).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CatalogError(display_name(name), None, f"not UTF-8 ({e.reason})") from None


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a catalog CSV (UTF-8) as dicts of stripped strings, checked against SPECS on first read.
    Raises CatalogError naming the file and line of the first bad row."""
    return [dict(r) for r in _rows(name)]


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[dict[str, str], ...]:
    reader = csv.reader(_text(name).splitlines())
    header = next(reader, None)  # what csv.DictReader takes as its field names
    spec = SPECS.get(name)
    missing = [c for c in (spec.columns if spec else ()) if c not in (header or ())]
    if missing:
        raise CatalogError(display_name(name), 1, f"missing column(s) {', '.join(missing)}")
    width = len(header or ())
    rows: list[dict] = []
    for line, row in enumerate(filter(None, reader), start=2):  # DictReader skips empty rows and counts no line
        if len(row) != width:
            _check(name, spec, rows)  # a bad row above this one is named first
            raise CatalogError(display_name(name), line, "wrong number of fields (quote fields that contain commas)")
        rows.append(dict(zip(header, map(str.strip, row))))
    _check(name, spec, rows)
    return tuple(rows)


def _check(name: str, spec: Optional[Spec], rows: list[dict]) -> None:
    """Each row against the spec; CatalogError naming the first bad one (its line: rows start on line 2)."""
    if spec is not None and not _all_good(spec, rows):
        seen: dict = {}
        for line, row in enumerate(rows, start=2):
            _check_row(name, spec, line, row, seen)


def _all_good(spec: Spec, rows: list[dict]) -> bool:
    """True when every row passes ``_check_row`` (column by column: the catalogs load at every start, issue 16);
    False when one may not, and the row-by-row check then says which."""
    try:
        if not all(row[col] for col in spec.filled for row in rows):
            return False
        if not all(_WHOLE.fullmatch(row[col]) for col in spec.ints for row in rows if row[col]):
            return False
        for col in spec.numbers:
            for row in rows:
                float(row[col] or 0)
        for col in spec.patterns:
            for row in rows:
                re.compile(row[col])
        if not all(row[col] in allowed for col, allowed in spec.choices for row in rows):
            return False
        if spec.key and len({tuple(row[c] for c in spec.key) for row in rows}) != len(rows):
            return False
        return all(value in ref.allow or value in _targets(ref.file, ref.target)
                   for ref in spec.refs for row in rows for value in _listed(row[ref.column], ref.sep))
    except (ValueError, re.error):
        return False


_WHOLE = re.compile(r"-?\d+")


def _check_row(name: str, spec: Spec, line: int, row: dict, seen: dict) -> None:
    def fail(problem: str):
        raise CatalogError(display_name(name), line, problem)

    for col in spec.filled:
        if not row[col]:
            fail(f"{col} is blank")
    for col in spec.ints:
        if row[col] and not re.fullmatch(r"-?\d+", row[col]):
            fail(f"{col} {row[col]!r} is not a whole number")
    for col in spec.numbers:
        try:
            float(row[col] or 0)
        except ValueError:
            fail(f"{col} {row[col]!r} is not a number")
    for col in spec.patterns:
        try:
            re.compile(row[col])
        except re.error as e:
            fail(f"{col} {row[col]!r} is not a regular expression ({e})")
    for col, allowed in spec.choices:
        if row[col] not in allowed:
            fail(f"{col} {row[col]!r} is not one of {', '.join(repr(a) for a in allowed)}")
    if spec.key:
        key = tuple(row[c] for c in spec.key)
        if key in seen:
            fail(f"duplicate {'/'.join(spec.key)} {'/'.join(key)!r} (first on line {seen[key]})")
        seen[key] = line
    for ref in spec.refs:
        for value in _listed(row[ref.column], ref.sep):
            if value not in ref.allow and value not in _targets(ref.file, ref.target):
                fail(f"{ref.column} {value!r} is no {ref.target} of {ref.file}")


def _listed(cell: str, sep: str) -> list[str]:
    parts = cell.split() if sep == " " else cell.split(sep) if sep else [cell]
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=None)
def _targets(name: str, column: str) -> frozenset:
    return frozenset(r[column] for r in _rows(name))


@contextlib.contextmanager
def use_directory(path) -> Iterator[Path]:
    """Read the catalog from ``path`` inside the block (a copy with a toy template, a corrupted copy).
    Every cached catalog reading in the package is cleared on entry and exit."""
    global _override
    before, _override = _override, Path(path)
    clear_caches()
    try:
        yield _override
    finally:
        _override = before
        clear_caches()


def clear_caches() -> None:
    """Forget every cached catalog reading: this loader's and each package module's lru_cache'd function
    (they build regexes and tables from the catalog once)."""
    for mod_name, module in list(sys.modules.items()):
        if mod_name != "govreport" and not mod_name.startswith("govreport."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", mod_name) == mod_name:
                clear()
