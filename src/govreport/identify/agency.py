"""Which agency wrote the report: every source's reading of its name, and the one most sources agree on.

The agency is read from every source (the page's title, the printed title, the page's metadata, the
signature, the file name, and as a last resort the 本报告由…编制 / 请与…联系 sentences:
catalog/agency_sources.csv); a reading counts only if it looks like a name (identify.titles.clean_agency)
and, outside a title, starts with a region. Readings of one agency (one id, its office, its short name)
agree; the agency most sources agree on wins, and a disagreement is an ``identify.agency_conflict`` finding.

On a scan (OCR'd lines, identify.scanned) a sentence is also read across a line break, an office named in it
counts when OCR read its agency (the name before the office suffix) surely elsewhere, and the sentences count
only when they all name one agency: a scan whose title OCR lost is named by its body only when nothing in it
names another.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import Iterable, Optional

from govreport import catalog
from govreport.model import Document
from govreport.readers.encoding import file_name_text
from govreport.identify.scanned import OcrLines, corrected, in_gazetteer, ocr_lines, surely_read
from govreport.identify.titles import (HEAD_LINES, after_agency, agency_tail, clean_agency, compact,
                                       compact_document_lines, document_lines, find_title, match_title, meta_titles,
                                       read_title)
from govreport.text.agencies import (agency_level, complete_agency_name, is_region_alone, region_prefix,
                                     resolve_agency_id, split_regions)
from govreport.text.prefilter import required_chars, required_words

_RANK = {"meta_title": 0, "title": 1, "meta": 2, "signature": 3, "file_name": 4, "sentence": 5}
_COMPARED = ("meta_title", "title", "meta", "signature", "file_name")  # sources whose disagreement is a finding
_OCR_READ = ("signature", "sentence")  # body sources OCR'd on a scan (a title is judged by identify.titles)
_SIGNATURE_SPAN = 40  # a signature sits within the last lines (a printed page adds its footer after it)


@dataclass(frozen=True)
class Candidate:
    """One source's reading of the agency name (completed: 三明市 -> 三明市人民政府) and its id."""
    source: str  # meta_title / title / meta / signature / file_name / sentence
    name: str
    agency_id: str
    misread: str = ""  # the name as OCR read it when identify.scanned.corrected put its region right
    ocr: bool = False  # read from a document with OCR'd lines (a scan)

    @property
    def titled(self) -> bool:
        return self.source in ("meta_title", "title")


@lru_cache(maxsize=None)
def _agency_sources() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["source"], re.compile(r["pattern"])) for r in catalog.read_csv("agency_sources.csv"))


@lru_cache(maxsize=None)
def _source_patterns(kind: str) -> tuple[re.Pattern, ...]:
    return tuple(pattern for source, pattern in _agency_sources() if source == kind)


# what may answer otherwise on lines joined by newlines: lookarounds, \A \Z, atomic groups and possessive
# repeats (they do not give back a newline they took), conditionals
_LOOKAROUND = re.compile(r"\(\?<?[=!]|\\[AZ]|\(\?>|[*+?}]\+|\(\?\(")


@lru_cache(maxsize=None)
def _line_finder(pattern: re.Pattern) -> Optional[re.Pattern]:
    """What to search a document's lines joined by newlines for (^ and $ at each line) to find the lines that may
    hold ``pattern``: the pattern itself when it opens with a literal character (the regex engine skips to it:
    本报告由…), else the part after its agency group (titles.after_agency: cheap, and rare in a report; a pattern
    opening with an alternation or a class is tried at every position), else the pattern. A line ``pattern``
    matches holds a match of either, at the same place in the joined text. None (the pattern goes line by line)
    for a pattern that could answer otherwise there (_LOOKAROUND)."""
    if _LOOKAROUND.search(pattern.pattern):
        return None
    literal = pattern.pattern[:1] not in "\\.^$*+?{}[]|()"
    found = pattern if literal else after_agency(pattern) or pattern
    return re.compile(found.pattern, found.flags | re.MULTILINE)


def _lines_to_try(pattern: re.Pattern, lines: list[str], joined: str, starts: list[int],
                  counts: Optional[dict] = None) -> Iterable[int]:
    """The numbers of the ``lines`` (``joined`` by newlines, each starting at ``starts[k]``) that may hold a
    match of ``pattern``, in order. For a pattern whose tail tells little (_by_character), the lines holding the
    rarest character every match holds (_lines_holding). Else, from each line's start, the line where its
    _line_finder matches next in the joined text (a line with a match of its own holds a match of it there, so
    the search stops on that line or earlier, never passing it), then the search goes on from the next line:
    one search per line tried, not one per line. Every line for a pattern with neither."""
    if not lines:
        return ()
    if _words(pattern):
        return _lines_holding_words(_words(pattern), lines, joined, starts)
    if _by_character(pattern):
        return _lines_holding(required_chars(pattern), lines, joined, starts, {} if counts is None else counts)
    finder = _line_finder(pattern)
    if finder is None:
        return range(len(lines))
    return _hit_lines(_regex_hits(finder, joined), len(lines), starts)


