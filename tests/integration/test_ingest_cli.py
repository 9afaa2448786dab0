"""ingest and the command line: a batch with bad files goes on; outputs, exit codes, agencies."""
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import govreport
from govreport.cli import main
from conftest import SEED_2018, SEED_2021


@pytest.fixture()
def mixed_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_2018, raw / "seed 2018 报告.txt")  # spaces and Chinese in the name
    (raw / "seed2021_gbk.txt").write_bytes(SEED_2021.read_text(encoding="utf-8").encode("gb18030"))
    (raw / "empty.txt").write_bytes(b"")
    (raw / "notes.txt").write_text("会议纪要：今天讨论了食堂菜单。\n", encoding="utf-8")
    lines = SEED_2021.read_text(encoding="utf-8").splitlines()
    (raw / "truncated_2021_title_only.txt").write_text("\n".join(lines[:40]), encoding="utf-8")
    (raw / "image.bmp").write_bytes(b"BM" + bytes(range(256)))  # a bitmap: no reader takes it, by name or bytes
    return raw


def test_ingest_goes_on_past_bad_files_and_names_each(mixed_folder, tmp_path):
    out = tmp_path / "processed"
    result = govreport.ingest([mixed_folder], out)
    problems = {f.path.rsplit("/", 1)[-1]: f.problem for f in result.failures}
    assert problems == {
        "empty.txt": "empty file",
        "notes.txt": "not a government information-disclosure annual report (no known table labels found)",
        "truncated_2021_title_only.txt": "title of 沙坡头区政务服务中心's 2021 report found, but none of its statistics tables "
                                         "(truncated, or the tables are images)",
        "image.bmp": "unsupported file type '.bmp'",
    }
    reports = pd.read_parquet(out / "reports.parquet")
    assert sorted(reports["report_id"]) == ["中卫市/沙坡头区政务服务中心-2018", "中卫市/沙坡头区政务服务中心-2021"]
    failures = pd.read_csv(out / "failures.csv")
    assert len(failures) == 4
    # each problem also as a code of catalog/failure_reasons.csv, so failures can be counted
    assert dict(zip(failures["path"].str.rsplit("/", n=1).str[-1], failures["reason"])) == {
        "empty.txt": "empty_file", "notes.txt": "not_annual_report", "truncated_2021_title_only.txt": "no_table",
        "image.bmp": "unsupported_type"}
    for name in ("findings", "placeholders", "data_dictionary"):
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    for name in ("values", "harmonized"):  # partitioned by year, and one CSV
        assert sorted(p.parent.name for p in (out / name).glob("*/*.parquet")) == ["year=2018", "year=2021"]
        assert (out / f"{name}.csv").exists()
    assert (out / "unmapped" / "empty.parquet").exists() and (out / "unmapped.csv").exists()  # no rows, its columns


def test_cli_ingest_exit_codes(mixed_folder, tmp_path, capsys):
    assert main(["ingest", str(mixed_folder), "--out", str(tmp_path / "p1"), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("error: ") and ": " in line[7:] for line in err)
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SEED_2018, good / "a.txt")
    assert main(["ingest", str(good), "--out", str(tmp_path / "p2"), "--quiet"]) == 0


def test_cli_usage_error_exits_2():
    proc = subprocess.run([sys.executable, "-m", "govreport.cli", "ingest", "--no-such-flag"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "usage:" in proc.stderr


def test_cli_parse_json_and_csv(capsys):
    assert main(["parse", str(SEED_2018), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert list(rows[0]) == ["report_id", "agency", "agency_id", "year", "template", "metric", "applicant", "value",
                             "unit", "source_label", "provenance", "note", "match_score", "ocr_confidence"]
    assert {r["metric"]: r["value"] for r in rows}["capacity.budget"] == 0.04
    assert main(["parse", str(SEED_2018)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "report_id,agency,agency_id,year,template,metric,applicant,value,unit,source_label,provenance,note,match_score,ocr_confidence"


def test_cli_parse_bad_file_is_one_line(tmp_path, capsys):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    assert main(["parse", str(bad)]) == 1
    assert capsys.readouterr().err == f"error: {bad}: empty file\n"


def test_agencies_lists_written_names_with_ids(tmp_path, capsys):
    out = tmp_path / "p"
    govreport.ingest([SEED_2018, SEED_2021], out)
    assert main(["agencies", "--processed", str(out)]) == 0
    text = capsys.readouterr().out
    assert "中卫市沙坡头区政务服务中心" in text and "沙坡头区政务服务中心" in text
    loaded = govreport.load(out)
    assert set(loaded.reports["agency_id"]) == {"中卫市/沙坡头区政务服务中心"}


def test_load_returns_every_table(tmp_path):
    out = tmp_path / "p"
    govreport.ingest([SEED_2018, SEED_2021], out)
    data = govreport.load(out)
    assert len(data.reports) == 2
    assert data.values["value"].notna().sum() == 58 + 229
    h = data.harmonized.set_index(["report_id", "series"])
    assert h.loc[("中卫市/沙坡头区政务服务中心-2018", "proactive_published"), "value"] == 45
    assert h.loc[("中卫市/沙坡头区政务服务中心-2018", "proactive_published"), "comparability"] == "exact"
    assert pd.isna(h.loc[("中卫市/沙坡头区政务服务中心-2018", "not_processed"), "value"])  # none: a gap, never 0
    assert h.loc[("中卫市/沙坡头区政务服务中心-2021", "proactive_published"), "comparability"] == "none"
    d = data.data_dictionary.set_index("metric")
    assert d.loc["outcome.denied.admin_query", "name_zh"] == "属于行政查询事项"
    assert d.loc["art20.fees.amount", "unit"] == "万元"


def test_cli_ingest_with_two_workers_then_again_only_checks_hashes(tmp_path, capsys):
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SEED_2018, good / "a.txt")
    shutil.copy(SEED_2021, good / "b.txt")
    out = tmp_path / "p"
    assert main(["ingest", str(good), "--out", str(out), "--jobs", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("ingested 2 report(s) (2 parsed), 287 values")  # 58 + 229 rows, as in test_load_returns_every_table
    assert "2/2" in captured.err  # the progress bar reached the end
    assert main(["ingest", str(good), "--out", str(out), "--jobs", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("ingested 2 report(s) (0 parsed, 2 unchanged)") and captured.err == ""


def test_ingest_with_inputs_and_out_needs_no_project_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no data/raw here or above: nothing to find, nothing needed
    monkeypatch.delenv("GOVREPORT_ROOT", raising=False)
    assert main(["ingest", str(SEED_2021), "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 0
    assert set(govreport.load(tmp_path / "out").reports["year"]) == {2021}
    assert main(["ingest", "--quiet"]) == 2  # without inputs it needs a project: one line, no traceback
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no data/raw here" in err
