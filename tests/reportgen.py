"""Write small but complete report texts in the official layouts, for tests that need
a broken identity, a blank cell or a placeholder where the real fixtures have none."""
from __future__ import annotations

SECTION_3_LABELS = [
    ("requests.new_received", "一、本年新收政府信息公开申请数量"),
    ("requests.carried_over", "二、上年结转政府信息公开申请数量"),
    ("outcome.granted", "（一）予以公开"),
    ("outcome.partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("outcome.denied.state_secret", "1.属于国家秘密"),
    ("outcome.denied.law_prohibited", "2.其他法律行政法规禁止公开"),
    ("outcome.denied.security_stability", "3.危及“三安全一稳定”"),
    ("outcome.denied.third_party", "4.保护第三方合法权益"),
    ("outcome.denied.internal_affairs", "5.属于三类内部事务信息"),
    ("outcome.denied.process_info", "6.属于四类过程性信息"),
    ("outcome.denied.enforcement_file", "7.属于行政执法案卷"),
    ("outcome.denied.admin_query", "8.属于行政查询事项"),
    ("outcome.unavailable.not_held", "1.本机关不掌握相关政府信息"),
    ("outcome.unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    ("outcome.unavailable.unclear", "3.补正后申请内容仍不明确"),
    ("outcome.not_processed.complaint", "1.信访举报投诉类申请"),
    ("outcome.not_processed.duplicate", "2.重复申请"),
    ("outcome.not_processed.publication", "3.要求提供公开出版物"),
    ("outcome.not_processed.excessive", "4.无正当理由大量反复申请"),
    ("outcome.not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    ("outcome.other.total", "（六）其他处理"),
    ("outcome.total", "（七）总计"),
    ("requests.carried_forward", "四、结转下年度继续办理"),
]


def gb2019_text(agency="某某县人民政府", year=2020, rows=None, appeals=None, default="0") -> str:
    """A gb2019 report as PDF-extracted text. ``rows`` maps metric -> 7 cell strings."""
    rows = rows or {}
    lines = [f"{agency}{year}年政府信息公开工作年度报告", "",
             f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。", "",
             "一、总体情况", "本年度依法推进政府信息公开工作。", "",
             "二、主动公开政府信息情况", "第二十条第（一）项",
             "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
             "规章 0 0 0", "规范性文件 2 2 10",
             "第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
             "行政许可 30 -2 120", "其他对外管理服务事项 5 0 8",
             "第二十条第（六）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
             "行政处罚 40 1 300", "行政强制 3 0 12",
             "第二十条第（八）项", "信息内容 上一年项目数量 本年增/减", "行政事业性收费 6 0",
             "第二十条第（九）项", "信息内容 采购项目数量 采购总金额", "政府集中采购 4 125.5", "",
             "三、收到和处理政府信息公开申请情况",
             "申请人情况 自然人 法人或其他组织 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"]
    for metric, label in SECTION_3_LABELS:
        cells = rows.get(metric, [default] * 7)
        lines.append(f"{label} {' '.join(cells)}")
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况",
              "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
              " ".join(appeals or ["0"] * 15), "",
              "五、存在的主要问题及改进情况", "下一步将继续改进。"]
    return "\n".join(lines) + "\n"
