"""Identities (勾稽关系) as data: derive blank totals, then check every rule.

Rules come from catalog/rules.csv as (rule, side, metric, applicant, weight,
year_offset) rows. A broken identity is a finding, never an exception. Blank
cells are read as 0 (flagged ``blanks_as_zero``); placeholders such as / or 无
make a check ``not_assessable``; a total left blank but with printed parts is
filled in with provenance 'derived', never overwriting a printed number.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from . import catalog
from .catalog import APPLICANTS

FINDING_COLUMNS = ["report_id", "rule", "applicant", "state", "left", "right", "evidence", "blanks_as_zero"]
_PARTS = APPLICANTS[:-1]


@dataclass(frozen=True)
class Operand:
    metric: str
    applicant: str  # 'each' / 'total' / an applicant id
    weight: float
    year_offset: int


@dataclass(frozen=True)
class Rule:
    rule: str
    templates: frozenset
    left: tuple[Operand, ...]
    right: tuple[Operand, ...]
    derive: bool

    @property
    def cross_year(self) -> bool:
        return any(o.year_offset for o in self.left + self.right)

    @property
    def per_applicant_column(self) -> bool:
        return self.rule == "applicants"


@lru_cache(maxsize=None)
def rules() -> tuple[Rule, ...]:
    grouped: dict[str, dict] = {}
    for r in catalog.read_csv("rules.csv"):
        key = (r["rule"], r["templates"])
        g = grouped.setdefault(key, {"left": [], "right": [], "derive": False})
        g[r["side"]].append(Operand(r["metric"], r["applicant"], float(r["weight"]), int(r["year_offset"] or 0)))
        g["derive"] = g["derive"] or r["derive"] == "yes"
    return tuple(Rule(rid, frozenset(t.split()), tuple(g["left"]), tuple(g["right"]), g["derive"])
                 for (rid, t), g in grouped.items())


class Cells:
    """Lookup of one report's values by (metric, applicant), with placeholder flags."""

    def __init__(self, values: Iterable[dict], placeholders: Iterable[dict] = ()):
        self.cells: dict[tuple[str, str], dict] = {}
        for v in values:
            self.cells.setdefault((v["metric"], v["applicant"]), v)
        self.placeholder = {(p["metric"], p["applicant"]) for p in placeholders}

    def get(self, metric: str, applicant: str) -> Optional[dict]:
        return self.cells.get((metric, applicant))

    def metrics_with_applicants(self) -> list[str]:
        return sorted({m for (m, a) in self.cells if a in _PARTS})


def _expand(rule: Rule, cells: Cells):
    """Yield (applicant label, left operands, right operands) with concrete applicants."""
    if rule.per_applicant_column:
        for metric in cells.metrics_with_applicants():
            yield metric, [(metric, "total", 1.0, 0)], [(metric, a, 1.0, 0) for a in _PARTS]
        return
    scopes = sorted({o.applicant for o in rule.left + rule.right})
    applicants = APPLICANTS if "each" in scopes else ("total",)
    for app in applicants:
        conc = lambda ops: [(o.metric, app if o.applicant == "each" else o.applicant, o.weight, o.year_offset) for o in ops]
        yield app, conc(rule.left), conc(rule.right)


def derive_totals(values: list[dict], template: str, placeholders: list[dict] = ()) -> list[dict]:
    """Rows to add for totals the report left blank but whose parts it printed."""
    added: list[dict] = []
    cells = Cells(values, placeholders)
    for rule in rules():
        if not rule.derive or template not in rule.templates or rule.cross_year or len(rule.left) != 1:
            continue
        for _scope, left, right in _expand(rule, cells):
            (metric, app, _w, _o), = left
            cur = cells.get(metric, app)
            if (metric, app) in cells.placeholder or (cur is not None and not _isna(cur["value"])):
                continue
            if any((m, a) in cells.placeholder for m, a, _w, _o in right):
                continue
            parts = [(m, a, w, cells.get(m, a)) for m, a, w, _o in right]
            printed = [(m, a, w, c) for m, a, w, c in parts if c is not None and not _isna(c["value"])]
            if not printed:
                continue
            unit = printed[0][3]["unit"]
            value = sum(w * c["value"] for _m, _a, w, c in printed)
            label = "+".join(c["source_label"] or m for m, _a, _w, c in printed)
            row = dict(metric=metric, applicant=app, value=float(value), unit=catalog.metrics()[metric].unit or unit,
                       source_label=f"= {label}"[:300], provenance="derived", note="",
                       match_score=math.nan)
            if cur is not None:  # a blank printed cell: keep the row, fill it as derived
                values.remove(cur)
            values.append(row)
            added.append(row)
            cells = Cells(values, placeholders)
    return added


