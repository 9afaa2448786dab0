"""Property: whatever a cell holds, no printed digit run is silently lost, and the row's other cells keep
their columns.

Cell texts are built from the parts of the cell grammar (numbers with thousands, decimal and ambiguous
separators, full-width digits, Chinese numerals, qualifiers, multipliers, units, bracketed and 含 clauses,
footnote marks) and written into real reports of the repository: the hongze 2023 text report (the 7-column row
一、本年新收… 21 0 0 0 0 0 21 and the one-number row 行政许可 550) and the putian 2024 HTML report (the row
一、本年新收… of seven 0 cells). Each digit run of a generated cell must be in ``values`` (the number, or the
note) or in ``unmapped`` (its raw text); every cell not replaced keeps its metric, applicant and value.
"""
from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govreport
from govreport import catalog
from govreport.text.units import cell_units
from conftest import FIXTURES, TESTDATA

HONGZE = FIXTURES / "text" / "hongze_district_gov_2023.txt"
PUTIAN_HTML = TESTDATA / "real" / "putian_ptkjj_2024.html"
APPLICANTS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
# the hongze rows as printed (read from the file) and their hand-checked values
HONGZE_NEW = "一、本年新收政府信息公开申请数量                             21    0      0     0   0   0     21"
HONGZE_NEW_VALUES = (21, 0, 0, 0, 0, 0, 21)
HONGZE_LICENSING = "行政许可                      550"
_MARKS = ("①", "②", "²")  # footnote marks NFKC would turn into digits
_CN = {"二十一": 21, "一百零五": 105, "三千": 3000, "十二": 12, "两万零一": 20001}


@dataclass(frozen=True)
class Cell:
    text: str
    value: Optional[float]  # the number the cell says in the metric's unit, when the test can tell it alone
    ambiguous: bool  # separators that cannot be told (5,50 · 12 ,345): must never become a value
    note_runs: tuple[str, ...]  # digit runs printed beside the number (in a bracket or 含 clause)
    comma_kind: str  # '' / 'thousands' (1,234) / 'decimal_evidence' (5,50: no thousands comma)


def _parts(part: str) -> list[str]:
    return [p.token for p in catalog.cell_grammar() if p.part == part]


def _qualifiers(position: str) -> list[tuple[str, str]]:
    return [(q.token, q.kind) for q in catalog.cell_qualifiers() if q.position == position and q.kind != "footnote"]


@st.composite
def _number(draw) -> tuple[str, Optional[float], str, bool]:
    """(text, value or None when ambiguous, comma kind, is Arabic)."""
    kind = draw(st.sampled_from(["plain", "thousands", "decimal", "fullwidth", "ambiguous", "spaced", "chinese"]))
    n = draw(st.integers(0, 99999))
    if kind == "plain":
        return str(n), n, "", True
    if kind == "thousands":
        n = draw(st.integers(1000, 9_999_999))
        return f"{n:,}", n, "thousands", True
    if kind == "decimal":
        frac = draw(st.integers(1, 99))
        return f"{n}.{frac}", float(f"{n}.{frac}"), "", True
    if kind == "fullwidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")), n, "", True
    if kind == "ambiguous":  # 5,50 · 550,0 · 1,5500 · 0,032 · 3,2 · 1,2345 · 1.288,0
        lead = draw(st.integers(0, 999))
        tail = draw(st.sampled_from(["0", "2", "50", "5500", "2345", "032"]))
        form = draw(st.sampled_from(["{a},{t}", "0,{t}", "{a}.288,{t}"]))
        text = form.format(a=lead, t=tail)
        if re.fullmatch(r"[1-9]\d{0,2}(,\d{3})+", text):
            text += "5"  # 1,032 is a thousands comma: make it ambiguous (1,0325)
        return text, None, "decimal_evidence", True
    if kind == "spaced":  # 12 ,345 / 12, 345: one number or two cannot be told
        return draw(st.sampled_from(["{a} ,{b:03d}", "{a}, {b:03d}"])).format(a=draw(st.integers(1, 99)),
                                                                             b=draw(st.integers(0, 999))), None, "", True
    word = draw(st.sampled_from(sorted(_CN)))
    return word, _CN[word], "", False


@st.composite
def cells(draw) -> Cell:
    """A cell of the grammar: [prefix] number [万] [suffix] [unit] [note] [mark]."""
    text, value, comma, arabic = draw(_number())
    sign = 1
    if draw(st.booleans()):
        word, kind = draw(st.sampled_from(_qualifiers("prefix")))
        text, sign = word + text, (-1 if kind == "sign_minus" else 1)
    unit = draw(st.one_of(st.none(), st.sampled_from(cell_units())))
    if arabic and value is not None and not unit and draw(st.integers(0, 5)) == 0:
        mult = draw(st.sampled_from([p for p in catalog.cell_grammar() if p.part == "multiplier"]))
        text, value = text + mult.token, value * mult.factor  # 1.2万; never 1.2万万元 (万元 is a unit)
    if draw(st.booleans()):
        text += draw(st.sampled_from(_qualifiers("suffix")))[0]
    if unit:
        text += unit
    note_runs: tuple[str, ...] = ()
    if arabic and draw(st.booleans()):
        k = draw(st.integers(0, 999))
        space = draw(st.sampled_from(["", " "]))
        note = draw(st.sampled_from(["（含转办{k}）", "(其中{k}件)", "【含{k}】", "含转办{k}", "（件）"])).format(k=k)
        text += ("" if note.startswith("含") else space) + note
        note_runs = tuple(re.findall(r"\d+", note))
        unit = unit or ("件" if note == "（件）" else None)
    if draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from(list(_MARKS) + ["*", "※"]))
    counts = unit is None or unit in ("件", "件次", "条", "个", "项", "次", "人次", "篇", "人", "场", "期", "份", "家", "批")
    ambiguous = comma == "decimal_evidence" or (value is None and arabic)
    return Cell(text, None if value is None or not counts else sign * value, ambiguous, note_runs, comma)


