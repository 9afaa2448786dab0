"""Every percentage on every page, computed in one place and always with its denominator named.

The index and the yearly pages used to divide 予以公开 by different totals
(47.6 % of five outcome rows on one, 44.7 % of the printed 总计 on the other).
Here a share is a :class:`Share` that carries what it was divided by, and its
text says so: “占办理结果总计的 44.7%”.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from govreport import catalog
from govreport.report.access import harmonized_value, rows_for
from govreport.report.dataset import Dataset, takes_dataset
from govreport.report.wording import fmt_percent, is_missing, series_catalog, term


@dataclass(frozen=True)
class Share:
    """``part`` of ``total``; ``denominator`` is the wording key of what ``total`` is."""

    part: float
    total: float
    denominator: str

    @property
    def value(self) -> float:
        return self.part / self.total

    def percent(self) -> str:
        return fmt_percent(self.value)

    def denominator_name(self, lang: str = "zh") -> str:
        return term(f"denominator.{self.denominator}", lang)

    def text(self, lang: str = "zh") -> str:
        """'占办理结果总计的 44.7%' / '44.7% of requests decided (total)'."""
        return term("share.of", lang, share=self.percent(), denominator=self.denominator_name(lang))


def share(part: Any, total: Any, denominator: str) -> Optional[Share]:
    """The share, or None when either number is missing or the total is not positive."""
    if is_missing(part) or is_missing(total) or float(total) <= 0:
        return None
    return Share(float(part), float(total), denominator)


def outcome_series() -> list[str]:
    """The outcome categories (予以公开 … 其他处理), from catalog/narrative_series.csv."""
    return [r["series"] for r in series_catalog() if r["group"] == "outcomes"]


def _template(data: Dataset, report_id: str) -> str:
    rows = rows_for(data.table("reports"), report_id)
    return "" if rows.empty else str(rows["template"].iloc[0])


@takes_dataset
def outcome_denominator(data: Dataset, report_id: str) -> tuple[Optional[float], str]:
    """(total, denominator key) that outcome shares of one report divide by.

    The report's own printed total (办理结果总计; 申请答复数 in legacy tables)
    when it is positive, else the sum of the outcome categories present.
    """
    total, _ = harmonized_value(data, report_id, "outcome_total")
    if total is not None and total > 0:
        template = _template(data, report_id)
        legacy = template in catalog.templates() and catalog.template_family(template) == "legacy"
        return total, "responses_total" if legacy else "outcome_total"
    parts = [v for s in outcome_series() for v in [harmonized_value(data, report_id, s)[0]] if v is not None]
    return (sum(parts), "outcome_sum") if parts else (None, "outcome_sum")


@takes_dataset
def outcome_share(data: Dataset, report_id: str, series: str) -> Optional[Share]:
    """One outcome category (e.g. 'granted') as a share of the report's outcome total."""
    part, _ = harmonized_value(data, report_id, series)
    total, key = outcome_denominator(data, report_id)
    return share(part, total, key)
