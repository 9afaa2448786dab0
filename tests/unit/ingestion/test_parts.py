"""The part cache is data (Arrow), checked against its digest before use (issue 16 item 5).

A part written and read back is the report parse() made, table for table and dtype for dtype; a part whose
bytes are not those its SHA256SUMS line records (corrupt, edited 550 -> 999999, swapped), that has no line,
or that is not Arrow at all (a crafted pickle that would run code) is never used: it is removed, and the
input is parsed again, and the lines say so.
"""
from __future__ import annotations

import os
import pickle
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from govreport import pipeline
from govreport.ingestion import corpus, parts
from govreport.store import sha256_file

REPO = Path(__file__).resolve().parents[3]
HONGZE_2023 = REPO / "data" / "raw" / "hongze_district_gov_2023.txt"  # line 59: 行政许可 550
SHAPOTOU_2021 = REPO / "data" / "raw" / "shapotou_gov_service_center_2021.txt"


@pytest.fixture(scope="module")
def hongze():
    """The stored part of the 2023 Hongze report, as the per-file function makes it."""
    return {"failure": None, "report": pipeline.stored_part(HONGZE_2023, sha256_file(HONGZE_2023))}


@pytest.fixture()
def written(hongze, tmp_path):
    """The part written into a part folder, as a worker writes it."""
    path = tmp_path / corpus.part_name(sha256_file(HONGZE_2023), HONGZE_2023)
    digest = parts.write(path, hongze)
    return path, digest


def _licensing(rep):
    values = rep.values
    row = values[(values["metric"] == "art20.licensing.decisions") & (values["applicant"] == "total")]
    return float(row["value"].iloc[0])


def test_a_part_reads_back_as_the_report_parse_made(hongze, written):
    path, digest = written
    assert path.name.endswith(".txt.arrow") and path.read_bytes()[:6] == b"ARROW1"
    assert digest == sha256_file(path)
    assert (path.parent / parts.INDEX).read_text(encoding="utf-8") == f"{digest}  {path.name}\n"
    back = corpus.read_part(path)
    rep, again = hongze["report"], back["report"]
    assert back["failure"] is None and again.meta == rep.meta and again.sentences == rep.sentences
    for name in parts.TABLES:
        made = getattr(rep, name)  # pandas, or Arrow when the per-file function keeps no pandas
        made = made.to_pandas() if hasattr(made, "to_pandas") else made
        assert getattr(again, name).equals(made), name
        assert getattr(again, name).dtypes.equals(made.dtypes), name
    assert _licensing(again) == 550.0 and again.report_id == "淮安市/洪泽区人民政府-2023"


def test_a_failure_part_and_arrow_tables_without_pandas(tmp_path, written):
    failed = tmp_path / "x.txt.arrow"
    parts.write(failed, {"failure": "no statistics table could be read"})
    assert corpus.read_part(failed) == {"failure": "no statistics table could be read"}
    info, tables = parts.read_tables(written[0])
    assert info["meta"]["report_id"] == "淮安市/洪泽区人民政府-2023" and set(tables) == set(parts.TABLES)
    assert 550.0 in tables["values"].column("value").to_pylist()


def test_the_index_keeps_the_last_line_of_a_part_and_compacts(tmp_path, hongze):
    path = tmp_path / "a.txt.arrow"
    parts.write(path, {"failure": "first"})
    second = parts.write(path, hongze)
    (tmp_path / parts.INDEX).open("a", encoding="utf-8").write("torn line left by a kill\n")
    assert parts.digests(tmp_path) == {"a.txt.arrow": second}
    parts.compact(tmp_path)
    assert (tmp_path / parts.INDEX).read_text(encoding="utf-8") == f"{second}  a.txt.arrow\n"


def _edited(path: Path, value: float) -> None:
    """Rewrite the part as a valid Arrow part with one value changed, without touching its digest line."""
    part = parts.decode(path.read_bytes())
    values = part["report"].values
    values.loc[values["value"] == 550.0, "value"] = value
    path.write_bytes(parts.encode(part))


class _Marker:
    """Unpickling this writes a marker file: what a crafted part could do to a pickle cache."""

    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self):
        return (Path.write_text, (self.target, "code ran"))


@pytest.mark.parametrize("damage", ["corrupt", "edited", "swapped", "no digest", "crafted pickle",
                                    "crafted pickle with its digest"])
