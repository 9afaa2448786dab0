"""Issue 16's cheaper label matching in the walker gives the answers of the full computation, on the calls the
walker really makes while reading the repository's real reports (text, Markdown and HTML).

- patterns.best_in_plan tests each pattern's required characters (prefilter.required_chars) against the key before
  searching it: a key without one of them cannot hold a match. Compared with the plan searched pattern by pattern.
- patterns.rows_of: a matched entry's catalog row (the pool's entries of its pattern and template) looked up, not
  filtered from the pool per row.
- rows._value_start runs its second scan (misread cells taken too) only after a misread where the first one stopped.
- walker._step passes over a text line outside any section with one search (no start/end heading matches its key)
  instead of the full step.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from govreport.extract import document_rows, extract, label_reading, patterns, rows, walker
from govreport.model import OcrCell
from govreport.identify import identify, report_id
from govreport.readers import read_document
from govreport.text.normalize import label_key, parse_cell, value_run_start
from govreport.text.prefilter import required_chars

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted({p for pattern in ("tests/data/real/*.txt", "tests/data/real/*.html", "tests/data/*.html",
                                    "tests/data/fixtures/text/*.txt", "data/raw/*.txt", "data/raw/*.md")
                  for p in REPO.glob(pattern)})


def _searched_in_full(plan_, key, start_before=None, anywhere=None, taken=()):
    """best_in_plan as it was before the required-character test: every pattern of the plan searched (for its first
    entry not taken); the best match is the one nearest the end, then the longest, then the first entry's."""
    if anywhere is not None and anywhere.search(key) is None:
        return None
    best, score = None, None
    for _need, rx, members in plan_:
        free = [(k, e) for k, e in members if not taken or (e.metric, "*") not in taken]
        if not free:
            continue
        k, e = free[0]
        m = rx.search(key)
        if m and (start_before is None or m.start() < start_before):
            s = (m.end(), m.end() - m.start(), -k)
            if score is None or s > score:
                best, score = e, s
    return best


@pytest.fixture(scope="module")
def walked():
    """Every best_in_plan call (plan, key, start_before, anywhere, what was taken then) and every pool the walker
    used while extracting the real reports."""
    calls, pools = [], {}
    real_best, real_pool = walker.best_in_plan, walker.family_pool

    def best_spy(plan_, key, start_before=None, anywhere=None, taken=()):
        calls.append((plan_, key, start_before, anywhere, dict(taken) if taken else ()))
        return real_best(plan_, key, start_before, anywhere, taken)

    def pool_spy(family, key):
        got = pools[(family, key)] = real_pool(family, key)
        return got

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(walker, "best_in_plan", best_spy)
        mp.setattr(walker, "family_pool", pool_spy)
        mp.setattr(label_reading, "best_in_plan", best_spy)  # a data row's label is matched there (label_reading.py)
        mp.setattr(label_reading, "family_pool", pool_spy)
        mp.setattr(label_reading, "_best_of_all_memo", label_reading._best_of_all)  # every call made, none memoized
        for path in REPORTS:
            doc = read_document(path)
            found = identify(doc)
            extract(doc, found.template, report_id(found.agency_id, found.year))
    return calls, pools


def test_required_characters_skip_only_patterns_that_cannot_match(walked):
    """best_in_plan == every pattern searched, on each call the walker made, and on its key with metrics taken at
    random; each also without the anywhere pattern (then the required characters alone pick what is searched)."""
    calls, _pools = walked
    rng = random.Random(16)
    checked = found = skipped = 0
    for plan_, key, start_before, anywhere, taken in calls:
        metrics = sorted({e.metric for _need, _rx, members in plan_ for _k, e in members})
        for taken_ in (taken, {(m, "*"): "" for m in rng.sample(metrics, rng.randint(0, len(metrics)))}):
            for anywhere_ in (anywhere, None):
                want = _searched_in_full(plan_, key, start_before, anywhere_, taken_)
                assert patterns.best_in_plan(plan_, key, start_before, anywhere_, taken_) is want, (key, start_before)
                checked += 1
                found += want is not None
        skipped += sum(not need <= set(key) for need, _rx, _members in plan_)
    assert len(calls) > 1000 and checked > 4000 and found > 500 and skipped > 5000, (len(calls), checked, found, skipped)


