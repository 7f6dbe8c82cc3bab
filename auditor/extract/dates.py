"""Find publication-like dates in text, URLs and metadata from Vietnamese government web pages."""

# Design notes (the behaviour callers can rely on):
#
# * Day first, always: 03/07/2023 is 3 July 2023.
# * Matching runs on a "folded" copy of the text: NFC-normalised, lower-cased, Vietnamese
#   diacritics removed (đ -> d), odd spaces and dashes made ASCII, so labels match with or
#   without diacritics in any case. Folding keeps one character per character and NFC changes
#   are mapped back, so `start`/`end` always index the caller's own string and `text` is exactly
#   `input[start:end]` (for decomposed input too).
# * One combined regular expression finds every candidate in a single pass; the context just
#   before each candidate (labels, weekdays, "Quyết định số … ngày", "từ ngày", ranges) decides
#   its signal and confidence.
# * Two-digit years (17/05/24 = 2024) are accepted only where the text makes clear it is a date:
#   after a publish label, after a weekday, or with a clock time attached. Elsewhere "1/2/24" is
#   too often a fraction, a section number or part of a code.
# * Publication dates are never before 1990 (MIN_YEAR) nor after `as_of`; such candidates are
#   dropped (but still used to recognise ranges like "27/7/1947 - 27/7/2022").
# * Dates with a UTC offset (ISO 8601, HTTP dates) are converted to Vietnam time (UTC+7, no DST)
#   before the day is taken, so a 20:00Z timestamp counts for the next day, as readers saw it.
# * Document references ("Quyết định số 12/QĐ-UBND ngày 31/3/2020"), ranges ("27/7/1947 -
#   27/7/2022", "từ ngày … đến ngày …") and effect/deadline/birth dates ("Ngày hiệu lực",
#   "Hạn chót", "Ngày sinh") get signal "reference", confidence 0.2. Exception: a long form after
#   a comma ("Số: 45/2024/NĐ-CP … Hà Nội, ngày 12 tháng 3 năm 2024") is the document's own date.
# * A clock time of exactly midnight ("12:00 AM", "00:00") is a placeholder on migrated legacy
#   items: it never changes the date and earns no "has a time" bonus.
# * The context of a date never reaches back past the previous date in the same text.
# * Only the first MAX_SCAN_CHARS characters of a text are scanned.

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "HEAD_SCAN_CHARS",
    "MAX_SCAN_CHARS",
    "MIN_YEAR",
    "SIGNALS",
    "SIGNAL_CONFIDENCE",
    "VIETNAM_TZ",
    "AsOfWindow",
    "FoundDate",
    "best_date",
    "date_from_url",
    "find_dates",
    "find_dates_in_script",
    "found_from_value",
    "is_document_reference",
    "labelled_date_in_head",
    "newest",
    "parse_http_date",
    "parse_iso_datetime",
    "watch_as_of",
]

SIGNALS: Final = (
    "labelled",
    "weekday",
    "bare",
    "long_form",
    "iso",
    "reference",
    "url",
    "script",
    "time_element",
    "meta",
    "json_ld",
    "http_last_modified",
    "sitemap_lastmod",
)

#: Default confidence per signal. Text matches adjust it: a bare/iso/script date with a real
#: clock time gets +0.1; a weekday that disagrees with the date gives 0.5 instead of 0.85;
#: a URL date known only to the month gives 0.4.
SIGNAL_CONFIDENCE: Final[Mapping[str, float]] = MappingProxyType(
    {
        "labelled": 0.9,
        "weekday": 0.85,
        "bare": 0.6,
        "long_form": 0.6,
        "iso": 0.6,
        "reference": 0.2,
        "url": 0.5,
        "script": 0.6,
        "time_element": 0.9,
        "meta": 0.9,
        "json_ld": 0.9,
        "http_last_modified": 0.3,
        "sitemap_lastmod": 0.4,
    }
)

MIN_YEAR: Final = 1990
MAX_SCAN_CHARS: Final = 200_000
VIETNAM_TZ: Final = dt.timezone(dt.timedelta(hours=7), "ICT")

