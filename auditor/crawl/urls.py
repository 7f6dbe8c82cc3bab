"""URL normalisation, the audit's scope, and guards against crawler traps."""

from __future__ import annotations

import re
from collections.abc import Container
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["host_of", "in_scope", "looks_like_trap", "normalise", "origin_of", "plain_host"]

# Session ids make every visit a new URL; dropping them de-duplicates pages.
_SESSION_PARAMS = frozenset(
    {
        "jsessionid",
        "phpsessid",
        "sid",
        "sessionid",
        "aspsessionid",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "fbclid",
        "gclid",
    }
)
_CALENDAR = re.compile(r"(?:^|[/?&=_-])(?:19|20)\d\d[/_-](?:0?[1-9]|1[0-2])(?:[/_-]\d{1,2})?(?:$|[/?&])")
_PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
# Control characters: no server's URL holds one, and httpx refuses to send a URL that does. urlsplit
# has already dropped tab, CR and LF.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_URL = 2048
# A host name alone (no user, port, query or fragment after it), in lower case.
_PLAIN_HOST = re.compile(r"[a-z0-9.-]+")
# A URL already in the form normalise gives: http(s), a lower-case host name without port or user,
# a path of the characters RFC 3986 allows unescaped (no ";"), no query or fragment. Most links
# are (the extractor resolves them), and taking them apart and together again cost 13 µs each.
_CANONICAL = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*/[A-Za-z0-9\-._~%!$&'()*+,=:@/]*")
_MAX_QUERY_PARAMS = 8


def plain_host(url: str) -> str | None:
    """The host of an "http(s)://host/…" URL whose host is a plain lower-case name (no port or user), else None."""
    scheme, sep, rest = url.partition("://")
    host, slash, _ = rest.partition("/")
    if sep and slash and scheme in ("http", "https") and _PLAIN_HOST.fullmatch(host):
        return host
    return None


def host_of(url: str) -> str:
    # A plain host is what urlsplit gives for it, found without taking the whole URL apart.
    return plain_host(url) or (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    """scheme://host:port, the unit of politeness (a host may serve http and https separately)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("http", "https"):
        host = rest.partition("/")[0]
        if _PLAIN_HOST.fullmatch(host):  # no port, user or upper case: what the steps below give for it
            return f"{scheme}://{host}:{443 if scheme == 'https' else 80}"
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def normalise(url: str) -> str | None:
    """A canonical form for de-duplication: lower-case host, no default port, fragment or session id."""
    if len(url) <= _MAX_URL and _CANONICAL.fullmatch(url):
        return url  # what the steps below return for it, found without taking it apart
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > _MAX_URL:
        return None
    netloc = parts.hostname.lower()
    if ":" in netloc:
        netloc = f"[{netloc}]"  # an IPv6 address keeps its brackets
    if (
        port is not None
        and not (parts.scheme == "http" and port == 80)
        and not (parts.scheme == "https" and port == 443)
    ):
        netloc = f"{netloc}:{port}"
    path = parts.path
    if ";" in path:
        path = _PATH_SESSION.sub("", path)
    query = ""
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if k.lower() not in _SESSION_PARAMS], doseq=True)
    normal = urlunsplit((parts.scheme, netloc, path or "/", query, ""))
    return None if _CONTROL.search(normal) else normal


def in_scope(url: str, hosts: Container[str]) -> bool:
    """Only the hosts registered for the agency are ever fetched."""
    return host_of(url) in hosts


def looks_like_trap(url: str) -> bool:
    """Endless calendars, ever-growing query strings and path loops."""
    if _CANONICAL.fullmatch(url):
        path = url.split("/", 3)[3]  # the path urlsplit gives, less its first slash; no query
    else:
        parts = urlsplit(url)
        if parts.query and len(parse_qsl(parts.query)) > _MAX_QUERY_PARAMS:
            return True
        path = parts.path
    segments = [s for s in path.split("/") if s]
    if len(segments) > 12:
        return True
    # Counted only when some segment repeats at all: most paths have none.
    if len(set(segments)) < len(segments) and max(segments.count(s) for s in segments) > 3:
        return True
    lowered = url.lower()
    return "calendar" in lowered and bool(_CALENDAR.search(lowered))
