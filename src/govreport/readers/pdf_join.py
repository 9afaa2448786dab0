"""A PDF's pages -> blocks: the last steps both PDF paths share.

The file must end whole (pdfminer repairs a cut file silently); a table that runs over a page break is joined
into one block (repeated header rows dropped, a row or a merged label cut by the break made whole again); every
value of a ruled grid is put under the header column its cell box overlaps (readers/placement.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from govreport.errors import ReportError
from govreport.model import Block
from govreport.readers.pdf_grid import Grid, PageItems, is_number
from govreport.readers.placement import place, span
from govreport.text.columns import starts_new_label
from govreport.text.normalize import join_cjk_lines


def check_end_marker(path: Path) -> None:
    """pdfminer repairs a cut file silently (pages, and tables, just go missing): insist on %%EOF."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise ReportError(path, "corrupt or truncated PDF (no %%EOF marker at the end: pages may be missing)")


def join_pages(pages: list[PageItems]) -> list[Block]:
    """The pages' items as blocks in reading order; a grid that opens a page continuing the last table of the page
    before (same columns, or its columns among them) is joined to it."""
    items: list = []  # Block | (Grid, page number)
    for page in pages:
        for index, (_top, item) in enumerate(page.items):
            if isinstance(item, Grid):
                prev = items[-1] if items else None
                if index == 0 and isinstance(prev, tuple) and prev[1] < page.number:
                    same = item if prev[0].n_cols == item.n_cols else _on_columns_of(prev[0], item)
                    if same is not None:
                        items[-1] = (_continue_grid(prev[0], same), prev[1])
                        continue
                items.append((item, page.number))
            else:
                items.append(item)
    blocks = []
    for item in items:
        if isinstance(item, tuple):
            rows = [tuple(r) for r in _placed(item[0]) if any(c is not None for c in r)]
            if rows:
                blocks.append(Block.table(rows, page=item[1]))
        else:
            blocks.append(item)
    return blocks


def _row_broken(last: list, add_cells: list, add_owner: list) -> bool:
    """Does the continuation start with the rest of the previous page's last row (its label only)?

    Word lets a row break across pages: the numbers stay above, the end of the label
    goes over. The first row below then has text but no number, its cells are not
    merged with the row after, and its label does not start a new one (（六）…, 3.…).
    """
    first = add_cells[0]
    texts = [c for c in first if c]
    if not texts or any(is_number(c) for c in first) or not any(is_number(c) for c in last):
        return False
    if len(add_owner) > 1 and any(a == b and a is not None and text
                                  for a, b, text in zip(add_owner[0], add_owner[1], first)):
        return False  # a merged cell with text running on: handled as a cut merged label below (an empty
        # merged cell beside it, the rest of a rowspan label printed on the page before, is no such cell)
    return not starts_new_label(texts[0])


def _on_columns_of(first: Grid, nxt: Grid, tol: float = 2.0) -> Optional[Grid]:
    """The continuation ``nxt`` re-gridded on ``first``'s columns, when its column edges are among them.

    A Word table whose header row splits columns its data rows do not (slivers) has fewer
    grid columns on a page without the header; by position, each of its cells covers the
    same columns of the table it continues. None when the edges do not line up.
    """
    if len(nxt.x_edges) != nxt.n_cols + 1 or len(first.x_edges) != first.n_cols + 1:
        return None
    index = []
    for x in nxt.x_edges:
        k = min(range(len(first.x_edges)), key=lambda n: abs(first.x_edges[n] - x))
        if abs(first.x_edges[k] - x) > tol or (index and k <= index[-1]):
            return None
        index.append(k)
    cells, owner = [], []
    for i, row in enumerate(nxt.cells):
        new_cells: list[Optional[str]] = [None] * first.n_cols
        new_owner: list = [None] * first.n_cols
        for j, text in enumerate(row):
            o = nxt.owner[i][j]
            for c in range(index[j], index[j + 1]):
                new_owner[c] = (o[0], index[o[1]]) if o else (i, index[j])
                if c == index[j] or not is_number(text):
                    new_cells[c] = text  # a value once, in the first column its cell covers
        for c in range(first.n_cols):  # columns left of the first edge or right of the last: empty
            if new_owner[c] is None:
                new_owner[c] = (i, c)
        cells.append(new_cells)
        owner.append(new_owner)
    return Grid(cells=cells, owner=owner, top=nxt.top, bbox=nxt.bbox, x_edges=list(first.x_edges))


