"""Corpus-scale benchmark: makes corpora of N reports from the real reports and prints one table.

The corpus (corpus_gen.py) is built from every real report in the repository (text, HTML, PDF, data/raw,
and DOCX rendered from the HTML ones by LibreOffice when `soffice` exists), numbers perturbed, identities
kept, some broken on purpose. The table: reports per CPU-second per format (parsed in this process), PDF
parse time over PDFium's text extraction of the same files, peak RSS of `govreport ingest` at N and 10 N,
a second ingest over the unchanged corpus, the `--jobs 2` speed-up, Dask against local, and build time
per page. Which ingest options exist is read from `govreport ingest --help`; the rest print n/a, so the
script can be re-run unchanged as they arrive.

Run: .venv/bin/python benchmarks/bench_corpus.py [--n 1000] [--quick] [--workdir DIR]
(N and 10 N = 1,000 and 10,000 by default; --quick skips the 10 N step; corpora go to a temp dir).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_gen import (ROOT, Source, describe_sources, docx_renders, interleave,  # noqa: E402
                        make_copy, make_corpus, source_files)

GOVREPORT = str(Path(sys.executable).parent / "govreport")


# ---------------------------------------------------------------- measurements


def in_process_rates(files: list[Path]) -> dict[str, tuple[int, float]]:
    """Per format: (reports, CPU seconds) of govreport.parse in this process, after one warm-up per format."""
    import govreport
    by_format: dict[str, list[Path]] = {}
    for f in files:
        by_format.setdefault(f.suffix.lower().lstrip("."), []).append(f)
    out = {}
    for fmt, group in sorted(by_format.items()):
        _try_parse(govreport, group[0])
        t = time.process_time()
        ok = sum(_try_parse(govreport, f) for f in group)
        out[fmt] = (ok, time.process_time() - t)
    return out


def _try_parse(govreport, f: Path) -> int:
    try:
        govreport.parse(f)
        return 1
    except Exception:
        return 0


def pdfium_ratio(pdfs: list[Path]) -> Optional[tuple[float, float]]:
    """(govreport.parse CPU-s, PDFium text-extraction CPU-s) over the same PDF files."""
    if not pdfs:
        return None
    import govreport
    import pypdfium2 as pdfium
    t = time.process_time()
    for f in pdfs:
        _try_parse(govreport, f)
    parse_s = time.process_time() - t
    t = time.process_time()
    for f in pdfs:
        doc = pdfium.PdfDocument(str(f))
        for page in doc:
            page.get_textpage().get_text_range()
        doc.close()
    return parse_s, time.process_time() - t


_WRAPPER = ("import json,resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.STDOUT);"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps(dict(rc=r.returncode,wall=time.perf_counter()-t,cpu=u.ru_utime+u.ru_stime,"
            "rss_mb=u.ru_maxrss/1024,err=r.stdout.decode(errors='replace')[-3000:])))")


def run_measured(args: list[str], env: Optional[dict] = None, cwd: Optional[Path] = None) -> dict:
    """Run a command in a fresh wrapper process: wall s, CPU s and peak RSS (MB, largest process) of its tree."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, cwd=cwd)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ingest_help() -> str:
    return subprocess.run([GOVREPORT, "ingest", "--help"], capture_output=True, text=True).stdout


def ingest(corpus: Path, out: Path, extra: list[str], work: Path, cold: bool = True) -> dict:
    """One `govreport ingest` run (a fresh cache dir when cold, in case the cache lives outside --out)."""
    env = {"XDG_CACHE_HOME": str(work / ("cache-" + out.name if cold else "cache-shared"))}
    (work / "data" / "raw").mkdir(parents=True, exist_ok=True)  # ingest wants a project root, even with paths
    res = run_measured([GOVREPORT, "--root", str(work), "ingest", str(corpus), "--out", str(out), "--quiet", *extra],
                       env=env, cwd=work)
    if not (out.is_dir() and any(out.iterdir())):
        raise RuntimeError(f"ingest {' '.join(extra)} wrote no tables (exit {res['rc']}): {res['err'].strip()[-200:]}")
    res["rate"] = len(list(corpus.iterdir())) / res["cpu"] if res["cpu"] else float("nan")
    return res


def same_tables(a: Path, b: Path) -> str:
    """Whether two ingest outputs hold the same values and findings (rows sorted)."""
    import govreport
    da, db = govreport.load(a), govreport.load(b)
    diffs = []
    for name in ("reports", "values", "findings"):
        ta, tb = getattr(da, name), getattr(db, name)
        cols = sorted(c for c in ta.columns if c not in {"source_file"})
        if list(sorted(tb.columns)) != sorted(ta.columns):
            diffs.append(f"{name} columns")
            continue
        sa = ta[cols].astype(str).sort_values(cols).reset_index(drop=True)
        sb = tb[cols].astype(str).sort_values(cols).reset_index(drop=True)
        if not sa.equals(sb):
            diffs.append(name)
    return "identical" if not diffs else "DIFFER: " + ", ".join(diffs)


