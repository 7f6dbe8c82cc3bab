"""Bytes to text for HTML pages: BOM, HTTP charset, meta charset, then UTF-8 with a Vietnamese fallback."""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_html", "decode_html_checked"]

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


def decode_html_checked(body: bytes, content_type: str = "") -> tuple[str, bool]:
    """:func:`decode_html`, and whether the text is ``body`` decoded as UTF-8 without error or BOM.

    Then ``body`` is that text's own UTF-8, which a parser can take as it is instead of encoding
    the text again.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), False
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace"), False
    declared = [_codec(m.group(1)) for m in [_HEADER_CHARSET.search(content_type)] if m]
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        declared.append(_codec(meta.group(1).decode("ascii", errors="ignore")))
    for codec in declared:
        if codec is None:
            continue
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
