"""Make the scanned test pages from a real report's PDF (run once; the JPEGs are committed).

    .venv/bin/python tests/data/scans/make_scans.py

tests/data/fixtures/pdf/huaian_gov_2024.pdf (淮安市人民政府 2024, hand-checked values in
tests/data/fixtures/expected/huaian_gov_2024.json) pages 4 and 5 -- the request-handling table -- rasterized
at 200 dpi, greyed like a scanner, turned 0.7° (page 4) and -0.5° (page 5), a red circle seal stamped over the
table, light noise, saved as JPEG quality 75. ``scan_page`` is also what benchmarks/ocr_pages.py uses for other
dpi values.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1] / "data" / "fixtures" / "pdf" / "huaian_gov_2024.pdf"
PAGES = {4: 0.7, 5: -0.5}  # page -> rotation in degrees


def scan_page(pdf: Path, page: int, dpi: int, angle: float, seal_at=(0.62, 0.72), seed: int = 7) -> np.ndarray:
    """One PDF page as a scanner would give it: BGR array at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        rgb = np.asarray(doc[page - 1].render(scale=dpi / 72).to_pil().convert("RGB"))
    finally:
        doc.close()
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).copy()
    h, w = bgr.shape[:2]
    centre = (int(w * seal_at[0]), int(h * seal_at[1]))
    radius = int(dpi * 0.8)
    seal = bgr.copy()
    cv2.circle(seal, centre, radius, (40, 40, 220), max(2, dpi // 40))
    cv2.circle(seal, centre, int(radius * 0.25), (40, 40, 220), -1)
    cv2.putText(seal, "SEAL", (centre[0] - radius // 2, centre[1] + radius // 2), cv2.FONT_HERSHEY_SIMPLEX,
                dpi / 100, (40, 40, 220), max(2, dpi // 60))
    bgr = np.minimum(bgr, seal)  # red ink multiplies over the print: black stays black
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    bgr = cv2.warpAffine(bgr, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(245, 245, 245))
    rng = np.random.default_rng(seed)
    noisy = bgr.astype(np.int16) + rng.normal(0, 6, bgr.shape).astype(np.int16) - 8
    return np.clip(noisy, 0, 255).astype(np.uint8)


def mixed_pdf(text_pdf: Path, scans: dict, out: Path) -> Path:
    """``text_pdf`` with the pages in ``scans`` (number -> JPEG file) replaced by that JPEG as a page image
    filling the page: a report half text, half scanned."""
    import pypdfium2 as pdfium

    src, dst = pdfium.PdfDocument(str(text_pdf)), pdfium.PdfDocument.new()
    for k in range(1, len(src) + 1):
        if k in scans:
            w, h = src[k - 1].get_size()
            page = dst.new_page(w, h)
            img = pdfium.PdfImage.new(dst)
            img.load_jpeg(str(scans[k]), inline=False)
            img.set_matrix(pdfium.PdfMatrix().scale(w, h))
            page.insert_obj(img)
            page.gen_content()
        else:
            dst.import_pages(src, [k - 1])
    dst.save(str(out))
    return out


def main() -> None:
    for page, angle in PAGES.items():
        out = HERE / f"huaian_gov_2024_p{page}_200dpi.jpg"
        cv2.imwrite(str(out), scan_page(SOURCE, page, 200, angle), [cv2.IMWRITE_JPEG_QUALITY, 75])
        print(out, out.stat().st_size)


if __name__ == "__main__":
    main()
