"""The DOCX reader (readers/docx.py) reads what python-docx reads: python-docx is the oracle.

readers/docx.py parses the main document part once with lxml and walks it by tag. Here it is compared,
element by element, with python-docx's own readings (``Paragraph.text``, ``CT_Row.grid_before``,
``CT_Tc.grid_span`` / ``vMerge`` / ``width``, ``CT_TblGridCol.w``, ``_Cell.tables``), and document by
document with the python-docx reader it replaced (``reference_read`` below, kept only as the oracle), on
generated documents holding every construct the reader handles (hyperlinks, tabs, breaks, deleted text,
field codes, content controls, text boxes, merged cells, every tcW type, nested tables) and on the
LibreOffice renderings of the real reports (the session fixture ``renders``). Broken documents must fail
with the same error as before.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import filegen
from govreport import catalog
from govreport.errors import ReportError
from govreport.model import Block, Document
from govreport.readers import docx as reader
from govreport.readers import read_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS


# ---------------------------------------------------------------- the reference: the python-docx reader replaced
def reference_read(path) -> Document:
    """The reader as it was before (python-docx's object model), the oracle of these tests."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    with open(path, "rb") as fh:
        if fh.read(8) == reader._OLE_MAGIC:
            raise ReportError(path, "password-protected (encrypted) or legacy binary Word file, not a readable .docx")
    reader.check_zip_archive(path, ".docx")
    with zipfile.ZipFile(path) as zf:
        if "word/document.xml" not in zf.namelist():
            raise ReportError(path, "not a Word document (.docx without word/document.xml)")
    try:
        document = docx.Document(str(path))
    except PackageNotFoundError:
        raise ReportError(path, "not a Word document (no main document part)") from None
    except Exception as exc:
        raise ReportError(path, f"cannot open .docx ({exc.__class__.__name__}: {reader._one_line(exc)})") from None
    blocks: list[Block] = []
    if _ref_body(document, document.element.body, blocks, 0):
        raise ReportError(path, f"tables nested more than {reader.MAX_NESTING} deep")
    return Document(path=path, format="docx", blocks=blocks, hard_wrapped=False)


def _ref_body(document, body, blocks, depth) -> int:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    skipped = 0
    for child in body.iterchildren():
        if child.tag == W + "p":
            text = Paragraph(child, document).text.strip()
            if text:
                blocks.append(Block.line(text))
            for box in _ref_text_boxes(child):
                skipped += _ref_body(document, box, blocks, depth + 1)
        elif child.tag == W + "tbl":
            skipped += _ref_table(document, Table(child, document), blocks, depth)
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                skipped += _ref_body(document, content, blocks, depth)
    return skipped


def _ref_text_boxes(paragraph) -> list:
    mc_fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    return [box for box in paragraph.iter(W + "txbxContent")
            if not any(a.tag in (mc_fallback, W + "txbxContent") for a in box.iterancestors())]


def _ref_table(document, table, blocks, depth) -> int:
    if depth >= reader.MAX_NESTING:
        return 1
    rows, nested, widths = _ref_spans(table)
    n = max((s.stop for r in rows for s in r), default=0)
    if n:
        grid = reader.place(rows, reader.edges_from_widths(_ref_grid_widths(table, widths, n))).rows
        if any(any(c is not None for c in r) for r in grid):
            blocks.append(Block.table(grid))
    skipped = 0
    for inner in nested:
        skipped += _ref_table(document, inner, blocks, depth + 1)
    return skipped


def _ref_spans(table):
    from docx.table import _Cell

    rows, nested, widths, above = [], [], [], {}
    for tr in table._tbl.tr_lst:
        col, row = tr.grid_before, []
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            if tc.vMerge == "continue":
                prev = above.get(col)
                text = None if prev is None or reader.is_value_token(prev) else prev
            else:
                cell = _Cell(tc, table)
                text = "\n".join(p.text.strip() for p in cell.paragraphs if p.text.strip()) or None
                nested.extend(cell.tables)
                above.update({c: text for c in range(col, col + span)})
                width = tc.width
                widths.append((col, col + span, float(width) if width else None))
            row.append(reader.Span(col, col + span, text))
            col += span
        rows.append(row)
    return rows, nested, widths


def _ref_grid_widths(table, cell_widths, n):
    grid = table._tbl.tblGrid
    cols = [gc.w for gc in grid.gridCol_lst] if grid is not None else []
    if len(cols) >= n and all(w for w in cols[:n]):
        return [float(w) for w in cols[:n]]
    return reader.column_widths(cell_widths, n)


def _outcome(read, path):
    """What a reader gives: the Document, or the error (its class and one line)."""
    try:
        return read(path)
    except ReportError as exc:
        return ("ReportError", exc.problem)
    except Exception as exc:  # noqa: BLE001 - an unforeseen error must be the same one, class and words
        return (exc.__class__.__name__, str(exc))


# ---------------------------------------------------------------- documents holding every construct
_NS = ('xmlns:w="%s" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"' % W_NS)


def _box(inner: str) -> str:
    """A text box as Word writes it: DrawingML (read) and its VML fallback (not read again)."""
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
            + inner + '</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>'
            '<v:textbox><w:txbxContent>' + inner + '</w:txbxContent></v:textbox></v:shape></w:pict>'
            '</mc:Fallback></mc:AlternateContent></w:r>')


