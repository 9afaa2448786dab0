"""Hostile and broken inputs: each gets its one-line reason (or is read safely), in bounded
time and memory, nothing is fetched, and a batch mixing them with good reports is written.

The files are made at test time by tests/filegen.py. Reasons are asserted word for word:
they are what a user sees in the failures table.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import filegen
import govreport
from conftest import FIXTURES, ROOT, SEED_2021, TESTDATA, values_dict
from govreport.errors import ReportError

HUAIAN_PDF = FIXTURES / "pdf" / "huaian_gov_2024.pdf"
SECRET = "SECRET-MARKER-5b1d9e"  # the content of the file an external entity points at
DTD_REFUSED = ("word/document.xml declares a DTD (<!DOCTYPE>), which Office Open XML forbids: "
               "refused (entity expansion or external entity)")

# file name -> the exact one-line problem (ReportError.problem) it must produce
REFUSED = {
    "empty.txt": "empty file",
    "garbage.pdf": "corrupt or truncated PDF (No /Root object! - Is this really a PDF?)",
    "garbage.docx": "not a valid .docx (corrupt or truncated zip: File is not a zip file)",
    "garbage.txt": "binary content, not a text report",
    "truncated.pdf": "corrupt or truncated PDF (PSEOF: Unexpected EOF)",
    "password.pdf": "password-protected PDF: cannot read without the password",
    # a page image of an empty ruled grid: OCR (Debian's tesseract, scripts/ensure_tesseract.sh) reads no text
    "scanned.pdf": ("no text layer (scanned PDF) and OCR found no text on its pages" if shutil.which("tesseract")
                    else "no text layer on page 1 (scanned PDF): tesseract is not installed "
                         "(scripts/ensure_tesseract.sh installs it)"),
    "nested.docx": "tables nested more than 20 deep",
    "nested.html": "tables nested more than 50 deep",
    "billion_laughs.docx": DTD_REFUSED,
    "xxe.docx": DTD_REFUSED,
    "huge.pdf": "file too large (200 MB > 100 MB limit)",
}
ZIP_BOMB = "zip_bomb.docx"
LOOP_REASON = "symbolic link to a folder: not followed (pass its target as an input path to read it)"  # its reason names the packed size, which depends on zlib: checked by prefix/suffix


def _agency(n: int) -> filegen.Gb2021Report:
    """Distinct agencies (one report per agency and year, or ingest calls it a duplicate)."""
    return filegen.Gb2021Report(agency=["甲县人民政府", "乙县人民政府", "丙县人民政府", "丁县人民政府",
                                        "戊县人民政府", "己县人民政府", "庚县人民政府"][n])


def make_bad_files(folder: Path) -> dict:
    """Every bad input of the issue, in ``folder``; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder.parent / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    base_docx = filegen.to_docx(_agency(0), folder.parent / "base.docx")
    files = [
        filegen.empty_file(folder / "empty.txt"),
        filegen.garbage(folder / "garbage.pdf"),
        filegen.garbage(folder / "garbage.docx"),
        filegen.garbage(folder / "garbage.txt"),
        filegen.truncated(HUAIAN_PDF, folder / "truncated.pdf", keep=0.4),
        filegen.password_pdf(_agency(0), folder / "password.pdf"),
        filegen.scanned_pdf(folder / "scanned.pdf"),
        filegen.zip_bomb_docx(folder / ZIP_BOMB, megabytes=300),  # ~1 s to write
        filegen.nested_docx(folder / "nested.docx", depth=30),
        filegen.nested_html(folder / "nested.html", depth=5000),
        filegen.docx_with_doctype(base_docx, folder / "billion_laughs.docx", filegen.BILLION_LAUGHS, "&lol9;"),
        filegen.docx_with_doctype(base_docx, folder / "xxe.docx",
                                  f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"),
        filegen.sparse_file(folder / "huge.pdf", 200 * 1024 * 1024),
    ]
    return {f.name: f for f in files}


def make_safe_files(folder: Path) -> dict:
    """Hostile but readable reports: they must parse to their numbers and nothing else."""
    secret = folder.parent / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    script = ("<script>document.write('一、本年新收政府信息公开申请数量 999 999 999 999 999 999 999');"
              "fetch('http://127.0.0.1:9/steal')</script><script src='http://127.0.0.1:9/x.js'></script>")
    return {
        "scripts.html": (filegen.to_html(_agency(1), folder / "scripts.html", script=script), _agency(1)),
        "billion_laughs.html": (filegen.entity_bomb_html(_agency(2), folder / "billion_laughs.html"), _agency(2)),
        "xxe.html": (filegen.xxe_html(_agency(3), folder / "xxe.html", secret.as_uri()), _agency(3)),
        "external_refs.docx": (filegen.docx_external_refs(_agency(4), folder / "external_refs.docx", "http://127.0.0.1:9"),
                               _agency(4)),
    }


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    return make_bad_files(tmp_path_factory.mktemp("bad") / "in")


@pytest.fixture(scope="module")
def safe_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("safe") / "in"
    d.mkdir()
    return make_safe_files(d)


@pytest.fixture()
def no_network(monkeypatch):
    """Any attempt to resolve or connect is recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _problem(path) -> str:
    with pytest.raises(ReportError) as err:
        govreport.parse(path)
    assert err.value.path == Path(path)
    assert "\n" not in str(err.value)
    return err.value.problem


# ------------------------------------------------------------------ refused, one line each
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_file_gets_its_one_line_reason_quickly(bad_files, name):
    start = time.perf_counter()
    assert _problem(bad_files[name]) == REFUSED[name]
    assert time.perf_counter() - start < 5


def test_zip_bomb_is_refused_from_its_directory_without_inflating(bad_files, monkeypatch):
    import zipfile
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(str(name)) or real_open(self, name, *a, **k))
    problem = _problem(bad_files[ZIP_BOMB])
    assert problem.startswith(".docx expands to 300 MB from ") and problem.endswith(" KB: refused as a possible zip bomb")
    assert opened == []  # the central directory's sizes were enough; no member was read


def test_huge_file_is_refused_by_size_without_being_opened(bad_files, monkeypatch):
    import builtins
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        assert not str(file).endswith("huge.pdf"), "the 200 MB file was opened"
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    assert _problem(bad_files["huge.pdf"]) == "file too large (200 MB > 100 MB limit)"


def test_bad_files_stay_within_memory_and_time_limits(bad_files):
    """The heavy ones in a child process capped at 768 MB of address space and 60 s.

    The cap is tight enough that inflating the bomb (300 MB) fails, yet a real PDF parses under it."""
    names = [ZIP_BOMB, "huge.pdf", "billion_laughs.docx", "nested.html", "nested.docx", "truncated.pdf"]
    script = textwrap.dedent("""
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (768 * 1024 * 1024, 768 * 1024 * 1024))
        import govreport
        from govreport.errors import ReportError
        out = {}
        for p in sys.argv[1:]:
            try:
                govreport.parse(p)
                out[p] = "parsed"
            except ReportError as exc:
                out[p] = exc.problem
        print(json.dumps(out, ensure_ascii=False))
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(HUAIAN_PDF), *[str(bad_files[n]) for n in names]],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {Path(p).name: v for p, v in json.loads(proc.stdout).items()}
    assert got.pop(HUAIAN_PDF.name) == "parsed"  # the cap leaves room for real work
    assert {n: got[n] for n in names if n != ZIP_BOMB} == {n: REFUSED[n] for n in names if n != ZIP_BOMB}
    assert got[ZIP_BOMB].endswith("refused as a possible zip bomb")


