"""Older office files converted many to a LibreOffice run (readers/office.convert_many, ingest's first step).

Starting LibreOffice costs about a CPU-second, converting one more file in the same run a fifteenth of that, so an
ingest converts its .doc/.wps/.xls files in batches before reading them. What must hold:
- a batch gives each file the Document converting it alone gives (real reports rendered to Word 97 by
  LibreOffice; values hand-checked in tests/data/real/expected), and an ingest of several such files starts
  LibreOffice once, not once per file;
- a file a batch does not convert (LibreOffice refuses it, crashes on it, or stalls) is converted alone when read
  and fails there with its own one-line reason; a batch that stalls is killed after a file's conversion time and
  the last file it wrote, which may be incomplete, is not used.
The failure cases use a stand-in for soffice (a script that behaves per file as told by the file's first bytes),
so they run without LibreOffice and in a second.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from render_helpers import REAL, _soffice, _tool

from govreport.ingestion import corpus
from govreport.pipeline import ingest
from govreport.readers import office, read_document
from govreport.store import load

ROOT = Path(__file__).resolve().parents[3]
CASES = [REAL / "putian_ptkjj_2024.html", REAL / "putian_ptsjj_2024.html", REAL / "putian_ptsslj_2020.html"]

# A stand-in for soffice: logs each run's input count, then for each input in order: "STALL" sleeps, "CRASH"
# kills the run, "REFUSE" writes nothing, anything else writes "<name>.docx" holding the input's bytes.
FAKE = """#!{python}
import os, signal, sys, time
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
inputs = [a for a in args[args.index("--outdir") + 2:]]
with open({log!r}, "a") as log:
    log.write(f"{{len(inputs)}} {{os.getpid()}}\\n")