def _hit_lines(first_hit, n_lines: int, starts: list[int]) -> list[int]:
    """The numbers of the lines holding a hit, in order: ``first_hit(pos)`` is the offset of the first hit at or
    after ``pos`` in the joined lines (-1: none); after a hit the search goes on at the next line's start."""
    out, pos = [], 0
    while (at := first_hit(pos)) >= 0:
        k = bisect_right(starts, at) - 1
        out.append(k)
        if k + 1 >= n_lines:
            break
        pos = starts[k + 1]
    return out


def _regex_hits(pattern: re.Pattern, joined: str):
    """``_hit_lines``'s first_hit for a pattern searched in ``joined``."""
    search = pattern.search
    return lambda pos: m.start() if (m := search(joined, pos)) is not None else -1


@lru_cache(maxsize=None)
def _words(pattern: re.Pattern) -> tuple[re.Pattern, ...]:
    """text.prefilter.required_words of ``pattern``, each as a literal pattern: the lines that hold one are found by
    a literal search each (政府信息公开工作; 联系|咨询|反映; 发布机构), where the pattern's tail or a character
    count scanned the whole text with a class at every position (the regex engine finds a literal faster than find)."""
    return tuple(re.compile(re.escape(w)) for w in required_words(pattern))


def _lines_holding_words(words: tuple[re.Pattern, ...], lines: list[str], joined: str, starts: list[int]
                         ) -> list[int]:
    """The numbers of the lines (``joined`` by newlines) that hold one of ``words`` (literal patterns), in order (a
    line holds no newline: a word with one is in none)."""
    found: set[int] = set()
    for word in words:
        if "\n" not in word.pattern:
            found.update(_hit_lines(_regex_hits(word, joined), len(lines), starts))
    return sorted(found)


@lru_cache(maxsize=None)
def _by_character(pattern: re.Pattern) -> bool:
    """Whether the lines to try are chosen by a character every match holds (text.prefilter.required_chars): when
    there is one and the pattern has no tail (titles.after_agency) to search the joined text for, or one that
    matches at any line's end ($: the 发布机构/来源 lines), which would stop the search on every line."""
    finder = _line_finder(pattern)
    return bool(required_chars(pattern)) and (finder is None or finder.pattern == pattern.pattern
                                              or finder.search("") is not None)


def _lines_holding(required: frozenset, lines: list[str], joined: str, starts: list[int], counts: dict
                   ) -> list[int]:
    """The numbers of the lines that hold the rarest of the ``required`` characters in the joined text (a line
    holds no newline: a pattern requiring one matches on no line)."""
    if "\n" in required:
        return []
    for ch in required:
        if ch not in counts:
            counts[ch] = joined.count(ch)
    rarest = min(sorted(required), key=counts.__getitem__)
    return _hit_lines(partial(joined.find, rarest), len(lines), starts)


@lru_cache(maxsize=None)
def _offices() -> tuple[str, ...]:
    return tuple(r["suffix"] for r in catalog.read_csv("agency_suffixes.csv") if r["office"] == "yes")


@lru_cache(maxsize=None)
def _office_tail() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, _offices())) + ")$")


def _office_base(name: str) -> str:
    """The name before its office suffix, the shortest that is not a region alone ('' no office): 莆田市林业局 of
    莆田市林业局政府信息公开工作领导小组办公室; a region's working group (三明市政府信息公开工作领导小组办公室) keeps
    the group (its government's office: catalog/report_levels.csv)."""
    bases = [name[:-len(s)] for s in _offices() if name.endswith(s) and len(name) > len(s)]
    return min([b for b in bases if not is_region_alone(b)] or bases, key=len, default="")


# ----------------------------------------------------------------------------- readings
def _grounded(name: str, titles: str) -> bool:
    """A name from outside a title starts with a region of the gazetteer or one the titles name."""
    if split_regions(name)[0] or is_region_alone(name):
        return True
    head = region_prefix(name)
    return bool(head) and head in titles


