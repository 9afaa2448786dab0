"""Issue 16: the subject reader's scans answer as the character loops and searches they replace: the clause
start read from one stop character to the next (facts._LAST_STOP), the one search that tells a phrase needs no
masking (facts._maskable) and the one match that tells no prefix opens it (facts._any_prefix)."""
from __future__ import annotations

import random
from pathlib import Path

from govreport.extract import facts
from govreport.extract.fact_lexicon import alternation, lexicon
from govreport.extract.sentences import bounded_sentences
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.txt", "data/raw/*.txt", "tests/data/real/*.html", "tests/data/*.html")
           for p in sorted(REPO.glob(pattern))]


def _clause_start(text: str, pos: int, floor: int) -> int:
    """The clause start as it was read: character by character, backwards."""
    i = pos - 1
    while i >= floor:
        ch = text[i]
        if ch in facts._STRONG:
            return i + 1
        if ch in facts._OPEN:
            opener = facts._OPEN[ch]
            depth = 1
            j = i - 1
            while j >= floor and depth:
                if text[j] == ch:
                    depth += 1
                elif text[j] == opener:
                    depth -= 1
                j -= 1
            if depth:
                return floor
            i = j
            continue
        if ch in ("(", "（"):
            return i + 1
        i -= 1
    return floor


def _mask_quotes(text: str) -> str:
    guards = list(alternation("guards").finditer(text))
    if not guards and facts._OPENING.search(text) is None:
        return text
    out = list(text)
    for m in guards:
        for k in range(m.start(), m.end()):
            out[k] = "▒"
    depth = []
    for i, ch in enumerate(text):
        if ch in facts._QUOTE_OPEN:
            depth.append(ch)
            out[i] = "█"
        elif depth and ch in ("”", "》", "’", "」", "〉"):
            depth.pop()
            out[i] = "█"
        elif depth:
            out[i] = "█"
    return "".join(out)


def _strip_prefixes(text: str) -> tuple[str, bool]:
    lex = lexicon()
    total, changed = False, True
    text = text.strip()
    while changed and text:
        changed = False
        m = facts._YEAR_PREFIX.match(text)
        if m and m.end() > 0:
            text = text[m.end():].strip()
            changed = True
            continue
        m = facts._prefix_match(text)
        if m:
            p = m.group()
            if p in lex.total_markers:
                total = True
            text = text[len(p):].strip(" ,，:：、")
            changed = True
    return text, total


def _texts() -> list[str]:
    """Every prose sentence of the real reports, and random ones of brackets, quotes, marks, guard words, prefixes
    and time words."""
    real = [s for p in REPORTS for _section, s in bounded_sentences("r", read_document(p), [])]
    rng = random.Random(16)
    lex = lexicon()
    pieces = (list("(（)）“”《》‘’「」〈〉<>,，。;；:：!！?？、 中件") + ["2023年", "本年度", "今年", " 2024 年度 "]
              + list(lex.guards[:8]) + list(lex.prefixes[:8]) + list(lex.total_markers[:4]) + ["▒", "█"])
    made = ["".join(rng.choices(pieces, k=rng.randint(0, 14))) for _ in range(20000)]
    return real + made


def test_scans_answer_as_the_loops():
    texts = _texts()
    assert len(texts) > 21000
    for text in texts:
        for pos in range(len(text) + 1):
            for floor in {0, pos // 2, max(0, pos - 3)}:
                assert facts._clause_start(text, pos, floor) == _clause_start(text, pos, floor), (text, pos, floor)
        assert facts._mask_quotes(text) == _mask_quotes(text), text
        assert facts._strip_prefixes(text) == _strip_prefixes(text), text
        for start in range(0, len(text), 5):
            assert facts._strip_prefixes(text[start:]) == _strip_prefixes(text[start:]), text[start:]


def test_the_shortcuts_are_taken():
    assert facts._any_prefix() is not None
    assert facts._maskable().search("本年度共受理申请") is None
    assert facts._maskable().search("《条例》") is not None
