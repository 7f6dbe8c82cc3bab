"""Extraction: HTML bytes to page facts, with no I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from ..models import PageFacts

__all__ = ["parse_page"]


def parse_page(
    url: str,
    status_code: int,
    body: bytes,
    *,
    content_type: str = "",
    last_modified: str | None = None,
    as_of: dt.date,
    sha256: str | None = None,
) -> PageFacts:
    """:func:`auditor.extract.page.extract_page`, its module imported on the first page parsed.

    Not before: the extractor (lexbor, the date patterns: 0.04 s of imports a process) is not
    needed for a crawl's first request, and a rerun whose pages' facts are all stored never runs it.
    ``sha256``, the body's hash, makes it the crawl's extractor without a cache
    (``auditor.sitecrawl.PageExtractor``), to which the hash is of no use.
    """
    from .page import extract_page

    return extract_page(url, status_code, body, content_type=content_type, last_modified=last_modified, as_of=as_of)
