"""Property: no number in a statistics table is lost or misplaced, whatever the layout.

Hypothesis generates gb2021 section 三 tables (the 国办公开办函〔2021〕30号 rows of
tests/filegen.SECTION_3) with random numbers in every cell, random blank cells,
label variants real reports print (1. / 1、 / 1．, （） / (), stray spaces, the
'其他法律行政止公开' typo), and either a cell grid (DOCX/HTML/ruled PDF) or PDF-like
text lines where a long label wraps onto the next line, its numbers staying on the
first. For every generated number the extractor must either put it under the right
metric and applicant, or list it as unmapped; it may never file a number under a
wrong cell, and a blank cell is never a value.
"""
import math
import random
from collections import Counter


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import filegen
from govreport.model import Block, Document
from govreport.extract import extract
from govreport.text.normalize import cell_part_tokens

APPLICANTS = filegen.APPLICANTS
HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + ["申请人情况"] * 7,
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + filegen.APPLICANT_HEADS,
]


def _variant(label: str, rnd: random.Random) -> str:
    """A printed variant of a row label, as found in real reports."""
    out = label
    if out[:1].isdigit() and out[1:2] == ".":
        out = out[0] + rnd.choice([".", "、", "．", ". "]) + out[2:]
    if rnd.random() < 0.3:
        out = out.replace("（", "(").replace("）", ")")
    if "其他法律行政法规禁止公开" in out and rnd.random() < 0.3:
        out = out.replace("其他法律行政法规禁止公开", "其他法律行政止公开")  # 洪泽区 typo
    if len(out) > 6 and rnd.random() < 0.3:  # stray space inside the label (PDF justification)
        cut = rnd.randrange(3, len(out) - 2)
        out = out[:cut] + " " + out[cut:]
    return out


@st.composite
def tables(draw):
    """(rows, layout, wrap): rows = [(metric, label, group, subgroup, cells)]."""
    seed = draw(st.integers(0, 2**32 - 1))
    rnd = random.Random(seed)
    cell = st.one_of(st.none(), st.integers(0, 99999).map(str))
    rows = []
    for metric, label, group, sub in filegen.SECTION_3:
        cells = draw(st.lists(cell, min_size=7, max_size=7))
        rows.append((metric, _variant(label, rnd), group, sub, cells))
    layout = draw(st.sampled_from(["grid", "text"]))
    wraps = draw(st.lists(st.integers(0, 30), min_size=len(rows), max_size=len(rows)))
    return rows, layout, wraps


def _document(rows, layout, wraps) -> Document:
    blocks = [Block.line("测试县人民政府2022年政府信息公开工作年度报告"),
              Block.line("三、收到和处理政府信息公开申请情况")]
    if layout == "grid":
        grid = [list(r) for r in HEADER]
        for metric, label, group, sub, cells in rows:
            left = [group or label, sub or label, label] if group else [label, label, label]
            if group and not sub:
                left = [group, label, label]
            grid.append(left + list(cells))
        blocks.append(Block.table(grid))
    else:
        blocks += [Block.line("申请人情况"), Block.line("自然人 法人或其他组织 总计"),
                   Block.line("商业企业 科研机构 社会公益组织 法律服务机构 其他")]
        for (metric, label, group, sub, cells), wrap in zip(rows, wraps):
            numbers = " ".join(c if c is not None else "" for c in cells).split()
            if any(c is None for c in cells):
                # text loses blank positions: a blank in a PDF text line cannot be told apart,
                # so print blanks as the placeholder many reports use instead
                numbers = [c if c is not None else "—" for c in cells]
            head, tail = label, ""
            # PDF hard wrap, numbers staying on the first line; a printed cell line holds six characters
            # or more (a 4-character head like '2. 其他' is a complete catalog label, 3.其他, and is read as one)
            if 6 <= len(label[:wrap].replace(" ", "")) and wrap < len(label) - 2:
                head, tail = label[:wrap], label[wrap:]
            blocks.append(Block.line(f"{head} {' '.join(numbers)}"))
            if tail:
                blocks.append(Block.line(tail))
    blocks.append(Block.line("四、政府信息公开行政复议、行政诉讼情况"))
    return Document(path="generated.txt", format="txt" if layout == "text" else "html", blocks=blocks,
                    hard_wrapped=layout == "text")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_every_number_is_mapped_right_or_listed_unmapped(case):
    rows, layout, wraps = case
    doc = _document(rows, layout, wraps)
    ex = extract(doc, "gb2021", "generated-2022")
    truth = {(metric, a): cells[i] for metric, _l, _g, _s, cells in rows for i, a in enumerate(APPLICANTS)}

    mapped = {}
    for v in ex.values:
        key = (v["metric"], v["applicant"])
        assert key in truth, f"value filed under a cell the table does not have: {key}"
        assert key not in mapped, f"two values for {key}"
        mapped[key] = v["value"]
    for key, value in mapped.items():
        printed = truth[key]
        if printed is None:
            assert math.isnan(value), f"blank cell {key} read as {value}"  # blank is missing, never 0
        else:
            assert not math.isnan(value) and value == float(printed), f"{key}: printed {printed}, read {value}"

    unmapped = [(u["raw"], u["column"]) for u in ex.unmapped]
    for (metric, applicant), printed in truth.items():
        if printed is None or (metric, applicant) in mapped:
            continue
        assert (printed, applicant) in unmapped or printed in [raw for raw, _c in unmapped], \
            f"{metric}|{applicant} = {printed} was neither mapped nor listed as unmapped"


