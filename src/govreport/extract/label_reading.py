"""Which catalog row a data row's label names: what depends only on the texts decided once per process.

The texts a row's label is tried as (its own numbered label with its wrapped tail, its own words, the fragments
buffered above it, … in order: ``attempts``) depend only on the row's label, those fragments and the tail lines; the
entry a text's best match names before any metric is taken depends only on the text and the pool. A template's
labels recur in every report of it, so both are memoized (bounded; short texts only). A report differs only in the
metrics already taken: ``first_match`` takes the memoized entry when its metric is free (no other entry can then
beat it, see there) and searches with the taken metrics (patterns.best_in_plan) only when it is not.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Sequence

from govreport.catalog import LabelEntry
from govreport.extract.patterns import best_in_plan, family_pool
from govreport.extract.row_guards import match_key
from govreport.text.normalize import label_key

STARTS_NEW_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十]+\)|\(\d{1,2}\)|\d{1,2}\.(?!\d)|其中)")
_MEMO_CHARS = 512  # longer texts are read afresh (a page of prose is not kept alive by a memo)


def attempts(label: str, fragments: tuple, tail: tuple) -> tuple[str, tuple]:
    """(the fragments and the label joined, the attempts: (text, tail lines it uses, its match must start before)
    in the order to try them), memoized when the texts are short."""
    if len(label) + sum(map(len, fragments)) + sum(map(len, tail)) <= _MEMO_CHARS:
        return _attempts_memo(label, fragments, tail)
    return _attempts(label, fragments, tail)


def _attempts(label: str, fragments: tuple, tail: tuple) -> tuple[str, tuple]:
    context = " ".join(fragments + (label,)).strip()
    own = match_key(label)
    tried = label_attempts(label, own, context, tail)
    start = own_start(label, fragments)
    if start is not None:  # the row before's wrapped tail above a numbered label: read without it
        tried = label_attempts(label, own, start, tail) + tried
    return context, tuple(tried)


_attempts_memo = lru_cache(maxsize=1 << 12)(_attempts)


def first_match(family: str, pool_key: tuple, tried: Sequence[tuple], taken
                ) -> tuple[Optional[LabelEntry], Optional[str], int]:
    """The first attempt a free entry of the pool (patterns.family_pool) matches: (entry, text, tail lines used), or
    (None, None, 0); best_in_plan's answer with ``taken`` on each attempt. When the best entry with nothing taken
    is free it is that answer: a taken metric only moves another pattern's entry later (a lower score), never
    higher; when it is taken, the attempt is searched again with what is taken."""
    for text, n, start_before in tried:
        best = best_of_all(family, pool_key, text, start_before)
        if best is not None and (best.metric, "*") in taken:
            _chosen, anywhere, _stars, plan_, _rows = family_pool(family, pool_key)
            best = best_in_plan(plan_, match_key(text), start_before, anywhere, taken)
        if best is not None:
            return best, text, n
    return None, None, 0


def best_of_all(family: str, pool_key: tuple, text: str, start_before: Optional[int] = None
                ) -> Optional[LabelEntry]:
    """best_in_plan of the text in the pool with no metric taken (memoized when the text is short); None also says
    that no pattern of the pool matches it, taken or not."""
    if len(text) <= _MEMO_CHARS:
        return _best_of_all_memo(family, pool_key, text, start_before)
    return _best_of_all(family, pool_key, text, start_before)


def _best_of_all(family: str, pool_key: tuple, text: str, start_before: Optional[int]) -> Optional[LabelEntry]:
    _chosen, anywhere, _stars, plan_, _rows = family_pool(family, pool_key)
    return best_in_plan(plan_, match_key(text), start_before, anywhere)


_best_of_all_memo = lru_cache(maxsize=1 << 13)(_best_of_all)


def own_start(label: str, fragments: Sequence[str]) -> Optional[str]:
    """The fragments from their numbered one on, after unnumbered ones (the row before's tail: 类过程性信息 /
    7.属于行), for a row without a label of its own; else None."""
    starts = [] if label else [i for i, f in enumerate(fragments) if STARTS_NEW_LABEL.match(label_key(f))]
    if label or starts[-1:] != starts[:1] or not starts or starts[0] == 0:
        return None
    return " ".join(fragments[starts[0]:]).strip()


def label_attempts(label: str, own: str, context_label: str,
                   tail: Sequence[str]) -> list[tuple[str, int, Optional[int]]]:
    """(label text, tail lines it uses, match must start before) in the order to try them: a row that starts
    its own numbered label reads it first (with its wrapped tail, then alone), and only then the fragments
    buffered above it."""
    tried: list[tuple[str, int, Optional[int]]] = []
    starts_new = bool(own) and bool(STARTS_NEW_LABEL.match(label_key(label)))
    wrapped = [(" ".join([label] + list(tail[:n])), n) for n in range(len(tail), 0, -1)] if starts_new else []
    # 5.要求行政机关确认或重 1 2 … / 新出具已获取信息: first a match running across the wrap,
    # then the row's own words, then (7.属 … / 于行政执法案卷) a keyword wholly in the tail
    tried += [(text, n, len(own)) for text, n in wrapped]
    if own:
        tried.append((label, 0, None))
    tried += [(text, n, None) for text, n in reversed(wrapped)]  # the nearest tail line first
    tried.append((context_label, 0, None))
    if not starts_new:
        # a label wrapped past its numbers: 部分公开（区分处理的 / 447 … / 形，不计其他情形）
        # (the match must begin in the label before the numbers, never wholly in the lines after them)
        own_len = len(match_key(context_label))
        tried += [(" ".join([context_label] + list(tail[:n])).strip(), n, own_len or None)
                  for n in range(1, len(tail) + 1)]
    return tried