_TIME_BONUS: Final = 0.1
_WEEKDAY_MISMATCH_CONFIDENCE: Final = 0.5
_URL_MONTH_CONFIDENCE: Final = 0.4
_CONTEXT_WINDOW: Final = 72
_REFERENCE_WINDOW: Final = 140


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in a page, with the kind of evidence and how much to trust it."""

    value: dt.date
    signal: str
    confidence: float
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------------------------
# Folding: one character in, one character out.


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {cp: chr(cp + 32) for cp in range(ord("A"), ord("Z") + 1)}
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base.isascii() and base.isalpha():
            table[cp] = base.lower()
    table[ord("đ")] = table[ord("Đ")] = "d"
    table[ord("ð")] = table[ord("Ð")] = "d"
    for cp in (0xA0, 0x1680, *range(0x2000, 0x200C), 0x202F, 0x205F, 0x3000, 0xFEFF):
        table[cp] = " "
    for cp in (0x2028, 0x2029):
        table[cp] = "\n"
    for cp in (*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63, 0xFF0D):
        table[cp] = "-"
    for cp in range(0xFF10, 0xFF1A):
        table[cp] = chr(cp - 0xFF10 + ord("0"))
    table[0xFF0F] = "/"
    table[0xFF0E] = "."
    table[0xFF1A] = ":"
    return table


def _complete(table: dict[int, str]) -> dict[int, int]:
    """`table` plus every other code point below U+3000 mapped to itself.

    str.translate raises and swallows a KeyError for each character a table lacks, which costs
    more than the lookup itself; where every common character has an entry, none is raised.
    """
    complete = {cp: cp for cp in range(0x3000)}
    complete.update((cp, ord(folded)) for cp, folded in table.items())
    return complete


_FOLD: Final = _complete(_build_fold_table())
_NON_ASCII_RUN: Final = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class _Prepared:
    """The caller's text, its folded form and (for non-NFC input) an offset map between them."""

    original: str
    folded: str
    norm_starts: tuple[int, ...] = ()
    orig_starts: tuple[int, ...] = ()

    def to_orig(self, pos: int) -> int:
        if not self.norm_starts:
            return pos
        i = bisect.bisect_right(self.norm_starts, pos) - 1
        limit = self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else len(self.original)
        return min(self.orig_starts[i] + pos - self.norm_starts[i], limit)

    def to_norm(self, pos: int) -> int:
        if not self.norm_starts:
            return pos
        i = bisect.bisect_right(self.orig_starts, pos) - 1
        limit = self.norm_starts[i + 1] if i + 1 < len(self.norm_starts) else len(self.folded)
        return min(self.norm_starts[i] + pos - self.orig_starts[i], limit)


def _prepare(text: str) -> _Prepared:
    if text.isascii():
        return _Prepared(text, text.lower())
    if unicodedata.is_normalized("NFC", text):
        return _Prepared(text, text.translate(_FOLD))
    # Not NFC (e.g. decomposed Vietnamese): normalise cluster by cluster and remember where
    # every cluster came from, so offsets can be mapped back to the caller's string.
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    pos = npos = 0
    for run in _NON_ASCII_RUN.finditer(text):
        run_start, run_end = run.span()
        if run_start > pos:
            norm_starts.append(npos)
            orig_starts.append(pos)
            parts.append(text[pos:run_start])
            npos += run_start - pos
        i = run_start
        while i < run_end:
            j = i + 1
            while j < run_end and unicodedata.combining(text[j]):
                j += 1
            piece = unicodedata.normalize("NFC", text[i:j])
            norm_starts.append(npos)
            orig_starts.append(i)
            parts.append(piece)
            npos += len(piece)
            i = j
        pos = run_end
    if pos < len(text):
        norm_starts.append(npos)
        orig_starts.append(pos)
        parts.append(text[pos:])
        npos += len(text) - pos
    norm_starts.append(npos)
    orig_starts.append(len(text))
    folded = "".join(parts).translate(_FOLD)
    return _Prepared(text, folded, tuple(norm_starts), tuple(orig_starts))


# ---------------------------------------------------------------------------------------------
# The combined date pattern (runs on folded text).

_FLAGS: Final = re.ASCII
_SP = r"[ \t]"
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_NUMBER: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_AM: Final = frozenset({"am", "a.m.", "a.m", "am.", "sa", "sang"})
# Not preceded by a digit, nor by "digit/" or "digit." (which would make it a longer number).
_NUM_BEFORE = r"(?<!\d)(?<!\d[/.])"
# Not followed by a digit, nor by "/digit" or ".digit".
_NUM_AFTER = r"(?!\d)(?![/.]\d)"


def _time_pattern(p: str) -> str:
    return (
        rf"(?<![\d:])(?P<{p}h>\d{{1,2}})(?::|h(?=\d{{2}}))(?P<{p}mi>\d{{2}})(?!\d)"
        rf"(?::(?P<{p}s>\d{{2}})(?!\d))?"
        rf"(?:{_SP}*(?P<{p}ap>a\.?m\.?|p\.?m\.?|sa|ch|sang|chieu)(?![a-z]))?"
    )


