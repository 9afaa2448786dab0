"""The audit table per format: the real cases as published, rendered and scanned, scored by their hand-checked JSON.

Every format folder is scored as ``govreport audit --expected tests/data/real/expected <folder>`` scores it (the
same ``checks.coverage.audit_files``, with this pipeline's ``parse``; not strict, as a rendering folder holds only
the HTML cases): the originals (HTML and text), LibreOffice DOCX, office PDF and browser PDF
(tests/render_helpers.py, cached in ``--cache``) and the scans of scripts/make_scans.py at each dpi. Printed, one
row per format: files read, hand-checked cells right (%), wrong cells, missing cells, template / year / agency
right, and for scans the wrong numbers stored without a flag: a wrong value whose row does not say provenance
'ocr', or says it but no ``ocr_uncertain`` finding names it (a low-confidence cell is never stored: it goes to
unmapped). Then every wrong cell, and seconds per scanned page.

    .venv/bin/python scripts/make_scans.py --out build/scans          # first, once
    .venv/bin/python scripts/audit_formats.py [--scans build/scans] [--formats html docx ...] [--pdf-seconds 600]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

REAL = ROOT / "tests" / "data" / "real"
EXPECTED = REAL / "expected"
RENDERED = {"docx": "soffice_docx", "office_pdf": "soffice_pdf", "browser_pdf": "chromium_pdf"}
SCAN_SOURCES = ("office", "browser")
SCAN_DPIS = (150, 200, 300)


@dataclass
class Score:
    """One format's figures."""

    files: int = 0
    parsed: int = 0
    cells: int = 0
    right: int = 0
    wrong: int = 0
    missing: int = 0
    template: int = 0
    year: int = 0
    agency: int = 0
    unflagged: int = 0  # wrong numbers stored without provenance ocr and an ocr_uncertain finding naming them
    pages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # CPU-s of this process and its children (tesseract), load-independent
    wrong_cells: list = field(default_factory=list)


