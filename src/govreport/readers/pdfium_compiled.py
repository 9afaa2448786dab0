"""The compiled character and path loops of readers/pdfium.py (``_pdfium_loops``, built from
readers/_pdfium_loops.c by ``pip install``), when they can be trusted; else None and the Python loops run.

Why compiled: one PDFium call through ctypes costs ~0.2 us, and every character and path segment takes several
(issue 16: PDF parse within 3x of PDFium's own text extraction). The build is optional (setup.py): without a C
compiler the install still succeeds and the Python loops give the same objects, only slower.

Trusted means: the module imports; it was built from the source file beside it (a digest compiled in, so an
editable install whose C source changed since the last build is not used: the Python loops run until
``make install``); and pypdfium2 declares every PDFium function the loops call with the C types the loops call
it with (``SIGNATURES``: a pypdfium2 built against another PDFium declaring otherwise is refused).
"""
from __future__ import annotations

import ctypes
import hashlib
import warnings
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

SOURCE = Path(__file__).with_name("_pdfium_loops.c")
_KINDS = {ctypes.c_int: "i", ctypes.c_uint: "u", ctypes.c_ulong: "l", ctypes.c_double: "d"}


class Loops(NamedTuple):
    chars: object  # _pdfium_loops.chars
    paths: object  # _pdfium_loops.paths
    addresses: tuple[int, ...]  # PDFium's entry points in the order of _pdfium_loops.SIGNATURES


def _kind(t) -> Optional[str]:
    """SIGNATURES' letter for a ctypes type: p for any pointer."""
    if t in _KINDS:
        return _KINDS[t]
    if isinstance(t, type) and (issubclass(t, ctypes._Pointer) or t in (ctypes.c_void_p, ctypes.c_char_p)):
        return "p"
    return None


def why_not(module) -> Optional[str]:
    """Why the compiled loops in ``module`` are not to be used, or None."""
    import pypdfium2.raw as raw

    if SOURCE.exists() and module.SOURCE_DIGEST != hashlib.sha256(SOURCE.read_bytes()).hexdigest():
        return f"{SOURCE.name} changed since it was built (make install rebuilds it)"
    for name, returns, takes in module.SIGNATURES:
        fn = getattr(raw, name, None)
        if fn is None:
            return f"pypdfium2 has no {name}"
        declared = (_kind(fn.restype), "".join(_kind(t) or "?" for t in fn.argtypes))
        if declared != (returns, takes):
            return f"pypdfium2 declares {name} as {declared}, the loops call it as {(returns, takes)}"
    return None


@lru_cache(maxsize=1)
def helpers():
    """The compiled per-character steps of readers/pdf_words.py (``word_chars``, ``words``) and pdf_grid.py
    (``table_chars``, ``outside``), or None (not built, or built from another source). They call no PDFium
    function, so only the source digest is checked."""
    try:
        from govreport.readers import _pdfium_loops as module
    except ImportError:
        return None
    if SOURCE.exists() and module.SOURCE_DIGEST != hashlib.sha256(SOURCE.read_bytes()).hexdigest():
        return None  # loops() warns about it
    return module


@lru_cache(maxsize=1)
def loops() -> Optional[Loops]:
    """The compiled loops and PDFium's addresses, or None (not built, stale, or declared otherwise)."""
    try:
        from govreport.readers import _pdfium_loops as module
    except ImportError:
        return None  # not built (no C compiler at install): the Python loops
    why = why_not(module)
    if why:
        warnings.warn(f"govreport: PDF characters and paths read in Python (slower): {why}", stacklevel=2)
        return None
    import pypdfium2.raw as raw

    addresses = tuple(ctypes.cast(getattr(raw, name), ctypes.c_void_p).value for name, _r, _a in module.SIGNATURES)
    return Loops(module.chars, module.paths, addresses)
