"""Timeliness: the publication date a document states (and where), against the statutory deadline.

Every date below was read by hand from the file named in the test (crawler header, <meta>, the page's
发布时间 line, the original link, the signature at the end).
"""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, TESTDATA

from govreport.model import Block, Document
from govreport.pipeline import parse
from govreport.identify.published import is_furniture, source_url, stated_date
from govreport.text.urls import strip_credentials
from govreport.readers import read_document
from govreport.readers.text import document_from_text
from govreport.report.context import timeliness_section
from govreport.checks.timeliness import assess, deadline

RAW = ROOT / "data" / "raw"
REAL = TESTDATA / "real"
FIXTURES = TESTDATA / "fixtures"


def doc(text):
    return document_from_text(Path("inline.txt"), text)


def without(path: Path, prefix: str):
    """The text file with its lines starting with ``prefix`` removed (to reach a weaker source)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith(prefix)]
    return doc("\n".join(lines))


# ------------------------------------------------------------------ deadlines
def test_deadlines_changed_with_the_2019_regulations():
    assert deadline(2018, "department")[0] == date(2019, 3, 31)
    assert deadline(2018, "government")[0] == date(2019, 3, 31)
    assert deadline(2021, "department")[0] == date(2022, 1, 31)
    assert deadline(2021, "government")[0] == date(2022, 3, 31)
    assert deadline(2021, "government")[1].startswith("2019 条例 第四十九条")


def test_the_level_is_given_not_guessed_from_the_name():
    d = doc("报告\n一、总体情况\n正文。\n某某局\n2022年2月15日\n")
    late = assess("r", 2021, "department", d)
    assert (late["state"], late["deadline"]) == ("late", date(2022, 1, 31))
    assert "15 days late" in late["evidence"]
    assert assess("r", 2021, "government", d)["state"] == "on_time"
    with pytest.raises(ValueError):
        assess("r", 2021, "某某局", d)


# ------------------------------------------------------------------ Sanming: crawler header, original link, signature
# (stem, published, what the file states) — tests/data/real/sanming_shizhengfu_*.txt, read by hand
SANMING = [
    # 发布时间：有效性： 有效 (no date); 原始链接 …/201402/t20140227_78734.htm; signature 2014/年/1/月/13/日/印发
    ("sanming_shizhengfu_2013", date(2014, 2, 27)),
    # 发布时间：2017-07- (truncated); 原始链接 …/t20190307_1271142.htm; signature 2019年/2/月/25/日
    ("sanming_shizhengfu_2018", date(2019, 3, 7)),
    # 发布时间：2019-01-01 (impossible for the 2019 report); 原始链接 …/t20200306_1480639.htm; signature 2020年3月6日
    ("sanming_shizhengfu_2019", date(2020, 3, 6)),
    # 发布时间： (empty); 原始链接 …/t20230303_1884230.htm; no signature
    ("sanming_shizhengfu_2022", date(2023, 3, 3)),
    # 发布时间：2024-01-01 (impossible); 原始链接 …/t20250303_2104004.htm
    ("sanming_shizhengfu_2024", date(2025, 3, 3)),
    # 发布时间：2025-01-01 (impossible); 原始链接 …/t20260305_2192644.htm
    ("sanming_shizhengfu_2025", date(2026, 3, 5)),
]


@pytest.mark.parametrize("stem,published", SANMING)
def test_sanming_date_is_the_original_link_stamp_and_on_time(stem, published):
    # the city government's own report (titled 三明市…年度报告): due 31 March (2007 条例 第三十一条 to 2018,
    # 2019 条例 第四十九条 after); every one was published in February or March
    rep = parse(REAL / f"{stem}.txt")
    assert rep.meta["agency_level"] == "government"
    result = rep.timeliness.iloc[0]  # the row ingest stores: parse runs every per-report stage
    assert (result["published"].date(), result["published_source"]) == (published, "url")
    assert (result["level"], result["deadline"].date(), result["state"]) == ("government",
                                                                             date(published.year, 3, 31), "on_time")


def test_an_impossible_stated_date_is_rejected_and_the_next_source_counts():
    # sanming 2019: 发布时间：2019-01-01 is the crawler's placeholder, not the date of the 2019 report
    result = assess("r", 2019, "government", read_document(REAL / "sanming_shizhengfu_2019.txt"))
    assert result["published"] == date(2020, 3, 6) and result["published_source"] == "url"
    assert "'发布时间: 2019-01-01' rejected: on or before the end of the reporting year 2019" in result["evidence"]


def test_a_truncated_stated_date_is_rejected():
    # sanming 2018: 发布时间：2017-07-
    stated = stated_date(read_document(REAL / "sanming_shizhengfu_2018.txt"), 2018)
    assert any("2017-07-" in r and "not a full date" in r for r in stated.rejected)
    assert stated.published == date(2019, 3, 7)


def test_the_signature_split_over_one_run_per_line_is_joined():
    # sanming 2018 without its 原始链接 line: the signature 2019年 / 2 / 月 / 25 / 日 under 三明市政务公开工作领导小组
    stated = stated_date(without(REAL / "sanming_shizhengfu_2018.txt", "原始链接"), 2018)
    assert (stated.published, stated.source) == (date(2019, 2, 25), "signature")
    # sanming 2013: 2014 / 年 / 1 / 月 / 13 / 日 / 印发 at the very end (the url stamp 2014-02-27 is stronger)
    stated = stated_date(without(REAL / "sanming_shizhengfu_2013.txt", "原始链接"), 2013)
    assert (stated.published, stated.source) == (date(2014, 1, 13), "signature")


def test_the_signature_in_chinese_numerals():
    d = doc("某某县人民政府2019年政府信息公开工作年度报告\n一、总体情况\n正文。\n某某县人民政府\n二〇二〇年三月六日\n")
    assert (stated_date(d, 2019).published, stated_date(d, 2019).source) == (date(2020, 3, 6), "signature")


def test_a_labelled_date_beats_a_later_repost_stamp_in_the_url():
    # putian 2008 (市政府): 发布时间: 2009-01-13 17:09; the 原始链接 …/202002/t20200221_1448439.htm is a re-post
    result = assess("r", 2008, "government", read_document(REAL / "putian_shizhengfu_2008.txt"))
    assert (result["published"], result["published_source"], result["state"]) == (date(2009, 1, 13), "labelled",
                                                                                   "on_time")


def test_a_stamp_years_after_the_report_is_not_a_publication_date():
    # the same page without its 发布时间 line: t20200221 is 11 years after the 2008 report -> unknown, not late
    result = assess("r", 2008, "government", without(REAL / "putian_shizhengfu_2008.txt", "发布时间"))
    assert (result["published"], result["state"]) == (None, "unknown")
    assert "t20200221" in result["evidence"] and "too late to be the first publication" in result["evidence"]


def test_a_report_published_after_the_deadline_is_late():
    # putian 科技局 2009: 发布时间: 2010-04-06 09:34; due 2010-03-31 (2007 条例 第三十一条)
    result = assess("r", 2009, "department", read_document(REAL / "putian_ptkjj_2009.txt"))
    assert (result["published"], result["published_source"], result["state"]) == (date(2010, 4, 6), "labelled", "late")
    assert "6 days late" in result["evidence"]


# ------------------------------------------------------------------ Putian pages: <meta name="PubDate">
PUTIAN = [
    ("putian_ptsjj_2024", 2024, date(2025, 1, 6)),     # PubDate 2025-01-06 16:03; signature 2025年1月2日
    ("putian_ptkjj_2024", 2024, date(2025, 1, 21)),    # PubDate 2025-01-21 10:30; signature 2025年1月9日
    ("putian_ptslyj_2023", 2023, date(2024, 1, 10)),   # PubDate 2024-01-10 15:12
    ("putian_ptsslj_2020", 2020, date(2021, 1, 18)),   # PubDate 2021-01-18 17:03; Url …/t20210831_ (a re-post)
    ("putian_ptsmzj_2015", 2015, date(2016, 2, 3)),    # PubDate 2016-02-03 09:59; Url …/t20160111_
    ("putian_pthyyyyj_2016", 2016, date(2017, 1, 20)),  # PubDate 2017-01-20 09:06
]


@pytest.mark.parametrize("stem,year,published", PUTIAN)
def test_putian_pages_state_their_date_in_meta(stem, year, published):
    rep = parse(REAL / f"{stem}.html")
    assert rep.meta["agency_level"] == "department"
    result = rep.timeliness.iloc[0]  # the row ingest stores: parse runs every per-report stage
    assert (result["published"].date(), result["published_source"], result["state"]) == (published, "meta", "on_time")


# ------------------------------------------------------------------ no date, tables, print furniture
def test_no_date_is_unknown_not_late():
    # The seeds state no publication date; the 2018 list of items with a 发布日期 column
    # (shapotou 2018 lines 31-40) is a table, not the report's date. The 淮安/洪泽 PDFs end with
    # 六、其他需要报告的事项 and no signature date.
    cases = [(RAW / "shapotou_gov_service_center_2018.txt", 2018), (RAW / "shapotou_gov_service_center_2021.txt", 2021),
             (FIXTURES / "pdf" / "huaian_gov_2024.pdf", 2024), (FIXTURES / "pdf" / "hongze_district_gov_2023.pdf", 2023)]
    for path, year in cases:
        result = assess("r", year, "department", read_document(path))
        assert (result["published"], result["published_source"], result["state"]) == (None, None, "unknown"), path
        assert result["evidence"].startswith("no usable publication date stated")


def test_a_date_inside_a_table_is_not_read():
    d = Document(Path("inline.html"), "html", [Block.line("某某局2021年政府信息公开工作年度报告"),
                                              Block.table([("文件名称", "发布日期"), ("某某办法", "2022-01-20")]),
                                              Block.line("正文。")])
    assert assess("r", 2021, "department", d)["state"] == "unknown"


def test_a_date_inside_the_reporting_year_is_not_a_publication_date():
    d = doc("报告\n正文。\n2021年12月31日\n")
    assert assess("r", 2021, "department", d)["state"] == "unknown"


def test_print_header_and_footer_lines_are_furniture():
    assert is_furniture("2026/12/6 14:30 莆田市审计局2024年政府信息公开工作年度报告")      # Chromium, zh locale
    assert is_furniture("12/6/26, 2:13 PM 莆田市审计局2024年政府信息公开工作年度报告")     # Chromium, en-US
    assert is_furniture("file:///tmp/h2/putian_ptsjj_2024.html 2/6")
    assert not is_furniture("发布时间: 2025-01-06 16:03 | 来源: 莆田市审计局")


@pytest.fixture(scope="module")
def chromium_printed(tmp_path_factory) -> Path:
    """putian_ptsjj_2024.html printed by headless Chromium WITH its header (print date) and footer (file URL)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        made = subprocess.run(["bash", str(ROOT / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"Chromium could not be installed: {made.stderr.strip()[-200:]}")
        chromium = made.stdout.strip().splitlines()[-1]
    out = tmp_path_factory.mktemp("print")
    pdf = out / "putian_ptsjj_2024.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={out / 'profile'}",
                    "--no-first-run", "--disable-extensions", f"--print-to-pdf={pdf}",
                    (REAL / "putian_ptsjj_2024.html").resolve().as_uri()], capture_output=True, timeout=300)
    assert pdf.is_file()
    return pdf


