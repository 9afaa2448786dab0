"""Plausibility: a value no disclosure table can mean never reaches ``values``.

The walker places what a cell reads as. A cell may still hold what no count or sum of money can be: an
identifier typed into the table (a phone, ID card or bank number: a long run of unseparated digits), a number
too long to be read (inf), a negative count that is no signed change, a fraction of a 件, or a figure above
every magnitude a national ministry prints. Such a value is moved to ``unmapped`` (reason
``implausible_value``, its raw text kept, the why in ``detail``) and said so in a parse-quality finding
(``extract.implausible_value``): the parser's doubt, never the agency's error. Bounds are catalog data
(catalog/bounds.csv); a signed change is a metric whose bound goes below 0 (本年增/减) or a cell printed with a
sign word of catalog/cell_qualifiers.csv (增3, 减2).
"""
from __future__ import annotations

import fnmatch
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.extract.walker import Extraction
from govreport.model import finding
from govreport.text.units import unit_factor

REASON = "implausible_value"
RULE = "extract.implausible_value"
_DIGIT_RUN = re.compile(r"(?<![\d.])\d+")  # a number's integer digits (a decimal's fraction is not an identifier)


@dataclass(frozen=True)
class Limits:
    """A metric's bound in the metric's own unit, and the catalog row it comes from."""

    low: float
    high: float
    integer: bool
    scope: str


def screen(ex: Extraction, template: str, report_id: str = "") -> Extraction:
    """Move every implausible value of ``ex.values`` to ``ex.unmapped``, each with a finding; returns ``ex``."""
    kept = []
    for value in ex.values:
        why = implausibility(value)
        if why is None:
            kept.append(value)
            continue
        ex.unmapped.append(_as_unmapped(value, why, template))
        ex.findings.append(_finding(report_id, value, why))
    ex.values[:] = kept
    return ex


def implausibility(value: dict) -> Optional[str]:
    """Why a placed value cannot be what its cell means (None: it can). A blank stays missing, never implausible."""
    x = value.get("value")
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if math.isinf(x):
        return "too many digits to be a number (it reads as infinity)"
    raw, most = value.get("raw") or "", catalog.value_bounds().digit_run
    run = longest_digit_run(raw) if len(raw) > most else 0  # a run is never longer than the text: no search
    if run > most:
        return f"a run of {run} digits without separators: an identifier (phone, ID card or bank number), not a figure"
    limits = limits_for(value["metric"], value["unit"])
    if limits is None:
        return None
    signed = _signed_cell(value.get("note") or "")
    low = -limits.high if signed else limits.low
    if x < low:
        return f"{x:g} is below {low:g}: a count or sum is never negative unless it is a signed change (增/减)"
    if limits.integer and abs(x - round(x)) > 1e-9 * max(1.0, abs(x)):
        return f"{x:g} is not a whole number: a count of {value['unit']} has no fraction"
    if abs(x) > limits.high:
        return f"{x:g} {value['unit']} is above {limits.high:g}, the largest any report prints ({limits.scope} in catalog/bounds.csv)"
    return None


def longest_digit_run(raw: str) -> int:
    """The longest run of integer digits printed without a separator ('320102199001011234' -> 18, '1,234' -> 3)."""
    return max((len(m.group()) for m in _DIGIT_RUN.finditer(raw)), default=0)


@lru_cache(maxsize=None)
def limits_for(metric: str, unit: str) -> Optional[Limits]:
    """The bound of catalog/bounds.csv for a metric: the most specific metric glob naming it, else its unit
    family's default; converted to the metric's unit (元 -> 万元). None when neither applies."""
    rules = catalog.value_bounds().rules
    named = [b for b in rules if b.scope.startswith("metric:") and fnmatch.fnmatchcase(metric, b.scope[len("metric:"):])]
    family = [b for b in rules if b.scope.startswith("family:") and unit_factor(b.unit, unit) is not None]
    pick = max(named, key=lambda b: len(b.scope.replace("*", ""))) if named else (family[0] if family else None)
    factor = unit_factor(pick.unit, unit) if pick is not None else None
    if factor is None:
        return None
    return Limits(pick.low * factor, pick.high * factor, pick.integer, pick.scope)


@lru_cache(maxsize=None)
def _sign_words() -> frozenset:
    return frozenset(q.token for q in catalog.cell_qualifiers() if q.kind in ("sign_plus", "sign_minus"))


def _signed_cell(note: str) -> bool:
    """The cell was printed as a change (增3, 减2): its note carries a sign word of cell_qualifiers.csv."""
    return bool(note) and not _sign_words().isdisjoint(note.split())


def _section(metric: str, template: str) -> str:
    return catalog.metric_section(metric, template)


def _as_unmapped(value: dict, why: str, template: str) -> dict:
    """The value as an unmapped number (the walker's shape): its raw text, and its reading only when finite and
    not an identifier (a float of 320102199001011234 would print digits the report never had); metric and
    applicant stay (not stored) so that a sum it belongs to is not judged without it."""
    x = value["value"]
    readable = math.isfinite(x) and longest_digit_run(value.get("raw") or "") <= catalog.value_bounds().digit_run
    return dict(section=_section(value["metric"], template), source_label=value.get("source_label") or "",
                column=value.get("applicant") or "", raw=value.get("raw") or "", value=x if readable else math.nan,
                reason=REASON, detail=f"placed on {value['metric']}: {why}", row=value.get("row"),
                metric=value["metric"], applicant=value.get("applicant"))  # for validate: the sums it is part of


def _finding(report_id: str, value: dict, why: str) -> dict:
    """A parse-quality finding naming the cell (kind parse in reasons.csv: never counted as a failed rule)."""
    label, raw = value.get("source_label") or "", value.get("raw") or ""
    raw = raw if len(raw) <= 40 else f"{raw[:20]}…{raw[-8:]} ({len(raw)} characters)"
    return finding(report_id, f"{RULE}:{value['metric']}", "fail", applicant=value.get("applicant") or "total",
                   evidence=f"cell “{raw}” of row “{label}” ({value['metric']}, {value.get('applicant')}): {why}; "
                            "kept in unmapped, not published")
