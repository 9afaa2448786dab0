"""The engines are interchangeable: in-process, a process pool and a Dask cluster run the same per-file
function and write the same tables; a second ingest over an unchanged corpus only checks hashes."""
from __future__ import annotations

import faulthandler
import json
import os
import shutil
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import govreport
from conftest import SEED_2018, SEED_2021, TESTDATA
from govreport import pipeline
from govreport.ingestion import engines, supervise
from govreport.ingestion.corpus import code_fingerprint, read_part
REAL = TESTDATA / "real"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Seeds, six Sanming years (cross-year checks, repetition), HTML and Markdown, a
    byte-identical copy and an empty file."""
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    raw.mkdir()
    for f in [SEED_2018, SEED_2021, *sorted(REAL.glob("sanming_shizhengfu_20[12]*.txt")),
              TESTDATA / "html_gb2019_county.html", TESTDATA / "md_gb2021_small.md"]:
        shutil.copy2(f, raw / f.name)
    shutil.copy2(SEED_2018, raw / "zz_copy_of_2018.txt")
    (raw / "empty.txt").write_bytes(b"")
    return raw


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "processed"
    result = govreport.ingest([corpus], out)
    return out, result


def _double(task) -> SimpleNamespace:
    """A per-file function: any picklable callable of one task whose outcome names its path."""
    return SimpleNamespace(path=task.path, value=2 * task.n)


@pytest.mark.parametrize("engine", ["local", "processes"])
def test_an_engine_runs_the_function_it_is_handed(engine):
    tasks = [SimpleNamespace(path=f"file{n}", n=n) for n in range(4)]
    seen = []
    outcomes = list(engines.run(_double, tasks, engine, jobs=2, progress=lambda n, total, path: seen.append(total)))
    assert sorted((o.path, o.value) for o in outcomes) == [("file0", 0), ("file1", 2), ("file2", 4), ("file3", 6)]
    assert seen == [4, 4, 4, 4]


class _Faulty:
    """A per-file function whose tasks crash, hang or succeed as they say, with the engines' optional hooks
    (``budget``: 0.5 s and 200 MB per task; ``failed``: the outcome of a task its worker lost)."""

    def __call__(self, task) -> SimpleNamespace:
        if task.fault == "segv":
            faulthandler.disable()  # pytest's dump of the crashed worker's stack is noise here
            os.kill(os.getpid(), signal.SIGSEGV)
        if task.fault == "blocked":  # in a C call no alarm reaches
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)
        return SimpleNamespace(path=task.path, value=10 * task.n)

    def budget(self, task) -> tuple:
        return 0.5, 200

    def failed(self, task, reason: str) -> SimpleNamespace:
        return SimpleNamespace(path=task.path, value=reason)


@pytest.mark.parametrize("engine", ["local", "processes"])
def test_a_task_that_crashes_or_hangs_costs_its_own_outcome_only(engine):
    faults = ["", "segv", "", "blocked", ""]
    tasks = [SimpleNamespace(path=f"file{n}", n=n, fault=f) for n, f in enumerate(faults)]
    outcomes = {o.path: o.value for o in engines.run(_Faulty(), tasks, engine, jobs=2)}
    assert outcomes == {"file0": 0, "file2": 20, "file4": 40,
                        "file1": "crashed (signal SIGSEGV) while it was parsed; its worker was replaced",
                        "file3": "timed out after 0.5 s (time limit per file); its worker was stopped"}


class _TwoPhase:
    """``part`` in the worker, ``keep`` in the process that runs the engine (the local engine's split)."""

    def part(self, task) -> int:
        return os.getpid()

    def keep(self, task, part: int) -> SimpleNamespace:
        return SimpleNamespace(path=task.path, part_pid=part, keep_pid=os.getpid())


def test_the_local_engine_parses_in_a_worker_and_writes_in_this_process():
    (outcome,) = engines.run(_TwoPhase(), [SimpleNamespace(path="a")], "local")
    assert outcome.keep_pid == os.getpid() != outcome.part_pid


def test_a_lost_task_of_a_function_without_failed_is_an_error_naming_the_reason():
    with pytest.raises(supervise.Lost, match=r"^crashed \(signal SIGSEGV\)"):
        list(engines.run(_Faulty().__call__, [SimpleNamespace(path="a", n=0, fault="segv")], "local"))


class _Slow:
    """Sleeps ``n`` hundredths of a second, then answers n (or crashes its worker when n is 99); counts the
    tasks at work in a file shared by the workers."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, n: int) -> int:
        mark = self.folder / f"{n}.running"
        mark.touch()
        (self.folder / f"{n}.seen").write_text(str(len(list(self.folder.glob("*.running")))))
        if n == 99:
            mark.unlink()
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(n / 100)
        mark.unlink()
        return n


def test_ordered_hands_results_back_in_task_order_and_leaves_the_others_to_the_caller(tmp_path):
    """engines.ordered (ingest's assembly of agency chunks): results in the tasks' order whatever order the
    workers finish in; the tasks ``remote`` refuses come back untouched ("here"), in their turn; a task whose
    worker dies is "lost" and the rest go on; with one job every task is the caller's."""
    tasks = [30, 1, 2, 99, 5, 7, 3]
    got = list(engines.ordered(_Slow(tmp_path), tasks, jobs=2, remote=lambda n: n != 7, ahead=1))
    assert [t for t, _status, _value in got] == tasks
    assert [(s, v) for _t, s, v in got if s != "lost"] == [("ok", 30), ("ok", 1), ("ok", 2), ("ok", 5),
                                                           ("here", None), ("ok", 3)]
    assert [v for _t, s, v in got if s == "lost"] == ["crashed (signal SIGKILL) while it was parsed; its worker "
                                                      "was replaced"]
    assert not (tmp_path / "7.seen").exists()  # never sent to a worker
    assert max(int(f.read_text()) for f in tmp_path.glob("*.seen")) <= 2  # two workers at most
    assert list(engines.ordered(_Slow(tmp_path), [1, 2], jobs=1)) == [(1, "here", None), (2, "here", None)]


def test_ordered_holds_at_most_jobs_plus_ahead_tasks_not_handed_back(tmp_path):
    """While the first task runs long, no more than ``jobs + ahead`` tasks are started: results wait in memory
    only that far ahead of the task the caller is at."""
    tasks = [50] + list(range(1, 9))
    runs = engines.ordered(_Slow(tmp_path), tasks, jobs=2, ahead=1)
    first = next(runs)
    started = sorted(int(f.stem) for f in tmp_path.glob("*.seen"))
    assert first == (50, "ok", 50) and started == [1, 2, 50]  # 3 = jobs + ahead, counted from task 0
    assert [t for t, _s, _v in runs] == list(range(1, 9))


def test_a_worker_that_finishes_while_the_caller_works_gets_its_next_task_when_the_caller_serves(tmp_path):
    """The caller's work between two takes (ingest writing a batch) calls ``serve()`` between its pieces: a
    worker that finished meanwhile is given its next task then, not when the caller takes the next result."""
    for serving in (False, True):
        folder = tmp_path / str(serving)
        folder.mkdir()
        runs = engines.ordered(_Slow(folder), [2, 30, 4, 5, 6], jobs=2, ahead=3)
        assert next(runs) == (2, "ok", 2)  # the first worker then took task 4; the second is at 30 till 0.3 s
        end = time.monotonic() + 0.8
        while time.monotonic() < end:  # the caller at work: 4, then 30, end meanwhile
            time.sleep(0.01)
            if serving:
                runs.serve()
        started = sorted(int(f.stem) for f in folder.glob("*.seen"))
        assert started == ([2, 4, 5, 6, 30] if serving else [2, 4, 30])
        assert [t for t, _s, _v in runs] == [30, 4, 5, 6]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if "source_file" in frame:  # the same files, as each engine saw them
        frame["source_file"] = frame["source_file"].map(lambda p: Path(p).name)
    return frame.sort_values(list(frame.columns), ignore_index=True, na_position="first", key=_key)


def _key(column: pd.Series) -> pd.Series:
    return column.astype(str)


def assert_same_tables(a: Path, b: Path) -> None:
    left, right = govreport.load(a), govreport.load(b)
    assert sorted(left.tables) == sorted(right.tables)
    for name in left.tables:
        if name in ("failures", "duplicates"):  # paths as each engine saw them: compared by name below
            continue
        pd.testing.assert_frame_equal(_sorted(left.tables[name]), _sorted(right.tables[name]), obj=name)
    fails = lambda d: sorted((Path(p).name, q.replace("file://", "")) for p, q in  # noqa: E731
                             zip(d.failures["path"], d.failures["problem"]))
    assert fails(left) == fails(right)
    copies = lambda d: sorted((Path(p).name, Path(k).name, h) for p, k, h in  # noqa: E731
                              zip(d.duplicates["path"], d.duplicates["duplicate_of"], d.duplicates["sha256"]))
    assert copies(left) == copies(right)


def test_local_ingest_of_the_corpus_reads_every_report_and_names_the_bad_files(corpus, local):
    out, result = local
    assert len(result.reports) == 10 and result.n_parsed == 11 and result.n_reused == 0  # the copy is not parsed
    problems = {Path(f.path).name: f.problem for f in result.failures}
    assert problems == {"empty.txt": "empty file"}  # the byte-identical copy is no failure (issue 19)
    # ... but listed: of shapotou_gov_service_center_2018.txt (36 characters) and zz_copy_of_2018.txt (19), the
    # shorter name is read
    assert [(Path(d.path).name, Path(d.duplicate_of).name) for d in result.duplicates] == \
        [("shapotou_gov_service_center_2018.txt", "zz_copy_of_2018.txt")]
    assert govreport.load(out).duplicates[["path", "duplicate_of"]].values.tolist() == \
        [[str(corpus / SEED_2018.name), str(corpus / "zz_copy_of_2018.txt")]]
    assert set(govreport.load(out).repetition["report_id"]) == {"三明市人民政府-2019", "三明市人民政府-2025"}  # 2018->2019, 2024->2025 (三明市 is 三明市人民政府)


def test_process_pool_writes_the_same_tables_as_in_process(corpus, local, tmp_path):
    result = govreport.ingest([corpus], tmp_path / "p", jobs=2, engine="processes")
    assert result.n_parsed == 11
    assert_same_tables(local[0], tmp_path / "p")


def test_dask_cluster_writes_the_same_tables_as_in_process(corpus, local, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as client:
        result = govreport.ingest([corpus], tmp_path / "d", engine="dask", scheduler=client)
        workers = client.run(lambda: __import__("os").getpid())
    assert result.n_parsed == 11 and len(set(workers.values())) == 2
    assert_same_tables(local[0], tmp_path / "d")


def test_a_second_ingest_over_an_unchanged_corpus_only_checks_hashes(corpus, local, tmp_path, monkeypatch):
    out = tmp_path / "again"
    shutil.copytree(local[0], out)
    manifest = (out / "manifest.json").read_bytes()
    monkeypatch.setattr(pipeline, "report_rows", lambda path, sha256=None: pytest.fail(f"parsed again: {path}"))
    result = govreport.ingest([corpus], out)
    assert (result.n_parsed, result.n_reused) == (0, 11)  # 12 files, one a byte-identical copy
    assert (out / "manifest.json").read_bytes() == manifest  # nothing rewritten
    assert len(result.reports) == 10 and len(result.failures) == 1 and len(result.duplicates) == 1


def test_one_changed_file_is_the_only_one_parsed_again(corpus, local, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(corpus, raw)
    shutil.copytree(local[0], out)
    (raw / "empty.txt").unlink()
    shutil.copy2(REAL / "putian_ptkjj_2024.html", raw / "putian_ptkjj_2024.html")  # a new file
    result = govreport.ingest([raw], out, replace=True)  # the store of `raw` alone (additive by default)
    assert (result.n_parsed, result.n_reused) == (1, 10)  # the copy of 2018 is neither parsed nor reused
    assert len(result.reports) == 11 and result.failures == [] and len(result.duplicates) == 1
    assert "ptkjj_2024" in " ".join(govreport.load(out, years=[2024]).reports["source_file"])


def test_parts_are_named_by_content_hash_and_code_fingerprint(local):
    out, _ = local
    (cache,) = (out / ".parts").iterdir()
    assert cache.name == code_fingerprint()
    sources = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sources"]
    seed = next(s for s in sources if s["path"] == SEED_2018.name)
    part = read_part(cache / f"{seed['sha256']}.txt.arrow")
    rep = part["report"]  # the report as parse() returned it, less its document and file name
    assert part["failure"] is None and rep.report_id == "中卫市/沙坡头区政务服务中心-2018"
    assert (rep.values["value"].notna().sum(), len(rep.sentences) > 0) == (58, True)
    assert rep.document is None and "source_file" not in rep.meta


def test_inputs_named_by_fsspec_url_give_the_same_tables(corpus, local, tmp_path):
    """Object storage (s3://, gs://) goes through fsspec; file:// is the same code path, on this disk."""
    pytest.importorskip("fsspec")
    result = govreport.ingest([corpus.as_uri()], tmp_path / "u")
    assert result.n_parsed == 11
    assert all(p.startswith("file://") for p in result.reports["source_file"])
    assert_same_tables(local[0], tmp_path / "u")
    sources = json.loads((tmp_path / "u" / "manifest.json").read_text(encoding="utf-8"))["sources"]
    assert sources == json.loads((local[0] / "manifest.json").read_text(encoding="utf-8"))["sources"]