def test_a_bad_part_is_never_used_removed_and_said_so(written, tmp_path, hongze, damage):
    path, digest = written
    marker = tmp_path / "marker"
    if damage == "corrupt":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "edited":
        _edited(path, 999999.0)
        assert _licensing(parts.decode(path.read_bytes())["report"]) == 999999.0  # a readable part, edited
    elif damage == "swapped":
        other = tmp_path / "other.txt.arrow"
        parts.write(other, {"failure": "another report's part"})
        path.write_bytes(other.read_bytes())
    elif damage == "no digest":
        (path.parent / parts.INDEX).unlink()
    else:
        path.write_bytes(pickle.dumps({"failure": None, "report": _Marker(marker)}))
        if damage == "crafted pickle with its digest":  # whoever crafted it also rewrote the index
            (path.parent / parts.INDEX).write_text(f"{sha256_file(path)}  {path.name}\n", encoding="utf-8")
    notes = parts.screen([(str(path), str(HONGZE_2023))])
    assert len(notes) == 1 and not path.exists() and not marker.exists()
    why = {"corrupt": "does not match its recorded digest", "edited": "does not match its recorded digest",
           "swapped": "does not match its recorded digest", "no digest": "has no recorded digest",
           "crafted pickle": "does not match its recorded digest",
           "crafted pickle with its digest": "is not an Arrow part (foreign bytes)"}[damage]
    assert re.fullmatch(rf"cached part {re.escape(path.name)} of {re.escape(str(HONGZE_2023))} "
                        rf"{re.escape(why)}.*: not used, read again from its source", notes[0]), notes[0]


def test_reading_a_bad_part_raises_one_line_and_removes_it(written, tmp_path):
    path, _ = written
    _edited(path, 999999.0)
    with pytest.raises(parts.BadPart) as err:
        corpus.read_part(path)
    assert str(err.value) == f"{path}: does not match its recorded digest (corrupt, edited or swapped)"
    assert not path.exists()


@pytest.mark.parametrize("damage", ["edited", "crafted pickle with its digest"])
def test_the_index_reads_the_info_row_alone_after_the_same_digest_check(written, tmp_path, damage):
    """assemble.collect reads only a part's info row (its tables are decoded once, later): the digest check
    is the same as a whole read's, so a bad part is never indexed, and it is removed."""
    path, _ = written
    info = parts.read_info(path)
    assert info["failure"] is None and info["meta"]["report_id"] == "淮安市/洪泽区人民政府-2023"
    assert set(info) == {"format", "failure", "meta", "sentences"}  # no table in it
    if damage == "edited":
        _edited(path, 999999.0)
        why = "does not match its recorded digest (corrupt, edited or swapped)"
    else:
        path.write_bytes(pickle.dumps({"failure": None, "report": _Marker(tmp_path / "marker")}))
        (path.parent / parts.INDEX).write_text(f"{sha256_file(path)}  {path.name}\n", encoding="utf-8")
        why = "is not an Arrow part (foreign bytes)"
    with pytest.raises(parts.BadPart) as err:
        parts.read_info(path)
    assert str(err.value) == f"{path}: {why}" and not path.exists() and not (tmp_path / "marker").exists()


def test_a_good_part_passes_the_screen_untouched(written):
    path, digest = written
    assert parts.screen([(str(path), "x.txt")]) == [] and sha256_file(path) == digest


def test_no_pickle_in_the_part_path():
    """The part cache neither imports nor calls pickle (the engines still pickle tasks to send them)."""
    src = REPO / "src" / "govreport" / "ingestion"
    for name in ("parts.py", "corpus.py", "assemble.py"):
        code = (src / name).read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import pickle|from pickle)|pickle\.(load|dump)", code, re.M), name


def test_the_per_file_function_writes_an_arrow_part_and_its_digest(tmp_path):
    sha = sha256_file(SHAPOTOU_2021)
    task = corpus.Task(str(SHAPOTOU_2021), sha, str(tmp_path / corpus.part_name(sha, SHAPOTOU_2021)))
    outcome = corpus.PerFile(pipeline.stored_part)(task)
    assert outcome.digest == sha256_file(task.part) == parts.digests(tmp_path)[Path(task.part).name]
    assert corpus.read_part(task.part)["report"].report_id == "中卫市/沙坡头区政务服务中心-2021"


def test_the_outcome_of_a_part_written_carries_its_index_entry_so_collect_reads_no_part(tmp_path, monkeypatch):
    """A part written in this run hands its info (failure, meta) back with its outcome, as parts.read_info
    would read it less the sentences: the index is made without reading every part again in the one process
    that makes it (its tables are still checked against their digest when decoded, parts.read_tables)."""
    from govreport.ingestion import assemble

    sha = sha256_file(HONGZE_2023)
    task = corpus.Task(str(HONGZE_2023), sha, str(tmp_path / corpus.part_name(sha, HONGZE_2023)))
    outcome = corpus.PerFile(pipeline.stored_part)(task)
    read = parts.read_info(task.part)
    assert outcome.info == {k: v for k, v in read.items() if k != "sentences"} and read["sentences"]
    failed = corpus.PerFile(pipeline.stored_part).failed(task, "timed out after 1 s")
    assert failed.info == {"format": parts.FORMAT, "failure": "timed out after 1 s"}
    monkeypatch.setattr(assemble, "read_info", lambda path: pytest.fail(f"read {path}"))
    failures: list = []
    (entry,) = assemble.collect([outcome], failures)
    assert entry.row["report_id"] == "淮安市/洪泽区人民政府-2023" and failures == []
    assert assemble.collect([failed], failures) == [] and failures[0].problem == "timed out after 1 s"


