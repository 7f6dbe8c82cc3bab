"""Page extraction on HTML in the shapes real Vietnamese government sites use (shared/field-notes.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.extract.page import extract_page
from auditor.models import PageFacts

AS_OF = dt.date(2026, 11, 1)
BASE = "https://stc.ninhthuan.gov.vn/portal/KenhTin/Cong-khai-ngan-sach.aspx"

LAYOUT = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div id="header"><div class="logo"><img src="/portal/Photos/logo.png" alt="Sở Tài chính"></div>
<div class="ngay-hien-tai">Thứ Năm, 26/11/2026</div></div>
<div class="menu"><ul><li><a href="/portal/KenhTin/Gioi-thieu.aspx">Giới thiệu</a></li>
<li><a href="/portal/KenhTin/Van-ban.aspx">Văn bản</a></li></ul></div>
<div class="container"><div class="col-left">
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="#">Công khai ngân sách</a></div>
{main}
</div><div class="col-right"><div class="box"><a href="/cong-khai-ngan-sach"><img src="/portal/Photos/2023-03-09/congkhaingansach.jpg" alt=""></a></div></div></div>
<div id="footer">Cơ quan chủ quản: Sở Tài chính tỉnh Ninh Thuận. Điện thoại: 0259 3822 000.
<a href="/portal/KenhTin/Thong-tin-tuyen-dung.aspx">Thông tin tuyển dụng</a></div>
<script>var now = new Date(); document.write(now);</script>
</body></html>"""


def page(main: str, *, title: str = "Công khai ngân sách", status: int = 200, url: str = BASE) -> PageFacts:
    html = LAYOUT.format(title=title, main=main)
    return extract_page(url, status, html.encode("utf-8"), content_type="text/html; charset=utf-8", as_of=AS_OF)


LIST = """<h2 class="title">Công khai ngân sách</h2><ul class="list-news">
<li class="item"><a href="/portal/Pages/2026-10-20/Cong-khai-du-toan-quy-III-a1b2c3.aspx">Công khai tình hình thực hiện dự toán ngân sách quý III năm 2026</a>
<span class="date">Ngày đăng 20/10/2026 | 02:20 PM</span></li>
<li class="item"><a href="/portal/Pages/2026-7-15/Cong-khai-quy-II-d4e5f6.aspx">Quyết định số 12/QĐ-UBND ngày 31/10/2026 về công khai ngân sách 6 tháng đầu năm 2026</a>
<span class="date">Ngày đăng 15/07/2026 | 09:00 AM</span></li>
<li class="item"><a href="/portal/Pages/2026-4-10/Cong-khai-quy-I-g7h8i9.aspx">Công khai quý I (27/7/1947 - 27/7/2026)</a>
<span class="date">Ngày đăng 10/04/2026 | 12:00 AM</span></li></ul>
<div class="pager"><a href="?p=1">Đầu tiên</a> <a href="?p=2">Tiếp</a> <a href="?p=9">Cuối cùng</a></div>"""


def test_list_items_take_their_own_dates_not_dates_in_titles() -> None:
    facts = page(LIST)
    dated = sorted((i.date for i in facts.items if i.date), reverse=True)
    assert dated == [dt.date(2026, 10, 20), dt.date(2026, 7, 15), dt.date(2026, 4, 10)]
    assert len(facts.items) == 3
    assert not facts.not_found
    assert not facts.placeholder


def test_header_clock_date_is_not_an_item_or_page_date() -> None:
    facts = page("<h2>Công khai ngân sách</h2><p>" + "Nội dung giới thiệu chung về ngân sách. " * 10 + "</p>")
    assert facts.items == () or all(i.date != dt.date(2026, 11, 26) for i in facts.items)
    assert facts.page_date != dt.date(2026, 11, 26)


