"""Chinese numerals as numbers: the one parser every stage uses.

Reports write counts (二十五件, 一百零八条), years (二〇二三年), dates (三月六日) and section numbers (六、)
in Chinese numerals. Two readings exist and both are needed: a numeral with powers (一百零五 = 105)
and a bare run of digits read position by position, as years are written (二〇二三 = 2023).
"""
from __future__ import annotations

from typing import Optional

DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
POWERS = {"十": 10, "百": 100, "千": 1000}
MYRIAD = "万"
NUMERAL_CHARS = "".join(DIGITS) + "".join(POWERS) + MYRIAD


def chinese_to_number(text: str) -> Optional[int]:
    """The number a Chinese numeral says, or None when ``text`` is not one.

    二十一 -> 21, 一百零五 -> 105, 两万零一 -> 20001, 三万 -> 30000, 十 -> 10, 万 -> 10000 (a power alone counts one);
    a bare run of digits is read position by position: 二〇二三, 二零二三 and 二○二三 -> 2023. Inside a numeral with
    powers a digit replaces the one before it (十二三 -> 13: the upper end of a range, as the prose tokenizer reads it).
    An int, so a year reads back as 2023, not 2023.0.
    """
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    if len(text) > 1 and all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for at, ch in enumerate(text):
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in POWERS:
            section += (1 if digit is None else digit) * POWERS[ch]
            digit = None
        else:  # 万 multiplies everything before it: 一百万 = 1,000,000, 一万万 = 100,000,000
            before = total + section + (digit or 0)
            total = (before if at else 1) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)
