"""The one unit table: every unit word a report prints after a number, and how values convert between units.

Two catalog files say it, for two readers: catalog/units.csv for table cells (a family per unit: a count printed
in 条 or 个 is the same count, money converts by its factor; ``label_unit`` says a row label may end with it) and
catalog/fact_units.csv for figures in prose (a finer dimension: 件 counts items, 人次 persons; whether a
Chinese numeral may stand before it). Both are read here, through the catalog loader, and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from govreport import catalog


@dataclass(frozen=True)
class Unit:
    """A unit a table cell or row may carry (units.csv)."""

    unit: str
    family: str  # count / money / share: values convert within a family only
    factor: float  # in the family's base unit (万元 = 10000 元)
    label_unit: bool  # a row label may end with it (收到申请数 件): it is the row's unit, not part of the label


@dataclass(frozen=True)
class FactUnit:
    """A unit a figure in prose may carry (fact_units.csv)."""

    unit: str
    dimension: str  # items / events / persons / days / hours / percent / money: figures compare within one
    factor: float
    classifier: bool  # often stands before its noun (39项便民服务事项)
    chinese_numeral: bool  # a Chinese numeral before it is a count (三件); not so for 人 (个人, 一人一档)


@lru_cache(maxsize=None)
def table_units() -> dict[str, Unit]:
    """units.csv as unit -> Unit."""
    return {r["unit"]: Unit(r["unit"], r["family"], float(r["factor"]), r["label_unit"] == "yes")
            for r in catalog.read_csv("units.csv")}


@lru_cache(maxsize=None)
def cell_units() -> tuple[str, ...]:
    """Every unit a cell may print after its number (251000元, 12%), longest first (万元 before 元)."""
    return tuple(sorted(table_units(), key=len, reverse=True))


@lru_cache(maxsize=None)
def label_units() -> frozenset:
    """The unit words a row label may end with."""
    return frozenset(u.unit for u in table_units().values() if u.label_unit)


def unit_factor(from_unit: str, to_unit: str) -> Optional[float]:
    """Factor turning a value in ``from_unit`` into ``to_unit``; None across families (count vs money) or for an
    unknown unit."""
    table = table_units()
    a, b = table.get(from_unit), table.get(to_unit)
    if a is None or b is None or a.family != b.family:
        return None
    return a.factor / b.factor


@lru_cache(maxsize=None)
def fact_units() -> dict[str, FactUnit]:
    """fact_units.csv as unit -> FactUnit."""
    return {r["unit"]: FactUnit(r["unit"], r["dimension"], float(r["factor"]), r["classifier"] == "yes",
                                r["chinese_numeral"] == "yes")
            for r in catalog.read_csv("fact_units.csv")}


def convert(value: float, from_unit: str, to_unit: str) -> Optional[float]:
    """A prose figure in another unit of the same dimension (3万元 -> 30000 元); None across dimensions."""
    if from_unit == to_unit:
        return value
    units = fact_units()
    a, b = units.get(from_unit), units.get(to_unit)
    if a is None or b is None or a.dimension != b.dimension:
        return None
    return value * a.factor / b.factor
