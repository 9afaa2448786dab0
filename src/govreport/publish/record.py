"""What the published record says about itself: versions, inputs, sources, data.

A page's footer names the govreport version, the data version (the sha256 of the
processed manifest it was made from) and each source document with its sha256,
linked to the copy under ``reports/sources/``; ``reports/build_record.json``
says the same for the whole site by machine. The published tables carry paths
relative to the project root (never the builder's absolute paths), the published
data dictionary shows label text instead of the parser's regex patterns, and
every published file is made readable by a web server running as another user.
No published path, name or record carries a control or bidirectional character
(``errors.strip_controls``): a raw file named with a right-to-left override is
published, linked and recorded under its name without it.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import quote

import pandas as pd

from govreport import catalog
from govreport.errors import strip_controls
from govreport.ingestion.discover import on_disk
from govreport.ingestion.reviews import summary
from govreport.publish.downloads import DOWNLOADS, write_downloads
from govreport.report.dataset import Dataset
from govreport.report.findings import review_state, with_kind
from govreport.report.wording import published_tables
from govreport.store import MANIFEST, load, read_manifest, sha256_file, write_tables, write_text

SOURCES_DIR = "sources"
BUILD_RECORD = "build_record.json"
METHODS_PAGE = "methods.html"
RECORD_CLASS = "govreport-record"
PATH_COLUMNS = {"reports": ("source_file",), "failures": ("path",), "duplicates": ("path", "duplicate_of")}


# --------------------------------------------------------------------------
# wording (catalog/publish_terms.csv, catalog/published_tables.csv)

@lru_cache(maxsize=None)
def _terms() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in catalog.read_csv("publish_terms.csv")}


def pterm(key: str, lang: str = "zh", **values: Any) -> str:
    """A published word of the build's own (footer, index sections), from catalog/publish_terms.csv."""
    try:
        text = _terms()[key][lang]
    except KeyError:
        raise KeyError(f"catalog/publish_terms.csv: no term {key!r} in {lang!r}") from None
    return text.format(**values) if values else text


# --------------------------------------------------------------------------
# published tables

def _relative(value: Any, root: Path) -> Any:
    """A path as published: relative to the project root, or its bare name outside it; no control characters."""
    if not isinstance(value, str) or not value:
        return value
    path = Path(value)
    if os.path.isabs(value):
        value = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return strip_controls(value)


def label_text(pattern: str) -> str:
    """A catalog label pattern as text a reader recognises: the printed wordings, ' / ' between them.

    Optional parts are left out, a group of alternatives keeps its first, anchors and
    character classes are dropped (``本年(?:度)?新收`` -> ``本年新收``)."""
    if not pattern or pattern == "*":
        return ""
    text = pattern.replace("\\(", "\x01").replace("\\)", "\x02")  # literal brackets are no groups
    while True:  # innermost groups first
        inner = re.sub(r"\(\?:([^()]*)\)\?", "", text)
        inner = re.sub(r"\(\?:([^()]*)\)", lambda m: m.group(1).split("|")[0], inner)
        if inner == text:
            break
        text = inner
    text = re.sub(r"\\[dDsSwW][+*?]?|[\^$\\]|\[[^\]]*\][+*?]?|[+*?.]", "", text)
    words = [w.strip().replace("\x01", "(").replace("\x02", ")") for w in text.split("|") if w.strip()]
    return " / ".join(dict.fromkeys(words))


def publishable_tables(processed: Path, root: Path) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The processed tables as they are published, and the manifest's source records."""
    data = load(processed)
    tables = {}
    for name, frame in data.tables.items():
        frame = frame.copy()
        for column in PATH_COLUMNS.get(name, ()):
            if column in frame:
                frame[column] = frame[column].map(lambda v: _relative(v, root))
        if name == "data_dictionary":
            for column in (f"label_{t}" for t in catalog.templates()):  # one label column per template
                if column in frame:
                    frame[column] = frame[column].map(lambda p: label_text(str(p)) if isinstance(p, str) else p)
        tables[name] = frame
    sources = [{**s, "path": _relative(s.get("path"), root)} for s in read_manifest(processed).get("sources", [])]
    return tables, sources


