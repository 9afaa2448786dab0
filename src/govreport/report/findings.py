"""Findings that say what they are: the report's own arithmetic, prose against table, parse quality.

The kind of every rule is data: ``catalog/reasons.csv`` gives it for the
coded findings (``kind`` column), and every identity of ``catalog/rules.csv``
is arithmetic. Only arithmetic failures are errors of the report (勾稽不成立);
a prose figure that differs from the table is a difference shown with both
figures and the sentence; parse findings are the program's confidence, not the
agency's. Evidence is told in sentences (catalog/narrative_evidence.csv), never
as the checker's metric-id string. An analyst's review (reviews.csv) is part of
the record: a dismissed finding is left out of every count and table that could
accuse (``report_findings`` drops it unless asked), and is shown apart with the
reviewer's note; a confirmed one is marked as confirmed on review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

import pandas as pd

from govreport import catalog
from govreport.model import PART_UNREAD
from govreport.report.access import metric_names, rows_for
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.model import Details, Quote, Section, Table, original
from govreport.report.wording import applicant_name, enum, file_name, fmt_number, has_term, is_missing, rule_name, sep, term

# the parse finding (catalog/reasons.csv) of a sum broken by figures read by OCR; its identity's own finding is
# not_assessable with this code in its evidence (checks/identities.py)
OCR_UNCERTAIN = "ocr_uncertain"


@lru_cache(maxsize=None)
def _kinds() -> dict[str, str]:
    return catalog.finding_kinds()


def finding_kind(rule: Any) -> str:
    """'arithmetic', 'prose_vs_table' or 'parse' for a finding's rule ('applicants:total' -> its base)."""
    base = str(rule).split(":", 1)[0]
    try:
        return _kinds()[base]
    except KeyError:
        raise KeyError(f"catalog/rules.csv, catalog/reasons.csv: no rule {base!r}") from None


def with_kind(findings: pd.DataFrame) -> pd.DataFrame:
    if findings.empty:
        return findings.assign(kind=pd.Series(dtype=str))
    return findings.assign(kind=findings["rule"].map(finding_kind))


def review_state(findings: pd.DataFrame) -> pd.Series:
    """'confirmed', 'dismissed' or '' per finding (tables ingested before reviews existed: all '')."""
    if "review" not in findings.columns:
        return pd.Series("", index=findings.index, dtype=str)
    return findings["review"].fillna("").astype(str)


@takes_dataset
def report_findings(data: Dataset, report_id: str, kind: Optional[str] = None, dismissed: bool = False) -> pd.DataFrame:
    """One report's findings with their kind; only ``kind`` when given. Findings dismissed on review are
    left out (so no caller can show them as an accusation) unless ``dismissed``; then they alone."""
    rows = with_kind(rows_for(data.table("findings"), report_id))
    if rows.empty:
        return rows
    rows = rows[(review_state(rows) == "dismissed") == dismissed]
    return rows if kind is None else rows[rows["kind"] == kind]


@dataclass(frozen=True)
class Counts:
    """What the checks of one report found, kept apart by kind."""

    checks: int        # arithmetic checks run
    passed: int
    failed: int        # 勾稽不成立: the report's own figures disagree
    not_assessable: int
    differs: int       # prose figure differs from the table (not an error)
    agrees: int        # prose figure agrees with the table
    parse: int         # the parser's own notes (identification, sections, prose limits)
    confirmed: int = 0  # of ``failed``: confirmed on review
    dismissed: int = 0  # arithmetic checks dismissed on review: in ``checks``, in no other count


@takes_dataset
def counts(data: Dataset, report_id: str) -> Counts:
    rows = report_findings(data, report_id)
    dropped = report_findings(data, report_id, "arithmetic", dismissed=True)
    if rows.empty and dropped.empty:
        return Counts(0, 0, 0, 0, 0, 0, 0)
    state, kind = rows["state"].astype(str), rows["kind"]
    arithmetic = kind == "arithmetic"
    prose = kind == "prose_vs_table"
    failed = arithmetic & (state == "fail")
    return Counts(int(arithmetic.sum()) + len(dropped), int((arithmetic & (state == "pass")).sum()),
                  int(failed.sum()), int((arithmetic & (state == "not_assessable")).sum()),
                  int((prose & (state == "fail")).sum()), int((prose & (state == "pass")).sum()),
                  int((kind == "parse").sum()), int((failed & (review_state(rows) == "confirmed")).sum()),
                  len(dropped))


