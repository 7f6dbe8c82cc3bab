"""HTTP fetching for the audit: scope-checked redirects, retries, per-host politeness and size caps."""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import ssl
import time
import urllib.request
import zlib
from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from ..models import CrawlSettings
from . import defaults
from .cache import CachedResponse, HttpCache
from .urls import host_of, in_scope, normalise, origin_of

__all__ = ["FetchResult", "FetchStats", "Fetcher", "ResolvingTransport"]


@dataclass
class FetchStats:
    """What fetching one host cost: requests sent, full bodies, 304s, and responses replayed from the cache."""

    requests: int = 0
    full: int = 0
    not_modified: int = 0
    replayed: int = 0

    def add(self, other: FetchStats) -> None:
        self.requests += other.requests
        self.full += other.full
        self.not_modified += other.not_modified
        self.replayed += other.replayed

    def as_dict(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "full": self.full,
            "not_modified": self.not_modified,
            "replayed": self.replayed,
        }


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

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status_code < 300


class _Retryable(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


class ResolvingTransport(httpx.AsyncBaseTransport):
    """Connects each host name to a fixed address, like ``curl --resolve``, keeping the name in URLs.

    The sample portal and the tests use it so that real host names are audited over 127.0.0.1 only;
    a host missing from the map is refused rather than looked up.
    """

    def __init__(
        self,
        mapping: Mapping[str, tuple[str, int]],
        *,
        verify: bool | ssl.SSLContext = True,
        plain_http: bool = False,
        limits: httpx.Limits | None = None,
    ) -> None:
        self._mapping = {k.lower(): v for k, v in mapping.items()}
        self._inner = httpx.AsyncHTTPTransport(verify=verify, retries=0, limits=limits or httpx.Limits())
        # The bundled sample portal speaks plain HTTP for every host, whatever scheme its links use.
        self._plain_http = plain_http

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host.lower()
        target = self._mapping.get(host)
        if target is None:
            raise httpx.ConnectError(f"host {host!r} is not in the resolve map", request=request)
        address, port = target
        if self._plain_http:
            request.url = request.url.copy_with(scheme="http", host=address, port=port)
        else:
            request.url = request.url.copy_with(host=address, port=port)
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class _HostSlot:
    """Politeness per origin: a concurrency limit and a delay between request starts."""

    semaphore: asyncio.Semaphore
    delay: float
    next_start: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def wait_turn(self) -> None:
        if not self.delay:
            return  # no spacing asked for: skip the lock and the clock
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.delay
        if start > now:
            await asyncio.sleep(start - now)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (httpx wraps httpcore wraps OSError)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _classify(exc: BaseException) -> tuple[str, str]:
    """Map a transport exception to a reason code and a human detail (the exact TLS error included)."""
    chain = _chain(exc)
    text = f"{type(exc).__name__}: {exc}"
    for link in chain:
        if isinstance(link, ssl.SSLCertVerificationError):
            return "tls_error", f"certificate: {link.verify_message or link}"
        if isinstance(link, ssl.SSLError):
            return "tls_error", f"TLS: {link}"
        if isinstance(link, socket.gaierror):
            return "unreachable:dns", text
        if isinstance(link, ConnectionRefusedError):
            return "unreachable:refused", text
    lowered = " ".join(str(link) for link in chain).lower()
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", text
    if "certificate" in lowered or "ssl" in lowered:
        return "tls_error", text
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in lowered or "name resolution" in lowered or "nodename" in lowered:
            return "unreachable:dns", text
        if "refused" in lowered or "resolve map" in lowered:
            return "unreachable:refused", text
        return "unreachable", text
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "connection_reset", text
    return "unreachable", text


def _worth_retrying(exc: BaseException) -> bool:
    """Retry what may change (busy server, timeout, reset); never DNS failures or bad certificates."""
    if isinstance(exc, _Retryable):
        return True
    if not isinstance(exc, httpx.TransportError):
        return False
    reason, _ = _classify(exc)
    return reason not in ("unreachable:dns", "tls_error") and "resolve map" not in str(exc)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


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
_LOOP_BACKOFF = wait_exponential_jitter(multiplier=_FIRST_BACKOFF * 2, max=8.0, jitter=_BACKOFF_JITTER)
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

    It drives httpx transports directly, one connection pool per origin: httpcore scans its whole
    pool on every request, and the client layer (URL merging, auth and redirect machinery, cookie
    bookkeeping) costs more CPU than the request itself; redirects are followed here anyway.
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
        self._resolve = dict(resolve or {})
        self._plain_http = plain_http
        self._transports: dict[tuple[str, bool], httpx.AsyncBaseTransport] = {}
        self._ssl: dict[bool, ssl.SSLContext] = {}
        self._cookies = httpx.Cookies()
        self._headers = {
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",  # only encodings decoded here under the decompression cap
            "Accept-Language": "vi,en;q=0.5",
            "User-Agent": settings.user_agent,
        }
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
        self.requests_sent = 0

    def stats_for(self, hosts: Container[str] | None = None) -> FetchStats:
        """Fetch counts summed over ``hosts`` (all hosts when None)."""
        total = FetchStats()
        for host, stats in self.stats.items():
            if hosts is None or host in hosts:
                total.add(stats)
        return total

    def _stats(self, url: str) -> FetchStats:
        return self.stats.setdefault(host_of(url), FetchStats())

    def _ssl_context(self, verify: bool) -> ssl.SSLContext:
        """One TLS context per verify mode, shared by every pool: loading the CA bundle is slow."""
        context = self._ssl.get(verify)
        if context is None:
            context = self._ssl[verify] = httpx.create_ssl_context(verify=verify)
        return context

    def _transport(self, origin: str, verify: bool) -> httpx.AsyncBaseTransport:
        """The connection pool of one origin, made on first use."""
        transport = self._transports.get((origin, verify))
        if transport is None:
            context = self._ssl_context(verify)
            # The per-host semaphore bounds the requests in flight; the margin covers connections closing.
            limits = httpx.Limits(max_connections=self.settings.per_host_concurrency * 2)
            if self._resolve:
                transport = ResolvingTransport(
                    self._resolve, verify=context, plain_http=self._plain_http, limits=limits
                )
            else:
                url = httpx.URL(origin)
                proxy = _env_proxy(url.scheme, url.host)
                transport = httpx.AsyncHTTPTransport(verify=context, retries=0, limits=limits, proxy=proxy)
            self._transports[(origin, verify)] = transport
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
        for transport in self._transports.values():
            await transport.aclose()

    async def fetch(self, url: str, hosts: Container[str], *, verify: bool = True, method: str = "GET") -> FetchResult:
        """Fetch ``url``, following redirects only inside ``hosts``; never raises for network trouble."""
        current = url
        for _ in range(defaults.MAX_REDIRECTS + 1):
            result = await self._fetch_once(current, verify=verify, method=method)
            if result.error or result.status_code not in _REDIRECT_CODES:
                return result if current == url else replace(result, url=url)
            location = result.detail
            target = normalise(str(httpx.URL(current).join(location))) if location else None
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

    def _failed(self, url: str, error: str, detail: str) -> None:
        breaker = self._breakers.setdefault(origin_of(url), _Breaker())
        breaker.failures += 1
        breaker.last_error, breaker.last_detail = error, detail

    def _replay(self, url: str, entry: CachedResponse) -> FetchResult | None:
        body = self.cache.body(entry) if self.cache is not None else None
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
        )

    async def _fetch_once(self, url: str, *, verify: bool, method: str) -> FetchResult:
        cached = self.cache.lookup(url) if self.cache is not None and method == "GET" else None
        if cached is not None and self.cache is not None and self.cache.replayable(cached):
            replayed = self._replay(url, cached)
            if replayed is not None:
                self._stats(url).replayed += 1
                return replayed
        origin = origin_of(url)
        breaker = self._breakers.get(origin)
        if breaker is not None and breaker.open:
            detail = f"{breaker.failures} failures in a row, not retried: {breaker.last_detail}"
            return FetchResult(url=url, final_url=url, error=breaker.last_error, detail=detail)
        # Built before taking a turn (the first one loads the CA bundle): the delay separates requests, not setup.
        transport = self._transport(origin, verify)
        request = _Request(url, origin, method, verify, transport, cached)
        try:
            result = await self._attempts(request)
        except _Retryable as exc:
            # A server that answers, even with an error, is not failing at the connection: no breaker.
            return FetchResult(url=url, final_url=url, status_code=exc.status)
        except httpx.TransportError as exc:
            reason, detail = _classify(exc)
            self._failed(url, reason, detail)
            return FetchResult(url=url, final_url=url, error=reason, detail=detail)
        self._breakers.pop(origin, None)
        return result

    async def _attempts(self, request: _Request) -> FetchResult:
        """The first attempt, then (only after a failure worth retrying) tenacity's retry loop."""
        try:
            return await self._attempt(request)
        except (_Retryable, httpx.TransportError) as exc:
            if self.settings.retries < 1 or not _worth_retrying(exc):
                raise
            first_wait = _backoff(exc, _FIRST_BACKOFF + random.uniform(0, _BACKOFF_JITTER))  # noqa: S311 - jitter, not secrecy
        await asyncio.sleep(first_wait)
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
        """One request at this origin's turn, within the total time allowed per page (counted from the turn)."""
        slot = self.slot(request.origin)
        async with self._global, slot.semaphore:
            await slot.wait_turn()
            try:
                async with asyncio.timeout(self.settings.page_timeout):
                    return await self._request(request)
            except TimeoutError:
                raise httpx.ReadTimeout(f"page took longer than {self.settings.page_timeout:g} s in total") from None

    def _build(self, request: _Request) -> httpx.Request:
        """The httpx request: default headers, the cache's validators, and cookies the site has set."""
        headers = self._headers if request.cached is None else {**self._headers, **request.cached.validators}
        built = httpx.Request(request.method, request.url, headers=headers, extensions={"timeout": self._timeouts})
        if self._cookies.jar:
            self._cookies.set_cookie_header(built)
        return built

    async def _request(self, request: _Request) -> FetchResult:
        self.requests_sent += 1
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
        status = response.status_code
        if status in defaults.RETRY_HTTP_CODES:
            raise _Retryable(status, _retry_after(headers.get("retry-after")))
        if status == 304 and cached is not None and self.cache is not None:
            stats.not_modified += 1
            replayed = self._replay(url, self.cache.touch(cached))
            if replayed is not None:
                return replayed
        location = headers.get("location", "")
        content_type = headers.get("content-type", "")
        last_modified = headers.get("last-modified")
        body = b""
        truncated = False
        if status in _REDIRECT_CODES:
            result = FetchResult(url=url, final_url=url, status_code=status, detail=location)
        else:
            if method == "GET" and _wanted(content_type, url):
                body, truncated = await _read_body(response, self.settings.max_page_bytes)
            stats.full += 1
            result = FetchResult(
                url=url,
                final_url=str(response.url) if host_of(str(response.url)) == host_of(url) else url,
                status_code=status,
                content_type=content_type,
                last_modified=last_modified,
                body=body,
                truncated=truncated,
            )
        if self.cache is not None and method == "GET":
            self.cache.store(
                url,
                status_code=status,
                content_type=content_type,
                last_modified=last_modified,
                etag=headers.get("etag"),
                location=location,
                body=body,
                truncated=truncated,
            )
        return result


