"""Shared paths for tests: the seeds in data/raw and the real fixtures in ../shared."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
TESTDATA = ROOT / "tests" / "data"
SEED_2018 = RAW / "shapotou_gov_service_center_2018.txt"
SEED_2021 = RAW / "shapotou_gov_service_center_2021.txt"


def values_dict(frame) -> dict:
    """{'metric|applicant': value} of a values frame (NaN kept)."""
    return {f"{m}|{a}": v for m, a, v in zip(frame["metric"], frame["applicant"], frame["value"])}


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not FIXTURES.exists():
        pytest.skip(f"shared fixtures not found at {FIXTURES}")
    return FIXTURES
