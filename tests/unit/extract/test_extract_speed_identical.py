"""Issue 16's cheaper table extraction gives the answers of the code it replaces: each shortcut is checked
against the full computation on the lines and labels of the repository's real reports (and random words)."""
from __future__ import annotations

import random
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from govreport import catalog
from govreport.extract import fuzzy, patterns
import fuzzy_reference
from govreport.extract.rows import _is_value, _merge_cell_parts, _merge_prefix_words, document_rows
from govreport.readers import read_document
from govreport.text import normalize
from govreport.text.normalize import clean_text, label_key, value_run_start
from govreport.text.paragraphs import _GLUED_VALUES, _value_ends, _value_token, is_table_line, reads_as_values

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted((REPO / "tests" / "data" / "real").glob("*.txt")) + sorted((REPO / "data" / "raw").glob("*.txt"))


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """Every text line of the real text reports (tables and prose), stripped."""
    return [b.text.strip() for p in REPORTS for b in read_document(p).blocks if b.kind == "text" and b.text.strip()]


@pytest.fixture(scope="module")
def labels() -> list[str]:
    """The row labels of the real text reports, as the walker reads them (no empty ones)."""
    return sorted({r.label for p in REPORTS for r in document_rows(read_document(p)) if r.label})


def test_matched_visits_only_shared_characters_and_is_still_difflib():
    """_matched skips the positions of a whose character b lacks (difflib empties its run table there)."""
    rng = random.Random(16)
    for _ in range(3000):
        a = "".join(rng.choice("申请公开不予其他处理xy理由。") for _ in range(rng.choice([5, 40, 300])))
        b = "".join(rng.choice("申请公开处理答复其他") for _ in range(rng.randint(1, 20)))
        assert fuzzy.similarity.__wrapped__(a, b) == SequenceMatcher(None, a, b, autojunk=False).ratio(), (a, b)


def _pools() -> list[tuple]:
    """Every pool of free catalog entries a walker offers the fallback: by family and section (and column)."""
    pools = []
    for family in ("gb", "legacy"):
        entries = [e for e in catalog.label_entries() if e.family == family]
        for section in sorted({e.section for e in entries}):
            pools.append(tuple(e for e in entries if e.section == section))
    return pools


def test_best_two_is_the_head_of_rank(labels):
    """best_two == rank(...)[:2] (entry and score) for real labels, every pool and every next metric: its bounds
    never leave out one of the two best candidates or a tie between them."""
    pools = _pools()
    compared = 0
    for label in labels[::3]:
        key = label_key(label)
        for pool in pools:
            for next_metric in [None] + sorted({e.metric for e in pool})[::4]:
                want = [(c.entry, c.score) for c in fuzzy_reference.rank(key, pool, next_metric)[:2]]
                got = [(c.entry, c.score) for c in fuzzy.best_two(key, pool, next_metric)]
                assert got == want, (label, next_metric)
                compared += 1
    assert compared > 1000
    requests = [e for e in catalog.label_entries() if e.family == "gb" and e.section == "requests"]
    top, runner = fuzzy.best_two("本年新收政府信息公开申请数", requests, None)  # 数量 lost: 26 of 27 characters
    assert (top.entry.metric, top.score, runner.entry.metric) == ("requests.new_received", 26 / 27, "requests.carried_over")


def test_character_bound_is_never_below_difflib(labels):
    """The bound best_two prunes by (length, distinct characters in common plus repeats) is an upper bound."""
    metrics = catalog.metrics()
    profiles = sorted({p for e in catalog.label_entries() if e.pattern != "*"
                       for p in fuzzy._form_profiles(e.pattern, metrics[e.metric].name_zh)})
    for label in labels[::5]:
        words = fuzzy.bare_words(label_key(label))
        if not words:
            continue
        bounds = fuzzy._profile_bounds(words, fuzzy._bits(words), tuple(profiles))
        for (form, *_rest), bound in zip(profiles, bounds):
            assert bound >= SequenceMatcher(None, words, form, autojunk=False).ratio(), (words, form)


