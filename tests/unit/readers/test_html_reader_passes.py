"""The HTML reader's shortcuts give what the full passes they replace gave (issue 16: reading HTML).

The depth limits are asked of libxml2's XPath instead of a Python walk over every element; site furniture is
looked for only among the elements a class/id scan names; each table cell is read once (its text and the
tables nested in it). Each test pins a boundary of one of those shortcuts, on hand-made pages.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree

from govreport.errors import ReportError
from govreport.readers import html, html_page, read_document
from govreport.readers.html import MAX_TABLE_NESTING, read_html
from govreport.readers.limits import LIMITS
from locations import DATA

TABLE = "<p>一、总体情况</p><table><tr><td>申请</td><td>12</td></tr></table>"


def _page(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<html><head><title>t</title></head><body>{body}</body></html>", encoding="utf-8")
    return path


def _texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if b.kind == "text"]


# --------------------------------------------------------------------------- depth limits

def test_a_page_exactly_as_deep_as_the_limit_is_read(tmp_path):
    # <html> and <body> are levels 1 and 2: this note's <span> is at the limit itself
    n = LIMITS.max_html_depth - 3
    doc = read_html(_page(tmp_path, "<div>" * n + "<span>附注</span>" + "</div>" * n + TABLE))
    assert "附注" in _texts(doc) and doc.tables[0].rows == (("申请", "12"),)


def test_one_level_beyond_the_limit_is_refused(tmp_path):
    n = LIMITS.max_html_depth - 2
    with pytest.raises(ReportError) as err:
        read_html(_page(tmp_path, "<div>" * n + "<span>附注</span>" + "</div>" * n + TABLE))
    assert f"nested more than {LIMITS.max_html_depth} deep" in err.value.problem


def test_a_limit_beyond_what_an_xpath_can_ask_is_walked_instead(tmp_path, monkeypatch):
    # libxml2 refuses an XPath of ~5,000 nested steps: a limit that high is measured by a walk
    monkeypatch.setattr(html_page, "LIMITS", dataclasses.replace(LIMITS, max_html_depth=10_000))
    doc = read_html(_page(tmp_path, "<div>" * 600 + "<span>附注</span>" + "</div>" * 600 + TABLE))
    assert "附注" in _texts(doc)
    monkeypatch.setattr(html_page, "LIMITS", dataclasses.replace(LIMITS, max_html_depth=5_000 + 10))
    assert not html_page._deeper_than(html._parse("<html><body><p>x</p></body></html>", tmp_path), 5_010)


def test_tables_nested_as_deep_as_allowed_are_read_and_one_more_is_refused(tmp_path):
    def nested(n: int) -> str:
        return "<table><tr><td>甲" * n + "</td></tr></table>" * n

    doc = read_html(_page(tmp_path, nested(MAX_TABLE_NESTING) + TABLE, "ok.html"))
    assert ("申请", "12") in doc.tables[-1].rows
    with pytest.raises(ReportError) as err:
        read_html(_page(tmp_path, nested(MAX_TABLE_NESTING + 1) + TABLE, "deep.html"))
    assert err.value.problem == f"tables nested more than {MAX_TABLE_NESTING} deep"


def test_nested_tables_keep_their_reason_when_the_page_is_also_too_deep(tmp_path):
    # both limits broken: the tables' reason is the one given (as before the XPath tests)
    body = "<div>" * 450 + "<table><tr><td>1" * 60 + "</td></tr></table>" * 60 + "</div>" * 450
    with pytest.raises(ReportError) as err:
        read_document(_page(tmp_path, body))
    assert err.value.problem == f"tables nested more than {MAX_TABLE_NESTING} deep"


# --------------------------------------------------------------------------- furniture

def test_furniture_classes_in_any_case_and_spelling_are_dropped_and_their_tail_kept(tmp_path):
    body = ('<div class="NAV-bar">导航</div>甲<div id="Header_top">页头</div>乙'
            '<div class="x-copyright">版权所有</div><div class="İ nav">菜单</div>'
            '<div class="İnav">正文一</div><div class="navigation">正文二</div>' + TABLE)
    texts = _texts(read_html(_page(tmp_path, body)))
    assert "导航" not in texts and "页头" not in texts and "版权所有" not in texts and "菜单" not in texts
    # "i̇nav" and "navigation" are no furniture tokens (the class is cut at spaces, _ and -, lower-cased)
    assert "正文一" in texts and "正文二" in texts
    assert "甲" in "".join(texts) and "乙" in "".join(texts)


def test_furniture_holding_a_table_of_numbers_is_kept(tmp_path):
    body = '<div class="sidebar"><table><tr><td>申请</td><td>12</td></tr></table></div>'
    doc = read_html(_page(tmp_path, body))
    assert doc.tables[0].rows == (("申请", "12"),)


@pytest.mark.parametrize("name", ["html_gb2019_county.html", "real/putian_ptsslj_2020.html",
                                  "real/putian_pthyyyyj_2016.html"])
def test_every_furniture_element_of_a_real_page_is_a_candidate(name):
    # the candidates are the elements that a test of every element would find, and only a few of them
    path = DATA / name
    root = html._parse(html._decode(path.read_bytes(), path), path)
    candidates = html_page._furniture_candidates(root)
    every = [el for el in root.iter(etree.Element) if el.getparent() is not None and html_page._is_furniture(el, False)]
    assert every and all(any(el is c for c in candidates) for el in every)
    assert len(candidates) < len(list(root.iter(etree.Element))) / 10


# --------------------------------------------------------------------------- cells read once

def test_tables_nested_in_cells_follow_their_table_in_document_order(tmp_path):
    body = ("<table><tr><td>项目</td><td>数量</td></tr>"
            "<tr><td>申请<div><table><tr><td>甲</td><td>1</td></tr></table></div></td><td>12</td></tr>"
            "<tr><td>答复<table><tr><td>乙</td><td>2</td>"
            "<td><table><tr><td>丙</td><td>3</td></tr></table></td></tr></table></td><td>5</td></tr></table>")
    doc = read_html(_page(tmp_path, body))
    assert [t.rows[0][:2] for t in doc.tables] == [("项目", "数量"), ("甲", "1"), ("乙", "2"), ("丙", "3")]
    assert doc.tables[0].rows[1:] == (("申请", "12"), ("答复", "5"))  # nested tables' text stays out of the cell
