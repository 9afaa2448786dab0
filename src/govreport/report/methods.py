"""The methods page: what each check means, how verdicts are reached, licence, citation, sources (no I/O).

Every word comes from the catalog (``narrative_methods.csv`` for the page,
``methods_codes.csv`` for each finding code, ``methods_groups.csv`` for the
kinds of check); every list comes from the catalog the library itself runs on
(``rules.csv``, ``reasons.csv``, ``deadlines.csv``, ``report_levels.csv``, the
date sources), so the page cannot drift from what the program does. Codes,
patterns, URLs and licence identifiers are set in ``<code>``: they are names,
not words of the page's language. The caller reads the stored tables and the
measured accuracy and hands them in as :class:`MethodsInputs`.
"""
from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional, Sequence

from govreport import catalog
from govreport.report.names_en import bilingual
from govreport.report.wording import (applicant_name, enum, fmt_number, has_term, is_missing, metric_name, template_name, term,
                                      term_keys)

_CJK = re.compile(r"[\u3400-\u9fff]")
MARK = "\x00{}\x00"  # stands for a piece of markup while the surrounding text is escaped


@dataclass
class SourceRow:
    """One report's source as its page states it (None: not stated)."""

    path: str            # relative to data/raw (its copy is published under sources/)
    href: str            # link to the published copy
    agency: str
    year: int
    url: Optional[str] = None
    retrieved: Optional[str] = None


@dataclass
class MethodsInputs:
    """What the page shows besides the catalog: versions, sources, reviews, measured accuracy."""

    version: str
    data_version: str
    sources: list[SourceRow] = field(default_factory=list)
    reviews: Optional[dict[str, int]] = None     # state -> count ('confirmed', 'dismissed'); None: no reviews
    accuracy: Optional[list[dict]] = None        # rows of verdict_accuracy.csv; None: not measured
    date_sources: Sequence[str] = ()             # published_source values, strongest first
    reviews_file: str = "reviews.csv"            # where the analyst's decisions are read (relative to the root)
    index_href: str = "index.html"
    record_href: str = "build_record.json"


# --------------------------------------------------------------------------
# wording

def states(lang: str) -> dict[str, str]:
    """The verdict words as every page prints them (narrative_terms.csv state.*)."""
    return {s: enum("state", s, lang) for s in ("pass", "fail", "not_assessable", "unknown")}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


ORIGINAL = ' lang="zh-CN" class="govreport-original"'   # Chinese the library reads, on a page in another language


def code(text: Any, lang: str = "zh") -> str:
    """A name set in <code>; Chinese in it (a pattern the library matches) is marked as such outside Chinese."""
    mark = ORIGINAL if lang != "zh" and _CJK.search(str(text)) else ""
    return f"<code{mark}>{_e(text)}</code>"


def rich(key: str, lang: str, markup: Optional[dict[str, str]] = None, **values: Any) -> str:
    """A catalog sentence escaped, with ``markup`` placeholders filled by ready HTML (codes, links)."""
    markup = markup or {}
    text = term(key, lang, **values, **{k: MARK.format(k) for k in markup}) if values or markup else term(key, lang)
    text = _e(text)
    for name, fragment in markup.items():
        text = text.replace(_e(MARK.format(name)), fragment)
    return text


def _p(inner: str) -> str:
    return f"<p>{inner}</p>"


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table of ready HTML cells (callers escape)."""
    head = "".join(f"<th>{c}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="govreport-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# --------------------------------------------------------------------------
# the checks, grouped by kind

@lru_cache(maxsize=None)
def groups() -> tuple[dict[str, str], ...]:
    return tuple(sorted(catalog.read_csv("methods_groups.csv"), key=lambda r: int(r["order"])))


def group_of(code_: str, kind: str) -> str:
    """The first group (by order) whose kind and code prefix both fit (an empty field fits all)."""
    for g in groups():
        if (not g["kind"] or g["kind"] == kind) and code_.startswith(g["prefix"]):
            return g["group"]
    raise KeyError(f"catalog/methods_groups.csv: no group for code {code_!r} of kind {kind!r}")


@lru_cache(maxsize=None)
def _code_wording() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in catalog.read_csv("methods_codes.csv")}


def _side(rows: list[dict], lang: str) -> str:
    """One side of an identity in words: names joined by plus and minus; last year's marked."""
    parts = []
    for n, r in enumerate(rows):
        name = applicant_name(r["applicant"], lang) if r["metric"] == "*" else metric_name(r["metric"], lang)
        if int(r["year_offset"]) != 0:
            name = term("checks.previous_year", lang, name=name)
        minus = float(r["weight"]) < 0
        if n or minus:
            sign = ("－" if minus else "＋") if lang == "zh" else (" − " if minus else " + ")
            name = sign + name
        parts.append(name)
    return "".join(parts)


