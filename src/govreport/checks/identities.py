"""Identities (勾稽关系) as data: derive blank totals, then check every rule.

Rules come from catalog/rules.csv as (rule, side, metric, applicant, weight,
year_offset) rows. A broken identity is a finding, never an exception. Blank
cells are read as 0 (flagged ``blanks_as_zero``); placeholders such as / or 无
make a check ``not_assessable``; a total left blank but with printed parts is
filled in with provenance 'derived', never overwriting a printed number.

A sum is only published as ``fail`` or ``pass`` when every printed row under its
total is accounted for: a number the parse could not place (an unknown label, a
duplicate row, a cell whose column cannot be told ...) or a placed row that no
operand covers, printed among the rule's rows, makes the check ``not_assessable``
and the evidence names the row (see ``_unaccounted``); so does an operand derived
from, or missing in, a table section with unplaced numbers (checks/incomplete.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional, Sequence

from govreport import catalog
from govreport.catalog import APPLICANTS
from govreport.checks.incomplete import (PrintedRows, hold_back, incomplete, set_aside, unaccounted, unplaced_by_section,
                                         unplaced_near, unread_operands)
from govreport.checks.rereads import as_read, choices, is_ocr, ocr_operands, reread_values
from govreport.model import finding

_PARTS = APPLICANTS[:-1]
_PART_SET = frozenset(_PARTS)


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
    """The identities of catalog/rules.csv, one Rule per (rule, templates).

    A sum rule's right side is the union of the parts that any variant of its templates prints under the
    total; an operand a report does not print is skipped, so one rule serves every variant. Legacy variants
    seen: the national 2008-2018 form (申请答复数 = 已主动公开 + 同意 + 部分 + 不同意 + 不属于本机关 + 不存在
    + 更改补充 + 其他途径), the Fujian 附表 (对申请的答复总数 = 同意 + 部分 + 不予公开 + 4.其他类型答复数;
    受理申请总数 = 当面 + 网上 + 信函 or the merged 信函、传真 row) and the older Fujian table (six channels).
    A variant whose parts would overlap another's (one part printed inside another) needs its own rule
    with its own ``templates`` key; none is seen. tests/unit/checks/test_rules_complete.py checks the union against
    every real report's printed hierarchy.
    """
    grouped: dict[tuple[str, str], dict] = {}  # (rule, templates) -> its operands
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

    def lookup(self) -> Callable:
        """``get`` as the sides of a rule call it, (metric, applicant, year offset): one call, not two."""
        cells = self.cells.get
        return lambda m, a, _o: cells((m, a))

    def replaced(self, values: list[dict], metric: str, applicant: str) -> None:
        """The cell of (metric, applicant) again after ``values`` lost or gained a row of it: what a new
        Cells(values) would hold (its first row of that key), without reading every other row again."""
        key = (metric, applicant)
        first = next((v for v in values if v["metric"] == metric and v["applicant"] == applicant), None)
        if first is None:
            self.cells.pop(key, None)
        else:
            self.cells[key] = first

    def metrics_with_applicants(self) -> list[str]:
        return sorted({m for (m, a) in self.cells if a in _PART_SET})


def _expand(rule: Rule, cells: Cells):
    """(applicant label, left operands, right operands) with concrete applicants: the report's metrics with
    applicant columns for the per-applicant rule, else the rule's own (made once per rule, as tuples)."""
    if rule.per_applicant_column:
        return [(metric, [(metric, "total", 1.0, 0)], [(metric, a, 1.0, 0) for a in _PARTS])
                for metric in cells.metrics_with_applicants()]
    hit = _EXPANDED.get(id(rule))
    if hit is None or hit[0] is not rule:  # (the entry holds its rule: an id is not reused while it is there)
        hit = _EXPANDED[id(rule)] = (rule, _expanded(rule))
    return hit[1]


_EXPANDED: dict[int, tuple] = {}  # id(rule) -> (rule, its expansion): one entry per rule of rules()


def _expanded(rule: Rule) -> tuple:
    scopes = sorted({o.applicant for o in rule.left + rule.right})
    applicants = APPLICANTS if "each" in scopes else ("total",)

    def conc(ops, app):
        return tuple((o.metric, app if o.applicant == "each" else o.applicant, o.weight, o.year_offset) for o in ops)
    return tuple((app, conc(rule.left, app), conc(rule.right, app)) for app in applicants)


