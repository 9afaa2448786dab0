"""An agency as a person types it -> the agency_id of the processed data (load, sql, the CLI, the notebooks).

A name resolves when it is an agency_id of the data, a name one of its reports was written with, an alias
of catalog/agency_aliases.csv, or one of these in another form: NFKC and no whitespace (as identify reads
titles), with or without the city (洪泽区人民政府 = 淮安市洪泽区人民政府 = 淮安市/洪泽区人民政府), a region
alone for its government (三明市 = 三明市人民政府, the completion of catalog/report_levels.csv). A name of
two agencies, a name of none, or a year with no report is a SelectionError: one line naming the
candidates, the closest known agencies or the years there are.
"""
from __future__ import annotations

import difflib
from typing import Iterable, Optional

import pandas as pd

from . import catalog
from .errors import SelectionError
from .identify import complete_agency_name, normalize_agency_name, resolve_agency_id, split_regions

NAME_COLUMNS = ["name", "agency_id", "how"]
# how a name form points at its agency, strongest first (a name of two forms keeps the first)
HOW = ("agency_id", "written", "alias", "with_city", "without_city", "region", "completed")
_SHOWN = 3  # closest agencies named in an error line


def name_forms(agency_id: str) -> list[tuple[str, str]]:
    """(form, how) of one agency_id: itself, its name with and without the city, its region alone (三明市
    for 三明市人民政府), or, for an id that is a region alone, the government it names (三明市 -> 三明市人民政府)."""
    forms = [(agency_id, "agency_id")]
    if "/" in agency_id:
        city, own = agency_id.split("/", 1)
        forms += [(city + own, "with_city"), (own, "without_city")]
    named = [name for name, _ in forms]
    return (forms + [(region, "region") for name in named if (region := _region_alone(name))]
            + [(full, "completed") for name in named if (full := complete_agency_name(name)) != name])


def _region_alone(name: str) -> Optional[str]:
    """三明市 for 三明市人民政府: the regions of a government's name, when completing them gives it back."""
    chain, _ = split_regions(name)
    region = "".join(chain)
    return region if region and region != name and complete_agency_name(region) == name else None


def name_table(reports: pd.DataFrame) -> pd.DataFrame:
    """Every name the agencies of ``reports`` answer to: (name, agency_id, how), one row per name and agency."""
    if reports is None or reports.empty:
        return pd.DataFrame(columns=NAME_COLUMNS)
    ids = sorted(set(reports["agency_id"].astype(str)))
    rows = [(form, aid, how) for aid in ids for form, how in name_forms(aid)]
    rows += [(normalize_agency_name(w), str(aid), "written")
             for w, aid in zip(reports["agency"].astype(str), reports["agency_id"].astype(str))]
    rows += [(normalize_agency_name(w), aid, "alias") for w, aid in catalog.agency_aliases().items() if aid in ids]
    table = pd.DataFrame(rows, columns=NAME_COLUMNS)
    table["rank"] = table["how"].map(HOW.index)
    table = table.sort_values(["agency_id", "rank", "name"]).drop_duplicates(["name", "agency_id"])
    return table.drop(columns="rank").reset_index(drop=True)


class AgencyNames:
    """The names of the agencies in one reports table; ``source`` (the processed folder) heads error lines."""

    def __init__(self, reports: pd.DataFrame, source=None):
        self.table = name_table(reports)
        self.source = source
        years = pd.DataFrame({"agency_id": reports["agency_id"].astype(str),
                              "year": pd.to_numeric(reports["year"], errors="coerce")}) if len(reports) else None
        self.years = {} if years is None else {aid: sorted({int(y) for y in g["year"].dropna()})
                                               for aid, g in years.groupby("agency_id")}

    def match(self, name) -> tuple[str, str]:
        """(agency_id, how the name matched); SelectionError when it names no agency or two."""
        key = normalize_agency_name(str(name))
        if key in self.years:
            return key, "agency_id"
        for form, via in self._candidates(key):
            hits = self.table[self.table["name"] == form]
            ids = sorted(set(hits["agency_id"]))
            if len(ids) > 1:
                raise self.error(f"agency name {key!r} is ambiguous: {', '.join(ids)} (give one agency_id)")
            if ids:
                return ids[0], hits["how"].iloc[0] + via
        raise self.error(f"unknown agency {key!r}; {self._closest_note(key)}")

    def resolve(self, name) -> str:
        return self.match(name)[0]

    def _candidates(self, key: str) -> list[tuple[str, str]]:
        """The forms to look up, in order: as written, as identify names it (region completed, city added)."""
        completed = complete_agency_name(key)
        found = [(key, ""), (resolve_agency_id(key)[0], " (as identify names it)"),
                 (completed, " (region completed)"), (resolve_agency_id(completed)[0], " (region completed)")]
        return [c for i, c in enumerate(found) if c[0] and c[0] not in [f for f, _ in found[:i]]]

    def closest(self, key: str, n: int = _SHOWN) -> list[str]:
        """The agency_ids whose names are nearest to ``key`` (difflib over every name form)."""
        forms = list(dict.fromkeys(self.table["name"]))
        hits = difflib.get_close_matches(key, forms, n=len(forms), cutoff=0.6)  # 0.5: any two 人民政府
        ids = [aid for form in hits for aid in self.table.loc[self.table["name"] == form, "agency_id"]]
        return list(dict.fromkeys(ids))[:n]

    def _closest_note(self, key: str) -> str:
        if not self.years:
            return "the data holds no agency"
        near = self.closest(key)
        if near:
            return "closest known: " + ", ".join(near)
        ids = sorted(self.years)
        return f"known agencies ({len(ids)}): " + ", ".join(ids[:_SHOWN]) + (", …" if len(ids) > _SHOWN else "")

    def error(self, problem: str) -> SelectionError:
        return SelectionError(problem, self.source)


def _years_text(years: Iterable[int]) -> str:
    years = sorted(years)
    return ", ".join(str(y) for y in years) if years else "none"


def select_reports(reports: pd.DataFrame, agencies=None, years=None, source=None) -> set:
    """The report_ids of the reports of ``agencies`` (any name) in ``years``; SelectionError (one line)
    for an unknown or ambiguous name, a year without a report, or an agency without one in those years."""
    names = AgencyNames(reports, source)
    keep = pd.Series(True, index=reports.index)
    ids = None
    if agencies is not None:
        ids = list(dict.fromkeys(names.resolve(a) for a in agencies))
        keep &= reports["agency_id"].astype(str).isin(ids)
    year_of = pd.to_numeric(reports["year"], errors="coerce")
    if years is not None:
        there = {int(y) for y in year_of[keep].dropna()}
        whose = f"for {', '.join(ids)}" if ids else "in the data"
        missing = sorted(set(years) - there)
        if missing:
            raise names.error(f"no report of {_years_text(missing)} {whose}; years there are: {_years_text(there)}")
        keep &= year_of.isin(years)
        for aid in ids or ():
            if not (keep & (reports["agency_id"].astype(str) == aid)).any():
                raise names.error(f"{aid} has no report of {_years_text(years)}; "
                                  f"its years: {_years_text(names.years.get(aid, []))}")
    return set(reports.loc[keep, "report_id"])
