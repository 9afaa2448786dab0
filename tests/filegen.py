"""Write test inputs at test time: a gb2021 report as text, DOCX (merged cells), PDF
(ruled tables with merged cells, or unruled positioned text), and hostile or broken files.

One ``Gb2021Report`` holds the numbers; every renderer prints the same numbers, so each
rendering must parse to ``report.expected()`` (and to its text twin). Numbers are non-zero
and pairwise distinct, so a value read into the wrong row or column cannot hide behind zeros.
Chinese in PDFs uses reportlab's built-in CID font STSong-Light (no font download).
"""
from __future__ import annotations

import os
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

APPLICANTS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]

# gb2021 section 三 as the 国办公开办函〔2021〕30号 form prints it:
# (metric, item label, group cell in column 0, sub-group cell in column 1).
# group/sub-group None: the label spans those columns.
SECTION_3 = [
    ("requests.new_received", "一、本年新收政府信息公开申请数量", None, None),
    ("requests.carried_over", "二、上年结转政府信息公开申请数量", None, None),
    ("outcome.granted", "（一）予以公开", "三、本年度办理结果", None),
    ("outcome.partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三、本年度办理结果", None),
    ("outcome.denied.state_secret", "1.属于国家秘密", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.law_prohibited", "2.其他法律行政法规禁止公开", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.security_stability", "3.危及“三安全一稳定”", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.third_party", "4.保护第三方合法权益", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.internal_affairs", "5.属于三类内部事务信息", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.process_info", "6.属于四类过程性信息", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.enforcement_file", "7.属于行政执法案卷", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.denied.admin_query", "8.属于行政查询事项", "三、本年度办理结果", "（三）不予公开"),
    ("outcome.unavailable.not_held", "1.本机关不掌握相关政府信息", "三、本年度办理结果", "（四）无法提供"),
    ("outcome.unavailable.needs_creation", "2.没有现成信息需要另行制作", "三、本年度办理结果", "（四）无法提供"),
    ("outcome.unavailable.unclear", "3.补正后申请内容仍不明确", "三、本年度办理结果", "（四）无法提供"),
    ("outcome.not_processed.complaint", "1.信访举报投诉类申请", "三、本年度办理结果", "（五）不予处理"),
    ("outcome.not_processed.duplicate", "2.重复申请", "三、本年度办理结果", "（五）不予处理"),
    ("outcome.not_processed.publication", "3.要求提供公开出版物", "三、本年度办理结果", "（五）不予处理"),
    ("outcome.not_processed.excessive", "4.无正当理由大量反复申请", "三、本年度办理结果", "（五）不予处理"),
    ("outcome.not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", "三、本年度办理结果", "（五）不予处理"),
    ("outcome.other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "三、本年度办理结果", "（六）其他处理"),
    ("outcome.other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "三、本年度办理结果", "（六）其他处理"),
    ("outcome.other.other", "3.其他", "三、本年度办理结果", "（六）其他处理"),
    ("outcome.total", "（七）总计", "三、本年度办理结果", None),
    ("requests.carried_forward", "四、结转下年度继续办理", None, None),
]
SECTION_4 = [f"{kind}.{res}" for kind in ("review", "litigation.direct", "litigation.after_review")
             for res in ("upheld", "corrected", "other", "pending", "total")]
APPLICANT_HEADS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RESULT_HEADS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


@dataclass
class Gb2021Report:
    """One gb2021 report's content; numbers are strings exactly as printed."""

    agency: str = "测试县人民政府"
    year: int = 2022
    docs: dict = field(default_factory=lambda: {"规章": ["1", "2", "13"], "行政规范性文件": ["4", "5", "66"]})
    decisions: dict = field(default_factory=lambda: {"行政许可": "4472", "行政处罚": "3985", "行政强制": "882"})
    fee: str = "96.5"
    sec3: dict = field(default_factory=dict)
    sec4: list = field(default_factory=lambda: [str(301 + n) for n in range(15)])

    def __post_init__(self):
        if not self.sec3:  # row r, column c -> (r+1)*10 + c + 1: all distinct, none zero
            self.sec3 = {m: [str((r + 1) * 10 + c + 1) for c in range(7)] for r, (m, *_rest) in enumerate(SECTION_3)}

    def expected(self) -> dict:
        """{'metric|applicant': value} every rendering must yield (reported values)."""
        out = {}
        for (label, cells), kind in zip(self.docs.items(), ("regulations", "normative_docs")):
            for col, v in zip(("issued", "repealed", "in_force"), cells):
                out[f"art20.{kind}.{col}|total"] = float(v)
        for label, kind in (("行政许可", "licensing"), ("行政处罚", "punishment"), ("行政强制", "coercion")):
            out[f"art20.{kind}.decisions|total"] = float(self.decisions[label])
        out["art20.fees.amount|total"] = float(self.fee)
        for metric, cells in self.sec3.items():
            for a, v in zip(APPLICANTS, cells):
                if v is not None:
                    out[f"{metric}|{a}"] = float(v)
        for metric, v in zip(SECTION_4, self.sec4):
            out[f"{metric}|total"] = float(v)
        return out

    # ---- pieces shared by the renderers
    def intro(self) -> list[str]:
        return [f"{self.agency}{self.year}年政府信息公开工作年度报告",
                f"本报告中所列数据的统计期限自{self.year}年1月1日起至{self.year}年12月31日止。",
                "一、总体情况",
                f"{self.year}年，本机关坚持以公开为常态、不公开为例外，依法推进政府信息公开工作。",
                "全年未发生因政府信息公开引发的泄密事件。"]

    def outro(self) -> list[str]:
        return ["五、存在的主要问题及改进情况", "政策解读质量仍需提升，下一步将加强培训。",
                "六、其他需要报告的事项", "本年度未收取信息处理费。"]


# --------------------------------------------------------------------------- text twin
def to_text(rep: Gb2021Report) -> str:
    """The report as text with one table row per line (what a clean text layer gives)."""
    lines = rep.intro() + ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数"]
    lines += [f"{label} {' '.join(cells)}" for label, cells in rep.docs.items()]
    lines += ["第二十条第（五）项", "信息内容 本年处理决定数量", f"行政许可 {rep.decisions['行政许可']}",
              "第二十条第（六）项", "信息内容 本年处理决定数量", f"行政处罚 {rep.decisions['行政处罚']}",
              f"行政强制 {rep.decisions['行政强制']}",
              "第二十条第（八）项", "信息内容 本年收费金额（单位：万元）", f"行政事业性收费 {rep.fee}",
              "三、收到和处理政府信息公开申请情况", "申请人情况 " + " ".join(APPLICANT_HEADS)]
    group = sub = None
    for metric, label, g, s in SECTION_3:
        if g and g != group:
            lines.append(g)
        if s and s != sub:
            lines.append(s)
        group, sub = g, s
        cells = [c for c in rep.sec3[metric] if c is not None]
        lines.append(" ".join([label] + cells))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼",
              " ".join(RESULT_HEADS) + " 未经复议直接起诉 复议后起诉", " ".join(RESULT_HEADS * 2), " ".join(rep.sec4)]
    return "\n".join(lines + rep.outro()) + "\n"


# --------------------------------------------------------------------------- grids with spans
def _grid_art20(rep: Gb2021Report):
    """第二十条 as one 4-column grid: (rows, spans) with spans as (row0, col0, row1, col1)."""
    rows, spans = [], []

    def full(text):
        spans.append((len(rows), 0, len(rows), 3))
        rows.append([text, "", "", ""])

    def wide(label, value):  # a one-value row whose value cell spans columns 1-3
        spans.append((len(rows), 1, len(rows), 3))
        rows.append([label, value, "", ""])

    full("第二十条第（一）项")
    rows.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    rows.extend([label, *cells] for label, cells in rep.docs.items())
    full("第二十条第（五）项")
    wide("信息内容", "本年处理决定数量")
    wide("行政许可", rep.decisions["行政许可"])
    full("第二十条第（六）项")
    wide("信息内容", "本年处理决定数量")
    wide("行政处罚", rep.decisions["行政处罚"])
    wide("行政强制", rep.decisions["行政强制"])
    full("第二十条第（八）项")
    wide("信息内容", "本年收费金额（单位：万元）")
    wide("行政事业性收费", rep.fee)
    return rows, spans


def _grid_section3(rep: Gb2021Report):
    """Section 三 as the official 10-column grid with its merged cells."""
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", *APPLICANT_HEADS[1:6], ""]]
    spans = [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    first_of: dict = {}
    for metric, label, g, s in SECTION_3:
        r = len(rows)
        cells = ["" if c is None else c for c in rep.sec3[metric]]
        if g is None:
            rows.append([label, "", "", *cells])
            spans.append((r, 0, r, 2))
            continue
        row = ["", "", label, *cells]
        if g not in first_of:
            first_of[g] = r
            row[0] = g
        if s is None:
            row[1], row[2] = label, ""
            spans.append((r, 1, r, 2))
        elif s not in first_of:
            first_of[s] = r
            row[1] = s
        rows.append(row)
    for key, r0 in first_of.items():  # vertical spans: as many rows as carry that group
        col = 0 if key.startswith("三") else 1
        r1 = max(i for i, (_m, _l, g, s) in enumerate(SECTION_3, start=3) if (g if col == 0 else s) == key)
        spans.append((r0, col, r1, col))
    return rows, spans


def _grid_section4(rep: Gb2021Report):
    rows = [["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
            RESULT_HEADS + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            [""] * 5 + RESULT_HEADS * 2,
            list(rep.sec4)]
    spans = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)] + [(1, c, 2, c) for c in range(5)]
    return rows, spans


# --------------------------------------------------------------------------- DOCX
def to_docx(rep: Gb2021Report, path: Path) -> Path:
    """A Word file: paragraphs, and the three tables with real merged cells (gridSpan/vMerge)."""
    import docx

    d = docx.Document()
    intro = rep.intro()
    d.add_heading(intro[0], level=1)
    for line in intro[1:]:
        d.add_paragraph(line)
    d.add_paragraph("二、主动公开政府信息情况")
    _docx_table(d, *_grid_art20(rep))
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    _docx_table(d, *_grid_section3(rep))
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _docx_table(d, *_grid_section4(rep))
    for line in rep.outro():
        d.add_paragraph(line)
    d.save(str(path))
    return path


def _docx_table(d, rows, spans):
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in spans:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    return table


# --------------------------------------------------------------------------- PDF
def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _page_number(canvas, doc):
    canvas.setFont(_cjk_font(), 9)
    canvas.drawCentredString(297, 30, f"- {doc.page} -")  # page furniture the reader must skip


def to_pdf_ruled(rep: Gb2021Report, path: Path, split_section3_at: int = 14, **encrypt) -> Path:
    """A PDF whose tables are drawn with grid lines and merged cells (platypus Table + SPAN).

    Section 三 is cut after ``split_section3_at`` data rows and continued on the next page,
    the way Word breaks a long table (the vertically merged group cells run on without text).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = _cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    story = [Paragraph(line, body) for line in rep.intro()]
    story.append(Paragraph("二、主动公开政府信息情况", body))
    story.append(_pdf_table(*_grid_art20(rep), cell, [130, 120, 120, 120]))
    story.append(Paragraph("三、收到和处理政府信息公开申请情况", body))
    rows, spans = _grid_section3(rep)
    cut = 3 + split_section3_at
    widths = [30, 52, 150] + [38] * 7
    story.append(_pdf_table(rows[:cut], _clip(spans, 0, cut), cell, widths))
    story.append(PageBreak())
    story.append(_pdf_table(rows[cut:], _clip(spans, cut, len(rows)), cell, widths))
    story.append(Spacer(1, 12))
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", body))
    story.append(_pdf_table(*_grid_section4(rep), cell, [34] * 15))
    story += [Paragraph(line, body) for line in rep.outro()]
    kwargs = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption
        kwargs["encrypt"] = StandardEncryption(**encrypt)
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=40, rightMargin=40, topMargin=50, bottomMargin=50,
                      title=rep.intro()[0], **kwargs).build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return path


def _clip(spans, start, stop):
    """The spans of rows[start:stop], re-based; a span cut by the page break is cut too."""
    out = []
    for r0, c0, r1, c1 in spans:
        a, b = max(r0, start), min(r1, stop - 1)
        if a <= b:
            out.append((a - start, c0, b - start, c1))
    return out


def _pdf_table(rows, spans, style, widths):
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(t, style) if t else "" for t in row] for row in rows]
    cmds = [("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    cmds += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]
    return Table(data, colWidths=widths, style=TableStyle(cmds), hAlign="LEFT")


def to_pdf_unruled(rep: Gb2021Report, path: Path, wrap_at: int = 18) -> Path:
    """A PDF with no table lines: labels at the left, header names and numbers centred in columns.

    As Word prints a borderless table: every column has one centre, its header name and
    its numbers are centred on it (a blank cell is simply not printed). Labels longer than
    ``wrap_at`` characters wrap onto the next line (numbers stay on the first); pages
    break wherever the text runs out.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas as pdfcanvas

    font = _cjk_font()
    c = pdfcanvas.Canvas(str(path), pagesize=A4)
    c.setTitle(rep.intro()[0])
    state = {"y": 790.0, "page": 1}

    def newline(step=15.0):
        state["y"] -= step
        if state["y"] < 60:
            c.setFont(font, 9)
            c.drawCentredString(297, 30, f"- {state['page']} -")
            c.showPage()
            state["page"] += 1
            state["y"] = 790.0

    def text(line, x=50, size=10.5):
        c.setFont(font, size)
        c.drawString(x, state["y"], line)
        newline()

    def row(label, cells, centres, first_x=50, size=9):
        parts = [label[i:i + wrap_at] for i in range(0, len(label), wrap_at)] or [""]
        c.setFont(font, 9)
        c.drawString(first_x, state["y"], parts[0])
        c.setFont(font, size)
        for x, v in zip(centres, cells):
            if v is not None:
                c.drawCentredString(x, state["y"], v)
        newline(13)
        for part in parts[1:]:
            c.setFont(font, 9)
            c.drawString(first_x, state["y"], part)
            newline(13)

    for line in rep.intro():
        text(line)
    text("二、主动公开政府信息情况")
    text("第二十条第（一）项")
    docs = [240, 340, 440]
    row("信息内容", ["本年制发件数", "本年废止件数", "现行有效件数"], docs)
    for label, cells in rep.docs.items():
        row(label, cells, docs)
    for head, items, col in (("第二十条第（五）项", ["行政许可"], "本年处理决定数量"),
                             ("第二十条第（六）项", ["行政处罚", "行政强制"], "本年处理决定数量"),
                             ("第二十条第（八）项", [], "本年收费金额（单位：万元）")):
        text(head)
        row("信息内容", [col], [340])
        for item in items:
            row(item, [rep.decisions[item]], [340])
    row("行政事业性收费", [rep.fee], [340])
    text("三、收到和处理政府信息公开申请情况")
    applicants = [282 + 42 * n for n in range(7)]  # 42 pt columns; the widest name (6 characters) is 7 pt type
    row("申请人情况", APPLICANT_HEADS, applicants, size=6.5)
    group = sub = None
    for metric, label, g, s in SECTION_3:
        if g and g != group:
            text(g, size=9)
        if s and s != sub:
            text(s, x=56, size=9)
        group, sub = g, s
        row(label, rep.sec3[metric], applicants, first_x=62 if s else 50)
    text("四、政府信息公开行政复议、行政诉讼情况")
    appeals = [58 + 33 * n for n in range(15)]
    c.setFont(font, 8)
    c.drawCentredString(sum(appeals[:5]) / 5, state["y"], "行政复议")
    c.drawCentredString(sum(appeals[5:]) / 10, state["y"], "行政诉讼")
    newline(13)
    c.drawCentredString(sum(appeals[5:10]) / 5, state["y"], "未经复议直接起诉")
    c.drawCentredString(sum(appeals[10:]) / 5, state["y"], "复议后起诉")
    newline(13)
    row("", RESULT_HEADS * 3, appeals, size=7)
    row("", rep.sec4, appeals)
    for line in rep.outro():
        text(line)
    c.setFont(font, 9)
    c.drawCentredString(297, 30, f"- {state['page']} -")
    c.save()
    return path


def to_html(rep: Gb2021Report, path: Path, script: str = "") -> Path:
    """An HTML page with rowspan/colspan tables and (optionally) hostile scripts."""
    def table(rows, spans):
        covered, attrs = set(), {}
        for r0, c0, r1, c1 in spans:
            attrs[(r0, c0)] = f' rowspan="{r1 - r0 + 1}" colspan="{c1 - c0 + 1}"'
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        out = ["<table border='1'>"]
        for r, row in enumerate(rows):
            out.append("<tr>" + "".join(f"<td{attrs.get((r, c), '')}>{t}</td>" for c, t in enumerate(row)
                                        if (r, c) not in covered) + "</tr>")
        return "\n".join(out + ["</table>"])

    intro = rep.intro()
    parts = [f"<html><head><meta charset='utf-8'><title>{intro[0]}</title>{script}</head>",
             f"<body onload=\"fetch('http://127.0.0.1:9/x')\"><h1>{intro[0]}</h1>"]
    parts += [f"<p>{line}</p>" for line in intro[1:]]
    parts += ["<p>二、主动公开政府信息情况</p>", table(*_grid_art20(rep)),
              "<p>三、收到和处理政府信息公开申请情况</p>", table(*_grid_section3(rep)),
              "<p>四、政府信息公开行政复议、行政诉讼情况</p>", table(*_grid_section4(rep))]
    parts += [f"<p>{line}</p>" for line in rep.outro()] + [script, "</body></html>"]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- bad files
def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def garbage(path: Path, size: int = 64 * 1024, seed: int = 7) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def truncated(src: Path, path: Path, keep: float = 0.4) -> Path:
    data = Path(src).read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def password_pdf(rep: Gb2021Report, path: Path) -> Path:
    """The ruled twin, encrypted with a user password (reportlab's own RC4/AES encryption)."""
    return to_pdf_ruled(rep, path, userPassword="s3cret", ownerPassword="owner-s3cret", canPrint=0)


def owner_password_pdf(rep: Gb2021Report, path: Path) -> Path:
    """The ruled twin with only an owner password (opens without one; copying 'not allowed'),
    encrypted by reportlab, which also garbles the CJK font's Registry/Ordering strings."""
    return to_pdf_ruled(rep, path, userPassword="", ownerPassword="owner-only", canPrint=1, canCopy=0)


# --------------------------------------------------------------------------- Word-exported grids
# A Word table whose data rows split the page differently from its header row: each
# applicant header spans a wide column (40) and a sliver (4); data cell k covers the sliver
# of column k-1 and the wide part of column k. By grid index its value would stand under
# header k-1; by extent it belongs to header k.
_MAIN, _SLIVER, _LABEL = 40, 4, 130  # points (DOCX) or px (HTML); the table fits an A4 page


def _misaligned_rows(rep: Gb2021Report):
    """(label, cells) of section 三 as the misaligned table prints them (blank cells as None)."""
    return [(label, rep.sec3[metric]) for metric, label, _g, _s in SECTION_3]


def misaligned_html(rep: Gb2021Report, path: Path, widths: bool = True) -> Path:
    """Section 三 as Word exports it to HTML: colspans that do not line up, sized by width="…"."""
    def td(text, span=1, px=None):
        attrs = (f' colspan="{span}"' if span > 1 else "") + (f' width="{px}"' if widths and px else "")
        return f"<td{attrs}>{text or ''}</td>"

    head = ["<tr>" + td("申请人情况", 3, _LABEL) + "".join(td(h, 2, _MAIN + _SLIVER) for h in APPLICANT_HEADS) + "</tr>"]
    body = []
    for label, cells in _misaligned_rows(rep):
        row = td(label, 3, _LABEL) + td(cells[0], 1, _MAIN)
        row += "".join(td(v, 2, _SLIVER + _MAIN) for v in cells[1:]) + td(None, 1, _SLIVER)
        body.append(f"<tr>{row}</tr>")
    intro = rep.intro()
    parts = [f"<html><head><meta charset='utf-8'><title>{intro[0]}</title></head><body><h1>{intro[0]}</h1>"]
    parts += [f"<p>{line}</p>" for line in intro[1:]]
    parts += ["<p>三、收到和处理政府信息公开申请情况</p>", "<table border='1'>", *head, *body, "</table>"]
    parts += [f"<p>{line}</p>" for line in rep.outro()] + ["</body></html>"]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def misaligned_docx(rep: Gb2021Report, path: Path) -> Path:
    """Section 三 as a Word table whose data rows merge other grid columns than its header row."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    for line in rep.intro():
        d.add_paragraph(line)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    n_cols = 1 + 2 * len(APPLICANT_HEADS)
    table = d.add_table(rows=1 + len(SECTION_3), cols=n_cols)
    table.style = "Table Grid"
    grid = table._tbl.tblGrid
    for gc, w in zip(grid.gridCol_lst, [_LABEL] + [_MAIN, _SLIVER] * len(APPLICANT_HEADS)):
        gc.w = Pt(w)

    def fill(row, spans):
        """spans: (text, n grid columns); rebuild the row's cells with gridSpan."""
        tr = row._tr
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        for text, n in spans:
            tc = tr.add_tc()
            tc.width = Pt(0)
            if n > 1:
                pr = tc.get_or_add_tcPr()
                span = OxmlElement("w:gridSpan")
                span.set(qn("w:val"), str(n))
                pr.append(span)
            p = tc.add_p() if not tc.p_lst else tc.p_lst[0]
            if text:
                r = p.add_r()
                r.text = text

    fill(table.rows[0], [("申请人情况", 1)] + [(h, 2) for h in APPLICANT_HEADS])
    for row, (label, cells) in zip(table.rows[1:], _misaligned_rows(rep)):
        fill(row, [(label, 1), (cells[0], 1)] + [(v, 2) for v in cells[1:]] + [(None, 1)])
    for line in rep.outro():
        d.add_paragraph(line)
    d.save(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """A page that is only an image of a table: no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas as pdfcanvas

    img = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(img)
    for y in range(20, 400, 40):
        draw.line([(20, y), (580, y)], fill=0, width=2)
    for x in range(20, 600, 80):
        draw.line([(x, 20), (x, 380)], fill=0, width=2)
    c = pdfcanvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(img), 40, 300, width=500, height=333)
    c.showPage()
    c.save()
    return path


def sparse_file(path: Path, size: int = 200 * 1024 * 1024) -> Path:
    """A file of ``size`` bytes that takes no disk space and no time to make."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def zip_bomb_docx(path: Path, megabytes: int = 300) -> Path:
    """A .docx whose word/document.xml expands to ``megabytes`` MB of zeros (~300 KB on disk).

    Written in 1 MB chunks, so making it never holds more than 1 MB in memory (~1-2 s).
    """
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            for _ in range(megabytes):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def docx_with_parts(src: Path, path: Path, replace: dict) -> Path:
    """Copy a .docx, replacing (or adding) parts: ``{name: bytes}``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename not in replace:
                zout.writestr(item, zin.read(item.filename))
        for name, data in replace.items():
            zout.writestr(name, data)
    return path


def docx_with_doctype(src: Path, path: Path, doctype: str, entity_ref: str) -> Path:
    """Copy a .docx with a DOCTYPE (entity declarations) put into word/document.xml and a
    reference to the entity in the first paragraph's text."""
    with zipfile.ZipFile(src) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    head, sep, rest = xml.partition("?>")
    xml = head + sep + doctype + rest
    xml = xml.replace("<w:t>", f"<w:t>{entity_ref}", 1)
    return docx_with_parts(src, path, {"word/document.xml": xml.encode("utf-8")})


def docx_external_refs(rep: Gb2021Report, path: Path, url: str) -> Path:
    """The DOCX twin plus external relationships: a linked template, a hyperlink, a linked image."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    to_docx(rep, path)
    d = docx.Document(str(path))
    part = d.part
    part._settings_part.relate_to(url + "/template.dotx", _ATTACHED_TEMPLATE, is_external=True)
    part.relate_to(url + "/page", RT.HYPERLINK, is_external=True)
    part.relate_to(url + "/image.png", RT.IMAGE, is_external=True)
    d.save(str(path))
    return path


def nested_docx(path: Path, depth: int) -> Path:
    """A .docx with a table nested ``depth`` deep (a table in a cell of a table in a cell ...)."""
    import docx

    d = docx.Document()
    d.add_paragraph("某某县人民政府2022年政府信息公开工作年度报告")
    cell = d.add_table(rows=1, cols=2).cell(0, 0)
    for n in range(depth):
        cell.text = f"层{n}"
        cell = cell.add_table(rows=1, cols=2).cell(0, 0)
    d.save(str(path))
    return path


def nested_html(path: Path, depth: int) -> Path:
    path.write_text("<html><body><p>某某县人民政府2022年政府信息公开工作年度报告</p>"
                    + "<table><tr><td>1" * depth + "</td></tr></table>" * depth + "</body></html>", encoding="utf-8")
    return path


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
                  + "]>")


def entity_bomb_html(rep: Gb2021Report, path: Path) -> Path:
    """The HTML twin behind an XML prolog declaring a billion-laughs entity, used in the body."""
    to_html(rep, path)
    text = path.read_text(encoding="utf-8")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + BILLION_LAUGHS + "\n"
                    + text.replace("<body", "<body>&lol9;<div", 1), encoding="utf-8")
    return path


def xxe_html(rep: Gb2021Report, path: Path, target: str) -> Path:
    """The HTML twin with an external entity (SYSTEM file URL) declared and referenced."""
    to_html(rep, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "{target}">]>\n'
                    + text.replace("<h1>", "<p>&xxe;</p><h1>", 1), encoding="utf-8")
    return path


def symlink_loop(folder: Path) -> Path:
    """A link inside ``folder`` that points back at ``folder`` (walking it never ends)."""
    link = folder / "loop"
    os.symlink(folder, link, target_is_directory=True)
    return link


_ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
