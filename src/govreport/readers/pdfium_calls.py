"""PDFium's functions as readers/pdfium.py's Python loops call them (ctypes, through pypdfium2's entry points).

Why not pypdfium2's own wrappers: its typed handles cost a Python-level conversion on every call, and the fast
path makes a dozen calls per character and per path (issue 16). ``api()`` holds the calls made once per page,
font or form object (handles as plain addresses); ``hot()`` the calls made per character and per path segment,
declared without argument types. The compiled loops (readers/pdfium_compiled.py) call the same entry points.
"""
from __future__ import annotations

import ctypes
import struct
from functools import lru_cache

SIX_FLOATS, FOUR_FLOATS = struct.Struct("=6f"), struct.Struct("=4f")  # FS_MATRIX; FS_RECTF, or FS_MATRIX's a-d


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
def api():
    """The functions of _CALLS, same entry points, with handles as addresses."""
    import types

    import pypdfium2.raw as raw

    calls = {}
    for name in _CALLS:
        fn = getattr(raw, name)
        proto = ctypes.CFUNCTYPE(_untyped(fn.restype), *[_untyped(t) for t in fn.argtypes])
        calls[name] = proto(ctypes.cast(fn, ctypes.c_void_p).value)
    return types.SimpleNamespace(**calls)


class Handle(ctypes.c_void_p):
    """A PDFium handle as returned by a hot() call: a c_void_p subclass, so ctypes hands it back as is and the
    next call takes it without any conversion (compare handles by ``.value``)."""


# The calls made per character and per path segment, without argument types: ctypes then converts nothing
# but the index (a Python int -> C int), which takes the call from ~0.30 to ~0.18 us. Every argument must
# therefore be passed as its C type: handles as c_void_p/Handle, out-parameters by ctypes.byref.
# (name, return type): None keeps the function's own restype; pointers come back as Handle, or as an int
# address where the address is compared or kept.
_HOT = (("FPDFText_IsGenerated", None), ("FPDFText_GetTextObject", ctypes.c_void_p), ("FPDFText_GetUnicode", None),
        ("FPDFText_HasUnicodeMapError", None), ("FPDFText_GetLooseCharBox", None), ("FPDFText_GetMatrix", None),
        ("FPDFText_GetFontSize", None), ("FPDFPage_GetObject", Handle), ("FPDFPageObj_GetType", None),
        ("FPDFPageObj_GetMatrix", None), ("FPDFPath_GetDrawMode", None), ("FPDFPageObj_GetStrokeColor", None),
        ("FPDFPageObj_GetFillColor", None), ("FPDFPageObj_GetStrokeWidth", None), ("FPDFPath_CountSegments", None),
        ("FPDFPath_GetPathSegment", Handle), ("FPDFPathSegment_GetPoint", None), ("FPDFPathSegment_GetType", None),
        ("FPDFPathSegment_GetClose", None), ("FPDFFormObj_CountObjects", None),
        ("FPDFTextObj_GetFont", ctypes.c_void_p))


@lru_cache(maxsize=1)
def hot():
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
    # the structs read with FOUR_FLOATS / SIX_FLOATS must hold those floats first, in that order
    for struct_type, names in ((raw.FS_RECTF, ("left", "top", "right", "bottom")), (raw.FS_MATRIX, tuple("abcdef"))):
        if [tuple(field) for field in struct_type._fields_] != [(n, ctypes.c_float) for n in names]:
            raise TypeError(f"pypdfium2 declares {struct_type.__name__} differently than readers/pdfium.py expects")
    return types.SimpleNamespace(**calls)


def address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value
