"""Pages read the stored tables through a typed Dataset: a mistyped table name is an error, never an empty
table, and what a page shows comes from the stored columns (fact_series, facts.table_metric), not re-derived.

The small tables here are made by hand in the shape ingest stores (schemas: facts, fact_series, values).
"""
from __future__ import annotations

import pandas as pd
import pytest

from govreport.errors import GovreportError
from govreport.report.dataset import Dataset, UnknownTable

REPORTS = pd.DataFrame({"report_id": ["a-2020", "a-2021", "a-2022"], "agency": ["甲局"] * 3, "agency_id": ["a"] * 3,
                        "year": [2020, 2021, 2022], "template": ["gb2019", "gb2021", "gb2021"]})


def _series(**columns) -> pd.DataFrame:
    """Stored fact_series rows of agency 'a' (harmonize.facts.fact_series's columns)."""
    n = len(columns["year"])
    base = {"agency_id": ["a"] * n, "series_no": [1] * n, "phrase": ["受理申请"] * n, "context": [""] * n,
            "subject": ["受理申请"] * n, "value": [1.0] * n, "unit": ["件"] * n, "sentence": ["受理申请 1 件。"] * n,
            "report_id": [f"a-{y}" for y in columns["year"]], "fact_id": [f"a-{y}#f1" for y in columns["year"]]}
    return pd.DataFrame({**base, **columns})


def test_a_mistyped_table_name_raises_one_line_naming_it_and_the_known_tables():
    data = Dataset({"reports": REPORTS})
    with pytest.raises(UnknownTable) as raised:
        data.table("fact")
    message = str(raised.value)
    assert isinstance(raised.value, GovreportError)
    assert "\n" not in message
    assert message.startswith("no table 'fact' in the processed data; known tables: ")
    assert "facts" in message and "fact_series" in message and "reports" in message


def test_attribute_access_refuses_an_unknown_name_instead_of_reading_empty():
    data = Dataset({"reports": REPORTS})
    assert data.reports is REPORTS
    with pytest.raises(UnknownTable, match="'finding'"):
        getattr(data, "finding", pd.DataFrame())


def test_a_table_of_no_registered_name_is_refused_when_the_dataset_is_made():
    with pytest.raises(UnknownTable, match="'value'"):
        Dataset.from_tables({"reports": REPORTS, "value": pd.DataFrame()})


def test_a_registered_table_the_store_lacks_reads_as_empty():
    data = Dataset.from_tables({"reports": REPORTS, "repetition_passages": None})
    assert data.table("repetition_passages").empty
    assert data.timeliness.empty


def test_page_functions_take_what_load_returns_and_wrap_it_once():
    from govreport import report
    from govreport.store import Processed

    processed = Processed(directory=None, tables={"reports": REPORTS})
    assert report.available_years(processed) == [2020, 2021, 2022]
    assert report.agencies_with_years({"reports": REPORTS}, 3) == ["a"]
    assert report.Dataset.of(processed).table("reports") is REPORTS
    data = Dataset({"reports": REPORTS})
    assert Dataset.of(data) is data


def test_the_prose_series_is_read_from_the_stored_table_with_the_context_of_a_bare_word():
    from govreport import report

    stored = _series(year=[2020, 2021], phrase=["办结"] * 2, context=["转办诉求件"] * 2, subject=["办结"] * 2,
                     value=[2525.0, 4475.0])
    data = Dataset({"reports": REPORTS, "fact_series": stored})
    zh = report.fact_series(data, "a")
    assert list(zh["series"]) == ["办结（转办诉求件）"] * 2
    assert list(zh["value"]) == [2525.0, 4475.0] and list(zh["year"]) == [2020, 2021]
    assert list(report.fact_series(data, "a", lang="en")["series"]) == ["办结 (转办诉求件)"] * 2


def test_a_years_choice_drops_a_prose_series_left_with_one_year():
    from govreport import report

    stored = pd.concat([_series(year=[2020, 2021]), _series(year=[2021, 2022], series_no=[2, 2], phrase=["培训"] * 2,
                                                            subject=["培训"] * 2, unit=["次"] * 2)])
    data = Dataset({"reports": REPORTS, "fact_series": stored})
    assert list(report.fact_series(data, "a")["series"]) == ["受理申请", "受理申请", "培训", "培训"]
    kept = report.fact_series(data, "a", years=[2021, 2022])
    assert list(kept["series"]) == ["培训", "培训"] and list(kept["year"]) == [2021, 2022]


def test_a_prose_figure_is_set_against_the_table_metric_ingest_stored_with_it():
    from govreport import report

    # 2021: "受理申请 17 件" names requests.new_received (stored table_metric); the tables print no such row
    facts = pd.DataFrame({"report_id": ["a-2021"], "fact_id": ["a-2021#f1"], "section": ["一、总体情况"],
                          "subject": ["受理申请"], "value": [17.0], "unit": ["件"], "sentence": ["受理申请 17 件。"],
                          "parent_fact_id": [pd.NA], "role": ["single"], "table_metric": ["requests.new_received"]})
    values = pd.DataFrame({"report_id": ["a-2021"], "metric": ["proactive.total"], "applicant": ["total"],
                           "value": [3.0]})
    groups = report.prose_groups(Dataset({"reports": REPORTS, "facts": facts, "values": values}), "a-2021")
    assert [(g.covered, g.silent) for g in groups] == [([], ["requests.new_received"])]
