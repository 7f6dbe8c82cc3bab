"""httpx.URL objects for the crawl's URLs, without parsing again a URL already in the form httpx gives.

httpx validates and normalises every URL it is given: 25-30 µs for a page's URL on this class of
machine, 5 % of a rerun's CPU, where the page itself costs about a tenth of a millisecond more. The
crawl's URLs have been through :func:`auditor.crawl.urls.normalise`; most are plain http(s) URLs
whose every part httpx would keep as it is. For those, the URL is built from its parts directly:
``httpx.URL`` keeps them in a ``ParseResult``, which is httpx's own (private) representation. Any
other URL, and every URL if that representation is not what this module expects (checked once
against httpx's own parse), goes through ``httpx.URL`` as before.
"""

from __future__ import annotations

import re
from functools import cache

import httpx

try:
    from httpx._urlparse import ParseResult
except ImportError:  # pragma: no cover - another httpx: every URL goes through httpx.URL
    ParseResult = None  # type: ignore[assignment,misc]

__all__ = ["http_url"]

# Longer URLs take the usual path (the crawl drops URLs over 2048 characters anyway).
_MAX_LENGTH = 2048
# What httpx leaves as it is: http or https; a lower-case ASCII host name not ending in a digit (so
# never an IPv4 address, which httpx checks; httpx checks nothing else of an ASCII name), no port or
# user; a path and an optional query of unreserved characters, sub-delimiters, ":", "@", "/" (and "?"
# in the query) and valid %XX escapes; no fragment. Runs of plain characters are matched as runs: one
# character at a time, the match took 6.7 µs a URL instead of 1.1.
_PLAIN = re.compile(
    r"(https?)://"
    r"([a-z0-9.-]*[a-z.-])"
    r"(/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]+|%[0-9A-Fa-f]{2})*)"
    r"(?:\?((?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]+|%[0-9A-Fa-f]{2})*))?"
)
# A "." or ".." path segment, which httpx removes.
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$)")


def http_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``: the same object, built from its parts when httpx would keep them as they are."""
    plain = _PLAIN.fullmatch(url) if len(url) <= _MAX_LENGTH else None
    if plain is None or not _direct_is_httpx():
        return httpx.URL(url)
    scheme, host, path, query = plain.groups()
    if "/." in path and _DOT_SEGMENT.search(path):
        return httpx.URL(url)
    return _direct(scheme, host, path, query)


def _direct(scheme: str, host: str, path: str, query: str | None) -> httpx.URL:
    made = httpx.URL.__new__(httpx.URL)
    made._uri_reference = ParseResult(scheme, "", host, None, path, query, None)
    return made


@cache
def _direct_is_httpx() -> bool:
    """Whether URLs built from their parts equal httpx's own parse, in the httpx installed (asked once)."""
    samples = (
        (
            "https://stnmt.tinh.gov.vn/portal/Pages/2024-4-25/Tin-%C4%91a-123.aspx?Page=2&x=a:b",
            "/portal/Pages/2024-4-25/Tin-%C4%91a-123.aspx",
            "Page=2&x=a:b",
        ),
        ("http://xn--cngthngtin-vbb7982g.gov.vn/", "/", None),
        ("http://a.gov.vn/p?", "/p", ""),
    )
    if ParseResult is None:
        return False
    try:
        for text, path, query in samples:
            scheme, _, rest = text.partition("://")
            made = _direct(scheme, rest.partition("/")[0], path, query)
            parsed = httpx.URL(text)
            seen = [(u.scheme, u.host, u.port, u.raw_path, u.netloc, str(u)) for u in (made, parsed)]
            if made != parsed or seen[0] != seen[1] or seen[0][-1] != text:
                return False
    except Exception:  # any change in httpx's internals: its public parse, as before
        return False
    return True
