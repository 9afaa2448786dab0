"""PDF and DOCX reports: the three real PDFs, and generated twins of one report.

The real PDFs (../shared/fixtures/pdf) must give every hand-checked value of
../shared/fixtures/expected straight from the PDF. The generated twins (tests/filegen.py)
print one report with non-zero, pairwise distinct numbers as text, as a ruled PDF with
merged cells, as an unruled PDF (numbers in columns of positioned text), and as a DOCX
with horizontally and vertically merged cells: each must parse to the same values.
"""
import json
import re
import shutil

import pytest

import filegen
import govreport
from conftest import FIXTURES, values_dict
from govreport.readers import read_document

PDF_CASES = ["huaian_gov_2024", "hongze_district_gov_2023", "hongze_district_gov_2024"]


def _expected(name):
    return json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))


def _reported(rep) -> dict:
    return values_dict(rep.values[rep.values["provenance"] == "reported"])


# ------------------------------------------------------------------ the real PDFs
@pytest.mark.parametrize("name", PDF_CASES)
def test_real_pdf_gives_every_hand_checked_value(fixtures_dir, name):
    exp = _expected(name)
    rep = govreport.parse(fixtures_dir / "pdf" / exp["pdf"])
    assert rep.meta["format"] == "pdf"
    assert (rep.meta["template"], rep.meta["year"], rep.meta["agency"]) == (exp["template"], exp["year"], exp["agency"])
    got = _reported(rep)
    wrong = {k: (v, got.get(k)) for k, v in exp["values"].items() if got.get(k) != v}
    assert wrong == {}
    assert set(got) == set(exp["values"])  # nothing read beyond the hand-checked values
    assert rep.unmapped.empty


@pytest.mark.parametrize("name, first_row_on_next_page, value_key, value", [
    # huaian p.4 ends at （四）1.本机关不掌握… 769; p.5 starts "法提供 | 2.没有现成信息需要另行制作 … 11"
    ("huaian_gov_2024", "2.没有现成信息需要另行制作", "outcome.unavailable.needs_creation|total", 11),
    # hongze 2024 p.3 ends at （四）1.本机关不掌握… 31; p.4 starts "2.没有现成信息需要另行制作 … 1"
    ("hongze_district_gov_2024", "2.没有现成信息需要另行制作", "outcome.unavailable.needs_creation|total", 1),
    # hongze 2023 p.3 ends at 2.没有现成信息需要另行制作 3; p.4 starts "3.补正后申请内容仍不明确 … 0"
    ("hongze_district_gov_2023", "3.补正后申请内容仍不明确", "outcome.unavailable.needs_creation|total", 3),
])
def test_section_3_table_split_over_two_pages_is_one_table(fixtures_dir, name, first_row_on_next_page, value_key, value):
    doc = read_document(fixtures_dir / "pdf" / f"{name}.pdf")
    sec3 = [t for t in doc.tables if any(r[0] and r[0].startswith("一、本年新收") for r in t.rows)]
    assert len(sec3) == 1
    labels = [c for r in sec3[0].rows for c in r if c]
    assert first_row_on_next_page in labels  # the rows of the next page joined this table
    assert "四、结转下年度继续办理" in labels
    assert _reported(govreport.parse(fixtures_dir / "pdf" / f"{name}.pdf"))[value_key] == value


def test_real_pdf_keeps_page_order_and_drops_page_numbers(fixtures_dir):
    doc = read_document(fixtures_dir / "pdf" / "huaian_gov_2024.pdf")
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == 6  # 6 pages, in order
    lines = doc.text_lines()
    order = [next(i for i, ln in enumerate(lines) if ln.startswith(h)) for h in
             ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
              "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")]
    assert order == sorted(order)
    texts = [b.text for b in doc.blocks if b.kind == "text"]
    assert not [t for t in texts if re.fullmatch(r"[-—\s]*\d{1,3}[-—\s]*", t)]  # "- 1 -" … "- 6 -" are dropped


def test_real_pdf_identity_breaks_are_findings(fixtures_dir):
    rep = govreport.parse(fixtures_dir / "pdf" / "hongze_district_gov_2023.pdf")
    fails = rep.findings[(rep.findings["state"] == "fail") & ~rep.findings["rule"].str.startswith("fact.")]
    # expected/hongze_district_gov_2023.json identity_breaks: 总计 printed 0 where the parts sum to 11 and 5
    assert sorted(zip(fails["rule"], fails["left"], fails["right"])) == [
        ("litigation.after_review.total", 0, 5), ("review.total", 0, 11)]


def test_real_pdf_with_spaces_and_chinese_in_its_name(fixtures_dir, tmp_path):
    target = tmp_path / "淮安 市政府 2024 年报（正式版）.pdf"
    shutil.copy(fixtures_dir / "pdf" / "huaian_gov_2024.pdf", target)
    rep = govreport.parse(target)
    assert rep.meta["source_file"] == str(target)
    assert _reported(rep) == _expected("huaian_gov_2024")["values"]


