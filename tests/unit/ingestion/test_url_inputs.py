"""Inputs named by URL: a protocol whose optional library is missing is one line naming what to install
(that input fails, the batch goes on), and credentials in a URL (user:password@, a signed URL's or a token's
query parameters) are used to fetch the file but never stored or published."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem

import govreport
from conftest import ROOT, SEED_2018, SEED_2021
from govreport import pipeline
from govreport.ingestion import corpus
from govreport.cli import main

REGISTRY = sys.modules["fsspec.registry"]  # the module (fsspec.registry is also the name of its mapping)
SECRET = "s3cr3t-7f4e"


@pytest.fixture
def missing(monkeypatch):
    """Make a protocol's library missing as fsspec sees it: not registered yet, and its class not importable
    (get_filesystem_class then raises ImportError with the registry's `err` text, as for s3fs not installed)."""
    def make(protocol: str, err: str) -> None:
        monkeypatch.delitem(REGISTRY._registry, protocol, raising=False)
        monkeypatch.setitem(REGISTRY.known_implementations, protocol,
                            {"class": "govreport_test_no_such_module.FileSystem", "err": err})
    return make


def test_a_url_whose_library_is_missing_is_one_line_and_the_other_inputs_are_ingested(missing, tmp_path, capsys):
    missing("s3", "Install s3fs to access S3")
    missing("https", 'HTTPFileSystem requires "requests" and "aiohttp" to be installed')
    code = main(["ingest", str(SEED_2018), "s3://bucket/reports/", "https://example.org/report.txt",
                 "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1  # as for any failed input
    assert sorted(err.splitlines()) == [
        "error: https://example.org/report.txt: reading https:// inputs needs the optional libraries aiohttp and "
        "requests, not installed (pip install aiohttp requests)",
        "error: s3://bucket/reports/: reading s3:// inputs needs the optional library s3fs, not installed "
        "(pip install s3fs)"]
    loaded = govreport.load(tmp_path / "out")
    assert loaded.reports["source_file"].tolist() == [str(SEED_2018)]
    assert sorted(loaded.failures["path"]) == ["https://example.org/report.txt", "s3://bucket/reports/"]


def test_a_library_missing_where_the_file_is_fetched_is_the_files_failure(missing, tmp_path):
    """A Dask worker without s3fs: the part records the line, not an internal error."""
    missing("s3", "Install s3fs to access S3")
    part = tmp_path / "part.pkl"
    corpus.PerFile(pipeline.stored_part)(corpus.Task("s3://bucket/reports/a.txt", "0" * 64, str(part)))
    assert corpus.read_part(part)["failure"] == ("reading s3:// inputs needs the optional library s3fs, "
                                                  "not installed (pip install s3fs)")


class LockedMemory(MemoryFileSystem):
    """An in-memory filesystem (no network) that, like an HTTP server or a signed object-store URL, serves a
    URL only when it carries the credential: as user:SECRET@ or as the value of a query parameter."""

    protocol = "lockedmem"
    store: dict = {}
    pseudo_dirs = [""]

    @classmethod
    def _strip_protocol(cls, path):
        if isinstance(path, str) and path.startswith("lockedmem://"):
            parts = urlsplit(path)
            given = {parts.netloc.rpartition("@")[0].partition(":")[2]}
            given |= {v for values in parse_qs(parts.query).values() for v in values}
            if SECRET not in given:
                raise PermissionError(f"403 Forbidden: {path}")
            path = parts.path
        return super()._strip_protocol(path)


@pytest.fixture
def locked(monkeypatch):
    monkeypatch.setitem(REGISTRY._registry, "lockedmem", LockedMemory)
    monkeypatch.setattr(LockedMemory, "store", {})
    monkeypatch.setattr(LockedMemory, "pseudo_dirs", [""])
    fs = LockedMemory(skip_instance_cache=True)
    fs.pipe("/reports/2018/" + SEED_2018.name, SEED_2018.read_bytes())
    fs.pipe("/signed/" + SEED_2021.name, SEED_2021.read_bytes())
    return fs


def _files(folder: Path):
    return [p for p in sorted(folder.rglob("*")) if p.is_file()]


def test_credentials_in_input_urls_fetch_the_files_but_are_never_stored_or_published(locked, tmp_path):
    folder = f"lockedmem://analyst:{SECRET}@/reports/"
    signed = (f"lockedmem:///signed/{SEED_2021.name}?X-Amz-Credential=AKIA%2F{SECRET}&X-Amz-Signature={SECRET}"
              f"&token={SECRET}&lang=zh")
    absent = f"lockedmem://analyst:{SECRET}@/nowhere/"
    out = tmp_path / "out"
    result = govreport.ingest([folder, signed, absent], out)

    # both fetched (they need the credential), stored without it
    assert sorted(result.reports["source_file"]) == ["lockedmem:///reports/2018/" + SEED_2018.name,
                                                    f"lockedmem:///signed/{SEED_2021.name}?lang=zh"]
    assert [(f.path, f.problem) for f in result.failures] == [("lockedmem:///nowhere/", "file not found")]
    leaked = [p for p in _files(out) if SECRET.encode() in p.read_bytes()]  # tables, manifest, parts
    assert leaked == []

    from govreport.publish.record import publish_data

    site = tmp_path / "site"
    publish_data(out, site, ROOT)
    assert _files(site) and [p for p in _files(site) if SECRET.encode() in p.read_bytes()] == []


def test_userinfo_of_a_memory_url_is_not_stored(monkeypatch, tmp_path):
    """fsspec's memory:// (no network) keeps a URL's user:password@ in the path it reads: the file is found
    only with it, and the name stored is the URL without it."""
    monkeypatch.setattr(MemoryFileSystem, "store", {})
    monkeypatch.setattr(MemoryFileSystem, "pseudo_dirs", [""])
    fsspec.filesystem("memory").pipe(f"/analyst:{SECRET}@/reports/{SEED_2018.name}", SEED_2018.read_bytes())
    out = tmp_path / "out"
    result = govreport.ingest([f"memory://analyst:{SECRET}@/reports/"], out)
    assert result.reports["source_file"].tolist() == [f"memory:///reports/{SEED_2018.name}"]
    assert result.failures == [] and [p for p in _files(out) if SECRET.encode() in p.read_bytes()] == []


def test_a_url_refused_at_listing_is_one_line_without_its_credentials(locked, tmp_path):
    wrong = "lockedmem://analyst:wrong-password@/reports/"
    result = govreport.ingest([wrong, str(SEED_2018)], tmp_path / "out")
    assert len(result.reports) == 1
    [failure] = result.failures
    assert failure.path == "lockedmem:///reports/"
    assert failure.problem.startswith("cannot read this URL (PermissionError: 403 Forbidden")
    assert "wrong-password" not in str(failure)


@pytest.mark.parametrize("url, stored", [
    ("https://user:pw@example.org/a/report.html", "https://example.org/a/report.html"),
    ("https://example.org/r.pdf?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc&X-Amz-Security-Token=t",
     "https://example.org/r.pdf?X-Amz-Algorithm=AWS4"),
    ("https://acct.blob.core.windows.net/c/r.docx?sv=2022&sig=abc%3D", "https://acct.blob.core.windows.net/c/r.docx?sv=2022"),
    ("https://example.org/r.txt?TOKEN=abc&page=2#top", "https://example.org/r.txt?page=2#top"),
    ("memory://user:pw@/reports/a.txt", "memory:///reports/a.txt"),
    ("https://example.org/r.txt?page=2", "https://example.org/r.txt?page=2"),
])
def test_strip_credentials_removes_userinfo_and_the_catalogs_secret_parameters(url, stored):
    from govreport.text.urls import strip_credentials

    assert strip_credentials(url) == stored


def test_a_url_that_cannot_be_fetched_leaves_no_temporary_folder(missing, monkeypatch, tmp_path):
    """A failed ``__enter__`` gets no ``__exit__``: every unreachable or refused URL, and every missing library,
    left an empty ``govreport-*`` folder in the temporary folder, one per file per run."""
    from govreport.errors import ReportError
    from govreport.ingestion.remote import local_file

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    missing("s3", "Install s3fs to access S3")
    for url in ("memory://reports/gone.txt", "s3://bucket/reports/a.txt"):
        with pytest.raises(ReportError):
            with local_file(url):
                pass
    assert list(tmp_path.iterdir()) == []
    MemoryFileSystem().pipe("/reports/here.txt", b"2023")
    with local_file("memory://reports/here.txt") as local:
        assert local.read_bytes() == b"2023"
    assert list(tmp_path.iterdir()) == []
