"""Cross-template series from the crosswalk (catalog/crosswalk.csv).

Each series says, per template, which metric expression feeds it and how
comparable it is: exact, approximate (with a caveat) or none (left NA, never 0).
"""
from __future__ import annotations

import math

import pandas as pd

from govreport.catalog import crosswalk
from govreport.schemas import columns

HARMONIZED_COLUMNS = columns("harmonized")


def harmonize(reports: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """One row per report and series: the summed terms (applicant 'total') or NA."""
    totals = values[values["applicant"] == "total"]
    lookup = {(r, m): v for r, m, v in zip(*(totals[c].tolist() for c in ("report_id", "metric", "value")))}
    rows = []
    for rep in reports.itertuples(index=False):
        for spec in crosswalk():
            if spec.template != rep.template:
                continue
            value = math.nan
            if spec.comparability != "none" and spec.terms:
                parts = [lookup.get((rep.report_id, t)) for t in spec.terms]
                if all(p is not None and not pd.isna(p) for p in parts):
                    value = float(sum(parts))
            rows.append(dict(report_id=rep.report_id, agency=rep.agency, agency_id=rep.agency_id, year=int(rep.year),
                             template=rep.template, series=spec.series, value=value,
                             comparability=spec.comparability, caveat=spec.caveat, caveat_zh=spec.caveat_zh))
    return pd.DataFrame(rows, columns=HARMONIZED_COLUMNS)
