"""The italic slant of printed text, measured on the image, and the shear that sets it upright.

A browser prints an <em> page (or table) in a synthetic oblique of a CJK face: every glyph leans right by
the same shear (about 0.21: FreeType's oblique), while the table's ruling lines stay upright. Tesseract's
Chinese model reads such glyphs as Latin letters. The slant is the dominant direction of the edges of
near-vertical strokes: on upright CJK print the edge directions peak at 0, on an oblique print at the
shear (measured on the italic print of 莆田市审计局 2024 at 150/200/300 dpi: 0.21-0.23; upright pages of
the other scans: -0.01..0.01). Ruling lines must be wiped from the image first: they are upright.
"""
from __future__ import annotations

import cv2
import numpy as np

MIN_SLANT = 0.08  # a measured shear below this is upright print (a scan's tilt is rotated away before)
MAX_SLANT = 0.5
_PEAK_OVER_UPRIGHT = 2.0  # the slanted peak must outweigh the upright direction this many times
_MIN_EDGE = 200.0  # Sobel |dx| of a stroke edge (ink against paper), not JPEG noise or a light blur
_BIN = 0.02


def measure(grey: np.ndarray) -> float:
    """The shear of the print on ``grey`` (paper white, ruling lines wiped): 0.0 for upright print, for a
    region with too little text to tell, or for a shear outside MIN_SLANT..MAX_SLANT; otherwise the
    slant rounded to 0.01 (positive: glyph tops lean right)."""
    if grey.size == 0 or grey.min() > 160:
        return 0.0
    g = grey.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    strength = np.abs(gx)
    near_vertical = (strength > _MIN_EDGE) & (np.abs(gy) < 0.6 * strength)
    if int(np.count_nonzero(near_vertical)) < 200:
        return 0.0
    ratio = gy[near_vertical] / gx[near_vertical]
    edges = np.arange(-0.6, 0.6 + _BIN / 2, _BIN)
    hist, _ = np.histogram(ratio, bins=edges, weights=strength[near_vertical])
    hist = np.convolve(hist, [1, 2, 3, 2, 1], mode="same")  # one stroke's edges spread over a few bins
    peak = int(np.argmax(hist))
    upright = int(np.argmin(np.abs(edges[:-1] + _BIN / 2)))
    slant = float(edges[peak] + _BIN / 2)
    if abs(slant) < MIN_SLANT or abs(slant) > MAX_SLANT or hist[peak] < _PEAK_OVER_UPRIGHT * max(hist[upright], 1e-9):
        return 0.0
    return round(slant, 2)


def upright(img: np.ndarray, slant: float) -> np.ndarray:
    """``img`` (paper white) with ``slant`` sheared away, widened so no glyph is cut: each row moves right
    by slant x its height from the top (the top row stays)."""
    if not slant:
        return img
    h, w = img.shape[:2]
    extra = int(np.ceil(abs(slant) * h)) + 1
    shift = extra if slant < 0 else 0
    matrix = np.float32([[1, slant, shift], [0, 1, 0]])
    return cv2.warpAffine(img, matrix, (w + extra, h), flags=cv2.INTER_LINEAR, borderValue=255)


def box_back(box, slant: float, height: int, width: int) -> tuple[int, int, int, int]:
    """A box found on ``upright(page, slant)`` as a box on the page itself (page ``height`` x ``width``):
    the bounding box of the sheared-back parallelogram, clipped to the page."""
    x0, y0, x1, y1 = box
    shift = int(np.ceil(abs(slant) * height)) + 1 if slant < 0 else 0
    moves = (slant * y0, slant * y1)
    left = int(np.floor(x0 - shift - max(moves)))
    right = int(np.ceil(x1 - shift - min(moves)))
    return max(0, left), y0, min(width, max(right, left + 1)), y1
