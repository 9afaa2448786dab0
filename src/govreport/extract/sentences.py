"""The prose of a Document, as the sentences fact extraction and the repetition check read.

Headings are tracked in order so the rows of a statistics table that start with
一、/二、 do not pass for section headings; table-like lines are left out. Work is
bounded per report (readers.limits.LIMITS): every cut leaves a finding.
"""
from __future__ import annotations

import re
from typing import Iterator

from govreport.model import finding
from govreport.readers.limits import LIMITS, Budget
from govreport.text.normalize import clean_text
from govreport.text.paragraphs import is_table_text, top_heading_of_clean

_SENT_SPLIT = re.compile(r"(?<=[。！？!?])")
# the non-empty pieces of _SENT_SPLIT.split (each up to and with its mark, then the rest): one pass of two character
# classes, where the lookbehind was tried at every position (tests/unit/checks/test_repetition_head.py)
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]|[^。！？!?]+")
# Where a cut sentence may end: after a clause mark, so no number loses its unit.
_CLAUSE_END = re.compile(r"[,;:、，；：]")
_TRAILING_NUMBER = re.compile(r"[\d.,〇零一二两三四五六七八九十百千万亿]+$")


def prose_paragraphs(document) -> list[tuple[str, str]]:
    """(section heading, paragraph) for each prose paragraph of a Document (headings and table lines left out);
    built once per Document (fact extraction and repetition both read them)."""
    derived = getattr(document, "derived", None)
    return derived("prose_paragraphs", _prose_paragraphs) if derived else _prose_paragraphs(document)


def _prose_paragraphs(document) -> list[tuple[str, str]]:
    section, number = "", 0
    out = []
    for para in document.paragraphs():
        text = clean_text(para)  # top_heading and is_table_line clean it first: once here
        head = top_heading_of_clean(text)
        if head is not None:
            if head[0] > number:
                section, number = head[1], head[0]
            continue
        if "\t" in para or is_table_text(text):  # is_table_line(para)
            continue
        out.append((section, para))
    return out


def shorten(sentence: str, limit: int = 60) -> str:
    """A sentence cut to ``limit`` characters for a finding's evidence."""
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, split after 。！？."""
    return _SENTENCE.findall(paragraph)  # [piece for piece in _SENT_SPLIT.split(paragraph) if piece]


def bounded_sentences(report_id: str, document, notes: list) -> Iterator[tuple[str, str]]:
    """(section, sentence) in reading order, within LIMITS: a sentence longer than max_sentence_chars is
    cut, prose beyond max_prose_chars is not read, reading stops at prose_seconds. Each cut appends a
    ``prose.truncated`` or ``prose.budget`` finding to ``notes``."""
    budget = Budget(document.path, LIMITS.prose_seconds, "extracting facts from the prose")
    limit, read, total = LIMITS.max_sentence_chars, 0, 0
    stopped = None
    for section, para in prose_paragraphs(document):
        para = clean_text(para)
        total += len(para)
        if stopped is not None:
            continue
        for sentence in _sentences(para):
            reason = budget.exceeded()
            if reason is None and read + min(len(sentence), limit) > LIMITS.max_prose_chars:
                reason = "limit"
            if reason is not None:
                stopped = reason
                break
            if len(sentence) > limit:
                cut = _cut_sentence(sentence, limit)
                notes.append(_note(report_id, "prose.truncated", len(sentence), len(cut),
                                   f"a sentence of {len(sentence)} characters was cut to {len(cut)} for fact extraction "
                                   f"(limit {limit}): figures after the cut are not read | {shorten(sentence)}"))
                sentence = cut
            read += len(sentence)
            yield section, sentence
    if stopped == "limit":
        notes.append(_note(report_id, "prose.truncated", total, read,
                           f"the prose has {total} characters; fact extraction read the first {read} "
                           f"(limit {LIMITS.max_prose_chars} per report)"))
    elif stopped is not None:
        notes.append(_note(report_id, "prose.budget", total, read,
                           f"{stopped}: facts were read from the first {read} of {total} characters of prose"))


def _note(report_id: str, rule: str, left: int, right: int, evidence: str) -> dict:
    return finding(report_id, rule, "not_assessable", left=float(left), right=float(right), evidence=evidence)


def _cut_sentence(sentence: str, limit: int) -> str:
    """The sentence's first ``limit`` characters, ended at the last clause mark in its
    second half (else with any trailing, possibly split, number dropped)."""
    head = sentence[:limit]
    ends = [m.end() for m in _CLAUSE_END.finditer(head, limit // 2)]
    if ends:
        return head[:ends[-1]]
    return head[:-64] + _TRAILING_NUMBER.sub("", head[-64:])
