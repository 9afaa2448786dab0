"""A sum over the rows that were read is not a sum that holds (issue 18): where the parse could not place some
numbers of a table, a total derived from the rows read, or a sum missing an operand, is "cannot tell"
(not_assessable, PART_UNREAD), never a pass and never the report's 勾稽不成立.

Real scans, recorded (tests/ocr_rows.py, tests/data/ocr_rows/); figures checked by hand against
tests/data/real/expected/.
"""
from __future__ import annotations

from govreport.checks.identities import check_identities, derive_totals
from govreport.extract import extract
from govreport.model import PART_UNREAD, Block, OcrCell
from ocr_rows import recorded, truth, wrong


def _checked(name: str, doc=None):
    ex = extract(doc or recorded(name), "gb2021")
    values = list(ex.values)
    derived = derive_totals(values, "gb2021", ex.placeholders, ex.unmapped)
    return ex, values, derived, check_identities("r", "gb2021", values, ex.placeholders, ex.unmapped)


def test_a_table_with_unplaced_rows_never_holds_its_balance():
    # 审计局 2024, browser print at 300 dpi: the 1s of rows 一, (一) and (七) read 了, and ten outcome rows'
    # labels are unreadable: the rows read sum to 0 where the report prints 1 (new, granted and total)
    ex, values, derived, findings = _checked("putian_ptsjj_2024.browser_300dpi")
    assert truth("putian_ptsjj_2024")["outcome.total|natural_person"] == 1
    assert not [d for d in derived if d["metric"] == "outcome.total"]  # a 0 summed over the rows read: not stored
    assert wrong(values, "putian_ptsjj_2024") == []
    balance = {f["applicant"]: f for f in findings if f["rule"] == "requests.balance"}
    assert sorted(balance) == sorted(["natural_person", "commercial", "research", "social_org", "legal_service",
                                      "other_org", "total"])
    assert {f["state"] for f in balance.values()} == {"not_assessable"}
    assert all(PART_UNREAD in f["evidence"] for f in balance.values())
    assert "requests.new_received[natural_person] is not read" in balance["natural_person"]["evidence"]
    assert "了" in balance["total"]["evidence"]  # what was read in the unplaced cell
    assert not [f for f in findings if f["state"] == "fail"]  # every sum of this report holds (checked by hand)
    # (七)总计 read for five columns (0 each), its parts without (一)予以公开, whose label is unreadable
    total = {f["applicant"]: f for f in findings if f["rule"] == "outcome.total"}
    assert sorted(total) == ["commercial", "legal_service", "other_org", "research", "social_org"]
    assert {f["state"] for f in total.values()} == {"not_assessable"}
    assert "outcome.granted[commercial] is not read" in total["commercial"]["evidence"]


def test_a_table_read_whole_keeps_its_sums_holding():
    # 林业局 2023, browser print at 200 dpi: every row placed; 2 new + 0 carried = 2 granted + 0 carried forward
    ex, values, _derived, findings = _checked("putian_ptslyj_2023.browser_200dpi")
    assert not ex.unmapped and wrong(values, "putian_ptslyj_2023") == []
    balance = {f["applicant"]: f for f in findings if f["rule"] == "requests.balance"}
    assert len(balance) == 7 and {f["state"] for f in balance.values()} == {"pass"}
    assert (balance["natural_person"]["left"], balance["natural_person"]["right"]) == (2.0, 2.0)


def test_an_ocr_cell_that_is_no_number_never_lets_a_sum_over_it_hold():
    # 林业局 2023 at 200 dpi with the (七)总计 row's total cell (printed 2, read 2 at 0.97) read `2件)`: a misread
    # OCR cell, set aside where it was placed (ocr_low_confidence, outcome.total[total]) with what was read. No
    # total is derived over it from the rows read (that would store a figure the report printed and we did not
    # read), and no sum over it holds or fails: each is "cannot tell", naming the cell.
    doc = recorded("putian_ptslyj_2023.browser_200dpi")
    n, table = next((n, b) for n, b in enumerate(doc.blocks) if b.kind == "table"
                    and any("(七)总计" in str(c) for r in b.rows for c in r))
    rows = [list(r) for r in table.rows]
    row = next(r for r in rows if "(七)总计" in str(r[1]))
    assert (str(row[-1]), row[-1].confidence) == ("2", 0.97)
    row[-1] = OcrCell("2件)", 0.97, row[-1].page, row[-1].bbox)
    doc.blocks[n] = Block.table(rows, page=table.page)
    ex, values, derived, findings = _checked("", doc)
    aside = [u for u in ex.unmapped if u["raw"] == "2件)"]
    assert [(u["reason"], u["metric"], u["applicant"]) for u in aside] == [("ocr_low_confidence", "outcome.total", "total")]
    assert "'2件)'" in aside[0]["detail"] and "not a number" in aside[0]["detail"]
    assert not [v for v in values + derived if (v["metric"], v["applicant"]) == ("outcome.total", "total")]
    assert wrong(values + derived, "putian_ptslyj_2023") == []
    over = [f for f in findings if f["applicant"] == "total" and f["rule"] in ("requests.balance", "outcome.total")]
    assert [f["rule"] for f in over] == ["requests.balance"]  # outcome.total[total]: its left side unread, no finding
    assert over[0]["state"] == "not_assessable" and PART_UNREAD in over[0]["evidence"]
    assert "outcome.total[total] printed '2件)' (ocr_low_confidence)" in over[0]["evidence"]
    # the other columns' balances still hold (2 = 2 for natural persons); no sum of this report fails
    assert {f["state"] for f in findings if f["rule"] == "requests.balance" and f["applicant"] != "total"} == {"pass"}
    assert not [f for f in findings if f["state"] == "fail"]
