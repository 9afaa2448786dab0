"""Issue 16's cheaper document rows give the rows of the code they replace, field by field, on the repository's real
documents (text, Markdown, HTML, recorded OCR scans) and on random documents made of their lines and of the pieces
the merges and joins read (notes, separators, qualifier words, numberings, vertical headers, list numbers).

- rows.document_rows reads each distinct text line once per document (a report prints 0, 条 and its headings
  many times), each row with its own cells list;
- rows._line_parts cleans a multi-token line's tokens once and runs _merge_cell_parts only when one search says a
  neighbour pair can join (_may_join_parts);
- rows._joined_text_lines looks for joins from the short lines only.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from govreport.extract import rows
from govreport.extract.rows import Row, document_rows
from govreport.model import Block, Document, OcrCell
from govreport.readers import read_document
from govreport.text.normalize import cell_openers, clean_text, value_run_start
from govreport.text.units import label_units
from ocr_rows import recorded

REPO = Path(__file__).resolve().parents[3]
REPORTS = sorted({p for pattern in ("tests/data/real/*.txt", "tests/data/real/*.html", "tests/data/*.html",
                                    "tests/data/*.md", "tests/data/fixtures/text/*.txt", "data/raw/*.txt",
                                    "data/raw/*.md")
                  for p in REPO.glob(pattern)})
SCANS = sorted(p.stem for p in (REPO / "tests" / "data" / "ocr_rows").glob("*.json"))


# ------------------------------------------------------------------ the code before issue 16's change, as reference
def _split_text_line_reference(line, read=None):
    tokens = line.split()
    if len(tokens) == 1 and "\u4e00" <= line[0] <= "\u9fff" and line[0] not in cell_openers():
        label = clean_text(tokens[0])
        return Row(label, [], None) if label not in label_units() else Row("", [], label)
    if len(tokens) > 1:
        tokens = rows._merge_cell_parts(rows._merge_prefix_words(tokens))
        start = value_run_start(tokens, rows._is_value)
        if start == 0 and rows._NUMBERING_TOKEN.match(tokens[0]):
            start = 1
        while start < len(tokens) and not rows._is_value(tokens[start]):
            start += 1
    elif tokens and rows._is_value(tokens[0]):
        start = 1 if rows._NUMBERING_TOKEN.match(tokens[0]) else 0
    elif tokens:
        label = clean_text(tokens[0])
        return Row(label, [], None) if label not in label_units() else Row("", [], label)
    else:
        start = len(tokens)
    values, tokens = tokens[start:], [clean_text(t) for t in tokens[:start]]
    if read is not None:
        values = [OcrCell(v, read.confidence, read.page, read.bbox) for v in values]
    unit = None
    if tokens and tokens[-1] in label_units():
        unit = tokens.pop()
    return Row(label=" ".join(tokens), cells=values, unit=unit)


def _joined_text_lines_reference(doc):
    lines = [(n, text) for n, b in enumerate(doc.blocks) if b.kind == "text" and (text := b.text.strip())]
    out = []
    i = 0
    while i < len(lines):
        n, text = lines[i]
        if len(text) > 2:
            out.append((n, text, [n]))
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and len(lines[j][1]) == 1 and rows._one_ideograph(lines[j][1]) \
                and rows._one_ideograph(lines[j + 1][1]) and lines[j + 1][0] == lines[j][0] + 1:
            j += 1
        if j > i:
            out.append((n, "".join(t for _, t in lines[i:j + 1]), [m for m, _ in lines[i:j + 1]]))
            i = j + 1
            continue
        if len(text) <= 2 and rows._LIST_NUMBER.match(text) and i + 1 < len(lines) \
                and rows._LIST_MARK.match(lines[i + 1][1]):
            out.append((n, text + lines[i + 1][1], [n, lines[i + 1][0]]))
            i += 2
            continue
        out.append((n, text, [n]))
        i += 1
    return out


def _document_rows_reference(doc):
    out = []
    lines = _joined_text_lines_reference(doc)
    ocr = any(isinstance(b.text, OcrCell) for b in doc.blocks if b.kind == "text")
    k = 0
    for n, block in enumerate(doc.blocks):
        if block.kind == "text":
            continue
        while k < len(lines) and lines[k][0] < n:
            out.append(_split_text_line_reference(lines[k][1], rows._least_sure(doc, lines[k][2]) if ocr else None))
            k += 1
        for cells in block.rows:
            row = rows._split_grid_row(cells)
            if row is not None:
                out.append(row)
        out.append(Row(label="", cells=[], grid=True))
    out += [_split_text_line_reference(text, rows._least_sure(doc, numbers) if ocr else None)
            for _n, text, numbers in lines[k:]]
    return out


# ------------------------------------------------------------------------------------------------ the documents
_PIECES = ["（含转办3）", "含转办3", ",345", "12,", "12 ,345", "增", "约", "(2)", "（3）", "1", "、同意公开答复数", "指", "标",
           "名", "称", "21①", "②", "件", "条", "元", "万", "无", "—", "-", "/", "0万万元", "三", "一", "十", "\u200b", "12.",
           ".5", "1,234", "5,50", "（", "）", "(", ")", "【注】", "其中:", "2488元)", "了", "１２", "，", "、", "．", "12",
           "7", "无变化", "持平", "0", "2.", ",5", "3.属于", "⺠"]


def _cell(x):
    """A cell as compared: its text, and for an OCR read its confidence, page and box."""
    return (type(x).__name__, str(x), x.confidence, x.page, x.bbox) if isinstance(x, OcrCell) else (type(x).__name__, x)


def _fields(row: Row) -> tuple:
    return (row.label, [_cell(c) for c in row.cells], row.unit, row.grid, tuple(_cell(c) for c in row.raw))


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    """The real documents, the recorded scans, and 200 random documents (a fifth of them read by OCR) made of the
    real lines' tokens and the pieces above, with tables, vertical headers and list numbers among the lines."""
    docs = [read_document(p) for p in REPORTS] + [recorded(name) for name in SCANS]
    tokens = sorted({t for d in docs for b in d.blocks if b.kind == "text" for t in b.text.split()})
    rng = random.Random(16)

    def line() -> str:
        parts = [rng.choice(_PIECES) if rng.random() < 0.5 else rng.choice(tokens)
                 for _ in range(rng.choice([1, 1, 1, 2, 3, 5, 8]))]
        return rng.choice([" ", "  ", "\t", "\u3000"]).join(parts)

    for k in range(200):
        ocr, blocks = k % 5 == 0, []
        for _ in range(rng.randint(5, 80)):
            r = rng.random()
            if r < 0.08:
                blocks.append(Block.table([tuple(rng.choice([None, "", " ", rng.choice(_PIECES), rng.choice(tokens)])
                                                 for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 4))]))
            elif r < 0.2:
                blocks.append(Block.line(rng.choice(["指", "标", "名", "称", "1", "12", "、同意", ".属于", "．二", "0", "", " "])))
            else:
                text = line()
                blocks.append(Block.line(OcrCell(text, rng.random(), 1, (0, 0, 1, 1)) if ocr and rng.random() < 0.7
                                         else text))
        docs.append(Document(path=Path(f"random{k}.txt"), format="image" if ocr else "txt", blocks=blocks))
    return docs


