"""text/units: the one unit table (catalog/units.csv and catalog/fact_units.csv)."""
from __future__ import annotations

from govreport.text.units import cell_units, convert, fact_units, label_units, table_units, unit_factor


def test_money_converts_by_its_factor():
    assert unit_factor("元", "万元") == 0.0001 and unit_factor("万元", "元") == 10000 and unit_factor("亿元", "万元") == 10000


def test_counts_are_one_family():
    assert unit_factor("条", "件") == 1 and unit_factor("人次", "个") == 1


def test_no_factor_across_families_or_for_an_unknown_unit():
    assert unit_factor("件", "元") is None and unit_factor("%", "件") is None and unit_factor("斤", "件") is None


def test_a_cell_unit_is_matched_longest_first():
    units = cell_units()
    assert units.index("万元") < units.index("元") and units.index("人次") < units.index("人")
    assert units.index("件次") < units.index("件")


def test_the_units_a_row_label_may_end_with():
    assert label_units() == {"件", "条", "次", "篇", "个", "人", "人次", "件次", "万元", "元", "项", "场", "期", "份",
                             "家", "亿元", "千元"}


def test_every_table_unit_has_a_family():
    assert {u.family for u in table_units().values()} == {"count", "money", "share"}


def test_prose_units_keep_finer_dimensions():
    units = fact_units()
    assert units["件"].dimension == "items" and units["人次"].dimension == "persons"
    assert units["个"].classifier and not units["人"].chinese_numeral


def test_prose_figures_convert_within_a_dimension():
    assert convert(3, "万元", "元") == 30000 and convert(5, "件", "件") == 5
    assert convert(5, "件", "人次") is None and convert(5, "件", "条") == 5
