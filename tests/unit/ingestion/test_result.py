"""The ingest summary's counts come from the Parquet footers and one column, not the whole reports table
(issue 16: read whole it is ~1.2 KB a report, 120 MB at 100,000, for two numbers of one line)."""
from __future__ import annotations

import pandas as pd
import pytest

from govreport import store
from govreport.ingestion import corpus


def test_the_summary_reads_the_report_count_from_footers_and_the_failed_checks_from_one_column(tmp_path,
                                                                                               monkeypatch):
    reports = pd.DataFrame({"report_id": ["a-2021", "a-2022", "b-2022"], "agency": ["A", "A", "B"],
                            "year": [2021, 2022, 2022], "n_failed_rules": [2, 0, 5]})
    store.write_tables(tmp_path, {"reports": reports})
    asked = []
    real = store._read
    monkeypatch.setattr(store, "_read", lambda d, files, columns=None: asked.append(columns) or real(d, files, columns))
    result = corpus.result(tmp_path, 0, 3)
    assert result.n_reports == 3 and result.failed_checks == 7
    assert asked == [["n_failed_rules"]] and "reports" not in result.processed.tables.read
    assert list(result.reports["agency"]) == ["A", "A", "B"] and asked[-1] is None  # read whole when asked
    assert result.failed_checks == 7 and len(asked) == 2  # then from the table read


def test_a_reports_file_changed_after_load_is_refused_when_its_column_is_read(tmp_path):
    store.write_tables(tmp_path, {"reports": pd.DataFrame({"report_id": ["a-2021"], "n_failed_rules": [1]})})
    result = corpus.result(tmp_path, 0, 1)
    store.write_tables(tmp_path / "x", {"reports": pd.DataFrame({"report_id": ["b-2021"], "n_failed_rules": [9]})})
    (tmp_path / "x" / "reports.parquet").replace(tmp_path / "reports.parquet")
    with pytest.raises(store.IncompleteData, match="reports.parquet changed since it was loaded"):
        result.failed_checks
