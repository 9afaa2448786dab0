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
import struct
from functools import lru_cache
from pathlib import Path
from typing import Optional

from pdfplumber.page import Page

from govreport.errors import ReportError
from govreport.model import Document
from govreport.readers.limits import MAX_PDF_PAGES, PDF_TIME_BUDGET_S, time_limit
from govreport.readers.pdf_grid import read_page
from govreport.readers.pdf_join import check_end_marker, join_pages

_SEG_MOVE = 2  # FPDF_SEGMENT_MOVETO
_SEG_BEZIER = 1  # FPDF_SEGMENT_BEZIERTO
_SEG_KINDS = b"\x00\x01\x02"  # FPDF_SEGMENT_LINETO, _BEZIERTO, _MOVETO: CFX_Path::Point::Type's values
_SIX_FLOATS, _FOUR_FLOATS = struct.Struct("=6f"), struct.Struct("=4f")  # FS_MATRIX; FS_RECTF, or FS_MATRIX's a-d
_POINT = struct.Struct("=ffBB2x")  # CFX_Path::Point: float x, float y, uint8 type, bool close, padding
_OBJ_TEXT, _OBJ_PATH, _OBJ_FORM = 1, 2, 5  # FPDF_PAGEOBJ_TEXT, _PATH, _FORM
_MAX_FORM_DEPTH = 15
_GENERATED = frozenset((0x20, 0x0D, 0x0A))  # all PDFium generates (CPDF_TextPage): a space, \r\n at a line break
_VERTICAL_RISE = 0.12  # em: pdfminer's vertical origin for CID fonts without /DW2, (1000 - 880) / 1000


class Decline(Exception):
    """The fast path cannot read this file the way pdfplumber would: fall back."""


# PDFium functions the fast path calls once per page, font or form object, typed to take and return handles
# as plain addresses (c_void_p): pypdfium2's typed handles cost a Python-level conversion on every call and
# ctypes.cast to compare two page objects (issue 16). The calls per character and per path segment are _HOT's.
_CALLS = ("FPDFText_CountChars", "FPDFText_GetCharOrigin", "FPDFPage_CountObjects", "FPDFFont_GetBaseFontName",
          "FPDFFormObj_GetObject")


def _untyped(t):
    """c_void_p for a pointer to one of PDFium's opaque handle structs, else the type itself."""
    target = getattr(t, "_type_", None)
    return ctypes.c_void_p if isinstance(target, type) and target.__name__.startswith("struct_fpdf_") else t


@lru_cache(maxsize=1)
def _api():
    """The functions of _CALLS, same entry points, with handles as addresses."""
    import types

    import pypdfium2.raw as raw

    calls = {}
    for name in _CALLS:
        fn = getattr(raw, name)
        proto = ctypes.CFUNCTYPE(_untyped(fn.restype), *[_untyped(t) for t in fn.argtypes])
        calls[name] = proto(ctypes.cast(fn, ctypes.c_void_p).value)
    return types.SimpleNamespace(**calls)


class _Handle(ctypes.c_void_p):
    """A PDFium handle as returned by a _hot() call: a c_void_p subclass, so ctypes hands it back as is and the
    next call takes it without any conversion (compare handles by ``.value``)."""


# The calls made per character and per path segment, without argument types: ctypes then converts nothing
# but the index (a Python int -> C int), which takes the call from ~0.30 to ~0.18 us. Every argument must
# therefore be passed as its C type: handles as c_void_p/_Handle, out-parameters by ctypes.byref.
# (name, return type): None keeps the function's own restype; pointers come back as _Handle, or as an int
# address where the address is compared or kept.
_HOT = (("FPDFText_IsGenerated", None), ("FPDFText_GetTextObject", ctypes.c_void_p), ("FPDFText_GetUnicode", None),
        ("FPDFText_HasUnicodeMapError", None), ("FPDFText_GetLooseCharBox", None), ("FPDFText_GetMatrix", None),
        ("FPDFText_GetFontSize", None), ("FPDFPage_GetObject", _Handle), ("FPDFPageObj_GetType", None),
        ("FPDFPageObj_GetMatrix", None), ("FPDFPath_GetDrawMode", None), ("FPDFPageObj_GetStrokeColor", None),
        ("FPDFPageObj_GetFillColor", None), ("FPDFPageObj_GetStrokeWidth", None), ("FPDFPath_CountSegments", None),
        ("FPDFPath_GetPathSegment", _Handle), ("FPDFPathSegment_GetPoint", None), ("FPDFPathSegment_GetType", None),
        ("FPDFPathSegment_GetClose", None), ("FPDFFormObj_CountObjects", None),
        ("FPDFTextObj_GetFont", ctypes.c_void_p))


