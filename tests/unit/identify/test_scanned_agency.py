"""The agency of a scan whose title OCR misread, on lines tesseract read from the real scans: a name stated only
when it is shown right, and never a misread or cut one (identify.scanned).

The lines are the OCR'd text lines (text, confidence as readers.ocr returned them) that hold 田市, 技术局, 水利局
or 审计局, in page order, recorded from build/scans/<print>_<dpi>dpi/<case>.pdf (scripts/make_scans.py from
tests/data/real/<case>.html) with the committed readers (HEAD 83d7d7a) by a script that printed every OCR'd
block holding one of those words; the other lines are left out. The right agency is each case's hand-checked
one (tests/data/real/expected/<case>.json).
"""
from pathlib import Path

from govreport.identify import identify
from govreport.identify.agency import agency_candidates, choose_agency
from govreport.identify.scanned import corrected, ocr_lines, surely_read
from govreport.identify.titles import find_title
from govreport.model import Block, Document, OcrCell

KJJ_OFFICE_300 = [  # build/scans/office_300dpi/putian_ptkjj_2024.pdf
    ('青田市科学技术局2024年政府信息公开工作年度报告', 0.28),  # p2
    ('发布时间: 2025-01-21 10:30 |来源:莆田市科技局', 0.59),  # p2
    ('根据《中华人民共和国政府信息公开条例》《国务院令第711号，以下简称《条例》)《中华人民共和国政府信息公开工作年度报告格式》〈国办公开办函【2021] 308)等工作要求，发布《莆田市科', 0.14),  # p3
    ('学技术局2024年度政府信息公开工作年度报告》。报告全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其', 0.85),  # p3
    ('他需要报告的事项等六个方面。本报告中所列数据的统计期限自2024年1月1日起至12月31日止，本报告电子版可在莆田市人民政府网站政务公开专栏下载。如对本报告有疑问或建议意见，请与莆田市科', 0.48),  # p3
    ('学技术局办公室联系〈地址:福建省莆田市荔城中大道2169号莆田市人民政府4号楼;邮编: 351100;电话0594-2692593;电子邮箱: pt2692593@126.com)。', 0.00),  # p3
    ('2024年度，莆田市科学技术局坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大及二十届三中全会精神，紧紧围绕市委、市政府中心工作，认真贯彻落实《中华人民共和国政府', 0.67),  # p3
    ('(=)政府信息管理方面。加强信息发布审核把关，严格执行政府信息公开保密审查制度，按照“三审制”要求，严格把关，执行“分级审核、先审后发”程序，充分利用莆田市政府网站与政务新媒体统一', 0.67),  # p3
    ('莆田市科学技术局', 0.12),  # p6
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.71),  # p6
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-2221669Email: putiangov@163.com', 0.74),  # p6
]

SLJ_OFFICE_300 = [  # build/scans/office_300dpi/putian_ptsslj_2020.pdf
    ('甫田市水利局2020 AEE BONES OT LEER', 0.25),  # p2
    ('发布时间: 2021-01-18 17:03 |来源: PITSSILJ-萌田市水利局', 0.19),  # p2
    ('息公开工作年度报告有关事项的通知国办公开办图(2019) 605文件要求，菁田市水利局编制完成本报告。报告内容包括总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况', 0.25),  # p2
    ('版可以从萌田市水利信息网(https://www.putian.gov.cn/zfxxgk/bmzfxxqk/ptsslj/zfxxgk/zfxxgknb/)信息公开专栏下载。如对本年报内容有疑问，请与莆田市水利局办公室联系(地址:莆田市机关大院', 0.00),  # p2
    ('息及意见箱信息等。此外，我局通过明确工作任务、落实信息“三审”等方式有效保障网站运行各项工作落实。二是“莆田河长制”微信公众号建设方面。“莆田市河长制”微信公众号已委托市东南网代为维护', 0.42),  # p3
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.82),  # p7
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-2221669Email: putiangov@163.com', 0.76),  # p7
]

