"""The comparison page: one agency's harmonized series, prose figures and repetition across years.

A point whose printed total contradicts the report's own parts (洪泽区 2023
prints 行政复议 总计 0 beside parts adding to 11) is drawn as printed and marked
on the chart, with a note saying what the parts add up to.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import pandas as pd

from govreport.report.access import agency_reports, metric_names, report_year, template_changes
from govreport.report.context import repetition_limit
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.findings import cites, evidence_sentence, review_state, series_contradiction
from govreport.report.links import agency_links, anchor_for, index_link
from govreport.report.model import Chart, Links, Long, Section, Story, Table, original
from govreport.report.names_en import bilingual, english_name
from govreport.report.wording import (fmt_number, fmt_percent, group_catalog, is_missing, paren, quantity, series_catalog,
                      series_name, template_name, term, unit_text)

SERIES_COLUMNS = ["year", "series", "label", "value", "comparability", "template", "contradicted", "parts"]


def _group_of(series: str) -> str:
    return next((r["group"] for r in series_catalog() if r["series"] == series), "other")


def _series_order(series: str) -> int:
    return next((int(r["order"]) for r in series_catalog() if r["series"] == series), 99)


@takes_dataset
def comparison_frame(data: Dataset, agency_id: str, years: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """Harmonized rows of one agency (optionally some years), sorted by year and series."""
    harmonized = data.table("harmonized")
    if harmonized.empty:
        return pd.DataFrame(columns=["year", "series", "value", "comparability", "template"])
    rows = harmonized[harmonized["agency_id"].astype(str) == str(agency_id)].copy()
    rows["year"] = pd.to_numeric(rows["year"], errors="coerce").astype(int)
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows.loc[rows["comparability"].astype(str) == "none", "value"] = float("nan")
    return rows.sort_values(["year", "series"]).reset_index(drop=True)


@takes_dataset
def contradictions(data: Dataset, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``rows`` with ``contradicted`` (a broken identity of the report lies under the point), ``parts``
    (what the parts add up to, when the point is itself the broken total) and ``note`` (the sentence)."""
    rows = rows.assign(contradicted=False, parts=float("nan"), note="")
    names = metric_names(data, lang)
    for index, r in rows.iterrows():
        if is_missing(r["value"]):
            continue
        hits, parts = series_contradiction(data, str(r["report_id"]), str(r["series"]), str(r["template"]))
        if hits.empty:
            continue
        rows.at[index, "contradicted"] = True
        rows.at[index, "parts"] = float("nan") if parts is None else parts
        rows.at[index, "note"] = term("comparison.contradiction_note", lang, year=int(r["year"]),
                                      series=series_name(str(r["series"]), lang),
                                      finding=" ".join(evidence_sentence(f, lang, names) for _, f in hits.iterrows()))
    return rows


def _overview(agency: str, table: pd.DataFrame, lang: str) -> Section:
    title = term("comparison.title", lang, agency=agency)
    year_list = sorted(table["year"].unique())
    sep = "、" if lang == "zh" else ", "
    overview = Section("overview", title, [term("comparison.overview", lang, agency=agency, n=len(year_list),
                                                 years=sep.join(str(y) for y in year_list))], level=1)
    if len(year_list) < 2:
        overview.blocks.append(term("comparison.too_few", lang, agency=agency, n=len(year_list)))
    missing = sorted(set(range(min(year_list), max(year_list) + 1)) - set(year_list))
    if missing:
        overview.blocks.append(term("comparison.missing_years", lang, years=sep.join(str(y) for y in missing)))
    changes = template_changes(table)
    for year_from, year_to, t_from, t_to in changes:
        overview.blocks.append(term("comparison.template_change", lang, year_from=year_from, year_to=year_to,
                                    from_template=template_name(t_from, lang), to_template=template_name(t_to, lang)))
    if not changes:
        overview.blocks.append(term("comparison.no_change", lang, template=template_name(table["template"].iloc[0], lang)))
    overview.blocks.append(term("comparison.legend_note", lang))
    return overview


