"""pdfplumber's word grouping and plain text (``extract_words``, ``extract_text``) for upright characters: the same
words and the same text, without its generic machinery.

pdfplumber's WordExtractor serves every text direction through key functions, closures, generators and generic
box helpers; on a report page its word grouping and the cell texts were a fifth of reading (issue 16). For
characters that are all upright (every character of the PDFium path, nearly all of pdfplumber's) ``words`` and
``text`` take pdfplumber's own steps for its default directions (lines top to bottom, characters left to right):
lines are clusters of ``top`` (a value within the tolerance of the previous distinct value joins its cluster),
characters in the order given within a cluster, then sorted by x0; a word ends at a blank character, and before a
character that starts left of the previous one's start, more than x_tolerance right of its end, or more than
y_tolerance above or below its top. Anything else (a rotated character, an empty text) is left to pdfplumber.
tests/unit/readers/test_pdf_words.py compares both on real pages, so a pdfplumber that changes this is noticed.
The grouping runs compiled where readers/_pdfium_loops.c is built (readers/pdfium_compiled.helpers): the same
lists and dicts, for characters whose coordinates are floats; the Python loops here are the fallback and the
test's oracle.
"""
from __future__ import annotations

from operator import itemgetter

from govreport.readers.pdfium_compiled import helpers

_X0, _TOP = itemgetter("x0"), itemgetter("top")


def words(chars: list[dict], x_tolerance: float, y_tolerance: float) -> list[dict]:
    """``pdfplumber.utils.extract_words(chars, x_tolerance=…, y_tolerance=…, return_chars=True)``."""
    compiled = helpers()
    if compiled is not None:
        from pdfplumber.utils.text import LIGATURES

        found = compiled.words(chars, x_tolerance, y_tolerance, LIGATURES)
        if found is not None:
            return found
    return words_python(chars, x_tolerance, y_tolerance)


def words_python(chars: list[dict], x_tolerance: float, y_tolerance: float) -> list[dict]:
    """``words`` in Python: what the compiled grouping gives."""
    if not _plain(chars):
        from pdfplumber.utils import extract_words

        return extract_words(chars, return_chars=True, x_tolerance=x_tolerance, y_tolerance=y_tolerance)
    return [_merge(w) for w in word_chars_python(chars, x_tolerance, y_tolerance)]


def text(chars: list[dict], y_tolerance: float) -> str:
    """``pdfplumber.utils.extract_text(chars, y_tolerance=…)`` (pdfplumber's default x_tolerance, 3)."""
    if not chars:
        return ""
    from pdfplumber.utils.text import LIGATURES

    compiled = helpers()
    merged = compiled.words(chars, 3, y_tolerance, LIGATURES) if compiled is not None else None
    if merged is not None:  # each word's text and its characters' least top (min(): the first of equal ones)
        if len(merged) == 1:
            return merged[0]["text"]
        tops = [(w["top"], w["text"]) for w in merged]
        return "\n".join(" ".join(t for _top, t in line) for line in _lines(tops, itemgetter(0), y_tolerance))
    if not _plain(chars):
        from pdfplumber.utils import extract_text

        return extract_text(chars, y_tolerance=y_tolerance)
    found = word_chars_python(chars, 3, y_tolerance)
    if len(found) == 1:  # one word, one line: most cells
        return "".join(LIGATURES.get(c["text"], c["text"]) for c in found[0])
    tops = [(min(c["top"] for c in w), "".join(LIGATURES.get(c["text"], c["text"]) for c in w)) for w in found]
    return "\n".join(" ".join(t for _top, t in line) for line in _lines(tops, itemgetter(0), y_tolerance))


def _plain(chars: list[dict]) -> bool:
    """Every character upright, with a text: what this module reproduces."""
    for c in chars:
        if not c["upright"] or not c["text"]:
            return False
    return True


def _lines(objects: list, top, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects(objects, top, tolerance): the clusters in order of their values, each
    cluster's objects in their given order."""
    values = set(map(top, objects))
    if len(values) == 1:
        return [list(objects)]
    index: dict = {}
    n, last = -1, None
    for v in sorted(values):
        if last is None or v > last + tolerance:
            n += 1
        index[v] = n
        last = v
    clusters: list[list] = [[] for _ in range(n + 1)]
    for o in objects:
        clusters[index[top(o)]].append(o)
    return [c for c in clusters if c]


def word_chars_python(chars: list[dict], x_tolerance: float, y_tolerance: float) -> list[list[dict]]:
    """Each word's characters, in pdfplumber's order (WordExtractor.iter_chars_to_words for "ltr"), of plain
    characters (_plain): what the compiled word_chars gives."""
    out: list[list[dict]] = []
    for line in _lines(chars, _TOP, y_tolerance):
        current: list[dict] = []
        for char in sorted(line, key=_X0):
            if char["text"].isspace():
                if current:
                    out.append(current)
                current = []
                continue
            if current:
                prev = current[-1]
                x0 = char["x0"]
                if x0 < prev["x0"] or x0 > prev["x1"] + x_tolerance or abs(char["top"] - prev["top"]) > y_tolerance:
                    out.append(current)
                    current = [char]
                    continue
            current.append(char)
        if current:
            out.append(current)
    return out


def _merge(chars: list[dict]) -> dict:
    """WordExtractor.merge_chars for upright characters, with the characters (``return_chars``)."""
    from pdfplumber.utils.text import LIGATURES

    first = chars[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    for c in chars[1:]:  # min() and max() in one pass: each keeps the first of equal values, as they do
        if c["x0"] < x0:
            x0 = c["x0"]
        if c["top"] < top:
            top = c["top"]
        if c["x1"] > x1:
            x1 = c["x1"]
        if c["bottom"] > bottom:
            bottom = c["bottom"]
    return {
        "text": "".join(LIGATURES.get(c["text"], c["text"]) for c in chars),
        "x0": x0, "x1": x1, "top": top, "doctop": top + (first["doctop"] - first["top"]), "bottom": bottom,
        "upright": first["upright"], "height": bottom - top, "width": x1 - x0, "direction": "ltr", "chars": chars,
    }
