"""Charts for the published reports, with Chinese text rendered properly.

Importing this module registers Noto Sans CJK SC, which ships inside the
``mplfonts`` package (a declared dependency), so titles and labels never fall
back to tofu boxes and no system font is needed. Figures are built with the
object API (no pyplot state) and shown as PNG bytes with no metadata, so the
same data always gives the same image bytes.
"""
from __future__ import annotations

import io
import math
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.font_manager as font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .narrative import Chart, template_name, term

FONT_FILE = "NotoSansCJKsc-Regular.otf"
DPI = 100
PALETTE = ("#1f5fa8", "#d9822b", "#3d8b40", "#b03a48", "#7a5ba6", "#5f7d8c", "#a08a3c")


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


def _wrap(label: str, width: int = 14) -> str:
    return "\n".join(label[i:i + width] for i in range(0, len(label), width)) if len(label) > width else label


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def bar_chart(labels: list[str], values: list[float], title: str, unit: str = "") -> Figure:
    """Horizontal bars, one per labelled value, with the value printed beside each bar."""
    height = 1.2 + 0.45 * len(labels)
    fig = Figure(figsize=(8, height), dpi=DPI)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=PALETTE[0])
    ax.set_yticks(positions, [_wrap(str(lb)) for lb in labels])
    top = max([v for v in values if not math.isnan(v)] + [0])
    for y, v in zip(positions, values):
        ax.text(v + top * 0.01, y, _fmt(v) + (f" {unit}" if unit else ""), va="center", fontsize=9)
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def series_chart(chart: Chart) -> Figure:
    """Series across years: exact points filled, approximate hollow, `none` a gap marked × at the top.

    A dashed vertical line marks each change of report format between two
    consecutive report years.
    """
    from .narrative import template_changes

    frame = chart.frame
    lang = chart.lang
    years = sorted(int(y) for y in frame["year"].unique())
    fig = Figure(figsize=(8, 4.2), dpi=DPI)
    ax = fig.add_subplot()
    handles = []
    for index, (series, rows) in enumerate(frame.groupby("series", sort=False)):
        color = PALETTE[index % len(PALETTE)]
        rows = rows.set_index("year").reindex(years)
        ax.plot(years, rows["value"].astype(float).tolist(), color=color, linewidth=1.5, zorder=2)
        for year, row in rows.iterrows():
            comparability = str(row["comparability"]) if isinstance(row["comparability"], str) else "none"
            if comparability == "none" or math.isnan(float(row["value"])):
                ax.plot([year], [0.96], marker="x", color=color, markersize=8,
                        transform=ax.get_xaxis_transform(), clip_on=False, zorder=3)
            elif comparability == "approximate":
                ax.plot([year], [row["value"]], marker="o", markersize=8, markerfacecolor="white",
                        markeredgecolor=color, markeredgewidth=2, zorder=3)
            else:
                ax.plot([year], [row["value"]], marker="o", markersize=7, color=color, zorder=3)
        label = rows["label"].dropna().iloc[0] if rows["label"].notna().any() else series
        handles.append(Line2D([], [], color=color, marker="o", label=str(label)))
    for year_from, year_to, t_from, t_to in template_changes(frame):
        x = (year_from + year_to) / 2
        ax.axvline(x, color="#555555", linestyle="--", linewidth=1, zorder=1)
        ax.text(x, 0.99, f"{term('chart.template_change', lang)}: {template_name(t_from, lang, True)}"
                f" → {template_name(t_to, lang, True)}", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8, color="#555555",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    handles += [
        Line2D([], [], linestyle="", marker="o", color="#444444", label=term("chart.legend_exact", lang)),
        Line2D([], [], linestyle="", marker="o", markerfacecolor="white", markeredgecolor="#444444",
               markeredgewidth=2, label=term("chart.legend_approx", lang)),
        Line2D([], [], linestyle="", marker="x", color="#444444", label=term("chart.legend_none", lang)),
    ]
    values = frame["value"].astype(float).dropna()
    top = float(values.max()) if not values.empty else 0.0
    ax.set_ylim(0, top * 1.2 if top > 0 else 1)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    ax.set_xlabel(term("chart.year_axis", lang))
    ax.set_ylabel(term("chart.count_axis", lang))
    ax.set_title(chart.title, pad=18)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def facts_chart(chart: Chart) -> Figure:
    """Prose figures across years: one small panel per matched series.

    Series of different units or scales never share an axis. Each point
    carries its value and, where the wording changed between years, the
    phrase the report printed that year.
    """
    frame = chart.frame
    labels = list(dict.fromkeys(frame["series"]))
    columns = min(3, len(labels))
    rows_n = math.ceil(len(labels) / columns)
    fig = Figure(figsize=(3.4 * columns + 0.4, 2.9 * rows_n + 0.6), dpi=DPI)
    years_all = sorted(int(y) for y in frame["year"].unique())
    for index, label in enumerate(labels):
        ax = fig.add_subplot(rows_n, columns, index + 1)
        rows = frame[frame["series"] == label].sort_values("year")
        years = [int(y) for y in rows["year"]]
        values = [float(v) for v in rows["value"]]
        color = PALETTE[index % len(PALETTE)]
        ax.plot(years, values, color=color, marker="o", linewidth=1.5, markersize=6)
        phrases = list(rows["subject"].astype(str))
        differ = len(set(phrases)) > 1
        unit = str(rows["unit"].iloc[0])
        for year, value, phrase in zip(years, values, phrases):
            text = _fmt(value) + (unit if unit == "%" else f" {unit}")
            if differ:
                text += "\n" + _wrap(phrase, 9)
            ax.annotate(text, (year, value), textcoords="offset points", xytext=(0, 7), ha="center",
                        va="bottom", fontsize=8)
        top = max(values + [0.0])
        ax.set_ylim(0, top * (1.6 if differ else 1.3) if top > 0 else 1)
        ax.set_xticks(years_all, [str(y) for y in years_all])
        ax.set_xlim(years_all[0] - 0.6, years_all[-1] + 0.6)
        ax.set_title(_wrap(label, 16), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(chart.title, fontsize=11)
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
    ax.set_title(chart.title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def draw(chart: Chart) -> Figure:
    """The figure for a :class:`govreport.narrative.Chart`."""
    if chart.kind == "bar":
        return bar_chart(chart.labels, chart.values, chart.title, chart.unit)
    if chart.kind == "series":
        return series_chart(chart)
    if chart.kind == "facts":
        return facts_chart(chart)
    if chart.kind == "share":
        return share_chart(chart)
    raise ValueError(f"unknown chart kind {chart.kind!r}")
