"""Which report is this: template, year, agency and agency_id, from the document's own words.

Identification never blocks extraction: the template comes from the table labels (catalog/templates.csv),
the year from the title in any of its real forms (catalog/title_forms.csv). The agency is read from every
source (the page's title, the printed title, the page's metadata, the signature, the file name, and as a
last resort the 本报告由…编制 / 请与…联系 sentences: catalog/agency_sources.csv); a reading counts only if it
looks like a name (a region, then an agency suffix; no year, clause or 〔号〕: catalog/agency_rejects.csv).
The agency most sources agree on wins; a disagreement is an ``identify.agency_conflict`` finding. A region
written alone is its government (三明市 -> 三明市人民政府), and the level (government or department) follows
from the name (catalog/report_levels.csv). A report whose agency cannot be found is still read (agency
``unknown``, with a finding); only a file with no recognisable table is refused.

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
    agency_level: str = "unknown"  # government (本级政府) / department (catalog/report_levels.csv); unknown agency: unknown


# ----------------------------------------------------------------------------- catalog data
@lru_cache(maxsize=None)
def _title_forms() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r["pattern"]) for r in catalog.read_csv("title_forms.csv"))


@lru_cache(maxsize=None)
def _agency_tail() -> re.Pattern:
    suffixes = sorted((r["suffix"] for r in catalog.read_csv("agency_suffixes.csv")), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, suffixes)) + ")$")


@lru_cache(maxsize=None)
def _office_tail() -> re.Pattern:
    offices = [r["suffix"] for r in catalog.read_csv("agency_suffixes.csv") if r["office"] == "yes"]
    return re.compile("(?:" + "|".join(map(re.escape, offices)) + ")$")


@lru_cache(maxsize=None)
def _agency_rejects() -> re.Pattern:
    return re.compile("|".join(f"(?:{r['pattern']})" for r in catalog.read_csv("agency_rejects.csv")))


@lru_cache(maxsize=None)
def _agency_sources() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["source"], re.compile(r["pattern"])) for r in catalog.read_csv("agency_sources.csv"))


def _source_patterns(kind: str) -> list[re.Pattern]:
    return [pattern for source, pattern in _agency_sources() if source == kind]


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


# ----------------------------------------------------------------------------- levels
def is_region_alone(name: str) -> bool:
    """True when the name is only gazetteer regions (三明市, 江苏省淮安市洪泽区): the government's own report."""
    chain, rest = split_regions(normalize_agency_name(name))
    return rest in _gazetteer().levels  # split_regions leaves the last region as the rest


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
    text = re.sub(r"^[A-Za-z]+[-－—]+", "", re.sub(r"(?:关于|的)$", "", text))  # PTSSLJ-莆田市水利局: a site code
    tail = _agency_tail().search(text)
    if tail and tail.start() == 0 or _NOT_A_NAME.search(text) or _agency_rejects().search(text):
        return ""  # a bare suffix (政府, 人民政府, 局), a whole title, a sentence or a year: no agency
    return _last_of_doubled(text) if len(text) >= 2 and tail else ""  # a name ends with an agency suffix


def _last_of_doubled(name: str) -> str:
    """A name printed twice into one line (青溪县人民政府办公青溪县人民政府办公室: a side column): the last one."""
    head = _region_head().match(name)
    at = name.rfind(head.group()) if head and len(head.group()) >= 2 else 0
    return name[at:] if at > 0 else name


def match_title(text: str) -> Optional[tuple[int, str]]:
    """(year, agency) of the first title form that matches; agency may be '' (title names only the year)."""
    compact = _compact(text)
    for form in _title_forms():
        for m in form.finditer(compact):
            agency = clean_agency(m.group("agency"))
            if agency or not m.group("agency"):
                return int(m.group("year")), agency
    return None


def _lines(doc: Document) -> list[str]:
    """The document's non-empty lines, a title's year put back where a printed PDF lost it.

    A browser prints a title's digits in another font, and the PDF's text puts them on a line of their own:
    莆田市审计局 年政府信息公开工作年度报告 / 2024. The year goes back into the gap before 年.
    """
    lines = [part.strip() for ln in doc.text_lines() for part in ln.split("\n") if part.strip()]
    for n in range(len(lines) - 1):
        if re.fullmatch(r"(?:19|20)\d{2}", lines[n + 1]) and re.search(r"\S\s+年", lines[n]):
            lines[n] = re.sub(r"(?<=\S)\s+(?=年)", lines[n + 1], lines[n], count=1)
            lines[n + 1] = ""
    return [ln for ln in lines if ln]


