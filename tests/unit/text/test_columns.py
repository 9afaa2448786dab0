"""text/columns: the header words of the statistics tables (catalog/table_columns.csv), as readers ask for them."""
from __future__ import annotations

from govreport.text.columns import column_names, header_role, is_numbered, starts_new_label


def test_a_header_word_names_its_role():
    assert header_role("自然人") == "column" and header_role("申请人情况") == "group" and header_role("信息内容") == "label"


def test_a_header_word_is_matched_after_nfkc_and_without_spaces():
    assert header_role("本年收费金额（单位：万元）") == "column" and header_role("自 然 人") == "column"


def test_prose_is_no_header_word():
    assert header_role("本机关全年收到申请") is None


def test_plain_column_names_are_the_pieces_run_together_words_are_cut_into():
    names = column_names()
    assert "自然人" in names and "商业企业" in names and "结果维持" in names
    assert not any(n.startswith("^") for n in names)


def test_a_numbered_label_starts_a_new_row():
    assert starts_new_label("（六）其他") and starts_new_label(" 3.属于国家秘密")
    assert not starts_new_label("通知要求缴纳费用")
    assert is_numbered("一、总体情况") and not is_numbered("法提供")
