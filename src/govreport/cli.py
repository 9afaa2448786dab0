"""Command line: govreport parse | ingest | sql | audit | agencies | review | build | notebooks."""
from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from govreport.errors import ReportError, describe_path


def _cmd_parse(args) -> int:
    from govreport.pipeline import table_values

    try:
        rows, n_unmapped = table_values(args.file)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    names, cells = _values_cells(rows)
    if args.format == "json":
        import json
        records = [dict(zip(names, [_json_cell(c) for c in row])) for row in cells]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        import csv
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(names)
        out.writerows([["" if c is None else repr(c) if isinstance(c, float) else str(c) for c in row]
                       for row in cells])
    if n_unmapped:
        print(f"note: {n_unmapped} number(s) not mapped to a metric (see `govreport ingest` unmapped table)", file=sys.stderr)
    return 0


def _values_cells(rows: list[dict]) -> tuple[list[str], list[list]]:
    """The values table's columns and each row's cells as its dtypes hold them (what ``frame.to_csv`` and
    ``to_json`` print: str, int, float, None for a blank or NaN) without pandas (issue 16: a one-report parse
    costs no pandas import). tests/unit/text/test_speed_identical.py compares both outputs with pandas'."""
    from govreport.schemas import TABLES, columns

    names, dtypes = columns("values"), TABLES["values"].dtypes
    kinds = {"str": str, "int64": int, "float64": float}
    typed = [(c, kinds[dtypes[c]]) for c in names]
    # a blank: None or NaN (NaN is the one float not equal to itself)
    return names, [[None if (v := r.get(c)) is None or (isinstance(v, float) and v != v) else kind(v)
                    for c, kind in typed] for r in rows]


def _json_cell(cell):
    """A cell as pandas' to_json writes it and json.loads reads it back: floats to 10 decimal places."""
    return round(cell, 10) if isinstance(cell, float) else cell


def _cmd_ingest(args) -> int:
    import os

    from govreport.ingestion.lock import Locked
    from govreport.paths import project_paths
    from govreport.pipeline import ingest
    from govreport.store import IncompleteData

    # a project root is needed only for what the command line leaves out (inputs, output folder)
    paths = project_paths(args.root) if args.root or not (args.paths and args.out) else None
    inputs = args.paths or [paths.raw]
    out = Path(args.out) if args.out else paths.processed
    jobs = args.jobs or os.cpu_count() or 1
    engine = args.engine or ("processes" if jobs > 1 else "local")
    bar, client = None if args.quiet else _progress_bar(), None
    try:
        if engine == "dask" and args.scheduler:  # connect first: an unreachable scheduler is one line, soon
            from govreport.ingestion.engines import CONNECT_TIMEOUT, connect

            client = connect(args.scheduler, args.connect_timeout or CONNECT_TIMEOUT)
        result = ingest(inputs, out, progress=bar, jobs=jobs, engine=engine,
                        scheduler=client or args.scheduler, reviews=args.reviews, replace=args.replace,
                        prune=args.prune, wait=args.wait)
    except (ReportError, IncompleteData, Locked) as exc:  # a path that does not exist, an unreadable store,
        print(f"error: {exc}", file=sys.stderr)             # another writer at work on it
        return 2
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        print(f"error: {disk_full(exc, out)}", file=sys.stderr)
        return 2
    finally:
        if bar:
            bar.close()
        if client is not None:
            client.close()
    _ingest_summary(result, out)
    return 1 if result.failures else 0