def publish_data(processed: Path, target: Path, root: Path,
                 more: Optional[dict[str, pd.DataFrame]] = None) -> list[tuple[str, list[str]]]:
    """Write the published tables (Parquet + CSV + manifest) to ``target``.

    Returns (table, [(label, href relative to the reports folder)]) in the catalog's order:
    the CSV, then the Parquet file or, for a table stored by year, one Parquet file per year. The workbook,
    the database and the licence (downloads.py) are written beside them, in the same manifest. ``more`` are
    tables of the build's own (the changelog, changelog.py): published and recorded alike, not listed. The
    manifest keeps the code fingerprint of the ingest, so the next build can tell what was read by other code."""
    tables, sources = publishable_tables(processed, root)
    listed, tables = list(tables), {**tables, **(more or {})}
    write_tables(target, tables, sources, code=str(read_manifest(processed).get("code", "")),
                 extra=lambda files: write_downloads(target, tables, files))
    written = sorted(f for f in json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"]
                     if f not in DOWNLOADS)
    order = list(published_tables())
    names = sorted(listed, key=lambda n: (order.index(n) if n in order else len(order), n))
    return [(n, [(_file_label(f), f"{target.name}/{quote(f, safe='/=')}") for f in sorted(
        (f for f in written if f == f"{n}.csv" or f == f"{n}.parquet" or f.startswith(f"{n}/")),
        key=lambda f: (not f.endswith(".csv"), f))]) for n in names]


def published_downloads(target: Path) -> list[tuple[str, str, int]]:
    """(file, href relative to the reports folder, size in bytes) of the downloads in ``target``
    (the workbook, the database, the licence), those that are there."""
    return [(name, f"{Path(target).name}/{name}", (Path(target) / name).stat().st_size)
            for name in DOWNLOADS if (Path(target) / name).is_file()]


def _file_label(relative: str) -> str:
    """CSV, Parquet, or Parquet with its year (values/year=2021/part-0.parquet -> Parquet 2021)."""
    year = re.search(r"year=(\d+)", relative)
    kind = "CSV" if relative.endswith(".csv") else "Parquet"
    return f"{kind} {year.group(1)}" if year else kind


# --------------------------------------------------------------------------
# source documents

def source_href(relative: str) -> str:
    """Where a raw file (path relative to data/raw) is published, as a link from a page."""
    return f"{SOURCES_DIR}/" + quote(Path(relative).as_posix())


def copy_sources(target: Path, copies: Iterable[tuple[Path, dict]]) -> list[str]:
    """Copy each raw input (``source_copies``) into ``target`` (reports/sources) under its published path."""
    copied = []
    for source, record in copies:
        if not Path(source).is_file():
            continue
        destination = Path(target) / str(record["path"])
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied.append(str(record["path"]))
    return copied


# --------------------------------------------------------------------------
# servable files

def make_servable(folder: Path) -> None:
    """Files 0666 and folders 0777, minus the umask (0644 / 0755 under the usual 022)."""
    mask = os.umask(0)
    os.umask(mask)
    folder = Path(folder)
    os.chmod(folder, 0o777 & ~mask)
    for path in folder.rglob("*"):
        if path.is_symlink():
            continue
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)


# --------------------------------------------------------------------------
# the footer and the machine-readable record

def footer(lang: str, version: str, data_version: str, sources: list[dict], prefix: str = "") -> str:
    """A page's provenance: govreport version, data version, the methods page, each source with link and sha256."""
    e = lambda s: html.escape(strip_controls(s), quote=True)  # noqa: E731
    items = "".join(
        f'<li>{e(pterm("record.source", lang, file="FILE", sha256=s["sha256"])).replace("FILE", link)}</li>'
        for s in sources
        for link in [f'<a href="{e(prefix + source_href(s["path"]))}"><code>{e(Path(s["path"]).name)}</code></a>'])
    listing = f"<p>{e(pterm('record.sources', lang))}</p><ul>{items}</ul>" if sources else ""
    return (f'<footer class="{RECORD_CLASS}"><p>{e(pterm("record.line", lang, version=version, data_version=data_version))}'
            f' <a href="{e(prefix + BUILD_RECORD)}">{e(pterm("record.build_record", lang))}</a>'
            f' · <a href="{e(prefix + METHODS_PAGE)}">{e(pterm("record.methods", lang))}</a></p>{listing}</footer>')


