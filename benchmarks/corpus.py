"""A deterministic synthetic provincial portal: agency sites of "/portal/Pages" pages, 30–80 KB each, as files."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import random
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AS_OF", "Corpus", "Site", "generate"]

# The reference date of every audit of the corpus; item dates are drawn relative to it.
AS_OF = dt.date(2026, 11, 1)
# Bump when the page shapes change, so cached corpora are rebuilt.
GENERATOR_VERSION = 5
MIN_PAGES = 20
PAGE_BYTES = (30_000, 80_000)
ITEMS_PER_LIST_PAGE = 12
# Pagination shows every page number up to this many pages, then a window around the current one.
PAGER_WINDOW = 15


@dataclass(frozen=True)
class Site:
    """One generated agency site."""

    agency_id: str
    name: str
    function: str
    host: str
    folder: Path
    pages: int
    bytes: int

    @property
    def url(self) -> str:
        return f"http://{self.host}/"


@dataclass(frozen=True)
class Corpus:
    """A generated portal on disk: one folder per site and the sites.yaml that registers them."""

    root: Path
    sites: tuple[Site, ...]
    sites_yaml: Path

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.sites)

    @property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.sites)


@dataclass(frozen=True)
class _Channel:
    """A list ("kênh tin") of dated items, and where the site links to it."""

    label: str
    slug: str
    weight: int
    placement: str  # menu | banner (image only, alt="") | side | footer
    kind: str  # news | docs | qa
    banner: str = ""


# Labels, slugs and placements as field-notes.md describes real sites (đ dropped from some slugs,
# image-only banners for budget, drafts and statistics, recruitment only in the footer).
_CHANNELS = (
    _Channel("Tin tức - Sự kiện", "Tin-tuc-Su-kien", 30, "menu", "news"),
    _Channel("Chỉ đạo điều hành", "Chi-ao-ieu-hanh", 8, "menu", "news"),
    _Channel("Văn bản quy phạm pháp luật", "Van-ban-QPPL", 8, "banner", "docs", "van ban quy pham phap luat.png"),
    _Channel("Thủ tục hành chính", "Thu-tuc-hanh-chinh", 6, "menu", "docs"),
    _Channel("Hỏi đáp", "Hoi-ap", 5, "menu", "qa"),
    _Channel("Công khai ngân sách", "Cong-khai-ngan-sach", 4, "banner", "docs", "congkhaingansach.jpg"),
    _Channel("Đấu thầu mua sắm công", "au-thau-mua-sam-cong", 4, "side", "news"),
    _Channel("Lấy ý kiến dự thảo", "Lay-y-kien-du-thao", 3, "banner", "docs", "LayYKienDuThao357X50.png"),
    _Channel("Thông tin tuyển dụng", "Tuyen-dung", 3, "footer", "news"),
    _Channel("Thông tin báo cáo thống kê", "Thong-ke", 3, "banner", "docs", "thongtinbaocaothongke.png"),
    _Channel("Dự án mời gọi đầu tư", "Du-an-moi-goi-dau-tu", 3, "side", "news"),
    _Channel("Quy hoạch - Kế hoạch", "Quy-hoach-Ke-hoach", 4, "menu", "docs"),
    _Channel("Phổ biến giáo dục pháp luật", "Pho-bien-giao-duc-phap-luat", 4, "menu", "news"),
    _Channel("Chương trình công tác", "Chuong-trinh-cong-tac", 3, "menu", "news"),
    _Channel("Phí, lệ phí", "Phi-le-phi", 2, "side", "docs"),
    _Channel("Tiếp cận thông tin", "Tiep-can-thong-tin", 2, "side", "docs"),
)
_STATIC = (
    ("Giới thiệu chung", "Gioi-thieu-chung"),
    ("Chức năng, nhiệm vụ", "Chuc-nang-nhiem-vu"),
    ("Cơ cấu tổ chức", "Co-cau-to-chuc"),
    ("Lãnh đạo Sở", "Lanh-ao-So"),
    ("Quá trình hình thành và phát triển", "Qua-trinh-hinh-thanh-va-phat-trien"),
    ("Liên hệ", "Lien-he"),
    ("Sơ đồ cổng", "So-do-cong"),
)
_UNITS = (
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Tổ chức cán bộ",
    "Phòng Quản lý chuyên ngành",
    "Phòng Pháp chế",
    "Trung tâm Dịch vụ công",
    "Trung tâm Thông tin và Truyền thông",
    "Chi cục Quản lý thị trường",
    "Ban Quản lý dự án",
)
_FUNCTIONS = (
    ("planning_investment", "Sở Kế hoạch và Đầu tư"),
    ("finance", "Sở Tài chính"),
    ("natural_resources_environment", "Sở Tài nguyên và Môi trường"),
    ("construction", "Sở Xây dựng"),
    ("industry_trade", "Sở Công Thương"),
    ("agriculture", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("transport", "Sở Giao thông vận tải"),
    ("information_communications", "Sở Thông tin và Truyền thông"),
    ("home_affairs", "Sở Nội vụ"),
    ("justice", "Sở Tư pháp"),
    ("health", "Sở Y tế"),
    ("education", "Sở Giáo dục và Đào tạo"),
    ("labour_social_affairs", "Sở Lao động - Thương binh và Xã hội"),
    ("culture_sports_tourism", "Sở Văn hóa, Thể thao và Du lịch"),
    ("science_technology", "Sở Khoa học và Công nghệ"),
    ("foreign_affairs", "Sở Ngoại vụ"),
    ("inspectorate", "Thanh tra tỉnh"),
)
_TOPICS = (
    "cải cách hành chính",
    "chuyển đổi số",
    "phòng, chống thiên tai",
    "xây dựng nông thôn mới",
    "phát triển kinh tế biển",
    "an toàn vệ sinh thực phẩm",
    "quản lý đất đai",
    "bảo vệ môi trường",
    "phòng cháy, chữa cháy",
    "giải ngân vốn đầu tư công",
    "thu hút đầu tư",
    "giảm nghèo bền vững",
    "năng lượng tái tạo",
    "phát triển du lịch",
    "giáo dục nghề nghiệp",
    "chăm sóc sức khỏe nhân dân",
    "quản lý tài nguyên nước",
    "phát triển hợp tác xã",
    "an toàn giao thông",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "thực hiện dân chủ ở cơ sở",
    "phòng, chống tham nhũng",
    "dịch vụ công trực tuyến",
    "ứng dụng công nghệ thông tin",
    "chương trình mục tiêu quốc gia",
)
_PLACES = (
    "thành phố Phan Rang - Tháp Chàm",
    "huyện Ninh Hải",
    "huyện Ninh Phước",
    "huyện Ninh Sơn",
    "huyện Bác Ái",
    "huyện Thuận Bắc",
    "huyện Thuận Nam",
    "xã Phước Dinh",
    "xã Vĩnh Hải",
    "phường Đô Vinh",
)
_PEOPLE = ("Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thị Hoa", "Đặng Quốc Bảo", "Võ Thị Mai")
_EXTERNAL = (
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Cổng thông tin điện tử tỉnh", "https://www.ninhthuan.gov.vn/"),
    ("Hệ thống văn bản", "https://vbpq.ninhthuan.gov.vn/"),
)
_TITLES = {
    "Tin-tuc-Su-kien": (
        "{org} tổ chức hội nghị sơ kết công tác {topic} 6 tháng đầu năm {year}",
        "Đoàn công tác của {org} kiểm tra công tác {topic} tại {place}",
        "Tập huấn nâng cao năng lực về {topic} cho cán bộ, công chức năm {year}",
        "{org} triển khai nhiệm vụ {topic} trong tình hình mới",
    ),
    "Chi-ao-ieu-hanh": (
        "Công văn số {n}/{abbr} về việc tăng cường {topic}",
        "Thông báo kết luận của Giám đốc Sở tại cuộc họp về {topic}",
        "Chỉ thị về đẩy mạnh {topic} trên địa bàn tỉnh năm {year}",
    ),
    "Van-ban-QPPL": (
        "Quyết định số {n}/{year}/QĐ-UBND ban hành quy định về {topic}",
        "Nghị quyết số {n}/{year}/NQ-HĐND quy định chính sách hỗ trợ {topic}",
    ),
    "Thu-tuc-hanh-chinh": (
        "Công bố danh mục thủ tục hành chính lĩnh vực {topic}",
        "Quy trình nội bộ giải quyết thủ tục hành chính về {topic}",
    ),
    "Hoi-ap": ("Hỏi về thủ tục liên quan đến {topic}", "Xin hỏi về chính sách {topic} tại {place}"),
    "Cong-khai-ngan-sach": (
        "Công khai dự toán ngân sách năm {year}",
        "Công khai tình hình thực hiện dự toán ngân sách quý {q} năm {year}",
        "Công khai quyết toán ngân sách năm {prev}",
    ),
    "au-thau-mua-sam-cong": (
        "Kế hoạch lựa chọn nhà thầu gói thầu mua sắm thiết bị phục vụ {topic}",
        "Thông báo kết quả lựa chọn nhà thầu gói thầu tư vấn {topic}",
    ),
    "Lay-y-kien-du-thao": (
        "Lấy ý kiến dự thảo Quyết định quy định về {topic}",
        "Lấy ý kiến góp ý dự thảo Nghị quyết về {topic}",
    ),
    "Tuyen-dung": ("Thông báo tuyển dụng viên chức năm {year}", "Kết quả xét tuyển công chức đợt {q} năm {year}"),
    "Thong-ke": ("Báo cáo thống kê về {topic} tháng {m} năm {year}", "Số liệu thống kê {topic} quý {q} năm {year}"),
    "Du-an-moi-goi-dau-tu": (
        "Danh mục dự án kêu gọi đầu tư lĩnh vực {topic} năm {year}",
        "Thông tin dự án mời gọi đầu tư tại {place}",
    ),
    "Quy-hoach-Ke-hoach": (
        "Kế hoạch thực hiện {topic} giai đoạn 2021-2025",
        "Kế hoạch {topic} năm {year}",
    ),
    "Pho-bien-giao-duc-phap-luat": (
        "Tuyên truyền, phổ biến pháp luật về {topic}",
        "Hội nghị phổ biến, giáo dục pháp luật về {topic} tại {place}",
    ),
    "Chuong-trinh-cong-tac": ("Chương trình công tác tháng {m} năm {year}", "Lịch công tác tuần {w} năm {year}"),
    "Phi-le-phi": ("Biểu mức thu phí, lệ phí trong lĩnh vực {topic}", "Quy định mức thu lệ phí về {topic}"),
    "Tiep-can-thong-tin": (
        "Danh mục thông tin phải được công khai năm {year}",
        "Đầu mối cung cấp thông tin về {topic}",
    ),
}
_SENTENCES = (
    "Thực hiện Quyết định số {n}/QĐ-UBND ngày {d}/{m}/{year} của Ủy ban nhân dân tỉnh, {org} đã chủ động xây dựng kế hoạch triển khai công tác {topic} trên địa bàn.",  # noqa: E501
    "Trong 6 tháng đầu năm {year}, toàn ngành đã hoàn thành {pct}% chỉ tiêu kế hoạch đề ra, tăng {small}% so với cùng kỳ năm trước.",  # noqa: E501
    "Phát biểu tại hội nghị, đồng chí {person} đề nghị các phòng, đơn vị trực thuộc tiếp tục đẩy mạnh {topic}, gắn với trách nhiệm của người đứng đầu.",  # noqa: E501
    "Theo báo cáo, đến ngày {d}/{m}/{year} đã có {n} hồ sơ được tiếp nhận và giải quyết đúng hạn, đạt tỷ lệ {pct}%.",
    "Đoàn công tác đã làm việc với Ủy ban nhân dân {place} về tình hình triển khai {topic} và tháo gỡ khó khăn, vướng mắc.",  # noqa: E501
    "Kỷ niệm {n} năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/{year}), {org} đã tổ chức thăm hỏi, tặng quà các gia đình chính sách.",  # noqa: E501
    "Căn cứ Nghị định số {n}/{year}/NĐ-CP ngày {d}/{m}/{year} của Chính phủ, các cơ quan, đơn vị rà soát, cập nhật quy trình nội bộ về {topic}.",  # noqa: E501
    "Hội nghị đã thống nhất các giải pháp trọng tâm trong thời gian tới, trong đó chú trọng {topic} và nâng cao chất lượng phục vụ người dân, doanh nghiệp.",  # noqa: E501
    "Kinh phí thực hiện từ nguồn ngân sách tỉnh năm {year} là {money} triệu đồng, được phân bổ cho {small} đơn vị.",
    "Các đơn vị báo cáo kết quả thực hiện về {org} trước ngày {d} tháng {m} năm {year} để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",  # noqa: E501
    "Năm {year}, tỉnh đặt mục tiêu {pct}% hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến toàn trình.",
    "Ý kiến góp ý xin gửi về {org}, địa chỉ số {small} đường 16 tháng 4, {place}, hoặc qua thư điện tử trước ngày {d}/{m}/{year}.",  # noqa: E501
)
# Where a page takes the text that brings it to its drawn size.
_PAD = "<!--pad-->"
_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def _fold(text: str) -> str:
    """ASCII letters only, as slugs are written (đ becomes d)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _slug(text: str, words: int = 10) -> str:
    parts = "".join(c if c.isalnum() else " " for c in _fold(text)).split()
    return "-".join(p.capitalize() for p in parts[:words])


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class _Item:
    """An article: a dated page in one channel."""

    channel: _Channel
    title: str
    date: dt.datetime
    url: str
    number: str


