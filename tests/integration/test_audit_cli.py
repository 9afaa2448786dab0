"""`govreport audit` as a researcher reads it (issue 19, item 6): legacy reports counted like the others, an
expected file that matches no input is an error, integer years, one row per report with its agency."""
from __future__ import annotations

import csv
import shutil

from conftest import TESTDATA

from govreport.checks.coverage import expected_cells
from govreport.pipeline import audit
from govreport.cli import main

SANMING_2013 = TESTDATA / "real" / "sanming_shizhengfu_2013.txt"
EXPECTED = TESTDATA / "real" / "expected"
# the core cells every legacy (2008 Regulations) table prints, as sanming_shizhengfu_2013.json lists them by
# hand: 主动公开文件数 34495, 受理申请总数 394, 答复总数 394, 同意公开 377, 同意部分公开 0, 不予公开 3,
# 行政复议数 0, 行政诉讼数 0
SANMING_CORE = {"proactive.total": 34495, "requests.new_received": 394, "outcome.responses_total": 394,
                "outcome.granted": 377, "outcome.partially_granted": 0, "outcome.denied.total": 3,
                "review.total": 0, "litigation.total": 0}


def test_a_legacy_report_shows_its_core_cells_found():
    assert expected_cells("legacy") == frozenset((m, "total") for m in SANMING_CORE)
    row = audit([SANMING_2013], [EXPECTED]).iloc[0]
    assert (row["template"], row["expected_cells"], row["found"], row["blank"], row["missing"]) == \
        ("legacy", 8, 8, 0, 0)
    assert row["hand_checked"] == 15 and row["hand_right"] == 15


def test_an_expected_file_that_matches_no_input_is_an_error(capsys):
    rc = main(["audit", str(SANMING_2013), "--expected", str(EXPECTED / "putian_ptkjj_2024.json")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and "putian_ptkjj_2024.json" in err[0] and "matches no input" in err[0]


def test_a_folder_of_expected_files_must_all_match_the_inputs(capsys):
    assert main(["audit", str(SANMING_2013), "--expected", str(EXPECTED)]) == 2
    assert "matches no input" in capsys.readouterr().err


def test_one_expected_file_scores_its_report(capsys):
    assert main(["audit", str(SANMING_2013), "--expected", str(EXPECTED / "sanming_shizhengfu_2013.json")]) == 0
    assert "hand-checked right 15/15" in capsys.readouterr().out


def test_years_are_integers_and_each_report_row_names_its_agency(tmp_path, capsys):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SANMING_2013, batch / SANMING_2013.name)
    (batch / "broken.txt").write_bytes(b"")  # a refused row has no year: it must not turn 2013 into 2013.0
    out_csv = tmp_path / "audit.csv"
    assert main(["audit", str(batch), "--csv", str(out_csv)]) == 0
    printed = capsys.readouterr().out
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(out_csv.open(encoding="utf-8"))}
    assert len(rows) == 2
    assert rows[SANMING_2013.name]["year"] == "2013" and rows["broken.txt"]["year"] == ""
    assert rows[SANMING_2013.name]["agency"] == "三明市人民政府"
    line = next(x for x in printed.splitlines() if SANMING_2013.name in x and "ok" in x)
    assert " 2013 " in line and "2013.0" not in printed and "三明市人民政府" in line
