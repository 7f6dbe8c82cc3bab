"""aiohttp, imported without the system CA store it loads twice at import for contexts the auditor never uses.

aiohttp's connector module builds two default TLS contexts when it is imported (on purpose, so that
no event loop blocks on reading certificates: aio-libs/aiohttp#9029), and fills both from the system
CA store (``set_default_verify_paths``): 470 M instructions, about 0.1 s, in every process of a run,
before its first request; 15 % of what a one-site rerun spends in all (callgrind). The
auditor never hands a request to those contexts: an HTTPS URL, and an HTTPS proxy, are given the
Fetcher's own context (``httpx.create_ssl_context``: certifi's bundle, or ``SSL_CERT_FILE`` and
``SSL_CERT_DIR`` when set), made on the first request that needs one. So while aiohttp is imported
OpenSSL is pointed at an empty store, and the environment is put back as it was. Were either
context ever used, it would trust no certificate: a refusal, never a connection left unverified.
A process that imported aiohttp before keeps it as it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Where OpenSSL looks for the default store (X509_get_default_cert_file_env and _dir_env).
_STORE_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


@contextmanager
def _empty_default_store() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in _STORE_VARIABLES}
    os.environ.update(dict.fromkeys(_STORE_VARIABLES, os.devnull))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


if "aiohttp" not in sys.modules:
    with _empty_default_store():
        import aiohttp.connector  # noqa: F401 - its import builds the contexts
