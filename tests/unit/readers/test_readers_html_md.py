"""Reader-level tests for HTML and Markdown reports and for encoding robustness.

These check what the readers hand to the extractor (blocks, grids, cell texts);
number parsing and full-width folding happen later and are not tested here.
Fixture cell positions are cited as the fixture's source lines.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from govreport.errors import ReportError
from govreport.readers import read_document
from govreport.readers.html import MAX_TABLE_CELLS, read_html
from govreport.readers.markdown import read_markdown
from locations import DATA, REPO

DATA = DATA
GB2019 = DATA / "html_gb2019_county.html"
GBK_LEGACY = DATA / "gbk_legacy_2012.html"
MD_GB2021 = DATA / "md_gb2021_small.md"
SEED_2018 = REPO / "data" / "raw" / "shapotou_gov_service_center_2018.txt"


def _write(tmp_path: Path, name: str, html: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


def _row_starting(table, label):
    return next(r for r in table.rows if r[0] == label)


@pytest.fixture(scope="module")
def gb2019():
    return read_html(GB2019)


# --- the gb2019 county page -------------------------------------------------------------

def test_gb2019_page_yields_three_report_tables_with_expanded_shapes(gb2019):
    # 二: 18 rows x 4 columns; 三: 3 header rows + 23 data rows x (3 label + 7 applicant) columns;
    # 四: 3 header rows + 1 data row x 15 columns (html_gb2019_county.html, the three <table border="1">).
    shapes = [(len(t.rows), {len(r) for r in t.rows}) for t in gb2019.tables]
    assert shapes == [(18, {4}), (26, {10}), (4, {15})]


def test_gb2019_layout_table_is_unwrapped_into_paragraphs(gb2019):
    # The whole article sits in a <td class="content"> of a 2-column layout table:
    # its title and prose must come out as text blocks, in order, before the tables.
    texts = [b.text for b in gb2019.blocks if b.kind == "text"]
    assert texts[0] == "青溪县人民政府办公室2019年政府信息公开工作年度报告"
    assert any("本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止" in t for t in texts)
    kinds = [b.kind if b.kind == "table" else b.text for b in gb2019.blocks]
    assert kinds.index("二、主动公开政府信息情况") < kinds.index("table") < kinds.index("三、收到和处理政府信息公开申请情况")


def test_gb2019_site_navigation_footer_and_scripts_are_dropped(gb2019):
    text = gb2019.full_text()
    for furniture in ("首页", "办事服务", "当前位置", "网站标识码", "ICP备", "相关报告", "2018年政府信息公开工作年度报告", "999", "_hmt", "MsoNormal", "搜索"):
        assert furniture not in text, furniture


def test_gb2019_applicant_header_spans_are_expanded(gb2019):
    sec3 = gb2019.tables[1]
    # <td colspan="7">申请人情况</td> covers columns 3..9 of row 1
    assert sec3.rows[0][3:] == ("申请人情况",) * 7
    # 自然人 rowspan=2, 法人或其他组织 colspan=5, 总计 rowspan=2
    assert sec3.rows[1][3:] == ("自然人",) + ("法人或其他组织",) * 5 + ("总计",)
    assert sec3.rows[2][3:] == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    # the 勾稽关系 note has colspan=3 rowspan=3: the top-left 3x3 block repeats it
    assert {c for r in sec3.rows[:3] for c in r[:3]} == {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"}


def test_gb2019_row_label_rowspans_are_repeated_down_the_grid(gb2019):
    sec3 = gb2019.tables[1]
    # 三、本年度办理结果 rowspan="20" covers （一）予以公开 … （七）总计
    result_rows = [r for r in sec3.rows if r[0] == "三、本年度办理结果"]
    assert len(result_rows) == 20
    assert result_rows[0][1] == "（一）予以公开" and result_rows[-1][1] == "（七）总计"
    # （三）不予公开 rowspan=8, （四）无法提供 rowspan=3, （五）不予处理 rowspan=5, （六）其他处理 one row
    counts = {g: sum(1 for r in result_rows if r[1] == g) for g in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")}
    assert counts == {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 1}
    # rows after the rowspan block start their own label again
    assert sec3.rows[-1][:3] == ("四、结转下年度继续办理",) * 3


def test_gb2019_blank_and_nbsp_cells_are_none(gb2019):
    sec2, sec3, sec4 = gb2019.tables
    # <tr><td>行政强制</td><td>12</td><td>&nbsp;</td><td>5</td></tr>
    assert _row_starting(sec2, "行政强制") == ("行政强制", "12", None, "5")
    # 1.属于国家秘密: seven &nbsp; cells
    secret = next(r for r in sec3.rows if r[2] == "1.属于国家秘密")
    assert secret[3:] == (None,) * 7
    # （一）予以公开: 6 | 1 | (empty <td>) x4 | 7
    granted = next(r for r in sec3.rows if r[1] == "（一）予以公开")
    assert granted[3:] == ("6", "1", None, None, None, None, "7")
    # 四: 1 0 0 0, then a blank 总计 and ten blank litigation cells
    assert sec4.rows[3] == ("1", "0", "0", "0") + (None,) * 11


def test_gb2019_br_inside_label_joins_without_space(gb2019):
    sec3 = gb2019.tables[1]
    labels = {r[1] for r in sec3.rows} | {r[2] for r in sec3.rows}
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "5.要求行政机关确认或重新出具已获取信息" in labels
    # 四 header: 结果<br/>维持
    assert gb2019.tables[2].rows[2][:2] == ("结果维持", "结果纠正")


def test_gb2019_full_width_digits_are_kept_at_reader_level(gb2019):
    # <td>１２</td> in 一、本年新收…: folding to 12 is normalize.py's job, not the reader's
    new = _row_starting(gb2019.tables[1], "一、本年新收政府信息公开申请数量")
    assert new[3:] == ("１２", "2", None, None, None, None, "14")


def test_gb2019_colspan_value_cell_is_written_once_in_its_first_column(gb2019):
    sec2 = gb2019.tables[0]
    # <td colspan="2">326.5万元</td> and <td colspan="2">/</td>: a number stands once, under the column it
    # starts in (repeating it would read as a second value); text labels still repeat over their span
    assert _row_starting(sec2, "政府集中采购") == ("政府集中采购", "14", "326.5万元", None)
    assert _row_starting(sec2, "行政事业性收费") == ("行政事业性收费", "6", "/", None)
    assert sec2.rows[0] == ("第二十条第（一）项",) * 4


def test_html_document_is_not_hard_wrapped(gb2019):
    assert gb2019.hard_wrapped is False and gb2019.format == "html"


# --- GBK legacy page -----------------------------------------------------------------------

def test_gbk_legacy_page_bytes_are_gbk_not_utf8():
    data = GBK_LEGACY.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "申请总数".encode("gbk") in data


def test_gbk_legacy_page_decodes_title_and_cells():
    doc = read_html(GBK_LEGACY)
    assert doc.blocks[0].kind == "text" and doc.blocks[0].text.startswith("清河市交通运输局")
    (table,) = doc.tables
    assert table.rows[0] == ("指标名称", "计量单位", "2012年度", "历年累计")
    assert _row_starting(table, "（一）申请总数") == ("（一）申请总数", "件", "５６", "431")
    assert _row_starting(table, "六、依申请公开信息收取的费用") == ("六、依申请公开信息收取的费用", "万元", "2500元", None)
    # 　　其中：… : the leading ideographic-space indent is stripped
    assert _row_starting(table, "其中：涉及国家秘密") == ("其中：涉及国家秘密", "件", "0", None)


def test_gbk_legacy_one_column_banner_tables_become_text():
    doc = read_html(GBK_LEGACY)
    assert len(doc.tables) == 1
    assert any(b.kind == "text" and b.text.startswith("版权所有") for b in doc.blocks)


def test_meta_charset_is_honoured_when_bytes_are_not_utf8(tmp_path):
    # Statistical detection alone reads these Big5 bytes as GB18030 (mojibake);
    # the page's own declaration decides.
    page = '<html><head><meta charset="big5"></head><body><p>政府資訊公開年度報告</p><table><tr><td>申請總數</td><td>件</td><td>12</td></tr></table></body></html>'
    doc = read_html(_write(tmp_path, "big5.html", page, "big5"))
    assert doc.blocks[0].text == "政府資訊公開年度報告"
    assert doc.tables[0].rows == (("申請總數", "件", "12"),)


def test_lying_meta_charset_falls_back_to_utf8(tmp_path):
    page = '<html><head><meta charset="gbk"></head><body><p>收到申请数</p></body></html>'
    doc = read_html(_write(tmp_path, "liar.html", page, "utf-8"))
    assert doc.blocks[0].text == "收到申请数"


def test_html_with_bom_is_decoded_without_the_bom(tmp_path):
    path = tmp_path / "bom.html"
    path.write_bytes(b"\xef\xbb\xbf" + "<p>申请答复数</p>".encode("utf-8"))
    doc = read_html(path)
    assert doc.blocks[0].text == "申请答复数"


def test_xml_declared_xhtml_is_read(tmp_path):
    page = '<?xml version="1.0" encoding="gbk"?>\n<html><body><p>申请答复数</p></body></html>'
    doc = read_html(_write(tmp_path, "x.xhtml", page, "gbk"))
    assert doc.blocks[0].text == "申请答复数"


# --- seed text in other encodings (generated, not committed) -------------------------------------

def test_seed_text_with_utf8_bom_reads_like_the_original(tmp_path):
    original = read_document(SEED_2018)
    copy = tmp_path / "seed_bom.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + SEED_2018.read_bytes())
    doc = read_document(copy)
    assert not doc.text_lines()[0].startswith("\ufeff")
    assert doc.text_lines() == original.text_lines()


def test_seed_text_encoded_as_gbk_reads_like_the_original(tmp_path):
    original = read_document(SEED_2018)
    copy = tmp_path / "seed_gbk.txt"
    copy.write_bytes(SEED_2018.read_text(encoding="utf-8").encode("gbk"))
    doc = read_document(copy)
    assert doc.text_lines() == original.text_lines()
    assert "中卫市沙坡头区政务服务中心 2018 年政府信息公开工作年度报告" in doc.text_lines()


def test_seed_text_as_gbk_markdown_is_decoded(tmp_path):
    copy = tmp_path / "seed_gbk.md"
    copy.write_bytes(SEED_2018.read_text(encoding="utf-8").encode("gbk"))
    doc = read_markdown(copy)
    assert "中卫市沙坡头区政务服务中心 2018 年政府信息公开工作年度报告" in doc.paragraphs()


# --- hostile or broken HTML ---------------------------------------------------------------

def test_script_style_and_embedded_content_are_removed(tmp_path):
    page = """<html><head><style>p{color:red}</style></head><body>
    <p>一、总体情况</p><script>alert("申请总数 999")</script><noscript>请启用脚本 998</noscript>
    <template><p>模板 997</p></template><iframe src="x">框架 996</iframe><object data="x">对象 995</object>
    <p>正文<script>var a=994;</script>继续</p></body></html>"""
    doc = read_html(_write(tmp_path, "s.html", page))
    assert [b.text for b in doc.blocks] == ["一、总体情况", "正文继续"]


def test_nested_data_table_becomes_its_own_block(tmp_path):
    page = """<table>
      <tr><td>指标名称</td><td>数量</td></tr>
      <tr><td>收到申请数<table><tr><td>其中：网络申请数</td><td>7</td></tr></table></td><td>12</td></tr>
    </table>"""
    doc = read_html(_write(tmp_path, "n.html", page))
    outer, inner = doc.tables
    assert outer.rows == (("指标名称", "数量"), ("收到申请数", "12"))
    assert inner.rows == (("其中：网络申请数", "7"),)


def test_layout_table_does_not_swallow_the_report_table(tmp_path):
    page = """<table width="100%"><tr><td><h1>某县2019年政府信息公开工作年度报告</h1>
      <p>一、总体情况</p>
      <table><tr><td>行政许可</td><td>156</td></tr></table>
      <p>二、其他</p></td></tr></table>"""
    doc = read_html(_write(tmp_path, "l.html", page))
    assert [b.text if b.kind == "text" else b.rows for b in doc.blocks] == [
        "某县2019年政府信息公开工作年度报告", "一、总体情况", (("行政许可", "156"),), "二、其他"]


def test_garbage_spans_are_clamped(tmp_path):
    page = """<table>
      <tr><td colspan="0">a</td><td colspan="abc">b</td><td rowspan="-1">c</td></tr>
      <tr><td colspan="1000000">wide</td></tr>
      <tr><td rowspan="1000000">tall</td><td>1</td><td>2</td></tr>
      <tr><td>3</td><td>4</td></tr>
    </table>"""
    doc = read_html(_write(tmp_path, "g.html", page))
    assert doc.tables[0].rows == (
        ("a", "b", "c"),
        ("wide", "wide", "wide"),  # a colspan wider than the table spans the table
        ("tall", "1", "2"),
        ("tall", "3", "4"),        # rowspan clamped to the rows that exist
    )


def test_doctype_entities_are_not_expanded(tmp_path):
    page = """<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY boom "申请申请申请申请">
]>
<html><body><p>收到申请数&xxe;&boom;</p><table><tr><td>&xxe;</td><td>1</td></tr></table></body></html>"""
    doc = read_html(_write(tmp_path, "xxe.html", page))
    text = doc.full_text()
    assert "root:" not in text and "/bin/" not in text
    assert "申请申请" not in text and "]>" not in text
    assert doc.blocks[0].text.startswith("收到申请数")


def test_huge_span_expansion_is_refused_quickly(tmp_path):
    rows = '<tr><td colspan="1000">x</td></tr>' * 300   # 300 000 cells after expansion
    path = _write(tmp_path, "huge.html", f"<table><tr>{'<td>1</td>' * 1000}</tr>{rows}</table>")
    start = time.monotonic()
    with pytest.raises(ReportError, match="cells"):
        read_html(path)
    assert time.monotonic() - start < 10
    assert 300 * 1000 > MAX_TABLE_CELLS


def test_huge_colspan_alone_is_clamped_not_expanded(tmp_path):
    path = _write(tmp_path, "wide.html", '<table><tr><td colspan="99999999">x</td><td>1</td></tr></table>')
    doc = read_html(path)
    assert doc.tables[0].rows == (("x", "1"),)


def test_tables_nested_too_deep_are_refused(tmp_path):
    page = "<table><tr><td>1" * 60 + "</td></tr></table>" * 60
    with pytest.raises(ReportError, match="nested"):
        read_html(_write(tmp_path, "deep.html", page))


def test_page_without_text_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="no text"):
        read_html(_write(tmp_path, "empty.html", "<html><body><script>1</script></body></html>"))


def test_read_document_dispatches_html_and_markdown():
    assert read_document(GB2019).format == "html"
    assert read_document(MD_GB2021).format == "md"


# --- Markdown -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def md():
    return read_markdown(MD_GB2021)


def test_markdown_pipe_tables_become_grids(md):
    # md_gb2021_small.md: （一）项, （五）项, （六）项, （八）项, 三, 四
    assert [(len(t.rows), len(t.rows[0])) for t in md.tables] == [(3, 4), (2, 2), (3, 2), (2, 2), (26, 8), (2, 15)]
    sec3 = md.tables[4]
    assert sec3.rows[1] == ("一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119")
    assert sec3.rows[-1][0] == "四、结转下年度继续办理"
    assert md.tables[5].rows[1][:5] == ("72", "64", "178", "37", "351")


def test_markdown_headings_quotes_bullets_and_comments_are_plain_paragraphs(md):
    texts = [b.text for b in md.blocks if b.kind == "text"]
    assert texts[0] == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert "一、总体情况" in texts and "第二十条第（一）项" in texts  # '## ' and '**…**' stripped
    assert "组织召开新闻发布会12场。" in texts                        # '- ' stripped
    assert "对照上级新要求和公众新期待，还有一些需要加强和改进的地方：一是政策解读质量仍需提升；二是政务公开队伍建设还需进一步加强。" in texts
    assert not any("Test fixture" in t for t in texts)
    # a paragraph's two source lines are joined without a space
    assert "规定编制。报告所列统计期限自2024年1月1日至2024年12月31日。" in texts[1]


def test_markdown_empty_cells_are_none_and_escaped_pipes_kept(tmp_path):
    path = tmp_path / "t.md"
    path.write_text("| 指标 | 数量 | 备注 |\n|---|--:|---|\n| 1.当面申请数 |  | a \\| b |\n| 2.传真申请数 | 3 |\n", encoding="utf-8")
    (table,) = read_markdown(path).tables
    assert table.rows == (("指标", "数量", "备注"), ("1.当面申请数", None, "a | b"), ("2.传真申请数", "3", None))


def test_markdown_keeps_ordered_numbers_that_are_part_of_labels(tmp_path):
    path = tmp_path / "o.md"
    path.write_text("1.属于国家秘密 2\n\n1. 当面申请数 3\n", encoding="utf-8")
    assert [b.text for b in read_markdown(path).blocks] == ["1.属于国家秘密 2", "1. 当面申请数 3"]


def test_markdown_without_text_is_a_report_error(tmp_path):
    path = tmp_path / "blank.md"
    path.write_text("<!-- nothing -->\n\n---\n", encoding="utf-8")
    with pytest.raises(ReportError):
        read_markdown(path)


def test_western_meta_charset_over_gbk_bytes_is_overruled(tmp_path):
    # A server default 'iso-8859-1' declared over GBK bytes would give mojibake.
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body><p>政府信息公开工作年度报告</p></body></html>'
    doc = read_html(_write(tmp_path, "latin.html", page, "gbk"))
    assert doc.blocks[0].text == "政府信息公开工作年度报告"


def test_table_cells_with_furniture_class_names_are_kept(tmp_path):
    page = '<div class="nav">首页 政务公开</div><table><tr><td class="header">指标名称</td><th id="header">数量</th></tr><tr><td>收到申请数</td><td>5</td></tr></table>'
    doc = read_html(_write(tmp_path, "cls.html", page))
    assert [b.kind for b in doc.blocks] == ["table"]
    assert doc.tables[0].rows == (("指标名称", "数量"), ("收到申请数", "5"))