def _candidate(source: str, raw: str, text: str, titles: str, read: OcrLines, misread: str = "",
               named: Optional[dict] = None) -> Optional[Candidate]:
    """The reading ``raw`` of ``source`` as a candidate (None: not a name). ``named``: name -> (completed name,
    agency_id) of the names this report's readings already gave (several sources name one agency: a page's title,
    its metadata, the printed title and the signature), each completed and resolved once."""
    name = clean_agency(raw)
    if not name or source not in ("meta_title", "title") and not _grounded(name, titles):
        return None
    if source in _OCR_READ and not surely_read(read, name) and not _office_surely_read(read, name):
        misread, name = name, corrected(read, name)  # OCR was unsure of the name: a guessed agency is worse
        if not name:
            return None
    done = named.get(name) if named is not None else None
    if done is None:
        completed = complete_agency_name(name)
        done = (completed, resolve_agency_id(completed, text)[0])
        if named is not None:
            named[name] = done
    return Candidate(source, done[0], done[1], misread, read.any)


def _office_surely_read(read: OcrLines, name: str) -> bool:
    """An office named in a sentence (请与莆田市林业局政府信息公开工作领导小组办公室联系) whose agency, the name
    before its office suffix (catalog/agency_suffixes.csv), OCR read surely elsewhere: the suffix is the
    catalog's own words, so the whole name is read."""
    base = _office_base(name)
    return bool(base) and bool(agency_tail().search(base)) and surely_read(read, base)


def _sentences(lines: list[str], printed: list[str], read: OcrLines) -> list[tuple[str, str]]:
    """("sentence", name) of every sentence form on a line, and on two OCR'd lines joined where the sentence
    wraps (请与莆田市林业局…办公室 / 联系(地址…): a scanned paragraph is read line by line."""
    joined = "\n".join(lines)
    starts = list(accumulate(map(add, map(len, lines[:-1]), repeat(1)), initial=0))  # (len + 1 a line, in C)
    counts: dict = {}
    out = [("sentence", m.group("agency")) for p in _source_patterns("sentence")
           for k in _lines_to_try(p, lines, joined, starts, counts) for m in p.finditer(lines[k])]
    pairs = [(a, b) for a, b, pa, pb in zip(lines, lines[1:], printed, printed[1:])
             if pa in read.read and pb in read.read] if read.any else []
    return out + [("sentence", m.group("agency")) for p in _source_patterns("sentence") for a, b in pairs
                  for m in p.finditer(a + b) if m.start() < len(a) < m.end()]


def _signature_names(lines: list[str]) -> list[str]:
    """The signer: a name line right above a date line; else name lines among the last dozen."""
    tail = lines[-_SIGNATURE_SPAN:]

    def name_on(line: str) -> str:
        return next((m.group("agency") for p in _source_patterns("signature") for m in [p.match(line)] if m), "")

    dates = _source_patterns("signature_date")
    if len(dates) == 1:  # (the catalog's one date form: its match a line, no generator and lookup a line)
        dated = [name_on(line) for line, below in zip(tail, tail[1:]) if dates[0].match(below)]
    else:
        dated = [name_on(line) for line, below in zip(tail, tail[1:]) if any(p.match(below) for p in dates)]
    return [n for n in dated[::-1] if n] or [n for n in map(name_on, reversed(tail[-12:])) if n]


def agency_candidates(doc: Document, text: str, period_year: Optional[int] = None
                      ) -> tuple[Optional[int], list[Candidate]]:
    """The reporting year of the title and every source's reading of the agency (catalog/agency_sources.csv),
    each one that does not read as an agency name left out."""
    printed = document_lines(doc)
    lines, read = compact_document_lines(doc), ocr_lines(doc)
    meta_year, meta_title, _ = find_title(doc, period_year, ("meta",))
    body_year, body_title, _, misread, _ = read_title(doc, period_year, ("title",))
    year = meta_year if meta_title else body_year if body_title else meta_year or body_year
    titles = "".join(lines[:HEAD_LINES]) + "".join(compact(v) for v in meta_titles(doc))
    raw = [("meta_title", meta_title), ("title", body_title)]
    raw += [("meta", compact(v)) for k, v in doc.meta.items() if any(p.search(k) for p in _source_patterns("meta"))]
    raw += [("signature", name) for name in _signature_names(lines)]
    hit = match_title(file_name_text(Path(doc.path).stem)) if doc.path else None
    raw += [("file_name", hit[1] if hit else "")]
    raw += _sentences(lines, printed, read)
    named: dict = {}
    found = [_candidate(source, value, text, titles, read, misread if source == "title" else "", named)
             for source, value in raw if value]
    found = [c for c in found if c]
    return year, _one_voice(found, [v for source, v in raw if source == "sentence"], text) if read.any else found


