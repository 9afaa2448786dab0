"""Walking input folders: every unreadable entry is a failures row with its reason (defect 11 of issue 9).

The tests run as root, where mode 000 does not stop reads, so the permission
errors a normal user gets are simulated where the walk meets them: the folder
listing (os.scandir), the file information (os.stat / os.lstat) and the open
(os.open), each raising the PermissionError the kernel gives.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import govreport
from conftest import SEED_2018, SEED_2021
from govreport.cli import main


def _denied(path):
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


@pytest.fixture()
def tree(tmp_path):
    """raw/ with a good report, a locked/ and an unsearchable/ folder, each holding a report too."""
    raw = tmp_path / "raw"
    for folder in ("locked", "unsearchable/inner"):
        (raw / folder).mkdir(parents=True)
    shutil.copy(SEED_2021, raw / "a_2021.txt")
    shutil.copy(SEED_2018, raw / "locked" / "b_2018.txt")
    shutil.copy(SEED_2018, raw / "unsearchable" / "c_2018.txt")
    return raw


def _patch(monkeypatch, name, denied):
    """os.<name> raises PermissionError for the paths ``denied(path)`` picks."""
    real = getattr(os, name)

    def guarded(path, *args, **kwargs):
        if denied(Path(os.fsdecode(path))):
            raise _denied(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, guarded)


def test_a_folder_that_cannot_be_listed_is_a_failure_row_not_a_silent_skip(tree, tmp_path, monkeypatch):
    """Mode 000: the listing fails. The old walk skipped it: its report was in neither table."""
    _patch(monkeypatch, "scandir", lambda p: p == tree / "locked")
    result = govreport.ingest([tree], tmp_path / "out")
    failures = {f.path: f.problem for f in result.failures}
    assert failures[str(tree / "locked")] == "permission denied: cannot list folder"
    table = pd.read_csv(tmp_path / "out" / "failures.csv")
    assert "permission denied: cannot list folder" in set(table["problem"])
    assert sorted(Path(p).name for p in result.processed.reports["source_file"]) == ["a_2021.txt", "c_2018.txt"]


def test_a_folder_that_can_be_listed_but_not_searched_gives_a_row_per_entry_not_a_traceback(
        tree, tmp_path, monkeypatch):
    """Mode r-- (no x): names list, but nothing inside can be stat'ed or opened. The old walk raised
    PermissionError out of ingest and wrote nothing."""
    inside = tree / "unsearchable"
    below = lambda p: inside in p.parents  # noqa: E731
    for name in ("stat", "lstat", "open", "scandir"):
        _patch(monkeypatch, name, below)
    result = govreport.ingest([tree], tmp_path / "out")
    failures = {f.path: f.problem for f in result.failures}
    assert failures[str(inside / "c_2018.txt")] == \
        "permission denied: cannot read file information (is its folder searchable?)"
    assert failures[str(inside / "inner")] == "permission denied: cannot list folder"
    assert (tmp_path / "out" / "manifest.json").is_file()  # the batch was written


def test_a_file_that_cannot_be_opened_is_a_failure_row(tree, tmp_path, monkeypatch):
    _patch(monkeypatch, "open", lambda p: p.name == "a_2021.txt")
    from govreport.ingestion.discover import discover

    files, failures = discover([tree])
    assert [(Path(f.path).name, f.problem) for f in failures] == [("a_2021.txt", "permission denied: cannot open file")]
    assert [f.name for f in files] == ["b_2018.txt", "c_2018.txt"]


def test_walk_order_hidden_names_fifos_and_links(tmp_path):
    from govreport.ingestion.discover import LINKED_FOLDER, discover

    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for name in ("b.txt", "a.md", ".hidden.txt", "sub/c.html", "notes.xlsx"):
        (raw / name).write_text("x", encoding="utf-8")
    (raw / ".git").mkdir()
    (raw / ".git" / "x.txt").write_text("x", encoding="utf-8")
    os.mkfifo(raw / "pipe.txt")  # opening it for a read would block: refused without opening
    os.symlink(raw / "sub", raw / "linked")
    os.symlink(raw / "missing.txt", raw / "dangling.txt")
    files, failures = discover([raw])
    assert [f.relative_to(raw).as_posix() for f in files] == ["a.md", "b.txt", "sub/c.html"]
    assert [(Path(f.path).name, f.problem) for f in failures] == [
        ("dangling.txt", "broken symbolic link"), ("linked", LINKED_FOLDER),
        ("notes.xlsx", "unsupported file type '.xlsx'"), ("pipe.txt", "not a regular file")]


def test_a_named_pipe_is_never_opened_whatever_its_name(tmp_path):
    """A pipe without a report's suffix was opened to read its first bytes (readers/sniff.py), and one named on
    the command line was opened to hash it: either waited for a writer forever, and the ingest with it."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_2021, raw / "good.txt")
    os.mkfifo(raw / "downfile")  # no suffix: its bytes would decide
    os.mkfifo(tmp_path / "named.pdf")
    done = subprocess.run([sys.executable, "-m", "govreport.cli", "ingest", str(raw), str(tmp_path / "named.pdf"),
                           "--out", str(tmp_path / "out"), "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {raw}/downfile: not a regular file",
                                        f"error: {tmp_path}/named.pdf: not a regular file"]
    assert list(govreport.load(tmp_path / "out").reports["source_file"].map(lambda f: Path(f).name)) == ["good.txt"]


def test_a_newline_in_a_file_name_stays_on_one_line(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_2021, raw / "good.txt")
    (raw / "evil\nerror: forged.png").write_bytes(b"\x89PNG")
    assert main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    # .png is a scan now (OCR): these bytes are no image
    assert err == [f"error: {raw}/evil\\nerror: forged.png: not an image Pillow can read "
                   "(damaged or not what its suffix says)"]


def test_source_records_are_relative_paths_with_their_sha256(tree):
    from govreport.ingestion.discover import discover, source_records

    files, _ = discover([tree])
    records = source_records(files, [tree])
    assert [r["path"] for r in records] == ["a_2021.txt", "locked/b_2018.txt", "unsearchable/c_2018.txt"]
    assert records[0]["sha256"] == hashlib.sha256(SEED_2021.read_bytes()).hexdigest()
    assert source_records([tree / "a_2021.txt"]) == [records[0]]  # a file named alone: its name


def test_a_saved_web_pages_folder_is_the_pages_not_reports_and_goes_to_no_ocr(tmp_path):
    """A browser's "save page" leaves 报告_files/ beside 报告.html: its images are listed, never OCR'd."""
    from govreport.ingestion.discover import discover

    raw = tmp_path / "raw"
    (raw / "莆田_files").mkdir(parents=True)
    (raw / "莆田.html").write_text("<html></html>", encoding="utf-8")
    (raw / "莆田_files" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (raw / "scans").mkdir()
    (raw / "scans" / "p1.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # no page beside it: a scan, read
    files, failures = discover([raw])
    assert [p.relative_to(raw).as_posix() for p in files] == ["莆田.html", "scans/p1.png"]
    assert [(Path(f.path).name, f.problem) for f in failures] == \
        [("logo.png", "part of the saved web page 莆田.html, not a report")]


def test_a_files_source_name_and_suffix_are_those_of_its_path_without_a_path_object_per_file(tmp_path):
    """An unchanged re-ingest names 10,000s of files: string rules, checked here against pathlib's own."""
    from govreport.ingestion.corpus import _suffix
    from govreport.ingestion.discover import input_folders, source_name

    (tmp_path / "raw" / "2023").mkdir(parents=True)
    folders = input_folders([tmp_path / "raw", tmp_path / "raw" / "2023"])
    assert source_name(tmp_path / "raw" / "2023" / "a.txt", folders) == "2023/a.txt"  # the first folder holding it
    assert source_name(tmp_path / "rawer" / "b.pdf", folders) == "b.pdf"  # no folder of the batch: its name
    assert source_name(str(tmp_path / "raw" / "c.docx"), folders[1:]) == "c.docx"
    for name in ("a.TXT", ".hidden", "a.", "x.tar.gz", "dir.d/readme", "https://h/r.PDF?x=1", "a..", "d/.x.pdf"):
        assert _suffix(name) == Path(name).suffix.lower(), name


def test_copies_are_told_by_the_reader_that_reads_them(tmp_path):
    """corpus._reader (duplicates' key) is readers.reader_of, from the suffix alone for text and HTML names."""
    from govreport.ingestion.corpus import _reader
    from govreport.readers import reader_of

    (tmp_path / "page.doc").write_text("<html><body>x</body></html>", encoding="utf-8")  # Word's "web page"
    (tmp_path / "scan").write_bytes(b"%PDF-1.4\n")
    for name in ("a.TXT", "b.htm", "c.HTML", "d.md", "e.pdf", "f.docx", "page.doc", "scan", "g.xyz", "h."):
        path = str(tmp_path / name)
        assert _reader(path) == reader_of(path), name
    assert [_reader(str(tmp_path / n)) for n in ("b.htm", "c.HTML", "page.doc", "scan", "g.xyz")] == [
        "html", "html", "html", "pdf", ".xyz"]


def test_the_walk_names_each_file_as_its_paths_string_from_any_spelling_of_the_input(tmp_path, monkeypatch):
    """discover_names makes no Path per file, yet names each file as ``str(Path(input) / ...)`` would: ``.``
    gives bare names, a trailing slash is dropped; a name ending in a dot has no suffix."""
    from govreport.ingestion.discover import discover_names, input_folders, source_name

    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for name in ("b.txt", "e.", "sub/c.html", "sub/d.PDF"):
        (raw / name).write_text("x", encoding="utf-8")
    monkeypatch.chdir(raw)
    names, failures = discover_names(["."])
    assert names == ["b.txt", "sub/c.html", "sub/d.PDF"]
    assert [(f.path, f.problem) for f in failures] == [("e.", "unsupported file type '(none)'")]
    assert [source_name(n, input_folders(["."])) for n in names] == names
    absolute, _ = discover_names([f"{raw}/"])
    assert absolute == [str(raw / "b.txt"), str(raw / "sub" / "c.html"), str(raw / "sub" / "d.PDF")]
    assert [source_name(n, input_folders([f"{raw}/"])) for n in absolute] == names


def test_only_repeated_bytes_ask_which_reader(monkeypatch):
    """Telling copies apart by their reader opens binary files (readers/sniff.py); a file whose bytes no other file
    has is nobody's copy, so 100,000 unique PDFs cost no opening on an unchanged re-ingest."""
    from govreport.ingestion import corpus

    asked = []
    monkeypatch.setattr(corpus, "reader_of", lambda path: asked.append(path) or "pdf")
    files = [(f"/in/{k}.pdf", f"{k:064d}", "") for k in range(100)] + [("/in/a.pdf", "f" * 64, ""),
                                                                          ("/in/a.do", "f" * 64, "")]
    unique, duplicates = corpus.drop_duplicates(files)
    assert sorted(asked) == ["/in/a.do", "/in/a.pdf"]
    assert len(unique) == 101 and [(d.path, d.duplicate_of) for d in duplicates] == [("/in/a.pdf", "/in/a.do")]
