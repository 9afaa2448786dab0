"""Parse throughput: prints milliseconds per report and reports per second.

Run: .venv/bin/python benchmarks/bench_parse.py [FILES...]
(default: data/raw plus the shared text fixtures, each parsed 5 times; the best run counts).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import govreport

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or sorted((ROOT / "data" / "raw").glob("*")) + sorted(
        (ROOT.parent / "shared" / "fixtures" / "text").glob("*.txt"))
    total = 0.0
    print(f"{'file':45s} {'values':>6s} {'best ms':>8s}")
    for f in files:
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            rep = govreport.parse(f)
            best = min(best, time.perf_counter() - t)
        total += best
        print(f"{f.name:45s} {len(rep.values):6d} {best * 1000:8.1f}")
    print(f"{len(files)} reports: {total * 1000 / len(files):.1f} ms/report, {len(files) / total:.1f} reports/s")


if __name__ == "__main__":
    main(sys.argv[1:])