def _isna(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _fmt(v: float) -> str:
    return f"{v:g}"


def _side(ops, lookup, placeholder) -> tuple[Optional[float], list[str], bool, bool, int]:
    """Sum one side: (total, evidence parts, used blanks, not assessable, n present)."""
    total, parts, blanks, na, present = 0.0, [], False, False, 0
    for metric, app, weight, offset in ops:
        cell = lookup(metric, app, offset)
        sign = "-" if weight < 0 else ""
        name = f"{metric}[{app}]" + (f"@{offset:+d}y" if offset else "")
        if placeholder(metric, app, offset):
            na = True
            parts.append(f"{sign}{name}='{cell['source_label'] if cell else '?'}' (not a number)")
            present += 1
            continue
        if cell is None:
            continue
        present += 1
        if _isna(cell["value"]):
            blanks = True
            parts.append(f"{sign}{name}=blank")
            continue
        total += weight * cell["value"]
        tag = " (derived)" if cell.get("provenance") == "derived" else ""
        parts.append(f"{sign}{name}={_fmt(cell['value'])}{tag}")
    return total, parts, blanks, na, present


def _tolerance(a: float, b: float) -> float:
    return max(1e-6, 1e-9 * max(abs(a), abs(b)), 0.0051 if (a % 1 or b % 1) else 0)


def _finding(report_id, rule_id, scope, lookup, placeholder, left, right) -> Optional[dict]:
    lv, lparts, lb, lna, lp = _side(left, lookup, placeholder)
    rv, rparts, rb, rna, rp = _side(right, lookup, placeholder)
    if lp == 0 or rp == 0:
        return None  # the report does not print one side at all: rule not applicable
    if lna or rna:
        state = "not_assessable"
    else:
        state = "pass" if abs(lv - rv) <= _tolerance(lv, rv) else "fail"
    evidence = f"{' + '.join(lparts) or '0'} = {_fmt(lv)}  vs  {' + '.join(rparts) or '0'} = {_fmt(rv)}".replace("+ -", "- ")
    return dict(report_id=report_id, rule=rule_id if not rule_id == "applicants" else f"applicants:{scope}",
                applicant="total" if rule_id == "applicants" else scope, state=state,
                left=lv if state != "not_assessable" else math.nan, right=rv if state != "not_assessable" else math.nan,
                evidence=evidence, blanks_as_zero=bool(lb or rb))


def check_report(report_id: str, template: str, values: list[dict], placeholders: list[dict] = ()) -> list[dict]:
    """Evaluate every within-year rule of the template on one report."""
    cells = Cells(values, placeholders)
    lookup = lambda m, a, _o: cells.get(m, a)
    placeholder = lambda m, a, _o: (m, a) in cells.placeholder
    out = []
    for rule in rules():
        if template not in rule.templates or rule.cross_year:
            continue
        for scope, left, right in _expand(rule, cells):
            f = _finding(report_id, rule.rule, scope, lookup, placeholder, left, right)
            if f:
                out.append(f)
    return out


def check_across_years(report_id: str, template: str, current: Cells, previous: Cells) -> list[dict]:
    """Cross-year rules for one report against the same agency's previous year."""
    by_offset = {0: current, -1: previous}
    lookup = lambda m, a, o: by_offset[o].get(m, a)
    placeholder = lambda m, a, o: (m, a) in by_offset[o].placeholder
    out = []
    for rule in rules():
        if template not in rule.templates or not rule.cross_year:
            continue
        for scope, left, right in _expand(rule, current):
            f = _finding(report_id, rule.rule, scope, lookup, placeholder, left, right)
            if f:
                out.append(f)
    return out