for name in inputs:
    data = Path(name).read_bytes()
    if data.startswith(b"STALL"):
        time.sleep(60)
    if data.startswith(b"CRASH"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if data.startswith(b"REFUSE"):
        continue
    (out / (Path(name).stem + ".docx")).write_bytes(data)
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """The stand-in on PATH as ``soffice`` and a file's conversion time of 4 s (the stand-in's first file comes
    in time even when a loaded machine starts it slowly); returns its run log."""
    bin_dir, log = tmp_path / "bin", tmp_path / "runs.log"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE.format(python=sys.executable, log=str(log)), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(office, "LIMITS", dataclasses.replace(office.LIMITS, convert_seconds=4.0))
    return log


def _runs(log: Path) -> list[str]:
    """The number of files of each run of the stand-in, in order."""
    return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []


def _files(folder: Path, contents: list[bytes]) -> list[str]:
    folder.mkdir(exist_ok=True)
    paths = []
    for k, data in enumerate(contents):
        paths.append(str(folder / f"report{k}.doc"))
        Path(paths[-1]).write_bytes(data)
    return paths


def test_a_batch_converts_every_file_in_one_run(tmp_path, fake_soffice):
    paths = _files(tmp_path / "in", [b"one", b"two", b"three"])
    done = office.convert_many(paths, tmp_path / "out")
    assert {p: done[p].read_bytes() for p in done} == {paths[0]: b"one", paths[1]: b"two", paths[2]: b"three"}
    assert _runs(fake_soffice) == ["3"]


def test_a_refused_file_is_left_to_its_own_conversion_and_the_rest_are_kept(tmp_path, fake_soffice):
    paths = _files(tmp_path / "in", [b"one", b"REFUSE", b"three"])
    done = office.convert_many(paths, tmp_path / "out")
    assert sorted(done) == [paths[0], paths[2]]


def test_a_stalled_run_is_killed_and_its_last_file_is_not_trusted(tmp_path, fake_soffice):
    paths = _files(tmp_path / "in", [b"one", b"two", b"STALL", b"four"])
    start = time.monotonic()
    done = office.convert_many(paths, tmp_path / "out")
    assert time.monotonic() - start < 20  # killed after 4 s without a new file, not after the stand-in's 60 s
    assert sorted(done) == [paths[0]]  # "two" was written last before the stall: it may be incomplete


def test_a_crashed_run_keeps_only_what_it_finished_before_its_last_file(tmp_path, fake_soffice):
    paths = _files(tmp_path / "in", [b"one", b"two", b"CRASH", b"four"])
    assert sorted(office.convert_many(paths, tmp_path / "out")) == [paths[0]]


def test_parallel_runs_split_the_files_when_each_gets_half_a_batch(tmp_path, fake_soffice, monkeypatch):
    monkeypatch.setattr(office, "BATCH_FILES", 4)
    paths = _files(tmp_path / "in", [b"a", b"b", b"c", b"d", b"e"])
    done = office.convert_many(paths, tmp_path / "out", parallel=2)
    assert {p: done[p].read_bytes() for p in done} == {p: Path(p).read_bytes() for p in paths}
    assert sorted(_runs(fake_soffice)) == ["2", "3"]
    office.convert_many(paths[:3], tmp_path / "out3", parallel=2)  # 3 files: two runs would pay two starts
    assert sorted(_runs(fake_soffice)) == ["2", "3", "3"]


def test_converted_first_gives_the_tasks_their_conversions_and_leaves_the_rest(tmp_path, fake_soffice):
    paths = _files(tmp_path / "in", [b"one", b"REFUSE"])
    text = tmp_path / "in" / "report.txt"
    text.write_text("x", encoding="utf-8")
    empty = tmp_path / "in" / "empty.doc"
    empty.write_bytes(b"")
    tasks = [corpus.Task(p, "0" * 64, "") for p in [*paths, str(text), str(empty)]]
    with corpus.converted_first(tasks, 1) as ready:
        got = {Path(t.path).name: t.converted for t in ready}
        assert Path(got["report0.doc"]).read_bytes() == b"one"
        assert got["report1.doc"] == got["report.txt"] == got["empty.doc"] == ""  # refused, not converted, empty
    assert not Path(got["report0.doc"]).exists()  # the conversions last as long as the block
    assert _runs(fake_soffice) == ["2"]  # the empty file is refused before any conversion


def test_an_ingest_killed_while_converting_leaves_the_store_as_it_was_and_the_next_run_completes(
        tmp_path, fake_soffice):
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    shutil.copy(ROOT / "data" / "raw" / "hongze_district_gov_2024.txt", folder)
    ingest([folder], store, jobs=1)
    before = load(store).reports["report_id"].tolist()
    _files(folder, [b"STALL one", b"STALL two"])
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-m", "govreport.cli", "ingest", str(folder), "--out", str(store),
                              "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _runs(fake_soffice) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _runs(fake_soffice) == ["2"], "the batch conversion never started"
        child.kill()  # SIGKILL while LibreOffice converts, before anything is parsed or written
        child.wait()
        assert _ends(_pids(fake_soffice), 5.0), "LibreOffice went on converting after the ingest was killed"
    finally:
        for line in fake_soffice.read_text().splitlines():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split()[1]), signal.SIGKILL)
    assert load(store).reports["report_id"].tolist() == before  # the old complete state
    _files(folder, [b"REFUSE one", b"REFUSE two"])
    result = ingest([folder], store, jobs=1)  # no lock left behind; the batch and each file alone refuse them
    assert load(store).reports["report_id"].tolist() == before
    assert sorted(Path(f.path).name for f in result.failures) == ["report0.doc", "report1.doc"]
    assert _runs(fake_soffice)[1:] == ["2", "1", "1"]


def test_an_interrupted_conversion_kills_its_run_and_starts_no_more(tmp_path, fake_soffice, monkeypatch):
    """Ctrl-C during the conversions: before, the pool finished every queued batch first (minutes for a corpus of
    .doc files) and the running LibreOffice, in a session of its own, never saw the interrupt."""
    monkeypatch.setattr(office, "BATCH_FILES", 2)
    paths = _files(tmp_path / "in", [b"STALL a", b"b", b"c", b"d", b"e", b"f"])
    timer = threading.Timer(1.0, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))  # Ctrl-C
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            office.convert_many(paths, tmp_path / "out")
    finally:
        timer.cancel()
    assert time.monotonic() - start < 3.0  # not the stand-in's 60 s stall, nor a file's 4 s conversion time
    assert _runs(fake_soffice) == ["2"]  # the two batches behind it never started
    assert _ends(_pids(fake_soffice), 2.0)