def build_per_page(sources: list[Source], n: int, work: Path) -> tuple[dict, int, str]:
    """`govreport build` on a small project of n generated reports: the measured run, the pages written, and
    what a second build does after one report changed (its numbers scaled by another k)."""
    project = work / "build_project"
    shutil.rmtree(project, ignore_errors=True)
    raw = project / "data" / "raw"
    make_corpus(n, raw, sources, seed=7)
    (project / "data" / "raw.manifest.csv").unlink(missing_ok=True)
    cmd, env = [GOVREPORT, "--root", str(project), "build"], {"GOVREPORT_ROOT": str(project)}
    res = run_measured(cmd, env=env, cwd=project)
    printed = re.search(r"(\d+) pages \(", res["err"])  # the build's own count (the index is not a page)
    pages = int(printed.group(1)) if printed else len(list((project / "reports").glob("*.html")))
    changed = next((s for s in sources if s.scalable), None)
    if not pages or changed is None:
        return res, pages, "n/a"
    n_families = max(s.family for s in sources) + 1
    before = (raw / f"{sources.index(changed):06d}_{changed.path.stem}{changed.path.suffix.lower()}").read_bytes()
    for seed in range(100, 120):  # another k for the same report (same agency, year, file name)
        make_copy(changed, sources.index(changed), 0, n_families, raw, random.Random(seed))
        if (raw / f"{sources.index(changed):06d}_{changed.path.stem}{changed.path.suffix.lower()}").read_bytes() != before:
            break
    again = run_measured(cmd, env=env, cwd=project)
    m = re.search(r"(\d+) pages \((\d+) built", again["err"])
    idle = re.search(r"nothing to do \((\d+) pages unchanged", again["err"])
    rebuilt = (f"{m.group(2)} of {m.group(1)} pages" if m else f"0 of {idle.group(1)} pages" if idle
               else "count not printed")
    return res, pages, f"{rebuilt} rebuilt in {again['wall']:.0f} s wall (exit {again['rc']})"


# ---------------------------------------------------------------- table


def fmt_rate(n: int, s: float) -> str:
    return f"{n / s:,.1f} reports/CPU-s ({n} in {s:.1f} CPU-s)" if s > 0 and n else "n/a (none parsed)"


def _mem(res: Optional[dict], n: int) -> str:
    if not res:
        return "n/a (--quick)"
    return f"{res['rss_mb']:,.0f} MB ({n:,} reports, {res['wall']:.1f} s wall, {res['cpu']:.1f} CPU-s, exit {res['rc']})"


def _guarded(rows: list, name: str, fn) -> None:
    """Append (name, fn()) to rows; a step that fails prints n/a with its one-line reason instead."""
    try:
        rows.append((name, fn()))
    except Exception as exc:  # the table must still print when one stage is missing or broken
        rows.append((name, f"n/a ({type(exc).__name__}: {str(exc).strip().splitlines()[-1][:160] if str(exc).strip() else ''})"))


