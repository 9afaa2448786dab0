"""The word lists that fact extraction reads prose with, from the catalog.

Verbs, stop words, rate words and the prose-subject -> table-metric map are data
files in ``catalog/`` (fact_lexicon.csv, fact_rates.csv, fact_subjects.csv), read
once through the catalog loader; the units come from the one unit table (text/units.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.text.units import fact_units


@dataclass(frozen=True)
class Lexicon:
    units: dict          # unit -> text.units.FactUnit (fact_units.csv)
    verbs: tuple
    nominals: tuple
    prefixes: tuple
    total_markers: tuple
    part_intro: tuple
    part_stop: tuple
    after_stop: tuple
    guards: tuple
    suffixes: tuple
    unit_blockers: tuple
    cn_prefix_blockers: tuple
    cn_suffix_blockers: tuple
    rates: dict          # rate word -> numerator keyword
    subjects: tuple      # (compiled pattern, metric)
    subject_synonyms: tuple = ()   # (word, canonical word) applied by subject_key
    subject_stopwords: tuple = ()  # words subject_key drops (各类 …)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The domain word lists, read once from catalog/*.csv."""
    words: dict[str, list[str]] = {}
    for r in catalog.read_csv("fact_lexicon.csv"):
        words.setdefault(r["kind"], []).append(r["word"])

    def longest_first(kind):
        return tuple(sorted(words.get(kind, []), key=len, reverse=True))

    rates = {r["rate"]: r["numerator"] for r in catalog.read_csv("fact_rates.csv")}
    subjects = tuple((re.compile(r["pattern"]), r["metric"]) for r in catalog.read_csv("fact_subjects.csv"))
    return Lexicon(
        units=fact_units(),
        verbs=longest_first("verb"),
        nominals=longest_first("nominal"),
        prefixes=longest_first("prefix"),
        total_markers=longest_first("total_marker"),
        part_intro=longest_first("part_intro"),
        part_stop=longest_first("part_stop"),
        after_stop=longest_first("after_stop"),
        guards=longest_first("guard"),
        suffixes=longest_first("suffix"),
        unit_blockers=tuple(words.get("unit_blocker", [])),
        cn_prefix_blockers=longest_first("cn_prefix_blocker"),
        cn_suffix_blockers=tuple(words.get("cn_suffix_blocker", [])),
        rates=dict(sorted(rates.items(), key=lambda kv: len(kv[0]), reverse=True)),
        subjects=subjects,
        subject_synonyms=tuple(tuple(w.split("=", 1)) for w in words.get("subject_synonym", []) if "=" in w),
        subject_stopwords=longest_first("subject_stopword"),
    )


@lru_cache(maxsize=None)
def alternation(kind: str) -> re.Pattern:
    """One regex for a word list of the lexicon, longest words first (leftmost-longest matches)."""
    words = getattr(lexicon(), kind)
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def table_metric(subject: str) -> Optional[str]:
    """The table metric a prose subject phrase reports (catalog/fact_subjects.csv), if any."""
    for pattern, metric in lexicon().subjects:
        if pattern.search(subject):
            return metric
    return None