def _digit_runs(text: str) -> list[str]:
    """Digit runs as printed (full-width digits folded; footnote marks are not digits)."""
    return re.findall(r"\d+", unicodedata.normalize("NFKC", re.sub("[①②²]", "", text)))


def _accounted(cell: Cell, metric: str, applicant: str, values, unmapped, report_ambiguous: bool) -> Optional[str]:
    """None when every digit run of the cell is in values or unmapped; else what went missing."""
    runs = _digit_runs(cell.text)
    hit = values[(values["metric"] == metric) & (values["applicant"] == applicant)
                 & values["provenance"].isin(["reported", "matched_fuzzy"])]
    if len(hit) == 1 and not math.isnan(hit["value"].iloc[0]):
        if cell.ambiguous or (cell.comma_kind == "thousands" and report_ambiguous):
            return f"{cell.text!r} was stored as {hit['value'].iloc[0]}: an ambiguous number was guessed"
        if cell.value is not None and not math.isclose(hit["value"].iloc[0], cell.value, rel_tol=1e-9, abs_tol=1e-9):
            return f"{cell.text!r} stored as {hit['value'].iloc[0]}, expected {cell.value}"
        missing = [r for r in cell.note_runs if r not in hit["note"].iloc[0]]
        return f"{cell.text!r}: note runs {missing} lost" if missing else None
    for raw in unmapped["raw"]:
        if _digit_runs(str(raw)) == runs:
            return None
    return f"{cell.text!r} ({metric}|{applicant}) is in neither values nor unmapped: {runs} lost"


def _check_row(rep, metric: str, applicants, replaced: dict[int, Cell], originals):
    """Replaced cells are accounted for; the others keep their metric and value; nothing lost its column."""
    report_ambiguous = any(c.comma_kind == "decimal_evidence" for c in replaced.values())
    problems = [_accounted(c, metric, applicants[n], rep.values, rep.unmapped, report_ambiguous)
                for n, c in replaced.items()]
    assert not [p for p in problems if p], problems
    v = rep.values[(rep.values["metric"] == metric) & (rep.values["provenance"] == "reported")]
    v = v.set_index("applicant")["value"]
    for n, applicant in enumerate(applicants):
        if n not in replaced:
            assert v.get(applicant) == originals[n], (applicant, v.to_dict(), [c.text for c in replaced.values()])
    assert "positions_unknown" not in set(rep.unmapped["reason"]), rep.unmapped.to_dict("records")


def _replaced_hongze_row(picks: dict[int, Cell]) -> str:
    head, *cells = HONGZE_NEW.split()
    out = [picks[n].text if n in picks else c for n, c in enumerate(cells)]
    return HONGZE_NEW[: HONGZE_NEW.index(head) + len(head)] + "   " + "    ".join(out)


_SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_SETTINGS
@given(st.dictionaries(st.integers(0, 6), cells(), min_size=1, max_size=3))
def test_text_row_of_seven_cells_loses_no_digit_run(tmp_path_factory, picks):
    source = HONGZE.read_text(encoding="utf-8")
    assert HONGZE_NEW in source
    path = tmp_path_factory.mktemp("hongze") / HONGZE.name
    path.write_text(source.replace(HONGZE_NEW, _replaced_hongze_row(picks)), encoding="utf-8")
    rep = govreport.parse(path)
    _check_row(rep, "requests.new_received", APPLICANTS, picks, HONGZE_NEW_VALUES)


@_SETTINGS
@given(cells())
def test_text_one_number_row_loses_no_digit_run(tmp_path_factory, cell):
    source = HONGZE.read_text(encoding="utf-8")
    assert HONGZE_LICENSING in source
    path = tmp_path_factory.mktemp("hongze") / HONGZE.name
    path.write_text(source.replace(HONGZE_LICENSING, "行政许可                      " + cell.text), encoding="utf-8")
    rep = govreport.parse(path)
    _check_row(rep, "art20.licensing.decisions", ("total",), {0: cell}, (550,))
    assert len(rep.values) + len(rep.unmapped) >= 208  # 208 values in the file as printed


_HTML_ROW = re.compile(r"(<p>一、本年新收政府信息公开申请数量&nbsp;</p>\s*</td>)(.*?)(</tr>)", re.S)


@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.integers(0, 6), cells(), min_size=1, max_size=3))
def test_html_row_of_seven_cells_loses_no_digit_run(tmp_path_factory, picks):
    source = PUTIAN_HTML.read_text(encoding="utf-8")
    m = _HTML_ROW.search(source)
    parts = m[2].split('<p align="center">0</p>')
    assert len(parts) == 8  # seven 0 cells, as printed
    body = "".join(p + (f'<p align="center">{html.escape(picks[n].text)}</p>' if n in picks else '<p align="center">0</p>')
                   for n, p in enumerate(parts[:-1])) + parts[-1]
    path = tmp_path_factory.mktemp("putian") / PUTIAN_HTML.name
    path.write_text(source[: m.start(2)] + body + source[m.end(2):], encoding="utf-8")
    rep = govreport.parse(path)
    _check_row(rep, "requests.new_received", APPLICANTS, picks, (0,) * 7)
