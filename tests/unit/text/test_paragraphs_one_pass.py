"""join_paragraphs classifies each line once and decides the table's runs of text lines per run (issue 16): it
gives the paragraphs of the line-by-line joining it replaced, kept here as the reference, on every real text
report and on random line lists made of what the joining tests (headings, rows, wrapped numbers, blank and
indented lines, titles, link artifacts, tabs). A comparison that could not tell a wrong shortcut from a right
one would prove nothing: the last test plants mistakes and checks that the comparison sees each."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from govreport.readers import read_document
from govreport.text import paragraphs
from govreport.text.normalize import clean_text
from govreport.text.paragraphs import is_table_text, join_paragraphs, top_heading_of_clean

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted({*(REPO / "tests" / "data").rglob("*.txt"), *(REPO / "data" / "raw").glob("*.txt")})

# ----------------------------------------------------------------------------- the reference: line by line
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．](?!\d))")
_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":")
_FULL_STOP = ("。", "！", "？", "!", "?")
_SENTENCE_PUNCT = re.compile(r"[。！？!?]")
_LINK_ARTIFACT = re.compile(r"^\s*mailto:\S*\s*$", re.IGNORECASE)
_TITLE_END = re.compile(r"(?:年度报告|工作报告)\s*$")
_CONTINUATION = set("号件条篇项次份期人个元万年月日%％余多场家名")


def _table_mask(lines, cleaned):
    n = len(lines)
    table = ["\t" in ln or is_table_text(text) for ln, text in zip(lines, cleaned)]
    for i, is_tab in enumerate(table):
        if is_tab and "\t" not in lines[i]:
            nxt = _next_nonblank(lines, i)
            if nxt[:1] and nxt[:1] in _CONTINUATION:
                tokens = cleaned[i].split(" ")
                if len(tokens) >= 2 and not paragraphs._value_token().match(tokens[-2]):
                    table[i] = False
    heading = [not table[i] and top_heading_of_clean(cleaned[i]) is not None for i in range(n)]
    mask = list(table)
    i = 0
    while i < n:
        if table[i] or heading[i] or not lines[i].strip():
            i += 1
            continue
        j = i
        has_stop = False
        while j < n and not table[j] and not heading[j]:
            if _SENTENCE_PUNCT.search(lines[j]):
                has_stop = True
            j += 1
        before = _neighbour(table, heading, lines, i, -1)
        after = _neighbour(table, heading, lines, j - 1, 1)
        if not has_stop and "table" in (before, after) and before is not None and after is not None:
            for k in range(i, j):
                mask[k] = True
        i = j
    return mask, heading


def _next_nonblank(lines, i):
    for k in range(i + 1, len(lines)):
        if lines[k].strip():
            return lines[k].strip()
    return ""


def _neighbour(table, heading, lines, start, step):
    k = start + step
    while 0 <= k < len(lines) and not lines[k].strip():
        k += step
    if not 0 <= k < len(lines):
        return "edge" if step > 0 else None
    if table[k]:
        return "table"
    if heading[k]:
        return "heading"
    return "text"


def reference_join(lines: list[str]) -> list[str]:
    """join_paragraphs as it was before issue 16's one pass (strings glued as they come)."""
    lines = [ln for ln in lines if not _LINK_ARTIFACT.match(ln)]
    cleaned = [clean_text(ln) for ln in lines]
    mask, heading = _table_mask(lines, cleaned)
    paras, cur = [], ""
    for raw, line, in_table, is_heading in zip(lines, cleaned, mask, heading):
        last = cur[-1:]
        if in_table:
            if cur:
                paras.append(cur)
            cur = ""
            continue
        if not line:
            if last in _FULL_STOP and cur:
                paras.append(cur)
                cur = ""
            continue
        if is_heading and (not cur or last in _SENTENCE_END or len(cur) < 40):
            if cur:
                paras.append(cur)
            cur = ""
            paras.append(line)
            continue
        if _TITLE_END.search(line) and len(cur) + len(line) < 60 and not _SENTENCE_PUNCT.search(cur + line):
            paras.append(cur + line)
            cur = ""
            continue
        indented = raw[:2] in ("  ", "\u3000\u3000") or raw.startswith("\u3000")
        if cur and last in _SENTENCE_END and (indented or _HEADING_START.match(line)):
            paras.append(cur)
            cur = ""
        last = cur[-1:]
        if last and last.isascii() and last.isalnum() and line[0].isascii() and line[0].isalnum():
            cur += " "
        cur += line
    if cur:
        paras.append(cur)
    return paras


