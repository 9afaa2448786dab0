"""Prose against itself and against the tables: the checks of the figures extract/facts.py reads.

Parts against their whole, stated rates against their counts, and a prose figure
against the table figure for the same metric (the fact's ``table_metric``). Each
check returns findings (model.finding); check_facts also returns the notes fact
extraction left in ``attrs["findings"]`` (prose it had to cut).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Optional

import numpy as np
import pandas as pd

from govreport.extract.fact_lexicon import lexicon
from govreport.extract.facts import ProseFacts, SentenceFact, sentence_facts
from govreport.extract.sentences import shorten
from govreport.model import finding
from govreport.schemas import FINDING_COLUMNS
from govreport.text.units import convert

_NO_HINT = SentenceFact(decimals=0, total=False, enumeration=True)


def check_facts(report_id: str, facts: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Findings for the prose figures: part–whole sums, stated rates, prose vs table;
    and the prose that extract_facts had to leave out (``attrs["findings"]``)."""
    notes = [f for f in facts.attrs.get("findings", []) if f["report_id"] == report_id]
    facts = facts.copy(deep=False)
    facts.attrs = {}  # pandas deep-copies attrs into every slice: drop them before slicing
    if "report_id" in facts.columns and set(facts["report_id"].tolist()) - {report_id}:
        facts = facts[facts["report_id"] == report_id]  # (a frame of this report's facts only needs no slicing)
    rows = _rows(facts, list(facts.columns), range(len(facts)))
    return findings_table(check_fact_rows(report_id, rows, notes, {}, values))


def check_prose(report_id: str, prose: ProseFacts, values: list[dict]) -> list[dict]:
    """check_facts of extract/facts.prose_facts' reading, in plain Python (the rows of its findings table):
    ``values`` are the report's checked values as records (report_id, metric, applicant, value, unit,
    source_label), the rows of its values table (issue 16: no pandas per report)."""
    mine = [r for r in prose.rows if r["report_id"] == report_id]
    notes = [f for f in prose.notes if f["report_id"] == report_id]
    return check_fact_rows(report_id, mine, notes, prose.readings, values)


def check_fact_rows(report_id: str, facts: list[dict], notes: list[dict], readings: dict, values) -> list[dict]:
    """The findings (rows) of one report's facts as rows of the facts table; ``readings``: sentence ->
    sentence_facts(sentence), where already read; ``values``: its values table, or its rows, or None."""
    hints = _sentence_hints(facts, readings)
    return (notes + _check_part_whole(report_id, facts, hints) + _check_rates(report_id, facts, hints)
            + _check_vs_table(report_id, facts, values))


def findings_table(rows: list[dict]) -> pd.DataFrame:
    """check_facts' findings table of finding rows."""
    return _findings_frame(rows) if rows else _no_findings().copy()


def _findings_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype({"left": "float64", "right": "float64", "blanks_as_zero": "bool"})


@lru_cache(maxsize=1)
def _no_findings() -> pd.DataFrame:
    """The empty findings frame, built once (building it costs more than all the checks of a short report)."""
    return _findings_frame([])


def _sentence_hints(facts: list[dict], readings: dict) -> dict[str, SentenceFact]:
    """fact_id -> decimals printed, announced as a total, parts as a 、-list: re-read from the sentence.

    The facts table keeps only what a reader needs; the checks recover these
    details by reading the stored sentence again (facts of one sentence are
    stored in reading order), unless ``readings`` has it. Only sentences with a whole or a rate need them."""
    by_sentence: dict[str, list] = {}
    needed = set()
    for fact in facts:
        sentence = fact["sentence"]
        by_sentence.setdefault(sentence, []).append(fact["fact_id"])
        if fact["role"] in ("whole", "rate"):
            needed.add(sentence)
    hints = {}
    for sentence in needed:
        read = readings.get(sentence) if isinstance(sentence, str) else None
        if read is None:
            read = sentence_facts(str(sentence))
        if not read:
            continue
        for k, fid in enumerate(by_sentence[sentence]):
            hints[fid] = read[k % len(read)]
    return hints


def _number(x) -> float:
    return float(x) if x is not None and not pd.isna(x) else math.nan


def _finding(report_id: str, rule: str, state: str, left, right, evidence: str) -> dict:
    return finding(report_id, rule, state, left=_number(left), right=_number(right), evidence=evidence)


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else str(x)