# ------------------------------------------------------------------ read safely
@pytest.mark.parametrize("name", ["scripts.html", "billion_laughs.html", "xxe.html", "external_refs.docx"])
def test_hostile_but_readable_file_gives_its_numbers_and_nothing_else(safe_files, no_network, name):
    path, rep = safe_files[name]
    parsed = govreport.parse(path)
    assert parsed.meta["agency"] == rep.agency
    assert values_dict(parsed.values[parsed.values["provenance"] == "reported"]) == rep.expected()
    assert parsed.unmapped.empty
    text = parsed.document.full_text()
    assert SECRET not in text  # the external entity was never resolved
    assert "999" not in text and "document.write" not in text  # script content is not report text
    assert "lollol" not in text  # the entity bomb was never expanded
    assert no_network == []  # nothing was fetched: no DNS lookup, no connection


def test_xml_parsers_never_resolve_entities_or_fetch(safe_files, bad_files, tmp_path, no_network):
    """Both XML paths: HTML (lxml.html) and DOCX, where python-docx's own parser would not
    resolve an external entity either, were a DTD ever to get past the reader's check."""
    assert SECRET not in govreport.parse(safe_files["xxe.html"][0]).document.full_text()
    assert _problem(bad_files["xxe.docx"]) == DTD_REFUSED
    from docx.oxml.parser import parse_xml
    secret = tmp_path / "s.txt"
    secret.write_text(SECRET, encoding="utf-8")
    for target in (secret.as_uri(), "http://127.0.0.1:9/x"):
        el = parse_xml(f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "{target}">]>'
                       f'<t xmlns="urn:x">a&xxe;b</t>'.encode())
        assert SECRET not in "".join(el.itertext())
    assert no_network == []


