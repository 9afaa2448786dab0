"""The per-report part cache as data, never code: Arrow files, each checked against its digest before use.

A part (``<store>/.parts/<code fingerprint>/<input sha256><suffix>.arrow``) is one Arrow IPC file with a fixed
two-column schema (``name``, ``body``) and two rows: ``info`` holds JSON (the failure, or the report's meta and
the sentences repetition compares), and ``tables`` holds each per-report table (values, unmapped, findings,
placeholders, facts, timeliness) as an Arrow IPC stream, back to back, each after its name and its length
(``_framed``). Each body is compressed whole (zstd, after its size): a compression call through pyarrow costs
~30 us whatever its size (measured: the codec's setup per call), so one body for all tables makes the part in
two calls, not seven, and assembly reads it in two (issue 16: a fifth of writing a part, a quarter of decoding
it); Arrow's own compression of the streams took one call per column buffer. The index decompresses the info
row alone. Reading a part parses Arrow, the frames and JSON; nothing in it can run.

The digest index is ``SHA256SUMS`` in the same folder (``sha256sum -c`` format, one ``<sha256>  <name>`` line
per part): the process that writes a part appends its line (one ``O_APPEND`` write, so any number of worker
processes, or Dask workers on a shared disk, can write parts at once with no lock and no read-modify-write);
the last line of a name wins, and ``compact`` rewrites the index atomically when lines are superseded. It
lives with the parts, not in the store's manifest, because parts are written before any table (a run killed
after parsing keeps its verified work) and a code change removes a folder of parts and its index together.

A part whose bytes do not hash to its line (corrupt, edited, swapped), that has no line, or whose bytes are
not an Arrow part (a crafted pickle) is never used: ``screen`` removes it, so its file is parsed again, and
says so in one line. Every read checks the bytes it uses; within one ingest (``checking``) a part is hashed
once, and its later reads rely on the file being the very file hashed (``_checked_bytes``).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import time
from contextvars import ContextVar
from pathlib import Path
from typing import Iterable, Optional

import pyarrow as pa

from govreport.errors import ReportError, describe_path, one_line
from govreport.model import ParsedReport
from govreport.store import atomic_write

SUFFIX = ".arrow"
INDEX = "SHA256SUMS"
FORMAT = "govreport-part-3"
TABLES = ("values", "unmapped", "findings", "placeholders", "facts", "timeliness")
SCHEMA = pa.schema([("name", pa.string()), ("body", pa.binary())])
MAGIC = b"ARROW1"
_CODEC = pa.Codec("zstd")  # each body compressed whole: a sixth of the size (a national corpus is ~10^6 parts)
MAX_RATIO = 1000  # a body claiming to unpack to more than this times its size is damaged (or crafted)


class BadPart(ReportError):
    """A cached part that is not the one its digest records, or not a part at all: never used."""


# ------------------------------------------------------------------ encoding
def _plain(value):
    """JSON for the numpy scalars a meta may hold; anything else is a bug, not silently stringified."""
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    raise TypeError(f"part meta holds a {type(value).__name__}, which a part cannot keep")


def _ipc(table) -> bytes:
    """A table (pandas or Arrow) as one Arrow IPC stream (``encode`` compresses it). Column by column, without
    pandas metadata: the frames carry the registry's dtypes (schemas.frame), which Arrow's own types bring back
    (string -> str, float64, int64, bool, timestamp[ns]); a third of the cost of ``Table.from_pandas``."""
    if not isinstance(table, pa.Table):
        table = pa.table({str(c): pa.array(table[c], from_pandas=True) for c in table.columns})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _packed(raw: bytes) -> bytes:
    """A body compressed whole (zstd), after its size (8 bytes, little-endian)."""
    return struct.pack("<Q", len(raw)) + _CODEC.compress(raw, asbytes=True)


def _unpacked(body: bytes, where) -> bytes:
    """A body as ``_packed`` made it; BadPart when it is not one."""
    try:
        (size,) = struct.unpack_from("<Q", body)
        if size > MAX_RATIO * len(body) + 2**20:
            raise ValueError("implausible size")
        return _CODEC.decompress(memoryview(body)[8:], decompressed_size=size, asbytes=True)
    except (struct.error, ValueError, TypeError, OSError, pa.ArrowException) as exc:
        raise BadPart(where, f"is a damaged part ({type(exc).__name__})") from None


def encode(part: dict) -> bytes:
    """A part (``{"failure": None, "report": ParsedReport}`` or ``{"failure": "…"}``) as Arrow file bytes."""
    rep = _report(part)
    names, bodies = ["info"], [_packed(_json(_part_info(part, sentences=True)))]
    if rep is not None:
        names.append("tables")
        bodies.append(_packed(_framed([(name, _ipc(getattr(rep, name))) for name in TABLES
                                       if getattr(rep, name) is not None])))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, SCHEMA) as writer:
        writer.write_table(pa.table([pa.array(names, pa.string()), pa.array(bodies, pa.binary())], schema=SCHEMA))
    return sink.getvalue().to_pybytes()


def _framed(pieces: list[tuple[str, bytes]]) -> bytes:
    """Named byte strings back to back: their count, then each one's name length, size, name and bytes."""
    out = [struct.pack("<I", len(pieces))]
    for name, raw in pieces:
        label = name.encode("utf-8")
        out += [struct.pack("<HQ", len(label), len(raw)), label, raw]
    return b"".join(out)


