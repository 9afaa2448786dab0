"""Issue 16: prose_sentences decides most sentences' length from their head (repetition._long_enough), with the
answer of the whole comparison form."""
from __future__ import annotations

import random
from pathlib import Path

from govreport.checks import repetition
from govreport.checks.repetition import MIN_CHARS, _SPLIT, normalize_sentence
from govreport.extract.sentences import prose_paragraphs
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.txt", "data/raw/*.txt", "tests/data/real/*.html", "tests/data/*.html")
           for p in sorted(REPO.glob(pattern))]


def _reference(sentence: str) -> bool:
    return len(normalize_sentence(sentence)) >= MIN_CHARS


def test_head_answers_as_the_whole_on_real_sentences():
    pieces = [piece.strip() for p in REPORTS for _s, para in prose_paragraphs(read_document(p))
              for piece in _SPLIT.split(para)]
    assert len(pieces) > 1000
    assert sum(len(p) > repetition._HEAD for p in pieces) > 300  # the head decides these
    for piece in pieces:
        assert repetition._long_enough(piece) is _reference(piece), piece


def test_head_answers_as_the_whole_on_random_sentences():
    """Sentences made of what the comparison form treats specially (digits, full-width digits, separators,
    noise, spaces) around the head's end, so numbers and noise runs cross the cut."""
    rng = random.Random(16)
    alphabet = ["1", "2", "0", "１", "٣", ".", ",", "，", "。", " ", "\u3000", "、", "（", "）", "-", "年", "件", "a",
                "#", "①", "²", "\n", ";"]
    checked = 0
    for _ in range(40000):
        n = rng.randint(repetition._HEAD - 6, repetition._HEAD + 12)
        weights = rng.choice([None, [8 if ch in "12.," else 1 for ch in alphabet],
                              [1 if ch in "年件a#" else 12 for ch in alphabet]])  # digits, separators / mostly noise
        sentence = "".join(rng.choices(alphabet, weights=weights, k=n))
        assert repetition._long_enough(sentence) is _reference(sentence), repr(sentence)
        checked += _reference(sentence)
    assert 1000 < checked < 39000, checked  # both answers occur


def test_pieces_in_one_pass_are_the_split():
    """The sentence pieces found in one pass (marks and runs without them) are the non-empty pieces of the
    lookbehind split, for the fact sentences and for the repetition check's pieces."""
    from govreport.extract import sentences
    rng = random.Random(3)
    paras = [para for p in REPORTS for _s, para in prose_paragraphs(read_document(p))]
    paras += ["".join(rng.choices("。！？!?；;，a1 中\n", k=rng.randint(0, 30))) for _ in range(20000)]
    for para in paras:
        assert sentences._sentences(para) == [s for s in sentences._SENT_SPLIT.split(para) if s]
        assert repetition._PIECE.findall(para) == [s for s in _SPLIT.split(para) if s]