def test_a_browser_printed_page_is_dated_by_its_body_not_its_print_header(chromium_printed):
    d = read_document(chromium_printed)
    lines = [b.text for b in d.blocks if b.kind == "text"]
    assert any(is_furniture(ln) and ln.startswith(("12/", "20")) for ln in lines)  # the print date is there
    # body line 发布时间：2025-01-06 16:03 (the page's <meta PubDate> is gone in print)
    result = assess("r", 2024, "department", d)
    assert (result["published"], result["published_source"], result["state"]) == (date(2025, 1, 6), "labelled",
                                                                                   "on_time")


# ------------------------------------------------------------------ the stated source URL
def test_source_url_of_a_crawled_text_and_of_a_portal_page():
    assert source_url(read_document(REAL / "sanming_shizhengfu_2019.txt")) == \
        "https://www.sm.gov.cn/smsrmzfbgs/smsrmzf/zfxxgkndbg/202003/t20200306_1480639.htm"
    assert source_url(read_document(REAL / "putian_ptsjj_2024.html")) == \
        "http://www.putian.gov.cn/zfxxgk/bmzfxxgk/ptsjj/zfxxgk/zfxxgknb/202501/t20250106_1967650.htm"
    assert source_url(read_document(RAW / "shapotou_gov_service_center_2021.txt")) is None


