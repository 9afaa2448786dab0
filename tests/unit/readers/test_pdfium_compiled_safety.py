"""The compiled helpers of readers/_pdfium_loops.c (word_chars, words, table_chars, outside) are safe on any input.

They stand in for Python loops in readers/pdf_words.py and pdf_grid.py, so what they must never do is give
another answer than those loops: anything they do not reproduce exactly (a list, dict or tuple that is not
exactly one, a coordinate that is no float or is NaN, a tolerance that is no float or int) comes back as None
and the Python code decides; an exception raised while reading the input comes back as that exception. Also
checked: no reference kept or dropped (refcounts of everything an input reaches are unchanged after many
calls), no memory kept, and a signal handler (the per-file time limit, readers/limits.py) still interrupts
their nested loops, even one that changes the lists.
"""
import gc
import math
import signal
import sys
import threading
import time
import tracemalloc
from decimal import Decimal

import pytest

from conftest import FIXTURES
from pdf_pages import fast_pages
from govreport.readers import pdf_grid, pdf_words
from govreport.readers.pdf_cells import find_tables
from govreport.readers.pdfium_compiled import helpers

REPORT = FIXTURES / "pdf" / "hongze_district_gov_2023.pdf"
BOX = (0.0, 0.0, 30.0, 30.0)


@pytest.fixture(scope="module")
def compiled():
    module = helpers()
    if module is None:
        pytest.skip("the compiled helpers are not built (test_pdfium_compiled says whether they must be)")
    return module


@pytest.fixture(scope="module")
def table_page():
    """The characters, rows and table boxes of the report's first page with a table, as pdf_grid gives them."""
    for fast in fast_pages(REPORT):
        ruled = fast.filter(pdf_grid._visible_ruling)
        settings = dict(pdf_grid._TABLE_SETTINGS, explicit_horizontal_lines=pdf_grid._closing_lines(ruled))
        tables = find_tables(ruled, settings)
        if tables:
            return list(ruled.chars), [(r.bbox, r.cells) for r in tables[0].rows], [tuple(t.bbox) for t in tables]
    raise AssertionError("the report has a table")


def _char(x0=10.0, top=20.0, text="a", **changes):
    c = {"text": text, "x0": x0, "x1": x0 + 5.0, "top": top, "bottom": top + 10.0, "doctop": top + 800.0,
         "upright": True}
    c.update(changes)
    return c


class _Float(float):
    pass


class _Str(str):
    pass


class _Dict(dict):
    pass


class _List(list):
    pass


class _Tuple(tuple):
    pass


def _without(key):
    return {k: v for k, v in _char().items() if k != key}


GOOD = [_char(10.0 + 6 * i) for i in range(5)]
# each: a page's characters the compiled code does not reproduce, and which of the four must decline them
ODD_CHARS = {
    "a tuple": (tuple(GOOD), "all"),
    "a list subclass": (_List(GOOD), "all"),
    "an int item": (GOOD + [5], "all"),
    "a None item": (GOOD + [None], "all"),
    "a dict subclass": (GOOD[:4] + [_Dict(GOOD[4])], "all"),
    "an int x0": (GOOD[:4] + [_char(x0=7)], "all"),
    "a bool top": (GOOD[:4] + [_char(top=True)], "all"),
    "a str x1": (GOOD[:4] + [dict(_char(), x1="9")], "all"),
    "a None bottom": (GOOD[:4] + [dict(_char(), bottom=None)], "all"),
    "a NaN top": (GOOD[:4] + [_char(top=math.nan)], "all"),
    "a float subclass": (GOOD[:4] + [dict(_char(), x0=_Float(3.0))], "all"),
    "a Decimal": (GOOD[:4] + [dict(_char(), x0=Decimal(3))], "all"),
    "a NaN middle": (GOOD[:4] + [dict(_char(), x0=-math.inf, x1=math.inf)], "grid"),
    "no doctop": (GOOD[:4] + [_without("doctop")], "words"),
    "no text": (GOOD[:4] + [_without("text")], "words"),
    "no upright": (GOOD[:4] + [_without("upright")], "words"),
    "an int text": (GOOD[:4] + [_char(text=5)], "words"),
    "an empty text": (GOOD[:4] + [_char(text="")], "words"),
    "a bytes text": (GOOD[:4] + [_char(text=b"a")], "words"),
    "a str subclass text": (GOOD[:4] + [_char(text=_Str("a"))], "words"),
    "upright 1": (GOOD[:4] + [_char(upright=1)], "words"),
    "upright False": (GOOD[:4] + [_char(upright=False)], "words"),
}


