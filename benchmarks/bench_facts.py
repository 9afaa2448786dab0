"""Time fact extraction, fact checks, repetition and timeliness on the real texts.

Usage: python benchmarks/bench_facts.py [repeats]   (prints ms per report)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from govreport.checks.prose import check_facts
from govreport.checks.repetition import prose_sentences, repeated_share
from govreport.checks.timeliness import assess
from govreport.extract.facts import extract_facts
from govreport.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted(Path("/work/shared/fixtures/text").glob("*.txt"))


def main(repeats: int = 20) -> None:
    docs = {p.stem: read_document(p) for p in FILES}
    empty = pd.DataFrame(columns=["report_id", "metric", "applicant", "value", "unit", "source_label"])
    print(f"{'report':40} {'facts':>5} {'extract ms':>10} {'check ms':>9} {'timeliness ms':>13}")
    for name, doc in docs.items():
        t0 = time.perf_counter()
        for _ in range(repeats):
            facts = extract_facts(name, doc)
        t1 = time.perf_counter()
        for _ in range(repeats):
            check_facts(name, facts, empty)
        t2 = time.perf_counter()
        for _ in range(repeats):
            assess(name, 2021, "department", doc)
        t3 = time.perf_counter()
        print(f"{name:40} {len(facts):5d} {1000 * (t1 - t0) / repeats:10.1f} {1000 * (t2 - t1) / repeats:9.1f} {1000 * (t3 - t2) / repeats:13.2f}")
    a, b = docs["hongze_district_gov_2023"], docs["hongze_district_gov_2024"]
    t0 = time.perf_counter()
    for _ in range(repeats):
        repeated_share(prose_sentences(a), prose_sentences(b))
    print(f"repeated_share hongze 2023->2024: {1000 * (time.perf_counter() - t0) / repeats:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
