"""PDF reading speed: prints pages per second per fixture PDF and in total.

Run: .venv/bin/python benchmarks/bench_pdf.py [PDF...]
(default: the three official PDFs in ../shared/fixtures/pdf). Each file is read
3 times; the best run counts. ``read`` is readers.pdf.read_pdf alone (pdfplumber
table finding + text lines); ``parse`` is the whole govreport.parse pipeline.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import govreport
from govreport.readers.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3


def _best(fn, path) -> float:
    best = float("inf")
    for _ in range(RUNS):
        t = time.perf_counter()
        fn(path)
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or sorted((ROOT.parent / "shared" / "fixtures" / "pdf").glob("*.pdf"))
    import pdfplumber

    total_pages = total_read = total_parse = 0.0
    print(f"{'file':32s} {'pages':>5s} {'read s':>7s} {'read p/s':>8s} {'parse s':>7s} {'parse p/s':>9s}")
    for f in files:
        with pdfplumber.open(f) as pdf:
            pages = len(pdf.pages)
        read = _best(read_pdf, f)
        parse = _best(govreport.parse, f)
        total_pages += pages
        total_read += read
        total_parse += parse
        print(f"{f.name:32s} {pages:5d} {read:7.2f} {pages / read:8.1f} {parse:7.2f} {pages / parse:9.1f}")
    print(f"{'total':32s} {int(total_pages):5d} {total_read:7.2f} {total_pages / total_read:8.1f} "
          f"{total_parse:7.2f} {total_pages / total_parse:9.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
