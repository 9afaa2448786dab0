"""Per-file time and peak memory for big text and HTML reports (the budget figures).

Each case is a real report (tests/data) padded to 1, 2 or 10 MB with prose: either
ordinary sentences (the report's own paragraphs, repeated) or one run of hard-wrapped
text without a full stop (one huge "sentence", the hostile case). One report is
put through, in a child process (so each figure is one file's own cost):

- ``--via ingest`` (default): ingest's per-file function on the local engine, as ``govreport ingest``
  runs it: every stage inside the file's budget (time and memory), in a supervised worker; the peak
  RSS of the ingest process itself and of its worker are printed apart;
- ``--via parse``: ``govreport.parse`` in process (read, parse, facts, prose checks, timeliness).

Usage: python benchmarks/bench_budget.py [--via ingest|parse] [--timeout S] [--memory-cap MB]
       [--sizes 1,2,10] [--kinds text,html] [--shapes sentences,runon]
       (run it with PYTHONPATH pointing at another checkout's src/ to measure that code; the
       child's address space is capped, default 4096 MB, so an old quadratic run cannot take
       the machine's memory: it then ends as MemoryError)
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_SOURCE = ROOT / "tests" / "data" / "fixtures" / "text" / "hongze_district_gov_2023.txt"
HTML_SOURCE = ROOT / "tests" / "data" / "html_gb2019_county.html"
_WORDS = "政府信息公开工作本年度共受理申请主动公开发布各类信息网站平台公众开放日活动培训会议政策解读"

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
out = {"status": "ok"}
try:
    from govreport import parse  # parse runs every stage: facts, prose checks, timeliness included
    rep = parse(sys.argv[1])
    t1 = time.perf_counter()
    out.update(values=int(rep.meta["n_values"]), facts=len(rep.facts), read_s=t1 - t0,
               rules=sorted(set(rep.findings["rule"]) & {"prose.truncated", "prose.budget"}))
except Exception as exc:  # a refusal is an outcome too: report it
    out.update(status="refused", problem=f"{exc.__class__.__name__}: {exc}"[:120])
out["seconds"] = time.perf_counter() - t0
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out, ensure_ascii=False))
"""

_CHILD_INGEST = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from govreport import pipeline
from govreport.ingestion import corpus, engines
out = {"status": "ok"}
with tempfile.TemporaryDirectory() as tmp:
    (task,) = corpus.tasks([(sys.argv[1], corpus.sha256_file(Path(sys.argv[1])))], Path(tmp))[0]
    (outcome,) = engines.run(corpus.PerFile(pipeline.stored_part), [task], "local")
    part = corpus.read_part(outcome.part)
if part["failure"]:
    out.update(status="refused", problem=part["failure"][:120])
else:
    rep = part["report"]
    out.update(values=int(rep.meta["n_values"]), facts=len(rep.facts),
               rules=sorted(set(rep.findings["rule"]) & {"prose.truncated", "prose.budget"}))
out["seconds"] = time.perf_counter() - t0
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out, ensure_ascii=False))
"""


def _filler(shape: str, target: int, seed: int = 1) -> str:
    """Prose to pad a report to ``target`` bytes: 'sentences' or one 'runon' without full stops ('cells', for
    HTML only: a table of small cells instead)."""
    rng = random.Random(seed)
    parts, size = [], 0
    while size < target:
        words = "".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 40)))
        piece = f"{words}{rng.randint(1, 999)}{rng.choice('件条项次')}"
        piece += "。" if shape == "sentences" else ""
        parts.append(piece)
        size += len(piece.encode("utf-8"))
    text = "".join(parts)
    return "\n".join(text[i:i + 40] for i in range(0, len(text), 40))


def make_text(folder: Path, mb: float, shape: str) -> Path:
    src = TEXT_SOURCE.read_text(encoding="utf-8")
    path = folder / f"text_{shape}_{mb:g}mb.txt"
    path.write_text(src + "\n" + _filler(shape, int(mb * 1024 * 1024) - len(src.encode())), encoding="utf-8")
    return path


def make_html(folder: Path, mb: float, shape: str) -> Path:
    src = HTML_SOURCE.read_text(encoding="utf-8")
    lines = _filler(shape, int(mb * 1024 * 1024) - len(src.encode())).split("\n")
    if shape == "cells":  # one huge table of small cells: millions of elements for the HTML parser to hold
        cells = "".join(f"<td>{n % 997}</td>" for n in range(10))
        row = f"<tr>{cells}</tr>\n"
        body = "<table>\n" + row * max(1, (int(mb * 1024 * 1024) - len(src.encode())) // len(row.encode())) + "</table>\n"
    elif shape == "sentences":
        body = "".join(f"<p>{ln}</p>\n" for ln in lines)
    else:  # one paragraph, the source lines separated by newlines only
        body = "<p>" + "\n".join(lines) + "</p>\n"
    path = folder / f"html_{shape}_{mb:g}mb.html"
    path.write_text(src.replace("</body>", body + "</body>", 1), encoding="utf-8")
    return path


def run_case(path: Path, timeout: float, memory_cap_mb: int, via: str = "ingest") -> dict:
    def cap():
        limit = memory_cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    t0 = time.perf_counter()
    try:
        child = _CHILD_INGEST if via == "ingest" else _CHILD
        proc = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True, text=True,
                              timeout=timeout, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return {"status": f"killed after {timeout:g} s", "seconds": time.perf_counter() - t0}
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"status": f"crashed: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}", "seconds": time.perf_counter() - t0}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--via", choices=["ingest", "parse"], default="ingest")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--memory-cap", type=int, default=4096, help="MB of address space per case")
    ap.add_argument("--sizes", default="1,2,10")
    ap.add_argument("--kinds", default="text,html")
    ap.add_argument("--shapes", default="sentences,runon")
    args = ap.parse_args()
    makers = {"text": make_text, "html": make_html}
    print(f"{'case':28} {'seconds':>8} {'peak MB':>8} {'worker':>8} {'values':>6} {'facts':>6}  outcome (via {args.via})")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            for shape in args.shapes.split(","):
                for mb in (float(s) for s in args.sizes.split(",")):
                    path = makers[kind](Path(tmp), mb, shape)
                    r = run_case(path, args.timeout, args.memory_cap, args.via)
                    outcome = r["status"] if r["status"] != "ok" else ("ok " + " ".join(r.get("rules", []))).strip()
                    if r.get("problem"):
                        outcome += f": {r['problem']}"
                    print(f"{path.stem:28} {r['seconds']:8.1f} {r.get('peak_mb', float('nan')):8.0f} "
                          f"{r.get('worker_peak_mb', float('nan')):8.0f} "
                          f"{r.get('values', ''):>6} {r.get('facts', ''):>6}  {outcome}", flush=True)
                    path.unlink()


if __name__ == "__main__":
    main()
