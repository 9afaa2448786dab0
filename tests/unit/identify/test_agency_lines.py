"""identify/agency.py tries a sentence pattern only on the lines the joined text says may hold it (the lines
holding the rarest character every match holds, or those where the part after its agency group matches): the
matches of trying it on every line, on the lines of the repository's real reports and on random lines."""
from __future__ import annotations

import random
from itertools import accumulate
from pathlib import Path

from govreport.identify.agency import _lines_to_try, _source_patterns
from govreport.identify.titles import compact_document_lines
from govreport.readers import read_document

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted((REPO / "tests" / "data" / "real").glob("*.txt")) + sorted((REPO / "data" / "raw").glob("*.txt")) \
    + sorted((REPO / "tests" / "data").glob("*.html"))


def _every_line(lines: list[str]) -> list[str]:
    return [m.group("agency") for p in _source_patterns("sentence") for line in lines for m in p.finditer(line)]


def _lines_tried(lines: list[str]) -> list[str]:
    joined, starts = "\n".join(lines), list(accumulate((len(ln) + 1 for ln in lines[:-1]), initial=0))
    counts: dict = {}  # shared by the patterns, as _sentences shares it
    return [m.group("agency") for p in _source_patterns("sentence")
            for k in _lines_to_try(p, lines, joined, starts, counts) for m in p.finditer(lines[k])]


def test_real_reports_give_the_same_sentences():
    found = 0
    for path in REPORTS:
        lines = compact_document_lines(read_document(path))
        assert _lines_tried(lines) == _every_line(lines), path.name
        found += len(_every_line(lines))
    assert found > 20  # the sentences do name agencies (请与…联系, 本报告由…编制)


def test_random_lines_give_the_same_sentences():
    words = ["请与", "联系", "本报告由", "编制", "根据", "发布机构:", "来源:", "信息来源：", "|", "点击数", "莆田市审计局",
             "公布", "2024年度", "政府信息公开工作年度报告", "，", "。", "编制完成本报告", "PTS-", "x", "", "由", "本报告",
             "源", "构", "编", "告"]
    rng = random.Random(16)
    for _ in range(20000):
        lines = ["".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(0, 6))]
        assert _lines_tried(lines) == _every_line(lines), lines


def test_each_way_of_choosing_lines_is_used():
    """The catalog's sentence forms take each way: lines by a required character (发布机构/来源 lines, whose tail is
    $), and lines where the tail after the agency group matches (请与…联系 has no required character)."""
    from govreport.identify.agency import _by_character, _line_finder

    patterns = _source_patterns("sentence")
    assert {_by_character(p) for p in patterns} == {True, False}
    assert all(_line_finder(p) is not None and _line_finder(p).pattern != p.pattern
               for p in patterns if not _by_character(p))
