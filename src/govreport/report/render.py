"""Stories to HTML: every piece of report text escaped here, charts as described images.

Escaping is also where control and bidirectional characters are dropped (``errors.strip_controls``):
a right-to-left override in a file name or a cell never reaches a page.

A chart is an ``<img>`` whose ``alt`` text says what the chart shows (never
"No description has been provided"), inside a ``<figure>`` whose caption
carries the chart's notes (e.g. a printed total its parts contradict).
"""
from __future__ import annotations

import base64
import html
from typing import Any, Sequence

from govreport.errors import strip_controls
from govreport.report import charts
from govreport.report.model import Chart, Details, Links, Long, Original, Quote, Section, Story, Table
from govreport.report.wording import term


def _esc(text: Any) -> str:
    return html.escape(strip_controls(text), quote=True)


ORIGINAL = ' lang="zh-CN" class="govreport-original"'   # the report's own words on a page in another language


def cell_html(value: Any) -> str:
    """One table cell; a :class:`Long` cell shows its start and opens to the full text; an :class:`Original`
    one is marked as the report's Chinese words."""
    if isinstance(value, Long) and len(value.text) > value.limit:
        short = value.text[: value.limit].rstrip() + "…"
        mark = ' lang="zh-CN" class="govreport-long govreport-original"' if value.original else ' class="govreport-long"'
        return (f'<details{mark}><summary>{_esc(short)}</summary>'
                f"<div>{_esc(value.text)}</div></details>")
    if isinstance(value, Original) or (isinstance(value, Long) and value.original):
        return f"<span{ORIGINAL}>{_esc(value)}</span>"
    return _esc(value)


def table_html(table: Table) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    if table.copyable:  # plain cells, nothing folded: selecting the table copies every value
        body = "".join("<tr>" + "".join(f"<td{ORIGINAL if isinstance(v, Original) else ''}>{_esc(v)}</td>"
                                        for v in row) + "</tr>" for row in table.rows)
        return f'<table class="govreport-table govreport-data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    body = "".join("<tr>" + "".join(f"<td>{cell_html(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f'<table class="govreport-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def block_html(block: Any) -> str:
    if isinstance(block, Original):
        return f"<p{ORIGINAL}>{_esc(block)}</p>"
    if isinstance(block, str):
        return f"<p>{_esc(block)}</p>"
    if isinstance(block, Quote):
        caption = f"<strong>{_esc(block.caption)}</strong>" if block.caption else ""
        quoted = f' <q{ORIGINAL}>{_esc(block.text)}</q>' if block.original else f"“{_esc(block.text)}”"
        return f'<blockquote class="govreport-quote"><p>{caption}{quoted}</p></blockquote>'
    if isinstance(block, Links):
        return links_html(block.items)
    if isinstance(block, Details):
        tag = "ol" if block.ordered else "ul"
        mark = ORIGINAL if block.original else ""
        items = "".join(f"<li{mark}>{_esc(item)}</li>" for item in block.items)
        inner = (f"<{tag}>{items}</{tag}>" if block.items else "") + (table_html(block.table) if block.table else "")
        return f"<details><summary>{_esc(block.summary)}</summary>{inner}</details>"
    return table_html(block)


def figure_html(chart: Chart) -> str:
    """The chart as an embedded PNG with its description as alt text and its notes as the caption."""
    png = charts.figure_png(charts.draw(chart))
    alt = charts.describe(chart)
    notes = "".join(f"<p>{_esc(n)}</p>" for n in chart.notes)
    caption = f"<figcaption>{notes}</figcaption>" if notes else ""
    return (f'<figure class="govreport-figure"><img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
            f'alt="{_esc(alt)}" title="{_esc(chart.title)}" style="max-width:100%">{caption}</figure>')


def section_html(section: Section, include_tables: bool = True, include_charts: bool = False) -> str:
    level = min(max(section.level, 1), 6)
    anchor = f' id="{_esc(section.anchor)}"' if section.anchor else ""
    parts = [f"<h{level}{anchor}>{_esc(section.title)}</h{level}>"]
    for block in section.blocks:
        if isinstance(block, Table) and not include_tables:
            continue
        parts.append(block_html(block))
    if include_charts:
        parts += [figure_html(c) for c in section.charts]
    return "\n".join(parts)


def story_heading_html(story: Story) -> str:
    return f'<h2 id="{_esc(story.anchor)}">{_esc(story.title)}</h2>'


def story_html(story: Story) -> str:
    """One story whole: its heading, then every section with its charts (never interleaved with another)."""
    return "\n".join([story_heading_html(story)] + [section_html(s, include_charts=True) for s in story.sections])


def toc_html(stories: Sequence[Story], lang: str = "zh") -> str:
    """目录: each story, and under it each of its sections, as links to their anchors."""
    items = []
    for story in stories:
        inner = " · ".join(f'<a href="#{_esc(s.anchor)}">{_esc(s.title)}</a>'
                           for s in story.sections if s.anchor and s.level > 1)
        items.append(f'<li><a href="#{_esc(story.anchor)}"><strong>{_esc(story.title)}</strong></a>'
                     f'<br><small>{inner}</small></li>')
    return (f'<nav class="govreport-toc"><h2>{_esc(term("toc.title", lang))}</h2>'
            f'<ol>{"".join(items)}</ol></nav>')


def links_html(links: Sequence[tuple[str, str]]) -> str:
    """A line of links (text, relative href) between the published pages."""
    return '<p class="govreport-links">' + " · ".join(
        f'<a href="{_esc(href)}">{_esc(text)}</a>' for text, href in links) + "</p>"


def _display(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def show(item: Any) -> None:
    """Display a Story (whole) or a Section (prose, tables, described charts) in a notebook."""
    _display(story_html(item) if isinstance(item, Story) else section_html(item, include_charts=True))


def show_story(story: Story) -> None:
    """One agency's story in one output: its sections stay together on the page."""
    show(story)


def show_toc(stories: Sequence[Story], lang: str = "zh") -> None:
    _display(toc_html(stories, lang))


def show_links(links: Sequence[tuple[str, str]]) -> None:
    if links:
        _display(links_html(links))


def show_sections(stories: Sequence[Story], key: str) -> None:
    """Display section ``key`` of every story (kept for analysts' own notebooks; pages use show_story)."""
    for story in stories:
        section = story.section(key)
        if section is not None:
            show(section)
