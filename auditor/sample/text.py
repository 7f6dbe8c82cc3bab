"""Text helpers of the sample: seeded randomness, slugs, escaping and Vietnamese date styles."""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import html
import html.entities
import random
import re
import unicodedata

__all__ = [
    "ascii_fold",
    "e",
    "entityize",
    "fmt_ampm",
    "fmt_dmy",
    "fmt_dmy_hm",
    "fmt_long",
    "fmt_spaced",
    "fmt_weekday",
    "http_date",
    "rng_for",
    "seed_int",
    "slugify",
    "weekday_name",
]

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_SCRIPT = re.compile(r"(<script\b.*?</script>)", re.DOTALL | re.IGNORECASE)


def seed_int(*parts: object) -> int:
    """A stable integer from the parts (Python's hash() is salted per process)."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(*parts: object) -> random.Random:
    """A random generator seeded from the parts only, so every build is identical."""
    return random.Random(seed_int(*parts))  # noqa: S311 - sample content, not security


def ascii_fold(text: str) -> str:
    """Drop diacritics the way sites without Vietnamese fonts wrote labels (đ becomes d)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str, *, drop_d: bool = False, max_words: int = 12) -> str:
    """A URL slug; with drop_d the letter đ vanishes entirely, as some CMSs do."""
    if drop_d:
        text = text.replace("đ", "").replace("Đ", "")
    folded = ascii_fold(text).lower()
    words = re.findall(r"[a-z0-9]+", folded)
    return "-".join(words[:max_words])


def e(text: str) -> str:
    """Escape text for HTML element content and attribute values."""
    return html.escape(text, quote=True)


def _entity(match: re.Match[str]) -> str:
    ch = match.group(0)
    name = html.entities.codepoint2name.get(ord(ch))
    return f"&{name};" if name else f"&#{ord(ch)};"


def entityize(document: str) -> str:
    """Write every non-ASCII character as an HTML entity, outside scripts (old ASP sites)."""
    parts = _SCRIPT.split(document)
    return "".join(
        part if part.lower().startswith("<script") else re.sub(r"[^\x00-\x7f]", _entity, part) for part in parts
    )


def weekday_name(day: datetime.date) -> str:
    """Vietnamese weekday name ("Thứ Hai" … "Chủ Nhật")."""
    return _WEEKDAYS[day.weekday()]


def fmt_dmy(day: datetime.date) -> str:
    """28/07/2020"""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def fmt_dmy_hm(moment: datetime.datetime) -> str:
    """28/07/2020 14:20"""
    return f"{fmt_dmy(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def fmt_ampm(moment: datetime.datetime) -> str:
    """28/07/2020 | 02:20 PM (migrated legacy items show 12:00 AM)."""
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{fmt_dmy(moment.date())} | {hour:02d}:{moment.minute:02d} {suffix}"


def fmt_spaced(day: datetime.date) -> str:
    """17 - 05 - 2024"""
    return f"{day.day:02d} - {day.month:02d} - {day.year}"


def fmt_weekday(day: datetime.date) -> str:
    """Thứ Hai, 03/07/2023"""
    return f"{weekday_name(day)}, {fmt_dmy(day)}"


def fmt_long(day: datetime.date) -> str:
    """ngày 12 tháng 3 năm 2024"""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def http_date(day: datetime.date) -> str:
    """An RFC 9110 date at 01:00 GMT of that day (sites publish in the morning, UTC+7)."""
    moment = datetime.datetime(day.year, day.month, day.day, 1, 0, tzinfo=datetime.UTC)
    return email.utils.format_datetime(moment, usegmt=True)
