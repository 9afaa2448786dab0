"""An agency's name in English, for the English pages: catalog words for what it is, pinyin for where.

The English edition never prints a bare Chinese name. What an agency *is* comes
from the catalog (``agency_names_en.csv``: whole bureau names such as 审计局 ->
Audit Bureau; ``agency_suffixes.csv`` column ``en``: 人民政府 -> People's
Government, 区 -> District); *where* it is, and any part the catalog has no
English for, is romanized with pypinyin. The Chinese stays beside the English
(:func:`bilingual`), so a reader can search for the original. No I/O beyond the
packaged catalog.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from govreport import catalog
from govreport.text.agencies import split_regions

_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=None)
def _words() -> tuple[tuple[str, str], ...]:
    """(Chinese tail, English) pairs, longest first: whole bureau names before bare suffixes."""
    pairs = {r["suffix"]: r["en"] for r in catalog.read_csv("agency_suffixes.csv") if r["en"]}
    pairs.update({r["name"]: r["en"] for r in catalog.read_csv("agency_names_en.csv")})
    return tuple(sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True))


def pinyin(text: str) -> str:
    """Place-name romanization: 淮安 -> Huai'an, 沙坡头 -> Shapotou (apostrophe before a, e, o syllables)."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    out = ""
    for syllable in syllables:
        if out and syllable[:1] in "aeo" and _HAN.search(text):
            out += "'"
        out += syllable
    return out[:1].upper() + out[1:]


def _part(text: str) -> str:
    """One name part in English: the longest catalog tail, the rest before it in turn; pinyin where none fits."""
    if not text:
        return ""
    if not _HAN.search(text):
        return text
    for chinese, english in _words():
        if text.endswith(chinese):
            head = text[: -len(chinese)]
            return f"{_part(head)} {english}".strip()
    return pinyin(text)


def _place(region: str) -> str:
    """A region's name alone, without its level: 淮安市 -> Huai'an (for the ', Huai'an' of a county's agency)."""
    for chinese, _english in _words():
        if region.endswith(chinese) and len(region) > len(chinese):
            return pinyin(region[: -len(chinese)])
    return pinyin(region)


def english_name(agency: str) -> str:
    """淮安市/洪泽区人民政府 -> "Hongze District People's Government, Huai'an"; 沙坡头区政务服务中心 ->
    "Shapotou District Government Service Center". Leading regions beyond the last one follow after commas."""
    agency = str(agency).strip()
    cities: list[str] = []
    if "/" in agency:
        city, agency = agency.split("/", 1)
        cities.append(city)
    chain, rest = split_regions(agency)
    if chain and not rest:
        chain, rest = chain[:-1], chain[-1]
    own = " ".join(p for p in (_part(chain[-1]) if chain else "", _part(rest)) if p)
    outer = [_place(r) for r in reversed(chain[:-1])] + [_place(c) for c in cities]
    return ", ".join([own, *outer])


def bilingual(agency: str, lang: str) -> str:
    """The name as an English page prints it, "Hongze District People's Government (洪泽区人民政府)";
    unchanged on a Chinese page."""
    if lang == "zh":
        return str(agency)
    return f"{english_name(agency)} ({agency})"
