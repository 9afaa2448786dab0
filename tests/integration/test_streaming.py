"""Streamed assembly (issue 16 item 3): the tables written agency by agency, in batches, are the tables of one
whole batch; assembly never holds more than one agency's parts; kept reports stream from the stored tables.

The corpus: 36 generated copies (benchmarks/corpus_gen.py) of six real text reports (三明市 2018, 2019, 2024,
2025; 洪泽区 2023; 莆田市 2018); copy j of the four 三明 reports shares one generated agency (6 agencies of four
years), the other copies are one agency each: 18 agencies over the years 2018, 2019, 2023, 2024, 2025.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sys
import weakref
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import govreport
from govreport import store
from govreport.checks.identities import rules
from govreport.ingestion import additive, assemble
from locations import REPO

SOURCES = ["tests/data/fixtures/text/hongze_district_gov_2023.txt", "tests/data/real/putian_shizhengfu_2018.txt",
           "tests/data/real/sanming_shizhengfu_2018.txt", "tests/data/real/sanming_shizhengfu_2019.txt",
           "tests/data/real/sanming_shizhengfu_2024.txt", "tests/data/real/sanming_shizhengfu_2025.txt"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("corpus_gen", REPO / "benchmarks" / "corpus_gen.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["corpus_gen"] = gen  # dataclasses look their module up here
    spec.loader.exec_module(gen)
    dest = tmp_path_factory.mktemp("streaming") / "corpus"
    rows = gen.make_corpus(36, dest, gen.describe_sources([REPO / s for s in SOURCES]), seed=3)
    return dest, rows


@pytest.fixture(scope="module")
def streamed(corpus, tmp_path_factory):
    """The corpus ingested with a batch written after every agency (TableStream.step at 1 row), each read of a
    part counted with how many parts were still alive then."""
    out = tmp_path_factory.mktemp("streamed") / "out"
    refs, reads, real, infos, real_info = [], [], assemble._decoded, [], assemble.read_info

    def counted(paths):
        infos_, whole, spans = real(paths)  # (reports' tables decoded before and alive, reports now)
        reads.append((sum(r() is not None for r in refs), len(infos_)))
        refs.extend(weakref.ref(frame) for frame in whole.values() if frame is not None)
        return infos_, whole, spans

    def info(path):
        infos.append(path)
        return real_info(path)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "BATCH_ROWS", 1)
        mp.setattr(assemble, "CHUNK_REPORTS", 1)  # one agency at a time
        mp.setattr(assemble, "_decoded", counted)
        mp.setattr(assemble, "read_info", info)
        govreport.ingest([corpus[0]], out, jobs=1)
    return out, reads, infos


def _same(a, b, names=None) -> list[str]:
    """Tables of two stores that differ (rows sorted, as strings)."""
    da, db = govreport.load(a), govreport.load(b)
    differ = []
    for name in names or sorted(set(da.tables) | set(db.tables)):
        ta, tb = getattr(da, name), getattr(db, name)
        cols = list(ta.columns)
        if list(tb.columns) != cols or dict(ta.dtypes.astype(str)) != dict(tb.dtypes.astype(str)):
            differ.append(f"{name} columns")
            continue
        sa = ta.astype(str).sort_values(cols).reset_index(drop=True)
        sb = tb.astype(str).sort_values(cols).reset_index(drop=True)
        if not sa.equals(sb):
            differ.append(name)
    return differ


def test_batches_per_agency_equal_one_batch_per_table(streamed, corpus, tmp_path, monkeypatch):
    out = streamed[0]
    whole = tmp_path / "whole"
    shutil.copytree(out / ".parts", whole / ".parts")  # the same parts: no parse
    monkeypatch.setattr(store, "BATCH_ROWS", 10**9)  # every table (and year) one batch, checked once whole
    govreport.ingest([corpus[0]], whole, jobs=1)
    assert _same(out, whole) == []
    # streamed: one row group per agency batch; the whole-table run writes one
    assert pq.ParquetFile(out / "values" / "year=2023" / "part-0.parquet").num_row_groups == 6
    assert pq.ParquetFile(whole / "values" / "year=2023" / "part-0.parquet").num_row_groups == 1


def test_streamed_tables_hold_every_report_and_the_cross_report_rows(streamed, corpus):
    out = streamed[0]
    data = govreport.load(out)
    assert len(data.reports) == 36 and data.reports["agency_id"].nunique() == 18
    assert sorted(data.reports["year"].unique()) == [2018, 2019, 2023, 2024, 2025]
    # a 三明 copy's 2019 and 2025 reports have their repetition rows against 2018 and 2024
    assert len(data.repetition) == 12 and set(data.repetition["year"]) == {2019, 2025}
    # hand-checked: Hongze 2023 prints 本年新收 21 requests; every copy prints k x 21
    by_file = dict(zip(data.reports["source_file"].map(lambda p: p.rsplit("/", 1)[-1]), data.reports["report_id"]))
    values = data.values.set_index(["report_id", "metric", "applicant"])["value"]
    hongze = [r for r in corpus[1] if r["source"].endswith("hongze_district_gov_2023.txt")]
    assert len(hongze) == 6
    for row in hongze:
        assert values[(by_file[row["file"]], "requests.new_received", "total")] == 21 * row["k"]
    # the cross-year identities ran between an agency's 2024 and 2025 (2018 is the legacy form: not compared)
    cross_rules = {r.rule for r in rules() if r.cross_year}
    cross = data.findings[data.findings["rule"].str.split(":").str[0].isin(cross_rules)]
    years = dict(zip(data.reports["report_id"], data.reports["year"]))
    assert len(cross) and {years[r] for r in cross["report_id"]} == {2025}


def test_per_report_rows_equal_each_reports_own_parse(streamed, corpus):
    out = streamed[0]
    data = govreport.load(out)
    files = sorted(corpus[0].iterdir())[:8]
    own = pd.concat([govreport.parse(f).values for f in files], ignore_index=True)
    key = ["report_id", "metric", "applicant"]
    stored = data.values[data.values["report_id"].isin(set(own["report_id"]))]
    assert len(stored) == len(own) > 0
    merged = own[key + ["value"]].merge(stored[key + ["value"]], on=key, suffixes=("_own", "_stored"))
    assert len(merged) == len(own)
    assert ((merged["value_own"] == merged["value_stored"]) | (merged["value_own"].isna() & merged["value_stored"].isna())).all()


def test_assembly_holds_one_agency_of_parts_at_a_time(streamed):
    """36 parts: the index reads none of them (each part written in this run hands its info back with its
    outcome, corpus.Outcome.info), then each part's tables are decoded once, one agency at a time (an agency has
    at most four reports here), and when an agency is decoded no report of an earlier agency is still alive.
    Holding every part before the concat, as the first code did, would find 35 alive at the last part."""
    _, reads, infos = streamed
    assert infos == []
    assert sum(n for _, n in reads) == 36
    assert max(n for _, n in reads) <= 4 and len(reads) >= 9
    assert max(alive for alive, _ in reads) == 0


def test_the_index_of_cached_parts_reads_each_ones_info_row_alone(streamed, corpus, tmp_path, monkeypatch):
    """Parts cached by an earlier run (no outcome this run): the index reads each one's info row alone, once."""
    again = tmp_path / "again"
    shutil.copytree(streamed[0] / ".parts", again / ".parts")
    infos, real = [], assemble.read_info
    monkeypatch.setattr(assemble, "read_info", lambda path: infos.append(path) or real(path))
    govreport.ingest([corpus[0]], again, jobs=1)
    assert len(infos) == len(set(infos)) == 36


