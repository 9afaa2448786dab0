"""Tesseract (Debian's tesseract-ocr + tesseract-ocr-chi-sim, Apache-2.0), called as a subprocess.

Many small images (the cells of a page) go to one tesseract process as a list file, so the Chinese model is
loaded once per batch, not once per cell; TSV output gives every word with its confidence. The process gets
a timeout that ends before the file's own budget does (readers/limits.py). scripts/ensure_tesseract.sh
installs the engine.
"""
from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import cv2
import numpy as np

from govreport.errors import GovreportError
from govreport.readers.limits import remaining_seconds

TEXT_LANG = "chi_sim+eng"
DIGITS = "0123456789.,-%"
_TIMEOUT_S = 120.0


class OcrUnavailable(GovreportError, RuntimeError):
    """No tesseract, or its Chinese model is missing: the caller words the refusal for the file."""


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0..1
    box: tuple[int, int, int, int]  # left, top, right, bottom in the image given
    line: tuple[int, int, int]  # block, paragraph, line: words of one line share it


@functools.lru_cache(maxsize=1)
def tesseract() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise OcrUnavailable("tesseract is not installed (scripts/ensure_tesseract.sh installs it)")
    langs = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    if "chi_sim" not in langs:
        raise OcrUnavailable("tesseract has no chi_sim model (apt-get install tesseract-ocr-chi-sim)")
    return path


@functools.lru_cache(maxsize=1)
def version() -> str:
    """'tesseract 5.3.0': part of every cache key."""
    out = subprocess.run([tesseract(), "--version"], capture_output=True, text=True, timeout=30)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "tesseract"


def read_batch(images: list[np.ndarray], psm: int, lang: str = TEXT_LANG,
               whitelist: Optional[str] = None) -> list[list[Word]]:
    """The words tesseract reads in each image (grey arrays), in the order given; one process for all."""
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="govreport-ocr-") as tmp:
        names = []
        for k, img in enumerate(images):
            name = os.path.join(tmp, f"{k:05d}.png")
            cv2.imwrite(name, img)
            names.append(name)
        listing = Path(tmp) / "list.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        rows = _run([str(listing)], psm, lang, whitelist)
    out: list[list[Word]] = [[] for _ in images]
    for page_num, word in rows:
        if 1 <= page_num <= len(out):
            out[page_num - 1].append(word)
    return out


def read_image(image: np.ndarray, psm: int = 3, lang: str = TEXT_LANG) -> list[Word]:
    """The words of one (page) image."""
    return read_batch([image], psm, lang)[0]


def _run(inputs: list[str], psm: int, lang: str, whitelist: Optional[str]) -> list[tuple[int, Word]]:
    cmd = [tesseract(), *inputs, "-", "-l", lang, "--psm", str(psm), "-c", "preserve_interword_spaces=0"]
    if whitelist:
        cmd += ["-c", f"tessedit_char_whitelist={whitelist}"]
    cmd.append("tsv")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # OpenMP threads slow tesseract down on small images
    timeout = max(1.0, remaining_seconds(_TIMEOUT_S))
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"tesseract did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {done.stderr.decode('utf-8', 'replace').strip()[-200:]}")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(text: str) -> list[tuple[int, Word]]:
    """(page number, word) for every recognised word of tesseract's TSV."""
    out = []
    for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        try:
            conf = max(0.0, float(row["conf"])) / 100.0
            left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            page = int(row["page_num"])
        except (KeyError, TypeError, ValueError):
            continue
        out.append((page, Word(word, conf, (left, top, left + width, top + height), key)))
    return out
