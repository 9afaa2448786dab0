"""Time fact extraction, fact checks, repetition and timeliness on the real texts.

Usage: python benchmarks/bench_facts.py [repeats]   (prints CPU ms per report)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from govreport.checks.prose import check_facts, check_prose
from govreport.checks.repetition import prose_sentences, repeated_share
from govreport.checks.timeliness import assess
from govreport.extract.facts import extract_facts, prose_facts
from govreport.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted(Path("/work/shared/fixtures/text").glob("*.txt"))


def _ms(fn, repeats: int) -> float:
    """CPU milliseconds per call (time.process_time: other jobs on the machine do not count)."""
    t = time.process_time()
    for _ in range(repeats):
        fn()
    return 1000 * (time.process_time() - t) / repeats


def main(repeats: int = 20) -> None:
    docs = {p.stem: read_document(p) for p in FILES}
    empty = pd.DataFrame(columns=["report_id", "metric", "applicant", "value", "unit", "source_label"])
    print(f"{'report':40} {'facts':>5} {'extract ms':>10} {'check ms':>9} {'one pass ms':>11} {'timeliness ms':>13}")
    for name, doc in docs.items():
        facts = extract_facts(name, doc)
        extract_ms = _ms(lambda: extract_facts(name, doc), repeats)
        check_ms = _ms(lambda: check_facts(name, facts, empty), repeats)
        # what pipeline.parse runs: the facts and what their checks need in one pass, then the checks on rows
        one_pass_ms = _ms(lambda: check_prose(name, prose_facts(name, doc), []), repeats)
        timeliness_ms = _ms(lambda: assess(name, 2021, "department", doc), repeats)
        print(f"{name:40} {len(facts):5d} {extract_ms:10.1f} {check_ms:9.1f} {one_pass_ms:11.1f} {timeliness_ms:13.2f}")
    a, b = docs["hongze_district_gov_2023"], docs["hongze_district_gov_2024"]
    print(f"repeated_share hongze 2023->2024: "
          f"{_ms(lambda: repeated_share(prose_sentences(a), prose_sentences(b)), repeats):.1f} ms")


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repeats", nargs="?", type=int, default=20, help="calls per report and step (default 20)")
    main(ap.parse_args(sys.argv[1:]).repeats)