_DATE_PATTERN = (
    # every candidate starts with a digit or an English month name: a cheap first test
    r"(?=\d|\b[adfjmnos])"
    # optional clock time in front: "08:32 17/05/2024", "14:05 - 17/05/2024"
    rf"(?:{_time_pattern('p')}{_SP}*(?:[|,\-]{_SP}*)?(?:ngay{_SP}*)?)?"
    r"(?:"
    # 17/05/2024, 17-05-2024, 17.05.2024, 17 - 05 - 2024, 17/05/24
    rf"{_NUM_BEFORE}(?P<d>\d{{1,2}}){_SP}{{0,2}}(?P<sep>[/.\-]){_SP}{{0,2}}(?P<m>\d{{1,2}})"
    rf"{_SP}{{0,2}}(?P=sep){_SP}{{0,2}}(?P<y>\d{{4}}|\d{{2}}){_NUM_AFTER}"
    # 2024-05-17, 2024/05/17, 2024-05-17T08:00:00+07:00
    rf"|{_NUM_BEFORE}(?P<iy>\d{{4}})(?P<isep>[\-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})"
    rf"{_NUM_AFTER}(?:t(?P<ih>\d{{2}}):(?P<imi>\d{{2}})(?::(?P<is>\d{{2}})(?:[.,]\d{{1,9}})?)?"
    r"(?P<iz>z|[+\-]\d{2}(?::?\d{2})?)?(?!\d))?"
    # 12 tháng 3 năm 2024, 12 tháng 03, 2024
    r"|(?<!\d)(?P<ld>\d{1,2})\s{1,3}thang\s{1,3}(?P<lm>\d{1,2})(?!\d)\s{0,3}(?:,\s{0,3})?"
    r"(?:nam\s{1,3})?(?P<ly>\d{4})(?!\d)"
    # 17 May 2024, 17th of May, 2024
    rf"|(?<!\d)(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?{_SP}{{1,3}}(?:of{_SP}+)?(?P<emon>{_MONTHS})\b"
    rf"\.?,?{_SP}{{1,3}}(?P<ey>\d{{4}})(?!\d)"
    # May 17, 2024
    rf"|\b(?P<emon2>{_MONTHS})\b\.?{_SP}{{1,3}}(?P<ed2>\d{{1,2}})(?:st|nd|rd|th)?,?{_SP}{{1,3}}"
    r"(?P<ey2>\d{4})(?!\d)"
    r")"
    # optional clock time after: "28/07/2020 | 02:20 PM", "(04/08/2016 08:32)", "… lúc 14:05:33"
    rf"(?:{_SP}*(?:[|,\-]{_SP}*)?(?:(?:vao{_SP}*)?luc{_SP}*)?{_time_pattern('q')})?"
)
_DATE_RE: Final = re.compile(_DATE_PATTERN, _FLAGS)
# Where a match of _DATE_RE can start (see _date_matches). A pattern whose first element is a
# character class lets sre skip to the characters of the class; _DATE_RE starts with lookarounds,
# so sre tries it at every position of the text.
_DIGIT_RUN: Final = re.compile(r"[0-9][0-9]*", _FLAGS)
_MONTH_WORD: Final = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", _FLAGS)
# The farthest an English month name starts before its day's digits: "september", a dot, 3 blanks.
_MONTH_REACH: Final = len("september") + 1 + 3
# The digits of the folded text: ASCII and full-width ones.
_ANY_DIGIT: Final = re.compile(r"[0-9\uff10-\uff19]")

# ---------------------------------------------------------------------------------------------
# Context patterns: each is anchored at the end of the text just before a candidate.

_WEEKDAY = (
    r"thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])(?![a-z\d])|chu\s*nhat"
    r"|(?:t[2-7]|cn)(?=\s*[,\-|])"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)(?=\s*[,.])"
)
_WEEKDAY_INDEX: Final = {
    **{f"thu{name}": i for i, name in enumerate(("hai", "ba", "tu", "nam", "sau", "bay"))},
    **{f"thu{i + 2}": i for i in range(6)},
    **{f"t{i + 2}": i for i in range(6)},
    "chunhat": 6,
    "cn": 6,
}
_ENGLISH_WEEKDAY_INDEX: Final = {name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}

# Labels that introduce the item's own publish/update/issue date.
_PUBLISH_LABEL = (
    r"ngay\s*(?:dang(?:\s*(?:tai|tin|bai))?|cap\s*nhat|xuat\s*ban|phat\s*hanh|ban\s*hanh|ky"
    r"|van\s*ban|tao|gui|hoi|tra\s*loi|dua\s*tin)"
    r"|dang\s*(?:ngay|luc|vao|tai|tin)|dang(?=\s*:)"
    r"|thoi\s*(?:gian|diem)\s*(?:dang|cap\s*nhat|xuat\s*ban|ban\s*hanh)"
    r"|cap\s*nhat(?:\s*(?:lan\s*cuoi|moi\s*nhat))?|xuat\s*ban|phat\s*hanh|ban\s*hanh(?=\s*:)"
    r"|gui\s*(?:ngay|luc|vao)|hoi\s*(?:ngay|luc)|tra\s*loi\s*(?:ngay|luc)"
    r"|publish(?:ed|ing)?(?:\s*(?:date|on|at|time))?|posted(?:\s*(?:date|on|at))?|post\s*date"
    r"|date\s*(?:published|posted|created|modified|updated|of\s*issue|issued)"
    r"|(?:last\s*)?(?:updated|modified)(?:\s*(?:date|on|at))?|update\s*date"
    r"|release\s*date|released(?:\s*on)?|issued(?:\s*(?:date|on))?|issue\s*date"
    r"|created(?:\s*(?:date|on|at))?|date(?=\s*:)"
)
_LABEL_TAIL = (
    rf"\b(?:{_PUBLISH_LABEL})[\s:\-|(\[]*(?:(?:luc|vao|ngay|on|at)\b[\s:\-|(\[]*){{0,2}}"
    rf"(?:(?:{_WEEKDAY})[\s,\-|:]*(?:ngay\b[\s:]*)?)?"
)
_WEEKDAY_TAIL = rf"\b(?P<wd>{_WEEKDAY})[\s,\-|:(]*(?:ngay\b[\s:]*)?"
# Dates that are not publication dates: effect, expiry, deadlines, events, births, "from/until".
_OTHER_TAIL = (
    r"\b(?:"
    # deadlines may name what is due: "Hạn chót nộp hồ sơ 30/06/2024"
    r"(?:het\s*han|han\s*(?:chot|cuoi)|thoi\s*han|deadline)(?:\s+(?!ngay|dang|cap|luc)[a-z]+){0,3}"
    r"|(?:co\s*)?hieu\s*luc(?:\s*thi\s*hanh)?|han\s*(?:nop|gop\s*y|tra\s*loi|xu\s*ly|giai\s*quyet|dang\s*ky)"
    r"|ngay\s*(?:ket\s*thuc|bat\s*dau|sinh|mo\s*thau|dong\s*thau|to\s*chuc|dien\s*ra|hop|thi|tiep\s*nhan)"
    r"|sinh\s*ngay|ket\s*thuc|bat\s*dau|ke\s*tu|cho\s*den|truoc\s*ngay|sau\s*ngay"
    # "từ (ngày)", "đến (hết) (ngày)", but not "đầu tư" nor "Thứ Tư"
    r"|(?<!dau\s)(?<!thu\s)tu|den(?:\s*het)?"
    r"|effective(?:\s*(?:date|from|on))?|expir(?:es|y|ed|ation)(?:\s*date)?|valid\s*(?:from|until|to)"
    r"|born|from|until"
    r")[\s:\-|(]*(?:(?:ngay|tu|ke\s*tu|luc|on|date)\b[\s:\-|(]*){0,2}"
)
# One search decides the context; the leftmost match wins, so "Cập nhật: Thứ Hai, …" is a
# label (the label starts before the weekday).
_CONTEXT_TAIL: Final = re.compile(
    rf"(?:(?P<label>{_LABEL_TAIL})|(?P<weekday>{_WEEKDAY_TAIL})|(?P<other>{_OTHER_TAIL}))$",
    _FLAGS,
)
_RANGE_GAP: Final = re.compile(r"[\s(]*(?:-|~|den|toi|until|to)\s*(?:ngay\b\s*)?", _FLAGS)