def derive_totals(values: list[dict], template: str, placeholders: Sequence[dict] = (),
                  unmapped: Iterable[dict] = (), cells: Optional[Cells] = None) -> list[dict]:
    """Rows to add for totals the report left blank but whose parts it printed. ``unmapped``: a total or part
    whose printed cell was placed, then set aside (an unsure OCR read, an implausible value: it has a
    ``metric``) is not blank, so no sum is derived over it; nor over a part not read at all where its table
    section has numbers the parse could not place (checks/incomplete.py: the unplaced row may be that part).
    ``cells``: Cells(values, placeholders), kept in step with the rows added (check_report reads it on)."""
    added: list[dict] = []
    cells = Cells(values, placeholders) if cells is None else cells
    unmapped = list(unmapped)
    unread = {(u["metric"], u.get("applicant")) for u in unmapped if u.get("metric")}
    unplaced = unplaced_by_section(unmapped)
    aside = cells.placeholder | unread  # printed, but not a number to add
    get = cells.cells.get
    for totals in _derivations(template):
        if totals is None:  # the per-applicant rule: the report's metrics with applicant columns, as they are now
            totals = [_applicant_derivation(m) for m in cells.metrics_with_applicants()]
        for metric, app, key, right in totals:
            cur = get(key)
            if key in aside or (cur is not None and not _isna(cur["value"])):
                continue
            if any(k in aside or (get(k) is None and unplaced_near(m, unplaced)) for m, k, _w in right):
                continue
            value, labels, ocr = 0, [], []  # over the parts printed with a number, in order
            for m, k, w in right:
                c = get(k)
                if c is None or _isna(c["value"]):
                    continue
                if not labels:
                    unit = c["unit"]  # the first one's
                value += w * c["value"]
                labels.append(c["source_label"] or m)
                if is_ocr(c):
                    ocr.append(k)  # a part read by OCR
            if not labels:
                continue
            row = {"metric": metric, "applicant": app, "value": float(value), "unit": catalog.metrics()[metric].unit or unit,
                   "source_label": f"= {'+'.join(labels)}"[:300], "provenance": "derived", "note": "",
                   "match_score": math.nan, "ocr_confidence": math.nan, "ocr_parts": tuple(ocr)}
            if cur is not None:  # a blank printed cell: keep the row, fill it as derived
                values.remove(cur)
            values.append(row)
            added.append(row)
            if cur is None:  # no row of the key: the new one is its cell
                cells.cells[key] = row
            else:
                cells.replaced(values, metric, app)
    return added


@lru_cache(maxsize=None)
def _derivations(template: str) -> tuple:
    """The totals the template's rules may derive, per rule in rules() order: (metric, applicant, key, its parts
    as (metric, key, weight)) each, or None for the per-applicant rule (its metrics are the report's). Once a
    template."""
    out = []
    for rule in rules():
        if not rule.derive or template not in rule.templates or rule.cross_year or len(rule.left) != 1:
            continue
        out.append(None if rule.per_applicant_column
                   else tuple(_derivation(left, right) for _scope, left, right in _expanded(rule)))
    return tuple(out)


@lru_cache(maxsize=None)
def _applicant_derivation(metric: str) -> tuple:
    """The per-applicant rule's total of one metric (its total column = the sum of its applicant columns)."""
    return _derivation(((metric, "total", 1.0, 0),), tuple((metric, a, 1.0, 0) for a in _PARTS))


def _derivation(left, right) -> tuple:
    (metric, app, _w, _o), = left
    return metric, app, (metric, app), tuple((m, (m, a), w) for m, a, w, _o in right)