def _p(*runs: str) -> str:
    return "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>" + "".join(runs) + "</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def _tc(body: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


_TABLE = (
    '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="1in"/><w:gridCol w:w="1.00002mm"/>'
    '<w:gridCol w:w="900"/></w:tblGrid>'
    '<w:tr><w:trPr><w:tblHeader/></w:trPr>'
    + _tc(_p(_r("申请人情况")), '<w:tcW w:w="2000" w:type="dxa"/><w:vMerge w:val="restart"/>')
    + _tc(_p(_r("自然人")) + _p() + _p(_r(" 法人 ")), '<w:tcW w:w="50" w:type="pct"/><w:gridSpan w:val="2"/>')
    + _tc(_p(_r("总计")), '<w:tcW w:w="0" w:type="dxa"/>') + '</w:tr>'
    '<w:tblPrEx><w:tblBorders/></w:tblPrEx>'
    '<w:tr><w:trPr><w:gridBefore w:val="0"/></w:trPr>'
    + _tc(_p(), '<w:vMerge/>') + _tc(_p(_r("甲")), '<w:tcW w:w="1440" w:type="auto"/>')
    + _tc(_p(_r("乙")), '<w:tcW w:w="1" w:type="nil"/>') + _tc(_p(_r("丙"))) + '</w:tr>'
    '<w:tr>' + _tc(_p(_r("（一）予以公开"))) + _tc(_p(_r("7")), '<w:vMerge w:val="restart"/>')
    + _tc(_p(_r("9")) + '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="500"/></w:tblGrid><w:tr>'
          + _tc(_p(_r("嵌套")), '<w:tcW w:w="500" w:type="dxa"/>') + '</w:tr></w:tbl>' + _p())
    + _tc(_p(_r("16"))) + '</w:tr>'
    '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
    + _tc(_p(_r("x")) + '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="500"/></w:tblGrid><w:tr>'
          + _tc(_p(_r("不读"))) + '</w:tr></w:tbl>' + _p(), '<w:vMerge w:val="continue"/>')
    + _tc(_p(_r("3")), '<w:gridSpan w:val="1"/><w:gridSpan w:val="5"/>') + _tc(_p(_r("4"))) + '</w:tr>'
    '<w:sdt><w:sdtContent><w:tr>' + _tc(_p(_r("行内容控件"))) + '</w:tr></w:sdtContent></w:sdt>'
    '<w:tr>' + _tc('<w:sdt><w:sdtContent>' + _p(_r("格内容控件")) + '</w:sdtContent></w:sdt>' + _p(_r("格")))
    + _tc(_p(_r("0")), '<w:gridSpan w:val="0"/>') + '</w:tr>'
    '<w:tr><w:tblPrEx/><w:trPr><w:gridBefore w:val="1"/><w:gridBefore w:val="2"/></w:trPr>'
    + _tc(_p(_r("首个")) + '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="500"/></w:tblGrid><w:tr>'
          + _tc(_p(_r("嵌套二"))) + '</w:tr></w:tbl>' + _p(),
          '<w:tcW w:w="800" w:type="dxa"/><w:tcW w:w="900" w:type="pct"/><w:vMerge w:val="restart"/><w:vMerge/>')
    + '<w:tc>' + _p(_r("后置")) + '<w:tcPr><w:tcW w:w="300" w:type="dxa"/></w:tcPr>'
    '<w:tcPr><w:gridSpan w:val="3"/></w:tcPr></w:tc>'
    + '</w:tr><w:tr>' + _tc(_p(_r("6"))) + _tc(_p(_r("8")), '<w:vMerge w:val=""/>') + '</w:tr>'
    '</w:tbl>')

