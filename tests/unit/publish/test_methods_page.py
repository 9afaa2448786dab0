"""The methods page (issue 14, item 7): what each check means, how verdicts are reached, licence, citation,
and each report's source -- published by `govreport build` beside the index, in zh and en.

The zh page comes from the session's shared seed build (publish_helpers.built_seed_project); the
source-URL and English checks ingest two reports into a temporary project (no notebooks) and publish the
page with the same hook the build calls.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest

from publish_helpers import REPO, page_text

from govreport import catalog
from govreport.report import methods

ALLOWED_LATIN = {"govreport", "SHA", "CSV", "Parquet", "PDF", "JSON", "UTC"}  # as tests/test_html_browser.py
SANMING_2019 = REPO / "tests" / "data" / "real" / "sanming_shizhengfu_2019.txt"
SEED_2021 = REPO / "data" / "raw" / "shapotou_gov_service_center_2021.txt"


@pytest.fixture(scope="module")
def zh_page(build) -> str:
    return (build.root / "reports" / "methods.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def stated(tmp_path_factory):
    """A project of the 2021 seed (states no web address) and Sanming 2019 (its crawler header states
    原始链接：https://www.sm.gov.cn/smsrmzfbgs/smsrmzf/zfxxgkndbg/202003/t20200306_1480639.htm) with a
    reviews.csv deciding two of Sanming's findings, ingested, and its methods page published in both
    languages by the build's hook."""
    import govreport
    from govreport.publish import methods_page
    from govreport.store import sha256_file

    root = tmp_path_factory.mktemp("methods") / "project"
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    for source in (SANMING_2019, SEED_2021):
        shutil.copy2(source, raw / source.name)
    digest = sha256_file(SANMING_2019)
    (raw / "reviews.csv").write_text(  # an analyst's decisions (govreport.ingestion.reviews): one confirmed, one dismissed
        "sha256,rule,applicant,decision,note,reviewer,date\n"
        f"{digest},applicants:outcome.denied.state_secret,total,confirmed,checked against the table,h6,2026-12-06\n"
        f"{digest},applicants:outcome.denied.third_party,total,dismissed,test decision,h6,2026-12-06\n",
        encoding="utf-8")
    govreport.ingest([raw], root / "data" / "processed")
    data = govreport.load(root / "data" / "processed")
    inputs = methods_page.methods_inputs(data, raw, root, govreport.__version__, "f" * 64)
    pages = {}
    for lang in ("zh", "en"):
        site = root / "reports" / ("" if lang == "zh" else lang)
        site.mkdir(parents=True, exist_ok=True)
        methods_page.publish_methods(site, site, inputs, key="k", reusable=False, lang=lang, other=None)
        pages[lang] = (site / "methods.html").read_text(encoding="utf-8")
    return inputs, pages


def _prose(page: str, lang: str) -> str:
    """What a reader reads as the page's language: no code, no element marked as another language."""
    page = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", page, flags=re.S | re.I)
    other = "en" if lang == "zh" else "zh"
    page = re.sub(rf'<(span|p|a|td)\b[^>]*\blang="{other}[^"]*"[^>]*>.*?</\1>', " ", page, flags=re.S)
    text = page_text(page.split("<body>", 1)[1])
    return re.sub(r"\b[0-9a-f]{12,64}\b|[\w.-]+\.(?:txt|pdf|docx?|html?|md|csv|parquet|json)\b", " ", text)


# ---- published by the build, linked from the index and every page -----------------------------

def test_the_build_publishes_the_methods_page_and_every_page_links_it(build, zh_page):
    reports = build.root / "reports"
    assert "<h1>方法说明：各项核查的含义与数据来源</h1>" in zh_page
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert '<p class="govreport-methods"><a href="methods.html">' in index
    for page in ("yearly_report_2018.html", "yearly_report_2021.html", "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html"):
        footer = re.search(r'<footer class="govreport-record">(.*?)</footer>',
                           (reports / page).read_text(encoding="utf-8"), re.S).group(1)
        assert 'href="methods.html"' in footer, page


def test_the_build_record_and_manifest_name_the_methods_page(build):
    from govreport.store import sha256_file

    record = json.loads((build.root / "reports" / "build_record.json").read_text(encoding="utf-8"))
    manifest = json.loads((build.root / "build" / "manifest.json").read_text(encoding="utf-8"))
    data_version = sha256_file(build.root / "data" / "processed" / "manifest.json")
    assert record["methods_page"]["path"] == "methods.html"
    assert record["methods_page"]["data_version"] == data_version
    assert manifest["methods"] == record["methods_page"]["key"] and len(manifest["methods"]) == 64
    assert manifest["published"]["methods.html"] == sha256_file(build.root / "reports" / "methods.html")


def test_an_unchanged_page_is_copied_and_a_changed_input_changes_its_key(build, tmp_path):
    """Incremental: the build keeps the published bytes when the key is unchanged."""
    import dataclasses

    from govreport.publish import methods_page
    site = build.root / "reports"
    inputs = methods.MethodsInputs(version="0.1.0", data_version="a" * 64)
    assert methods_page.publish_methods(tmp_path, site, inputs, key="k", reusable=True, lang="zh", other=None) is False
    assert (tmp_path / "methods.html").read_bytes() == (site / "methods.html").read_bytes()
    measured = dataclasses.replace(inputs, accuracy=[{"format": "published_html", "verdict": "timeliness",
                                                      "right": "1", "wrong": "0", "unknown": "0", "total": "1"}])
    assert methods_page.page_key(inputs, "lib", "zh", None) != methods_page.page_key(measured, "lib", "zh", None)
    assert methods_page.page_key(inputs, "lib", "zh", None) != methods_page.page_key(inputs, "lib", "en", None)


def test_the_english_build_writes_its_own_methods_page(build, tmp_path):
    """`govreport build --lang en` stages the page through the same step (here without re-running notebooks)."""
    import govreport
    from govreport.publish import build as build_module
    from govreport.paths import project_paths
    from govreport.publish.record import data_version

    from publish_helpers import build_args

    paths = project_paths(str(build.root))
    args = build_args(build.root, lang="en")
    processed = build.root / "data" / "processed"
    key = build_module._stage_methods(paths, build_module.site_dir(paths, "en"), tmp_path, govreport.load(processed),
                                      {}, args, "library", data_version(processed), None)
    page = (tmp_path / "methods.html").read_text(encoding="utf-8")
    assert len(key) == 64 and '<html lang="en">' in page
    assert "<h1>Methods: what each check means and where the data come from</h1>" in page
    assert "<td>department report</td><td>2019 onwards</td><td>31 January of the following year</td>" in page
    assert "The program code is released under the <code>MIT</code> licence." in page
    assert 'href="methods.html"' in page and "方法说明" not in page


# ---- what each check means --------------------------------------------------------------------

def test_every_rule_and_every_reason_code_is_listed_with_its_meaning(zh_page):
    codes = {r["rule"] for r in catalog.read_csv("rules.csv")} | {r["code"] for r in catalog.read_csv("reasons.csv")}
    missing = sorted(c for c in codes if f"<code>{c}</code>" not in zh_page)
    assert missing == []
    assert "（暂无说明）" not in zh_page  # every reason code has its own sentence (catalog/methods_codes.csv)


def test_every_reason_code_has_wording_in_both_languages():
    wording = {r["code"]: r for r in catalog.read_csv("methods_codes.csv")}
    for row in catalog.read_csv("reasons.csv"):
        assert wording.get(row["code"], {}).get("zh") and wording[row["code"]]["en"], row["code"]


def test_checks_are_grouped_by_kind_and_formulas_are_the_catalog_identities(zh_page):
    """rules.csv review.total (gb2019/gb2021): left review.total, right upheld + corrected + other + pending."""
    for title in ("报告自身的勾稽关系", "正文与统计表", "发布机关的识别", "发布及时性", "读取质量"):
        assert f">{title}</h3>" in zh_page
    arithmetic = zh_page.split('id="checks-arithmetic"', 1)[1].split("<h3", 1)[0]
    assert ("<td><code>review.total</code></td><td>2019版、2021版</td>"
            "<td>行政复议总计＝行政复议结果维持＋行政复议结果纠正＋行政复议其他结果＋行政复议尚未审结</td>") in arithmetic
    # the cross-year identity names last year's figure
    assert "上年结转政府信息公开申请数量＝上一年度的结转下年度继续办理" in arithmetic
    parse = zh_page.split('id="checks-parse"', 1)[1].split("<h2", 1)[0]
    assert "<code>label_unknown</code>" in parse and "<code>identify.agency_unknown</code>" not in parse
    assert "<code>fact.vs_table</code>" in zh_page.split('id="checks-prose_vs_table"', 1)[1].split("<h3", 1)[0]


def test_not_assessable_and_unknown_are_explained_with_the_verdict_words(zh_page):
    section = page_text(zh_page.split('id="states"', 1)[1].split("<h2", 1)[0])
    assert "“无法判断”：某项核查需要的数字没有印出" in section
    unknown = methods.states("zh")["unknown"]
    assert f"“{unknown}”不等于逾期" in section and "错误的指责比“无法判断”更有害" in section


# ---- timeliness ---------------------------------------------------------------------------------

def test_deadlines_and_their_legal_basis_come_from_the_catalog(zh_page):
    """catalog/deadlines.csv: 2019+ departments by 31 January (第四十九条), governments by 31 March."""
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
                      zh_page.split('id="timeliness"', 1)[1].split("</table>", 1)[0])
    assert ("政府部门年度报告", "2019年度起", "次年1月31日") == rows[3][:3] and "第四十九条" in rows[3][3]
    assert ("本级人民政府年度报告", "2019年度起", "次年3月31日") == rows[2][:3]
    assert ("政府部门年度报告", "2008—2018年度", "次年3月31日") == rows[1][:3] and "第三十一条" in rows[1][3]
    assert len(rows) == len(catalog.read_csv("deadlines.csv"))


