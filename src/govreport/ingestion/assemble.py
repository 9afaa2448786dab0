"""Ingest's assembly: per-report parts -> the combined tables (unchecked; pipeline validates each once).

Only the steps that need more than one report run here: two documents for one agency-year, the cross-year
identities, repetition against the previous year, the reports table, the harmonized series and the
cross-year fact series; and the analyst's reviews (reviews.csv), joined onto the findings after the part
cache.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from govreport.checks.identities import Cells, check_across_years
from govreport.checks.repetition import repetition_tables
from govreport import catalog
from govreport.harmonize.crosswalk import harmonize
from govreport.harmonize.facts import fact_series
from govreport.ingestion import reviews as review_log
from govreport.ingestion.corpus import read_part
from govreport.ingestion.discover import Failure
from govreport.model import ParsedReport, finding
from govreport.records import is_table_failure, report_row
from govreport.schemas import columns, data_dictionary


def collect(outcomes: list, failures: list[Failure], stored=None) -> list[ParsedReport]:
    """Read the parts in file order: failures and same-id documents sorted out (byte-identical copies never
    get here: corpus.drop_duplicates). ``stored(path)`` is the part of an input kept from an earlier run whose
    part is not cached (additive.Stored.part), or None."""
    kept, by_id = [], {}
    for outcome in outcomes:
        part = stored(outcome.path) if stored is not None and not Path(outcome.part).exists() else None
        part = part or read_part(outcome.part)
        if part["failure"]:
            failures.append(Failure(outcome.path, part["failure"]))
            continue
        rep = part["report"]
        rep.meta["source_file"] = outcome.path
        if rep.report_id in by_id:  # another document claims the same agency and year: keep both, say so
            rep = _keep_apart(rep, by_id[rep.report_id])
        by_id[rep.report_id] = rep
        kept.append(rep)
    kept.sort(key=lambda r: (r.meta["agency_id"], r.meta["year"]))
    return kept


def _keep_apart(rep: ParsedReport, first: ParsedReport) -> ParsedReport:
    """A second, different document with the same agency id and year: its report_id gets its content hash,
    and both reports get a finding (two editions, a mislabelled file, or two agencies one id cannot tell)."""
    meta = rep.meta
    new_id = f"{rep.report_id}~{meta['sha256'][:8]}"
    evidence = (f"{Path(meta['source_file']).name} and {Path(first.meta['source_file']).name} are different "
                f"documents for {meta['agency']} {meta['year']}; kept as {first.report_id} and {new_id}")
    rep = renamed(rep, new_id)
    for target in (rep, first):
        row = finding(target.report_id, "identify.same_agency_and_year", "fail", evidence=evidence)
        target.findings = pd.concat([target.findings, pd.DataFrame([row], columns=columns("findings"))],
                                    ignore_index=True)
    return rep


def renamed(rep: ParsedReport, new_id: str) -> ParsedReport:
    """The report under another report_id (every row, and the fact ids that begin with the old one)."""
    old = rep.report_id
    tables = {name: getattr(rep, name).assign(report_id=new_id)
              for name in ("values", "unmapped", "findings", "placeholders", "facts", "timeliness")}
    for column in ("fact_id", "parent_fact_id"):
        tables["facts"][column] = tables["facts"][column].map(
            lambda f: f"{new_id}{f[len(old):]}" if isinstance(f, str) and f.startswith(old + "#") else f)
    return replace(rep, meta={**rep.meta, "report_id": new_id}, **tables)


def tables(parts: list[ParsedReport], failures: list[Failure], reviews: review_log.Reviews = None,
           duplicates: list = (), stored=None) -> dict:
    """Every output table of one ingest, from the kept parts (sorted by agency and year) and the reviews;
    the byte-identical copies not read (``duplicates``, corpus.Duplicate) are a table of their own, apart
    from the failures: a copy is no failure."""
    reviews = reviews or review_log.Reviews()
    failures.extend(reviews.problems)
    reports = pd.DataFrame([report_row(p.meta) for p in parts], columns=columns("reports"))
    cross = pd.DataFrame(_cross_year(parts), columns=columns("findings"))
    findings, decided = review_log.apply(_frame([p.findings for p in parts] + [cross], "findings"), reports, reviews)
    if len(reports):  # the report's own sums, less those dismissed on review
        failed = [is_table_failure(r, s) and d != "dismissed"
                  for r, s, d in zip(findings["rule"], findings["state"], findings["review"])]
        fails = findings.loc[pd.Series(failed, index=findings.index, dtype=bool)].groupby("report_id").size()
        reports["n_failed_rules"] = reports["report_id"].map(fails).fillna(0).astype(int)
    values = _frame([p.values for p in parts], "values")
    facts = _frame([p.facts for p in parts], "facts")
    shares, passages = _repetition(reports, parts, stored)
    return {"reports": reports, "values": values, "unmapped": _frame([p.unmapped for p in parts], "unmapped"),
            "placeholders": _frame([p.placeholders for p in parts], "placeholders"),
            "findings": findings, "reviews": decided, "harmonized": harmonize(reports, values),
            "facts": facts, "fact_series": fact_series(facts, reports), "repetition": shares,
            "repetition_passages": passages,
            "timeliness": _frame([p.timeliness for p in parts], "timeliness"),
            "failures": pd.DataFrame([dict(path=f.path, problem=f.problem, reason=catalog.failure_code(f.problem))
                                      for f in failures], columns=columns("failures")),
            "duplicates": pd.DataFrame([dict(path=d.path, duplicate_of=d.duplicate_of, sha256=d.sha256)
                                        for d in duplicates], columns=columns("duplicates")),
            "data_dictionary": data_dictionary()}


def _repetition(reports: pd.DataFrame, parts: list[ParsedReport], stored=None) -> tuple:
    """Repetition over the batch; a pair with a report kept from the stored tables (its sentences are not
    stored: None) keeps its stored rows when the stored tables pair the same two reports, else has none."""
    unknown = {p.report_id for p in parts if p.sentences is None}
    shares, passages = repetition_tables(reports, {p.report_id: p.sentences or [] for p in parts})
    if not unknown:
        return shares, passages
    blind = shares["report_id"].isin(unknown) | shares["previous_report_id"].isin(unknown)
    old_shares, old_passages = stored.repetition()
    pairs = set(zip(shares.loc[blind, "report_id"], shares.loc[blind, "previous_report_id"]))
    mask = [pair in pairs for pair in zip(old_shares.get("report_id", ()), old_shares.get("previous_report_id", ()))]
    again = old_shares.loc[pd.Series(mask, index=old_shares.index, dtype=bool)].reindex(columns=shares.columns)
    ids = set(shares.loc[blind, "report_id"])
    old_passages = old_passages.reindex(columns=passages.columns)
    shares = pd.concat([shares[~blind], again], ignore_index=True)
    passages = pd.concat([passages[~passages["report_id"].isin(ids)],
                          old_passages[old_passages["report_id"].isin(set(again["report_id"]))]], ignore_index=True)
    return (shares.sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True),
            passages.reset_index(drop=True))


def _frame(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns(name))


def _cross_year(parts: list[ParsedReport]) -> list[dict]:
    by_agency: dict[str, dict[int, ParsedReport]] = {}
    for p in parts:
        by_agency.setdefault(p.meta["agency_id"], {})[p.meta["year"]] = p
    out = []
    for years in by_agency.values():
        for year, cur in sorted(years.items()):
            prev = years.get(year - 1)
            families = {catalog.template_family(p.meta["template"]) for p in (prev, cur) if p is not None}
            if prev is None or "legacy" in families:
                continue
            out.extend(check_across_years(cur.report_id, cur.meta["template"], _cells(cur), _cells(prev)))
    return out


def _cells(rep: ParsedReport) -> Cells:
    return Cells(rep.values.to_dict("records"), rep.placeholders.to_dict("records"))

