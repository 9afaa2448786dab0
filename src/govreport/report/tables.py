"""The numbers of a report as tables: each section's values, bar charts of them, the copyable data table."""
from __future__ import annotations

from typing import Optional, Union

import pandas as pd

from govreport.report.access import label
from govreport.report.model import Chart, Details, Table, original
from govreport.report.wording import applicant_name, enum, fmt_number, is_missing, metric_name, term, unit_text

FOLD_ROWS = 12   # longer tables of zeros open on click


def all_zero(values: pd.DataFrame) -> bool:
    numbers = pd.to_numeric(values["value"], errors="coerce") if not values.empty else pd.Series([], dtype=float)
    present = numbers.dropna()
    return not present.empty and bool((present == 0).all())


def values_table(rows: pd.DataFrame, lang: str, names: Optional[dict[str, str]] = None) -> Table:
    """Report label (as printed; a derived value named once as such), standard name, value, unit.

    Outside Chinese the row is named once, by its metric's catalog name (the printed label is Chinese; the
    copyable data table keeps it, marked as the report's own words)."""
    names = names or {}
    if lang != "zh":
        return Table([term("col.standard", lang), term("col.value", lang), term("col.unit", lang)],
                     [[label(row, lang, fallback=names.get(str(row["metric"]), str(row["metric"]))),
                       fmt_number(row["value"], lang), unit_text(row.get("unit"), lang)] for _, row in rows.iterrows()])
    return Table([term("col.label", lang), term("col.standard", lang), term("col.value", lang), term("col.unit", lang)],
                 [[label(row, lang, fallback=str(row["metric"])), names.get(str(row["metric"]), str(row["metric"])),
                   fmt_number(row["value"], lang), unit_text(row.get("unit"), lang)] for _, row in rows.iterrows()])


def values_block(rows: pd.DataFrame, lang: str, names: Optional[dict[str, str]] = None) -> Union[Table, Details]:
    """The values table; folded behind one line when every number in it is 0 and it is long."""
    table = values_table(rows, lang, names)
    if len(rows) > FOLD_ROWS and all_zero(rows):
        return Details(term("fold.zero_rows", lang, n=len(rows)), table=table)
    return table


def chart_labels(rows: pd.DataFrame, lang: str, names: Optional[dict[str, str]]) -> list[str]:
    """The report's own labels, except where several bars share one (规章 ×3): those get the metric's name.
    An English chart names every bar by its metric's English name: the report's label is Chinese."""
    if lang != "zh":
        return [(names or {}).get(str(m)) or metric_name(str(m), lang) for m in rows["metric"]]
    own = [label(r, lang, fallback=str(r["metric"])) for _, r in rows.iterrows()]
    shared = {text for text in own if own.count(text) > 1}
    return [(names or {}).get(str(m), text) if text in shared else text for text, m in zip(own, rows["metric"])]


def bar_chart(rows: pd.DataFrame, title: str, lang: str, names: Optional[dict[str, str]] = None) -> Optional[Chart]:
    """A bar per non-blank row, or None when there is nothing but zeros."""
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if "unit" in rows.columns and rows["unit"].nunique() > 1:
        # one axis, one unit: amounts in 万元 are not drawn beside counts in 件
        rows = rows[rows["unit"] == rows["unit"].mode().iloc[0]]
    if rows.empty or all_zero(rows):
        return None
    units = rows["unit"].dropna().astype(str).unique() if "unit" in rows.columns else []
    return Chart(kind="bar", title=title, labels=chart_labels(rows, lang, names),
                 values=[float(v) for v in rows["value"]], unit=unit_text(units[0], lang) if len(units) == 1 else "",
                 lang=lang)


DATA_COLUMNS = ("standard", "label", "applicant", "value", "unit", "provenance")


def data_table(values: pd.DataFrame, lang: str, names: Optional[dict[str, str]] = None) -> Table:
    """Every value of the report, one row each, numbers without separators: made to be copied.

    Every word is in the page's language (the metric's standard name, the
    applicant category, the provenance); values.csv carries the same rows with codes.
    """
    names = names or {}
    rows = []
    for _, r in values.iterrows():
        value = "" if is_missing(r["value"]) else (str(int(r["value"])) if float(r["value"]).is_integer()
                                                   else repr(float(r["value"])))
        printed = r.get("source_label")
        rows.append([names.get(str(r["metric"]), str(r["metric"])),
                     "" if is_missing(printed) or str(r.get("provenance")) == "derived" else original(str(printed), lang),
                     applicant_name(r.get("applicant"), lang), value,
                     unit_text(r.get("unit"), lang),
                     enum("provenance", r.get("provenance"), lang)])
    return Table([term(f"col.{c}", lang) for c in DATA_COLUMNS], rows, copyable=True)
