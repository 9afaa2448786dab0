"""The fuzzy label ranking written plainly, every entry scored: the reference ``fuzzy.best_two`` must equal
(its first two), and ``_best_similarity`` the pruned maximum that must equal difflib's over every form."""
from __future__ import annotations

from typing import Optional, Sequence

from govreport import catalog
from govreport.catalog import LabelEntry
from govreport.extract.fuzzy import Candidate, _bound, bare_words, literal_forms, similarity


def _best_similarity(words: str, forms: tuple[str, ...]) -> float:
    """max(similarity(words, f) for f in forms), skipping a form whose bound (first by length, then by the
    characters in common) cannot beat the best so far: the same maximum with few difflib runs."""
    best = 0.0
    for form in forms:
        if best and (2.0 * min(len(words), len(form)) / (len(words) + len(form)) <= best
                     or _bound(words, form) <= best):
            continue
        best = max(best, similarity(words, form))
    return best


def rank(label_key: str, entries: Sequence[LabelEntry], next_metric: Optional[str]) -> list[Candidate]:
    """Free catalog rows by similarity to the label, best first (one row per metric)."""
    words = bare_words(label_key)
    settings = catalog.matching_settings()
    if len(words) < settings["min_label_chars"]:
        return []
    metrics = catalog.metrics()
    best: dict[str, Candidate] = {}
    for e in entries:
        if e.pattern == "*":
            continue
        score = _best_similarity(words, literal_forms(e.pattern, metrics[e.metric].name_zh))
        if e.metric == next_metric:
            score = min(1.0, score + settings["position_bonus"])
        if e.metric not in best or score > best[e.metric].score:
            best[e.metric] = Candidate(e, score)
    return sorted(best.values(), key=lambda c: -c.score)
