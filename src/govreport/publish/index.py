"""The site's own pages, written without a notebook: the index (index.html) and plain article pages
(the methods page, the changelog), styled alike.

The index has one row per (year, agency) with links to the reports and comparisons,
the published data and downloads, and every input or page this build could not make.
Every value from the reports is escaped and stripped of control characters.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from govreport.catalog import failure_code, failure_text
from govreport.errors import strip_controls
from govreport.publish.downloads import LICENCE
from govreport.publish.export import BUILD_LINE_CLASS, build_line, write_page
from govreport.publish.record import pterm
from govreport.report.names_en import bilingual
from govreport.report.wording import table_description, template_name, term


@dataclass
class IndexRow:
    year: int
    agency: str
    agency_id: str
    template: str
    headline: str
    report_href: Optional[str]   # None when that year's page failed to build
    comparison_href: Optional[str]


@dataclass
class FailedPage:
    """A page this build could not make: its file name, the one-line reason, and whether the
    previously published version of it is kept (else nothing links to it)."""

    page: str
    message: str
    kept: bool


_STYLE = f"""<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.55; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: 0.35em 0.6em; text-align: left; vertical-align: top; }}
th {{ background: #f2f4f7; }}
.govreport-failures code {{ color: #8a1c1c; }}
.{BUILD_LINE_CLASS}, .govreport-record {{ color: #666; font-size: 0.85em; margin-top: 2em; }}
</style>"""

_ARTICLE_STYLE = """<style>td code { overflow-wrap: anywhere; } .govreport-cite { border-left: 3px solid #ccc; margin-left: 0;
  padding-left: 1em; }</style>
"""


def _e(text: Any) -> str:
    """Escaped for HTML, control and bidi characters dropped (what every published string goes through)."""
    return html.escape(strip_controls(text), quote=True)


def _html_page(title: str, body: str, lang: str, extra_head: str = "") -> str:
    """The frame every page of this module shares; ``title`` is escaped already, ``body`` is the lines
    between <body> and </body>."""
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
{_STYLE}
{extra_head}</head>
<body>
{body}
</body>
</html>
"""


# --------------------------------------------------------------------------
# the parts of the index

def _report_rows(rows: Sequence[IndexRow], lang: str) -> str:
    """The reports table: one row per report, its headline, and links to its page and its comparison."""
    t = lambda key: _e(term(key, lang))  # noqa: E731
    head = "".join(f"<th>{t('col.' + c)}</th>" for c in ("year", "agency", "template", "headline"))
    body_rows = []
    for r in rows:
        report = (f'<a href="{_e(r.report_href)}">{t("index.report_link")}</a>' if r.report_href
                  else t("index.failed"))
        comparison = (f' · <a href="{_e(r.comparison_href)}">{t("index.comparison_link")}</a>'
                      if r.comparison_href else "")
        body_rows.append(
            f"<tr><td>{r.year}</td><td>{_e(bilingual(r.agency, lang))}</td><td>{_e(template_name(r.template, lang, short=True))}"
            f"</td><td>{_e(r.headline)}</td><td>{report}{comparison}</td></tr>"
        )
    return "\n".join(["<table>", f"<thead><tr>{head}<th></th></tr></thead>", "<tbody>", "\n".join(body_rows),
                      "</tbody>", "</table>"])


def _comparison_items(comparisons: Sequence[tuple[str, Optional[str]]], lang: str) -> str:
    """One item per agency compared across years (a failed comparison says so, without a link)."""
    return "".join(
        f'<li><a href="{_e(href)}">{_e(name)}</a></li>' if href else f"<li>{_e(name)}: {_e(term('index.failed', lang))}</li>"
        for name, href in comparisons
    ) or f"<li>{_e(term('index.no_comparisons', lang))}</li>"


def _data_items(tables: Sequence[tuple[str, Sequence[tuple[str, str]]]], lang: str) -> str:
    """One line per published table: what it holds (catalog), then its files (CSV; Parquet, by year when partitioned)."""
    items = []
    for table, files in tables:
        links = " · ".join(f'<a href="{_e(href)}">{_e(label)}</a>' for label, href in files)
        items.append(f"<li><strong>{_e(table_description(table, lang))}</strong> {links}</li>")
    return "".join(items)


def _size(size: int, lang: str) -> str:
    """A file size as the reader's language writes it (kilobytes under a megabyte)."""
    if size < 1 << 20:
        return pterm("index.size_kb", lang, n=f"{max(size / 1024, 0.1):.1f}")
    return pterm("index.size_mb", lang, n=f"{size / (1 << 20):.1f}")


def _download_items(downloads: Sequence[tuple[str, str, int]], cite: str, lang: str) -> str:
    """The whole data in one file (workbook, database), the data licence, and the line to cite."""
    if not downloads and not cite:
        return ""
    items = "".join(
        f'<li><a href="{_e(href)}"><code>{_e(name)}</code></a>：{_e(pterm("index.download." + name, lang))}'
        f'（{_e(_size(size, lang))}）</li>' if lang == "zh" else
        f'<li><a href="{_e(href)}"><code>{_e(name)}</code></a>: {_e(pterm("index.download." + name, lang))}'
        f' ({_e(_size(size, lang))})</li>'
        for name, href, size in downloads)
    licence = next((href for name, href, _ in downloads if name == LICENCE), None)
    notice = (f'<p class="govreport-licence">{_e(pterm("index.data_licence", lang, licence="LICENCE"))}</p>'
              .replace("LICENCE", f'<code>{_e(term("licence.data_id", lang))}</code>', 1)
              if licence else "")
    cite_line = f'<p class="govreport-cite">{_e(pterm("index.cite", lang, line=cite))}</p>' if cite else ""
    return f'<p>{_e(pterm("index.downloads", lang))}</p><ul class="govreport-downloads">{items}</ul>{notice}{cite_line}'


def _failure_item(failure: dict, lang: str) -> str:
    """One unreadable input: its name, its reason code and the reason in the page's language (a Chinese page
    never quotes the library's English line; that stays in failures.csv for the English reader and the analyst)."""
    code = failure.get("reason") or failure_code(failure["problem"])
    if lang == "zh":
        return f"<li><code>{_e(failure['path'])}</code>：{_e(failure_text(code, 'zh'))}（<code>{_e(code)}</code>）</li>"
    return f"<li><code>{_e(failure['path'])}</code>: {_e(failure_text(code, 'en'))} (<code>{_e(code)}</code>): " \
           f"<code>{_e(failure['problem'])}</code></li>"


def _failure_items(failures: Sequence[dict], lang: str) -> str:
    """The inputs that could not be read, each with its one-line reason (quoted as the library gave it)."""
    if not failures:
        return ""
    items = "".join(_failure_item(f, lang) for f in failures)
    return (f'<h2 id="failed-inputs">{_e(pterm("index.failed_inputs", lang))}</h2>'
            f'<p>{_e(pterm("index.failed_intro", lang, n=len(failures)))}</p><ul class="govreport-failures">{items}</ul>')


def _failed_page_items(pages: Sequence[FailedPage], lang: str) -> str:
    """The pages that failed to build, each with its reason and what the reader gets instead."""
    if not pages:
        return ""
    what = lambda p: _e(pterm("index.page_kept" if p.kept else "index.page_missing", lang))  # noqa: E731
    items = "".join(f'<li><code>{_e(p.page)}</code>: {what(p)}<br><code lang="en">{_e(p.message)}</code></li>'
                    for p in pages)
    return (f'<h2 id="failed-pages">{_e(pterm("index.failed_pages", lang))}</h2>'
            f'<p>{_e(pterm("index.failed_pages_intro", lang, n=len(pages)))}</p>'
            f'<ul class="govreport-failures">{items}</ul>')


def _methods_link(methods: Optional[str], lang: str) -> str:
    return (f'<p class="govreport-methods"><a href="{_e(methods)}">{_e(pterm("record.methods", lang))}</a></p>'
            if methods else "")


def _changes_link(changes: Optional[tuple[str, str]], lang: str) -> str:
    """The link to the data changelog, with what it says in one sentence."""
    return (f'<p class="govreport-changes"><a href="{_e(changes[0])}">{_e(pterm("changes.link", lang))}</a>'
            f'{"：" if lang == "zh" else ": "}{_e(changes[1])}</p>') if changes else ""


def _switch(other: Optional[tuple[str, str]], lang: str) -> str:
    """The link to the other language's version of the same page."""
    return (f'<p class="govreport-lang"><a href="{_e(other[1])}" hreflang="{other[0]}" lang="{other[0]}">'
            f'{_e(pterm("record.lang_" + other[0], lang))}</a></p>') if other else ""


# --------------------------------------------------------------------------
# the pages

def write_index(target: Path, rows: Sequence[IndexRow], comparisons: Sequence[tuple[str, Optional[str]]],
                tables: Sequence[tuple[str, Sequence[tuple[str, str]]]], *, lang: str = "zh", line: Optional[str] = None,
                failures: Sequence[dict] = (), other: Optional[tuple[str, str]] = None, footer: str = "",
                methods: Optional[str] = None, failed_pages: Sequence[FailedPage] = (),
                downloads: Sequence[tuple[str, str, int]] = (), cite: str = "",
                changes: Optional[tuple[str, str]] = None) -> Path:
    """The front page: one row per (year, agency), links to reports, comparisons and data.

    ``comparisons`` are (agency name, href or None when it failed); ``tables`` are
    (table, its published files); ``failures`` the inputs that could not be read;
    ``other`` the other language's index; ``methods`` the methods page; ``failed_pages``
    the pages this build could not make; ``downloads`` the workbook, database and licence (name, href,
    bytes); ``cite`` the line to cite with the data version; ``changes`` the changelog page and its one-line
    summary.
    """
    t = lambda key, **kw: _e(term(key, lang, **kw))  # noqa: E731
    intro = t("index.intro", n_reports=len(rows), n_years=len({r.year for r in rows}),
              n_agencies=len({r.agency_id for r in rows}))
    data_items = _data_items(tables, lang) or f"<li>{t('index.none')}</li>"
    body = [
        _switch(other, lang), f"<h1>{t('index.title')}</h1>", f"<p>{intro}</p>", _methods_link(methods, lang),
        _changes_link(changes, lang), _failure_items(failures, lang), _failed_page_items(failed_pages, lang),
        f"<h2>{t('index.reports')}</h2>", _report_rows(rows, lang),
        f"<h2>{t('index.comparisons')}</h2>", f"<ul>{_comparison_items(comparisons, lang)}</ul>",
        f"<h2>{t('index.data')}</h2>", f"<p>{t('index.data_intro')}</p>",
        f"<ul>{data_items}</ul>",
        _download_items(downloads, cite, lang), footer, line or build_line(lang=lang),
    ]
    return write_page(target, _html_page(t("index.title"), "\n".join(body), lang))


def write_article(target: Path, title: str, body: str, *, lang: str = "zh", footer: str = "",
                  other: Optional[tuple[str, str]] = None, line: Optional[str] = None) -> Path:
    """A page of prose and tables styled like the index: the methods page (report.methods gives the body)
    and the changelog (changelog.py). ``body`` is HTML, already escaped."""
    page = "\n".join([_switch(other, lang), body, footer, line or build_line(lang=lang)])
    return write_page(target, _html_page(_e(title), page, lang, _ARTICLE_STYLE))
