"""The scored fallback for row labels no catalog pattern matches.

Real reports word the same row in ways the catalog has not seen yet. After the patterns fail, a label is
compared (character similarity of the bare words) with each free catalog row of its section, and the row
that follows the last matched one gets a position bonus. A match above the threshold of
catalog/matching.csv is kept as ``matched_fuzzy`` with its score; below it the numbers go to ``unmapped``
with the best candidate named, so a researcher sees which catalog label variant to add.
"""
from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from govreport import catalog
from govreport.catalog import LabelEntry

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[.、]?|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、]|其中[:：]?)+")


class _Ideographs(dict):
    """str.translate's table keeping only CJK unified ideographs (U+4E00-U+9FFF), filled as characters are met:
    a regex class spanning that range costs ~2-3 ms to compile (sre builds a 64K map), this nothing, and it
    translates faster than the regex substitutes."""

    def __missing__(self, code: int) -> Optional[int]:
        keep = code if 0x4E00 <= code <= 0x9FFF else None
        self[code] = keep
        return keep


_WORDS_ONLY = _Ideographs()
_OPTIONAL_GROUP = re.compile(r"\((?:\?:)?[^()]*\)\?|\[[^\]]*\]\??|\\d[+*?]?|[.](?:\{\d*,?\d*\}|[*+?])")


@dataclass(frozen=True)
class Candidate:
    entry: LabelEntry
    score: float


def bare_words(label_key: str) -> str:
    """A label's words without numbering, punctuation or digits: (三)1.属于国家秘密 -> 属于国家秘密."""
    return _NUMBERING.sub("", label_key).translate(_WORDS_ONLY)


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "(" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and (i == 0 or pattern[i - 1] != "\\"):
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return parts + [pattern[start:]]


@lru_cache(maxsize=None)
def literal_forms(pattern: str, name_zh: str) -> tuple[str, ...]:
    """Plain forms of a catalog label: its pattern's alternatives with optional parts dropped, and its name."""
    forms = {bare_words(name_zh)}
    for alt in _top_level_alternatives(pattern):
        forms.add(_OPTIONAL_GROUP.sub("", alt).translate(_WORDS_ONLY))
    return tuple(f for f in forms if len(f) >= 2)


@lru_cache(maxsize=1 << 15)
def similarity(a: str, b: str) -> float:
    """difflib's ratio of the two words (memoized: a template's labels recur in every report); 0 when they share
    no character, which is what difflib says too, without building a matcher."""
    if not a or not b or set(a).isdisjoint(b):
        return 0.0
    return 2.0 * _matched(a, b) / (len(a) + len(b))


@lru_cache(maxsize=1 << 12)
def _positions(b: str) -> dict[str, list[int]]:
    """Where each character of b stands (difflib's b2j; no junk, no popular characters: autojunk off)."""
    b2j: dict[str, list[int]] = {}
    for j, ch in enumerate(b):
        b2j.setdefault(ch, []).append(j)
    return b2j


def _matched(a: str, b: str) -> int:
    """The characters difflib's get_matching_blocks matches (autojunk off, no junk): the longest common block
    (earliest in a, then in b, as find_longest_match picks it), then the same on each side of it. difflib's
    own code, without its junk handling (a no-op here), matcher objects and block list: ~3x faster. Only the
    positions of a whose character b has are visited: at any other difflib's run table is emptied, which is
    what a gap in ``hits`` does (a long prose line against a short catalog form visits a few dozen)."""
    b2j, total, todo = _positions(b), 0, [(0, len(a), 0, len(b))]
    hits = []  # the positions of a whose character b has, found by str.find (a long line, a short form)
    for ch in b2j:
        i = a.find(ch)
        while i >= 0:
            hits.append(i)
            i = a.find(ch, i + 1)
    hits.sort()
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        besti, bestj, size, j2len, last = alo, blo, 0, {}, alo - 1
        for n in range(bisect_left(hits, alo), bisect_left(hits, ahi)):
            i = hits[n]
            if i != last + 1:
                j2len = {}  # a[last + 1:i] has no character of b: difflib's table is empty after it
            last, new = i, {}
            for j in b2j[a[i]]:
                if j < blo:
                    continue
                if j >= bhi:
                    break
                k = new[j] = j2len.get(j - 1, 0) + 1
                if k > size:
                    besti, bestj, size = i - k + 1, j - k + 1, k
            j2len = new
        if size:
            total += size
            if alo < besti and blo < bestj:
                todo.append((alo, besti, blo, bestj))
            if besti + size < ahi and bestj + size < bhi:
                todo.append((besti + size, ahi, bestj + size, bhi))
    return total


