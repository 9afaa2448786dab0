"""Seconds per scanned page and cell accuracy of the OCR reader (readers/ocr/) at 150, 200 and 300 dpi.

    .venv/bin/python benchmarks/bench_ocr.py [--dpi 150 200 300] [--all-pages]

For each dpi: pages 4 and 5 of tests/data/fixtures/pdf/huaian_gov_2024.pdf (淮安市人民政府 2024) are
"scanned" as tests/data/scans/make_scans.py does (turned 0.7° / -0.5°, red seal over the table, noise, JPEG
q75), put back into the PDF in place of the text pages (--all-pages: every page scanned), and the file is
audited against the hand-checked JSON (tests/data/fixtures/expected/huaian_gov_2024.json). Prints hand-checked
cells right / wrong / missing, wall and CPU seconds (this process + tesseract children) per scanned page.
No cache is used. Figures depend on the machine and its load: the load average is printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data" / "scans"))

from make_scans import SOURCE, mixed_pdf, scan_page  # noqa: E402

EXPECTED = ROOT / "tests" / "data" / "fixtures" / "expected" / "huaian_gov_2024.json"
ANGLES = {1: 0.4, 2: -0.3, 3: 0.8, 4: 0.7, 5: -0.5, 6: 1.0}


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run(dpi: int, pages: list[int], tmp: Path) -> dict:
    from govreport.pipeline import audit_report

    scans = {}
    for page in pages:
        jpg = tmp / f"p{page}_{dpi}.jpg"
        cv2.imwrite(str(jpg), scan_page(SOURCE, page, dpi, ANGLES[page]), [cv2.IMWRITE_JPEG_QUALITY, 75])
        scans[page] = jpg
    path = mixed_pdf(SOURCE, scans, tmp / f"huaian_gov_2024_{dpi}.pdf")
    wall, cpu = time.perf_counter(), _cpu()
    row = audit_report(path, json.loads(EXPECTED.read_text(encoding="utf-8")))
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    if row.get("status") == "refused":
        raise SystemExit(f"{dpi} dpi: refused after {wall:.0f} s: {row['problem']}")
    return dict(dpi=dpi, pages=len(pages), right=row["hand_right"], wrong=row["hand_wrong"],
                missing=row["hand_missing"], checked=row["hand_checked"], template=row["template"],
                year=row["year"], agency=row["agency"], wall_per_page=wall / len(pages), cpu_per_page=cpu / len(pages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    parser.add_argument("--all-pages", action="store_true")
    args = parser.parse_args()
    pages = list(ANGLES) if args.all_pages else [4, 5]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; scanned pages {pages}")
    print("dpi  right/checked  wrong  missing  wall s/page  cpu s/page  template year agency")
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in args.dpi:
            r = run(dpi, pages, Path(tmp))
            print(f"{r['dpi']:>3}  {r['right']:>3}/{r['checked']:<3} ({100 * r['right'] / r['checked']:.1f} %)"
                  f"  {r['wrong']:>5}  {r['missing']:>7}  {r['wall_per_page']:>11.1f}  {r['cpu_per_page']:>10.1f}"
                  f"  {r['template']} {r['year']} {r['agency']}")


if __name__ == "__main__":
    main()
