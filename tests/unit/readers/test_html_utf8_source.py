"""libxml2 reads an HTML page as UTF-8 bytes, not as the str lxml would hand over as UTF-16 (issue 16: reading HTML).

html_source.parser_input gives libxml2 the page after its prolog as UTF-8: the file's own bytes when the page is
UTF-8 (after a BOM or without one), else the decoded text encoded by Python; the str itself only when it still
opens with "<?xml" (lxml refuses a str with an encoding declaration) or cannot be encoded (a lone surrogate). The
CJK share that decides a declared charset is counted only until it passes its threshold. The reference is the
reader as it was (the text decoded with the whole CJK count, the str after the prolog parsed):
every real page and random pages (NULs, BOMs, astral and Latin-1 characters, prologs with CJK internal subsets,
lying <meta charset>, XML declarations, control characters, deep nesting), written as UTF-8 and as GB18030, must
give the same tree, the same parser errors, and the same Document or refusal from read_html.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

from lxml import etree

from govreport.errors import ReportError
from govreport.readers import html, html_source
from govreport.readers.encoding import decode_bytes
from locations import DATA, REPO

FILES = sorted(DATA.glob("*.htm*")) + sorted((DATA / "real").glob("*.htm*")) + sorted((REPO / "data" / "raw").glob("*.htm*"))
_OPTIONS = dict(no_network=True, remove_comments=True, remove_pis=True, huge_tree=True)


def _as_str(page: str, data=None):
    """The reference: what _parse gave libxml2 before, the str after the prolog."""
    return html_source._strip_prolog(page)


def _tree(source, encoding=None):
    """The serialized tree (or the error) and the parser's errors, for one input."""
    parser = etree.HTMLParser(**_OPTIONS, encoding=encoding)
    try:
        root = etree.fromstring(source, parser)
        got = None if root is None else etree.tostring(root.getroottree())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        got = ("error", type(exc).__name__, str(exc))
    return got, [(e.type_name, e.message) for e in parser.error_log]


def _read(path: Path):
    """read_html's Document (every field, cell types too) or its refusal."""
    try:
        doc = html.read_html(path)
    except ReportError as exc:
        return ("refused", exc.problem)
    except ValueError as exc:  # (lxml refuses to write a control character when furniture is dropped: read_document
        return ("failed", type(exc).__name__, str(exc))  # reports it; it must fail alike)
    return (doc.format, [(b.kind, b.text, b.rows, b.page, [type(c).__name__ for r in b.rows for c in r])
                         for b in doc.blocks], doc.hard_wrapped, list(doc.meta.items()))


def _both_reads(path: Path, monkeypatch) -> tuple:
    mine = _read(path)
    with monkeypatch.context() as mp:  # the reader as it was: the text decoded as before, parsed as a str
        mp.setattr(html, "page_text", lambda data, path: (_decode_reference(data, path), None))
        mp.setattr(html, "parser_input", _as_str)
        reference = _read(path)
    return mine, reference


