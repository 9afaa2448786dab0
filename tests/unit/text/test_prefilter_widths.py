"""text.prefilter.width: the span of a match as the re module's own parser measures it, checked against matches."""
from __future__ import annotations

import random
import re

from govreport.text.prefilter import width


def test_bounded_and_unbounded_widths():
    assert width(r"(?:19|20)\d{2}") == (4, 4)
    assert width(r"ab?c{1,3}") == (2, 5)
    assert width(r"a+") == (1, None)
    assert width(r"x.*y") == (2, None)
    assert width(r"(") is None  # not a regex: unknown, never a guess


def test_every_match_is_within_its_width():
    rng = random.Random(7)
    for source in [r"ab?c{1,3}", r"(?:联系|咨询)[^。]{0,4}电话", r"\d{2,4}年", r"a|bcd"]:
        low, high = width(source)
        pattern = re.compile(source)
        for _ in range(2000):
            text = "".join(rng.choices(["a", "b", "c", "d", "联系", "咨询", "电话", "年", "1", "。"], k=rng.randint(0, 12)))
            for m in pattern.finditer(text):
                assert low <= len(m.group()) <= high, (source, text)