SJJ_OFFICE_300 = [  # build/scans/office_300dpi/putian_ptsjj_2024.pdf
    ('和下田市审计局2024年政府信息公开工作年度报;', 0.08),  # p2
    ('根据《中华人民共和国政府信息公开条例》、“《福建省政府信息公开办法》以及《中华人民共和国政府信息公开工作年度报各格式》文件要求，符向社会公布靖田市审计局2024年政府信息公开工作年度报', 0.07),  # p2
    ('告中所列的数据时限为2024年1月1日至2024年12月31日止。本报告将在“背田市审计局政府信息公开专栏”( https:/www.putian.gov.cm/zfxxgk/bmzfxxgkyptsjj/zpexgk/zfoxgknb/)予以公布。', 0.13),  # p2
    ('如对本年报有疑问，请与我局办公室联系地址:莆田市蔓城中大道2169号机关大院1号楼401室，电话: 0594-2293755，邮编: 351100)。', 0.15),  # p2
    ('布2023年度我局法治政府建设工作情况、2024年我市审计项目计划及我局每月“三公”经费支出情况、每季度行政处罚信息等信息，主动公开2024年度市审计局、局本级及3个下属事业单位预算、2023', 0.52),  # p5
    ('年度市审计局、局本级及3个下属事业单位决算，根据主管部门要求进行修正更新。本年度未收取信息处理费。', 0.68),  # p5
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAIL Rights Reserved', 0.58),  # p6
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-2221669Email: putiangov@163.com', 0.75),  # p6
]

SJJ_BROWSER_300 = [  # build/scans/browser_300dpi/putian_ptsjj_2024.pdf
    ('青田市审计局2024年政府信息公开工作年度报告', 0.47),  # p2
    ('莆田市审计局', 0.57),  # p6
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAII Rights Reserved', 0.76),  # p6
]

KJJ_OFFICE_200 = [  # build/scans/office_200dpi/putian_ptkjj_2024.pdf
    ('青田市科学技术局2024年政府信息公开工作年度报告', 0.33),  # p2
    ('发布时间: 2025-01-21 10:30 |来源:莆田市科技局', 0.92),  # p2
    ('根据《中华人民共和国政府信息公开条例》(国务院令第711号，以下简称《条例》)《中华人民共和国政府信息公开工作年度报告格式》(BAR (2021) 305)等工作要求，发布《莆田市科', 0.41),  # p3
    ('学技术局2024年度政府信息公开工作年度报告》。报告全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其', 0.69),  # p3
    ('他需要报告的事项等六个方面。本报告中所列数据的统计期限自2024年1月1日起至12月31日止，本报告电子版可在莆田市人民政府网站政务公开专栏下载。如对本报告有疑问或建议意见，请与莆田市科', 0.19),  # p3
    ('学技术局办公室联系〈地址:福建省莆田市功城中大道2169号莆田市人民政府4号楼;邮编: 351100;电话0594-2692593;电子邮箱: pt2692593@126.com)。', 0.21),  # p3
    ('2024年度，莆田市科学技术局坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大及二十届三中全会精神，紧紧围绕市委、市政府中心工作，认真贯彻落实《中华人民共和国政府', 0.47),  # p3
    ('(=|)政府信息管理方面。加强信息发布审核把关，严格执行政府信息公开保密审查制度，按照“三审制”要求，严格把关，执行“分级审核、先审后发”程序，充分利用莆田市政府网站与政务新媒体统一', 0.60),  # p3
    ('莆田市科学技术局', 0.53),  # p6
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.83),  # p6
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-2221669Email: putiangov@163.com', 0.79),  # p6
]

SLJ_BROWSER_300 = [  # build/scans/browser_300dpi/putian_ptsslj_2020.pdf
    ('萌田市水利局2020年度政府信息公开工作年度报', 0.00),  # p2
    ('发布时间: 2021-01-18 17:03 |来源: PTS5品-莆田市水利局', 0.08),  # p2
    ('工作年度报告有关事项的通知》(ABAD (2019) 605)等文件要求，莆田市水利局编制完成本', 0.00),  # p2
    ('从莆田市水利信息网(https://www.putian.gov.cn/zfxxgk/bmzfxxgk/ptsslj/zfxxgk/zfxxgknb/)', 0.39),  # p2
    ('信息公开专栏下载。如对本年报内容有疑问，请与莆田市水利局办公室联系Shhh:莆田市机关大院四', 0.00),  # p2
    ('号楼水利局411室;邮编: 351100 ;电话: 2281671 ;传真: 2672819 ;电子邮箱:ptsl2008@16', 0.84),  # p3
    ('2020年，莆田市水利局深入学习领会习近平新时代中国特色社会主义思想、党的十九大精神和十', 0.47),  # p3
    ('在莆田市重大水利建设攻坚专题下共发布水利建设信息31条，工作进展信息19条。在水利局网站', 0.77),  # p3
    ('工作落实。二是“莆田河长制"微信公众号建设方面。“莆田市河长制"微信公众号已委托市东南网代为维', 0.52),  # p4
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.79),  # p9
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-', 0.70),  # p9
]


