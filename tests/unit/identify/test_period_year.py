"""The year a report's 统计期限 sentence states, in the wordings real reports print (identify/template.py)."""
from __future__ import annotations

import pytest

from govreport.identify.template import period_year


@pytest.mark.parametrize("sentence, year", [
    # 莆田市审计局 2024 (tests/data/real/putian_ptsjj_2024.html): what decides the year of its scan, whose italic
    # title OCR may misread
    ("本报告中所列的数据时限为2024年1月1日至2024年12月31日止。", 2024),
    ("本年度报告统计数据时限为2013年1月1日至2013年12月31日，电子版在市政府门户网公布。", 2013),  # 三明市 2013
    ("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。", 2023),
    ("2024年1月1日，我局召开会议。", None),  # a date alone states no reporting period
])
def test_the_period_sentence_gives_the_year(sentence, year):
    assert period_year(sentence) == year
