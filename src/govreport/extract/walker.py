"""Rows + label catalog -> values and unmapped numbers.

A small state machine walks the rows in reading order: section headings and column headers (both from
catalog data) decide which labels and which column layout apply; each data row's label is matched to
catalog patterns (then, failing those, to the scored fallback of fuzzy.py); each value cell lands on a
metric or in ``unmapped`` with a reason code from catalog/reasons.csv.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from govreport import catalog
from govreport.catalog import APPLICANTS, LabelEntry, Layout
from govreport.text.normalize import COMMAS_THOUSANDS, ParsedCell, clean_text, judge_commas, label_key, parse_cell
from govreport.text.units import unit_factor
from govreport.extract import columns, fuzzy, label_reading, row_guards, template_order
from govreport.extract.label_reading import STARTS_NEW_LABEL
from govreport.extract.patterns import (any_header, any_section, best_in_plan, default_layout, family_entries,
                                       family_pool, header_layouts, sections)
from govreport.extract.row_guards import match_key
from govreport.extract.rows import _YEAR_CELL, Row, _span_groups, collapse_spans

_PROSE = re.compile(r"[。；;]|[，,]$")


@dataclass
class Extraction:
    values: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    placeholders: list[dict] = field(default_factory=list)
    sections_found: set = field(default_factory=set)
    findings: list[dict] = field(default_factory=list)  # the extract stage's parse-quality notes (plausible.py)


class _Walker:
    """Walks rows, tracking section, column layout and unclaimed label fragments."""

    def __init__(self, template: str, report_id: str, by_position: bool = False):
        self.template = template
        self.by_position = by_position  # a label unread in a PDF or scan may be placed by the template's row order
        self.family = catalog.template_family(template)  # the family's walking rules (templates.csv)
        self.report_id = report_id
        self.section: Optional[str] = None  # gb: art20/requests/appeals; legacy: 'legacy'
        self.group: Optional[str] = None  # legacy sub-section
        self.layout: Optional[Layout] = None
        self.col_groups: list[list[int]] = []
        self.buffer: list[str] = []
        self._joined: tuple = (None, 0, "")  # (the buffer list, how many of its fragments, their keys joined)
        self.header_key = ""  # the header text read since the layout was last set
        self.taken: dict[tuple[str, str], str] = {}
        self.commas = COMMAS_THOUSANDS  # how this report writes commas (normalize.judge_commas), set by walk
        self.row_no = 0  # reading-order number of the data row being placed (validate locates rows by it)
        self.sequence: list[tuple] = []  # (section, metric, None) or (section, None, (first, end) unmapped rows)
        self.pending: dict[int, tuple] = {}  # sequence index of an unread row -> what placing it by position needs
        self.out = Extraction()
        self.entries = family_entries(self.family)  # the family's label entries (made once per process)
        self._opens = any_section(self.family, ("start", "end"))  # one pattern for a section's start or end
        self._groups = any_section(self.family, ("group",))  # and for a legacy sub-section's heading

    # -- section and layout state
    def _set_section(self, section: Optional[str]):
        self.section = section
        self.group = None
        self.buffer = []
        self.layout = default_layout(section)
        if section:
            self.out.sections_found.add(section)

    def _heading(self, key: str, has_values: bool) -> bool:
        """Switch section on a heading row; True when the row was only a heading."""
        for s, rx in sections(self.family) if self._may_match(self._opens, key) else ():
            if s.role in ("start", "end") and rx.search(key):
                if s.role == "end":
                    if self.section is not None and self.family == "gb":
                        self._set_section(None)
                        return True
                    continue
                if self.family == "legacy" and self.section == "legacy":
                    continue  # the header row of a table already opened
                if has_values and self.family == "gb":
                    continue
                self._set_section(s.section)
                return not has_values
        if self.section == "legacy" and self._may_match(self._groups, key):
            for s, rx in sections(self.family):
                if s.role == "group" and rx.search(key):
                    self.group = s.section
                    self.buffer = []
                    return False
        return False

    @staticmethod
    def _may_match(rx: Optional[re.Pattern], key: str) -> bool:
        """False only when the joined section pattern ``rx`` (patterns.any_section: None when the patterns cannot be
        joined) does not match ``key``: then none of them does (one search for them all)."""
        return rx is None or rx.search(key) is not None

    def _is_group_heading(self, key: str) -> bool:
        return self.section == "legacy" and self._may_match(self._groups, key) and any(
            s.role == "group" and rx.search(key) for s, rx in sections(self.family))

    def _header(self, key: str) -> bool:
        """Set the layout a header row names; the widest matching layout wins (a header split over lines
        may first match a narrower one: 上一年项目数量 / 本年增/减 / 处理决定数量)."""
        joined = any_header(self.section)
        if joined is not None and joined.search(key) is None:
            return False  # no header pattern of the section matches (one search for them all)
        hits = [lay for lay, rx in header_layouts(self.section) if rx.search(key)]
        if not hits:
            return False
        self.layout = max(hits, key=lambda lay: len(lay.columns))
        self.header_key = key
        return True

    def _header_continues(self, key: str) -> bool:
        """A header line right after a header: widen the layout when the joined header names a wider one."""
        if not self.header_key or self.layout is None:
            return False
        width = len(self.layout.columns)
        before = self.layout
        if self._header(self.header_key + key) and len(self.layout.columns) > width:
            self.buffer = []  # the header words read in between belong to the header
            return True
        self.layout = before
        if key in catalog.header_words():  # 本年增 / / / 减 printed one run per line: still the header
            self.header_key += key
            return True
        return False

    # -- rows
    def walk(self, rows: list[Row]):
        """Place every row, in reading order; returns the Extraction."""
        self._prepare(rows)
        i = 0
        while i < len(rows):
            i = self._step(rows, i)
        placed = template_order.place_by_order(self) if self.by_position else set()  # unread rows, certain place
        template_order.hint_positions(self)
        self.out.unmapped = [u for k, u in enumerate(self.out.unmapped) if k not in placed]
        return self.out

    def _prepare(self, rows: list[Row]):
        self.commas = judge_commas(c for row in rows for c in row.cells if isinstance(c, str))
        if self.family == "gb":
            # gb tables have no unit column: a trailing 项/个 is a label's last character
            # cut off by a stray space (8.属于行政查询事 项), not a unit
            for row in rows:
                if row.unit and not row.grid:
                    row.label, row.unit = f"{row.label} {row.unit}".strip(), None

    def _step(self, rows: list[Row], i: int) -> int:
        """Read ``rows[i]`` (a boundary, heading, header, label fragment or data row); returns the next index."""
        row = rows[i]
        i += 1
        if self.section is None and not row.grid:  # a text line outside any section: only a heading does anything
            key = label_key(row.label)
            if not key or (self._opens is not None and self._opens.search(key) is None):
                return i  # no start/end heading matches it (_heading's one search): nothing to read
        if row.grid and not row.label and not row.cells:
            self.buffer = []  # table boundary: fragments never cross tables
            self.col_groups = []
            return i
        if row.grid and row.cells and self.col_groups and (row := collapse_spans(row, self.col_groups)) is None:
            return i  # its merged cells are all blank (a zero-width space is no cell): a blank row
        key = label_key(row.label)
        has_values = self._has_values(row)
        if key and self._heading(key, has_values) and not has_values:
            if self._header(key) and row.grid:  # a table whose header row opens its section
                self.col_groups = _span_groups(row.raw)
            return i
        if self.section is None:
            return i
        if not has_values:
            self._label_row(row, key)
            return i
        if (not row.grid and not row.label and len(row.cells) == 1 and _YEAR_CELL.match(row.cells[0])
                and i < len(rows) and label_key(rows[i].label) in ("年", "年度")):
            self.buffer.append(row.cells[0] + "年")  # a year column header split over two lines: 2018 / 年
            if self._header(label_key(" ".join(self.buffer))):
                self.buffer = []
            return i + 1
        if not row.grid and _PROSE.search(row.label) and len(row.label) > 30:
            return i  # a prose sentence that happens to end in a number
        self.header_key = ""
        cells, i = self._gather_cells(row, rows, i)
        consumed = self._data_row(row, cells, self._tail(row, rows, i))
        while consumed and i < len(rows):  # skip the label fragments the row used
            if rows[i].label:
                consumed -= 1
            i += 1
        return i

    def _has_values(self, row: Row) -> bool:
        """An all-blank grid row is data only when its label is a catalog row (规章 | | |);
        otherwise it is a header whose merged cells came back empty."""
        if row.grid and row.cells and all(c is None or c == "" for c in row.cells):
            if self.section is None:
                return False
            _entries, anywhere, _stars, plan_, _rows = self._pool()
            return best_in_plan(plan_, match_key(row.label), None, anywhere) is not None
        return bool(row.cells)

    def _label_row(self, row: Row, key: str):
        """A row without values inside a section: a blank legacy row, a header (or its continuation), or a
        label fragment kept for the data row below it."""
        if self.section == "legacy" and row.unit is not None and key:
            self._data_row(row, [])  # a legacy row whose value cell is blank
        elif key and self._header_continues(key):
            pass
        elif key and (self._header(key) or self._header(self._buffer_key() + key)):
            self.buffer = []
            self.col_groups = _span_groups(row.raw) if row.grid else []
        elif key and not self._is_group_heading(key):
            self.buffer.append(row.label)

    def _buffer_key(self) -> str:
        """The fragments' own keys joined: label_key of them joined by spaces (test_normalize_speed_identical), kept
        as fragments are appended to the buffer (a new buffer list starts it again), not re-keyed on every row."""
        buf, n, key = self._joined
        if buf is not self.buffer or n > len(buf):
            buf, n, key = self.buffer, 0, ""
        if n < len(buf):
            key += "".join([label_key(f) for f in buf[n:]])
        self._joined = (buf, len(buf), key)
        return key

    def _gather_cells(self, row: Row, rows: list[Row], i: int) -> tuple[list, int]:
        """The row's cells, plus (text rows) the value-only lines after it that fill the layout's width."""
        cells = list(row.cells)
        width = len(self.layout.columns) if self.layout else 0
        if row.grid:
            return cells, i
        while 0 < len(cells) < width and i < len(rows):
            nxt = rows[i]
            if nxt.grid:
                break
            if not nxt.label and nxt.cells and len(cells) + len(nxt.cells) <= width:
                cells.extend(nxt.cells)
                i += 1
            elif not nxt.label and not nxt.cells:
                i += 1
            else:
                break
        return cells, i

    @staticmethod
    def _tail(row: Row, rows: list[Row], i: int) -> list[str]:
        """Up to three label-only text lines after a text row that may be its wrapped label."""
        tail: list[str] = []
        if row.grid:
            return tail
        j = i
        while j < len(rows) and not rows[j].grid and not rows[j].cells and rows[j].unit is None and len(tail) < 3:
            if rows[j].label and not STARTS_NEW_LABEL.match(label_key(rows[j].label)):
                tail.append(rows[j].label)
            elif rows[j].label:
                break
            j += 1
        return tail

    def _pool(self) -> tuple[tuple[LabelEntry, ...], Optional[re.Pattern], tuple[LabelEntry, ...], tuple, dict]:
        """The entries a row may match here, one pattern matching wherever one of theirs does (patterns.pool), those
        of pattern ``*``, patterns.plan and rows_of, made once per process (patterns.family_pool)."""
        return family_pool(self.family, self._pool_key())

    def _pool_key(self) -> tuple:
        """What the pool depends on: legacy the sub-section, gb the section and the layout's columns."""
        return ("legacy", self.group) if self.family == "legacy" else \
            (self.section, self.layout.columns if self.layout else ())

    def _data_row(self, row: Row, cells: list, tail: Sequence[str] = ()) -> int:
        """Place one data row; returns how many following label fragments it used. What the row's texts match
        with no metric taken is read once per distinct text (label_reading); what is taken is this report's."""
        self.row_no += 1
        pool_key = self._pool_key()
        candidates, _anywhere, stars, _plan, rows = family_pool(self.family, pool_key)
        stars = [e for e in stars if (e.metric, "*") not in self.taken]  # the free entries that take any label
        context_label, tried = label_reading.attempts(row.label, tuple(self.buffer), tuple(tail))
        best, label_used, consumed = label_reading.first_match(self.family, pool_key, tried, self.taken)
        merged = row_guards.merged_rows(label_used if best is not None else row.label)
        if merged is not None:  # two rows read as one: neither metric may have the cells
            self._merged(cells, clean_text(label_used or row.label) or clean_text(context_label), merged)
            return consumed
        words = [row.label, context_label]  # what the fallbacks below read
        if best is not None and row_guards.heading_match(best, label_used):  # only the headings' words matched
            words = [row_guards.own_label(label_used)] * 2
            best, label_used, consumed = None, None, 0
        if label_used is None:
            label_used = row.label
        if best is None and any(label_reading.best_of_all(self.family, pool_key, w) for w in words):
            self.buffer = []
            for n, c in enumerate(cells):
                self._unmapped(clean_text(context_label), str(n + 1), c, "duplicate_row")
            return 0
        score, detail = None, ""
        if best is None and not stars:
            free = [e for e in candidates if (e.metric, "*") not in self.taken]  # first_match passed over the others
            best, score, detail = self._fuzzy(row_guards.own_label(words[0]) or words[0] or words[1], free)
        group = stars if best is None else rows[(best.pattern, best.template)]  # its catalog row's entries (rows_of)
        self.buffer = []
        source_label = clean_text(label_used) or clean_text(context_label)
        self._place(row, cells, group, source_label, score, detail)
        return consumed

    def _merged(self, cells: list, label: str, why: str):
        """Every cell of a row holding two rows' labels to unmapped (merged_rows), with what was read."""
        self.buffer = []
        width = len(self.layout.columns) if self.layout else 0
        for n, c in enumerate(cells):
            self._unmapped(label, self.layout.columns[n] if len(cells) == width else f"?{n + 1}", c, "merged_rows", why)
        self.sequence.append((self.section, row_guards.MERGED, None))

    def _fuzzy(self, label: str, free: list[LabelEntry]) -> tuple[Optional[LabelEntry], Optional[float], str]:
        """The scored fallback for a label no pattern matches: (entry, score, '') or (None, None, why not)."""
        accepted, top = fuzzy.choose(match_key(label), free, self._next_metric())
        if accepted is not None:
            return accepted.entry, round(accepted.score, 3), ""
        if top is not None:
            return None, None, f"best candidate {top.entry.metric} ({catalog.metrics()[top.entry.metric].name_zh}), similarity {top.score:.2f}"
        return None, None, ""

    def _place(self, row: Row, cells: list, group: list[LabelEntry], source_label: str, score: Optional[float],
               detail: str):
        """Each cell of a labelled row onto the layout's columns: a value, or unmapped with the reason."""
        layout = self.layout
        if layout is None:
            for n, c in enumerate(cells):
                self._unmapped(source_label, str(n + 1), c, "no_layout")
            return
        width = len(layout.columns)
        if not group:
            start = len(self.out.unmapped)
            for n, c in enumerate(cells):
                col = layout.columns[n] if n < width else str(n + 1)
                self._unmapped(source_label, col, c, "label_unknown", detail)
            self.pending[len(self.sequence)] = (self.row_no, self.section, layout, row, list(cells), source_label)
            self.sequence.append((self.section, None, (start, len(self.out.unmapped))))
            return
        if self.family == "legacy" and not cells:
            cells, width = [None], 1
        # Readers give grids whose cells stand under their header columns (readers/placement.py), so a grid
        # row is read from the right by position; cells left of the value columns are reported, never moved.
        if len(cells) < width and not (row.grid and self._short_grid_is_aligned(cells, width)):
            for n, c in enumerate(cells):
                self._unmapped(source_label, f"?{n + 1}", c, "positions_unknown", f"row has {len(cells)} of {width} value cells")
            return
        cells = [None] * (width - len(cells)) + cells if row.grid and len(cells) < width else cells
        if row.grid and self.family == "legacy" and not layout.header_pattern and columns.numbers_beyond(cells, width, self.commas):
            why = f"{len(cells)} cells for {width} column(s) and no header naming them"  # extract/columns.py
            for n, c in ((n, c) for n, c in enumerate(cells) if c is not None):
                self._unmapped(source_label, f"?{n + 1}", c, columns.UNNAMED, why)
            return
        skip = 0 if row.grid else row_guards.label_words(cells, width)  # '申请人 无' wrapped before its numbers
        source_label = row_guards.with_words(source_label, row.label, cells[:skip])
        extra = cells[: len(cells) - width] if row.grid else cells[skip + width:]
        placed = cells[len(cells) - width:] if row.grid else cells[skip:skip + width]
        for c in extra:
            if c is not None:
                self._unmapped(source_label, "extra", c, "extra_cells" if not row.grid else "positions_unknown",
                               "" if not row.grid else "a cell left of the value columns (its column cannot be told)")
        for col, raw in zip(layout.columns, placed):
            entry, applicant = self._entry_for(group, col)
            if entry is None:
                if raw is not None:
                    self._unmapped(source_label, col, raw, columns.column_reason(col))
                continue
            label = source_label if entry.pattern != "*" else catalog.metrics()[entry.metric].name_zh
            self._value(entry, applicant, label, raw, row.unit, score)
        for e in group:
            self.taken[(e.metric, "*")] = source_label
        self.sequence.append((self.section, group[0].metric, None))

    @staticmethod
    def _short_grid_is_aligned(cells: list, width: int) -> bool:
        """A grid row narrower than the layout is safe to right-align only when its table is narrower too:
        every cell of it is blank (nothing to misplace)."""
        return all(c is None or c == "" for c in cells)

    def _entry_for(self, group: list[LabelEntry], col: str):
        for e in group:
            if e.column == "*" and col in APPLICANTS:
                return e, col
            if e.column == col:
                return e, "total"
        return None, None

    def _value(self, entry: LabelEntry, applicant: str, label: str, raw, row_unit, score: Optional[float] = None):
        cell = parse_cell(raw, self.commas) if raw is not None else ParsedCell(raw="", value=None)
        confidence = None if type(raw) is str else getattr(raw, "confidence", None)  # OCR (model.OcrCell): how sure
        doubt = _ocr_doubt(raw, cell, confidence) if confidence is not None else ""
        if doubt:
            self._unmapped(label, applicant, raw, "ocr_low_confidence", doubt)
            self.out.unmapped[-1].update(metric=entry.metric, applicant=applicant)  # placed, then set aside (checks)
            return
        if cell is None or not cell.readable:  # text in a value position, or a number that does not parse
            self._unmapped(label, applicant, raw, "text_cell")
            return
        if cell.ambiguous:  # 5,50 or 1.288,0: thousands or decimal cannot be told; kept raw, never guessed
            self._unmapped(label, applicant, raw, "ambiguous_number", "thousands or decimal separator cannot be told")
            return
        value = cell.value
        unit_from = cell.unit or row_unit
        if value is not None and unit_from and unit_from != entry.unit:
            factor = unit_factor(unit_from, entry.unit)
            if factor is None:
                self._unmapped(label, applicant, raw, "unit_mismatch", f"unit {unit_from}, metric in {entry.unit}")
                return
            value = value * factor
        note = "approximate " + cell.note if cell.approximate else cell.note
        out = {"metric": entry.metric, "applicant": applicant, "value": math.nan if value is None else value,  # a literal:
               "unit": entry.unit, "source_label": label, "provenance": _provenance(score, confidence),  # dict() costs 2x
               "note": note, "match_score": math.nan if score is None else score, "row": self.row_no,
               "ocr_confidence": math.nan if confidence is None else confidence,
               "raw": cell.raw}  # raw: the cell's text, for plausible.py to report
        if confidence is not None:
            out["ocr_cell"] = raw  # what checks re-read
        self.out.values.append(out)
        if cell.placeholder:
            self.out.placeholders.append(dict(metric=entry.metric, applicant=applicant, source_label=label, text=cell.raw))

    def _next_metric(self) -> Optional[str]:
        """The catalog row after the last one matched in this section: where an unknown label most likely sits."""
        last = next((m for s, m, _ in reversed(self.sequence) if m and s == self.section), None)
        order = [e.metric for e in self._pool()[0] if e.pattern != "*"]
        order = list(dict.fromkeys(order))
        if last not in order:
            return order[0] if order and last is None else None
        i = order.index(last)
        return next((m for m in order[i + 1:] if (m, "*") not in self.taken), None)

    def _unmapped(self, label: str, column: str, raw, reason: str, detail: str = ""):
        cell = parse_cell(raw, self.commas) if raw is not None else None
        if raw is None or (cell is not None and cell.blank):
            return  # a blank cell carries no number to lose
        self.out.unmapped.append(dict(section=self.group or self.section or "", source_label=label, column=column,
                                      raw=cell.raw if cell else clean_text(raw), value=cell.value if cell and cell.value is not None else math.nan,
                                      reason=reason, detail=detail, row=self.row_no))