SLJ_OFFICE_300_DEBIAN = [  # the same print made on Debian's LibreOffice 7.4 (landscape pages), scanned at 300 dpi:
    # recorded 2026-12-07 at bb8f096; no line holding 莆田市 is read surely (>= 0.6), so no region is put right
    ('甫田市水利局2020年度政府信息公开工作年度报生', 0.00),  # p2
    ('发布时间: 2021-01-18 17:03 |来源: PTSSLJ-莆田市水利局', 0.54),  # p2
    ('息公开工作年度报告有关事项的通知》(AAD (2019) 605)等文件要求，菁田市水利局编制完成本报告。报告内容包括总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况', 0.20),  # p2
    ('版可以从萌田市水利信息网(https://www.putian.gov.cn/zfxxgk/bmzfxxgk/ptsslj/zfxxgk/zfxxgknb/)信息公开专栏下载。如对本年报内容有疑问，请与莆田市水利局办公室联系(地址;莆田市机关大阶', 0.00),  # p2
    ('息及意见箱信息等。此外，我局通过明确工作任务、落实信息“三审”等方式有效保障网站运行各项工作落实。二是“莆田河长制”微信公众号建设“莆田市河长制”微信公众号已委托市东南网代为维护', 0.54),  # p3
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.48),  # p7
    ('主办:莆田市人民政府办公室承办:莆田市数字靖田建设领导小组办公室联系电话: 0594-2221669Email: putiangov@163.com', 0.00),  # p7
]