def _title_candidates(doc: Document, lines: list[str]) -> list[tuple[str, str, int]]:
    """(source, text, line number) to try for a title: metadata first, then the head lines and line pairs."""
    out = [("meta", v, -1) for k, v in doc.meta.items() if k.lower() in ("title", "articletitle")]
    lines = lines[:_HEAD_LINES]
    out += [("title", ln, n) for n, ln in enumerate(lines)]
    out += [("title", a + b, n) for n, (a, b) in enumerate(zip(lines, lines[1:]))]
    out += [("title", a + b + c, n) for n, (a, b, c) in enumerate(zip(lines, lines[1:], lines[2:]))]
    return out


def find_title(doc: Document, period_year: Optional[int] = None,
               sources: tuple = ("meta", "title")) -> tuple[Optional[int], str, str]:
    """(year, agency, source) from the title (the page's title metadata, then the head lines); agency ''
    when no title names it.

    A page can carry other reports' titles (site navigation printed into a PDF, links to past years):
    when the 统计期限 sentence gives the year, a title of that year (or the next: published early) wins.
    """
    lines = _lines(doc)
    year_only: Optional[int] = None
    fallback = None
    for source, text, n in _title_candidates(doc, lines):
        hit = match_title(text) if source in sources else None
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


# ----------------------------------------------------------------------------- agency candidates
_RANK = {"meta_title": 0, "title": 1, "meta": 2, "signature": 3, "file_name": 4, "sentence": 5}
_COMPARED = ("meta_title", "title", "meta", "signature", "file_name")  # sources whose disagreement is a finding
_SIGNATURE_SPAN = 40  # a signature sits within the last lines (a printed page adds its footer after it)


@dataclass(frozen=True)
class Candidate:
    """One source's reading of the agency name (completed: 三明市 -> 三明市人民政府) and its id."""
    source: str  # meta_title / title / meta / signature / file_name / sentence
    name: str
    agency_id: str

    @property
    def titled(self) -> bool:
        return self.source in ("meta_title", "title")


@lru_cache(maxsize=None)
def _region_head() -> re.Pattern:
    """A leading region-like name: up to a last character that ends gazetteer names (省, 市, 区, 县, 旗 …)."""
    ends = sorted({name[-1] for name in _gazetteer().levels})
    return re.compile(".{1,12}?[" + "".join(map(re.escape, ends)) + "]")


def _grounded(name: str, titles: str) -> bool:
    """A name from outside a title starts with a region of the gazetteer or one the titles name."""
    if split_regions(name)[0] or is_region_alone(name):
        return True
    head = _region_head().match(name)
    return bool(head) and len(head.group()) >= 2 and head.group() in titles


def _candidate(source: str, raw: str, text: str, titles: str) -> Optional[Candidate]:
    name = clean_agency(raw)
    if not name or source not in ("meta_title", "title") and not _grounded(name, titles):
        return None
    name = complete_agency_name(name)
    return Candidate(source, name, resolve_agency_id(name, text)[0])


def _signature_names(lines: list[str]) -> list[str]:
    """The signer: a name line right above a date line; else name lines among the last dozen."""
    tail = lines[-_SIGNATURE_SPAN:]

    def name_on(line: str) -> str:
        return next((m.group("agency") for p in _source_patterns("signature") for m in [p.match(line)] if m), "")

    dated = [name_on(line) for line, below in zip(tail, tail[1:])
             if any(p.match(below) for p in _source_patterns("signature_date"))]
    return [n for n in dated[::-1] if n] or [n for n in map(name_on, reversed(tail[-12:])) if n]


def agency_candidates(doc: Document, text: str, period_year: Optional[int] = None
                      ) -> tuple[Optional[int], list[Candidate]]:
    """The reporting year of the title and every source's reading of the agency (catalog/agency_sources.csv),
    each one that does not read as an agency name left out."""
    lines = [_compact(ln) for ln in _lines(doc)]
    meta_year, meta_title, _ = find_title(doc, period_year, ("meta",))
    body_year, body_title, _ = find_title(doc, period_year, ("title",))
    year = meta_year if meta_title else body_year if body_title else meta_year or body_year
    titles = "".join(lines[:_HEAD_LINES]) + "".join(_compact(v) for k, v in doc.meta.items()
                                                    if k.lower() in ("title", "articletitle"))
    raw = [("meta_title", meta_title), ("title", body_title)]
    raw += [("meta", _compact(v)) for k, v in doc.meta.items() if any(p.search(k) for p in _source_patterns("meta"))]
    raw += [("signature", name) for name in _signature_names(lines)]
    hit = match_title(Path(doc.path).stem) if doc.path else None
    raw += [("file_name", hit[1] if hit else "")]
    raw += [("sentence", m.group("agency")) for p in _source_patterns("sentence") for line in lines
            for m in p.finditer(line)]
    found = (_candidate(source, value, text, titles) for source, value in raw if value)
    return year, [c for c in found if c]


def _regions_of(name: str) -> tuple[list[str], str]:
    """Leading regions and the rest, as split_regions; a region the gazetteer lacks counts by its form (XX市)."""
    chain, rest = split_regions(name)
    head = None if chain else _region_head().match(name)
    return ([head.group()], name[head.end():]) if head and len(head.group()) >= 2 else (chain, rest)


