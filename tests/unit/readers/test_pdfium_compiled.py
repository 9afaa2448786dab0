"""The compiled character and path loops (readers/_pdfium_loops.c) give exactly what the Python loops give.

Every PDF the tests have is read both ways, page by page: the three real reports, filegen's reportlab twins
(ruled with merged cells over a page break, unruled, blank cells, owner password) and the LibreOffice and
Chromium renderings of the HTML test reports (conftest's ``renders``; Chromium's Type3 fonts and LibreOffice's
slanted text are declines, which must come with the same reason). Equal means the same repr: every key in
the same order, every float to its last bit, the same set of text objects, the same decline.
The build's own guards (a source changed since the build, a pypdfium2 declaring a function otherwise) are
tested on stand-in modules.
"""
import ctypes
import shutil
import sys
import sysconfig
import types
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import filegen
from conftest import FIXTURES
from govreport.readers import pdfium as fast
from govreport.readers import pdfium_compiled
from govreport.readers.pdfium_paths import paths_python

REAL = sorted((FIXTURES / "pdf").glob("*.pdf"))


def test_the_loops_are_built_where_a_c_compiler_and_pythons_headers_are():
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the Python loops read PDFs")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        pytest.skip("no Python headers here (Debian: python3-dev): the Python loops read PDFs")
    assert pdfium_compiled.loops() is not None, "readers/_pdfium_loops.c did not build or is not trusted"


def _both(path) -> int:
    """Pages whose characters and paths the two loops read alike (assertion on the first difference)."""
    if pdfium_compiled.loops() is None:
        pytest.skip("the compiled loops are not built")
    doc = pdfium.PdfDocument(str(path))
    try:
        for number in range(1, len(doc) + 1):
            page = doc[number - 1]
            height = page.get_mediabox()[3]
            read = []
            for paths, chars in ((paths_python, fast._chars_python), (fast._paths, fast._chars)):
                owners: set = set()
                try:
                    read.append(repr((paths(page, number, height, 7.25), chars(page, number, height, 7.25, owners),
                                      sorted(owners, key=repr))))
                except fast.Decline as why:
                    read.append(f"declined: {why}")
            page.close()
            assert read[0] == read[1], f"{path.name} page {number}"
        return len(doc)
    finally:
        doc.close()


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_reports_read_alike(path):
    assert _both(path) >= 5


def test_generated_pdfs_read_alike(tmp_path):
    rep, blanks = filegen.Gb2021Report(), filegen.Gb2021Report()
    blanks.sec3["outcome.granted"] = [None, "32", None, None, "35", None, "67"]
    made = [filegen.to_pdf_ruled(rep, tmp_path / "ruled.pdf"), filegen.to_pdf_unruled(rep, tmp_path / "unruled.pdf"),
            filegen.owner_password_pdf(rep, tmp_path / "owner.pdf"),
            filegen.to_pdf_ruled(blanks, tmp_path / "blanks.pdf", split_section3_at=6)]
    assert sum(_both(p) for p in made) >= 4


def test_rendered_pdfs_read_alike_or_decline_alike(renders):
    pdfs = [p for p in renders.files.values() if p.suffix == ".pdf"]
    if not pdfs:
        pytest.skip("; ".join(sorted(set(renders.skipped.values()))))
    assert sum(_both(p) for p in pdfs) >= len(pdfs)


def test_a_document_read_with_either_loop_is_the_same(monkeypatch):
    compiled = [fast.read(p) for p in REAL]
    monkeypatch.setattr(fast, "loops", lambda: None)
    assert [fast.read(p) for p in REAL] == compiled


# ------------------------------------------------------------------ the guards
def _stand_in(**changes) -> types.SimpleNamespace:
    pdfium_compiled.loops()
    module = sys.modules.get("govreport.readers._pdfium_loops")
    if module is None:
        pytest.skip("the compiled loops are not built")
    fields = {"SOURCE_DIGEST": module.SOURCE_DIGEST, "SIGNATURES": module.SIGNATURES}
    fields.update(changes)
    return types.SimpleNamespace(**fields)


def test_the_built_module_passes_its_guards():
    pdfium_compiled.loops()
    assert pdfium_compiled.why_not(_stand_in()) is None


def test_a_build_older_than_its_source_is_not_used():
    why = pdfium_compiled.why_not(_stand_in(SOURCE_DIGEST="0" * 64))
    assert why == "_pdfium_loops.c changed since it was built (make install rebuilds it)"


def test_a_function_pypdfium2_declares_otherwise_is_refused():
    signatures = list(_stand_in().SIGNATURES)
    signatures[0] = ("FPDFText_GetUnicode", "i", "pi")  # PDFium returns unsigned int
    assert "declares FPDFText_GetUnicode as ('u', 'pi')" in pdfium_compiled.why_not(_stand_in(SIGNATURES=signatures))
    signatures[0] = ("FPDFText_NoSuchCall", "i", "p")
    assert pdfium_compiled.why_not(_stand_in(SIGNATURES=signatures)) == "pypdfium2 has no FPDFText_NoSuchCall"


def test_pointer_and_integer_types_get_their_letters():
    assert [pdfium_compiled._kind(t) for t in (ctypes.c_int, ctypes.c_uint, ctypes.c_ulong, ctypes.c_double,
                                                 ctypes.POINTER(ctypes.c_float), ctypes.c_void_p, ctypes.c_long)] \
        == ["i", "u", "l", "d", "p", "p", None]
