"""Vietnamese text normalisation for matching labels: NFC, entities decoded, folded without diacritics."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_drop_d", "nfc", "slug_tokens", "tokens"]

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """Decode HTML entities (pages mix ``&agrave;`` with literal letters) and normalise to NFC."""
    return unicodedata.normalize("NFC", html.unescape(text))


# Labels, link texts and slugs repeat across pages and are cached; a page's long text never repeats,
# and caching it would keep every page alive.
MAX_CACHED_CHARS = 200


def _fold(text: str, d_replacement: str) -> str:
    if len(text) <= MAX_CACHED_CHARS:
        return _fold_cached(text, d_replacement)
    return _fold_text(text, d_replacement)


def _fold_text(text: str, d_replacement: str) -> str:
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    # đ has no combining mark to strip; real slugs write it either as "d" or drop it ("lanh-ao-so").
    stripped = stripped.replace("đ", d_replacement)
    return _SPACE.sub(" ", stripped).strip()


_fold_cached = lru_cache(maxsize=65536)(_fold_text)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, whitespace collapsed: "Lãnh đạo Sở" → "lanh dao so"."""
    return _fold(text, "d")


def fold_drop_d(text: str) -> str:
    """Like :func:`fold` but drops đ, as many CMS slug generators do: "Lãnh đạo" → "lanh ao"."""
    return _fold(text, "")


def tokens(folded: str) -> tuple[str, ...]:
    """ASCII word tokens of an already folded text."""
    return tuple(t for t in _NON_WORD.split(folded) if t)


def slug_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a URL path, file name or label: percent-decoded by the caller, folded here."""
    return tokens(fold(text))
