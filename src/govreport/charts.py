"""Kept for old imports: the charts live in :mod:`govreport.report.charts`."""
from __future__ import annotations

from .report.charts import (FONT_NAME, bar_chart, cjk_font_path, describe, draw, facts_chart,  # noqa: F401
                            figure_png, register_cjk_font, series_chart, share_chart, show)
