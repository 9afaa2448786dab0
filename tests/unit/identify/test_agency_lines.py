"""identify/agency.py tries a sentence pattern only on the lines the joined text says may hold it: exactly the
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
    return [m.group("agency") for p in _source_patterns("sentence")
            for k in _lines_to_try(p, lines, joined, starts) for m in p.finditer(lines[k])]


def test_real_reports_give_the_same_sentences():
    found = 0
    for path in REPORTS:
        lines = compact_document_lines(read_document(path))
        assert _lines_tried(lines) == _every_line(lines), path.name
        found += len(_every_line(lines))
    assert found > 20  # the sentences do name agencies (请与…联系, 本报告由…编制)


def test_random_lines_give_the_same_sentences():
    words = ["请与", "联系", "本报告由", "编制", "根据", "发布机构:", "来源:", "信息来源：", "|", "点击数", "莆田市审计局",
             "公布", "2024年度", "政府信息公开工作年度报告", "，", "。", "编制完成本报告", "PTS-", "x", ""]
    rng = random.Random(16)
    for _ in range(20000):
        lines = ["".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(0, 6))]
        assert _lines_tried(lines) == _every_line(lines), lines
