"""Which report is this: template, year, agency and agency_id, from the document's own words.

Identification never blocks extraction: the template comes from the table labels (catalog/templates.csv),
the year and agency from the title in any of its real forms (catalog/title_forms.csv), then from the
page's metadata, the 本报告由…编制 / 请与…联系 sentences, the signature and the file name
(catalog/agency_sources.csv). A report whose agency cannot be found is still read (agency ``unknown``,
with a finding); only a file with no recognisable table is refused.

agency_id keeps same-named districts apart: a county-level agency carries its city
(南京市/鼓楼区人民政府 vs 福州市/鼓楼区人民政府), taken from the name, the gazetteer
(catalog/regions.csv) or the document's text; the same agency across years keeps one id.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import catalog
from .document import Document, ReportError
from .normalize import chinese_numeral, label_key, nfkc

UNKNOWN_AGENCY = "unknown"
_PERIOD = re.compile(r"(?:统计期限|统计数据|统计时限|统计时间|数据统计|统计区间|统计周期)[^。]{0,20}?(?P<year>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_CAPTION = re.compile(r"[(（]\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）]")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|成文日期|日期)[:：]\s*(?P<year>(?:19|20)\d{2})[-年./]")
_CN_YEAR = re.compile("[〇○零一二三四五六七八九]{4}(?=年)")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_NOT_A_NAME = re.compile(r"(?:19|20)\d{2}年|报告|年报")
_HEAD_LINES = 60


@dataclass(frozen=True)
class Identity:
    template: str
    year: int
    agency: str
    agency_id: str
    agency_source: str  # title / meta / sentence / signature / file_name / unknown
    agency_id_how: str  # alias / region / name
    template_scores: dict
    findings: tuple = field(default=())  # (rule, evidence) pairs about the identification itself


# ----------------------------------------------------------------------------- catalog data
@lru_cache(maxsize=None)
def _title_forms() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r["pattern"]) for r in catalog.read_csv("title_forms.csv"))


@lru_cache(maxsize=None)
def _agency_tail() -> re.Pattern:
    suffixes = sorted((r["suffix"] for r in catalog.read_csv("agency_suffixes.csv")), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, suffixes)) + ")$")


@lru_cache(maxsize=None)
def _agency_sources() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["source"], re.compile(r["pattern"])) for r in catalog.read_csv("agency_sources.csv"))


@dataclass(frozen=True)
class _Gazetteer:
    levels: dict  # name -> set of levels
    county_cities: dict  # county-level name -> tuple of parent names (city, or province for 直辖市)
    longest: int


@lru_cache(maxsize=None)
def _gazetteer() -> _Gazetteer:
    levels: dict[str, set] = {}
    parents: dict[str, set] = {}
    for r in catalog.read_csv("regions.csv"):
        levels.setdefault(r["name"], set()).add(r["level"])
        if r["level"] == "county":
            parents.setdefault(r["name"], set()).add(r["parent"])
    return _Gazetteer(levels, {k: tuple(sorted(v)) for k, v in parents.items()}, max(map(len, levels)))


# ----------------------------------------------------------------------------- titles
def _compact(text: str) -> str:
    """NFKC, no whitespace, years written in Chinese numerals as digits (二〇一九年 -> 2019年)."""
    text = re.sub(r"\s+", "", nfkc(text))
    return _CN_YEAR.sub(lambda m: str(chinese_numeral(m.group().replace("○", "〇"))), text)


def clean_agency(text: str) -> str:
    """The agency part of a title, without breadcrumbs or punctuation; '' unless it reads as an agency."""
    text = _EDGE_JUNK.sub("", text or "")
    for sep in ("》", ">", "|", "：", ":", "_", "】", "]"):
        text = text.rsplit(sep, 1)[-1]
    text = re.sub(r"^(?:标题|题目|关于)", "", _EDGE_JUNK.sub("", text))
    text = re.sub(r"(?:关于|的)$", "", text)
    tail = _agency_tail().search(text)
    if tail and tail.start() == 0 or _NOT_A_NAME.search(text):
        return ""  # a bare suffix (政府, 人民政府, 局) or a whole title names no agency
    return text if len(text) >= 2 and (tail or split_regions(text)[0]) else ""


def match_title(text: str) -> Optional[tuple[int, str]]:
    """(year, agency) of the first title form that matches; agency may be '' (title names only the year)."""
    compact = _compact(text)
    for form in _title_forms():
        for m in form.finditer(compact):
            agency = clean_agency(m.group("agency"))
            if agency or not m.group("agency"):
                return int(m.group("year")), agency
    return None


def _title_candidates(doc: Document) -> list[tuple[str, str, int]]:
    """(source, text, line number) to try for a title: metadata first, then the head lines and line pairs."""
    out = [("meta", v, -1) for k, v in doc.meta.items() if k.lower() in ("title", "articletitle")]
    lines = [ln.strip() for ln in doc.text_lines()[:_HEAD_LINES * 3] if ln.strip()][:_HEAD_LINES]
    out += [("title", ln, n) for n, ln in enumerate(lines)]
    out += [("title", a + b, n) for n, (a, b) in enumerate(zip(lines, lines[1:]))]
    out += [("title", a + b + c, n) for n, (a, b, c) in enumerate(zip(lines, lines[1:], lines[2:]))]
    return out


def find_title(doc: Document, period_year: Optional[int] = None) -> tuple[Optional[int], str, str]:
    """(year, agency, source) from the title; agency '' when no title names it.

    A page can carry other reports' titles (site navigation printed into a PDF, links to past years):
    when the 统计期限 sentence gives the year, a title of that year (or the next: published early) wins.
    """
    lines = [ln.strip() for ln in doc.text_lines() if ln.strip()]
    year_only: Optional[int] = None
    fallback = None
    for source, text, n in _title_candidates(doc):
        hit = match_title(text)
        if not hit:
            continue
        year, agency = hit
        if agency and period_year is not None and year not in (period_year, period_year + 1):
            fallback = fallback or (year, agency, source)
            continue
        if agency:
            return year, agency, source
        if n >= 0:  # 2019年政府信息公开工作年度报告 with the agency on the line above or below
            for near in (lines[n - 1] if n > 0 else "", lines[n + 1] if n + 1 < len(lines) else ""):
                agency = clean_agency(_compact(near))
                if agency and len(agency) <= 40:
                    return year, agency, source
        year_only = year_only or year
    return fallback or (year_only, "", "unknown")


# ----------------------------------------------------------------------------- fallbacks
def _agency_fallback(doc: Document) -> tuple[str, str]:
    """Agency from metadata, the report's own sentences, its signature or the file name."""
    sources = _agency_sources()
    for kind, pattern in sources:
        if kind == "meta":
            for key, value in doc.meta.items():
                agency = clean_agency(_compact(value)) if pattern.search(key) else ""
                if agency:
                    return agency, "meta"
    lines = [_compact(ln) for ln in doc.text_lines() if ln.strip()]
    for kind, pattern in sources:
        if kind == "sentence":
            for line in lines:
                for m in pattern.finditer(line):
                    agency = clean_agency(m.group("agency"))
                    if agency:
                        return agency, "sentence"
    for kind, pattern in sources:
        if kind == "signature":
            for line in reversed(lines[-12:]):
                m = pattern.match(line)
                agency = clean_agency(m.group("agency")) if m else ""
                if agency and not re.search(r"\d", agency):
                    return agency, "signature"
    hit = match_title(Path(doc.path).stem) if doc.path else None
    if hit and hit[1]:
        return hit[1], "file_name"
    return "", "unknown"


