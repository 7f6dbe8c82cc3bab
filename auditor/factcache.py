"""Extracted page facts kept beside the HTTP cache, so an unchanged page is never parsed twice.

Parsing is most of the CPU an audit spends; next month's audit gets ``304 Not Modified`` for most
pages and would otherwise parse the same bytes again. An entry is keyed by everything extraction
depends on: the extractor's own source, the page's URL, status, headers, the reference date and the
body. A change to any of them is a different key, so a stale entry is never used, only left behind.

Layout: ``facts/<ab>/<key>.json.z`` under the cache folder, zlib-compressed JSON, each written to a
temporary name and then ``os.replace``d. A damaged or foreign entry is ignored and the page parsed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from . import extract, models, textnorm
from .extract.page import extract_page
from .models import Item, Link, PageFacts

__all__ = ["FactsCache", "extractor_fingerprint"]

_FORMAT = 1


@cache
def extractor_fingerprint() -> str:
    """A hash of the code that turns HTML into facts: a new extractor never reads an old entry."""
    digest = hashlib.sha256(f"facts-format-{_FORMAT}".encode())
    sources = [Path(models.__file__), Path(textnorm.__file__), *sorted(Path(extract.__file__).parent.glob("*.py"))]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _encode(facts: PageFacts) -> bytes:
    payload = [
        facts.url,
        facts.status_code,
        facts.title,
        list(facts.headings),
        list(facts.breadcrumb),
        [[k.url, k.text, k.title, k.image_alt, k.image_src, k.region] for k in facts.links],
        [[i.title, i.url, i.date.isoformat() if i.date else None, i.date_signal, i.attachment] for i in facts.items],
        facts.page_date.isoformat() if facts.page_date else None,
        facts.page_date_signal,
        facts.main_text_chars,
        facts.placeholder,
        facts.not_found,
        facts.attachment,
        list(facts.next_pages),
    ]
    return zlib.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _decode(data: bytes) -> PageFacts:
    fields = json.loads(zlib.decompress(data))
    (url, status, title, headings, crumbs, links, items, page_date, signal, chars, placeholder, missing) = fields[:12]
    attachment, nxt = fields[12:]
    return PageFacts(
        url=url,
        status_code=status,
        title=title,
        headings=tuple(headings),
        breadcrumb=tuple(crumbs),
        links=tuple(Link(*link) for link in links),
        items=tuple(Item(t, u, _date(d), s, a) for t, u, d, s, a in items),
        page_date=_date(page_date),
        page_date_signal=signal,
        main_text_chars=chars,
        placeholder=placeholder,
        not_found=missing,
        attachment=attachment,
        next_pages=tuple(nxt),
    )


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class FactsCache:
    """Facts by content key; ``extract`` answers from disk when it can and stores what it parses."""

    def __init__(self, root: Path, parse: Callable[..., PageFacts] = extract_page) -> None:
        self.root = root
        self._parse = parse
        self.hits = 0
        self.misses = 0

    def _key(
        self, url: str, status: int, content_type: str, last_modified: str | None, as_of: dt.date, body: bytes
    ) -> str:
        digest = hashlib.sha256(extractor_fingerprint().encode())
        for part in (url, str(status), content_type, last_modified or "", as_of.isoformat()):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(body)
        return digest.hexdigest()

    def extract(
        self, url: str, status_code: int, body: bytes, *, content_type: str, last_modified: str | None, as_of: dt.date
    ) -> PageFacts:
        """What :func:`auditor.extract.page.extract_page` returns for these arguments, parsed at most once."""
        key = self._key(url, status_code, content_type, last_modified, as_of, body)
        path = self.root / key[:2] / f"{key}.json.z"
        try:
            facts = _decode(path.read_bytes())
        except (OSError, ValueError, TypeError, zlib.error):
            pass
        else:
            if facts.url == url and facts.status_code == status_code:
                self.hits += 1
                return facts
        self.misses += 1
        facts = self._parse(url, status_code, body, content_type=content_type, last_modified=last_modified, as_of=as_of)
        # A full disk costs the next run a parse, never this run its result.
        with contextlib.suppress(OSError):
            _write_atomically(path, _encode(facts))
        return facts
