"""Rejoin prose that PDF extraction hard-wrapped over many lines.

PDF text arrives one printed line at a time, with paragraphs broken at any
character, page furniture in between, and the statistics tables flattened into
lines of labels and numbers. ``join_paragraphs`` glues the prose back together,
keeps top-level headings (一、…) as paragraphs of their own, and leaves the
flattened tables out: they are the extractor's job, not prose.
"""
from __future__ import annotations

import re
from functools import lru_cache

from govreport import catalog
from govreport.text.normalize import clean_text
from govreport.text.numerals import chinese_to_number

# A line that starts a new paragraph: numbered headings such as 一、 （二） 1. 2、
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．](?!\d))")
# A top-level section heading: 一、概述 / 六、其他需要报告的事项
_TOP_HEADING = re.compile(r"^\s*(?P<num>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<title>\S.*)$")
_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":")
_FULL_STOP = ("。", "！", "？", "!", "?")
_SENTENCE_PUNCT = re.compile(r"[。！？!?]")
_CLAUSE_PUNCT = re.compile(r"[，,。；;！？!?]")
# Link annotations some PDF extractors spill into the text (mailto:…, http://…)
_LINK_ARTIFACT = re.compile(r"^\s*mailto:\S*\s*$", re.IGNORECASE)
# The report title's last line: a paragraph of its own, never glued to the text
_TITLE_END = re.compile(r"(?:年度报告|工作报告)\s*$")
# Characters that continue a number wrapped onto the next line (units, date parts)
_CONTINUATION = set("号件条篇项次份期人个元万年月日%％余多场家名")


def is_table_line(raw: str) -> bool:
    """A flattened table row: tab-separated cells, or a label (without sentence
    punctuation) followed by one or more number/placeholder cells."""
    return "\t" in raw or is_table_text(clean_text(raw))


def is_table_text(text: str) -> bool:
    """is_table_line of a line without a tab, given as ``clean_text(line)`` (the mask cleans each line once)."""
    if not text:
        return False
    if not text[-1].isdecimal() and text[-1] not in _value_ends():
        return False  # most prose lines: no value token ends the line (below: n_values 0, last character no digit)
    return reads_as_values(text)


def reads_as_values(text: str) -> bool:
    """is_table_line of a cleaned, non-empty line without its last-character shortcut: a label followed by
    value tokens, or by values glued to it."""
    tokens = text.split(" ")
    n_values = 0
    is_value = _value_token().match
    for tok in reversed(tokens):
        if is_value(tok):
            n_values += 1
        else:
            break
    if n_values == 0:
        # "规章0 0 0" style: the first value glued to the label. Searched in the trailing
        # digits-and-spaces run only (and the character before it): searching the whole
        # line tries every space as a start, quadratic in a long line of numbers.
        if not text[-1].isdecimal():
            return False  # _GLUED_VALUES ends in \d at the end (text is stripped: no final newline for $)
        tail_start = _trailing_run_start(text)
        m = _GLUED_VALUES.search(text, max(tail_start - 1, 0))
        if not m:
            return False
        label = text[: m.start(1)]
    else:
        label = " ".join(tokens[: len(tokens) - n_values])
    if n_values == 1 and label and label[-1] in "余约近":
        return False
    return not _CLAUSE_PUNCT.search(label)


_GLUED_VALUES = re.compile(r"\D(\d+(?:\s+\d+)+)$")


def _trailing_run_start(text: str) -> int:
    """Index where the run of digits and whitespace that ends ``text`` begins."""
    i = len(text)
    while i > 0 and (text[i - 1].isdecimal() or text[i - 1].isspace()):
        i -= 1
    return i


# ----------------------------------------------------------------------------- the value tokens (catalog)
@lru_cache(maxsize=1)
def _value_token() -> re.Pattern:
    """A whole token that is a value cell of a flattened table row: one of the forms of catalog/value_tokens.csv."""
    return re.compile("^(?:" + "|".join(r["pattern"] for r in catalog.read_csv("value_tokens.csv")) + ")$")


@lru_cache(maxsize=1)
def _value_ends() -> frozenset:
    """Every character but a decimal digit that a value token can end with (is_table_line tests digits, re's \\d,
    as str.isdecimal): each form's ``ends``, written beside its pattern in catalog/value_tokens.csv (a test draws
    tokens from every pattern and checks that each ends in a digit or in its row's ends)."""
    return frozenset("".join(r["ends"] for r in catalog.read_csv("value_tokens.csv")))


def top_heading(text: str):
    """(number, heading text) when a paragraph is a top-level heading, else None."""
    return top_heading_of_clean(clean_text(text))


def top_heading_of_clean(text: str):
    """top_heading of ``clean_text(line)`` (no tab: clean_text made every whitespace run one space)."""
    m = _TOP_HEADING.match(text)
    if not m or len(text) > 40 or is_table_text(text):
        return None
    body = m["title"]
    if _SENTENCE_PUNCT.search(body.rstrip("。")):
        return None
    return chinese_to_number(m["num"]), text.rstrip("。")