def _change_text(rows: pd.DataFrame, lang: str) -> list[str]:
    """Per row: the change from the same series' previous year, in numbers and per cent ('' for none)."""
    out, previous = [], {}
    for r in rows.itertuples():
        before = previous.get(r.series)
        text = ""
        if before is not None and before[0] == r.year - 1 and not is_missing(r.value) and not is_missing(before[1]):
            change = float(r.value) - float(before[1])
            text = ("+" if change > 0 else "") + fmt_number(change, lang)
            if float(before[1]):
                text += paren(("+" if change > 0 else "") + f"{100 * change / float(before[1]):.1f}%", lang)
        out.append(text)
        previous[r.series] = (r.year, r.value)
    return out


def _group_section(data: Dataset, group: dict, rows: pd.DataFrame, agency: str, lang: str) -> Section:
    sep = "、" if lang == "zh" else ", "
    section = Section(f"group.{group['group']}", group[lang])
    rows = contradictions(data, rows, lang)
    present = rows["value"].dropna()
    if not present.empty and (present == 0).all():
        section.blocks.append(term("comparison.group_zero", lang))
    elif not present.empty:
        notes = [n for n in rows["note"] if n]
        shown = agency if lang == "zh" else english_name(agency)  # a chart is all one language
        section.charts.append(Chart(kind="series", title=group[lang] + paren(shown, lang),
                                    frame=rows[SERIES_COLUMNS].reset_index(drop=True), lang=lang, notes=notes))
    else:
        section.blocks.append(term("comparison.group_none", lang))
    approx = rows[rows["comparability"].astype(str) == "approximate"]
    if not approx.empty:
        section.blocks.append(term("comparison.approx_list", lang, items=sep.join(
            f"{r.label} {r.year}: {fmt_number(r.value, lang)}" for r in approx.itertuples())))
    gaps = rows[rows["comparability"].astype(str) == "none"]
    if not gaps.empty:
        section.blocks.append(term("comparison.none_list", lang, items=sep.join(
            f"{r.label} {r.year}" for r in gaps.itertuples())))
    section.blocks.append(Table(
        [term(f"col.{c}", lang) for c in ("series", "year", "template", "value", "change", "comparability", "caveat")],
        [[r.label, str(r.year), template_name(r.template, lang, short=True), fmt_number(r.value, lang), change,
          term(f"comparability.{r.comparability}", lang), _caveat(r, lang)]
         for r, change in zip(rows.itertuples(), _change_text(rows, lang))]))
    if not section.charts:  # with a chart the notes sit under it
        section.blocks += [n for n in rows["note"] if n]
    return section


@takes_dataset
def comparison_story(data: Dataset, agency_id: str, years: Optional[Sequence[int]] = None,
                     lang: str = "zh") -> Story:
    """Every harmonized series of one agency on one time axis, grouped as in the catalog."""
    table = comparison_frame(data, agency_id, years)
    if table.empty:
        title = term("comparison.title", lang, agency=str(agency_id))
        return Story(str(agency_id), title, anchor_for(agency_id),
                     [Section("overview", title, [term("comparison.unknown", lang, agency=str(agency_id))], level=1)])
    agency = str(table.sort_values("year")["agency"].iloc[-1])
    sections = [_overview(bilingual(agency, lang), table, lang)]
    sections[0].blocks.insert(0, Links(index_link(lang) + agency_links(data, str(agency_id), agency, lang)))
    table = table.assign(group=table["series"].astype(str).map(_group_of),
                         order=table["series"].astype(str).map(_series_order),
                         label=table["series"].astype(str).map(lambda s: series_name(s, lang)))
    for group in group_catalog():
        rows = table[table["group"] == group["group"]].sort_values(["order", "year"])
        if not rows.empty:
            sections.append(_group_section(data, group, rows, agency, lang))
    sections.append(_comparison_facts(data, agency_id, agency, years, lang))
    sections.append(_comparison_repetition(data, agency_id, agency, years, lang))
    story = Story(str(agency_id), sections[0].title, anchor_for(agency_id), sections)
    sections[0].anchor = story.anchor
    for section in sections[1:]:
        section.anchor = story.section_anchor(section.key)
    return story