def test_plan_carries_each_patterns_required_characters(walked):
    """Each plan step's characters are prefilter.required_chars of its own pattern, and every key of the real reports
    that the pattern matches holds them all."""
    calls, pools = walked
    keys = {key for _plan, key, *_rest in calls}
    assert len(keys) > 400
    for _chosen, _joined, _stars, plan_, _rows in pools.values():
        for need, rx, members in plan_:
            assert need == required_chars(rx) and rx is members[0][1].regex
            assert all(need <= set(key) for key in keys if rx.search(key)), rx.pattern
    assert sum(bool(need) for _c, _j, _s, plan_, _r in pools.values() for need, _rx, _m in plan_) > 50


def test_rows_of_is_the_entries_of_the_matched_row(walked):
    """rows_of[(pattern, template)] is the pool's entries of that pattern and template in pool order (the filter the
    walker ran per matched row), for every entry of every pool the walker used."""
    _calls, pools = walked
    assert len(pools) > 5
    for chosen, _joined, _stars, _plan, rows in pools.values():
        for best in chosen:
            assert rows[(best.pattern, best.template)] == tuple(
                e for e in chosen if e.pattern == best.pattern and e.template == best.template)
        assert sum(map(len, rows.values())) == len(chosen)


def _value_start_in_full(cells: list) -> int:
    """rows._value_start before its shortcut: both scans always run."""
    i = value_run_start(cells, rows._grid_value)
    j = value_run_start(cells, lambda c: rows._grid_value(c) or rows._misread(c))
    if 0 < j < i and any(c is not None and parse_cell(c) is not None and parse_cell(c).value is not None
                         for c in cells[j:]):
        return j
    return i


def test_value_start_scans_misreads_only_past_one():
    """_value_start == both scans run, on every grid row of the real reports and on 30,000 rows made of their cells,
    misread cells (了 read by OCR, 2488元), 12件件), words of a value column (无变化) and blanks."""
    grids = [list(cells) for path in REPORTS for block in read_document(path).blocks if block.kind != "text"
             for cells in block.rows]
    assert len(grids) > 300
    real = sorted({c for g in grids for c in g if c is not None})
    odd = ["了", OcrCell("了", 0.4, 1, (0, 0, 1, 1)), OcrCell("7", 0.9, 1, (0, 0, 1, 1)), "2488元)", "12件件", "（3）",
           "无变化", "持平", "增", "条", "3.其他", "", None, "1,234", "5,50", "0万万元", "—"]
    rng = random.Random(16)
    made = [[rng.choice(odd if rng.random() < 0.5 else real) for _ in range(rng.randint(1, 9))] for _ in range(30000)]
    moved = 0
    for cells in grids + made:
        want = _value_start_in_full(cells)
        assert rows._value_start(cells) == want, cells
        moved += want != value_run_start(cells, rows._grid_value)
    assert moved > 300, moved  # rows where the misread scan decides (the shortcut's other branch)


def test_lines_outside_sections_passed_over_as_the_full_step_would():
    """Walking with the one-search pass-over gives what the full step gives (the walker without the start/end pattern
    kept falls through to _heading on every line), on every real report; most lines before a section take it."""
    passed = 0
    for path in REPORTS:
        doc = read_document(path)
        found = identify(doc)
        rid = report_id(found.agency_id, found.year)
        fast = walker._Walker(found.template, rid)
        full = walker._Walker(found.template, rid)
        full._opens = None  # every key may open a section: each line goes through _heading
        text_rows = document_rows(doc)
        passed += sum(1 for r in text_rows if not r.grid and r.label and fast._opens.search(label_key(r.label)) is None)
        assert repr(fast.walk(text_rows)) == repr(full.walk(document_rows(doc))), path.name
    assert passed > 1000, passed
