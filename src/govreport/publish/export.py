"""An executed notebook as its published page: one self-contained, offline, deterministic HTML file.

Code is hidden by default and parameter cells removed; metadata and ids are made
stable (same inputs, same bytes apart from the one build line); no script, style
or font is fetched from the network (:func:`write_page` refuses such a page);
report text is escaped by the template. nbconvert and jinja2 are imported when used.
"""
from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path
from typing import Any, Optional

import govreport

from govreport.errors import GovreportError, strip_controls
from govreport.report.wording import term
from govreport.store import write_text

BUILD_LINE_CLASS = "govreport-build"
_HIDDEN_TAGS = {"parameters", "injected-parameters"}


class PageRefused(GovreportError, RuntimeError):
    """A page that would load a script, style, font or image from the network is never published."""

_OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{#- govreport: the archival page loads nothing from the network. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
body { max-width: 62rem; margin: 0 auto; }
.jp-RenderedHTMLCommon table.govreport-table { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.92em;
  table-layout: auto; }
.jp-RenderedHTMLCommon .govreport-table th, .jp-RenderedHTMLCommon .govreport-table td {
  border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left !important; vertical-align: top; max-width: 36em; }
.jp-RenderedHTMLCommon .govreport-table th { background: #f2f4f7; white-space: nowrap; }
.govreport-build { color: #666; font-size: 0.85em; margin: 2em 1em 1em; }
.govreport-record { color: #444; font-size: 0.85em; margin: 2em 1em 0; }
.govreport-record a { color: #0645ad; text-decoration: underline; }
</style>
{%- endblock extra_css -%}
"""

_EXTERNAL = [
    re.compile(r"<script\b[^>]*\bsrc\s*=", re.I),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"<(?:img|iframe|embed|source)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I),
]


def external_references(page: str) -> list[str]:
    """Every script, stylesheet, font or image the page would fetch from the network."""
    found = []
    for pattern in _EXTERNAL:
        found += [m.group(0) for m in pattern.finditer(page)]
    return found


def build_line(when: Optional[float] = None, lang: str = "zh") -> str:
    """The single line of a page that changes from build to build.

    ``SOURCE_DATE_EPOCH`` (reproducible-builds convention) fixes the time.
    """
    if when is None:
        when = float(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(when))
    version = getattr(govreport, "__version__", "unknown")
    text = html.escape(term("index.build_line", lang, when=stamp, version=version))
    return f'<footer class="{BUILD_LINE_CLASS}">{text}</footer>'


def strip_build_line(page: str) -> str:
    """The page without its build line (what determinism is checked on)."""
    return "\n".join(line for line in page.splitlines() if BUILD_LINE_CLASS + '"' not in line
                     or "<footer" not in line)


def clean_notebook(nb) -> Any:
    """Drop parameter cells; keep only what renders; give cells stable ids."""
    cells = [c for c in nb.cells if not _HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
        cell["metadata"] = {}
        if cell.get("cell_type") == "code":
            cell["execution_count"] = None
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = None
                if "metadata" in output:
                    output["metadata"] = {}
    nb.cells = cells
    nb.metadata = {"language_info": {"name": "python"}}
    return nb


def export_html(executed: Path, target: Path, *, title: str, with_code: bool = False,
                lang: str = "zh", line: Optional[str] = None) -> Path:
    """Executed notebook -> one self-contained, offline, deterministic HTML page."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = clean_notebook(nbformat.read(str(executed), as_version=4))
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"govreport.html.j2": _OFFLINE_TEMPLATE})],
        template_file="govreport.html.j2",
        exclude_input=not with_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="zh" if lang == "zh" else "en",  # ISO 639-1 only
    )
    # The template escapes the title itself.
    resources = {"metadata": {"name": strip_controls(title)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace("</body>", (line or build_line(lang=lang)) + "\n</body>", 1)
    return write_page(target, body)


def write_page(target: Path, page: str) -> Path:
    """Refuse a page that would load anything from the network, then write it atomically."""
    external = external_references(page)
    if external:
        raise PageRefused(f"{target}: page would load from the network: {external[:3]}")
    write_text(page, target)
    return target
