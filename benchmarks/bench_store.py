"""Store benchmark (issue 16 item 6): `govreport ingest` of N generated reports, one process, and again unchanged.

Prints, per N (1,000 and 10,000; 100,000 with --big): CPU-s and wall-s of the first ingest (cold part cache),
reports per CPU-s of that whole run (parse + assembly + writing), peak RSS of the ingest process, and the time
of a second ingest over the unchanged corpus (no table is read back). ``--markdown``
prints the same as the README table. Corpora (benchmarks/corpus_gen.py, seed 0) and stores go to --workdir and
are reused when there (a corpus is made once per N). ``--src DIR`` runs another checkout's package (a baseline:
``git archive HEAD src | tar -x -C /tmp/base`` then ``--src /tmp/base/src``). ``--formats txt html`` makes the
corpus from those sources only (text parses ~10x faster than PDF/DOCX: large N in less time). ``--parts-from
LABEL`` copies the part cache of an earlier run's store of the same corpus (another --label) before the first
ingest: that run then measures assembly and writing alone (its CPU-s has no parse; the table says so), which
is how a baseline's memory at 10,000 is measured without parsing 10,000 files twice. ``--synthetic POOL``
reaches 100,000 on two cores: a real, cold ingest of the POOL-report generated corpus, whose parts are then
cloned into N reports' inputs and parts under new agencies (``synthetic``); the first ingest then runs the real
assembly of N reports (all parts cached: the path `govreport ingest` takes then), and the table says "assembly
only: synthetic parts". Peak RSS is ru_maxrss of the process tree (any Dask worker or parse child included)
and, in brackets when it differs, VmHWM of the ingest process itself. The second ingest (unchanged: its
inputs' size, mtime, ctime and inode as the manifest records them) hashes no input.

Run: .venv/bin/python benchmarks/bench_store.py --workdir /tmp/bench [--n 1000 10000] [--big] [--markdown]
     [--synthetic 200] [--engine dask] [--src COPY/src]  (run a copy of src/: an edit to src/ mid-run changes
     the code fingerprint, and the "unchanged" second ingest then parses everything again)
     [--trace FILE]  (the RSS and CPU-s of every process of each ingest, every 10 s: where memory peaks)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
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
# The ingest itself; its own high-water mark (VmHWM of /proc/self/status) printed last, beside ru_maxrss.
_INGEST = ("import sys\nfrom govreport.cli import main\nsys.argv[0] = 'govreport'\ntry:\n    rc = main()\n"
           "finally:\n    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
           "    print('\\n' + (hwm[0].strip() if hwm else 'VmHWM: 0 kB'), flush=True)\nsys.exit(rc)")


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


def ingest(src: Optional[Path], corpus_dir: Path, out: Path, work: Path, jobs: int = 1, engine: str = "",
           trace: Optional[Path] = None) -> dict:
    """`govreport ingest CORPUS --out OUT --jobs N [--engine E]` measured in a fresh process; with ``trace``, the
    RSS and CPU time of each of its processes appended to that file every 10 s (where in the run memory peaks)."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src else dict(os.environ)
    (work / "data" / "raw").mkdir(parents=True, exist_ok=True)  # a project root, as the CLI wants one
    cmd = [sys.executable, "-c", _INGEST, "--root", str(work), "ingest", str(corpus_dir), "--out", str(out),
           "--quiet", "--jobs", str(jobs)] + (["--engine", engine] if engine else [])
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=work)
    while trace is not None and proc.poll() is None:
        _sample(proc.pid, trace, out.name)
        time.sleep(10)
    res = json.loads(proc.communicate()[0].strip().splitlines()[-1])
    hwm = re.findall(r"VmHWM:\s*(\d+) kB", res["out"])
    res["hwm_mb"] = int(hwm[-1]) / 1024 if hwm else 0.0  # the ingest process itself (ru_maxrss: any child)
    if res["rc"] not in (0, 1):  # 1: some inputs failed (broken on purpose), the store is written
        raise RuntimeError(f"ingest exited {res['rc']}: {res['out'][-400:]}")
    return res


def _sample(root: int, trace: Path, label: str) -> None:
    """One line per process of the tree under ``root`` over 50 MB: time, label, pid, RSS MB, CPU-s (from /proc)."""
    parent = {}
    for d in (d for d in os.listdir("/proc") if d.isdigit()):
        try:
            parent[int(d)] = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, todo = set(), [root]
    while todo:
        top = todo.pop()
        kids = [c for c, p in parent.items() if p == top and c not in tree]
        tree.update(kids)
        todo += kids
    with open(trace, "a", encoding="utf-8") as f:
        for pid in sorted(tree):
            try:
                rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if rss > 50:
                cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                f.write(f"{time.strftime('%H:%M:%S')} {label} pid {pid} rss {rss} MB cpu {cpu:.0f} s\n")


