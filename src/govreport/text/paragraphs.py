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
_TOP_NUMERALS = frozenset("一二三四五六七八九十")  # what a cleaned line (no leading space) it matches opens with
_SENTENCE_END = frozenset("。！？；：!?;:")
_FULL_STOP = frozenset("。！？!?")
_SENTENCE_PUNCT = re.compile(r"[。！？!?]")
_CLAUSE_PUNCT = re.compile(r"[，,。；;！？!?]")
# Link annotations some PDF extractors spill into the text (mailto:…, http://…)
_LINK_ARTIFACT = re.compile(r"^\s*mailto:\S*\s*$", re.IGNORECASE)
# "mailto:" as _LINK_ARTIFACT reads it (any case): in every line it takes; searched from each ":" (a fast scan)
_LINK_WORD = re.compile(r":(?<=(?i:mailto):)")
_INDENTS = ("  ", "\u3000\u3000")  # (and one ideographic space) an indented line: pdftotext's paragraph start
# The report title's last line (a cleaned line ends so): a paragraph of its own, never glued to the text
_TITLE_ENDS = ("年度报告", "工作报告")
# Characters that continue a number wrapped onto the next line (units, date parts)
_CONTINUATION = frozenset("号件条篇项次份期人个元万年月日%％余多场家名")


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


# ----------------------------------------------------------------------------- joining
_TABLE, _HEADING = 1, 2  # a line's role (text has none)


def _roles(lines: list[str], cleaned: list[str], tabbed: bool) -> dict[int, int]:
    """Line number -> _TABLE or _HEADING, for the lines that are one (the rest are text); ``cleaned``: clean_text
    of each line; ``tabbed``: whether any line holds a tab.

    A table line is a tabbed line or one is_table_text reads as a row, unless the next non-blank line carries on
    a number it ends with (_carried_on). A heading is a top-level heading that is no table line. Only the lines
    that can be one are read: a cleaned line has no leading or trailing whitespace, so a row's last character is
    a digit or a value token's end (is_table_text's own first test) and a heading's first is a numeral; a cleaned
    line without a space is one token, which is a row exactly when it is a value token (reads_as_values: no
    label, and no whitespace for glued values)."""
    roles = {i: _TABLE for i, line in enumerate(lines) if "\t" in line} if tabbed else {}
    ends, is_value = _value_ends(), _value_token().match
    for i, text in enumerate(cleaned):
        last = text[-1:]
        if (last.isdecimal() or last in ends) and (
                is_value(text) if " " not in text else reads_as_values(text) and not _carried_on(lines, i, text)):
            roles[i] = _TABLE
        elif text[:1] in _TOP_NUMERALS and i not in roles and top_heading_of_clean(text) is not None:
            roles[i] = _HEADING  # (a row _carried_on is no heading either: top_heading takes no row)
    return roles


def _carried_on(lines: list[str], i: int, text: str) -> bool:
    """Whether row ``i`` is a wrapped sentence ("…洪泽湖大道 90" + next line "号，邮编…"): its next non-blank line
    opens with a unit or date word and its last token but one is no value. ``text``: the line cleaned, with a space
    (a lone token has no token before it: never carried on)."""
    if _value_token().match(text.split(" ")[-2]):
        return False
    k = _non_blank(lines, i + 1, 1)
    return k < len(lines) and lines[k].lstrip()[0] in _CONTINUATION


def _non_blank(lines: list[str], k: int, step: int) -> int:
    """The first line from ``k`` on (going by ``step``) that is not blank; -1 or len(lines) when none is."""
    while 0 <= k < len(lines) and not lines[k].strip():
        k += step
    return k


def _masked_runs(lines: list[str], roles: dict[int, int]) -> list[tuple[int, int]]:
    """The runs of text lines that belong to a table: (first, end) of each run of lines without a full stop that
    sits between a table line and another table line or a heading (the column headers and wrapped row labels
    around the numbers). A run starts at a non-blank text line and goes on to the next table line or heading."""
    stops = sorted(roles)
    runs = []
    for start, stop in [(a + 1, b) for a, b in zip([-1] + stops, stops + [len(lines)]) if b - a > 1]:
        i = _non_blank(lines, start, 1)
        if i >= stop or _SENTENCE_PUNCT.search("\n".join(lines[i:stop])):
            continue
        before = _non_blank(lines, i - 1, -1)  # -1: no line before
        if before >= 0 and (roles.get(before) == _TABLE or roles.get(_non_blank(lines, stop, 1)) == _TABLE):
            runs.append((i, stop))
    return runs


_KEPT = re.compile(rb"\x00+")  # a run of lines outside the mask


def join_paragraphs(lines: list[str]) -> list[str]:
    """Glue hard-wrapped lines into paragraphs; drop flattened table lines.

    Breaks at blank lines only when the text so far ends a sentence (page breaks
    in PDF text insert blank lines mid-sentence), before numbered headings, and
    at an indented line after a finished sentence (pdftotext -layout marks
    paragraph starts by indentation). A top-level heading (一、…) is a
    paragraph of its own. CJK text is joined without a space; Latin/number
    fragments keep one.

    Each line is classified once (_roles: table line, heading or text, from its cleaned form) and the table's
    runs of text lines are decided per run (_masked_runs); the pass that joins goes over the runs of lines left.
    """
    joined = "\n".join(lines)
    if _LINK_WORD.search(joined):  # else no line is a link artifact
        lines = [ln for ln in lines if not _LINK_ARTIFACT.match(ln)]
    cleaned = [clean_text(ln) for ln in lines]
    roles = _roles(lines, cleaned, "\t" in joined)
    mask = bytearray(len(lines))  # 1: a table line or a run that belongs to a table
    for i, role in roles.items():
        if role == _TABLE:
            mask[i] = 1
    for first, end in _masked_runs(lines, roles):
        mask[first:end] = b"\x01" * (end - first)
    paras: list[str] = []
    pieces: list[str] = []  # the paragraph being joined (one join at its end: concatenation is quadratic)
    last = ""  # its last character
    for kept in _KEPT.finditer(mask):
        if pieces:  # the lines before were left out: they end the paragraph
            paras.append("".join(pieces))
            pieces, last = [], ""
        first = kept.start()
        for i, (raw, line) in enumerate(zip(lines[first:kept.end()], cleaned[first:kept.end()]), first):
            if not line:
                if last in _FULL_STOP:
                    paras.append("".join(pieces))
                    pieces, last = [], ""
                continue
            if i in roles and (not pieces or last in _SENTENCE_END or sum(map(len, pieces)) < 40):  # a heading
                if pieces:
                    paras.append("".join(pieces))
                    pieces, last = [], ""
                paras.append(line)
                continue
            if line.endswith(_TITLE_ENDS) and sum(map(len, pieces)) + len(line) < 60 \
                    and not _SENTENCE_PUNCT.search("".join(pieces) + line):
                paras.append("".join(pieces) + line)
                pieces, last = [], ""
                continue
            if last in _SENTENCE_END and (raw[:2] in _INDENTS or raw.startswith("\u3000")
                                          or _HEADING_START.match(line)):
                paras.append("".join(pieces))  # last is set: pieces is not empty
                pieces, last = [], ""
            if last.isascii() and last.isalnum() and line[0].isascii() and line[0].isalnum():
                pieces.append(" ")
            pieces.append(line)
            last = line[-1]
    if pieces:
        paras.append("".join(pieces))
    return paras
