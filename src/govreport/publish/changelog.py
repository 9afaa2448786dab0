"""The data changelog: what changed between the previously published data and this build's.

A newsroom that republishes a dataset says what is new in it. Each build that publishes data compares the
tables it publishes with those under ``reports/data/`` before the swap (loaded with ``govreport.load``) and
lists, one row each (``reports/data/changes.csv``, ``reports/changes.html``):

* reports added, removed or re-read (same report, another sha256, or read by other code);
* every value that changed (report, metric, applicant: old -> new; a blank is '' and stays a blank);
* every verdict that changed: a finding's state per rule and applicant, its review decision, the
  timeliness state, and the report's agency, agency_id, level, year and template;

each with why: ``new_input`` (the document is new or its bytes changed), ``new_code`` (same bytes, read by
another version of the library: the ``code`` fingerprint the data manifest records) or ``review`` (an
analyst's decision in reviews.csv changed). :func:`diff` does no I/O; :func:`changes_for_build` reads the
previous version, :func:`publish_changes` writes the page the way the methods page is written (in the
staging folder, swapped in with the rest; copied unchanged while its key stays the same). A build that
republishes the same data version keeps that version's changelog, so the page always says what this data
version changed against the one published before it.
"""
from __future__ import annotations

import html
import json
import math
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from govreport import catalog
from govreport.publish.index import write_article
from govreport.publish.pages import digest
from govreport.publish.record import BUILD_RECORD, footer, pterm, relative_to_root
from govreport.report.names_en import english_name
from govreport.report.wording import enum, metric_name, quantity, rule_name, template_name, term
from govreport.store import IncompleteData, load, read_manifest, sha256_file

CHANGES_PAGE = "changes.html"
CHANGES_TABLE = "changes"           # reports/data/changes.csv and changes.parquet
COLUMNS = ["change", "why", "report_id", "year", "agency_id", "agency", "item", "applicant", "field", "old", "new"]
CHANGES = ("report_added", "report_removed", "report_reread", "verdict_changed", "value_changed")
WHYS = ("new_input", "new_code", "review")
IDENTITY = ("agency", "agency_id", "agency_level", "year", "template")  # what identifies a report, as verdicts
REVIEWS_SOURCE = "reviews.csv"      # the reviews file among the manifest's sources: a review, not an input
MAX_PAGE_ROWS = 2000                # rows shown on the page; the CSV has every one


# --------------------------------------------------------------------------
# one version of the data, and the diff of two

@dataclass
class Version:
    """The tables of one published data version that the changelog compares."""

    reports: pd.DataFrame
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeliness: pd.DataFrame = field(default_factory=pd.DataFrame)
    code: str = ""                   # engines.code_fingerprint of the code that read the reports
    inputs: frozenset = frozenset()  # sha256 of every raw input (the reviews file apart)


def version_of(data: Any, manifest: dict) -> Version:
    """A loaded data set (``govreport.load``) and its manifest as a :class:`Version`."""
    inputs = frozenset(str(s.get("sha256")) for s in manifest.get("sources", []) if s.get("path") != REVIEWS_SOURCE)
    return Version(reports=data.reports, values=data.values, findings=data.findings, timeliness=data.timeliness,
                   code=str(manifest.get("code", "")), inputs=inputs)