@dataclass(frozen=True, slots=True)
class _Request:
    """One URL to fetch and what every attempt at it needs."""

    url: str
    origin: str
    method: str
    verify: bool
    transport: httpx.AsyncBaseTransport
    cached: CachedResponse | None


def _backoff(exc: BaseException | None, default: float) -> float:
    """The server's Retry-After (capped) when it sent one, else ``default``."""
    if isinstance(exc, _Retryable) and exc.retry_after is not None:
        return min(exc.retry_after, defaults.MAX_RETRY_AFTER)
    return default


def _wait(retry_state: RetryCallState) -> float:
    """tenacity's wait inside the retry loop: Retry-After, else the exponential series with jitter."""
    exc = retry_state.outcome.exception() if retry_state.outcome is not None else None
    return _backoff(exc, _LOOP_BACKOFF(retry_state))


async def _read_body(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The decoded body, at most ``cap`` bytes of it, reading at most ``cap`` bytes off the wire.

    gzip and deflate are inflated here a bounded slice at a time, so a small compressed body that
    expands to gigabytes (a gzip bomb) stops at the cap instead of exhausting memory.
    """
    encoding = response.headers.get("content-encoding", "").strip().lower()
    body = bytearray()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        # An encoding we did not ask for: httpx decodes it (one chunk at a time), still capped.
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > cap:
                return bytes(body[:cap]), True
        return bytes(body), False
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding else None
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


def _wanted(content_type: str, url: str) -> bool:
    """Bodies worth reading: HTML and text; attachments are judged from headers and their links."""
    lowered = content_type.lower()
    return not lowered or "html" in lowered or lowered.startswith("text/") or "xml" in lowered
