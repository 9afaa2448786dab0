"""Inputs in object storage: files under fsspec URLs (s3://, gs://, https://, file://) as inputs of ingest.

A URL's credentials (user:password@, a signed URL's or a token's query parameters) are used to list and
fetch its files but never stored: every name kept or published is the URL without them, and every message
about it is scrubbed of them. A protocol whose optional library is missing is one line naming what to
install (catalog/url_libraries.csv).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from govreport import catalog
from govreport.errors import ReportError, one_line
from govreport.ingestion.discover import Failure
from govreport.readers import SUPPORTED_SUFFIXES
from govreport.text.urls import strip_credentials


def is_url(path) -> bool:
    return "://" in str(path)


def discover_urls(urls: Iterable[str]) -> tuple[list[tuple[str, str, str, str]], list, list[dict]]:
    """Files under fsspec URLs (s3://bucket/reports/, gs://…, file://…): the files (name without credentials,
    sha256, the URL to fetch it with its credentials, its source record name), a failure per URL that names nothing or needs a
    library that is not installed (the batch goes on), and their source records (path relative to the URL
    given, sha256). No name stored or published carries a user:password@ or a secret query parameter."""
    files, failures, sources = [], [], []
    for url in map(str, urls):
        shown = strip_credentials(url)
        try:
            fs, root, found = _list_url(url)
        except ImportError as exc:
            failures.append(Failure(shown, missing_library(url, exc)))
            continue
        except (ValueError, OSError) as exc:  # unknown protocol, no such bucket, refused, unreachable
            failures.append(Failure(shown, scrub(f"cannot read this URL ({exc.__class__.__name__}: {exc})", url)))
            continue
        if found is None:
            failures.append(Failure(shown, "file not found"))
            continue
        for f in found:
            rel = f[len(root):].lstrip("/")
            try:
                with fs.open(f, "rb") as stream:
                    digest = hashlib.file_digest(stream, "sha256").hexdigest()
            except OSError as exc:
                problem = scrub(f"cannot read ({exc.__class__.__name__}: {exc})", url)
                failures.append(Failure(_under(shown, rel), problem))
                continue
            files.append((_under(shown, rel), digest, _under(url, rel), rel or url_name(shown)))
            sources.append({"path": rel or url_name(shown), "sha256": digest})
    return files, failures, sorted(sources, key=lambda r: r["path"])


def _under(url: str, rel: str) -> str:
    """The URL of file ``rel`` under folder ``url`` (its credentials, query string included, kept as given)."""
    if not rel:
        return url
    base, sep, query = url.partition("?")
    return f"{base.rstrip('/')}/{rel}{sep}{query}"


def _list_url(url: str):
    """(filesystem, root, the report files under the URL), or None for the files when it names nothing."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    if fs.isdir(root):
        return fs, root, [f for f in sorted(fs.find(root)) if Path(f).suffix.lower() in SUPPORTED_SUFFIXES]
    return fs, root, [root] if fs.exists(root) else None


def scrub(text: str, url: str) -> str:
    """``text`` (a library's error message about ``url``) on one line, without the URL's credentials: the
    URL as stored, no user:password@, no value of a secret query parameter."""
    shown = strip_credentials(url)
    text = str(text).replace(url, shown)
    parts, kept = urlsplit(url), urlsplit(shown)
    if "@" in parts.netloc:
        text = text.replace(parts.netloc.rsplit("@", 1)[0] + "@", "")
    for pair in set(parts.query.split("&")) - set(kept.query.split("&")):
        value = pair.split("=", 1)[-1] if "=" in pair else ""
        if value:
            text = text.replace(value, "***")
    return one_line(text)


def url_name(url: str) -> str:
    """The file name a URL ends in, without its query string or fragment."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or "index"


@lru_cache(maxsize=1)
def _libraries() -> dict[str, str]:
    return {row["protocol"]: row["install"] for row in catalog.read_csv("url_libraries.csv")}


def missing_library(url: str, exc: ImportError) -> str:
    """One line naming the optional library a URL's protocol needs (catalog/url_libraries.csv), else
    fsspec's own words."""
    protocol = urlsplit(url).scheme.lower()
    install = _libraries().get(protocol)
    if not install:
        return one_line(f"reading {protocol}:// inputs needs an optional library ({exc})")
    names = install.split()
    return (f"reading {protocol}:// inputs needs the optional {'libraries' if len(names) > 1 else 'library'} "
            f"{' and '.join(names)}, not installed (pip install {install})")


class local_file:
    """A local path for ``path``; an fsspec URL (s3://, gs://, https://…) is copied to a temporary folder
    under its own file name (identify may read the name; a query string is no part of it). A missing
    optional library is a ReportError naming it."""

    def __init__(self, path: str):
        self.path, self.tmp = path, None

    def __enter__(self) -> Path:
        if "://" not in self.path:
            return Path(self.path)
        import tempfile

        import fsspec

        self.tmp = Path(tempfile.mkdtemp(prefix="govreport-"))
        local = self.tmp / url_name(self.path)
        try:
            with fsspec.open(self.path, "rb") as src:
                local.write_bytes(src.read())
        except BaseException as exc:  # no __exit__ follows a failed __enter__: the folder goes now
            self.__exit__()
            if isinstance(exc, ImportError):
                raise ReportError(None, missing_library(self.path, exc)) from None
            if isinstance(exc, OSError):  # gone since discovery, refused, unreachable: its words, no secrets
                raise ReportError(None, scrub(f"cannot read this URL ({exc.__class__.__name__}: {exc})",
                                              self.path)) from None
            raise
        return local

    def __exit__(self, *exc):
        if self.tmp:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)