_DOC_KINDS = (
    r"quyet\s*dinh|cong\s*van|thong\s*tu(?:\s*lien\s*tich)?|nghi\s*dinh|nghi\s*quyet|chi\s*thi"
    r"|ke\s*hoach|thong\s*bao|to\s*trinh|bao\s*cao|luat|phap\s*lenh|van\s*ban|huong\s*dan"
    r"|quy\s*dinh|ket\s*luan|giay\s*phep|hop\s*dong|cong\s*dien|bien\s*ban|decision|decree"
    r"|circular|resolution|directive|official\s*letter|dispatch"
)
# A document number: 12/QĐ-UBND, 45/2024/NĐ-CP, 123/UBND-KT, 12-QĐ/TU (folded).
_DOC_NUMBER = r"\d+(?:/\d{2,4})?/[a-z]|\d+-[a-z]{1,8}/[a-z]"
_DOC_NUMBER_RE: Final = re.compile(_DOC_NUMBER, _FLAGS)
# The words right before a referenced date: "… ngày ", "… ký ngày ", "… ban hành ngày ".
_REF_GLUE: Final = re.compile(
    r"(?P<comma>,\s*)?\b(?:ngay(?:\s*ky)?|ky\s*ngay|ban\s*hanh\s*ngay|dated)\s*:?\s*$", _FLAGS
)
_REF_KEY: Final = re.compile(
    rf"\b(?:{_DOC_KINDS})\b|\b(?:so|no)\.?\s*(?:hieu\s*|ky\s*hieu\s*)?:?\s*\d"
    rf"|(?<![\d/])(?:{_DOC_NUMBER})",
    _FLAGS,
)
_SENTENCE_BREAKS: Final = ("\n", ";", "!", "?", ". ")


# ---------------------------------------------------------------------------------------------
# Candidates.


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    kind: str  # "bare" | "iso" | "long_form"
    value: dt.date | None  # None when impossible (31/02) or unrepresentable
    two_digit_year: bool
    real_time: bool


def _clock(match: re.Match[str], p: str) -> tuple[int, int, int] | None:
    hours = match.group(f"{p}h")
    if hours is None:
        return None
    h, mi = int(hours), int(match.group(f"{p}mi"))
    sec = int(match.group(f"{p}s") or 0)
    ampm = match.group(f"{p}ap")
    if ampm is not None:
        if ampm in _AM:
            h = 0 if h == 12 else h
        elif h < 12:
            h += 12
    if h > 23 or mi > 59 or sec > 59:
        return None
    return h, mi, sec


def _tz_offset(text: str) -> dt.timezone | None:
    if text in ("z", "Z"):
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _make_date(
    year: int,
    month: int,
    day: int,
    clock: tuple[int, int, int] | None = None,
    tz: dt.timezone | None = None,
) -> dt.date | None:
    try:
        if clock is not None and tz is not None:
            aware = dt.datetime(year, month, day, *clock, tzinfo=tz)
            return aware.astimezone(VIETNAM_TZ).date()
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _candidate(match: re.Match[str], folded: str) -> _Candidate | None:
    group = match.group
    clock = _clock(match, "p") or _clock(match, "q")
    tz: dt.timezone | None = None
    two_digit = False
    if group("d") is not None:
        kind = "bare"
        spaced = folded[match.start("d") : match.end("y")]
        if group("sep") == "." and (" " in spaced or "\t" in spaced):
            return None  # "1. 2. 2024" is a list, not a date
        day, month, year_text = int(group("d")), int(group("m")), group("y")
        two_digit = len(year_text) == 2
        year = int(year_text) + (2000 if two_digit else 0)
    elif group("iy") is not None:
        kind = "iso"
        year, month, day = int(group("iy")), int(group("im")), int(group("id"))
        if group("ih") is not None:
            iso_clock = (int(group("ih")), int(group("imi")), int(group("is") or 0))
            if iso_clock[0] <= 23 and iso_clock[1] <= 59 and iso_clock[2] <= 59:
                clock = iso_clock
                if group("iz") is not None:
                    tz = _tz_offset(group("iz"))
    elif group("ld") is not None:
        kind = "long_form"
        day, month, year = int(group("ld")), int(group("lm")), int(group("ly"))
    elif group("ed") is not None:
        kind = "long_form"
        day, month, year = int(group("ed")), _MONTH_NUMBER[group("emon")[:3]], int(group("ey"))
    else:
        kind = "long_form"
        day, month, year = int(group("ed2")), _MONTH_NUMBER[group("emon2")[:3]], int(group("ey2"))
    return _Candidate(
        start=match.start(),
        end=match.end(),
        kind=kind,
        value=_make_date(year, month, day, clock, tz),
        two_digit_year=two_digit,
        # "12:00 AM" / "00:00" on migrated legacy items is a placeholder, not a real time.
        real_time=clock is not None and clock != (0, 0, 0),
    )


