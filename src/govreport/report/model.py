"""What a page is made of: sections of prose, tables, quotes and charts (display strings only).

The story modules fill these records; :mod:`govreport.report.render` turns them
into HTML and :mod:`govreport.report.charts` into figures. No I/O here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import pandas as pd


@dataclass
class Table:
    """A small table of display strings (escaped when rendered)."""

    columns: list[str]
    rows: list[list[str]]
    copyable: bool = False   # a data table a reader copies into a spreadsheet (plain cells, no folding)


class Original(str):
    """The report's own Chinese words on a page in another language (a quoted label or sentence): rendered
    inside an element marked ``lang="zh-CN"`` and class ``govreport-original``, so the reader (and the
    browser check) sees it is a quotation, not the page's wording."""


def original(text: str, lang: str) -> str:
    """``text`` as the report's own words: marked as such on a non-Chinese page, plain on a Chinese one."""
    return text if lang == "zh" or not text else Original(text)


@dataclass
class Long:
    """A table cell with long text: shown shortened, the full text one click away (<details>)."""

    text: str
    limit: int = 36
    original: bool = False   # the report's own Chinese words on a page in another language

    def __str__(self) -> str:
        return self.text


@dataclass
class Quote:
    """A sentence cited from the report, with a caption such as 原文："""

    text: str
    caption: str = ""
    original: bool = False   # quoted on a page in another language: marked as the report's Chinese words


@dataclass
class Details:
    """A collapsed list or table (repeated passages, all-zero rows): a summary line, the rest on click."""

    summary: str
    items: list[str] = field(default_factory=list)
    ordered: bool = True
    table: Optional[Table] = None
    original: bool = False   # the items are the report's Chinese words on a page in another language


@dataclass
class Chart:
    """What to draw; :mod:`govreport.report.charts` turns it into a figure.

    ``kind='bar'``: ``labels``/``values`` (one bar each).
    ``kind='series'``: ``frame`` with columns year, series, label, value,
    comparability, template, and optionally ``contradicted`` (the printed total
    disagrees with its parts) and ``parts`` (what the parts sum to).
    ``kind='facts'``: ``frame`` with columns series, year, subject, value, unit.
    ``kind='share'``: ``labels`` (years) and ``values`` (shares 0–1), with an
    optional ``threshold`` line.
    ``notes`` are printed under the chart (what a mark on it means).
    """

    kind: str
    title: str
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    unit: str = ""
    frame: Optional[pd.DataFrame] = None
    lang: str = "zh"
    threshold: Optional[float] = None   # a reference line (e.g. the 50% repetition mark)
    notes: list[str] = field(default_factory=list)


@dataclass
class Links:
    """A line of links to other published pages: (text, relative href) pairs."""

    items: list[tuple[str, str]]


Block = Union[str, Table, Quote, Details, Links]


@dataclass
class Section:
    """A titled part of a story: prose and tables in reading order (``blocks``), then charts."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    anchor: str = ""
    level: int = 3

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Table]:
        """Every table, including those folded into a Details block."""
        return [b if isinstance(b, Table) else b.table for b in self.blocks
                if isinstance(b, Table) or (isinstance(b, Details) and b.table is not None)]


@dataclass
class Story:
    """One report (yearly) or one agency's series (comparison)."""

    key: str
    title: str
    anchor: str
    sections: list[Section]
    report_id: str = ""

    def section(self, key: str) -> Optional[Section]:
        return next((s for s in self.sections if s.key == key), None)

    def section_anchor(self, key: str) -> str:
        """The id of one section inside this story (unique on a page with several stories)."""
        return f"{self.anchor}--{key.replace('.', '-')}"
