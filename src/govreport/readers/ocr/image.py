"""Page images: load, remove red seals, straighten, binarize (OpenCV on numpy arrays).

A scanned report is a grey page with black print, sometimes a red seal stamped over a table and a scan
skewed by up to a degree or two. Seals are removed by colour before anything else (black print under red
ink stays dark, so it survives); the skew is measured on the page's own lines, so ruling lines come out
horizontal and cells can be cut on straight boxes.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from govreport.readers.limits import check_ocr_pixels

MAX_SKEW_DEG = 3.0  # a scan skewed more than this is not straightened (its lines are then not found)


def load_image(path, frame: int = 0) -> tuple[np.ndarray, float]:
    """(BGR array, dpi) of an image file's ``frame`` (a multi-page TIFF has several); dpi 200 when the file
    states none."""
    from PIL import Image, ImageSequence

    with Image.open(Path(path)) as im:
        frames = ImageSequence.Iterator(im)
        page = frames[frame]
        check_ocr_pixels(path, *page.size, f"image{f' frame {frame + 1}' if frame else ''}")  # read from its header
        dpi = _file_dpi(page.info.get("dpi"))
        rgb = np.asarray(page.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), dpi


def frame_count(path) -> int:
    from PIL import Image

    with Image.open(Path(path)) as im:
        return int(getattr(im, "n_frames", 1))


def _file_dpi(value) -> float:
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return 200.0
    return dpi if 50 <= dpi <= 1200 else 200.0


def red_mask(bgr: np.ndarray) -> np.ndarray:
    """255 where the page is reddish (seal ink, and print blurred into it by JPEG's colour subsampling)."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hue, sat = hsv[..., 0], hsv[..., 1]
    return (((hue <= 12) | (hue >= 160)) & (sat >= 40)).astype(np.uint8) * 255


def remove_red(bgr: np.ndarray, reddish: np.ndarray) -> np.ndarray:
    """Grey page with red (and pink, orange-red) ink made paper: a seal or a red signature over the table.
    Where a pixel is reddish its red channel stands for it: red ink is bright there, black print under
    the seal stays dark."""
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    red_channel = bgr[..., 2]
    where = reddish > 0
    grey[where] = red_channel[where]
    grey[where & (red_channel >= 150)] = 255
    return grey


def binarize(grey: np.ndarray) -> np.ndarray:
    """Ink = 255, paper = 0 (Otsu, after a light blur against JPEG noise), and rules printed light grey."""
    blur = cv2.GaussianBlur(grey, (3, 3), 0)
    _, ink = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return cv2.bitwise_or(ink, _faint_rules(blur, ink))


FAINT_DROP = 25  # grey levels below the paper: a light-grey rule (noise on paper is a few levels)


def _faint_rules(blur: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Long thin strokes lighter than the print that Otsu puts on the paper side: an office export rules its
    tables light grey (measured: rules at ~175 on paper ~243, text ~60; Otsu splits at ~184 and loses them).
    Only runs longer than 1/20 of the image and thinner than 1/6 of that count, so a shaded cell, grey
    text or what is left of a seal's ring never turns into ink."""
    paper = float(np.median(blur))
    faint = (blur < paper - FAINT_DROP).astype(np.uint8) * 255  # the print too: a rule runs on through text
    if not faint.any():
        return faint
    run = max(15, max(blur.shape) // 20)  # ~0.5 inch on a page: longer than any near-straight bit of a seal's ring
    thick = max(7, run // 6)  # a rule is a few pixels thick after the blur and the widening below
    out = np.zeros_like(faint)
    for along, across in (((run, 1), (1, thick)), ((1, run), (thick, 1))):
        # a one-pixel rule a hair off level steps between pixel rows: thicken it across first
        wide = cv2.dilate(faint, np.ones((3, 1) if along[0] > 1 else (1, 3), np.uint8))
        strokes = cv2.morphologyEx(wide, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        solid = cv2.morphologyEx(strokes, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        out |= cv2.bitwise_and(strokes, cv2.bitwise_not(solid))
    return out


def skew_angle(ink: np.ndarray) -> float:
    """Degrees to rotate the page by so its lines run level: the angle whose row profile is sharpest
    (text lines and ruling lines both give peaks), searched coarse then fine on a reduced image."""
    factor = min(1.0, 600.0 / max(1, ink.shape[1]))  # ~600 px wide whatever the dpi: enough for 0.05°
    small = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0

    def sharpness(angle: float) -> float:
        h, w = small.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.05), key=sharpness)
    return float(round(fine, 2))


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by ``angle`` degrees about its centre, corners filled with paper."""
    if abs(angle) < 0.02:
        return grey
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def prepare(bgr: np.ndarray, angle: float | None = None) -> tuple[np.ndarray, float, np.ndarray]:
    """(straight grey page without red ink, the angle used, where red ink was on the straight page): the
    one preparation every read and re-read uses."""
    reddish = red_mask(bgr)
    grey = remove_red(bgr, reddish)
    if angle is None:
        angle = skew_angle(binarize(grey))
    return rotate(grey, angle), angle, rotate(255 - reddish, angle) < 128