def test_generator_makes_both_layouts_and_wrapped_labels():
    """The strategy above is not vacuous: a fixed example of each layout maps every value."""
    rnd = random.Random(5)
    rows = [(m, lb, g, s, [str(rnd.randrange(1, 900)) for _ in range(7)]) for m, lb, g, s in filegen.SECTION_3]
    for layout in ("grid", "text"):
        doc = _document(rows, layout, [12] * len(rows))
        ex = extract(doc, "gb2021", "x")
        got = {(v["metric"], v["applicant"]): v["value"] for v in ex.values}
        assert len(got) == 25 * 7, layout
        assert got[("outcome.denied.state_secret", "commercial")] == float(rows[4][4][1])
    wrapped = [b.text for b in _document(rows, "text", [12] * len(rows)).blocks]
    assert any(t == "情形，不计其他情形）" or t.endswith("其他情形）") for t in wrapped)  # a label tail on its own line


# ---------------------------------------------------------------------------
# Text with real blanks: PDF text drops a blank cell without trace, so a row with a
# missing cell cannot be placed and must land in unmapped, never on a metric.
HEADING_3 = "三、收到和处理政府信息公开申请情况"
HEADER_3 = "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"
END_3 = "四、政府信息公开行政复议、行政诉讼情况"
OTHER_SUBROWS = {"outcome.other.no_correction", "outcome.other.no_fee", "outcome.other.other"}
WRAPS = ["one", "label_wrap", "tail_wrap", "num_split", "num_line"]
# the cell grammar's words for "nothing here" (无, 不涉及, …): a label word that is one of them is ambiguous next to a space
PLACEHOLDER_WORDS = tuple(t for t in cell_part_tokens("placeholder") if not t.isascii())


def _renumber(label: str, style: int) -> str:
    """1. / 1、 / 1． / （1） for item rows; （一） / (一) / 一、 for outcome rows."""
    if label[0].isdigit() and label[1] == ".":
        return [label, label[0] + "、" + label[2:], label[0] + "．" + label[2:], f"（{label[0]}）" + label[2:]][style]
    if label.startswith("（") and label[2] == "）":
        return [label, f"({label[1]})" + label[3:], label[1] + "、" + label[3:], label][style]
    return label


@st.composite
def blank_rows(draw):
    """[(metric, label, group, subgroup, cells)]: ints, None for a blank; one report's label variants."""
    one_other = draw(st.booleans())  # 洪泽区: （六）其他处理 printed as the one gb2019 row
    rows = []
    for metric, label, group, sub in filegen.SECTION_3:
        if one_other and metric in OTHER_SUBROWS:
            if metric != "outcome.other.no_correction":
                continue
            metric, label, sub = "outcome.other.total", "（六）其他处理", None
        if metric == "outcome.denied.law_prohibited" and draw(st.booleans()):
            label = "2.其他法律行政止公开"  # the typo both 洪泽区 reports print
        label = _renumber(label, draw(st.integers(0, 3)))
        if draw(st.integers(0, 4)) == 0:  # a stray justification space inside the label
            cut = draw(st.integers(3, len(label) - 1))
            if not label[cut:].startswith(PLACEHOLDER_WORDS):
                # but not before 无 (无正当理由, 无法提供): with a wrap after it, "（4） 无" is a row whose cell says 无,
                # to any reader (a placeholder, unmapped with its position unknown), not a label cut in two
                label = label[:cut] + " " + label[cut:]
        full = draw(st.integers(0, 3)) > 0  # a quarter of the rows have random blanks
        cells = [draw(st.integers(0, 99999)) if full or draw(st.booleans()) else None for _ in range(7)]
        rows.append((metric, label, group, sub, cells))
    return rows