# ------------------------------------------------------------------ folders
def test_symlink_loop_in_an_input_folder_ends_and_is_not_followed(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SEED_2021, folder / "seed.txt")
    filegen.symlink_loop(folder)  # raw/loop -> raw
    os.symlink(folder / "a.txt", folder / "b.txt")  # two file links pointing at each other
    os.symlink(folder / "b.txt", folder / "a.txt")
    start = time.perf_counter()
    result = govreport.ingest([folder], tmp_path / "out")
    assert time.perf_counter() - start < 30
    assert [Path(p).name for p in result.processed.reports["source_file"]] == ["seed.txt"]  # once, not via loop/
    assert {Path(f.path).name: f.problem for f in result.failures} == {
        "a.txt": "broken symbolic link", "b.txt": "broken symbolic link", "loop": LOOP_REASON}


def test_mixed_folder_ingests_in_one_run(tmp_path, fixtures_dir):
    """PDF + DOCX + HTML + text + Markdown reports and every bad file in one folder, one run."""
    raw = tmp_path / "raw"
    bad = make_bad_files(raw)
    safe = make_safe_files(raw)
    good = {  # file name -> (agency, year, expected values)
        name: (rep.agency, rep.year, rep.expected()) for name, (_, rep) in safe.items()}
    hz = json.loads((fixtures_dir / "expected" / "hongze_district_gov_2023.json").read_text(encoding="utf-8"))
    shutil.copy(fixtures_dir / "pdf" / "hongze_district_gov_2023.pdf", raw / "洪泽区 2023 年度报告.pdf")
    good["洪泽区 2023 年度报告.pdf"] = (hz["agency"], hz["year"], hz["values"])
    md = json.loads((TESTDATA / "md_gb2021_small.expected.json").read_text(encoding="utf-8"))
    shutil.copy(TESTDATA / "md_gb2021_small.md", raw / "md_gb2021_small.md")
    good["md_gb2021_small.md"] = (md["agency"], md["year"], md["values"])
    for n, (name, render) in enumerate([("ruled.pdf", filegen.to_pdf_ruled), ("unruled.pdf", filegen.to_pdf_unruled),
                                        ("merged cells.docx", filegen.to_docx)], start=5):
        rep = _agency(n) if n < 7 else filegen.Gb2021Report(agency="辛县人民政府")
        render(rep, raw / name)
        good[name] = (rep.agency, rep.year, rep.expected())
    twin = filegen.Gb2021Report(agency="壬县人民政府", year=2023)
    (raw / "twin.txt").write_text(filegen.to_text(twin), encoding="utf-8")
    good["twin.txt"] = (twin.agency, twin.year, twin.expected())
    filegen.symlink_loop(raw)

    result = govreport.ingest([raw], tmp_path / "out")

    problems = {Path(f.path).name: f.problem for f in result.failures}
    bomb = problems.pop(ZIP_BOMB)
    assert bomb.startswith(".docx expands to 300 MB from ") and bomb.endswith("refused as a possible zip bomb")
    assert problems.pop("loop") == LOOP_REASON
    assert problems == REFUSED
    assert set(bad) == set(REFUSED) | {ZIP_BOMB}
    loaded = govreport.load(tmp_path / "out")
    reports = loaded.reports.set_index(loaded.reports["source_file"].map(lambda p: Path(p).name))
    assert set(reports.index) == set(good)
    for name, (agency, year, expected) in good.items():
        rid = reports.loc[name, "report_id"]
        assert (reports.loc[name, "agency"], reports.loc[name, "year"]) == (agency, year)
        v = loaded.values[(loaded.values["report_id"] == rid) & (loaded.values["provenance"] == "reported")]
        assert values_dict(v) == expected, name
    assert set(reports["format"]) == {"pdf", "docx", "html", "txt", "md"}
    written = loaded.failures.set_index(loaded.failures["path"].map(lambda p: Path(p).name))["problem"]
    assert written.drop([ZIP_BOMB, "loop"]).to_dict() == REFUSED  # the failures table on disk names each bad file
    assert SECRET not in loaded.values.to_csv() + loaded.unmapped.to_csv() + loaded.facts.to_csv()


