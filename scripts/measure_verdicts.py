"""Measure the library's verdicts on every hand-checked case, as published and in every rendering.

Renders each HTML case to LibreOffice DOCX, LibreOffice PDF and Chromium PDF (or reuses the renderings in
the cache folder), scores agency, agency_id, level, publication date and its source, timeliness and
identity breaks against the expected JSON's "verdicts" (govreport.checks.coverage), writes
src/govreport/catalog/verdict_accuracy.csv (the methods page publishes it) and prints a markdown table of
verdict kind x right / wrong / unknown per format, then every verdict that is not right.

    .venv/bin/python scripts/measure_verdicts.py [--cache /tmp/govreport-verdict-renders] [--published-only]
"""
from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from render_helpers import render_all  # noqa: E402
from verdict_helpers import ACCURACY_COLUMNS, accuracy_rows, rendered_files, score_file, truth, verdict_cases  # noqa: E402

CSV = ROOT / "src" / "govreport" / "catalog" / "verdict_accuracy.csv"


def measure(cases, renders) -> list[tuple[str, str, dict]]:
    """(case stem, format, score) of every case in every format it was published or rendered in."""
    out = []
    for case in cases:
        files = case.files + (rendered_files(case, renders) if renders else ())
        out += [(case.stem, fmt, score_file(path, truth(case, fmt))) for fmt, path in files]
    return out


def markdown(rows: list[dict]) -> str:
    """One table: a row per verdict kind, right / wrong / unknown per format."""
    formats = list(dict.fromkeys(r["format"] for r in rows))
    head = "| verdict | " + " | ".join(f"{f} (right/wrong/unknown)" for f in formats) + " |"
    lines = [head, "|---" * (len(formats) + 1) + "|"]
    for kind in dict.fromkeys(r["verdict"] for r in rows):
        cells = {r["format"]: f"{r['right']}/{r['wrong']}/{r['unknown']}" for r in rows if r["verdict"] == kind}
        lines.append(f"| {kind} | " + " | ".join(cells.get(f, "") for f in formats) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default="/tmp/govreport-verdict-renders", help="folder of renderings, reused when fresh")
    ap.add_argument("--published-only", action="store_true", help="score the published files only (no rendering)")
    ap.add_argument("--csv", default=None, help=f"where to write the accuracy table (default {CSV.relative_to(ROOT)}; "
                    "with --published-only, only when given)")
    args = ap.parse_args(argv)
    cases = verdict_cases()
    renders = None
    if not args.published_only:
        htmls = sorted({c.html for c in cases if c.html is not None})
        renders = render_all(htmls, Path(args.cache), reuse=True)
        for fmt, why in renders.skipped.items():
            print(f"skipped {fmt}: {why}", file=sys.stderr)
    scores = measure(cases, renders)
    rows = accuracy_rows([(fmt, s) for _, fmt, s in scores], date.today().isoformat())
    target = args.csv or (None if args.published_only else CSV)
    if target:
        with open(target, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=ACCURACY_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    print(f"{len(cases)} cases with verdicts, {len(scores)} files scored\n")
    print(markdown(rows))
    print("\nnot right:")
    for stem, fmt, s in scores:
        if s["problems"]:
            print(f"- {stem} [{fmt}]: {s['problems']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