def test_links_keep_image_file_name_alt_and_region() -> None:
    facts = page(LIST)
    by_url = {link.url: link for link in facts.links}
    banner = by_url["https://stc.ninhthuan.gov.vn/cong-khai-ngan-sach"]
    assert banner.text == ""
    assert banner.image_alt == ""
    assert banner.image_src == "congkhaingansach.jpg"
    assert banner.region == "side"
    footer = by_url["https://stc.ninhthuan.gov.vn/portal/KenhTin/Thong-tin-tuyen-dung.aspx"]
    assert footer.region == "footer"
    assert by_url["https://stc.ninhthuan.gov.vn/portal/KenhTin/Van-ban.aspx"].region == "nav"


def test_breadcrumb_and_headings() -> None:
    facts = page(LIST)
    assert facts.breadcrumb == ("Trang chủ", "Công khai ngân sách")
    assert facts.headings[0] == "Công khai ngân sách"


def test_placeholder_page_is_empty() -> None:
    facts = page('<h2>Công khai ngân sách</h2><div class="content">Nội dung đang được cập nhật...</div>')
    assert facts.placeholder
    assert not facts.not_found
    assert facts.items == ()


def test_placeholder_page_with_date_line_and_share_tools_is_empty() -> None:
    facts = page(
        '<h2>Quy hoạch xây dựng</h2><div class="content"><p>Ngày đăng: 12/03/2024 | Lượt xem: 1.204</p>'
        "<p>Nội dung đang được cập nhật.</p><p>Chia sẻ Facebook | Zalo | In trang | Gửi email | Quay lại</p></div>"
    )
    assert facts.placeholder


@pytest.mark.parametrize(
    "field",
    ["Email: đang cập nhật", "Phó Giám đốc: Đang cập nhật", "Số fax: Chưa có thông tin"],
)
def test_a_field_still_to_come_does_not_make_a_page_with_content_empty(field: str) -> None:
    # Contacts and leadership pages list a vacant post or a missing address as "đang cập nhật": the
    # page is published, and saying it is empty would report the agency for what it has done.
    rows = "".join(
        f"<tr><td>Phòng {name}</td><td>Số 12 đường 16 tháng 4, TP Phan Rang</td><td>0259 38{n:02d} 123</td></tr>"
        for n, name in enumerate(("Tổ chức cán bộ", "Kế hoạch tài chính", "Thanh tra", "Văn phòng Sở"))
    )
    facts = page(f"<h2>Danh bạ điện thoại</h2><table><tr><td>{field}</td></tr>{rows}</table>", title="Danh bạ")
    assert facts.main_text_chars > 300
    assert not facts.placeholder
    assert not facts.not_found


@pytest.mark.parametrize("wrapper", ["{}", "<svg><g></g>{}</svg>", "<noscript><div>{}</div></noscript>"])
def test_a_list_a_script_fills_is_read_wherever_the_script_sits(wrapper: str) -> None:
    # Scripts are removed with what holds them (an <svg>, a <noscript>): their text is read first.
    script = (
        "<script>addItem('Kế hoạch','/a/1.aspx','10/10/2026'); addItem('Báo cáo','/a/2.aspx','09/09/2026');</script>"
    )
    facts = page("<h2>Công khai ngân sách</h2><div class='list'>" + wrapper.format(script) + "</div>")
    assert sorted(item.date for item in facts.items if item.date_signal == "script") == [
        dt.date(2026, 9, 9),
        dt.date(2026, 10, 10),
    ]


def test_soft_404_inside_layout_with_status_200() -> None:
    facts = page(
        '<div class="content"><h2>Thông báo</h2><p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p></div>',
        title="Không tìm thấy trang",
    )
    assert facts.not_found


