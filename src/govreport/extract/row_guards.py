"""Guards on a row's label before its cells are placed: a number is never moved to a row that is not its own.

Two ways a label read from a scan or a PDF claims a metric that is not its row's:
- **Two rows merged.** A scan that lost the ruling line between two rows (or a row whose misread cells made
  it a label, buffered onto the next row) gives one label holding two numbered row labels of the same list
  style (``一、本年新收… 二、上年结转…``). Which cells belong to which row cannot be told: every cell goes to
  unmapped (``merged_rows``), never to either metric.
- **A heading's words.** A grid row carries its group headings before its own numbered label
  (``三、本年度办理结果 (六)其他处理 1.申请人…逾期不补正…``). When the own label is misread, a catalog pattern
  may still match the heading (其他处理) and put the row's numbers on the group's metric. A match found only
  in the headings before the row's own numbered label is no match.
- **A label's last word read as a cell.** A text line wrapped with a stray space before a word that is also a
  placeholder (``1、申请人 无 — — — — — — 0`` / ``正当理由逾期不补正…``) gives one token more than the table has
  columns; read from the left, 无 took the first column and every number moved one column right (the total 0
  lost to ``extra_cells``). Leading tokens beyond the width that are words, not figures or marks, are the
  label's (``label_words``).

The numbering forms (一、 / (一) / 1. / (1) …) are the list styles of catalog/list_styles.csv.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from govreport import catalog
from govreport.catalog import LabelEntry
from govreport.text.normalize import clean_text, label_key, nfkc, parse_cell

MERGED = "<merged rows>"  # the walker's sequence entry of a merged row: the template's row order never crosses it
_NUMBER = re.compile(r"[^\d一二三四五六七八九十]")
_REMARK = re.compile(r"\([^()]{5,}\)")
_MEMO_CHARS = 512  # labels up to this long are memoized (a page of text is not kept alive)


@lru_cache(maxsize=None)
def list_styles() -> tuple[tuple[str, re.Pattern], ...]:
    """(style, pattern) of catalog/list_styles.csv, each matched where a label or one of its words begins."""
    return tuple((r["style"], re.compile(rf"(?:^|(?<=\s))(?:{r['pattern']})"))
                 for r in catalog.read_csv("list_styles.csv"))


def markers(label: str) -> tuple[tuple[int, str, str], ...]:
    """(offset, style, number) of every list marker in ``label`` (a marker without a number, 其中, has '')."""
    text = nfkc(label or "")
    return _markers(text) if len(text) <= _MEMO_CHARS else _find_markers(text)


def _find_markers(text: str) -> tuple[tuple[int, str, str], ...]:
    out = []
    for style, rx in list_styles():
        for m in rx.finditer(text):
            out.append((m.start(), style, _NUMBER.sub("", re.sub(r"^其中\s*[:：]?", "", m.group()))))
    return tuple(sorted(out))


# a row's label is guarded several times (merged_rows, own_label, heading_match): memoized, short labels only
_markers = lru_cache(maxsize=1 << 14)(_find_markers)


def merged_rows(label: str) -> Optional[str]:
    """Why ``label`` is two rows merged (two numbered labels of one list style: 一、 … 二、), else None."""
    return _merged_rows_memo(label) if label and len(label) <= _MEMO_CHARS else _merged_rows(label)


def _merged_rows(label: str) -> Optional[str]:
    seen: dict[str, str] = {}
    for _at, style, number in markers(label):
        if not number:
            continue
        if style in seen and seen[style] != number:
            return (f"the label holds two numbered row labels ({seen[style]} and {number}): two rows read as "
                    "one (a ruling line lost), which cells are whose cannot be told")
        seen.setdefault(style, number)
    return None


# a data row's label is guarded on every row of every report that prints it: memoized, short labels only
_merged_rows_memo = lru_cache(maxsize=1 << 13)(_merged_rows)


def own_label(label: str) -> Optional[str]:
    """The row's own numbered label when headings stand before it (三、本年度办理结果 (六)其他处理 1.申请人… ->
    1.申请人…), else None (the label is all its own)."""
    return _own_label_memo(label) if label and len(label) <= _MEMO_CHARS else _own_label(label)


def _own_label(label: str) -> Optional[str]:
    text = nfkc(label or "")
    found = [(at, number) for at, _style, number in markers(text) if number]
    if not found or found[-1][0] == 0:
        return None
    return text[found[-1][0]:]


_own_label_memo = lru_cache(maxsize=1 << 13)(_own_label)


def heading_match(entry: LabelEntry, label: str) -> bool:
    """``entry`` matched ``label`` only in the headings before the row's own numbered label."""
    own = own_label(label)
    return own is not None and entry.regex.search(match_key(own)) is None


def match_key(text: str) -> str:
    """The form a label is matched in: label_key without long remarks in parentheses (（区分处理的，只计这一情形，
    不计其他情形） is dropped, so its words cannot claim another label)."""
    return _match_key(text) if text and len(text) <= _MEMO_CHARS else _REMARK.sub("", label_key(text))


@lru_cache(maxsize=1 << 14)
def _match_key(text: str) -> str:
    """match_key of a short label (each is keyed several times: every attempt, the guards, the fallbacks)."""
    return _REMARK.sub("", label_key(text))


def label_words(cells: list, width: int) -> int:
    """How many of a text row's first cells, beyond the ``width`` its table has, are words (a placeholder written
    in ideographs: 无, 不涉及) and so the end of its label, not cells (see the module docstring)."""
    n = 0
    while n < len(cells) - width and _is_word(cells[n]):
        n += 1
    return n


def _is_word(cell) -> bool:
    text = nfkc(cell or "").strip()
    parsed = parse_cell(text) if text else None
    return parsed is not None and parsed.placeholder and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def with_words(label: str, own: str, words: list) -> str:
    """``label`` (the row's own text ``own`` and any wrapped tail) with the words label_words took from its cells
    put back after its own text, where the line printed them."""
    if not words:
        return label
    own, said = clean_text(own), "".join(clean_text(w) for w in words)
    return own + said + label[len(own):] if label.startswith(own) else f"{label}{said}"
