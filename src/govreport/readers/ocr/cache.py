"""Per-page OCR results, kept as JSON by the page image's content hash (one file per page).

The key is the sha256 of the page's pixels (and size) plus the engine version and the reading settings, so a
re-run, or the same page in another file, is not read twice, and a new engine or setting reads afresh. The
ingestion layer chooses the folder (``use_folder(<store>/.parts/ocr)``): readers import no ingestion.
Without a folder nothing is cached; the env var GOVREPORT_OCR_CACHE names one for worker processes that
were started without the call.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

ENV = "GOVREPORT_OCR_CACHE"
_UNSET = object()
_folder: object = _UNSET


def use_folder(path) -> None:
    """Cache OCR'd pages under ``path`` (created when needed) in this process; None: no cache."""
    global _folder
    _folder = None if path is None else Path(path)


@contextlib.contextmanager
def using(path):
    """Cache under ``path`` while the block runs, in this process and in the workers it starts (the env var
    reaches Dask and other spawned workers; forked ones inherit the call); the previous choice after."""
    global _folder
    before, before_env = _folder, os.environ.get(ENV)
    use_folder(path)
    os.environ[ENV] = str(path)
    try:
        yield
    finally:
        _folder = before
        if before_env is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before_env


def folder() -> Optional[Path]:
    if _folder is _UNSET:
        env = os.environ.get(ENV)
        return Path(env) if env else None
    return _folder  # type: ignore[return-value]


def page_key(image: np.ndarray, dpi: float, engine_version: str, settings: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{image.shape}|{image.dtype}|{dpi:g}|{engine_version}|{settings}|".encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()


def load(key: str) -> Optional[dict]:
    where = folder()
    if where is None:
        return None
    try:
        entry = json.loads((where / f"{key}.json").read_text(encoding="utf-8"))
        if entry.get("key") == key and entry.get("sha256") == _digest(entry.get("result")):
            return entry["result"]
    except (OSError, ValueError, AttributeError):
        pass  # absent, or a half-written or damaged entry
    return None  # absent, damaged, edited or moved from another page: read the page again


def _digest(result) -> str:
    """What an entry's result must hash to: an entry edited on disk is not trusted."""
    return hashlib.sha256(json.dumps(result, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def store(key: str, result: dict) -> None:
    """Write atomically (temp file + rename), so parallel workers never see half an entry; a cache that
    cannot be written is skipped, the page is still read."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "sha256": _digest(result), "result": result}, fh, ensure_ascii=False)
        os.replace(tmp, where / f"{key}.json")
    except OSError:
        pass