@st.composite
def text_with_blanks(draw):
    """(rows, lines): the section as PDF text lines, each row wrapped one of five ways."""
    rows = draw(blank_rows())
    lines, seen = [HEADING_3, HEADER_3], set()
    for metric, label, group, sub, cells in rows:
        for head in (group, sub):
            if head and head not in seen and not (metric == "outcome.other.total" and head.startswith("（六）")):
                seen.add(head)
                lines.append(head)
        nums = [str(c) for c in cells if c is not None]
        wrap = draw(st.sampled_from(WRAPS))
        if wrap in ("label_wrap", "tail_wrap") and len(label.replace(" ", "")) >= 10:
            cut = draw(st.integers(3, len(label) - 2))  # a wrap can fall anywhere, even after 2.其他
            head, tail = label[:cut], label[cut:]
            lines += [head, " ".join([tail] + nums)] if wrap == "label_wrap" else [" ".join([head] + nums), tail]
        elif wrap == "num_split" and len(nums) >= 2:
            k = draw(st.integers(1, len(nums) - 1))
            lines += [" ".join([label] + nums[:k]), " ".join(nums[k:])]
        elif wrap == "num_line" and nums:
            lines += [label, " ".join(nums)]
        else:
            lines.append(" ".join([label] + nums))
    return rows, lines + [END_3, "五、存在的主要问题及改进情况"]


def _extract_lines(lines):
    doc = Document(path="generated.pdf", format="pdf", blocks=[Block.line(ln) for ln in lines], hard_wrapped=True)
    return extract(doc, "gb2021", "generated-2024")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_with_blanks())
def test_text_numbers_are_placed_right_or_unmapped_and_blank_rows_never_placed(case):
    rows, lines = case
    ex = _extract_lines(lines)
    where = "\n".join(lines)
    complete = {(m, a): float(c) for m, _l, _g, _s, cells in rows if None not in cells for a, c in zip(APPLICANTS, cells)}
    gappy = Counter(float(c) for _m, _l, _g, _s, cells in rows if None in cells for c in cells if c is not None)
    placed = Counter()
    for v in ex.values:
        key = (v["metric"], v["applicant"])
        assert key in complete and v["value"] == complete[key], f"{key}={v['value']} misplaced\n{where}"
        placed[key] += 1
    assert max(placed.values(), default=1) == 1
    # every printed number not placed is listed unmapped with its raw text; nothing else is listed
    want_unmapped = gappy + Counter(c for k, c in complete.items() if k not in placed)
    assert Counter(u["value"] for u in ex.unmapped) == want_unmapped, where
    assert all(u["raw"] == str(int(u["value"])) for u in ex.unmapped)


@settings(max_examples=30, deadline=None)
@given(blank_rows())
def test_unwrapped_clean_labels_place_every_complete_row(rows):
    """Without stray spaces or wraps nothing is left to chance: every complete row is placed."""
    rows = [(m, label.replace(" ", ""), g, s, cells) for m, label, g, s, cells in rows]
    lines = [HEADING_3, HEADER_3] + [" ".join([label] + [str(c) for c in cells if c is not None])
                                     for _m, label, _g, _s, cells in rows] + [END_3]
    ex = _extract_lines(lines)
    placed = {(v["metric"], v["applicant"]): v["value"] for v in ex.values}
    complete = {(m, a): float(c) for m, _l, _g, _s, cells in rows if None not in cells for a, c in zip(APPLICANTS, cells)}
    assert placed == complete
    assert sorted(u["value"] for u in ex.unmapped) == sorted(
        float(c) for _m, _l, _g, _s, cells in rows if None in cells for c in cells if c is not None)


def test_wrapped_label_after_an_all_blank_row_keeps_its_own_metric():
    """Found by the property above: 4. printed no numbers (all blank), 5.'s label wraps after its numbers."""
    lines = [HEADING_3, HEADER_3, "（五）不予处理", "4.无正当理由大量反复申请",
             "5.要求行政机关确认或重 1 2 3 4 5 6 7", "新出具已获取信息", END_3]
    ex = _extract_lines(lines)
    assert {v["metric"] for v in ex.values} == {"outcome.not_processed.confirm_reissue"}


def test_wrapped_first_sub_row_under_its_group_heading_keeps_its_own_metric():
    """Found by the property above: （六）其他处理 heads its group, 1.'s label wraps after its numbers."""
    lines = [HEADING_3, HEADER_3, "（六）其他处理", "1.申请人无正当理由 1 2 3 4 5 6 7",
             "逾期不补正、行政机关不再处理其政府信息公开申请", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 "
             "11 12 13 14 15 16 17", "3.其他 21 22 23 24 25 26 27", END_3]
    ex = _extract_lines(lines)
    assert {v["metric"] for v in ex.values} == {"outcome.other.no_correction", "outcome.other.no_fee", "outcome.other.other"}


def test_stray_space_before_a_unit_like_character_keeps_the_label():
    lines = [HEADING_3, HEADER_3, "（三）不予公开", "8.属于行政查询事 项 21 90 22502 132 233 548 1585", END_3]
    ex = _extract_lines(lines)
    assert {v["metric"] for v in ex.values} == {"outcome.denied.admin_query"}
