"""Vietnamese text normalisation for matching labels: NFC, entities decoded, folded without diacritics."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_drop_d", "nfc", "slug_tokens", "tokens"]

_WORD = re.compile(r"[0-9a-z]+")


def nfc(text: str) -> str:
    """Decode HTML entities (pages mix ``&agrave;`` with literal letters) and normalise to NFC."""
    if "&" in text:
        text = html.unescape(text)
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


# Labels, link texts and slugs repeat across pages and are cached; a page's long text never repeats,
# and caching it would keep every page alive.
MAX_CACHED_CHARS = 200


def _fold(text: str, d_replacement: str) -> str:
    if len(text) <= MAX_CACHED_CHARS:
        return _fold_cached(text, d_replacement)
    return _fold_text(text, d_replacement)


class _MarkStripper(dict[int, int | None]):
    """A str.translate table that deletes combining marks (category Mn), filled as characters appear."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = value
        return value


_STRIP_MARKS = _MarkStripper()
# The eight marks of Vietnamese letters: str.replace removes each far faster than a regex pass,
# which pays per match and Vietnamese text has a mark every few characters.
_VIETNAMESE_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323", "\u0302", "\u0306", "\u031b")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_text(text: str, d_replacement: str) -> str:
    lowered = nfc(text).lower()
    if lowered.isascii():
        # Nothing to decompose, no đ: only the whitespace to collapse.
        return " ".join(lowered.split())
    stripped = unicodedata.normalize("NFD", lowered)
    for mark in _VIETNAMESE_MARKS:
        stripped = stripped.replace(mark, "")
    # đ has no combining mark to strip; real slugs write it either as "d" or drop it ("lanh-ao-so").
    stripped = stripped.replace("đ", d_replacement)
    # What is left beyond ASCII is a few quotes and dashes, mostly nothing (then no search is
    # needed: 25 µs of a 3000-character text); any other mark (Mn) goes by the table.
    if not stripped.isascii():
        others = _NON_ASCII.findall(stripped)
        if any(_STRIP_MARKS[ord(ch)] is None for ch in set(others)):
            stripped = stripped.translate(_STRIP_MARKS)
    # str.split() and the regex \s agree on what whitespace is; split and join is the fast collapse.
    return " ".join(stripped.split())


# Menus and labels repeat on every page of a site, headlines never: a small cache holds the former
# and fills within the first pages, so memory stays flat however many pages follow.
_fold_cached = lru_cache(maxsize=4096)(_fold_text)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, whitespace collapsed: "Lãnh đạo Sở" → "lanh dao so"."""
    return _fold(text, "d")


def fold_drop_d(text: str) -> str:
    """Like :func:`fold` but drops đ, as many CMS slug generators do: "Lãnh đạo" → "lanh ao"."""
    return _fold(text, "")


def tokens(folded: str) -> tuple[str, ...]:
    """ASCII word tokens of an already folded text: its runs of [0-9a-z]."""
    return tuple(_WORD.findall(folded))


def slug_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a URL path, file name or label: percent-decoded by the caller, folded here."""
    return tokens(fold(text))
