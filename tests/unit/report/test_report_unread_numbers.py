"""A report with numbers the library did not map still gets its page, which lists them (解析质量), each with the
part of the table it was printed in, in the page's language.

Found by the corpus benchmark's build (2026-12-07): the parse-quality section quoted an unmapped row's label
through ``original`` without importing it, so the yearly page of every report with an unmapped number (most
legacy reports: their 历年累计 column) or a fuzzy label match failed with a NameError, and no test page had one.
Hand-checked against tests/data/real/putian_pthyyyyj_2016.html, 附表: 主动公开文件数 | 条 | 2016年度 105 |
历年累计 1800; the cumulative figure is not a metric of the year, so it is listed as unmapped (cumulative).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from report_fixtures import visible_text

REAL = Path(__file__).resolve().parents[2] / "data" / "real" / "putian_pthyyyyj_2016.html"


@pytest.fixture(scope="module")
def data():
    import govreport

    out = Path(tempfile.mkdtemp(prefix="govreport-unread-"))
    govreport.ingest([REAL], out)
    return govreport.load(out)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_yearly_page_of_a_report_with_unmapped_numbers_lists_them(data, lang):
    from govreport import report

    unmapped = data.unmapped
    first = unmapped[unmapped["source_label"] == "主动公开文件数"].iloc[0]
    assert first["raw"] == "1800" and first["reason"] == "cumulative"
    (story,) = report.year_stories(data, 2016, lang=lang)
    parse = visible_text(report.section_html(story.section("parse")))
    assert "主动公开文件数 1800" in parse  # the printed label and figure, as the report prints them
    assert first["section"] == "legacy" and (lang == "en" or "legacy" not in parse)  # in words, not the code
    assert ("旧版统计表 主动公开文件数 1800" if lang == "zh" else "legacy statistics table 主动公开文件数 1800") in parse
    assert parse.count("1800") >= 2  # 主动公开文件数 and 其中：1.政府网站公开数, both 1800 in 历年累计
    whole = report.story_html(story)
    assert whole.count("<table") >= 2 and "主动公开文件数" in whole
    if lang == "en":
        assert '<td lang="zh-CN" class="govreport-original">主动公开文件数</td>' in whole


def test_every_part_of_a_table_an_unmapped_number_can_come_from_has_words_in_both_languages():
    """The unmapped table's ``section`` is the walker's code for the part of the table (catalog/sections.csv,
    role start): each has its words (narrative_terms.csv table_section.*), so no page prints a code."""
    from govreport import catalog
    from govreport.report.wording import has_term, term

    codes = {r["section"] for r in catalog.read_csv("sections.csv") if r["role"] == "start" and r["section"]}
    assert codes == {"art20", "requests", "appeals", "legacy"}
    for code in codes:
        assert has_term(f"table_section.{code}"), code
        assert term(f"table_section.{code}", "zh") != term(f"table_section.{code}", "en")
    assert term("table_section.requests", "zh") == "三、收到和处理政府信息公开申请情况"  # the national template's heading


def test_every_reason_a_number_goes_unmapped_has_words_in_both_languages():
    """The unmapped table's ``reason`` (catalog/reasons.csv) is told in words on the page (narrative_evidence.csv
    reason.*); a reason without them would print its code (merged_rows did, on a scanned report's page)."""
    from govreport import catalog
    from govreport.report.wording import enum

    codes = [r["code"] for r in catalog.read_csv("reasons.csv") if r["table"] == "unmapped"]
    assert {"cumulative", "merged_rows", "label_unknown"} <= set(codes)
    for code in codes:
        zh, en = enum("reason", code, "zh"), enum("reason", code, "en")
        assert zh != code and en != code and zh != en, code


def test_every_unit_a_number_can_carry_is_written_in_english_on_an_english_page():
    """Units of the tables (units.csv) and of prose figures (fact_units.csv) have their English word
    (narrative_pages.csv unit.*): an English page printed 个工作日, 名, 部 and 小时 beside the figures."""
    import re

    from govreport import catalog
    from govreport.report.wording import quantity, unit_text

    units = {r["unit"] for name in ("units.csv", "fact_units.csv") for r in catalog.read_csv(name)}
    assert {"件", "个工作日", "名", "万元"} <= units
    for unit in units:
        assert unit_text(unit, "zh") == unit, unit
        assert not re.search(r"[\u3400-\u9fff]", unit_text(unit, "en")), unit
    assert quantity(20.0, "个工作日", "en") == "20 working days" and quantity(20.0, "个工作日", "zh") == "20 个工作日"