# ----------------------------------------------------------------------------- the cases
_PIECES = ["", " ", "  ", "\u3000", "\u3000\u3000", "\t", "一、", "二、概述", "三、其他需要报告的事项", "十一、结语", "（一）", "1.",
           "2、", "12", "1,234", "3 4 5", "0 0 0", "/", "—", "--", "无", "不涉及", "规章0 0 0", "行政许可 3", "洪泽湖大道 90", "号，邮编",
           "件", "。", "！", "？", "；", "：", ",", "，", "年度报告", "工作报告", "2023年政府信息公开工作年度报告", "mailto:a@b.c",
           " MAILTO:x ", "maılto:y", "abc", "A1", "x", "政府信息", "受理申请", "余 3", "约 5", "本年度共受理", "申请30件", "\u200b",
           "．", "九 . 结束", "%", "1%", "2.5", "\xa0"]


@pytest.fixture(scope="module")
def reports() -> list[list[str]]:
    """The text lines of every real text report, as Document.paragraphs hands them to join_paragraphs."""
    return [[b.text for b in read_document(p).blocks if b.kind == "text"] for p in REPORTS]


def _cases(reports: list[list[str]], n: int, seed: int) -> list[list[str]]:
    """The reports, windows of them, and random line lists of report lines and the pieces above."""
    rng = random.Random(seed)
    real = [ln for lines in reports for ln in lines]
    cases = list(reports)
    for _ in range(n):
        if rng.random() < 0.2:
            lines = rng.choice(reports)
            start = rng.randrange(len(lines))
            cases.append(lines[start:start + rng.randint(1, 60)])
            continue
        cases.append([rng.choice(real) if rng.random() < 0.3
                      else "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 4)))
                      for _ in range(rng.randint(0, 40))])
    return cases


def _differences(cases: list[list[str]]) -> int:
    """How many cases join_paragraphs joins otherwise than the reference (or fails on)."""
    found = 0
    for lines in cases:
        try:
            found += join_paragraphs(list(lines)) != reference_join(list(lines))
        except IndexError:
            found += 1
    return found


def test_the_reports_are_read():
    assert len(REPORTS) >= 19


def test_one_pass_joins_as_line_by_line(reports):
    cases = _cases(reports, 6000, seed=16)
    for lines in cases:
        assert join_paragraphs(list(lines)) == reference_join(list(lines)), lines


@pytest.mark.parametrize("mistake", ["no_ten", "no_links", "no_carry", "no_question_stop", "blank_lines", "title_any"])
def test_the_comparison_sees_a_planted_mistake(reports, monkeypatch, mistake):
    """Each shortcut made wrong on purpose: the comparison above finds lines it joins differently."""
    if mistake == "no_ten":  # a heading numbered 十… taken for text
        monkeypatch.setattr(paragraphs, "_TOP_NUMERALS", frozenset("一二三四五六七八九"))
    elif mistake == "no_links":  # link artifacts no longer found
        monkeypatch.setattr(paragraphs, "_LINK_WORD", re.compile("mailto:"))
    elif mistake == "no_carry":  # a wrapped number never carried on
        monkeypatch.setattr(paragraphs, "_carried_on", lambda lines, i, text: False)
    elif mistake == "no_question_stop":  # a blank line after a question no longer ends the paragraph
        monkeypatch.setattr(paragraphs, "_FULL_STOP", frozenset("。！？!"))  # (cleaned lines hold "?", not "？")
    elif mistake == "blank_lines":  # blank lines no longer skipped around a run
        monkeypatch.setattr(paragraphs, "_non_blank", lambda lines, k, step: k)
    elif mistake == "title_any":  # any line ending in 报告 taken for a title's end
        monkeypatch.setattr(paragraphs, "_TITLE_ENDS", ("报告",))
    assert _differences(_cases(reports, 3000, seed=17)) > 0
