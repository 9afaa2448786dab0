"""Rows placed by the national template's row order: an unreadable label whose place in the table is certain.

The gb2019 and gb2021 forms print the rows of their 办理结果 table in a fixed order (the order of
catalog/labels.csv for the template). A row whose label could not be read (a PDF that wrapped it over three
lines and interleaved it with the group cell, a label cut by the page) but whose neighbours both matched is
placed by that order only when the place is certain: the unread rows between the two matched neighbours are
exactly as many as the free template rows there. The whole row then goes to that row's metric, each cell
staying in the column the reader placed it in (never counted from the left), with provenance
``matched_position``; and it is kept only when the table's identities (catalog/rules.csv) hold with it and at
least one of them could be checked. Otherwise the cells stay unmapped, the detail saying why.

Only documents whose labels are read from positions (PDF, scans) use it: there a label can be unreadable; an
HTML, DOCX or text label is exact, and an unknown one there is a wording for the catalog (walker hints at it).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.catalog import APPLICANTS
from govreport.text.normalize import parse_cell

PROVENANCE = "matched_position"
_PARTS = APPLICANTS[:-1]
_TOL = 1e-6


@lru_cache(maxsize=None)
def _sum_rules(template: str) -> tuple[tuple[str, bool, tuple, tuple], ...]:
    """(rule, derive, left, right) of the template's same-year sum rules; operands are (metric, applicant, weight)."""
    grouped: dict[str, dict] = {}
    for r in catalog.read_csv("rules.csv"):
        if template not in r["templates"].split() or r["metric"] == "*" or int(r["year_offset"] or 0):
            continue
        g = grouped.setdefault(r["rule"], {"left": [], "right": [], "derive": False})
        g[r["side"]].append((r["metric"], r["applicant"], float(r["weight"])))
        g["derive"] = g["derive"] or r["derive"] == "yes"
    return tuple((k, g["derive"], tuple(g["left"]), tuple(g["right"])) for k, g in grouped.items() if g["left"])


@lru_cache(maxsize=None)
def template_rows(template: str, section: str) -> tuple[str, ...]:
    """The metrics the template prints as rows of ``section``'s per-applicant table, in printed order.

    A subtotal over numbered rows ((三)不予公开 over 1.–8.) is a merged heading, not a row: it is the left side
    of a sum whose parts the template prints and itself a part of another derived sum.
    """
    metrics = [e.metric for e in catalog.label_entries()
               if e.template == template and e.section == section and e.column == "*" and e.pattern != "*"]
    metrics = list(dict.fromkeys(metrics))
    rules = _sum_rules(template)
    printed = set(metrics)
    parts_of_derived = {m for _r, derive, _l, right in rules if derive for m, _a, _w in right}
    subtotal = {left[0][0] for _r, derive, left, right in rules
                if derive and any(m in printed for m, _a, _w in right) and left[0][0] in parts_of_derived}
    return tuple(m for m in metrics if m not in subtotal)


def gaps(sequence: list[tuple], section: str, rows: tuple[str, ...], taken,
         skip=frozenset()) -> list[tuple[list[int], list[str]]]:
    """Runs of unread rows whose place is certain: (their sequence indexes, the template rows they fill).

    A run qualifies when the matched row before it (or the start of the section's table) and the matched row
    after it are template rows in order, and the template rows between them are exactly as many as the run
    and all still free. ``skip``: sequence indexes that are no table row (a prose line ending in text).
    """
    order = {m: k for k, m in enumerate(rows)}
    items = [(n, m) for n, (s, m, _span) in enumerate(sequence) if s == section and n not in skip]
    out = []
    k = 0
    while k < len(items):
        if items[k][1] is not None:
            k += 1
            continue
        end = k
        while end < len(items) and items[end][1] is None:
            end += 1
        run = [n for n, _m in items[k:end]]
        before = items[k - 1][1] if k else None
        after = items[end][1] if end < len(items) else None
        k = end
        if (before is not None and before not in order) or after not in order:
            continue
        lo = order[before] if before is not None else -1
        between = rows[lo + 1:order[after]]
        if between and len(between) == len(run) and all((m, "*") not in taken for m in between):
            out.append((run, list(between)))
    return out


