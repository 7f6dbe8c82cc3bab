"""HTTP fetching for the audit: scope-checked redirects, retries, per-host politeness and size caps."""

from __future__ import annotations

import asyncio
import email.utils
import errno
import functools
import os
import random
import re
import socket
import ssl
import time
import urllib.request
import zlib
from collections.abc import AsyncIterator, Callable, Container, Mapping
from dataclasses import dataclass, replace
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING, Any, NamedTuple

from . import lean_aiohttp  # noqa: F401 - imports aiohttp without loading the CA store it never uses

# isort: split
import aiohttp
import httpx
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

from ..models import CrawlSettings
from . import defaults
from .cache import CachedResponse, HttpCache
from .httpurl import http_url
from .stats import FetchStats
from .urls import host_of, in_scope, normalise, origin_of

if TYPE_CHECKING:
    from tenacity import RetryCallState, wait_exponential_jitter

__all__ = ["AiohttpTransport", "FetchResult", "FetchStats", "Fetcher"]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One URL's outcome; ``error`` is a reason code when no usable response came back."""

    url: str
    final_url: str
    status_code: int = 0
    content_type: str = ""
    last_modified: str | None = None
    body: bytes = b""
    error: str | None = None
    detail: str = ""
    redirected_off_scope: str | None = None
    truncated: bool = False
    # The body's hash, as the cache stores it (None without a cache or a body). ``body_elided``: the
    # body was left in the cache because the caller said it needs only the hash (see ``fetch``).
    body_sha256: str | None = None
    body_elided: bool = False
    # The URL the cache holds this response under without its body, until the caller settles it.
    unsettled: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status_code < 300


# The body of every request sent: none (GET and HEAD only).
_NO_CONTENT = httpx.ByteStream(b"")


class _Retryable(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


# What aiohttp refuses in a header value it sends: control characters but tab.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Request headers kept converted for aiohttp, per transport (see AiohttpTransport._converted).
MAX_CONVERTED_HEADERS = 1024
_UNCONVERTED: Any = object()
# Cookies kept for the whole run, and the longest Cookie header sent: a site may set hundreds of
# large cookies on every page, and the jar would send them all back, growing without end.
MAX_COOKIES = 300
MAX_COOKIE_HEADER = 16 * 1024


class _BadURL(Exception):
    """A URL httpx refuses to send (normalise lets through what servers may still answer)."""


class _Undecodable(Exception):
    """A body in a content coding this fetcher does not read (its message: the codings)."""


class _NotInResolveMap(httpx.ConnectError):
    """A host the ``--connect-to`` map does not name: refused, never looked up."""


class _MappedResolver(AbstractResolver):
    """Resolves each mapped host name to its fixed address, like ``curl --resolve``."""

    def __init__(self, mapping: Mapping[str, tuple[str, int]]) -> None:
        self._mapping = mapping

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address, mapped_port = self._mapping[host.lower()]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        flags = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
        return [ResolveResult(hostname=host, host=address, port=mapped_port, family=family, proto=0, flags=flags)]

    async def close(self) -> None:
        return None


def _session(
    *,
    per_host: int,
    total: int,
    resolve: Mapping[str, tuple[str, int]] | None,
) -> aiohttp.ClientSession:
    """The run's aiohttp session: one pool, bounded per origin; no cookies, redirects or decoding of its own."""
    connector = aiohttp.TCPConnector(
        limit=total,
        limit_per_host=per_host,
        keepalive_timeout=5.0,  # httpx's default: many servers drop idle connections after 5 s
        resolver=_MappedResolver(resolve) if resolve is not None else None,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # cookies are kept by the Fetcher, as httpx keeps them
        auto_decompress=False,  # bodies are inflated by _read_body, under the decompression cap
        trust_env=False,  # proxies are chosen per origin by _env_proxy, as httpx chooses them
        max_line_size=16384,  # h11's limit: long cookies and redirect URLs are not malformed responses
        max_field_size=16384,
    )


def _transport_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception for an aiohttp one (kept as ``__cause__``, where _classify reads the details)."""
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, TimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(exc, aiohttp.ClientResponseError):
        kind = httpx.RemoteProtocolError  # a malformed status line or header
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    else:
        kind = httpx.ReadError  # the server went away mid-response: disconnect, reset, short body
    return kind(_message(exc), request=request)


def _message(exc: BaseException) -> str:
    """aiohttp's message, without what changes from run to run (the TLS context's address, the IP dialled)."""
    if not isinstance(exc, aiohttp.ClientConnectorError):
        return str(exc) or type(exc).__name__
    cause = exc.os_error
    if not isinstance(cause, ssl.SSLError) and isinstance(cause.errno, int) and cause.errno > 0:
        reason = os.strerror(cause.errno)  # asyncio's text names the address connected to
    else:
        reason = str(cause) or type(cause).__name__
    return f"Cannot connect to host {exc.host}:{exc.port}: {reason}"


_AIOHTTP_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


class _AiohttpStream(httpx.AsyncByteStream):
    """The raw (still compressed) body of an aiohttp response, chunk by chunk as it arrives."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except _AIOHTTP_ERRORS as exc:
            raise _transport_error(exc, self._request) from exc

    async def aclose(self) -> None:
        # Back to the pool when the body was read to its end; a body left unread closes its connection.
        self._response.release()