def test_joined_patterns_match_exactly_where_one_does(labels):
    """The one-search prefilters (label pools, section headings, layout headers) match a key exactly when one
    of their patterns does."""
    keys = [label_key(x) for x in labels] + ["", "一、主动公开政府信息情况", "本年制发件数本年废止件数现行有效件数"]
    checks = []
    for pool in _pools():
        each, joined = patterns.pool(pool, pool[0].family, pool[0].section, None if pool[0].family == "legacy"
                                     else {e.column for e in pool})
        checks.append((joined, [re.compile(e.pattern) for e in each if e.pattern != "*"]))
    for family in ("gb", "legacy"):
        for roles in (("start", "end"), ("group",)):
            checks.append((patterns.any_section(family, roles),
                           [rx for s, rx in patterns.sections(family) if s.role in roles]))
    for section in {lay.section for lay in catalog.layouts()}:
        checks.append((patterns.any_header(section), [rx for _lay, rx in patterns.header_layouts(section)]))
    assert sum(joined is not None for joined, _ in checks) >= 10
    for joined, each in checks:
        if joined is None:
            continue
        for key in keys:
            assert (joined.search(key) is not None) == any(rx.search(key) for rx in each), (joined.pattern, key)


def test_cell_opening_shortcut_only_skips_what_never_parses(lines):
    """A cell whose first character opens no number of the grammar is never a number, an unreadable number or a
    plain one: what _parse_cell returned for it before the shortcut (None)."""
    rng = random.Random(7)
    words = {t for line in lines for t in line.split()}
    words |= {"".join(rng.choice("约近增减新一二十（(）)+-万元件%无/—，,.0１5 ") for _ in range(rng.randint(1, 6)))
              for _ in range(5000)}
    skipped = 0
    for word in words:
        text = clean_text(word)
        if not text:
            continue
        compact = normalize._compact(text)
        if not normalize._may_open_number(compact):
            skipped += 1
            assert normalize._PLAIN.match(compact) is None
            assert normalize._parse_number(compact, text, [], normalize.COMMAS_THOUSANDS) is None
            assert normalize._parse_number(compact, text, [], normalize.COMMAS_AMBIGUOUS) is None
            assert normalize._number_opening().match(compact) is None
        assert normalize._compact(text) == normalize._SPACE_AT_SEPARATOR.sub("\0", text).replace(" ", "").replace("\0", " ")
    assert skipped > len(words) / 4


def test_one_token_line_splits_as_the_general_path(lines):
    """A line of one token: the merges keep it and value_run_start gives 0 (a value) or 1 (a label)."""
    tokens = {line for line in lines if len(line.split()) == 1}
    assert len(tokens) > 500
    for token in tokens:
        merged = _merge_cell_parts(_merge_prefix_words([token]))
        assert merged == [token]
        assert value_run_start(merged, _is_value) == (0 if _is_value(token) else 1)


def test_table_line_shortcut_only_skips_lines_without_glued_values(lines):
    """is_table_line's early False (no trailing value token, last character no digit) is what the glued-values
    search gave."""
    for line in lines:
        text = clean_text(line)
        if not text or "\t" in line:
            continue
        trailing = _value_token().match(text.split(" ")[-1])
        if not trailing and not text[-1].isdecimal():
            assert _GLUED_VALUES.search(text) is None
            assert is_table_line(line) is False


def test_punctuation_folded_by_replace_is_translate(lines):
    """label_key folds punctuation with one str.replace per mark: what str.translate(_PUNCT_FOLD) gives, as no
    mark folds to a character that is itself folded."""
    assert not any(ord(ch) in normalize._PUNCT_FOLD for _mark, folded in normalize._PUNCT_PAIRS for ch in folded)
    texts = lines + ["".join(lines), "（一）“申请”、《条例》：〈1〉，‘2’．"]
    for text in texts:
        assert normalize._fold_punct(text) == text.translate(normalize._PUNCT_FOLD)
    assert label_key("（一） 收到《条例》、申请：") == "(一)收到<条例>.申请:"