def _provenance(score: Optional[float], confidence: Optional[float]) -> str:
    """How a value was read: by OCR (whatever matched its label), else by a fuzzy label match, else as printed."""
    if confidence is not None:
        return "ocr"
    return "reported" if score is None else "matched_fuzzy"


# Latin letters in an OCR'd value cell of a Chinese report are a misread (2488（元） read '2488 (zt)': the unit
# lost, the number stored 10,000 times too small): the cell is as unsure as a low-confidence one
_OCR_LETTERS = re.compile(r"[A-Za-z]")


def _ocr_doubt(raw, cell, confidence: float) -> str:
    """Why an OCR'd value cell is no value, in words ('' when it is one): too little confidence, letters, or text
    that is no number (了 read for 1): a misread, not the report's text; the identity checks take it as unread."""
    if cell is not None and cell.blank:
        return ""
    read = f"read by OCR as '{clean_text(raw)}' with confidence {confidence:.2f}"
    if _OCR_LETTERS.search(raw):
        return read + ", letters in a number cell (a misread)"
    if cell is None or not cell.readable:
        return read + ", not a number (a misread value)"
    return read if confidence < _ocr_min_confidence() else ""


def _ocr_min_confidence() -> float:
    """Below this an OCR'd cell is not used as a value (catalog/matching.csv)."""
    return catalog.matching_settings()["ocr_min_confidence"]