def rule_meaning(rows: list[dict], lang: str) -> str:
    """An identity of rules.csv in words: 'left = right', per applicant column or per row where it says so."""
    left = _side([r for r in rows if r["side"] == "left"], lang)
    right = _side([r for r in rows if r["side"] == "right"], lang)
    formula = left + ("＝" if lang == "zh" else " = ") + right
    if any(r["metric"] == "*" for r in rows):
        return term("checks.every_row", lang, formula=formula)
    if any(r["applicant"] == "each" for r in rows):
        return term("checks.each_applicant", lang, formula=formula)
    return formula


def _formats(templates: str, lang: str) -> str:
    names = [template_name(t, lang, short=True) for t in templates.split()]
    return ("、" if lang == "zh" else ", ").join(names) if names else term("checks.all_formats", lang)


def rule_rows(lang: str) -> list[tuple[str, str, str, str]]:
    """(group, code html, formats, meaning) for every identity of rules.csv, one row per rule and format set."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for r in catalog.read_csv("rules.csv"):
        grouped.setdefault((r["rule"], r["templates"]), []).append(r)
    kinds = catalog.finding_kinds()
    return [(group_of(rule, kinds.get(rule, "arithmetic")), code(rule), _e(_formats(templates, lang)),
             _e(rule_meaning(rows, lang))) for (rule, templates), rows in grouped.items()]


def reason_rows(lang: str) -> list[tuple[str, str, str, str]]:
    """(group, code html, formats, meaning) for every code of reasons.csv."""
    wording = _code_wording()
    out = []
    for r in catalog.read_csv("reasons.csv"):
        text = wording.get(r["code"], {}).get(lang) or term("checks.no_wording", lang)
        out.append((group_of(r["code"], r["kind"]), code(r["code"]), _e(term("checks.all_formats", lang)), _e(text)))
    return out


def checks_html(lang: str) -> str:
    """Every rule and finding code, under the kind of check it is."""
    s = states(lang)
    rows = rule_rows(lang) + reason_rows(lang)
    columns = [_e(term(f"checks.col.{c}", lang)) for c in ("code", "formats", "meaning")]
    parts = [_p(_e(term("checks.intro", lang, **s)))]
    for g in groups():
        mine = [row[1:] for row in rows if row[0] == g["group"]]
        name = g["group"]
        parts.append(f'<h3 id="checks-{_e(name)}">{_e(term(f"group.{name}.title", lang))}</h3>')
        parts.append(_p(_e(term(f"group.{name}.intro", lang, **s))))
        if mine:
            parts.append(_p(_e(term("checks.n_codes", lang, n=len(mine)))) + _table(columns, mine))
        else:
            parts.append(_p(_e(term("group.empty", lang))))
    return "\n".join(parts)


def states_html(lang: str) -> str:
    s = states(lang)
    return "\n".join(_p(_e(term(k, lang, **s))) for k in ("states.not_assessable", "states.unknown", "states.why"))


# --------------------------------------------------------------------------
# timeliness

def _deadline_text(month: int, day: int, lang: str) -> str:
    return term("timeliness.deadline", lang, month=month, day=day, month_name=calendar.month_name[month])


def _years_text(first: str, last: str, lang: str) -> str:
    if int(last) >= 9999:
        return term("timeliness.years_from", lang, first=first)
    return term("timeliness.years_range", lang, first=first, last=last)


def _basis(row: dict, lang: str) -> str:
    """The legal basis as the catalog quotes the regulations, in the page's language."""
    return _e(row["basis_en"] if lang == "en" else row["basis"])


def deadlines_table(lang: str) -> str:
    rows = [[_e(enum("level", r["level"], lang)), _e(_years_text(r["first_year"], r["last_year"], lang)),
             _e(_deadline_text(int(r["month"]), int(r["day"]), lang)), _basis(r, lang)]
            for r in catalog.read_csv("deadlines.csv")]
    columns = [_e(term(f"timeliness.col.{c}", lang)) for c in ("level", "years", "deadline", "basis")]
    return _table(columns, rows)