def measure(n: int, src: Optional[Path], work: Path, args) -> dict:
    if args.synthetic:
        corpus_dir, made = synthetic(n, args.synthetic, work, tuple(args.formats))
        out = work / f"store_{args.label}_synthetic_{n}"
        shutil.rmtree(out, ignore_errors=True)
        seeded = _link_parts(made, out, src)
    else:
        corpus_dir = corpus(n, work, tuple(args.formats))
        out = work / f"store_{args.label}_{corpus_dir.name}"
        shutil.rmtree(out, ignore_errors=True)
        other = Path(args.parts_from) if args.parts_from and Path(args.parts_from).is_dir() \
            else work / f"store_{args.parts_from}_{corpus_dir.name}"  # a store folder, or the --label of one
        seeded = _seed_parts(other, out, src) if args.parts_from else 0
    first = ingest(src, corpus_dir, out, work, args.jobs, args.engine, args.trace)
    again = ingest(src, corpus_dir, out, work, args.jobs, args.engine, args.trace)
    return {"n": n, "cpu": first["cpu"], "wall": first["wall"], "rate": n / first["cpu"] if first["cpu"] else 0.0,
            "rss_mb": first["rss_mb"], "hwm_mb": first["hwm_mb"], "again_wall": again["wall"],
            "again_cpu": again["cpu"], "again_rss_mb": again["rss_mb"], "seeded": seeded,
            "synthetic": bool(args.synthetic), "corpus": f"synthetic from {args.synthetic}" if args.synthetic
            else corpus_dir.name, "jobs": args.jobs, "engine": args.engine}


def _code(src: Optional[Path]) -> str:
    """The code fingerprint of the package that will run (this checkout's, or --src's)."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src else dict(os.environ)
    probe = "from govreport.ingestion.corpus import code_fingerprint as f; print(f())"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True,
                          cwd="/").stdout.strip()


def _link_parts(made: Path, out: Path, src: Optional[Path] = None) -> int:
    """The synthetic parts into ``out``'s part cache under the fingerprint of the code that runs: hard links
    (instant; an ingest only ever replaces or removes a part, never writes into one), the digest index copied
    (an ingest appends to it)."""
    cache = out / ".parts" / _code(src)
    cache.mkdir(parents=True)
    n = 0
    for f in made.iterdir():
        if f.name == "SHA256SUMS":
            shutil.copy2(f, cache / f.name)
        else:
            os.link(f, cache / f.name)
            n += 1
    return n


def _seed_parts(other: Path, out: Path, src: Optional[Path]) -> int:
    """Copy the cached parts of ``other`` (a store of the same corpus) under this code's fingerprint."""
    code = _code(src)
    found = [f for d in (other / ".parts").iterdir() if d.is_dir() for f in d.iterdir()]
    (out / ".parts" / code).mkdir(parents=True, exist_ok=True)
    for f in found:
        shutil.copy2(f, out / ".parts" / code / f.name)
    return len(found)


# ---------------------------------------------------------------- synthetic parts (--synthetic POOL)
def synthetic(n: int, pool_n: int, work: Path, formats: tuple = ()) -> tuple[Path, Path]:
    """(corpus folder, part folder) of n reports cloned from the parts of a real ingest of the pool_n-report
    generated corpus (made once per n and reused): parsing 100,000 files cold takes hours on two cores, while
    flat memory is a question about assembly, which reads parts only. Clone c of pool report i is its input's
    bytes plus a line naming the clone (a distinct file, of the pool file's size: hashing it costs what a real
    one does) and its part with agency ``<agency>（c>`` (agency, agency_id, report_id, fact ids rewritten in
    every table, as if that file had been parsed), written with its digest line as an ingest leaves them. A
    failed pool file gives failed clones. So the N reports have the pool's mix of formats, sizes, failures
    and agency-years per agency."""
    from govreport.ingestion import parts

    dest = work / f"synthetic_{n}_from_{pool_n}{'_' + '_'.join(formats) if formats else ''}_{parts.FORMAT}"
    if (dest / "done").exists():
        return dest / "corpus", dest / "parts"
    shutil.rmtree(dest, ignore_errors=True)
    pool = _pool(pool_n, work, formats)
    (dest / "corpus").mkdir(parents=True)
    (dest / "parts").mkdir()
    lines, decoded = [], {}
    for j in range(n):
        clone, (src, part) = j // len(pool), pool[j % len(pool)]
        data = src.read_bytes() + f"\n<!-- synthetic clone {clone} -->\n".encode()
        target = dest / "corpus" / f"{j:07d}_{src.name}"
        target.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        if part not in decoded:
            decoded[part] = (part.read_bytes(), *parts.decode_tables(part.read_bytes()))
        body = _clone(parts, decoded[part], f"（{clone}）", sha, str(target))
        name = f"{sha}{src.suffix.lower()}{parts.SUFFIX}"
        (dest / "parts" / name).write_bytes(body)
        lines.append(f"{hashlib.sha256(body).hexdigest()}  {name}\n")
    (dest / "parts" / parts.INDEX).write_text("".join(lines), encoding="utf-8")
    (dest / "done").write_text(str(n))
    return dest / "corpus", dest / "parts"