# ------------------------------------------------------------------ generated twins
@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """One report (filegen.Gb2021Report: numbers 11..257, 301..315, art20 1..4472) in every format."""
    d = tmp_path_factory.mktemp("twins")
    rep = filegen.Gb2021Report()
    (d / "twin.txt").write_text(filegen.to_text(rep), encoding="utf-8")
    return rep, {
        "text": d / "twin.txt",
        "pdf_ruled": filegen.to_pdf_ruled(rep, d / "twin_ruled.pdf"),
        "pdf_unruled": filegen.to_pdf_unruled(rep, d / "twin_unruled.pdf"),
        "docx": filegen.to_docx(rep, d / "twin.docx"),
    }


def test_text_twin_gives_the_generated_values(twins):
    rep, files = twins
    exp = rep.expected()
    assert len(exp) == 10 + 25 * 7 + 15  # art20 + section 三 + section 四, all printed
    assert exp["outcome.denied.state_secret|commercial"] == 52  # row 5 (r=4), column 2: (4+1)*10+2
    parsed = govreport.parse(files["text"])
    assert _reported(parsed) == exp
    assert parsed.unmapped.empty


@pytest.mark.parametrize("fmt", ["pdf_ruled", "pdf_unruled", "docx"])
def test_twin_parses_to_the_same_values_as_the_text(twins, fmt):
    rep, files = twins
    text = govreport.parse(files["text"])
    other = govreport.parse(files[fmt])
    assert other.meta["format"] == ("docx" if fmt == "docx" else "pdf")
    assert (other.meta["agency"], other.meta["year"], other.meta["template"]) == ("测试县人民政府", 2022, "gb2021")
    assert _reported(other) == _reported(text) == rep.expected()
    assert other.unmapped.empty
    labels = set(other.values["source_label"])
    assert "行政事业性收费" in labels and any(lb.endswith("3.其他") for lb in labels)  # label as printed


def test_ruled_pdf_expands_merged_cells_and_joins_the_page_break(twins):
    _, files = twins
    doc = read_document(files["pdf_ruled"])
    sec3 = next(t for t in doc.tables if len(t.rows[0]) == 10)
    # filegen cuts section 三 after 14 data rows; the second page's part is joined on (3 header + 25 data rows)
    assert len(sec3.rows) == 28
    assert {b.page for b in doc.tables} == {1, 2}
    row = next(r for r in sec3.rows if r[2] == "1.属于国家秘密")
    assert row == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "51", "52", "53", "54", "55", "56", "57")
    assert sec3.rows[1][4:9] == ("法人或其他组织",) * 5  # a colspan repeats its text (the Document contract)
    # first row on page 2: the vertically merged （四）无法提供 ran on without text; the join gives it back
    row = next(r for r in sec3.rows if r[2] == "3.补正后申请内容仍不明确")
    assert row == ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", "151", "152", "153", "154", "155", "156", "157")


def test_unruled_pdf_tables_are_read_by_position(twins):
    _, files = twins
    doc = read_document(files["pdf_unruled"])
    sec3 = next(t for t in doc.tables if t.rows[0][0] == "申请人情况")
    assert sec3.rows[0] == ("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    assert ("1.属于国家秘密", "51", "52", "53", "54", "55", "56", "57") in sec3.rows
    # a wrapped label is joined with its tail line; its numbers stay on its row
    assert ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "41", "42", "43", "44", "45", "46", "47") in sec3.rows
    # the table runs over the page break (3.其他 is on page 2) and is one table
    assert sec3.rows[-1] == ("四、结转下年度继续办理", "251", "252", "253", "254", "255", "256", "257")
    sec4 = next(t for t in doc.tables if len(t.rows[0]) == 16)
    assert sec4.rows[-1] == (None, *[str(301 + n) for n in range(15)])
    lines = doc.text_lines()
    assert "五、存在的主要问题及改进情况" in lines  # prose after the table stays text
    assert not any(ln in ("- 1 -", "- 2 -") for ln in lines)  # page numbers are page furniture


def test_unruled_pdf_row_with_blank_cells_keeps_numbers_under_their_applicants(tmp_path):
    rep = filegen.Gb2021Report()
    rep.sec3["outcome.granted"] = [None, "32", None, None, "35", None, "67"]  # printed: 商业企业 32, 法律服务机构 35, 总计 67
    rep.sec3["requests.carried_forward"] = [None] * 6 + ["257"]  # only 总计
    parsed = govreport.parse(filegen.to_pdf_unruled(rep, tmp_path / "blanks.pdf"))
    got = _reported(parsed)
    row = {k.split("|")[1]: v for k, v in got.items() if k.startswith("outcome.granted|")}
    assert {a: v for a, v in row.items() if v == v} == {"commercial": 32, "legal_service": 35, "total": 67}
    fwd = {k.split("|")[1]: v for k, v in got.items() if k.startswith("requests.carried_forward|")}
    assert {a: v for a, v in fwd.items() if v == v} == {"total": 257}
    assert parsed.unmapped.empty