# --------------------------------------------------------------------------
# evidence in sentences

@lru_cache(maxsize=None)
def _evidence_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(r["pattern"]), r["evidence"]) for r in catalog.read_csv("narrative_rules.csv"))


def cited_sentence(evidence: Any) -> str:
    """The sentence (possibly shortened with …) that a prose finding cites after ' | '."""
    text = "" if is_missing(evidence) else str(evidence)
    return text.split(" | ", 1)[1].rstrip("…") if " | " in text else ""


def cites(evidence: Any, sentence: str) -> bool:
    head = cited_sentence(evidence)
    return bool(head) and str(sentence).startswith(head)


def evidence_sentence(finding: Any, lang: str = "zh", names: Optional[dict[str, str]] = None) -> str:
    """A finding told as a sentence: “行政复议总计”印为 0，而各分项之和为 11。"""
    rule, state = str(finding["rule"]), str(finding["state"])
    base = rule.split(":", 1)[0]
    if finding_kind(rule) == "parse":
        return term(f"reason.{base}", lang) if has_term(f"reason.{base}") else base
    if state == "not_assessable":
        evidence = "" if is_missing(finding["evidence"]) else str(finding["evidence"])
        if OCR_UNCERTAIN in evidence:  # figures read by OCR that disagree: the reading is in doubt, not the report
            return term("evidence.ocr_uncertain", lang)
        return term("evidence.part_unread" if PART_UNREAD in evidence else "evidence.not_assessable", lang)
    names = names or {}
    for pattern, key in _evidence_patterns():
        match = pattern.fullmatch(rule)
        if match:
            metric = match.groupdict().get("metric")
            text = term(key, lang, name=names.get(metric, metric) if metric else "",
                        left=fmt_number(finding["left"], lang), right=fmt_number(finding["right"], lang))
            break
    else:
        text = term("evidence.generic", lang, left=fmt_number(finding["left"], lang),
                    right=fmt_number(finding["right"], lang))
    applicant = finding.get("applicant") if hasattr(finding, "get") else None
    if not is_missing(applicant) and str(applicant) not in ("total", ""):
        text += term("evidence.applicant", lang, applicant=applicant_name(applicant, lang))
    return text


# --------------------------------------------------------------------------
# the three sections of a report page

@takes_dataset
def checks_section(data: Dataset, report_id: str, lang: str) -> Section:
    """勾稽关系: the report's own arithmetic (table identities, prose totals and rates)."""
    section = Section("checks", term("section.checks", lang))
    rows = report_findings(data, report_id, "arithmetic")
    c = counts(data, report_id)
    if not c.checks:
        section.blocks.append(term("quality.no_findings", lang))
        return section
    section.blocks.append(term("quality.findings_reviewed" if c.dismissed else "quality.findings", lang, n=c.checks,
                               passed=c.passed, failed=c.failed, na=c.not_assessable, dismissed=c.dismissed))
    if "blanks_as_zero" in rows.columns:
        blanks = int(rows["blanks_as_zero"].fillna(False).astype(bool).sum())
        if blanks:
            section.blocks.append(term("quality.blanks", lang, n=blanks))
    shown = rows[rows["state"].astype(str) != "pass"]
    if not shown.empty:
        names = metric_names(data, lang)
        section.blocks.append(term("quality.failed_intro", lang))
        section.blocks.append(Table(
            [term(f"col.{c}", lang) for c in ("rule", "state", "finding")],
            [[rule_name(r["rule"], names, lang), _state_text(r, lang),
              _with_review(evidence_sentence(r, lang, names), r, lang)] for _, r in shown.iterrows()]))
    section.blocks += dismissed_blocks(data, report_id, "arithmetic", lang)
    return section


def _state_text(finding: Any, lang: str) -> str:
    """The check's result, marked when an analyst confirmed it (不成立（已复核确认）)."""
    text = enum("state", finding["state"], lang)
    return _join(text, term("reviewed.confirmed_mark", lang), lang) if _review_of(finding) == "confirmed" else text


def _review_of(finding: Any) -> str:
    value = finding.get("review") if hasattr(finding, "get") else None
    return "" if is_missing(value) else str(value)


def _review_text(finding: Any, lang: str, labelled: bool = True) -> str:
    """A reviewed finding's note: 复核说明：…（张三，2026-12-01）; '' when not reviewed. Without the label
    in a column that says what it is."""
    if not _review_of(finding):
        return ""
    who = [str(finding.get(c)) for c in ("reviewer", "review_date")
           if not is_missing(finding.get(c)) and str(finding.get(c))]
    note = str(finding.get("review_note", "")).strip()
    note = term("reviewed.note", lang, note=note) if labelled else note
    return _join(note, term("reviewed.who", lang, who=sep(lang, "comma").join(who)), lang) if who else note


