"""What identification may take from lines read by OCR (a scanned page): which lines were OCR'd, and whether
an agency name was read surely enough to be stated.

A misread year or title word is caught by the other sources (the 统计期限 sentence, the tables), but a misread
agency name (靖田市审计局 for 莆田市审计局) would file a report under an agency that does not exist: worse than
"cannot tell". So a name read from OCR'd text counts only when its region is one of the gazetteer's and
some OCR'd line read at least as surely as a stored value must be (catalog/matching.csv ``ocr_min_confidence``)
holds it whole: at the line's start or after a non-Chinese character, so a name that lost its first character
(田市审计局) is not confirmed by the full one, and the tail of a name wrapped onto a new line (学技术局, from
莆田市科 / 学技术局2024年度…) names no region. A title line OCR was unsure of is read once more at 300 dpi
(readers.ocr.reread): when both reads give the same agency and its region is one of the gazetteer's, two reads
agree on every character of it.

A region misread in one character (甫田市水利局, 萌田市水利局, 菁田市水利局: 莆 three ways) is put right only
when the misread is no region, exactly one gazetteer region of its length and last character differs from it
in one character and is read surely elsewhere in the document, and the rest of the name is read alike after
that region or a one-character misread of it in READ_TWICE lines (``corrected``). A name read exactly in one
line and with its region misread in one character in others counts as read surely when more than READ_TWICE
lines give it so (``surely_read``): three separate readings of the rest, and of all but one character of the
region each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.model import Document
from govreport.errors import GovreportError, OverBudget
from govreport.text.agencies import is_region_alone, normalize_agency_name, region_prefix, split_regions

READ_TWICE = 2  # separate OCR'd lines that must give a name alike when none of them was read surely
REREAD_DPI = 300  # measured: a 200-dpi scan rendered at 400 reads worse (garbled), at 300 it reads


@dataclass(frozen=True)
class OcrLines:
    """The OCR'd text lines of a document (stripped, as identify.titles reads lines) and the sure ones,
    compacted as agency names are (no whitespace, NFKC)."""

    read: frozenset
    sure: tuple
    printed: str = ""  # the text-layer lines of a half-scanned document, joined: a name there needs no OCR
    every: tuple = ()  # every OCR'd line, compacted, whatever its confidence
    cells: dict = field(default_factory=dict, compare=False)  # line text -> its OcrCell (page, bbox)
    rereads: dict = field(default_factory=dict, compare=False)  # line text -> its second read (once each)

    @property
    def any(self) -> bool:
        return bool(self.read)


def ocr_lines(doc: Document) -> OcrLines:
    """The document's OCR'd lines (text blocks carrying a ``confidence``: model.OcrCell); computed once."""
    return doc.derived("ocr_lines", _ocr_lines)[0] if hasattr(doc, "derived") else _ocr_lines(doc)[0]


def _ocr_lines(doc: Document) -> list[OcrLines]:
    if all(type(b.text) is str for b in doc.blocks):  # no line read by OCR (most documents): what the loop gives
        return [OcrLines(frozenset(), (), "", (), {})]
    floor = catalog.matching_settings()["ocr_min_confidence"]
    read, sure, printed, cells, every = set(), [], [], {}, []
    for b in doc.blocks:
        conf = getattr(b.text, "confidence", None) if b.kind == "text" and type(b.text) is not str else None
        if conf is None:
            printed.append(b)  # normalized below, when the document has OCR'd lines (else unused)
            continue
        read.update(part.strip() for part in str(b.text).split("\n") if part.strip())
        cells.setdefault(str(b.text).strip(), b.text)
        every.append(normalize_agency_name(str(b.text)))
        if conf >= floor:
            sure.append(normalize_agency_name(str(b.text)))
    printed_text = "\n".join(normalize_agency_name(str(b.text or "")) if b.kind == "text" else ""
                             for b in printed) if read else ""
    return [OcrLines(frozenset(read), tuple(sure), printed_text, tuple(every), cells)]


def is_ocr_line(lines: OcrLines, *parts: str) -> bool:
    """Whether any of the document lines ``parts`` (one title candidate) was read by OCR."""
    return lines.any and any(p in lines.read for p in parts)


def surely_read(lines: OcrLines, name: str) -> bool:
    """Whether ``name`` (as clean_agency gives it) stands whole in a line OCR read surely, or in READ_TWICE
    lines whatever their confidence (separate print read alike: a misread is not repeated letter for letter)
    with a region the gazetteer knows; always True for a document with no OCR'd lines."""
    if not lines.any or name in lines.printed:
        return True
    if not in_gazetteer(name):
        return False  # a misread (靖田市) or cut (学技术局, 田市审计局) region: no OCR read confirms it
    if any(_whole_in(line, name) for line in lines.sure):
        return True
    whole = sum(_whole_in(line, name) for line in lines.every)
    return whole >= READ_TWICE or whole >= 1 and whole + _region_misread_in(lines, name) > READ_TWICE


