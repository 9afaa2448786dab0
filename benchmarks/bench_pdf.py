"""PDF reading cost per file against PDFium's own text extraction of the same file (issue 16: at most 3x).

Run: .venv/bin/python benchmarks/bench_pdf.py [--renders DIR] [--runs N] [--plumber] [PDF...]

Default files, one set each: the text-layer PDFs in tests/data/fixtures/pdf, and the office and browser
renderings of the 6 real cases that scripts/audit_formats.py makes (its render cache, ``--renders``,
default /tmp/govreport-verdict-renders: ``pdf/`` LibreOffice, ``chromium_pdf/`` Chromium; sets whose
folder is missing are skipped). Given PDFs form one set. Scans (build/scans) are not for this: OCR's cost
is bench_ocr.py's. Per file, CPU seconds (time.process_time, the best of ``--runs`` runs, so a loaded
machine changes little):

* ``path``: ``fast`` when readers/pdfium.py reads it, else ``plumber`` and why the fast path declined;
* ``read``: readers.pdf.read_pdf (the Document), ``parse``: the whole govreport.parse (identify, extract, checks);
* ``text``: PDFium extracting the plain text of every page (open, text page, get_text_range): the floor;
* ``read/text`` and ``parse/text``: the ratios (issue 16's figure is parse/text on the benchmark corpus).
``--plumber`` adds pdfplumber's time for files the fast path reads (what the fast path saves).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RENDERS = Path("/tmp/govreport-verdict-renders")
RENDER_SETS = {"office PDF": "pdf", "browser PDF": "chromium_pdf"}


def _best(fn, path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.process_time()
        fn(path)
        best = min(best, time.process_time() - t)
    return best


def plumber(path):
    from govreport.readers.pdf import read_pdf

    return read_pdf(path, fast=False)


def read(path):
    from govreport.readers.pdf import read_pdf

    return read_pdf(path)


def parse(path):
    import govreport

    return govreport.parse(path)


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


def file_sets(args) -> list[tuple[str, list[Path]]]:
    if args.pdfs:
        return [("given", [Path(p) for p in args.pdfs])]
    sets = [("fixtures", sorted((ROOT / "tests" / "data" / "fixtures" / "pdf").glob("*.pdf")))]
    for name, folder in RENDER_SETS.items():
        files = sorted((Path(args.renders) / folder).glob("*.pdf"))
        if files:
            sets.append((name, files))
        else:
            print(f"({name}: no PDFs in {Path(args.renders) / folder}; run scripts/audit_formats.py "
                  f"--formats office_pdf browser_pdf to render them)")
    return sets


def measure(f: Path, runs: int, with_plumber: bool) -> dict:
    import pypdfium2 as pdfium

    from govreport.readers.pdfium import attempt

    doc = pdfium.PdfDocument(str(f))
    pages = len(doc)
    doc.close()
    why = attempt(f)[1]
    row = {"pages": pages, "path": "fast" if why is None else f"plumber ({why})",
           "read": _best(read, f, runs), "parse": _best(parse, f, runs), "text": _best(floor, f, runs)}
    if with_plumber:
        row["plumber"] = row["read"] if why is not None else _best(plumber, f, runs)
    return row


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--renders", default=str(RENDERS), help="scripts/audit_formats.py's render cache")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--plumber", action="store_true", help="also time pdfplumber on the files the fast path reads")
    args = ap.parse_args(argv)
    sets = file_sets(args)
    first = sets[0][1][0]
    parse(first)  # imports, catalogs and PDFium loaded once, outside the timings
    floor(first)
    print(f"CPU seconds, best of {args.runs} runs")
    head = f"{'set':12s} {'file':30s} {'pages':>5s} {'read':>7s} {'parse':>7s} {'text':>7s} {'read/text':>9s} {'parse/text':>10s}"
    print(head + (f" {'plumber':>8s}" if args.plumber else "") + "  path")
    grand = [0.0, 0.0, 0.0]
    for name, files in sets:
        totals = [0.0, 0.0, 0.0]
        for f in files:
            r = measure(f, args.runs, args.plumber)
            for n, key in enumerate(("read", "parse", "text")):
                totals[n] += r[key]
            line = (f"{name[:12]:12s} {f.stem[:30]:30s} {r['pages']:5d} {r['read']:7.3f} {r['parse']:7.3f} {r['text']:7.4f} "
                    f"{r['read'] / r['text']:9.1f} {r['parse'] / r['text']:10.1f}")
            print(line + (f" {r['plumber']:8.3f}" if args.plumber else "") + f"  {r['path']}", flush=True)
        _total(f"{name} ({len(files)})", totals)
        grand = [g + t for g, t in zip(grand, totals)]
    if len(sets) > 1:
        _total("all", grand)


def _total(label: str, totals: list[float]) -> None:
    rd, ps, tx = totals
    print(f"{('total ' + label)[:43]:43s} {'':5s} {rd:7.3f} {ps:7.3f} {tx:7.4f} {rd / tx:9.1f} {ps / tx:10.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