def _header_text(value: bytes) -> str | None:
    """A header value as aiohttp takes it (a str it sends as UTF-8): the same bytes whenever they are UTF-8.

    Each value on its own: ``httpx.Headers.encoding`` picks one encoding for all of them, and keeps
    it once read, even after a header is added. None for a value with a control character: a
    site may set such a cookie or validator, and aiohttp refuses to send it (header injection).
    """
    try:
        text = value.decode()
    except UnicodeDecodeError:
        text = value.decode("latin-1")
    return None if _HEADER_CONTROL.search(text) else text


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx's transport interface over a shared aiohttp session.

    aiohttp's HTTP/1.1 client costs less than half the CPU of httpcore's per request (see
    ``benchmarks/README.md``). With a resolve map (``--connect-to``, the sample portal, the tests)
    each host name connects to a fixed address while URLs, Host headers and the TLS server name keep
    the real name; a host missing from the map is refused rather than looked up.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        verify: bool,
        resolve: Container[str] | None = None,
        plain_http: bool = False,
    ) -> None:
        self._session = session
        self._verify = verify
        self._ssl: ssl.SSLContext | None = None
        self._resolve = resolve
        # The bundled sample portal speaks plain HTTP for every host, whatever scheme its links use.
        self._plain_http = plain_http
        self._proxies: dict[tuple[str, str], str | None] = {}
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        # Headers as aiohttp takes them, by their bytes: the Host and the defaults repeat on every request.
        self._converted_headers: dict[tuple[bytes, bytes], tuple[str, str] | None] = {}

    def _tls(self) -> ssl.SSLContext:
        """The TLS context, made on the first HTTPS request: loading the CA bundle takes about 0.1 s."""
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(verify=self._verify)
        return self._ssl

    def _timeout(self, timeout: Mapping[str, float | None]) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for httpx's (one object per distinct pair: every request of a run has the same)."""
        key = (timeout.get("connect"), timeout.get("read"))
        made = self._timeouts.get(key)
        if made is None:
            made = self._timeouts[key] = aiohttp.ClientTimeout(connect=key[0], sock_connect=key[0], sock_read=key[1])
        return made

    def _converted(self, raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
        """The request's headers as aiohttp takes them (see _header_text); a value it would refuse is left out.

        Each pair is converted once and looked up after that (2 µs of the 4 a request took): the
        validators differ from page to page, so what is kept is let go once MAX_CONVERTED_HEADERS are.
        """
        converted = self._converted_headers
        headers = []
        for pair in raw:
            done = converted.get(pair, _UNCONVERTED)
            if done is _UNCONVERTED:
                if len(converted) >= MAX_CONVERTED_HEADERS:
                    converted.clear()
                name, value = pair
                text = _header_text(value)
                done = converted[pair] = None if text is None else (name.decode(), text)
            if done is not None:
                headers.append(done)
        return headers

    def _proxy(self, url: httpx.URL) -> str | None:
        if self._resolve is not None:
            return None
        key = (url.scheme, url.host)
        if key not in self._proxies:
            self._proxies[key] = _env_proxy(*key)
        return self._proxies[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if self._resolve is not None and url.host not in self._resolve:
            raise _NotInResolveMap(f"host {url.host!r} is not in the resolve map", request=request)
        if self._plain_http and url.scheme == "https":
            url = url.copy_with(scheme="http")
        proxy = self._proxy(url)
        # This transport's own TLS context wherever TLS is spoken, to the site or to an HTTPS proxy:
        # aiohttp's default contexts trust nothing (see auditor.crawl.lean_aiohttp).
        tls = url.scheme == "https" or (proxy is not None and proxy.startswith("https:"))
        try:
            response = await self._session.request(
                request.method,
                yarl.URL(str(url), encoded=True),  # httpx has already quoted it
                headers=self._converted(request.headers.raw),
                allow_redirects=False,
                ssl=self._tls() if tls else True,  # True: aiohttp's default, never used without TLS
                proxy=proxy,
                timeout=self._timeout(request.extensions.get("timeout", {})),
            )
        except _AIOHTTP_ERRORS as exc:
            raise _transport_error(exc, request) from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_AiohttpStream(response, request),
            request=request,
        )

    async def aclose(self) -> None:
        return None  # the session belongs to the Fetcher that shares it


@dataclass
class _HostSlot:
    """Politeness per origin: a concurrency limit and a delay between request starts."""

    semaphore: asyncio.Semaphore
    delay: float
    next_start: float = 0.0  # the last start plus the delay in force then (robots.txt may raise it later)

    def pause(self) -> float:
        """Seconds until a request may start at this origin (0: now)."""
        return max(0.0, self.next_start - time.monotonic()) if self.delay else 0.0

    def start(self) -> None:
        self.next_start = time.monotonic() + self.delay


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (httpx wraps aiohttp wraps OSError or ssl errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


_RESET_ERRORS = (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionResetError, BrokenPipeError)


def _let_go(exc: BaseException) -> None:
    """Drop the tracebacks of an exception handled for good, and of every exception it came from.

    tenacity's retrying object and its retry state refer to each other, and keep the last attempt's
    exception until a full collection; its traceback would keep every frame it went through, and in
    them the request and the site's crawler with all of its pages.
    """
    pending, seen = [exc], set[int]()
    while pending:
        link = pending.pop()
        if id(link) in seen:
            continue
        seen.add(id(link))
        link.__traceback__ = None
        pending.extend(x for x in (link.__cause__, link.__context__) if x is not None)


def _classify(exc: BaseException) -> tuple[str, str]:
    """Map a transport exception to a reason code and a human detail (the exact TLS error included)."""
    chain = _chain(exc)
    text = f"{type(exc).__name__}: {exc}"
    # aiohttp's connector errors subclass the errors they wrap (an SSLError, a CertificateError without
    # its message, an OSError): read the wrapped one, which names the cause without the TLS context.
    links = [link.os_error if isinstance(link, aiohttp.ClientConnectorError) else link for link in chain]
    for link in links:
        if isinstance(link, ssl.SSLCertVerificationError):
            return "tls_error", f"certificate: {link.verify_message or link}"
    if any(isinstance(link, aiohttp.ClientConnectorDNSError) for link in chain):
        return "unreachable:dns", text
    for link in links:
        if isinstance(link, ssl.SSLError):
            return "tls_error", f"TLS: {link}"
        if isinstance(link, socket.gaierror):
            return "unreachable:dns", text
        if isinstance(link, ConnectionRefusedError | _NotInResolveMap) or (
            isinstance(link, OSError) and link.errno == errno.ECONNREFUSED
        ):
            return "unreachable:refused", text
        if isinstance(link, _RESET_ERRORS):
            return "connection_reset", text
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", text
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError) and not isinstance(exc, httpx.ConnectError):
        return "connection_reset", text
    return "unreachable", text


def _worth_retrying(exc: BaseException) -> bool:
    """Retry what may change (busy server, timeout, reset); never DNS failures, bad certificates or unmapped hosts."""
    if isinstance(exc, _Retryable):
        return True
    if not isinstance(exc, httpx.TransportError) or isinstance(exc, _NotInResolveMap):
        return False
    reason, _ = _classify(exc)
    return reason not in ("unreachable:dns", "tls_error")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        # Python 3.11 raises for what it cannot parse ("soon", a zone of +9999) instead of returning None.
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time())
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