def test_document_rows_are_the_line_by_line_rows(documents):
    """Every field of every row, OCR confidences included; every row has a cells list of its own (a line printed
    twice gives two rows that share nothing)."""
    assert len(documents) > 230 and sum(any(isinstance(b.text, OcrCell) for b in d.blocks) for d in documents) > 40
    for doc in documents:
        got, want = document_rows(doc), _document_rows_reference(doc)
        assert [_fields(r) for r in got] == [_fields(r) for r in want], doc.path
        assert len({id(r.cells) for r in got}) == len(got)


def test_joins_are_found_from_the_short_lines(documents):
    """_joined_text_lines: the lines, joined, and the blocks of each join, as the line-by-line scan gave them."""
    joins = 0
    for doc in documents:
        lines, joined = rows._joined_text_lines(doc)
        want = _joined_text_lines_reference(doc)
        assert [(n, text, joined.get(n, [n])) for n, text in lines] == want, doc.path
        joins += len(joined)
    assert joins > 80


def test_merge_is_skipped_only_where_no_pair_can_join(documents):
    """_may_join_parts False -> _merge_cell_parts keeps the tokens as they are (no token after the first opens
    with a note or a separator, none before the last ends with one)."""
    tokens = sorted({t for d in documents for b in d.blocks if b.kind == "text" for t in b.text.split()})
    rng, skipped, joined = random.Random(16), 0, 0
    for _ in range(20000):
        line = [rng.choice(_PIECES) if rng.random() < 0.4 else rng.choice(tokens) for _ in range(rng.randint(2, 6))]
        line = rows._merge_prefix_words(line)
        if rows._may_join_parts([clean_text(t) for t in line]):
            joined += rows._merge_cell_parts(line) != line
        else:
            skipped += 1
            assert rows._merge_cell_parts(line) == line, line
            assert not any(rows._is_cell_part(a, b) for a, b in zip(line, line[1:])), line
    assert skipped > 5000 and joined > 500


def test_part_boundary_search_is_built_from_the_catalog():
    """The search holds every note opener of the grammar (brackets, clause words), each after a space."""
    pattern = rows._part_boundary()
    for opener in rows._part_openers():
        assert pattern.search(f"550 {opener}3"), opener
    assert pattern.search("12 ,345") and pattern.search("12, 345") and not pattern.search("12 345")