def test_choose_is_decide_of_the_two_best(labels):
    """fuzzy.choose scores the runner-up only when the best clears the threshold (decide reads it only then): the
    same (accepted, best) as decide(rank(...)[:2]) for real labels, every pool and every next metric."""
    pools = _pools()
    compared = accepted = 0
    for label in labels[1::3]:
        key = label_key(label)
        for pool in pools:
            for next_metric in [None] + sorted({e.metric for e in pool})[1::4]:
                want = fuzzy.decide(fuzzy_reference.rank(key, pool, next_metric)[:2])
                got = fuzzy.choose(key, pool, next_metric)
                assert [None if c is None else (c.entry, c.score) for c in got] == \
                    [None if c is None else (c.entry, c.score) for c in want], (label, next_metric)
                compared += 1
                accepted += want[0] is not None
    assert compared > 1000 and accepted > 50


def test_best_in_plan_passes_over_taken_metrics(labels):
    """best_in_plan(..., taken) is best_in_plan over the entries whose metric is not taken (the walker's free list)."""
    rng = random.Random(16)
    for pool in _pools():
        each, joined = patterns.pool(pool, pool[0].family, pool[0].section, None if pool[0].family == "legacy"
                                     else {e.column for e in pool})
        metrics = sorted({e.metric for e in each})
        for label in labels[::7]:
            key = label_key(label)
            taken = {(m, "*"): "" for m in rng.sample(metrics, rng.randint(0, len(metrics)))}
            free = [e for e in each if (e.metric, "*") not in taken]
            for start_before in (None, 4):
                assert patterns.best_in_plan(patterns.plan(each), key, start_before, joined, taken) == \
                    patterns.best_in_plan(patterns.plan(free), key, start_before, joined), (label, sorted(taken))


def _entry_loop_best_match(entries, key, start_before=None, anywhere=None, taken=()):
    """The label match as it was before patterns.plan: one pass over the entries, a pattern tried once (its first
    entry not taken), the first of equal matches kept."""
    if anywhere is not None and anywhere.search(key) is None:
        return None
    best, score, seen = None, None, set()
    for e in entries:
        if e.pattern == "*" or e.pattern in seen or (taken and (e.metric, "*") in taken):
            continue
        seen.add(e.pattern)
        m = e.regex.search(key)
        if m and (start_before is None or m.start() < start_before):
            s = (m.end(), m.end() - m.start())
            if score is None or s > score:
                best, score = e, s
    return best


def test_plan_search_is_the_entry_loop(labels):
    """best_in_plan (each pattern searched once, for its first free entry; ties to the first entry) returns the
    entry the loop over the entries returned, with metrics taken at random and with ties (one label's keys
    matched by two patterns alike) among the real labels."""
    rng = random.Random(16)
    checked = found = 0
    for pool in _pools():
        each, joined = patterns.pool(pool, pool[0].family, pool[0].section, None if pool[0].family == "legacy"
                                     else {e.column for e in pool})
        plan = patterns.plan(each)
        metrics = sorted({e.metric for e in each})
        for label in labels[::3]:
            key = label_key(label)
            for _ in range(3):
                taken = {(m, "*"): "" for m in rng.sample(metrics, rng.randint(0, len(metrics)))}
                for start_before in (None, 2, 6):
                    for anywhere in (joined, None):
                        want = _entry_loop_best_match(each, key, start_before, anywhere, taken)
                        assert patterns.best_in_plan(plan, key, start_before, anywhere, taken) is want, (label, taken)
                        checked += 1
                        found += want is not None
    assert checked > 10000 and found > 500


def _table_line_reference(raw: str) -> bool:
    """is_table_line before its last-character test: every line read in full."""
    if "\t" in raw:
        return True
    text = clean_text(raw)
    return bool(text) and reads_as_values(text)


def test_table_line_last_character_test_is_the_full_reading(lines):
    """is_table_line's early False (a last character no value token ends with) answers as the full reading, on
    every real line and on random lines ending in each character a value token may end with (and others;
    the set is read from catalog/value_tokens.csv, and these were its characters when it was written by hand)."""
    rng = random.Random(16)
    ends = list(",%/／—-–无及0123456789٣") + ["一", "件", "。", "）", ")", "a", " ", "\u3000", "％"]
    ends += sorted(_value_ends() - set(ends))
    made = []
    for _ in range(20000):
        body = "".join(rng.choice(["数", "1", "2", " ", ",", ".", "%", "无", "不涉及", "—", "-", "年", "。"])
                       for _ in range(rng.randint(0, 8)))
        made.append(body + rng.choice(ends))
    for line in lines + made:
        assert is_table_line(line) is _table_line_reference(line), line