def test_folders_a_killed_run_left_behind_are_removed_by_the_next(tmp_path, fake_soffice, monkeypatch):
    """A SIGKILL skips every clean-up, so each killed run left a LibreOffice profile (megabytes) and its
    conversions in the temporary folder, for ever. The next conversion removes those of dead processes that
    are an hour old; a live process's, a young one and anything not ours stay."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    office._swept.cache_clear()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    names = {"old profile": f"govreport-soffice-profile-{dead}-ab12", "old batch": f"govreport-convert-{dead}-x9",
             "young": f"govreport-convert-{dead}-new", "live": f"govreport-soffice-profile-{os.getppid()}-cd34",
             "not ours": "govreport-unread-abc", "no pid": "govreport-convert-abc",
             "legacy": "govreport-convert-12345678"}  # an older version's name: whose it is cannot be told
    for name in names.values():
        (tmp_path / "tmp" / name / "user").mkdir(parents=True)
        (tmp_path / "tmp" / name / "user" / "registrymodifications.xcu").write_text("x")
        if name != names["young"]:
            os.utime(tmp_path / "tmp" / name, (time.time() - 2 * office.ORPHAN_AGE_S,) * 2)
    with corpus.converted_first([corpus.Task(p, "0" * 64, "") for p in _files(tmp_path / "in", [b"a", b"b"])], 1):
        pass
    left = {p.name for p in (tmp_path / "tmp").iterdir()}
    assert left - {n for n in left if n.startswith(f"govreport-soffice-profile-{os.getpid()}-")} == {
        names[k] for k in ("young", "live", "not ours", "no pid", "legacy")}
    office._swept.cache_clear()


def test_the_conversions_are_told_as_they_go(tmp_path, fake_soffice, monkeypatch):
    """Thousands of .doc files take minutes to convert before the first report is read: the ingest's progress
    (a ``converting`` method beside the per-report call) is told after each run, then per report as before."""
    monkeypatch.setattr(office, "BATCH_FILES", 2)
    folder = tmp_path / "in"
    _files(folder, [b"a", b"b", b"c", b"d", b"e"])
    shutil.copy(ROOT / "data" / "raw" / "hongze_district_gov_2024.txt", folder)
    told = []

    class Progress:
        def __call__(self, n, total, path):
            told.append(("report", n, total))

        def converting(self, n, total, path):
            told.append(("converting", n, total, Path(path).name))

    ingest([folder], tmp_path / "store", jobs=1, progress=Progress())
    assert told[:3] == [("converting", 2, 5, "report1.doc"), ("converting", 4, 5, "report3.doc"),
                        ("converting", 5, 5, "report4.doc")]
    assert [t[0] for t in told[3:]] == ["report"] * 6 and told[-1] == ("report", 6, 6)


def test_many_files_are_converted_in_waves_each_removed_before_the_next(tmp_path, fake_soffice, monkeypatch):
    """Every conversion made before the first report was read: a hundred thousand .doc files waited hours for
    it and held all their .docx files on disk at once. Now at most WAVE_FILES at a time; the other files go with
    the first wave; progress counts over the whole ingest."""
    monkeypatch.setattr(office, "BATCH_FILES", 2)
    monkeypatch.setattr(corpus, "WAVE_FILES", 2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = tmp_path / "in"
    _files(folder, [b"a", b"b", b"c", b"d", b"e"])
    shutil.copy(ROOT / "data" / "raw" / "hongze_district_gov_2024.txt", folder)
    alive, convert_many = [], office.convert_many

    def counted(paths, outdir, parallel=1, progress=None):
        alive.append(len(list((tmp_path / "tmp").glob("govreport-convert-*"))))
        return convert_many(paths, outdir, parallel, progress)

    monkeypatch.setattr(office, "convert_many", counted)
    told = []

    class Progress:
        def __call__(self, n, total, path):
            told.append(("report", n, total, Path(path).name))

        def converting(self, n, total, path):
            told.append(("converting", n, total))

    result = ingest([folder], tmp_path / "store", jobs=1, progress=Progress())
    assert _runs(fake_soffice) == ["2", "2", "1"] and alive == [1, 1]  # one wave's at a time; the last file alone
    assert not list((tmp_path / "tmp").glob("govreport-convert-*"))
    assert [t[:3] for t in told] == [("converting", 2, 5), ("report", 1, 6), ("report", 2, 6), ("report", 3, 6),
                                     ("converting", 4, 5), ("report", 4, 6), ("report", 5, 6),
                                     ("report", 6, 6)]  # a wave of one file: converted as it is read
    assert told[1][3] == "hongze_district_gov_2024.txt"  # the files read directly go with the first wave
    assert len(result.failures) == 5  # the stand-in's "conversions" are no Word files: each fails, none is lost


def test_a_web_page_named_doc_is_not_converted(tmp_path, fake_soffice):
    """Word's "web page" .doc is HTML: read_document reads it as the web page it is (readers/sniff.py), so the
    batch does not convert it first for nothing."""
    paths = _files(tmp_path / "in", [b"one", b"two", b"<html><body>page</body></html>"])
    tasks = [corpus.Task(p, "0" * 64, "") for p in paths]
    with corpus.converted_first(tasks, 1) as ready:
        assert [bool(t.converted) for t in ready] == [True, True, False]
    assert _runs(fake_soffice) == ["2"]


def test_a_local_dask_cluster_converts_in_batches_too(tmp_path, fake_soffice):
    """``--engine dask`` without a scheduler runs on this machine: its files are converted ahead, many to a run,
    as with the local engines (before: one LibreOffice start, about a CPU-second, per file)."""
    pytest.importorskip("distributed")
    folder = tmp_path / "in"
    _files(folder, [b"a", b"b", b"REFUSE c"])
    result = ingest([folder], tmp_path / "store", jobs=1, engine="dask")
    assert _runs(fake_soffice) == ["3", "1"]  # one run for all three; the refused one alone when read
    assert len(result.failures) == 3  # the stand-in's "conversions" are no Word files; the refused one says so


def _pids(log: Path) -> list[int]:
    return [int(line.split()[1]) for line in log.read_text().splitlines()]


def _ends(pids: list[int], seconds: float) -> bool:
    """Whether every process of ``pids`` is gone (or a zombie) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def _alive(pid: int) -> bool:
    try:
        return not Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return False


