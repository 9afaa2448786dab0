"""Fast PDF path: characters and ruling lines from PDFium, read by the same grid logic as readers/pdf.py's path.

Why PDFium (pypdfium2): pdfplumber spends ~85 % of a report's reading time in
pdfminer's pure-Python content-stream interpreter (1-2 s for a 5-6 page
report). PDFium, Chrome's PDF engine in C++, interprets the same page in a few
milliseconds and exposes what the grid logic needs: every character with its
box (``FPDFText_GetLooseCharBox`` spans the advance width and the font's
descent, exactly like pdfminer's box) and every path object with its segments,
transformation, draw mode and colours. Licences: pypdfium2 is Apache-2.0 or
BSD-3-Clause, PDFium BSD-3-Clause (both permissive, like this package's MIT
dependencies); it is already installed as a pdfplumber dependency. Table quality:
nothing is re-implemented here. Characters and paths are turned into the objects
pdfminer would have made (chars, rects, lines, curves with the same
coordinates) and handed to pdfplumber's table finder and word grouping and to
the page, grid and join logic both paths share (readers/pdf_grid.py, pdf_join.py, placement.py,
unruled.py), so ruled and unruled tables come out the same.
MuPDF (PyMuPDF) would be as fast but is AGPL; pdftotext/poppler gives no
path objects through a stable Python API.

The fast path declines (``read`` returns None, and pdfplumber reads the file)
where it cannot be sure to match (``attempt`` says why): a file PDFium cannot
open or a damaged one (pdfplumber words the error), too many pages, rotated or
offset pages, glyphs PDFium leaves out of its text page (LibreOffice's runs of
spaces, which pdfminer reads and which split words),
rotated, mirrored or slanted (synthetic italic) text, characters PDFium cannot
map to Unicode, Type3 fonts (Chrome's print-to-PDF draws CJK with them; pdfminer
sizes their boxes from FontBBox/FontMatrix, PDFium from default metrics), or no
text at all. Vertical writing (Identity-V) is recognised by PDFium's box left
in text space (when the text matrix scales the font, as WPS and Word write it)
and boxed with pdfminer's default vertical metrics. Owner-password PDFs are read (PDFium decrypts them, fonts included).
One known difference: PDFium maps compatibility characters (Kangxi radicals
such as ⼈) to their unified ideographs, which normalize.nfkc does anyway before
any matching; no test PDF read by the fast path has one.
"""
from __future__ import annotations

import ctypes
from functools import lru_cache
from pathlib import Path
from typing import Optional

from pdfplumber.page import Page

from govreport.errors import ReportError
from govreport.model import Document
from govreport.readers.limits import MAX_PDF_PAGES, PDF_TIME_BUDGET_S, time_limit
from govreport.readers.pdf_grid import read_page
from govreport.readers.pdf_join import check_end_marker, join_pages
from govreport.readers.pdfium_calls import FOUR_FLOATS, Decline, address, api, hot
from govreport.readers.pdfium_compiled import loops
from govreport.readers.pdfium_paths import paths_python

_GENERATED = frozenset((0x20, 0x0D, 0x0A))  # all PDFium generates (CPDF_TextPage): a space, \r\n at a line break
_VERTICAL_RISE = 0.12  # em: pdfminer's vertical origin for CID fonts without /DW2, (1000 - 880) / 1000


def read(path) -> Optional[Document]:
    """The Document readers.pdf.read_pdf would give, or None where pdfplumber must decide."""
    return attempt(path)[0]


def attempt(path) -> tuple[Optional[Document], Optional[str]]:
    """(Document, None), or (None, why the fast path leaves this file to pdfplumber)."""
    doc, why, _empty = read_counted(path)
    return doc, why