# ---------------------------------------------------------------------- identities
def _lookup(values: list[dict]) -> dict[tuple[str, str], float]:
    """(metric, applicant) -> value, a blank cell read as 0 (as the identity checks do)."""
    out: dict[tuple[str, str], float] = {}
    for v in values:
        value = v["value"]
        out.setdefault((v["metric"], v["applicant"]), 0.0 if value is None or math.isnan(value) else float(value))
    return out


def _with_subtotals(cells: dict, template: str, rows: tuple[str, ...]) -> dict:
    """Subtotals the template does not print ((三)不予公开 …), summed from their printed rows when all were read."""
    cells = dict(cells)
    for _r, derive, left, right in _sum_rules(template):
        metric = left[0][0]
        if not derive or metric in rows or any(m == metric for m, _a in cells):
            continue
        parts = [(m, w) for m, _a, w in right if m in rows]
        for app in APPLICANTS:
            got = [cells.get((m, app)) for m, _w in parts]
            if parts and all(g is not None for g in got):
                cells[(metric, app)] = sum(g * w for g, (_m, w) in zip(got, parts))
    return cells


def _sums_over(metric: str, template: str) -> set[str]:
    """The metric and every total that sums it, directly or through a subtotal ((四)无法提供, then 总计)."""
    out, grew = {metric}, True
    while grew:
        grew = False
        for _r, derive, left, right in _sum_rules(template):
            if derive and left[0][0] not in out and any(m in out for m, _a, _w in right):
                out.add(left[0][0])
                grew = True
    return out


def _side(cells: dict, ops: tuple, app: str) -> Optional[float]:
    """One side of a sum for one applicant column, or None when one of its operands was not read."""
    got = [cells.get((m, app if a == "each" else a)) for m, a, _w in ops]
    if any(g is None for g in got):
        return None
    return sum(g * w for g, (_m, _a, w) in zip(got, ops))


def check(values: list[dict], metric: str, template: str, section: str) -> tuple[bool, str]:
    """Do the table's identities hold with ``metric``'s row placed? (kept, '') or (False, why not)."""
    cells = _with_subtotals(_lookup(values), template, template_rows(template, section))
    checked, broken = [], []
    total = cells.get((metric, "total"))
    parts = [cells.get((metric, a)) for a in _PARTS]
    if total is not None and any(p is not None for p in parts):
        checked.append("applicants")
        if abs(total - sum(p or 0.0 for p in parts)) > _TOL:
            broken.append("applicants")
    affected = _sums_over(metric, template)
    for rule, _derive, left, right in _sum_rules(template):
        if rule == "applicants" or not any(m in affected for m, _a, _w in left + right):
            continue
        for app in APPLICANTS:
            lhs, rhs = _side(cells, left, app), _side(cells, right, app)
            if lhs is None or rhs is None:
                continue  # an operand unread: this identity cannot be checked here
            checked.append(f"{rule}[{app}]")
            if abs(lhs - rhs) > _TOL:
                broken.append(f"{rule}[{app}]")
    if broken:
        return False, "identity " + ", ".join(broken) + " does not hold with it"
    if not checked:
        return False, "no identity could check it"
    return True, ""


