"""text/numerals.chinese_to_number: the one Chinese-numeral parser (values read by hand)."""
from __future__ import annotations

import pytest

from govreport.text.numerals import chinese_to_number


@pytest.mark.parametrize("text, value", [("十", 10), ("十二", 12), ("二十五", 25), ("一百零五", 105), ("一百零八", 108),
                                         ("三千", 3000), ("两万零一", 20001), ("三万", 30000), ("二十一万五千", 215000)])
def test_numerals_with_powers(text, value):
    assert chinese_to_number(text) == value


@pytest.mark.parametrize("text", ["二〇二三", "二零二三", "二○二三", "二Ｏ二三"])
def test_a_year_is_read_digit_by_digit(text):
    assert chinese_to_number(text) == 2023


def test_a_year_reads_back_as_an_int():
    assert str(chinese_to_number("二〇一九")) == "2019"


def test_a_power_alone_counts_one():
    assert chinese_to_number("万") == 10000 and chinese_to_number("百") == 100


def test_wan_multiplies_everything_before_it():
    assert chinese_to_number("一百万") == 1_000_000 and chinese_to_number("一万万") == 100_000_000


def test_in_a_range_the_last_digit_wins():
    assert chinese_to_number("十二三") == 13  # 十二三件: twelve or thirteen, read as its upper end


def test_dates_and_section_numbers():
    assert [chinese_to_number(t) for t in ("三", "六", "十二", "三十一", "〇一")] == [3, 6, 12, 31, 1]


@pytest.mark.parametrize("text", ["", "第三", "3", "二十五件", "亿"])
def test_anything_else_is_not_a_numeral(text):
    assert chinese_to_number(text) is None
