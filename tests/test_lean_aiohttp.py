"""aiohttp imported without its default CA store: its contexts trust nothing, ours verify as before.

Each check runs in a fresh interpreter, where the auditor's import is the first import of aiohttp.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT
from .servers import Reply, serve

SITE = "site.test.gov.vn"
PAGE = b"<html><body><main><h1>Trang chu</h1></main></body></html>"

IMPORT_CHILD = """
import json, os
before = {k: os.environ.get(k) for k in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
import auditor.crawl.fetcher
import aiohttp.connector as connector
print(json.dumps({
    "before": before,
    "after": {k: os.environ.get(k) for k in before},
    "default_cas": [
        context.cert_store_stats()["x509_ca"]
        for context in (connector._SSL_CONTEXT_VERIFIED, connector._SSL_CONTEXT_UNVERIFIED)
    ],
}))
"""

FETCH_CHILD = """
import asyncio, json, sys
from auditor.crawl.fetcher import Fetcher
from auditor.pipeline import default_settings

async def go():
    settings = default_settings(delay=0.0, retries=0, connect_timeout=2.0, read_timeout=2.0, page_timeout=5.0)
    resolve = json.loads(sys.argv[2]) or None
    fetcher = Fetcher(settings, resolve={h: tuple(a) for h, a in resolve.items()} if resolve else None)
    try:
        result = await fetcher.fetch(sys.argv[1], frozenset({sys.argv[3]}))
    finally:
        await fetcher.aclose()
    print(json.dumps({"status": result.status_code, "error": result.error, "detail": result.detail}))

asyncio.run(go())
"""


def _child(code: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY") and not k.startswith("SSL_CERT")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**clean, **env},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("env", [{}, {"SSL_CERT_FILE": "/etc/ssl/mine.pem", "SSL_CERT_DIR": "/etc/ssl/mine"}])
def test_aiohttp_s_default_contexts_are_empty_and_the_environment_is_put_back(env: dict[str, str]) -> None:
    seen = _child(IMPORT_CHILD, env=env)
    assert seen["default_cas"] == [0, 0]
    assert seen["after"] == seen["before"] == {k: env.get(k) for k in ("SSL_CERT_FILE", "SSL_CERT_DIR")}


def _certificate(tmp: Path, *names: str) -> tuple[ssl.SSLContext, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [*request, "-days", "30", "-subj", f"/CN={names[0]}", "-addext", "subjectAltName=" + ",".join(names)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


def test_an_https_site_is_verified_against_the_store_the_environment_names(tmp_path: Path) -> None:
    context, cert = _certificate(tmp_path, f"DNS:{SITE}")
    with serve({(SITE, "/"): lambda n: Reply(body=PAGE)}, tls=context) as server:
        resolve = json.dumps({SITE: ["127.0.0.1", server.port]})
        trusted = _child(FETCH_CHILD, f"https://{SITE}/", resolve, SITE, env={"SSL_CERT_FILE": str(cert)})
        untrusted = _child(FETCH_CHILD, f"https://{SITE}/", resolve, SITE, env={})
    assert (trusted["status"], trusted["error"]) == (200, None), trusted
    assert untrusted["error"] == "tls_error", untrusted


def test_an_https_proxy_is_verified_with_the_fetcher_s_own_context(tmp_path: Path) -> None:
    # The proxy answers for the site itself: it is asked for the absolute URL, over TLS.
    context, cert = _certificate(tmp_path, "IP:127.0.0.1")
    with serve({(SITE, f"http://{SITE}/"): lambda n: Reply(body=PAGE)}, tls=context) as proxy:
        env = {"SSL_CERT_FILE": str(cert), "HTTP_PROXY": f"https://127.0.0.1:{proxy.port}"}
        through = _child(FETCH_CHILD, f"http://{SITE}/", "null", SITE, env=env)
        seen = [(s.host, s.path) for s in proxy.seen]
    assert (through["status"], through["error"]) == (200, None), through
    assert seen == [(SITE, f"http://{SITE}/")]
