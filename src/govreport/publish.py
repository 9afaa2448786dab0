"""Notebook execution (papermill) and the published HTML record (nbconvert + index).

Three concerns, kept here so the build only orchestrates:

* the kernel: notebooks run in *this* interpreter. A kernelspec pointing at
  ``sys.executable`` is written under ``build/jupyter`` and put first on
  ``JUPYTER_PATH``, so a globally registered ``python3`` kernel (or none at
  all) never decides which Python runs the reports;
* execution: papermill's Python API with typed parameters and a per-cell
  timeout; a failure becomes one message naming the notebook, the parameters
  and the failing cell;
* the HTML: code hidden by default, parameter cells removed, metadata and ids
  made stable (same inputs, same bytes apart from one build line), no script,
  style or font fetched from the network, and report text escaped.
"""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import govreport

from .errors import failure_code, failure_text, strip_controls
from .report.wording import term

KERNEL_NAME = "govreport-python"
BUILD_LINE_CLASS = "govreport-build"
_HIDDEN_TAGS = {"parameters", "injected-parameters"}


# --------------------------------------------------------------------------
# the kernel

def package_source_dir() -> Path:
    """The directory that holds the imported ``govreport`` package (src/ in a checkout)."""
    return Path(govreport.__path__[0]).resolve().parent


def kernel_spec(executable: str = sys.executable) -> dict[str, Any]:
    """A kernelspec that runs ipykernel in ``executable`` and imports this govreport."""
    existing = os.environ.get("PYTHONPATH", "")
    pythonpath = os.pathsep.join(p for p in (str(package_source_dir()), existing) if p)
    return {
        "argv": [executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"govreport ({executable})",
        "language": "python",
        "env": {"PYTHONPATH": pythonpath, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        "metadata": {"debugger": False, "supported_encryption": ["curve"]},
    }


def install_kernel(jupyter_dir: Path) -> Path:
    """Write the build-local kernelspec and put its data dir first on JUPYTER_PATH.

    Returns the kernelspec directory. Idempotent: the file is rewritten only
    when its content changes.
    """
    spec_dir = Path(jupyter_dir) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec_file = spec_dir / "kernel.json"
    text = json.dumps(kernel_spec(), indent=1, sort_keys=True)
    if not spec_file.exists() or spec_file.read_text(encoding="utf-8") != text:
        spec_file.write_text(text, encoding="utf-8")
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(jupyter_dir) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(jupyter_dir), *paths])
    return spec_dir


@dataclass
class Preflight:
    ok: bool
    message: str


def preflight(jupyter_dir: Path) -> Preflight:
    """Install the kernelspec, resolve it the way papermill will, and start its Python once.

    The message names the interpreter the notebooks will run in.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    install_kernel(jupyter_dir)
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return Preflight(False, f"kernel {KERNEL_NAME!r} not found on JUPYTER_PATH={os.environ.get('JUPYTER_PATH')}")
    executable = spec.argv[0]
    env = {**os.environ, **spec.env}
    probe = "import sys, ipykernel, govreport; print(sys.version.split()[0]); print(govreport.__path__[0])"
    try:
        result = subprocess.run([executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Preflight(False, f"kernel {KERNEL_NAME}: cannot start {executable}: {exc}")
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        return Preflight(False, f"kernel {KERNEL_NAME}: {executable} cannot import ipykernel/govreport: {last}")
    version, package = result.stdout.split()[:2]
    if Path(package).resolve() != Path(govreport.__path__[0]).resolve():
        return Preflight(False, f"kernel {KERNEL_NAME}: imports govreport from {package}, "
                                f"but the build uses {govreport.__path__[0]}")
    return Preflight(True, f"kernel {KERNEL_NAME} runs {executable} (Python {version}), govreport from {package}")


# --------------------------------------------------------------------------
# execution

def kernel_manager_class():
    """papermill's kernel manager, with CurveZMQ transport encryption when libzmq has it.

    The kernelspec declares curve support; without this the kernel warns on
    every start that it runs over unencrypted TCP.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    if not zmq.has("curve"):
        return AsyncKernelManager

    class EncryptedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport_encryption", "auto")
            super().__init__(**kwargs)

    return EncryptedKernelManager


class NotebookFailed(Exception):
    """One notebook run failed; ``str()`` is the one-line explanation."""


def describe_parameters(parameters: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in parameters.items())


