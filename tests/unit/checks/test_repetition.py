"""Repetition (内容雷同) between consecutive reports of one agency, as ingest computes it: each report's prose
sentences when it is parsed (prose_sentences), then the shares over the batch (repetition_tables)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from govreport.readers import read_document
from govreport.readers.text import document_from_text
from govreport.checks.repetition import normalize_sentence, prose_sentences, repeated_share, repetition_tables
from govreport.schemas import columns
from locations import DATA

FIXTURES = DATA / "fixtures" / "text"


def sentences(text):
    return prose_sentences(document_from_text(Path("inline.txt"), text))


def test_numbers_are_masked_and_punctuation_ignored():
    assert normalize_sentence("2021 年，共受理申请 17 件。") == normalize_sentence("2020年,共受理申请21件。")
    assert normalize_sentence("共受理申请 17 件") != normalize_sentence("共办结申请 17 件")


def test_headings_and_short_sentences_are_not_prose():
    # the heading 一、总体情况 and the 5-character 工作顺利。 are left out
    assert sentences("一、总体情况\n工作顺利。加强组织领导，明确工作职责分工。\n") == ["加强组织领导,明确工作职责分工。"]


def test_share_counts_sentences_and_lists_passages():
    previous = sentences("一、总体情况\n2020年，我局严格落实条例规定，全年公开信息 10 条。加强组织领导，明确工作职责分工。\n")
    current = sentences("一、总体情况\n2021年，我局严格落实条例规定，全年公开信息 12 条。新建政务公开专区一处并投入使用。\n")
    result = repeated_share(previous, current)
    assert (result.n_sentences, result.n_repeated) == (2, 1)
    assert result.share == 0.5
    assert result.passages == ["2021年,我局严格落实条例规定,全年公开信息 12 条。"]


def test_hongze_2024_repeats_four_of_nineteen_sentences_from_2023():
    # Hand-checked: hongze 2024 has 19 prose sentences (title and (一)…(五) sub-headings excluded);
    # repeated from 2023 with numbers masked: the two intro sentences (lines 4-7), "主要通过政府门户网站…
    # 各类政府信息。" (line 17-18) and "…全年收取政府信息公开信息处理费 0 元。" (lines 165-166).
    result = repeated_share(prose_sentences(read_document(FIXTURES / "hongze_district_gov_2023.txt")),
                            prose_sentences(read_document(FIXTURES / "hongze_district_gov_2024.txt")))
    assert (result.n_sentences, result.n_repeated) == (19, 4)
    assert result.share == pytest.approx(4 / 19)
    assert len(result.passages) == 3
    assert result.passages[-1].endswith("全年收取政府信息公开信息处理费 0 元。")


def test_table_pairs_consecutive_years_of_one_agency():
    stored = {
        "a2020": sentences("今年共公开信息 5 条，群众满意度持续提升。\n"),
        "a2021": sentences("今年共公开信息 8 条，群众满意度持续提升。\n"),
        "a2023": sentences("今年共公开信息 9 条，群众满意度持续提升。\n"),   # 2022 missing: not paired
        "b2021": sentences("全年未收到政府信息公开申请。\n"),
    }
    reports = pd.DataFrame({"report_id": ["a2020", "a2021", "a2023", "b2021"],
                            "agency_id": ["a", "a", "a", "b"], "year": [2020, 2021, 2023, 2021]})
    shares, passages = repetition_tables(reports, stored)
    assert list(shares.columns) == columns("repetition")
    assert shares.to_dict("records") == [{"report_id": "a2021", "previous_report_id": "a2020", "agency_id": "a",
                                          "year": 2021, "n_sentences": 1, "n_repeated": 1, "share": 1.0}]
    assert list(passages.columns) == ["report_id", "passage_no", "passage"]
    assert passages.to_dict("records") == [{"report_id": "a2021", "passage_no": 1,
                                            "passage": "今年共公开信息 8 条,群众满意度持续提升。"}]


def test_the_first_report_of_an_agency_year_is_compared():
    # two documents for a 2021: the first in reports order is the one compared, and the one compared against
    stored = {"a2020": sentences("全年共公开信息 5 条，群众满意度持续提升。\n"),
              "a2021": sentences("全年共公开信息 8 条，群众满意度持续提升。\n"),
              "a2021~x": sentences("新建政务公开专区一处并投入使用。\n")}
    reports = pd.DataFrame({"report_id": ["a2020", "a2021", "a2021~x"], "agency_id": ["a"] * 3,
                            "year": [2020, 2021, 2021]})
    shares, _ = repetition_tables(reports, stored)
    assert shares[["report_id", "n_repeated"]].to_dict("records") == [{"report_id": "a2021", "n_repeated": 1}]
