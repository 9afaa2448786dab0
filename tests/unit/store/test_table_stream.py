"""store.TableStream: rows written batch by batch are the table of all of them, checked per batch; nothing
shows under a final name before close(), and abort() leaves nothing behind."""
from __future__ import annotations

import os

import pandas as pd
import pyarrow.parquet as pq
import pytest

from govreport import store
from govreport.schemas import SchemaError


def _passages(rid: str, n: int) -> pd.DataFrame:
    return pd.DataFrame({"report_id": [rid] * n, "passage_no": list(range(1, n + 1)),
                         "passage": [f"{rid} 第{k}段" for k in range(1, n + 1)]})


def test_batches_make_one_table_and_one_csv(tmp_path):
    sink = store.TableStream(tmp_path, batch_rows=2)
    for rid, n in (("a-2023", 2), ("b-2023", 1), ("c-2024", 3)):
        sink.add("repetition_passages", _passages(rid, n))
        sink.step()  # 2 rows queued: written; then 1 (kept), then 1 + 3 = 4: written
    assert list(tmp_path.glob("*.parquet")) == []  # nothing under a final name yet
    files = sink.close(names=["repetition_passages"])
    assert files == ["repetition_passages.parquet", "repetition_passages.csv"]
    assert pq.ParquetFile(tmp_path / "repetition_passages.parquet").num_row_groups == 2
    back = pd.read_parquet(tmp_path / "repetition_passages.parquet")
    assert back["report_id"].tolist() == ["a-2023"] * 2 + ["b-2023"] + ["c-2024"] * 3
    assert back["passage_no"].tolist() == [1, 2, 1, 1, 2, 3] and str(back["passage_no"].dtype) == "int64"
    raw = (tmp_path / "repetition_passages.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfreport_id,passage_no,passage\r\n" if b"\r\n" in raw
                          else b"\xef\xbb\xbfreport_id,passage_no,passage\n")
    assert raw.count(b"\xef\xbb\xbf") == 1 and raw.decode("utf-8-sig").count("report_id") == 1
    assert pd.read_csv(tmp_path / "repetition_passages.csv", encoding=store.CSV_ENCODING)["passage"].tolist()[-1] \
        == "c-2024 第3段"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_partitioned_table_gets_one_file_per_year_and_an_empty_table_its_columns(tmp_path):
    sink = store.TableStream(tmp_path, batch_rows=1)
    rows = pd.DataFrame({"report_id": ["a-2023", "a-2024"], "agency_id": ["a", "a"], "year": [2023, 2024],
                         "section": ["二"] * 2, "source_label": ["x"] * 2, "column": [""] * 2, "raw": ["7"] * 2,
                         "value": [7.0, None], "reason": ["label_unknown"] * 2, "detail": [""] * 2})
    sink.add("unmapped", rows)
    files = sink.close(names=["unmapped", "placeholders"])
    assert files == ["unmapped/year=2023/part-0.parquet", "unmapped/year=2024/part-0.parquet", "unmapped.csv",
                     "placeholders.parquet", "placeholders.csv"]
    assert pd.read_parquet(tmp_path / "unmapped/year=2024/part-0.parquet")["value"].isna().tolist() == [True]
    empty = pd.read_parquet(tmp_path / "placeholders.parquet")
    assert len(empty) == 0 and list(empty.columns) == ["report_id", "metric", "applicant", "source_label", "text"]


def test_a_batch_that_fails_its_check_raises_and_abort_leaves_nothing(tmp_path):
    sink = store.TableStream(tmp_path, batch_rows=1)
    sink.add("repetition_passages", _passages("a-2023", 2))
    sink.step()
    bad = _passages("b-2023", 1).assign(passage_no=0)  # passage numbers start at 1
    sink.add("repetition_passages", bad)
    with pytest.raises(Exception, match="passage_no"):
        sink.step()
    sink.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _unmapped(rid: str, year: int, n: int) -> pd.DataFrame:
    return pd.DataFrame({"report_id": [rid] * n, "agency_id": [rid[0]] * n, "year": [year] * n,
                         "section": ["二"] * n, "source_label": ["x"] * n, "column": [""] * n, "raw": ["7"] * n,
                         "value": [7.0] * n, "reason": ["label_unknown"] * n, "detail": [""] * n})