class _SiteBuilder:
    """Writes one site's pages; every random choice comes from the site's own seeded generator."""

    def __init__(self, index: int, pages: int, seed: int, folder: Path) -> None:
        self.index = index
        self.rng = random.Random(f"{seed}/{index}")  # noqa: S311 - synthetic content, not security
        function, name = _FUNCTIONS[index % len(_FUNCTIONS)]
        self.function = function
        self.name = f"{name} (mô phỏng {index + 1:02d})"
        self.abbr = "S" + "".join(w[0] for w in _fold(name).split()[1:] if w[0].isupper())
        self.host = f"s{index + 1:02d}.bench.gov.vn"
        self.folder = folder
        self.entities = index % 5 == 0  # some sites write Vietnamese as HTML entities
        self.pages_target = pages
        self.bytes = 0
        self.written = 0
        self.channels, counts, self.units = self._plan(pages)
        self.items = {c.slug: self._items(c, n) for c, n in zip(self.channels, counts, strict=True)}
        self.latest = sorted((i for items in self.items.values() for i in items), key=lambda i: i.date, reverse=True)

    # ---- plan -------------------------------------------------------------------------------------

    def _plan(self, pages: int) -> tuple[tuple[_Channel, ...], list[int], int]:
        """Channels, items per channel and extra unit pages so that the site has exactly ``pages`` pages."""
        n_channels = min(len(_CHANNELS), max(3, (pages - 8) // 4))
        channels = _CHANNELS[:n_channels]
        weights = [c.weight for c in channels]
        fixed = 1 + len(_STATIC)

        def split(articles: int) -> list[int]:
            counts = [max(1, articles * w // sum(weights)) for w in weights]
            counts[0] += articles - sum(counts)
            return counts

        def total(counts: list[int]) -> int:
            return fixed + sum(counts) + sum(math.ceil(n / ITEMS_PER_LIST_PAGE) for n in counts)

        articles = pages
        while articles > n_channels and (split(articles)[0] < 1 or total(split(articles)) > pages):
            articles -= 1
        counts = split(articles)
        units = pages - total(counts)
        if units < 0:
            raise ValueError(f"{pages} pages per site is too few; use at least {MIN_PAGES}")
        return channels, counts, units

    def _items(self, channel: _Channel, count: int) -> list[_Item]:
        rng = self.rng
        # Most channels are current; some sites let one go stale for years, as real sites do.
        stale = rng.random() < 0.15 and channel.slug != "Tin-tuc-Su-kien"
        gap = {"Tin-tuc-Su-kien": 2.5}.get(channel.slug, 20.0)
        when = dt.datetime.combine(AS_OF, dt.time(8, 0)) - dt.timedelta(days=rng.uniform(0.5, 6))
        if stale:
            when -= dt.timedelta(days=rng.randint(900, 2000))
        items = []
        for _ in range(count):
            when -= dt.timedelta(days=rng.expovariate(1 / gap), minutes=rng.randint(0, 600))
            title = self._fill(rng.choice(_TITLES[channel.slug]), when.date())
            ident = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
            url = f"/portal/Pages/{when.year}-{when.month}-{when.day}/{_slug(title)}-{ident}.aspx"
            number = f"{rng.randint(10, 2999)}/{self.abbr}"
            items.append(_Item(channel, title, when, url, number))
        return items

    def _fill(self, template: str, day: dt.date) -> str:
        rng = self.rng
        return template.format(
            org=self.name.split(" (")[0],
            topic=rng.choice(_TOPICS),
            place=rng.choice(_PLACES),
            person=rng.choice(_PEOPLE),
            year=day.year,
            prev=day.year - 1,
            q=(day.month - 1) // 3 + 1,
            m=day.month,
            d=rng.randint(1, 28),
            w=day.isocalendar()[1],
            n=rng.randint(10, 2999),
            abbr=self.abbr,
            pct=rng.randint(60, 99),
            small=rng.randint(2, 40),
            money=f"{rng.randint(100, 90000):,}".replace(",", "."),
        )

    # ---- text -------------------------------------------------------------------------------------

    def _text(self, text: str) -> str:
        escaped = _esc(text)
        if self.entities:
            return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii").replace("&#224;", "&agrave;")
        return escaped

    def _paragraph(self, day: dt.date, sentences: int = 4) -> str:
        return (
            "<p>"
            + " ".join(self._text(self._fill(self.rng.choice(_SENTENCES), day)) for _ in range(sentences))
            + "</p>"
        )

    @staticmethod
    def _posted(when: dt.datetime) -> str:
        clock = when.strftime("%I:%M %p")
        return f"Ngày đăng {when:%d/%m/%Y} | {clock}"

    # ---- layout -----------------------------------------------------------------------------------

    def _list_url(self, channel: _Channel, page: int = 1) -> str:
        base = f"/portal/KenhTin/{channel.slug}.aspx"
        return base if page == 1 else f"{base}?Page={page}"

    def _header(self, title: str) -> str:
        today = AS_OF
        menu = []
        intro = "".join(f'<li><a href="/portal/Pages/{s}.aspx">{_esc(t)}</a></li>' for t, s in _STATIC[:5])
        menu.append(
            f'<li class="dropdown"><a href="/portal/Pages/Gioi-thieu-chung.aspx">Giới thiệu</a><ul>{intro}</ul></li>'
        )
        for channel in self.channels:
            if channel.placement == "menu":
                menu.append(f'<li><a href="{self._list_url(channel)}">{_esc(channel.label)}</a></li>')
        menu.append('<li><a href="/portal/Pages/Lien-he.aspx">Liên hệ</a></li>')
        return (
            '<!DOCTYPE html>\n<html lang="vi" dir="ltr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)} - {_esc(self.name)}</title>"
            '<link rel="stylesheet" href="/portal/_layouts/15/styles/portal.css">'
            '<link rel="shortcut icon" href="/portal/Style%20Library/favicon.ico">'
            "<script>var _spPageContextInfo={webServerRelativeUrl:'/portal',currentLanguage:1066,"
            "siteClientTag:'0$$16.0.5378.1000'};function startClock(){var d=new Date();"
            "document.getElementById('clock').innerHTML=d.toLocaleTimeString('vi-VN');"
            "setTimeout(startClock,1000);}</script></head>"
            '<body onload="startClock()"><form method="post" action="./Default.aspx" id="aspnetForm">'
            '<div id="s4-workspace"><div id="header" class="container">'
            '<a href="/"><img src="/portal/Style%20Library/images/banner.png" alt="" class="banner"></a>'
            f'<div class="site-name">{_esc(self.name)}</div><div class="today">'
            f'{_WEEKDAYS[today.weekday()]}, {today:%d/%m/%Y} <span id="clock"></span></div>'
            '<div class="search"><input type="text" name="k" placeholder="Tìm kiếm..."></div></div>'
            '<nav id="menu" class="navbar"><ul class="nav">'
            '<li class="home"><a href="/">Trang chủ</a></li>' + "".join(menu) + "</ul></nav>"
        )

    def _left(self) -> str:
        rng = self.rng
        boxes = ['<div class="box"><h3 class="box-title">Tin mới</h3><ul>']
        for item in self.latest[:6]:
            boxes.append(
                f'<li><a href="{item.url}">{self._text(item.title)}</a> <span>({item.date:%d/%m/%Y})</span></li>'
            )
        boxes.append("</ul></div>")
        for channel in self.channels:
            if channel.placement == "banner":
                boxes.append(
                    f'<div class="banner-item"><a href="{self._list_url(channel)}">'
                    f'<img src="/portal/Photos/banner/{channel.banner.replace(" ", "%20")}" alt=""></a></div>'
                )
        options = "".join(f'<option value="{u}">{_esc(t)}</option>' for t, u in _EXTERNAL)
        boxes.append(f'<div class="box"><h3 class="box-title">Liên kết website</h3><select>{options}</select></div>')
        boxes.append(
            f'<div class="box counter"><h3 class="box-title">Thống kê truy cập</h3>'
            f"<p>Đang truy cập: {rng.randint(5, 90)}</p><p>Tổng lượt truy cập: {rng.randint(10**5, 10**7):,}</p></div>"
        )
        return '<div id="left" class="col-md-3">' + "".join(boxes) + "</div>"

    def _right(self) -> str:
        parts = ['<div id="right" class="col-md-3">']
        side = [c for c in self.channels if c.placement == "side"]
        if side:
            parts.append('<div class="box"><h3 class="box-title">Chuyên mục</h3><ul>')
            parts += [f'<li><a href="{self._list_url(c)}">{_esc(c.label)}</a></li>' for c in side]
            parts.append("</ul></div>")
        parts.append('<div class="box"><h3 class="box-title">Liên kết</h3><ul>')
        parts += [f'<li><a href="{u}" target="_blank">{_esc(t)}</a></li>' for t, u in _EXTERNAL[:3]]
        parts.append("</ul></div></div>")
        return "".join(parts)

    def _footer(self) -> str:
        footer = [c for c in self.channels if c.placement == "footer"]
        links = "".join(f'<a href="{self._list_url(c)}">{_esc(c.label)}</a> | ' for c in footer)
        return (
            '<div id="footer" class="container"><div class="links">'
            f'{links}<a href="/portal/Pages/So-do-cong.aspx">Sơ đồ cổng</a> | '
            '<a href="/portal/Pages/Lien-he.aspx">Liên hệ</a></div>'
            f"<p>Cơ quan chủ quản: {_esc(self.name)}. Địa chỉ: số 12 đường 16 tháng 4, "
            "thành phố Phan Rang - Tháp Chàm, tỉnh Ninh Thuận. Điện thoại: 0259.3822.xxx.</p>"
            "<p>Ghi rõ nguồn khi phát hành lại thông tin từ trang này.</p></div></div></form></body></html>\n"
        )

    def _carousel(self, items: list[_Item]) -> str:
        calls = "".join(
            f"addItem('{_esc(i.title)}','{i.url}','{i.date:%d/%m/%Y}','/portal/Photos/{i.date:%Y-%m-%d}/anh.jpg');"
            for i in items
        )
        script = f"var slides=[];function addItem(t,u,d,i){{slides.push([t,u,d,i]);}}{calls}"
        return f'<div id="carousel"></div><script>{script}</script>'

    def _breadcrumb(self, *trail: tuple[str, str]) -> str:
        crumbs = ['<a href="/">Trang chủ</a>'] + [f'<a href="{u}">{_esc(t)}</a>' for t, u in trail]
        return '<div class="breadcrumb">' + " &gt; ".join(crumbs) + "</div>"

    def _page(self, title: str, breadcrumb: str, main: str, pad_day: dt.date) -> str:
        """Assemble a page; article text fills the main column at ``_PAD`` up to a size drawn from PAGE_BYTES."""
        target = self.rng.randint(*PAGE_BYTES)
        head, left, right, foot = self._header(title), self._left(), self._right(), self._footer()
        size = sum(len(p.encode("utf-8")) for p in (head, left, right, foot, breadcrumb, main)) + 80
        padding: list[str] = []
        while size < target:
            paragraph = self._paragraph(pad_day)
            size += len(paragraph.encode("utf-8"))
            padding.append(paragraph)
        return (
            f'{head}<div id="content" class="container">{left}<div id="main" class="col-md-6">'
            f"{breadcrumb}{main.replace(_PAD, ''.join(padding))}</div>{right}</div>{foot}"
        )

    # ---- pages ------------------------------------------------------------------------------------

    def _write(self, url_path: str, text: str) -> None:
        relative = url_path.lstrip("/")
        if not relative or relative.endswith("/"):
            relative += "index.html"
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        self.bytes += len(data)
        self.written += 1

    def _home(self) -> str:
        main = ['<div class="featured"><h2>Tin nổi bật</h2>', self._carousel(self.latest[:8])]
        for item in self.latest[:5]:
            main.append(
                f'<div class="hot"><a href="{item.url}">'
                f'<img src="/portal/Photos/{item.date:%Y-%m-%d}/anh-{item.number[:3]}.jpg" '
                f'alt="{_esc(item.title)}"></a><h3><a href="{item.url}">{self._text(item.title)}</a></h3>'
                f'<span class="date">{self._posted(item.date)}</span>{self._paragraph(item.date.date(), 2)}</div>'
            )
        main.append("</div>")
        for channel in self.channels:
            items = self.items[channel.slug][:3]
            main.append(
                f'<div class="box-cat"><h2><a href="{self._list_url(channel)}">'
                f"{_esc(channel.label.upper())}</a></h2><ul>"
            )
            main += [
                f'<li><a href="{i.url}">{self._text(i.title)}</a> <span class="date">({i.date:%d/%m/%Y})</span></li>'
                for i in items
            ]
            main.append("</ul></div>")
        main.append(f'<div class="box-more"><h2>Điểm tin</h2>{_PAD}</div>')
        return self._page("Trang chủ", "", "".join(main), AS_OF)

    def _static(self, title: str, slug: str) -> str:
        body = [f"<h1>{_esc(title)}</h1>"]
        if slug == "So-do-cong":
            body.append('<ul class="sitemap">')
            body += [f'<li><a href="/portal/Pages/{s}.aspx">{_esc(t)}</a></li>' for t, s in _STATIC if s != slug]
            body += [f'<li><a href="{self._list_url(c)}">{_esc(c.label)}</a></li>' for c in self.channels]
            body.append("</ul>")
        elif slug == "Co-cau-to-chuc":
            body.append('<ul class="units">')
            body += [
                f'<li><a href="/portal/Pages/Don-vi-{u + 1}.aspx">{_esc(_UNITS[u % len(_UNITS)])}</a></li>'
                for u in range(self.units)
            ]
            body.append("</ul>")
        elif slug == "Lanh-ao-So":
            body += [f"<div class='leader'><b>{_esc(p)}</b> - Phó Giám đốc Sở</div>" for p in _PEOPLE[:4]]
        body.append(_PAD)
        crumb = self._breadcrumb(("Giới thiệu", "/portal/Pages/Gioi-thieu-chung.aspx"))
        return self._page(title, crumb, "".join(body), AS_OF)

    def _unit(self, number: int) -> str:
        title = _UNITS[(number - 1) % len(_UNITS)]
        head = f"Trưởng phòng: {_esc(self.rng.choice(_PEOPLE))}. Điện thoại: 0259.38{number:05d}."
        main = f"<h1>{_esc(title)}</h1><p>{head}</p>{_PAD}"
        return self._page(title, self._breadcrumb(("Cơ cấu tổ chức", "/portal/Pages/Co-cau-to-chuc.aspx")), main, AS_OF)

    def _pager(self, channel: _Channel, page: int, last: int) -> str:
        if last == 1:
            return ""
        if last <= PAGER_WINDOW:
            numbers = range(1, last + 1)
        else:
            start = max(1, min(page - PAGER_WINDOW // 2, last - PAGER_WINDOW + 1))
            numbers = range(start, start + PAGER_WINDOW)
        parts = [f'<a href="{self._list_url(channel, 1)}">Đầu tiên</a>']
        if page > 1:
            parts.append(f'<a href="{self._list_url(channel, page - 1)}">Trước</a>')
        for n in numbers:
            parts.append(f"<span>{n}</span>" if n == page else f'<a href="{self._list_url(channel, n)}">{n}</a>')
        if page < last:
            parts.append(f'<a href="{self._list_url(channel, page + 1)}">Tiếp</a>')
        parts.append(f'<a href="{self._list_url(channel, last)}">Cuối cùng</a>')
        return '<div class="pager">' + " ".join(parts) + "</div>"

    def _list_item(self, item: _Item) -> str:
        title = self._text(item.title)
        if item.channel.kind == "qa":
            asker = self.rng.choice(_PEOPLE)
            return (
                f'<div class="qa-item"><h3><a href="{item.url}">{title}</a></h3>'
                f'<div class="asker">{_esc(asker)} ({item.date:%d/%m/%Y %H:%M})</div>'
                f"{self._paragraph(item.date.date(), 2)}</div>"
            )
        if item.channel.kind == "docs":
            file_name = item.number.replace("/", "-") + ".pdf"
            return (
                f"<tr><td>{_esc(item.number)}</td><td>{item.date:%d/%m/%Y}</td>"
                f'<td><a href="{item.url}">{title}</a></td>'
                f'<td><a href="/portal/Attachments/{item.date:%Y}/{file_name}">Tải về</a></td></tr>'
            )
        label = "Ng&agrave;y đăng" if self.entities else "Ngày đăng"
        return (
            f'<div class="news-item"><a href="{item.url}">'
            f'<img src="/portal/Photos/{item.date:%Y-%m-%d}/anh.jpg" alt=""></a>'
            f'<h3><a href="{item.url}">{title}</a></h3><span class="date">{label} {item.date:%d/%m/%Y} | '
            f"{item.date:%I:%M %p}</span>{self._paragraph(item.date.date(), 2)}</div>"
        )

    def _list_page(self, channel: _Channel, page: int, last: int) -> str:
        items = self.items[channel.slug][(page - 1) * ITEMS_PER_LIST_PAGE : page * ITEMS_PER_LIST_PAGE]
        rows = "".join(self._list_item(i) for i in items)
        if channel.kind == "docs":
            heading = "<tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th><th>Tệp</th></tr>"
            rows = f'<table class="doc-list">{heading}{rows}</table>'
        pager = self._pager(channel, page, last)
        intro = f'<div class="cat-intro"><h3>Giới thiệu chuyên mục</h3>{_PAD}</div>'
        main = f'<h1 class="cat-title">{_esc(channel.label)}</h1>{rows}{pager}{intro}'
        crumb = self._breadcrumb((channel.label, self._list_url(channel)))
        return self._page(channel.label, crumb, main, items[-1].date.date() if items else AS_OF)

    def _article(self, item: _Item, siblings: list[_Item]) -> str:
        day = item.date.date()
        main = [
            f'<div class="article"><h1 class="title">{self._text(item.title)}</h1>',
            f'<div class="date">{self._posted(item.date)}</div>',
            f'<div class="lead"><strong>{self._paragraph(day, 2)}</strong></div>',
            f'<p class="img"><img src="/portal/Photos/{item.date:%Y-%m-%d}/{_slug(item.title, 5)}.jpg" '
            f'alt="{_esc(item.title)}"></p>',
            self._paragraph(day, 5),
            _PAD,
        ]
        if item.channel.kind == "docs":
            file_name = item.number.replace("/", "-") + ".pdf"
            main.append(
                f'<p>Tệp đính kèm: <a href="/portal/Attachments/{day:%Y}/{file_name}">{_esc(file_name)}</a></p>'
            )
        main.append(
            f'<div class="author">{_esc(self.rng.choice(_PEOPLE))}</div></div>'
            '<div class="related"><h3>Tin liên quan</h3><ul>'
        )
        main += [f'<li><a href="{s.url}">{self._text(s.title)}</a> ({s.date:%d/%m/%Y})</li>' for s in siblings]
        main.append("</ul></div>")
        crumb = self._breadcrumb((item.channel.label, self._list_url(item.channel)))
        return self._page(item.title, crumb, "".join(main), day)

    def build(self) -> Site:
        self._write("/", self._home())
        for title, slug in _STATIC:
            self._write(f"/portal/Pages/{slug}.aspx", self._static(title, slug))
        for number in range(1, self.units + 1):
            self._write(f"/portal/Pages/Don-vi-{number}.aspx", self._unit(number))
        for channel in self.channels:
            items = self.items[channel.slug]
            last = max(1, math.ceil(len(items) / ITEMS_PER_LIST_PAGE))
            for page in range(1, last + 1):
                path = (
                    f"/portal/KenhTin/{channel.slug}.aspx"
                    if page == 1
                    else f"/portal/KenhTin/{channel.slug}/Page{page}.aspx"
                )
                self._write(path, self._list_page(channel, page, last))
            for position, item in enumerate(items):
                siblings = [s for s in items[max(0, position - 3) : position + 4] if s is not item][:6]
                self._write(item.url, self._article(item, siblings))
            if channel.kind == "docs":
                for item in items:
                    self._write_attachment(item)
        self.folder.joinpath("robots.txt").write_text("User-agent: *\nDisallow: /portal/_layouts/\n", encoding="ascii")
        if self.written != self.pages_target:
            raise AssertionError(f"{self.host}: planned {self.pages_target} pages, wrote {self.written}")
        return Site(
            agency_id=f"s{self.index + 1:02d}",
            name=self.name,
            function=self.function,
            host=self.host,
            folder=self.folder,
            pages=self.pages_target,
            bytes=self.bytes,
        )

    def _write_attachment(self, item: _Item) -> None:
        """A tiny PDF-like stand-in: linked as "Tải về", never read as a page by either crawler."""
        file_name = item.number.replace("/", "-") + ".pdf"
        target = self.folder / "portal" / "Attachments" / f"{item.date:%Y}" / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(
            b"%PDF-1.4\n% benchmark placeholder for " + _fold(item.title).encode("ascii", "ignore") + b"\n%%EOF\n"
        )


def _sites_yaml(sites: tuple[Site, ...]) -> str:
    lines = [
        "# Generated by benchmarks/corpus.py: the synthetic portal of the benchmark. Do not edit.",
        "province: {id: ninhthuan, name: Ninh Thuận (mô phỏng)}",
        "agencies:",
    ]
    for site in sites:
        lines += [
            f"  - id: {site.agency_id}",
            f"    name: {json.dumps(site.name, ensure_ascii=False)}",
            "    type: department",
            f"    functions: [{site.function}]",
            f"    url: {site.url}",
        ]
    return "\n".join(lines) + "\n"


def generate(root: Path, sites: int, pages: int, seed: int = 20261101) -> Corpus:
    """Build (or reuse, when the same parameters built it before) a corpus of ``sites`` × ``pages`` pages."""
    if pages < MIN_PAGES:
        raise ValueError(f"at least {MIN_PAGES} pages per site")
    key = f"v{GENERATOR_VERSION}-{sites}x{pages}-{seed}"
    folder = root / f"corpus-{sites}x{pages}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            built = tuple(Site(**{**s, "folder": Path(s["folder"])}) for s in data["sites"])
            return Corpus(folder, built, folder / "sites.yaml")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    built = tuple(_SiteBuilder(i, pages, seed, folder / f"s{i + 1:02d}").build() for i in range(sites))
    sites_yaml = folder / "sites.yaml"
    sites_yaml.write_text(_sites_yaml(built), encoding="utf-8")
    records = [{**s.__dict__, "folder": str(s.folder)} for s in built]
    manifest.write_text(json.dumps({"key": key, "sites": records}, ensure_ascii=False), encoding="utf-8")
    return Corpus(folder, built, sites_yaml)
