"""Every cross-file reference of the catalog resolves (PUDL's metadata test is the model).

Each check returns its problems as lines; the packaged catalog has none, and a copy with one reference
broken has some (or fails to load with a CatalogError naming the file and line): the last test shows it.
Codes the package emits are read from the source with ``ast`` (calls such as ``_unmapped(..., "text_cell")``,
``rule="extract.sections"``, ``findings.append(("identify.agency_unknown", ...))``, ``RULE = ...``).
"""
import ast
import csv
import fnmatch
import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from govreport import catalog
from govreport.errors import CatalogError
from govreport.report.wording import TERM_FILES

PACKAGED = Path(catalog.__file__).parent
SRC = PACKAGED.parent
_rows = catalog.read_csv


def _metrics():
    return set(catalog.metrics())


# ---------------------------------------------------------------- checks (each returns its problems)
def metric_problems() -> list[str]:
    """Each metric named in rules, crosswalk, optional cells, fact subjects and bounds is a row of labels.csv."""
    known, out = _metrics(), []
    uses = [("rules.csv", r["metric"]) for r in _rows("rules.csv") if r["metric"] != "*"]
    uses += [("crosswalk.csv", t.strip()) for r in _rows("crosswalk.csv") for t in r["expression"].split("+") if t.strip()]
    uses += [("optional_cells.csv", r["metric"]) for r in _rows("optional_cells.csv")]
    uses += [("fact_subjects.csv", r["metric"]) for r in _rows("fact_subjects.csv")]
    out += [f"{f}: metric {m!r} is not in labels.csv" for f, m in uses if m not in known]
    for r in _rows("bounds.csv"):
        kind, _, glob = r["scope"].partition(":")
        if kind == "metric" and not any(fnmatch.fnmatchcase(m, glob) for m in known):
            out.append(f"bounds.csv: scope {r['scope']!r} matches no metric")
    for r in _rows("narrative_sections.csv"):
        if not any(m.startswith(r["metric_prefix"]) for m in known):
            out.append(f"narrative_sections.csv: prefix {r['metric_prefix']!r} starts no metric")
    return out


def template_problems() -> list[str]:
    """Each template has markers, a label column with labels, and each of its sections a start heading and a
    layout in its family; every template named in rules, crosswalk and optional cells is in templates.csv."""
    out, names = [], set(catalog.templates())
    markers = {t for t, _p, _w in catalog.template_markers()}
    sections = {(s.family, s.section) for s in catalog.sections() if s.role == "start"}
    layout_sections = {lay.section for lay in catalog.layouts()}
    for t in catalog.templates():
        spec = catalog.template(t)
        if t not in markers:
            out.append(f"templates.csv: {t} has no row in template_markers.csv")
        if not any(m.labels[t] for m in catalog.metrics().values()):
            out.append(f"labels.csv: template {t} labels no metric")
        out += [f"templates.csv: {t} section {s!r} has no start heading of family {spec.family} in sections.csv"
                for s in sorted(spec.sections) if (spec.family, s) not in sections]
        out += [f"templates.csv: {t} section {s!r} has no layout in layouts.csv"
                for s in sorted(spec.sections) if s not in layout_sections]
    for f, col in (("rules.csv", "templates"), ("optional_cells.csv", "templates"), ("crosswalk.csv", "template")):
        out += [f"{f}: template {t!r} is not in templates.csv" for r in _rows(f) for t in r[col].split() if t not in names]
    return out


def label_problems() -> list[str]:
    """Each label entry sits in a section of its family and, in a layout of that section, has its column."""
    out = []
    sections = {(s.family, s.section) for s in catalog.sections()}
    columns: dict[str, set] = {}
    for lay in catalog.layouts():
        columns.setdefault(lay.section, set()).update(lay.columns)
    for e in catalog.label_entries():
        if (e.family, e.section) not in sections:
            out.append(f"labels.csv: {e.metric} ({e.template}) section {e.section!r} is no {e.family} section")
        elif e.family == "gb" and e.column != "*" and e.column not in columns.get(e.section, set()):
            out.append(f"labels.csv: {e.metric} column {e.column!r} is in no layout of section {e.section}")
    return out


def _unmapped_codes():
    return {r["code"] for r in _rows("reasons.csv") if r["table"] == "unmapped"}


def _finding_rules():
    return {r["rule"] for r in _rows("rules.csv")} | {r["code"] for r in _rows("reasons.csv") if r["table"] == "findings"}


