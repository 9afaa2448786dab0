"""Issue 16's cheaper normalization gives the answers of the code it replaces: whitespace split by str.split, a
long text normalized line by line, a label's key from its parts' keys, and prose words that open no cell."""
from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import pytest

from govreport.readers import read_document
from govreport.text import normalize
from govreport.text.normalize import clean_text, label_key, nfkc, parse_cell

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted((REPO / "tests" / "data" / "real").glob("*.txt")) + sorted((REPO / "data" / "raw").glob("*.txt"))
_WS = re.compile(r"\s+")  # what clean_text and label_key collapsed and removed whitespace with before


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Every text line of the real text reports (as read, unstripped), and each report's whole text."""
    docs = [read_document(p) for p in REPORTS]
    lines = [b.text for d in docs for b in d.blocks if b.kind == "text"]
    return lines + ["\n".join(b.text for b in d.blocks if b.kind == "text") for d in docs]


def test_str_split_parts_at_what_re_calls_whitespace():
    """str.split / str.strip part at str.isspace, which is re's \\s code point for code point."""
    for cp in range(0x110000):
        ch = chr(cp)
        assert ch.isspace() == bool(_WS.match(ch)), hex(cp)


def test_clean_text_and_label_key_as_before(texts):
    """clean_text: NFKC, whitespace runs to one space, stripped; label_key: NFKC, no whitespace, folded marks."""
    rng = random.Random(16)
    spaces = " \t\n\u3000\xa0\u2003\u200b\x1c\x85"
    pieces = ["申请", "（一）", "１２", "、", "《条例》", "“", "a", "⺠", "①"]
    made = ["".join(rng.choice(pieces + list(spaces)) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for text in texts + made + ["x" * 600 + " \u3000 y\n z", "\n".join(["（一） 申请"] * 200)]:
        assert clean_text(text) == _WS.sub(" ", normalize._nfkc(text)).strip(), text
        assert label_key(text) == normalize._fold_punct(_WS.sub("", normalize._nfkc(text))), text
        assert normalize._fold_punct(text) == text.translate(normalize._PUNCT_FOLD)


def test_nfkc_neither_composes_nor_reorders_across_a_space_or_line_break():
    """For every code point c: NFKC(c + sep + x) = NFKC(c) + sep + NFKC(x), and so on (sep a space or a line
    break): a long text may be normalized line by line, and a key built from its parts' keys."""
    norm = lambda s: unicodedata.normalize("NFKC", s)  # noqa: E731
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for sep in (" ", "\n"):
            assert norm(ch + sep + "a") == norm(ch) + sep + "a", hex(cp)
            assert norm("a" + sep + ch) == "a" + sep + norm(ch), hex(cp)
            assert norm(ch + sep + ch) == norm(ch) + sep + norm(ch), hex(cp)


def test_long_text_normalized_line_by_line_is_the_whole(texts):
    """nfkc of a long text with line breaks (each line memoized) is _nfkc of the whole text."""
    long = [t for t in texts if len(t) > normalize._MEMO_CHARS and "\n" in t]
    assert len(long) >= 10
    for text in long + ["\n".join(["⺠\u200b（１）\u3000申\u0301请"] * 100), "\n" * 600, "a\u0301\n\u0301b" * 300]:
        assert nfkc(text) == normalize._nfkc(text)


def test_key_of_joined_parts_is_the_parts_keys_joined(texts):
    """label_key(' '.join(parts)) == ''.join(label_key(p) for p in parts): how the walker keys its buffer."""
    lines = [t for t in texts if "\n" not in t]
    rng = random.Random(7)
    for _ in range(3000):
        parts = rng.sample(lines, rng.randint(1, 4)) + rng.sample(["", " ", "\u0301a", "b\u0301", "（"], 1)
        rng.shuffle(parts)
        assert label_key(" ".join(parts)) == "".join(label_key(p) for p in parts), parts


def test_ideograph_opening_no_cell_is_text():
    """parse_cell's shortcut: a cell opening with an ideograph that opens no number and no placeholder is text
    (None), as the whole cell grammar says, whatever follows it."""
    tails = ["", "1", "１２", " 3", "①", "\u0301", "（含转办3）", "万元", "件", "无"]
    skipped = 0
    for cp in range(0x4E00, 0xA000):
        for tail in tails:
            cell = chr(cp) + tail
            full = normalize._parse_cell(cell)
            if chr(cp) not in normalize._cell_openers():
                skipped += 1
                assert full is None, cell
            assert parse_cell(cell) == full, cell
    assert skipped > 200_000
    assert parse_cell("无") is not None and parse_cell("二十一").value == 21 and parse_cell("约550").value == 550
