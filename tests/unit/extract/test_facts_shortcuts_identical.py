"""Issue 16's cheaper prose reading gives the answers of the code it replaces: each shortcut of extract/facts.py
and extract/fact_numbers.py is checked against the full computation on the sentences of the repository's real
reports (and random text)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from govreport.extract import fact_numbers, facts
from govreport.extract.fact_lexicon import alternation, lexicon
from govreport.extract.sentences import bounded_sentences
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted((REPO / "tests" / "data" / "real").glob("*.txt")) + sorted((REPO / "data" / "raw").glob("*.txt")) \
    + sorted((REPO / "tests" / "data").glob("*.html"))


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """Every prose sentence fact extraction reads in the real reports."""
    return [s for p in REPORTS for _section, s in bounded_sentences("r", read_document(p), [])]


def _random_texts(n: int) -> list[str]:
    """Runs of digits, numerals, units, commas and quotes glued at random (lookbehinds at every kind of start)."""
    lex = lexicon()
    alphabet = (list("0123456789,.，。、一二两三十百千万零〇余多亿 共计其中“”《》()（）第号-/年月日a") + list(lex.units)
                + list(lex.prefixes) + list(lex.guards) + list(lex.unit_blockers))
    rng = random.Random(16)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(20000)]


def _spans(matches) -> list:
    return [(m.span(), m.groupdict()) for m in matches]


def test_token_scan_finds_what_finditer_finds(sentences):
    # the pattern tried only where a digit or a numeral starts, as finditer over every position
    texts = sentences + _random_texts(20000)
    assert sum(bool(_spans(fact_numbers._token_pattern().finditer(t))) for t in sentences) > 100  # real figures are read
    for text in texts:
        assert _spans(fact_numbers._token_matches(text)) == _spans(fact_numbers._token_pattern().finditer(text)), text


def test_token_scan_sees_the_text_before_a_start():
    # 12,345 is one number; the 345 after "12," and the 5 after a digit start none of their own
    assert [m.group() for m in fact_numbers._token_matches("共12,345件，另15件")] == ["12,345件", "15件"]


def test_prefix_match_is_the_masked_match(sentences):
    texts = sentences + _random_texts(20000) + ["其中“公共”", "公共服务其中", "“其中”3件"]
    for text in texts:
        want = alternation("prefixes").match(facts._mask_quotes(text))
        got = facts._prefix_match(text)
        assert (got and got.group()) == (want and want.group()), text


def test_unit_blockers_of_a_unit_start_with_it():
    for unit in lexicon().units:
        for blocker in lexicon().unit_blockers:
            hit = any(blocker == b for b in fact_numbers._unit_blockers(unit))
            assert hit == (len(blocker) > len(unit) and blocker.startswith(unit))


def test_verb_positions_without_nominals_are_every_verb(sentences):
    # the shortcut of a phrase with no nominal phrase: the verbs as the covered-character test finds them
    for text in sentences + _random_texts(5000):
        masked = facts._mask_quotes(text)
        covered = [False] * len(masked)
        for m in alternation("nominals").finditer(masked):
            covered[m.start():m.end()] = [True] * (m.end() - m.start())
        want = [(m.start(), m.group()) for m in alternation("verbs").finditer(masked)
                if not any(covered[m.start():m.end()])]
        assert facts._verb_positions(masked) == want, text