def reason_problems() -> list[str]:
    """Every unmapped reason and finding rule the source emits is declared (reasons.csv, rules.csv); every
    declared reason code is explained on the methods page (methods_codes.csv); failure reasons end in 'other'."""
    reasons, rules = emitted_codes()
    out = [f"{where}: unmapped reason {c!r} is not in reasons.csv" for c, where in sorted(reasons.items())
           if c not in _unmapped_codes()]
    out += [f"{where}: finding rule {c!r} is in neither rules.csv nor reasons.csv" for c, where in sorted(rules.items())
            if c not in _finding_rules()]
    explained = {r["code"] for r in _rows("methods_codes.csv")}
    out += [f"reasons.csv: code {r['code']!r} has no row in methods_codes.csv" for r in _rows("reasons.csv")
            if r["code"] not in explained]
    if catalog.failure_codes()[-1:] != ("other",):
        out.append("failure_reasons.csv: the last code must be the catch-all 'other'")
    declared_hows = {r["code"] for r in _rows("agency_id_how.csv")}
    out += [f"{where}: agency_id_how {c!r} is not in agency_id_how.csv" for c, where in sorted(_scan()[2].items())
            if c not in declared_hows]
    return out


def failure_problems() -> list[str]:
    """Each failure code but the catch-all matches a problem the source writes (ReportError, Failure): a reworded
    message must not fall silently to 'other'."""
    messages = problem_literals()
    return [f"failure_reasons.csv: code {r['code']!r} matches no ReportError/Failure message in src/"
            for r in _rows("failure_reasons.csv")[:-1] if not any(re.search(r["pattern"], m) for m in messages)]


def narrative_problems() -> list[str]:
    """Each wording key the catalog or the source names exists; each headline and series names a known series."""
    keys = {r["key"] for name in TERM_FILES for r in _rows(name)}
    out = [f"narrative_rules.csv: {col} {r[col]!r} is no wording key" for r in _rows("narrative_rules.csv")
           for col in ("term", "evidence") if r[col] and r[col] not in keys]
    out += [f"{where}: term({k!r}) is no wording key" for k, where in sorted(term_literals().items()) if k not in keys]
    series = {r["series"] for r in _rows("crosswalk.csv")}
    out += [f"narrative_series.csv: series {r['series']!r} is not in crosswalk.csv" for r in _rows("narrative_series.csv")
            if r["series"] not in series]
    return out


# ---------------------------------------------------------------- reading the source
def _strings(node) -> list[str]:
    """String constants an expression can evaluate to (both arms of `a if c else b`; an f-string's lead)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [node.values[0].value]
    return []


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


@lru_cache(maxsize=None)
def _trees() -> tuple:
    """(path under src/govreport, parsed module) of every source file, parsed once per run."""
    return tuple((path.relative_to(SRC), ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SRC.rglob("*.py")))


def _code(text: str) -> str:
    return text.split(":", 1)[0]


def emitted_codes() -> tuple[dict, dict]:
    """(unmapped reasons, finding rules) written as literals in src/, each with where it was first seen; and the
    layout columns named after an unmapped reason (extract/walker.py _column_reason gives a number under such a
    column that reason: cumulative, columns_unnamed)."""
    reasons, rules, _hows = _scan()
    columns = {c for r in _rows("layouts.csv") for c in r["columns"].split("|")}
    return {**reasons, **{c: "catalog/layouts.csv" for c in sorted(columns & _unmapped_codes())}}, rules


@lru_cache(maxsize=None)
def _scan() -> tuple[dict, dict, dict]:
    reasons, rules, hows = {}, {}, {}
    for path, tree in _trees():
        if path.parent.name in ("report", "publish", "catalog"):
            continue  # pages and the catalog read codes; they do not emit them
        where = str(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("RULE", "REASON")
                                                     for t in node.targets):
                target = rules if node.targets[0].id == "RULE" else reasons
                target.update({_code(s): where for s in _strings(node.value)})
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values):
                    if isinstance(k, ast.Constant) and k.value in ("rule", "reason"):
                        (rules if k.value == "rule" else reasons).update({_code(s): where for s in _strings(v) if s})
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            for kw in node.keywords:
                if kw.arg in ("rule", "reason"):
                    (rules if kw.arg == "rule" else reasons).update({_code(s): where for s in _strings(kw.value) if s})
            if name == "_unmapped" and len(node.args) >= 4:
                reasons.update({s: where for s in _strings(node.args[3])})
            if name in ("finding", "_finding") and len(node.args) >= 2:
                rules.update({_code(s): where for s in _strings(node.args[1]) if s})
            if name == "append" and node.args and isinstance(node.args[0], ast.Tuple) and node.args[0].elts:
                rules.update({_code(s): where for s in _strings(node.args[0].elts[0]) if s.startswith("identify.")})
            if name == "id_how" and node.args:
                hows.update({s: where for s in _strings(node.args[0])})
    return reasons, rules, hows


def _text_of(node) -> list[str]:
    """The texts a message expression can have, its holes read as 'X' (f"a {b}" -> 'a X'; scrub(f"...") -> its text)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)]
    if isinstance(node, ast.IfExp):
        return _text_of(node.body) + _text_of(node.orelse)
    if isinstance(node, ast.BinOp):
        return [a + b for a in _text_of(node.left) for b in _text_of(node.right)]
    if isinstance(node, ast.Call) and node.args:
        return _text_of(node.args[0])
    return []