@lru_cache(maxsize=1 << 12)
def _counts(text: str) -> Counter:
    """How often each character stands in ``text`` (Counter counts in C: a prose line may be long)."""
    return Counter(text)


def _bound(a: str, b: str) -> float:
    """An upper bound of similarity(a, b): difflib's quick_ratio (characters in common, counted with multiplicity,
    over the two lengths), which no matching can exceed."""
    if not a or not b:
        return 0.0
    ca, cb = _counts(a), _counts(b)
    common = sum(min(ca[ch], cb[ch]) for ch in ca.keys() & cb.keys())  # only the shared characters
    return 2.0 * common / (len(a) + len(b))


@lru_cache(maxsize=1)
def _choices() -> dict:
    """choose's answers by (the label's bare words, the next metric, the pool's serial number): a label the catalog
    lacks (政府公报 in a legacy table) recurs in every report of its template, with the same pool where the same
    rows came before it. Bounded; a new table when the lru caches are cleared (with the catalog)."""
    return {}


_MEMO_WORDS = 64  # longer bare words are a report's own prose: not kept


def choose(label_key: str, entries: Sequence[LabelEntry], next_metric: Optional[str]
           ) -> tuple[Optional[Candidate], Optional[Candidate]]:
    """``decide(best_two(...))`` (``_choose``), memoized for short labels: what it reads of the label is its bare
    words, and of the pool its entries in order (one serial number per pool: ``_pool_record``)."""
    words = bare_words(label_key)
    if len(words) > _MEMO_WORDS:
        return _choose(label_key, entries, next_metric)
    key = (words, next_metric, _pool_record(entries)[-1])
    memo = _choices()
    got = memo.get(key)
    if got is None:
        if len(memo) >= 1 << 13:
            memo.clear()
        got = memo[key] = _choose(label_key, entries, next_metric)
    return got


def _choose(label_key: str, entries: Sequence[LabelEntry], next_metric: Optional[str]
            ) -> tuple[Optional[Candidate], Optional[Candidate]]:
    """The runner-up scored only when it can matter: most labels that reach the fallback are prose (a sentence
    ending in a number) whose best candidate is below the threshold, and then ``decide`` reads the best alone.
    Finding the best alone prunes by the best score so far (not the second's), so far fewer forms are compared."""
    top = _best(label_key, entries, next_metric, 1)
    if not top or top[0].score < catalog.matching_settings()["fuzzy_threshold"]:
        return decide(top)  # (None, the best): decide reads no runner-up below the threshold
    return decide(best_two(label_key, entries, next_metric))


def best_two(label_key: str, entries: Sequence[LabelEntry], next_metric: Optional[str]) -> list[Candidate]:
    """The two best free catalog rows by similarity to the label (one row per metric), all ``decide`` reads,
    exactly as scoring every entry would give them (tests/fuzzy_reference.py ``rank``)."""
    return _best(label_key, entries, next_metric, 2)


