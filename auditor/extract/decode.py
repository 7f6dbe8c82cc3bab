"""Bytes to text for HTML pages: BOM, HTTP charset, meta charset, then UTF-8 with a Vietnamese fallback."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

__all__ = ["decode_html", "decode_html_checked", "utf8_as_declared"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode an HTML body the way browsers do, close enough for Vietnamese government sites."""
    return decode_html_checked(body, content_type)[0]


def _declared(body: bytes, content_type: str) -> Iterator[str]:
    """The codecs a response declares, the HTTP header's before the meta tag's; names codecs does not know left out."""
    header = _HEADER_CHARSET.search(content_type)
    codec = _codec(header.group(1)) if header else None
    if codec is not None:
        yield codec
    meta = _META_CHARSET.search(body[:4096])
    codec = _codec(meta.group(1).decode("ascii", errors="ignore")) if meta else None
    if codec is not None:
        yield codec


def utf8_as_declared(body: bytes, content_type: str = "") -> bool:
    """Whether :func:`decode_html` gives ``body`` read as UTF-8, bad bytes replaced, without decoding it to tell.

    So it does when the body has no byte-order mark and UTF-8 is the first charset declared. A parser
    that reads bytes as UTF-8 and replaces what is not (lexbor as selectolax reads it) then sees the
    same text in the bytes themselves. Most government pages declare UTF-8.
    """
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return next(_declared(body, content_type), None) == "utf-8"


def decode_html_checked(body: bytes, content_type: str = "") -> tuple[str, bool]:
    """:func:`decode_html`, and whether the text is ``body`` decoded as UTF-8 without error or BOM.

    Then ``body`` is that text's own UTF-8, which a parser can take as it is instead of encoding
    the text again.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), False
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace"), False
    for codec in _declared(body, content_type):
        # Servers often say iso-8859-1 for UTF-8 pages; trust UTF-8 when it decodes cleanly. A
        # declared UTF-8 is tried strictly first too: then the text is known to be the body's own.
        if codec in ("latin-1", "iso8859-1", "cp1252", "ascii", "utf-8"):
            try:
                return body.decode("utf-8"), True
            except UnicodeDecodeError:
                pass
        try:
            return body.decode(codec, errors="replace"), False
        except (LookupError, UnicodeError):
            # A name codecs knows that is no text encoding (base64, rot13), or one that refuses
            # errors="replace" (idna, punycode, undefined): what a hostile page may declare.
            continue
    try:
        return body.decode("utf-8"), True
    except UnicodeDecodeError:
        # Legacy Vietnamese sites use Windows-1258 when they are not UTF-8.
        return body.decode("cp1258", errors="replace"), False
