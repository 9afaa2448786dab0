"""identify/titles.py makes the document's NFKC text, lines and their compact() forms in a few passes over the
whole text (pieces split from full_text once and NFKC'd one by one, spaces removed with str.replace when no other
whitespace is there, the Chinese-year step only when a Chinese digit stands before a 年, only lines followed by a
4-character line looked at for a year to put back), text/agencies.py removes a text's whitespace only when a
county's city is looked for in it and splits regions trying only the lengths of the names that open with the
first character: each exactly what the full computation gives, on the repository's real reports and random texts."""
from __future__ import annotations

import random
import re
from pathlib import Path

from govreport.identify.titles import (_CN_DIGITS, _CN_YEAR, _YEAR_ALONE, _YEAR_GAP, _YEAR_GAP_SPACE,
                                       _digit_before_nian, _put_years_back, compact, compact_document_lines,
                                       document_lines, document_text)
from govreport.model import Block, Document
from govreport.readers import read_document
from govreport.text.agencies import resolve_agency_id
from govreport.text.normalize import nfkc

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted(p for folder in ("tests/data", "tests/data/real", "tests/data/fixtures/text", "data/raw")
                 for ext in ("txt", "html", "md", "pdf", "docx") for p in (REPO / folder).glob(f"*.{ext}"))


def _lines_in_full(doc: Document) -> list[str]:
    """document_lines as it was computed line by line (every piece of every text line, stripped; each 4-digit
    year line put back into the line above by the plain loop over every line)."""
    lines = [part.strip() for ln in doc.text_lines() for part in ln.split("\n") if part.strip()]
    for n in range(len(lines) - 1):
        if _YEAR_ALONE.fullmatch(lines[n + 1]) and _YEAR_GAP.search(lines[n]):
            lines[n] = _YEAR_GAP_SPACE.sub(lines[n + 1], lines[n], count=1)
            lines[n + 1] = ""
    return [ln for ln in lines if ln]


def _check(doc: Document) -> None:
    assert document_text(doc) == nfkc(doc.full_text())  # made from the pieces, not the joined text
    lines = _lines_in_full(doc)
    assert document_lines(doc) == lines
    assert compact_document_lines(doc) == [compact(ln) for ln in lines]


def test_real_reports_give_the_same_lines():
    assert len(REPORTS) >= 30
    for path in REPORTS:
        _check(read_document(path))


_PIECES = ["莆田市审计局", " ", "  ", "\u3000", "\xa0", "\t", "\r", "\u2028", "\x0b", "\x85", "\u2003", "\u200b",
           "年", "2024", "２０２４", "二〇二四", "二○一九年", "〇", "一", "九", "十", "年度报告", "\n", "\n\n", "政府信息公开",
           "⺠", "，", "(", "x", "1"]


def _random_doc(rng: random.Random) -> Document:
    blocks = []
    for _ in range(rng.randint(0, 12)):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 6)))
        if rng.random() < 0.3:
            text = rng.choice(["2024", "2019", " 2024 ", "２０２４", "1999"])
        if rng.random() < 0.1:
            blocks.append(Block.table([(text, None, "1")]))
        else:
            blocks.append(Block.line(text))
    return Document(Path("x.txt"), "txt", blocks)


def test_random_documents_give_the_same_lines():
    rng = random.Random(1612)
    for _ in range(20000):
        _check(_random_doc(rng))


def test_year_lines_are_put_back_in_order():
    """Only lines followed by a 4-character line are looked at, in order: as the loop over every line."""
    rng = random.Random(7)
    for _ in range(20000):
        lines = [rng.choice(["a 年", "b年", "2024", "1999", "x", "年 年", "20245", "二〇二四"]) for _ in range(rng.randint(0, 8))]
        expected = list(lines)
        for n in range(len(expected) - 1):
            if _YEAR_ALONE.fullmatch(expected[n + 1]) and _YEAR_GAP.search(expected[n]):
                expected[n] = _YEAR_GAP_SPACE.sub(expected[n + 1], expected[n], count=1)
                expected[n + 1] = ""
        got = list(lines)
        _put_years_back(got)
        assert got == expected, lines


def test_no_digit_before_nian_means_no_chinese_year():
    rng = random.Random(3)
    chars = list(_CN_DIGITS) + ["年", "x", " ", "\n", "1"]
    for _ in range(50000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        has = any(text[k - 1] in _CN_DIGITS for k in range(1, len(text)) if text[k] == "年")
        assert _digit_before_nian(text) == has, text
        if not has:
            assert _CN_YEAR.search(text) is None
    assert _digit_before_nian("二〇一九年") and not _digit_before_nian("年二〇一九") and not _digit_before_nian("2019年")


def test_county_city_read_from_the_text_as_before():
    """resolve_agency_id removes the text's whitespace itself, only when the county's city must be read there:
    the same id as with the text given without whitespace."""
    names = ["鼓楼区人民政府", "鼓楼区", "洪泽区人民政府", "莆田市审计局", "城厢区人民政府", "福州市鼓楼区人民政府", "南京市鼓楼区财政局"]
    texts = ["", "福州 市鼓楼区", "南 京市\n鼓楼区 南京市", "福州市\u3000鼓楼区 南京市 南京市", "江苏省 南京市鼓楼区人民政府"]
    seen = set()
    for name in names:
        for text in texts:
            got = resolve_agency_id(name, text)
            assert got == resolve_agency_id(name, re.sub(r"\s+", "", text)), (name, text)
            seen.add(got)
    assert ("福州市/鼓楼区人民政府", "region") in seen and ("南京市/鼓楼区人民政府", "region") in seen


def _split_regions_in_full(name: str) -> tuple[list[str], str]:
    """split_regions trying every length from the gazetteer's longest name down (as it was)."""
    from govreport.text.agencies import _gazetteer

    gaz = _gazetteer()
    chain, rest = [], name
    while rest:
        for length in range(min(gaz.longest, len(rest) - 1), 1, -1):
            if rest[:length] in gaz.levels:
                chain.append(rest[:length])
                rest = rest[length:]
                break
        else:
            break
    return chain, rest


def test_regions_split_as_before():
    """split_regions tries only the lengths of the gazetteer names that open with the rest's first character."""
    from govreport.text.agencies import _gazetteer, split_regions

    names = sorted(_gazetteer().levels)
    rng = random.Random(5)
    tails = ["", "人民政府", "审计局", "市", "区", "x", "政府信息公开工作领导小组办公室"]
    texts = names + [n + t for n in names[:3000] for t in tails[1:3]]
    texts += ["".join(rng.choice(names) for _ in range(rng.randint(1, 4))) + rng.choice(tails) for _ in range(20000)]
    texts += ["".join(rng.choice(names)[: rng.randint(1, 3)] for _ in range(rng.randint(1, 5))) for _ in range(20000)]
    chained = 0
    for text in texts:
        got = split_regions(text)
        assert got == _split_regions_in_full(text), text
        chained += len(got[0]) > 1
    assert chained > 1000