def _caveat(row: Any, lang: str) -> str:
    """The crosswalk caveat in the page's language (caveat_zh for zh, caveat otherwise)."""
    text = getattr(row, "caveat_zh" if lang == "zh" else "caveat", None)
    if is_missing(text) or not str(text):
        text = getattr(row, "caveat", None)
    return "" if is_missing(text) else str(text)


# --------------------------------------------------------------------------
# prose figures and repetition across years (comparison)

FACT_SERIES_COLUMNS = ["series", "year", "subject", "value", "unit", "sentence", "report_id", "fact_id"]


@takes_dataset
def fact_series(data: Dataset, agency_id: str, years: Optional[Sequence[int]] = None,
                lang: str = "zh") -> pd.DataFrame:
    """Prose figures of one agency that can be followed across years (FACT_SERIES_COLUMNS), as ingest stored
    them (table ``fact_series``: same unit, matching subject phrases, one figure a year, an ambiguous year
    dropped, never guessed). ``years`` keeps those years; a series left with fewer than two is dropped. A bare
    word such as 办结 is labelled with what its sentence is about (the stored ``context``)."""
    stored = data.table("fact_series")
    if stored.empty:
        return pd.DataFrame(columns=FACT_SERIES_COLUMNS)
    rows = stored[stored["agency_id"].astype(str) == str(agency_id)]
    if years is not None:
        rows = rows[rows["year"].astype(int).isin([int(y) for y in years])]
    rows = rows[rows.groupby("series_no")["year"].transform("nunique") >= 2]
    if rows.empty:
        return pd.DataFrame(columns=FACT_SERIES_COLUMNS)
    labels = [phrase if is_missing(context) or not str(context) else
              term("comparison.facts_context", lang, phrase=phrase, context=context)
              for phrase, context in zip(rows["phrase"], rows["context"])]
    rows = rows.assign(series=labels, year=rows["year"].astype(int), value=rows["value"].astype(float))
    return rows.sort_values(["series_no", "year"])[FACT_SERIES_COLUMNS].reset_index(drop=True)


def _comparison_facts(data: Dataset, agency_id: str, agency: str, years: Optional[Sequence[int]],
                      lang: str) -> Section:
    section = Section("facts", term("comparison.facts_title", lang))
    reports = agency_reports(data, agency_id, years)
    stored = data.table("facts")
    if stored.empty or not stored["report_id"].astype(str).isin(reports["report_id"].astype(str)).any():
        section.blocks.append(term("comparison.facts_none", lang))
        return section
    series = fact_series(data, agency_id, years, lang)
    if series.empty:
        section.blocks.append(term("comparison.facts_no_match", lang))
        return section
    sep = "；" if lang == "zh" else "; "
    labels = list(dict.fromkeys(series["series"]))
    handles = _fact_handles(series, lang)     # outside Chinese a series is named by its handle, never its phrase
    items = []
    for label in labels:
        rows = series[series["series"] == label]
        phrases = list(dict.fromkeys(rows["subject"]))
        year_list = ("、" if lang == "zh" else ", ").join(str(y) for y in rows["year"])
        if lang != "zh":
            items.append(term("comparison.facts_same_phrase", lang, phrase=handles[label], years=year_list))
        elif len(phrases) == 1:
            items.append(term("comparison.facts_same_phrase", lang, phrase=phrases[0], years=year_list))
        else:
            items.append(term("comparison.facts_phrases", lang, phrases=("＝" if lang == "zh" else " = ").join(
                term("comparison.facts_phrase_year", lang, phrase=r.subject, year=r.year) for r in rows.itertuples())))
    section.blocks.append(term("comparison.facts_intro", lang, n=len(labels), items=sep.join(items)))
    zero = [label for label in labels if (series.loc[series["series"] == label, "value"] == 0).all()]
    if zero:
        section.blocks.append(term("comparison.facts_zero", lang, items=sep.join(f"“{handles.get(z, z)}”" for z in zero)))
    findings = data.table("findings")
    if not findings.empty:
        broken = findings[findings["rule"].astype(str).str.startswith("fact.vs_table:")
                          & (findings["state"].astype(str) == "fail") & (review_state(findings) != "dismissed")]
        for r in series.itertuples():
            for _, f in broken[broken["report_id"].astype(str) == r.report_id].iterrows():
                if cites(f["evidence"], r.sentence) and float(f["left"]) == float(r.value):
                    section.blocks.append(term("comparison.facts_vs_table", lang, year=r.year,
                                               phrase=handles.get(r.series, r.subject),
                                               prose=quantity(r.value, r.unit, lang),
                                               table=quantity(f["right"], r.unit, lang)))
    drawn = series[~series["series"].isin(zero)]
    if not drawn.empty:
        section.charts.append(_facts_chart(drawn, handles, agency, lang))
    section.blocks.append(Table(
        [term(f"col.{c}", lang) for c in ("series", "year", "phrase", "value", "unit", "sentence")],
        [[handles.get(r.series, r.series), str(r.year), original(r.subject, lang), fmt_number(r.value, lang),
          unit_text(r.unit, lang), Long(r.sentence, original=lang != "zh")]
         for r in series.itertuples()]))
    return section