def measure(args: argparse.Namespace, work: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    load_at_start = os.getloadavg()[0]
    files = source_files()
    files += docx_renders([f for f in files if f.suffix.lower() == ".html"], work / "docx_cache")
    sources = describe_sources(interleave(files))
    corpus = work / f"corpus_{args.n}"
    shutil.rmtree(corpus, ignore_errors=True)
    t = time.perf_counter()
    made = make_corpus(args.n, corpus, sources, seed=args.seed)
    counts = {f: sum(r["format"] == f for r in made) for f in sorted({r["format"] for r in made})}
    rows.append(("corpus", f"{len(made)} reports from {len(sources)} sources ("
                 + ", ".join(f"{v} {k}" for k, v in counts.items())
                 + f"); {sum('->' in r['broken'] for r in made)} broken on purpose; made in {time.perf_counter() - t:.1f} s"))
    sample = _sample(corpus, args.sample)
    for fmt, (n_ok, cpu) in in_process_rates(sample).items():
        rows.append((f"parse {fmt}, in process", fmt_rate(n_ok, cpu)))
    _guarded(rows, "PDF time / PDFium text", lambda: _pdf_ratio_text([f for f in sample if f.suffix == ".pdf"]))
    help_text = ingest_help()
    has_jobs = "--jobs" in help_text
    one_job = ["--jobs", "1"] if has_jobs else []
    runs: dict[str, dict] = {}

    def first_run() -> str:
        runs["first"] = ingest(corpus, work / "out_n", one_job, work, cold=True)
        return _mem(runs["first"], args.n)
    _guarded(rows, "ingest N: peak RSS", first_run)
    _guarded(rows, "ingest N: reports/CPU-s", lambda: f"{runs['first']['rate']:.1f} (whole CLI run, one process)")
    _guarded(rows, "broken copies caught", lambda: _caught(work / "out_n", made))
    _guarded(rows, "ingest 10N: peak RSS", lambda: _mem(None, 0) if args.quick else _ingest_10n(args, sources, work, one_job))
    _guarded(rows, "second ingest, unchanged", lambda: _second(corpus, work, one_job, runs["first"]))
    _guarded(rows, "--jobs 2 speed-up", lambda: _jobs2(corpus, work, runs["first"]) if has_jobs else "n/a (no --jobs)")
    _guarded(rows, "Dask vs local", lambda: _dask(corpus, work, runs["first"])
             if "--engine" in help_text and "dask" in help_text else "n/a (no --engine dask)")
    if args.build_n:
        _guarded(rows, "build time per page", lambda: _build_text(sources, args.build_n, work))
    rows.append(("machine", f"{os.cpu_count()} cores; 1-min load average {load_at_start:.1f} at start, "
                 f"{os.getloadavg()[0]:.1f} at end (wall-clock rows are only as good as the machine is idle)"))
    return rows


def _caught(out: Path, made: list[dict]) -> str:
    """Broken copies with more failed checks than the intact copies of the same source (identities kept elsewhere)."""
    import govreport
    data = govreport.load(out)
    fails = data.findings[data.findings["state"] == "fail"].groupby("report_id").size()
    per_file = {Path(f).name: int(fails.get(r, 0)) for f, r in zip(data.reports["source_file"], data.reports["report_id"])}
    intact: dict[str, set] = {}
    for r in made:
        if r["file"] in per_file and not r["broken"] and r["k"] > 1:
            intact.setdefault(r["source"], set()).add(per_file[r["file"]])
    broken = [r for r in made if "->" in r["broken"] and r["file"] in per_file]
    caught = sum(per_file[r["file"]] > max(intact.get(r["source"], {0})) for r in broken)
    steady = sum(len(v) == 1 for v in intact.values())
    return (f"{caught}/{len(broken)} with an extra failed check; intact scaled copies fail the same checks as each "
            f"other for {steady}/{len(intact)} sources")


def _pdf_ratio_text(pdfs: list[Path]) -> str:
    ratio = pdfium_ratio(pdfs)
    if not ratio or not ratio[1]:
        return "n/a (no PDF)"
    return f"{ratio[0] / ratio[1]:.1f}x ({len(pdfs)} PDFs: parse {ratio[0]:.2f} CPU-s, PDFium text {ratio[1]:.3f} CPU-s)"


def _ingest_10n(args, sources, work: Path, extra: list[str]) -> str:
    big = work / f"corpus_{10 * args.n}"
    shutil.rmtree(big, ignore_errors=True)
    make_corpus(10 * args.n, big, sources, seed=args.seed)
    return _mem(ingest(big, work / "out_10n", extra, work, cold=True), 10 * args.n)


def _second(corpus: Path, work: Path, extra: list[str], first: dict) -> str:
    second = ingest(corpus, work / "out_n", extra, work, cold=False)
    return f"{second['wall']:.1f} s wall, {second['cpu']:.1f} CPU-s (first run {first['wall']:.1f} s wall)"


def _jobs2(corpus: Path, work: Path, first: dict) -> str:
    two = ingest(corpus, work / "out_jobs2", ["--jobs", "2"], work, cold=True)
    return (f"{first['wall'] / two['wall']:.2f}x ({first['wall']:.1f} s -> {two['wall']:.1f} s wall, "
            f"{first['cpu']:.1f} -> {two['cpu']:.1f} CPU-s, peak RSS of the "
            f"largest process {two['rss_mb']:.0f} MB; tables {same_tables(work / 'out_n', work / 'out_jobs2')})")


def _dask(corpus: Path, work: Path, first: dict) -> str:
    dask = ingest(corpus, work / "out_dask", ["--engine", "dask"], work, cold=True)
    return (f"{dask['wall']:.1f} s vs {first['wall']:.1f} s wall (--jobs 1 local); "
            f"tables {same_tables(work / 'out_n', work / 'out_dask')}")


def _build_text(sources: list[Source], n: int, work: Path) -> str:
    res, pages, change = build_per_page(sources, n, work)
    if not pages:
        return f"n/a (build wrote no pages, exit {res['rc']}: {res['err'].strip()[-160:]!r})"
    return (f"{res['wall'] / pages:.1f} s wall/page ({pages} pages from {n} reports in {res['wall']:.0f} s wall, "
            f"{res['cpu']:.0f} CPU-s, exit {res['rc']}); one report changed: {change}")


def _sample(corpus: Path, per_format: int) -> list[Path]:
    """Up to per_format corpus files of each format, spread over the corpus."""
    by: dict[str, list[Path]] = {}
    for f in sorted(corpus.iterdir()):
        by.setdefault(f.suffix.lower(), []).append(f)
    return [f for group in by.values() for f in group[:per_format]]


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="corpus size N (10 N is measured too unless --quick)")
    ap.add_argument("--quick", action="store_true", help="skip the 10 N step")
    ap.add_argument("--workdir", type=Path, help="where corpora and outputs go (default: a temp dir, removed after)")
    ap.add_argument("--sample", type=int, default=20, help="files per format parsed in process (default 20)")
    ap.add_argument("--build-n", type=int, default=6, help="reports in the build project (0 skips the build)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    work = work.resolve()
    if ROOT in work.parents or work == ROOT:
        ap.error(f"--workdir {work} is inside the repository; corpora never go there")
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = measure(args, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':{width}s} | value")
    print(f"{'-' * width}-|-{'-' * 60}")
    for name, value in rows:
        print(f"{name:{width}s} | {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
