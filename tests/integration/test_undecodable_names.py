"""File names that are not UTF-8. A zip archive made on a Chinese Windows system unpacks its names in GBK; on
Linux they reach Python as lone surrogates, which no table, CSV, JSON or terminal takes. One such name stopped
a whole ingest after every file was parsed (UnicodeEncodeError from pyarrow, a 40-line traceback). Now the
report is read and stored under its name with the bytes that are not UTF-8 as \\xNN escapes
(errors.storable), the manifest keeps the real name (JSON \\u escapes) so the next run finds the input again,
and --prune lists it when it is gone."""
from __future__ import annotations

import json
import os
import shutil

import govreport
from govreport.cli import main
from conftest import SEED_2018, SEED_2021

GBK_NAME = "洪泽区2024年报.txt".encode("gbk")  # b"\xba\xe9\xd4\xf3\xc7\xf82024\xc4\xea\xb1\xa8.txt"
# decoded as UTF-8 with backslashreplace: \xea\xb1\xa8 happens to be valid UTF-8 (걨), the rest is not
SHOWN = "\\xba\\xe9\\xd4\\xf3\\xc7\\xf82024\\xc4걨.txt"


def _raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_2018, raw / "seed_2018.txt")
    shutil.copy(SEED_2021, os.path.join(os.fsencode(raw), GBK_NAME))
    with open(os.path.join(os.fsencode(raw), "说明.bmp".encode("gbk")), "wb") as f:
        f.write(b"not a report")
    return raw


def test_a_report_whose_name_is_not_utf8_is_read_kept_and_pruned(tmp_path, capsys):
    raw, out = _raw(tmp_path), tmp_path / "store"
    assert main(["ingest", str(raw), "--out", str(out), "--jobs", "1", "--quiet"]) == 1  # the .bmp fails
    err = capsys.readouterr().err
    assert err.splitlines() == [f"error: {raw}/˵\\\\xc3\\\\xf7.bmp: unsupported file type '.bmp'"]  # 说明: \xcb\xb5 is UTF-8's ˵
    data = govreport.load(out)
    assert sorted(data.reports["source_file"]) == sorted([str(raw / "seed_2018.txt"), f"{raw}/{SHOWN}"])
    assert data.failures["path"].tolist() == [f"{raw}/˵\\xc3\\xf7.bmp"]
    shown = dict(zip(data.reports["source_file"], data.reports["year"]))
    assert shown[f"{raw}/{SHOWN}"] == 2021  # SEED_2021's content under the GBK name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    real = os.fsdecode(os.path.join(os.fsencode(raw), GBK_NAME))
    assert real in {r["input"] for r in manifest["inputs"]}  # the name as the file system gives it
    assert [r["report_id"] for r in manifest["inputs"] if r["input"] == real] == [
        data.reports.set_index("source_file").loc[f"{raw}/{SHOWN}", "report_id"]]

    assert main(["ingest", str(raw), "--out", str(out), "--jobs", "2"]) == 1
    assert "(0 parsed, 2 unchanged)" in capsys.readouterr().out  # found again: nothing read twice

    os.remove(os.path.join(os.fsencode(raw), GBK_NAME))
    assert main(["ingest", str(raw), "--out", str(out), "--prune", "--jobs", "1", "--quiet"]) == 1
    printed = capsys.readouterr().out
    assert f"dropped: {raw}/{SHOWN.replace(chr(92), chr(92) * 2)} (" in printed  # as the failure lines show names
    assert govreport.load(out).reports["source_file"].tolist() == [str(raw / "seed_2018.txt")]


def test_the_published_copy_of_such_a_report_is_its_file(tmp_path):
    """A build copies each report's raw file into reports/sources, under the name the pages link to; the
    table's name (with escapes) is no file on disk, so the copy was skipped and the page's link led nowhere."""
    from govreport.ingestion.discover import on_disk
    from govreport.publish import record

    raw, out = _raw(tmp_path), tmp_path / "store"
    govreport.ingest([raw], out, jobs=1)
    data = govreport.load(out)
    copies = record.source_copies(data, set(data.reports["report_id"]), raw, tmp_path)
    real = os.path.join(os.fsencode(raw), GBK_NAME)
    assert {r["path"]: os.fsencode(source) for source, r in copies} == {
        "seed_2018.txt": os.fsencode(raw / "seed_2018.txt"), SHOWN: real}
    assert os.fsencode(on_disk(f"{raw}/{SHOWN}")) == real
    assert sorted(record.copy_sources(tmp_path / "site", copies)) == sorted(["seed_2018.txt", SHOWN])
    with open(real, "rb") as f:
        assert (tmp_path / "site" / SHOWN).read_bytes() == f.read()
    assert record.source_href(SHOWN).endswith("/%5Cxba%5Cxe9%5Cxd4%5Cxf3%5Cxc7%5Cxf82024%5Cxc4%EA%B1%A8.txt")