# ------------------------------------------------------------------ real LibreOffice, real reports
@pytest.fixture(scope="module")
def word_reports(tmp_path_factory):
    """The real reports rendered to Word 97 (.doc) by LibreOffice, once for this module."""
    soffice, why = _tool(("soffice", "libreoffice"), "ensure_soffice.sh")
    if soffice is None:
        pytest.skip(f"LibreOffice cannot be installed: {why}")
    root = tmp_path_factory.mktemp("word97")
    _soffice(soffice, root / "profile", "doc:MS Word 97", root / "in", CASES)
    return soffice, sorted((root / "in").glob("*.doc"))


def test_a_batch_reads_each_report_as_converting_it_alone_does(word_reports, tmp_path):
    _soffice_path, docs = word_reports
    assert len(docs) == len(CASES)
    done = office.convert_many([str(d) for d in docs], tmp_path / "batch")
    assert sorted(done) == sorted(map(str, docs))
    for doc in docs:
        alone = read_document(doc)
        with office.prepared(doc, str(done[str(doc)])):
            batched = read_document(doc)
        assert batched == alone and batched.format == "doc" and batched.path == doc


def test_an_ingest_of_word_reports_starts_libreoffice_once(word_reports, tmp_path, monkeypatch):
    soffice, docs = word_reports
    folder = tmp_path / "in"
    folder.mkdir()
    for doc in docs:
        shutil.copy(doc, folder / doc.name)
    (folder / "noise.doc").write_bytes(bytes(range(256)) * 12)  # LibreOffice converts nothing of it
    shim, log = tmp_path / "bin", tmp_path / "runs.log"
    shim.mkdir()
    (shim / "soffice").write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{soffice}" "$@"\n', encoding="utf-8")
    (shim / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    result = ingest([folder], tmp_path / "store", jobs=1)
    # one run for the four files (each alone: four runs), and noise.doc alone once more, as the batch left it
    assert log.read_text().split() == ["run", "run"]
    ingest(CASES, tmp_path / "html_store", jobs=1)  # the same reports from their HTML
    values, html_values = load(tmp_path / "store").values, load(tmp_path / "html_store").values
    for case in CASES:  # every value of each report as its HTML gives it, hand-checked ones included
        expected = json.loads((REAL / "expected" / f"{case.stem}.json").read_text(encoding="utf-8"))
        rows = [{(m, a): v for m, a, v in zip(t["metric"], t["applicant"], t["value"].fillna(-1.0))}
                for t in (v[(v["agency"] == expected["agency"]) & (v["year"] == expected["year"])]
                          for v in (values, html_values))]
        assert rows[0] == rows[1] and len(rows[0]) >= len(expected["values"]), case.name
    assert [(Path(f.path).name, f.problem) for f in result.failures] == [
        ("noise.doc", "LibreOffice could not convert this .doc file to .docx (damaged, encrypted, or "
                      "libreoffice-writer is not installed)")]