def _one_voice(found: list[Candidate], said: list[str], text: str) -> list[Candidate]:
    """A scan's sentences count only when every one that names an agency in a gazetteer region, read surely or
    not, names one agency: two agencies named means a misread or a report naming both, and which wrote it
    cannot be told."""
    sure = [c for c in found if c.source == "sentence"]
    heard = [complete_agency_name(n) for n in map(clean_agency, said) if n and in_gazetteer(n)]
    voices = sure + [Candidate("sentence", n, resolve_agency_id(n, text)[0]) for n in heard]
    return found if not sure or len(_grouped(voices)) == 1 else [c for c in found if c.source != "sentence"]


# ----------------------------------------------------------------------------- agreement
def _regions_of(name: str) -> tuple[list[str], str]:
    """Leading regions and the rest, as split_regions; a region the gazetteer lacks counts by its form (XX市)."""
    chain, rest = split_regions(name)
    head = "" if chain else region_prefix(name)
    return ([head], name[len(head):]) if head else (chain, rest)


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
    base = _office_base(office)
    if not base or agency_tail().search(base) or agency_level(agency) != "government":
        return False
    own, theirs = _regions_of(office)[0], _regions_of(agency)[0]
    return bool(own) and own[-1:] == theirs[-1:]


def _same_agency(a: Candidate, b: Candidate) -> bool:
    """One agency: one id, one the other's office (its signer or contact), or one the other's short name."""
    short, long_ = sorted((a, b), key=lambda c: len(c.name))
    return (a.agency_id == b.agency_id or _office_of(long_.agency_id, short.agency_id)
            or _abbreviates(short.name, long_.name) or _speaks_for(long_.name, short.name))


def _without_office(c: Candidate, text: str) -> Optional[Candidate]:
    """The signer's or contact's office names its agency (莆田市水利局办公室 -> 莆田市水利局); a government's
    office (莆田市人民政府办公室) signs the government's report and publishes its own: None, cannot tell."""
    base = _office_base(c.name)
    if not base or not agency_tail().search(base) or not clean_agency(base):
        return c
    if agency_level(base) == "government":
        return None
    return replace(c, name=base, agency_id=resolve_agency_id(base, text)[0])


def _grouped(pool: list[Candidate]) -> list[list[Candidate]]:
    """The candidates in groups of one agency each (_same_agency), in order of first appearance."""
    groups: list[list[Candidate]] = []
    for c in pool:
        home = next((g for g in groups if any(_same_agency(c, m) for m in g)), None)
        if home is None:
            groups.append([c])
        else:
            home.append(c)
    return groups


def choose_agency(candidates: list[Candidate], text: str = "") -> tuple[Optional[Candidate], list[list[Candidate]]]:
    """The agency most sources agree on (ties: the title first) and the groups that name another one.

    Title, metadata, signature and file name are compared; the report's sentences (本报告由…编制, 请与…联系)
    name the office that wrote it or answers for it, so they count only when nothing else names an agency.
    The signer's office is not the agency unless a title says so; a government's office with no title naming
    the report's agency leaves it unknown (its government's report or its own: a wrong level is worse).
    """
    sentences = [c for c in candidates if c.source == "sentence"]  # on a scan, all of one agency (_one_voice)
    groups = _grouped([c for c in candidates if c.source in _COMPARED] or sentences[:1])
    if not groups:
        return None, []
    groups.sort(key=lambda g: (-len({m.source for m in g}), min(_RANK[m.source] for m in g)))
    titled = [m for m in groups[0] if m.titled]
    best = min(titled or groups[0], key=lambda m: _RANK[m.source])
    return (best if best.titled else _without_office(best, text)), groups[1:]


def agency_findings(winner: Optional[Candidate], others: list[list[Candidate]], title_unread: bool = False
                    ) -> list[tuple[str, str]]:
    """(rule, evidence) about the choice: the agency came from outside a title (whose name OCR could not
    read, on a scan), OCR misread its region and it was put right, or the sources disagree."""
    findings = []
    if winner and not winner.titled:
        source = winner.source.replace("_", " ")
        findings.append(("identify.agency_title_unread" if title_unread else "identify.agency_not_in_title",
                         f"agency taken from the {source}: {winner.name}"))
    if winner and winner.misread:
        findings.append(("identify.agency_ocr_corrected", f"OCR read {winner.misread} ({winner.source}); "
                                                          f"its region put right: {winner.name}"))
    if winner and others:
        said = "; ".join(f"{g[0].name} ({', '.join(m.source for m in g)})" for g in others)
        findings.append(("identify.agency_conflict", f"the sources name different agencies: {winner.name} kept "
                                                     f"({winner.source}), against {said}"))
    return findings
