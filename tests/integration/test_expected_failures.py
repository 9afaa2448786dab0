"""Every expected failure is one line (issue 19, item 7): an unreachable Dask scheduler is one line naming the
address, soon, with exit 2; byte-identical copies of a report are no failure (exit 0), the copy with the
shortest name is read whatever order the files were found in, and the others are listed in their own table."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import pytest

import govreport
from conftest import SEED_2021
from govreport.ingestion import corpus, engines
from govreport.cli import main
from govreport.errors import ReportError
from govreport.store import sha256_file


def _closed_loopback_port() -> int:
    """A loopback port with nothing listening: bound, then released (never any other address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_dask_scheduler_is_one_line_within_seconds_and_exit_2(tmp_path):
    pytest.importorskip("distributed")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_2021, raw / "a.txt")
    address = f"tcp://127.0.0.1:{_closed_loopback_port()}"
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "govreport.cli", "ingest", str(raw), "--out", str(tmp_path / "out"),
                          "--engine", "dask", "--scheduler", address, "--quiet"],
                         capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr  # HEAD: 67 lines after 30 s
    assert run.stderr.startswith(f"error: Dask scheduler {address}: no scheduler answered within 10 s")
    assert elapsed < 20  # the default connect timeout, 10 s, and Python's start-up on a busy machine (HEAD: 35 s:
    # Dask's own 30 s)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_the_connect_timeout_is_configurable_and_a_malformed_address_is_one_line(tmp_path, capsys):
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_closed_loopback_port()}"
    start = time.monotonic()
    code = main(["ingest", str(SEED_2021), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler",
                 address, "--connect-timeout", "2", "--quiet"])
    assert code == 2 and time.monotonic() - start < 8
    err = capsys.readouterr().err
    assert err == (f"error: Dask scheduler {address}: no scheduler answered within 2 s; is `dask scheduler` "
                   "running there and reachable from this machine? (--connect-timeout SECONDS waits longer)\n")
    with pytest.raises(ReportError, match=r"^Dask scheduler tcp://127.0.0.1:port: not a scheduler "
                                                    r"address \(invalid literal for int"):
        engines.connect("tcp://127.0.0.1:port", timeout=2)


@pytest.fixture()
def copies(tmp_path):
    """One report saved twice by a browser: a.txt and a (1).txt, byte-identical (data/raw's 2021 seed)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_2021, raw / "a.txt")
    shutil.copy(SEED_2021, raw / "a (1).txt")  # sorts first by name: ' ' (0x20) < '.' (0x2e)
    return raw


def test_byte_identical_copies_exit_0_and_the_shortest_name_is_read(copies, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["ingest", str(copies), "--out", str(out), "--quiet"]) == 0  # HEAD: 1
    captured = capsys.readouterr()
    assert "1 duplicate(s) skipped" in captured.out and "0 file(s) failed" in captured.out
    assert captured.err == (f"note: {copies / 'a (1).txt'}: byte-identical to {copies / 'a.txt'}, which was read; "
                            "not read twice (duplicates table)\n")
    data = govreport.load(out)
    assert list(data.reports["source_file"]) == [str(copies / "a.txt")]  # HEAD: a (1).txt
    assert data.failures.empty  # a copy is no failure
    assert data.duplicates.to_dict("records") == [
        {"path": str(copies / "a (1).txt"), "duplicate_of": str(copies / "a.txt"),
         "sha256": sha256_file(SEED_2021)}]


def test_the_kept_copy_does_not_depend_on_the_order_the_files_are_found_in(copies, tmp_path):
    for n, order in enumerate([["a (1).txt", "a.txt"], ["a.txt", "a (1).txt"]]):
        result = govreport.ingest([copies / name for name in order], tmp_path / f"out{n}")
        assert list(result.reports["source_file"]) == [str(copies / "a.txt")]
        assert result.failures == []
        assert [(d.path, d.duplicate_of) for d in result.duplicates] == [(str(copies / "a (1).txt"),
                                                                          str(copies / "a.txt"))]


def test_shortest_name_then_code_point_order_decides_among_copies():
    files = [("x/b (2).txt", "h"), ("y/b.txt", "h"), ("x/c.txt", "h"), ("z/other.txt", "k"), ("unreadable", None)]
    unique, duplicates = corpus.drop_duplicates(files)
    assert unique == [("y/b.txt", "h"), ("z/other.txt", "k"), ("unreadable", None)]  # b.txt, c.txt: 5 chars, b < c
    assert [(d.path, d.duplicate_of) for d in duplicates] == [("x/b (2).txt", "y/b.txt"), ("x/c.txt", "y/b.txt")]


def test_the_same_bytes_under_another_suffix_are_not_a_copy():
    """garbage.pdf, garbage.docx and garbage.txt hold the same bytes but go to three readers (tests/test_bad_inputs
    refuses each in its own reader's words): none is the others' duplicate; a.txt / a (1).txt still are."""
    from govreport.ingestion.corpus import drop_duplicates

    files = [("garbage.pdf", "s1"), ("garbage.docx", "s1"), ("garbage.txt", "s1"), ("a (1).txt", "s2"), ("a.txt", "s2")]
    unique, duplicates = drop_duplicates(files)
    assert [f[0] for f in unique] == ["garbage.pdf", "garbage.docx", "garbage.txt", "a.txt"]
    assert [(d.path, d.duplicate_of) for d in duplicates] == [("a (1).txt", "a.txt")]
