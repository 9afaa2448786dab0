"""The report's own Chinese words on an English page are marked as quotations (issue 19, item 2).

An English page names each row by its metric's catalog name; where it cites the report's Chinese (the
source sentence of a prose figure, the printed label in the copyable data table) the words sit in an element
marked ``lang="zh-CN" class="govreport-original"``. A Chinese page is rendered exactly as before.
"""
from __future__ import annotations

import pandas as pd

from govreport.report import access, render, tables
from govreport.report.model import Long, Quote, Table, original

ROWS = pd.DataFrame({"metric": ["art20.licensing.decisions", "art20.punishment.decisions"],
                     "source_label": ["行政许可", "行政处罚"], "value": [12.0, 3.0], "unit": ["件", "件"],
                     "applicant": ["total", "total"], "provenance": ["matched_exact", "matched_exact"]})
MARK = '<q lang="zh-CN" class="govreport-original">'


def test_a_quoted_source_sentence_is_marked_on_an_english_page_and_plain_on_a_chinese_one():
    sentence = "共转办市民有效诉求件4491 件"
    en = render.block_html(Quote(sentence, "Source sentence (Chinese original): ", original=True))
    assert f"</strong> {MARK}{sentence}</q>" in en
    zh = render.block_html(Quote(sentence, "原文："))
    assert zh == f'<blockquote class="govreport-quote"><p><strong>原文：</strong>“{sentence}”</p></blockquote>'


def test_original_is_a_mark_only_outside_chinese():
    assert type(original("行政许可", "zh")) is str
    assert render.cell_html(original("行政许可", "en")) == '<span lang="zh-CN" class="govreport-original">行政许可</span>'
    assert render.cell_html(Long("甲" * 50, original=True)).startswith(
        '<details lang="zh-CN" class="govreport-long govreport-original"><summary>')
    assert render.cell_html(Long("甲" * 50)).startswith('<details class="govreport-long"><summary>')   # as before
    copied = render.table_html(Table(["Label"], [[original("行政许可", "en")]], copyable=True))
    assert '<td lang="zh-CN" class="govreport-original">行政许可</td>' in copied


def test_english_values_table_names_rows_by_metric_and_the_chinese_one_keeps_the_label():
    en = tables.values_table(ROWS, "en")
    assert [row[0] for row in en.rows] == ["Licensing: decisions", "Administrative penalties: decisions"]
    assert len(en.columns) == 3 and not any("行政" in str(c) for row in en.rows for c in row)
    zh = tables.values_table(ROWS, "zh")
    assert [row[0] for row in zh.rows] == ["行政许可", "行政处罚"] and len(zh.columns) == 4


def test_a_row_label_in_english_is_the_metric_name_and_in_chinese_the_printed_label():
    row = ROWS.iloc[0]
    assert access.label(row, "en") == "Licensing: decisions"
    assert access.label(row, "zh") == "行政许可"
    data = tables.data_table(ROWS, "en", {"art20.licensing.decisions": "Licensing: decisions"})
    assert isinstance(data.rows[0][1], str) and data.rows[0][1] == "行政许可" and type(data.rows[0][1]).__name__ == "Original"


def test_repeated_passages_on_an_english_page_are_marked_as_the_reports_words():
    from govreport.report.model import Details

    en = render.block_html(Details("3 passages", ["设立了信息申请受理点"], original=True))
    assert '<li lang="zh-CN" class="govreport-original">设立了信息申请受理点</li>' in en
    assert "<li>设立了信息申请受理点</li>" in render.block_html(Details("3 段", ["设立了信息申请受理点"]))  # Chinese page
