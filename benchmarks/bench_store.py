"""Store benchmark (issue 16 item 6): `govreport ingest` of N generated reports, one process, and again unchanged.

Prints, per N (1,000 and 10,000; 100,000 with --big): CPU-s and wall-s of the first ingest (cold part cache),
reports per CPU-s of that whole run (parse + assembly + writing), peak RSS of the ingest process, and the time
of a second ingest over the unchanged corpus (a hash of every input; no table is read back). ``--markdown``
prints the same as the README table. Corpora (benchmarks/corpus_gen.py, seed 0) and stores go to --workdir and
are reused when there (a corpus is made once per N). ``--src DIR`` runs another checkout's package (a baseline:
``git archive HEAD src | tar -x -C /tmp/base`` then ``--src /tmp/base/src``). ``--formats txt html`` makes the
corpus from those sources only (text parses ~10x faster than PDF/DOCX: large N in less time). ``--parts-from
LABEL`` copies the part cache of an earlier run's store of the same corpus (another --label) before the first
ingest: that run then measures assembly and writing alone (its CPU-s has no parse; the table says so), which
is how a baseline's memory at 10,000 is measured without parsing 10,000 files twice.

Run: .venv/bin/python benchmarks/bench_store.py --workdir /tmp/bench [--n 1000 10000] [--big] [--markdown]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_gen import ROOT, describe_sources, docx_renders, interleave, make_corpus, source_files  # noqa: E402

# One ingest in a child process: its wall time, CPU time and peak RSS (ru_maxrss of the child, MB).
_WRAPPER = ("import json,resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.STDOUT);"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps(dict(rc=r.returncode,wall=time.perf_counter()-t,cpu=u.ru_utime+u.ru_stime,"
            "rss_mb=u.ru_maxrss/1024,out=r.stdout.decode(errors='replace')[-2000:])))")
_INGEST = "import sys; from govreport.cli import main; sys.argv[0] = 'govreport'; sys.exit(main())"


def corpus(n: int, work: Path, formats: tuple = ()) -> Path:
    """The generated corpus of n reports (made once; reused while its manifest is there), of ``formats`` only
    when given (file suffixes without the dot)."""
    dest = work / ("_".join([f"corpus_{n}", *formats]))
    if not (work / f"{dest.name}.manifest.csv").exists():
        shutil.rmtree(dest, ignore_errors=True)
        files = source_files()
        files += docx_renders([f for f in files if f.suffix.lower() == ".html"], work / "docx_cache")
        files = [f for f in files if not formats or f.suffix.lower().lstrip(".") in formats]
        make_corpus(n, dest, describe_sources(interleave(files)), seed=0)
    return dest


def ingest(src: Optional[Path], corpus_dir: Path, out: Path, work: Path, jobs: int = 1) -> dict:
    """`govreport ingest CORPUS --out OUT --jobs N` measured in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src else dict(os.environ)
    (work / "data" / "raw").mkdir(parents=True, exist_ok=True)  # a project root, as the CLI wants one
    cmd = [sys.executable, "-c", _INGEST, "--root", str(work), "ingest", str(corpus_dir), "--out", str(out),
           "--quiet", "--jobs", str(jobs)]
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, env=env, cwd=work)
    res = json.loads(done.stdout.strip().splitlines()[-1])
    if res["rc"] not in (0, 1):  # 1: some inputs failed (broken on purpose), the store is written
        raise RuntimeError(f"ingest exited {res['rc']}: {res['out'][-400:]}")
    return res


def measure(n: int, src: Optional[Path], work: Path, args) -> dict:
    corpus_dir = corpus(n, work, tuple(args.formats))
    out = work / f"store_{args.label}_{corpus_dir.name}"
    shutil.rmtree(out, ignore_errors=True)
    other = Path(args.parts_from) if args.parts_from and Path(args.parts_from).is_dir() \
        else work / f"store_{args.parts_from}_{corpus_dir.name}"  # a store folder, or the --label of one
    seeded = _seed_parts(other, out, src) if args.parts_from else 0
    first = ingest(src, corpus_dir, out, work, args.jobs)
    again = ingest(src, corpus_dir, out, work, args.jobs)
    return {"n": n, "cpu": first["cpu"], "wall": first["wall"], "rate": n / first["cpu"] if first["cpu"] else 0.0,
            "rss_mb": first["rss_mb"], "again_wall": again["wall"], "again_cpu": again["cpu"],
            "again_rss_mb": again["rss_mb"], "seeded": seeded, "corpus": corpus_dir.name, "jobs": args.jobs}


def _seed_parts(other: Path, out: Path, src: Optional[Path]) -> int:
    """Copy the cached parts of ``other`` (a store of the same corpus) under this code's fingerprint."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src else dict(os.environ)
    code = subprocess.run([sys.executable, "-c", "from govreport.ingestion.corpus import code_fingerprint as f; print(f())"],
                          capture_output=True, text=True, env=env, check=True).stdout.strip()
    found = [f for d in (other / ".parts").iterdir() if d.is_dir() for f in d.iterdir()]
    (out / ".parts" / code).mkdir(parents=True, exist_ok=True)
    for f in found:
        shutil.copy2(f, out / ".parts" / code / f.name)
    return len(found)


def table(rows: list[dict], markdown: bool) -> str:
    head = ["reports", "corpus", "CPU-s", "wall-s", "reports/CPU-s", "peak RSS", "unchanged re-ingest"]
    body = [[f"{r['n']:,}", r["corpus"] + (f", --jobs {r['jobs']}" if r["jobs"] != 1 else ""),
             f"{r['cpu']:.0f}" + (" (no parse: parts copied)" if r["seeded"] else ""), f"{r['wall']:.0f}",
             "n/a" if r["seeded"] else f"{r['rate']:.1f}", f"{r['rss_mb']:,.0f} MB",
             f"{r['again_wall']:.1f} s ({r['again_cpu']:.1f} CPU-s, {r['again_rss_mb']:,.0f} MB)"] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
        return "\n".join(lines + ["| " + " | ".join(b) + " |" for b in body])
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(line, widths)) for line in [head, *body])


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default 1000 10000)")
    ap.add_argument("--big", action="store_true", help="add N = 100,000 (hours of CPU)")
    ap.add_argument("--markdown", action="store_true", help="print the README table")
    ap.add_argument("--workdir", type=Path, help="corpora and stores (default: a temp dir, removed after)")
    ap.add_argument("--src", type=Path, help="run the package of another checkout (its src folder)")
    ap.add_argument("--label", default="", help="names this run's stores in --workdir (default: after --src)")
    ap.add_argument("--formats", nargs="*", default=[], help="corpus from sources of these suffixes only (txt html)")
    ap.add_argument("--jobs", type=int, default=1, help="ingest --jobs (default 1: one process)")
    ap.add_argument("--parts-from", help="copy the part cache of this store folder (or of the store of this --label) "
                    "first: no parse")
    args = ap.parse_args(argv)
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="govreport-store-"))).resolve()
    if ROOT in work.parents or work == ROOT:
        ap.error(f"--workdir {work} is inside the repository; corpora never go there")
    work.mkdir(parents=True, exist_ok=True)
    label = args.label or ("src" if args.src else "this")
    try:
        rows = []
        for n in args.n + ([100_000] if args.big else []):
            args.label = label
            rows.append(measure(n, args.src.resolve() if args.src else None, work, args))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
