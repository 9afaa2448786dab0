"""One writer per store and per project; parts are data checked against their digests; a full disk is one
line (issue 16 item 5). Each of these failed on the main before it: a second ingest into one --out ran beside
the first, build published while an ingest was writing, a part edited on disk (550 -> 999999) was published,
a crafted pickle part ran code, and ENOSPC printed a traceback.
"""
from __future__ import annotations

import errno
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import govreport
from fault_helpers import SEED_2018, SEED_2021, SEEDS, make_root, processed_state, published_state, use_fake_notebooks
from govreport.cli import main

HONGZE_2023 = SEEDS / "hongze_district_gov_2023.txt"  # line 59: 行政许可 550 (art20.licensing.decisions, total)
HONGZE_2024 = SEEDS / "hongze_district_gov_2024.txt"
REPO = Path(__file__).resolve().parents[2]
ENV_PATH = f"{REPO / 'src'}"


def _licensing(folder: Path) -> list[float]:
    values = govreport.load(folder).values
    hit = values[(values["report_id"] == "淮安市/洪泽区人民政府-2023") & (values["applicant"] == "total")
                 & (values["metric"] == "art20.licensing.decisions")]
    return hit["value"].tolist()


def _part_files(out: Path) -> list[Path]:
    return [p for p in (out / ".parts").glob("*/*") if p.is_file() and p.name != "SHA256SUMS"
            and not p.name.startswith(".")]


class _Marker:
    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self):  # unpickling writes the marker: code run by a crafted part
        return (Path.write_text, (self.target, "code ran"))


# ------------------------------------------------------------------ bad parts
@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """A store of three reports, each with its part (copied by each test)."""
    out = tmp_path_factory.mktemp("three") / "store"
    govreport.ingest([HONGZE_2023, SEEDS / SEED_2018, SEEDS / SEED_2021], out)
    return out