def _fact_handles(series: pd.DataFrame, lang: str) -> dict[str, str]:
    """English names for prose-figure series: the series is named by the report's Chinese phrase, which an
    English chart must not print; "Prose figure 2 (items)" links a panel to its row (phrase quoted) in the table."""
    if lang == "zh":
        return {}
    labels = list(dict.fromkeys(series["series"]))
    units = {label: unit_text(series.loc[series["series"] == label, "unit"].iloc[0], lang) for label in labels}
    return {label: term("comparison.facts_handle", lang, n=n, unit=units[label]) for n, label in enumerate(labels, 1)}


def _facts_chart(drawn: pd.DataFrame, handles: dict[str, str], agency: str, lang: str) -> Chart:
    """The prose-figure panels; in English each panel is named by its handle, with no Chinese phrase or unit."""
    chart_frame = drawn[["series", "year", "subject", "value", "unit"]].reset_index(drop=True)
    if lang != "zh":
        chart_frame = chart_frame.assign(series=chart_frame["series"].map(handles), subject="",
                                         unit=chart_frame["unit"].map(lambda u: unit_text(u, lang)))
        agency = english_name(agency)
    return Chart(kind="facts", title=term("comparison.facts_chart", lang, agency=agency), frame=chart_frame, lang=lang)


def _comparison_repetition(data: Dataset, agency_id: str, agency: str, years: Optional[Sequence[int]],
                           lang: str) -> Section:
    section = Section("repetition", term("comparison.repetition_title", lang))
    stored = data.table("repetition")
    rows = pd.DataFrame() if stored.empty else \
        stored[stored["agency_id"].astype(str) == str(agency_id)]
    if not rows.empty and years is not None:
        rows = rows[pd.to_numeric(rows["year"]).isin([int(y) for y in years])]
    if rows.empty:
        section.blocks.append(term("comparison.repetition_none", lang))
        return section
    rows = rows.sort_values("year")
    limit = repetition_limit()
    table_rows = []
    for r in rows.itertuples():
        previous = report_year(data, r.previous_report_id) or int(r.year) - 1
        share = fmt_percent(r.share) if not is_missing(r.share) else term("blank", lang)
        section.blocks.append(term("comparison.repetition_line", lang, year=int(r.year), previous=previous,
                                   n=int(r.n_sentences), k=int(r.n_repeated), share=share))
        table_rows.append([str(int(r.year)), str(previous), str(int(r.n_sentences)), str(int(r.n_repeated)), share])
    over = rows[rows["share"] > limit]
    limit_text = fmt_percent(limit).replace(".0%", "%")
    section.blocks.append(term("repetition.over" if not over.empty else "repetition.under", lang, limit=limit_text))
    section.blocks.append(Table([term(f"col.{c}", lang) for c in ("year", "previous_year", "n_sentences",
                                                                  "n_repeated", "share")], table_rows))
    present = rows[rows["share"].notna()]
    if len(present) >= 2:
        section.charts.append(Chart(kind="share", title=term("comparison.repetition_chart", lang, agency=agency),
                                    labels=[str(int(y)) for y in present["year"]],
                                    values=[float(v) for v in present["share"]], lang=lang, threshold=limit))
    return section