def test_the_level_rules_and_date_sources_are_listed_in_order(zh_page):
    from govreport.identify import published
    section = zh_page.split('id="timeliness"', 1)[1].split("<h2", 1)[0]
    order = [section.index(f"<code>{s}</code>") for s in published.SOURCES]
    assert order == sorted(order) and list(published.SOURCES)[:1] == ["meta"]
    levels = catalog.read_csv("report_levels.csv")
    assert section.count("<tr><td>") == len(catalog.read_csv("deadlines.csv")) + len(levels)


# ---- measured accuracy ---------------------------------------------------------------------------

def test_the_page_shows_the_measured_accuracy_or_says_it_is_not_available(zh_page):
    """The figures are catalog/verdict_accuracy.csv (scripts/measure_verdicts.py) as it was at build time."""
    try:
        rows = catalog.read_csv("verdict_accuracy.csv")
    except FileNotFoundError:
        rows = []
    section = zh_page.split('id="accuracy"', 1)[1].split("<h2", 1)[0]
    if not rows:
        assert "实测正确率暂缺" in section and "<table" not in section
        return
    table = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1])
    cells = [c for row in table for c in re.findall(r"<td>(.*?)</td>", row)[1:]]
    expected = {f"{int(r['right']):,} / {int(r['wrong']):,} / {int(r['unknown']):,}" for r in rows}
    assert set(cells) == expected
    assert len(table) == len({r["verdict"] for r in rows})
    assert len(cells) == len({r["format"] for r in rows}) * len(table)