@pytest.mark.parametrize("name", sorted(ODD_CHARS))
def test_odd_characters_are_left_to_python(compiled, name):
    from pdfplumber.utils.text import LIGATURES

    chars, declined_by = ODD_CHARS[name]
    grouping = [compiled.word_chars(chars, 3, 4.5), compiled.words(chars, 3, 4.5, LIGATURES)]
    grid = [compiled.outside(chars, [BOX]), compiled.table_chars(chars, [(BOX, [(0.0, 0.0, 15.0, 30.0), None])])]
    if declined_by in ("all", "words"):
        assert grouping == [None, None]
    if declined_by in ("all", "grid"):
        assert grid == [None, None]
    if declined_by == "words":
        assert all(isinstance(r, list) for r in grid)
    if declined_by == "grid":
        assert all(isinstance(r, list) for r in grouping)


@pytest.mark.parametrize("x_tol, y_tol", [(2 ** 60, 1), ("3", 1), (Decimal(3), 1), (None, 1), (3, [])])
def test_odd_tolerances_are_left_to_python(compiled, x_tol, y_tol):
    assert compiled.word_chars(GOOD, x_tol, y_tol) is None and compiled.words(GOOD, x_tol, y_tol, {}) is None


def test_odd_ligatures_are_left_to_python_or_raise_as_python_does(compiled):
    from pdfplumber.utils.text import LIGATURES

    assert compiled.words(GOOD, 3, 4.5, []) is None and compiled.words(GOOD, 3, 4.5, _Dict(LIGATURES)) is None
    with pytest.raises(TypeError):  # a ligature that is no str: "".join raises in Python too
        compiled.words(GOOD, 3, 4.5, {"a": 5})


@pytest.mark.parametrize("rows", [
    [[BOX, [BOX]]], [(BOX, [BOX], 1)], [(list(BOX), [BOX])], [((0, 0.0, 30.0, 30.0), [BOX])],
    [((0.0, math.nan, 30.0, 30.0), [BOX])], [((0.0, 0.0, 30.0), [BOX])], [(BOX, (BOX,))], [(BOX, [list(BOX)])],
    [(BOX, [(0, 0.0, 30.0, 30.0)])], [(BOX, [(0.0, 0.0, math.nan, 30.0)])], [(BOX, [BOX + (1.0,)])], [(BOX, ["x"])],
    [(_Tuple(BOX), [BOX])], [(BOX, [_Tuple(BOX)])], ((BOX, [BOX]),), _List([(BOX, [BOX])]), [(BOX, _List([BOX]))],
])
def test_odd_rows_are_left_to_python(compiled, rows):
    assert compiled.table_chars(GOOD, rows) is None


@pytest.mark.parametrize("boxes", [[list(BOX)], [(0, 0.0, 1.0, 1.0)], [(0.0, 0.0, 1.0, math.nan)], [None], (BOX,),
                                   [BOX + (1.0,)], [_Tuple(BOX)], _List([BOX])])
def test_odd_boxes_are_left_to_python(compiled, boxes):
    assert compiled.outside(GOOD, boxes) is None


def test_odd_but_plain_inputs_give_the_python_results(compiled):
    """What the compiled code does take (infinities, -0.0, ties, lone surrogates, blank and long texts, empty
    lists, inverted and infinite boxes) it reads as the Python loops do."""
    from pdfplumber.utils.text import LIGATURES

    cases = [
        [], GOOD, GOOD[:4] + [_char(x0=math.inf)], GOOD[:4] + [_char(top=-0.0), _char(top=0.0), _char(top=-0.0)],
        GOOD[:4] + [_char(text="\ud800"), _char(text="\u3000 \t"), _char(text="ab"), _char(text="\ufb01")],
        [_char(x0=5.0, top=1.0, text=t) for t in "abcabc"] + [_char(x0=5.0, top=1.0 + 1e-9, text="d")],  # ties
        [_char(x0=float(k % 3), top=float(k % 4) * 2.5, text="xy "[k % 3]) for k in range(60)],
    ]
    for chars in cases:
        for x_tol, y_tol in ((3, 4.5), (0, 0), (-3, -4.5), (math.inf, math.nan), (math.nan, math.inf), (3, 2 ** 53)):
            lists = compiled.word_chars(chars, x_tol, y_tol)
            python = pdf_words.word_chars_python(chars, x_tol, y_tol)
            assert [[id(c) for c in w] for w in lists] == [[id(c) for c in w] for w in python]
            assert repr(compiled.words(chars, x_tol, y_tol, LIGATURES)) == repr(pdf_words.words_python(chars, x_tol,
                                                                                                        y_tol))
        for boxes in ([], [BOX], [(30.0, 30.0, 0.0, 0.0)], [(-math.inf, -math.inf, math.inf, math.inf)],
                      [(-0.0, -0.0, 12.5, 25.0), (12.5, 0.0, 20.0, 30.0)]):
            python = pdf_grid._outside(chars, boxes, pdf_grid._middles(chars))
            assert [id(c) for c in compiled.outside(chars, boxes)] == [id(c) for c in python]

            row = _Row(boxes[0] if boxes else BOX, boxes + [None])
            ours = compiled.table_chars(chars, [(row.bbox, row.cells)])
            theirs = pdf_grid.table_chars(chars, [row])
            assert [[None if c is None else [id(x) for x in c] for c in r] for r in ours] == \
                   [[None if c is None else [id(x) for x in c] for c in r] for r in theirs]


