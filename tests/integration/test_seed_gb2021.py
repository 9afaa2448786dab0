"""Seed 2021 (gb2021): all section-三 rows × 7 columns, section 四, section 二; hand-checked against
data/raw/shapotou_gov_service_center_2021.txt (every printed cell of its tables is 0)."""
import govreport
from govreport.catalog import APPLICANTS
from conftest import SEED_2021, values_dict

SECTION_3 = [  # the 25 printed rows of section 三 (（六） printed as its three gb2021 sub-rows)
    "requests.new_received", "requests.carried_over", "outcome.granted", "outcome.partially_granted",
    "outcome.denied.state_secret", "outcome.denied.law_prohibited", "outcome.denied.security_stability",
    "outcome.denied.third_party", "outcome.denied.internal_affairs", "outcome.denied.process_info",
    "outcome.denied.enforcement_file", "outcome.denied.admin_query", "outcome.unavailable.not_held",
    "outcome.unavailable.needs_creation", "outcome.unavailable.unclear", "outcome.not_processed.complaint",
    "outcome.not_processed.duplicate", "outcome.not_processed.publication", "outcome.not_processed.excessive",
    "outcome.not_processed.confirm_reissue", "outcome.other.no_correction", "outcome.other.no_fee",
    "outcome.other.other", "outcome.total", "requests.carried_forward",
]
SECTION_4 = [f"{g}.{s}" for g in ("review", "litigation.direct", "litigation.after_review")
             for s in ("upheld", "corrected", "other", "pending", "total")]
SECTION_2 = ["art20.regulations.issued", "art20.regulations.repealed", "art20.regulations.in_force",
             "art20.normative_docs.issued", "art20.normative_docs.repealed", "art20.normative_docs.in_force",
             "art20.licensing.decisions", "art20.punishment.decisions", "art20.coercion.decisions", "art20.fees.amount"]


def test_metadata():
    rep = govreport.parse(SEED_2021)
    assert (rep.meta["template"], rep.meta["year"], rep.meta["agency"]) == ("gb2021", 2021, "沙坡头区政务服务中心")


def test_all_section_3_rows_for_all_seven_columns():
    rep = govreport.parse(SEED_2021)
    reported = rep.values[rep.values["provenance"] == "reported"]
    got = values_dict(reported)
    expected = {f"{m}|{a}": 0.0 for m in SECTION_3 for a in APPLICANTS}
    assert len(expected) == 175
    assert {k: got.get(k) for k in expected} == expected


def test_section_4_fifteen_numbers_and_section_2():
    got = values_dict(govreport.parse(SEED_2021).values)
    assert [got[f"{m}|total"] for m in SECTION_4] == [0.0] * 15
    assert [got[f"{m}|total"] for m in SECTION_2] == [0.0] * 10


def test_wrapped_labels_are_kept_as_printed():
    v = govreport.parse(SEED_2021).values
    label = v[(v["metric"] == "outcome.not_processed.confirm_reissue") & (v["applicant"] == "total")]["source_label"].item()
    assert label == "5.要求行政机关确认或重新出具已 获取信息"  # label wrapped, its 7 zeros split 1 + 6 over two lines


def test_subtotals_are_derived_not_reported():
    v = govreport.parse(SEED_2021).values
    derived = v[v["provenance"] == "derived"]
    assert set(derived["metric"]) == {"outcome.denied.total", "outcome.unavailable.total", "outcome.not_processed.total",
                                      "outcome.other.total", "litigation.total"}
    assert (derived["value"] == 0).all()


def test_all_identities_pass():
    f = govreport.parse(SEED_2021).findings
    assert set(f["state"]) == {"pass"}
    assert {"requests.balance", "outcome.total", "review.total", "litigation.after_review.total"} <= set(f["rule"])