def problem_literals() -> list[str]:
    """Every one-line problem written in src/ as the second argument of ReportError(...) or Failure(...), or
    returned by a ``*_reason`` function (the supervised workers' crash, timeout and memory lines)."""
    out = []
    for _path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ("ReportError", "Failure") and len(node.args) >= 2:
                out += _text_of(node.args[1])
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_reason"):
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        out += _text_of(ret.value)
    return out


def term_literals() -> dict:
    """Keys of `term("literal", ...)` calls in src/ (f-string keys are built from catalog data; skipped)."""
    keys = {}
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "term" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                keys.setdefault(node.args[0].value, str(path))
    return keys


# ---------------------------------------------------------------- the packaged catalog passes
def test_every_metric_referenced_is_in_labels():
    assert metric_problems() == []
    assert len(_metrics()) > 100 and "requests.new_received" in _metrics()


def test_every_template_has_markers_labels_sections_and_layouts():
    assert template_problems() == []
    assert catalog.templates() == ("legacy", "gb2019", "gb2021")
    assert catalog.template_sections("gb2021") == {"art20", "requests", "appeals"}


def test_every_label_sits_in_a_section_and_layout_of_its_family():
    assert label_problems() == []
    assert len(catalog.label_entries()) > 150


def test_every_reason_code_the_package_emits_is_declared():
    reasons, rules = emitted_codes()
    assert {"label_unknown", "text_cell", "implausible_value", "cumulative", "columns_unnamed"} <= set(reasons)
    assert {"extract.sections", "identify.agency_unknown", "extract.implausible_value"} <= set(rules)
    assert {"alias", "name", "unknown"} <= set(_scan()[2])  # agency_id_how codes (text/agencies.py id_how)
    assert reason_problems() == []


def test_every_failure_reason_matches_a_message_the_package_writes():
    assert len(problem_literals()) > 40
    assert failure_problems() == []


def test_every_narrative_key_referenced_exists():
    assert len(term_literals()) > 50
    assert narrative_problems() == []


def test_every_catalog_file_has_a_loader_spec_and_loads():
    from govreport.catalog.loader import SPECS

    names = catalog.file_names()
    assert "templates.csv" in names and [n for n in names if n not in SPECS] == []
    assert all(catalog.read_csv(n) for n in names)  # every file loads (checked) and has rows


# ---------------------------------------------------------------- a broken reference is caught
def _break(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    (metric_problems, "rules.csv", "requests.balance,gb2019 gb2021,left,requests.new_received",
     "requests.balance,gb2019 gb2021,left,requests.new_recieved"),
    (metric_problems, "crosswalk.csv", "requests_received,gb2019,requests.new_received",
     "requests_received,gb2019,requests.new_recieved"),
    (metric_problems, "bounds.csv", "metric:art20.*.change", "metric:art21.*.change"),
    (template_problems, "template_markers.csv", "", ""),  # gb2021 loses its markers (below)
    (template_problems, "layouts.csv", "appeals15,appeals,", "appeals15,appeal,"),
    (label_problems, "labels.csv", "requests.new_received,requests,*", "requests.new_received,request,*"),
    (reason_problems, "reasons.csv", "text_cell,unmapped", "text_cells,unmapped"),
    (reason_problems, "reasons.csv", "extract.sections,findings", "extract.section,findings"),
    (reason_problems, "methods_codes.csv", "cumulative,", "cumulatives,"),
    (reason_problems, "agency_id_how.csv", "\nalias,", "\naliases,"),
    (failure_problems, "failure_reasons.csv", "^empty file$", "^empty files$"),
    (narrative_problems, "narrative_rules.csv", ",rule.fact_rate,", ",rule.fact_rates,"),
    (narrative_problems, "narrative_methods.csv", "\ntimeliness.deadline,", "\ntimeliness.deadlines,"),
]


@pytest.mark.parametrize("check, name, old, new", BROKEN, ids=[f"{c.__name__}-{n}-{i}" for i, (c, n, _o, _w)
                                                                in enumerate(BROKEN)])
def test_a_broken_reference_is_caught(tmp_path, check, name, old, new):
    folder = tmp_path / "catalog"
    shutil.copytree(PACKAGED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if not old:  # a template that loses its markers
        path = folder / "template_markers.csv"
        rows = [r for r in csv.reader(path.open(encoding="utf-8")) if r[0] != "gb2021"]
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    else:
        _break(folder, name, old, new)
    with catalog.use_directory(folder):
        try:
            problems = check()
        except CatalogError as e:  # the loader caught it first: its message names the file and line
            assert name in str(e) or "labels.csv" in str(e)
            return
    assert problems, f"{name}: {old!r} -> {new!r} went unnoticed"