def diff(old: Version, new: Version) -> pd.DataFrame:
    """Every change from ``old`` to ``new``, one row each (COLUMNS), reports first, then verdicts, then values."""
    renamed = _same_documents(old.reports, new.reports)
    old = _renamed(old, renamed)
    before, after = _by_id(old.reports), _by_id(new.reports)
    rows = [_row("report_added", _why_listed(r, old), r, item=_source(r), field="sha256", new=r["sha256"])
            for i, r in after.items() if i not in before]
    rows += [_row("report_removed", _why_listed(r, new), r, item=_source(r), field="sha256", old=r["sha256"])
             for i, r in before.items() if i not in after]
    common = [i for i in after if i in before]
    whys = {i: _why_reread(before[i], after[i], old, new) for i in common}
    for i in common:
        if whys[i] == "new_input":
            rows.append(_row("report_reread", "new_input", after[i], item=_source(after[i]), field="sha256",
                             old=before[i]["sha256"], new=after[i]["sha256"]))
        elif whys[i] == "new_code":
            rows.append(_row("report_reread", "new_code", after[i], item=_source(after[i]), field="code",
                             old=old.code, new=new.code))
    ambient = _why_ambient(old, new)
    why = {i: whys[i] or ambient for i in common}
    shared = {i: after[i] for i in common}  # an added report's values and verdicts are not listed one by one
    rows += _identity_rows(before, shared, why)
    rows += _finding_rows(old.findings, new.findings, shared, why, whys)
    rows += _timeliness_rows(old.timeliness, new.timeliness, shared, why)
    rows += _value_rows(old.values, new.values, shared, why)
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=COLUMNS)
    table = table.astype({c: str for c in COLUMNS if c != "year"}).astype({"year": "int64"})
    order = table["change"].map(CHANGES.index)
    table = table.assign(_order=order).sort_values(["_order", "year", "report_id", "field", "item", "applicant"],
                                                   kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def _row(change: str, why: str, report: Any, *, item: str = "", applicant: str = "", field: str = "",
         old: Any = "", new: Any = "") -> dict:
    return {"change": change, "why": why, "report_id": str(report["report_id"]), "year": int(report["year"]),
            "agency_id": str(report["agency_id"]), "agency": str(report["agency"]), "item": item,
            "applicant": applicant, "field": field, "old": _text(old), "new": _text(new)}


def _text(value: Any) -> str:
    """A stored value as the CSV writes it: '' for a blank, integers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _by_id(reports: pd.DataFrame) -> dict[str, dict]:
    return {str(r["report_id"]): r for r in reports.to_dict("records")}


def _source(report: Any) -> str:
    return str(report.get("source_file", "")).replace("\\", "/")


def _same_documents(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, str]:
    """Old report id -> new id for a document (same sha256) now read as another agency or year."""
    if old.empty or new.empty:
        return {}
    gone = old[~old["report_id"].isin(set(new["report_id"]))]
    came = new[~new["report_id"].isin(set(old["report_id"]))].drop_duplicates("sha256")
    pairs = gone.merge(came, on="sha256", suffixes=("_old", "_new"))
    return dict(zip(pairs["report_id_old"].astype(str), pairs["report_id_new"].astype(str)))


def _renamed(version: Version, renamed: dict[str, str]) -> Version:
    """``version`` with the old ids of re-identified documents replaced by their new ones."""
    if not renamed:
        return version

    def swap(table: pd.DataFrame) -> pd.DataFrame:
        if "report_id" not in table:
            return table
        return table.assign(report_id=table["report_id"].astype(str).replace(renamed))

    return Version(reports=swap(version.reports), values=swap(version.values), findings=swap(version.findings),
                   timeliness=swap(version.timeliness), code=version.code, inputs=version.inputs)


def _why_listed(report: Any, other: Version) -> str:
    """An added (removed) report: new input unless its document was an input of the other version too."""
    return "new_code" if str(report["sha256"]) in other.inputs else "new_input"


def _why_reread(before: Any, after: Any, old: Version, new: Version) -> Optional[str]:
    if str(before["sha256"]) != str(after["sha256"]):
        return "new_input"
    return "new_code" if old.code != new.code else None


def _why_ambient(old: Version, new: Version) -> str:
    """Why a report read again by nothing changed anyway: other inputs (checks across reports), code, reviews."""
    if old.inputs != new.inputs:
        return "new_input"
    return "new_code" if old.code != new.code else "review"


# --------------------------------------------------------------------------
# values and verdicts of the reports in both versions

def _identity_rows(before: dict, after: dict, why: dict) -> list[dict]:
    return [_row("verdict_changed", why[i], after[i], field=f, old=before[i].get(f), new=after[i].get(f))
            for i in after if i in before for f in IDENTITY if _text(before[i].get(f)) != _text(after[i].get(f))]


def _keyed(table: pd.DataFrame, ids: dict, keys: list[str], columns: list[str], numeric: bool = False) -> pd.DataFrame:
    """The rows of the reports in ``ids``: ``keys`` as text, ``columns`` as text ('' for none) or as numbers."""
    if table is None or table.empty or "report_id" not in table:
        table = pd.DataFrame(columns=["report_id"])
    table = table[table["report_id"].astype(str).isin(set(ids))]
    out = pd.DataFrame({c: table[c].astype(str) if c in table else "" for c in keys}, index=table.index)
    for c in columns:
        if numeric:
            out[c] = pd.to_numeric(table[c], errors="coerce") if c in table else math.nan
        else:
            out[c] = table[c].fillna("").astype(str) if c in table else ""
    return out


def _paired(old: pd.DataFrame, new: pd.DataFrame, keys: list[str], repeated: bool = True) -> pd.DataFrame:
    """Old and new rows side by side on ``keys`` (with ``repeated``, a key twice: its occurrences in order)."""
    if repeated:
        old, new = (t.assign(_n=t.groupby(keys).cumcount() if len(t) else 0) for t in (old, new))
        keys = keys + ["_n"]
    return old.merge(new, on=keys, how="outer", suffixes=("_old", "_new"))


def _finding_rows(old: pd.DataFrame, new: pd.DataFrame, after: dict, why: dict, reread: dict) -> list[dict]:
    """A finding's state (why: the report's) and its review decision (why: a review, unless the report was
    read again: a changed document detaches its reviews)."""
    keys, columns = ["report_id", "rule", "applicant"], ["state", "review"]
    pairs = _paired(_keyed(old, after, keys, columns), _keyed(new, after, keys, columns), keys)
    pairs = pairs.fillna("")
    pairs = pairs[(pairs["state_old"] != pairs["state_new"]) | (pairs["review_old"] != pairs["review_new"])]
    rows = []
    for _, p in pairs.iterrows():  # only the changed ones: a corpus has millions of unchanged rows
        report, i = after[p["report_id"]], p["report_id"]
        if p["state_old"] != p["state_new"]:
            rows.append(_row("verdict_changed", why[i], report, item=p["rule"], applicant=p["applicant"],
                             field="state", old=p["state_old"], new=p["state_new"]))
        if p["review_old"] != p["review_new"]:
            rows.append(_row("verdict_changed", reread[i] or "review", report, item=p["rule"],
                             applicant=p["applicant"], field="review", old=p["review_old"], new=p["review_new"]))
    return rows


def _timeliness_rows(old: pd.DataFrame, new: pd.DataFrame, after: dict, why: dict) -> list[dict]:
    pairs = _paired(_keyed(old, after, ["report_id"], ["state"]), _keyed(new, after, ["report_id"], ["state"]),
                    ["report_id"]).fillna("")
    return [_row("verdict_changed", why[p["report_id"]], after[p["report_id"]], field="timeliness",
                 old=p["state_old"], new=p["state_new"])
            for _, p in pairs.iterrows() if p["state_old"] != p["state_new"]]


def _value_rows(old: pd.DataFrame, new: pd.DataFrame, after: dict, why: dict) -> list[dict]:
    """A value that moved, appeared or went blank (a blank, or a row that is not there, is missing: '')."""
    keys = ["report_id", "metric", "applicant"]  # unique in the values table (its schema)
    pairs = _paired(_keyed(old, after, keys, ["value"], numeric=True), _keyed(new, after, keys, ["value"], numeric=True),
                    keys, repeated=False)
    a, b = pairs["value_old"], pairs["value_new"]
    pairs = pairs[~((a == b) | (a.isna() & b.isna()))]
    return [_row("value_changed", why[p["report_id"]], after[p["report_id"]], item=p["metric"],
                 applicant=p["applicant"], field="value", old=p["value_old"], new=p["value_new"])
            for _, p in pairs.iterrows()]


# --------------------------------------------------------------------------
# the build's changelog: this data version against the one published before it

@dataclass
class Changes:
    """The changelog one build publishes: its rows, this data version, and the version compared against."""

    table: pd.DataFrame
    data_version: str
    previous: Optional[str] = None   # the data version compared against (None: none)
    status: str = "first"            # first (nothing published before) | compared | unknown (not comparable)

    def counts(self) -> dict[str, int]:
        return {c: int((self.table["change"] == c).sum()) for c in CHANGES}

    def record(self) -> dict:
        """What the build record says of it (build_record.json ``changes``)."""
        return {"page": CHANGES_PAGE, "csv": f"data/{CHANGES_TABLE}.csv", "data_version": self.data_version,
                "previous_data_version": self.previous, "status": self.status, "counts": self.counts()}


def empty() -> pd.DataFrame:
    return _frame([])


def _read_json(path: Path) -> dict:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def changes_for_build(site: Path, data: Any, processed: Path, data_version: str, root: Path,
                      data_dir: str = "data") -> Changes:
    """This build's changelog: its data (``data``, from ``processed``) against the data published in ``site``.

    The same data version published again keeps the changelog it was published with."""
    published = _read_json(Path(site) / BUILD_RECORD)
    previous = published.get("data_version")
    folder = Path(site) / data_dir
    if not previous or not folder.is_dir():
        return Changes(empty(), data_version)
    if previous == data_version:
        return _kept(folder, published.get("changes") or {}, data_version)
    try:
        old = version_of(load(folder), read_manifest(folder))
    except (FileNotFoundError, IncompleteData, OSError, ValueError, KeyError):
        return Changes(empty(), data_version, previous, "unknown")
    new = version_of(data, read_manifest(processed))
    new.reports = new.reports.assign(source_file=new.reports["source_file"].map(lambda v: relative_to_root(v, root)))
    return Changes(diff(old, new), data_version, previous, "compared")


def _kept(folder: Path, entry: dict, data_version: str) -> Changes:
    """The changelog this data version was first published with (unknown when it was not recorded)."""
    try:
        table = pd.read_parquet(folder / f"{CHANGES_TABLE}.parquet")[COLUMNS]
    except (OSError, ValueError, KeyError):
        return Changes(empty(), data_version, None, "unknown")
    status = entry.get("status") if entry.get("status") in ("first", "compared") else "unknown"
    return Changes(table, data_version, entry.get("previous_data_version"), status)


def publish_changes(staging: Path, site: Path, changes: Changes, *, lang: str, version: str, library: str,
                    other: Optional[tuple[str, str]], force: bool = False) -> dict:
    """Write changes.html into ``staging``, or copy the published one while its key is unchanged; returns the
    build record's entry (with the key and the page's sha256, which the next build checks)."""
    key = digest("changes", library, version, changes.record(), changes.table.to_csv(index=False), lang, other)
    before = _read_json(Path(site) / BUILD_RECORD).get("changes") or {}
    published, target = Path(site) / CHANGES_PAGE, Path(staging) / CHANGES_PAGE
    intact = published.is_file() and sha256_file(published) == before.get("sha256")
    if not force and before.get("key") == key and intact:
        shutil.copy2(published, target)
    else:
        write_article(target, pterm("changes.title", lang), changes_body(changes, lang, version), lang=lang,
                      footer=footer(lang, version, changes.data_version[:12], []), other=other)
    return {**changes.record(), "key": key, "sha256": sha256_file(target)}


# --------------------------------------------------------------------------
# the page (no I/O)

_MARK = "\x00{}\x00"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _code(text: Any) -> str:
    return f"<code>{_e(text)}</code>"


def _rich(key: str, lang: str, **codes: str) -> str:
    """A catalog sentence, escaped, with each placeholder set in <code> (versions, hashes: names, not words)."""
    text = _e(pterm(key, lang, **{k: _MARK.format(k) for k in codes}))
    for name, value in codes.items():
        text = text.replace(_e(_MARK.format(name)), _code(value))
    return text


def summary(changes: Changes, lang: str) -> str:
    """One sentence: how many reports were added, removed, re-read, and how many verdicts and values changed."""
    if changes.status != "compared":
        return pterm(f"changes.status.{changes.status}_short", lang)
    n = changes.counts()
    if not sum(n.values()):
        return pterm("changes.none", lang)
    return pterm("changes.summary", lang, added=n["report_added"], removed=n["report_removed"],
                 reread=n["report_reread"], verdicts=n["verdict_changed"], values=n["value_changed"])


def changes_body(changes: Changes, lang: str, version: str) -> str:
    """The page: both data versions, the counts, a link to the CSV, and one table row per change."""
    new, old = changes.data_version[:12], (changes.previous or "")[:12]
    parts = [f'<p><a href="index.html">{_e(term("page.back", lang))}</a></p>',
             f"<h1>{_e(pterm('changes.title', lang))}</h1>",
             f"<p>{_rich('changes.status.' + changes.status, lang, new=new, old=old, version=version)}</p>",
             f"<p>{_e(summary(changes, lang))}</p>" if changes.status == "compared" else "",
             f'<p>{_e(pterm("changes.csv", lang))}{"" if lang == "zh" else " "}'
             f'<a href="data/{CHANGES_TABLE}.csv">CSV</a></p>',
             f"<p>{_e(pterm('changes.why_intro', lang))}</p>"]
    table = changes.table
    if len(table) > MAX_PAGE_ROWS:
        parts.append(f"<p>{_e(pterm('changes.truncated', lang, shown=MAX_PAGE_ROWS, n=len(table)))}</p>")
    if len(table):
        parts.append(_table(table.head(MAX_PAGE_ROWS), lang))
    return "\n".join(parts)


def _table(table: pd.DataFrame, lang: str) -> str:
    heads = [pterm("changes.col.change", lang), pterm("changes.col.why", lang), term("col.year", lang),
             term("col.agency", lang), pterm("changes.col.item", lang), term("col.applicant", lang),
             pterm("changes.col.old", lang), pterm("changes.col.new", lang)]
    head = "".join(f"<th>{_e(h)}</th>" for h in heads)
    body = "".join(_tr(r, lang) for _, r in table.iterrows())
    return f'<table class="govreport-changes"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _tr(row: Any, lang: str) -> str:
    applicant = enum("applicant", row["applicant"], lang) if row["applicant"] else ""
    cells = [_e(pterm(f"changes.change.{row['change']}", lang)), _e(pterm(f"changes.why.{row['why']}", lang)),
             _e(row["year"]), _agency(row["agency"], lang), _item(row, lang), _e(applicant),
             _shown(row, "old", lang), _shown(row, "new", lang)]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


@lru_cache(maxsize=None)
def _metrics() -> dict:
    return catalog.metrics()


def _names(lang: str) -> dict[str, str]:
    """Every metric's standard name (what rule_name spells a rule with)."""
    return {m: metric_name(m, lang) for m in _metrics()}