def test_owner_password_only_pdf_is_read(tmp_path):
    """Opens without a password (many government PDFs do); reportlab garbles its font's CIDSystemInfo."""
    rep = filegen.Gb2021Report()
    parsed = govreport.parse(filegen.owner_password_pdf(rep, tmp_path / "owner.pdf"))
    assert parsed.meta["agency"] == "测试县人民政府"
    assert _reported(parsed) == rep.expected()


@pytest.mark.parametrize("make", ["docx", "html"])
def test_word_table_whose_rows_split_other_columns_reads_values_by_extent(tmp_path, make):
    """filegen.misaligned_*: data cell k covers a 4-pt sliver of header k-1 and the 40-pt body of header k."""
    rep = filegen.Gb2021Report()
    rep.sec3["outcome.granted"] = [None, "32", None, "34", "35", "36", "137"]
    path = (filegen.misaligned_docx(rep, tmp_path / "m.docx") if make == "docx"
            else filegen.misaligned_html(rep, tmp_path / "m.html"))
    doc = read_document(path)
    row = next(r for r in doc.tables[0].rows if r[0] == "（一）予以公开")
    assert row[-7:] == (None, "32", None, "34", "35", "36", "137")
    ex = govreport.extract.extract(doc, "gb2021")
    got = {(v["metric"], v["applicant"]): v["value"] for v in ex.values if v["value"] == v["value"]}
    assert got[("outcome.granted", "commercial")] == 32 and got[("outcome.granted", "total")] == 137
    assert ("outcome.granted", "natural_person") not in got
    assert got[("outcome.denied.state_secret", "natural_person")] == 51  # a full row: every value in place
    assert ex.unmapped == []


def test_html_value_straddling_two_columns_without_widths_is_unmapped_not_guessed(tmp_path):
    """Without width attributes a cell covering half of two header columns has no column: unmapped."""
    rep = filegen.Gb2021Report()
    rep.sec3["outcome.granted"] = [None, "32", None, "34", "35", "36", "137"]
    doc = read_document(filegen.misaligned_html(rep, tmp_path / "m.html", widths=False))
    ex = govreport.extract.extract(doc, "gb2021")
    placed = {(v["metric"], v["applicant"]) for v in ex.values if v["metric"] == "outcome.granted" and v["value"] == v["value"]}
    assert placed == set()
    assert sorted(u["raw"] for u in ex.unmapped if "予以公开" in u["source_label"]) == ["137", "32", "34", "35", "36"]


def test_docx_merged_cells_repeat_and_paragraphs_keep_order(twins):
    _, files = twins
    doc = read_document(files["docx"])
    assert doc.format == "docx" and not doc.hard_wrapped
    sec3 = next(t for t in doc.tables if len(t.rows[0]) == 10)
    row = next(r for r in sec3.rows if r[2] == "5.属于三类内部事务信息")
    # vMerge: 三、本年度办理结果 and （三）不予公开 come back in every row they cover
    assert row[:3] == ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息")
    assert row[3:] == ("91", "92", "93", "94", "95", "96", "97")
    header = sec3.rows[1]
    assert header[4:9] == ("法人或其他组织",) * 5  # gridSpan=5
    texts = [b.text for b in doc.blocks if b.kind == "text"]
    assert texts[0] == "测试县人民政府2022年政府信息公开工作年度报告"
    assert texts.index("三、收到和处理政府信息公开申请情况") < texts.index("五、存在的主要问题及改进情况")
    kinds = [("T" if b.kind == "text" else len(b.rows[0])) for b in doc.blocks]
    assert kinds.index(4) < kinds.index(10) < kinds.index(15)  # tables in body order


def test_blank_docx_cell_is_missing_not_zero(tmp_path):
    rep = filegen.Gb2021Report()
    rep.sec3["outcome.denied.admin_query"][1] = None  # 8.属于行政查询事项, 商业企业 left blank
    parsed = govreport.parse(filegen.to_docx(rep, tmp_path / "blank.docx"))
    v = parsed.values.set_index(["metric", "applicant"])["value"]
    assert v.isna()[("outcome.denied.admin_query", "commercial")]
    assert v[("outcome.denied.admin_query", "natural_person")] == 121
    assert v[("outcome.denied.admin_query", "research")] == 123


def test_blank_ruled_pdf_cell_is_missing_not_zero(tmp_path):
    rep = filegen.Gb2021Report()
    rep.sec3["outcome.not_processed.duplicate"][4] = None  # 2.重复申请, 法律服务机构 left blank
    parsed = govreport.parse(filegen.to_pdf_ruled(rep, tmp_path / "blank.pdf"))
    v = parsed.values.set_index(["metric", "applicant"])["value"]
    assert v.isna()[("outcome.not_processed.duplicate", "legal_service")]
    assert (v[("outcome.not_processed.duplicate", "social_org")], v[("outcome.not_processed.duplicate", "other_org")]) == (174, 176)
