"""The aiohttp transport under the Fetcher: each way a connection fails keeps its own reason code.

Raw sockets on 127.0.0.1 play servers that misbehave at a chosen moment; the classification of
aiohttp's exceptions (kept as the ``__cause__`` of the httpx one) is also checked on built chains.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import aiohttp
import httpx
import pytest

from auditor.crawl import fetcher as fetcher_module
from auditor.crawl.fetcher import AiohttpTransport, Fetcher, FetchResult, _classify, _worth_retrying
from auditor.pipeline import default_settings

from .servers import closed_port

# Each test on asyncio's loop and on the loop an audit runs on (see conftest.each_event_loop).
pytestmark = pytest.mark.usefixtures("each_event_loop")

HOST = "site.gov.vn"
TIMEOUTS = {"connect_timeout": 1.0, "read_timeout": 0.5, "page_timeout": 5.0}
SETTINGS = default_settings(delay=0.0, retries=0, **TIMEOUTS)


@contextlib.contextmanager
def _raw_server(handle: Callable[[socket.socket], None]) -> Iterator[tuple[int, list[bytes]]]:
    """A one-thread TCP server on 127.0.0.1 handing each connection to ``handle``: its port and the requests."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    received: list[bytes] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                received.append(connection.recv(65536))
                handle(connection)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], received
    finally:
        stop.set()
        thread.join()
        listener.close()


def _fetch(port: int, url: str = f"http://{HOST}/") -> FetchResult:
    async def go() -> FetchResult:
        fetcher = Fetcher(SETTINGS, resolve={HOST: ("127.0.0.1", port)})
        try:
            return await fetcher.fetch(url, frozenset({HOST}))
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_a_server_that_hangs_up_before_answering_is_a_connection_reset() -> None:
    with _raw_server(lambda connection: None) as (port, _):
        result = _fetch(port)
    assert result.error == "connection_reset", result
    assert "disconnected" in result.detail.lower()