def read_counted(path) -> tuple[Optional[Document], Optional[str], Optional[list[int]]]:
    """``attempt``'s pair and the numbers of the pages whose PDFium text page holds no character (None when
    declined): only those can be scans (readers/ocr/document.textless_pages), so read_pdf asks about scans only
    when there are any, instead of loading every page a second time."""
    import pypdfium2 as pdfium

    path = Path(path)
    try:
        with time_limit(PDF_TIME_BUDGET_S, path, "reading PDF"):
            doc = pdfium.PdfDocument(str(path))
            try:
                empty: list[int] = []
                return _read(doc, path, empty), None, empty
            finally:
                doc.close()
    except ReportError:
        raise
    except Decline as why:
        return None, str(why), None
    except Exception as exc:  # PdfiumError and anything odd in a damaged file: pdfplumber words the error
        return None, f"{exc.__class__.__name__}: {exc}", None


def _read(doc, path: Path, empty: list[int]) -> Optional[Document]:
    if len(doc) > MAX_PDF_PAGES:
        raise Decline("too many pages")  # pdfplumber words the refusal
    pages, carry, doctop = [], None, 0.0
    for number in range(1, len(doc) + 1):
        page = doc[number - 1]
        try:
            plumber_page = _page(page, number, doctop)
        finally:
            page.close()
        doctop += plumber_page.height
        if not plumber_page.pdfium_chars:
            empty.append(number)
        read, carry = read_page(plumber_page, number, carry)
        pages.append(read)
    if not pages or not any(p.n_chars for p in pages):
        raise Decline("no text")  # pdfplumber words the refusal (scanned PDF)
    check_end_marker(path)
    blocks = join_pages(pages)
    return Document(path=path, format="pdf", blocks=blocks, hard_wrapped=True)


# --------------------------------------------------------------------------
# a pdfplumber page whose objects come from PDFium


class _PdfiumPage(Page):
    """pdfplumber's Page API over ready-made objects (``_objects``), so nothing asks pdfminer."""

    def __init__(self, number: int, doctop: float, width: float, height: float, objects: dict, pdfium_chars: int):
        self.pdf = None
        self.root_page = self
        self.page_obj = None
        self.page_number = number
        self.initial_doctop = doctop
        self.rotation = 0
        self.mediabox = self.cropbox = self.bbox = (0, 0, width, height)
        self._objects = objects
        self.pdfium_chars = pdfium_chars  # characters in PDFium's text page, its generated ones included
        self.get_textmap = lru_cache()(self._get_textmap)

    def close(self) -> None:
        self.get_textmap.cache_clear()


def _page(page, number: int, doctop: float) -> _PdfiumPage:
    """The page as pdfplumber would see it: PDFium's characters and paths in pdfminer's terms."""
    if page.get_rotation() != 0:
        raise Decline("rotated page")
    x0, y0, x1, y1 = page.get_mediabox()
    if x0 != 0 or y0 != 0:
        raise Decline("MediaBox not at the origin")  # pdfminer shifts coordinates by it: not worth copying
    paths, texts = _paths(page, number, y1, doctop)  # first: it declines Type3 fonts before any character is read
    owners: set = set()  # the text objects PDFium's characters come from
    chars, count = _chars(page, number, y1, doctop, owners)
    objects = {"char": chars}
    if not texts <= owners:
        # a text object none of whose glyphs reached PDFium's text page (LibreOffice's space runs):
        # pdfminer reads those glyphs, and a space splits words
        raise Decline("glyphs missing from PDFium's text page")
    objects.update(paths)
    return _PdfiumPage(number, doctop, x1, y1, objects, count)


def _chars(page, number: int, height: float, doctop: float, owners: set) -> tuple[list[dict], int]:
    """_chars_python's characters and count, from the compiled loop where there is one (readers/pdfium_compiled)."""
    compiled = loops()
    if compiled is None:
        return _chars_python(page, number, height, doctop, owners)
    textpage = page.get_textpage()
    try:
        tp = address(textpage.raw)
        out = compiled.chars(compiled.addresses, tp, api().FPDFText_CountChars(tp), number, height, doctop, owners)
    finally:
        textpage.close()
    if isinstance(out, str):
        raise Decline(out)
    return out