def test_accuracy_figures_are_printed_as_given_and_never_invented():
    rows = [{"format": "published_html", "verdict": "timeliness", "right": "11", "wrong": "1", "unknown": "2",
             "total": "14", "measured_on": "2026-12-06"},
            {"format": "chromium_pdf", "verdict": "timeliness", "right": "9", "wrong": "0", "unknown": "5",
             "total": "14", "measured_on": "2026-12-06"}]
    zh = methods.accuracy_html(rows, "zh")
    assert "<th>结论类别</th><th>网页原件</th><th>用浏览器打印的 PDF</th>" in zh
    assert "<tr><td>发布及时性</td><td>11 / 1 / 2</td><td>9 / 0 / 5</td></tr>" in zh
    assert "测量日期：2026-12-06" in zh
    assert "not available" in methods.accuracy_html(None, "en") and "<table" not in methods.accuracy_html(None, "en")
    assert "实测正确率暂缺" in methods.accuracy_html([], "zh")


# ---- licence, citation --------------------------------------------------------------------------

def test_licence_and_citation(build, zh_page):
    import govreport
    from govreport.store import sha256_file

    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    section = zh_page.split('id="licence"', 1)[1].split("<h2", 1)[0]
    assert "<code>MIT</code>" in section
    assert '<a href="https://creativecommons.org/licenses/by/4.0/"><code>CC-BY-4.0</code></a>' in section
    assert "《中华人民共和国政府信息公开条例》" in section
    data_version = sha256_file(build.root / "data" / "processed" / "manifest.json")[:12]
    cite = page_text(zh_page.split('id="cite"', 1)[1].split("<h2", 1)[0])
    assert f"govreport {govreport.__version__}，数据版本 {data_version}" in cite
    assert f"本页由 govreport {govreport.__version__} 生成，数据版本 {data_version}。" in page_text(zh_page)