def _scan(lines, table: bool = False) -> Document:
    blocks = [Block.line(OcrCell(t, c, 1, (0, 0, 1, 1)), page=1) for t, c in lines]
    if table:  # identify() needs a statistics table (the gb2021 header rows the scans read)
        blocks.append(Block.table([("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
                                   ("本年制发件数", "本年废止件数", "现行有效件数", "", "", "", "", "")]))
    return Document(Path("scan.pdf"), "pdf", blocks)


def _named(doc: Document) -> list[str]:
    return [c.name for c in agency_candidates(doc, doc.full_text(), 2024)[1]]


def test_the_tail_of_a_name_wrapped_onto_a_new_line_is_never_stated():
    # 发布《莆田市科 / 学技术局2024年度…》: the second line, read at 0.85, starts with 学技术局 (was the agency before)
    doc = _scan(KJJ_OFFICE_300)
    assert not surely_read(ocr_lines(doc), "学技术局")
    assert "学技术局" not in _named(doc)
    assert find_title(doc, 2024)[:2] == (2024, "莆田市科学技术局")  # 青田市 put right: 莆田市 read surely, 科学技术局 twice
    assert choose_agency(agency_candidates(doc, doc.full_text(), 2024)[1])[0].name == "莆田市科学技术局"


def test_a_region_misread_one_way_per_line_is_put_right():
    # 甫田市 (title), 萌田市 (来源 line), 菁田市 (本报告 sentence): 莆 three ways, 水利局 alike; 莆田市 read surely
    doc = _scan(SLJ_OFFICE_300)
    read = ocr_lines(doc)
    assert not surely_read(read, "萌田市水利局")
    assert corrected(read, "萌田市水利局") == "莆田市水利局"
    winner, others = choose_agency(agency_candidates(doc, doc.full_text(), 2020)[1])
    assert (winner.source, winner.name, others) == ("sentence", "莆田市水利局", [])


def test_a_title_that_lost_its_last_character_and_misread_its_region():
    # 萌田市水利局2020年度政府信息公开工作年度报 (0.00): 告 lost, 莆 read 萌; 莆田市水利局 read alike three times
    assert find_title(_scan(SLJ_BROWSER_300), 2020)[:2] == (2020, "莆田市水利局")

def test_a_misread_title_region_is_put_right_by_the_signature_read_alike():
    doc = _scan(SJJ_BROWSER_300)  # 青田市审计局… (0.47) and the signature 莆田市审计局 (0.57): neither sure alone
    assert find_title(doc, 2024)[:2] == (2024, "莆田市审计局")


def test_without_a_second_read_of_the_rest_nothing_is_put_right():
    doc = _scan([line for line in SJJ_BROWSER_300 if line[0] != "莆田市审计局"])
    assert find_title(doc, 2024)[:2] == (2024, "")


def test_without_the_region_read_surely_elsewhere_nothing_is_put_right():
    unsure = [(t, c) for t, c in SLJ_OFFICE_300 if c < 0.6]  # the footers were the sure reads of 莆田市
    doc = _scan(unsure)
    assert corrected(ocr_lines(doc), "萌田市水利局") == ""
    assert choose_agency(agency_candidates(doc, doc.full_text(), 2020)[1])[0] is None


def test_a_region_two_regions_could_be_is_not_put_right():
    # 青田市 is one character from 莆田市 and from 青岛市: a sure line naming both (added here) leaves it open
    lines = SJJ_BROWSER_300 + [("学习青岛市、莆田市的经验", 0.9)]
    assert find_title(_scan(lines), 2024)[:2] == (2024, "")


def test_misreads_no_second_source_confirms_are_never_stated():
    # 和下田市审计局 (title, 0.08), 靖田市审计局 (公布 sentence), 背田市审计局 (专栏 line): the agency is unknown
    doc = _scan(SJJ_OFFICE_300)
    assert _named(doc) == []
    ident = identify(_scan(SJJ_OFFICE_300, table=True))
    assert (ident.agency, ident.agency_id) == ("unknown", "unknown")
    # not "nothing in the file names the agency": the title is there, OCR could not read it
    assert [rule for rule, _ in ident.findings] == ["identify.agency_unknown_title_unread"]


def test_a_short_name_from_a_source_line_is_published_as_its_agency():
    # the title unreadable (青田市… with nothing else naming 科学技术局), the 来源 line names the short name
    doc = _scan(KJJ_OFFICE_200[:2], table=True)
    ident = identify(doc)
    assert (ident.agency, ident.agency_id, ident.agency_source) == ("莆田市科学技术局", "莆田市科学技术局", "sentence")
    # the title's name was not read surely (青田市 not put right): it cannot be said that the title names none
    assert ident.findings == (("identify.agency_title_unread", "agency taken from the sentence: 莆田市科技局"),)


def test_a_title_that_prints_the_short_name_keeps_it():
    # putian_ptkjj_2009: 莆田市科技局2009年度政府信息公开工作年度报告 (the hand-checked agency is the printed name)
    ident = identify(_scan([("莆田市科技局2009年度政府信息公开工作年度报告", 0.9)], table=True))
    assert (ident.agency, ident.agency_id, ident.agency_source) == ("莆田市科技局", "莆田市科学技术局", "title")


# ----------------------------------------------------------------------------- the level on the scan path
# A government's report scanned: its real text (tests/data/real/*.txt) as OCR'd lines read at 0.9, the title line
# read as the ptsslj office scan read its own (Latin garbage, 0.25) or with 莆/三 misread, so the other sources decide.
def _as_scan(case: str, title_as: str = "") -> Document:
    from govreport.readers import read_document

    blocks = []
    for b in read_document(Path(__file__).parents[2] / "data" / "real" / f"{case}.txt").blocks:
        if b.kind == "text":
            text, conf = str(b.text), 0.9
            if "工作年度报告" in text and len(text) < 60 and title_as:
                text, conf = title_as, 0.25
            b = Block.line(OcrCell(text, conf, 1, (0, 0, 1, 1)), page=1)
        blocks.append(b)
    return Document(Path(f"{case}.pdf"), "pdf", blocks)


def test_a_peoples_government_title_read_by_ocr_gives_the_government():
    for case in ("putian_shizhengfu_2019", "sanming_shizhengfu_2013", "sanming_shizhengfu_2019"):
        ident = identify(_as_scan(case))
        assert (ident.agency_level, ident.agency_source) == ("government", "title"), case


def test_a_government_report_whose_title_ocr_lost_is_never_a_department():
    # signed by its working group's office (三明市政府信息公开工作领导小组办公室) or naming its 政务公开办 as contact
    for case, agency in (("sanming_shizhengfu_2013", "三明市人民政府"), ("sanming_shizhengfu_2019", "三明市人民政府"),
                         ("putian_shizhengfu_2019", "unknown")):  # the last names no agency outside its title
        ident = identify(_as_scan(case, "AEE BONES OT LEER"))
        assert (ident.agency, ident.agency_level) == (agency, "government" if agency != "unknown" else "unknown"), case


def test_a_governments_office_signing_an_untitled_scan_leaves_the_agency_unknown():
    # putian_ptsrmzfbgs_2019: the office's own report, signed 莆田市人民政府办公室 (the city's reports are signed so too)
    titled = identify(_as_scan("putian_ptsrmzfbgs_2019", "青田市人民政府办公室2019年政府信息公开工作年度报告"))
    assert (titled.agency, titled.agency_level) == ("莆田市人民政府办公室", "department")  # 青田市 put right
    untitled = identify(_as_scan("putian_ptsrmzfbgs_2019", "AEE BONES OT LEER"))
    assert (untitled.agency, untitled.agency_level) == ("unknown", "unknown")
    assert "莆田市人民政府办公室" in dict(untitled.findings)["identify.agency_unknown"]


# ----------------------------------------------------------------------------- a scan whose title OCR lost
# Recorded as above from the OCR page cache of HEAD 2ca9d66 (the audit's reads): every OCR'd line holding 田市 or
# 林业局/水利局, the title line and (ptslyj) the 统计期限 line, which gives the year.
LYJ_BROWSER_150 = [  # build/scans/browser_150dpi/putian_ptslyj_2023.pdf
    ('莆一闻局2023年政府信息公开工作# GRA', 0.00),  # p2: the title, region cut
    ('发布时间| 2024-01-10 15:12 | RR:莆田市林业局', 0.43),  # p2: 来源 misread
    ('2023年，莆田市林业局严格按照《中华人民共和国政府信息公开条例》(以下简称《条例》)》《福建', 0.43),  # p2
    ('的统计期限自2023年1月1日起至2023年12月31日止。本报告的电子版可在市政府网站', 0.67),  # p2: the year
    ('(http://www.putian.gov.cn/)“政府信息公开专栏"中的“部内政府信息"栏目下的“莆田市林业局政', 0.69),  # p2
    ('府信息公开专栏"下载。如对本报告有任何疑问，请与莆田市林业局政府信息公开工作领导小组办公室', 0.88),  # p2
    ('联系(地址:莆田市市政府2号楼407室;邮编; 351100 ;电话: 0594-2333253 ;传真: 0594-', 0.68),  # p2
    ('(一)主动公开情况。莆田市林业局坚持以习近平新时代中国特色社会主义思想为指引，深入学习', 0.56),  # p3
    ('年，莆田市林业局通过莆田市人民政府信息以网上公开发布的形式新增主动公开政府信息29条，全文电', 0.46),  # p3
    ('(=)依申请公开情况。2023年，莆田市林业局收到公民办理政府信息公开申请2条，均按时办', 0.47),  # p3
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.58),  # p7
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-', 0.76),  # p8
]

