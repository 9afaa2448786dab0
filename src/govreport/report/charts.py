"""Charts for the published pages, drawn so a reader reads them right at a glance.

Importing this module registers Noto Sans CJK SC (shipped in the ``mplfonts``
package), so Chinese text never falls back to tofu boxes. Figures use the
object API (no pyplot state) and are saved without metadata, so the same data
always gives the same bytes. Numbers carry thousands separators and never
scientific notation; English labels wrap at spaces; series across years leave
gaps for missing years, carry % change labels, keep overlapping series apart
(distinct markers, small offsets), and mark a point whose printed total the
report's own parts contradict. :func:`describe` gives each chart its alt text.
"""
from __future__ import annotations

import io
import math
import textwrap
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.font_manager as font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from govreport.report.access import template_changes
from govreport.report.model import Chart
from govreport.report.wording import fmt_number, is_missing, template_name, term

FONT_FILE = "NotoSansCJKsc-Regular.otf"
DPI = 100
PALETTE = ("#1f5fa8", "#d9822b", "#3d8b40", "#b03a48", "#7a5ba6", "#5f7d8c", "#a08a3c")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
ALERT = "#c0392b"


def cjk_font_path() -> Path:
    """The Noto Sans CJK SC file inside the installed mplfonts package."""
    path = Path(str(resources.files("mplfonts").joinpath("fonts").joinpath(FONT_FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"{path}: CJK font missing from the mplfonts package")
    return path


def register_cjk_font() -> str:
    """Register the CJK font with matplotlib and make it the default; returns its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False
    # Report text goes into titles and labels verbatim: a '$' must not start mathtext.
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["svg.hashsalt"] = "govreport"
    matplotlib.rcParams["axes.formatter.useoffset"] = False
    return name


FONT_NAME = register_cjk_font()


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of ``fig`` without metadata (byte-identical for identical figures)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def show(fig: Figure) -> None:
    """Display ``fig`` in a notebook as an embedded PNG."""
    from IPython.display import Image, display

    display(Image(data=figure_png(fig), format="png"))


def wrap(label: str, width: int = 14) -> str:
    """Break a label for an axis: at spaces when it has words (English), every ``width`` characters otherwise."""
    label = str(label)
    if " " in label.strip():
        return "\n".join(textwrap.wrap(label, width=max(width + 8, 18), break_long_words=False))
    return "\n".join(label[i:i + width] for i in range(0, len(label), width)) if len(label) > width else label


def _number_axis(axis) -> None:
    """Tick labels as plain numbers with separators (never 1e6 or an offset)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v)))


def bar_chart(labels: list[str], values: list[float], title: str, unit: str = "", lang: str = "zh") -> Figure:
    """Horizontal bars, one per labelled value, with the value printed beside each bar."""
    wrapped = [wrap(str(lb)) for lb in labels]
    height = 1.2 + 0.45 * sum(max(1, w.count("\n") + 1) for w in wrapped) ** 1.0
    fig = Figure(figsize=(8, height), dpi=DPI)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=PALETTE[0])
    ax.set_yticks(positions, wrapped)
    top = max([v for v in values if not math.isnan(v)] + [0])
    for y, v in zip(positions, values):
        ax.text(v + top * 0.01, y, fmt_number(v) + (f" {unit}" if unit else ""), va="center", fontsize=9)
    ax.set_xlim(0, top * 1.2 if top > 0 else 1)
    _number_axis(ax.xaxis)
    ax.set_title(wrap(title, 40))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _change_label(before: float, after: float) -> str:
    """'+352%' between two years; from 0 the change in numbers ('+2'), as no per cent exists."""
    if before == 0:
        return "" if after == 0 else ("+" if after > 0 else "") + fmt_number(after - before)
    change = 100.0 * (after - before) / before
    return ("+" if change > 0 else "") + f"{change:.0f}%"


def _label_offset(placed: list, x: float, y: float, span: float) -> int:
    """Points to lift a label so it does not sit on one already placed near it."""
    near = sum(1 for px, py in placed if abs(px - x) < 0.35 and abs(py - y) < 0.06 * span)
    placed.append((x, y))
    return 6 + 11 * near


def _offsets(n: int) -> list[float]:
    """Small x offsets so series with equal values do not hide one another."""
    return [0.0] * n if n == 1 else [(i - (n - 1) / 2) * 0.08 for i in range(n)]


