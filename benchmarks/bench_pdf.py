"""PDF reading speed per file: pdfplumber path, fast (PDFium) path, and PDFium's plain-text floor.

Run: .venv/bin/python benchmarks/bench_pdf.py [--parse] [PDF...]
(default: the real PDFs in tests/data/fixtures/pdf). Each figure is the best of
``RUNS`` runs, in seconds:

* ``plumber``: readers.pdf.read_pdf without the fast path (pdfminer + pdfplumber);
* ``fast``: readers.pdfium.read (PDFium characters and paths, the same grid logic);
  ``declined`` (with the reason) when the fast path leaves the file to pdfplumber,
  whose time then counts in the totals;
* ``floor``: PDFium extracting the plain text of every page (open, get_text_range),
  the least any PDFium-based reader can cost;
* ``fast/floor``: the target of issue 11 is at most 3.
``--parse`` adds ``parse``: the whole govreport.parse pipeline (identify, extract, checks).
"""
from __future__ import annotations

import inspect
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def _best(fn, path) -> float:
    best = float("inf")
    for _ in range(RUNS):
        t = time.perf_counter()
        fn(path)
        best = min(best, time.perf_counter() - t)
    return best


def plumber(path):
    from govreport.readers.pdf import read_pdf

    if "fast" in inspect.signature(read_pdf).parameters:
        return read_pdf(path, fast=False)
    return read_pdf(path)


def fast(path):
    from govreport.readers.pdfium import read

    return read(path)


def floor(path) -> str:
    """PDFium's plain text of every page: the floor for any reader built on it."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for page in doc:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "".join(out)
    finally:
        doc.close()


def main(argv: list[str]) -> None:
    with_parse = "--parse" in argv
    files = [Path(a) for a in argv if a != "--parse"] or sorted((ROOT / "tests" / "data" / "fixtures" / "pdf").glob("*.pdf"))
    import pypdfium2 as pdfium

    import govreport

    floor(files[0])  # load PDFium and the readers once, outside the timings
    head = f"{'file':34s} {'pages':>5s} {'plumber s':>9s} {'fast s':>8s} {'floor s':>8s} {'fast/floor':>10s} {'plumber/fast':>12s}"
    print(head + (f" {'parse s':>8s}" if with_parse else ""))
    totals = [0.0, 0.0, 0.0]
    for f in files:
        pages = len(pdfium.PdfDocument(str(f)))
        t_plumber, t_floor = _best(plumber, f), _best(floor, f)
        from govreport.readers.pdfium import attempt

        why = attempt(f)[1]
        declined = why is not None
        t_fast = t_plumber if declined else _best(fast, f)
        for n, t in enumerate((t_plumber, t_fast, t_floor)):
            totals[n] += t
        fast_cell = "declined" if declined else f"{t_fast:8.3f}"
        line = (f"{f.name[:34]:34s} {pages:5d} {t_plumber:9.3f} {fast_cell:>8s} {t_floor:8.4f} "
                f"{t_fast / t_floor:10.1f} {t_plumber / t_fast:12.1f}")
        if with_parse:
            line += f" {_best(govreport.parse, f):8.3f}"
        print(line + (f"  (declined: {why}; fast = plumber)" if declined else ""))
    p, q, r = totals
    print(f"{'total':34s} {'':5s} {p:9.3f} {q:8.3f} {r:8.4f} {q / r:10.1f} {p / q:12.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
