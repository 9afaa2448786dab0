"""Repetition (内容雷同): how much of a year's prose is last year's prose again.

The 2021 format notice penalises reports copied from the previous year, and
local assessments score a report down when more than half of it repeats. We
compare sentences, not characters: each prose sentence of the current report
is normalized (NFKC, no whitespace or punctuation, every number masked, so
"2021 年共受理 17 件" equals "2020年共受理21件") and looked up among the
previous report's sentences. Headings and flattened tables are not prose and
are left out; very short sentences (under MIN_CHARS after normalization) are
too generic to count.

Parse keeps each report's prose sentences (:func:`prose_sentences`, stored in its ingest part, so no
Document outlives its parse); ingest's assembly pairs consecutive years over the batch
(:func:`repetition_tables`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import pandas as pd

from govreport import catalog
from govreport.extract.sentences import prose_paragraphs
from govreport.schemas import columns
from govreport.text.normalize import nfkc

MIN_CHARS = 8

_SPLIT = re.compile(r"(?<=[。！？!?；;])")
_PIECE = re.compile(r"[^。！？!?；;]*[。！？!?；;]|[^。！？!?；;]+")  # _SPLIT.split's non-empty pieces, in one pass
# "(二)依申请公开情况。": a template sub-heading, the same in every report
_SUBHEADING = re.compile(r"^\s*[(（]?[一二三四五六七八九十]+[)）、.．]\s*\S{1,20}[。:：]?\s*$")
# The report title (…2024 年政府信息公开工作年度报告) is not prose
_TITLE = re.compile(r"^[^。，,]{0,40}(?:年度报告|工作报告)$")
_SUB_OPENERS = frozenset("(（一二三四五六七八九十")  # what a stripped piece _SUBHEADING matches opens with
_TITLE_ENDS = ("年度报告", "工作报告")  # what a stripped piece _TITLE matches ends with ($: no newline after it)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NOISE = re.compile(r"[\s\u3000,，。；;：:！!？?、“”\"'‘’《》<>〈〉()（）\[\]【】·…—\-–_/]+")


@dataclass
class RepetitionResult:
    """Share of the current report's prose sentences found in the previous report."""

    share: float
    n_sentences: int
    n_repeated: int
    passages: list[str] = field(default_factory=list)


def normalize_sentence(sentence: str) -> str:
    """The comparison form: NFKC, numbers masked as #, whitespace and punctuation removed."""
    text = nfkc(sentence)
    text = _NUMBER.sub("#", text)
    return _NOISE.sub("", text)


def prose_sentences(document) -> list[str]:
    """Prose sentences in reading order (headings and table lines excluded)."""
    out = []
    for _section, para in prose_paragraphs(document):
        for piece in _PIECE.findall(para):  # (an empty piece of _SPLIT.split is never kept: shorter than MIN_CHARS)
            piece = piece.strip()  # (so it opens and ends with no \s: str.strip and re's \s agree)
            if (piece[:1] in _SUB_OPENERS and _SUBHEADING.match(piece)
                    or piece.endswith(_TITLE_ENDS) and _TITLE.search(piece)):
                continue
            if _long_enough(piece):
                out.append(piece)
    return out


_HEAD = 4 * MIN_CHARS  # how much of a sentence _long_enough reads first


def _long_enough(sentence: str) -> bool:
    """len(normalize_sentence(sentence)) >= MIN_CHARS, most sentences decided from their head: the comparison
    form of a head that ends on a character no number holds (no decimal digit, '.' or ',': _NUMBER's characters)
    is a prefix of the whole's (no number runs across the cut, and the noise goes character by character), so
    a head long enough makes the whole so. The two substitutions cost ~20 ns a character: most prose sentences
    are long. (tests/unit/checks/test_repetition_head.py)"""
    many = _many_ideographs()
    if many is not None and many.match(sentence):
        return True
    text = nfkc(sentence)
    if len(text) > _HEAD:
        end = text[_HEAD - 1]
        if not (end.isdecimal() or end in ".,") and len(_NOISE.sub("", _NUMBER.sub("#", text[:_HEAD]))) >= MIN_CHARS:
            return True
    return len(_NOISE.sub("", _NUMBER.sub("#", text))) >= MIN_CHARS


@lru_cache(maxsize=1)
def _many_ideographs() -> Optional[re.Pattern]:
    """MIN_CHARS CJK unified ideographs (U+4E00-U+9FFF) in a raw sentence: its comparison form is long enough, no
    NFKC needed (most prose sentences). Each such ideograph is in the comparison form: no pre-NFKC table entry is
    one (checked here for the radicals, in tests/unit/checks/test_repetition_fast.py for the rest), NFKC keeps
    it (no decomposition, a starter that composes with nothing), and it is no digit and no _NOISE. None (no
    shortcut) when a radicals.csv key is an ideograph."""
    if any(0x4E00 <= code <= 0x9FFF for code in catalog.radicals()):
        return None
    return re.compile(f"(?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){{{MIN_CHARS}}}")


def repeated_share(previous: list[str], sentences: list[str]) -> RepetitionResult:
    """Share of ``sentences`` (the current report's prose sentences) found among ``previous`` (last year's);
    passages are runs of consecutive repeated sentences."""
    seen = {normalize_sentence(s) for s in previous}
    passages: list[str] = []
    run: list[str] = []
    n_repeated = 0
    for sentence in sentences:
        if normalize_sentence(sentence) in seen:
            n_repeated += 1
            run.append(sentence)
        elif run:
            passages.append("".join(run))
            run = []
    if run:
        passages.append("".join(run))
    share = n_repeated / len(sentences) if sentences else float("nan")
    return RepetitionResult(share=share, n_sentences=len(sentences), n_repeated=n_repeated, passages=passages)


def repetition_tables(reports: pd.DataFrame, sentences: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shares (one row per report with a previous-year report of the same agency) and the repeated passages.

    ``reports`` needs report_id, agency_id, year; ``sentences`` maps report_id to its prose sentences
    (:func:`prose_sentences`, computed per report when it is parsed). When an agency has two reports for
    one year, the first in ``reports`` order is used.
    """
    rows, passages = [], []
    usable = reports.dropna(subset=["agency_id", "year"]).drop_duplicates(["agency_id", "year"])
    by_key = {(r.agency_id, int(r.year)): r.report_id for r in usable.itertuples()}
    for r in usable.sort_values(["agency_id", "year"]).itertuples():
        prev_id = by_key.get((r.agency_id, int(r.year) - 1))
        if prev_id is None:
            continue
        res = repeated_share(sentences[prev_id], sentences[r.report_id])
        rows.append(dict(report_id=r.report_id, previous_report_id=prev_id, agency_id=r.agency_id, year=int(r.year),
                         n_sentences=res.n_sentences, n_repeated=res.n_repeated, share=res.share))
        passages.extend(dict(report_id=r.report_id, passage_no=k, passage=text) for k, text in enumerate(res.passages, 1))
    return (pd.DataFrame(rows, columns=columns("repetition")),
            pd.DataFrame(passages, columns=columns("repetition_passages")))
