"""Fast paths of folding, cleaning and the page date agree with the plain definitions."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

import pytest

from auditor.extract.dates import FoundDate, best_date, find_dates
from auditor.textnorm import fold, fold_drop_d, nfc

AS_OF = dt.date(2026, 11, 1)


def _plain_fold(text: str, d: str = "d") -> str:
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", html.unescape(text)).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("đ", d)
    return re.sub(r"\s+", " ", stripped).strip()


@pytest.mark.parametrize(
    "text",
    [
        "Lãnh đạo Sở",
        "ĐẠI HỘI",
        "Ng&agrave;y đăng",
        "Ngày\u00a0 đăng\t\n",
        "Ngu\u0301y\u0302\u0300n",  # decomposed input
        "x\u0483y \u1dc0z",  # rare combining marks outside U+0300–U+036F
        "İstanbul ﬁle “quoted”",
        "plain ascii TEXT  ",
        "đ" * 300,  # past the cached length
    ],
)
def test_fold_matches_plain_definition(text: str) -> None:
    assert fold(text) == _plain_fold(text)
    assert fold_drop_d(text) == _plain_fold(text, "")
    assert nfc(text) == unicodedata.normalize("NFC", html.unescape(text))


def _plain_best(text: str) -> FoundDate | None:
    best: FoundDate | None = None
    for found in find_dates(text, as_of=AS_OF):
        if found.signal != "reference" and (best is None or found.confidence > best.confidence):
            best = found
    return best


@pytest.mark.parametrize(
    "text",
    [
        "Ngày đăng: 03/07/2026 " + "Quyết định số 12/QĐ-UBND ngày 31/3/2020. " * 200,
        "Tin một 01/06/2026 " * 100 + "Cập nhật: 05/07/2026 " + "chữ " * 2000,
        "Văn bản " * 400 + "Ngày đăng: 02/02/2025",
        "không có ngày " * 500,
        "Tin 01/06/2026" + " " * 40 + "Ngày đăng: 03/07/2026 " + "x " * 3000,
    ],
)
def test_best_date_equals_best_of_find_dates(text: str) -> None:
    assert best_date(text, as_of=AS_OF) == _plain_best(text)
