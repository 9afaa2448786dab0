"""Every real report in the repository gets its pages, in Chinese and in English, and each page says how many of
its numbers went unmapped and lists them as printed.

The page tests elsewhere use a few reports; a branch none of them takes (a report with unmapped numbers) failed
every such report's yearly page (tests/unit/report/test_report_unread_numbers.py). Here the stories of all the real
reports (tests/data/real, data/raw: text, HTML, PDF; the 2008-2025 templates) are rendered as the notebooks render
them: each yearly story of each year, each agency's comparison; no story may fail, and the parse-quality section of
each report gives the count of its unmapped rows and their printed labels (on a Chinese page, the part of the table
each came from in Chinese words, never the library's code for it). On an English page, Chinese appears only as the
report's own words marked as such, or as an agency's name in brackets beside its English.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from report_fixtures import visible_text

REPO = Path(__file__).resolve().parents[2]
FILES = sorted([*(REPO / "tests" / "data" / "real").glob("*.*"), *(REPO / "data" / "raw").glob("*.*")])


@pytest.fixture(scope="module")
def data():
    import govreport

    out = Path(tempfile.mkdtemp(prefix="govreport-real-pages-"))
    govreport.ingest([f for f in FILES if f.is_file()], out)
    return govreport.load(out)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_real_report_has_its_yearly_story_and_lists_its_unmapped_numbers(data, lang):
    from govreport import report

    reports, unmapped = data.reports, data.unmapped
    assert len(reports) >= 20 and len(unmapped) > 0
    told = 0
    for year in sorted(set(reports["year"])):
        for story in report.year_stories(data, int(year), lang=lang):
            mine = unmapped[unmapped["report_id"] == story.report_id]
            parse = visible_text(report.section_html(story.section("parse")))
            if len(mine):
                said = f"{len(mine)} 个数字没有对应到标准指标" if lang == "zh" else \
                    f"{len(mine)} numbers could not be mapped to a standard metric"
                assert said in parse, (story.report_id, parse[:300])
                assert all(str(label) in parse for label in mine["source_label"]), story.report_id
                assert lang == "en" or not re.search(r"\b(art20|requests|appeals|legacy)\b", parse), story.report_id
            else:
                assert ("所有读出的数字都已对应到标准指标" if lang == "zh" else "Every number read was mapped") in parse
            if lang == "en":
                assert _unmarked_chinese(report.story_html(story)) == [], story.report_id
            told += 1
    assert told == len(reports)


def _unmarked_chinese(markup: str) -> list[str]:
    """Chinese on an English page that is neither the report's own words, marked as such (``govreport-original``:
    quoted sentences, printed labels, repeated passages), nor an agency's name in brackets beside its English."""
    from lxml import html

    doc = html.fromstring(f"<div>{markup}</div>")
    for marked in doc.xpath('//*[contains(concat(" ", @class, " "), " govreport-original ")]'):
        marked.drop_tree()  # the element and its text; its tail stays
    text = re.sub(r"\((?:[\u3400-\u9fff]+/)?[\u3400-\u9fff]+\)", " ", doc.text_content())
    return re.findall(r"[\u3400-\u9fff]+", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_agency_with_two_years_has_its_comparison(data, lang):
    from govreport import report

    years = data.reports.groupby("agency_id")["year"].nunique()
    agencies = sorted(years.index[years > 1])
    assert len(agencies) >= 3
    for agency in agencies:
        story = report.comparison_story(data, agency, lang=lang)
        markup = report.story_html(story)
        assert len(story.sections) >= 2 and all(report.section_html(s) for s in story.sections), agency
        assert agency.split("/")[-1] in markup, agency  # the agency's own (Chinese) name, on either page
        if lang == "en":
            assert _unmarked_chinese(markup) == [], agency
