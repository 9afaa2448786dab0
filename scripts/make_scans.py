"""Make the scanned development set: the real HTML cases printed to PDF and scanned, as a stamped office would.

Each hand-checked HTML case of tests/data/real (tests/render_helpers.render_cases) is printed to PDF by headless
Chromium ("browser") and by LibreOffice via DOCX ("office"), as tests/render_helpers.py renders them; every page
is then rasterized at 150, 200 and 300 dpi (pypdfium2), given a red seal over part of the page's table (on the
page whose ruled table is largest), turned by up to ±1°, given scanner noise and JPEG compression, and written

    <out>/<source>_<dpi>dpi/<case>.pdf          an image-only PDF of every page (img2pdf; PIL when it is absent)
    <out>/pages/<source>_<dpi>dpi/<case>-p01.jpg   each page (.jpg at 150/200 dpi, .png at 300 dpi)

so that ``govreport audit --expected tests/data/real/expected <out>/<source>_<dpi>dpi`` scores each folder with
the same hand-checked JSON (scripts/audit_formats.py does all of them). Deterministic: every random choice comes
from ``--seed`` and the file's name. The output is not committed (default build/scans).

    .venv/bin/python scripts/make_scans.py [--out build/scans] [--dpi 150 200 300] [--sources browser office]
        [--cases putian_ptsjj_2024 ...] [--pages 1-3] [--quality 75] [--cache /tmp/govreport-verdict-renders]
"""
from __future__ import annotations

import argparse
import io
import math
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from render_helpers import render_all, render_cases  # noqa: E402

SOURCES = {"browser": "chromium_pdf", "office": "soffice_pdf"}  # our name -> render_helpers' format
DPIS = (150, 200, 300)
MAX_ANGLE = 1.0  # degrees, either way
NOISE_SIGMA = 7.0  # grey levels of scanner noise
SEAL_MM = 42.0  # an official seal's diameter
SEAL_RED = (214, 38, 38)
FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")


def rng_for(seed: int, *names) -> np.random.Generator:
    """A generator fixed by the seed and the names (case, source, dpi, page): the same file every run."""
    return np.random.default_rng([seed, zlib.crc32("/".join(map(str, names)).encode())])


def rasterize(pdf: Path, dpi: int, pages: set | None = None) -> list[Image.Image]:
    """The PDF's pages as RGB images at ``dpi`` (only ``pages``, 1-based, when given)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))
                if pages is None or i + 1 in pages]
    finally:
        doc.close()


def table_box(img: Image.Image):
    """(x0, y0, x1, y1) of the page's ruled table (its long horizontal lines), or None when it has none."""
    import cv2

    dark = (np.asarray(img.convert("L")) < 140).astype(np.uint8)
    w = dark.shape[1]
    # a ruling line is one unbroken dark run over a third of the page width (a line of text is not)
    lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 3, 1)))
    ys, xs = np.nonzero(lines)
    if len(np.unique(ys)) < 3:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def seal(img: Image.Image, box, dpi: int, rng: np.random.Generator, name: str) -> Image.Image:
    """A red round seal (ring, star, the agency's name round the top) over the right part of ``box``, inked
    over the print as a real seal is: black print stays black under it (multiply)."""
    d = int(SEAL_MM / 25.4 * dpi)
    x0, y0, x1, y1 = box
    cx = int(x0 + (x1 - x0) * rng.uniform(0.55, 0.85))
    cy = int(y0 + (y1 - y0) * rng.uniform(0.25, 0.75))
    ink = Image.new("RGB", img.size, (255, 255, 255))
    draw = ImageDraw.Draw(ink)
    r, width = d // 2, max(2, d // 28)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=SEAL_RED, width=width)
    star = [(cx + (r * 0.28 if k % 2 == 0 else r * 0.11) * math.sin(k * math.pi / 5),
             cy - (r * 0.28 if k % 2 == 0 else r * 0.11) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=SEAL_RED)
    if FONT.is_file():
        font = ImageFont.truetype(str(FONT), max(8, d // 9))
        chars = list(name[:14])
        for k, ch in enumerate(chars):  # round the top, from left to right
            a = math.pi * (1.15 - 1.3 * k / max(1, len(chars) - 1))
            tx, ty = cx + r * 0.72 * math.cos(a), cy - r * 0.72 * math.sin(a)
            draw.text((tx, ty), ch, fill=SEAL_RED, font=font, anchor="mm")
    paper = np.asarray(img, dtype=np.uint16)
    inked = paper * np.asarray(ink, dtype=np.uint16) // 255
    return Image.fromarray(inked.astype(np.uint8))


def degrade(img: Image.Image, rng: np.random.Generator, noise: float = NOISE_SIGMA,
            angle: float | None = None) -> tuple[Image.Image, float]:
    """Turned by ``angle`` degrees, by default a random one up to MAX_ANGLE (white fill), with scanner noise
    (``noise``: its sigma in grey levels) and a slightly grey paper."""
    angle = float(rng.uniform(-MAX_ANGLE, MAX_ANGLE)) if angle is None else angle
    turned = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(250, 250, 250))
    arr = np.asarray(turned, dtype=np.float32)
    arr = arr * 0.96 + rng.normal(0, noise, arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), angle


def scan_page(pdf: Path, page: int, dpi: int, angle: float | None = None, seed: int = 18, agency: str = "",
              noise: float = NOISE_SIGMA) -> Image.Image:
    """Page ``page`` (1-based) of ``pdf`` as a scanner gives it: a seal over its ruled table (when it has one),
    turned by ``angle`` (random up to MAX_ANGLE when None), noise; an RGB image at ``dpi`` (JPEG it with
    ``jpeg``). The one page scanner of the committed test scans (tests/data/scans/make_scans.py)."""
    img = rasterize(pdf, dpi, {page})[0]
    rng = rng_for(seed, pdf.stem, dpi, page)
    box = table_box(img)
    if box is not None:
        img = seal(img, box, dpi, rng, agency)
    return degrade(img, rng, noise, angle)[0]


def jpeg(img: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def scan(pdf: Path, dpi: int, seed: int, names: tuple, agency: str, quality: int = 75,
         pages: set | None = None, noise: float = NOISE_SIGMA, crop: dict | None = None) -> list[bytes]:
    """The pages of ``pdf`` as scanned JPEGs: the page with the largest ruled table gets the seal; ``crop``
    {page: fraction} keeps only the top of those pages (a small test scan)."""
    images = rasterize(pdf, dpi, pages)
    numbers = sorted(pages) if pages else list(range(1, len(images) + 1))
    for k, n in enumerate(numbers):
        if (crop or {}).get(n, 1.0) < 1.0:
            images[k] = images[k].crop((0, 0, images[k].width, int(images[k].height * crop[n])))
    boxes = [table_box(im) for im in images]
    areas = [0 if b is None else (b[2] - b[0]) * (b[3] - b[1]) for b in boxes]
    out = []
    for n, (im, box) in enumerate(zip(images, boxes)):
        rng = rng_for(seed, *names, dpi, n + 1)
        if box is not None and areas[n] == max(areas):
            im = seal(im, box, dpi, rng, agency)
        im, _angle = degrade(im, rng, noise)
        out.append(jpeg(im, quality, dpi))
    return out


def write_pdf(pages: list[bytes], dpi: int, path: Path) -> None:
    """An image-only PDF, each page its JPEG as it is (no text layer)."""
    import importlib.util

    path.parent.mkdir(parents=True, exist_ok=True)
    if importlib.util.find_spec("img2pdf") is None:  # PIL re-encodes, but writes an image-only PDF too
        ims = [Image.open(io.BytesIO(p)).convert("RGB") for p in pages]
        ims[0].save(path, "PDF", save_all=True, append_images=ims[1:], resolution=dpi)
        return
    path.write_bytes(_image_pdf(pages, dpi))


def _image_pdf(pages: list[bytes], dpi: int) -> bytes:
    import datetime

    import img2pdf

    fixed = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)  # no run date: the same bytes every run
    return img2pdf.convert(pages, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)), creationdate=fixed,
                           moddate=fixed, engine=img2pdf.Engine.internal)  # pikepdf's would add a random /ID


