"""pdf_grid's two page-level repairs, on hand-built words and rules (synthetic; the coordinates are those measured
on the real cases of tests/integration/test_pdf_rows_more.py)."""
from __future__ import annotations

from govreport.readers import pdf_grid


def _word(chars: list[tuple[str, float, float]], top: float = 575.0) -> dict:
    chars = [dict(text=t, x0=a, x1=b, top=top, bottom=top + 12) for t, a, b in chars]
    return dict(text="".join(c["text"] for c in chars), x0=chars[0]["x0"], x1=chars[-1]["x1"], top=top,
                bottom=top + 12, chars=chars)


def test_a_number_set_apart_after_a_label_is_cut_off_and_prose_text_stays_the_same():
    # 3.危及“三安全一稳定” ends at 291.6, the natural-person 0 starts at 294.4 (ptkjj_2021, unruled)
    word = _word([("稳", 255.6, 267.6), ("定", 267.6, 279.6), ("”", 279.6, 291.6), ("0", 294.4, 301.0)])
    head, tail = pdf_grid._unglue(word)
    assert (head["text"], head["x1"]) == ("稳定”", 291.6)
    assert (tail["text"], tail["x0"], tail.get("glued")) == ("0", 294.4, True)
    assert pdf_grid._line_text([head, tail]) == "稳定”0"  # a line of prose reads as printed


def test_flush_digits_and_latin_words_stay_whole():
    flush = _word([("受", 100.0, 112.0), ("理", 112.0, 124.0), ("2", 124.0, 130.6)])  # typeset text: no gap
    latin = _word([("l", 100.0, 103.0), ("2", 106.0, 112.6)])  # an address, a code: never cut
    lead = _word([("2", 100.0, 106.6), ("0", 109.0, 115.6)])
    assert pdf_grid._unglue(flush) == [flush]
    assert pdf_grid._unglue(latin) == [latin]
    assert pdf_grid._unglue(lead) == [lead]


def _v(x: float, top: float, bottom: float) -> dict:
    return dict(orientation="v", x0=x, x1=x, top=top, bottom=bottom)


def _h(x0: float, x1: float, y: float) -> dict:
    return dict(orientation="h", x0=x0, x1=x1, top=y, bottom=y)


def test_rules_hanging_from_a_row_border_that_nothing_closes_are_a_row_the_page_break_cut():
    # ptslyj_2019 browser PDF, page 2: the cut row 724-764; its top border is drawn per cell right of the
    # rowspan columns (79-163), no bottom border
    cluster = [_v(x, 723.7, 764.2) for x in (79, 115, 163, 235, 278, 319, 361, 405, 451, 492, 532)]
    border = [_h(a, b, 724.5) for a, b in ((163, 235), (235, 278), (278, 319), (319, 361), (361, 405),
                                             (405, 451), (451, 492), (492, 532))]
    assert pdf_grid._hangs(cluster, border, 79, 532, "top")
    assert not pdf_grid._hangs(cluster, border[-2:], 79, 532, "top")  # a short rule: not a row's border
    assert not pdf_grid._hangs(cluster + [_v(600, 650, 764.2)], border, 79, 600, "top")  # tops differ


def test_the_next_page_part_of_the_cut_row_ends_on_its_bottom_border():
    cluster = [_v(x, 28.1, 46.9) for x in (79, 115, 163, 235, 532)]
    assert pdf_grid._hangs(cluster, [_h(79, 532, 46.5)], 79, 532, "bottom")
    assert not pdf_grid._hangs(cluster, [_h(79, 532, 30.0)], 79, 532, "bottom")
