"""Render the HTML test reports to the formats a user meets them in, once per run, for every test that needs it.

LibreOffice converts each HTML report to DOCX, then that DOCX (on A3 landscape) to PDF; headless Chromium
prints it to PDF, and once more with every table border removed (an unruled PDF, whose tables are found by
their header words). tests/test_formats_render.py checks the values of the renderings,
tests/test_real_verdicts.py their verdicts, scripts/measure_verdicts.py measures both (with a cache folder,
``reuse=True``). LibreOffice comes from Debian (scripts/ensure_soffice.sh installs libreoffice-writer-nogui
and fonts-noto-cjk), Chromium likewise (scripts/ensure_chromium.sh); a format is skipped, with the reason,
only when its tool cannot be installed.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT / "tests" / "data"
REAL = TESTDATA / "real"
FIXTURES = TESTDATA / "fixtures"
FORMATS = ("soffice_docx", "soffice_pdf", "chromium_pdf")
UNRULED = "chromium_pdf_unruled"  # the page printed with every table border removed: tables found by header words
_NO_BORDERS = b"<style>table,tr,td,th{border:0 none !important}</style>"
RENDER_TIMEOUT_S = 300


def render_cases() -> list[tuple[Path, Path]]:
    """(HTML report, its expected JSON): the fixed test reports, then every real HTML case present."""
    cases = [(TESTDATA / f"{name}.html", TESTDATA / f"{name}.expected.json")
             for name in ("html_gb2019_county", "html_gb2019_blanks", "gbk_legacy_2012")]
    if REAL.is_dir():
        for html in sorted(REAL.glob("*.html")):
            expected = REAL / "expected" / f"{html.stem}.json"
            if expected.is_file():
                cases.append((html, expected))
    return cases


# ------------------------------------------------------------------ tools
def _tool(names: tuple[str, ...], script: str) -> tuple[str | None, str]:
    """A tool's path, installing it through the project's script when absent; else (None, reason)."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found, ""
    result = subprocess.run(["bash", str(ROOT / "scripts" / script)], capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        return None, (result.stderr.strip().splitlines() or ["unknown reason"])[-1]
    return result.stdout.strip().splitlines()[-1], ""


def _run(cmd: list[str], timeout: float = RENDER_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run a renderer in its own process group, killed whole on timeout (soffice and chromium fork)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"{cmd[0]} timed out after {timeout} s: {err.strip()[-300:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _soffice(soffice: str, profile: Path, target: str, outdir: Path, files: list[Path]) -> None:
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
    result = _run(cmd)
    assert result.returncode == 0, f"soffice failed: {result.stderr.strip()[-300:]}"


def _wide_pages(docx_path: Path) -> None:
    """Lay the DOCX out on A3 landscape before printing.

    Site pages put the report inside a 980-px layout table; LibreOffice keeps that width,
    which is wider than A4, and its PDF export cuts the right-hand columns off at the page
    edge (the numbers are not in the PDF at all). A wider page prints every column; the
    tables themselves are untouched.
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = docx.Document(str(docx_path))
    _unframe_tables(document.element.body)
    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(420), Mm(297)
    document.save(str(docx_path))


def _unframe_tables(body) -> None:
    """Put every table that LibreOffice's HTML import floated into a text box back into the text flow.

    A web page's ``<table align="left">`` becomes a text box in the DOCX, and LibreOffice's PDF export prints
    that box one column wide with the numbers cut off. An office exporting its own Word file prints the table
    inline, so the office PDF is made from the DOCX with the box's paragraphs and tables moved in front of
    the paragraph that anchored it (layout only: no text or cell is changed; the DOCX rendering keeps its box).
    """
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for para in list(body.iter(f"{w}p")):
        boxes = [b for b in para.iter(f"{w}txbxContent") if b.find(f".//{w}tbl") is not None]
        if not boxes or para.getparent() is None:
            continue
        # a box is written twice (DrawingML and its VML fallback): move the first, drop the anchoring runs
        for child in list(boxes[0]):
            para.addprevious(child)
        for run in [r for r in para.findall(f"{w}r") if r.find(f".//{w}txbxContent") is not None]:
            para.remove(run)


def _without_borders(html: bytes) -> bytes:
    """The page with no table borders (border="0" and a style that removes CSS borders)."""
    html = re.sub(rb"(?i)<head[^>]*>", lambda m: m.group(0) + _NO_BORDERS, html, count=1)
    return re.sub(rb"""(?i)\sborder\s*=\s*["']?\d+["']?""", b' border="0"', html)


@dataclass
class Renders:
    files: dict = field(default_factory=dict)  # (case stem, format) -> Path
    skipped: dict = field(default_factory=dict)  # format -> reason
    framed: set = field(default_factory=set)  # case stems whose DOCX holds a table inside a text box


def _table_in_text_box(docx_path: Path) -> bool:
    """LibreOffice turns a floating table (<table align="left">) into a text box, which its PDF export
    prints one column wide with the numbers cut off: a rendering defect, not a parse question."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx_path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return any(box.find(f".//{w}tbl") is not None for box in root.iter(f"{w}txbxContent"))


def _fresh(out: Path, source: Path, reuse: bool) -> bool:
    """A cached rendering is reused only when asked to and newer than its source and than this recipe."""
    newest = max(source.stat().st_mtime, Path(__file__).stat().st_mtime)
    return reuse and out.is_file() and out.stat().st_mtime >= newest


def _render_office(soffice: str, htmls: list[Path], root: Path, reuse: bool, out: Renders) -> None:
    docx_dir, pdf_dir, wide = root / "docx", root / "pdf", root / "wide"
    for d in (docx_dir, pdf_dir, wide):
        d.mkdir(parents=True, exist_ok=True)
    todo = [h for h in htmls if not _fresh(docx_dir / f"{h.stem}.docx", h, reuse)]
    if todo:
        _soffice(soffice, root / "profile", "docx:MS Word 2007 XML", docx_dir, todo)
    for h in htmls:
        d = docx_dir / f"{h.stem}.docx"
        out.files[(h.stem, "soffice_docx")] = d
        if _table_in_text_box(d):
            out.framed.add(h.stem)
        if not _fresh(wide / d.name, d, reuse):
            shutil.copy(d, wide / d.name)
            _wide_pages(wide / d.name)
    todo = [wide / f"{h.stem}.docx" for h in htmls if not _fresh(pdf_dir / f"{h.stem}.pdf", wide / f"{h.stem}.docx", reuse)]
    if todo:
        _soffice(soffice, root / "profile", "pdf", pdf_dir, todo)
    for h in htmls:
        out.files[(h.stem, "soffice_pdf")] = pdf_dir / f"{h.stem}.pdf"


def _render_chromium(chromium: str, htmls: list[Path], root: Path, reuse: bool, out: Renders, fmt: str) -> None:
    """Print every page in one format (``chromium_pdf``, or ``UNRULED`` with the borders taken out first), with a
    browser profile of that format's own (the two formats print at the same time, see ``render_all``)."""
    (root / fmt).mkdir(parents=True, exist_ok=True)
    if fmt == UNRULED:
        (root / "unruled").mkdir(parents=True, exist_ok=True)
    profile = root / ("chromium-profile" if fmt == "chromium_pdf" else f"chromium-profile-{fmt}")
    for h in htmls:
        source = h
        if fmt == UNRULED:
            source = root / "unruled" / h.name
            source.write_bytes(_without_borders(h.read_bytes()))
        pdf = root / fmt / f"{h.stem}.pdf"
        if not _fresh(pdf, h, reuse):
            result = _run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                           f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions",
                           f"--print-to-pdf={pdf}", source.resolve().as_uri()])
            assert result.returncode == 0 and pdf.is_file(), f"chromium failed on {h.name}: {result.stderr.strip()[-300:]}"
        out.files[(h.stem, fmt)] = pdf


def render_all(htmls: list[Path], root: Path, reuse: bool = False) -> Renders:
    """Every HTML report in every format under ``root``; with ``reuse``, renderings already there and newer
    than their source are kept (the measuring script's cache), else everything is rendered.

    LibreOffice and the two Chromium prints run side by side (three threads, each driving its own process and
    profile): each waits on its tool much of the time, so the renderings take about as long as the slowest."""
    out = Renders()
    soffice, why = _tool(("soffice", "libreoffice"), "ensure_soffice.sh")
    work = []
    if soffice is None:
        out.skipped["soffice_docx"] = out.skipped["soffice_pdf"] = f"LibreOffice could not be installed: {why}"
    else:
        work.append((_render_office, (soffice, htmls, root, reuse, out)))
    chromium, why = _tool(("chromium", "chromium-browser", "google-chrome"), "ensure_chromium.sh")
    if chromium is None:
        out.skipped["chromium_pdf"] = out.skipped[UNRULED] = f"Chromium could not be installed: {why}"
    else:
        work += [(_render_chromium, (chromium, htmls, root, reuse, out, fmt)) for fmt in ("chromium_pdf", UNRULED)]
    with ThreadPoolExecutor(max_workers=max(1, len(work))) as pool:
        for future in [pool.submit(task, *args) for task, args in work]:
            future.result()  # a renderer's failure is raised here, as it was when they ran one after the other
    return out


_EXTRACTIONS: dict = {}  # (path, mtime, size, template) -> (extraction, seconds its first read took)


def extraction(path: Path, template: str):
    """``extract(read_document(path), template)`` and the seconds it took, read once per run: the renderings
    are read by the value tests, the measurement table and the PDF row tests alike (each test still asserts
    on the extraction itself; only the repeated parse of one unchanged file is saved)."""
    from govreport.extract import extract
    from govreport.readers import read_document

    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, template)
    if key not in _EXTRACTIONS:
        started = time.perf_counter()
        ex = extract(read_document(path), template)
        _EXTRACTIONS[key] = (ex, time.perf_counter() - started)
    return _EXTRACTIONS[key]


def printed_values(ex, units: dict = {}) -> dict:  # noqa: B006 (read only)
    """{'metric|applicant': value} of every non-blank value an extraction read (as printed, fuzzy or by row
    order); a cell the expected JSON lists under ``units`` as printed in 元 is compared in 元 (the catalog keeps
    money in 万元)."""
    out = {}
    for v in ex.values:
        if v["provenance"] != "derived" and not math.isnan(v["value"]):
            key = f"{v['metric']}|{v['applicant']}"
            out[key] = round(v["value"] * 10000, 6) if units.get(key) == "元" and v["unit"] == "万元" else v["value"]
    return out