def findings_by_kind(data: Any) -> dict[str, dict[str, int]]:
    """Findings counted by kind (arithmetic / prose_vs_table / parse) and state."""
    findings = Dataset.of(data).table("findings")
    if findings.empty:
        return {}
    table = with_kind(findings).groupby(["kind", "state"]).size()
    out: dict[str, dict[str, int]] = {}
    for (kind, state), n in table.items():
        out.setdefault(str(kind), {})[str(state)] = int(n)
    return out


def findings_by_review(data: Any) -> dict[str, dict[str, dict[str, int]]]:
    """Findings counted by kind, state and the analyst's review (confirmed / dismissed / unreviewed)."""
    findings = Dataset.of(data).table("findings")
    if findings.empty:
        return {}
    table = with_kind(findings).assign(review=review_state(findings).replace("", "unreviewed"))
    out: dict[str, dict[str, dict[str, int]]] = {}
    for (kind, state, review), n in table.groupby(["kind", "state", "review"]).size().items():
        out.setdefault(str(kind), {}).setdefault(str(state), {})[str(review)] = int(n)
    return out


def review_rows(data: Any) -> dict[str, int]:
    """The rows of reviews.csv by what became of them (applied, superseded, orphan, no_finding)."""
    table = Dataset.of(data).table("reviews")
    return summary(table if "status" in table.columns else pd.DataFrame())


def build_record(*, version: str, library: str, data_version: str, data: Any, sources: list[dict],
                 failures: list[dict], pages: dict[str, dict], lang: str) -> dict:
    """The machine-readable record of one published site (reports/build_record.json); every string in it
    (file names, agency names, page names) without control or bidi characters."""
    return published_strings({
        "govreport_version": version, "library_fingerprint": library, "data_version": data_version, "lang": lang,
        "inputs": sources, "failed_inputs": failures, "reports": int(len(data.reports)),
        "findings_by_kind": findings_by_kind(data), "findings_by_review": findings_by_review(data),
        "review_rows": review_rows(data), "pages": pages})


def published_strings(value: Any) -> Any:
    """``value`` with every string in it (keys too, through dicts and lists) passed through ``strip_controls``."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {published_strings(k): published_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [published_strings(v) for v in value]
    return value


def write_json(document: dict, target: Path) -> None:
    write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", target)


def data_version(processed: Path) -> str:
    """The processed manifest's sha256: names one ingest run's tables."""
    return sha256_file(Path(processed) / MANIFEST)


def failed_inputs(data: Any, root: Path) -> list[dict]:
    """Input files ingest could not read, with their one-line reasons (paths relative to the root)."""
    failures = Dataset.of(data).table("failures")
    if failures.empty:
        return []
    return [{"path": str(_relative(str(r["path"]), Path(root))), "problem": str(r["problem"])}
            for _, r in failures.iterrows()]


def source_copies(data: Any, report_ids: Iterable[str], raw: Path, root: Path) -> list[tuple[Path, dict]]:
    """(raw file, its published record) for the given reports; the record's path is relative to data/raw,
    as published (control characters dropped), with the file's sha256."""
    reports = data.reports[data.reports["report_id"].astype(str).isin({str(r) for r in report_ids})]
    out = []
    for _, r in reports.sort_values(["year", "agency_id"]).iterrows():
        path = Path(str(r["source_file"]))
        if not path.is_absolute():
            path = Path(root) / path
        relative = path.relative_to(raw).as_posix() if path.is_relative_to(raw) else path.name
        out.append((on_disk(path), {"path": strip_controls(relative), "sha256": str(r["sha256"])}))
    return out


def page_sources(data: Any, report_ids: Iterable[str], raw: Path, root: Path) -> list[dict]:
    """The source documents of the given reports as published: path relative to data/raw, sha256."""
    return [record for _, record in source_copies(data, report_ids, raw, root)]


def relative_to_root(value: Optional[str], root: Path) -> Optional[str]:
    return _relative(value, Path(root))