def test_a_loaded_store_counts_a_tables_rows_without_reading_it(tmp_path):
    """The ingest summary's count of values: the Parquet footers of every year's file (3 + 2 rows here),
    and the table is still unread after it; a table already read is counted as read."""
    sink = store.TableStream(tmp_path)
    sink.add("unmapped", pd.concat([_unmapped("a-2023", 2023, 3), _unmapped("a-2024", 2024, 2)], ignore_index=True))
    sink.add("repetition_passages", _passages("a-2024", 4))
    store.finish(tmp_path, sink.close())
    loaded = store.load(tmp_path)
    assert loaded.n_rows("unmapped") == 5 and loaded.n_rows("values") == 0
    assert "unmapped" not in loaded.tables.read and "values" not in loaded.tables.read
    assert len(loaded.repetition_passages) == 4 and loaded.n_rows("repetition_passages") == 4


def test_a_file_is_hashed_once_per_process_while_it_is_the_same_file(tmp_path, monkeypatch):
    """verify and the lazy tables hash a store file once per process; any write (same size, mtime put back)
    changes its ctime, so it is hashed again; a file written in the last 2 s is never taken from the cache."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n")
    calls = []
    real = store.sha256_file
    monkeypatch.setattr(store, "sha256_file", lambda p: calls.append(p) or real(p))
    first = store.checked_sha(path)
    assert store.checked_sha(path) == first and len(calls) == 2  # just written: not cached
    now = store.time.time_ns()
    monkeypatch.setattr(store.time, "time_ns", lambda: now + 10_000_000_000)  # 10 s later
    store.checked_sha(path)
    assert store.checked_sha(path) == first and len(calls) == 3  # cached
    stat = path.stat()
    path.write_bytes(b"a,b\n1,3\n")  # same size, one cell edited, mtime put back
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setattr(store.time, "time_ns", lambda: now + 20_000_000_000)
    assert store.checked_sha(path) != first and len(calls) == 4


def _small_store(tmp_path, inputs):
    sink = store.TableStream(tmp_path)
    sink.add("repetition_passages", _passages("a-2024", 2))
    sources = ({"path": f"r{k}.txt", "sha256": f"{k:064x}"} for k in range(3))  # generators: streamed
    store.finish(tmp_path, sink.close(), sources=sources, code="c0de", inputs=(r for r in inputs))
    return tmp_path / store.MANIFEST


def test_the_manifest_is_written_a_record_a_line_and_read_by_its_header_alone(tmp_path):
    """At 100,000 inputs the manifest is ~70 MB: written record by record (no document string), and the
    readers of the tables parse its first line only; a manifest cut short is parsed whole and refused."""
    inputs = [{"input": "/raw/r0.txt", "path": "/raw/r0.txt", "sha256": "0" * 64, "report_id": "甲-2024"},
              {"input": "/raw/r1.txt", "path": "/raw/r1.txt", "sha256": None, "failure": "坏 file"}]
    path = _small_store(tmp_path, inputs)
    text = path.read_text(encoding="utf-8")
    whole = store.read_manifest(tmp_path)
    assert whole["inputs"] == inputs and [s["path"] for s in whole["sources"]] == ["r0.txt", "r1.txt", "r2.txt"]
    assert whole["code"] == "c0de" and "repetition_passages.parquet" in whole["files"]
    assert text.count("\n") == 1 + 1 + 3 + 1 + 1 + 2 + 1 and '{"failure": "坏 file"' in text  # one a line
    header = store.read_manifest(tmp_path, whole=False)
    assert header["files"] == whole["files"] and "inputs" not in header and "sources" not in header
    assert store.verify(tmp_path, whole=False)["files"] == whole["files"]
    path.write_text(text[: text.rindex("\n", 0, -1) + 1], encoding="utf-8")  # its last line lost
    with pytest.raises(store.IncompleteData, match="manifest.json is unreadable"):
        store.read_manifest(tmp_path, whole=False)


def test_a_store_file_whose_recorded_stat_still_holds_is_not_hashed_and_an_edit_is_caught(tmp_path, monkeypatch):
    """An unchanged re-ingest reads none of the store's files (~700 MB at 10,000 reports): the manifest keeps
    each file's size, mtime, ctime and inode. A same-size edit with its mtime put back changes the ctime: it
    is hashed, and refused."""
    path = _small_store(tmp_path, [])
    manifest = store.read_manifest(tmp_path)
    assert set(manifest["stat"]) == set(manifest["files"])
    target = tmp_path / "repetition_passages.csv"
    st = target.stat()
    assert manifest["stat"]["repetition_passages.csv"] == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    calls = []
    monkeypatch.setattr(store, "sha256_file", lambda p: calls.append(p) or pytest.fail(f"hashed {p}"))
    store._HASHED.clear()
    assert store.verify(tmp_path)["code"] == "c0de" and calls == []
    data = target.read_bytes()
    target.write_bytes(data.replace("第1段".encode(), "第9段".encode()))  # same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    monkeypatch.undo()
    with pytest.raises(store.IncompleteData, match="repetition_passages.csv is not the one"):
        store.verify(tmp_path)
    assert path.exists()


def _unmapped_rows(rid: str, year, values: list) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({"report_id": [rid] * n, "agency_id": [rid[:1]] * n, "year": [year] * n,
                         "section": ["二"] * n, "source_label": ['他,说"是"'] * n, "column": [""] * n,
                         "raw": [str(v) for v in values], "value": values, "reason": ["label_unknown"] * n,
                         "detail": ["a\nb"] * n})


def test_rows_queued_with_their_csv_lines_are_written_as_the_writer_would_write_them(tmp_path):
    """A worker that assembled rows sends their CSV lines too (store.prepared: to_csv was most of the one
    writer's CPU): the files are byte for byte those of the same rows queued plain, here rows whose dtypes
    the batch's check coerces (an object column of floats and None, years as objects), cut per year, in
    pieces of different dtypes that one batch joins."""
    pieces = [_unmapped_rows("a-2023", 2023, [7.0, None]), _unmapped_rows("b-2024", 2024, [0.1, 1e20]),
              _unmapped_rows("c-2023", "2023", [None, None]).astype({"value": object}),
              _unmapped_rows("d-2024", 2024, [3])]
    written = {}
    for how in ("plain", "lines"):
        out = tmp_path / how
        sink = store.TableStream(out, batch_rows=5)
        for piece in pieces:
            parts = list(store.parquet_parts(piece, "unmapped"))
            if how == "lines":
                parts = store.prepared("unmapped", piece)
                assert all(text is not None for _rel, _part, text in parts)
            sink.add_parts("unmapped", parts)
            sink.step()
        sink.close(names=["unmapped"])
        written[how] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert written["plain"].keys() == written["lines"].keys() and len(written["plain"]) == 3
    assert written["plain"]["unmapped.csv"] == written["lines"]["unmapped.csv"]
    for rel in ("unmapped/year=2023/part-0.parquet", "unmapped/year=2024/part-0.parquet"):
        assert pq.read_table(tmp_path / "plain" / rel).equals(pq.read_table(tmp_path / "lines" / rel))


def test_rows_whose_csv_depends_on_their_batch_or_fail_its_check_get_no_csv_lines():
    """Dates: pandas writes a datetime column as dates alone when no value of the whole batch has a time, so
    the timeliness table's lines are the writer's to make; a value the batch's check cannot coerce, or a row
    failing its own checks, leaves the batch's check to raise (SchemaError, all failures at once), as it does
    without lines."""
    timeliness = pd.DataFrame({"report_id": ["a-2023"], "published": [pd.Timestamp("2024-01-05")],
                               "published_source": ["meta"], "deadline": [pd.Timestamp("2024-01-31")],
                               "level": ["government"], "state": ["on_time"], "basis": [""], "basis_en": [""],
                               "evidence": [""]})
    lines = lambda name, frame: [text for _rel, _rows, text in store.prepared(name, frame)]  # noqa: E731
    assert lines("timeliness", timeliness) == [None]
    assert lines("unmapped", _unmapped_rows("a-2023", 2023, ["seven"])) == [None]
    assert lines("unmapped", _unmapped_rows("a-2023", 2023, [7.0]).drop(columns="detail")) == [None]
    assert lines("unmapped", _unmapped_rows("a-2023", 2023, [7.0]).assign(reason="bogus")) == [None]  # isin
    (lines,) = lines("unmapped", _unmapped_rows("a-2023", 2023, [7.0]))
    assert lines.startswith('a-2023,a,2023,二,"他,说""是""",')


def _facts(ids: list, role: str = "whole") -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame({"report_id": ["a-2023"] * n, "fact_id": ids, "section": ["二"] * n, "subject": ["申请"] * n,
                         "value": [3.0] * n, "unit": ["件"] * n, "sentence": ["收到申请3件"] * n,
                         "parent_fact_id": [None] * n, "role": [role] * n, "table_metric": [None] * n})


def _batch_errors(tmp_path, name: str, pieces: list) -> dict[str, str]:
    """The error a batch of ``pieces`` raises when queued plain and when queued as its workers prepare it."""
    errors = {}
    for how in ("plain", "prepared"):
        sink = store.TableStream(tmp_path / how)
        for piece in pieces:
            sink.add_parts(name, store.prepared(name, piece) if how == "prepared" else store.parquet_parts(piece, name))
        with pytest.raises(SchemaError) as err:
            sink.flush()
        errors[how] = str(err.value)
        sink.abort()
    return errors


@pytest.mark.parametrize("pieces", [
    [_facts(["f1", "f2"]), _facts(["f3", "f2"])],  # each piece passes alone: the batch is not unique
    [_facts(["f1", "f2"]), _facts(["f3"], role="bogus"), _facts(["f2", None])],  # a piece fails its rows too
], ids=["across pieces", "a piece failing"])
def test_a_batch_of_rows_checked_by_their_worker_fails_as_the_same_rows_queued_plain(tmp_path, pieces):
    """Rows a worker checked (store.prepared: their own checks, once per piece) leave their batch only the
    checks across rows (unique, unique together); a piece that fails its own is queued as it came and its
    batch checked whole: either way the error is the one the plain batch raises, all failures at once."""
    errors = _batch_errors(tmp_path, "facts", pieces)
    assert errors["plain"] == errors["prepared"] and "'f2'" in errors["plain"]
    assert [text is not None for piece in pieces for _rel, _rows, text in store.prepared("facts", piece)] == \
        ([True, True] if len(pieces) == 2 else [True, False, False])


def test_worker_checked_pieces_with_other_columns_are_checked_whole_as_queued_plain(tmp_path):
    """Pieces that each pass their own checks but not with the same columns (here one without the optional
    review columns): their lines would not fit one header, and the batch's missing values fail its check, so
    the batch is checked whole, with the error the plain batch raises."""
    from govreport.schemas import FINDING_RULES

    def findings(reviewed: bool) -> pd.DataFrame:
        frame = pd.DataFrame({"report_id": ["a-2023"], "rule": [FINDING_RULES[0]], "applicant": ["total"],
                              "state": ["pass"], "left": [1.0], "right": [1.0], "evidence": [""],
                              "blanks_as_zero": [False]})
        return frame.assign(review="", review_note="", reviewer="", review_date="") if reviewed else frame

    errors = _batch_errors(tmp_path, "findings", [findings(True), findings(False)])
    assert errors["plain"] == errors["prepared"] and "'review' not nullable" in errors["plain"]
