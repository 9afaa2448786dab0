"""Prose figures followed across years: one agency's same figure, year after year.

Two figures of different years belong together when they have the same unit and
their subject phrases match (subjects_match). The result is stored as table
"fact_series" during ingest, so the comparison page reads it instead of rebuilding it.
"""
from __future__ import annotations

import re
from collections import namedtuple
from functools import lru_cache
from typing import Any

import pandas as pd

from govreport.extract.fact_lexicon import lexicon
from govreport.extract.facts import fact_number
from govreport.schemas import TABLES, columns
from govreport.text.normalize import nfkc

FACT_SERIES_COLUMNS = columns("fact_series")

_CLAUSE_SPLIT = re.compile(r"([,，])")


# --------------------------------------------------------------------------- subject phrases

def _drop_enumerations(text: str) -> str:
    """Remove "A、B和C等" lists: in each comma-free stretch, everything up to its last 等
    when a 、 comes before that 等. The same result as substituting the regex
    ``[^、,，]*(?:、[^、,，]*)+等`` away, in linear time (the regex, tried at every
    start, is quadratic in a long stretch)."""
    pieces = _CLAUSE_SPLIT.split(text)
    for k in range(0, len(pieces), 2):
        piece = pieces[k]
        first, last = piece.find("、"), piece.rfind("等")
        if 0 <= first < last:
            pieces[k] = piece[last + 1:]
    return "".join(pieces)


@lru_cache(maxsize=65536)
def subject_key(subject: str) -> str:
    """A comparison key for a subject phrase: no quotes, enumerations (A、B和C等) or markers.
    Cached: one subject recurs in many facts and anchors, report after report."""
    text = nfkc(str(subject))
    text = _drop_enumerations(text)
    text = re.sub(r"[“”\"'‘’《》〈〉<>()（）\s]", "", text)
    lex = lexicon()
    for marker in lex.total_markers + lex.subject_stopwords:
        text = text.replace(marker, "")
    for word, canonical in lex.subject_synonyms:
        text = text.replace(word, canonical)
    return text


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def subjects_match(a: str, b: str) -> bool:
    """True when two subject phrases name the same thing across years.

    Equal keys match; so does a key that is a character subsequence of the
    other when both end in the same three characters (the head noun), e.g.
    转办有效诉求件 (2018, after dropping 市民咨询、…等) and 转办市民有效诉求件 (2021).
    """
    return _keys_match(subject_key(a), subject_key(b))


def _keys_match(ka: str, kb: str) -> bool:
    """subjects_match on two subject keys."""
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    return len(short) >= 4 and short[-3:] == long[-3:] and _is_subsequence(short, long)


def _head(key: str) -> tuple[bool, str]:
    """What two matching keys share: the whole key when shorter than four characters (only an equal key
    matches it), else its last three characters (the head noun); keys of different heads never match."""
    return (True, key) if len(key) < 4 else (False, key[-3:])


# --------------------------------------------------------------------------- series