def levels_table(lang: str) -> str:
    """catalog/report_levels.csv in order: a region alone, or a name pattern, and the kind it gives."""
    rows = []
    for n, r in enumerate(catalog.read_csv("report_levels.csv"), 1):
        if r.get("test", "name") == "region":
            rule = _e(term("timeliness.level.region", lang))
        else:
            rule = f'{_e(term("timeliness.level.pattern", lang))} {code(r["pattern"], lang)}'
        rows.append([str(n), rule, _e(enum("level", r["level"], lang))])
    columns = [_e(term(c, lang)) for c in ("timeliness.level.col.order", "timeliness.level.col.rule",
                                            "timeliness.col.level")]
    return _table(columns, rows)


@lru_cache(maxsize=None)
def _date_catalog() -> dict[str, tuple[str, ...]]:
    """catalog/date_sources.csv by use (date_meta: meta names, date_label: printed labels …); empty without it."""
    try:
        rows = catalog.read_csv("date_sources.csv")
    except FileNotFoundError:
        return {}
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r.get("use", ""), []).append(r.get("value", ""))
    return {k: tuple(v) for k, v in out.items()}


def _labels(lang: str) -> str:
    """The printed date labels, as reports print them (marked as Chinese on the English page)."""
    labels = _date_catalog().get("date_label", ())
    if lang == "zh":
        return "、".join(f"“{_e(w)}”" for w in labels)
    return ", ".join(f'<span{ORIGINAL}>{_e(w)}</span>' for w in labels)


def date_source_html(source: str, lang: str) -> str:
    """One publication-date source in words, with the meta names and labels the library reads for it."""
    key = f"date_source.{source}"
    if not has_term(key):
        return code(source)
    names = ("、" if lang == "zh" else ", ").join(code(n) for n in _date_catalog().get("date_meta", ()))
    return f"{code(source)}{'：' if lang == 'zh' else ': '}{rich(key, lang, {'names': names, 'labels': _labels(lang)})}"


def timeliness_html(date_sources: Sequence[str], lang: str) -> str:
    s = states(lang)
    items = "".join(f"<li>{date_source_html(d, lang)}</li>" for d in date_sources)
    return "\n".join([
        _p(_e(term("timeliness.intro", lang))), deadlines_table(lang),
        _p(_e(term("timeliness.level_intro", lang))), levels_table(lang),
        _p(_e(term("timeliness.dates_intro", lang))), f"<ol>{items}</ol>",
        _p(_e(term("timeliness.dates_missing", lang, **s))), _p(_e(term("timeliness.sources_stored", lang))),
    ])


# --------------------------------------------------------------------------
# agencies, reviews, accuracy, limits, licence, citation, sources

def agencies_html(lang: str) -> str:
    return "\n".join(_p(_e(term(k, lang))) for k in ("agencies.sources", "agencies.names", "agencies.ids"))


def reviews_html(reviews: Optional[dict[str, int]], reviews_file: str, lang: str) -> str:
    counts = (_e(term("reviews.counts", lang, confirmed=reviews.get("confirmed", 0),
                       dismissed=reviews.get("dismissed", 0)))
              if reviews and sum(reviews.values()) else _e(term("reviews.none", lang)))
    return _p(rich("reviews.text", lang, {"file": code(reviews_file)})) + "\n" + _p(counts)


def _word(kind: str, value: Any, lang: str) -> str:
    """A format or verdict name from the catalog, else the value itself as a code."""
    key = f"{kind}.{value}"
    return _e(term(key, lang)) if has_term(key) else code(value)


def _count(value: Any) -> int:
    return 0 if is_missing(value) or str(value).strip() == "" else int(float(value))


def accuracy_cell(row: dict, lang: str) -> str:
    """right / wrong / not judged of one format and verdict kind (counts of reports)."""
    return " / ".join(fmt_number(_count(row.get(k)), lang) for k in ("right", "wrong", "unknown"))


def accuracy_html(rows: Optional[list[dict]], lang: str) -> str:
    """The measured verdicts (verdict_accuracy.csv): a row per verdict kind, a column per format.

    Without a measurement the page says the figure is not available; it never estimates one."""
    if not rows:
        return _p(_e(term("accuracy.none", lang)))
    s = states(lang)
    dates = ("、" if lang == "zh" else ", ").join(sorted({str(r.get("measured_on", "")) for r in rows} - {""}))
    formats = list(dict.fromkeys(str(r.get("format", "")) for r in rows))
    cells = {(str(r.get("verdict", "")), str(r.get("format", ""))): r for r in rows}
    body = [[_word("verdict", v, lang)] + [_e(accuracy_cell(cells[(v, f)], lang)) if (v, f) in cells
                                          else _e(term("accuracy.rate_none", lang)) for f in formats]
            for v in dict.fromkeys(str(r.get("verdict", "")) for r in rows)]
    columns = [_e(term("accuracy.col.verdict", lang))] + [_word("format", f, lang) for f in formats]
    intro = _e(term("accuracy.intro", lang, measured_on=dates or term("sources.not_stated", lang), **s))
    return "\n".join([_p(intro), _p(_e(term("accuracy.legend", lang))), _table(columns, body)])