_BODY = (
    _p(_r("某某县人民政府2022年政府信息公开工作年度报告"))
    + _p('<w:r><w:t>A</w:t><w:tab/><w:t>B</w:t><w:br/><w:t>C</w:t><w:br w:type="page"/><w:br w:type="column"/>'
         '<w:br w:type="textWrapping"/><w:cr/><w:noBreakHyphen/><w:softHyphen/>'
         '<w:ptab w:relativeTo="margin" w:alignment="left" w:leader="none"/><w:sym w:font="Wingdings" w:char="F0FC"/>'
         '<w:delText>删</w:delText><w:instrText> PAGE </w:instrText><w:fldChar w:fldCharType="begin"/>'
         '<w:t xml:space="preserve">  空 格  </w:t><w:t/><!-- a comment --><?pi x?><w:lastRenderedPageBreak/></w:r>')
    + _p(_r("见"), '<w:hyperlink r:id="rId99"><w:r><w:t>链接</w:t></w:r><w:r><w:tab/></w:r>'
         '<w:hyperlink><w:r><w:t>内层</w:t></w:r></w:hyperlink><w:bookmarkStart w:id="0" w:name="b"/></w:hyperlink>',
         _r("完"))
    + _p('<w:ins w:id="1" w:author="a" w:date="2020-01-01T00:00:00Z"><w:r><w:t>插入</w:t></w:r></w:ins>'
         '<w:del w:id="2" w:author="a" w:date="2020-01-01T00:00:00Z"><w:r><w:delText>删除</w:delText></w:r></w:del>'
         '<w:fldSimple w:instr="PAGE"><w:r><w:t>3</w:t></w:r></w:fldSimple>'
         '<w:smartTag><w:r><w:t>智能</w:t></w:r></w:smartTag>'
         '<w:sdt><w:sdtContent><w:r><w:t>行内控件</w:t></w:r></w:sdtContent></w:sdt>', _r("保留"))
    + _p(_r("锚"), _box(_p(_r("文本框一")) + _TABLE + _p(_box(_p(_r("嵌套框"))), _r("框尾"))))
    + '<w:sdt><w:sdtPr/><w:sdtContent>' + _p(_r("块级内容控件")) + _TABLE
    + '<w:sdt><w:sdtContent>' + _p(_r("二层控件")) + '</w:sdtContent></w:sdt></w:sdtContent></w:sdt>'
    + '<w:sdt><w:sdtPr/></w:sdt>'
    + _p() + _p('<w:r><w:t>   </w:t></w:r>') + _TABLE
    + '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="0"/><w:gridCol/></w:tblGrid><w:tr>'
    + _tc(_p(_r("无宽")), '<w:tcW w:w="700" w:type="dxa"/>') + _tc(_p(_r("5")), '<w:tcW w:w="-300" w:type="dxa"/>')
    + '</w:tr></w:tbl>'
    + '<w:tbl><w:tblPr/><w:tblGrid/><w:tr></w:tr></w:tbl><w:customXml>' + _p(_r("自定义")) + '</w:customXml>'
    + _p(_r("结束"))
    + '<w:sectPr/>')


def rich_docx(path: Path, body: str = _BODY) -> Path:
    """A python-docx package whose main part is ``body`` (hand-written XML)."""
    import docx

    base = path.with_name(path.stem + "_base.docx")
    docx.Document().save(str(base))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<w:document {_NS}><w:body>{body}</w:body></w:document>')
    return filegen.docx_with_parts(base, path, {"word/document.xml": xml.encode("utf-8")})