def fact_series(facts: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Every agency's prose figures that can be followed across years (FACT_SERIES_COLUMNS).

    ``reports`` needs report_id, agency_id and year; an agency's first report (by
    report_id) of each year is read. A year with several matching figures of
    different values keeps only those whose sentence is about the same thing (the
    sentence's first subject matches too: 2018's 办结 2525 of 转办有效诉求件, not
    办结 21525 of 便民服务事项); if that still leaves a choice the year is dropped
    rather than guessed. Series seen in fewer than two years are left out. A bare
    word such as 办结 gets ``context``: what its sentence is about (else "").
    Rows come in page order: by agency_id, series_no (the series whose latest
    figure comes first in the latest report first), year.
    """
    rows = [row for agency_id, agency_facts in _facts_by_agency(facts, reports)
            for row in _agency_series(str(agency_id), agency_facts)]
    if not rows:
        return _empty()
    return pd.DataFrame(rows, columns=FACT_SERIES_COLUMNS)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=dtype) for c, dtype in TABLES["fact_series"].dtypes.items()})


_Fact = namedtuple("_Fact", "Index report_id fact_id subject value unit sentence role year reading")


def _facts_by_agency(facts: pd.DataFrame, reports: pd.DataFrame):
    """(agency_id, its facts that have a subject, with year and reading order, sorted by both, numbered in that
    order: ``Index``). The facts of every agency are made plain records in one pass over the columns, not a
    pandas frame per agency (its group, drop, sort and rows were most of fact_series' time)."""
    if facts is None or facts.empty or reports is None or reports.empty:
        return
    usable = reports.assign(year=pd.to_numeric(reports["year"], errors="coerce"))
    usable = usable[usable["agency_id"].notna() & usable["year"].notna()]
    usable = usable.assign(agency_id=usable["agency_id"].astype(str), report_id=usable["report_id"].astype(str),
                           year=usable["year"].astype(int))
    usable = usable.sort_values(["agency_id", "year", "report_id"]).drop_duplicates(["agency_id", "year"])
    year_of = dict(zip(usable["report_id"], usable["year"]))
    agency_of = dict(zip(usable["report_id"], usable["agency_id"]))
    named = facts[facts["subject"].notna() & (facts["subject"].astype(str).str.strip() != "")]
    named = named.assign(report_id=named["report_id"].astype(str))
    named = named[named["report_id"].isin(year_of)]
    by_agency: dict[str, list] = {}
    for rid, *rest in zip(*(named[c].tolist() for c in ("report_id", "fact_id", "subject", "value", "unit",
                                                          "sentence", "role"))):
        by_agency.setdefault(agency_of[rid], []).append((year_of[rid], fact_number(rest[0]), rid, *rest))
    for agency_id in sorted(by_agency):
        mine = sorted(by_agency[agency_id], key=lambda f: f[:2])  # stable: as the frame's sort by year, reading
        yield agency_id, [_Fact(k, *f[2:], f[0], f[1]) for k, f in enumerate(mine)]


def _agency_series(agency_id: str, facts: list) -> list[dict]:
    """The series of one agency's facts (``_Fact`` records), numbered in page order: its rows."""
    anchors = _anchor_subjects(facts)
    rows = []
    for members in _matching_groups(facts):
        chosen = _one_per_year(members, anchors)
        if len(chosen) < 2:
            continue
        phrase, context = _series_label(chosen, anchors)
        latest = max(chosen)
        first = (-latest, chosen[latest].reading)
        for year in sorted(chosen):
            r = chosen[year]
            rows.append({"agency_id": agency_id, "phrase": phrase, "context": context, "year": int(year),
                         "subject": str(r.subject), "value": float(r.value), "unit": str(r.unit),
                         "sentence": str(r.sentence), "report_id": str(r.report_id), "fact_id": str(r.fact_id),
                         "_first": first})
    rows.sort(key=lambda row: (row["_first"], row["phrase"], row["context"], row["year"]))  # stable
    order = {key: n for n, key in enumerate(dict.fromkeys((r["phrase"], r["context"], r["_first"]) for r in rows), 1)}
    for row in rows:
        row["series_no"] = order[(row["phrase"], row["context"], row.pop("_first"))]
    return rows


def _anchor_subjects(facts: list) -> dict[str, str]:
    """fact_id -> subject of the first count in its sentence (what a bare 办结 or 办结率 belongs to).
    Plain loops over the records: a pandas group per sentence cost most of fact_series' time."""
    sentences: dict[tuple, list] = {}  # (report_id, sentence) -> its facts' (role, subject, fact_id), in order
    for f in facts:
        if not (pd.isna(f.report_id) or pd.isna(f.sentence)):  # as groupby: a missing key makes no group
            sentences.setdefault((f.report_id, f.sentence), []).append((f.role, f.subject, f.fact_id))
    anchors = {}
    for rows in sentences.values():
        first = next((str(subject) for role, subject, _ in rows if str(role) != "rate"), "")
        anchors.update({str(f): first for _, _, f in rows})
    return anchors


def _matching_groups(records: list) -> list[list]:
    """Facts joined across years when units agree and subject phrases match (union-find over pairs)."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _matching_pairs(records):
        parent[find(j)] = find(i)
    groups: dict[int, list] = {}
    for r in records:
        groups.setdefault(find(r.Index), []).append(r)
    return list(groups.values())


def _matching_pairs(records: list):
    """(Index, Index) of facts of different years, one unit and matching subjects. Each key is computed
    once, and only facts of one unit and key head (_head) are compared: the others cannot match."""
    buckets: dict[tuple, list] = {}
    for r in records:
        key = subject_key(str(r.subject))
        if key and r.unit == r.unit:  # an empty key matches nothing, nor does a missing (NaN) unit
            buckets.setdefault((r.unit, _head(key)), []).append((r.Index, r.year, key))
    for bucket in buckets.values():
        for n, (i, year, key) in enumerate(bucket):
            for j, other_year, other in bucket[n + 1:]:
                if other_year != year and _keys_match(key, other):
                    yield i, j


def _one_per_year(members: list, anchors: dict[str, str]) -> dict[int, Any]:
    """year -> the one fact of the group that year; a year left ambiguous is dropped, never guessed."""
    by_year: dict[int, list] = {}
    for r in members:
        by_year.setdefault(int(r.year), []).append(r)
    if len(by_year) < 2:
        return {}
    chosen = {}
    for year, candidates in by_year.items():
        if len({float(c.value) for c in candidates}) > 1:
            others = [anchors[str(r.fact_id)] for y, rs in by_year.items() if y != year for r in rs]
            candidates = [c for c in candidates if any(subjects_match(anchors[str(c.fact_id)], o) for o in others)]
        if candidates and len({float(c.value) for c in candidates}) == 1:
            chosen[year] = candidates[0]
    return chosen


def _series_label(chosen: dict[int, Any], anchors: dict[str, str]) -> tuple[str, str]:
    """(each year's phrase joined by ' / ', the context a bare short word (办结) needs, else '')."""
    phrases = list(dict.fromkeys(str(chosen[y].subject) for y in sorted(chosen)))
    context = [anchors[str(chosen[y].fact_id)] for y in sorted(chosen)]
    if len(subject_key(phrases[-1])) < 4 and context[-1] != phrases[-1] \
            and all(subjects_match(c, context[-1]) for c in context):
        return " / ".join(phrases), context[-1]
    return " / ".join(phrases), ""
