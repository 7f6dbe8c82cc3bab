"""Tests for auditor.extract.dates: real Vietnamese state-site date shapes and their pitfalls."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract.dates import (
    MAX_SCAN_CHARS,
    MIN_YEAR,
    SIGNAL_CONFIDENCE,
    SIGNALS,
    FoundDate,
    date_from_url,
    find_dates,
    find_dates_in_script,
    found_from_value,
    is_document_reference,
    newest,
    parse_http_date,
    parse_iso_datetime,
)

AS_OF = dt.date(2026, 1, 15)

Expected = list[tuple[str, str, float]]


def summary(text: str, as_of: dt.date = AS_OF) -> Expected:
    return [(f.value.isoformat(), f.signal, f.confidence) for f in find_dates(text, as_of=as_of)]


# ---------------------------------------------------------------------------------------------
# Table: every format and every pitfall from the field notes.

CASES = [
    # labelled publish / update / issue dates
    pytest.param("Ngày đăng 28/07/2020 | 02:20 PM", [("2020-07-28", "labelled", 0.9)], id="ngay-dang-12h"),
    pytest.param("Publish date 28/07/2020 | 02:20 PM", [("2020-07-28", "labelled", 0.9)], id="publish-date-en"),
    pytest.param("Đăng ngày 17 - 05 - 2024", [("2024-05-17", "labelled", 0.9)], id="dang-ngay-spaced-dashes"),
    pytest.param("NGÀY ĐĂNG: 17/05/2024", [("2024-05-17", "labelled", 0.9)], id="label-upper-case"),
    pytest.param("Ngay dang: 17.05.2024", [("2024-05-17", "labelled", 0.9)], id="label-no-diacritics-dots"),
    pytest.param("Dang ngay 17-05-2024", [("2024-05-17", "labelled", 0.9)], id="dang-ngay-no-diacritics"),
    pytest.param("Cập nhật: 17/05/2024 14:05:33", [("2024-05-17", "labelled", 0.9)], id="cap-nhat-seconds"),
    pytest.param("Cap nhat luc 08:32 ngay 17/05/2024", [("2024-05-17", "labelled", 0.9)], id="cap-nhat-time-first"),
    pytest.param("Posted on May 17, 2024", [("2024-05-17", "labelled", 0.9)], id="posted-on-english"),
    pytest.param("Last updated: 2024-05-17", [("2024-05-17", "labelled", 0.9)], id="last-updated-iso"),
    pytest.param("Ngày ban hành: 31/03/2020", [("2020-03-31", "labelled", 0.9)], id="ngay-ban-hanh"),
    pytest.param(
        "Số ký hiệu 12/QĐ-UBND Ngày ban hành 31/03/2020",
        [("2020-03-31", "labelled", 0.9)],
        id="document-list-row-issue-date",
    ),
    pytest.param("Cập nhật: Thứ Hai, 03/07/2023", [("2023-07-03", "labelled", 0.9)], id="label-then-weekday"),
    pytest.param("Ngày đăng: 17/05/24", [("2024-05-17", "labelled", 0.9)], id="label-two-digit-year"),
    pytest.param("Người hỏi: Lan. Ngày gửi: 04/08/2016", [("2016-08-04", "labelled", 0.9)], id="qa-ngay-gui"),
    pytest.param("Ngày xuất bản 01/12/2025", [("2025-12-01", "labelled", 0.9)], id="ngay-xuat-ban"),
    # weekdays
    pytest.param("Thứ Hai, 03/07/2023", [("2023-07-03", "weekday", 0.85)], id="thu-hai"),
    pytest.param("Chủ nhật, 02/07/2023", [("2023-07-02", "weekday", 0.85)], id="chu-nhat"),
    pytest.param("CHỦ NHẬT, 02/07/2023", [("2023-07-02", "weekday", 0.85)], id="chu-nhat-upper"),
    pytest.param("T2, 03/07/2023", [("2023-07-03", "weekday", 0.85)], id="t2-abbreviation"),
    pytest.param("Thứ 2, 03/07/2023", [("2023-07-03", "weekday", 0.85)], id="thu-2-digit"),
    pytest.param("Thứ Tư, 05/07/2023", [("2023-07-05", "weekday", 0.85)], id="thu-tu-not-tu-from"),
    pytest.param("Thứ hai ngày 03/07/2023", [("2023-07-03", "weekday", 0.85)], id="thu-hai-ngay"),
    pytest.param("Thứ Sáu, 17/05/24", [("2024-05-17", "weekday", 0.85)], id="weekday-two-digit-year"),
    pytest.param("Thứ Hai, ngày 3 tháng 7 năm 2023", [("2023-07-03", "weekday", 0.85)], id="weekday-long-form"),
    pytest.param("Monday, 3 July 2023", [("2023-07-03", "weekday", 0.85)], id="weekday-english"),
    pytest.param("Chủ nhật, 03/07/2023", [("2023-07-03", "bare", 0.5)], id="weekday-mismatch-lowered"),
    # bare dates
    pytest.param("Tiêu đề (24/08/2022)", [("2022-08-24", "bare", 0.6)], id="bare-after-title"),
    pytest.param("Tên người hỏi (04/08/2016 08:32)", [("2016-08-04", "bare", 0.7)], id="qa-date-time"),
    pytest.param("Tin cũ 17/05/2015 12:00 AM", [("2015-05-17", "bare", 0.6)], id="legacy-midnight-placeholder"),
    pytest.param("Bài cũ 17/05/2015 00:00:00", [("2015-05-17", "bare", 0.6)], id="midnight-24h-placeholder"),
    pytest.param("1/2/2024", [("2024-02-01", "bare", 0.6)], id="day-first-unpadded"),
    pytest.param("03/07/2023", [("2023-07-03", "bare", 0.6)], id="day-first-padded"),
    pytest.param("08h30 ngày 17/05/2024", [("2024-05-17", "bare", 0.7)], id="time-with-h-before"),
    pytest.param("17/05/24 08:32", [("2024-05-17", "bare", 0.7)], id="two-digit-year-with-time"),
    pytest.param("Kêu gọi đầu tư 17/05/2024", [("2024-05-17", "bare", 0.6)], id="dau-tu-is-not-tu-from"),
    pytest.param("29/02/2024", [("2024-02-29", "bare", 0.6)], id="leap-day"),
    pytest.param("Sáng ngày 17/05/2024, UBND tỉnh họp", [("2024-05-17", "bare", 0.6)], id="ngay-in-prose"),
    pytest.param("Hội nghị 17／05／2024", [("2024-05-17", "bare", 0.6)], id="fullwidth-slashes"),
    # long forms
    pytest.param("ngày 12 tháng 3 năm 2024", [("2024-03-12", "long_form", 0.6)], id="long-form"),
    pytest.param("12 tháng 03, 2024", [("2024-03-12", "long_form", 0.6)], id="long-form-comma"),
    pytest.param("NGÀY 12 THÁNG 3 NĂM 2024", [("2024-03-12", "long_form", 0.6)], id="long-form-upper"),
    pytest.param("Hà Nội, ngày 12 tháng 3 năm 2024", [("2024-03-12", "long_form", 0.6)], id="long-form-place"),
    pytest.param(
        "Số: 45/2024/NĐ-CP Hà Nội, ngày 12 tháng 3 năm 2024",
        [("2024-03-12", "long_form", 0.6)],
        id="decree-header-own-date",
    ),
    pytest.param("17 May 2024", [("2024-05-17", "long_form", 0.6)], id="english-day-month"),
    # ISO
    pytest.param("2024-05-17", [("2024-05-17", "iso", 0.6)], id="iso-date"),
    pytest.param("2024-05-17T08:00:00+07:00", [("2024-05-17", "iso", 0.7)], id="iso-datetime-offset"),
    pytest.param("2024-05-16T20:00:00Z", [("2024-05-17", "iso", 0.7)], id="iso-utc-to-vietnam-day"),
    # document references and other non-publication dates
    pytest.param("Quyết định số 12/QĐ-UBND ngày 31/3/2020", [("2020-03-31", "reference", 0.2)], id="quyet-dinh-ref"),
    pytest.param("Công văn số 123/UBND-KT ngày 5/6/2024", [("2024-06-05", "reference", 0.2)], id="cong-van-ref"),
    pytest.param(
        "Nghị định 43/2011/NĐ-CP ngày 13/6/2011 của Chính phủ",
        [("2011-06-13", "reference", 0.2)],
        id="nghi-dinh-ref",
    ),
    pytest.param(
        "Quyết định số 12/QĐ-UBND ngày 12 tháng 3 năm 2024",
        [("2024-03-12", "reference", 0.2)],
        id="long-form-ref",
    ),
    pytest.param("Decision No. 12/QD-UBND dated 31/3/2020", [("2020-03-31", "reference", 0.2)], id="english-ref"),
    pytest.param(
        "Thực hiện Kế hoạch số 5/KH-UBND, ngày 17/05/2024 Sở đã",
        [("2024-05-17", "reference", 0.2)],
        id="ke-hoach-ref-comma",
    ),
    pytest.param("Thông tư 61/2017/TT-BTC", [], id="circular-number-not-date"),
    pytest.param("Số: 45/2024/NĐ-CP", [], id="decree-number-not-date"),
    pytest.param("Chỉ thị 12-CT/TU", [], id="party-number-not-date"),
    pytest.param("(27/7/1947 - 27/7/2022)", [("2022-07-27", "reference", 0.2)], id="anniversary-range"),
    pytest.param(
        "từ ngày 01/01/2024 đến ngày 31/12/2024",
        [("2024-01-01", "reference", 0.2), ("2024-12-31", "reference", 0.2)],
        id="tu-ngay-den-ngay",
    ),
    pytest.param(
        "17/05/2024-18/05/2024",
        [("2024-05-17", "reference", 0.2), ("2024-05-18", "reference", 0.2)],
        id="range-no-spaces",
    ),
    pytest.param(
        "Cập nhật: 17/05/2024 - 18/05/2024",
        [("2024-05-17", "labelled", 0.9), ("2024-05-18", "reference", 0.2)],
        id="label-then-range-end",
    ),
    pytest.param("Có hiệu lực từ ngày 01/07/2024", [("2024-07-01", "reference", 0.2)], id="hieu-luc-tu-ngay"),
    pytest.param("Ngày hiệu lực: 01/07/2024", [("2024-07-01", "reference", 0.2)], id="ngay-hieu-luc"),
    pytest.param("Hết hiệu lực: 01/07/2024", [("2024-07-01", "reference", 0.2)], id="het-hieu-luc"),
    pytest.param("Hạn chót nộp hồ sơ 30/06/2024", [("2024-06-30", "reference", 0.2)], id="deadline"),
    pytest.param("Hết hạn góp ý: 17/05/2024", [("2024-05-17", "reference", 0.2)], id="draft-comment-deadline"),
    pytest.param("Áp dụng từ 01/07/2024", [("2024-07-01", "reference", 0.2)], id="tu-from"),
    pytest.param("Ngày sinh: 12/05/1995", [("1995-05-12", "reference", 0.2)], id="birth-date"),
    # not dates, partial dates, impossible dates, out of range
    pytest.param("Báo cáo 6 tháng đầu năm 2014", [], id="six-months-partial"),
    pytest.param("Kế hoạch năm 2024", [], id="year-only"),
    pytest.param("Số liệu tháng 3/2024", [], id="month-year-only"),
    pytest.param("Báo cáo Quý I/2024", [], id="quarter-only"),
    pytest.param("Ngày 16/72/2020", [], id="invalid-month"),
    pytest.param("31/02/2021", [], id="thirty-first-february"),
    pytest.param("29/02/2023", [], id="no-leap-day"),
    pytest.param("00/01/2020", [], id="day-zero"),
    pytest.param("17/05/2027", [], id="after-as-of"),
    pytest.param("12/05/1989", [], id="before-1990"),
    pytest.param("17/05/24", [], id="bare-two-digit-year-ambiguous"),
    pytest.param("Điều 1. 2. 2024 là", [], id="numbered-list-dots"),
    pytest.param("IP 192.168.1.10", [], id="ip-address"),
    pytest.param("Giai đoạn 2021-2025", [], id="year-range"),
    pytest.param("ĐT: 0912.345.678", [], id="phone-number"),
    pytest.param("Phiên bản 1.2.2024.5", [], id="version-number"),
    pytest.param("2024-13-01", [], id="iso-invalid-month"),
    pytest.param("Trang chủ | Giới thiệu | Liên hệ", [], id="no-date-home-page"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_find_dates_table(text: str, expected: Expected) -> None:
    assert summary(text) == expected


def test_reference_confidence_is_low() -> None:
    for found in find_dates(
        "Quyết định số 12/QĐ-UBND ngày 31/3/2020; Quyết định 9/QĐ ngày 1 tháng 2 năm 2021", as_of=AS_OF
    ):
        assert found.signal == "reference"
        assert found.confidence <= 0.3


def test_list_page_positions_and_newest() -> None:
    text = (
        "Triển khai Quyết định số 12/QĐ-UBND ngày 31/3/2025 (24/08/2022)\n"
        "Kỷ niệm (27/7/1947 - 27/7/2022) (23/08/2022)\n"
        "Báo cáo 6 tháng đầu năm 2014 (22/08/2022)"
    )
    found = find_dates(text, as_of=AS_OF)
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert [(f.value.isoformat(), f.signal) for f in found] == [
        ("2025-03-31", "reference"),
        ("2022-08-24", "bare"),
        ("2022-07-27", "reference"),
        ("2022-08-23", "bare"),
        ("2022-08-22", "bare"),
    ]
    best = newest(found, min_confidence=0.3)
    assert best is not None
    assert best.value == dt.date(2022, 8, 24)
    assert newest(found) == found[0]  # without a floor the (newer) reference wins


def test_offsets_index_the_callers_text() -> None:
    text = "Tin mới — Ngày đăng: 17/05/2024 | 02:20 PM…"
    (found,) = find_dates(text, as_of=AS_OF)
    assert text[found.start : found.end] == found.text == "17/05/2024 | 02:20 PM"


def test_offsets_for_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "Ngày đăng: 17/05/2024 · Thứ Hai, 03/07/2023 · ngày 12 tháng 3 năm 2024")
    assert not unicodedata.is_normalized("NFC", text)
    found = find_dates(text, as_of=AS_OF)
    assert [(f.value.isoformat(), f.signal) for f in found] == [
        ("2024-05-17", "labelled"),
        ("2023-07-03", "weekday"),
        ("2024-03-12", "long_form"),
    ]
    assert [f.text for f in found] == ["17/05/2024", "03/07/2023", unicodedata.normalize("NFD", "12 tháng 3 năm 2024")]
    for f in found:
        assert text[f.start : f.end] == f.text


def test_flattened_list_page() -> None:
    text = (
        "TIN TỨC - SỰ KIỆN\n"
        "Hội nghị triển khai Nghị định 42/2022/NĐ-CP ngày 24/6/2022 của Chính phủ (15/12/2025)\n"
        "Kỷ niệm 78 năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/2025) (25/07/2025)\n"
        "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm 2025 (10/07/2025)\n"
        "Đầu tiên Trước 1 2 3 Tiếp Cuối cùng"
    )
    found = find_dates(text, as_of=AS_OF)
    assert [(f.value.isoformat(), f.signal) for f in found] == [
        ("2022-06-24", "reference"),
        ("2025-12-15", "bare"),
        ("2025-07-27", "reference"),
        ("2025-07-25", "bare"),
        ("2025-07-10", "bare"),
    ]
    item_dates = [f.value for f in found if f.confidence >= 0.5]
    assert item_dates == [dt.date(2025, 12, 15), dt.date(2025, 7, 25), dt.date(2025, 7, 10)]


def test_context_does_not_reach_past_previous_date() -> None:
    # The label belongs to the first date only.
    assert summary("Ngày đăng: 17/05/2024 tin khác 18/05/2024") == [
        ("2024-05-17", "labelled", 0.9),
        ("2024-05-18", "bare", 0.6),
    ]


def test_script_hint() -> None:
    script = (
        "addItem('Hội nghị','/portal/Pages/x.aspx','10/11/2025','a.jpg'); addItem('b','c','2024-05-17T08:00:00','d');"
    )
    assert [(f.value.isoformat(), f.signal, f.confidence) for f in find_dates_in_script(script, as_of=AS_OF)] == [
        ("2025-11-10", "script", 0.6),
        ("2024-05-17", "script", 0.7),
    ]
    labelled = find_dates("var s = 'Ngày đăng: 17/05/2024';", as_of=AS_OF, signal_hint="script")
    assert [f.signal for f in labelled] == ["labelled"]


def test_unknown_signal_hint_rejected() -> None:
    with pytest.raises(ValueError, match="unknown signal"):
        find_dates("17/05/2024", as_of=AS_OF, signal_hint="guess")


def test_as_of_may_be_a_datetime() -> None:
    found = find_dates("17/05/2024 18/05/2024", as_of=dt.datetime(2024, 5, 17, 23, 59))
    assert [f.value for f in found] == [dt.date(2024, 5, 17)]


def test_as_of_is_inclusive() -> None:
    assert summary("15/01/2026 16/01/2026") == [("2026-01-15", "bare", 0.6)]


def test_scan_is_capped() -> None:
    filler = "x" * (MAX_SCAN_CHARS - 20)
    text = "Ngày đăng: 01/02/2024 " + filler + " (17/05/2024)"
    assert [f.value for f in find_dates(text, as_of=AS_OF)] == [dt.date(2024, 2, 1)]


def test_large_input_is_fast() -> None:
    chunk = (
        "Quyết định số 12/QĐ-UBND ngày 31/3/2020 (24/08/2022) Ngày đăng 28/07/2020 | 02:20 PM "
        "Thứ Hai, 03/07/2023 6 tháng đầu năm 2014 Hà Nội, ngày 12 tháng 3 năm 2024. "
    )
    text = chunk * (MAX_SCAN_CHARS // len(chunk) + 1)
    started = time.perf_counter()
    found = find_dates(text, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    assert len(found) > 5_000
    assert elapsed < 5.0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\ud800 17/05/2024 \udfff", id="lone-surrogates"),
        pytest.param("\x00" * 100 + "17/05/2024", id="nul-bytes"),
        pytest.param("9999-12-31T23:00:00-05:00", id="year-overflow-after-offset"),
        pytest.param("0000-01-01", id="year-zero"),
        pytest.param("1/" * 5000, id="slashes"),
        pytest.param("ngày " * 5000 + "tháng", id="words-only"),
        pytest.param("\u0301" * 1000 + "17/05/2024", id="combining-marks-only"),
        pytest.param("\ufeffNgày đăng: 17/05/2024", id="bom"),
    ],
)
def test_garbage_never_raises(text: str) -> None:
    for found in find_dates(text, as_of=AS_OF):
        assert found.value.year >= MIN_YEAR
        assert found.value <= AS_OF


# ---------------------------------------------------------------------------------------------
# newest


def test_newest() -> None:
    a = FoundDate(dt.date(2024, 5, 17), "bare", 0.6, 0, 1, "a")
    b = FoundDate(dt.date(2024, 5, 17), "labelled", 0.9, 5, 6, "b")
    c = FoundDate(dt.date(2025, 1, 1), "reference", 0.2, 9, 10, "c")
    assert newest([]) is None
    assert newest([a, b, c]) == c
    assert newest([a, b, c], min_confidence=0.3) == b
    assert newest([a, c], min_confidence=0.95) is None


# ---------------------------------------------------------------------------------------------
# URLs


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "https://snv.hagiang.gov.vn/portal/Pages/2024-5-17/Hoi-nghi-tong-ket-abc123.aspx",
            ("2024-05-17", 0.5, "2024-5-17"),
            id="portal-pages",
        ),
        pytest.param("https://x.gov.vn/2024/05/17/tin-tuc", ("2024-05-17", 0.5, "2024/05/17"), id="y-m-d-path"),
        pytest.param("https://x.gov.vn/portal/Photos/2023-03-09/a.jpg", ("2023-03-09", 0.5, "2023-03-09"), id="photos"),
        pytest.param("https://x.gov.vn/uploads/20240517/a.pdf", ("2024-05-17", 0.5, "20240517"), id="compact-segment"),
        pytest.param(
            "https://x.gov.vn/sites/default/files/2024-05/bao-cao.pdf",
            ("2024-05-01", 0.4, "2024-05"),
            id="drupal-month",
        ),
        pytest.param(
            "https://x.gov.vn/wp-content/uploads/2024/05/a.jpg", ("2024-05-01", 0.4, "2024/05"), id="uploads-month"
        ),
        pytest.param(
            "https://baochinhphu.vn/thu-tuong-chu-tri-hoi-nghi-102240517083012345.htm",
            ("2024-05-17", 0.5, "102240517083012345"),
            id="chinhphu-id",
        ),
        pytest.param("https://baochinhphu.vn/abc-102249917083012345.htm", None, id="chinhphu-bad-month"),
        pytest.param("https://baochinhphu.vn/abc-102240517253012345.htm", None, id="chinhphu-bad-hour"),
        pytest.param("https://x.gov.vn/vi/news/tin-tuc/abc-1234.html", None, id="nukeviet-no-date"),
        pytest.param("https://x.gov.vn/2030/01/01/a", None, id="future"),
        pytest.param("https://x.gov.vn/node/2024", None, id="drupal-node"),
        pytest.param("https://x.gov.vn/web/guest/-/view_content/12345-tin-tuc", None, id="liferay"),
        pytest.param("https://x.gov.vn/portal/Pages/2024-2-30/a.aspx", None, id="impossible-day"),
    ],
)
def test_date_from_url(url: str, expected: tuple[str, float, str] | None) -> None:
    found = date_from_url(url, as_of=AS_OF)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.value.isoformat(), found.confidence, found.text) == expected
        assert (found.signal, found.start, found.end) == ("url", 0, 0)


# ---------------------------------------------------------------------------------------------
# Structured values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-05-17", "2024-05-17", id="date"),
        pytest.param("2024-5-7", "2024-05-07", id="unpadded"),
        pytest.param("20240517", "2024-05-17", id="basic-format"),
        pytest.param(" 2024-05-17T08:00:00+07:00 ", "2024-05-17", id="offset-padded"),
        pytest.param("2024-05-16T20:00:00Z", "2024-05-17", id="utc-next-day-in-vietnam"),
        pytest.param("2024-05-16T20:00:00.123-05:00", "2024-05-17", id="fraction-negative-offset"),
        pytest.param("2024-05-17T08:00:00", "2024-05-17", id="naive"),
        pytest.param("2024/05/17 08:00", "2024-05-17", id="slashes"),
        pytest.param("17/05/2024 08:00", "2024-05-17", id="day-first-fallback"),
        pytest.param("Thứ Hai, 03/07/2023", "2023-07-03", id="weekday-fallback"),
        pytest.param("2024-05", None, id="month-only"),
        pytest.param("garbage", None, id="garbage"),
        pytest.param("", None, id="empty"),
        pytest.param("2027-01-01", None, id="future"),
        pytest.param("1989-12-31", None, id="too-old"),
        pytest.param("2024-02-30", None, id="impossible"),
        pytest.param("9999-12-31T23:00:00-05:00", None, id="overflow"),
    ],
)
def test_parse_iso_datetime(value: str, expected: str | None) -> None:
    result = parse_iso_datetime(value, as_of=AS_OF)
    assert (result.isoformat() if result else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Fri, 17 May 2024 08:00:00 GMT", "2024-05-17", id="imf-fixdate"),
        pytest.param("Thu, 16 May 2024 20:00:00 GMT", "2024-05-17", id="gmt-evening-is-next-day"),
        pytest.param("Friday, 17-May-24 08:00:00 GMT", "2024-05-17", id="rfc850"),
        pytest.param("Fri May 17 08:00:00 2024", "2024-05-17", id="asctime"),
        pytest.param("Fri, 17 May 2024 08:00:00 +0700", "2024-05-17", id="numeric-zone"),
        pytest.param("Fri, 17 Foo 2024 08:00:00 GMT", None, id="bad-month"),
        pytest.param("Fri, 31 Feb 2024 08:00:00 GMT", None, id="impossible"),
        pytest.param("Fri, 17 May 2030 08:00:00 GMT", None, id="future"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_http_date(value: str, expected: str | None) -> None:
    result = parse_http_date(value, as_of=AS_OF)
    assert (result.isoformat() if result else None) == expected


def test_found_from_value() -> None:
    json_ld = found_from_value("2024-05-17T08:00:00+07:00", "json_ld", as_of=AS_OF)
    assert json_ld == FoundDate(dt.date(2024, 5, 17), "json_ld", 0.9, 0, 0, "2024-05-17T08:00:00+07:00")
    http = found_from_value("Fri, 17 May 2024 08:00:00 GMT", "http_last_modified", as_of=AS_OF)
    assert http is not None
    assert (http.value, http.confidence) == (dt.date(2024, 5, 17), 0.3)
    sitemap = found_from_value("2024-05-17", "sitemap_lastmod", as_of=AS_OF)
    assert sitemap is not None
    assert sitemap.confidence == 0.4
    url = found_from_value("https://x.gov.vn/portal/Pages/2024-5-17/a.aspx", "url", as_of=AS_OF)
    assert url is not None
    assert url.signal == "url"
    assert found_from_value("nonsense", "meta", as_of=AS_OF) is None
    with pytest.raises(ValueError, match="not a structured signal"):
        found_from_value("2024-05-17", "bare", as_of=AS_OF)


def test_signal_table_is_complete() -> None:
    assert set(SIGNAL_CONFIDENCE) == set(SIGNALS)
    assert all(0.0 <= c <= 1.0 for c in SIGNAL_CONFIDENCE.values())


# ---------------------------------------------------------------------------------------------
# is_document_reference


@pytest.mark.parametrize(
    ("text", "needle", "expected"),
    [
        pytest.param("Quyết định số 12/QĐ-UBND ngày 31/3/2020", "31/3/2020", True, id="date-in-reference"),
        pytest.param("Quyết định số 12/QĐ-UBND ngày 31/3/2020", "12/QĐ", True, id="number-itself"),
        pytest.param("Số: 45/2024/NĐ-CP", "45/2024", True, id="decree-number"),
        pytest.param("Thông tư 61/2017/TT-BTC ngày 14/6/2017", "14/6/2017", True, id="circular-date"),
        pytest.param("Tiêu đề (31/3/2020)", "31/3/2020", False, id="bare-title-date"),
        pytest.param("Ngày đăng: 31/3/2020", "31/3/2020", False, id="labelled"),
        pytest.param("Số: 45/2024/NĐ-CP Hà Nội, ngày 12 tháng 3 năm 2024", "12 tháng", False, id="document-header"),
        pytest.param("Quyết định số 12/QĐ-UBND. Sáng ngày 17/05/2024 đoàn đã", "17/05/2024", False, id="new-sentence"),
    ],
)
def test_is_document_reference(text: str, needle: str, expected: bool) -> None:
    assert is_document_reference(text, text.index(needle)) is expected


def test_is_document_reference_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "Tin: Quyết định số 12/QĐ-UBND ngày 31/3/2020 (Đăng ngày 01/04/2020)")
    assert is_document_reference(text, text.index("31/3/2020")) is True
    assert is_document_reference(text, text.index("01/04/2020")) is False


def test_is_document_reference_out_of_range() -> None:
    assert is_document_reference("abc", -1) is False
    assert is_document_reference("abc", 10) is False


# ---------------------------------------------------------------------------------------------
# Property tests

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

VN_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
VN_WEEKDAY_NUMBERS = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ Nhật")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")  # fmt: skip


def _h12(t: dt.time) -> str:
    return f"{(t.hour % 12) or 12:02d}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def _dmy(d: dt.date, sep: str = "/") -> str:
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


Renderer = Callable[[dt.date, dt.time], str]

# name -> (renderer, signal expected when the surroundings hold no letters or digits, clock shown)
FORMATS: dict[str, tuple[Renderer, str, str]] = {
    "dmy_slash": (lambda d, t: _dmy(d), "bare", ""),
    "dmy_unpadded": (lambda d, t: f"{d.day}/{d.month}/{d.year}", "bare", ""),
    "dmy_dash": (lambda d, t: _dmy(d, "-"), "bare", ""),
    "dmy_dot": (lambda d, t: _dmy(d, "."), "bare", ""),
    "dmy_spaced_dashes": (lambda d, t: _dmy(d, " - "), "bare", ""),
    "dmy_12h": (lambda d, t: f"{_dmy(d)} | {_h12(t)}", "bare", "hm"),
    "dmy_seconds": (lambda d, t: f"{_dmy(d)} {t:%H:%M:%S}", "bare", "hms"),
    "qa_parens": (lambda d, t: f"({_dmy(d)} {t:%H:%M})", "bare", "hm"),
    "time_first": (lambda d, t: f"{t:%H:%M} {_dmy(d)}", "bare", "hm"),
    "ngay_dang": (lambda d, t: f"Ngày đăng: {_dmy(d)}", "labelled", ""),
    "ngay_dang_ascii_upper": (lambda d, t: f"NGAY DANG {_dmy(d)}", "labelled", ""),
    "dang_ngay_spaced": (lambda d, t: f"Đăng ngày {_dmy(d, ' - ')}", "labelled", ""),
    "publish_date": (lambda d, t: f"Publish date {_dmy(d)} | {_h12(t)}", "labelled", "hm"),
    "cap_nhat_two_digit": (lambda d, t: f"Cập nhật: {d.day:02d}/{d.month:02d}/{d.year % 100:02d}", "labelled", ""),
    "weekday": (lambda d, t: f"{VN_WEEKDAYS[d.weekday()]}, {_dmy(d)}", "weekday", ""),
    "weekday_number": (lambda d, t: f"{VN_WEEKDAY_NUMBERS[d.weekday()]}, {_dmy(d)}", "weekday", ""),
    "long_form": (lambda d, t: f"ngày {d.day} tháng {d.month} năm {d.year}", "long_form", ""),
    "long_form_comma": (lambda d, t: f"{d.day} tháng {d.month:02d}, {d.year}", "long_form", ""),
    "english": (lambda d, t: f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}", "long_form", ""),
    "english_us": (lambda d, t: f"{EN_MONTHS[d.month - 1][:3]} {d.day}, {d.year}", "long_form", ""),
    "iso": (lambda d, t: d.isoformat(), "iso", ""),
    "iso_datetime": (lambda d, t: f"{d.isoformat()}T{t:%H:%M:%S}+07:00", "iso", "hms"),
}


def expected_confidence(signal: str, shown: str, clock: dt.time) -> float:
    """Base confidence, +0.1 for a bare/iso date with a real (not midnight placeholder) time."""
    displayed = (clock.hour, clock.minute, clock.second if shown == "hms" else 0)
    bonus = 0.1 if signal in ("bare", "iso") and shown and displayed != (0, 0, 0) else 0.0
    return SIGNAL_CONFIDENCE[signal] + bonus


dates_in_range = st.dates(min_value=dt.date(2000, 1, 1), max_value=AS_OF)
times = st.times().map(lambda t: t.replace(microsecond=0))
# Surroundings: anything but digits (letters, marks, punctuation, symbols, spaces).
noisy_text = st.text(st.characters(exclude_categories=("Nd", "No", "Nl", "Cs")), max_size=40)
# Surroundings without letters, marks or digits: the signal must be exactly the format's own.
neutral_text = st.text(st.characters(categories=("Pc", "Pd", "Ps", "Pe", "Po", "Sm", "Sc", "Zs")), max_size=20)


@PROPERTY_SETTINGS
@given(text=st.text(max_size=300))
def test_never_raises_and_results_are_sane(text: str) -> None:
    _check_invariants(text, find_dates(text, as_of=AS_OF))


date_soup = st.lists(
    st.sampled_from(
        ["1", "12", "2024", "1989", "31", "/", "-", ".", ":", " ", "ngày", "tháng", "năm", "Thứ Hai,", "số",
         "QĐ", "T", "Z", "+07:00", "May", "AM", "|", "(", ")", "đến", "Đăng ngày", "\u0301", "\n"]
    ),
    max_size=60,
).map("".join)  # fmt: skip


@PROPERTY_SETTINGS
@given(text=date_soup)
def test_date_soup_never_yields_bad_dates(text: str) -> None:
    _check_invariants(text, find_dates(text, as_of=AS_OF))


def _check_invariants(text: str, found: list[FoundDate]) -> None:
    assert [f.start for f in found] == sorted(f.start for f in found)
    for f in found:
        assert isinstance(f.value, dt.date)
        assert dt.date(MIN_YEAR, 1, 1) <= f.value <= AS_OF
        assert f.signal in SIGNALS
        assert 0.0 <= f.confidence <= 1.0
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text


@PROPERTY_SETTINGS
@given(day=st.integers(0, 40), month=st.integers(0, 20), year=st.integers(1900, 2100), sep=st.sampled_from("/-."))
def test_numeric_triples_match_the_calendar(day: int, month: int, year: int, sep: str) -> None:
    try:
        expected: dt.date | None = dt.date(year, month, day)
    except ValueError:
        expected = None
    if expected is not None and not (expected.year >= MIN_YEAR and expected <= AS_OF):
        expected = None
    found = find_dates(f"Tin ({day}{sep}{month}{sep}{year})", as_of=AS_OF)
    assert [f.value for f in found] == ([expected] if expected else [])


@PROPERTY_SETTINGS
@given(
    name=st.sampled_from(sorted(FORMATS)),
    value=dates_in_range,
    clock=times,
    before=noisy_text,
    after=noisy_text,
    decompose=st.booleans(),
)
def test_round_trip_in_noisy_text(
    name: str, value: dt.date, clock: dt.time, before: str, after: str, decompose: bool
) -> None:
    render, _, _ = FORMATS[name]
    text = f"{before} {render(value, clock)} {after}"
    if decompose:
        text = unicodedata.normalize("NFD", text)
    found = find_dates(text, as_of=AS_OF)
    assert value in [f.value for f in found]
    _check_invariants(text, found)


@PROPERTY_SETTINGS
@given(
    name=st.sampled_from(sorted(FORMATS)), value=dates_in_range, clock=times, before=neutral_text, after=neutral_text
)
def test_round_trip_exact_signal(name: str, value: dt.date, clock: dt.time, before: str, after: str) -> None:
    render, signal, shown = FORMATS[name]
    rendered = render(value, clock)
    text = f"{before} {rendered} {after}"
    found = find_dates(text, as_of=AS_OF)
    assert [(f.value, f.signal) for f in found] == [(value, signal)]
    (hit,) = found
    assert hit.confidence == pytest.approx(expected_confidence(signal, shown, clock))
    assert hit.text in rendered
    assert text[hit.start : hit.end] == hit.text


FOUR_DIGIT_YEAR_FORMATS = sorted(name for name in FORMATS if name != "cap_nhat_two_digit")


@PROPERTY_SETTINGS
@given(name=st.sampled_from(FOUR_DIGIT_YEAR_FORMATS), value=st.dates(min_value=dt.date(1950, 1, 1)), clock=times)
def test_out_of_range_dates_are_dropped(name: str, value: dt.date, clock: dt.time) -> None:
    render, _, _ = FORMATS[name]
    found = find_dates(f"Tin: {render(value, clock)} .", as_of=AS_OF)
    if value.year >= MIN_YEAR and value <= AS_OF:
        assert [f.value for f in found] == [value]
    else:
        assert found == []


@PROPERTY_SETTINGS
@given(value=dates_in_range, clock=times, prefix=st.integers(100, 999), suffix=st.integers(100, 999))
def test_url_round_trip(value: dt.date, clock: dt.time, prefix: int, suffix: int) -> None:
    portal = date_from_url(
        f"https://x.gov.vn/portal/Pages/{value.year}-{value.month}-{value.day}/Tin-ab12cd.aspx", as_of=AS_OF
    )
    stamp = f"{value:%y%m%d}{clock:%H%M%S}"
    news = date_from_url(f"https://baochinhphu.vn/tin-moi-{prefix}{stamp}{suffix}.htm", as_of=AS_OF)
    assert portal is not None
    assert news is not None
    assert portal.value == news.value == value


@PROPERTY_SETTINGS
@given(
    moment=st.datetimes(min_value=dt.datetime(1991, 1, 1), max_value=dt.datetime(2025, 12, 31)),
    offset_minutes=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
)
def test_iso_and_http_round_trip(moment: dt.datetime, offset_minutes: int) -> None:
    aware = moment.replace(microsecond=0, tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    in_vietnam = aware.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert parse_iso_datetime(aware.isoformat(), as_of=AS_OF) == in_vietnam
    http = email.utils.format_datetime(aware.astimezone(dt.UTC), usegmt=True)
    assert parse_http_date(http, as_of=AS_OF) == in_vietnam