_REPORT = (
    "Sáng 20/10/2026, Đoàn kiểm tra của Sở Thông tin và Truyền thông đã làm việc với các phòng chuyên môn "
    "về công tác bảo đảm an toàn thông tin. Qua rà soát hệ thống thư điện tử công vụ và cổng thông tin, "
    "đoàn {mention} trên các máy chủ được kiểm tra. Đoàn đề nghị các đơn vị tiếp tục rà soát định kỳ, "
    "cập nhật bản vá và tổ chức tập huấn cho cán bộ, công chức về kỹ năng nhận diện thư giả mạo, "
    "đồng thời báo cáo kết quả về Sở trước ngày 30/11/2026 để tổng hợp trình Ủy ban nhân dân tỉnh."
)
_LATEST = (
    "<h3>Tin mới</h3><p>"
    + " ".join(f"Hội nghị tổng kết công tác năm 2026 của ngành số {n}." for n in range(12))
    + "</p>"
)


def _article(heading: str, mention: str) -> str:
    """A news item of about 550 characters under its own heading, mentioning ``mention``."""
    return f"<h1>{heading}</h1><p>{_REPORT.format(mention=mention)}</p>"


@pytest.mark.parametrize(
    ("title", "main", "expected"),
    [
        pytest.param(
            "Kết quả kiểm tra an toàn thông tin",
            _article("Kết quả kiểm tra an toàn thông tin", "không tìm thấy dữ liệu cá nhân bị lộ"),
            False,
            id="news item mentioning the phrase",
        ),
        pytest.param(
            "Security review",
            _article("Security review", "reported that malware was not found"),
            False,
            id="English mention",
        ),
        pytest.param(
            "Không tìm thấy dữ liệu cá nhân bị lộ trong đợt kiểm tra an toàn thông tin",
            _article("Không tìm thấy dữ liệu cá nhân bị lộ trong đợt kiểm tra an toàn thông tin", "đã rà soát"),
            False,
            id="headline containing the phrase",
        ),
        pytest.param(
            "Sở Tài chính",
            '<div class="notfound"><h1>Không tìm thấy trang</h1><p>Trang đã bị xóa.</p>' + _LATEST + "</div>",
            True,
            id="heading is the message, latest news below",
        ),
        pytest.param(
            "Lỗi 404 - Không tìm thấy trang | Sở Tài chính tỉnh Ninh Thuận",
            "<h1>Thông báo</h1>" + _LATEST,
            True,
            id="title part is the message",
        ),
        pytest.param(
            "Không tìm thấy trang - Cổng thông tin điện tử Sở Tài chính tỉnh Ninh Thuận",
            "<h2>Thông báo</h2><p>Vui lòng quay lại trang chủ.</p>",
            True,
            id="short page, title names it",
        ),
        pytest.param(
            "Thông báo",
            "<h2>Thông báo</h2><p>Trang bạn tìm kiếm không tồn tại hoặc đã được di chuyển.</p>",
            True,
            id="short page, text is the message",
        ),
        pytest.param(
            "Không tìm thấy trang",
            "<h2>Không tìm thấy trang</h2><p>" + " ".join([_REPORT.format(mention="đã rà soát")] * 6) + "</p>",
            False,
            id="long content whatever its heading",
        ),
    ],
)
def test_soft_404_is_a_message_page_not_content_that_mentions_one(title: str, main: str, expected: bool) -> None:
    assert page(main, title=title).not_found is expected


def test_entities_and_bom_are_decoded() -> None:
    html = LAYOUT.format(
        title="C&ocirc;ng khai",
        main='<ul class="l"><li><a href="/a1">Tin một</a> Ng&agrave;y đăng 03/07/2026</li>'
        '<li><a href="/a2">Tin hai</a> Ng&agrave;y đăng 01/06/2026</li></ul>',
    )
    facts = extract_page(BASE, 200, b"\xef\xbb\xbf" + html.encode(), content_type="text/html", as_of=AS_OF)
    assert facts.title == "Công khai"
    assert max(i.date for i in facts.items if i.date) == dt.date(2026, 7, 3)