def test_source_url_is_in_the_reports_row():
    rep = parse(REAL / "sanming_shizhengfu_2022.txt")
    assert rep.meta["source_url"] == "https://www.sm.gov.cn/smsrmzfbgs/smsrmzf/zfxxgkndbg/202303/t20230303_1884230.htm"


def test_saved_page_canonical_and_saved_from_urls_lose_their_credentials(tmp_path):
    page = tmp_path / "saved.html"
    page.write_text('<!-- saved from url=(0062)https://bob:secret@www.example.gov.cn/a/202003/t20200306_1.htm -->\n'
                    "<html><head><title>某某县2019年政府信息公开工作年度报告</title></head>"
                    "<body><p>某某县2019年政府信息公开工作年度报告</p><p>正文。</p></body></html>", encoding="utf-8")
    d = read_document(page)
    assert source_url(d) == "https://www.example.gov.cn/a/202003/t20200306_1.htm"
    assert (stated_date(d, 2019).published, stated_date(d, 2019).source) == (date(2020, 3, 6), "url")
    page.write_text('<html><head><link rel="canonical" href="https://u:p@www.example.gov.cn/b/t20210120_9.html">'
                    "</head><body><p>正文。</p></body></html>", encoding="utf-8")
    assert source_url(read_document(page)) == "https://www.example.gov.cn/b/t20210120_9.html"
    assert strip_credentials("http://www.example.gov.cn/x.htm") == "http://www.example.gov.cn/x.htm"


