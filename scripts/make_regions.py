"""Regenerate src/govreport/catalog/regions.csv, the gazetteer of China's administrative regions.

Source: the `adcodes.csv` resource of the MIT-licensed `cpca` package (0.5.5), e.g.
    pip download --no-deps cpca==0.5.5 -d /tmp/cpca && unzip -o /tmp/cpca/*.whl -d /tmp/cpca
    python scripts/make_regions.py /tmp/cpca/cpca/resources/adcodes.csv
Agency identity uses it to tell 南京市鼓楼区 from 福州市鼓楼区 (same county name, different city).
"""
import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "govreport" / "catalog" / "regions.csv"


def level(code: str) -> str:
    if code[2:6] == "0000":
        return "province"
    if code[4:6] == "00":
        return "city"
    return "county"


def main(source: str) -> None:
    rows = {}
    with open(source, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["adcode"][:6]
            if r["adcode"][6:].strip("0"):
                continue  # below county level
            rows[code] = r["name"].strip()
    out = []
    for code, name in sorted(rows.items()):
        lv = level(code)
        parent = "" if lv == "province" else rows.get(code[:4] + "00" if lv == "county" else code[:2] + "0000", "")
        if lv == "county" and parent in ("", "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            parent = rows.get(code[:2] + "0000", "")  # 直辖市 districts and 省直辖县: the province is the parent
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        out.append(dict(adcode=code, name=name, level=lv, parent=parent))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["adcode", "name", "level", "parent"], lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"{len(out)} regions -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