def _weekday_index(token: str) -> int:
    compact = "".join(token.split())
    return _WEEKDAY_INDEX.get(compact, _ENGLISH_WEEKDAY_INDEX.get(compact[:3], -1))


def _reference_tail(folded: str, pos: int, *, long_form: bool, floor: int = 0) -> bool:
    """Whether `folded[floor:pos]` ends like "Quyết định số 12/QĐ-UBND ngày "."""
    glue = _REF_GLUE.search(folded, max(floor, pos - 24), pos)
    if glue is None:
        return False
    # "Số: 45/2024/NĐ-CP … Hà Nội, ngày 12 tháng 3 năm 2024" is the document's own header date.
    if long_form and glue.group("comma"):
        return False
    end = glue.start()
    lo = max(floor, end - _REFERENCE_WINDOW)
    for stop in _SENTENCE_BREAKS:
        found = folded.rfind(stop, lo, end)
        if found >= 0:
            lo = found + len(stop)
    return _REF_KEY.search(folded, lo, end) is not None


def _classify(
    folded: str, cand: _Candidate, value: dt.date, *, floor: int, in_range: bool, hint: str | None
) -> tuple[str, float]:
    """Signal and confidence from the words before the candidate (never before `floor`)."""
    context = _CONTEXT_TAIL.search(folded, max(floor, cand.start - _CONTEXT_WINDOW), cand.start)
    if context is not None and context.group("label") is not None:
        return "labelled", SIGNAL_CONFIDENCE["labelled"]
    signal = hint or cand.kind
    confidence = SIGNAL_CONFIDENCE[signal]
    if cand.real_time and cand.kind != "long_form":
        confidence += _TIME_BONUS
    if context is not None and context.group("weekday") is not None:
        if _weekday_index(context.group("wd")) == value.weekday():
            return "weekday", SIGNAL_CONFIDENCE["weekday"]
        return signal, _WEEKDAY_MISMATCH_CONFIDENCE
    long_form = cand.kind == "long_form"
    if in_range or context is not None or _reference_tail(folded, cand.start, long_form=long_form, floor=floor):
        return "reference", SIGNAL_CONFIDENCE["reference"]
    return signal, round(confidence, 2)


def _as_date(as_of: dt.date) -> dt.date:
    return as_of.date() if isinstance(as_of, dt.datetime) else as_of


@dataclass(slots=True)
class AsOfWindow:
    """The reference dates for which every comparison with ``as_of`` made while watching comes out the same.

    Dates are compared with ``as_of`` only to drop future ones and to place two-digit HTTP years, so
    whatever was found from a text holds for every reference date in ``[since, until)``: next month's
    audit may reuse the facts of an unchanged page unless a date on it falls in between.
    """

    since: dt.date = dt.date.min
    until: dt.date = dt.date.max  # exclusive


_WATCH: ContextVar[AsOfWindow | None] = ContextVar("as_of_window", default=None)


@contextmanager
def watch_as_of() -> Iterator[AsOfWindow]:
    """Narrow a window to the reference dates that give the same results as the calls made inside."""
    window = AsOfWindow()
    token = _WATCH.set(window)
    try:
        yield window
    finally:
        _WATCH.reset(token)


def _on_or_before(value: dt.date, as_of: dt.date) -> bool:
    """``value <= as_of``, and the bound that answer sets on ``as_of`` for a watching window."""
    before = value <= as_of
    window = _WATCH.get()
    if window is not None:
        if before:
            window.since = max(window.since, value)
        else:
            window.until = min(window.until, value)
    return before


def _plausible(value: dt.date, as_of: dt.date) -> bool:
    return value.year >= MIN_YEAR and _on_or_before(value, as_of)


def find_dates(text: str, *, as_of: dt.date, signal_hint: str | None = None) -> list[FoundDate]:
    """All plausible dates in a text fragment, in order of position.

    Only the first MAX_SCAN_CHARS characters are scanned. `signal_hint` (one of SIGNALS,
    e.g. "script" for inline JavaScript) replaces the signal of dates known only by their
    format ("bare", "iso", "long_form"); labelled, weekday and reference dates keep theirs.
    Never raises for any string.
    """
    if signal_hint is not None and signal_hint not in SIGNALS:
        raise ValueError(f"unknown signal {signal_hint!r}")
    if _ANY_DIGIT.search(text, 0, MAX_SCAN_CHARS) is None:
        return []  # every date has digits; most texts have none
    prepared = _prepare(text[:MAX_SCAN_CHARS])
    return [found for _, found in _found_dates(prepared, _as_date(as_of), signal_hint)]