def _chars_python(page, number: int, height: float, doctop: float, owners: set) -> tuple[list[dict], int]:
    """Every printed character as pdfminer/pdfplumber describe it (PDFium's generated spaces left out), and
    how many characters PDFium's text page has.

    x0/x1 and the bottom come from the loose box (advance width, font descent), the
    top from the font size times the character matrix's vertical scale, as pdfminer's
    box is one em high. It is long because one loop over every character is the fast path's hot spot (issue 16):
    the calls go through hot(), a character's matrix and font size, which PDFium takes from its text
    object (CPDF_TextPage: the text matrix times its form's, the object's font size), are asked once per run
    of characters from one text object, and whether it is generated only of a space or line break (_GENERATED).
    """
    import pypdfium2.raw as c

    f, typed = hot(), api()
    textpage = page.get_textpage()
    try:
        tp = ctypes.c_void_p(address(textpage.raw))
        n = typed.FPDFText_CountChars(tp.value)
        rect, matrix = c.FS_RECTF(), c.FS_MATRIX()
        rect_ref, matrix_ref = ctypes.byref(rect), ctypes.byref(matrix)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        generated, text_object, unicode = f.FPDFText_IsGenerated, f.FPDFText_GetTextObject, f.FPDFText_GetUnicode
        map_error, loose_box, get_matrix = f.FPDFText_HasUnicodeMapError, f.FPDFText_GetLooseCharBox, f.FPDFText_GetMatrix
        font_size, add_owner = f.FPDFText_GetFontSize, owners.add
        four_floats = FOUR_FLOATS.unpack_from  # a struct's first four floats: cheaper than four field reads
        out = []
        append = out.append
        owner = -1  # the text object of the run being read (None: a character without one)
        size = a = b = cc = d = 0.0
        for i in range(n):
            code = unicode(tp, i)
            if code in _GENERATED and generated(tp, i):
                continue
            obj = text_object(tp, i)
            if code in (0, 0xFFFE, 0xFFFF) or map_error(tp, i) == 1:
                raise Decline("character without Unicode")  # pdfminer writes (cid:N) for these: let it
            if not loose_box(tp, i, rect_ref):
                raise Decline("character without a box")
            if obj != owner or obj is None:
                if not get_matrix(tp, i, matrix_ref):
                    raise Decline("character without a box")
                a, b, cc, d = four_floats(matrix)
                if b != 0 or cc != 0 or a <= 0 or d <= 0:
                    raise Decline("rotated, slanted or mirrored text")  # pdfplumber's direction rules decide
                size = font_size(tp, i) * d
                owner = obj
                add_owner(obj)
            x0, _top, x1, y0 = four_floats(rect)  # FS_RECTF: left, top, right, bottom
            if x1 - x0 > 2 * size:
                # vertical writing (Identity-V): PDFium leaves this box in text space; pdfminer's box is one
                # em wide and high, its top (1000 - 880)/1000 em above the origin (the default DW2)
                if not typed.FPDFText_GetCharOrigin(tp.value, i, ox, oy):
                    raise Decline("character without an origin")
                x1, y0 = x0 + size, oy.value + _VERTICAL_RISE * size - size
            bottom = height - y0
            top = bottom - size
            width = x1 - x0
            append({
                "object_type": "char", "page_number": number, "text": chr(code),
                "x0": x0, "x1": x1, "y0": y0, "y1": y0 + size,
                "top": top, "bottom": bottom, "doctop": doctop + top,
                "width": width, "height": size, "size": size,
                "upright": True, "fontname": "", "adv": width,
                "matrix": (a, b, cc, d, x0, y0),
            })
        return out, n
    finally:
        textpage.close()


# --------------------------------------------------------------------------
# paths -> pdfminer's rects, lines and curves


def _paths(page, number: int, height: float, doctop: float) -> tuple[dict[str, list[dict]], set]:
    """paths_python's objects, from the compiled loop where there is one (readers/pdfium_compiled)."""
    compiled = loops()
    if compiled is None:
        return paths_python(page, number, height, doctop)
    out = compiled.paths(compiled.addresses, address(page.raw), number, height, doctop)
    if isinstance(out, str):
        raise Decline(out)
    return out
