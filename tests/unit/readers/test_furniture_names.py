"""The furniture scan's class/id XPath (`//*/@class|//*/@id`, which libxml2 answers by walking the elements only)
lists the same attributes, in the same order and of the same elements, as `//@class|//@id` (issue 16)."""
from __future__ import annotations

import random

from lxml import etree

from govreport.readers import html, html_page
from locations import DATA, REPO

FILES = sorted(DATA.glob("*.html")) + sorted((DATA / "real").glob("*.html")) + sorted((REPO / "data" / "raw").glob("*.htm*"))
_FULL = etree.XPath("//@class|//@id")


def _same(root) -> bool:
    got, want = html_page._NAMES(root), _FULL(root)
    return [(str(v), v.attrname, v.getparent()) for v in got] == [(str(v), v.attrname, v.getparent()) for v in want]


def test_every_real_page_lists_the_same_class_and_id_values():
    listed = 0
    for path in FILES:
        root = html._parse(html._decode(path.read_bytes(), path), path)
        assert _same(root), path
        listed += len(_FULL(root))
    assert len(FILES) > 5 and listed > 500


def test_random_pages_list_the_same_class_and_id_values():
    rnd = random.Random(1320)
    parser = etree.HTMLParser(remove_comments=False, remove_pis=False)
    tags = ["div", "p", "span", "td", "table", "tr", "ul", "li", "nav", "font", "br", "html", "body", "head"]
    attrs = ['class="nav"', 'id="x"', 'class="a b" id="c"', 'id="m" class="n"', 'ID="up"', 'Class="k"', "class", "",
             'data-class="no"', 'xml:id="q"', 'class=""']
    checked = 0
    for _ in range(1_500):
        parts = []
        for _ in range(rnd.randint(0, 25)):
            tag = rnd.choice(tags)
            parts.append(rnd.choice([f"<{tag} {rnd.choice(attrs)}>", f"</{tag}>", "text", "<!-- c -->", "<?pi x?>"]))
        page = rnd.choice(["", '<html class="root" id="r">', "<html>"]) + "".join(parts)
        try:
            root = etree.fromstring(page, parser)
        except etree.XMLSyntaxError:
            continue
        if root is None:
            continue
        assert _same(root), page
        checked += 1
    assert checked > 1_000