def _best(label_key: str, entries: Sequence[LabelEntry], next_metric: Optional[str], n: int) -> list[Candidate]:
    """The ``n`` (1 or 2) best free catalog rows, with few difflib runs: entries are scored from the highest
    bound down, and an entry (or one of its forms) whose bound is below the n-th best metric score so far is
    never computed: its score is below that, so it can be none of the n best nor tie them (ties go to the
    metric's first entry: ``order``; within a metric to its first entry: ``k``)."""
    words = bare_words(label_key)
    settings = catalog.matching_settings()
    if len(words) < settings["min_label_chars"]:
        return []
    bonus = settings["position_bonus"]
    order, groups, flat, members, owner = _pool_profiles(entries)
    bits = _bits(words)  # after the profiles: every character of the forms has its bit
    size_ = len(words)
    # _profile_bounds of every group's forms in one pass (flat: the groups' forms in order; a group is a slice)
    every = [2.0 * (common if (common := (bits & mask).bit_count() + repeats) < (shorter := size_ if size_ < size else size)
                    else shorter) / (size_ + size) for size, mask, repeats in flat]
    most = [0.0] * len(groups)  # each group's largest bound (0 without forms): bounds are >= 0
    for g, bound in zip(owner, every):
        if bound > most[g]:
            most[g] = bound
    # an entry per metric and group (the metric's first of that profile), its bound with the bonus (_with_bonus)
    todo = [(-(min(1.0, most[g] + bonus) if metric == next_metric else most[g]), k, e, g) for k, e, metric, g in members]
    todo.sort()  # highest bound first, then entry order (k is unique: nothing after it is compared)
    best: dict[str, tuple[float, int, LabelEntry]] = {}  # metric -> (score, entry index, entry): its best entry
    top_metric, top, second = None, -1.0, -1.0
    for minus_bound, k, e, g in todo:
        floor = second if n == 2 else top  # the n-th best metric score so far
        if -minus_bound < floor:
            break  # sorted by bound: no later entry can reach the n-th best score either
        forms, a, b = groups[g]
        score = _entry_score(words, forms, every[a:b], e.metric == next_metric, bonus, floor)
        kept = best.get(e.metric)
        if kept is None or score > kept[0] or (score == kept[0] and k < kept[1]):
            best[e.metric] = (score, k, e)
        score = best[e.metric][0]
        if e.metric == top_metric:
            top = score
        elif score > top:
            top_metric, top, second = e.metric, score, top
        elif score > second:
            second = score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], order[kv[0]]))[:n]
    return [Candidate(e, score) for _metric, (score, _k, e) in ranked]


_POOLS: dict[tuple, tuple] = {}  # _pool_record by the pool's entries (kept alive here: their ids stay theirs)
_SERIAL = itertools.count()  # a pool record's number, never given twice (choose's memo key)


def _pool_profiles(entries: Sequence[LabelEntry]) -> tuple[dict[str, int], list, tuple, list, tuple]:
    """_pool_record's parts that _best reads."""
    got = _pool_record(entries)
    return got[2], got[3], got[4], got[5], got[6]


def _pool_record(entries: Sequence[LabelEntry]) -> tuple:
    """What scoring a pool needs whatever the label: each metric's rank in the pool (ties go to the first), and
    its entries (index, entry) grouped by their forms' profile (the templates of a family share most patterns,
    so a group's bounds are computed once a label), of each metric only its first entry of the group: the others
    score the same (same forms, same bonus) and lose the tie to it. The walker offers a few dozen pools per
    process (a section's entries less those taken): built once each, not per label. Laid out flat for _best:
    the groups as (forms, start, end) in ``flat`` (every group's form profiles, in group order), and the groups'
    entries as (index, entry, metric, group number), the group number of each form of ``flat``, and last the
    record's serial number."""
    metrics = catalog.metrics()
    key = (id(metrics),) + tuple(map(id, entries))
    got = _POOLS.get(key)
    if got is None:
        order: dict[str, int] = {}
        groups: dict[int, tuple] = {}
        for k, e in enumerate(entries):
            if e.pattern != "*":
                order.setdefault(e.metric, len(order))
                forms = _form_profiles(e.pattern, metrics[e.metric].name_zh)  # one tuple per pattern and name
                groups.setdefault(id(forms), (forms, {}))[1].setdefault(e.metric, (k, e))
        if len(_POOLS) >= 4096:
            _POOLS.clear()
        spans, flat, members = [], [], []
        for g, (forms, firsts) in enumerate(groups.values()):
            spans.append((forms, len(flat), len(flat) + len(forms)))
            flat += [(size, mask, repeats) for _form, size, mask, repeats in forms]
            members += [(k, e, e.metric, g) for k, e in firsts.values()]
        owner = tuple(g for g, (_forms, a, b) in enumerate(spans) for _ in range(a, b))
        got = _POOLS[key] = (metrics, tuple(entries), order, spans, tuple(flat), members, owner, next(_SERIAL))
    return got


