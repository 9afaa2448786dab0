"""A style's width is searched for from the last ";" ahead of its first "dth" (issue 16: reading HTML).

_STYLE_WIDTH's match opens at the style's start or at a ";" followed by spaces and "width", so none opens before
the last ";" ahead of the first "dth" (any case): Word's long cell styles (~220 characters, the width in the
middle) are no longer searched from their start. The reference is the search of the whole style; Word-like
styles, decoys (border-width, max-width, WIDTH, wİdth, wıdth, İ before the width: lower() then lengthens the
text) and random texts must give the same width.
"""
from __future__ import annotations

import random

from govreport.readers import html
from test_html_read_once import _width_full  # html._width with the style searched from its start


_PARTS = ["border-top: medium none", "border-right: windowtext 1pt solid", "width: 36.95pt", "WIDTH:54PT",
          "border-width: 1pt", "max-width:30px", "mso-width-alt:100", "width:1.2.3pt", " width : 7.5 pt", "wİdth:10px",
          "wıdth:10px", "İ", "padding-left: 5.4pt", "width:3px", "height:12pt", "", " ", "background:#DEEAF6", "dth",
          "Width:", "wi dth:3pt", ";", "width:40", "x;width:9px"]


def test_word_like_styles_give_the_width_the_whole_search_gives():
    rnd = random.Random(1617)
    for _ in range(20_000):
        style = rnd.choice([";", "; ", ";\n", "\t;"]).join(rnd.choice(_PARTS) for _ in range(rnd.randint(0, 9)))
        if rnd.random() < 0.3:  # (İ lower-cases to two characters: the lowered style's places are not the style's)
            style = rnd.choice(["", " ", ";", "İ" * rnd.randint(1, 12), "İ;"]) + style
        width = rnd.choice([None, "146", "58%", " 20px "])
        assert html._width(style, width) == _width_full(style, width), style


def test_a_style_lengthened_by_lower_is_searched_whole():
    # ten İ make the lowered style ten characters longer: its "dth" lies past the ";" after the first width
    style = "İ" * 10 + ";width:3px;width:5px"
    assert html._width(style, None) == _width_full(style, None) == 3.0


def test_random_texts_give_the_width_the_whole_search_gives():
    rnd = random.Random(1618)
    alphabet = "0123456789 .;:pxtWIDTHwidthİı\n\t-%"
    for _ in range(30_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
        assert html._width(text, None) == _width_full(text, None), text
