"""Label variants real reports print: numbering styles, stray spaces, wrapped labels, split numbers."""
import re

import pytest

import govreport
from reportgen import SECTION_3_LABELS, gb2019_text

ROWS = {metric: [str(n), "0", "0", "0", "0", "0", str(n)] for n, (metric, _l) in enumerate(SECTION_3_LABELS, start=1)}


def _variant(text: str, kind: str) -> str:
    if kind == "ideographic_comma":  # 1、属于国家秘密
        return re.sub(r"(?m)^(\d)\.", r"\1、", text)
    if kind == "half_width_parens":  # (一)予以公开
        return text.replace("（", "(").replace("）", ")")
    if kind == "stray_spaces":  # 部分公开（区分处理的，只计这一情 形，不计其他情形）
        return re.sub(r"(?m)^([^\d\s]{3})([^\s]{3,})(?= \d)", r"\1 \2", text)
    if kind == "wrapped_before_numbers":  # label on one line, its numbers on the next
        return re.sub(r"(?m)^((?:\d[.、]|（|一、|二、|四、)\S+) ((?:\d+ ){6}\d+)$", r"\1\n\2", text)
    if kind == "numbers_split":  # 7 cells split 1 + 6 over two lines
        return re.sub(r"(?m)^(\S+) (\d+) ((?:\d+ ){5}\d+)$", r"\1 \2\n\3", text)
    if kind == "full_width":
        return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["ideographic_comma", "half_width_parens", "stray_spaces", "wrapped_before_numbers",
                                  "numbers_split", "full_width"])
def test_every_section_3_row_survives_the_variant(tmp_path, kind):
    text = _variant(gb2019_text(rows=ROWS), kind)
    assert text != gb2019_text(rows=ROWS)
    p = tmp_path / f"{kind}.txt"
    p.write_text(text, encoding="utf-8")
    rep = govreport.parse(p)
    got = {m: v for m, a, v, prov in zip(rep.values["metric"], rep.values["applicant"], rep.values["value"],
                                         rep.values["provenance"]) if a == "total" and prov == "reported"}
    assert {m: got.get(m) for m in ROWS} == {m: float(n) for n, m in enumerate(ROWS, start=1)}
    assert rep.unmapped.empty


def test_tables_without_their_section_headings_are_still_read(tmp_path):
    """Some pages drop the 二、三、四 headings (or render them as images): table headers open the sections."""
    import json
    from conftest import TESTDATA
    src = (TESTDATA / "md_gb2021_small.md").read_text(encoding="utf-8")
    stripped = "\n".join(ln for ln in src.splitlines() if not re.match(r"^## [二三四]、", ln))
    assert stripped.count("\n") < src.count("\n")
    p = tmp_path / "no_headings.md"
    p.write_text(stripped, encoding="utf-8")
    rep = govreport.parse(p)
    expected = json.loads((TESTDATA / "md_gb2021_small.expected.json").read_text(encoding="utf-8"))["values"]
    got = {f"{m}|{a}": v for m, a, v, pr in zip(rep.values["metric"], rep.values["applicant"], rep.values["value"],
                                                 rep.values["provenance"]) if pr == "reported"}
    assert got == expected
