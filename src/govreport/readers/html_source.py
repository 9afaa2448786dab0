"""An HTML page's bytes -> its text, and what libxml2 reads of it.

The text is UTF-8 (with or without BOM), else what the page's own <meta charset> names when that yields Chinese,
else detected (encoding.decode_bytes). libxml2 is given the page after its prolog as UTF-8 bytes: the file's own
when they are UTF-8, else the text encoded by Python; lxml would hand a str of a CJK page over as UTF-16, for
libxml2 to convert back (html._parse).
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Optional, Union

from govreport.readers.encoding import decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?", re.IGNORECASE)
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def page_text(data: bytes, path: Path) -> tuple[str, Optional[bytes]]:
    """The page's text: UTF-8/BOM first; bytes that are not UTF-8 follow the page's own <meta charset>. And the bytes
    it is the UTF-8 reading of, if any (the page's after a UTF-8 BOM, or all of them): libxml2 reads those
    themselves (parser_input)."""
    if data.startswith(b"\xef\xbb\xbf"):  # (decode_bytes reads what follows the BOM as UTF-8, errors replaced)
        body = data[3:]
        try:
            return body.decode("utf-8"), body
        except UnicodeDecodeError:
            return decode_bytes(data, path), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, path), None
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError:
        pass
    declared = _declared_codec(data[:4096])
    if declared is not None:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None  # the declaration lies; fall back to detection
        # A Western code page (a server default) read over Chinese bytes yields no
        # CJK at all; these reports are Chinese, so then detection decides.
        if text is not None and _cjk_over(text, 0.01):
            return text, None
    return decode_bytes(data, path), None


def _cjk_over(text: str, share: float) -> bool:
    """Are more than ``share`` of the first 50,000 characters CJK ideographs? They are counted (by runs) only until
    the share is passed: a Chinese page passes 1 % within its first lines, where listing every CJK character of
    the sample cost ~0.3 ms of a GBK page's read. A count's share only grows, so the first share over is the whole
    sample's. (tests/unit/readers/test_html_utf8_source.py compares it with the full count.)"""
    n = max(min(len(text), _SAMPLE), 1)
    count = 0
    for run in _CJK_RUN.finditer(text, 0, _SAMPLE):
        count += run.end() - run.start()
        if count / n > share:
            return True
    return False


_SAMPLE = 50_000


def _declared_codec(head: bytes) -> Optional[str]:
    m = _META_CHARSET.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii", "replace")).name
    except LookupError:
        return None
    # GB2312 and GBK pages routinely contain characters only GB18030 defines.
    return "gb18030" if name in {"gbk", "gb2312", "gb18030", "hz"} else name


def parser_input(page: str, data: Optional[bytes] = None) -> Union[str, bytes]:
    """What libxml2 reads of ``page``: what follows its prolog, as UTF-8 bytes. The prolog goes first: lxml refuses a
    str with an encoding declaration, and a DOCTYPE internal subset would otherwise leak as text. lxml hands a str
    over as UTF-16 (a CJK page) for libxml2 to convert to UTF-8, which costs more than Python's own encoding (~8 %
    of the parse); ``data``, the bytes ``page`` was read from as UTF-8, need no encoding at all. The str itself
    when it still opens with "<?xml" (lxml refuses it, and must go on refusing it) or is no UTF-8 (a lone
    surrogate). (tests/unit/readers/test_html_utf8_source.py compares the trees of the two inputs.)"""
    text = _strip_prolog(page)
    if text.startswith("<?xml"):
        return text
    if data is not None:  # (text ends the page: its bytes follow the prolog's)
        return data if len(text) == len(page) else data[len(page[:len(page) - len(text)].encode("utf-8")):]
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text


def _strip_prolog(text: str) -> str:
    """Drop a leading XML declaration and DOCTYPE (with its [...] internal subset), by a
    scan: the regex this replaces backtracked exponentially over unclosed brackets
    ("<!DOCTYPE " + "[]]" * 18 took 21 s, beyond SIGALRM's reach)."""
    start = _XML_DECL.match(text).end()
    if text[start:start + 9].upper() != "<!DOCTYPE":
        return text[start:]
    i = start + 9
    while i < len(text):
        ch = text[i]
        if ch == ">":
            return text[i + 1:]
        if ch == "[":
            close = text.find("]", i + 1)
            if close < 0:
                break
            i = close
        i += 1
    return text[start:]  # no end to the DOCTYPE: leave it to the parser
