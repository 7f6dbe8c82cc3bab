"""The on-disk HTTP cache: conditional requests for next month's audit, and resuming a killed run.

Layout under the cache folder (every file written to a temporary name, then ``os.replace``d, so a
``kill -9`` leaves either the old file or the new one, never half of one):

- ``entries/<ab>/<sha256(url)>.json``: one response per requested URL (one redirect hop): status,
  the headers the crawl reads, the validators (``ETag``, ``Last-Modified``), the body's hash, and
  the token of the run that stored it;
- ``bodies/<ab>/<sha256(body)>.z``: bodies, content-addressed and zlib-compressed (level 1: a page
  compresses about 6:1 at half the CPU of the default level; an unchanged body is never rewritten);
- ``runs/<run key>.json``: present while a run with those arguments is unfinished; holds its token.

A run whose arguments match an unfinished run takes over that run's token: responses stored under
it are replayed without asking the server (the crawl is deterministic given the same responses, so
the rerun reproduces the same results). Any other run revalidates what it has cached with
``If-None-Match`` / ``If-Modified-Since`` and treats ``304 Not Modified`` as the cached body.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import secrets
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["CachedResponse", "HttpCache"]

_FORMAT = 1
# Fast compression: the cache is written once per fetched page, read back only for 304s and resumes.
_COMPRESSION = 1
# Temporary names unique within the process (the pid tells processes apart), cheaper than mkstemp.
_temp_names = itertools.count()


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """One stored response to a GET of ``url`` (a single hop: redirects are stored unfollowed)."""

    url: str
    status_code: int
    content_type: str
    last_modified: str | None
    etag: str | None
    location: str
    body_sha256: str | None
    truncated: bool
    token: str

    @property
    def validators(self) -> dict[str, str]:
        """The conditional request headers that ask the server whether this response is still current."""
        headers: dict[str, str] = {}
        if self.status_code != 200:
            return headers
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def _digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes, folders: set[Path] | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    folder = path.parent
    if folders is None or folder not in folders:
        folder.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(folder)  # known to exist: no mkdir (a few syscalls) per write
    temp = folder / f".tmp-{os.getpid()}-{next(_temp_names)}"
    try:
        with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class HttpCache:
    """Responses on disk, keyed by URL; one instance per run, used from one event loop."""

    def __init__(self, root: Path, run_key: str) -> None:
        self.root = root
        self.run_key = _digest(run_key)[:32]
        self._run_file = root / "runs" / f"{self.run_key}.json"
        self.token = ""
        self.resuming = False
        self._folders: set[Path] = set()

    def begin(self) -> None:
        """Start (or resume) the run: an unfinished run with the same key lends its token."""
        try:
            previous = json.loads(self._run_file.read_text(encoding="utf-8"))
            token = previous.get("token") if isinstance(previous, dict) else None
        except (OSError, ValueError):
            token = None
        if isinstance(token, str) and token:
            self.token, self.resuming = token, True
            return
        self.token, self.resuming = secrets.token_hex(16), False
        _write_atomically(self._run_file, json.dumps({"format": _FORMAT, "token": self.token}).encode())

    def finish(self) -> None:
        """The run completed: a later run with the same arguments revalidates instead of replaying."""
        self._run_file.unlink(missing_ok=True)

    def _entry_path(self, url: str) -> Path:
        key = _digest(url)
        return self.root / "entries" / key[:2] / f"{key}.json"

    def _body_path(self, sha: str) -> Path:
        return self.root / "bodies" / sha[:2] / f"{sha}.z"

    def lookup(self, url: str) -> CachedResponse | None:
        """The stored response for ``url``, or None (a damaged entry is treated as absent)."""
        try:
            data = json.loads(self._entry_path(url).read_text(encoding="utf-8"))
            data.pop("format", None)
            entry = CachedResponse(**data)
        except (OSError, ValueError, TypeError):
            return None
        if entry.url != url or (entry.body_sha256 is not None and not self._body_path(entry.body_sha256).exists()):
            return None
        return entry

    def replayable(self, entry: CachedResponse) -> bool:
        """Stored by the unfinished run this one resumes: use it without asking the server."""
        return self.resuming and entry.token == self.token

    def body(self, entry: CachedResponse) -> bytes | None:
        if entry.body_sha256 is None:
            return b""
        try:
            return zlib.decompress(self._body_path(entry.body_sha256).read_bytes())
        except (OSError, zlib.error):
            return None

    def store(
        self,
        url: str,
        *,
        status_code: int,
        content_type: str,
        last_modified: str | None,
        etag: str | None,
        location: str,
        body: bytes,
        truncated: bool,
    ) -> CachedResponse:
        """Keep a response: the body first, then the entry that points to it."""
        sha = None
        if body:
            sha = _digest(body)
            path = self._body_path(sha)
            if not path.exists():
                _write_atomically(path, zlib.compress(body, _COMPRESSION), self._folders)
        entry = CachedResponse(
            url, status_code, content_type, last_modified, etag, location, sha, truncated, self.token
        )
        return self.touch(entry)

    def touch(self, entry: CachedResponse) -> CachedResponse:
        """Record that this run saw ``entry`` (after a 304): a resumed run may replay it."""
        current = entry if entry.token == self.token else replace(entry, token=self.token)
        # The fields by hand: ``asdict`` deep-copies every value, a cost paid once per fetched page.
        payload = {"format": _FORMAT, **{name: getattr(current, name) for name in current.__slots__}}
        _write_atomically(self._entry_path(entry.url), json.dumps(payload).encode("utf-8"), self._folders)
        return current

    def entry_count(self) -> int:
        """How many responses are stored (tests watch it to interrupt a run midway)."""
        folder = self.root / "entries"
        return sum(1 for _ in folder.glob("*/*.json")) if folder.exists() else 0
