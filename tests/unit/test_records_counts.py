"""Issue 16: records counts the report's numbers read, exact and fuzzy matches and blank cells in one pass over its
values (records._counts), with a float's NaN told by the float not equal to itself; the counts must be those of
counting each on its own with the full missing test, on the real reports' checked values and on planted ones."""
from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd

from govreport import records
from govreport.pipeline import _table

REPO = Path(__file__).resolve().parents[2]
REPORTS = [p for pattern in ("tests/data/real/*.txt", "data/raw/*.txt", "tests/data/real/*.html", "tests/data/*.html",
                             "tests/data/*.md")
           for p in sorted(REPO.glob(pattern))]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NAType"


def _reference(values: list[dict]) -> tuple[int, int, int, int]:
    prov = [v.get("provenance") for v in values]
    return (sum(1 for v in values if not _missing(v.get("value"))), prov.count("reported"), prov.count("matched_fuzzy"),
            sum(1 for p, v in zip(prov, values) if p != "derived" and _missing(v.get("value"))))


def test_one_pass_counts_are_the_counts_of_each_on_real_and_planted_values():
    rng = random.Random(16)
    odd = [None, math.nan, np.float64("nan"), np.float64(3.0), pd.NA, 0.0, -1.5, 7, float("inf")]
    checked = 0
    for p in REPORTS:
        values = _table(p)[4][0]
        assert records._counts(values) == _reference(values)
        for _ in range(20):
            planted = [dict(v) for v in values]
            for v in rng.sample(planted, min(len(planted), 12)):
                v["value"] = rng.choice(odd)
                v["provenance"] = rng.choice(["reported", "matched_fuzzy", "derived", "ocr", None])
                if rng.random() < 0.1:
                    del v["value"]
            assert records._counts(planted) == _reference(planted)
            checked += 1
    assert checked > 300
    for value in odd:
        assert records._missing(value) == _missing(value), value