def _found_dates(prepared: _Prepared, as_of: dt.date, signal_hint: str | None) -> Iterator[tuple[int, FoundDate]]:
    """The dates of find_dates, in order, each with the end of its match in the folded text."""
    folded = prepared.folded
    # Lazily, one candidate ahead (a range pairs neighbours), so callers may stop early.
    candidates = (c for m in _date_matches(folded) if (c := _candidate(m, folded)))
    cand = next(candidates, None)
    floor = 0  # the context of a date never reaches back past the previous date
    in_range_before = False
    while cand is not None:
        following = next(candidates, None)
        in_range_after = following is not None and _ranged(folded, cand, following)
        value = cand.value
        if value is not None and _plausible(value, as_of):
            in_range = in_range_before or in_range_after
            signal, confidence = _classify(folded, cand, value, floor=floor, in_range=in_range, hint=signal_hint)
            if not cand.two_digit_year or (
                signal in ("labelled", "weekday") or (cand.real_time and signal != "reference")
            ):
                start, end = prepared.to_orig(cand.start), prepared.to_orig(cand.end)
                yield cand.end, FoundDate(value, signal, confidence, start, end, prepared.original[start:end])
        floor, cand, in_range_before = cand.end, following, in_range_after


def _date_matches(folded: str) -> Iterator[re.Match[str]]:
    """What ``_DATE_RE.finditer(folded)`` finds, looked for only where a match can start: twice as fast.

    Every alternative of the pattern, and its clock time in front, starts with a run of digits
    (each is behind a ``(?<!\\d)``), but for "May 17, 2024", which starts with an English month
    name at most _MONTH_REACH characters before its day's digits. So the month names before each
    run are tried in order, then the run, from where the last match ended.
    """
    end = 0
    for run in _DIGIT_RUN.finditer(folded):
        start = run.start()
        if start < end:
            continue  # inside the last match
        found = None
        month = _MONTH_WORD.search(folded, max(end, start - _MONTH_REACH), start)
        while month is not None:
            found = _DATE_RE.match(folded, month.start())
            if found is not None:
                break
            month = _MONTH_WORD.search(folded, month.start() + 1, start)
        if found is None:
            found = _DATE_RE.match(folded, start)
        if found is not None:
            yield found
            end = found.end()


def _ranged(folded: str, first: _Candidate, second: _Candidate) -> bool:
    """Whether two neighbouring candidates form a range: "27/7/1947 - 27/7/2022"."""
    gap_start, gap_end = first.end, second.start
    return gap_end - gap_start <= 24 and _RANGE_GAP.fullmatch(folded, gap_start, gap_end) is not None


# A page's date is usually labelled near the top of a long text ("Ngày đăng: …"); best_date
# first looks in a head of the text. The pattern reads at most a few hundred characters past
# where a match starts unless the text has long runs of blanks, so matches ending HEAD_MARGIN
# before the head's end are those of the whole text.
_HEAD_CHARS: Final = 1536
HEAD_SCAN_CHARS: Final = _HEAD_CHARS
_HEAD_MARGIN: Final = 512
_LONG_BLANK: Final = re.compile(r"[ \t]{16}")
# The label is mostly right under the title: the head is first looked at only this far, which
# folds and scans half of it (about 100 of an article's 200 µs). What it finds ending HEAD_MARGIN
# before its end is what the whole head gives, by the same argument as above.
_FIRST_LOOK_CHARS: Final = 768


@functools.cache
def _raw_blanks() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """What folds to a blank in _LONG_BLANK beyond ASCII, and a run of 16 of any blank before folding.

    Made on first use: reading the fold table at import cost every process a millisecond.
    """
    blanks = [chr(cp) for cp, folded in _FOLD.items() if folded in (0x20, 0x09)]
    return tuple(ch for ch in blanks if not ch.isascii()), re.compile(f"[{''.join(map(re.escape, blanks))}]{{16}}")


def _long_blank(text: str) -> bool:
    """Whether `text` folds to a text with a _LONG_BLANK run; cleaned texts are told without a search."""
    wide, long_run = _raw_blanks()
    if "  " in text or "\t" in text:
        return long_run.search(text) is not None
    # Otherwise every ASCII blank stands alone: a run needs the wider ones.
    return not text.isascii() and any(ch in text for ch in wide) and long_run.search(text) is not None


def best_date(text: str, *, as_of: dt.date, head_checked: bool = False) -> FoundDate | None:
    """The most confident non-reference date of find_dates(text) (the first of equals), or None.

    Stops at the first labelled date (no other signal is as confident), so a long text whose
    date is labelled near the top costs only its head. ``head_checked``: the caller has already
    found that labelled_date_in_head(text) is None, so the head is not read twice.
    """
    as_of = _as_date(as_of)
    text = text[:MAX_SCAN_CHARS]
    early = None if head_checked else labelled_date_in_head(text, as_of=as_of)
    if early is not None:
        return early
    best: FoundDate | None = None
    for _, found in _found_dates(_prepare(text), as_of, None):
        if found.signal != "reference" and (best is None or found.confidence > best.confidence):
            best = found
            if found.signal == "labelled":
                break  # nothing is more confident; the first of equals wins
    return best


