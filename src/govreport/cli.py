"""Command line: govreport parse | ingest | audit | agencies | build | notebooks."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import ReportError, describe_path


def _cmd_parse(args) -> int:
    from .api import parse

    try:
        rep = parse(args.file)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    frame = rep.values
    if args.format == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        frame.to_csv(sys.stdout, index=False)
    if len(rep.unmapped):
        print(f"note: {len(rep.unmapped)} number(s) not mapped to a metric (see `govreport ingest` unmapped table)", file=sys.stderr)
    return 0


def _cmd_ingest(args) -> int:
    from .api import ingest
    from .paths import project_paths

    paths = project_paths(args.root)
    inputs = args.paths or [paths.raw]
    out = Path(args.out) if args.out else paths.processed
    progress = None if args.quiet else (lambda n, total, f: print(f"[{n}/{total}] {describe_path(f)}", file=sys.stderr))
    result = ingest(inputs, out, progress=progress)
    for failure in result.failures:
        print(f"error: {failure}", file=sys.stderr)
    p = result.processed
    fails = int((p.findings["state"] == "fail").sum()) if len(p.findings) else 0
    print(f"ingested {len(p.reports)} report(s), {len(p.values)} values, {len(p.unmapped)} unmapped, "
          f"{fails} failed check(s), {len(result.failures)} file(s) failed -> {out}")
    return 1 if result.failures else 0


def _cmd_audit(args) -> int:
    import pandas as pd

    from .audit import audit, summary_line
    from .paths import project_paths

    inputs = args.paths or [project_paths(args.root).raw]
    table = audit(inputs, [Path(e) for e in args.expected or []])
    if args.csv:
        table.to_csv(args.csv, index=False)
    shown = ["file", "status", "template", "year", "found", "blank", "missing", "fuzzy", "unmapped", "checks_fail"]
    if args.expected:
        shown += ["hand_right", "hand_wrong", "hand_missing"]
    view = table[shown].copy()
    view["file"] = view["file"].map(lambda f: Path(f).name)
    with pd.option_context("display.max_rows", None, "display.width", 250):
        print(view.to_string(index=False))
    for f, problem in zip(table["file"], table["problem"]):
        if problem:
            print(f"refused: {describe_path(Path(f).name)}: {problem}")
    print(summary_line(table))
    return 0


def _cmd_agencies(args) -> int:
    import pandas as pd

    from .paths import project_paths
    from .store import IncompleteData, load

    paths = project_paths(args.root)
    processed = Path(args.processed) if args.processed else paths.processed
    try:
        reports = load(processed).reports
    except (FileNotFoundError, IncompleteData) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if reports.empty:
        print("no reports ingested")
        return 0
    keys = ["agency_id", "agency", "agency_source", "agency_id_how"]
    rows = (reports.groupby(keys)["year"].apply(lambda s: ",".join(str(y) for y in sorted(s)))
            .reset_index().rename(columns={"agency": "written_name", "year": "years", "agency_source": "name_from",
                                           "agency_id_how": "id_from"}))
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(rows.to_string(index=False))
    print("\nTo merge or split names, add rows to src/govreport/catalog/agency_aliases.csv (written_name,agency_id,note).")
    return 0


def _cmd_notebooks(args) -> int:
    """List the packaged notebooks, or copy them out (--copy DIR) for an analyst to edit."""
    import shutil

    from .paths import packaged_notebooks

    notebooks = sorted(packaged_notebooks().glob("*.ipynb"))
    if not args.copy:
        for notebook in notebooks:
            print(notebook)
        return 0
    target = Path(args.copy)
    target.mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        if (target / notebook.name).exists() and not args.overwrite:
            print(f"error: {describe_path(target / notebook.name)}: exists (--overwrite replaces it)", file=sys.stderr)
            return 1
    for notebook in notebooks:
        shutil.copyfile(notebook, target / notebook.name)
        print(f"copied {notebook.name} -> {target / notebook.name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govreport", description=__doc__)
    parser.add_argument("--root", help="project root (folder holding data/raw); default: auto-detect")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="print the long table of one report")
    p.add_argument("file")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=_cmd_parse)
    p = sub.add_parser("ingest", help="parse every report into data/processed")
    p.add_argument("paths", nargs="*", help="files or folders (default: data/raw)")
    p.add_argument("--out", help="output folder (default: data/processed)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_cmd_ingest)
    p = sub.add_parser("audit", help="how well a batch parsed: expected cells found, fuzzy, unmapped, checks")
    p.add_argument("paths", nargs="*", help="files or folders (default: data/raw)")
    p.add_argument("--expected", action="append", help="folder of hand-checked JSON (tests/data/fixtures/expected form) to score against")
    p.add_argument("--csv", help="write the full audit table to this CSV file")
    p.set_defaults(func=_cmd_audit)
    p = sub.add_parser("agencies", help="list each written agency name with the agency_id it got")
    p.add_argument("--processed", help="processed folder (default: data/processed)")
    p.set_defaults(func=_cmd_agencies)
    try:
        from . import build as build_module
    except ImportError:
        build_module = None
    if build_module is not None:
        p = sub.add_parser("build", help="ingest, run the notebooks and publish HTML reports")
        build_module.add_build_arguments(p)
        p.set_defaults(func=build_module.run_build)
    p = sub.add_parser("notebooks", help="list the report notebooks shipped with govreport, or copy them out")
    p.add_argument("--copy", metavar="DIR", help="copy the notebooks into DIR (a project's notebooks/ is used by build)")
    p.add_argument("--overwrite", action="store_true", help="replace notebooks already in DIR")
    p.set_defaults(func=_cmd_notebooks)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
