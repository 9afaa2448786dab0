"""An additive store (issue 16): ingest adds to what --out holds; --replace and --prune are the only ways it
shrinks, and they say what they drop; a wrong path changes nothing; reading commands need no data/raw."""
from __future__ import annotations

import json
import os
import shutil

import pytest

import govreport
from govreport.cli import main
from govreport.ingestion.additive import InputNotFound
from conftest import RAW, SEED_2018, SEED_2021

HONGZE_2023, HONGZE_2024 = RAW / "hongze_district_gov_2023.txt", RAW / "hongze_district_gov_2024.txt"
SHAPOTOU = "中卫市/沙坡头区政务服务中心"
HONGZE = "淮安市/洪泽区人民政府"


def _ids(folder) -> list[str]:
    return sorted(govreport.load(folder).reports["report_id"])


def _budget(folder) -> float:
    values = govreport.load(folder).values
    row = values[(values["report_id"] == f"{SHAPOTOU}-2018") & (values["metric"] == "capacity.budget")]
    return float(row["value"].iloc[0])


@pytest.fixture()
def inputs(tmp_path):
    """Copies of four real reports (so one can be changed or deleted)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for f in (SEED_2018, SEED_2021, HONGZE_2023, HONGZE_2024):
        shutil.copy(f, folder / f.name)
    return folder


def test_two_reports_then_one_more_make_three_and_a_changed_copy_replaces_its_own_rows(inputs, tmp_path):
    out = tmp_path / "store"
    first = govreport.ingest([inputs / SEED_2018.name, inputs / HONGZE_2023.name], out)
    assert (first.n_parsed, first.n_kept) == (2, 0)
    more = govreport.ingest([inputs / HONGZE_2024.name], out)
    assert (more.n_parsed, more.n_kept) == (1, 2)
    assert _ids(out) == [f"{SHAPOTOU}-2018", f"{HONGZE}-2023", f"{HONGZE}-2024"]
    assert _budget(out) == 0.04  # 政府信息公开专项经费 0.04 万元, as printed
    # the cross-report tables are over the union: 洪泽区 2024 repeats 2023 (one pair), a series across both years
    data = govreport.load(out)
    assert list(zip(data.repetition["report_id"], data.repetition["previous_report_id"])) == \
        [(f"{HONGZE}-2024", f"{HONGZE}-2023")]
    # the same input path with new content: its own rows replaced, the others kept
    seed = inputs / SEED_2018.name
    seed.write_text(seed.read_text(encoding="utf-8").replace("万元\t0.04", "万元\t0.07"), encoding="utf-8")
    changed = govreport.ingest([seed], out)
    assert (changed.n_parsed, changed.n_kept) == (1, 2)
    assert len(_ids(out)) == 3 and _budget(out) == 0.07
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_input = {r["input"]: r["report_id"] for r in manifest["inputs"]}
    assert by_input == {str(seed): f"{SHAPOTOU}-2018", str(inputs / HONGZE_2023.name): f"{HONGZE}-2023",
                        str(inputs / HONGZE_2024.name): f"{HONGZE}-2024"}
    again = govreport.ingest([seed], out)  # unchanged: only hashed, nothing rewritten
    assert (again.n_parsed, again.n_reused, again.n_kept) == (0, 1, 2)


def test_an_unchanged_input_is_not_hashed_again_and_an_edit_that_puts_its_mtime_back_is_seen(inputs, tmp_path,
                                                                                                monkeypatch):
    """The manifest records each input's size, mtime, ctime and inode with its hash; an unchanged re-ingest
    hashes no input. An in-place edit of the same length (0.04 -> 0.07) with its mtime put back still changes
    the ctime: that input is hashed and parsed again."""
    from govreport.ingestion import additive

    monkeypatch.setattr(additive, "SETTLED_NS", -10**12)  # the copies were made just now: count them as settled
    out, seed = tmp_path / "store", inputs / SEED_2018.name
    govreport.ingest([seed], out)
    st = seed.stat()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["stat"] == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    hashed, real = [], additive.sha256_file
    monkeypatch.setattr(additive, "sha256_file", lambda p: hashed.append(str(p)) or real(p))
    assert govreport.ingest([seed], out).n_parsed == 0 and hashed == []
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("万元\t0.04", "万元\t0.07"), encoding="utf-8")
    os.utime(seed, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (seed.stat().st_size, seed.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert govreport.ingest([seed], out).n_parsed == 1 and hashed == [str(seed)] and _budget(out) == 0.07


def test_kept_reports_without_a_cached_part_come_from_the_stored_tables(inputs, tmp_path):
    """Parts of other code are pruned: the rows of a kept report are then read back from the store, and the
    union equals one ingest of all four."""
    whole, out = tmp_path / "whole", tmp_path / "store"
    govreport.ingest([inputs], whole)
    govreport.ingest([inputs / SEED_2018.name, inputs / HONGZE_2023.name, inputs / HONGZE_2024.name], out)
    shutil.rmtree(out / ".parts")
    govreport.ingest([inputs / SEED_2021.name], out)
    a, b = govreport.load(whole), govreport.load(out)
    for name in ("reports", "values", "findings", "facts", "harmonized", "fact_series", "repetition", "timeliness"):
        left = getattr(a, name).drop(columns=["source_file"], errors="ignore")
        right = getattr(b, name).drop(columns=["source_file"], errors="ignore")
        assert left.sort_values(list(left.columns[:3])).reset_index(drop=True).equals(
            right.sort_values(list(right.columns[:3])).reset_index(drop=True)), name


def test_a_wrong_path_adds_nothing_removes_nothing_and_is_one_line(inputs, tmp_path, capsys):
    out = tmp_path / "store"
    govreport.ingest([inputs], out)
    before = (out / "manifest.json").read_bytes()
    with pytest.raises(InputNotFound):
        govreport.ingest([tmp_path / "typo"], out)
    assert main(["ingest", str(tmp_path / "typo"), "--out", str(out), "--quiet"]) == 2
    assert main(["ingest", str(tmp_path / "typo"), "--out", str(out), "--quiet", "--replace"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and err.splitlines()[0] == (
        f"error: {tmp_path / 'typo'}: no such file or folder; nothing was ingested and the store was left as it is")
    assert (out / "manifest.json").read_bytes() == before and len(_ids(out)) == 4
    with pytest.raises(InputNotFound):  # into a new store: not even its folder is made
        govreport.ingest([tmp_path / "typo"], tmp_path / "new_store")
    assert not (tmp_path / "new_store").exists()


def test_prune_lists_and_drops_the_reports_whose_files_are_gone(inputs, tmp_path, capsys):
    out = tmp_path / "store"
    govreport.ingest([inputs], out)
    (inputs / HONGZE_2024.name).unlink()
    govreport.ingest([inputs], out)  # a file gone from a folder: its report stays until --prune
    assert len(_ids(out)) == 4
    assert main(["ingest", str(inputs), "--out", str(out), "--quiet", "--prune"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"dropped: {inputs / HONGZE_2024.name} ({HONGZE}-2024)"
    assert lines[1].startswith("ingested 3 report(s) (0 parsed, 3 unchanged)")
    assert _ids(out) == [f"{SHAPOTOU}-2018", f"{SHAPOTOU}-2021", f"{HONGZE}-2023"]
    assert govreport.load(out).repetition.empty  # its pair went with it


def test_replace_keeps_only_the_new_inputs_and_lists_what_it_drops(inputs, tmp_path, capsys):
    out = tmp_path / "store"
    govreport.ingest([inputs / SEED_2018.name, inputs / SEED_2021.name], out)
    assert main(["ingest", str(inputs / HONGZE_2023.name), "--out", str(out), "--quiet", "--replace"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines[:2]) == [f"dropped: {inputs / SEED_2018.name} ({SHAPOTOU}-2018)",
                                 f"dropped: {inputs / SEED_2021.name} ({SHAPOTOU}-2021)"]
    assert _ids(out) == [f"{HONGZE}-2023"]
    result = govreport.ingest([inputs / SEED_2021.name], out, replace=True)
    assert result.dropped == [(str(inputs / HONGZE_2023.name), f"{HONGZE}-2023")]


def test_sql_and_agencies_read_a_store_from_a_folder_without_data_raw(inputs, tmp_path, monkeypatch, capsys):
    out = tmp_path / "store"
    govreport.ingest([inputs / SEED_2018.name, inputs / SEED_2021.name], out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("GOVREPORT_ROOT", raising=False)
    assert main(["sql", "SELECT year, count(*) AS n FROM reports GROUP BY year ORDER BY year", "--processed",
                 str(out), "--csv"]) == 0
    assert capsys.readouterr().out == "year,n\n2018,1\n2021,1\n"
    assert main(["agencies", "--processed", str(out)]) == 0
    assert "中卫市沙坡头区政务服务中心" in capsys.readouterr().out
    monkeypatch.setenv("GOVREPORT_ROOT", str(out))  # the store itself, or a folder holding data/processed
    assert main(["sql", "SELECT count(*) AS n FROM values", "--csv"]) == 0
    assert capsys.readouterr().out == "n\n287\n"  # 58 + 229 rows, as in test_load_returns_every_table
    assert sorted(govreport.load().reports["year"]) == [2018, 2021]
    monkeypatch.delenv("GOVREPORT_ROOT")
    assert main(["sql", "SELECT 1"]) == 1  # nothing named, nothing found: one line
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["audit", str(inputs / SEED_2018.name)]) == 0  # audit reads the files it is given


def test_a_store_inside_its_input_folder_is_not_read_as_input(tmp_path, capsys, monkeypatch):
    """``govreport ingest . --out store`` in a downloads folder: the next run found the store's own Parquet,
    CSV and manifest files under the input and listed each as a failed input (33 lines, exit 1, and the
    store's failures table filled with its own files). The folder being written is not searched."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(SEED_2018, folder / "seed_2018.txt")
    monkeypatch.chdir(folder)
    assert main(["ingest", ".", "--out", "store", "--jobs", "1", "--quiet"]) == 0
    shutil.copy(SEED_2021, folder / "seed_2021.txt")
    assert main(["ingest", ".", "--out", "store", "--jobs", "1", "--quiet"]) == 0
    assert main(["ingest", str(folder), "--out", str(folder / "store"), "--jobs", "1", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    data = govreport.load(folder / "store")
    assert sorted(data.reports["source_file"]) == ["seed_2018.txt", "seed_2021.txt"]
    assert data.failures.empty
