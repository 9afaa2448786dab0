"""Processed tables of the real 淮安 reports for the report/ tests, ingested once per session.

data/raw/hongze_district_gov_2023.txt, hongze_district_gov_2024.txt (淮安市洪泽区人民政府)
and huaian_gov_2024.pdf (淮安市人民政府): two agencies in 2024, one agency in two years.
"""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
HUAIAN = ("hongze_district_gov_2023.txt", "hongze_district_gov_2024.txt", "huaian_gov_2024.pdf")
HONGZE_ID = "淮安市/洪泽区人民政府"
HUAIAN_ID = "淮安市人民政府"


@lru_cache(maxsize=None)
def huaian_data():
    import govreport

    out = Path(tempfile.mkdtemp(prefix="govreport-report-"))
    atexit.register(shutil.rmtree, out, True)
    govreport.ingest([RAW / n for n in HUAIAN], out / "processed")
    return govreport.load(out / "processed")


def report_row(data, agency_id: str, year: int):
    reports = data.reports
    return reports[(reports["agency_id"] == agency_id) & (reports["year"] == year)].iloc[0]


def visible_text(markup: str) -> str:
    """Text a reader sees (tags dropped, entities decoded, spaces collapsed)."""
    import html

    text = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text)


SEEDS = ("shapotou_gov_service_center_2018.txt", "shapotou_gov_service_center_2021.txt")
SHAPOTOU_ID = "中卫市/沙坡头区政务服务中心"


@lru_cache(maxsize=None)
def seed_data():
    """The two 沙坡头区 seeds (legacy 2018, gb2021 2021), ingested once."""
    import govreport

    out = Path(tempfile.mkdtemp(prefix="govreport-report-seed-"))
    atexit.register(shutil.rmtree, out, True)
    govreport.ingest([RAW / n for n in SEEDS], out / "processed")
    return govreport.load(out / "processed")