# ------------------------------------------------------------------ atomic writes
VALUES_2021 = Path("values") / "year=2021" / "part-0.parquet"  # values are stored one Parquet file per year
TEMPORARY = ".part-0.parquet."  # its temporary name, beside it


def _ingest_seed(out: Path, *more):
    return govreport.ingest([SEED_2021, *more], out)


def _second_file(tmp_path: Path) -> Path:
    """A second report, so the next ingest has something to write (an unchanged corpus is not rewritten)."""
    twin = tmp_path / "twin.txt"
    twin.write_text(filegen.to_text(filegen.Gb2021Report()), encoding="utf-8")
    return twin


def test_failed_parquet_write_keeps_the_previous_file(tmp_path, monkeypatch):
    """Interrupted while a values batch is written (store.TableStream streams each table into a temporary
    file): every final file stays the old run's, the temporaries go."""
    from govreport.store import TableStream

    out = tmp_path / "out"
    _ingest_seed(out)
    before = (out / VALUES_2021).read_bytes()
    real = TableStream._write
    calls = []

    def interrupted(self, name, rel, frame):
        real(self, name, rel, frame)  # the batch is in its temporary file, then the interrupt
        if rel.startswith("values/"):
            calls.append(self.parquet[rel][0].name)
            raise KeyboardInterrupt

    monkeypatch.setattr(TableStream, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _ingest_seed(out, _second_file(tmp_path))
    assert calls and all(c.startswith(TEMPORARY) for c in calls)  # written under a temporary name
    assert (out / VALUES_2021).read_bytes() == before
    assert not list(out.rglob(".*.tmp"))  # the partial temporary files were removed
    monkeypatch.undo()
    assert set(govreport.load(out).values["report_id"]) == {"中卫市/沙坡头区政务服务中心-2021"}  # the old run, whole
    govreport.ingest([SEED_2021], out)
    values = govreport.load(out).values
    assert len(values) and set(values["report_id"]) == {"中卫市/沙坡头区政务服务中心-2021"}


def test_killed_run_leaves_no_half_written_file_under_a_final_name(tmp_path):
    """SIGKILL in the middle of writing values.parquet: no cleanup code runs at all."""
    out = tmp_path / "out"
    _ingest_seed(out)
    before = (out / VALUES_2021).read_bytes()
    script = textwrap.dedent("""
        import os, signal, sys
        import govreport
        from govreport.store import TableStream
        real = TableStream._write
        def dying(self, name, rel, frame):
            real(self, name, rel, frame)
            if rel.startswith("values/"):
                os.kill(os.getpid(), signal.SIGKILL)
        TableStream._write = dying
        govreport.ingest(sys.argv[1:-1], sys.argv[-1])
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(SEED_2021), str(_second_file(tmp_path)), str(out)],
                          cwd=ROOT, timeout=120)
    assert proc.returncode == -9
    assert (out / VALUES_2021).read_bytes() == before
    leftovers = [p.name for p in out.rglob("*.tmp")]
    assert leftovers and all(n.startswith(".") for n in leftovers)  # hidden, never a final name
    assert any(n.startswith(TEMPORARY) for n in leftovers)
    # killed before any file was renamed into place: the old run is still whole and loads
    assert set(govreport.load(out).reports["report_id"]) == {"中卫市/沙坡头区政务服务中心-2021"}


def test_interrupted_run_never_mixes_two_runs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _ingest_seed(out)  # run 1: the 2021 seed only
    real = os.replace

    def interrupted(src, dst, *args, **kwargs):
        if Path(dst).parent.parent.name == "values":  # the renames into place: values after reports
            raise KeyboardInterrupt
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", interrupted)
    twin = _second_file(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        govreport.ingest([SEED_2021, twin], out)  # run 2 dies while renaming its files into place
    monkeypatch.undo()
    # run 2 renamed reports.parquet before dying on values: load() refuses the mix
    # (manifest.json still describes run 1) instead of pairing new reports with old values
    from govreport.store import IncompleteData
    with pytest.raises(IncompleteData, match="is not the one the last complete ingest wrote"):
        govreport.load(out)
    govreport.ingest([SEED_2021, twin], out)  # a complete run makes the folder loadable again
    loaded = govreport.load(out)
    assert set(loaded.reports["report_id"]) == set(loaded.values["report_id"])
