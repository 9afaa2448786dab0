"""The real reports in ../shared/fixtures (pdftotext -layout text): every hand-checked value in expected/."""
import json

import pytest

import govreport
from conftest import FIXTURES, values_dict

CASES = ["hongze_district_gov_2023", "hongze_district_gov_2024", "huaian_gov_2024"]


def _expected(name):
    return json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_every_hand_checked_value(fixtures_dir, name):
    exp = _expected(name)
    rep = govreport.parse(fixtures_dir / "text" / exp["file"])
    got = values_dict(rep.values[rep.values["provenance"] == "reported"])
    assert (rep.meta["template"], rep.meta["year"], rep.meta["agency"]) == (exp["template"], exp["year"], exp["agency"])
    wrong = {k: (v, got.get(k)) for k, v in exp["values"].items() if got.get(k) != v}
    assert wrong == {}
    assert set(got) == set(exp["values"])  # no reported value beyond the hand-checked ones
    assert rep.unmapped.empty


def test_hongze_2023_section_4_breaks_are_failed_findings(fixtures_dir):
    rep = govreport.parse(fixtures_dir / "text" / "hongze_district_gov_2023.txt")
    fails = rep.findings[rep.findings["state"] == "fail"].set_index("rule")
    assert sorted(fails.index) == ["litigation.after_review.total", "review.total"]
    assert (fails.loc["review.total", "left"], fails.loc["review.total", "right"]) == (0, 11)
    assert (fails.loc["litigation.after_review.total", "left"], fails.loc["litigation.after_review.total", "right"]) == (0, 5)
    assert "review.upheld[total]=10" in fails.loc["review.total", "evidence"]


def test_hongze_single_other_row_is_the_total(fixtures_dir):
    v = govreport.parse(fixtures_dir / "text" / "hongze_district_gov_2023.txt").values
    other = v[v["metric"].str.startswith("outcome.other")]
    assert set(other["metric"]) == {"outcome.other.total"}
    assert set(other["provenance"]) == {"reported"}
    assert other[other["applicant"] == "total"]["source_label"].item() == "(六)其他处理"


def test_typo_label_is_matched_and_kept(fixtures_dir):
    v = govreport.parse(fixtures_dir / "text" / "hongze_district_gov_2024.txt").values
    row = v[(v["metric"] == "outcome.denied.law_prohibited") & (v["applicant"] == "total")]
    assert row["source_label"].item() == "2.其他法律行政止公开"


def test_ingest_finds_exactly_the_real_identity_breaks(fixtures_dir, tmp_path):
    from conftest import RAW
    result = govreport.ingest([RAW, fixtures_dir / "text"], tmp_path)
    f = result.processed.findings
    # 淮安市 2024 is in data/raw as its PDF and here as pdftotext output: two documents, both kept, said so
    twins = f[f["rule"] == "identify.same_agency_and_year"]
    assert sorted(twins["report_id"].str.split("~").str[0]) == ["淮安市人民政府-2024"] * 2
    identity = f[~f["rule"].str.startswith(("fact.", "identify."))]
    fails = identity[identity["state"] == "fail"]
    assert sorted(zip(fails["report_id"], fails["rule"])) == [
        ("淮安市/洪泽区人民政府-2023", "litigation.after_review.total"), ("淮安市/洪泽区人民政府-2023", "review.total")]
    # cross-year rules ran for 洪泽区 2023 -> 2024 (two spellings of one agency) and held
    cross = identity[identity["rule"].str.contains("continuity")]
    assert set(cross["report_id"]) == {"淮安市/洪泽区人民政府-2024"}
    assert set(cross["state"]) == {"pass"}
    nd = cross[cross["rule"] == "art20.normative_docs.in_force.continuity"].iloc[0]
    assert (nd["left"], nd["right"]) == (8, 8)  # 2024 in force 8 == 2023 in force 5 + issued 3 - repealed 0
