"""Issue 16: identification's shortcuts answer as the patterns they stand for: a template marker that is an
alternation of plain words searched a word at a time (template._marker_tests), the whitespace test of
compact_document_lines (titles._other_space) and the title forms' character test (titles._forms_and_chars)."""
from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

from govreport import catalog
from govreport.errors import ReportError
from govreport.identify import template, titles
from govreport.identify.template import detect_template
from govreport.text.prefilter import plain_alternatives
from govreport.identify.titles import document_text
from govreport.readers import read_document
from govreport.text.normalize import key_of_normalized
from govreport.text.prefilter import required_chars

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.*", "data/raw/*.*", "tests/data/*.html", "tests/data/*.txt",
                             "tests/data/*.md")
           for p in sorted(REPO.glob(pattern)) if p.suffix in (".txt", ".html", ".md")]


def _reference_scores(key: str) -> dict:
    scores: Counter = Counter({t: 0.0 for t in catalog.templates()})
    for name, pattern, weight in catalog.template_markers():
        if pattern.search(key):
            scores[name] += weight
    return dict(scores)


def test_markers_score_as_their_patterns_on_real_reports():
    assert len(REPORTS) > 20
    for path in REPORTS:
        doc = read_document(path)
        key = key_of_normalized(document_text(doc))
        for text in (key, key.replace("〔2021〕30号", "[2021]30号"), key.replace("〔2021〕30号", ""),
                     key + "〔2019〕60号", key + "〔2021〕30号[2021]30号", key[: len(key) // 2]):
            try:
                _, scores = detect_template(doc, 2021, text)
            except ReportError:
                assert max(_reference_scores(text).values()) < 2
                continue
            assert scores == _reference_scores(text), path


def test_catalog_alternations_of_words_are_searched_a_word_at_a_time():
    split = [(name, [p.pattern for p in tests]) for name, tests, _ in template._marker_tests() if len(tests) > 1]
    assert ("gb2021", ["〔2021〕30号", r"\[2021\]30号"]) in split
    assert len(template._marker_tests()) == len(catalog.template_markers())


def test_plain_words_match_as_the_pattern():
    """Patterns that are alternations of plain words give their words; any other (a class, a flag, an empty or
    an optional alternative, a repeat, a dot) gives None. Where words are given, a text holds one exactly when
    the pattern matches it."""
    words = {"ab|cd": ("ab", "cd"), "a|b": None, "〔2021〕30号|\\[2021\\]30号": ("〔2021〕30号", "[2021]30号"), "ab|ac": None,
             "a|b.": None, "a|": None, "(?i:a|b)": None, "[ab]": None, "a+|b": None, "abc": None, "(?:a|b)": None,
             "a|b|c\\d": None, "x(?:a|b)": None, "a\\|b|c": ("a|b", "c")}
    rng = random.Random(5)
    for source, expected in words.items():
        pattern = re.compile(source)
        got = plain_alternatives(pattern)
        if expected is None and got is not None:  # (the parser may write some as plain words: then they must agree)
            expected = got
        assert got == expected, source
        for _ in range(2000 if got else 0):
            text = "".join(rng.choices(["a", "b", "c", "d", "|", "x", "〔2021〕30号", "[2021]30号", "A"],
                                       k=rng.randint(0, 6)))
            assert any(w in text for w in got) == bool(pattern.search(text)), (source, text)
    assert plain_alternatives(re.compile("ab|cd", re.IGNORECASE)) is None


def test_other_space_is_whitespace_but_space_and_newline():
    pattern, reference = titles._other_space(), re.compile(r"[^\S \n]")
    for code in range(0x110000):
        ch = chr(code)
        assert (pattern.search(ch) is None) == (reference.search(ch) is None), hex(code)


def test_title_forms_carry_their_characters():
    for ocr in (False, True):
        pairs = titles._forms_and_chars(ocr)
        assert [form for form, _ in pairs] == list(titles._title_forms(ocr))
        for form, chars in pairs:
            assert set(chars) == required_chars(form) and chars
