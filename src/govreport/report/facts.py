"""Figures stated in a report's prose: grouped by sentence, checked, set against the tables.

A figure whose subject phrase was not recognised is shown bare in its sentence
and listed apart (a parse limit), never under a made-up subject. Which table
metric a figure names is the ``table_metric`` column ingest stored with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional, Union

import pandas as pd

from govreport.report.access import label, metric_names, metric_row, rows_for, totals
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.findings import cites, report_findings
from govreport.report.model import Details, Long, Quote, Section, Table, original
from govreport.report.wording import enum, fmt_number, is_missing, metric_name, plain, quantity, term, unit_text

_FACT_NUMBER = re.compile(r"#f(\d+)$")


def table_metric(fact: pd.Series) -> Optional[str]:
    """The table metric a whole or single figure names, as ingest stored it (None: a part, a rate, or a
    subject no table reports)."""
    metric = fact["table_metric"]
    return None if is_missing(metric) else str(metric)


def reading_order(fact_id: Any) -> int:
    match = _FACT_NUMBER.search(str(fact_id))
    return int(match.group(1)) if match else 0


@takes_dataset
def report_facts(data: Dataset, report_id: str) -> Optional[pd.DataFrame]:
    """The prose facts of one report in reading order; None when no facts table was produced."""
    stored = data.table("facts")
    if "fact_id" not in stored.columns:
        return None
    rows = rows_for(stored, report_id)
    if rows.empty:
        return rows
    rows = rows.assign(_order=rows["fact_id"].map(reading_order))
    return rows.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _subject_text(subject: Any, lang: str, metric: Any = None) -> str:
    """The subject phrase, or nothing: a figure whose subject was not recognised is shown bare.

    The phrase is the report's Chinese: outside Chinese a figure is named by the table metric it stands
    for (catalog English), else shown bare beside the quoted source sentence."""
    if lang != "zh":
        return "" if is_missing(metric) or not str(metric).strip() else metric_name(str(metric), lang)
    return "" if is_missing(subject) or not str(subject).strip() else str(subject)


def _figure(subject: Any, value: Any, unit: Any, lang: str, metric: Any = None) -> str:
    return f"{_subject_text(subject, lang, metric)} {quantity(value, unit, lang)}".strip()


def _gap(lang: str) -> str:
    """The space English needs between two catalog phrases (the catalog keeps no edge spaces; Chinese none)."""
    return "" if lang == "zh" else " "


def _row_figure(row: pd.Series, lang: str) -> str:
    return _figure(row["subject"], row["value"], row["unit"], lang, row.get("table_metric"))


@dataclass
class FactGroup:
    """The figures of one prose sentence, and how they relate to the tables."""

    sentence: str
    section: str
    rows: pd.DataFrame
    order: int
    covered: list[str]          # metrics of these figures that the tables do report
    silent: list[str]           # metrics of these figures that the tables leave without a number

    @property
    def has_rate(self) -> bool:
        return bool((self.rows["role"].astype(str) == "rate").any())

    @property
    def has_whole(self) -> bool:
        return bool((self.rows["role"].astype(str) == "whole").any())

    @property
    def highlight(self) -> bool:
        """Worth a sentence of its own: a total with parts, a rate, or a figure the tables lack."""
        return self.has_rate or self.has_whole or bool(self.silent)

    def rank(self) -> tuple[int, int, int]:
        """Figures the tables are silent on first; rates before totals before single figures."""
        kind = 0 if self.has_rate else (1 if self.has_whole else 2)
        return (1 if self.covered else 0, kind, self.order)


@takes_dataset
def prose_groups(data: Dataset, report_id: str) -> list[FactGroup]:
    """Facts grouped by sentence, each marked with what the tables say about the same metric."""
    facts = report_facts(data, report_id)
    if facts is None or facts.empty:
        return []
    table = totals(rows_for(data.table("values"), report_id))
    reported = set() if table.empty else set(table.loc[table["value"].notna(), "metric"].astype(str))
    groups = []
    for order, (sentence, rows) in enumerate(facts.groupby("sentence", sort=False)):
        covered, silent = [], []
        for _, row in rows.iterrows():
            metric = table_metric(row)
            if metric is not None:
                (covered if metric in reported else silent).append(metric)
        groups.append(FactGroup(str(sentence), plain(rows["section"].iloc[0], "zh"), rows.reset_index(drop=True),
                                order, covered, silent))
    return groups


def _group_statement(group: FactGroup, lang: str) -> str:
    """'转办市民有效诉求件 4491 件（其中：…），办结 4475 件，办结率 99.64%。'"""
    rows = group.rows
    ids = set(rows["fact_id"].astype(str))
    pieces = []
    for _, row in rows.iterrows():
        parent = row.get("parent_fact_id")
        if str(row["role"]) == "part" and not is_missing(parent) and str(parent) in ids:
            continue
        text = _row_figure(row, lang)
        parts = rows[rows["parent_fact_id"].astype(str) == str(row["fact_id"])]
        if str(row["role"]) == "whole" and not parts.empty:
            sep = "、" if lang == "zh" else ", "
            text += ("" if lang == "zh" else " ") + term("facts.parts", lang, items=sep.join(
                _row_figure(p, lang) for _, p in parts.iterrows())).lstrip()
        pieces.append(text)
    return term("facts.group", lang, items=("，" if lang == "zh" else ", ").join(pieces))


def _rate_operands(group: FactGroup, computed: float) -> Optional[tuple[pd.Series, pd.Series]]:
    """The (numerator, denominator) facts of the sentence that give ``computed`` percent."""
    counts = [(i, r) for i, r in group.rows.iterrows() if str(r["role"]) != "rate"]
    # the total comes first in the sentence ("受理 2525 件，办结 2525 件"): denominator before numerator
    found = [(n, d) for j, d in counts for i, n in counts if j < i and float(d["value"]) != 0
             and n["unit"] == d["unit"] and abs(100.0 * float(n["value"]) / float(d["value"]) - computed) < 1e-4]
    return found[0] if len(found) == 1 else None


def _check_statements(group: FactGroup, findings: pd.DataFrame, lang: str) -> list[str]:
    """What the fact.part_whole / fact.rate checks found for this sentence, in words."""
    out = []
    if findings.empty:
        return out
    cited = findings[findings["evidence"].map(lambda e: cites(e, group.sentence))]
    rows = group.rows
    for _, finding in cited.iterrows():
        rule, state = str(finding["rule"]), str(finding["state"])
        left, right = finding["left"], finding["right"]
        if rule == "fact.part_whole":
            wholes = rows[(rows["role"].astype(str) == "whole") & (rows["value"] == left)]
            unit = wholes["unit"].iloc[0] if not wholes.empty else ""
            subject = _subject_text(wholes["subject"].iloc[0], lang, wholes.iloc[0].get("table_metric")) if not wholes.empty else ""
            key = {"pass": "facts.check.parts_pass", "fail": "facts.check.parts_fail"}.get(
                state, "facts.check.parts_unclear")
            diff = "" if is_missing(left) or is_missing(right) else quantity(abs(float(left) - float(right)), unit, lang)
            out.append(term(key, lang, subject=subject, whole=quantity(left, unit, lang),
                            sum=quantity(right, unit, lang), diff=diff))
        elif rule == "fact.rate":
            rates = rows[(rows["role"].astype(str) == "rate") & (rows["value"] == left)]
            subject = _subject_text(rates["subject"].iloc[0], lang, rates.iloc[0].get("table_metric")) if not rates.empty else ""
            stated = quantity(left, "%", lang)
            if state == "not_assessable" or is_missing(right):
                out.append(term("facts.check.rate_unclear", lang, subject=subject, rate=stated))
                continue
            computed = f"{float(right):.2f}%"
            operands = _rate_operands(group, float(right))
            verdict = term(f"facts.check.rate_{'pass' if state == 'pass' else 'fail'}", lang,
                           subject=subject, rate=stated, computed=computed)
            if operands is not None:
                n, d = operands
                out.append(term("facts.check.rate_formula", lang,
                                numerator=f"{_subject_text(n['subject'], lang, n.get('table_metric'))} {fmt_number(n['value'], lang)}".strip(),
                                denominator=f"{_subject_text(d['subject'], lang, d.get('table_metric'))} {fmt_number(d['value'], lang)}".strip(),
                                computed=computed) + _gap(lang) + verdict)
            else:
                out.append(term("facts.check.rate_computed", lang, computed=computed) + _gap(lang) + verdict)
    return out


def _silent_statement(group: FactGroup, names: dict[str, str], lang: str) -> Optional[str]:
    """Which figures of the sentence the tables have no number for, with the standard metric."""
    if not group.silent:
        return None
    items = []
    for _, row in group.rows.iterrows():
        metric = table_metric(row)
        if metric in group.silent:
            items.append(term("facts.silent_item", lang, figure=_row_figure(row, lang),
                              name=names.get(metric, metric)))
    return term("facts.silent", lang, items=("、" if lang == "zh" else "; ").join(items))


def _vs_table_blocks(data: Dataset, report_id: str, findings: pd.DataFrame, lang: str) -> list[Union[str, Quote]]:
    """Prose figure against the table figure for the same metric (fact.vs_table:* findings)."""
    if findings.empty:
        return []
    checks = findings[findings["rule"].astype(str).str.startswith("fact.vs_table:")]
    if checks.empty:
        return []
    facts = report_facts(data, report_id)
    table = totals(rows_for(data.table("values"), report_id))
    blocks: list[Union[str, Quote]] = [term("facts.vs_table_intro", lang)]
    for _, finding in checks.iterrows():
        metric = str(finding["rule"]).split(":", 1)[1]
        candidates = facts[pd.Series([table_metric(f) == metric for _, f in facts.iterrows()], index=facts.index,
                                     dtype=bool)]
        cited = candidates[candidates["sentence"].map(lambda s: cites(finding["evidence"], s))]
        fact = (cited if not cited.empty else candidates).iloc[0] if not candidates.empty else None
        table_row = metric_row(table, metric)
        name = label(table_row, lang, fallback=metric_names(data, lang).get(metric, metric))
        table_unit = table_row.get("unit") if table_row is not None else None
        prose = (_row_figure(fact, lang)
                 if fact is not None else fmt_number(finding["left"], lang))
        state = str(finding["state"])
        key = {"pass": "facts.vs_table.pass", "fail": "facts.vs_table.fail"}.get(state, "facts.vs_table.blank")
        blocks.append(term(key, lang, prose=prose, label=name, table=quantity(finding["right"], table_unit, lang)))
        if fact is not None:
            blocks.append(Quote(str(fact["sentence"]), term("facts.quote", lang), original=lang != "zh"))
    return blocks


def _facts_table(facts: pd.DataFrame, lang: str) -> Table:
    """Every prose figure, readable: roles and units in words, the sentence one click away."""
    subjects = dict(zip(facts["fact_id"].astype(str), facts["subject"]))
    rows = []
    previous_section = previous_sentence = None
    for _, row in facts.iterrows():
        parent = row.get("parent_fact_id")
        section, sentence = plain(row["section"], lang), str(row["sentence"])
        rows.append([
            original(section, lang) if section != previous_section else "",
            original(_subject_text(row["subject"], "zh"), lang), fmt_number(row["value"], lang),
            unit_text(row["unit"], lang), enum("role", row["role"], lang),
            "" if is_missing(parent) else original(_subject_text(subjects.get(str(parent)), "zh"), lang),
            Long(sentence, original=lang != "zh") if sentence != previous_sentence else term("facts.same_sentence", lang),
        ])
        previous_section, previous_sentence = section, sentence
    return Table([term(f"col.{c}", lang) for c in ("section", "subject", "value", "unit", "role", "parent", "sentence")],
                 rows)


@takes_dataset
def facts_section(data: Dataset, report: pd.Series, all_zero: bool, lang: str,
                   names: dict[str, str]) -> Optional[Section]:
    report_id = str(report["report_id"])
    facts = report_facts(data, report_id)
    if facts is None:
        return None
    section = Section("facts", term("section.facts", lang))
    if facts.empty:
        section.blocks.append(term("facts.none", lang))
        return section
    groups = prose_groups(data, report_id)
    findings = report_findings(data, report_id)  # less those dismissed on review
    fact_findings = findings[findings["rule"].astype(str).str.startswith("fact.")] if not findings.empty else findings
    section.blocks.append(term("facts.intro", lang, n=len(facts), k=len(groups)))
    highlights = sorted((g for g in groups if g.highlight), key=FactGroup.rank)
    if highlights:
        section.blocks.append(term("facts.lead_zero" if all_zero else "facts.lead", lang))
        for group in highlights:
            words = [_group_statement(group, lang)]
            silent = _silent_statement(group, names, lang)
            if silent:
                words.append(silent)
            words += _check_statements(group, fact_findings, lang)
            section.blocks.append("".join(words) if lang == "zh" else " ".join(words))
            section.blocks.append(Quote(group.sentence, term("facts.quote", lang), original=lang != "zh"))
    else:
        section.blocks.append(term("facts.no_highlights", lang))
    section.blocks += _vs_table_blocks(data, report_id, fact_findings, lang)
    named = facts["subject"].map(lambda v: bool(_subject_text(v, "zh")))
    section.blocks.append(term("facts.rows", lang, n=int(named.sum())))
    section.blocks.append(_facts_table(facts[named], lang))
    if not named.all():
        bare = facts[~named]
        section.blocks.append(Details(term("facts.bare", lang, n=len(bare)), table=Table(
            [term(f"col.{c}", lang) for c in ("value", "unit", "sentence")],
            [[fmt_number(r["value"], lang), unit_text(r["unit"], lang), Long(str(r["sentence"]), original=lang != "zh")]
             for _, r in bare.iterrows()])))
    return section


@takes_dataset
def prose_pointer(data: Dataset, report_id: str, lang: str) -> Optional[str]:
    """For an all-zero report: the first figure the prose states beyond the tables."""
    groups = sorted((g for g in prose_groups(data, report_id) if g.highlight and not g.covered), key=FactGroup.rank)
    if not groups:
        return None
    first = groups[0].rows.iloc[0]
    example = _row_figure(first, lang)
    return term("overview.see_prose", lang, example=example, section=term("section.facts", lang))


