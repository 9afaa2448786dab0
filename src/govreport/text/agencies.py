"""Agency names: one agency_id for every way a name is written, and every name an agency_id answers to.

identify names a report's agency with these rules, and load, sql, the CLI and the pages resolve a name a
person types with the same ones, so both sides agree. A name is NFKC with no whitespace; its leading
regions come from the gazetteer (catalog/regions.csv); a region written alone is its government (三明市 ->
三明市人民政府) and the level follows from the name (catalog/report_levels.csv); a county-level agency's id
carries its city (南京市/鼓楼区人民政府 vs 福州市/鼓楼区人民政府); catalog/agency_aliases.csv settles the
rest. How an id was reached is a code of catalog/agency_id_how.csv.

The resolver (AgencyNames, select_reports) takes an agency_id, a name one of the reports was written with,
an alias, or one of these in another form (with or without the city, a region alone); a name of two
agencies, of none, or a year with no report is a SelectionError: one line naming the candidates, the
closest known agencies or the years there are.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Optional

from govreport import catalog
from govreport.errors import CatalogError, SelectionError
from govreport.text.normalize import nfkc

if TYPE_CHECKING:  # pandas only where a reports table is read (identify needs none of it)
    import pandas as pd

NAME_COLUMNS = ["name", "agency_id", "how"]
# how a name form points at its agency, strongest first (a name of two forms keeps the first)
_HOW = ("agency_id", "written", "alias", "with_city", "without_city", "region", "completed")
_SHOWN = 3  # closest agencies named in an error line


_WS = re.compile(r"\s+")  # compiled once: re.sub(pattern string) looks its cache up on every call


def normalize_agency_name(name: str) -> str:
    """The name as identify compares it: NFKC (radicals as ideographs), no whitespace."""
    return _WS.sub("", nfkc(name or ""))


# ----------------------------------------------------------------------------- regions
@dataclass(frozen=True)
class _Gazetteer:
    levels: dict  # name -> set of levels
    county_cities: dict  # county-level name -> tuple of parent names (city, or province for 直辖市)
    longest: int
    lengths: dict  # first character -> the lengths of the names it opens, longest first (split_regions)


@lru_cache(maxsize=None)
def _gazetteer() -> _Gazetteer:
    levels: dict[str, set] = {}
    parents: dict[str, set] = {}
    for r in catalog.read_csv("regions.csv"):
        levels.setdefault(r["name"], set()).add(r["level"])
        if r["level"] == "county":
            parents.setdefault(r["name"], set()).add(r["parent"])
    lengths: dict[str, set] = {}
    for name in levels:
        lengths.setdefault(name[:1], set()).add(len(name))
    return _Gazetteer(levels, {k: tuple(sorted(v)) for k, v in parents.items()}, max(map(len, levels)),
                      {ch: tuple(sorted(ns, reverse=True)) for ch, ns in lengths.items()})


def split_regions(name: str) -> tuple[list[str], str]:
    """Leading region names of an agency name and the rest: 江苏省淮安市洪泽区人民政府 ->
    ([江苏省, 淮安市, 洪泽区], 人民政府). Only gazetteer names count, so 市场监督管理局 stays whole."""
    gaz = _gazetteer()
    chain, rest = [], name
    while rest:  # the longest gazetteer name rest starts with, shorter than rest, of two characters or more:
        for length in gaz.lengths.get(rest[0], ()):  # only the lengths of the names opening with its character
            if 1 < length < len(rest) and rest[:length] in gaz.levels:
                chain.append(rest[:length])
                rest = rest[length:]
                break
        else:
            break
    return chain, rest


@lru_cache(maxsize=None)
def _region_head() -> re.Pattern:
    """A leading region-like name: up to a last character that ends gazetteer names (省, 市, 区, 县, 旗 …)."""
    ends = sorted({name[-1] for name in _gazetteer().levels})
    return re.compile(".{1,12}?[" + "".join(map(re.escape, ends)) + "]")


def region_prefix(name: str) -> str:
    """The shortest leading part of ``name`` that reads as a region by its form (清河市, 青溪县), gazetteer or
    not; '' when none of two characters or more does."""
    head = _region_head().match(name)
    return head.group() if head and len(head.group()) >= 2 else ""


def is_region_alone(name: str) -> bool:
    """True when the name is only gazetteer regions (三明市, 江苏省淮安市洪泽区): the government's own report."""
    chain, rest = split_regions(normalize_agency_name(name))
    return rest in _gazetteer().levels  # split_regions leaves the last region as the rest


# ----------------------------------------------------------------------------- levels
@dataclass(frozen=True)
class _LevelRule:
    test: str  # region: the name is a gazetteer region alone (and the pattern matches); name: the pattern matches
    pattern: re.Pattern
    level: str
    rename: str  # replacement of the pattern that names the agency in full (三明市 -> 三明市人民政府), or ''


@lru_cache(maxsize=None)
def _level_rules() -> tuple[_LevelRule, ...]:
    return tuple(_LevelRule(r["test"], re.compile(r["pattern"]), r["level"], r["rename"])
                 for r in catalog.read_csv("report_levels.csv"))


