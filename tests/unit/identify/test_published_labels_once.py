"""Issue 16: the labelled publication dates (发布时间：…) are found by one search over the document's lines joined
(published._label_across_lines), with the candidates the search of each line gave."""
from __future__ import annotations

import random
from pathlib import Path

from govreport.identify import published
from govreport.identify.published import _ANY_DIGIT, _DATE_TEXT, _label_re, _labelled_candidates, _lines
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = [p for pattern in ("tests/data/real/*.*", "data/raw/*.*", "tests/data/*.html", "tests/data/*.txt",
                             "tests/data/*.md")
           for p in sorted(REPO.glob(pattern)) if p.suffix in (".txt", ".html", ".md")]


def _reference(lines: list[str]) -> list[tuple[str, str]]:
    """The labelled candidates as they were found: one search a line, table rows (with a tab) left out."""
    out = []
    for line in lines:
        if "\t" in line:
            continue
        m = _label_re().search(line)
        if m and _ANY_DIGIT.match(m.group("rest")):
            stated = _DATE_TEXT.match(m.group("rest")).group(0).strip()
            out.append((f"{m.group('label')}: {stated}", m.group("rest")))
    return out


def test_real_reports_give_the_same_candidates():
    found = 0
    for path in REPORTS:
        lines = _lines(read_document(path))
        assert _labelled_candidates(lines) == _reference(lines), path
        found += len(_reference(lines))
    assert found >= 10


def test_random_lines_give_the_same_candidates():
    """Lines of labels, colons, digits, date words and every kind of whitespace (a label at a line's end, a tab
    row, \\r, \\x0b, \\x85, \\u2028, \\u3000), joined or not."""
    rng = random.Random(16)
    words = ["发布时间", "发布日期", "成文日期", "印发日期", "公开日期", "发布", "日期", ":", "：", " ", "\u3000", "\t",
             "\r", "\x0b", "\x85", "\u2028", "\n", "2025", "-01-06", "年", "3月", "6日", "16:03", "a", "。", ""]
    for _ in range(3000):
        lines = ["".join(rng.choices(words, k=rng.randint(0, 7))) for _ in range(rng.randint(0, 12))]
        assert _labelled_candidates(lines) == _reference(lines), lines
        clean = [ln for ln in lines if "\t" not in ln]  # (the joined search: no tab anywhere)
        assert _labelled_candidates(clean) == _reference(clean), clean


def test_the_joined_search_is_used():
    assert published._label_across_lines() is not None
    lines = ["发布时间：", "2025-01-06", "发布日期: 2025年1月6日", "x 成文日期 2024-12-30 y"]
    assert _labelled_candidates(lines) == _reference(lines) == [("发布日期: 2025年1月6日", "2025年1月6日"),
                                                              ("成文日期: 2024-12-30", "2024-12-30 y")]