def _decode_reference(data: bytes, path: Path) -> str:
    """html._decode as it was: the whole CJK count (_cjk_share below) on the declared-codec path."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = html_source._declared_codec(data[:4096])
    if declared is not None:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None
        if text is not None and _cjk_share(text) > 0.01:
            return text
    return decode_bytes(data, path)


def _source(data: bytes, path: Path):
    text, own = html_source.page_text(data, path)
    return text, html_source.parser_input(text, own)


# --------------------------------------------------------------------------- real pages

def test_every_real_page_parses_to_the_same_tree_from_its_utf8_bytes():
    assert len(FILES) > 8
    own = 0
    for path in FILES:
        data = path.read_bytes()
        text, source = _source(data, path)
        assert isinstance(source, bytes)
        stripped = html_source._strip_prolog(text)
        assert source == stripped.encode("utf-8")
        own += source is data or data.endswith(source)
        assert _tree(source, "utf-8") == _tree(stripped), path
        assert text == _decode_reference(data, path)
    assert own >= 8  # the UTF-8 pages hand over their own bytes


def test_every_real_page_reads_to_the_same_document(monkeypatch):
    for path in FILES:
        mine, reference = _both_reads(path, monkeypatch)
        assert mine == reference, path
        assert mine[0] == "html"


# --------------------------------------------------------------------------- the cases kept on the str

def test_an_encoding_declaration_left_after_the_prolog_is_refused_as_before(tmp_path, monkeypatch):
    page = tmp_path / "decl.html"
    page.write_bytes("<?xml version='1.0'?><?xml version='1.0' encoding='gbk'?><p>正文</p>".encode("utf-8"))
    mine, reference = _both_reads(page, monkeypatch)
    assert mine == reference and mine[0] == "refused" and "encoding declaration" in mine[1]


def test_the_bytes_after_a_utf8_bom_are_handed_over_only_when_they_are_utf8(tmp_path, monkeypatch):
    page = "<html><body><p>正文 é</p></body></html>".encode("utf-8")
    for data, own in ((b"\xef\xbb\xbf" + page, page), (b"\xef\xbb\xbf" + page[:-20] + b"\xff" + page[-20:], None),
                      (b"\xef\xbb\xbf", b""), (page, page), ("<p>中</p>".encode("utf-16"), None),
                      ("<meta charset=gbk><p>政府</p>".encode("gb18030"), None)):
        text, got = html_source.page_text(data, tmp_path)
        assert got == own and text == _decode_reference(data, tmp_path)
        if own is not None:
            assert own.decode("utf-8") == text
        path = tmp_path / "bom.html"
        path.write_bytes(data)
        mine, reference = _both_reads(path, monkeypatch)
        assert mine == reference


def test_a_text_with_a_lone_surrogate_is_parsed_as_the_str():
    text = "<p>a\ud800b</p>"
    assert html_source.parser_input(text) == text


def test_the_prolog_is_cut_from_the_bytes_at_its_encoded_length():
    page = "<?xml version='1.0'?>\n<!DOCTYPE html [<!ENTITY 甲 '乙'>]>\n<p>正文 é 😀</p>"
    data = page.encode("utf-8")
    text = html_source._strip_prolog(page)
    assert len(text) < len(page)
    assert html_source.parser_input(page, data) == html_source.parser_input(page) == text.encode("utf-8")
    plain = "<p>正文 é 😀</p>"
    own = plain.encode("utf-8")
    assert html_source.parser_input(plain, own) is own  # no prolog: the bytes themselves


# --------------------------------------------------------------------------- random pages

_PIECES = ["<p>", "</p>", "<div>", "</div>", "<table><tr><td>", "</td><td>", "</td></tr></table>", "<br>", "<span>",
           "</span>", "<title>题</title>", "<meta name='Author' content='作者'>", "<meta charset='gbk'>",
           "<meta http-equiv='Content-Type' content='text/html; charset=big5'>", "<!-- 注释 -->", "<?pi x?>",
           "<script>var a='<p>';</script>", "<style>p{}</style>", "\x00", "\ufeff", "\x01", "\x0b", "\x7f", "\x85",
           "\ufffe", "\ue000", "😀", "𠀀", "é", "ü", "中文", "12", "3,456", " ", "\n", "\r\n", "\u3000", "\xa0", "&amp;",
           "&#0;", "&#x1F600;", "&nbsp;", "&bogus;", "&", "<", ">", "<![CDATA[x]]>", "<nav>导航</nav>", "</body>",
           "<body>", "</html>"]
_PROLOGS = ["", "", "<!DOCTYPE html>", "<?xml version='1.0'?>", "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>",
            "<!DOCTYPE html [<!ENTITY 甲 '乙'>]>", "\n  <!doctype html PUBLIC '-//W3C//DTD' 'é.dtd'>", "<!DOCTYPE [",
            "<?xml version='1.0' encoding='gbk'?>", "<?xml?><?xml version='1.0' encoding='x'?>"]


def _random_page(rnd: random.Random) -> str:
    body = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 30)))
    if rnd.random() < 0.03:
        body = "<div>" * 300 + body + "</div>" * 300  # deeper than libxml2's own limit without huge_tree
    return rnd.choice(_PROLOGS) + rnd.choice(["", "<html><head>", "<html><body>"]) + body


def test_random_pages_parse_to_the_same_trees():
    rnd = random.Random(1614)
    for _ in range(2_000):
        page = _random_page(rnd)
        text = html_source._strip_prolog(page)
        source = html_source.parser_input(page, page.encode("utf-8"))
        if isinstance(source, str):
            assert source == text and text.startswith("<?xml")
            continue
        assert _tree(source, "utf-8") == _tree(text), page


def test_random_pages_in_utf8_and_gb18030_read_to_the_same_documents(tmp_path, monkeypatch):
    rnd = random.Random(1615)
    kinds = set()
    for n in range(400):
        page = _random_page(rnd)
        encoding = rnd.choice(["utf-8", "utf-8", "gb18030", "utf-8-sig", "utf-16"])
        path = tmp_path / f"p{n}.html"
        path.write_bytes(page.encode(encoding))
        mine, reference = _both_reads(path, monkeypatch)
        assert mine == reference, (encoding, page)
        kinds.add((encoding, mine[0]))
    assert {("utf-8", "html"), ("gb18030", "html"), ("utf-8", "refused")} <= kinds


# --------------------------------------------------------------------------- the CJK share of a declared codec's text

def _cjk_share(text: str) -> float:
    """The full count _cjk_over stands for: every CJK character of the first 50,000 listed."""
    sample = text[:50_000]
    return len(re.findall("[\u4e00-\u9fff]", sample)) / max(len(sample), 1)


def test_the_cjk_share_counted_until_passed_is_the_full_count():
    rnd = random.Random(1616)
    alphabet = ["中", "文", "\u4e00", "\u9fff", "\u9fa5", "a", " ", "é", "\u3000", "、", "１", "\u4dff", "\ua000", "😀"]
    cases = ["", "a", "中", "a" * 99 + "中", "a" * 100 + "中", "中" * 500 + "a" * 49_500, "中" * 500 + "a" * 49_501,
             "a" * 49_500 + "中" * 501, "a" * 50_000 + "中" * 10_000, "中" * 501 + "a" * 60_000]
    for _ in range(1_000):
        n = rnd.choice([1, 2, 7, 99, 100, 101, 199, 1_000, 1_000, 1_000, 49_999, 50_000, 50_001, 80_000])
        share = rnd.choice([0.0, 0.001, 0.01, 0.02, 0.05])
        text = "".join(rnd.choice(alphabet) if rnd.random() < share * 3 else "x" for _ in range(min(n, 2_000)))
        cases.append(text + "x" * (n - len(text)))
    for text in cases:
        for share in (0.01, 0.0, 0.05):
            assert html_source._cjk_over(text, share) == (_cjk_share(text) > share), (len(text), share)


def test_a_gbk_page_declaring_its_charset_is_read_as_before(tmp_path, monkeypatch):
    for n, (head, body) in enumerate([("<meta charset='gbk'>", "政府信息公开" * 50), ("<meta charset='gb2312'>", "a" * 5_000 + "中"),
                                      ("<meta charset='iso-8859-1'>", "政府" + "x" * 400)]):
        path = tmp_path / f"g{n}.html"
        path.write_bytes(f"<html><head>{head}</head><body><p>{body}</p></body></html>".encode("gb18030"))
        mine, reference = _both_reads(path, monkeypatch)
        assert mine == reference and mine[0] == "html"