def labelled_date_in_head(text: str, *, as_of: dt.date) -> FoundDate | None:
    """The labelled date near the top at which best_date(text) stops early, or None.

    Reads no more than the first HEAD_SCAN_CHARS + 1 characters, so a caller may pass only that
    start of a long text and clean or build the rest only when this gives None.
    """
    as_of = _as_date(as_of)
    if len(text) <= _HEAD_CHARS:
        return None
    head_text = text[:_HEAD_CHARS]
    # The whole head's own conditions, told without folding it: NFC (else offsets need a map) and
    # no long run of blanks (else the pattern may read past the margin).
    if not (head_text.isascii() or unicodedata.is_normalized("NFC", head_text)) or _long_blank(head_text):
        return None
    for chars in (_FIRST_LOOK_CHARS, _HEAD_CHARS):
        for end, found in _found_dates(_prepare(head_text[:chars]), as_of, None):
            if end > chars - _HEAD_MARGIN:
                break
            if found.signal == "labelled":
                return found
    return None


def find_dates_in_script(text: str, *, as_of: dt.date) -> list[FoundDate]:
    """Dates in inline JavaScript, e.g. addItem(…,'10/11/2025',…): signal "script"."""
    return find_dates(text, as_of=as_of, signal_hint="script")


def newest(dates: Iterable[FoundDate], *, min_confidence: float = 0.0) -> FoundDate | None:
    """The latest date (ties: the more confident, then the earlier one), or None.

    Dates below `min_confidence` are ignored; pass e.g. 0.3 to skip document references.
    """
    best: FoundDate | None = None
    for found in dates:
        if found.confidence < min_confidence:
            continue
        if (
            best is None
            or found.value > best.value
            or (found.value == best.value and found.confidence > best.confidence)
        ):
            best = found
    return best


def is_document_reference(text: str, start: int) -> bool:
    """Whether the date or number at `start` belongs to a document reference.

    True for the date in "Quyết định số 12/QĐ-UBND ngày 31/3/2020" and for the number
    itself ("12/QĐ-UBND", "45/2024/NĐ-CP") when `start` points at it. Agrees with find_dates:
    a publish label wins, and the context never reaches back past an earlier date.
    """
    if not 0 <= start <= len(text):
        return False
    base = max(0, start - _REFERENCE_WINDOW - 30)
    prepared = _prepare(text[base : start + 80])
    folded = prepared.folded
    pos = prepared.to_norm(start - base)
    if _DOC_NUMBER_RE.match(folded, pos) is not None:
        return True
    floor = 0
    for earlier in _DATE_RE.finditer(folded, 0, pos):
        floor = earlier.end()
    context = _CONTEXT_TAIL.search(folded, max(floor, pos - _CONTEXT_WINDOW), pos)
    if context is not None and context.group("label") is not None:
        return False
    match = _DATE_RE.match(folded, pos)
    long_form = match is not None and (match.group("ld") or match.group("ed") or match.group("ed2"))
    return _reference_tail(folded, pos, long_form=bool(long_form), floor=floor)


# ---------------------------------------------------------------------------------------------
# URLs.

_URL_NEWS_ID: Final = re.compile(r"-(?P<id>\d{3}(?P<ts>\d{12})\d{0,5})\.html?(?![a-z])", _FLAGS | re.IGNORECASE)
_URL_DAY: Final = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[-/_.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"|/(?P<cy>20\d{2})(?P<cm>[01]\d)(?P<cd>[0-3]\d)(?=/)",
    _FLAGS,
)
_URL_MONTH: Final = re.compile(r"/(?P<y>(?:19|20)\d{2})[-/_](?P<m>0?[1-9]|1[0-2])(?=/)", _FLAGS)


def date_from_url(url: str, *, as_of: dt.date) -> FoundDate | None:
    """A publish date encoded in a URL, or None.

    Recognised, most specific first:
    * news-CMS ids (chinhphu.vn family) "/<slug>-<3 digits><yyMMddHHmmss><up to 5 digits>.htm",
      accepted only if the timestamp is a real date and time;
    * day-precision paths: "/Pages/2024-5-17/…", "/2024/05/17/…", "/Photos/2023-03-09/…",
      "…_2024_05_17…", and a whole segment "/20240517/";
    * month-precision upload folders: "sites/default/files/2024-05/…", "/uploads/2024/05/…".
      They give the first day of the month (the earliest the item can be) with confidence 0.4.
    `start`/`end` are 0; `text` is the matched part of the URL.
    """
    as_of = _as_date(as_of)
    url = url[:4096]
    for match in _URL_NEWS_ID.finditer(url):
        ts = match.group("ts")
        y, mo, d, h, mi, s = (int(ts[i : i + 2]) for i in range(0, 12, 2))
        value = _make_date(2000 + y, mo, d)
        if value is not None and h <= 23 and mi <= 59 and s <= 59 and _plausible(value, as_of):
            return FoundDate(value, "url", SIGNAL_CONFIDENCE["url"], 0, 0, match.group("id"))
    for match in _URL_DAY.finditer(url):
        if match.group("y") is not None:
            parts = (match.group("y"), match.group("m"), match.group("d"))
        else:
            parts = (match.group("cy"), match.group("cm"), match.group("cd"))
        value = _make_date(int(parts[0]), int(parts[1]), int(parts[2]))
        if value is not None and _plausible(value, as_of):
            text = match.group(0).lstrip("/")
            return FoundDate(value, "url", SIGNAL_CONFIDENCE["url"], 0, 0, text)
    for match in _URL_MONTH.finditer(url):
        value = _make_date(int(match.group("y")), int(match.group("m")), 1)
        if value is not None and _plausible(value, as_of):
            return FoundDate(value, "url", _URL_MONTH_CONFIDENCE, 0, 0, match.group(0)[1:])
    return None