def _ingest_summary(result, out: Path) -> None:
    """A line per failed file (stderr), a note per duplicate copy (not read again, no failure), a line per
    report dropped (--replace, --prune), the counts."""
    for path, report_id in result.dropped:
        print(f"dropped: {describe_path(path)} ({report_id})")
    for failure in result.failures:
        print(f"error: {failure}", file=sys.stderr)
    for duplicate in result.duplicates:
        print(f"note: {duplicate}", file=sys.stderr)
    for line in result.bad_parts:  # a cached part that failed its digest: parsed again
        print(f"warning: {line}", file=sys.stderr)
    p = result.processed
    fails = result.failed_checks  # the reports' own arithmetic, from one column: the reports table stays unread
    reuse = f", {result.n_reused} unchanged" if result.n_reused else ""
    reuse += f", {result.n_kept} kept from earlier inputs" if result.n_kept else ""
    dups = f", {len(result.duplicates)} duplicate(s) skipped" if result.duplicates else ""
    dups += f", {len(result.bad_parts)} bad cached part(s) not used" if result.bad_parts else ""
    print(f"ingested {result.n_reports} report(s) ({result.n_parsed} parsed{reuse}{dups}), {p.n_rows('values')} values, "
          f"{p.n_rows('unmapped')} unmapped, {fails} failed check(s), {len(result.failures)} file(s) failed -> {out}")
    _review_summary(p.reviews)


def _review_summary(table) -> None:
    """The analyst's reviews applied, and a line for each that decided nothing (orphan, no finding)."""
    from govreport.ingestion.reviews import notices, summary

    if len(table):
        print("reviews: " + ", ".join(f"{n} {status}" for status, n in summary(table).items() if n))
        for line in notices(table):
            print(f"warning: {line}", file=sys.stderr)


def _cmd_review(args) -> int:
    """Record a decision on one finding in data/raw/reviews.csv (applied by the next ingest or build)."""
    import getpass

    from govreport.paths import project_paths
    from govreport.ingestion.reviews import decide
    from govreport.store import IncompleteData

    paths = project_paths(args.root) if args.root or not (args.processed and args.reviews) else None
    target = Path(args.reviews) if args.reviews else paths.raw / "reviews.csv"
    try:
        reviewer = args.reviewer if args.reviewer is not None else getpass.getuser()
    except (KeyError, OSError):
        reviewer = ""
    try:
        review = decide(Path(args.processed) if args.processed else paths.processed, target, args.report_id,
                        args.rule, "confirmed" if args.confirm else "dismissed", args.note, reviewer, args.applicant)
    except (ReportError, FileNotFoundError, IncompleteData) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{review.decision}: {args.report_id} {review.rule} -> {describe_path(target)} "
          "(applied by the next `govreport ingest` or `govreport build`)")
    return 0


class _progress_bar:
    """tqdm bars on stderr: one for the LibreOffice conversions that come first, if any, then one for the reports,
    each created at its first step (an unchanged corpus shows none)."""

    def __init__(self):
        self.bar = self.conversions = None

    def __call__(self, n: int, total: int, path) -> None:
        if self.conversions is not None:
            self.conversions.close()
            self.conversions = None
        self.bar = self._step(self.bar, "report", n, total, path)

    def converting(self, n: int, total: int, path) -> None:
        self.conversions = self._step(self.conversions, "file", n, total, path, "LibreOffice")

    @staticmethod
    def _step(bar, unit: str, n: int, total: int, path, desc: str = ""):
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit=unit, desc=desc or None, file=sys.stderr, dynamic_ncols=True)
        bar.set_postfix_str(describe_path(Path(str(path)).name)[:40], refresh=False)
        bar.update(n - bar.n)
        return bar

    def close(self) -> None:
        for bar in (self.conversions, self.bar):
            if bar is not None:
                bar.close()


