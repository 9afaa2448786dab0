"""The Python loop over a page's path objects (readers/pdfium.py's fallback where the compiled loops are not
built): every painted path, inside Form XObjects too, split into subpaths and classified as pdfminer's
converter does (its lines, rects and curves, with the same coordinates); and the page's text objects, Type3
fonts declined (see readers/pdfium.py's docstring)."""
from __future__ import annotations

import ctypes
import struct

from govreport.readers.pdfium_calls import SIX_FLOATS, Decline, Handle, address, api, hot

SEG_MOVE = 2  # FPDF_SEGMENT_MOVETO
SEG_BEZIER = 1  # FPDF_SEGMENT_BEZIERTO
SEG_KINDS = b"\x00\x01\x02"  # FPDF_SEGMENT_LINETO, _BEZIERTO, _MOVETO: CFX_Path::Point::Type's values
POINT = struct.Struct("=ffBB2x")  # CFX_Path::Point: float x, float y, uint8 type, bool close, padding
OBJ_TEXT, OBJ_PATH, OBJ_FORM = 1, 2, 5  # FPDF_PAGEOBJ_TEXT, _PATH, _FORM
MAX_FORM_DEPTH = 15


def paths_python(page, number: int, height: float, doctop: float) -> tuple[dict[str, list[dict]], set]:
    """Every painted path, split into subpaths and classified as pdfminer's converter does; and the text objects."""
    f = hot()
    walker = PathWalker(f, (number, height, doctop))
    handle = ctypes.c_void_p(address(page.raw))
    get = f.FPDFPage_GetObject
    walker.walk([get(handle, i) for i in range(api().FPDFPage_CountObjects(handle.value))],
                (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)
    return walker.out, walker.texts


class PathWalker:
    """Reads path objects (inside Form XObjects too) with one set of reusable ctypes buffers; ``c`` is hot(),
    so every argument is passed as its C type (handles as Handle, out-parameters by reference)."""

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
            if kind == OBJ_TEXT:
                font = get_font(obj)
                if font not in fonts:
                    if api().FPDFFont_GetBaseFontName(font, None, 0) <= 1:
                        raise Decline("Type3 font")  # a font without /BaseFont is a Type3 font (see the module docstring)
                    fonts.add(font)
                texts.add(obj.value)
                continue
            if kind not in (OBJ_PATH, OBJ_FORM):
                continue
            if not c.FPDFPageObj_GetMatrix(obj, self.matrix_ref):
                raise Decline("object without a matrix")
            m = _compose(SIX_FLOATS.unpack_from(matrix), outer)  # FS_MATRIX: a, b, c, d, e, f
            if kind == OBJ_PATH:
                self.path(obj, m)
            elif depth + 1 >= MAX_FORM_DEPTH:
                raise Decline("Form XObjects nested too deep")
            else:
                children = api().FPDFFormObj_GetObject
                self.walk([Handle(children(obj, i)) for i in range(c.FPDFFormObj_CountObjects(obj))], m, depth + 1)

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
            if kind == SEG_MOVE:
                op("m")
                put(pt)
                start = pt
            elif kind == SEG_BEZIER:
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
            if first and last.value == first + POINT.size * (n - 1):
                data = ctypes.string_at(first, POINT.size * n)
                array = list(POINT.iter_unpack(data))
                size = POINT.size
                if get_point(last, x_ref, y_ref) and array[-1] == (x.value, y.value, get_kind(last), get_close(last)) \
                        and not data[8::size].strip(SEG_KINDS) and not data[9::size].strip(b"\x00\x01"):
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