# ---------------------------------------------------------------------------------------------
# Structured values: ISO 8601 / W3C datetime and HTTP dates.

_ISO_VALUE: Final = re.compile(
    r"\s*(?P<y>\d{4})(?P<sep>[-/.]?)(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:(?:t|\s+)(?P<h>\d{1,2}):?(?P<mi>\d{2})(?::?(?P<s>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*(?P<z>z|[+\-]\d{2}(?::?\d{2})?)?)?\s*",
    _FLAGS | re.IGNORECASE,
)


def parse_iso_datetime(value: str, *, as_of: dt.date) -> dt.date | None:
    """The date of an ISO 8601 value (<time datetime>, meta article:published_time,
    JSON-LD datePublished, sitemap lastmod), or None.

    Accepts "2024-05-17", "2024-5-17", "20240517", "2024/05/17 08:00",
    "2024-05-17T08:00:00.123+07:00" and "…Z"; a value with an offset is converted to Vietnam
    time. Month-only values ("2024-05") give None. Short non-ISO values that sites put in these
    fields anyway ("17/05/2024 08:00", "Thứ Hai, 03/07/2023") are read day-first.
    """
    as_of = _as_date(as_of)
    value = value[:200]
    match = _ISO_VALUE.fullmatch(value)
    if match is not None and (match.group("sep") or len(match.group("m") + match.group("d")) == 4):
        clock: tuple[int, int, int] | None = None
        tz: dt.timezone | None = None
        if match.group("h") is not None:
            h, mi, s = int(match.group("h")), int(match.group("mi")), int(match.group("s") or 0)
            if h <= 23 and mi <= 59 and s <= 59:
                clock = (h, mi, s)
                tz = _tz_offset(match.group("z")) if match.group("z") else None
        date = _make_date(int(match.group("y")), int(match.group("m")), int(match.group("d")), clock, tz)
        return date if date is not None and _plausible(date, as_of) else None
    if len(value.strip()) > 64:
        return None
    for found in find_dates(value, as_of=as_of):
        if found.signal != "reference":
            return found.value
    return None


_HTTP_FIXDATE: Final = re.compile(
    r"\s*(?:[a-z]+,?\s*)?(?P<d>\d{1,2})[\s\-](?P<mon>[a-z]{3})[a-z]*[\s\-](?P<y>\d{4}|\d{2})"
    r"\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<z>gmt|utc|ut|z|[+\-]\d{4})?\s*",
    _FLAGS | re.IGNORECASE,
)
_HTTP_ASCTIME: Final = re.compile(
    r"\s*[a-z]{3}\s+(?P<mon>[a-z]{3})\s+(?P<d>\d{1,2})\s+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2}))?\s+(?P<y>\d{4})\s*",
    _FLAGS | re.IGNORECASE,
)


def parse_http_date(value: str, *, as_of: dt.date) -> dt.date | None:
    """The date of an HTTP Last-Modified header (IMF-fixdate, RFC 850 or asctime), or None.

    HTTP dates are GMT; the result is the day in Vietnam time (UTC+7). A two-digit RFC 850 year
    is 20yy unless that is after `as_of`, then 19yy.
    """
    as_of = _as_date(as_of)
    value = value[:200]
    match = _HTTP_FIXDATE.fullmatch(value) or _HTTP_ASCTIME.fullmatch(value)
    if match is None:
        return None
    month = _MONTH_NUMBER.get(match.group("mon").lower())
    if month is None:
        return None
    year = int(match.group("y"))
    if len(match.group("y")) == 2:
        year += 2000 if _on_or_before(dt.date(2000 + year, 1, 1), as_of) else 1900
    h, mi, s = int(match.group("h")), int(match.group("mi")), int(match.group("s") or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    zone = (match.groupdict().get("z") or "gmt").lower()
    tz = dt.UTC if zone in ("gmt", "utc", "ut", "z") else _tz_offset(zone)
    date = _make_date(year, month, int(match.group("d")), (h, mi, s), tz or dt.UTC)
    return date if date is not None and _plausible(date, as_of) else None


def found_from_value(value: str, signal: str, *, as_of: dt.date) -> FoundDate | None:
    """Wrap a structured value as a FoundDate with the default confidence of `signal`.

    `signal` is "http_last_modified" (HTTP date), "url" (see date_from_url) or one of
    "time_element", "meta", "json_ld", "sitemap_lastmod" (ISO 8601). start/end are 0.
    """
    if signal == "url":
        return date_from_url(value, as_of=as_of)
    if signal == "http_last_modified":
        date = parse_http_date(value, as_of=as_of)
    elif signal in ("time_element", "meta", "json_ld", "sitemap_lastmod"):
        date = parse_iso_datetime(value, as_of=as_of)
    else:
        raise ValueError(f"not a structured signal: {signal!r}")
    if date is None:
        return None
    return FoundDate(date, signal, SIGNAL_CONFIDENCE[signal], 0, 0, value.strip()[:200])
