"""Issue 16: prose_sentences keeps the same sentences when a sentence of MIN_CHARS ideographs is taken as long
enough without NFKC (repetition._many_ideographs) and the sub-heading and title patterns are tried only on pieces
that open or end as their matches must."""
from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

from govreport import catalog
from govreport.checks import repetition
from govreport.checks.repetition import (MIN_CHARS, _NOISE, _NUMBER, _PIECE, _SUBHEADING, _TITLE,
                                         normalize_sentence, prose_sentences)
from govreport.readers import read_document
from govreport.text import normalize

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.txt", "data/raw/*.txt", "tests/data/real/*.html", "tests/data/*.html",
                             "tests/data/*.txt")
           for p in sorted(REPO.glob(pattern))]
IDEOGRAPHS = range(0x4E00, 0xA000)


class _Paragraphs:
    """A document that is only its paragraphs (what prose_paragraphs reads of one)."""

    def __init__(self, paragraphs: list[str]):
        self._paragraphs = paragraphs

    def paragraphs(self) -> list[str]:
        return self._paragraphs


def _reference(document) -> list[str]:
    """prose_sentences as it was: every pattern tried on every piece, the length from the whole comparison form."""
    from govreport.extract.sentences import prose_paragraphs
    out = []
    for _section, para in prose_paragraphs(document):
        for piece in _PIECE.findall(para):
            piece = piece.strip()
            if _SUBHEADING.match(piece) or _TITLE.search(piece):
                continue
            if len(normalize_sentence(piece)) >= MIN_CHARS:
                out.append(piece)
    return out


def test_real_reports_keep_the_same_sentences():
    assert len(REPORTS) > 20
    kept = 0
    for path in REPORTS:
        found = prose_sentences(read_document(path))
        assert found == _reference(read_document(path)), path
        kept += len(found)
    assert kept > 1000


def test_random_paragraphs_keep_the_same_sentences():
    """Pieces built from numerals, brackets, title words, marks, spaces, digits, radicals, compatibility
    ideographs, invisible characters and combining marks, with few or many ideographs around MIN_CHARS."""
    rng = random.Random(14)
    radicals = [chr(code) for code in sorted(catalog.radicals())][:20]
    alphabet = (list("一二三四五六七八九十(（)）、.．。:：！？!?；;，, 　\t年度工作报告政府信息公开中") + ["1", "２", "٣"]
                + radicals + ["\uf900", "\ufa10", "\u2f00", "\u200b", "\ufeff", "\u0301", "\u3099", "\uff21", "\u00a0"])
    paragraphs = []
    for _ in range(6000):
        head = "".join(rng.choices(["一", "(一)", "（二）", "三、", "十.", " ", ""], k=1))
        body = "".join(rng.choices(alphabet, k=rng.randint(0, 30)))
        tail = rng.choice(["", "年度报告", "工作报告", "报告", "。", "年度报告。"])
        paragraphs.append(head + body + tail)
    for k in range(0, len(paragraphs), 40):
        doc = _Paragraphs(paragraphs[k:k + 40])
        assert prose_sentences(doc) == _reference(_Paragraphs(paragraphs[k:k + 40])), paragraphs[k:k + 40]


def test_the_shortcut_is_taken_and_not_always():
    many = repetition._many_ideographs()
    assert many is not None
    assert many.match("政府信息公开工作年度报告")
    assert many.match("1a政2府3信4息5公6开7工8作")
    assert many.match("政府信息公开工作")  # eight
    assert not many.match("政府信息公开工")  # seven
    assert not many.match("⺠⺠⺠⺠⺠⺠⺠⺠")  # radicals become ideographs by the table: the full form decides


def test_an_ideograph_is_kept_whole_by_the_comparison_form():
    """Why MIN_CHARS ideographs make a long enough sentence: no pre-NFKC table entry is one, NFKC keeps each (no
    decomposition, a starter, never the first character of a canonical composition), and none is a digit or
    noise. (A compatibility ideograph's one-character decomposition makes an ideograph: more, never fewer.)"""
    assert not any(code in IDEOGRAPHS for code in normalize._pre_nfkc_table())
    canonical = (unicodedata.decomposition(chr(c)) for c in range(0x110000))
    composed_from = {d.split()[0] for d in canonical if d and not d.startswith("<") and len(d.split()) == 2}
    for code in IDEOGRAPHS:
        ch = chr(code)
        assert unicodedata.normalize("NFKC", ch) == ch and unicodedata.combining(ch) == 0, hex(code)
        assert f"{code:04X}" not in composed_from, hex(code)
        assert not ch.isdecimal() and _NUMBER.search(ch) is None and _NOISE.search(ch) is None, hex(code)
        assert normalize_sentence(ch + "\u0301").startswith(ch)


def test_the_pattern_pretests_hold_for_every_match():
    """A stripped piece that _SUBHEADING matches opens with one of _SUB_OPENERS; one that _TITLE matches ends
    with a title ending (random pieces built to match both)."""
    rng = random.Random(7)
    for _ in range(20000):
        piece = "".join(rng.choices(["(", "（", "一", "十", ")", "）", "、", ".", " ", "\u3000", "\t", "情况", "。", ":",
                                     "年度报告", "工作报告", "a", "，"], k=rng.randint(0, 8))).strip()
        if _SUBHEADING.match(piece):
            assert piece[:1] in repetition._SUB_OPENERS, piece
        if _TITLE.search(piece):
            assert piece.endswith(repetition._TITLE_ENDS), piece
    assert re.fullmatch(r"\s", "\u3000") and "\u3000".isspace()