def _cmd_sql(args) -> int:
    from govreport.errors import SelectionError
    from govreport.paths import processed_folder
    from govreport.sql import SqlError, query

    try:
        table = query(args.query, processed_folder(args.processed, args.root), args.agency)
    except (SqlError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SelectionError as exc:  # --agency names no agency of the data, or two
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        table.to_csv(sys.stdout, index=False)
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", args.max_rows, "display.width", 250, "display.max_columns", None):
            print(table.to_string(index=False))
    return 0


def _cmd_audit(args) -> int:
    import pandas as pd

    from govreport.checks.coverage import UnmatchedExpected, summary_line, verdict_summary
    from govreport.paths import project_paths
    from govreport.pipeline import audit

    inputs = args.paths or [project_paths(args.root).raw]
    try:
        table = audit(inputs, [Path(e) for e in args.expected or []], strict=True)
    except UnmatchedExpected as exc:
        print(f"govreport audit: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        table.to_csv(args.csv, index=False)
    shown = ["file", "status", "template", "year", "agency", "found", "blank", "missing", "fuzzy", "unmapped",
             "checks_fail"]
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
    if verdict_summary(table):  # reports whose expected JSON states "verdicts": what the library says of them
        print("\nverdicts against the hand-checked ones:\n" + verdict_summary(table))
        for f, problems in zip(table["file"], table["verdict_problems"]):
            if problems:
                print(f"{Path(f).name}: {problems}")
    return 0


def _cmd_agencies(args) -> int:
    import pandas as pd

    from govreport.paths import processed_folder
    from govreport.store import IncompleteData, load

    try:
        processed = processed_folder(args.processed, args.root)
        reports = load(processed).reports
    except (FileNotFoundError, IncompleteData) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.name is not None:
        return _show_resolution(args.name, reports, processed)
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


def _show_resolution(name: str, reports, processed: Path) -> int:
    """`govreport agencies NAME`: the agency_id the name resolves to, how, its years and every name it answers to."""
    from govreport.text.agencies import AgencyNames
    from govreport.errors import SelectionError

    names = AgencyNames(reports, processed)
    try:
        agency_id, how = names.match(name)
    except SelectionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{name} -> {agency_id} (matched as {how})")
    mine = reports[reports["agency_id"].astype(str) == agency_id].sort_values("year")
    print("years: " + ", ".join(f"{int(y)} ({w})" for y, w in zip(mine["year"], mine["agency"])))
    forms = names.table[names.table["agency_id"] == agency_id]
    print("answers to: " + ", ".join(f"{n} ({h})" for n, h in zip(forms["name"], forms["how"])))
    return 0


def _cmd_notebooks(args) -> int:
    """List the packaged notebooks, or copy them out (--copy DIR) for an analyst to edit."""
    import shutil

    from govreport.paths import packaged_notebooks

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


def _add_ingest(sub) -> None:
    """`govreport ingest`: inputs, output, engine and reviews."""
    p = sub.add_parser("ingest", help="add every report of the inputs to data/processed (or --out)")
    p.add_argument("paths", nargs="*", help="files or folders (default: data/raw)")
    p.add_argument("--out", help="output folder (default: data/processed)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: the core count)")
    p.add_argument("--engine", choices=["local", "processes", "dask"],
                   help="where the per-file parse runs (default: processes when --jobs > 1, else local)")
    p.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster")
    p.add_argument("--connect-timeout", type=float, metavar="SECONDS",
                   help="how long to wait for the Dask scheduler to answer (default 10)")
    p.add_argument("--reviews", metavar="FILE",
                   help="the analyst's reviews (default: reviews.csv in the first input folder)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="when another ingest or build is writing to the output, wait up to SECONDS for it "
                        "(default: refuse at once, naming it)")
    shrink = p.add_mutually_exclusive_group()
    shrink.add_argument("--replace", action="store_true",
                        help="make the output from these inputs alone (default: add to what it holds); "
                             "lists each report dropped")
    shrink.add_argument("--prune", action="store_true",
                        help="also drop the reports whose source files no longer exist; lists each one")
    p.set_defaults(func=_cmd_ingest)


def _add_review(sub) -> None:
    """`govreport review`: one decision on one finding."""
    p = sub.add_parser("review", help="confirm or dismiss one finding of an ingested report, with a note")
    p.add_argument("report_id", help="the report (report_id as in the reports table)")
    p.add_argument("rule", help="the finding's rule (findings table), e.g. review.total")
    decision = p.add_mutually_exclusive_group(required=True)
    decision.add_argument("--confirm", action="store_true", help="the finding is right")
    decision.add_argument("--dismiss", action="store_true", help="the finding is wrong: never shown as an accusation")
    p.add_argument("--note", required=True, help="why (published beside the finding)")
    p.add_argument("--reviewer", help="who decided (default: the login name)")
    p.add_argument("--applicant", default="", help="only this applicant column of the finding (default: every one)")
    p.add_argument("--processed", help="processed folder (default: data/processed)")
    p.add_argument("--reviews", metavar="FILE", help="reviews file to append to (default: data/raw/reviews.csv)")
    p.set_defaults(func=_cmd_review)


def build_parser(argv=None) -> argparse.ArgumentParser:
    """The parser; build.py (and its imports) only when the command line names ``build``."""
    parser = argparse.ArgumentParser(prog="govreport", description=__doc__)
    parser.add_argument("--root", help="project root (folder holding data/raw); default: auto-detect")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="print the long table of one report")
    p.add_argument("file")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=_cmd_parse)
    _add_ingest(sub)
    _add_review(sub)
    p = sub.add_parser("sql", help="run SQL (DuckDB) over the processed tables; views named after the tables")
    p.add_argument("query", help='e.g. "SELECT year, count(*) FROM values GROUP BY year"')
    p.add_argument("--processed", help="processed folder (default: $GOVREPORT_ROOT's or the project's data/processed)")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.add_argument("--max-rows", type=int, default=200, help="rows shown in the table view (default 200)")
    p.add_argument("--agency", action="append", metavar="NAME",
                   help="only this agency's rows in every view (agency_id, written name or alias; repeatable)")
    p.set_defaults(func=_cmd_sql)
    p = sub.add_parser("audit", help="how well a batch parsed: expected cells found, fuzzy, unmapped, checks")
    p.add_argument("paths", nargs="*", help="files or folders (default: data/raw)")
    p.add_argument("--expected", action="append", help="folder of hand-checked JSON (tests/data/fixtures/expected form), or one JSON file, to score "
                        "against; a JSON that names no input file is an error (exit 2)")
    p.add_argument("--csv", help="write the full audit table to this CSV file")
    p.set_defaults(func=_cmd_audit)
    p = sub.add_parser("agencies", help="list each written agency name with the agency_id it got, "
                                         "or show what one NAME resolves to")
    p.add_argument("name", nargs="?", metavar="NAME", help="an agency_id, written name or alias to resolve")
    p.add_argument("--processed", help="processed folder (default: $GOVREPORT_ROOT's or the project's data/processed)")
    p.set_defaults(func=_cmd_agencies)
    p = sub.add_parser("build", help="ingest, run the notebooks and publish HTML reports")
    if "build" in (sys.argv[1:] if argv is None else argv):  # its options need build.py (notebook machinery)
        from govreport.publish import build as build_module
        build_module.add_build_arguments(p)
        p.set_defaults(func=build_module.run_build)
    p = sub.add_parser("notebooks", help="list the report notebooks shipped with govreport, or copy them out")
    p.add_argument("--copy", metavar="DIR", help="copy the notebooks into DIR (a project's notebooks/ is used by build)")
    p.add_argument("--overwrite", action="store_true", help="replace notebooks already in DIR")
    p.set_defaults(func=_cmd_notebooks)
    return parser


def main(argv=None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    from govreport.paths import RootNotFound

    try:
        return args.func(args)
    except RootNotFound as exc:  # no project here: one line saying what to do, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        print(f"error: {disk_full(exc)}", file=sys.stderr)
        return 2


def disk_full(exc: OSError, folder=None) -> str:
    """Out of disk space, in one line naming the file being written (a copy names its target; else the
    folder being written)."""
    where = getattr(exc, "filename2", None) or exc.filename or folder
    return (f"{describe_path(where) if where else '(file not named by the system)'}: no space left on device; "
            "the run stopped before completing (free some space and run again)")


if __name__ == "__main__":
    sys.exit(main())