def execute(notebook: Path, output: Path, parameters: dict[str, Any], *, timeout: int,
            cwd: Path) -> None:
    """Run ``notebook`` with typed ``parameters`` into ``output`` (papermill Python API)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    label = f"{notebook.name} ({describe_parameters(parameters)})"
    try:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=timeout, start_timeout=120, cwd=str(cwd),
            kernel_manager_class=kernel_manager_class(),
        )
    except PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        raise NotebookFailed(
            f"{label}: cell {exc.cell_index} [{exc.exec_count}] `{first}` raised {exc.ename}: {exc.evalue}"
            f" (executed notebook: {output})"
        ) from None
    except Exception as exc:  # timeouts, dead kernels, unreadable notebooks
        raise NotebookFailed(f"{label}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
                             f" (executed notebook: {output})") from None


# --------------------------------------------------------------------------
# HTML export

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
    return _write_page(target, body)


def _write_page(target: Path, page: str) -> Path:
    """Refuse a page that would load anything from the network, then write it atomically."""
    from .store import write_text

    external = external_references(page)
    if external:
        raise RuntimeError(f"{target}: page would load from the network: {external[:3]}")
    write_text(page, target)
    return target


# --------------------------------------------------------------------------
# index.html

@dataclass
class IndexRow:
    year: int
    agency: str
    agency_id: str
    template: str
    headline: str
    report_href: Optional[str]   # None when that year's page failed to build
    comparison_href: Optional[str]


def _e(text: Any) -> str:
    """Escaped for HTML, control and bidi characters dropped (what every published string goes through)."""
    return html.escape(strip_controls(text), quote=True)


def _data_items(tables: Sequence[tuple[str, Sequence[tuple[str, str]]]], lang: str) -> str:
    """One line per published table: what it holds (catalog), then its files (CSV; Parquet, by year when partitioned)."""
    from .report.wording import table_description

    items = []
    for table, files in tables:
        links = " · ".join(f'<a href="{_e(href)}">{_e(label)}</a>' for label, href in files)
        items.append(f"<li><strong>{_e(table_description(table, lang))}</strong> {links}</li>")
    return "".join(items)


def _size(size: int, lang: str) -> str:
    """A file size as the reader's language writes it (kilobytes under a megabyte)."""
    from .record import pterm

    if size < 1 << 20:
        return pterm("index.size_kb", lang, n=f"{max(size / 1024, 0.1):.1f}")
    return pterm("index.size_mb", lang, n=f"{size / (1 << 20):.1f}")


def _download_items(downloads: Sequence[tuple[str, str, int]], cite: str, lang: str) -> str:
    """The whole data in one file (workbook, database), the data licence, and the line to cite."""
    from .downloads import LICENCE
    from .record import pterm

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
    code = failure.get("code") or failure_code(failure["problem"])
    if lang == "zh":
        return f"<li><code>{_e(failure['path'])}</code>：{_e(failure_text(code, 'zh'))}（<code>{_e(code)}</code>）</li>"
    return f"<li><code>{_e(failure['path'])}</code>: {_e(failure_text(code, 'en'))} (<code>{_e(code)}</code>): " \
           f"<code>{_e(failure['problem'])}</code></li>"


def _failure_items(failures: Sequence[dict], lang: str) -> str:
    """The inputs that could not be read, each with its one-line reason (quoted as the library gave it)."""
    from .record import pterm

    if not failures:
        return ""
    items = "".join(_failure_item(f, lang) for f in failures)
    return (f'<h2 id="failed-inputs">{_e(pterm("index.failed_inputs", lang))}</h2>'
            f'<p>{_e(pterm("index.failed_intro", lang, n=len(failures)))}</p><ul class="govreport-failures">{items}</ul>')


@dataclass
class FailedPage:
    """A page this build could not make: its file name, the one-line reason, and whether the
    previously published version of it is kept (else nothing links to it)."""

    page: str
    message: str
    kept: bool


def _failed_page_items(pages: Sequence[FailedPage], lang: str) -> str:
    """The pages that failed to build, each with its reason and what the reader gets instead."""
    from .record import pterm

    if not pages:
        return ""
    what = lambda p: _e(pterm("index.page_kept" if p.kept else "index.page_missing", lang))  # noqa: E731
    items = "".join(f'<li><code>{_e(p.page)}</code>: {what(p)}<br><code lang="en">{_e(p.message)}</code></li>'
                    for p in pages)
    return (f'<h2 id="failed-pages">{_e(pterm("index.failed_pages", lang))}</h2>'
            f'<p>{_e(pterm("index.failed_pages_intro", lang, n=len(pages)))}</p>'
            f'<ul class="govreport-failures">{items}</ul>')


