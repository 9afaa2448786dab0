"""Issue 16: the sentence forms are tried on the lines holding a word every match of theirs holds
(agency._words, text.prefilter.required_words: 政府信息公开工作, 联系|咨询|反映, 发布机构 …), found by a literal search each."""
from __future__ import annotations

import random
import re
from itertools import accumulate

from govreport.identify import agency
from govreport.identify.agency import _lines_to_try, _source_patterns, _words
from govreport.text.prefilter import _p, _word_groups


def _words_of(pattern: re.Pattern) -> tuple[str, ...]:
    return tuple(w.pattern.replace("\\", "") for w in _words(pattern))


def test_catalog_sentence_forms_take_their_words():
    found = {p.pattern[:12]: _words_of(p) for p in _source_patterns("sentence")}
    assert ("政府信息公开工作",) in found.values()
    assert ("联系", "咨询", "反映") in found.values()
    assert ("发布机构",) in found.values() and ("来源",) in found.values()  # (信息来源 holds 来源)
    assert all(found.values())


def test_every_match_holds_a_word_of_each_group():
    """Patterns with optional parts, repeats, classes, alternations (of words, of characters, of mixed
    alternatives), nested and named groups and lookarounds, on random texts: each match holds a word of every
    group _word_groups gives."""
    sources = ["ab(?:cd)?ef", "(?:联系|咨询|反映)x", "a(?:b|cd)e", "(?:ab|ab)c", "x(?:12|34)+y", "x(?:12|34)*y",
               "(?P<n>ab)c{2}d", "(?=ab)abc", "(?!ab)cd|ef", "a[bc]d", "(?:a|b)cd", "ab?c", "(?:ab(?:cd|ef))gh",
               "^来源[:：](?P<a>\\S{2,4})$", "(?:本|该)报告由(?P<a>.{1,3}?)编制", "(?:ab|c)", "a.{0,2}b(?:c|dd)"]
    rng = random.Random(2)
    for source in sources:
        pattern = re.compile(source)
        groups = _word_groups(_p.parse(source, 0))
        for _ in range(4000):
            text = "".join(rng.choices(["a", "b", "c", "d", "e", "f", "g", "h", "x", "y", "12", "34", "联系", "咨询",
                                        "反映", "来源", ":", "本", "报告由", "编制", "该"], k=rng.randint(0, 9)))
            for m in pattern.finditer(text):
                for group in groups:
                    assert any(w in m.group() for w in group), (source, text, group)


def test_lines_holding_a_word_are_the_lines_with_a_match():
    words = ["请与", "可向", "联系", "咨询", "反映", "本年报由", "本报告系由", "年报", "报告", "编制", "发布机构:", "来源:",
             "信息来源：", "|", "点击数", "莆田市审计局", "公布", "发布《", "2024年度", "政府信息公开工作年度报告",
             "政府信息公开工作", "，", "。", "x", "", "由", "源", "询", "\n"]
    rng = random.Random(14)
    worded = [p for p in _source_patterns("sentence") if _words(p)]
    assert len(worded) == len(_source_patterns("sentence"))
    for _ in range(20000):
        lines = ["".join(rng.choice(words) for _ in range(rng.randint(0, 8))).replace("\n", "")
                 for _ in range(rng.randint(0, 6))]
        joined = "\n".join(lines)
        starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        for p in worded:
            tried = list(_lines_to_try(p, lines, joined, starts, {}))
            assert tried == sorted(set(tried))
            assert {k for k, line in enumerate(lines) if p.search(line)} <= set(tried), (p.pattern, lines)


def test_no_words_for_patterns_that_match_otherwise():
    assert _words(re.compile("(?i:ab)cd|xy")) == ()
    assert _words(re.compile("abc", re.IGNORECASE)) == ()
    assert _words(re.compile("a(?:b|c)d")) == ()  # (words of one character: the other ways)
    assert agency._words(re.compile("x(?:ab|cd)?y")) == ()


def test_a_word_with_a_newline_is_in_no_line():
    lines = ["ab", "cd", "ab"]
    joined = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    assert agency._lines_holding_words((re.compile("b\ncd"),), lines, joined, starts) == []
    assert agency._lines_holding_words((re.compile("b\ncd"), re.compile("ab")), lines, joined, starts) == [0, 2]


def test_signature_names_as_every_date_form_tried():
    """The signer under a date line, read with the one date form's match (agency._signature_names), as trying
    every date form of a line did; on every real report's lines and random signature tails."""
    from pathlib import Path

    from govreport.identify.titles import compact_document_lines
    from govreport.readers import read_document

    def reference(lines: list[str]) -> list[str]:
        tail = lines[-agency._SIGNATURE_SPAN:]

        def name_on(line: str) -> str:
            return next((m.group("agency") for p in _source_patterns("signature") for m in [p.match(line)] if m), "")

        dated = [name_on(line) for line, below in zip(tail, tail[1:])
                 if any(p.match(below) for p in _source_patterns("signature_date"))]
        return [n for n in dated[::-1] if n] or [n for n in map(name_on, reversed(tail[-12:])) if n]

    repo = Path(__file__).resolve().parents[3]
    docs = [p for pattern in ("tests/data/real/*.*", "data/raw/*.*", "tests/data/*.html") for p in repo.glob(pattern)
            if p.suffix in (".txt", ".html", ".md")]
    assert len(docs) > 20
    for path in docs:
        lines = compact_document_lines(read_document(path))
        assert agency._signature_names(lines) == reference(lines), path
    rng = random.Random(4)
    words = ["莆田市审计局", "三明市人民政府", "2024年1月6日", "二〇二四年一月六日", "2024年1月", "印发", "，", "x", ""]
    for _ in range(5000):
        lines = ["".join(rng.choices(words, k=rng.randint(0, 3))) for _ in range(rng.randint(0, 50))]
        assert agency._signature_names(lines) == reference(lines), lines
