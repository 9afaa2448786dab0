"""One agency, many spellings: resolve a stable agency_id.

Titles vary from year to year (中卫市沙坡头区政务服务中心 / 沙坡头区政务服务中心,
淮安市洪泽区人民政府 / 洪泽区人民政府). Normalization drops whitespace and
parent-region prefixes; catalog/agency_aliases.csv settles what it cannot
(renamed agencies, two districts with the same name in different cities).
"""
from __future__ import annotations

import re

from . import catalog
from .normalize import nfkc

# A parent region written before the agency's own region: 江苏省 / 淮安市 / 宁夏回族自治区 …
_PARENT = re.compile(r"^(?P<parent>[\u4e00-\u9fff]{2,9}?(?:省|自治区|特别行政区|市|地区|自治州|盟))(?P<rest>.+)$")
# The remainder must itself start with a region name (洪泽区…, 沙坡头区…, 某某县…).
_REGION_START = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:市|区|县|旗|自治县|自治旗|州|盟|镇|乡|街道)")


def normalize_agency_name(name: str) -> str:
    return re.sub(r"\s+", "", nfkc(name or ""))


def agency_id(name: str, use_aliases: bool = True) -> str:
    """Stable id for a written agency name: alias file first, then prefix stripping."""
    written = normalize_agency_name(name)
    aliases = catalog.agency_aliases() if use_aliases else {}
    if written in aliases:
        return aliases[written]
    current = written
    while True:
        m = _PARENT.match(current)
        if not m or not _REGION_START.match(m["rest"]):
            break
        current = m["rest"]
    return aliases.get(current, current)


def report_id(agency_id_: str, year: int) -> str:
    return f"{agency_id_}-{year}"
