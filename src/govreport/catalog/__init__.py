"""Domain knowledge as data: label catalog, templates, sections, layouts, rules, crosswalk.

Every CSV here is read by the one checked loader (catalog/loader.py: a malformed row is a CatalogError naming
the file and line); code never hard-codes a label or a template. Adding a label variant or a template is an
edit to these files. To add a template (tests/unit/catalog/test_toy_template.py does it):
  templates.csv         a row: name, family (whose walking rules read it), first/last report year, sections;
  template_markers.csv  the label words that tell it apart;
  labels.csv            a column named after it: each metric's label pattern ('' where it does not print it);
  sections.csv, layouts.csv   rows for any section or column layout it prints that its family lacks;
  rules.csv, optional_cells.csv, crosswalk.csv   its name in `templates` / `template` where they apply to it.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

# the loader's public names, used as catalog.read_csv, catalog.use_directory, ...
from govreport.catalog.loader import FAMILIES, clear_caches, display_name, file_names, read_csv, use_directory  # noqa: F401
from govreport.errors import CatalogError

APPLICANTS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")

# family -> (labels.csv column holding a metric's section in that family's tables, column holding its layout
# column; '' = the family's tables have one value column). The walker's rules differ by family, not template.
FAMILY_LABEL_COLUMNS = {"gb": ("section", "column"), "legacy": ("legacy_section", "")}


# ----------------------------------------------------------------------------- templates
@dataclass(frozen=True)
class Template:
    """One printed form of the statistics tables (templates.csv): the family whose walking rules read it,
    the report years it was prescribed for (None: open-ended) and the table sections it prints."""

    template: str
    family: str
    first_year: Optional[int]
    last_year: Optional[int]
    sections: frozenset

    def covers(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (self.last_year is None or year <= self.last_year)


@lru_cache(maxsize=None)
def _templates() -> dict[str, Template]:
    return {r["template"]: Template(r["template"], r["family"], int(r["first_year"]) if r["first_year"] else None,
                                    int(r["last_year"]) if r["last_year"] else None, frozenset(r["sections"].split()))
            for r in read_csv("templates.csv")}


def templates() -> tuple[str, ...]:
    """Every template name, oldest first (the order ties are broken in: the later template wins)."""
    return tuple(_templates())


def template(name: str) -> Template:
    """The catalog row of one template; KeyError for a name templates.csv does not know."""
    try:
        return _templates()[name]
    except KeyError:
        raise KeyError(f"{display_name('templates.csv')}: no template {name!r}") from None


def template_family(name: str) -> str:
    return template(name).family


def template_sections(name: str) -> frozenset:
    """The table sections a report in this template prints (a missing one is an extract.sections finding)."""
    return template(name).sections


def templates_for_year(year: int) -> tuple[str, ...]:
    """The templates prescribed for reports of ``year``, oldest first."""
    return tuple(t for t, spec in _templates().items() if spec.covers(year))


@lru_cache(maxsize=None)
def template_markers() -> tuple[tuple[str, re.Pattern, float], ...]:
    """(template, pattern, weight): label words that tell a template apart (identify scores them)."""
    return tuple((r["template"], re.compile(r["pattern"]), float(r["weight"])) for r in read_csv("template_markers.csv"))


# ----------------------------------------------------------------------------- labels
@dataclass(frozen=True)
class LabelEntry:
    """One metric as one template prints it: where it sits and how its label reads."""

    metric: str
    family: str  # FAMILIES: the templates of one family share sections and walking rules
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
    sections: dict  # family -> the section the metric sits in in that family's tables ('' where it lacks it)


@lru_cache(maxsize=None)
def _label_rows() -> tuple[dict, ...]:
    """labels.csv, with a label column for every template of templates.csv (checked: CatalogError if one lacks it)."""
    rows = read_csv("labels.csv")
    missing = [t for t in templates() if rows and t not in rows[0]]
    if missing:
        raise CatalogError(display_name("labels.csv"), 1, f"no label column for template(s) {', '.join(missing)} "
                                                          "(templates.csv)")
    return tuple(rows)


@lru_cache(maxsize=None)
def metrics() -> dict[str, Metric]:
    out = {}
    for r in _label_rows():
        out[r["metric"]] = Metric(r["metric"], r["section"], r["legacy_section"], r["unit"], r["name_zh"], r["name_en"],
                                  {t: r[t] for t in templates()},
                                  {f: r[col] for f, (col, _) in FAMILY_LABEL_COLUMNS.items()})
    return out


def metric_section(metric: str, template_name: str) -> str:
    """The section ``metric`` sits in in ``template_name``'s tables ('' for a metric the catalog lacks)."""
    m = metrics().get(metric)
    return "" if m is None else m.sections[template_family(template_name)]