def _built_docx(tmp: Path) -> list[Path]:
    """python-docx-built documents: the report twins, a misaligned grid, nested tables, external links."""
    rep = filegen.Gb2021Report()
    return [filegen.to_docx(rep, tmp / "twin.docx"), filegen.misaligned_docx(rep, tmp / "misaligned.docx"),
            filegen.nested_docx(tmp / "nested3.docx", depth=3), filegen.nested_docx(tmp / "nested30.docx", depth=30),
            filegen.docx_external_refs(rep, tmp / "external.docx", "http://127.0.0.1:9"), rich_docx(tmp / "rich.docx")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _built_docx(tmp_path_factory.mktemp("docx_direct"))


# ---------------------------------------------------------------- element by element
def _python_docx_root(path):
    import docx

    return docx.Document(str(path)).element


def check_elements(path) -> int:
    """Compare the reader's readings of every paragraph, row, cell and grid with python-docx's; returns the
    number of elements compared."""
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    root = _python_docx_root(path)
    with zipfile.ZipFile(path) as zf:
        own = reader._main_part(zf, Path(path))
    assert etree.tostring(own) == etree.tostring(root)  # the same tree, text nodes and all (same parser settings)
    compared = 0
    for p in root.iter(W + "p"):
        assert reader._paragraph_text(p) == Paragraph(p, None).text
        compared += 1
    for tbl in root.iter(W + "tbl"):
        table = Table(tbl, None)
        rows, nested, widths = reader._table_spans(tbl)
        assert len(rows) == len(tbl.tr_lst)
        want_nested, want_widths = [], []
        for tr, row in zip(tbl.tr_lst, rows):
            col = tr.grid_before
            assert len(row) == len(tr.tc_lst)
            for tc, span in zip(tr.tc_lst, row):
                assert (span.start, span.stop) == (col, col + max(1, tc.grid_span))
                if tc.vMerge != "continue":
                    cell = _Cell(tc, table)
                    want_nested += [t._tbl for t in cell.tables]
                    width = tc.width
                    want_widths.append((span.start, span.stop, float(width) if width else None))
                    texts = [p.text.strip() for p in cell.paragraphs]
                    assert span.text == ("\n".join(t for t in texts if t) or None)
                col = span.stop
                compared += 1
        assert nested == want_nested and widths == want_widths
        n = max((s.stop for r in rows for s in r), default=0)
        if n:
            assert reader._grid_widths(tbl, widths, n) == _ref_grid_widths(table, widths, n)
    return compared


def reference_outcome(path):
    """What read_document gave with the reference reader in place of readers/docx.py (its errors as it turned them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "read_docx", reference_read)
        return _outcome(read_document, path)


def check_documents(path) -> None:
    assert _outcome(read_document, path) == reference_outcome(path)


def test_every_construct_is_read_as_python_docx_reads_it(built):
    rich = [p for p in built if p.name == "rich.docx"][0]
    assert check_elements(rich) > 60
    doc = read_document(rich)
    lines = [b.text for b in doc.blocks if b.kind == "text"]
    # hand-checked: tabs and line breaks kept, page/column breaks, deleted text and field codes dropped;
    # hyperlinks read, runs inside w:ins / w:fldSimple / w:smartTag / inline content controls not (python-docx)
    assert lines[1] == "A\tB\nC\n\n-\t  空 格"
    assert lines[2] == "见链接\t完"
    assert lines[3] == "保留"
    assert lines[4:7] == ["锚", "文本框一", "框尾"]  # the box once (not its VML copy), its nested box never


@pytest.mark.parametrize("name", ["twin.docx", "misaligned.docx", "nested3.docx", "external.docx", "rich.docx"])
def test_built_documents_read_as_before(built, name):
    path = [p for p in built if p.name == name][0]
    check_elements(path)
    check_documents(path)


def test_too_deep_nesting_is_refused_as_before(built):
    path = [p for p in built if p.name == "nested30.docx"][0]
    assert _outcome(read_document, path) == ("ReportError", "tables nested more than 20 deep")
    check_documents(path)


def test_real_reports_rendered_by_libreoffice_read_as_before(renders):
    if "soffice_docx" in renders.skipped:
        pytest.skip(renders.skipped["soffice_docx"])
    paths = [p for (stem, fmt), p in sorted(renders.files.items()) if fmt == "soffice_docx"]
    assert len(paths) >= 3
    for path in paths:
        assert check_elements(path) > 50
        check_documents(path)


# ---------------------------------------------------------------- broken documents: the same error as before
_CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"


_PARTS = {"types": "[Content_Types].xml", "rels": "_rels/.rels", "document": "word/document.xml"}


def _broken(tmp: Path, name: str, edits: list) -> Path:
    """The small report with ``edits`` ((part, old, new), each replacing the first ``old``) made to its parts."""
    src = rich_docx(tmp / f"{name}_src.docx", _p(_r("正文")) + _TABLE)
    with zipfile.ZipFile(src) as zf:
        parts = {key: zf.read(name).decode("utf-8") for key, name in _PARTS.items()}
    for key, old, new in edits:
        assert old in parts[key], (name, old)
        parts[key] = parts[key].replace(old, new, 1)
    changed = {_PARTS[key]: parts[key].encode("utf-8") for key, _, _ in edits}
    return filegen.docx_with_parts(src, tmp / f"{name}.docx", changed)


BROKEN = {  # name -> edits; each must fail (a ReportError or another error) exactly as python-docx's reader failed
    "macro_enabled": [("types", _CT_MAIN, _CT_MACRO)],
    "xml_content_type": [("types", 'PartName="/word/document.xml"', 'PartName="/word/other.xml"')],
    "no_content_type": [("types", 'PartName="/word/document.xml"', 'PartName="/word/other.xml"'),
                        ("types", 'Extension="xml"', 'Extension="xmlx"')],
    "no_main_relationship": [("rels", "relationships/officeDocument", "relationships/other")],
    "main_part_missing": [("rels", 'Target="word/document.xml"', 'Target="word/missing.xml"')],
    "main_part_external": [("rels", 'Target="word/document.xml"', 'Target="word/document.xml" TargetMode="External"')],
    "truncated_xml": [("document", "</w:body>", "</w:bod>")],
    "bad_types_xml": [("types", "</Types>", "</Typo>")],
    "bad_rels_xml": [("rels", "</Relationships>", "")],
    "no_tbl_grid": [("document", "<w:tblGrid><w:gridCol w:w=\"2000\"/>", "<w:tblGridX><w:gridCol w:w=\"2000\"/>"),
                    ("document", "</w:tblGrid>", "</w:tblGridX>")],
    "grid_span_without_val": [("document", '<w:gridSpan w:val="2"/>', "<w:gridSpan/>")],
    "grid_before_not_a_number": [("document", '<w:gridBefore w:val="1"/>', '<w:gridBefore w:val="one"/>')],
    "tcw_without_type": [("document", '<w:tcW w:w="2000" w:type="dxa"/>', '<w:tcW w:w="2000"/>')],
    "tcw_without_w": [("document", '<w:tcW w:w="2000" w:type="dxa"/>', '<w:tcW w:type="dxa"/>')],
    "grid_col_unknown_unit": [("document", 'w:w="1.00002mm"', 'w:w="2.5im"')],
    "grid_col_not_a_number": [("document", 'w:w="900"/>', 'w:w="9x"/>')],
    "repeated_rel_id": [("rels", 'Id="rId2"', 'Id="rId1"')],  # the later relationship replaces the main one
    "two_main_relationships": [("rels", 'metadata/thumbnail" Target="docProps/thumbnail.jpeg"',
                                'metadata/thumbnail" Target="word/document.xml"'),
                               ("rels", "package/2006/relationships/metadata/thumbnail",
                                "officeDocument/2006/relationships/officeDocument")],
    "no_body": [("document", "<w:body>", "<w:bodyX>"), ("document", "</w:body>", "</w:bodyX>")],
}


DAMAGED_NOW = {"grid_col_unknown_unit": "damaged .docx (gridCol width '2.5im' has no known unit)",
               "no_body": "damaged .docx (its document has no <w:body>)"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_documents_fail_as_before(tmp_path, name):
    path = _broken(tmp_path, name, BROKEN[name])
    got, before = _outcome(read_document, path), reference_outcome(path)
    assert not isinstance(got, Document), got
    if before[0] == "InvalidXmlError":  # python-docx's error escaped as an internal error; now the file's one line
        assert got == ("ReportError", f"damaged .docx ({before[1]})")
    elif name in DAMAGED_NOW:  # the same: python-docx failed on them with a bare KeyError / AttributeError
        assert before[0] in ("KeyError", "AttributeError") and got == ("ReportError", DAMAGED_NOW[name])
    else:
        assert got == before
    if got[1].startswith("damaged .docx"):  # counted and worded as the other unreadable Word files
        assert catalog.failure_code(got[1]) == "not_word"


UNUSUAL = {  # name -> edits of a package python-docx still reads
    "absolute_target": [("rels", 'Target="word/document.xml"', 'Target="/word/document.xml"')],
    "dotted_target": [("rels", 'Target="word/document.xml"', 'Target="./docProps/../word/document.xml"')],
    "upper_case_override": [("types", 'PartName="/word/document.xml"', 'PartName="/WORD/Document.XML"')],
    "no_package_rels_thumbnail": [("rels", 'Id="rId2"', 'Id="rId5"')],
}


@pytest.mark.parametrize("name", sorted(UNUSUAL))
def test_unusual_packages_read_as_before(tmp_path, name):
    path = _broken(tmp_path, name, UNUSUAL[name])
    got = _outcome(read_document, path)
    assert isinstance(got, Document) and got.blocks, got
    assert got == reference_outcome(path)


def test_main_part_named_in_capitals_is_found_as_python_docx_finds_it(tmp_path):
    # part names match [Content_Types].xml without regard to case (python-docx's CaseInsensitiveDict)
    src = _broken(tmp_path, "src", [("rels", 'Target="word/document.xml"', 'Target="Word/Main.XML"'),
                                    ("types", 'PartName="/word/document.xml"', 'PartName="/word/main.xml"')])
    with zipfile.ZipFile(src) as zf:
        main = zf.read("word/document.xml")
    path = filegen.docx_with_parts(src, tmp_path / "capitals.docx", {"Word/Main.XML": main})
    got = _outcome(read_document, path)
    assert isinstance(got, Document) and got.blocks, got
    assert got == reference_outcome(path)
