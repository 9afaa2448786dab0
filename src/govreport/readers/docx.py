"""Word (.docx) reports: paragraphs and tables of the main document part, in body order.

A .docx is a zip of XML parts, so the archive is checked first
(safety.check_zip_archive: zip bombs and DTD/entity declarations are refused
before any XML is parsed). Only the main document part is parsed (one lxml
parse with python-docx's parser settings: resolve_entities=False, no network,
no huge trees), found as python-docx finds it ([Content_Types].xml and
_rels/.rels) and read element by element; styles, settings, headers and
images are never opened. Each paragraph's and cell's text is what python-docx
computes (CT_P.text): the test tests/unit/readers/test_docx_direct.py keeps
python-docx as the oracle. Merged cells (gridSpan / vMerge) are read with
their grid offsets and Word's column widths, and placed by position
(readers/placement.py): a value stands under the header column it covers, even
when Word's rows split the page differently from the header row. Tables nested
in cells become blocks of their own. External relationships (linked templates,
linked images) are never followed.
"""
from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Optional

from lxml import etree

from govreport.errors import GovreportError, ReportError
from govreport.model import Block, Document
from govreport.text.normalize import is_value_token
from govreport.readers.limits import DOCX_TIME_BUDGET_S, check_zip_archive, time_limit
from govreport.readers.placement import Span, column_widths, edges_from_widths, place, span as new_span

MAX_NESTING = 20  # deeper nesting is refused: no report needs it, and recursion must stay bounded
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# python-docx's parser (docx/oxml/parser.py): entities never resolved, no network, lxml's tree-size limits kept;
# blank text between elements is dropped as python-docx drops it, so every text node is the one it sees
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, huge_tree=False)

_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _R, _HYPERLINK, _T, _BR = _W + "p", _W + "r", _W + "hyperlink", _W + "t", _W + "br"
_TBL, _SDT, _SDT_CONTENT, _TXBX = _W + "tbl", _W + "sdt", _W + "sdtContent", _W + "txbxContent"
_TR, _TC, _TR_PR, _TC_PR = _W + "tr", _W + "tc", _W + "trPr", _W + "tcPr"
_TC_W, _GRID_SPAN, _V_MERGE = _W + "tcW", _W + "gridSpan", _W + "vMerge"
_GRID_BEFORE = _W + "gridBefore"
_VAL, _TYPE, _WIDTH = _W + "val", _W + "type", _W + "w"
# run children python-docx turns into text besides w:t and w:br (CT_R.text); everything else
# (deleted text, field codes, symbols, drawings) gives nothing
_RUN_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_UNITS_EMU = {"mm": 36000, "cm": 360000, "in": 914400, "pt": 12700, "pc": 152400, "pi": 152400}
_EMU_PER_TWIP = 635


class InvalidXmlError(GovreportError):
    """A required element or attribute is missing (python-docx's name and wording); read_docx turns it into the
    file's one-line ReportError ("damaged .docx (…)"), where python-docx's left an internal error."""


def read_docx(path) -> Document:
    """Read a .docx; see the module docstring. Bad files raise a one-line ReportError."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        raise ReportError(path, "password-protected (encrypted) or legacy binary Word file, not a readable .docx")
    check_zip_archive(path, ".docx")
    with zipfile.ZipFile(path) as zf:
        if "word/document.xml" not in zf.namelist():
            raise ReportError(path, "not a Word document (.docx without word/document.xml)")
        with time_limit(DOCX_TIME_BUDGET_S, path, "reading DOCX"):
            try:
                root = _main_part(zf, path)
            except Exception as exc:  # KeyError, ValueError, lxml errors for broken parts, as python-docx raised them
                raise ReportError(path, f"cannot open .docx ({exc.__class__.__name__}: {_one_line(exc)})") from None
            if root.tag != _W + "document":
                raise ReportError(path, f"not a Word document (its main part is <{root.tag}>, not w:document)")
            blocks: list[Block] = []
            body = root.find(_W + "body")
            if body is None:
                raise ReportError(path, "damaged .docx (its document has no <w:body>)")
            try:
                too_deep = _body_blocks(body, blocks, depth=0)
            except InvalidXmlError as exc:
                raise ReportError(path, f"damaged .docx ({exc})") from None
            if too_deep:
                raise ReportError(path, f"tables nested more than {MAX_NESTING} deep")
    return Document(path=path, format="docx", blocks=blocks, hard_wrapped=False)


def _one_line(exc) -> str:
    return " ".join(str(exc).split())[:160] or "(no detail)"


def _main_part(zf: zipfile.ZipFile, path: Path):
    """The parsed main document part, found and checked as python-docx (docx.Document) does:
    the package's officeDocument relationship names it, [Content_Types].xml must call it a Word
    document (a .docm/.dotx main part is refused), and its errors are python-docx's."""
    content_types = _content_types(etree.fromstring(zf.read("[Content_Types].xml"), _PARSER))
    try:
        rels_xml = zf.read("_rels/.rels")
    except KeyError:
        rels_xml = None
    rels = {}  # rId -> Relationship element; a repeated rId keeps its last element (python-docx's dict)
    if rels_xml is not None:
        for rel in etree.fromstring(rels_xml, _PARSER).findall(_PR + "Relationship"):
            rels[rel.get("Id")] = rel
    main = [rel for rel in rels.values() if rel.get("Type") == _OFFICE_DOCUMENT]
    if not main:
        raise KeyError(f"no relationship of type '{_OFFICE_DOCUMENT}' in collection")
    if len(main) > 1:
        raise ValueError(f"multiple relationships of type '{_OFFICE_DOCUMENT}' in collection")
    if main[0].get("TargetMode", "Internal") == "External":
        raise ValueError("target_part property on _Relationship is undefined when target mode is External")
    partname = posixpath.abspath(posixpath.join("/", main[0].get("Target")))
    blob = zf.read(partname[1:])
    content_type = _content_type(content_types, partname)
    if content_type != _WORD_MAIN:
        raise ValueError(f"file '{path}' is not a Word file, content type is '{content_type}'")
    return etree.fromstring(blob, _PARSER)