def _unframed(data: bytes) -> dict[str, pa.Buffer]:
    """``_framed``'s pieces, name -> bytes (Arrow buffers over ``data``, no copy); ValueError when ``data`` is not
    exactly such a sequence (a count or a size past its end, bytes left over)."""
    buffer = pa.py_buffer(data)
    (count,), pos, out = _header("<I", data, 0), 4, {}
    for _ in range(count):
        label, size = _header("<HQ", data, pos)
        pos += 10
        name = data[pos:pos + label].decode("utf-8")
        pos += label
        if pos + size > len(data):
            raise ValueError("a piece runs past the end")
        out[name] = buffer.slice(pos, size)
        pos += size
    if pos != len(data):
        raise ValueError("bytes after the last piece")
    return out


def _header(form: str, data: bytes, pos: int) -> tuple:
    try:
        return struct.unpack_from(form, data, pos)
    except struct.error:
        raise ValueError("a piece's header runs past the end") from None


def _json(info: dict) -> bytes:
    return json.dumps(info, ensure_ascii=False, default=_plain).encode("utf-8")


def _report(part: dict) -> Optional[ParsedReport]:
    return part.get("report") if not part.get("failure") else None


def _part_info(part: dict, sentences: bool) -> dict:
    """A part's ``info`` row as ``encode`` stores it: its failure, or the report's meta (and sentences)."""
    info, rep = {"format": FORMAT, "failure": part.get("failure")}, _report(part)
    if rep is not None:
        info["meta"] = rep.meta
        if sentences:
            info["sentences"] = None if rep.sentences is None else list(rep.sentences)
    return info


def _indexed(part: dict) -> dict:
    """What ``read_info`` gives of a part ``encode`` stores, less the sentences (the index needs its failure
    and meta alone): the same JSON, so the same values."""
    return json.loads(_json(_part_info(part, sentences=False)))


def _rows(data: bytes, where) -> dict:
    """name -> body of a part's bytes; BadPart unless they are an Arrow file of the part schema."""
    table = _table(data, where)
    return dict(zip(table.column("name").to_pylist(), table.column("body").to_pylist()))


def _table(data: bytes, where) -> pa.Table:
    """The part's (name, body) table over its bytes (no copy); BadPart unless they are a part's Arrow file."""
    if not (data.startswith(MAGIC) and data.rstrip(b"\0").endswith(MAGIC)):
        raise BadPart(where, "is not an Arrow part (foreign bytes)")
    try:
        table = pa.ipc.open_file(pa.BufferReader(data)).read_all()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise BadPart(where, f"is not a readable Arrow part ({type(exc).__name__})") from None
    if not table.schema.equals(SCHEMA):
        raise BadPart(where, "is an Arrow file of another layout, not a part")
    return table


