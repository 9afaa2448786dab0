"""Ingest's assembly: per-report parts -> the combined tables (unchecked; pipeline validates each once).

Only the steps that need more than one report run here: duplicates and two
documents for one agency-year, the cross-year identities, repetition against
the previous year, the reports table and the harmonized series; and the
analyst's reviews (reviews.csv), joined onto the findings after the part cache.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from . import catalog, reviews as review_log
from .engines import read_part
from .errors import failure_code
from .harmonize import harmonize
from .readers.walk import Failure
from .schemas import FINDING_COLUMNS, PLACEHOLDER_COLUMNS, REPORT_COLUMNS, UNMAPPED_COLUMNS, VALUE_COLUMNS
from .timeliness import COLUMNS as TIMELINESS_COLUMNS
from .validate import Cells, check_across_years


def collect(outcomes: list, failures: list[Failure]) -> list[dict]:
    """Read the parts in file order: failures and same-id documents sorted out (byte-identical copies never
    get here: engines.drop_duplicates)."""
    kept, by_id = [], {}
    for outcome in outcomes:
        part = read_part(outcome.part)
        if part["failure"]:
            failures.append(Failure(outcome.path, part["failure"]))
            continue
        part["meta"]["source_file"] = outcome.path
        rid = part["meta"]["report_id"]
        if rid in by_id:  # another document claims the same agency and year: keep both, say so
            _keep_apart(part, by_id[rid])
        by_id[part["meta"]["report_id"]] = part
        kept.append(part)
    kept.sort(key=lambda p: (p["meta"]["agency_id"], p["meta"]["year"]))
    return kept


def _keep_apart(part: dict, first: dict) -> None:
    """A second, different document with the same agency id and year: its report_id gets its content hash,
    and both reports get a finding (two editions, a mislabelled file, or two agencies one id cannot tell)."""
    old, meta = part["meta"]["report_id"], part["meta"]
    new_id = f"{old}~{meta['sha256'][:8]}"
    evidence = (f"{Path(meta['source_file']).name} and {Path(first['meta']['source_file']).name} are different "
                f"documents for {meta['agency']} {meta['year']}; kept as {first['meta']['report_id']} and {new_id}")
    for name in ("values", "unmapped", "findings", "placeholders", "facts", "fact_findings"):
        part[name] = part[name].assign(report_id=new_id)
    for column in ("fact_id", "parent_fact_id"):
        part["facts"][column] = part["facts"][column].map(
            lambda f: f"{new_id}{f[len(old):]}" if isinstance(f, str) and f.startswith(old + "#") else f)
    part["timeliness"] = {**part["timeliness"], "report_id": new_id}
    meta["report_id"] = new_id
    for target in (part, first):
        row = dict(report_id=target["meta"]["report_id"], rule="identify.same_agency_and_year", applicant="total",
                   state="fail", left=math.nan, right=math.nan, evidence=evidence, blanks_as_zero=False)
        target["findings"] = pd.concat([target["findings"], pd.DataFrame([row], columns=FINDING_COLUMNS)],
                                       ignore_index=True)


def tables(parts: list[dict], failures: list[Failure], reviews: review_log.Reviews = None,
           duplicates: list = ()) -> dict:
    """Every output table of one ingest, from the kept parts (sorted by agency and year) and the reviews;
    the byte-identical copies not read (``duplicates``, engines.Duplicate) are a table of their own, apart
    from the failures: a copy is no failure."""
    reviews = reviews or review_log.Reviews()
    failures.extend(reviews.problems)
    tabled = _frame([p["findings"] for p in parts] + [pd.DataFrame(_cross_year(parts), columns=FINDING_COLUMNS)],
                    FINDING_COLUMNS)
    reports = pd.DataFrame([{k: p["meta"][k] for k in REPORT_COLUMNS} for p in parts], columns=REPORT_COLUMNS)
    findings, decided = review_log.apply(_frame([tabled] + [p["fact_findings"] for p in parts], FINDING_COLUMNS),
                                         reports, reviews)
    if len(reports):
        table = findings.iloc[:len(tabled)]  # the report's own sums (not prose notes), less those dismissed on review
        arithmetic = [catalog.is_arithmetic_failure(r, s) and d != "dismissed"
                      for r, s, d in zip(table["rule"], table["state"], table["review"])]
        fails = table[arithmetic].groupby("report_id").size()
        reports["n_failed_rules"] = reports["report_id"].map(fails).fillna(0).astype(int)
    values = _frame([p["values"] for p in parts], VALUE_COLUMNS)
    out = {"reports": reports, "values": values,
           "unmapped": _frame([p["unmapped"] for p in parts], UNMAPPED_COLUMNS),
           "placeholders": _frame([p["placeholders"] for p in parts], PLACEHOLDER_COLUMNS),
           "findings": findings, "reviews": decided,
           "harmonized": harmonize(reports, values)}
    out.update(_prose(parts, reports))
    out["failures"] = pd.DataFrame([dict(path=f.path, problem=f.problem, code=failure_code(f.problem)) for f in failures],
                                   columns=["path", "problem", "code"])
    out["duplicates"] = pd.DataFrame([dict(path=d.path, duplicate_of=d.duplicate_of, sha256=d.sha256)
                                      for d in duplicates], columns=["path", "duplicate_of", "sha256"])
    out["data_dictionary"] = data_dictionary()
    return out


def _frame(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _cross_year(parts: list[dict]) -> list[dict]:
    by_agency: dict[str, dict[int, dict]] = {}
    for p in parts:
        by_agency.setdefault(p["meta"]["agency_id"], {})[p["meta"]["year"]] = p
    out = []
    for years in by_agency.values():
        for year, cur in sorted(years.items()):
            prev = years.get(year - 1)
            if prev is None or "legacy" in (prev["meta"]["template"], cur["meta"]["template"]):
                continue
            out.extend(check_across_years(cur["meta"]["report_id"], cur["meta"]["template"], _cells(cur), _cells(prev)))
    return out


def _cells(part: dict) -> Cells:
    return Cells(part["values"].to_dict("records"), part["placeholders"].to_dict("records"))


def _prose(parts: list[dict], reports: pd.DataFrame) -> dict:
    """Facts and timeliness (computed per report in its part) and repetition (previous year's sentences)."""
    from .facts import FACT_COLUMNS
    from .repetition import PASSAGE_COLUMNS, REPETITION_COLUMNS

    shares, passages = _repetition(reports, {p["meta"]["report_id"]: p["sentences"] for p in parts})
    return {"facts": _frame([p["facts"] for p in parts], FACT_COLUMNS),
            "repetition": pd.DataFrame(shares, columns=REPETITION_COLUMNS),
            "repetition_passages": pd.DataFrame(passages, columns=PASSAGE_COLUMNS),
            "timeliness": pd.DataFrame([p["timeliness"] for p in parts], columns=TIMELINESS_COLUMNS)}


def _repetition(reports: pd.DataFrame, sentences: dict) -> tuple[list[dict], list[dict]]:
    """repetition.repetition_tables over stored sentence lists instead of documents (same rules)."""
    from .repetition import repeated_share_sentences

    rows, passages = [], []
    usable = reports.dropna(subset=["agency_id", "year"]).drop_duplicates(["agency_id", "year"])
    by_key = {(r.agency_id, int(r.year)): r.report_id for r in usable.itertuples()}
    for r in usable.sort_values(["agency_id", "year"]).itertuples():
        prev_id = by_key.get((r.agency_id, int(r.year) - 1))
        if prev_id is None:
            continue
        res = repeated_share_sentences(sentences[prev_id], sentences[r.report_id])
        rows.append(dict(report_id=r.report_id, previous_report_id=prev_id, agency_id=r.agency_id, year=int(r.year),
                         n_sentences=res.n_sentences, n_repeated=res.n_repeated, share=res.share))
        passages.extend(dict(report_id=r.report_id, passage_no=k, passage=text) for k, text in enumerate(res.passages, 1))
    return rows, passages


def data_dictionary() -> pd.DataFrame:
    """Metric id, labels and unit per metric, generated from the label catalog."""
    rows = []
    for m in catalog.metrics().values():
        rows.append(dict(metric=m.metric, name_zh=m.name_zh, name_en=m.name_en, unit=m.unit,
                         section=m.section or f"legacy.{m.legacy_section}", legacy_section=m.legacy_section,
                         templates=" ".join(t for t in catalog.TEMPLATES if m.labels[t]) or "derived",
                         label_legacy=m.labels["legacy"], label_gb2019=m.labels["gb2019"],
                         label_gb2021=m.labels["gb2021"]))
    return pd.DataFrame(rows)
