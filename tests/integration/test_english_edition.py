"""The English edition speaks English, the Chinese one Chinese (issue 19, item 2).

Charts are checked on their matplotlib text objects (cheaper than reading PNGs);
pages on the seed project's English site, built once and shared with the browser
tests (``publish_helpers.built_bilingual_project``). On an English page the only
Chinese allowed is the agency's Chinese name in brackets beside its English form.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
from lxml import html as lxml_html
from matplotlib.text import Text

from publish_helpers import built_bilingual_project, page_text

CJK = re.compile(r"[\u3400-\u9fff]")
SEED_ZH = "沙坡头区政务服务中心"
SEED_EN = "Shapotou District Government Service Center"


def _figure_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _without_agency_names(text: str) -> str:
    """English text with the bracketed Chinese agency names beside their English forms removed."""
    return re.sub(r"\((?:[\u3400-\u9fff]+/)?[\u3400-\u9fff]+\)", " ", text)


# ---- charts: every label drawn in English -------------------------------------------------

def test_english_bar_chart_names_bars_by_metric_not_by_the_chinese_report_label():
    from govreport.report import charts, tables

    rows = pd.DataFrame({"metric": ["art20.licensing.decisions", "art20.punishment.decisions"],
                         "source_label": ["行政许可", "行政处罚"], "value": [12.0, 3.0], "unit": ["件", "件"],
                         "provenance": ["matched_exact", "matched_exact"]})
    chart = tables.bar_chart(rows, "Decisions", "en")
    texts = _figure_texts(charts.draw(chart))
    assert "Licensing: decisions" in texts          # the table's English name, the same word as the bar
    assert [t for t in texts if CJK.search(t)] == []
    zh = _figure_texts(charts.draw(tables.bar_chart(rows, "处理决定", "zh")))
    assert "行政许可" in zh                           # the Chinese chart keeps the report's own label


# ---- caveats: the crosswalk's English caveat has no Chinese -----------------------------

def test_every_english_caveat_of_the_crosswalk_is_english():
    from govreport import catalog

    rows = catalog.read_csv("crosswalk.csv")
    chinese = [(r["series"], r["template"], r["caveat"]) for r in rows if CJK.search(r["caveat"])]
    assert chinese == []
    assert all(r["caveat_zh"] for r in rows if r["caveat"])        # and each has its Chinese twin


# ---- agency names in English, with the Chinese beside them -------------------------------

@pytest.mark.parametrize("chinese, english", [
    ("沙坡头区政务服务中心", "Shapotou District Government Service Center"),
    ("中卫市/沙坡头区政务服务中心", "Shapotou District Government Service Center, Zhongwei"),
    ("淮安市/洪泽区人民政府", "Hongze District People's Government, Huai'an"),
    ("淮安市洪泽区人民政府", "Hongze District People's Government, Huai'an"),
    ("三明市审计局", "Sanming City Audit Bureau"),
    ("江苏省淮安市人民政府", "Huai'an City People's Government, Jiangsu"),
    # the agencies of tests/data/real whose names the catalog lacked (their pages read "Keji Bureau",
    # "Minzuyuzongjiaoshiwu Bureau", "Haiyangyuyuye Bureau"): older and longer forms of bureau names
    ("莆田市科技局", "Putian City Science and Technology Bureau"),
    ("莆田市民族与宗教事务局", "Putian City Ethnic and Religious Affairs Bureau"),
    ("莆田市海洋与渔业局", "Putian City Ocean and Fisheries Bureau"),
])
def test_agency_english_name_is_catalog_words_plus_pinyin(chinese, english):
    from govreport.report.names_en import bilingual, english_name

    assert english_name(chinese) == english
    assert bilingual(chinese, "en") == f"{english} ({chinese})"
    assert bilingual(chinese, "zh") == chinese


def test_a_name_part_without_english_in_the_catalog_is_romanized_not_left_chinese():
    from govreport.report.names_en import english_name

    assert english_name("三明市档案馆") == "Sanming City Dang'an Hall"   # 档案 has no catalog English


# ---- the built English site ------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    return built_bilingual_project() / "reports"


def test_english_pages_name_the_agency_in_english_beside_the_chinese(site):
    for page in ("index.html", "yearly_report_2021.html"):
        text = page_text((site / "en" / page).read_text(encoding="utf-8"))
        assert f"{SEED_EN} ({SEED_ZH})" in text, page


def test_english_chart_alt_texts_and_caveats_carry_no_chinese(site):
    pages = sorted((site / "en").glob("*.html"))
    assert any(p.name.startswith("comparison_") for p in pages)
    for page in pages:
        tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        alts = [a for a in tree.xpath("//img/@alt") if CJK.search(_without_agency_names(a))]
        assert alts == [], (page.name, alts[:2])
        for table in tree.xpath("//table[thead/tr/th[normalize-space()='Caveat'] or tr/th[normalize-space()='Caveat']]"):
            heads = [th.text_content().strip() for th in table.xpath(".//th")]
            at = heads.index("Caveat")
            cells = [tr.xpath("./td")[at].text_content() for tr in table.xpath(".//tr[td]")]
            assert [c for c in cells if CJK.search(c)] == [], page.name


def test_one_count_of_numbers_read_per_page(site):
    """The overview, the parse summary and the data table give one number of table values read (HEAD said
    52 in the overview and 208 further down for Hongze 2023: one counted the total column only)."""
    for lang in ("en", "zh"):
        folder = site / ("en" if lang == "en" else "")
        for page in sorted(folder.glob("yearly_report_*.html")):
            text = page_text(page.read_text(encoding="utf-8"))
            if lang == "en":
                counts = re.findall(r"(\d+) numbers were read|tables give (\d+) values|All (\d+) values", text)
            else:
                counts = re.findall(r"统计表中共读出 (\d+) 个数字|统计表中共有 (\d+) 个数字|这份报告的全部 (\d+) 个数字", text)
            numbers = {int(n) for found in counts for n in found if n}
            assert len(counts) >= 2 and len(numbers) == 1, (page.name, counts)


# ---- the Chinese index: failure reasons in Chinese ------------------------------------

PROBLEMS = ["corrupt or truncated PDF (No /Root object! - Is this really a PDF?)", "empty file",
            "no text layer (scanned PDF?): OCR is needed before it can be parsed",
            "unsupported file type '.xyz' (expected one of .txt, .pdf)"]


def test_failures_carry_a_reason_code_from_a_closed_vocabulary():
    from govreport import catalog
    from govreport.catalog import failure_code

    codes = {r["code"] for r in catalog.read_csv("failure_reasons.csv")}
    assert [failure_code(p) for p in PROBLEMS] == ["corrupt_pdf", "empty_file", "scanned_pdf", "unsupported_type"]
    assert failure_code("something nobody foresaw") == "other" and "other" in codes


def test_chinese_index_gives_failure_reasons_in_chinese(tmp_path):
    from govreport.publish import index as publish
    failures = [{"path": f"data/raw/bad_{n}.pdf", "problem": p} for n, p in enumerate(PROBLEMS)]
    zh = page_text(publish.write_index(tmp_path / "index.html", [], [], [], lang="zh", failures=failures)
                   .read_text(encoding="utf-8"))
    assert "PDF 文件损坏或不完整" in zh and "文件为空" in zh
    words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"[\w./-]+\.(?:pdf|csv|xyz)\b|\b[a-z]+_[a-z_]+\b", " ", zh)))
    assert words <= {"govreport", "SHA", "CSV", "Parquet", "PDF", "JSON", "UTC"}, sorted(words)
    en = page_text(publish.write_index(tmp_path / "en.html", [], [], [], lang="en", failures=failures)
                   .read_text(encoding="utf-8"))
    assert PROBLEMS[0] in en and "The PDF is corrupt or truncated" in en      # the English line stays


# ---- every visible word of every English page ------------------------------------------------

def _visible_texts(tree) -> list[tuple[str, bool]]:
    """(text, marked) for each text node, alt and title of a page; ``marked`` when it sits inside an element
    the page declares as the report's own Chinese words (``lang="zh-…"``: an original-language quote, the
    link to the Chinese edition)."""
    out = []
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            continue
        marked = any(str(a.get("lang", "")).startswith("zh") for a in node.iterancestors()) or \
            str(node.get("lang", "")).startswith("zh")
        for text in (node.text, node.get("alt"), node.get("title")):
            if text and text.strip():
                out.append((text, marked))
        if node.tail and node.tail.strip():
            parent = node.getparent()
            tail_marked = parent is not None and (str(parent.get("lang", "")).startswith("zh") or any(
                str(a.get("lang", "")).startswith("zh") for a in parent.iterancestors()))
            out.append((node.tail, tail_marked))
    return out


def test_no_chinese_on_english_pages_outside_agency_names_and_marked_quotes(site):
    """Every text node, alt text and title of every English page: Chinese only in the agency name beside its
    English form, or inside an element marked lang="zh-CN" (the report's own words quoted as evidence, shown
    as such; the link to the Chinese edition). Table headers and chart descriptions are never marked."""
    pages = sorted((site / "en").glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "methods.html", "yearly_report_2018.html",
                                       "yearly_report_2021.html", "changes.html"}
    found = {}
    for page in pages:
        tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        bad = [t.strip()[:80] for t, marked in _visible_texts(tree)
               if not marked and CJK.search(_without_agency_names(t))]
        bad += [h for h in tree.xpath("//th//text()|//img/@alt|//h1//text()|//h2//text()|//h3//text()")
                if CJK.search(_without_agency_names(h))]
        marked = tree.xpath('//*[starts-with(@lang, "zh")]')
        bad += [m.text_content()[:40] for m in marked
                if "govreport-original" not in (m.get("class") or "") and m.get("hreflang") != "zh"]
        if bad:
            found[page.name] = bad[:8]
    assert found == {}


def test_english_table_rows_are_named_by_the_metric_in_english(site):
    """The section tables and sentences name a row by its metric's English name; the report's own label
    appears only in the copyable data table's column marked as the Chinese original."""
    tree = lxml_html.fromstring((site / "en" / "yearly_report_2021.html").read_text(encoding="utf-8"))
    originals = [m.text_content() for m in tree.xpath('//*[@class="govreport-original"]')]
    assert "行政许可" in originals                          # quoted once, marked as the report's words
    for marked in tree.xpath('//*[starts-with(@lang, "zh")]'):
        marked.drop_tree()
    text = tree.text_content()
    assert "Licensing: decisions" in text
    assert "(row: New requests received this year)" in text      # a sentence names its row in English
    assert not CJK.search(_without_agency_names(text))