def test_kept_reports_stream_from_the_stored_tables(streamed, corpus, tmp_path, monkeypatch):
    """An additive ingest into a store without its part cache: the 60 kept reports come from the stored tables,
    read forward agency by agency (never loaded whole), and the result equals a fresh ingest of all 37."""
    out = streamed[0]
    store_dir, fresh = tmp_path / "store", tmp_path / "fresh"
    shutil.copytree(out, store_dir)
    shutil.copytree(out / ".parts", fresh / ".parts")
    shutil.rmtree(store_dir / ".parts")
    extra = tmp_path / "more" / "sanming_shizhengfu_2022.txt"
    extra.parent.mkdir()
    shutil.copy2(REPO / "tests/data/real/sanming_shizhengfu_2022.txt", extra)

    def whole(*a, **k):
        raise AssertionError("the stored tables were loaded whole")

    monkeypatch.setattr(additive, "load", whole)
    govreport.ingest([extra], store_dir, jobs=1)
    monkeypatch.undo()
    govreport.ingest([corpus[0], extra], fresh, jobs=1)
    assert len(govreport.load(store_dir).reports) == 37
    assert _same(store_dir, fresh) == []


# ------------------------------------------------------------------ assembly in worker processes (--jobs 2)
def _csv_bytes(out) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.csv"))}