_INDEX_STYLE = f"""<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.55; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: 0.35em 0.6em; text-align: left; vertical-align: top; }}
th {{ background: #f2f4f7; }}
.govreport-failures code {{ color: #8a1c1c; }}
.{BUILD_LINE_CLASS}, .govreport-record {{ color: #666; font-size: 0.85em; margin-top: 2em; }}
</style>"""


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
    summary. Every value from the reports is escaped.
    """
    from .record import pterm
    from .report.names_en import bilingual
    from .report.wording import template_name

    t = lambda key, **kw: _e(term(key, lang, **kw))  # noqa: E731
    years = {r.year for r in rows}
    agencies = {r.agency_id for r in rows}
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
    comparison_items = "".join(
        f'<li><a href="{_e(href)}">{_e(name)}</a></li>' if href else f"<li>{_e(name)}: {t('index.failed')}</li>"
        for name, href in comparisons
    ) or f"<li>{t('index.no_comparisons')}</li>"
    data_items = _data_items(tables, lang) or f"<li>{t('index.none')}</li>"
    switch = _switch(other, lang)
    methods_link = (f'<p class="govreport-methods"><a href="{_e(methods)}">{_e(pterm("record.methods", lang))}</a></p>'
                    if methods else "")
    page = f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{t('index.title')}</title>
{_INDEX_STYLE}
</head>
<body>
{switch}
<h1>{t('index.title')}</h1>
<p>{t('index.intro', n_reports=len(rows), n_years=len(years), n_agencies=len(agencies))}</p>
{methods_link}
{_changes_link(changes, lang)}
{_failure_items(failures, lang)}
{_failed_page_items(failed_pages, lang)}
<h2>{t('index.reports')}</h2>
<table>
<thead><tr>{head}<th></th></tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody>
</table>
<h2>{t('index.comparisons')}</h2>
<ul>{comparison_items}</ul>
<h2>{t('index.data')}</h2>
<p>{t('index.data_intro')}</p>
<ul>{data_items}</ul>
{_download_items(downloads, cite, lang)}
{footer}
{line or build_line(lang=lang)}
</body>
</html>
"""
    return _write_page(target, page)


def _changes_link(changes: Optional[tuple[str, str]], lang: str) -> str:
    """The link to the data changelog, with what it says in one sentence."""
    from .record import pterm

    return (f'<p class="govreport-changes"><a href="{_e(changes[0])}">{_e(pterm("changes.link", lang))}</a>'
            f'{"：" if lang == "zh" else ": "}{_e(changes[1])}</p>') if changes else ""


def _switch(other: Optional[tuple[str, str]], lang: str) -> str:
    """The link to the other language's version of the same page."""
    from .record import pterm

    return (f'<p class="govreport-lang"><a href="{_e(other[1])}" hreflang="{other[0]}" lang="{other[0]}">'
            f'{_e(pterm("record.lang_" + other[0], lang))}</a></p>') if other else ""


def write_methods(target: Path, title: str, body: str, *, lang: str = "zh", footer: str = "",
                  other: Optional[tuple[str, str]] = None, line: Optional[str] = None) -> Path:
    """The methods page (report.methods gives the body, already escaped), styled like the index."""
    page = f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{_e(title)}</title>
{_INDEX_STYLE}
<style>td code {{ overflow-wrap: anywhere; }} .govreport-cite {{ border-left: 3px solid #ccc; margin-left: 0;
  padding-left: 1em; }}</style>
</head>
<body>
{_switch(other, lang)}
{body}
{footer}
{line or build_line(lang=lang)}
</body>
</html>
"""
    return _write_page(target, page)


# --------------------------------------------------------------------------
# publishing reports/ as a whole

STAGING_MARK = ".new-"
RETIRED_MARK = ".old-"


def staging_dir(target: Path) -> Path:
    """Where this process builds the next ``reports/`` (a sibling, so the swap is a rename)."""
    target = Path(target)
    return target.with_name(f"{target.name}{STAGING_MARK}{os.getpid()}")


def _leftovers(target: Path, mark: str) -> list[Path]:
    """Siblings a killed build left, newest first."""
    found = [p for p in target.parent.glob(f"{target.name}{mark}*") if p.is_dir() and not p.is_symlink()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def _complete(folder: Path) -> bool:
    return (folder / "index.html").is_file()  # the index is written last into a staging folder


def recover(target: Path) -> list[str]:
    """Undo what a build killed mid-publish left: the previous ``reports/`` is put back
    (or, on a first build, a staging folder that was complete is published), then
    every leftover sibling is removed. Returns what was done, one line each."""
    import shutil

    target = Path(target)
    done = []
    if not target.exists():
        retired, staged = _leftovers(target, RETIRED_MARK), [s for s in _leftovers(target, STAGING_MARK) if _complete(s)]
        candidate = retired[0] if retired else (staged[0] if staged else None)
        if candidate is not None:
            os.rename(candidate, target)
            done.append(f"restored {target.name}/ from {candidate.name} (a build was killed while publishing)")
    for leftover in _leftovers(target, RETIRED_MARK) + _leftovers(target, STAGING_MARK):
        shutil.rmtree(leftover, ignore_errors=True)
        done.append(f"removed {leftover.name} (left by a killed build)")
    return done


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False  # an old kernel or a file system without exchange: two renames instead
    raise OSError(code, os.strerror(code), str(b))


def swap(staging: Path, target: Path) -> None:
    """Make the complete ``staging`` folder the published ``target``; the old one goes last.

    One atomic exchange where the system has it. Otherwise two renames: a kill
    between them leaves ``target`` missing and both siblings present, which
    ``recover`` repairs at the start of the next build.
    """
    import shutil

    staging, target = Path(staging), Path(target)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging)  # it now holds the previous record
        return
    retired = target.with_name(f"{target.name}{RETIRED_MARK}{os.getpid()}")
    if target.exists():
        os.rename(target, retired)
    os.rename(staging, target)
    if retired.exists():
        shutil.rmtree(retired)


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder`` (what a build published)."""
    from .store import sha256_file

    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}