def test_a_worker_may_send_the_encoded_part_and_bad_bytes_become_the_files_failure(hongze, tmp_path):
    good, bad = tmp_path / "a.txt.arrow", tmp_path / "b.txt.arrow"
    parts.write(good, parts.encode(hongze))
    assert _licensing(corpus.read_part(good)["report"]) == 550.0
    parts.write(bad, pickle.dumps({"failure": None}))
    assert corpus.read_part(bad)["failure"] == ("internal error while storing the parsed report (BadPart: "
                                                f"{bad}: is not an Arrow part (foreign bytes))")


def test_a_part_changed_after_it_was_indexed_is_refused_when_its_tables_are_read(written):
    """Assembly indexes a part from its info row, then decodes its tables a chunk later, checking its digest
    again: a part edited in between (550 -> 999999) is never assembled; the run stops (BadPart, one line
    naming it; the ingest then aborts its TableStream: the old store stays) and the part is removed."""
    from govreport.ingestion import assemble

    path, _ = written
    failures: list = []
    index = assemble.collect([corpus.Outcome(str(HONGZE_2023), sha256_file(HONGZE_2023), str(path), 0.0)], failures)
    assert failures == [] and [e.row["report_id"] for e in index] == ["淮安市/洪泽区人民政府-2023"]
    assert _licensing(SimpleNamespace(values=assemble._reports(index, None).table("values"))) == 550.0
    _edited(path, 999999.0)
    with pytest.raises(parts.BadPart) as err:
        assemble._reports(index, None)
    assert str(err.value) == f"{path}: does not match its recorded digest (corrupt, edited or swapped)"
    assert not path.exists()


def test_within_one_run_a_part_is_hashed_once_and_a_change_after_its_hash_is_still_caught(written, hongze,
                                                                                           monkeypatch):
    """Screened, indexed and decoded, a part is hashed once per run (parts.checking): its later reads rely on
    the file being the very file hashed, until its last read (the decode; the run then keeps nothing of it). A
    byte flipped in place after the hash, its size and mtime put back, changes the ctime: the part is hashed
    again and refused. A part changed just before its hash (SETTLED_NS) is hashed at every read; outside a
    run, every read hashes."""
    path, _ = written
    real, hashed = parts._digest, []
    monkeypatch.setattr(parts, "_digest", lambda data: hashed.append(len(data)) or real(data))
    time.sleep(0.03)  # the part is older than SETTLED_NS (20 ms)
    with parts.checking():
        assert parts.screen([(str(path), "x.txt")]) == []
        assert parts.read_info(str(path))["meta"]["report_id"] == "淮安市/洪泽区人民政府-2023"
        _info, tables = parts.read_tables(str(path))
        assert len(hashed) == 1 and "values" in tables
        parts.read_info(str(path))  # after its last read: hashed again
        assert len(hashed) == 2
        before = os.stat(path)
        with open(path, "r+b") as f:  # same inode, same size
            f.seek(before.st_size // 2)
            byte = f.read(1)
            f.seek(before.st_size // 2)
            f.write(bytes([byte[0] ^ 0xFF]))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns
        with pytest.raises(parts.BadPart, match="does not match its recorded digest"):
            parts.read_info(str(path))
        assert len(hashed) == 3 and not path.exists()
    parts.write(path, hongze)
    hashed.clear()
    monkeypatch.setattr(parts, "SETTLED_NS", 10 ** 15)  # as if written a moment ago
    with parts.checking():
        parts.screen([(str(path), "x.txt")])
        parts.read_info(str(path))
        parts.read_tables(str(path))
    parts.read_info(str(path))
    assert len(hashed) == 4


@pytest.mark.parametrize("frames", ["count past the end", "size past the end", "bytes left over", "no frames"])
def test_a_part_whose_tables_body_is_not_whole_frames_is_refused(hongze, tmp_path, frames):
    """The tables body holds each table as a named, sized piece (parts._framed): a body whose pieces do not
    fill it exactly (a count or a size past its end, bytes after the last piece: a damaged or foreign writer)
    is a damaged part in one line, even when its digest is recorded, and never a partial report."""
    good = parts._framed([(name, parts._ipc(getattr(hongze["report"], name))) for name in parts.TABLES])
    assert set(parts._unframed(good)) == set(parts.TABLES)
    body = {"count past the end": b"\xff\xff\x00\x00" + good[4:], "size past the end": good[:-1],
            "bytes left over": good + b"\0", "no frames": b"\x01"}[frames]
    sink = parts.pa.BufferOutputStream()
    with parts.pa.ipc.new_file(sink, parts.SCHEMA) as writer:
        writer.write_table(parts.pa.table([parts.pa.array(["info", "tables"]), parts.pa.array(
            [parts._packed(parts._json(parts._part_info(hongze, sentences=True))), parts._packed(body)])],
            schema=parts.SCHEMA))
    path = tmp_path / "x.txt.arrow"
    parts.write(path, sink.getvalue().to_pybytes())  # bytes from a worker: the info row is readable
    assert parts.read_info(path)["meta"]["report_id"] == "淮安市/洪泽区人民政府-2023"
    with pytest.raises(parts.BadPart) as err:
        parts.read_tables(path)
    assert re.fullmatch(rf"{re.escape(str(path))}: is a damaged part \(ValueError\)", str(err.value))
    assert not path.exists()
