"""Issue 16: work the stages did twice on the same text, done once, with the same answers."""
from __future__ import annotations

import random
import sys
import unicodedata
from pathlib import Path

import pytest

from govreport.readers import read_document
from govreport.text import normalize
from govreport.text.normalize import key_of_normalized, label_key, nfkc

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.txt", "tests/data/fixtures/text/*.txt", "data/raw/*.txt",
                             "tests/data/real/*.html", "tests/data/*.html") for p in sorted(REPO.glob(pattern))]


def test_nfkc_output_is_left_as_it_is():
    """nfkc(nfkc(x)) == nfkc(x): NFKC is idempotent, and what nfkc does around it (the radicals and invisible
    controls translated first, ideographic and no-break spaces replaced after) finds nothing in NFKC's output:
    no character's NFKC holds one, and none of them is a composition (no canonical decomposition)."""
    changed = set(normalize._pre_nfkc_table()) | {0x3000, 0xA0}
    for code in changed:
        assert not unicodedata.decomposition(chr(code)).startswith(tuple("0123456789ABCDEF"))
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or code in normalize._pre_nfkc_table():
            continue  # (one nfkc translates these before NFKC)
        out = unicodedata.normalize("NFKC", chr(code))
        assert not any(ord(ch) in changed for ch in out), hex(code)
        once = nfkc(chr(code))
        assert nfkc(once) == once, hex(code)


def test_key_of_normalized_text_is_label_key():
    rng = random.Random(16)
    texts = []
    for path in REPORTS:
        doc = read_document(path)
        texts.append(doc.full_text())
        texts += [b.text for b in doc.blocks if b.kind == "text"][:200]
    alphabet = "".join(chr(c) for c in normalize._pre_nfkc_table()) + "\u3000\xa0 \t\n，、（）：“”《》ｱﾞ①²ＡＢ１２한글é\u0301"
    texts += ["".join(rng.choice(alphabet + "中文政府信息公开12") for _ in range(rng.randint(0, 700)))
              for _ in range(3000)]
    assert len(texts) > 3000
    for text in texts:
        assert key_of_normalized(nfkc(text)) == label_key(text)
        assert key_of_normalized(nfkc(text)) == label_key(nfkc(text))


def _nfkc_reference(text: str) -> str:
    """nfkc's steps before the full-width marks were replaced first."""
    if any(ord(ch) in normalize._pre_nfkc_table() for ch in text):
        text = text.translate(normalize._pre_nfkc_table())
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").replace("\xa0", " ")


def test_wide_marks_replaced_first_leave_nfkc_as_it_was():
    """A mark replaced by its NFKD (one ASCII character) before NFKC: NFKC(s) = NFC(NFKD(s)) and NFKD(s) is the
    same string, so nfkc's answer is the full normalization's, on the real lines and on random texts made of
    what composes, reorders or decomposes (combining marks before and after the marks, half-width kana and their
    voicing marks, Hangul jamo, radicals, full-width letters and digits)."""
    for mark, narrow in normalize._WIDE_MARKS:
        assert len(narrow) == 1 and narrow.isascii() and unicodedata.normalize("NFKD", mark) == narrow
    lines = []
    for path in REPORTS:
        lines += read_document(path).full_text().split("\n")
    rng = random.Random(7)
    pieces = [mark for mark, _ in normalize._WIDE_MARKS] + ["\u0301", "\u0308", "\u0327", "\u20dd", "\u3099", "\u309a",
              "ｶ", "ﾞ", "ﾟ", "か", "\u1100", "\u1161", "\u11a8", "e", "A", "Ａ", "１", "⺠", "\u200b", "\u3000", "\xa0",
              "中", "文", " ", ",", "㎡", "ﬁ", "①", "\u0f73", "\u0345"]
    lines += ["".join(rng.choices(pieces, k=rng.randint(1, 12))) for _ in range(50000)]
    assert len(lines) > 50000
    for line in lines:
        assert normalize._nfkc(line) == _nfkc_reference(line), repr(line)