def _year_fallback(doc: Document, text: str) -> Optional[int]:
    for pattern, offset in ((_PERIOD, 0), (_YEAR_CAPTION, 0), (_PUBLISHED, -1)):
        m = pattern.search(text)
        if m:
            return int(m.group("year")) + offset
    hit = match_title(Path(doc.path).stem) if doc.path else None
    return hit[0] if hit else None


# ----------------------------------------------------------------------------- template
def detect_template(doc: Document, year: Optional[int] = None) -> tuple[str, dict]:
    """Score each template by the label markers present; ties go to the year's template."""
    key = label_key(doc.full_text())
    scores: Counter = Counter({t: 0.0 for t in catalog.TEMPLATES})
    for template, pattern, weight in catalog.template_markers():
        if pattern.search(key):
            scores[template] += weight
    best = max(scores.values())
    if best < 2:
        raise ReportError(doc.path, "not a government information-disclosure annual report (no known table labels found)")
    top = [t for t in catalog.TEMPLATES if scores[t] == best]
    if len(top) > 1 and year is not None:
        by_year = "legacy" if year <= 2018 else "gb2019" if year <= 2020 else "gb2021"
        if by_year in top:
            return by_year, dict(scores)
    return top[-1], dict(scores)


# ----------------------------------------------------------------------------- agency ids
def normalize_agency_name(name: str) -> str:
    return re.sub(r"\s+", "", nfkc(name or ""))