def _pool(pool_n: int, work: Path, formats: tuple) -> list[tuple[Path, Path]]:
    """(input file, its part) of every file of a real, cold ingest of the pool corpus (this code)."""
    from govreport.ingestion import corpus as ingest_corpus
    from govreport.ingestion import parts

    pool_dir = corpus(pool_n, work, formats)
    out = work / f"pool_store_{pool_dir.name}"
    made = [d for d in (out / ".parts").iterdir() if (d / parts.INDEX).exists()] if (out / ".parts").is_dir() else []
    if not made:  # parts of any code version will do: the clones are keyed by the part format
        shutil.rmtree(out, ignore_errors=True)
        res = ingest(None, pool_dir, out, work)
        print(json.dumps({"pool_ingest": pool_dir.name, **{k: res[k] for k in ("cpu", "wall", "rss_mb")}}),
              file=sys.stderr, flush=True)
        made = [out / ".parts" / ingest_corpus.code_fingerprint()]
    files = sorted(f for f in pool_dir.iterdir() if f.is_file())
    found = [(f, made[0] / ingest_corpus.part_name(ingest_corpus.sha256_file(f), f)) for f in files]
    return [(f, p) for f, p in found if p.exists()]  # byte-identical copies have no part of their own


def _clone(parts, part: tuple, tag: str, sha: str, source: str) -> bytes:
    """The part (its bytes, info and Arrow tables) as the part of another agency's file: every id rewritten."""
    import types

    import pyarrow as pa
    import pyarrow.compute as pc

    data, info, tables = part
    tables = dict(tables)
    if info.get("failure") or not info.get("meta"):
        return data
    meta = dict(info["meta"])
    old_agency, old_id = meta["agency_id"], meta["report_id"]
    new_id = (f"{old_agency}{tag}{old_id[len(old_agency):]}" if old_id.startswith(old_agency)
              else f"{old_id}{tag}")
    meta.update(agency=f"{meta['agency']}{tag}", agency_id=f"{old_agency}{tag}", report_id=new_id, sha256=sha,
                source_file=source)
    for name, table in tables.items():
        for column, value in (("report_id", new_id), ("agency_id", meta["agency_id"]), ("agency", meta["agency"])):
            if column in table.column_names:
                i = table.column_names.index(column)
                table = table.set_column(i, column, pa.array([value] * len(table), table.schema.field(i).type))
        for column in ("fact_id", "parent_fact_id"):
            if column in table.column_names:
                i = table.column_names.index(column)
                table = table.set_column(i, column, pc.replace_substring(
                    table.column(column), pattern=f"{old_id}#", replacement=f"{new_id}#", max_replacements=1))
        tables[name] = table
    rep = types.SimpleNamespace(meta=meta, sentences=info.get("sentences"),
                                **{name: tables.get(name) for name in parts.TABLES})
    return parts.encode({"failure": None, "report": rep})


def table(rows: list[dict], markdown: bool) -> str:
    head = ["reports", "corpus", "CPU-s", "wall-s", "reports/CPU-s", "peak RSS", "unchanged re-ingest"]
    body = [[f"{r['n']:,}", r["corpus"] + (f", --engine {r['engine']}" if r.get("engine") else "")
             + (f", --jobs {r['jobs']}" if r["jobs"] != 1 else ""),
             f"{r['cpu']:.0f}" + (" (assembly only: synthetic parts)" if r.get("synthetic") else
                                   " (no parse: parts copied)" if r["seeded"] else ""), f"{r['wall']:.0f}",
             "n/a" if r["seeded"] else f"{r['rate']:.1f}",
             f"{r['rss_mb']:,.0f} MB" + (f" (ingest process {r['hwm_mb']:,.0f} MB)"
                                         if r.get("hwm_mb") and abs(r["hwm_mb"] - r["rss_mb"]) > 1 else ""),
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
    ap.add_argument("--engine", default="", help="ingest --engine (local, processes, dask; default: as --jobs)")
    ap.add_argument("--synthetic", type=int, metavar="POOL",
                    help="clone the parts of a real ingest of a POOL-report corpus into N reports' parts and "
                    "inputs (no parse: measures assembly and the cross-report steps at large N)")
    ap.add_argument("--parts-from", help="copy the part cache of this store folder (or of the store of this --label) "
                    "first: no parse")
    ap.add_argument("--trace", type=Path, help="append the RSS of each ingest's processes to this file every 10 s")
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