def _office_of(long_: str, short: str) -> bool:
    return long_ != short and long_.startswith(short) and bool(_office_tail().search(long_))


def _abbreviates(short: str, long_: str) -> bool:
    """莆田市民宗局 for 莆田市民族与宗教事务局: same region, same suffix, the short name's characters in order."""
    (chain_s, rest_s), (chain_l, rest_l) = _regions_of(short), _regions_of(long_)
    if not chain_s or chain_s[-1:] != chain_l[-1:] or len(rest_s) < 3 or rest_s[-1] != rest_l[-1:]:
        return False
    remaining = iter(rest_l)
    return all(ch in remaining for ch in rest_s)


def _speaks_for(office: str, agency: str) -> bool:
    """A working group's office (三明市政府信息公开工作领导小组办公室: no agency before 办公室) signs for its
    region's government (三明市人民政府)."""
    m = _office_tail().search(office)
    if not m or _agency_tail().search(office[:m.start()]) or agency_level(agency) != "government":
        return False
    own, theirs = _regions_of(office)[0], _regions_of(agency)[0]
    return bool(own) and own[-1:] == theirs[-1:]


def _same_agency(a: Candidate, b: Candidate) -> bool:
    """One agency: one id, one the other's office (its signer or contact), or one the other's short name."""
    short, long_ = sorted((a, b), key=lambda c: len(c.name))
    return (a.agency_id == b.agency_id or _office_of(long_.agency_id, short.agency_id)
            or _abbreviates(short.name, long_.name) or _speaks_for(long_.name, short.name))


def _without_office(c: Candidate, text: str) -> Candidate:
    """The signer's or contact's office names its agency (莆田市水利局办公室 -> 莆田市水利局)."""
    m = _office_tail().search(c.name)
    base = c.name[:m.start()] if m else ""
    if not base or not _agency_tail().search(base) or not clean_agency(base):
        return c
    return Candidate(c.source, base, resolve_agency_id(base, text)[0])


def choose_agency(candidates: list[Candidate], text: str = "") -> tuple[Optional[Candidate], list[list[Candidate]]]:
    """The agency most sources agree on (ties: the title first) and the groups that name another one.

    Title, metadata, signature and file name are compared; the report's sentences (本报告由…编制, 请与…联系)
    name the office that wrote it or answers for it, so they count only when nothing else names an agency.
    The signer's office is not the agency unless a title says so.
    """
    pool = [c for c in candidates if c.source in _COMPARED] or [c for c in candidates if c.source == "sentence"][:1]
    groups: list[list[Candidate]] = []
    for c in pool:
        home = next((g for g in groups if any(_same_agency(c, m) for m in g)), None)
        if home is None:
            groups.append([c])
        else:
            home.append(c)
    if not groups:
        return None, []
    groups.sort(key=lambda g: (-len({m.source for m in g}), min(_RANK[m.source] for m in g)))
    titled = [m for m in groups[0] if m.titled]
    best = min(titled or groups[0], key=lambda m: _RANK[m.source])
    return (best if best.titled else _without_office(best, text)), groups[1:]


def _conflict_evidence(winner: Candidate, others: list[list[Candidate]]) -> str:
    said = "; ".join(f"{g[0].name} ({', '.join(m.source for m in g)})" for g in others)
    return f"the sources name different agencies: {winner.name} kept ({winner.source}), against {said}"


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
    written = complete_agency_name(written)  # 三明市 and 三明市人民政府 are one agency
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
    year, candidates = agency_candidates(doc, text, int(period["year"]) if period else None)
    winner, others = choose_agency(candidates, text)
    agency, source = (winner.name, winner.source.replace("meta_title", "meta")) if winner else ("", "unknown")
    findings = []
    if winner and not winner.titled:
        findings.append(("identify.agency_not_in_title", f"agency taken from the {source.replace('_', ' ')}: {agency}"))
    if winner and others:
        findings.append(("identify.agency_conflict", _conflict_evidence(winner, others)))
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
        agency = complete_agency_name(agency)
        aid, how = resolve_agency_id(agency, text)
        if how.startswith("name (city"):
            findings.append(("identify.region_ambiguous", f"{agency}: {how}"))
    return Identity(template=template, year=year, agency=agency, agency_id=aid, agency_source=source,
                    agency_id_how=how, template_scores=scores, findings=tuple(findings),
                    agency_level=UNKNOWN_AGENCY if aid == UNKNOWN_AGENCY else agency_level(agency))


def identity_findings(report_id_: str, ident: Identity) -> list[dict]:
    """Identification findings as rows of the findings table (about the parse, not the report)."""
    return [dict(report_id=report_id_, rule=rule, applicant="total", state="fail", left=math.nan, right=math.nan,
                 evidence=evidence, blanks_as_zero=False) for rule, evidence in ident.findings]
