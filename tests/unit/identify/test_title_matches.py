"""identify/titles.py looks for a title form's matches only near a match of the part after its agency group
(_matches): exactly form.finditer's matches, on the head lines (one, two, three joined) of the repository's real
reports and on random title-like texts, for every form (OCR ones too)."""
from __future__ import annotations

import random
from pathlib import Path

from govreport.identify.titles import HEAD_LINES, _head_width, _matches, _title_forms, compact, document_lines
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted((REPO / "tests" / "data" / "real").glob("*.txt")) + sorted((REPO / "data" / "raw").glob("*.txt")) \
    + sorted((REPO / "tests" / "data").glob("*.html")) + sorted((REPO / "tests" / "data" / "real").glob("*.html"))
FORMS = _title_forms(ocr=True)


def _found(form, text: str, fast: bool) -> list:
    return [(m.span(), m.groupdict()) for m in (_matches(form, text) if fast else form.finditer(text))]


def test_every_form_gets_the_shortcut():
    assert all(_head_width(form) for form in FORMS)  # a catalog change that loses it would only be slower


def test_real_head_lines_give_the_same_matches():
    found = 0
    for path in REPORTS:
        lines = document_lines(read_document(path))[:HEAD_LINES]
        for width in (1, 2, 3):
            for k in range(len(lines) - width + 1):
                text = compact("".join(lines[k:k + width]))
                for form in FORMS:
                    slow = _found(form, text, False)
                    assert _found(form, text, True) == slow, (path.name, k, width, form.pattern)
                    found += len(slow)
    assert found > 50  # titles and title-like prose lines are there


def test_random_texts_give_the_same_matches():
    words = ["莆田市", "人民政府", "办公室", "局", "关于", "2019", "2008", "20", "19", "年", "度", "的", "政府信息公开", "政务公开",
             "信息公开", "工作", "年度", "情况", "报告", "年报", "（", "）", "(", ")", "《", "》", " ", "|", "标题:", "报各", "告",
             "。", "，", "根据条例规定特向社会公布", "x" * 30]
    rng = random.Random(25)
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
        for form in FORMS:
            slow = _found(form, text, False)
            assert _found(form, text, True) == slow, (text, form.pattern)
            found += len(slow)
    assert found > 100  # 255 matches with this seed


def test_a_year_line_is_four_characters():
    """_put_years_back calls _YEAR_ALONE.fullmatch only on lines of 4 characters: every match is that long."""
    from govreport.identify.titles import _YEAR_ALONE
    from govreport.text.prefilter import width
    assert width(_YEAR_ALONE.pattern, _YEAR_ALONE.flags) == (4, 4)


def test_a_join_at_a_clean_character_compacts_part_by_part():
    """_joins_cleanly: compact(a + b) == compact(a) + compact(b) when b opens with a _clean_opener character and
    compact(a) does not end with a Chinese digit. Every clean opener is an NFKC starter that NFKC keeps or maps to
    one starter, and neither is the second character of a canonical composition; a line ending in any code point
    joins one as if apart."""
    import unicodedata

    from govreport.identify.titles import _CN_DIGITS, _clean_opener, _joins_cleanly

    clean = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and _clean_opener(chr(c))]
    assert len(clean) > 21000 and not any(_clean_opener(ch) for ch in "⺠ \u0301\u1161\u11a8\u3099")
    seconds = {chr(int(parts[1], 16)) for c in range(0x110000) for parts in [unicodedata.decomposition(chr(c)).split()]
               if len(parts) == 2 and not parts[0].startswith("<")}
    for ch in clean:
        folded = unicodedata.normalize("NFKC", ch)
        assert len(folded) == 1 and unicodedata.combining(ch) == unicodedata.combining(folded) == 0, hex(ord(ch))
        assert ch not in seconds and folded not in seconds, hex(ord(ch))
    openers = ("中", "(", "（", "《")
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        before = compact(chr(c))
        for first in openers:
            assert _joins_cleanly(before, first) == (not before.endswith(tuple(_CN_DIGITS)))
            if _joins_cleanly(before, first):
                assert compact(chr(c) + first) == before + compact(first), hex(c)
    assert compact("二〇一九" + "年") != compact("二〇一九") + "年"  # a year spans the join: not clean
    assert compact("二〇" + "一九年") != compact("二〇") + compact("一九年")
    assert not any(_joins_cleanly(compact(a), first) for a in ("二〇一九", "二〇", "第一") for first in "年一中(")


def test_head_candidates_compact_as_their_text():
    from govreport.identify.titles import _title_candidates

    found = 0
    for path in REPORTS:
        doc = read_document(path)
        for _source, text, _n, _ocr, compacted in _title_candidates(doc, document_lines(doc)):
            assert compacted == compact(text), (path.name, text)
            found += 1
    assert found > 1000