@lru_cache(maxsize=None)
def label_entries() -> tuple[LabelEntry, ...]:
    """Every (metric, template) label pattern; per metric, by family (FAMILIES order), then template order."""
    out = []
    order = [(f, t) for f in FAMILIES for t in templates() if template_family(t) == f]
    for r in _label_rows():
        for family, name in order:
            if r[name]:
                section_col, column_col = FAMILY_LABEL_COLUMNS[family]
                out.append(LabelEntry(r["metric"], family, r[section_col], r[column_col] if column_col else "value",
                                      r[name], name, r["unit"]))
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
def _unit_table() -> dict[str, tuple[str, float]]:
    return {r["unit"]: (r["family"], float(r["factor"])) for r in read_csv("units.csv")}


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
            raise CatalogError(display_name("bounds.csv"), n, f"bad bound {r['scope']!r} (scope, unit {r['unit']!r}, "
                                                              "min/max or integer)")
        rules.append(Bound(r["scope"], low, high, r["unit"], r["integer"] == "yes"))
    if len(runs) != 1 or runs[0] < 1:
        raise CatalogError(display_name("bounds.csv"), None, "needs exactly one digit_run row with a positive max")
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
            raise CatalogError(display_name("cell_grammar.csv"), n, f"bad part {r['part']!r} / token {r['token']!r}")
        parts.append(CellPart(r["part"], r["token"], float(r["factor"] or 1)))
    return tuple(sorted(parts, key=lambda p: -len(p.token)))


@lru_cache(maxsize=None)
def radicals() -> dict[int, str]:
    """CJK radical code point -> the unified ideograph it stands for (⺠ -> 民), for str.translate."""
    return {ord(r["char"]): r["ideograph"] for r in read_csv("radicals.csv")}


# ----------------------------------------------------------------------------- crosswalk
@dataclass(frozen=True)
class SeriesSpec:
    """One harmonized series in one template (crosswalk.csv): the metrics summed into it, how comparable
    it is across templates (exact / approximate / none) and the caveat said beside it."""

    series: str
    template: str
    terms: tuple[str, ...]
    comparability: str
    caveat: str
    caveat_zh: str


@lru_cache(maxsize=None)
def crosswalk() -> tuple[SeriesSpec, ...]:
    return tuple(SeriesSpec(r["series"], r["template"], tuple(t.strip() for t in r["expression"].split("+") if t.strip()),
                            r["comparability"], r["caveat"], r["caveat_zh"]) for r in read_csv("crosswalk.csv"))


# ----------------------------------------------------------------------------- failure reasons
@lru_cache(maxsize=None)
def _failure_reasons() -> tuple[tuple[str, re.Pattern, str, str], ...]:
    rows = read_csv("failure_reasons.csv")
    if not rows or rows[-1]["code"] != "other":
        raise CatalogError(display_name("failure_reasons.csv"), len(rows) + 1 if rows else None,
                           "the last row must be the catch-all code 'other'")
    return tuple((r["code"], re.compile(r["pattern"]), r["zh"], r["en"]) for r in rows)


def failure_codes() -> tuple[str, ...]:
    """The closed vocabulary of failure reason codes (failure_reasons.csv), 'other' last."""
    return tuple(code for code, _p, _zh, _en in _failure_reasons())


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