def test_control_characters_are_dropped_from_every_text() -> None:
    # Stray control characters occur in pasted titles; the xlsx and junit reports (XML) cannot hold them.
    html = LAYOUT.format(
        title="Công\x07 khai",
        main='<h1>Tin\x1b tức</h1><ul class="l"><li><a href="/a1" title="Tiêu\x08 đề">Tin\x01 một</a> 03/07/2026</li>'
        '<li><a href="/a2"><img src="/i.png" alt="Ả\x02nh"></a> 01/06/2026</li></ul>',
    )
    facts = extract_page(BASE, 200, html.encode(), content_type="text/html", as_of=AS_OF)
    texts = [facts.title, *facts.headings, *(i.title for i in facts.items)]
    texts += [t for link in facts.links for t in (link.text, link.title, link.image_alt)]
    assert {"Công khai", "Tin tức", "Tin một", "Tiêu đề", "Ảnh"} <= set(texts)
    assert not any(ch < " " for text in texts for ch in text)


def test_document_table_reads_issue_date_column_not_reference_dates() -> None:
    table = """<table class="vanban"><tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>
<tr><td>45/2026/QĐ-UBND</td><td>05/09/2026</td><td><a href="/vb/45">Sửa đổi Quyết định số 12/2020/QĐ-UBND ngày 31/10/2026</a></td></tr>
<tr><td>30/2026/QĐ-UBND</td><td>14/05/2026</td><td><a href="/vb/30">Quy định về phí, lệ phí</a></td></tr></table>"""
    facts = page(table)
    dates = {i.url.rsplit("/", 1)[1]: i.date for i in facts.items}
    assert dates == {"45": dt.date(2026, 9, 5), "30": dt.date(2026, 5, 14)}


def test_future_and_invalid_dates_never_win() -> None:
    facts = page(
        '<ul class="news"><li><a href="/t1">Kế hoạch năm 2027</a> (16/72/2020)</li>'
        '<li><a href="/t2">Hội nghị</a> <span>Ngày đăng 15/12/2026</span></li>'
        '<li><a href="/t3">Thông báo</a> <span>Ngày đăng 02/02/2022</span></li></ul>'
    )
    assert max(i.date for i in facts.items if i.date) == dt.date(2022, 2, 2)


def test_http_error_status_is_not_found() -> None:
    assert page("<p>Error</p>", status=404).not_found


def test_attachment_takes_date_from_url_or_last_modified() -> None:
    facts = extract_page(
        "https://stc.ninhthuan.gov.vn/documents/2026-10-05/cong-khai.pdf",
        200,
        b"%PDF-1.4",
        content_type="application/pdf",
        as_of=AS_OF,
    )
    assert facts.attachment
    assert facts.page_date == dt.date(2026, 10, 5)
    modified = extract_page(
        "https://stc.ninhthuan.gov.vn/files/bao-cao.xlsx",
        200,
        b"",
        content_type="application/vnd.ms-excel",
        last_modified="Wed, 14 Oct 2026 08:00:00 GMT",
        as_of=AS_OF,
    )
    assert modified.page_date == dt.date(2026, 10, 14)
    assert modified.page_date_signal == "http_last_modified"


@pytest.mark.parametrize("charset", ["base64", "rot13", "hex", "zlib", "uu", "quopri", "idna", "punycode", "undefined"])
@pytest.mark.parametrize("where", ["meta", "header"])
def test_a_charset_that_is_no_text_encoding_is_ignored(charset: str, where: str) -> None:
    meta = f'<meta charset="{charset}">' if where == "meta" else ""
    html = f"<html><head>{meta}<title>Sở Tài chính</title></head><body><h1>Thông báo</h1></body></html>"
    content_type = f"text/html; charset={charset}" if where == "header" else "text/html"
    facts = extract_page("https://stc.gov.vn/", 200, html.encode("utf-8"), content_type=content_type, as_of=AS_OF)
    assert facts.title == "Sở Tài chính"
    assert facts.headings == ("Thông báo",)