def _content_types(types) -> tuple[dict, dict]:
    """[Content_Types].xml as (part name -> type, extension -> type), keys lower-cased, the last entry winning."""
    overrides = {o.get("PartName").lower(): o.get("ContentType") for o in types.findall(_CT + "Override")}
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.findall(_CT + "Default")}
    return overrides, defaults


def _content_type(content_types: tuple[dict, dict], partname: str) -> str:
    """The part's content type: its Override, else its extension's Default."""
    overrides, defaults = content_types
    ext = posixpath.splitext(partname)[1]
    ext = ext[1:] if ext.startswith(".") else ext
    if partname.lower() in overrides:
        return overrides[partname.lower()]
    if ext.lower() in defaults:
        return defaults[ext.lower()]
    raise KeyError(f"no content type for partname '{partname}' in [Content_Types].xml")


def _body_blocks(body, blocks: list[Block], depth: int) -> int:
    """Paragraphs and tables of a body-like element, in order; content controls are opened."""
    skipped = 0
    for child in body.iterchildren():
        tag = child.tag
        if tag == _P:
            text = _paragraph_text(child).strip()
            if text:
                blocks.append(Block.line(text))
            for box in _text_boxes(child):
                skipped += _body_blocks(box, blocks, depth + 1)
        elif tag == _TBL:
            skipped += _table_blocks(child, blocks, depth)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                skipped += _body_blocks(content, blocks, depth)
    return skipped


def _paragraph_text(p) -> str:
    """python-docx's paragraph text: its runs and its hyperlinks' runs, in order (nothing else)."""
    parts: list[str] = []
    for child in p:
        tag = child.tag
        if tag == _R:
            _run_text(child, parts)
        elif tag == _HYPERLINK:
            for run in child:
                if run.tag == _R:
                    _run_text(run, parts)
    return "".join(parts)


def _run_text(run, parts: list[str]) -> None:
    """python-docx's run text (CT_R.text): w:t's text, a tab, a line break (not a page or column break) …"""
    for e in run:
        tag = e.tag
        if tag == _T:
            parts.append(e.text or "")
        elif tag == _BR:
            if e.get(_TYPE, "textWrapping") == "textWrapping":
                parts.append("\n")
        else:
            char = _RUN_CHARS.get(tag)
            if char is not None:
                parts.append(char)


def _text_boxes(paragraph) -> list:
    """Text boxes anchored in a paragraph (LibreOffice puts a floating table in one).

    Each box is written twice, as DrawingML (mc:Choice) and as a VML fallback
    (mc:Fallback); only the first is read, so nothing is read twice.
    """
    boxes = []
    for box in paragraph.iter(_TXBX):
        if not any(a.tag == _MC + "Fallback" for a in box.iterancestors()) and \
                not any(a.tag == _TXBX for a in box.iterancestors()):
            boxes.append(box)
    return boxes


def _table_blocks(tbl, blocks: list[Block], depth: int) -> int:
    """The table as a position-true grid (readers/placement.py), then the tables nested in its cells."""
    if depth >= MAX_NESTING:
        return 1
    rows, nested, widths = _table_spans(tbl)
    n = max((s.stop for r in rows for s in r), default=0)
    if n:
        edges = edges_from_widths(_grid_widths(tbl, widths, n))
        grid = place(rows, edges).rows
        if any(any(c is not None for c in r) for r in grid):
            blocks.append(Block.table(grid))
    skipped = 0
    for inner in nested:
        skipped += _table_blocks(inner, blocks, depth + 1)
    return skipped