SLJ_OFFICE_300_NOW = [  # build/scans/office_300dpi/putian_ptsslj_2020.pdf
    ('甫田市水利局2020 AEE BONES OT LEER', 0.25),  # p2
    ('发布时间: 2021-01-18 17:03 |来源: PTSSLJ-F HHA ay', 0.15),  # p2
    ('息公开工作年度报告有关事项的通知国办公开办图(2019) 605文件要求，菁田市水利局编制完成本报告。报告内容包括总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况', 0.25),  # p2
    ('息及意见箱信息等。此外，我局通过明确工作任务、落实信息“三审”等方式有效保障网站运行各项工作落实。二是“莆田河长制”微信公众号建设方面。“莆田市河长制”微信公众号已委托市东南网代为维护', 0.42),  # p3
    ('版权所有莆田市人民政府网Copyright 2006www.putian.gov.cnAll Rights Reserved', 0.82),  # p7
    ('主办:莆田市人民政府办公室承办:莆田市数字莆田建设领导小组办公室联系电话: 0594-2221669Email: putiangov@163.com', 0.76),  # p7
]


def test_a_contact_sentence_wrapped_over_two_lines_names_the_agency_of_its_office():
    # 请与莆田市林业局政府信息公开工作领导小组办公室 / 联系(地址…: the office answers for 莆田市林业局, which OCR read
    # whole and surely elsewhere (“莆田市林业局政, 0.69); the title is unreadable, so no finding says it names none
    ident = identify(_scan(LYJ_BROWSER_150, table=True))
    assert (ident.agency, ident.agency_id, ident.agency_source, ident.agency_level) == (
        "莆田市林业局", "莆田市林业局", "sentence", "department")
    assert ident.findings == (("identify.agency_title_unread", "agency taken from the sentence: 莆田市林业局"),)