def _store(three: Path, tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / "store"
    shutil.copytree(three, out)
    by_input = {p.name.split(".")[0]: p for p in _part_files(out)}
    return out, {seed: by_input[govreport.store.sha256_file(seed)] for seed in (
        HONGZE_2023, SEEDS / SEED_2018, SEEDS / SEED_2021)}


def test_corrupt_edited_and_crafted_parts_are_read_again_from_their_files_and_said_so(three, tmp_path, capsys):
    out, part = _store(three, tmp_path)
    marker = tmp_path / "marker"
    from govreport.ingestion import parts

    edited = parts.decode(part[HONGZE_2023].read_bytes())  # a readable part with one number changed
    values = edited["report"].values
    assert (values["value"] == 550.0).sum() == 1
    values.loc[values["value"] == 550.0, "value"] = 999999.0
    part[HONGZE_2023].write_bytes(parts.encode(edited))  # its digest line left as it was
    corrupt = part[SEEDS / SEED_2018]
    corrupt.write_bytes(corrupt.read_bytes()[: corrupt.stat().st_size // 2])
    part[SEEDS / SEED_2021].write_bytes(pickle.dumps({"failure": None, "report": _Marker(marker)}))
    code = main(["ingest", str(HONGZE_2023), str(HONGZE_2024), str(SEEDS / SEED_2018), str(SEEDS / SEED_2021),
                 "--out", str(out), "--quiet"])  # a run that needs them
    err = capsys.readouterr()
    assert code == 0 and not marker.exists()
    warnings = sorted(line for line in err.err.splitlines() if line.startswith("warning: cached part"))
    assert len(warnings) == 3, err.err
    for line, seed in zip(warnings, sorted((part[s].name, s) for s in part)):
        assert line == (f"warning: cached part {seed[0]} of {seed[1]} does not match its recorded digest "
                        "(corrupt, edited or swapped): not used, read again from its source")
    assert "(4 parsed, 3 bad cached part(s) not used)" in err.out
    assert _licensing(out) == [550.0]  # the source says 550
    assert parts.screen([(str(p), "") for p in _part_files(out)]) == []  # the parts made again are good
    assert len(_part_files(out)) == 4


def test_a_kept_report_whose_part_is_bad_comes_from_the_stored_tables(three, tmp_path):
    out, part = _store(three, tmp_path)
    part[HONGZE_2023].write_bytes(b"\0" * 100)
    result = govreport.ingest([HONGZE_2024], out)  # 2023 kept, not named now: never read from a bad part
    assert len(result.bad_parts) == 1 and "does not match its recorded digest" in result.bad_parts[0]
    assert len(result.reports) == 4 and _licensing(out) == [550.0]


# ------------------------------------------------------------------ one writer
HOLD = textwrap.dedent("""
    import sys
    from govreport.ingestion import lock
    with lock.{which}:
        print("held", flush=True)
        sys.stdin.read()
""")

SLOW_INGEST = textwrap.dedent("""
    import sys
    import govreport
    from govreport import pipeline
    real = pipeline.stored_part
    def paused(path, sha256):
        print("parsing", flush=True)
        sys.stdin.read()
        return real(path, sha256)
    pipeline.stored_part = paused
    govreport.ingest([sys.argv[1]], sys.argv[2])
    print("done", flush=True)
""")


def _child(code: str, *args) -> subprocess.Popen:
    """A process holding a lock (or paused inside a real ingest) until its stdin closes."""
    proc = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env={"PYTHONPATH": ENV_PATH, "PATH": "/usr/bin:/bin"})
    assert proc.stdout.readline().strip() in ("held", "parsing")
    return proc


def _release(proc: subprocess.Popen) -> str:
    rest, _ = proc.communicate("", timeout=120)
    return rest


def test_a_second_ingest_into_one_out_refuses_in_one_line_naming_the_first(tmp_path, capsys):
    out = tmp_path / "store"
    first = _child(SLOW_INGEST, HONGZE_2023, out)  # a real ingest, paused while it parses
    try:
        assert main(["ingest", str(HONGZE_2024), "--out", str(out), "--quiet"]) == 2
        assert main(["ingest", str(HONGZE_2024), "--out", str(out), "--quiet", "--wait", "0.3"]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 2
        assert err[0].startswith(f"error: {out}: another writer is at work on this store (pid {first.pid}, `-c ")
        assert err[0].endswith("); run again when it ends, or pass --wait SECONDS to wait for it")
        assert " UTC)" in err[0] and err[1].startswith(f"error: {out}: another writer is at work on this store "
                                                        f"after waiting 0.3 s (pid {first.pid}")
        assert not (out / "manifest.json").exists()  # the second wrote nothing
    finally:
        first.kill()  # SIGKILL: no cleanup runs, and the kernel releases its lock
        first.communicate(timeout=60)
    assert main(["ingest", str(HONGZE_2024), "--out", str(out), "--quiet"]) == 0  # a dead holder blocks nobody
    assert processed_state(out) == ("ok", ["淮安市/洪泽区人民政府-2024"])


def test_two_ingests_into_one_out_with_wait_run_one_after_the_other(tmp_path):
    """Issue 16: two ingests into one --out left reports of one run and values of the other."""
    out = tmp_path / "store"
    command = [sys.executable, "-m", "govreport.cli", "ingest", "--out", str(out), "--quiet", "--wait", "120"]
    env = {"PYTHONPATH": ENV_PATH, "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen(command + [str(inputs)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for inputs in (SEEDS / SEED_2021, HONGZE_2023)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    state = processed_state(out)  # reports and values of one run each time: the union, whole
    assert state == ("ok", sorted(["中卫市/沙坡头区政务服务中心-2021", "淮安市/洪泽区人民政府-2023"]))
    assert sorted(p.name for p in out.rglob(".*.tmp")) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project published from the 2021 seed (notebooks replaced by stand-in pages), 2018 added since."""
    from publish_helpers import run_build

    with pytest.MonkeyPatch.context() as mp:
        use_fake_notebooks(mp.setattr)
        root = make_root(tmp_path_factory.mktemp("built"))
        assert run_build(root).code == 0
    shutil.copy2(SEEDS / SEED_2018, root / "data" / "raw" / SEED_2018)
    return root


@pytest.fixture()
def project(built, tmp_path, monkeypatch):
    use_fake_notebooks(monkeypatch.setattr)
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def test_build_while_an_ingest_writes_the_same_root_refuses_and_publishes_nothing_damaged(project):
    from publish_helpers import run_build

    before = published_state(project)
    ingest = _child(SLOW_INGEST, project / "data" / "raw", project / "data" / "processed")
    try:
        run = run_build(project)
        assert run.code == 2 and run.output.count("\n") == 1, run.output
        assert run.output.startswith(f"govreport build: {project / 'data' / 'processed'}: another writer is at work "
                                     f"on this project's processed store (pid {ingest.pid}, `-c ")
        assert published_state(project) == before  # the old site, whole
    finally:
        assert _release(ingest).strip() == "done"
    run = run_build(project)
    assert run.code == 0, run.output
    pages, rows = published_state(project)
    assert rows == 2 and "yearly_report_2018.html" in pages


def test_ingest_and_a_second_build_while_a_build_runs_are_refused(project, capsys):
    from publish_helpers import run_build

    build = _child(HOLD.format(which=f"project_lock({str(project)!r}), "
                                     f"lock.store_lock({str(project / 'data' / 'processed')!r})"))
    try:
        run = run_build(project)
        assert run.code == 2 and run.output.startswith(
            f"govreport build: {project}: another `govreport build` is at work on this project (pid {build.pid}")
        assert main(["--root", str(project), "ingest", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"(pid {build.pid}, " in err
    finally:
        _release(build)
    assert run_build(project).code == 0


# ------------------------------------------------------------------ out of disk space
def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")  # as a full disk raises it: no file name


def test_out_of_space_while_writing_the_store_is_one_line_and_the_old_store_stays(tmp_path, capsys, monkeypatch):
    out = tmp_path / "store"
    govreport.ingest([SEEDS / SEED_2021], out)
    old = processed_state(out)
    monkeypatch.setattr(pd.DataFrame, "to_csv", _disk_full)
    with pytest.raises(OSError) as err:
        govreport.ingest([SEEDS / SEED_2018], out)
    assert err.value.errno == errno.ENOSPC
    assert main(["ingest", str(SEEDS / SEED_2018), "--out", str(out), "--quiet"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}") and lines[0].endswith(
        ": no space left on device; the run stopped before completing (free some space and run again)")
    monkeypatch.undo()
    assert processed_state(out) == old  # the old complete store
    assert sorted(p.name for p in out.rglob(".*.tmp")) == []


def test_out_of_space_while_writing_a_part_names_the_part(tmp_path, capsys, monkeypatch):
    out = tmp_path / "store"
    govreport.ingest([SEEDS / SEED_2021], out)
    old = processed_state(out)
    monkeypatch.setattr(Path, "write_bytes", _disk_full)
    assert main(["ingest", str(SEEDS / SEED_2018), "--out", str(out), "--quiet", "--jobs", "1"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    sha = govreport.store.sha256_file(SEEDS / SEED_2018)
    assert line.startswith(f"error: {out / '.parts'}/") and f"/{sha}.txt.arrow: no space left on device" in line
    monkeypatch.undo()
    assert processed_state(out) == old


def test_out_of_space_during_a_build_is_one_line_and_the_old_site_stays(project, capsys, monkeypatch):
    before = published_state(project)
    processed = processed_state(project / "data" / "processed")
    monkeypatch.setattr(pd.DataFrame, "to_csv", _disk_full)
    assert main(["--root", str(project), "build"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("preflight")]
    assert len(err) == 1 and err[0].startswith("govreport build: ingest failed: OSError: [Errno 28] No space left "
                                               "on device"), err
    monkeypatch.undo()
    assert published_state(project) == before and processed_state(project / "data" / "processed") == processed

    def full_copy(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(src), None, str(dst))

    use_fake_notebooks(monkeypatch.setattr)
    (project / "reports" / "notes.txt").write_text("the analyst's own file", encoding="utf-8")  # copied over
    monkeypatch.setattr(shutil, "copy2", full_copy)
    assert main(["--root", str(project), "build"]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and lines[0].endswith(": no space left on device; the run stopped before completing "
                                                 "(free some space and run again)"), lines
    assert lines[0].startswith(f"error: {project / 'reports'}.new-") and lines[0].count("notes.txt") == 1
    assert published_state(project) == before
