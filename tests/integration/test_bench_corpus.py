"""The benchmark's corpus generator (benchmarks/corpus_gen.py): perturbed copies still parse, with every printed value exactly k times
the original, the agency renamed, year and template kept, and a broken copy off by one in one cell."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import govreport
from locations import DATA, REPO

ROOT = REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("corpus_gen", ROOT / "benchmarks" / "corpus_gen.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_gen"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


FIVE = ["data/raw/hongze_district_gov_2023.txt", "data/raw/shapotou_gov_service_center_2018.txt",
        "tests/data/fixtures/text/huaian_gov_2024.txt", "tests/data/real/putian_ptkjj_2024.html",
        "tests/data/real/sanming_shizhengfu_2019.txt"]


@pytest.fixture(scope="module")
def corpus(bench, tmp_path_factory):
    sources = bench.describe_sources([ROOT / f for f in FIVE])
    dest = tmp_path_factory.mktemp("corpus") / "c"
    return sources, dest, bench.make_corpus(5, dest, sources, seed=1)


def test_copies_scale_every_printed_value_by_k(bench, corpus):
    sources, dest, rows = corpus
    assert [s.scalable for s in sources] == [True] * 5
    for row in rows:
        original, copy = govreport.parse(ROOT / row["source"]), govreport.parse(dest / row["file"])
        assert 2 <= row["k"] <= 9 and not row["broken"]
        assert bench.scale_mismatches(original, copy, row["k"]) == []
        assert copy.meta["year"] == original.meta["year"] and copy.meta["template"] == original.meta["template"]
        assert copy.meta["agency_id"] != original.meta["agency_id"]
        # the identity checks come out the same: sum(k*a) == k*sum(a)
        assert (copy.findings["state"] == "fail").sum() == (original.findings["state"] == "fail").sum()


def test_hand_checked_cells(bench, corpus):
    """Hongze 2023: 本年新收 21 requests (table 一、本年新收…); Putian 科技局 2024: 7 规范性文件 in force."""
    sources, dest, rows = corpus
    by_source = {Path(r["source"]).name: r for r in rows}
    hz = by_source["hongze_district_gov_2023.txt"]
    v = govreport.parse(dest / hz["file"]).values.set_index(["metric", "applicant"])["value"]
    assert v[("requests.new_received", "total")] == 21 * hz["k"]
    kj = by_source["putian_ptkjj_2024.html"]
    v = govreport.parse(dest / kj["file"]).values.set_index(["metric", "applicant"])["value"]
    assert v[("art20.normative_docs.in_force", "total")] == 7 * kj["k"]
    assert "莆田市" not in kj["new_agency"] and kj["new_agency"].endswith("市科学技术局")


def test_broken_copy_changes_one_printed_value(bench, corpus, tmp_path):
    """Hongze 2023 prints （七）总计 21 ... 21; the broken copy prints the total column 4 x 21 + 1 = 85."""
    sources, _, _ = corpus
    src = sources[0]
    text, enc = bench._decode(src.path.read_bytes())
    broken, change, _ = bench.perturb_text(text, 4, src.bump)
    f = tmp_path / src.path.name
    f.write_bytes(broken.encode(enc))
    original, copy = govreport.parse(src.path), govreport.parse(f)
    assert bench.scale_mismatches(original, copy, 4) == [("outcome.total", "total", 21.0, 85.0)] and change == "84->85"
    assert (copy.findings["state"] == "fail").sum() > (original.findings["state"] == "fail").sum()


def test_pdf_copies_are_distinct_and_still_read(bench, tmp_path):
    pdf = ROOT / "tests/data/fixtures/pdf/hongze_district_gov_2023.pdf"
    sources = bench.describe_sources([pdf])
    rows = bench.make_corpus(2, tmp_path / "c", sources)
    a, b = (tmp_path / "c" / r["file"] for r in rows)
    assert a.read_bytes() != b.read_bytes() and a.read_bytes().startswith(pdf.read_bytes())
    import pypdfium2 as pdfium
    assert "政府信息公开" in pdfium.PdfDocument(str(b))[0].get_textpage().get_text_range()