def _plot_series(ax, rows, years: list[int], color: str, marker: str, dx: float, placed: list, span: float,
                 lang: str) -> None:
    """One series: segments only between consecutive years that both have a value; points by comparability."""
    by_year = {int(r["year"]): r for _, r in rows.iterrows()}
    for year in years:
        r = by_year.get(year)
        nxt = by_year.get(year + 1)
        if r is None or is_missing(r["value"]):
            continue
        if nxt is not None and not is_missing(nxt["value"]):
            ax.plot([year + dx, year + 1 + dx], [r["value"], nxt["value"]], color=color, linewidth=1.6, zorder=2)
            label = _change_label(float(r["value"]), float(nxt["value"]))
            if label:
                x, y = (year + year + 1) / 2 + dx, (r["value"] + nxt["value"]) / 2
                ax.annotate(label, (x, y), textcoords="offset points", xytext=(0, _label_offset(placed, x, y, span)),
                            ha="center", fontsize=8, color=color,
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
        hollow = str(r["comparability"]) == "approximate"
        ax.plot([year + dx], [r["value"]], marker=marker, markersize=8, color=color, zorder=3,
                markerfacecolor="white" if hollow else color, markeredgewidth=2 if hollow else 1)
        if bool(r.get("contradicted", False)):
            ax.plot([year + dx], [r["value"]], marker="o", markersize=17, markerfacecolor="none",
                    markeredgecolor=ALERT, markeredgewidth=2, zorder=4)
            parts = r.get("parts")
            if not is_missing(parts):
                ax.plot([year + dx], [parts], marker=marker, markersize=8, markerfacecolor="none",
                        markeredgecolor=ALERT, linestyle="", zorder=4)
                ax.plot([year + dx, year + dx], [r["value"], parts], color=ALERT, linestyle=":", linewidth=1.2)
                ax.annotate(term("chart.contradicted_label", lang, printed=fmt_number(r["value"]),
                                 parts=fmt_number(parts)), (year + dx, parts), textcoords="offset points",
                            xytext=(8, 0), va="center", fontsize=8, color=ALERT)


def _not_comparable(ax, rows, color: str, marker: str, dx: float) -> None:
    for _, r in rows.iterrows():
        if str(r["comparability"]) == "none" or is_missing(r["value"]):
            ax.plot([int(r["year"]) + dx], [0.96], marker="x", color=color, markersize=8,
                    transform=ax.get_xaxis_transform(), clip_on=False, zorder=3)


def _missing_years(ax, years: list[int], present: set[int], lang: str) -> None:
    for year in years:
        if year not in present:
            ax.axvspan(year - 0.45, year + 0.45, color="#eeeeee", zorder=0)
            ax.text(year, 0.5, term("chart.no_report", lang), transform=ax.get_xaxis_transform(), ha="center",
                    va="center", fontsize=8, color="#777777", rotation=90)


def _legend(ax, handles: list, frame, lang: str) -> None:
    handles += [
        Line2D([], [], linestyle="", marker="o", color="#444444", label=term("chart.legend_exact", lang)),
        Line2D([], [], linestyle="", marker="o", markerfacecolor="white", markeredgecolor="#444444",
               markeredgewidth=2, label=term("chart.legend_approx", lang)),
        Line2D([], [], linestyle="", marker="x", color="#444444", label=term("chart.legend_none", lang)),
    ]
    if "contradicted" in frame.columns and frame["contradicted"].fillna(False).astype(bool).any():
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=12, markerfacecolor="none",
                              markeredgecolor=ALERT, markeredgewidth=2, label=term("chart.legend_contradicted", lang)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def series_chart(chart: Chart) -> Figure:
    """Series across years on a full year axis: a missing year is a shaded gap, never a straight line through."""
    frame, lang = chart.frame, chart.lang
    present = {int(y) for y in frame["year"].unique()}
    years = list(range(min(present), max(present) + 1))
    fig = Figure(figsize=(8.5, 4.4), dpi=DPI)
    ax = fig.add_subplot()
    _missing_years(ax, years, present, lang)
    groups = list(frame.groupby("series", sort=False))
    handles, placed = [], []
    values = list(frame["value"].astype(float).dropna())
    if "parts" in frame.columns:
        values += list(frame["parts"].astype(float).dropna())
    top = max(values) if values else 0.0
    for index, ((series, rows), dx) in enumerate(zip(groups, _offsets(len(groups)))):
        color, marker = PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)]
        _plot_series(ax, rows, years, color, marker, dx, placed, top or 1.0, lang)
        _not_comparable(ax, rows, color, marker, dx)
        label = rows["label"].dropna().iloc[0] if rows["label"].notna().any() else series
        handles.append(Line2D([], [], color=color, marker=marker, label=wrap(str(label), 16)))
    for year_from, year_to, t_from, t_to in template_changes(frame):
        x = year_to - 0.5
        ax.axvline(x, color="#555555", linestyle="--", linewidth=1, zorder=1)
        ax.text(x, 0.99, f"{term('chart.template_change', lang)}: {template_name(t_from, lang, True)}"
                f" → {template_name(t_to, lang, True)}", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8, color="#555555",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    _legend(ax, handles, frame, lang)
    ax.set_ylim(0, top * 1.25 if top > 0 else 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _number_axis(ax.yaxis)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    ax.set_xlabel(term("chart.year_axis", lang))
    ax.set_ylabel(term("chart.count_axis", lang))
    ax.set_title(wrap(chart.title, 40), pad=18)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def facts_chart(chart: Chart) -> Figure:
    """Prose figures across years: one small panel per matched series, gaps for missing years."""
    frame = chart.frame
    labels = list(dict.fromkeys(frame["series"]))
    columns = min(3, len(labels))
    rows_n = math.ceil(len(labels) / columns)
    fig = Figure(figsize=(3.4 * columns + 0.4, 2.9 * rows_n + 0.6), dpi=DPI)
    years_all = list(range(int(frame["year"].min()), int(frame["year"].max()) + 1))
    for index, label in enumerate(labels):
        ax = fig.add_subplot(rows_n, columns, index + 1)
        rows = frame[frame["series"] == label].sort_values("year")
        years, values = [int(y) for y in rows["year"]], [float(v) for v in rows["value"]]
        color = PALETTE[index % len(PALETTE)]
        for (y0, v0), (y1, v1) in zip(zip(years, values), zip(years[1:], values[1:])):
            if y1 == y0 + 1:
                ax.plot([y0, y1], [v0, v1], color=color, linewidth=1.5)
        ax.plot(years, values, color=color, marker="o", linestyle="", markersize=6)
        phrases = list(rows["subject"].astype(str))
        differ = len(set(phrases)) > 1
        unit = str(rows["unit"].iloc[0])
        for year, value, phrase in zip(years, values, phrases):
            text = fmt_number(value) + (unit if unit == "%" else f" {unit}")
            if differ:
                text += "\n" + wrap(phrase, 9)
            ax.annotate(text, (year, value), textcoords="offset points", xytext=(0, 7), ha="center",
                        va="bottom", fontsize=8)
        top = max(values + [0.0])
        ax.set_ylim(0, top * (1.6 if differ else 1.3) if top > 0 else 1)
        _number_axis(ax.yaxis)
        ax.set_xticks(years_all, [str(y) for y in years_all])
        ax.set_xlim(years_all[0] - 0.6, years_all[-1] + 0.6)
        ax.set_title(wrap(label, 16), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(wrap(chart.title, 60), fontsize=11)
    fig.tight_layout()
    return fig


def share_chart(chart: Chart) -> Figure:
    """Shares by year as bars (0–100%), with an optional reference line such as the 50% mark."""
    lang = chart.lang
    fig = Figure(figsize=(6, 3.2), dpi=DPI)
    ax = fig.add_subplot()
    positions = list(range(len(chart.labels)))
    percents = [100.0 * v for v in chart.values]
    ax.bar(positions, percents, color=PALETTE[0], width=0.5)
    for x, v in zip(positions, percents):
        ax.text(x, v + 1.5, f"{v:.1f}%", ha="center", va="bottom", fontsize=9)
    if chart.threshold is not None:
        limit = 100.0 * chart.threshold
        ax.axhline(limit, color=PALETTE[3], linestyle="--", linewidth=1)
        ax.text(positions[-1] + 0.3, limit + 1, term("chart.threshold", lang, limit=f"{limit:g}%"),
                ha="right", va="bottom", fontsize=8, color=PALETTE[3])
    ax.set_xticks(positions, chart.labels)
    ax.set_ylim(0, 100)
    ax.set_ylabel(term("chart.share_axis", lang))
    ax.set_xlabel(term("chart.year_axis", lang))
    ax.set_title(wrap(chart.title, 40))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def draw(chart: Chart) -> Figure:
    """The figure for a :class:`govreport.report.model.Chart`."""
    if chart.kind == "bar":
        return bar_chart(chart.labels, chart.values, chart.title, chart.unit, chart.lang)
    if chart.kind == "series":
        return series_chart(chart)
    if chart.kind == "facts":
        return facts_chart(chart)
    if chart.kind == "share":
        return share_chart(chart)
    raise ValueError(f"unknown chart kind {chart.kind!r}")


def describe(chart: Chart) -> str:
    """The chart in words, for its alt text: what kind, what title, and every value drawn."""
    lang = chart.lang
    sep = "；" if lang == "zh" else "; "
    if chart.kind in ("bar", "share"):
        shown = [fmt_number(v) + (f" {chart.unit}" if chart.unit else "") if chart.kind == "bar"
                 else f"{100 * v:.1f}%" for v in chart.values]
        items = sep.join(f"{lb} {v}" for lb, v in zip(chart.labels, shown))
    else:
        items = sep.join(_describe_series(chart.frame, name, lang) for name in dict.fromkeys(chart.frame["series"]))
    text = term(f"alt.{chart.kind}", lang, title=chart.title, items=items)
    return text + ("" if not chart.notes else " " + " ".join(chart.notes))


def _describe_series(frame, name: str, lang: str) -> str:
    rows = frame[frame["series"] == name].sort_values("year")
    label = str(rows["label"].iloc[0]) if "label" in rows.columns else str(name)
    points = [f"{int(r['year'])}: " + (term("blank", lang) if is_missing(r["value"]) else fmt_number(r["value"]))
              for _, r in rows.iterrows()]
    return f"{label}（{'，'.join(points)}）" if lang == "zh" else f"{label} ({', '.join(points)})"