def _level_rule(name: str) -> _LevelRule:
    """The first rule of catalog/report_levels.csv the written name meets."""
    name = normalize_agency_name(name)
    for rule in _level_rules():
        if rule.pattern.search(name) and (rule.test != "region" or is_region_alone(name)):
            return rule
    return _LevelRule("default", re.compile(""), "department", "")


def agency_level(name: str) -> str:
    """'government' for the whole government's report (a region alone, 人民政府, a zone's 管委会), else 'department'."""
    return _level_rule(name).level


def complete_agency_name(name: str) -> str:
    """The agency as it should be named: a region written alone is its government (三明市 -> 三明市人民政府),
    a short form its full name (三明市政府 -> 三明市人民政府); the rename column of catalog/report_levels.csv."""
    name = normalize_agency_name(name)
    rule = _level_rule(name)
    return rule.pattern.sub(rule.rename, name, count=1) if rule.rename else name


# ----------------------------------------------------------------------------- agency ids
@lru_cache(maxsize=None)
def _id_hows() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in catalog.read_csv("agency_id_how.csv")}


def id_how(code: str) -> str:
    """``code`` once it is checked to be declared in catalog/agency_id_how.csv: agency_id_how is a closed
    vocabulary, so the reports table can be counted by it."""
    if code not in _id_hows():
        raise CatalogError(catalog.display_name("agency_id_how.csv"), None, f"no code {code!r} declared")
    return code


def id_how_text(code: str, lang: str = "en") -> str:
    """What an agency_id_how code means, in ``lang`` (zh or en)."""
    return _id_hows()[id_how(code)][lang]


def _parent_city(county: str, chain: list[str], text: str) -> Optional[str]:
    """The city a county-level name belongs to: from the name, the gazetteer, then the document's text (its
    whitespace removed only here, where it is read: a report's whole text, ~0.1 ms a removal)."""
    candidates = _gazetteer().county_cities.get(county, ())
    named = [c for c in chain[:-1] if c in candidates]
    if named:
        return named[-1]
    if len(candidates) == 1:
        return candidates[0]
    text = _WS.sub("", text)  # re.sub(r"\s+", "", text): the same pattern, compiled once
    counts = {c: text.count(c + county) * 100 + text.count(c) for c in candidates}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def resolve_agency_id(name: str, text: str = "", use_aliases: bool = True) -> tuple[str, str]:
    """(agency_id, how): alias file first, then the name anchored at its own region, with the city for
    county-level agencies; ``how`` is a code of catalog/agency_id_how.csv. ``text`` is the document's text,
    used only to tell same-named counties apart."""
    written = normalize_agency_name(name)
    aliases = catalog.agency_aliases() if use_aliases else {}
    if written in aliases:
        return aliases[written], id_how("alias")
    written = complete_agency_name(written)  # 三明市 and 三明市人民政府 are one agency
    chain, rest = split_regions(written)
    if not chain:
        return aliases.get(written, written), id_how("name")
    own = chain[-1]
    levels = _gazetteer().levels[own]
    if "county" in levels and not levels & {"city", "province"}:
        city = _parent_city(own, chain, text)
        aid, how = (f"{city}/{own}{rest}", id_how("region")) if city else (f"{own}{rest}", id_how("city_not_found"))
    else:
        aid, how = f"{own}{rest}", id_how("region") if len(chain) > 1 else id_how("name")
    if aid in aliases:
        return aliases[aid], id_how("alias")
    return aid, how


def agency_id(name: str, use_aliases: bool = True, text: str = "") -> str:
    return resolve_agency_id(name, text, use_aliases)[0]


# ----------------------------------------------------------------------------- names an id answers to
def _name_forms(agency_id_: str) -> list[tuple[str, str]]:
    """(form, how) of one agency_id: itself, its name with and without the city, its region alone (三明市
    for 三明市人民政府), or, for an id that is a region alone, the government it names (三明市 -> 三明市人民政府)."""
    forms = [(agency_id_, "agency_id")]
    if "/" in agency_id_:
        city, own = agency_id_.split("/", 1)
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
    import pandas as pd
    if reports is None or reports.empty:
        return pd.DataFrame(columns=NAME_COLUMNS)
    ids = sorted(set(reports["agency_id"].astype(str)))
    rows = [(form, aid, how) for aid in ids for form, how in _name_forms(aid)]
    rows += [(normalize_agency_name(w), str(aid), "written")
             for w, aid in zip(reports["agency"].astype(str), reports["agency_id"].astype(str))]
    rows += [(normalize_agency_name(w), aid, "alias") for w, aid in catalog.agency_aliases().items() if aid in ids]
    table = pd.DataFrame(rows, columns=NAME_COLUMNS)
    table["rank"] = table["how"].map(_HOW.index)
    table = table.sort_values(["agency_id", "rank", "name"]).drop_duplicates(["name", "agency_id"])
    return table.drop(columns="rank").reset_index(drop=True)


class AgencyNames:
    """The names of the agencies in one reports table; ``source`` (the processed folder) heads error lines."""

    def __init__(self, reports: pd.DataFrame, source=None):
        import pandas as pd
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
    import pandas as pd
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