@dataclass
class _Breaker:
    """A circuit breaker per origin: after repeated failures, stop knocking for the rest of the run."""

    failures: int = 0
    last_error: str = ""
    last_detail: str = ""

    @property
    def open(self) -> bool:
        return self.failures >= defaults.BREAKER_FAILURES


# The first retry waits 0.5 s (plus jitter); tenacity's waits inside the retry loop continue the same
# doubling series, since its attempt numbers there start after that first failure.
_FIRST_BACKOFF = 0.5
_BACKOFF_JITTER = 0.5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


def _env_proxy(scheme: str, host: str) -> str | None:
    """The proxy the environment names for this origin (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY), as httpx reads them."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


class Fetcher:
    """The audit's only HTTP client; one per run, shared by every site.

    It drives its httpx transport directly, without ``httpx.AsyncClient``: the client layer (URL
    merging, auth and redirect machinery, cookie bookkeeping) costs more CPU than the request
    itself, and redirects are followed here anyway.
    """

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        resolve: Mapping[str, tuple[str, int]] | None = None,
        plain_http: bool = False,
        cache: HttpCache | None = None,
    ) -> None:
        self.settings = settings
        self._resolve = {host.lower(): address for host, address in (resolve or {}).items()}
        self._plain_http = plain_http
        self._session: aiohttp.ClientSession | None = None
        self._transports: dict[bool, AiohttpTransport] = {}
        self._cookies = httpx.Cookies()
        # Every request's headers but the Host and the validators, as httpx normalises them: once.
        self._default_headers = httpx.Headers(
            {
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",  # only encodings decoded here under the decompression cap
                "Accept-Language": "vi,en;q=0.5",
                "User-Agent": settings.user_agent,
            }
        ).raw
        self._timeouts = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.page_timeout,
        ).as_dict()
        self._slots: dict[str, _HostSlot] = {}
        self._breakers: dict[str, _Breaker] = {}
        self._global = asyncio.Semaphore(settings.global_concurrency)
        self.cache = cache
        self.stats: dict[str, FetchStats] = {}

    def _stats(self, url: str) -> FetchStats:
        host = host_of(url)
        stats = self.stats.get(host)
        if stats is None:  # not setdefault: it would build a FetchStats for every request
            stats = self.stats[host] = FetchStats()
        return stats

    def _transport(self, verify: bool) -> AiohttpTransport:
        """The transport of one TLS verify mode, made on first use (inside the event loop, as aiohttp needs).

        Both share the run's session and its pool; each makes its TLS context on its first HTTPS
        request, once (see ``AiohttpTransport._tls``).
        """
        transport = self._transports.get(verify)
        if transport is None:
            if self._session is None:
                self._session = _session(
                    # The per-host semaphore bounds the requests in flight; the margin covers connections closing.
                    per_host=self.settings.per_host_concurrency * 2,
                    total=self.settings.global_concurrency * 2,
                    resolve=self._resolve or None,
                )
            transport = self._transports[verify] = AiohttpTransport(
                self._session,
                verify=verify,
                resolve=self._resolve or None,
                plain_http=self._plain_http,
            )
        return transport

    def slot(self, origin: str, delay: float | None = None) -> _HostSlot:
        slot = self._slots.get(origin)
        if slot is None:
            slot = _HostSlot(
                asyncio.Semaphore(self.settings.per_host_concurrency),
                self.settings.delay if delay is None else delay,
            )
            self._slots[origin] = slot
        elif delay is not None and delay > slot.delay:
            slot.delay = delay
        return slot

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def fetch(
        self,
        url: str,
        hosts: Container[str],
        *,
        verify: bool = True,
        method: str = "GET",
        body_needed: Callable[[CachedResponse], bool] | None = None,
        confirmed: Container[str] = (),
    ) -> FetchResult:
        """Fetch ``url``, following redirects only inside ``hosts``; never raises for network trouble.

        A response the cache answers (a 304, or a replay) comes back without its body when
        ``body_needed`` says the caller can do without it: reading and inflating a stored body
        costs a rerun more than the request. A caller that gives ``body_needed`` keeps what it needs
        of a body by its hash (a page's facts): the cache stores such a response without its body
        and writes the entry once the caller has called :meth:`settle`. A stored response whose body
        is not kept, and that the caller cannot do without, is asked for in full. A URL in
        ``confirmed`` had its stored response confirmed earlier in this run: it is answered from the
        cache, as a resumed run answers what the run it resumes saw.
        """
        current = url
        for _ in range(defaults.MAX_REDIRECTS + 1):
            result = await self._fetch_once(
                current, verify=verify, method=method, body_needed=body_needed, confirmed=confirmed
            )
            if result.error or result.status_code not in _REDIRECT_CODES:
                return result if current == url else replace(result, url=url)
            location = result.detail
            try:
                target = normalise(str(httpx.URL(current).join(location))) if location else None
            except (httpx.InvalidURL, UnicodeError):  # a bad port, a control character, a bad IDNA label
                target = None
            if target is None:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status_code=result.status_code,
                    error="bad_redirect",
                    detail=location,
                )
            if not in_scope(target, hosts):
                return FetchResult(
                    url=url,
                    final_url=current,
                    status_code=result.status_code,
                    error="redirect_out_of_scope",
                    detail=target,
                    redirected_off_scope=target,
                )
            current = target
        return FetchResult(url=url, final_url=current, error="redirect_loop", detail="too many redirects")

    def settle(self, result: FetchResult) -> None:
        """The caller has kept what it needs of ``result``'s body: the cache may write its entry (see ``fetch``)."""
        if self.cache is not None and result.unsettled is not None:
            self.cache.settle(result.unsettled)

    def _failed(self, url: str, error: str, detail: str) -> None:
        breaker = self._breakers.setdefault(origin_of(url), _Breaker())
        breaker.failures += 1
        breaker.last_error, breaker.last_detail = error, detail

    def _replay(
        self, url: str, entry: CachedResponse, body_needed: Callable[[CachedResponse], bool] | None
    ) -> FetchResult | None:
        elided = body_needed is not None and entry.body_sha256 is not None and not body_needed(entry)
        body = b"" if elided else self.cache.body(entry) if self.cache is not None else None
        if body is None:
            return None
        return FetchResult(
            url=url,
            final_url=url,
            status_code=entry.status_code,
            content_type=entry.content_type,
            last_modified=entry.last_modified,
            body=body,
            detail=entry.location,
            truncated=entry.truncated,
            body_sha256=entry.body_sha256,
            body_elided=elided,
        )

    async def _fetch_once(
        self,
        url: str,
        *,
        verify: bool,
        method: str,
        body_needed: Callable[[CachedResponse], bool] | None,
        confirmed: Container[str],
    ) -> FetchResult:
        cached = self.cache.lookup(url) if self.cache is not None and method == "GET" else None
        if cached is not None and self.cache is not None and (url in confirmed or self.cache.replayable(cached)):
            replayed = self._replay(url, cached, body_needed)
            if replayed is not None:
                self._stats(url).replayed += 1
                return replayed
        if cached is not None and not cached.body_kept and (body_needed is None or body_needed(cached)):
            cached = None  # nothing could stand for the body a 304 would mean: no validators sent
        origin = origin_of(url)
        breaker = self._breakers.get(origin)
        if breaker is not None and breaker.open:
            detail = f"{breaker.failures} failures in a row, not retried: {breaker.last_detail}"
            return FetchResult(url=url, final_url=url, error=breaker.last_error, detail=detail)
        transport = self._transport(verify)
        request = _Request(url, origin, method, verify, transport, cached, body_needed)
        try:
            result = await self._attempts(request)
        except (_BadURL, _Undecodable, _Retryable, httpx.TransportError) as exc:
            _let_go(exc)
            return self._failure(url, exc)
        self._breakers.pop(origin, None)
        return result

    def _failure(self, url: str, exc: _BadURL | _Undecodable | _Retryable | httpx.TransportError) -> FetchResult:
        """The result of a URL whose request ended in ``exc``."""
        if isinstance(exc, _BadURL):
            return FetchResult(url=url, final_url=url, error="bad_url", detail=str(exc))
        if isinstance(exc, _Undecodable):
            return FetchResult(url=url, final_url=url, error="bad_encoding", detail=f"Content-Encoding: {exc}")
        if isinstance(exc, _Retryable):
            # A server that answers, even with an error, is not failing at the connection: no breaker.
            return FetchResult(url=url, final_url=url, status_code=exc.status)
        reason, detail = _classify(exc)
        self._failed(url, reason, detail)
        return FetchResult(url=url, final_url=url, error=reason, detail=detail)

    async def _attempts(self, request: _Request) -> FetchResult:
        """The first attempt, then (only after a failure worth retrying) tenacity's retry loop."""
        try:
            return await self._attempt(request)
        except (_Retryable, httpx.TransportError) as exc:
            if self.settings.retries < 1 or not _worth_retrying(exc):
                raise
            first_wait = _backoff(exc, _FIRST_BACKOFF + random.uniform(0, _BACKOFF_JITTER))  # noqa: S311 - jitter, not secrecy
        await asyncio.sleep(first_wait)
        # Imported here, after a first failure: most runs never retry, and every process would pay
        # 10 ms to import tenacity before its first request.
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self.settings.retries),
            wait=_wait,
            retry=retry_if_exception(_worth_retrying),
            reraise=True,
        ):
            with attempt:
                return await self._attempt(request)
        raise AssertionError("unreachable")  # pragma: no cover - AsyncRetrying always returns or raises

    async def _attempt(self, request: _Request) -> FetchResult:
        """One request at this origin's turn, within the total time allowed per page (counted from its start).

        The turn is waited for before taking one of the run's request slots: a site asking for a
        long delay must not hold slots other sites could use while it sleeps. Starts at an origin
        are spaced from the last actual start, so a request that waited for a slot never starts
        closer than ``delay`` to the one before it.
        """
        slot = self.slot(request.origin)
        async with slot.semaphore:
            while True:
                pause = slot.pause()
                if pause:
                    await asyncio.sleep(pause)
                await self._global.acquire()
                # Checked again once the request slot is held: another request to the origin may
                # have started while this one waited for it. Nothing awaits between check and start.
                if not slot.pause():
                    slot.start()
                    break
                self._global.release()  # not this one's turn after all: no slot is held while waiting
            try:
                return await self._timed(request)
            finally:
                self._global.release()

    async def _timed(self, request: _Request) -> FetchResult:
        """The request, within the total time allowed per page.

        ``asyncio.timeout``'s steps, spelled out (see _PageTimer): its asynchronous context manager
        cost 25 K instructions a request, 1.8 % of a rerun's page (callgrind).
        """
        loop = asyncio.get_running_loop()
        timer = _PageTimer(asyncio.current_task())
        handle = loop.call_at(loop.time() + self.settings.page_timeout, timer.fire)
        cancelled = False
        try:
            try:
                return await self._request(request)
            except asyncio.CancelledError:
                cancelled = True
                raise
            finally:
                handle.cancel()
                if timer.cut(cancelled):
                    raise TimeoutError  # in place of the CancelledError the timer caused
        except TimeoutError:
            raise httpx.ReadTimeout(f"page took longer than {self.settings.page_timeout:g} s in total") from None

    def _build(self, request: _Request) -> httpx.Request:
        """The httpx request: Host, default headers, the cache's validators, and cookies the site has set.

        Built as a transport's request (``stream=``), with the Host header httpx would add: the
        same request, where httpx's preparing of a body we never send took half of its 49 µs.
        """
        try:
            url = http_url(request.url)
            headers = [(b"Host", url.netloc), *self._default_headers] if url.host else list(self._default_headers)
        except (httpx.InvalidURL, UnicodeError) as exc:  # UnicodeError: idna's, for a host name it refuses
            raise _BadURL(str(exc)) from None
        validators = request.cached.validators if request.cached is not None else None
        if validators:
            # As bytes: httpx encodes a str value as ASCII and raises on anything else, and a server may
            # send any bytes. httpx read them as UTF-8 whenever they were, so UTF-8 gives back its bytes.
            headers.extend((name.encode(), value.encode()) for name, value in validators.items())
        built = httpx.Request(
            request.method, url, headers=headers, stream=_NO_CONTENT, extensions={"timeout": self._timeouts}
        )
        if self._cookies.jar:
            _add_cookies(self._cookies.jar, built)
        return built

    async def _request(self, request: _Request) -> FetchResult:
        stats = self._stats(request.url)
        stats.requests += 1
        sent = self._build(request)
        response = await request.transport.handle_async_request(sent)
        response.request = sent
        try:
            return await self._response(request, response, stats)
        finally:
            await response.aclose()

    async def _response(self, request: _Request, response: httpx.Response, stats: FetchStats) -> FetchResult:
        """Turn one response into a result (and a cache entry), reading its body under the size caps."""
        url, cached, method = request.url, request.cached, request.method
        headers = response.headers
        if "set-cookie" in headers:
            self._cookies.extract_cookies(response)
            if len(self._cookies.jar) > MAX_COOKIES:
                self._cookies.jar.clear()  # a site flooding the jar: start again rather than grow
        status = response.status_code
        if status in defaults.RETRY_HTTP_CODES:
            raise _Retryable(status, _retry_after(headers.get("retry-after")))
        if status == 304 and cached is not None and self.cache is not None:
            stats.not_modified += 1
            self.cache.touch(cached)
            replayed = self._replay(url, cached, request.body_needed)
            if replayed is not None:
                return replayed
        location = headers.get("location", "")
        content_type = headers.get("content-type", "")
        last_modified = headers.get("last-modified")
        body = b""
        truncated = False
        redirect = status in _REDIRECT_CODES
        if not redirect:
            if method == "GET" and _wanted(content_type, url):
                body, truncated = await _read_body(response, self.settings.max_page_bytes)
            stats.full += 1
        stored = None
        if self.cache is not None and method == "GET":
            stored = self.cache.store(
                url,
                status_code=status,
                content_type=content_type,
                last_modified=last_modified,
                etag=headers.get("etag"),
                location=location,
                body=body,
                truncated=truncated,
                previous=cached,
                keep_body=request.body_needed is None,
            )
        if redirect:
            return FetchResult(url=url, final_url=url, status_code=status, detail=location)
        return FetchResult(
            url=url,
            final_url=str(response.url) if host_of(str(response.url)) == host_of(url) else url,
            status_code=status,
            content_type=content_type,
            last_modified=last_modified,
            body=body,
            truncated=truncated,
            body_sha256=stored.body_sha256 if stored is not None else None,  # None for an empty body, as stored
            unsettled=url if stored is not None and not stored.body_kept else None,
        )