def _with_bonus(similarity_: float, is_next: bool, bonus: float) -> float:
    """A similarity as a score: the position bonus for the next catalog row, capped at 1."""
    return min(1.0, similarity_ + bonus) if is_next else similarity_


_BIT: dict[str, int] = {}  # a character of a catalog form -> its bit (as many as the catalog's forms have)


@lru_cache(maxsize=None)
def _form_profiles(pattern: str, name_zh: str) -> tuple[tuple[str, int, int, int], ...]:
    """(form, its length, its characters as bits, how many of its characters repeat one before) of each of
    literal_forms (a catalog's worth: unbounded like literal_forms)."""
    out = []
    for form in literal_forms(pattern, name_zh):
        mask = 0
        for ch in form:
            mask |= _BIT.setdefault(ch, 1 << len(_BIT))
        out.append((form, len(form), mask, len(form) - len(set(form))))
    return tuple(out)


def _bits(words: str) -> int:
    """The bits of the characters of ``words`` that some form has (no other can be in common)."""
    mask = 0
    for ch in set(words):
        mask |= _BIT.get(ch, 0)
    return mask


def _profile_bounds(words: str, bits: int, profiles: tuple) -> list[float]:
    """An upper bound of similarity(words, form) for each form, without a pass over either: the characters in
    common are at most the shorter length, and at most the form's distinct characters that words has plus the
    form's repeats (an integer no smaller than difflib's matched count over the same denominator)."""
    n = len(words)
    out = []
    for _form, size, mask, repeats in profiles:
        common = (bits & mask).bit_count() + repeats
        shorter = n if n < size else size
        out.append(2.0 * (common if common < shorter else shorter) / (n + size))
    return out


def _entry_score(words: str, forms: tuple, bounds: list[float], is_next: bool, bonus: float, floor: float) -> float:
    """An entry's score (its best form's similarity, with the bonus), exact when it is at least ``floor``; a form
    whose bound (with the bonus) is below ``floor`` is skipped, so a lower score may come out lower than the exact
    one (it is below floor either way)."""
    best = 0.0

    def hopeless(bound: float) -> bool:  # this form cannot raise the entry's best, or cannot reach floor
        return (best and bound <= best) or _with_bonus(bound, is_next, bonus) < floor

    for (form, _size, _mask, _repeats), bound in zip(forms, bounds):
        if hopeless(bound) or hopeless(_bound(words, form)):  # the cheap bound first, then quick_ratio's
            continue
        best = max(best, similarity(words, form))
    return _with_bonus(best, is_next, bonus)


def decide(ranked: list[Candidate]) -> tuple[Optional[Candidate], Optional[Candidate]]:
    """(accepted, best): the best candidate is accepted above the threshold and clear of the runner-up."""
    if not ranked:
        return None, None
    settings = catalog.matching_settings()
    top = ranked[0]
    runner = ranked[1].score if len(ranked) > 1 else 0.0
    ok = top.score >= settings["fuzzy_threshold"] and top.score - runner >= settings["fuzzy_margin"]
    return (top if ok else None), top
