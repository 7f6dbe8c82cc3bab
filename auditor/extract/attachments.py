"""Which URLs name documents (.pdf, .docx, .zip…): asked of every link the crawl follows, parsed or not.

Apart from :mod:`auditor.extract.page` so that the crawl can ask it without loading the extractor
(lexbor, the date patterns), which a rerun whose pages all answer 304 never runs.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

__all__ = ["ATTACHMENT_EXTENSIONS", "is_attachment_url"]

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".rar", ".zip")


def is_attachment_url(url: str) -> bool:
    """Whether the URL's path, unescaped, names a document (.pdf, .docx, .zip…)."""
    scheme, sep, rest = url.partition("://")
    if (
        sep
        and scheme in ("http", "https")
        and rest.isascii()
        and rest.isprintable()
        and "%" not in rest
        and "?" not in rest
        and "#" not in rest
        and "[" not in rest
    ):
        # What urlsplit and unquote give for such a URL (most links, asked of each): its path runs
        # from the first slash after the host to the end. Without one the path is empty, whatever
        # the host ends with (".zip" is a top-level domain).
        slash = rest.find("/")
        return slash >= 0 and rest[slash:].lower().endswith(ATTACHMENT_EXTENSIONS)
    path = unquote(urlsplit(url).path).lower()
    return path.endswith(ATTACHMENT_EXTENSIONS)