def _with_review(sentence: str, finding: Any, lang: str) -> str:
    note = _review_text(finding, lang)
    return _join(sentence, note, lang) if note else sentence


def _join(text: str, more: str, lang: str) -> str:
    """Two pieces of wording: a space between them in English, none in Chinese."""
    return f"{text} {more}" if lang == "en" else f"{text}{more}"


@takes_dataset
def dismissed_blocks(data: Dataset, report_id: str, kind: str, lang: str) -> list:
    """Findings of ``kind`` an analyst dismissed: shown apart under a note, each with the reviewer's note,
    never as an error of the report."""
    rows = report_findings(data, report_id, kind, dismissed=True)
    if rows.empty:
        return []
    names = metric_names(data, lang)
    return [term("reviewed.dismissed_intro", lang, n=len(rows)), Table(
        [term(f"col.{c}", lang) for c in ("rule", "finding", "review")],
        [[rule_name(r["rule"], names, lang), evidence_sentence(r, lang, names), _review_text(r, lang, labelled=False)]
         for _, r in rows.iterrows()])]


@takes_dataset
def differs_section(data: Dataset, report_id: str, lang: str) -> Optional[Section]:
    """Prose against table: differences shown with both figures and the sentence, never counted as errors."""
    rows = report_findings(data, report_id, "prose_vs_table")
    if rows.empty and report_findings(data, report_id, "prose_vs_table", dismissed=True).empty:
        return None
    section = Section("differs", term("section.differs", lang))
    c = counts(data, report_id)
    section.blocks.append(term("differs.count", lang, n=len(rows), differs=c.differs, agrees=c.agrees))
    names = metric_names(data, lang)
    for _, r in rows[rows["state"].astype(str) == "fail"].iterrows():
        section.blocks.append(evidence_sentence(r, lang, names))
        sentence = cited_sentence(r["evidence"])
        if sentence:
            section.blocks.append(Quote(sentence, term("facts.quote", lang), original=lang != "zh"))
    if c.differs:
        section.blocks.append(term("differs.not_error", lang))
    section.blocks += dismissed_blocks(data, report_id, "prose_vs_table", lang)
    return section


def _parse_summary(data: Dataset, report_id: str, lang: str, n_read: int) -> list[str]:
    reports = rows_for(data.table("reports"), report_id)
    if reports.empty or "n_exact" not in reports.columns:
        return []
    r = reports.iloc[0]
    numbers = {k: 0 if is_missing(r.get(k)) else int(r.get(k)) for k in ("n_exact", "n_fuzzy", "n_blank", "n_values", "n_derived")}
    return [term("parse.summary", lang, exact=numbers["n_exact"], fuzzy=numbers["n_fuzzy"],
                 blank=numbers["n_blank"], n=n_read, derived=numbers["n_derived"])]


def _fuzzy_table(values: pd.DataFrame, names: dict[str, str], lang: str) -> Optional[Table]:
    if values.empty or "provenance" not in values.columns:
        return None
    fuzzy = values[values["provenance"].astype(str) == "matched_fuzzy"]
    if fuzzy.empty:
        return None
    score = fuzzy["match_score"] if "match_score" in fuzzy.columns else pd.Series(float("nan"), index=fuzzy.index)
    return Table([term(f"col.{c}", lang) for c in ("label", "standard", "applicant", "value", "score")],
                 [[original(str(r["source_label"]), lang), names.get(str(r["metric"]), str(r["metric"])),
                   applicant_name(r.get("applicant"), lang), fmt_number(r["value"], lang),
                   "" if is_missing(s) else f"{float(s):.2f}"] for (_, r), s in zip(fuzzy.iterrows(), score)])


