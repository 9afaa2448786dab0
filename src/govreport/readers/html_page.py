"""Which parts of a parsed HTML page are the report: depth limits and site furniture.

A page nested deeper than the limits is refused in one line (never read truncated); scripts, styles and forms
are dropped, and so is site furniture (navigation, headers, footers, sidebars) unless the article itself holds
it or it holds a table with numbers. Both are asked of libxml2 where it can answer (XPath), so most elements of
a page are never made Python objects.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_right
from itertools import accumulate, count, islice
from operator import add
from pathlib import Path
from typing import Optional

from lxml import etree

from govreport.errors import ReportError
from govreport.readers.limits import LIMITS

MAX_TABLE_NESTING = 50      # tables inside tables deeper than this are refused

# Elements whose content is never report text.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "applet",
              "svg", "math", "canvas", "button", "select", "input", "textarea", "form")
# Site furniture: dropped unless inside the article itself, and never when it
# holds a table with numbers.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_FURNITURE_TOKENS = frozenset({"nav", "navbar", "menu", "header", "footer", "breadcrumb", "crumb",
                               "crumbs", "sidebar", "topbar", "banner", "copyright"})
_CONTENT_TAGS = frozenset({"article", "main"})
_TABLE_PARTS = frozenset({"html", "body", "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup", "col"})
_NAME_SEP = re.compile(r"[\s_\-]+")  # splits class and id values into tokens
_DIGIT = re.compile(r"[0-9０-９]")


def check_depth(root, path: Path, stopped: bool) -> None:
    """Refuse a page nested deeper than the limits (and one the parser gave up on) with one
    line, instead of returning it truncated. Both depths are asked of libxml2's XPath, in C (a walk
    over every element in Python was 6 % of a read); tables nested too deep get their own, more
    telling, reason."""
    if next(islice(root.iter("table"), MAX_TABLE_NESTING, None), None) is not None and _tables_too_deep(root):
        # (asked only of a page with more tables than that: most pages have a handful)
        raise ReportError(path, f"tables nested more than {MAX_TABLE_NESTING} deep")
    if stopped or _deeper_than(root, LIMITS.max_html_depth):
        raise ReportError(path, f"HTML elements nested more than {LIMITS.max_html_depth} deep: refused "
                                "(reading it would lose the rest of the page)")


# a table with MAX_TABLE_NESTING tables above it: MAX_TABLE_NESTING + 1 tables on one branch
_tables_too_deep = etree.XPath(f"boolean(//table[ancestor::table[{MAX_TABLE_NESTING}]])")


def _deeper_than(root, limit: int) -> bool:
    """Is any node (element, or a comment or PI left in the tree) more than ``limit`` levels below the
    document (the root element is level 1)? An XPath of one child step per level visits each node once at
    most; libxml2 refuses XPaths nested much deeper than 2,000 steps, so a larger limit is walked here."""
    if limit <= _XPATH_STEPS:
        return _depth_xpath(limit)(root)
    depth = deepest = 0
    for event, _el in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest > limit


_XPATH_STEPS = 2_000


@functools.lru_cache(maxsize=4)
def _depth_xpath(limit: int):
    return etree.XPath("boolean(" + "/*" * limit + "/node()[not(self::text())])")


def strip_furniture(root) -> None:
    """Drop what is never report text (scripts, forms …) and site furniture, keeping the text that follows."""
    for el in list(root.iter(*_DROP_TAGS)):
        _drop(el)
    # the (rare) <article>/<main> and furniture tags, found in one pass over the tree
    marked = list(root.iter(*_CONTENT_TAGS, *_FURNITURE_TAGS))
    # inside <article>/<main>: found once for the tree, not by walking up from every element
    in_content = {d for c in marked if c.tag in _CONTENT_TAGS for d in c.iterdescendants()}
    for el in _furniture_candidates(root, [el for el in marked if el.tag in _FURNITURE_TAGS]):
        if el.getparent() is None or not _is_furniture(el, el in in_content):
            continue
        if any(_has_number(t) for t in el.iter("table")):
            continue
        _drop(el)


def _furniture_candidates(root, tags: Optional[list] = None) -> list:
    """The elements _is_furniture can accept, in document order: those whose lower-cased class or id holds a
    furniture token's letters (its tokens are cut from that), and the furniture tags. libxml2 lists the class and
    id values, one regex scan of them joined finds the few: most elements are never made Python objects (testing
    each one was 9 % of a read). ``tags``: the furniture tags in the tree, in document order, when known."""
    values = _NAMES(root)
    joined = "\0".join(values)
    lowered = joined.lower()
    if len(lowered) == len(joined):  # one character for one: a match's place is its value's place
        ends = list(map(add, accumulate(map(len, values)), count()))  # where each value ends in the joined text
        hits = sorted({bisect_right(ends, m.start()) for m in _TOKEN_LETTERS.finditer(lowered)})
    else:  # a character lower-cased to two (İ): value by value
        hits = [i for i, value in enumerate(values) if _TOKEN_LETTERS.search(value.lower())]
    found = []
    for i in hits:
        el = values[i].getparent()
        if not found or found[-1] is not el:  # an element's class and id are next to each other
            found.append(el)
    if tags is None:
        tags = list(root.iter(*_FURNITURE_TAGS))
    if tags:  # (rare) the two kinds, in document order
        wanted = set(found).union(tags)
        found = [el for el in root.iter(etree.Element) if el in wanted]
    return found


# (the same nodes as //@class|//@id: only elements have attributes; libxml2 walks only the elements for //*)
_NAMES = etree.XPath("//*/@class|//*/@id")
# each furniture token holds one of these (navbar: nav; crumbs, breadcrumb: crumb)
_TOKEN_LETTERS = re.compile("nav|menu|header|footer|crumb|sidebar|topbar|banner|copyright")


def _is_furniture(el, in_content: bool) -> bool:
    if in_content:  # an <article> or <main> holds it
        return el.tag == "nav"
    if el.tag in _FURNITURE_TAGS:
        return True
    if el.tag in _TABLE_PARTS:
        return False  # <td class="header"> is a table's header cell, not site furniture
    names = f"{el.get('class', '')} {el.get('id', '')}"
    if names == " ":  # no class, no id: no token (most elements)
        return False
    return not _FURNITURE_TOKENS.isdisjoint(_NAME_SEP.split(names.lower()))


def _drop(el) -> None:
    """Remove an element and its content, keeping the text that follows it (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _has_number(table) -> bool:
    return any(_DIGIT.search(t) for t in table.itertext())