def _check_part_whole(report_id: str, facts: list[dict], hints: dict) -> list[dict]:
    """Parts against their whole. A 、-list (A x件、B y件) is read as a partition:
    any difference fails. A list of clauses (，A x件，B y件) may be overlapping or
    incomplete breakdowns (其中：入驻大厅 219 项，可不见面办理 253 项), so a
    difference there is not_assessable, with the sums in the evidence."""
    out = []
    if not any(row["role"] == "part" for row in facts):
        return out
    by_id: dict = {}
    groups: dict = {}  # parent -> its parts, parents in order of first appearance (groupby, sort=False)
    for row in facts:
        by_id.setdefault(row["fact_id"], row)
        if row["role"] == "part" and not pd.isna(row["parent_fact_id"]):
            groups.setdefault(row["parent_fact_id"], []).append(row)
    for parent, group in groups.items():
        if len(group) < 2 or parent not in by_id:
            continue
        whole = by_id[parent]
        total = float(np.nansum(np.array([r["value"] for r in group], dtype="float64")))  # as Series.sum adds
        if math.isclose(total, whole["value"], abs_tol=1e-6):
            state = "pass"
        else:
            state = "fail" if hints.get(parent, _NO_HINT).enumeration else "not_assessable"
        listing = " + ".join(f"{r['subject']} {_fmt(r['value'])}{r['unit']}" for r in group)
        note = "" if state != "not_assessable" else " (clause list: parts may overlap or be incomplete)"
        evidence = f"{whole['subject']} {_fmt(whole['value'])}{whole['unit']} vs parts {listing} = {_fmt(total)}{note} | {shorten(whole['sentence'])}"
        out.append(_finding(report_id, "fact.part_whole", state, whole["value"], total, evidence))
    return out


def _check_rates(report_id: str, facts: list[dict], hints: dict) -> list[dict]:
    """Stated rates against their counts, one sentence at a time (facts of one sentence
    are consecutive), so the work grows with the facts, not with their square."""
    out = []
    with_rates = {row["sentence"] for row in facts if row["role"] == "rate"}
    if not with_rates:
        return out
    by_sentence: dict[str, list[dict]] = {}
    for row in facts:
        if row["sentence"] in with_rates and isinstance(row["sentence"], str):  # (groupby left a missing sentence out, so does this)
            by_sentence.setdefault(row["sentence"], []).append(row)  # plain rows in reading order: no pandas per fact
    for group in by_sentence.values():
        out.extend(_check_sentence_rates(report_id, group, hints))
    return out


def _rate_whole(same: list[dict], numerator: int, hints: dict) -> list[dict]:
    """The count a rate's numerator (``same[numerator]``) is a share of: before the numerator, in its dimension;
    a whole of a part list first, then a figure announced as a total, then a figure in the numerator's unit."""
    units = lexicon().units
    unit = same[numerator]["unit"]
    candidates = [r for r in same[:numerator] if units[r["unit"]].dimension == units[unit].dimension]
    return ([r for r in candidates if r["role"] == "whole"]
            or [r for r in candidates if hints.get(r["fact_id"], _NO_HINT).total]
            or [r for r in candidates if r["unit"] == unit])


def _check_sentence_rates(report_id: str, facts: list[dict], hints: dict) -> list[dict]:
    lex = lexicon()
    out = []
    for k, fact in enumerate(facts):
        if fact["role"] != "rate":
            continue
        rate_word = next((w for w in lex.rates if str(fact["subject"]).endswith(w)), None)
        if rate_word is None:
            continue
        keyword = lex.rates[rate_word]
        same = [r for r in facts[:k] if r["role"] != "rate"]
        numer = [j for j, r in enumerate(same) if isinstance(r["subject"], str) and keyword in r["subject"]]
        if not numer:
            out.append(_finding(report_id, "fact.rate", "not_assessable", fact["value"], None,
                                f"{rate_word} {_fmt(fact['value'])}%: no {keyword} count before it | {shorten(fact['sentence'])}"))
            continue
        n = same[numer[-1]]
        whole = _rate_whole(same, numer[-1], hints)
        if not whole or whole[0]["value"] == 0:
            out.append(_finding(report_id, "fact.rate", "not_assessable", fact["value"], None,
                                f"{rate_word} {_fmt(fact['value'])}%: no total count before {keyword} {_fmt(n['value'])} | {shorten(fact['sentence'])}"))
            continue
        d = whole[0]
        computed = 100.0 * n["value"] / d["value"]
        decimals = hints.get(fact["fact_id"], _NO_HINT).decimals
        tolerance = 10.0 ** (-decimals) + 1e-9  # rounding or truncation to the printed decimals
        state = "pass" if abs(computed - fact["value"]) < tolerance else "fail"
        evidence = (f"{rate_word} {_fmt(fact['value'])}% vs {n['subject']} {_fmt(n['value'])} / "
                    f"{d['subject']} {_fmt(d['value'])} = {computed:.{max(decimals, 2)}f}% | {shorten(fact['sentence'])}")
        out.append(_finding(report_id, "fact.rate", state, fact["value"], round(computed, 6), evidence))
    return out