def _table_spans(tbl):
    """Each row as Spans over Word's table grid (gridBefore, gridSpan, vMerge read from the XML).

    A vertically merged cell repeats its label text in the rows it covers; a
    number stays in its first row only, so a merged value is never read twice.
    Children are matched by tag in plain loops: lxml's find and iterchildren(tag)
    cost 1-3 µs a call, more than the rest of a cell's reading.
    """
    rows: list[list[Span]] = []
    nested: list = []
    widths: list[tuple[int, int, Optional[float]]] = []
    above: dict[int, Optional[str]] = {}  # grid column -> text of the cell a vMerge continues
    for tr in tbl:
        if tr.tag != _TR:
            continue
        tr_pr = _first(tr, _TR_PR)
        col = 0 if tr_pr is None else _decimal(_first(tr_pr, _GRID_BEFORE), 0)
        row: list[Span] = []
        for tc in tr:
            if tc.tag != _TC:
                continue
            grid_span, v_merge, tc_w = _cell_properties(tc)
            span = 1 if grid_span is None else max(1, _decimal(grid_span, 1))
            if v_merge is not None and v_merge.get(_VAL, "continue") == "continue":
                prev = above.get(col)
                text = None if prev is None or is_value_token(prev) else prev
            else:
                text = _cell_text(tc, nested)
                if span == 1:
                    above[col] = text
                else:
                    above.update({c: text for c in range(col, col + span)})
                width = _tc_width(tc_w)
                widths.append((col, col + span, float(width) if width else None))
            row.append(new_span(col, col + span, text))
            col += span
        rows.append(row)
    return rows, nested, widths


def _cell_properties(tc) -> tuple:
    """The cell's w:gridSpan, w:vMerge and w:tcW: the first of each in its first w:tcPr (python-docx's finds)."""
    grid_span = v_merge = tc_w = None
    for tc_pr in tc:
        if tc_pr.tag == _TC_PR:
            for e in tc_pr:
                tag = e.tag
                if tag == _TC_W:
                    tc_w = e if tc_w is None else tc_w
                elif tag == _GRID_SPAN:
                    grid_span = e if grid_span is None else grid_span
                elif tag == _V_MERGE:
                    v_merge = e if v_merge is None else v_merge
            break
    return grid_span, v_merge, tc_w


def _cell_text(tc, nested: list) -> str | None:
    """The cell's paragraphs' texts, one a line (None: blank); its own tables are added to ``nested``."""
    texts = []
    for child in tc:
        tag = child.tag
        if tag == _P:
            text = _paragraph_text(child).strip()
            if text:
                texts.append(text)
        elif tag == _TBL:
            nested.append(child)
    return "\n".join(texts) or None


def _first(parent, tag: str):
    """The first child with ``tag`` (lxml's find), looked for by a loop."""
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _required(element, attribute: str, name: str) -> str:
    value = element.get(attribute)
    if value is None:
        raise InvalidXmlError(f"required '{name}' attribute not present on element {element.tag}")
    return value


def _decimal(element, default: int) -> int:
    """A w:val decimal number (w:gridSpan, w:gridBefore), ``default`` without the element."""
    return default if element is None else int(_required(element, _VAL, "w:val"))


def _tc_width(tc_w) -> Optional[int]:
    """A w:tcW width in EMU as python-docx gives it: twips (w:type="dxa") only; None for auto, pct, nil."""
    if tc_w is None:
        return None
    if _required(tc_w, _TYPE, "w:type") != "dxa":
        return None
    return int(int(_required(tc_w, _WIDTH, "w:w")) * _EMU_PER_TWIP)


def _grid_col_width(value: Optional[str]) -> Optional[int]:
    """A w:gridCol w:w in EMU (python-docx's ST_TwipsMeasure: twips, or a number with a unit)."""
    if value is None:
        return None
    if "i" in value or "m" in value or "p" in value:
        if value[-2:] not in _UNITS_EMU:
            raise InvalidXmlError(f"gridCol width {value!r} has no known unit")
        return int(round(float(value[:-2]) * _UNITS_EMU[value[-2:]]))
    return int(int(value) * _EMU_PER_TWIP)


def _grid_widths(tbl, cell_widths, n: int) -> list[float]:
    """Column widths from <w:tblGrid>, else from the cells' own widths (tcW)."""
    grid = tbl.find(_W + "tblGrid")
    if grid is None:
        raise InvalidXmlError("required ``<w:tblGrid>`` child element not present")
    cols = [_grid_col_width(gc.get(_WIDTH)) for gc in grid.iterchildren(_W + "gridCol")]
    if len(cols) >= n and all(w for w in cols[:n]):
        return [float(w) for w in cols[:n]]
    return column_widths(cell_widths, n)
