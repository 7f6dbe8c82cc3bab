"""HTTP fetching for the audit: scope-checked redirects, retries, per-host politeness and size caps."""

from __future__ import annotations

import asyncio
import email.utils
import socket
import ssl
import time
import zlib
from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace

import httpx
from tenacity import (
    AsyncRetrying,
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
        self, mapping: Mapping[str, tuple[str, int]], *, verify: bool | ssl.SSLContext = True, plain_http: bool = False
    ) -> None:
        self._mapping = {k.lower(): v for k, v in mapping.items()}
        self._inner = httpx.AsyncHTTPTransport(verify=verify, retries=0)
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


class Fetcher:
    """The audit's only HTTP client; one per run, shared by every site."""

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
        self._clients: dict[bool, httpx.AsyncClient] = {}
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

    def _client(self, verify: bool) -> httpx.AsyncClient:
        client = self._clients.get(verify)
        if client is None:
            timeout = httpx.Timeout(
                connect=self.settings.connect_timeout,
                read=self.settings.read_timeout,
                write=self.settings.read_timeout,
                pool=self.settings.page_timeout,
            )
            transport: httpx.AsyncBaseTransport | None = (
                ResolvingTransport(self._resolve, verify=verify, plain_http=self._plain_http) if self._resolve else None
            )
            client = httpx.AsyncClient(
                transport=transport,
                verify=verify,
                timeout=timeout,
                follow_redirects=False,
                headers={
                    "User-Agent": self.settings.user_agent,
                    "Accept-Language": "vi,en;q=0.5",
                    # Only encodings decoded here under the decompression cap (see _read_body).
                    "Accept-Encoding": "gzip, deflate",
                },
                limits=httpx.Limits(max_connections=self.settings.global_concurrency * 2),
            )
            self._clients[verify] = client
        return client

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
        for client in self._clients.values():
            await client.aclose()

    async def fetch(self, url: str, hosts: Container[str], *, verify: bool = True, method: str = "GET") -> FetchResult:
        """Fetch ``url``, following redirects only inside ``hosts``; never raises for network trouble."""
        current = url
        for _ in range(defaults.MAX_REDIRECTS + 1):
            result = await self._fetch_once(current, verify=verify, method=method)
            if result.error or result.status_code not in (301, 302, 303, 307, 308):
                return replace(result, url=url)
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
        breaker = self._breakers.get(origin_of(url))
        if breaker is not None and breaker.open:
            detail = f"{breaker.failures} failures in a row, not retried: {breaker.last_detail}"
            return FetchResult(url=url, final_url=url, error=breaker.last_error, detail=detail)
        slot = self.slot(origin_of(url))
        # Built before taking a turn (it loads the CA bundle): the delay separates requests, not setup.
        self._client(verify)
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self.settings.retries + 1),
                wait=self._wait,
                retry=retry_if_exception(_worth_retrying),
                reraise=True,
            ):
                with attempt:
                    async with self._global, slot.semaphore:
                        await slot.wait_turn()
                        result = await self._timed_request(url, verify=verify, method=method, cached=cached)
                        self._breakers.pop(origin_of(url), None)
                        return result
        except _Retryable as exc:
            # A server that answers, even with an error, is not failing at the connection: no breaker.
            return FetchResult(url=url, final_url=url, status_code=exc.status)
        except httpx.TransportError as exc:
            reason, detail = _classify(exc)
            self._failed(url, reason, detail)
            return FetchResult(url=url, final_url=url, error=reason, detail=detail)
        raise AssertionError("unreachable")  # pragma: no cover - AsyncRetrying always returns or raises

    def _wait(self, retry_state: object) -> float:
        exc = getattr(getattr(retry_state, "outcome", None), "exception", lambda: None)()
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, defaults.MAX_RETRY_AFTER)
        base: float = wait_exponential_jitter(multiplier=0.5, max=8.0, jitter=0.5)(retry_state)  # type: ignore[arg-type]
        return base

    async def _timed_request(
        self, url: str, *, verify: bool, method: str, cached: CachedResponse | None
    ) -> FetchResult:
        """One request within the total time allowed per page, counted from its turn, never from the queue."""
        try:
            return await asyncio.wait_for(
                self._request(url, verify=verify, method=method, cached=cached), self.settings.page_timeout
            )
        except TimeoutError:
            raise httpx.ReadTimeout(f"page took longer than {self.settings.page_timeout:g} s in total") from None

    async def _request(self, url: str, *, verify: bool, method: str, cached: CachedResponse | None) -> FetchResult:
        self.requests_sent += 1
        stats = self._stats(url)
        stats.requests += 1
        client = self._client(verify)
        headers = cached.validators if cached is not None else {}
        async with client.stream(method, url, headers=headers) as response:
            status = response.status_code
            if status in defaults.RETRY_HTTP_CODES:
                raise _Retryable(status, _retry_after(response.headers.get("retry-after")))
            if status == 304 and cached is not None and self.cache is not None:
                stats.not_modified += 1
                replayed = self._replay(url, self.cache.touch(cached))
                if replayed is not None:
                    return replayed
            location = response.headers.get("location", "")
            content_type = response.headers.get("content-type", "")
            body = b""
            truncated = False
            if status in (301, 302, 303, 307, 308):
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
                    last_modified=response.headers.get("last-modified"),
                    body=body,
                    truncated=truncated,
                )
            if self.cache is not None and method == "GET":
                self.cache.store(
                    url,
                    status_code=status,
                    content_type=content_type,
                    last_modified=response.headers.get("last-modified"),
                    etag=response.headers.get("etag"),
                    location=location,
                    body=body,
                    truncated=truncated,
                )
            return result


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
