"""The HTML reader's per-cell shortcuts give what the full computations they skip give (issue 16: reading HTML).

A cell that is one block of plain text is read without _collect's pass; whitespace is squashed by a plain strip
when the text holds no run and no character other than " " that _WS takes; widths and spans that are plain
digits are read without their regexes, and a style without "th" is not searched for a width; a cell's
attributes are read by name from its attribute list; the walk reads an inline element with text only in place;
the head's <meta> and <link> tags, and the content and furniture tags, are each found in one pass.
Each is compared here with the full computation (as the reader did it before) on every cell and element of the
repository's HTML reports and on hand-made and random inputs.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from govreport.model import Block
from govreport.readers import html, html_page
from govreport.readers.html_page import strip_furniture
from govreport.readers.limits import checkpoint
from govreport.text.normalize import join_cjk_lines
from locations import DATA

_BR = html._BR
FILES = sorted(DATA.glob("*.html")) + sorted((DATA / "real").glob("*.html"))


def _tree(path: Path):
    root = html._parse(html._decode(path.read_bytes(), path), path)
    strip_furniture(root)
    return root


@pytest.fixture(scope="module")
def trees():
    return [_tree(path) for path in FILES]


# --------------------------------------------------------------------------- the full computations

def _collect_full(el, parts: list[str], tables: list) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if tag in html._BLOCK_TAGS:
            if tag == "table":
                tables.append(child)
            else:
                parts.append(_BR)
                _collect_full(child, parts, tables)
                parts.append(_BR)
        elif tag == "br":
            parts.append(_BR)
        elif isinstance(tag, str):
            _collect_full(child, parts, tables)
        if child.tail:
            parts.append(child.tail)


def _squash_full(text: str) -> str:
    if "\n" in text or "\r" in text:
        text = html._CJK_NEWLINE.sub("", text)
    return html._WS.sub(" ", text).strip()


def _cell_text_full(cell, tables: list):
    if len(cell):
        parts: list[str] = []
        _collect_full(cell, parts, tables)
        raw = "".join(parts)
    else:
        raw = cell.text or ""
    if _BR not in raw:
        return _squash_full(raw) or None
    lines = [_squash_full(line) for line in raw.split(_BR) if line and not line.isspace()]
    if len(lines) == 1:
        return lines[0] or None
    return join_cjk_lines([ln for ln in lines if ln]) or None


def _width_full(given, width):
    style = html._STYLE_WIDTH.search(given or "")
    if style:
        try:
            return float(style.group(1)) * (4 / 3 if style.group(2).lower() == "pt" else 1.0)
        except ValueError:
            return None
    m = html._WIDTH.fullmatch(width or "")
    try:
        return float(m.group(1)) if m else None
    except ValueError:
        return None


def _span_full(given: str, ceiling: int) -> int:
    m = html._LEADING_INT.match(given)
    if not m:
        return 1
    value = int(m.group(1)[:7])
    return 1 if value < 1 else min(value, ceiling)


def _cell_spec_full(cell):
    get = cell.get
    colspan, rowspan, style, width = get("colspan"), get("rowspan"), get("style"), get("width")
    return (_span_full(colspan, html.MAX_COLSPAN) if colspan else 1,
            _span_full(rowspan, html.MAX_ROWSPAN) if rowspan else 1,
            _width_full(style, width) if style or width else None)


class _FullWalker(html._Walker):
    """The walk with every element visited by _walk (no inline element read in place)."""

    def _walk(self, el, buf, table_depth, out):
        checkpoint()
        tag = el.tag
        if tag == "br":
            buf.append(_BR)
            return
        if tag == "table":
            html._flush(buf, out)
            self._table(el, table_depth + 1, out)
            return
        block = tag in html._BLOCK_TAGS
        if block:
            html._flush(buf, out)
        if el.text:
            buf.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self._walk(child, buf, table_depth, out)
            if child.tail:
                buf.append(child.tail)
        if block:
            html._flush(buf, out)


def _head_meta_full(root) -> dict:
    meta = {}
    title = root.find(".//title")
    if title is not None and (html._text_content(title) or "").strip():
        meta["title"] = " ".join(html._text_content(title).split())
    for el in root.iter("meta"):
        name, content = el.get("name") or el.get("property"), el.get("content")
        if name and content and content.strip() and len(content) < 500:
            meta.setdefault(name.strip(), " ".join(content.split()))
    for el in root.iter("link"):
        if (el.get("rel") or "").strip().lower() == "canonical" and (el.get("href") or "").strip():
            meta.setdefault("canonical", el.get("href").strip())
    return meta


def _strip_furniture_full(root) -> None:
    for el in list(root.iter(*html_page._DROP_TAGS)):
        html_page._drop(el)
    in_content = {d for c in root.iter(*html_page._CONTENT_TAGS) for d in c.iterdescendants()}
    for el in html_page._furniture_candidates(root):  # (its own pass for the furniture tags)
        if el.getparent() is None or not html_page._is_furniture(el, el in in_content):
            continue
        if any(html_page._has_number(t) for t in el.iter("table")):
            continue
        html_page._drop(el)


# --------------------------------------------------------------------------- real reports

def test_every_real_cell_reads_as_the_full_computation_reads_it(trees):
    n_one = 0
    for root in trees:
        for cell in root.iter("td", "th"):
            mine, full = [], []
            assert html._cell_text(cell, mine) == _cell_text_full(cell, full)
            assert mine == full
            assert html._cell_spec(cell) == _cell_spec_full(cell)
            n_one += html._one_paragraph(cell) is not None if len(cell) == 1 else 0
    assert n_one > 1_000  # the shortcut is what most Word cells take


def test_every_real_text_squashes_as_the_full_computation_squashes_it(trees):
    for root in trees:
        for text in root.itertext():
            assert html._squash(text) == _squash_full(text)


def test_every_real_page_walks_to_the_same_blocks(trees):
    for path in FILES:
        root = _tree(path)
        body = root.find("body")
        mine = html._Walker(path).blocks(body)
        full = _FullWalker(path).blocks(_tree(path).find("body"))
        assert mine == full and all(isinstance(b, Block) for b in mine)


def test_every_real_head_and_furniture_is_read_as_the_separate_passes_read_them():
    for path in FILES:
        mine, full = (html._parse(html._decode(path.read_bytes(), path), path) for _ in range(2))
        assert list(html._head_meta(mine).items()) == list(_head_meta_full(full).items())
        strip_furniture(mine)
        _strip_furniture_full(full)
        assert html.etree.tostring(mine) == html.etree.tostring(full)


# --------------------------------------------------------------------------- hand-made and random inputs

_HEADS = [
    '<link rel="canonical" href="https://a/1"><meta name="canonical" content="m"><meta name="Author" content="x">',
    '<link rel="canonical" href=" "><link rel=" Canonical " href="https://b/2 "><meta name="a" content="1">',
    '<meta property="og:title" content="t"><link rel="stylesheet" href="s.css"><meta name="a" content="2">'
    '<link rel="canonical" href="https://c/3"><link rel="canonical" href="https://c/4">',
    '<meta name="a" content=" "><meta name="b" content="' + "长" * 600 + '"><link rel="canonical">',
]
_BODIES = [
    "<nav>站点导航<table><tr><td>1</td></tr></table></nav><article><nav>目录</nav><p>正文</p><footer>页脚</footer>"
    "</article><main><div class='header'>标题</div></main><aside>侧栏</aside><script>x</script>",
    "<div class='Sidebar'><article>文</article></div><header><form><main>m</main></form>h</header><p>p</p>",
    "<footer><nav>n</nav></footer><main><aside>a</aside><article><header>h</header></article></main>",
    # a furniture tag kept for its numbers: what it holds is not inside the article
    "<nav><table><tr><td>12</td></tr></table><div class='menu'>菜单</div></nav><p>p</p>",
]


def test_hand_made_heads_and_furniture_are_read_as_the_separate_passes_read_them(tmp_path):
    page = tmp_path / "page.html"
    for head in _HEADS:
        for body in _BODIES:
            page.write_text(f"<html><head>{head}</head><body>{body}<p>完</p></body></html>", encoding="utf-8")
            text = page.read_text(encoding="utf-8")
            mine, full = html._parse(text, page), html._parse(text, page)
            assert list(html._head_meta(mine).items()) == list(_head_meta_full(full).items())
            strip_furniture(mine)
            _strip_furniture_full(full)
            assert html.etree.tostring(mine) == html.etree.tostring(full)


_PIECES = ["<p>", "</p>", "<div>", "</div>", "<font>", "</font>", "<span>", "</span>", "<br>", "<b>", "</b>",
           "<table><tr><td>9</td></tr></table>", "<!-- c -->", "文字", "12", " ", "\n", "\u3000", "\xa0",
           "\u200b", "a  b", "\ue000", "\t", "（一）", "x\r\ny"]


def test_random_cells_read_as_the_full_computation_reads_them(tmp_path):
    rnd = random.Random(12)
    cells = ["<td>" + "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 9))) + "</td>" for _ in range(3000)]
    cells += ["<td><p>总计</p></td>", "<td> <p>总计</p>\n</td>", "<td>x<p>总计</p></td>", "<td><p>总计</p>y</td>",
              "<td><p>总<font>计</font>\ue000</p></td>", "<td><p></p></td>", "<td><p> \u3000</p></td>",
              "<td><p>a<font>b</font>c<span>d</span>e</p></td>", "<td><p>a<font>b<b>c</b></font></p></td>",
              "<td><h3>标题</h3></td>", "<td><p>a<br>b</p></td>", "<td><p>x<!-- c -->y</p></td>"]
    page = tmp_path / "cells.html"
    page.write_text("<html><body><table>" + "".join(f"<tr>{c}</tr>" for c in cells) + "</table></body></html>",
                    encoding="utf-8")
    root = html._parse(page.read_text(encoding="utf-8"), page)
    n = 0
    for cell in root.iter("td"):
        mine, full = [], []
        assert html._cell_text(cell, mine) == _cell_text_full(cell, full), html.etree.tostring(cell)
        assert mine == full
        n += 1
    assert n > 3000


def test_squash_of_every_character_and_random_texts():
    # every character _WS takes but " " is unprintable: the plain strip is only taken where _WS has no work
    for code in range(0x110000):
        ch = chr(code)
        if html._WS.fullmatch(ch) and ch != " ":
            assert not ch.isprintable(), hex(code)
    rnd = random.Random(3)
    alphabet = " \t\n\r\u3000\xa0\u200b\ufeff\u2028\x85中文a1（，"
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        assert html._squash(text) == _squash_full(text), repr(text)


def test_widths_and_spans_read_as_their_regexes_read_them():
    widths = ["58%", "200", " 200 ", "12.5", "12.5px", "1.2.3", "٣٤", "²", "", "0", "007", "1" * 400, "12 %", "%",
              "9px ", "x%", "5e3", "1_000", "١٢٣٤٥٦٧٨٩"]
    styles = [None, "", "background:#DEEAF6", "width:54pt", "WIDTH:54PT", "wİdth:10px", "wıdth:10px", "border:0;width:3px",
              "x;  Width : 7.5 pt", "height:12pt", "mso-width-alt:100", "width:1.2.3pt", "WIDTh:8px", "tH"]
    for style in styles:
        for width in widths + [None]:
            assert html._width(style, width) == _width_full(style, width), (style, width)
    rnd = random.Random(5)
    for _ in range(20_000):
        text = "".join(rnd.choice("0123456789 .%px٣²-+wWidthTHİı:;") for _ in range(rnd.randint(1, 10)))
        assert html._width(text, text) == _width_full(text, text), text
        assert html._width(None, text) == _width_full(None, text), text
        assert html._span(text, 1000) == _span_full(text, 1000), text
    for given in ["3", " 3", "03", "0", "-2", "2x", "٣", "²", "99999999", "12345678901", "1e3"]:
        assert html._span(given, 65_534) == _span_full(given, 65_534), given


def test_a_style_without_th_cannot_hold_a_width():
    # the prefilter's premise: _STYLE_WIDTH's "t" and "h" match only t/T and h/H
    for code in range(0x110000):
        ch = chr(code)
        if re.fullmatch("(?i)t", ch) or re.fullmatch("(?i)h", ch):
            assert ch.lower() in ("t", "h"), hex(code)
