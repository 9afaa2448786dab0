"""Domain knowledge as data: label catalog, sections, layouts, rules, crosswalk.

Every CSV here is read by exactly one loader below; code never hard-codes a
label. Adding a label variant or a template is an edit to these files.
"""
from __future__ import annotations

import csv
import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TEMPLATES = ("legacy", "gb2019", "gb2021")
APPLICANTS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a catalog CSV (UTF-8), as dicts of stripped strings."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    rows = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        if None in row or None in row.values():
            raise ValueError(f"catalog/{name} line {n}: wrong number of fields (quote fields that contain commas)")
        rows.append({k: v.strip() for k, v in row.items()})
    return rows


@dataclass(frozen=True)
class LabelEntry:
    """One metric as one template prints it: where it sits and how its label reads."""

    metric: str
    family: str  # 'gb' (gb2019/gb2021 share sections) or 'legacy'
    section: str  # gb: requests/appeals/art20; legacy: proactive/response/...
    column: str  # '*' = one value per applicant column; else the layout column key
    pattern: str  # regex over label_key(); '*' = any label (unlabeled data row)
    template: str
    unit: str

    @property
    def regex(self) -> re.Pattern:
        return _compile(self.pattern)


@lru_cache(maxsize=None)
def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@dataclass(frozen=True)
class Metric:
    metric: str
    section: str
    legacy_section: str
    unit: str
    name_zh: str
    name_en: str
    labels: dict  # template -> pattern ('' where the template lacks it)


@lru_cache(maxsize=None)
def metrics() -> dict[str, Metric]:
    out = {}
    for r in read_csv("labels.csv"):
        out[r["metric"]] = Metric(r["metric"], r["section"], r["legacy_section"], r["unit"], r["name_zh"], r["name_en"],
                                  {t: r[t] for t in TEMPLATES})
    return out


@lru_cache(maxsize=None)
def label_entries() -> tuple[LabelEntry, ...]:
    """Every (metric, template) label pattern, gb templates first then legacy."""
    out = []
    for r in read_csv("labels.csv"):
        for template in ("gb2019", "gb2021"):
            if r[template]:
                out.append(LabelEntry(r["metric"], "gb", r["section"], r["column"], r[template], template, r["unit"]))
        if r["legacy"]:
            out.append(LabelEntry(r["metric"], "legacy", r["legacy_section"], "value", r["legacy"], "legacy", r["unit"]))
    return tuple(out)


@dataclass(frozen=True)
class Section:
    family: str
    section: str
    role: str  # start / end / group
    pattern: str


@lru_cache(maxsize=None)
def sections() -> tuple[Section, ...]:
    return tuple(Section(r["family"], r["section"], r["role"], r["pattern"]) for r in read_csv("sections.csv"))


@dataclass(frozen=True)
class Layout:
    layout: str
    section: str
    header_pattern: str
    columns: tuple[str, ...]


@lru_cache(maxsize=None)
def layouts() -> tuple[Layout, ...]:
    return tuple(Layout(r["layout"], r["section"], r["header_pattern"], tuple(r["columns"].split("|")))
                 for r in read_csv("layouts.csv"))


@lru_cache(maxsize=None)
def template_markers() -> tuple[tuple[str, re.Pattern, float], ...]:
    return tuple((r["template"], re.compile(r["pattern"]), float(r["weight"])) for r in read_csv("templates.csv"))


@lru_cache(maxsize=None)
def _unit_table() -> dict[str, tuple[str, float]]:
    return {r["unit"]: (r["family"], float(r["factor"])) for r in read_csv("units.csv")}


def unit_factor(from_unit: str, to_unit: str):
    """Factor turning a value in ``from_unit`` into ``to_unit``; None across families (count vs money)."""
    table = _unit_table()
    if from_unit not in table or to_unit not in table or table[from_unit][0] != table[to_unit][0]:
        return None
    return table[from_unit][1] / table[to_unit][1]


@dataclass(frozen=True)
class Bound:
    """The values a metric can hold (catalog/bounds.csv): ``low`` to ``high`` in ``unit``; whole numbers only
    when ``integer``. ``scope`` is family:<unit family> (the default of a family) or metric:<metric glob>."""

    scope: str
    low: float
    high: float
    unit: str
    integer: bool


@dataclass(frozen=True)
class Bounds:
    rules: tuple[Bound, ...]
    digit_run: int  # the longest run of unseparated digits a figure may be printed with


