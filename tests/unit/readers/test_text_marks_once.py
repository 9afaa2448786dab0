"""The text reader finds the page marks and form feeds of the whole text first and makes the lines between them
blocks of one page (issue 16): the Document of the line-by-line reading it replaced, kept here as the reference,
on every real text report and on random texts of marks, form feeds, line breaks of every kind and whitespace that
is no line break. The last test plants mistakes and checks that the comparison sees each."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from govreport.model import Block, Document
from govreport.readers import text as reader
from govreport.readers.encoding import read_text_file
from govreport.readers.text import document_from_text, is_page_mark

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted({*(REPO / "tests" / "data").rglob("*.txt"), *(REPO / "data" / "raw").glob("*.txt")})
_MARKS = ["-3-", "— 3 —", "－12－", "第 3 页 共 6 页", "第3页，共6页", "第 3 页", "3 / 6", "12/13", "Page 2", "page 2 of 9",
          "PAGE 7 OF 8", " \u3000第 9 页\u3000 ", "\f", "\f第2页", "1234/5"]
_PIECES = ["\n", "\r", "\r\n", "\f", " ", "\t", "\u3000", "\xa0", "\x0b", "\x1c", "\x85", "\u2028", "-", "—", "–", "－",
           "第", "页", "共", ",", "，", "/", "1", "12", "123", "1234", "Page", "page", "of", "OF", "ı", "a", "字", "。", "３", "\n\n"]


def reference_read(path: Path, text: str) -> Document:
    """document_from_text as it was before: each line tested for a page mark in turn."""
    blocks, page = [], 1
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if is_page_mark(raw):
            page += 1
            blocks.append(Block.line("", page=page))
            continue
        blocks.append(Block.line(raw.rstrip(), page=page))
    return Document(path=Path(path), format="txt", blocks=blocks, hard_wrapped=True)


def _key(doc: Document):
    return doc.path, doc.format, doc.hard_wrapped, doc.meta, [(b.kind, b.text, b.rows, b.page) for b in doc.blocks]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [read_text_file(p) for p in REPORTS]


def _cases(texts: list[str], n: int, seed: int) -> list[str]:
    """The reports, several of them joined by form feeds (thousands of lines), report lines with marks put in,
    and random texts of the pieces above."""
    rng = random.Random(seed)
    cases = list(texts) + ["\f".join(rng.choice(texts) for _ in range(rng.randint(2, 8))) for _ in range(5)]
    for _ in range(n):
        if rng.random() < 0.3:
            lines = rng.choice(texts).split("\n")[: rng.randint(1, 80)]
            for _ in range(rng.randint(0, 8)):
                lines.insert(rng.randint(0, len(lines)), rng.choice(_MARKS))
            cases.append(rng.choice(["\n", "\r\n", "\r"]).join(lines))
        else:
            cases.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 60))))
    return cases


def _differences(cases: list[str]) -> int:
    return sum(_key(document_from_text(Path("x.txt"), t)) != _key(reference_read(Path("x.txt"), t)) for t in cases)


def test_the_reports_are_read(texts):
    assert len(texts) >= 19 and sum("\f" in t for t in texts) >= 1


def test_marks_found_at_once_read_as_line_by_line(texts):
    for text in _cases(texts, 8000, seed=16):
        assert _key(document_from_text(Path("x.txt"), text)) == _key(reference_read(Path("x.txt"), text)), text[:200]


def test_pages_cut_into_short_chunks_read_the_same(texts, monkeypatch):
    """The budget is checked every _CHECK_EVERY lines, which cuts a page's lines into chunks: cut every 3 lines, the
    same blocks."""
    monkeypatch.setattr(reader, "_CHECK_EVERY", 3)
    assert _differences(_cases(texts, 1000, seed=18)) == 0


@pytest.mark.parametrize("mistake", ["marks_across_lines", "first_line", "no_form_feeds", "next_line"])
def test_the_comparison_sees_a_planted_mistake(texts, monkeypatch, mistake):
    """Each step made wrong on purpose: the comparison above finds texts it reads differently."""
    if mistake == "marks_across_lines":  # \s for the whitespace inside a mark: it spans line breaks
        monkeypatch.setattr(reader, "_PAGE_MARK_LINES", re.compile(
            r"\n\s*" + reader._MARK_FORMS.replace("{ws}", r"\s") + r"\s*(?=\n|\Z)", re.IGNORECASE))
    elif mistake == "first_line":  # the text's first line never a mark
        monkeypatch.setattr(reader, "_PAGE_MARK_LINES", re.compile(r"(?<=.)" + reader._PAGE_MARK_LINES.pattern,
                                                                   re.IGNORECASE | re.DOTALL))
    elif mistake == "no_form_feeds":  # the page not turned at a form feed
        monkeypatch.setattr(reader, "_FORM_FEED", re.compile("\f(?=x)"))
    elif mistake == "next_line":  # a mark or form feed put on the line after its own
        real = reader._line_numbers
        monkeypatch.setattr(reader, "_line_numbers", lambda text, positions: (n + 1 for n in real(text, positions)))
    assert _differences(_cases(texts, 2000, seed=17)) > 0