class _Raises:
    """A dict key whose comparison raises (armed): a lookup of a key with its hash raises."""

    armed = False

    def __init__(self, like):
        self.like = like

    def __hash__(self):
        return hash(self.like)

    def __eq__(self, other):
        if _Raises.armed:
            raise ValueError("compared")
        return self is other


def test_an_exception_while_reading_comes_back_as_that_exception(compiled):
    char = _without("top")
    char[_Raises("top")] = 1  # looking up "top" compares it with this key
    ligatures = {_Raises("a"): "x"}
    _Raises.armed = True
    try:
        odd = GOOD + [char]
        for call in (lambda: compiled.word_chars(odd, 3, 4.5), lambda: compiled.words(odd, 3, 4.5, {}),
                     lambda: compiled.outside(odd, [BOX]), lambda: compiled.table_chars(odd, [(BOX, [BOX])]),
                     lambda: compiled.words(GOOD, 3, 4.5, ligatures), lambda: pdf_words.words_python(odd, 3, 4.5)):
            with pytest.raises(ValueError, match="compared"):
                call()
    finally:
        _Raises.armed = False


def _reached(*inputs) -> list:
    """Every object the inputs reach (lists, dicts, tuples and their items, keys and values)."""
    out, stack, seen = [], list(inputs) + [None, True, False, sys.intern("ltr"), ""], set()
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        out.append(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
    return out


def test_no_reference_is_kept_or_dropped(compiled, table_page):
    from pdfplumber.utils.text import LIGATURES

    chars, rows, boxes = table_page
    calls = [
        lambda: compiled.word_chars(chars, 3, 4.5), lambda: compiled.words(chars, 3, 4.5, LIGATURES),
        lambda: compiled.table_chars(chars, rows), lambda: compiled.outside(chars, boxes + [(0.0, 0.0, 300.0, 300.0)]),
        lambda: compiled.words(chars + [dict(chars[0], x0=1)], 3, 4.5, LIGATURES),  # declined after reading
        lambda: compiled.table_chars(chars, rows + [(BOX, [(0, 0.0, 1.0, 1.0)])]),
        lambda: compiled.outside(chars, boxes + [(0.0, 0.0, 1.0, math.nan)]),
    ]
    # a new answer is referred to by the caller alone, and so are the lists and dicts it made (counted outside the
    # asserts: pytest's assert rewriting holds what it shows)
    for call in calls[4:]:
        assert call() is None
    for call in calls[:4]:
        found = call()
        counts = [sys.getrefcount(found)] + ([sys.getrefcount(found[k]) for k in range(len(found))] if call in calls[:3]
                                             else [])
        assert counts == [2] * len(counts)
    found = compiled.words(chars, 3, 4.5, LIGATURES)
    counts = [sys.getrefcount(found[k]["chars"]) for k in range(len(found))]
    assert counts == [2] * len(found)
    objects = _reached(chars, rows, boxes, LIGATURES)
    gc.collect()
    before = [sys.getrefcount(o) for o in objects]
    for call in calls:
        for _ in range(300):
            call()
    gc.collect()
    after = [sys.getrefcount(o) for o in objects]
    assert [(repr(o)[:40], b, a) for o, b, a in zip(objects, before, after) if a != b] == []


def test_no_memory_is_kept(compiled, table_page):
    from pdfplumber.utils.text import LIGATURES

    chars, rows, boxes = table_page
    calls = [lambda: compiled.words(chars, 3, 4.5, LIGATURES), lambda: compiled.word_chars(chars, 3, 4.5),
             lambda: compiled.table_chars(chars, rows), lambda: compiled.outside(chars, boxes)]
    for call in calls:
        call()
    gc.collect()
    tracemalloc.start()
    try:
        start, _peak = tracemalloc.get_traced_memory()
        for _ in range(1500):
            for call in calls:
                call()
        gc.collect()
        end, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - start < 20_000  # a float kept per call would be 144,000 bytes


class _Row:
    """A pdfplumber table row: its box and its cells."""

    def __init__(self, bbox, cells):
        self.bbox, self.cells = bbox, cells


def test_huge_inputs(compiled):
    from pdfplumber.utils.text import LIGATURES

    chars = [_char(float(k % 500), float(k // 500) * 4, text="ab "[k % 7 % 3]) for k in range(100_000)]
    assert repr(compiled.words(chars, 3, 4.5, LIGATURES)) == repr(pdf_words.words_python(chars, 3, 4.5))
    boxes = [(0.0, 0.0, 249.5, 1000.0), (300.0, 500.0, 400.0, 600.0)]
    assert compiled.outside(chars, boxes) == pdf_grid._outside(chars, boxes, pdf_grid._middles(chars))
    rows = [_Row((0.0, r * 4.0, 500.0, r * 4.0 + 4.0),
                 [(float(c), r * 4.0, c + 10.0, r * 4.0 + 4.0) for c in range(0, 500, 10)]) for r in range(200)]
    ours = compiled.table_chars(chars, [(r.bbox, r.cells) for r in rows])
    assert ours == pdf_grid.table_chars(chars, rows) and sum(len(cell) for row in ours for cell in row) > 90_000


class _Alarm(Exception):
    pass


@pytest.fixture
def alarm():
    """arm(seconds, then): SIGALRM after seconds, whose handler runs then() and raises _Alarm, as limits.py's."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGALRM only in the main thread of a POSIX system")
    old = signal.getsignal(signal.SIGALRM)

    def arm(seconds, then=None, raising=True):
        def handler(signum, frame):
            if then is not None:
                then()
            if raising:
                raise _Alarm()
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def _slow_inputs():
    """A page whose outside() and table_chars() take seconds: 100,000 characters and 30,000 boxes or 20,000 cells."""
    chars = [_char(float(k % 1000), 10.0) for k in range(100_000)]
    boxes = [(0.0, 1000.0 + k, 2000.0, 1000.5 + k) for k in range(30_000)]  # hold nothing: every box tested
    rows = [((0.0, 0.0, 2000.0, 100.0), [(2000.0 + k, 0.0, 2000.5 + k, 100.0) for k in range(20_000)]), (BOX, [BOX])]
    return chars, boxes, rows


@pytest.mark.parametrize("which", ["outside", "table_chars"])
def test_the_time_limit_interrupts_the_nested_loops(compiled, alarm, which):
    chars, boxes, rows = _slow_inputs()
    alarm(0.05)
    started = time.monotonic()
    with pytest.raises(_Alarm):
        compiled.outside(chars, boxes) if which == "outside" else compiled.table_chars(chars, rows)
        time.sleep(5)  # not interrupted in the call: the handler runs here, and the test fails on the time
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("which, emptied", [("outside", "chars"), ("table_chars", "chars"), ("table_chars", "cells"),
                                            ("table_chars", "rows")])
def test_a_handler_that_changes_the_lists_leaves_it_to_python(compiled, alarm, which, emptied):
    """A handler that runs inside the call (which the time limit needs) and empties a list the call reads: no
    crash, and None (the Python code decides on what the lists hold then). On a loaded machine the alarm can
    ring before the call starts (the list is then emptied before the call reads it): that attempt is made again."""
    for _attempt in range(5):
        chars, boxes, rows = _slow_inputs()
        rang: list = []
        emptying = {"chars": chars, "cells": rows[0][1], "rows": rows}[emptied].clear
        alarm(0.05, then=lambda: (rang.append(time.monotonic()), emptying()), raising=False)
        called = time.monotonic()
        found = compiled.outside(chars, boxes) if which == "outside" else compiled.table_chars(chars, rows)
        if rang and rang[0] >= called:
            break
    assert rang and rang[0] >= called, "the alarm never rang inside the call"
    assert found is None
