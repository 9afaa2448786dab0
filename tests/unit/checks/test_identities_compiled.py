"""Issue 16: the identities are compiled once a template (identities._identities, _derivations) and evaluated over
the report's cells; what they give must be what the rule-by-rule computation gives (``_expand`` each rule, sum
each side with ``_finding``; derive over the same expansion), on the real reports and on variants of them with
blanks, missing rows, derived cells, placeholders, set-aside and unplaced numbers planted. The sums that hold are
held back only when something was left unplaced or set aside (``_judge``'s shortcut), and ``unaccounted``
without other rows looks at the rows with an unplaced number only."""
from __future__ import annotations

import math
import random
from pathlib import Path

from govreport import catalog
from govreport.checks import identities
from govreport.checks.identities import Cells, _expand, _finding, _isna, _judge, _parts_closure, _verdicts, derive_totals, rules
from govreport.checks.incomplete import (PrintedRows, hold_back, incomplete, set_aside, unaccounted, unplaced_by_section,
                                         unplaced_near, unread_operands)
from govreport.checks.rereads import is_ocr
from govreport.extract import extract
from govreport.identify import identify
from govreport.model import finding
from govreport.readers import read_document
from ocr_rows import recorded

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.txt", "tests/data/fixtures/text/*.txt", "data/raw/*.txt",
                             "tests/data/real/*.html", "tests/data/*.html", "tests/data/*.md")
           for p in sorted(REPO.glob(pattern))]
SCANS = ["putian_pthyyyyj_2016.browser_150dpi", "putian_ptkjj_2024.browser_200dpi", "putian_ptsjj_2024.browser_300dpi",
         "putian_ptslyj_2023.browser_200dpi"]


def _extractions() -> list[tuple]:
    """(template, values, placeholders, unmapped) of every real report and recorded scan."""
    out = []
    for p in REPORTS:
        doc = read_document(p)
        template = identify(doc).template
        ex = extract(doc, template, "r")
        out.append((template, list(ex.values), list(ex.placeholders), list(ex.unmapped)))
    for name in SCANS:
        ex = extract(recorded(name), "gb2021", "r")
        out.append(("gb2021", list(ex.values), list(ex.placeholders), list(ex.unmapped)))
    return out


def _variants(case: tuple, rng: random.Random, n: int) -> list[tuple]:
    """The case and ``n`` copies with planted blanks, dropped rows, derived cells, changed and fractional figures,
    placeholders, numbers set aside after placement and numbers left unplaced among the rows."""
    template, values, placeholders, unmapped = case
    out = [case]
    for _ in range(n):
        vals = [dict(v) for v in values if rng.random() > 0.1]
        for v in vals:
            x = rng.random()
            if x < 0.08:
                v["value"] = math.nan
            elif x < 0.1:
                v["value"] = None
            elif x < 0.16:
                v["provenance"] = "derived"
            elif x < 0.19:
                v["value"] = rng.choice([v["value"] if v["value"] is not None else 0.0, 0.0]) + rng.choice([1, -2, 0.5])
            elif x < 0.2:  # off by less than the tolerance of a fraction, or by more than it
                v["value"] = (v["value"] if v["value"] is not None else 0.0) + rng.choice([0.004, 0.007])
            elif x < 0.22:
                v["provenance"], v["ocr_parts"] = "ocr", ()
            elif x < 0.24:
                v["unit"] = rng.choice([None, "", "次"])
        ph = list(placeholders) + [dict(metric=v["metric"], applicant=v["applicant"], source_label=v["source_label"],
                                        text="/") for v in rng.sample(vals, min(len(vals), rng.randint(0, 3)))]
        um = [dict(u) for u in unmapped]
        for v in rng.sample(vals, min(len(vals), rng.randint(0, 3))):  # set aside after placement
            um.append(dict(section="requests", source_label=v["source_label"], column=v["applicant"], raw="1?",
                           value=1.0, reason="implausible", metric=v["metric"], applicant=v["applicant"], row=v.get("row")))
        for v in rng.sample(vals, min(len(vals), rng.randint(0, 2))):  # not placed, on a row among the others
            m = catalog.metrics().get(v["metric"])
            um.append(dict(section=m.section if m else "", source_label="某行", column=v["applicant"], raw="2",
                           value=2.0, reason="label_unknown", row=(v.get("row") or 0) + rng.choice([0, 1, -1])))
        out.append((template, vals, ph, um))
    # the table as read, with only a row with nothing printed, or only a cumulative figure, on a row among the
    # values (or row 0): no unplaced number of the year, but a row with a number not placed
    rows = sorted({v["row"] for v in values if v.get("row") is not None}) or [0]
    for _ in range(2):
        um = [dict(section="requests", source_label="空行", column="total", raw="", value=math.nan, reason="label_unknown",
                   row=rng.choice([0, *rows]))]
        if rng.random() < 0.5:
            um.append(dict(section="outcome", source_label="累计", column="total", raw="9", value=9.0,
                           reason="cumulative", row=rng.choice(rows)))
        out.append((template, values, placeholders, um))
    return out


def _reference_derive(values: list[dict], template: str, placeholders, unmapped) -> list[dict]:
    """derive_totals rule by rule over ``_expand`` (the computation before the compiled plan)."""
    added: list[dict] = []
    cells = Cells(values, placeholders)
    unread = {(u["metric"], u.get("applicant")) for u in unmapped if u.get("metric")}
    unplaced = unplaced_by_section(unmapped)
    for rule in rules():
        if not rule.derive or template not in rule.templates or rule.cross_year or len(rule.left) != 1:
            continue
        for _scope, left, right in _expand(rule, cells):
            (metric, app, _w, _o), = left
            cur = cells.get(metric, app)
            aside = lambda key: key in cells.placeholder or key in unread  # noqa: E731
            if aside((metric, app)) or (cur is not None and not _isna(cur["value"])):
                continue
            if any(aside((m, a)) or (cells.get(m, a) is None and unplaced_near(m, unplaced)) for m, a, _w, _o in right):
                continue
            printed = [(m, a, w, c) for m, a, w, _o in right if (c := cells.get(m, a)) is not None and not _isna(c["value"])]
            if not printed:
                continue
            label = "+".join(c["source_label"] or m for m, _a, _w, c in printed)
            row = dict(metric=metric, applicant=app, value=float(sum(w * c["value"] for _m, _a, w, c in printed)),
                       unit=catalog.metrics()[metric].unit or printed[0][3]["unit"], source_label=f"= {label}"[:300],
                       provenance="derived", note="", match_score=math.nan, ocr_confidence=math.nan,
                       ocr_parts=tuple((m, a) for m, a, _w, c in printed if is_ocr(c)))
            if cur is not None:
                values.remove(cur)
            values.append(row)
            added.append(row)
            if cur is None:
                cells.cells[(metric, app)] = row
            else:
                cells.replaced(values, metric, app)
    return added


def _reference_unaccounted(left, right, cells: dict, printed: PrintedRows, closure: dict, other_rows: bool = True):
    """unaccounted over every row from the rule's first to its last (the computation before its shortcuts)."""
    rows_of = lambda ops: sorted({c["row"] for m, a, _w, _o in ops  # noqa: E731
                                  if (c := cells.get((m, a))) is not None and c.get("row") is not None})
    lrows, rrows = rows_of(left), rows_of(right)
    if not rrows:
        return []
    lo, hi = min(lrows + rrows), max(lrows + rrows)
    if len(left) == 1 and lrows and lrows[0] < rrows[0]:
        hi = printed.extend(hi, +1)
    elif len(left) == 1 and lrows and lrows[0] > rrows[-1]:
        lo = printed.extend(lo, -1)
    known = {m for m, *_ in left + right}
    known |= {p for m in list(known) for p in closure.get(m, ())}
    apps = {a for _m, a, *_ in left + right}
    why = []
    for r in sorted(printed.rows):
        row = printed.rows[r]
        if not lo <= r <= hi:
            continue
        lost = [u for u in row.unplaced if not row.metrics or u["column"] in apps]
        if lost:
            why.append(f"row '{row.label}' has a number the parse could not place ({lost[0]['reason']}: {lost[0]['raw']})")
        if other_rows and r not in lrows + rrows:
            why += [f"row '{row.label}' ({m}) is printed among the parts but is not on the rule" for m in sorted(row.metrics - known)]
    return why


def _reference_verdicts(template: str, cells: Cells) -> list[tuple]:
    """_finding of every scope of every within-year rule of the template, where the report prints both sides."""
    lookup = cells.lookup()
    held = cells.placeholder
    placeholder = (lambda m, a, _o: (m, a) in held) if held else None
    return [(f, tuple(left), tuple(right)) for rule in rules() if template in rule.templates and not rule.cross_year
            for scope, left, right in _expand(rule, cells)
            if (f := _finding("r", rule.rule, scope, lookup, placeholder, left, right))]


def _reference_judge(template: str, values, placeholders, unmapped) -> list[tuple]:
    """_judge holding back every sum (no shortcut for a report with nothing unplaced or set aside)."""
    cells = Cells(values, placeholders)
    printed, unplaced, unread = PrintedRows(values, unmapped), unplaced_by_section(unmapped), set_aside(unmapped)
    out = _reference_verdicts(template, cells)
    for f, left, right in out:
        if f["state"] == "fail":
            hold_back(f, unread_operands(left, right, unread)
                       + _reference_unaccounted(left, right, cells.cells, printed, _parts_closure(template)))
        elif f["state"] == "pass":
            hold_back(f, incomplete(left, right, cells.lookup(), unplaced) + unread_operands(left, right, unread)
                       + _reference_unaccounted(left, right, cells.cells, printed, _parts_closure(template), False))
    return out


def _cases(n: int = 6) -> list[tuple]:
    rng = random.Random(16)
    return [v for case in _extractions() for v in _variants(case, rng, n)]


CASES = None


def _all_cases() -> list[tuple]:
    global CASES
    if CASES is None:
        CASES = _cases()
    return CASES


def test_derived_totals_are_those_of_the_rule_by_rule_derivation():
    cases = _all_cases()
    assert len(cases) > 150
    derived = 0
    for template, values, placeholders, unmapped in cases:
        mine, ref = list(values), list(values)
        cells = Cells(mine, placeholders)
        got = derive_totals(mine, template, placeholders, unmapped, cells)
        want = _reference_derive(ref, template, placeholders, unmapped)
        assert repr(got) == repr(want) and repr(mine) == repr(ref)
        fresh = Cells(mine, placeholders)  # the cells derive kept in step: what check_report reads on
        assert {k: id(c) for k, c in cells.cells.items()} == {k: id(c) for k, c in fresh.cells.items()}
        assert cells.placeholder == fresh.placeholder
        derived += len(got)
    assert derived > 500


def test_compiled_identities_give_what_each_rule_gives():
    seen = {"pass": 0, "fail": 0, "not_assessable": 0, "blank": 0, "derived": 0, "placeholder": 0}
    for template, values, placeholders, unmapped in _all_cases():
        values = list(values)
        derive_totals(values, template, placeholders, unmapped)
        cells = Cells(values, placeholders)
        got = [(f, tuple(left), tuple(right)) for f, left, right in _verdicts("r", template, cells)]
        want = _reference_verdicts(template, cells)
        assert repr(got) == repr(want)
        for f, _l, _r in got:
            seen[f["state"]] += 1
            seen["blank"] += "=blank" in f["evidence"]
            seen["derived"] += "(derived)" in f["evidence"]
            seen["placeholder"] += "(not a number)" in f["evidence"]
    assert min(seen.values()) > 50, seen


def test_judged_sums_are_those_of_holding_back_every_sum():
    held_back = 0
    for template, values, placeholders, unmapped in _all_cases():
        values = list(values)
        derive_totals(values, template, placeholders, unmapped)
        got = _judge("r", template, values, Cells(values, placeholders), unmapped)
        want = _reference_judge(template, values, placeholders, unmapped)
        assert repr([(f, tuple(left), tuple(right)) for f, left, right in got]) == repr(want)
        held_back += sum("not judged" in f["evidence"] for f, _l, _r in got)
    assert held_back > 100


def test_unaccounted_names_what_every_row_between_the_operands_gives():
    named = {True: 0, False: 0}
    for template, values, placeholders, unmapped in _all_cases():
        values = list(values)
        derive_totals(values, template, placeholders, unmapped)
        cells, printed = Cells(values, placeholders), PrintedRows(values, unmapped)
        assert printed.any_unplaced == any(row.unplaced for row in printed.rows.values())
        for _f, left, right in _verdicts("r", template, cells):
            for other_rows in (True, False):
                got = unaccounted(left, right, cells.cells, printed, _parts_closure(template), other_rows)
                assert got == _reference_unaccounted(left, right, cells.cells, printed, _parts_closure(template), other_rows)
                named[other_rows] += len(got)
    assert min(named.values()) > 100, named


def test_the_compiled_plan_is_made_again_with_the_catalog():
    before = identities._identities("gb2021")
    catalog.clear_caches()
    assert identities._identities("gb2021") is not before and identities._identities("gb2021") == before


def test_a_finding_is_the_row_dict_of_its_fields_then_its_extra_fields():
    """model.finding builds the row as a literal (issue 16: ~45 findings a report): the same keys, order and values
    as dict(**) gave, extra fields after the table's."""
    for kw, extra in [({}, {}), (dict(applicant="commercial", left=1.0, right=2.0, evidence="x"), {}),
                      (dict(blanks_as_zero=True), dict(sentence="句", fact_id=3))]:
        want = dict(report_id="r", rule="a.b", applicant=kw.get("applicant", "total"), state="pass",
                    left=kw.get("left", math.nan), right=kw.get("right", math.nan), evidence=kw.get("evidence", ""),
                    blanks_as_zero=kw.get("blanks_as_zero", False), **extra)
        got = finding("r", "a.b", "pass", **kw, **extra)
        assert repr(list(got.items())) == repr(list(want.items()))