def _region_misread_in(lines: OcrLines, name: str) -> int:
    """Lines that hold ``name`` whole with one character of its region misread (甫田市水利局, 菁田市水利局 for
    莆田市水利局): with one line that reads it exactly, more than READ_TWICE separate readings agree on the rest
    of the name and on the region but for one character each (a misread is not repeated letter for letter)."""
    head = region_prefix(name)
    rest = name[len(head):]
    if not head or len(rest) < 2:
        return 0
    return _lines_with(lines, rest, len(head), lambda read: read != head and _one_off_or_same(read, head))


def _lines_with(lines: OcrLines, rest: str, width: int, region_read) -> int:
    """OCR'd lines holding ``rest`` whole after a region of ``width`` characters that ``region_read`` accepts."""
    return sum(any(_whole_at(line, at - width) and region_read(line[at - width:at])
                   for at in _finds(line, rest) if at >= width)
               for line in lines.every)


def _whole_in(line: str, name: str) -> bool:
    """``name`` in ``line`` at its start or after a non-Chinese character (not the tail of a longer name)."""
    return any(_whole_at(line, at) for at in _finds(line, name))


def _finds(line: str, part: str):
    at = line.find(part)
    while at >= 0:
        yield at
        at = line.find(part, at + 1)


def _whole_at(line: str, at: int) -> bool:
    """A comparison, not a [\u3400-\u9fff] class: compiling that (a 64K-entry set) cost ~4 ms per process."""
    return at == 0 or not "\u3400" <= line[at - 1] <= "\u9fff"


def corrected(lines: OcrLines, name: str) -> str:
    """``name`` with its region put right when OCR misread one character of it (甫田市水利局 -> 莆田市水利局), or
    '' when that cannot be shown: the read region is no region, exactly one gazetteer region one character
    away is read surely elsewhere in the document, and the rest of the name is read alike after it or one of
    its one-character misreads in READ_TWICE lines, each at the line's start or after a non-Chinese character."""
    head = region_prefix(name)
    rest = name[len(head):]
    if not lines.any or not head or len(rest) < 2 or in_gazetteer(name) or in_gazetteer(head):
        return ""
    fixes = [r for r in _one_off(head) if any(r in line for line in lines.sure)]
    if len(fixes) != 1:
        return ""
    fixed = fixes[0]
    alike = _lines_with(lines, rest, len(fixed), lambda read: _one_off_or_same(read, fixed))
    return fixed + rest if alike >= READ_TWICE else ""


def _one_off_or_same(read: str, region: str) -> bool:
    return len(read) == len(region) and sum(a != b for a, b in zip(read, region)) <= 1


@lru_cache(maxsize=None)
def _regions_by_shape() -> dict:
    """Gazetteer region names by (length, last character)."""
    out: dict = {}
    for r in catalog.read_csv("regions.csv"):
        out.setdefault((len(r["name"]), r["name"][-1]), set()).add(r["name"])
    return out


def _one_off(head: str) -> list[str]:
    """The gazetteer regions of ``head``'s length and last character that differ from it in one other character."""
    same = _regions_by_shape().get((len(head), head[-1]), ())
    return sorted(r for r in same if sum(a != b for a, b in zip(r[:-1], head[:-1])) == 1)


def reread_line(doc: Document, lines: OcrLines, text: str) -> Optional[str]:
    """The OCR'd line ``text`` read again at REREAD_DPI (None: not an OCR'd line, or it cannot be re-read)."""
    if text not in lines.rereads:
        cell = lines.cells.get(text)
        again = None
        if cell is not None and doc.path is not None and getattr(cell, "page", 0):
            from govreport.readers.ocr import OcrUnavailable, reread_line

            try:
                again = str(reread_line(doc.path, cell.page, cell.bbox, dpi=REREAD_DPI))
            except OverBudget:
                raise  # the file's time is up: that stops the file, not just this second read
            except (GovreportError, OcrUnavailable, OSError, RuntimeError, ValueError, TimeoutError):
                again = None  # the page cannot be read again (moved, damaged): the name stays unconfirmed
        lines.rereads[text] = again
    return lines.rereads[text]


def in_gazetteer(name: str) -> bool:
    """The name starts with a region the gazetteer knows, or is one (a misread region, 靖田市, does not)."""
    return bool(split_regions(name)[0]) or is_region_alone(name)