def test_no_latin_words_on_chinese_pages(site):
    """The Chinese pages: Latin letters only in file names, hashes, codes and the allowed names."""
    allowed = {"govreport", "SHA", "CSV", "Parquet", "PDF", "JSON", "UTC", "XLSX", "DuckDB", "MIT", "CC", "BY"}
    found = {}
    for page in sorted(site.glob("*.html")):
        tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        for drop in tree.xpath("//script|//style|//code|//*[@lang='en']"):
            drop.drop_tree()
        prose = re.sub(r"\b[0-9a-f]{12,64}\b|[\w.-]+\.(?:txt|pdf|docx?|html?|md|csv|parquet|json|xlsx|duckdb)\b|"
                       r"https?://\S+|\b[a-z]+[_.][a-z_.]+\b", " ", tree.text_content())
        words = set(re.findall(r"[A-Za-z]{2,}", prose)) - allowed
        if words:
            found[page.name] = sorted(words)[:12]
    assert found == {}


def test_every_chart_of_the_english_stories_draws_english_text_only(site):
    """Each chart the English yearly and comparison pages embed, drawn again from the built project's data:
    titles, axes, bar labels, legends and notes carry no Chinese outside the bracketed agency name."""
    import govreport
    from govreport import report
    from govreport.report import charts
    import matplotlib.pyplot as plt

    data = govreport.load(site.parent / "data" / "processed")
    stories = [s for year in (2018, 2021) for s in report.year_stories(data, year, lang="en")]
    stories.append(report.comparison_story(data, "中卫市/沙坡头区政务服务中心", lang="en"))
    drawn = [c for story in stories for section in story.sections for c in section.charts]
    assert len(drawn) >= 3          # 2018 proactive bars, the comparison series, the prose-figure panels
    chinese = []
    for chart in drawn:
        figure = charts.draw(chart)
        chinese += [t for t in _figure_texts(figure) + [charts.describe(chart)]
                    if CJK.search(_without_agency_names(t))]
        plt.close(figure)
    assert chinese == []
