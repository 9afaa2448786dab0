"""A gb2021 section 三 table read by OCR, built from ``model.OcrCell`` cells (shared by the OCR unit tests).

The figures are consistent: 予以公开 5 (自然人) + 2 (商业企业) = 7 (总计), every other outcome 0, nothing carried
over or forward, so 本年新收 = 办理结果总计 = 7 and every identity of the table holds as printed.
"""
from __future__ import annotations

import filegen
from govreport.model import Block, Document, OcrCell

HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + ["申请人情况"] * 7,
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + filegen.APPLICANT_HEADS,
]
PRINTED = {m: ["0"] * 7 for m, *_ in filegen.SECTION_3}
for _m in ("requests.new_received", "outcome.granted", "outcome.total"):
    PRINTED[_m] = ["5", "2", "0", "0", "0", "0", "7"]


def ocr_document(read=None, confidence: float = 0.95, ocr_labels: bool = True) -> Document:
    """The table as OCR reads it: every cell an OcrCell of ``confidence``; ``read`` {(metric, column index):
    (text, confidence)} overrides what OCR read in some cells."""
    read = read or {}
    grid = [list(r) for r in HEADER]
    for r, (metric, label, group, sub) in enumerate(filegen.SECTION_3):
        left = [group or label, sub or label, label] if group else [label, label, label]
        if group and not sub:
            left = [group, label, label]
        if ocr_labels:
            left = [OcrCell(t, confidence, page=1, bbox=(10.0, 100.0 + 12 * r, 200.0, 110.0 + 12 * r)) for t in left]
        cells = []
        for c, text in enumerate(PRINTED[metric]):
            text, conf = read.get((metric, c), (text, confidence))
            cells.append(OcrCell(text, conf, page=1, bbox=(200.0 + 30 * c, 100.0 + 12 * r, 228.0 + 30 * c, 110.0 + 12 * r)))
        grid.append(left + cells)
    blocks = [Block.line("测试县人民政府2022年政府信息公开工作年度报告"),
              Block.line("三、收到和处理政府信息公开申请情况"), Block.table(grid, page=1),
              Block.line("四、政府信息公开行政复议、行政诉讼情况")]
    return Document(path="scan.pdf", format="pdf", blocks=blocks, meta={"ocr_pages": [1]})