def _isna(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@lru_cache(maxsize=None)
def _operand_name(metric: str, app: str, weight: float, offset: int) -> str:
    """How an operand opens its part of a finding's evidence (-metric[applicant]@-1y): once per operand of the
    catalog's rules (a bounded set), not once per report."""
    sign = "-" if weight < 0 else ""
    return f"{sign}{metric}[{app}]@{offset:+d}y" if offset else f"{sign}{metric}[{app}]"


def _side(ops, lookup, placeholder) -> tuple[Optional[float], list[str], bool, bool, int]:
    """Sum one side: (total, evidence parts, used blanks, not assessable, n present); ``placeholder`` None:
    the report holds no placeholder. (``_sum`` is the same over one year's compiled terms.)"""
    total, parts, blanks, na, present = 0.0, [], False, False, 0
    for metric, app, weight, offset in ops:
        cell = lookup(metric, app, offset)
        held = placeholder is not None and placeholder(metric, app, offset)
        if cell is None and not held:
            continue
        present += 1
        name = _operand_name(metric, app, weight, offset)  # its sign included
        if held:
            na = True
            parts.append(f"{name}='{cell['source_label'] if cell else '?'}' (not a number)")
            continue
        value = cell["value"]
        if value is None or isinstance(value, float) and math.isnan(value):  # _isna
            blanks = True
            parts.append(f"{name}=blank")
            continue
        total += weight * value
        tag = " (derived)" if cell.get("provenance") == "derived" else ""
        parts.append(f"{name}={value:g}{tag}")
    return total, parts, blanks, na, present


def _sum(terms, get, held) -> tuple[float, list[str], bool, bool, int]:
    """``_side`` of one year's compiled terms (key, weight, evidence name; see ``_identity``): ``get`` the report's
    cells' dict.get, ``held`` its placeholder keys (None: it holds none). No call per operand but the lookup."""
    total, parts, blanks, na, present = 0.0, [], False, False, 0
    for key, weight, name in terms:
        cell = get(key)
        if held is not None and key in held:
            present += 1
            na = True
            parts.append(f"{name}='{cell['source_label'] if cell else '?'}' (not a number)")
            continue
        if cell is None:
            continue
        present += 1
        value = cell["value"]
        if value is None or isinstance(value, float) and value != value:  # _isna (NaN: the float not equal to itself)
            blanks = True
            parts.append(f"{name}=blank")
            continue
        total += weight * value
        parts.append(f"{name}={value:g} (derived)" if cell.get("provenance") == "derived" else f"{name}={value:g}")
    return total, parts, blanks, na, present


def _tolerance(a: float, b: float) -> float:
    return max(1e-6, 1e-9 * max(abs(a), abs(b)), 0.0051 if (a % 1 or b % 1) else 0)


def _finding(report_id, rule_id, scope, lookup, placeholder, left, right) -> Optional[dict]:
    lside = _side(left, lookup, placeholder)
    if lside[4] == 0:
        return None  # the report does not print one side at all: rule not applicable
    rside = _side(right, lookup, placeholder)
    if rside[4] == 0:
        return None
    if rule_id == "applicants":
        return _verdict(report_id, f"applicants:{scope}", "total", lside, rside)
    return _verdict(report_id, rule_id, scope, lside, rside)


def _verdict(report_id: str, rule: str, applicant: str, lside: tuple, rside: tuple) -> dict:
    """The finding of a rule both of whose sides the report prints (each side a ``_side``/``_sum`` result)."""
    lv, lparts, lb, lna, _lp = lside
    rv, rparts, rb, rna, _rp = rside
    evidence = f"{' + '.join(lparts) or '0'} = {lv:g}  vs  {' + '.join(rparts) or '0'} = {rv:g}".replace("+ -", "- ")
    if lna or rna:
        return finding(report_id, rule, "not_assessable", applicant=applicant, evidence=evidence,
                       blanks_as_zero=bool(lb or rb))
    gap = abs(lv - rv)
    state = "pass" if gap <= 1e-6 or gap <= _tolerance(lv, rv) else "fail"  # (the tolerance is at least 1e-6)
    return finding(report_id, rule, state, applicant=applicant, left=lv, right=rv, evidence=evidence,
                   blanks_as_zero=bool(lb or rb))


def check_identities(report_id: str, template: str, values: list[dict], placeholders: Sequence[dict] = (),
                     unmapped: Iterable[dict] = (), reread: Optional[Callable] = None,
                     cells: Optional[Cells] = None) -> list[dict]:
    """Evaluate every within-year rule of the template on one report.

    ``unmapped``: the numbers the parse could not place (with their ``row``); a failing sum with one of them,
    or a placed row no operand covers, among its rows is ``not_assessable``. A sum failing on figures read by
    OCR has them read again with ``reread`` (``rereader``): a re-read that makes it hold is kept (the value
    rows change), and one still failing is held back as ``ocr_uncertain`` (see ``_with_ocr_doubt``).
    ``cells``: Cells(values, placeholders) if made already (a re-read changes its rows' fields, not which rows).
    """
    unmapped = list(unmapped)
    cells = Cells(values, placeholders) if cells is None else cells
    judged = _judge(report_id, template, values, cells, unmapped)
    failing = _failed(judged) > 0  # (the re-reads and the OCR doubt look at failing sums only)
    undo = _adopt_rereads(judged, cells, reread) if reread is not None and failing else []
    if undo:  # kept only when every sum that held still holds and fewer fail: a re-read never buys one sum with another
        again = _judge(report_id, template, values, cells, unmapped)
        if _held(judged) <= _held(again) and _failed(again) < _failed(judged):
            judged = again
        else:
            for cell, before in reversed(undo):
                cell.update(before)
    return _with_ocr_doubt(report_id, judged, lambda m, a, _o: cells.get(m, a))


def _judge(report_id: str, template: str, values: list[dict], cells: Cells, unmapped: list[dict]) -> list[tuple]:
    """(finding, left operands, right operands) of every within-year rule of the template (``cells``: of ``values``)."""
    printed = PrintedRows(values, unmapped)
    unplaced = unplaced_by_section(unmapped)
    lookup, unread = cells.lookup(), set_aside(unmapped)
    doubt = bool(unplaced or unread or printed.any_unplaced)  # else a sum that holds is not in doubt (as below)
    out = []
    for f, left, right in _verdicts(report_id, template, cells):
        if f["state"] == "fail":
            hold_back(f, unread_operands(left, right, unread)
                       + unaccounted(left, right, cells.cells, printed, _parts_closure(template)))
        elif f["state"] == "pass" and doubt:  # a sum holding over the rows read only: cannot tell (incomplete.py)
            hold_back(f, incomplete(left, right, lookup, unplaced) + unread_operands(left, right, unread)
                       + unaccounted(left, right, cells.cells, printed, _parts_closure(template), other_rows=False))
        out.append((f, left, right))
    return out


def _verdicts(report_id: str, template: str, cells: Cells):
    """(finding, left operands, right operands) of each within-year rule of the template that the report prints
    both sides of, in rules() order: what ``_finding`` gives for each scope of ``_expand``, from the identities
    compiled once a template (``_identities``)."""
    get, held = cells.cells.get, cells.placeholder or None
    for identities in _identities(template):
        if identities is None:  # the per-applicant rule: the report's metrics with applicant columns
            identities = [_applicant_identity(m) for m in cells.metrics_with_applicants()]
        for rule, applicant, left, right, lterms, rterms in identities:
            lside = _sum(lterms, get, held)
            if lside[4] == 0:
                continue  # the report does not print one side at all: rule not applicable
            rside = _sum(rterms, get, held)
            if rside[4]:
                yield _verdict(report_id, rule, applicant, lside, rside), left, right


@lru_cache(maxsize=None)
def _identities(template: str) -> tuple:
    """The template's within-year identities in rules() order, compiled once a template: per rule, its
    ``_identity`` per scope, or None for the per-applicant rule (its metrics are the report's)."""
    return tuple(None if rule.per_applicant_column
                 else tuple(_identity(rule.rule, scope, left, right) for scope, left, right in _expanded(rule))
                 for rule in rules() if template in rule.templates and not rule.cross_year)


@lru_cache(maxsize=None)
def _applicant_identity(metric: str) -> tuple:
    """The per-applicant rule over one metric: its total column = the sum of its applicant columns."""
    return _identity("applicants", metric, ((metric, "total", 1.0, 0),), tuple((metric, a, 1.0, 0) for a in _PARTS))


def _identity(rule_id: str, scope: str, left: tuple, right: tuple) -> tuple:
    """One within-year identity as ``_judge`` evaluates it: (the finding's rule, its applicant, the operands
    (metric, applicant, weight, offset) of each side, and each side's terms ((metric, applicant), weight,
    evidence name) for ``_sum``)."""
    def terms(ops):
        return tuple(((m, a), w, _operand_name(m, a, w, o)) for m, a, w, o in ops)
    if rule_id == "applicants":
        return f"applicants:{scope}", "total", left, right, terms(left), terms(right)
    return rule_id, scope, left, right, terms(left), terms(right)


# ----------------------------------------------------------------- is every printed part accounted for?
@lru_cache(maxsize=None)
def _parts_closure(template: str) -> dict[str, frozenset]:
    """total metric -> its parts, and theirs, through every sum rule of the template (不予公开 -> its 8 reasons)."""
    direct: dict[str, set] = {}
    for rule in rules():
        if template in rule.templates and not rule.cross_year and len(rule.left) == 1 and not rule.per_applicant_column:
            direct.setdefault(rule.left[0].metric, set()).update(o.metric for o in rule.right)
    def walk(m, seen):
        for p in direct.get(m, ()):
            if p not in seen:
                seen.add(p)
                walk(p, seen)
        return seen
    return {m: frozenset(walk(m, set())) for m in direct}


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
                out.append((f, left, right))
    return _with_ocr_doubt(report_id, out, lookup)


# ----------------------------------------------------------------- figures read by OCR
OCR_UNCERTAIN = "ocr_uncertain"  # the parse finding (catalog/reasons.csv) of a sum broken by figures read by OCR


def _held(judged: list[tuple]) -> set:
    return {(f["rule"], f["applicant"]) for f, _l, _r in judged if f["state"] == "pass"}


def _failed(judged: list[tuple]) -> int:
    return sum(f["state"] == "fail" for f, _l, _r in judged)


def _adopt_rereads(judged: list[tuple], cells: Cells, reread: Callable) -> list[tuple[dict, dict]]:
    """Re-read the OCR'd figures of each failing sum and take the re-read figures that make it hold (none
    needed, every cell's first re-read together, else one re-read alone); returns (value row, its fields
    before) per change. A part a derived total was summed from is never changed (the total would no longer
    be its sum)."""
    summed = {p for c in cells.cells.values() for p in c.get("ocr_parts", ())}
    tried: dict[int, list] = {}
    undo: list[tuple[dict, dict]] = []
    for f, left, right in judged:
        if f["state"] != "fail":
            continue
        ops = [c for c in ocr_operands(left, right, lambda m, a, _o: cells.get(m, a))
               if "ocr_cell" in c and (c["metric"], c["applicant"]) not in summed]
        for c in ops:
            if id(c) not in tried:  # each cell is re-read once, whatever sums it is in
                tried[id(c)] = reread_values(c, reread)
        options = [(c, tried[id(c)]) for c in ops]
        for choice in choices(options):
            if _holds(left, right, cells, choice):
                for c, (value, new) in choice:
                    undo.append((c, {k: c.get(k) for k in ("value", "ocr_confidence", "raw")}))
                    c.update(value=value, ocr_confidence=new.confidence, raw=str(new))
                break
    return undo


def _holds(left, right, cells: Cells, choice: list) -> bool:
    over = {(c["metric"], c["applicant"]): value for c, (value, _new) in choice}
    def lookup(m, a, _o):
        cell = cells.get(m, a)
        return cell if (m, a) not in over else {**cell, "value": over[(m, a)]}
    f = _finding("", "", "total", lookup, lambda m, a, _o: (m, a) in cells.placeholder, left, right)
    return f is not None and f["state"] == "pass"


def _with_ocr_doubt(report_id: str, judged: list[tuple], lookup) -> list[dict]:
    """The findings, each sum that fails on figures read by OCR held back (not_assessable, OCR_UNCERTAIN in its
    evidence) and followed by a parse finding ``ocr_uncertain:<rule>``: a misread digit may break it, so it is
    never published as the report's 勾稽不成立."""
    out = []
    for f, left, right in judged:
        out.append(f)
        doubt = ocr_operands(left, right, lookup) if f["state"] == "fail" else []
        if not doubt:
            continue
        read = "; ".join(as_read(c) for c in doubt)
        out.append(finding(report_id, f"{OCR_UNCERTAIN}:{f['rule']}", "fail", applicant=f["applicant"],
                           left=f["left"], right=f["right"], blanks_as_zero=f["blanks_as_zero"],
                           evidence=f"{f['evidence']}  read by OCR: {read}"))
        f.update(state="not_assessable", left=math.nan, right=math.nan,
                 evidence=f"{f['evidence']}  {OCR_UNCERTAIN}: not judged, figures read by OCR disagree after "
                          f"re-reading ({read})")
    return out