def _info(body, where) -> dict:
    """The info row's body as the dict it holds; BadPart when it is not a part's info of this format."""
    if not isinstance(body, bytes):
        raise BadPart(where, "is a damaged part (no info)")
    try:
        info = json.loads(_unpacked(body, where).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPart(where, f"is a damaged part ({type(exc).__name__})") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise BadPart(where, "is a part of another format")
    return info


def decode_tables(data: bytes, where="part") -> tuple[dict, dict]:
    """(info, name -> pyarrow.Table) of a part's bytes: info holds ``failure``, and ``meta`` and ``sentences``
    for a report. Checks only that they are a part; ``read`` checks the digest first."""
    rows = _rows(data, where)
    info = _info(rows.get("info"), where)
    body = rows.get("tables")
    try:
        pieces = _unframed(_unpacked(body, where)) if body is not None else {}
        tables = {name: pa.ipc.open_stream(piece).read_all() for name, piece in pieces.items() if name in TABLES}
    except (TypeError, ValueError, pa.ArrowException, OSError) as exc:
        raise BadPart(where, f"is a damaged part ({type(exc).__name__})") from None
    return info, tables


def decode_info(data: bytes, where="part") -> dict:
    """A part's ``info`` row alone (its failure, or the report's meta and sentences): the index of an ingest
    needs no more, so the per-report tables stay undecoded (not even decompressed)."""
    table = _table(data, where)
    names = table.column("name").to_pylist()
    return _info(table.column("body")[names.index("info")].as_py() if "info" in names else None, where)


def decode(data: bytes, where="part") -> dict:
    """A part's bytes as the part dict assembly reads (ParsedReport with pandas tables)."""
    info, tables = decode_tables(data, where)
    if info.get("failure") or info.get("meta") is None:
        return {"failure": info.get("failure") or "part holds no report"}
    frames = {name: tables[name].to_pandas() if name in tables else None for name in TABLES}
    return {"failure": None, "report": ParsedReport(meta=info["meta"], sentences=info.get("sentences"), **frames)}


# ------------------------------------------------------------------ the digest index
def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_LOADED: dict = {}  # folder -> ((size, mtime), digests): assembly reads many parts of one unchanged index


def digests(folder: Path) -> dict[str, str]:
    """part name -> sha256 recorded in ``folder``'s index (the last line of a name wins; a torn line, left by
    a process killed mid-append, records nothing)."""
    path = Path(folder) / INDEX
    try:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if _LOADED.get(path, (None,))[0] == key:
            return _LOADED[path][1]
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return {}
    _LOADED.clear()  # one index at a time: a long-lived process ingesting into many stores keeps none
    _LOADED[path] = (key, _parse_index(text))
    return _LOADED[path][1]


def _parse_index(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if sep and len(digest) == 64 and name and "/" not in name:
            out[name] = digest
    return out


def _record(path: Path, digest: str) -> None:
    """Append the part's line to its folder's index (one write: concurrent writers never interleave)."""
    line = f"{digest}  {path.name}\n".encode("utf-8")
    fd = os.open(path.parent / INDEX, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def compact(folder: Path) -> None:
    """Rewrite the index with one line per part still there, when it holds more (re-parsed or removed parts)."""
    folder = Path(folder)
    if not (folder / INDEX).exists():
        return
    latest = digests(folder)
    keep = {name: d for name, d in latest.items() if (folder / name).exists()}
    n_lines = (folder / INDEX).read_bytes().count(b"\n")
    if n_lines != len(keep):
        text = "".join(f"{d}  {name}\n" for name, d in sorted(keep.items()))
        atomic_write(folder / INDEX, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


# ------------------------------------------------------------------ writing, checking, reading
def write(path, part: dict) -> str:
    """Write the part (a part dict, or the bytes ``encode`` made of it in a worker) atomically, then record its
    digest; returns the digest. Out of disk space names the part file."""
    return written(path, part)[0]


def written(path, part: dict) -> tuple[str, dict]:
    """``write``, and the info of the part written as ``read_info`` reads it, less its sentences (assembly's
    index entry, made here rather than by reading every part again in the one process that indexes them)."""
    path = Path(path)
    try:
        if isinstance(part, (bytes, bytearray, memoryview)):
            data = bytes(part)
            _rows(data, path)  # bytes from another process: checked to be a part before they become one
            info = {k: v for k, v in decode_info(data, path).items() if k != "sentences"}
        else:
            data, info = encode(part), _indexed(part)
    except (BadPart, pa.ArrowException, TypeError, ValueError) as exc:  # not storable: the file's failure
        failed = {"failure": one_line(f"internal error while storing the parsed report "
                                      f"({type(exc).__name__}: {exc})")}
        data, info = encode(failed), _indexed(failed)
    digest = _digest(data)
    try:
        atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
        _record(path, digest)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    return digest, info


_CHECKED: ContextVar[Optional[dict]] = ContextVar("govreport_checked_parts", default=None)
SETTLED_NS = 20_000_000  # a part changed less than this before it was hashed is hashed again when next read


@contextlib.contextmanager
def checking():
    """One run: within it each part is hashed once (``_checked_bytes``), however often its bytes are read."""
    token = _CHECKED.set({})
    try:
        yield
    finally:
        _CHECKED.reset(token)


def _checked_bytes(path: Path, index: dict, key=None, last: bool = False) -> bytes:
    """The part's bytes, if they are the ones its index line records; else BadPart.

    Within one run (``checking``) a part is hashed once: screened, indexed and decoded, its bytes are read three
    times, and hashed again only when the file is not the very file hashed: the same size, mtime, ctime, inode and
    device, each read between two equal ``fstat``s. Any write or rename since the hash changes the ctime or the
    inode (no tool sets a ctime), so a part changed between its check and its use is hashed again, and refused
    when its bytes no longer match; a part changed in the last SETTLED_NS before its hash (a later write could
    fall in the same clock tick) is never trusted so. ``key``: the caller's string for the part (memo key);
    ``last``: the part's last read of the run (assembly's decode), after which the run keeps nothing of it."""
    start = time.time_ns()
    with open(path, "rb") as f:
        before = os.fstat(f.fileno())
        data = f.read()
        same = _stat(before) == _stat(os.fstat(f.fileno()))
    recorded = index.get(path.name)
    if recorded is None:
        raise BadPart(path, "has no recorded digest (written by a run killed before it could record it, "
                            "or put there by hand)")
    seen, key = _CHECKED.get(), key if isinstance(key, str) else str(path)
    proof = hash((recorded, *_stat(before)))
    known = None if seen is None else seen.pop(key, None) if last else seen.get(key)
    if same and known == proof:
        return data  # the very bytes hashed earlier this run
    if _digest(data) != recorded:
        raise BadPart(path, "does not match its recorded digest (corrupt, edited or swapped)")
    if seen is not None and same and not last and start - max(before.st_mtime_ns, before.st_ctime_ns) > SETTLED_NS:
        seen[key] = proof
    return data


def _stat(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


def read(path) -> dict:
    """The part at ``path`` after checking it against its digest; a bad part is removed (the next run parses
    its file again) and raises BadPart."""
    return _verified(path, decode)


def read_info(path) -> dict:
    """The part's ``info`` (``failure``; ``meta`` and ``sentences`` of a report) after the same digest check as
    ``read``: a bad part is removed and raises BadPart, so it is never indexed, and ``read`` checks it again
    when its tables are used (a part changed in between is hashed again and refused: ``_checked_bytes``)."""
    return _verified(path, decode_info)


def read_tables(path) -> tuple[dict, dict]:
    """(info, name -> pyarrow.Table) of the part at ``path``, checked as ``read`` checks it (no pandas)."""
    return _verified(path, decode_tables, last=True)  # assembly's last read of it


def _verified(part, decoder, last: bool = False):
    path = Path(part)
    try:
        return decoder(_checked_bytes(path, digests(path.parent), part, last), path)
    except BadPart:
        path.unlink(missing_ok=True)
        raise


def screen(parts: Iterable[tuple[str, str]]) -> list[str]:
    """Check each cached part ``(part path, input shown)`` against its digest and that it is an Arrow part;
    remove every bad one (so its input is parsed again) and return one line per part removed."""
    notes, indexes = [], {}
    for part, shown in parts:
        path = Path(part)
        if not path.exists():
            continue
        index = indexes.setdefault(path.parent, digests(path.parent))
        try:
            _table(_checked_bytes(path, index, part), path)  # an Arrow part (its bodies stay undecoded)
        except BadPart as exc:
            path.unlink(missing_ok=True)
            notes.append(f"cached part {path.name} of {describe_path(shown)} {exc.problem}: not used, "
                         "read again from its source")
        except OSError as exc:
            notes.append(f"cached part {path.name} of {describe_path(shown)} cannot be read ({exc.strerror}): "
                         "not used, read again from its source")
            path.unlink(missing_ok=True)
    return notes