# ------------------------------------------------------------------ the page reads the stored table
def _stored(**row):
    base = dict(report_id="r", published=pd.Timestamp("2020-03-06"), published_source="url",
                deadline=pd.Timestamp("2020-03-31"), level="government", state="on_time",
                basis="2019 条例 第四十九条: 县级以上地方人民政府……", evidence="")
    return {"timeliness": pd.DataFrame([{**base, **row}])}  # the stored tables by name (report.Dataset.of)


def test_the_page_says_where_the_date_comes_from_in_each_language():
    report = pd.Series({"report_id": "r", "year": 2019, "agency": "三明市人民政府"})
    zh = " ".join(timeliness_section(_stored(), report, "zh").blocks)
    assert "据原始链接网址中的日期，本报告于 2020-03-06 发布，法定截止日期为 2020-03-31（本级人民政府年度报告），按时发布。" in zh
    assert "截止日期的依据：2019 条例 第四十九条" in zh
    en = timeliness_section(_stored(published_source="signature"), report, "en").blocks[0]
    assert en == ("Published 2020-03-06 (per the date under the signature); the statutory deadline was 2020-03-31 "
                  "(whole-government report): on time.")


def test_the_page_takes_the_stored_deadline_not_a_recomputed_one():
    # a stored table says 2020-01-31 / department: the page repeats it (report/ never re-derives)
    report = pd.Series({"report_id": "r", "year": 2019, "agency": "某某局"})
    late = _stored(published_source="meta", deadline=pd.Timestamp("2020-01-31"), level="department", state="late")
    text = timeliness_section(late, report, "zh").blocks[0]
    assert text == ("据页面元数据所载发布时间，本报告于 2020-03-06 发布，法定截止日期为 2020-01-31（政府部门年度报告），"
                    "晚了 35 天，逾期发布。")


# ------------------------------------------------------------------ an agency nobody names
def test_an_unknown_agency_is_judged_only_where_every_level_agrees():
    """No agency, so no level: 2022-02-15 is on time for a government (31 March) and late for a department
    (31 January), so the verdict is unknown, never 'late'; a date before 31 January or after 31 March holds
    under both deadlines."""
    between = assess("r", 2021, "unknown", doc("报告\n一、总体情况\n正文。\n2022年2月15日\n"))
    assert (between["state"], between["level"], between["deadline"], between["basis"]) == ("unknown", "unknown", None, "")
    assert "deadlines disagree" in between["evidence"]
    early = assess("r", 2021, "unknown", doc("报告\n一、总体情况\n正文。\n2022年1月10日\n"))
    assert early["state"] == "on_time"
    after = assess("r", 2021, "unknown", doc("报告\n一、总体情况\n正文。\n2022年4月2日\n"))
    assert (after["state"], "2 days late" in after["evidence"]) == ("late", True)
    legacy = assess("r", 2015, "unknown", doc("报告\n一、总体情况\n正文。\n2016年3月1日\n"))
    assert (legacy["state"], legacy["deadline"]) == ("on_time", date(2016, 3, 31))  # one deadline for all before 2019


def test_an_unnamed_agency_has_an_unknown_level(tmp_path):
    """A gb2021 report with no title, meta, sentence or signature naming the agency: its level is unknown."""
    text = (RAW / "shapotou_gov_service_center_2021.txt").read_text(encoding="utf-8")
    body = "\n".join(ln for ln in text.splitlines() if "沙坡头" not in ln and "政务服务中心" not in ln)
    f = tmp_path / "report_2021.txt"
    f.write_text("2021年政府信息公开工作年度报告\n" + body, encoding="utf-8")
    rep = parse(f)
    assert (rep.meta["agency_id"], rep.meta["agency_level"]) == ("unknown", "unknown")


def test_the_english_page_gives_the_legal_basis_in_english():
    row = pd.Series(assess("r", 2021, "department", doc("报告\n一、总体情况\n正文。\n某某局\n2022年1月15日\n")))
    data = {"timeliness": pd.DataFrame([row])}
    report = pd.Series({"report_id": "r"})
    en = " ".join(timeliness_section(data, report, "en").blocks)
    zh = " ".join(timeliness_section(data, report, "zh").blocks)
    assert "Article 49" in en and "条例" not in en
    assert "第四十九条" in zh