def _placed(grid: Grid) -> list[list[Optional[str]]]:
    """The grid with every value under the header column its cell box overlaps (readers/placement.py)."""
    if len(grid.x_edges) != grid.n_cols + 1:
        return grid.cells
    rows = []
    for i, row in enumerate(grid.cells):
        owners, spans, j, n = grid.owner[i], [], 0, len(row)
        while j < n:
            k, text = j + 1, row[j]
            while k < n and owners[k] is not None and owners[k] == owners[j]:
                if text is None:
                    text = row[k]  # the span's first text
                k += 1
            spans.append(span(j, k, text))
            j = k
        rows.append(spans)
    return place(rows, grid.x_edges).rows



def _continue_grid(first: Grid, nxt: Grid) -> Grid:
    """Append ``nxt`` (the same table on the next page) to ``first``.

    Repeated header rows are dropped. A merged label cell cut by the page break
    (one part on each page, at least one part spanning several rows) is one
    cell: its two texts are joined and written over both parts, so
    '（四）无' + '法提供' reads '（四）无法提供' in every row it covers.
    """
    cells = [list(r) for r in first.cells]
    owner = [list(r) for r in first.owner]
    add_cells = [list(r) for r in nxt.cells]
    add_owner = [list(r) for r in nxt.owner]
    # Drop header rows the PDF repeats at the top of the continuation.
    k = 0
    while k < len(add_cells) and k < len(cells) and add_cells[k] == cells[k] and not any(is_number(c) for c in add_cells[k]):
        k += 1
    add_cells, add_owner = add_cells[k:], add_owner[k:]
    shift = len(cells) - k  # owner coordinates of the continuation, in the joined grid
    add_owner = [[(o[0] + shift, o[1]) if o else None for o in row] for row in add_owner]
    rectangular = all(len(r) == len(cells[0]) for r in owner + add_owner)  # unruled label-only rows are shorter
    if cells and add_cells and rectangular and _row_broken(cells[-1], add_cells, add_owner):
        # one row broken over the page: 2.申请人逾期未按收费 | 221 … / 通知要求缴纳费用、行政机关不再处理…
        cells[-1] = [join_cjk_lines([a, b]) if a and b and not is_number(a) else a for a, b in zip(cells[-1], add_cells[0])]
        # the merged labels the break cut run on from the broken row's part below, not from the row after it
        head_cells, head_owner = [None] * len(add_cells[0]), add_owner[0]
        add_cells, add_owner = add_cells[1:], add_owner[1:]
    else:
        head_cells, head_owner = (add_cells[0], add_owner[0]) if add_cells else ([], [])
    if cells and head_owner and rectangular:
        last = len(cells) - 1
        for j in range(len(cells[last])):
            top_owner, bottom_owner = owner[last][j], head_owner[j]
            upper_text, lower_text = cells[last][j], head_cells[j]
            if is_number(upper_text) or is_number(lower_text):
                continue
            upper_rows = sum(1 for row in owner if row[j] == top_owner)
            lower_rows = sum(1 for row in add_owner if row[j] == bottom_owner)
            if upper_rows < 2 and lower_rows < 2:
                continue  # two ordinary rows meeting at the break
            if upper_text is None and lower_text is None:
                continue
            merged = (upper_text or "") + (lower_text or "")
            for grid_cells, grid_owner, target in ((cells, owner, top_owner), (add_cells, add_owner, bottom_owner)):
                for r in range(len(grid_cells)):
                    for c in range(len(grid_cells[r])):
                        if grid_owner[r][c] == target:
                            grid_cells[r][c] = merged
            for r in range(len(add_owner)):
                for c in range(len(add_owner[r])):
                    if add_owner[r][c] == bottom_owner:
                        add_owner[r][c] = top_owner
    return Grid(cells=cells + add_cells, owner=owner + add_owner, top=first.top, bbox=first.bbox,
                 x_edges=first.x_edges)