def _table_mask(lines: list[str], cleaned: list[str]) -> tuple[list[bool], list[bool]]:
    """Which lines belong to a flattened table, and which are top-level headings (outside tables); ``cleaned``:
    clean_text of each line (is_table_line and top_heading of a line clean it first: done once here).

    Number rows are table lines; so is every run of lines without a full stop
    that sits between a table line and another table line or a heading (the
    column headers and wrapped row labels around the numbers)."""
    n = len(lines)
    table = ["\t" in ln or is_table_text(text) for ln, text in zip(lines, cleaned)]
    for i, is_tab in enumerate(table):
        # "…洪泽湖大道 90" + next line "号，邮编…": a wrapped sentence, not a row
        if is_tab and "\t" not in lines[i]:
            nxt = _next_nonblank(lines, i)
            if nxt[:1] and nxt[:1] in _CONTINUATION:
                tokens = cleaned[i].split(" ")
                if len(tokens) >= 2 and not _value_token().match(tokens[-2]):
                    table[i] = False
    heading = [not table[i] and top_heading_of_clean(cleaned[i]) is not None for i in range(n)]
    mask = list(table)
    i = 0
    while i < n:
        if table[i] or heading[i] or not lines[i].strip():
            i += 1
            continue
        j = i
        has_stop = False
        while j < n and not table[j] and not heading[j]:
            if _SENTENCE_PUNCT.search(lines[j]):
                has_stop = True
            j += 1
        before = _neighbour(table, heading, lines, i, -1)
        after = _neighbour(table, heading, lines, j - 1, 1)
        if not has_stop and "table" in (before, after) and before is not None and after is not None:
            for k in range(i, j):
                mask[k] = True
        i = j
    return mask, heading


def _next_nonblank(lines: list[str], i: int) -> str:
    """The first non-blank line after line ``i``, stripped ('' if none); no list copies."""
    for k in range(i + 1, len(lines)):
        if lines[k].strip():
            return lines[k].strip()
    return ""


def _neighbour(table, heading, lines, start, step):
    k = start + step
    while 0 <= k < len(lines) and not lines[k].strip():
        k += step
    if not 0 <= k < len(lines):
        return "edge" if step > 0 else None
    if table[k]:
        return "table"
    if heading[k]:
        return "heading"
    return "text"


class _Paragraph:
    """The paragraph being joined, kept as pieces: gluing a long run of lines by
    repeated string concatenation copies the text each time (quadratic)."""

    def __init__(self):
        self.pieces: list[str] = []
        self.length = 0

    def __bool__(self) -> bool:
        return self.length > 0

    def last(self) -> str:
        return self.pieces[-1][-1] if self.pieces else ""

    def add(self, text: str) -> None:
        self.pieces.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.pieces)

    def take(self) -> str:
        out = self.text()
        self.pieces, self.length = [], 0
        return out


def join_paragraphs(lines: list[str]) -> list[str]:
    """Glue hard-wrapped lines into paragraphs; drop flattened table lines.

    Breaks at blank lines only when the text so far ends a sentence (page breaks
    in PDF text insert blank lines mid-sentence), before numbered headings, and
    at an indented line after a finished sentence (pdftotext -layout marks
    paragraph starts by indentation). A top-level heading (一、…) is a
    paragraph of its own. CJK text is joined without a space; Latin/number
    fragments keep one.
    """
    lines = [ln for ln in lines if not _LINK_ARTIFACT.match(ln)]
    cleaned = [clean_text(ln) for ln in lines]
    mask, heading = _table_mask(lines, cleaned)
    paras: list[str] = []
    cur = _Paragraph()

    def flush():
        if cur:
            paras.append(cur.take())

    for raw, line, in_table, is_heading in zip(lines, cleaned, mask, heading):
        if in_table:
            flush()
            continue
        if not line:
            if cur.last() in _FULL_STOP:
                flush()
            continue
        # is_heading: top_heading(raw) (a line outside the mask is no table line), which is top_heading(line) as
        # top_heading cleans its text first and clean_text(clean_text(x)) == clean_text(x)
        if is_heading and (not cur or cur.last() in _SENTENCE_END or cur.length < 40):
            flush()
            paras.append(line)
            continue
        if _TITLE_END.search(line) and cur.length + len(line) < 60 and not _SENTENCE_PUNCT.search(cur.text() + line):
            cur.add(line)
            flush()
            continue
        indented = raw[:2] in ("  ", "\u3000\u3000") or raw.startswith("\u3000")
        if cur and cur.last() in _SENTENCE_END and (indented or _HEADING_START.match(line)):
            flush()
        last = cur.last()
        if last and last.isascii() and last.isalnum() and line[0].isascii() and line[0].isalnum():
            cur.add(" ")
        cur.add(line)
    flush()
    return paras