@lru_cache(maxsize=1)
def _hot():
    """The functions of _HOT, same entry points, declared without argument types (see _HOT)."""
    import types

    import pypdfium2.raw as raw

    calls = {}
    for name, restype in _HOT:
        fn = getattr(raw, name)
        # what the calls pass is only right for these parameter types: a pypdfium2 that declares others is refused
        if not all(t is ctypes.c_int or issubclass(t, ctypes._Pointer) for t in fn.argtypes) or (
                restype is None and not issubclass(fn.restype, (ctypes.c_int, ctypes.c_uint, ctypes.c_double))):
            raise TypeError(f"pypdfium2 declares {name} differently than readers/pdfium.py expects")
        calls[name] = ctypes.CFUNCTYPE(restype or fn.restype)(ctypes.cast(fn, ctypes.c_void_p).value)
    # the structs read with _FOUR_FLOATS / _SIX_FLOATS must hold those floats first, in that order
    for struct_type, names in ((raw.FS_RECTF, ("left", "top", "right", "bottom")), (raw.FS_MATRIX, tuple("abcdef"))):
        if [tuple(field) for field in struct_type._fields_] != [(n, ctypes.c_float) for n in names]:
            raise TypeError(f"pypdfium2 declares {struct_type.__name__} differently than readers/pdfium.py expects")
    return types.SimpleNamespace(**calls)


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value


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
    """Every printed character as pdfminer/pdfplumber describe it (PDFium's generated spaces left out), and
    how many characters PDFium's text page has.

    x0/x1 and the bottom come from the loose box (advance width, font descent), the
    top from the font size times the character matrix's vertical scale, as pdfminer's
    box is one em high. It is long because one loop over every character is the fast path's hot spot (issue 16):
    the calls go through _hot(), a character's matrix and font size, which PDFium takes from its text
    object (CPDF_TextPage: the text matrix times its form's, the object's font size), are asked once per run
    of characters from one text object, and whether it is generated only of a space or line break (_GENERATED).
    """
    import pypdfium2.raw as c

    f, typed = _hot(), _api()
    textpage = page.get_textpage()
    try:
        tp = ctypes.c_void_p(_address(textpage.raw))
        n = typed.FPDFText_CountChars(tp.value)
        rect, matrix = c.FS_RECTF(), c.FS_MATRIX()
        rect_ref, matrix_ref = ctypes.byref(rect), ctypes.byref(matrix)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        generated, text_object, unicode = f.FPDFText_IsGenerated, f.FPDFText_GetTextObject, f.FPDFText_GetUnicode
        map_error, loose_box, get_matrix = f.FPDFText_HasUnicodeMapError, f.FPDFText_GetLooseCharBox, f.FPDFText_GetMatrix
        font_size, add_owner = f.FPDFText_GetFontSize, owners.add
        four_floats = _FOUR_FLOATS.unpack_from  # a struct's first four floats: cheaper than four field reads
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
    """Every painted path, split into subpaths and classified as pdfminer's converter does; and the text objects."""
    f = _hot()
    walker = _PathWalker(f, (number, height, doctop))
    handle = ctypes.c_void_p(_address(page.raw))
    get = f.FPDFPage_GetObject
    walker.walk([get(handle, i) for i in range(_api().FPDFPage_CountObjects(handle.value))],
                (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)
    return walker.out, walker.texts


class _PathWalker:
    """Reads path objects (inside Form XObjects too) with one set of reusable ctypes buffers; ``c`` is _hot(),
    so every argument is passed as its C type (handles as _Handle, out-parameters by reference)."""

    def __init__(self, c, where):
        import pypdfium2.raw as raw

        self.c, self.where = c, where
        self.out: dict[str, list[dict]] = {"rect": [], "line": [], "curve": []}
        self.texts: set = set()  # addresses of the text objects
        self.fonts: set = set()  # addresses of the fonts known not to be Type3
        self.matrix = raw.FS_MATRIX()
        self.fill_mode, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.x, self.y, self.width = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        self.rgba = (ctypes.c_uint * 4)()
        self.matrix_ref = ctypes.byref(self.matrix)
        self.mode_refs = (ctypes.byref(self.fill_mode), ctypes.byref(self.stroke))
        self.point_refs = (ctypes.byref(self.x), ctypes.byref(self.y))
        self.width_ref = ctypes.byref(self.width)
        self.rgba_refs = tuple(ctypes.byref(self.rgba, k * ctypes.sizeof(ctypes.c_uint)) for k in range(4))

    def walk(self, objects, outer, depth: int) -> None:
        c, matrix, fonts, texts = self.c, self.matrix, self.fonts, self.texts
        get_type, get_font = c.FPDFPageObj_GetType, c.FPDFTextObj_GetFont
        for obj in objects:
            kind = get_type(obj)
            if kind == _OBJ_TEXT:
                font = get_font(obj)
                if font not in fonts:
                    if _api().FPDFFont_GetBaseFontName(font, None, 0) <= 1:
                        raise Decline("Type3 font")  # a font without /BaseFont is a Type3 font (see the module docstring)
                    fonts.add(font)
                texts.add(obj.value)
                continue
            if kind not in (_OBJ_PATH, _OBJ_FORM):
                continue
            if not c.FPDFPageObj_GetMatrix(obj, self.matrix_ref):
                raise Decline("object without a matrix")
            m = _compose(_SIX_FLOATS.unpack_from(matrix), outer)  # FS_MATRIX: a, b, c, d, e, f
            if kind == _OBJ_PATH:
                self.path(obj, m)
            elif depth + 1 >= _MAX_FORM_DEPTH:
                raise Decline("Form XObjects nested too deep")
            else:
                children = _api().FPDFFormObj_GetObject
                self.walk([_Handle(children(obj, i)) for i in range(c.FPDFFormObj_CountObjects(obj))], m, depth + 1)

    def path(self, obj, m) -> None:
        c = self.c
        if not c.FPDFPath_GetDrawMode(obj, *self.mode_refs):
            raise Decline("path without a draw mode")
        fill, stroke = self.fill_mode.value != 0, bool(self.stroke.value)
        if not fill and not stroke:
            return  # pdfminer paints nothing for 'n' (a clipping path)
        shape, pts = self.segments(obj, m)
        if not shape or shape[0] != "m":
            return  # pdfminer ignores a path that does not begin with m
        style = {
            "stroke": stroke, "fill": fill, "evenodd": self.fill_mode.value == 1,
            "stroking_color": self.rgb(c.FPDFPageObj_GetStrokeColor, obj),
            "non_stroking_color": self.rgb(c.FPDFPageObj_GetFillColor, obj),
            "linewidth": self.width.value if c.FPDFPageObj_GetStrokeWidth(obj, self.width_ref) else 0.0,
        }
        start, end = 0, len(shape)
        while start < end:  # one subpath from each m to the next
            stop = shape.find("m", start + 1)
            stop = end if stop < 0 else stop
            if stop - start > 1:
                _subpath(shape[start:stop], pts[start:stop], style, self.out, self.where)
            start = stop

    def segments(self, obj, m) -> tuple[str, list[tuple[float, float]]]:
        """The path's operators as one letter each (m, l, c for a Bézier's end point, h back to the subpath start)
        and their points, in page space."""
        a, b, cc, d, e, f = m
        ops: list[str] = []
        pts: list[tuple[float, float]] = []
        op, put = ops.append, pts.append
        start = (0.0, 0.0)
        bezier = 0
        for px, py, kind, close in self.points(obj):
            pt = (a * px + cc * py + e, b * px + d * py + f)
            if kind == _SEG_MOVE:
                op("m")
                put(pt)
                start = pt
            elif kind == _SEG_BEZIER:
                bezier += 1
                if bezier % 3 == 0:
                    op("c")
                    put(pt)
            else:
                op("l")
                put(pt)
            if close:
                op("h")
                put(start)
        return "".join(ops), pts

    def points(self, obj) -> list[tuple[float, float, int, int]]:
        """(x, y, segment type, closes) of every segment of a path, in path space.

        A path's segments are the points of one C++ array (``FPDFPath_GetPathSegment`` returns the address of
        the index-th ``CFX_Path::Point``: x, y as floats, a type byte, a close flag), so they are read from it
        in one piece (issue 16: four calls per segment were a fifth of the path reading) where the first and
        last segments' addresses show that layout (12 bytes a point), every type and flag is a valid one and the
        last point read through the API (point, type, close) is what the array says; else through the API.
        """
        c, x, y = self.c, self.x, self.y
        get_segment, get_point, get_kind, get_close = (c.FPDFPath_GetPathSegment, c.FPDFPathSegment_GetPoint,
                                                       c.FPDFPathSegment_GetType, c.FPDFPathSegment_GetClose)
        x_ref, y_ref = self.point_refs
        n = c.FPDFPath_CountSegments(obj)
        if n >= 2:
            first, last = get_segment(obj, 0).value, get_segment(obj, n - 1)
            if first and last.value == first + _POINT.size * (n - 1):
                data = ctypes.string_at(first, _POINT.size * n)
                array = list(_POINT.iter_unpack(data))
                size = _POINT.size
                if get_point(last, x_ref, y_ref) and array[-1] == (x.value, y.value, get_kind(last), get_close(last)) \
                        and not data[8::size].strip(_SEG_KINDS) and not data[9::size].strip(b"\x00\x01"):
                    return array
        out = []
        for i in range(n):
            seg = get_segment(obj, i)
            if not get_point(seg, x_ref, y_ref):
                raise Decline("path segment without a point")
            out.append((x.value, y.value, get_kind(seg), get_close(seg)))
        return out

    def rgb(self, getter, obj) -> tuple[float, ...]:
        """RGB in 0..1 (white is (1.0, 1.0, 1.0), as pdf.py's _WHITE expects)."""
        if not getter(obj, *self.rgba_refs):
            return (0.0,)
        r, g, b, _a = self.rgba
        return (r / 255, g / 255, b / 255)


def _compose(inner, outer):
    """inner followed by outer (PDF row-vector convention: p' = p x inner x outer)."""
    a, b, cc, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, cc * A + d * C, cc * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _subpath(shape: str, pts: list, style: dict, out: dict, where) -> None:
    """One subpath (its operators' letters and points) as pdfminer's line, rect or curve."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        out["line"].append(_shape("line", pts[:2], style, where))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            lo_x, hi_x, lo_y, hi_y = min(x0, x2), max(x0, x2), min(y0, y2), max(y0, y2)
            corners = [(lo_x, lo_y), (hi_x, lo_y), (hi_x, hi_y), (lo_x, hi_y)]
            out["rect"].append(_shape("rect", corners, style, where))
            return
    out["curve"].append(_shape("curve", pts, style, where))


def _shape(kind: str, pts, style: dict, where) -> dict:
    number, height, doctop = where
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    top, bottom = height - y1, height - y0
    obj = {"object_type": kind, "page_number": number, "x0": x0, "x1": x1, "y0": y0, "y1": y1,
           "width": x1 - x0, "height": y1 - y0, "top": top, "bottom": bottom, "doctop": doctop + top,
           "pts": [(px, height - py) for px, py in pts]}
    obj.update(style)
    return obj