@lru_cache(maxsize=None)
def value_bounds() -> Bounds:
    """catalog/bounds.csv, checked loudly: each scope names a unit family or a metric glob that matches a metric,
    its unit is of that family (so a bound converts to the metric's unit), min <= max; one digit_run row."""
    rules, runs, units = [], [], _unit_table()
    for n, r in enumerate(read_csv("bounds.csv"), start=2):
        if r["scope"] == "digit_run":
            runs.append(int(r["max"]))
            continue
        kind, _, name = r["scope"].partition(":")
        families = ({name} if kind == "family" else
                    {units.get(m.unit, ("?",))[0] for m in metrics().values() if fnmatch.fnmatchcase(m.metric, name)}
                    if kind == "metric" else set())
        low, high = float(r["min"]), float(r["max"])
        if len(families) != 1 or units.get(r["unit"], ("",))[0] not in families or low > high \
                or r["integer"] not in ("yes", "no"):
            raise ValueError(f"catalog/bounds.csv line {n}: bad bound {r['scope']!r} (scope, unit {r['unit']!r}, "
                             "min/max or integer)")
        rules.append(Bound(r["scope"], low, high, r["unit"], r["integer"] == "yes"))
    if len(runs) != 1 or runs[0] < 1:
        raise ValueError("catalog/bounds.csv: needs exactly one digit_run row with a positive max")
    return Bounds(tuple(rules), runs[0])


@lru_cache(maxsize=None)
def finding_kinds() -> dict[str, str]:
    """Finding rule -> its kind: 'arithmetic' (the report's own sums: rules.csv, fact.rate …), 'prose_vs_table'
    or 'parse' (the parser's confidence, never the agency's error), from rules.csv and reasons.csv."""
    kinds = {r["rule"]: "arithmetic" for r in read_csv("rules.csv")}
    kinds.update({r["code"]: r["kind"] for r in read_csv("reasons.csv") if r["table"] == "findings"})
    return kinds


def is_arithmetic_failure(rule: str, state: str) -> bool:
    """A failed check of the report's own arithmetic (what n_failed_rules counts)."""
    return state == "fail" and finding_kinds().get(str(rule).split(":", 1)[0]) == "arithmetic"


@lru_cache(maxsize=None)
def header_words() -> frozenset:
    """Words that only ever stand in a table's header row (label_key form)."""
    return frozenset(r["word"] for r in read_csv("header_words.csv"))


@lru_cache(maxsize=None)
def matching_settings() -> dict[str, float]:
    return {r["setting"]: float(r["value"]) for r in read_csv("matching.csv")}


@lru_cache(maxsize=None)
def agency_aliases() -> dict[str, str]:
    return {r["written_name"]: r["agency_id"] for r in read_csv("agency_aliases.csv") if r["written_name"]}


@dataclass(frozen=True)
class CellQualifier:
    """A word printed beside a number in a cell (约550, 21*, 增3): kept as a note, never a label."""

    token: str
    position: str  # prefix / suffix
    kind: str  # approximate / qualifier / sign_plus / sign_minus / footnote
    note: str


@lru_cache(maxsize=None)
def cell_qualifiers() -> tuple[CellQualifier, ...]:
    rows = [CellQualifier(r["token"], r["position"], r["kind"], r["note"]) for r in read_csv("cell_qualifiers.csv")]
    return tuple(sorted(rows, key=lambda q: -len(q.token)))  # longest first: 减少 before 减


@dataclass(frozen=True)
class CellPart:
    """One part a value cell may have besides its digits (cell_grammar.csv): a separator, a bracket pair, a
    clause word, a multiplier, a unit or a placeholder. normalize.parse_cell builds its grammar from these."""

    part: str  # separator / bracket / clause / multiplier / unit / placeholder
    token: str
    factor: float = 1.0  # multipliers only


_CELL_PARTS = ("separator", "bracket", "clause", "multiplier", "unit", "placeholder")


@lru_cache(maxsize=None)
def cell_grammar() -> tuple[CellPart, ...]:
    """The parts of catalog/cell_grammar.csv, longest token first (万元 before 元); fails loudly on a part or a
    unit the rest of the catalog does not know."""
    parts = []
    for n, r in enumerate(read_csv("cell_grammar.csv"), start=2):
        if r["part"] not in _CELL_PARTS or (r["part"] == "unit" and r["token"] not in _unit_table()) \
                or (r["part"] == "bracket" and len(r["token"]) != 2) or (r["part"] == "multiplier") != bool(r["factor"]):
            raise ValueError(f"catalog/cell_grammar.csv line {n}: bad part {r['part']!r} / token {r['token']!r}")
        parts.append(CellPart(r["part"], r["token"], float(r["factor"] or 1)))
    return tuple(sorted(parts, key=lambda p: -len(p.token)))


@lru_cache(maxsize=None)
def radicals() -> dict[int, str]:
    """CJK radical code point -> the unified ideograph it stands for (⺠ -> 民), for str.translate."""
    return {ord(r["char"]): r["ideograph"] for r in read_csv("radicals.csv")}


UNIT_TOKENS = frozenset({"件", "条", "次", "篇", "个", "人", "人次", "件次", "万元", "元", "项", "场", "期", "份", "家", "亿元", "千元"})
assert UNIT_TOKENS <= set(_unit_table()), "every unit word the rows may carry needs a row in units.csv"
