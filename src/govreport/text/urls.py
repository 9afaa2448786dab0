"""URLs as they may be stored or published: without the credentials a fetch needs (one job, used by the
readers of source URLs in documents and by the ingest of input URLs)."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from govreport import catalog


@lru_cache(maxsize=1)
def _secret_parameters() -> frozenset:
    return frozenset(r["parameter"].lower() for r in catalog.read_csv("url_secrets.csv"))


def strip_credentials(url: str) -> str:
    """The URL without any user:password@ part and without the query parameters that carry a secret
    (catalog/url_secrets.csv: X-Amz-Signature, token, sig …): a URL stored or published
    never carries credentials. Used for source URLs found in documents and for input URLs (engines)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    secret = _secret_parameters()
    query = "&".join(p for p in parts.query.split("&")
                     if p and unquote_plus(p.split("=", 1)[0]).strip().lower() not in secret)
    if (host, query) == (parts.netloc, parts.query):
        return url
    if host or not url.startswith(f"{parts.scheme}://"):
        return urlunsplit((parts.scheme, host, parts.path, query, parts.fragment))
    # memory://user:pw@/path, file://user:pw@/path: keep the empty authority that urlunsplit would drop
    return f"{parts.scheme}://{parts.path}" + (f"?{query}" if query else "") + \
        (f"#{parts.fragment}" if parts.fragment else "")