def limits_html(lang: str) -> str:
    numbered = (k for k in term_keys() if k.startswith("limits.") and k[7:].isdigit())
    items = [term(k, lang) for k in sorted(numbered, key=lambda k: int(k[7:]))]
    return "<ol>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ol>"


def licence_html(lang: str) -> str:
    data_link = f'<a href="{_e(term("licence.data_url", lang))}">{code(term("licence.data_id", lang))}</a>'
    return "\n".join([_p(rich("licence.code", lang, {"code": code(term("licence.code_id", lang))})),
                      _p(rich("licence.data", lang, {"data": data_link})), _p(_e(term("licence.sources", lang)))])


def citation(inputs: MethodsInputs, lang: str) -> str:
    """The line to cite (plain text): the site, the govreport version, the data version."""
    return citation_text(inputs.version, inputs.data_version, lang)


def citation_text(version: str, data_version: str, lang: str) -> str:
    """The citation of the methods page, for the index too (one wording, catalog row cite.text)."""
    return term("cite.text", lang, site=term("index.title", lang), version=version, data_version=data_version[:12])


def cite_html(inputs: MethodsInputs, lang: str) -> str:
    record = f'<a href="{_e(inputs.record_href)}">{code(inputs.record_href)}</a>'
    return "\n".join([_p(_e(term("cite.intro", lang))),
                      f'<blockquote class="govreport-cite"><p>{_e(citation(inputs, lang))}</p></blockquote>',
                      _p(rich("cite.record", lang, {"record": record}))])


def _url(url: Optional[str], lang: str) -> str:
    if not url or not str(url).lower().startswith(("http://", "https://")):
        return _e(term("sources.not_stated", lang))
    return f'<a href="{_e(url)}">{code(url)}</a>'


def sources_html(sources: Sequence[SourceRow], lang: str) -> str:
    not_stated = term("sources.not_stated", lang)
    rows = [[f'<a href="{_e(s.href)}">{code(s.path)}</a>', _e(bilingual(s.agency, lang)), str(s.year), _url(s.url, lang),
             _e(s.retrieved) if s.retrieved else _e(not_stated)] for s in sources]
    columns = [_e(term(f"sources.col.{c}", lang)) for c in ("file", "agency", "year", "url", "retrieved")]
    return _p(_e(term("sources.intro", lang, not_stated=not_stated))) + "\n" + _table(columns, rows)


# --------------------------------------------------------------------------
# the page

def sections(inputs: MethodsInputs, lang: str) -> list[tuple[str, str, str]]:
    """(anchor, title, body html) of each part of the page, in order."""
    s = states(lang)
    return [
        ("checks", term("checks.title", lang), checks_html(lang)),
        ("states", term("states.title", lang, **s), states_html(lang)),
        ("timeliness", term("timeliness.title", lang), timeliness_html(inputs.date_sources, lang)),
        ("agencies", term("agencies.title", lang), agencies_html(lang)),
        ("reviews", term("reviews.title", lang), reviews_html(inputs.reviews, inputs.reviews_file, lang)),
        ("accuracy", term("accuracy.title", lang), accuracy_html(inputs.accuracy, lang)),
        ("limits", term("limits.title", lang), limits_html(lang)),
        ("licence", term("licence.title", lang), licence_html(lang)),
        ("cite", term("cite.title", lang), cite_html(inputs, lang)),
        ("sources", term("sources.title", lang), sources_html(inputs.sources, lang)),
    ]


def methods_body(inputs: MethodsInputs, lang: str) -> str:
    """The page's body: back link, title, introduction, contents, then every section."""
    parts = sections(inputs, lang)
    toc = "".join(f'<li><a href="#{_e(a)}">{_e(t)}</a></li>' for a, t, _ in parts)
    return "\n".join(
        [f'<p><a href="{_e(inputs.index_href)}">{_e(term("page.back", lang))}</a></p>',
         f"<h1>{_e(term('page.title', lang))}</h1>", _p(_e(term("page.intro", lang))),
         f'<nav class="govreport-toc"><h2>{_e(term("page.toc", lang))}</h2><ol>{toc}</ol></nav>']
        + [f'<h2 id="{_e(a)}">{_e(t)}</h2>\n{body}' for a, t, body in parts])