def _first_total_rows(values, report_id: str, metrics: Optional[frozenset] = None) -> dict:
    """metric -> the first total-column row of the report (a plain dict of metric, source_label, unit, value)
    of its values table or of that table's rows; no Series per metric. ``metrics``: of these metrics only (a
    metric's first row does not depend on the others')."""
    cols = ("metric", "source_label", "unit", "value")
    if not hasattr(values, "columns"):
        first_rows: dict = {}
        for r in values:  # the rows' metric, applicant and report_id are str (or None, never a total row)
            metric = r.get("metric")
            if (r.get("applicant") == "total" and isinstance(metric, str) and metric not in first_rows
                    and (metrics is None or metric in metrics) and r.get("report_id", report_id) == report_id):
                first_rows[metric] = {c: _table_cell(c, r.get(c)) for c in cols}
        return first_rows
    lists = {c: values[c].tolist() for c in ("report_id", "applicant") + cols if c in values.columns}
    ids = lists.get("report_id")
    first: dict = {}
    for i, (metric, applicant) in enumerate(zip(lists["metric"], lists["applicant"])):
        if applicant == "total" and (ids is None or ids[i] == report_id) and isinstance(metric, str):
            first.setdefault(metric, i)
    keep = [c for c in cols if c in lists]
    return {lists["metric"][i]: {c: lists[c][i] for c in keep} for i in sorted(first.values())}


def _table_cell(column: str, v):
    """A value row's cell as the values table's ``tolist()`` gives it: a blank is NaN (str and float columns
    alike), a value a float, anything else a str."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return math.nan
    return float(v) if column == "value" else str(v)


def _rows(frame: pd.DataFrame, cols: list[str], at) -> list[dict]:
    """The rows at the positions ``at`` as {column: value}, as to_dict("records") gives them, from column lists."""
    lists = {c: frame[c].tolist() for c in cols}
    return [{c: lists[c][i] for c in cols} for i in at]


def _check_vs_table(report_id: str, facts: list[dict], values) -> list[dict]:
    """A whole or single prose figure against the first total-column table row of the metric its subject names."""
    out = []
    if values is None or len(values) == 0 or getattr(values, "empty", False):
        return out
    named = frozenset(f["table_metric"] for f in facts
                      if f["role"] not in ("part", "rate") and isinstance(f["table_metric"], str))
    if not named:
        return out  # no whole or single figure names a table metric
    first_row = _first_total_rows(values, report_id, named if not hasattr(values, "columns") else None)
    for fact in facts:
        metric = fact["table_metric"]
        if fact["role"] in ("part", "rate") or not isinstance(metric, str) or metric not in first_row:
            continue
        row = first_row[metric]
        label = row.get("source_label", metric)
        table_unit = row.get("unit") if isinstance(row.get("unit"), str) and row.get("unit") else fact["unit"]
        prose = convert(float(fact["value"]), fact["unit"], table_unit)
        if prose is None:
            continue
        rule = f"fact.vs_table:{metric}"
        if pd.isna(row["value"]):
            out.append(_finding(report_id, rule, "not_assessable", prose, None,
                                f"prose {fact['subject']} {_fmt(fact['value'])}{fact['unit']} vs table {label}: blank | {shorten(fact['sentence'])}"))
            continue
        state = "pass" if math.isclose(prose, float(row["value"]), rel_tol=1e-9, abs_tol=1e-6) else "fail"
        out.append(_finding(report_id, rule, state, prose, float(row["value"]),
                            f"prose {fact['subject']} {_fmt(fact['value'])}{fact['unit']} vs table {label} = {_fmt(float(row['value']))}{table_unit} | {shorten(fact['sentence'])}"))
    return out
