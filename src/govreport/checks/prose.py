"""Prose against itself and against the tables: the checks of the figures extract/facts.py reads.

Parts against their whole, stated rates against their counts, and a prose figure
against the table figure for the same metric (the fact's ``table_metric``). Each
check returns findings (model.finding); check_facts also returns the notes fact
extraction left in ``attrs["findings"]`` (prose it had to cut).
"""
from __future__ import annotations

import math

import pandas as pd

from govreport.extract.fact_lexicon import lexicon
from govreport.extract.facts import SentenceFact, sentence_facts
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
    facts = facts[facts["report_id"] == report_id] if "report_id" in facts.columns else facts
    hints = _sentence_hints(facts)
    rows = (notes + _check_part_whole(report_id, facts, hints) + _check_rates(report_id, facts, hints)
            + _check_vs_table(report_id, facts, values))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype({"left": "float64", "right": "float64", "blanks_as_zero": "bool"})


def _sentence_hints(facts: pd.DataFrame) -> dict[str, SentenceFact]:
    """fact_id -> decimals printed, announced as a total, parts as a 、-list: re-read from the sentence.

    The facts table keeps only what a reader needs; the checks recover these
    details by reading the stored sentence again (facts of one sentence are
    stored in reading order). Only sentences with a whole or a rate need them."""
    by_sentence: dict[str, list] = {}
    needed = set()
    for sentence, fid, role in zip(facts["sentence"], facts["fact_id"], facts["role"]):
        by_sentence.setdefault(sentence, []).append(fid)
        if role in ("whole", "rate"):
            needed.add(sentence)
    hints = {}
    for sentence in needed:
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


def _check_part_whole(report_id: str, facts: pd.DataFrame, hints: dict) -> list[dict]:
    """Parts against their whole. A 、-list (A x件、B y件) is read as a partition:
    any difference fails. A list of clauses (，A x件，B y件) may be overlapping or
    incomplete breakdowns (其中：入驻大厅 219 项，可不见面办理 253 项), so a
    difference there is not_assessable, with the sums in the evidence."""
    out = []
    parts = facts[facts["role"] == "part"]
    by_id = facts.set_index("fact_id")
    for parent, group in parts.groupby("parent_fact_id", sort=False):
        if len(group) < 2 or parent not in by_id.index:
            continue
        whole = by_id.loc[parent]
        total = float(group["value"].sum())
        if math.isclose(total, whole["value"], abs_tol=1e-6):
            state = "pass"
        else:
            state = "fail" if hints.get(parent, _NO_HINT).enumeration else "not_assessable"
        listing = " + ".join(f"{s} {_fmt(v)}{u}" for s, v, u in zip(group["subject"], group["value"], group["unit"]))
        note = "" if state != "not_assessable" else " (clause list: parts may overlap or be incomplete)"
        evidence = f"{whole['subject']} {_fmt(whole['value'])}{whole['unit']} vs parts {listing} = {_fmt(total)}{note} | {shorten(whole['sentence'])}"
        out.append(_finding(report_id, "fact.part_whole", state, whole["value"], total, evidence))
    return out


def _check_rates(report_id: str, facts: pd.DataFrame, hints: dict) -> list[dict]:
    """Stated rates against their counts, one sentence at a time (facts of one sentence
    are consecutive), so the work grows with the facts, not with their square."""
    out = []
    facts = facts.reset_index(drop=True)
    with_rates = facts[facts["sentence"].isin(set(facts.loc[facts["role"] == "rate", "sentence"]))]
    for _sentence, group in with_rates.groupby("sentence", sort=False):
        out.extend(_check_sentence_rates(report_id, group, hints))
    return out


def _rate_whole(same: pd.DataFrame, numerator: pd.Series, hints: dict) -> pd.DataFrame:
    """The count a rate's numerator is a share of: before the numerator, in its dimension; a whole of a
    part list first, then a figure announced as a total, then a figure in the numerator's unit."""
    units = lexicon().units
    candidates = same[(same.index < numerator.name)
                      & (same["unit"].map(lambda u: units[u].dimension) == units[numerator["unit"]].dimension)]
    whole = candidates[candidates["role"] == "whole"]
    if whole.empty:
        whole = candidates[[hints.get(f, _NO_HINT).total for f in candidates["fact_id"]]] if len(candidates) else candidates
    if whole.empty:
        whole = candidates[candidates["unit"] == numerator["unit"]]
    return whole


def _check_sentence_rates(report_id: str, facts: pd.DataFrame, hints: dict) -> list[dict]:
    lex = lexicon()
    out = []
    for i, fact in facts.iterrows():
        if fact["role"] != "rate":
            continue
        rate_word = next((w for w in lex.rates if str(fact["subject"]).endswith(w)), None)
        if rate_word is None:
            continue
        keyword = lex.rates[rate_word]
        same = facts[(facts.index < i) & (facts["role"] != "rate")]
        numer = same[same["subject"].str.contains(keyword, regex=False)]
        if numer.empty:
            out.append(_finding(report_id, "fact.rate", "not_assessable", fact["value"], None,
                                f"{rate_word} {_fmt(fact['value'])}%: no {keyword} count before it | {shorten(fact['sentence'])}"))
            continue
        n = numer.iloc[-1]
        whole = _rate_whole(same, n, hints)
        if whole.empty or whole.iloc[0]["value"] == 0:
            out.append(_finding(report_id, "fact.rate", "not_assessable", fact["value"], None,
                                f"{rate_word} {_fmt(fact['value'])}%: no total count before {keyword} {_fmt(n['value'])} | {shorten(fact['sentence'])}"))
            continue
        d = whole.iloc[0]
        computed = 100.0 * n["value"] / d["value"]
        decimals = hints.get(fact["fact_id"], _NO_HINT).decimals
        tolerance = 10.0 ** (-decimals) + 1e-9  # rounding or truncation to the printed decimals
        state = "pass" if abs(computed - fact["value"]) < tolerance else "fail"
        evidence = (f"{rate_word} {_fmt(fact['value'])}% vs {n['subject']} {_fmt(n['value'])} / "
                    f"{d['subject']} {_fmt(d['value'])} = {computed:.{max(decimals, 2)}f}% | {shorten(fact['sentence'])}")
        out.append(_finding(report_id, "fact.rate", state, fact["value"], round(computed, 6), evidence))
    return out


def _check_vs_table(report_id: str, facts: pd.DataFrame, values: pd.DataFrame) -> list[dict]:
    """A whole or single prose figure against the first total-column table row of the metric its subject names."""
    out = []
    if values is None or values.empty:
        return out
    totals = values[values["applicant"] == "total"]
    if "report_id" in totals.columns:
        totals = totals[totals["report_id"] == report_id]
    first_row = {r["metric"]: pd.Series(r) for r in totals.drop_duplicates("metric").to_dict("records")}
    for fact in facts[~facts["role"].isin(("part", "rate"))].to_dict("records"):
        metric = fact["table_metric"]
        row = first_row.get(metric) if isinstance(metric, str) else None
        if row is None:
            continue
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