def test_a_body_cut_short_is_a_connection_reset() -> None:
    def short(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>")

    with _raw_server(short) as (port, _):
        result = _fetch(port)
    assert result.error == "connection_reset", result


def test_a_silent_server_is_a_timeout_not_a_reset() -> None:
    def silent(connection: socket.socket) -> None:
        connection.settimeout(2.0)
        with contextlib.suppress(TimeoutError):
            connection.recv(1)  # until the client gives up and closes

    with _raw_server(silent) as (port, _):
        result = _fetch(port)
    assert result.error == "timeout", result
    assert "ReadTimeout" in result.detail


def test_a_malformed_status_line_is_a_connection_reset() -> None:
    with _raw_server(lambda connection: connection.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")) as (port, _):
        result = _fetch(port)
    assert result.error == "connection_reset", result


def test_the_request_keeps_the_real_host_name_and_header_case() -> None:
    def answer(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok")

    with _raw_server(answer) as (port, received):
        result = _fetch(port, f"http://{HOST}/trang-chu?id=1")
    assert result.ok, result
    assert result.final_url == f"http://{HOST}/trang-chu?id=1"
    head = received[0].decode().split("\r\n")
    assert head[0] == "GET /trang-chu?id=1 HTTP/1.1"
    assert f"Host: {HOST}" in head
    assert any(line.startswith("User-Agent: auditor/") for line in head)


def _key() -> SimpleNamespace:
    return SimpleNamespace(host=HOST, port=443, ssl=True, is_ssl=True)


def _wrapped(inner: BaseException, kind: type[httpx.TransportError] = httpx.ConnectError) -> httpx.TransportError:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise kind(str(exc)) from exc
    except httpx.TransportError as outer:
        return outer


@pytest.mark.parametrize(
    ("inner", "reason"),
    [
        (aiohttp.ClientConnectorDNSError(_key(), OSError(-2, "Name or service not known")), "unreachable:dns"),  # type: ignore[arg-type]
        (
            aiohttp.ClientConnectorError(_key(), ConnectionRefusedError(111, "Connect call failed")),
            "unreachable:refused",
        ),  # type: ignore[arg-type]
        (aiohttp.ClientConnectorError(_key(), OSError(113, "No route to host")), "unreachable"),  # type: ignore[arg-type]
        (aiohttp.ClientConnectorSSLError(_key(), ssl.SSLError(1, "wrong version number")), "tls_error"),  # type: ignore[arg-type]
        (aiohttp.ServerDisconnectedError(), "connection_reset"),
        (aiohttp.ClientPayloadError("Response payload is not completed"), "connection_reset"),
    ],
)
def test_aiohttp_errors_keep_their_reason_codes(inner: BaseException, reason: str) -> None:
    assert _classify(_wrapped(inner))[0] == reason


def test_an_https_host_that_cannot_be_routed_is_not_a_tls_error() -> None:
    # aiohttp's message names the TLS mode ("ssl:default"): it must not read as a TLS failure.
    inner = aiohttp.ClientConnectorError(_key(), OSError(113, "No route to host"))  # type: ignore[arg-type]
    assert "ssl" in str(inner)
    assert _classify(_wrapped(inner)) == ("unreachable", f"ConnectError: {inner}")


def test_the_certificate_message_wins_over_aiohttps_wrapper() -> None:
    certificate = ssl.SSLCertVerificationError(1, "certificate verify failed")
    certificate.verify_message = "self-signed certificate"
    inner = aiohttp.ClientConnectorCertificateError(_key(), certificate)  # type: ignore[arg-type]
    inner.__cause__ = certificate
    outer = _wrapped(inner)
    assert _classify(outer) == ("tls_error", "certificate: self-signed certificate")
    assert not _worth_retrying(outer)


def test_a_host_outside_the_connect_map_is_refused_without_retrying() -> None:
    async def go() -> FetchResult:
        fetcher = Fetcher(default_settings(delay=0.0, retries=2, **TIMEOUTS), resolve={HOST: ("127.0.0.1", 9)})
        try:
            return await fetcher.fetch("http://other.gov.vn/", frozenset({"other.gov.vn"}))
        finally:
            await fetcher.aclose()

    result = asyncio.run(go())
    assert result.error == "unreachable:refused"
    assert "resolve map" in result.detail


def test_a_refused_connection_reads_the_same_in_every_run() -> None:
    # Reports are byte-identical for the same inputs: no dialled address, port or TLS context in the detail.
    async def go() -> FetchResult:
        fetcher = Fetcher(SETTINGS, resolve={HOST: ("127.0.0.1", closed_port())})
        try:
            return await fetcher.fetch(f"https://{HOST}/", frozenset({HOST}))
        finally:
            await fetcher.aclose()

    result = asyncio.run(go())
    assert (result.error, result.detail) == (
        "unreachable:refused",
        f"ConnectError: Cannot connect to host {HOST}:443: Connection refused",
    )


def test_request_headers_are_converted_once_and_their_store_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Host and the defaults repeat on every request; validators differ on each, so what is
    # kept is let go once the store is full, and a header converted again gives the same.
    monkeypatch.setattr(fetcher_module, "MAX_CONVERTED_HEADERS", 8)
    transport = AiohttpTransport(SimpleNamespace(), verify=True)  # type: ignore[arg-type]
    fixed = [(b"Host", b"site.gov.vn"), (b"User-Agent", b"auditor")]
    odd = (b"If-None-Match", b'"v\x0b1"')  # a control character: aiohttp would refuse to send it
    expected = [("Host", "site.gov.vn"), ("User-Agent", "auditor")]
    for page in range(40):
        etag = f'"v{page}-ẹ"'.encode()  # UTF-8 on the wire: sent back as the same bytes
        headers = transport._converted([*fixed, (b"If-None-Match", etag), odd])
        assert headers == [*expected, ("If-None-Match", etag.decode())]
        assert len(transport._converted_headers) <= 8