class _PageTimer:
    """What ``asyncio.timeout`` does for one request, without its context manager (see Fetcher._timed).

    The same steps as ``asyncio.Timeout`` in Python 3.11: on expiry the task is cancelled; at the
    end the cancellation is taken back, and the request counts as cut by the timer only if it
    ended in that cancellation and no other was asked for meanwhile (the task's own cancellation
    by the crawl stays a cancellation).
    """

    __slots__ = ("_cancelling", "_fired", "_task")

    def __init__(self, task: asyncio.Task[Any] | None) -> None:
        if task is None:
            raise RuntimeError("a page's timer runs inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._fired = False

    def fire(self) -> None:
        self._task.cancel()
        self._fired = True

    def cut(self, cancelled: bool) -> bool:
        """Whether the request ended because this timer fired (``cancelled``: it ended in a CancelledError)."""
        # In asyncio.Timeout.__aexit__'s order: the timer's cancellation is taken back whatever the outcome.
        return self._fired and self._task.uncancel() <= self._cancelling and cancelled


class _Request(NamedTuple):
    """One URL to fetch and what every attempt at it needs.

    A named tuple: as immutable as a frozen dataclass, and built in a third of the time (0.5 µs
    against 1.5), once a request.
    """

    url: str
    origin: str
    method: str
    verify: bool
    transport: httpx.AsyncBaseTransport
    cached: CachedResponse | None
    body_needed: Callable[[CachedResponse], bool] | None


def _add_cookies(jar: CookieJar, request: httpx.Request) -> None:
    """The Cookie header the jar holds for ``request``, as UTF-8 bytes.

    Not ``httpx.Cookies.set_cookie_header``: it encodes the header as ASCII once the request's
    headers were read as ASCII, and a site may set a cookie with any bytes (httpx read them as
    UTF-8 whenever they were), which would fail the whole audit.
    """
    # No headers: reading them would fix their encoding as ASCII. The jar takes the host from the URL.
    probe = urllib.request.Request(str(request.url), method=request.method)  # noqa: S310 - never opened
    jar.add_cookie_header(probe)
    cookie = probe.get_header("Cookie")
    if cookie and len(cookie) <= MAX_COOKIE_HEADER:
        request.headers.update({b"Cookie": cookie.encode()})


def _backoff(exc: BaseException | None, default: float) -> float:
    """The server's Retry-After (capped) when it sent one, else ``default``."""
    if isinstance(exc, _Retryable) and exc.retry_after is not None:
        return min(exc.retry_after, defaults.MAX_RETRY_AFTER)
    return default


def _wait(retry_state: RetryCallState) -> float:
    """tenacity's wait inside the retry loop: Retry-After, else the exponential series with jitter."""
    exc = retry_state.outcome.exception() if retry_state.outcome is not None else None
    return _backoff(exc, _loop_backoff()(retry_state))


@functools.cache
def _loop_backoff() -> wait_exponential_jitter:
    from tenacity import wait_exponential_jitter

    return wait_exponential_jitter(multiplier=_FIRST_BACKOFF * 2, max=8.0, jitter=_BACKOFF_JITTER)


async def _read_body(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The decoded body, at most ``cap`` bytes of it, reading at most ``cap`` bytes off the wire.

    gzip and deflate are inflated here a bounded slice at a time, so a small compressed body that
    expands to gigabytes (a gzip bomb) stops at the cap instead of exhausting memory.
    """
    codings = [c for c in _codings(response.headers.get_list("content-encoding")) if c != "identity"]
    if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
        # Not what we asked for: stacked codings ("gzip, gzip": httpx would inflate each layer of a
        # chunk whole, a few KB to gigabytes) or one we cannot read (br). Never guessed at.
        raise _Undecodable(", ".join(codings))
    body = bytearray()
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if codings else None
    raw_read = 0
    async for chunk in response.aiter_raw():
        raw_read += len(chunk)
        if inflater is None:
            body.extend(chunk)
        else:
            data = chunk
            try:
                while data and len(body) <= cap:
                    body.extend(inflater.decompress(data, cap + 1 - len(body)))
                    data = inflater.unconsumed_tail
            except zlib.error:
                return bytes(body[:cap]), True
        if len(body) > cap or raw_read > cap:
            return bytes(body[:cap]), True
    return bytes(body), False


def _codings(values: list[str]) -> list[str]:
    """The content codings of every Content-Encoding header, in order, lower-cased."""
    return [c.strip().lower() for value in values for c in value.split(",") if c.strip()]


def _wanted(content_type: str, url: str) -> bool:
    """Bodies worth reading: HTML and text; attachments are judged from headers and their links."""
    lowered = content_type.lower()
    return not lowered or "html" in lowered or lowered.startswith("text/") or "xml" in lowered