def split_regions(name: str) -> tuple[list[str], str]:
    """Leading region names of an agency name and the rest: 江苏省淮安市洪泽区人民政府 ->
    ([江苏省, 淮安市, 洪泽区], 人民政府). Only gazetteer names count, so 市场监督管理局 stays whole."""
    gaz = _gazetteer()
    chain, rest = [], name
    while rest:
        for length in range(min(gaz.longest, len(rest) - 1), 1, -1):
            if rest[:length] in gaz.levels:
                chain.append(rest[:length])
                rest = rest[length:]
                break
        else:
            break
    return chain, rest


def _parent_city(county: str, chain: list[str], text: str) -> Optional[str]:
    """The city a county-level name belongs to: from the name, the gazetteer, then the document's text."""
    candidates = _gazetteer().county_cities.get(county, ())
    named = [c for c in chain[:-1] if c in candidates]
    if named:
        return named[-1]
    if len(candidates) == 1:
        return candidates[0]
    counts = {c: text.count(c + county) * 100 + text.count(c) for c in candidates}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def resolve_agency_id(name: str, text: str = "", use_aliases: bool = True) -> tuple[str, str]:
    """(agency_id, how): alias file first, then the name anchored at its own region, with the city for
    county-level agencies. ``text`` is the document's text, used only to tell same-named counties apart."""
    written = normalize_agency_name(name)
    aliases = catalog.agency_aliases() if use_aliases else {}
    if written in aliases:
        return aliases[written], "alias"
    chain, rest = split_regions(written)
    if not chain:
        return aliases.get(written, written), "name"
    own = chain[-1]
    levels = _gazetteer().levels[own]
    if "county" in levels and not levels & {"city", "province"}:
        city = _parent_city(own, chain, re.sub(r"\s+", "", text))
        aid = f"{city}/{own}{rest}" if city else f"{own}{rest}"
        how = "region" if city else "name (city not found: same-named counties may share this id)"
    else:
        aid, how = f"{own}{rest}", "region" if len(chain) > 1 else "name"
    if aid in aliases:
        return aliases[aid], "alias"
    return aid, how


def agency_id(name: str, use_aliases: bool = True, text: str = "") -> str:
    return resolve_agency_id(name, text, use_aliases)[0]


def report_id(agency_id_: str, year: int) -> str:
    return f"{agency_id_}-{year}"


# ----------------------------------------------------------------------------- all together
def identify(doc: Document) -> Identity:
    """Template, year and agency of a report; raises ReportError only when it has no known table
    or no reporting year can be found anywhere."""
    text = nfkc(doc.full_text())
    period = _PERIOD.search(text)
    year, agency, source = find_title(doc, int(period["year"]) if period else None)
    findings = []
    if not agency:
        agency, source = _agency_fallback(doc)
        if source != "unknown":
            findings.append(("identify.agency_not_in_title", f"agency taken from the {source.replace('_', ' ')}: {agency}"))
    if period and (year is None or abs(int(period["year"]) - year) <= 1):
        year = int(period["year"])  # the statistics period is the reporting year
    if year is None:
        year = _year_fallback(doc, text)
    try:
        template, scores = detect_template(doc, year)
    except ReportError:
        if agency and year:
            raise ReportError(doc.path, f"title of {agency}'s {year} report found, but none of its statistics tables "
                                        "(truncated, or the tables are images)") from None
        raise
    if year is None:
        raise ReportError(doc.path, f"{template} tables found but no reporting year (no title year, "
                                    "统计期限 sentence, table caption or publication date)")
    if not agency:
        agency = UNKNOWN_AGENCY
        findings.append(("identify.agency_unknown", "no title, metadata, sentence, signature or file name names the agency"))
        aid, how = UNKNOWN_AGENCY, "unknown"
    else:
        aid, how = resolve_agency_id(agency, text)
        if how.startswith("name (city"):
            findings.append(("identify.region_ambiguous", f"{agency}: {how}"))
    return Identity(template=template, year=year, agency=agency, agency_id=aid, agency_source=source,
                    agency_id_how=how, template_scores=scores, findings=tuple(findings))


def identity_findings(report_id_: str, ident: Identity) -> list[dict]:
    """Identification findings as rows of the findings table (about the parse, not the report)."""
    return [dict(report_id=report_id_, rule=rule, applicant="total", state="fail", left=math.nan, right=math.nan,
                 evidence=evidence, blanks_as_zero=False) for rule, evidence in ident.findings]