# ---- sources ------------------------------------------------------------------------------------

def test_each_report_source_shows_the_stated_url_or_not_stated(stated):
    _, pages = stated
    rows = re.findall(r"<tr><td><a href=\"(sources/[^\"]+)\"><code>([^<]+)</code></a></td><td>(.*?)</td>"
                      r"<td>(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>", pages["zh"])
    by_file = {r[1]: r for r in rows}
    sanming = by_file["sanming_shizhengfu_2019.txt"]
    url = "https://www.sm.gov.cn/smsrmzfbgs/smsrmzf/zfxxgkndbg/202003/t20200306_1480639.htm"
    assert sanming[0] == "sources/sanming_shizhengfu_2019.txt" and sanming[3] == "2019"
    assert sanming[4] == f'<a href="{url}"><code>{url}</code></a>'
    assert sanming[5] == "未注明"   # the header states no retrieval date
    seed = by_file["shapotou_gov_service_center_2021.txt"]
    assert (seed[3], seed[4], seed[5]) == ("2021", "未注明", "未注明")
    assert "<td>not stated</td>" in pages["en"]


def test_reviews_are_explained_and_counted(stated, zh_page):
    inputs, pages = stated
    assert inputs.reviews == {"confirmed": 1, "dismissed": 1}
    assert "本站数据中有 1 条经确认、1 条被驳回的核查记录。" in pages["zh"]
    assert "The data hold 1 confirmed and 1 dismissed findings." in pages["en"]
    assert "<code>data/raw/reviews.csv</code>" in pages["zh"]
    assert "本站数据中目前没有复核意见。" in zh_page  # the seed project has no reviews file


def test_the_seed_build_lists_each_source_document(build, zh_page):
    section = zh_page.split('id="sources"', 1)[1]
    for name in ("shapotou_gov_service_center_2018.txt", "shapotou_gov_service_center_2021.txt"):
        assert f'<a href="sources/{name}"><code>{name}</code></a>' in section
        assert (build.root / "reports" / "sources" / name).is_file()


# ---- one language per page ----------------------------------------------------------------------

def test_the_zh_page_has_no_latin_words_outside_names_codes_urls_and_hashes(zh_page, stated):
    for page in (zh_page, stated[1]["zh"]):
        words = set(re.findall(r"[A-Za-z]{2,}", _prose(page, "zh")))
        assert words <= ALLOWED_LATIN, sorted(words - ALLOWED_LATIN)


def test_each_page_uses_only_its_own_language_of_the_catalog(stated):
    _, pages = stated
    assert '<html lang="zh-CN">' in pages["zh"] and '<html lang="en">' in pages["en"]
    assert "<h1>Methods: what each check means and where the data come from</h1>" in pages["en"]
    zh_prose, en_prose = _prose(pages["zh"], "zh"), _prose(pages["en"], "en")
    for row in catalog.read_csv("narrative_methods.csv"):
        if row["zh"] == row["en"] or "{" in row["zh"] or len(row["zh"]) < 6:
            continue  # short words (年度, 发布日期) are also labels a report prints, quoted on the English page
        assert row["zh"] not in en_prose, row["key"]
        assert row["en"] not in zh_prose, row["key"]
    # Chinese on the English page only in names (agencies) and report labels quoted as printed
    assert "方法说明" not in en_prose and "无法判断" not in en_prose and "未注明" not in en_prose
