"""The prose reading skips work that cannot change its answer: a sentence with no unit right after a number's last
character holds no token (fact_numbers.tokenize returns at once, and _read_sentence assigns nothing), a phrase
with no total marker past its first character keeps its text (facts._remove_markers), a phrase no suffix ends
keeps its text (facts._strip_suffixes). Each is compared with the full computation on every sentence of the
repository's real reports and on random texts built to put numbers, spaces, 余/多/万/亿 and units side by side."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from govreport.extract import fact_numbers, facts
from govreport.extract.fact_lexicon import lexicon
from govreport.extract.sentences import bounded_sentences
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted(p for folder in ("tests/data", "tests/data/real", "tests/data/fixtures/text", "data/raw")
                 for ext in ("txt", "html", "md") for p in (REPO / folder).glob(f"*.{ext}"))


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return [s for p in REPORTS for _section, s in bounded_sentences("r", read_document(p), [])]


def _random_texts(n: int, seed: int = 1612) -> list[str]:
    lex = lexicon()
    alphabet = (list("0123456789,.，。、一二两三十百千万零〇余多亿  \u3000\t共计其中“”《》()（）第号-/年月日a٣")
                + list(lex.units) + list(lex.prefixes) + list(lex.guards) + list(lex.unit_blockers)
                + list(lex.total_markers) + list(lex.suffixes) + list(lex.verbs[:20]) + ["3 件", "5余件", "2万人次", "十 项"])
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(n)]


def _fields(tokens) -> list:
    return [(t.start, t.end, t.value, t.unit, t.decimals, t.subject, t.total, t.role, t.parent, t.parts) for t in tokens]


def _full_tokens(text: str, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setattr(fact_numbers, "_unit_after_number", lambda: re.compile(""))  # the test passes every text
        return _fields(fact_numbers.tokenize(text))


def test_no_unit_after_a_number_means_no_token(sentences, monkeypatch):
    texts = sentences + _random_texts(30000)
    skipped = 0
    for text in texts:
        got = _fields(fact_numbers.tokenize(text))
        assert got == _full_tokens(text, monkeypatch), text
        if fact_numbers._unit_after_number().search(text) is None:
            skipped += 1
            assert not list(fact_numbers._token_matches(text)), text  # no match, excluded or not
    assert skipped > len(sentences) // 2  # most real sentences are skipped


def test_a_sentence_reads_as_before(sentences, monkeypatch):
    """_read_sentence (tokens, subjects, totals, parts) with every skip on and off."""
    texts = sentences + _random_texts(10000, seed=7)
    with monkeypatch.context() as m:
        m.setattr(fact_numbers, "_unit_after_number", lambda: re.compile(""))
        m.setattr(facts, "_markers_seen_raw", lambda: False)
        m.setattr(facts, "_strip_suffixes", _strip_suffixes_in_full)
        want = [_fields(_read_in_full(t)) for t in texts]
    assert [_fields(facts._read_sentence(t)) for t in texts] == want


def _read_in_full(text: str) -> list:
    tokens = fact_numbers.tokenize(text)
    facts._assign_subjects(text, tokens)
    facts._link_parts(text, tokens)
    return tokens


def _strip_suffixes_in_full(text: str) -> tuple[str, bool]:
    lex = lexicon()
    total, changed = False, True
    while changed and text:
        changed = False
        for suf in lex.suffixes:
            if text.endswith(suf) and len(text) > len(suf):
                total = total or suf in lex.total_markers
                text = text[: -len(suf)].rstrip()
                changed = True
                break
    return text, total


def test_phrases_keep_or_lose_markers_and_suffixes_as_before(sentences, monkeypatch):
    lex = lexicon()
    phrases = [s[a:b] for s in sentences[:400] for a in range(0, len(s), 7) for b in (a + 5, a + 12, len(s))]
    phrases += _random_texts(20000, seed=11) + [w + m + v for w in ("", "事项", "共") for m in lex.total_markers
                                                for v in lex.verbs[:10]]
    found = {"marker": 0, "suffix": 0}
    for text in phrases:
        with monkeypatch.context() as m:
            m.setattr(facts, "_markers_seen_raw", lambda: False)
            full = facts._remove_markers(text)
        assert facts._remove_markers(text) == full, text
        found["marker"] += full[1]
        assert facts._strip_suffixes(text) == _strip_suffixes_in_full(text), text
        found["suffix"] += _strip_suffixes_in_full(text)[0] != text
    assert found["marker"] > 50 and found["suffix"] > 50  # both do remove words


def test_the_lexicon_allows_the_marker_skip():
    assert facts._markers_seen_raw()
