"""Decode report bytes: UTF-8 (with or without BOM) or GB18030/GBK, detected."""
from __future__ import annotations

from pathlib import Path

from govreport.errors import ReportError, encodable

# Chinese government sites serve GBK far more than any other legacy code page;
# GB18030 is its superset, so decode that family with GB18030.
_GB_FAMILY = {"gbk", "gb2312", "gb18030", "hz"}


def file_name_text(name: str) -> str:
    """A file name as its author wrote it: one whose bytes are not UTF-8 (a zip made on a Chinese Windows system
    unpacks its names in GBK; Python gives them lone surrogates) decoded as GB18030 when it is that, else as is.
    Identification reads an agency in the name (``洪泽区人民政府2024年报.pdf``) whatever the name's encoding."""
    if encodable(name):
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def decode_bytes(data: bytes, path: Path | str) -> str:
    """Return text; raise ReportError when the bytes are not text at all."""
    if not data.strip():
        raise ReportError(path, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        raise ReportError(path, "binary content, not a text report")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for what is not UTF-8 (its import costs ~40 ms)

    best = from_bytes(data[:200_000]).best()
    guess = best.encoding.replace("_", "").lower() if best is not None else ""
    if guess and guess not in _GB_FAMILY:
        text = data.decode(best.encoding, errors="replace")
        if _cjk_share(text) > 0.05:
            return text
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        if guess in _GB_FAMILY:
            return data.decode("gb18030", errors="replace")
    raise ReportError(path, "cannot detect the text encoding (neither UTF-8 nor GBK/GB18030)")


def _cjk_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    return sum("\u4e00" <= ch <= "\u9fff" for ch in sample) / len(sample)


def read_text_file(path: Path) -> str:
    return decode_bytes(Path(path).read_bytes(), path)