# ---------------------------------------------------------------------- placing
def place_by_order(walker, section: str = "requests") -> set[int]:
    """Place the walker's unread rows whose template row is certain; returns the indexes of walker.out.unmapped
    they leave (the caller drops them once every index is used). Rows left unplaced get a detail saying why."""
    if walker.family != "gb" or not any(e.template == walker.template for e in walker.entries):
        return set()
    rows = template_rows(walker.template, section)
    drop: set[int] = set()
    skip = {n for n, p in walker.pending.items() if not any(_number(c) for c in p[4])}
    for run, metrics in gaps(walker.sequence, section, rows, walker.taken, skip):
        for n, metric in zip(run, metrics):
            span = walker.sequence[n][2]
            why = _place_one(walker, n, metric, section)
            if why is None:
                drop.update(range(*span))
                walker.sequence[n] = (section, metric, None)
            else:
                for u in walker.out.unmapped[span[0]:span[1]]:
                    u["detail"] = (u["detail"] + "; " if u["detail"] else "") + why
    return drop


def _number(cell) -> bool:
    parsed = parse_cell(cell) if isinstance(cell, str) else None
    return parsed is not None and parsed.value is not None


def _place_one(walker, n: int, metric: str, section: str) -> Optional[str]:
    """Place pending row ``n`` on ``metric``; None when kept, else why it was not."""
    row_no, row_section, layout, row, cells, label = walker.pending[n]
    group = [e for e in walker.entries if e.metric == metric and e.template == walker.template and e.pattern != "*"]
    out = walker.out
    saved = (out.values, out.unmapped, out.placeholders, walker.row_no, walker.section, walker.layout,
             len(walker.sequence))
    out.values, out.unmapped, out.placeholders = [], [], []
    walker.row_no, walker.section, walker.layout = row_no, row_section, layout
    try:
        walker._place(row, cells, group, label, None, "")
        added = (out.values, out.unmapped, out.placeholders)
    finally:
        out.values, out.unmapped, out.placeholders, walker.row_no, walker.section, walker.layout, n_seq = saved
        del walker.sequence[n_seq:]
    for v in added[0]:
        if v["provenance"] == "reported":
            v["provenance"] = PROVENANCE
        else:  # an OCR'd cell keeps provenance ocr (its confidence is what matters); its note says where it went
            v["note"] = "; ".join(t for t in (v.get("note"), "placed by the template's row order") if t)
    kept, why = check(out.values + added[0], metric, walker.template, section) if added[0] else (False, "no value")
    if not kept:
        walker.taken.pop((metric, "*"), None)
        return f"by the template's row order it is {metric}, not placed: {why}"
    out.values += added[0]
    out.unmapped += added[1]
    out.placeholders += added[2]
    return None


# ---------------------------------------------------------------------- hints
def hint_positions(walker) -> None:
    """For an unknown label between two known rows with one free slot, name that slot in its detail.

    The value stays unmapped (a label read exactly, as in HTML, is never placed by position); the detail tells
    the analyst which catalog label variant to add. A group heading with no numbers of its own (catalog/
    group_headings.csv: (三)不予公开 …) is never such a slot.
    """
    order: dict[str, int] = {}
    for e in walker.entries:
        if e.column == "*":
            order.setdefault(e.metric, len(order))
    for n, (section, metric, span) in enumerate(walker.sequence):
        if metric is not None or section != "requests":
            continue
        before = next((m for s, m, _ in reversed(walker.sequence[:n]) if m and s == section), None)
        after = next((m for s, m, _ in walker.sequence[n + 1:] if m and s == section), None)
        lo = order.get(before, -1)
        hi = order.get(after, len(order))
        free = [m for m, k in order.items() if lo < k < hi and (m, "*") not in walker.taken
                and m not in _group_headings()]
        if len(free) == 1:
            for u in walker.out.unmapped[span[0]:span[1]]:
                u["detail"] = (u["detail"] + "; " if u["detail"] else "") + f"by its position it is probably {free[0]}"


@lru_cache(maxsize=1)
def _group_headings() -> frozenset:
    """Metrics the national tables print as a group heading without numbers (catalog/group_headings.csv)."""
    return frozenset(r["metric"] for r in catalog.read_csv("group_headings.csv"))