@takes_dataset
def parse_section(data: Dataset, report_id: str, values: pd.DataFrame, lang: str, n_read: Optional[int] = None) -> Section:
    """解析质量: how sure the program is of what it read (not a judgement of the report)."""
    section = Section("parse", term("section.parse", lang))
    section.blocks.append(term("parse.intro", lang))
    section.blocks += _parse_summary(data, report_id, lang, len(values) if n_read is None else n_read)
    names = metric_names(data, lang)
    fuzzy = _fuzzy_table(values, names, lang)
    if fuzzy is not None:
        section.blocks += [term("parse.fuzzy", lang, n=len(fuzzy.rows)), fuzzy]
    notes = report_findings(data, report_id, "parse")
    for _, r in notes.iterrows():
        section.blocks.append(_with_review(evidence_sentence(r, lang, names), r, lang))
    section.blocks += dismissed_blocks(data, report_id, "parse", lang)
    unmapped = rows_for(data.table("unmapped"), report_id)
    if unmapped.empty:
        section.blocks.append(term("quality.no_unmapped", lang))
    else:
        section.blocks.append(term("quality.unmapped", lang, n=len(unmapped)))
        section.blocks.append(Table([term(f"col.{c}", lang) for c in ("section", "label", "raw", "reason")], [
            [enum("table_section", r.get("section"), lang), original(str(r.get("source_label", "")), lang),
             original(str(r.get("raw", "")), lang),
             enum("reason", r.get("reason"), lang)] for _, r in unmapped.iterrows()]))
    return section


# --------------------------------------------------------------------------
# the methods note: how derived values were computed, in words

@lru_cache(maxsize=None)
def _formulas(template: str) -> dict[str, list[str]]:
    """metric -> the metrics its identity adds up in one format (the right side of rules.csv)."""
    rows = [r for r in catalog.read_csv("rules.csv") if template in r["templates"].split()]
    left = {r["rule"]: r["metric"] for r in rows if r["side"] == "left"}
    parts: dict[str, list[str]] = {}
    for r in rows:
        if r["side"] == "right" and r["rule"] in left and r["metric"] != "*":
            listed = parts.setdefault(left[r["rule"]], [])
            if r["metric"] not in listed:
                listed.append(r["metric"])
    return parts


@takes_dataset
def methods_section(data: Dataset, report: pd.Series, values: pd.DataFrame, lang: str) -> Section:
    """A short readable note: where the figures come from (file and its sha256) and how derived values were made."""
    section = Section("methods", term("section.methods", lang))
    template = str(report["template"])
    derived = values[values["provenance"].astype(str) == "derived"] if not values.empty else values
    section.blocks.append(term("methods.read", lang))
    digest = report.get("sha256")
    if not is_missing(digest):
        section.blocks.append(term("methods.source", lang, file=file_name(report.get("source_file"), lang),
                                   sha256=str(digest)))
    if derived.empty:
        section.blocks.append(term("quality.no_derived", lang))
        return section
    names = metric_names(data, lang)
    section.blocks.append(term("methods.derived", lang, n=len(derived)))
    items = []
    for metric, rows in derived.groupby(derived["metric"].astype(str), sort=False):
        parts = _formulas(template).get(metric, [])
        formula = (" + " if lang == "en" else "＋").join(names.get(p, p) for p in parts) if parts else ""
        key = "methods.formula" if formula else "methods.formula_unknown"
        items.append(term(key, lang, name=names.get(metric, metric), formula=formula, n=len(rows)))
    section.blocks.append(Details(term("methods.list", lang, n=len(items)), items=items, ordered=False))
    return section


# --------------------------------------------------------------------------
# a harmonized value whose printed total the report's own parts contradict

def _series_terms(series: str, template: str) -> set[str]:
    return {t for spec in catalog.crosswalk() if spec.series == series and spec.template == template for t in spec.terms}


@takes_dataset
def series_contradiction(data: Dataset, report_id: str, series: str, template: str) -> tuple[pd.DataFrame, Optional[float]]:
    """The broken identities (applicant total) under one harmonized value, and what its parts add up to.

    A series is built from crosswalk terms; an identity on a term (行政复议总计)
    or on a part of a term (复议后起诉总计 inside 行政诉讼总计) that fails means
    the point is drawn from a total its parts contradict. The parts' sum is
    known only when the failing identity is on the term itself.
    """
    rows = report_findings(data, report_id, "arithmetic")
    if rows.empty:
        return rows, None
    terms = _series_terms(series, template)
    metrics = terms | {p for t in terms for p in _formulas(template).get(t, [])}
    hits = rows[(rows["state"].astype(str) == "fail") & (rows["applicant"].astype(str) == "total")
                & rows["rule"].astype(str).isin(metrics)]
    direct = hits[hits["rule"].astype(str).isin(terms)]
    return hits, (float(direct["right"].iloc[0]) if not direct.empty and not is_missing(direct["right"].iloc[0])
                  else None)
