"""Assembly keeps a chunk's decoded tables whole (assemble._Batch): the rows, the cross-year cells and the
findings are those of one frame per report, cut and joined again, as the code before did it."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from govreport import pipeline
from govreport.ingestion import assemble, corpus, parts
from govreport.store import sha256_file

REPO = Path(__file__).resolve().parents[3]
RAW = REPO / "data" / "raw"
REPORTS = ["hongze_district_gov_2023.txt", "hongze_district_gov_2024.txt", "shapotou_gov_service_center_2021.txt"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Three real reports' parts (two years of one agency) and their index, as an ingest makes them."""
    folder = tmp_path_factory.mktemp("parts")
    outcomes = []
    for name in REPORTS:
        path = RAW / name
        sha = sha256_file(path)
        part = folder / corpus.part_name(sha, path)
        parts.write(part, {"failure": None, "report": pipeline.stored_part(path, sha)})
        outcomes.append(corpus.Outcome(str(path), sha, str(part), 0.0))
    failures: list = []
    entries = assemble.collect(outcomes, failures)
    assert failures == [] and len(entries) == 3
    return entries


def _same(a, b) -> bool:
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


def test_records_are_to_dict_records_value_for_value():
    frame = pd.DataFrame({"s": pd.array(["a", None, "c"], dtype="str"), "f": [1.5, math.nan, 550.0],
                          "i": [1, 2, 3], "b": [True, False, True], "o": ["x", None, 3]})
    fast, slow = assemble._records(frame), frame.to_dict("records")
    assert len(fast) == len(slow) == 3 and all(list(x) == list(y) for x, y in zip(fast, slow))
    assert all(_same(x[k], y[k]) for x, y in zip(fast, slow) for k in x)
    assert assemble._records(frame.iloc[:0]) == []


def test_a_chunk_kept_whole_gives_each_reports_own_rows_and_cells(index):
    batch = assemble._reports(index, None)
    assert batch.whole is not None  # every report a cached part under its own id: kept whole
    per_report = assemble._Batch(assemble._sliced(*assemble._decoded([e.part for e in index])))
    for name in parts.TABLES:
        whole, joined = batch.table(name), per_report.table(name)
        assert whole.equals(joined) and whole.dtypes.equals(joined.dtypes), name
    for k, entry in enumerate(index):
        assert batch.parts[k].report_id == entry["report_id"]
        values = batch.table("values")
        own = values[values["report_id"] == entry["report_id"]]
        assert len(batch.cells(k).cells) == len(per_report.cells(k).cells) > 0
        kept, cut = batch.cells(k).cells, per_report.cells(k).cells
        assert list(kept) == list(cut)
        assert all(list(kept[key]) == list(cut[key]) and all(_same(kept[key][c], cut[key][c]) for c in kept[key])
                   for key in kept)
        assert {(v["metric"], v["applicant"]) for v in own.to_dict("records")} == set(batch.cells(k).cells)
    hongze_2023 = next(k for k, e in enumerate(index) if e["report_id"] == "淮安市/洪泽区人民政府-2023")
    assert batch.cells(hongze_2023).get("art20.licensing.decisions", "total")["value"] == 550.0  # line 59 of the file


def test_a_chunk_with_a_finding_added_is_cut_per_report(index, tmp_path):
    """A report given a finding by the index (two documents for one agency-year) is not kept whole: the finding
    follows its report's own findings, before the next report's."""
    entries = [assemble.Entry(e.row, part=e.part) for e in index]
    entries[0].extra.append({"report_id": entries[0]["report_id"], "rule": "identify.same_agency_and_year",
                             "state": "fail"})
    batch = assemble._reports(entries, None)
    assert batch.whole is None
    findings = batch.table("findings")
    first = findings[findings["report_id"] == entries[0]["report_id"]]
    assert first["rule"].iloc[-1] == "identify.same_agency_and_year"
    assert list(findings["report_id"]) == sorted(findings["report_id"], key=[e["report_id"] for e in entries].index)