def write_pages(pages: list[bytes], dpi: int, folder: Path, stem: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, data in enumerate(pages, start=1):
        if dpi >= 300:
            Image.open(io.BytesIO(data)).save(folder / f"{stem}-p{n:02d}.png", dpi=(dpi, dpi))
        else:
            (folder / f"{stem}-p{n:02d}.jpg").write_bytes(data)


def page_set(spec: str | None) -> set | None:
    """'1-3,5' -> {1, 2, 3, 5}."""
    if not spec:
        return None
    out = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "build" / "scans"))
    ap.add_argument("--dpi", type=int, nargs="+", default=list(DPIS))
    ap.add_argument("--sources", nargs="+", default=list(SOURCES), choices=list(SOURCES))
    ap.add_argument("--cases", nargs="*", help="case stems (default: every real HTML case with expected JSON)")
    ap.add_argument("--pages", help="only these pages, e.g. 1-3 (a small committed scan)")
    ap.add_argument("--quality", type=int, default=75, help="JPEG quality")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--noise", type=float, default=NOISE_SIGMA, help="scanner noise, sigma in grey levels")
    ap.add_argument("--cache", default="/tmp/govreport-verdict-renders", help="folder of PDF renderings, reused")
    ap.add_argument("--no-pages", action="store_true", help="write the PDFs only, not the page images")
    ap.add_argument("--crop", nargs="*", default=[], metavar="PAGE:FRACTION",
                    help="keep only the top FRACTION of PAGE (a small test scan: the title, a table without the prose)")
    args = ap.parse_args(argv)
    import json

    cases = [(h, e) for h, e in render_cases() if h.parent.name == "real" and (not args.cases or h.stem in args.cases)]
    renders = render_all([h for h, _e in cases], Path(args.cache), reuse=True)
    out, pages = Path(args.out), page_set(args.pages)
    crop = {int(p): float(f) for p, f in (c.split(":") for c in args.crop)}
    for source in args.sources:
        fmt = SOURCES[source]
        if fmt in renders.skipped:
            print(f"{source}: skipped, {renders.skipped[fmt]}", file=sys.stderr)
            continue
        for html, expected in cases:
            agency = json.loads(expected.read_text(encoding="utf-8")).get("agency") or ""
            for dpi in args.dpi:
                scans = scan(renders.files[(html.stem, fmt)], dpi, args.seed, (html.stem, source), agency,
                             args.quality, pages, args.noise, crop)
                target = out / f"{source}_{dpi}dpi" / f"{html.stem}.pdf"
                write_pdf(scans, dpi, target)
                if not args.no_pages:
                    write_pages(scans, dpi, out / "pages" / f"{source}_{dpi}dpi", html.stem)
                print(f"{target.relative_to(out)}: {len(scans)} pages, {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