def _agency(name: Any, lang: str) -> str:
    """An agency as the page's language prints it: its English name with the Chinese beside it on English pages."""
    return _e(name) if lang == "zh" else f'{_e(english_name(str(name)))} (<span lang="zh">{_e(name)}</span>)'


def _item(row: Any, lang: str) -> str:
    """What changed: the document, the metric, the check, or the report's identity field."""
    what = row["field"]
    if what in ("sha256", "code"):
        return _code(row["item"])
    if what == "value":
        return _e(metric_name(row["item"], lang))
    if what in ("state", "review"):
        kind = pterm(f"changes.field.{what}", lang)
        return _e(f"{rule_name(row['item'], _names(lang), lang)}{'（' if lang == 'zh' else ' ('}{kind}"
                  f"{'）' if lang == 'zh' else ')'}")
    return _e(pterm(f"changes.field.{what}", lang))


def _shown(row: Any, which: str, lang: str) -> str:
    """An old or new value in words: numbers with their unit, verdicts and levels in the page's language."""
    value, what = str(row[which]), row["field"]
    if value == "":
        key = f"changes.none.{what}" if what in ("state", "review") else "changes.absent"
        return _e(term("blank", lang) if what == "value" else pterm(key, lang))
    if what == "value":
        return _e(quantity(float(value), _metrics()[row["item"]].unit if row["item"] in _metrics() else "", lang))
    if what in ("state", "timeliness"):
        return _e(enum("state", value, lang))
    if what == "review":
        return _e(pterm(f"changes.review.{value}", lang))
    if what == "agency_level":
        return _e(enum("level", value, lang))
    if what == "template":
        return _e(template_name(value, lang))
    if what == "agency":
        return _agency(value, lang)
    if what in ("sha256", "code"):
        return _code(value[:12])
    return _code(value)  # agency_id, year