def expected_by_stem() -> dict:
    out = {}
    for p in sorted(EXPECTED.glob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        out[Path(data["file"]).stem] = data
    return out


def _value_of(rep, metric: str, applicant: str, units: dict):
    """The stored row of a cell (printed, not derived) and its value in the expected JSON's unit."""
    from govreport import catalog
    from govreport.text.units import unit_factor

    vals = rep.values
    hit = vals[(vals["metric"] == metric) & (vals["applicant"] == applicant) & (vals["provenance"] != "derived")]
    if hit.empty:
        return None, None
    row = hit.iloc[0]
    value = row["value"]
    key = f"{metric}|{applicant}"
    if key in units and not math.isnan(value):
        value = value * (unit_factor(catalog.metrics()[metric].unit, units[key]) or math.nan)
    return row, value


def wrong_cells(rep, expected: dict) -> list[dict]:
    """Each hand-checked cell stored with another number, and whether the store flags it as OCR-uncertain."""
    doubts = " ".join(rep.findings.loc[rep.findings["rule"].astype(str).str.startswith("ocr_uncertain"), "evidence"])
    out = []
    for key, want in expected.get("values", {}).items():
        metric, applicant = key.split("|")
        row, got = _value_of(rep, metric, applicant, expected.get("units", {}))
        if row is None or math.isnan(got) or abs(got - float(want)) < 1e-6:
            continue
        ocr = str(row["provenance"]) == "ocr"
        out.append(dict(cell=key, want=float(want), got=float(got), provenance=str(row["provenance"]),
                        flagged=ocr and f"{metric}[{applicant}] read" in doubts))
    return out


def score(folder, expected: dict, scanned: bool) -> Score:
    """Audit one format folder or list of files (as ``govreport audit --expected`` does) and add the per-cell
    flags."""
    from govreport.checks import coverage
    from govreport.ingestion.discover import discover
    from govreport.pipeline import parse

    reports: dict[str, object] = {}

    def parse_kept(path, sha256=None):
        rep = parse(path, sha256)
        reports[str(path)] = rep
        return rep

    started, cpu = time.perf_counter(), _cpu()
    paths = folder if isinstance(folder, list) else [folder]
    table = coverage.audit_files(paths, [EXPECTED], strict=False, parse=parse_kept, discover=discover)
    s = Score(seconds=time.perf_counter() - started, cpu=_cpu() - cpu)
    for _, r in table.iterrows():
        stem = Path(r["file"]).stem
        exp = expected.get(stem)
        if exp is None:
            continue
        s.files += 1
        s.pages += _pages(Path(r["file"])) if scanned else 0
        if r["status"] != "ok":
            s.missing += len(exp.get("values", {}))
            s.cells += len(exp.get("values", {}))
            s.wrong_cells.append(dict(cell=f"{stem}: refused", want=None, got=None, provenance=r["problem"], flagged=False))
            continue
        s.parsed += 1
        s.cells += int(r["hand_checked"])
        s.right += int(r["hand_right"])
        s.wrong += int(r["hand_wrong"])
        s.missing += int(r["hand_missing"])
        s.template += r["template"] == exp.get("template")
        s.year += int(r["year"]) == int(exp.get("year") or 0)
        # the agency as the verdicts score it (the JSON's "verdicts", e.g. 三明市人民政府), else the JSON's own name
        s.agency += (r["verdict_agency"] == "right") if exp.get("verdicts") else r["agency"] == exp.get("agency")
        for w in wrong_cells(reports[str(r["file"])], exp):
            s.unflagged += not w["flagged"]
            s.wrong_cells.append({**w, "cell": f"{stem}: {w['cell']}"})
    return s


def _cpu() -> float:
    """CPU-s used so far by this process and its waited-for children (the tesseract processes)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def folders(args) -> list[tuple[str, object, bool]]:
    """(format name, folder or files, scanned) to audit, in the table's order."""
    out = [(f"{kind} originals", sorted(REAL.glob(f"*.{kind}")), False) for kind in ("html", "txt") if kind in args.formats]
    cache = Path(args.cache)
    if any(f in args.formats for f in RENDERED):
        from render_helpers import render_all, render_cases

        htmls = [h for h, _e in render_cases() if h.parent == REAL]
        renders = render_all(htmls, cache, reuse=True)
        for name, fmt in RENDERED.items():
            if name in args.formats and fmt not in renders.skipped:
                out.append((name, Path(renders.files[(htmls[0].stem, fmt)]).parent, False))
    dpis = [int(f[5:]) for f in args.formats if f.startswith("scan_")]  # in the order asked
    for source in args.sources:
        for dpi in dpis:
            folder = Path(args.scans) / f"{source}_{dpi}dpi"
            if folder.is_dir():
                out.append((f"scan {source} {dpi} dpi", folder, True))
    return out


def markdown(rows: list[tuple[str, Score]]) -> str:
    lines = ["| format | files (parsed) | cells right | wrong | missing | template / year / agency right "
             "| wrong stored without OCR flag | pages | wall s per page | CPU-s per page |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in rows:
        pct = f"{s.right}/{s.cells} = {s.right / s.cells:.2%}" if s.cells else "-"
        per_page = f"{s.seconds / s.pages:.1f} | {s.cpu / s.pages:.1f}" if s.pages else " | "
        lines.append(f"| {name} | {s.files} ({s.parsed}) | {pct} | {s.wrong} | {s.missing} | "
                     f"{s.template} / {s.year} / {s.agency} of {s.files} | {s.unflagged if s.pages else '-'} "
                     f"| {s.pages or ''} | {per_page} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", default=str(ROOT / "build" / "scans"), help="scripts/make_scans.py's output folder")
    ap.add_argument("--cache", default="/tmp/govreport-verdict-renders", help="folder of renderings, reused")
    ap.add_argument("--formats", nargs="+", default=["html", "txt", *RENDERED, *(f"scan_{d}" for d in SCAN_DPIS)])
    ap.add_argument("--pdf-seconds", type=float, default=None,
                    help="raise the per-file reading budget (readers/limits.py) for a slow machine; printed")
    ap.add_argument("--sources", nargs="+", default=list(SCAN_SOURCES), choices=list(SCAN_SOURCES),
                    help="which scans to audit (two runs can share the work)")
    ap.add_argument("--ocr-cache", default=None, help="OCR page cache folder (GOVREPORT_OCR_CACHE), for re-runs")
    args = ap.parse_args(argv)
    if args.ocr_cache:
        os.environ["GOVREPORT_OCR_CACHE"] = args.ocr_cache
    if args.pdf_seconds:
        _raise_budget(args.pdf_seconds)
    expected = expected_by_stem()
    rows = []
    for name, folder, scanned in folders(args):
        s = score(folder, expected, scanned)
        rows.append((name, s))
        print(f"{name}: {s.right}/{s.cells} right, {s.wrong} wrong, {s.missing} missing, {s.seconds:.0f} s, "
              f"{s.cpu:.0f} CPU-s, {s.pages} pages\n{markdown([(name, s)]).splitlines()[-1]}", file=sys.stderr, flush=True)
        for w in s.wrong_cells:
            print(f"  - {w['cell']}: {w['want']} -> {w['got']} ({w['provenance']}, flagged={w['flagged']})",
                  file=sys.stderr, flush=True)
    print(markdown(rows))
    print("\nwrong cells (want -> stored, provenance, flagged):")
    for name, s in rows:
        for w in s.wrong_cells:
            print(f"- [{name}] {w['cell']}: {w['want']} -> {w['got']} ({w['provenance']}, flagged={w['flagged']})")
    return 0


def _raise_budget(seconds: float) -> None:
    """Give every file ``seconds`` to be read (the budget a slow or busy machine needs for OCR)."""
    import dataclasses

    from govreport.readers import limits

    limits.LIMITS = dataclasses.replace(limits.LIMITS, pdf_seconds=seconds)
    for module in list(sys.modules.values()):
        if getattr(module, "LIMITS", None) is not None and module.__name__.startswith("govreport"):
            module.LIMITS = limits.LIMITS
    print(f"per-file PDF budget raised to {seconds:g} s for this measurement", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