def _parquet_tables(out) -> dict:
    return {p.relative_to(out).as_posix(): pq.read_table(p) for p in sorted(out.rglob("*.parquet"))}


@pytest.fixture(scope="module")
def parts_only(streamed, tmp_path_factory):
    """A folder holding the streamed store's part cache alone: an ingest into a copy of it assembles only."""
    folder = tmp_path_factory.mktemp("parts_only")
    shutil.copytree(streamed[0] / ".parts", folder / ".parts")
    return folder


def _assembled(parts_only, corpus, out, jobs: int):
    shutil.copytree(parts_only, out)
    govreport.ingest([corpus[0]], out, jobs=jobs)
    return out


@pytest.mark.parametrize("chunk, units", [(4, 8), (18, 4)])
def test_chunks_assembled_in_worker_processes_write_the_same_bytes_as_one_process(parts_only, corpus, tmp_path,
                                                                                   monkeypatch, chunk, units):
    """--jobs 2: the agency chunks are assembled in two worker processes while this process writes the ones
    before them (issue 16: the serial assembly held --jobs 2 at 1.54x), the last two chunks in two halves cut
    between agencies (assemble._units). Chunks of 4 reports or more (7 chunks; of the last two, one holds two
    agencies: 8 units), or of 18 or more (2 chunks, both cut: 4 units, each chunk's cross-year findings
    after its reports' own): every CSV is byte for byte the one-process CSV, and every Parquet table equal."""
    monkeypatch.setattr(assemble, "CHUNK_REPORTS", chunk)
    where, real = tmp_path / "decoded_by", assemble._reports

    def noted(group, stored):
        with open(where, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real(group, stored)

    monkeypatch.setattr(assemble, "_reports", noted)
    one = _assembled(parts_only, corpus, tmp_path / "one", jobs=1)
    where.unlink()
    two = _assembled(parts_only, corpus, tmp_path / "two", jobs=2)
    pids = where.read_text(encoding="utf-8").split()
    assert len(pids) == units and str(os.getpid()) not in pids and len(set(pids)) == 2  # two workers, none here
    assert _csv_bytes(one) == _csv_bytes(two) and len(_csv_bytes(one)) >= 15
    tables_one, tables_two = _parquet_tables(one), _parquet_tables(two)
    assert tables_one.keys() == tables_two.keys()
    assert all(tables_one[k].equals(tables_two[k]) for k in tables_one)


def test_a_chunk_whose_worker_is_killed_is_assembled_here_and_the_tables_are_the_same(parts_only, corpus, tmp_path,
                                                                                     monkeypatch):
    """A worker killed (SIGKILL) while it assembles a chunk costs no row: that chunk is assembled in this
    process, in its turn; the other workers' chunks go on."""
    monkeypatch.setattr(assemble, "CHUNK_REPORTS", 4)
    one = _assembled(parts_only, corpus, tmp_path / "one", jobs=1)
    real, parent = assemble._Chunk.__call__, os.getpid()

    def killed(self, group):
        if os.getpid() != parent and group[0]["agency_id"] == first:
            (tmp_path / "killed").write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, group)

    first = min(govreport.load(one).reports["agency_id"])
    monkeypatch.setattr(assemble._Chunk, "__call__", killed)
    two = _assembled(parts_only, corpus, tmp_path / "two", jobs=2)
    assert (tmp_path / "killed").exists() and _csv_bytes(one) == _csv_bytes(two)


def test_a_part_changed_before_a_worker_decodes_it_is_refused_as_in_one_process(parts_only, corpus, tmp_path,
                                                                                monkeypatch):
    """A part edited after the index was made and before its chunk is decoded: the worker refuses it, and the
    ingest stops with the one line the one-process assembly gives (parts.BadPart), the part removed."""
    from govreport.ingestion import parts
    real = assemble.collect
    problems = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        shutil.copytree(parts_only, out)

        def edited(*a, **k):
            index = real(*a, **k)
            part = Path(index[-1].part)
            part.write_bytes(part.read_bytes() + b"\0")
            edited.part = part
            return index

        monkeypatch.setattr(assemble, "collect", edited)
        with pytest.raises(parts.BadPart) as err:
            govreport.ingest([corpus[0]], out, jobs=jobs)
        assert not edited.part.exists()
        problems.append(str(err.value).replace(str(out), "OUT"))
    assert problems[0] == problems[1] and problems[0].endswith("does not match its recorded digest (corrupt, "
                                                               "edited or swapped)")