def test_an_office_whose_agency_ocr_read_only_inside_the_sentence_is_not_stated():
    # only the title, the year and the wrapped sentence: 莆田市林业局 is read once, after 与, never whole on its own
    doc = _scan([LYJ_BROWSER_150[n] for n in (0, 3, 5, 6)], table=True)
    assert "联系" in LYJ_BROWSER_150[6][0] and "统计期限" in LYJ_BROWSER_150[3][0]
    assert _named(doc) == []
    assert identify(doc).agency == "unknown"


def test_sentences_of_a_scan_naming_two_agencies_leave_it_unknown():
    # a second sentence naming another agency (added here): which one wrote the report cannot be told, whether
    # OCR read it surely (after ，: whole) or not (after 由: read once, not whole)
    for added in ("根据文件要求，莆田市水利局编制完成本报告。", "本报告由莆田市水利局编制。"):
        ident = identify(_scan(LYJ_BROWSER_150 + [(added, 0.9)], table=True))
        assert ident.agency == "unknown", added
        assert dict(ident.findings)["identify.agency_unknown_title_unread"].endswith("tells which agency wrote the report")


def test_a_misread_region_in_the_writer_sentence_is_put_right_and_said_so():
    # 菁田市水利局编制完成本报告 (0.25): 莆田市 read surely in the footer (0.82), 水利局 read alike after 甫田市 (title)
    ident = identify(_scan(SLJ_OFFICE_300_NOW, table=True))
    assert (ident.agency, ident.agency_source) == ("莆田市水利局", "sentence")
    assert ident.findings == (
        ("identify.agency_title_unread", "agency taken from the sentence: 莆田市水利局"),
        ("identify.agency_ocr_corrected", "OCR read 菁田市水利局 (sentence); its region put right: 莆田市水利局"))


def test_a_title_whose_region_was_put_right_says_so():
    # 萌田市水利局2020年度政府信息公开工作年度报 (0.00): the title names the agency, read with 莆 misread
    ident = identify(_scan(SLJ_BROWSER_300, table=True))
    assert (ident.agency, ident.agency_source) == ("莆田市水利局", "title")
    assert ident.findings == (
        ("identify.agency_ocr_corrected", "OCR read 萌田市水利局 (title); its region put right: 莆田市水利局"),)


def test_a_scanned_title_read_surely_that_names_no_agency_says_so():
    # the title read whole but naming only the year (added here, as 2019年政府信息公开工作年度报告 titles do)
    lines = [("2024年政府信息公开工作年度报告", 0.9), KJJ_OFFICE_200[6], KJJ_OFFICE_200[1]]  # 来源 not beside it
    ident = identify(_scan(lines, table=True))
    assert ident.findings == (("identify.agency_not_in_title", "agency taken from the sentence: 莆田市科技局"),)


def test_a_name_read_once_exactly_and_twice_with_its_region_misread_is_stated():
    # 来源: PTSSLJ-莆田市水利局 (0.54; the portal's site code before the name, catalog/agency_sources.csv), and
    # 甫田市水利局 (title, 0.00) and 菁田市水利局 (writer sentence, 0.20): three readings of 水利局 after 莆田市 or a
    # one-character misread of it. The title is unreadable (报告 read 报生), so the 来源 line names the agency.
    ident = identify(_scan(SLJ_OFFICE_300_DEBIAN, table=True))
    assert (ident.agency, ident.agency_source) == ("莆田市水利局", "sentence")
    assert ident.findings == (("identify.agency_title_unread", "agency taken from the sentence: 莆田市水利局"),)
    read = ocr_lines(_scan(SLJ_OFFICE_300_DEBIAN))
    assert surely_read(read, "莆田市水利局") and not surely_read(read, "莆田市水利信息网")


def test_one_exact_reading_and_one_misread_region_are_not_enough():
    # without the writer sentence (菁田市水利局): two readings (the exact one and 甫田市), which READ_TWICE would
    # need whole and alike: the agency stays unknown
    lines = [line for line in SLJ_OFFICE_300_DEBIAN if "菁田市" not in line[0]]
    assert not surely_read(ocr_lines(_scan(lines)), "莆田市水利局")
    assert identify(_scan(lines, table=True)).agency == "unknown"
