"""What every platform shares: URL assignment, link places, list and article bodies, routes."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar, cast

from auditor.sample.agencies import short_name
from auditor.sample.categories import MENU_GROUPS
from auditor.sample.content import Item
from auditor.sample.plan import (
    FOOTER,
    HEADER,
    HOME_BOX,
    IMAGE_ONLY,
    MENU,
    OFFSITE,
    OPAQUE,
    SIDE_IMAGE,
    SIDE_TEXT,
    SITEMAP,
    SLUG_ICON,
    CategoryPlan,
    SitePlan,
)
from auditor.sample.statics import static_body, unit_title
from auditor.sample.text import ascii_fold, e, fmt_dmy, fmt_dmy_hm, rng_for, seed_int, slugify
from auditor.sample.web import (
    Handler,
    Response,
    file_response,
    page_response,
    route_key,
    text_response,
)

__all__ = ["Crumb", "Link", "MenuGroup", "Platform", "per_site"]

Crumb = tuple[str, str | None]
_P = TypeVar("_P", bound="Platform")
_T = TypeVar("_T")


def per_site(method: Callable[[_P], _T]) -> Callable[[_P], _T]:
    """Compute a layout block once per site: menus and side boxes are the same on every page."""
    name = method.__name__

    @functools.wraps(method)
    def once(self: _P) -> _T:
        if name not in self.blocks:
            self.blocks[name] = method(self)
        return cast(_T, self.blocks[name])

    return once


@dataclass(frozen=True)
class Link:
    """An anchor: text, or an image whose alt and file name may be the only clues."""

    href: str
    text: str
    image: str = ""
    alt: str = ""
    external: bool = False


@dataclass(frozen=True)
class MenuGroup:
    """A top-menu entry and its dropdown."""

    label: str
    href: str
    children: tuple[Link, ...]


# Banners every government site carries, pointing to other hosts.
_OFFSITE_BANNERS = (
    ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", "dvcqg.png", "Cổng Dịch vụ công quốc gia"),
    ("https://chinhphu.vn/", "cttdtcp.png", "Cổng Thông tin điện tử Chính phủ"),
    ("https://baoninhthuan.com.vn/", "baoninhthuan.jpg", "Báo Ninh Thuận"),
)
# Inline theme rules most home pages carry; they also give the page its real-world weight.
_HOME_CSS = "".join(
    f".{block} .{part}{{margin:{n % 4 * 2}px 0;padding:{n % 3 * 3}px {n % 5 * 2}px;font-size:{12 + n % 4}px;"
    f"line-height:{18 + n % 6}px;color:#{(n * 2654435761) % 0xFFFFFF:06x};border-bottom:1px solid #e{n % 10}e{n % 10}e{n % 10}}}"
    for n, (block, part) in enumerate(
        (b, p)
        for b in ("box-home", "tin-noibat", "news-list", "poll", "weather", "hotline", "video", "tieudiem")
        for p in ("box-title", "item", "more", "date", "sapo", "img")
    )
)
_EMPTY_TEXTS = {
    "empty_updating": "Nội dung đang được cập nhật",
    "empty_nodata": "Chưa có dữ liệu",
}


class Platform:
    """Base of the seven platforms; subclasses give URL shapes, markup and error behaviour."""

    name: ClassVar[str] = ""
    server: ClassVar[str] = "nginx"
    case_insensitive: ClassVar[bool] = False
    per_page: ClassVar[int] = 5
    uid_base: ClassVar[int] = 1000
    uid_step: ClassVar[int] = 7
    # Whether list items and article pages of this platform show "Các tin khác" with dates.
    related_with_dates: ClassVar[bool] = True

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan
        self.agency = plan.agency
        self.host = plan.agency.host
        self.options = plan.spec.options
        # URLs of each category's own pages (list pages, articles, files), filled by build_routes.
        self.category_pages: dict[str, tuple[str, ...]] = {}
        self.blocks: dict[str, object] = {}  # see per_site
        for cp in plan.categories.values():
            self._assign(cp)

    # ----- URL shapes (overridden per platform) -----
    def home_path(self) -> str:
        return "/"

    def category_path(self, cp: CategoryPlan) -> str:
        raise NotImplementedError

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        raise NotImplementedError

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        raise NotImplementedError

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        raise NotImplementedError

    def image_src(self, name: str) -> str:
        raise NotImplementedError

    def sitemap_path(self) -> str:
        raise NotImplementedError

    def opaque_path(self, cp: CategoryPlan) -> str:
        return self.category_path(cp)

    def english_path(self) -> str:
        return "/en/"

    def access_form_path(self) -> str:
        return "/upload/files/Mau01a_PhieuYeuCauCungCapThongTin.doc"

    # ----- markup (overridden per platform) -----
    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        raise NotImplementedError

    def home_main(self) -> str:
        raise NotImplementedError

    def list_date(self, item: Item) -> str:
        """The item's date as this platform prints it in lists."""
        return f"({fmt_dmy(item.day)})"

    def article_date(self, item: Item) -> str:
        """The item's date as this platform prints it on the article page."""
        return f"Ngày đăng: {fmt_dmy_hm(item.published)}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = f' <span class="date">{e(self.list_date(item))}</span>' if dated else ""
        return (
            f'<li><a href="{e(self.article_path(cp, item))}">{e(item.title)}</a>{date}'
            f'<p class="sapo">{e(item.summary)}</p></li>'
        )

    def pager_html(self, cp: CategoryPlan, page_no: int, pages: int) -> str:
        if pages <= 1:
            return ""
        parts = []
        if page_no > 1:
            parts.append(f'<a href="{e(self._page_href(cp, 1))}">Đầu tiên</a>')
            parts.append(f'<a href="{e(self._page_href(cp, page_no - 1))}">Trước</a>')
        for n in range(1, pages + 1):
            parts.append(
                f'<span class="current">{n}</span>'
                if n == page_no
                else f'<a href="{e(self._page_href(cp, n))}">{n}</a>'
            )
        if page_no < pages:
            parts.append(f'<a href="{e(self._page_href(cp, page_no + 1))}">Tiếp</a>')
            parts.append(f'<a href="{e(self._page_href(cp, pages))}">Cuối cùng</a>')
        return '<div class="pager">' + " ".join(parts) + "</div>"

    def not_found_main(self) -> str:
        return (
            '<div class="notfound"><h2>Không tìm thấy trang</h2>'
            "<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p>"
            f'<p><a href="{e(self.home_path())}">Quay về trang chủ</a></p></div>'
        )

    def not_found(self, target: str) -> Response:
        """What the platform does with an unknown path (default: 404 inside the layout)."""
        return self.page(
            "Không tìm thấy trang",
            [("Trang chủ", self.home_path()), ("Lỗi", None)],
            self.not_found_main(),
            status=404,
        )

    def soft_404(self, cp: CategoryPlan) -> Response:
        """A dead link answered with status 200 and a not-found message inside the layout."""
        return self.page(
            "Không tìm thấy trang",
            [("Trang chủ", self.home_path()), ("Thông báo", None)],
            self.not_found_main(),
        )

    def error_500(self) -> Response:
        body = (
            "<!DOCTYPE html><html><head><title>Lỗi hệ thống</title></head><body>"
            "<h1>500 - Internal Server Error</h1><p>Đã có lỗi xảy ra. Vui lòng thử lại sau.</p>"
            "</body></html>"
        )
        return page_response(body, last_modified=None, server=self.server, status=500)

    def robots_txt(self) -> str:
        lines = ["User-agent: *", "Disallow: /admin/"]
        return "\n".join(lines) + "\n"

    def robots_body(self) -> str:
        """robots.txt: the platform's stock rules, the site's Crawl-delay and Sitemap lines."""
        if self.plan.spec.site == "robots_disallowed":
            return "User-agent: *\nDisallow: /\n"
        head, _, rules = self.robots_txt().partition("\n")
        if self.options.crawl_delay:
            head += f"\nCrawl-delay: {self.options.crawl_delay:g}"
        text = f"{head}\n{rules}"
        if self.options.sitemap_xml:
            text += f"Sitemap: https://{self.host}/sitemap.xml\n"
        return text

    # ----- shared helpers -----
    def uid(self, item: Item) -> int:
        rank = self.plan.uid_rank[item.key]
        return self.uid_base + rank * self.uid_step + seed_int(self.agency.id, item.key) % self.uid_step

    def article_slug(self, item: Item, *, words: int = 10) -> str:
        return slugify(item.title, max_words=words)

    def _assign(self, cp: CategoryPlan) -> None:
        if cp.target == "none":
            return
        if cp.target == "offsite":
            cp.url = cp.spec.offsite_url or ""
            return
        if cp.id == "legal_documents" and self.options.legal_host:
            cp.url = f"https://{self.options.legal_host}/"
            return
        if cp.id == "english_content":
            cp.path = self.english_path()
        elif OPAQUE in cp.placements:
            cp.path = self.opaque_path(cp)
        else:
            cp.path = self.category_path(cp)
        cp.url = f"https://{self.host}{cp.path}"

    def href(self, cp: CategoryPlan) -> str:
        """How pages of this site link to the category (path, or absolute for other hosts)."""
        return cp.path or cp.url

    def _page_href(self, cp: CategoryPlan, page_no: int) -> str:
        return (cp.path or self.category_path(cp)) if page_no == 1 else self.page_path(cp, page_no)

    def list_base(self, cp: CategoryPlan) -> str:
        """The list's own address (opaque or english paths differ from category_path)."""
        return cp.path or self.category_path(cp)

    @staticmethod
    def add_query(path: str, query: str) -> str:
        return f"{path}{'&' if '?' in path else '?'}{query}"

    def menu_label(self, label: str) -> str:
        return label.upper() if self.options.menu_case == "upper" else label

    def side_label(self, label: str) -> str:
        return ascii_fold(label) if self.options.ascii_side else label

    def anchor(self, link: Link, cls: str = "") -> str:
        attrs = f' class="{cls}"' if cls else ""
        if link.external:
            attrs += ' target="_blank"'
        inner = e(link.text)
        if link.image:
            inner = f'<img src="{e(link.image)}" alt="{e(link.alt)}">' + (f" {inner}" if inner else "")
        return f'<a href="{e(link.href)}"{attrs}>{inner}</a>'

    def text_link(self, cp: CategoryPlan, label: str | None = None) -> Link:
        return Link(self.href(cp), label if label is not None else cp.label, external=cp.target == "offsite")

    @per_site
    def menu_groups(self) -> list[MenuGroup]:
        groups: list[MenuGroup] = []
        for key, group_label in MENU_GROUPS:
            members = [cp for cp in self.plan.linked(MENU) if cp.category.group == key and cp.target != "none"]
            if not members:
                continue
            children = tuple(self.text_link(cp, self.menu_label(cp.label)) for cp in members)
            if len(members) == 1 and key in ("hoidap", "lienhe", "dichvu"):
                groups.append(MenuGroup(children[0].text, children[0].href, ()))
            else:
                groups.append(MenuGroup(self.menu_label(group_label), children[0].href, children))
        return groups

    @per_site
    def side_text_links(self) -> list[Link]:
        links = [self.text_link(cp, self.side_label(cp.label)) for cp in self.plan.linked(SIDE_TEXT)]
        links += [self.text_link(cp, self.side_label(cp.label)) for cp in self.plan.linked(OFFSITE)]
        return links

    @per_site
    def banner_links(self) -> list[Link]:
        """Side banners: labelled ones, image-only ones, meaningless icons, opaque ones."""
        links: list[Link] = []
        for cp in self.plan.categories.values():
            if SIDE_IMAGE in cp.placements:
                links.append(Link(self.href(cp), "", self.image_src(cp.image), alt=cp.label))
            elif IMAGE_ONLY in cp.placements:
                links.append(Link(self.href(cp), "", self.image_src(cp.image), alt=""))
            elif SLUG_ICON in cp.placements:
                n = seed_int(self.agency.id, cp.id) % 9 + 1
                links.append(Link(self.href(cp), "", self.image_src(f"icon-0{n}.png"), alt=""))
            elif OPAQUE in cp.placements:
                n = seed_int(self.agency.id, cp.id, "bn") % 20 + 3
                links.append(Link(self.href(cp), "", self.image_src(f"bn_{n:02d}.png"), alt=""))
        for href, image, alt in _OFFSITE_BANNERS:
            links.append(Link(href, "", self.image_src(image), alt=alt, external=True))
        return links

    @per_site
    def footer_links(self) -> list[Link]:
        links = [self.text_link(cp) for cp in self.plan.linked(FOOTER)]
        if self.plan.html_sitemap:
            links.append(Link(self.sitemap_path(), self.sitemap_label()))
        return links

    def sitemap_label(self) -> str:
        return "Sơ đồ cổng" if self.agency.type == "provincial_portal" else "Sơ đồ site"

    @per_site
    def english_link(self) -> Link | None:
        cp = self.plan.categories.get("english_content")
        if cp is None or HEADER not in cp.placements or cp.target == "none":
            return None
        style = seed_int(self.agency.id, "flag") % 3
        if style == 0:
            return Link(self.href(cp), "English", self.image_src("flag_en.png"), alt="English")
        if style == 1:
            return Link(self.href(cp), "", self.image_src(cp.image), alt="")
        return Link(self.href(cp), "EN")

    @per_site
    def peer_options(self) -> str:
        options = "".join(
            f'<option value="{e(p.url)}">{e(p.name)}</option>' for p in self.plan.peers if p.id != self.agency.id
        )
        return f'<select onchange="window.open(this.value)"><option value="">-- Liên kết website --</option>{options}</select>'

    def latest_news(self, count: int) -> tuple[Item, ...]:
        return self.plan.news.items[:count]

    def clock_script(self) -> str:
        return (
            "<script>function startTime(){var t=new Date(),d=['Chủ nhật','Thứ hai','Thứ ba','Thứ tư',"
            "'Thứ năm','Thứ sáu','Thứ bảy'];var s=d[t.getDay()]+', '+t.getDate()+'/'+(t.getMonth()+1)+'/'"
            "+t.getFullYear()+' '+t.getHours()+':'+(t.getMinutes()<10?'0':'')+t.getMinutes();"
            "var c=document.getElementById('clock');if(c){c.innerHTML=s;}setTimeout(startTime,1000);}"
            "startTime();</script>"
        )

    def home_extras(self) -> str:
        """Poll, weather, hotline and the usual home-page scripts; they weigh like the real ones."""
        rng = rng_for(self.agency.id, "extras")
        options = ("Rất hài lòng", "Hài lòng", "Bình thường", "Chưa hài lòng")
        poll = "".join(
            f'<p><input type="radio" name="binhchon" value="{n}" id="bc{n}"><label for="bc{n}">{e(o)}</label></p>'
            for n, o in enumerate(options)
        )
        towns = ("Phan Rang - Tháp Chàm", "Ninh Hải", "Ninh Phước", "Ninh Sơn", "Bác Ái", "Thuận Bắc", "Thuận Nam")
        weather = ",".join(
            f'{{"name":"{t}","temp":{rng.randint(26, 35)},"humidity":{rng.randint(55, 85)},"icon":"{rng.choice(("sun", "cloud", "rain"))}"}}'
            for t in towns
        )
        menu_js = (
            "$(document).ready(function(){$('ul.menu li').hover(function(){$(this).children('ul').stop(true,true)"
            ".slideDown(200);},function(){$(this).children('ul').stop(true,true).slideUp(100);});"
            "$('.banner img').each(function(){var w=$(this).width();if(w>230){$(this).css('width','230px');}});"
            "$('#btnTimKiem').click(function(){var k=$('#txtTimKiem').val();if(k.length<2){alert('Vui lòng nhập từ khóa');"
            "return false;}window.location='/tim-kiem?q='+encodeURIComponent(k);return false;});"
            "if(window.localStorage){var n=parseInt(localStorage.getItem('visit')||'0',10)+1;localStorage.setItem('visit',n);}});"
        )
        tracking = f"G-{seed_int(self.agency.id, 'ga') % 10**9:09d}"
        focus = "".join(
            f'<div class="tieudiem"><a href="{e(self.article_path(self.plan.news, i))}">{e(i.title)}</a>'
            f"<p>{e(' '.join(i.paragraphs[:2]))}</p></div>"
            for i in self.latest_news(4)
        )
        return (
            f'<style type="text/css">{_HOME_CSS}</style>'
            f'<div class="box-home focus"><div class="box-title">Tiêu điểm</div>{focus}</div>'
            '<div class="box-home poll"><div class="box-title">Thăm dò ý kiến</div>'
            f"<p>Bạn đánh giá thế nào về nội dung thông tin trên trang?</p>{poll}"
            '<p><input type="button" value="Biểu quyết"> <input type="button" value="Xem kết quả"></p></div>'
            '<div class="box-home weather"><div class="box-title">Thời tiết</div><div id="weather"></div>'
            f'<script type="text/javascript">var weatherData=[{weather}];'
            "function showWeather(i){var w=weatherData[i];document.getElementById('weather').innerHTML="
            "w.name+': '+w.temp+'°C, độ ẩm '+w.humidity+'%';}showWeather(0);</script></div>"
            '<div class="box-home hotline"><div class="box-title">Đường dây nóng</div>'
            f"<p>Tiếp nhận phản ánh: 0259.38{rng.randint(10000, 99999)}</p>"
            f"<p>Hỗ trợ kỹ thuật: 0259.36{rng.randint(10000, 99999)}</p></div>"
            '<div class="box-home video"><div class="box-title">Video clip</div>'
            f'<iframe width="100%" height="200" src="https://www.youtube.com/embed/{tracking[2:13]}" frameborder="0" allowfullscreen></iframe></div>'
            '<div class="box-home"><div class="box-title">Giờ hiện tại</div><div id="dongho"></div></div>'
            "<script>setInterval(function(){var d=new Date();document.getElementById('dongho').innerHTML="
            "d.toLocaleTimeString('vi-VN')+' '+d.toLocaleDateString('vi-VN');},1000);</script>"
            f'<script type="text/javascript">{menu_js}</script>'
            f'<script async src="https://www.googletagmanager.com/gtag/js?id={tracking}"></script>'
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
            f"gtag('js',new Date());gtag('config','{tracking}');</script>"
        )

    @per_site
    def counter_html(self) -> str:
        rng = rng_for(self.agency.id, "counter")
        total = f"{rng.randint(1_200_000, 19_000_000):,}".replace(",", ".")
        return (
            f'<div class="counter"><p>Lượt truy cập: <b>{total}</b></p>'
            f"<p>Đang trực tuyến: <b>{rng.randint(20, 400)}</b></p></div>"
        )

    @per_site
    def footer_text(self) -> str:
        rng = rng_for(self.agency.id, "license")
        return (
            f"<p><b>{e(self.agency.name.upper())}</b></p>"
            f"<p>Chịu trách nhiệm chính: {e(self._head_title())} {e(short_name(self.agency))}</p>"
            f"<p>Giấy phép số {rng.randint(5, 60)}/GP-TTĐT ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2012, 2019)} "
            "của Sở Thông tin và Truyền thông tỉnh Ninh Thuận</p>"
            "<p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>"
        )

    def _head_title(self) -> str:
        return unit_title(self.agency)[0]

    # ----- page bodies -----
    def page(
        self,
        title: str,
        crumbs: list[Crumb],
        main: str,
        *,
        status: int = 200,
        home: bool = False,
    ) -> Response:
        document = self.document(title, crumbs, main, home=home)
        return page_response(
            document,
            last_modified=self.site_modified(),
            server=self.server,
            status=status,
            bom=self.options.bom,
            entities=self.options.entities,
            extra=self.extra_headers(),
        )

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return ()

    def site_modified(self) -> datetime.date:
        """Last-Modified of every page: the site's last publication.

        The CMS regenerates its pages whenever anything is published, so the header says
        nothing about a category's own freshness (as on the real sites).
        """
        return self.plan.news.items[0].day if self.plan.news.items else datetime.date(2023, 3, 9)

    def crumbs_for(self, cp: CategoryPlan) -> list[Crumb]:
        group = dict(MENU_GROUPS).get(cp.category.group, "Chuyên mục")
        if cp.category.group in ("hoidap", "lienhe"):
            return [("Trang chủ", self.home_path()), (cp.label, None)]
        return [("Trang chủ", self.home_path()), (group, None), (cp.label, None)]

    def pages_of(self, cp: CategoryPlan) -> int:
        return max(1, -(-len(cp.items) // self.per_page))

    def is_file_list(self, cp: CategoryPlan) -> bool:
        return "pdf_only_list" in cp.plants or cp.id in ("legal_documents", "official_gazette")

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        if cp.id == "legal_documents":
            return self.doc_table(cp, items)
        if cp.id == "qa_feedback":
            return self.qa_list(cp, items)
        if self.is_file_list(cp):
            return self.file_table(cp, items)
        dated = "undated_list" not in cp.plants
        return '<ul class="news-list">' + "".join(self.item_html(cp, i, dated=dated) for i in items) + "</ul>"

    def doc_table(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        js = "js_dates" in cp.plants
        show_effective = seed_int(self.agency.id, "effective") % 3 == 0
        head = "<tr><th>Số ký hiệu</th>" + ("" if js else "<th>Ngày ban hành</th>")
        head += "<th>Trích yếu</th>" + ("<th>Ngày hiệu lực</th>" if show_effective and not js else "")
        head += "<th>Tải về</th></tr>"
        rows = []
        script = []
        for item in items:
            target = self.article_path(cp, item) if js else self.file_path(cp, item)
            cells = f"<td>{e(item.doc_number or '')}</td>"
            if not js:
                cells += f"<td>{fmt_dmy(item.day)}</td>"
            cells += f'<td><a href="{e(target)}">{e(item.title)}</a></td>'
            if show_effective and not js and item.effective is not None:
                cells += f"<td>{fmt_dmy(item.effective)}</td>"
            cells += f'<td><a href="{e(self.file_path(cp, item))}"><img src="{e(self.image_src("pdf.gif"))}" alt=""></a></td>'
            rows.append(f"<tr>{cells}</tr>")
            if js:
                title = item.title.replace("'", "\\'")
                script.append(
                    f"addItem('{item.doc_number}','{title}','{fmt_dmy(item.day)}','{self.article_path(cp, item)}');"
                )
        table = f'<table class="table vanban"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        if js:
            # The tooltip widget of the document module holds the dates; the table has none.
            table += (
                "<script>var vbItems=[];function addItem(so,ty,ngay,url){vbItems.push({so:so,ty:ty,ngay:ngay,url:url});}"
                + "".join(script)
                + "</script>"
            )
        return table

    def qa_list(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        rows = []
        for item in items:
            rows.append(
                f'<div class="qa-item"><a class="question" href="{e(self.article_path(cp, item))}">{e(item.title)}</a>'
                f'<p class="asker">{e(item.asker or "")} ({fmt_dmy_hm(item.published)})</p>'
                f"<p>{e(item.summary)}</p></div>"
            )
        return '<div class="qa-list">' + "".join(rows) + "</div>"

    def file_table(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        name_dates = "file_name_dates" in cp.plants
        rows = []
        for item in items:
            href = self.file_path(cp, item)
            icon = "xls.gif" if (item.file_name or "").endswith(".xls") else "pdf.gif"
            date_cell = "" if name_dates else f"<td>{e(self.list_date(item))}</td>"
            rows.append(
                f'<tr><td><img src="{e(self.image_src(icon))}" alt=""> <a href="{e(href)}">{e(item.title)}</a></td>'
                f"{date_cell}</tr>"
            )
        head = "<tr><th>Tên tài liệu</th>" + ("" if name_dates else "<th>Ngày đăng</th>") + "</tr>"
        return f'<table class="table files"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'

    def list_main(self, cp: CategoryPlan, page_no: int) -> str:
        start = (page_no - 1) * self.per_page
        items = cp.items[start : start + self.per_page]
        return (
            f'<h1 class="title">{e(cp.label)}</h1>'
            + self.list_items_html(cp, items)
            + self.pager_html(cp, page_no, self.pages_of(cp))
        )

    def article_main(self, cp: CategoryPlan, item: Item) -> str:
        parts = [f'<h1 class="title">{e(item.title)}</h1>', f'<div class="date">{e(self.article_date(item))}</div>']
        if cp.id == "qa_feedback":
            parts.append(f'<p class="asker">Người hỏi: {e(item.asker or "")} ({fmt_dmy_hm(item.published)})</p>')
            parts.append(f'<p>{e(item.summary)}</p><div class="answer"><p>{e(item.answer or "")}</p></div>')
        else:
            parts.append(f'<p class="sapo"><b>{e(item.summary)}</b></p>')
            parts.extend(f"<p>{e(p)}</p>" for p in item.paragraphs)
        if cp.id == "legal_documents" and item.doc_number:
            parts.append(f"<p>Số ký hiệu: {e(item.doc_number)} - Ngày ban hành: {fmt_dmy(item.day)}</p>")
        if item.file_name:
            parts.append(
                f'<p class="attach">Tải về: <a href="{e(self.file_path(cp, item))}">{e(item.file_name)}</a></p>'
            )
        others = [i for i in cp.items if i.key != item.key][:4]
        if others:
            dated = self.related_with_dates and "undated_list" not in cp.plants
            parts.append('<div class="other-news"><h3>Các tin khác</h3><ul>')
            for other in others:
                date = f" ({fmt_dmy(other.day)})" if dated else ""
                parts.append(f'<li><a href="{e(self.article_path(cp, other))}">{e(other.title)}</a>{date}</li>')
            parts.append("</ul></div>")
        return "".join(parts)

    def static_main(self, cp: CategoryPlan) -> str:
        body = static_body(self.agency, cp.id, cp.label, self.access_form_path())
        return f'<h1 class="title">{e(cp.label)}</h1><div class="content">{body}</div>'

    def empty_main(self, cp: CategoryPlan) -> str:
        if "empty_list" in cp.plants:
            return (
                f'<h1 class="title">{e(cp.label)}</h1>'
                '<table class="table"><thead><tr><th>STT</th><th>Tên tài liệu</th><th>Ngày ban hành</th>'
                "<th>Tải về</th></tr></thead><tbody></tbody></table>"
            )
        text = next((t for p, t in _EMPTY_TEXTS.items() if p in cp.plants), _EMPTY_TEXTS["empty_updating"])
        return f'<h1 class="title">{e(cp.label)}</h1><div class="content"><p><i>{e(text)}</i></p></div>'

    def sitemap_main(self) -> str:
        groups: dict[str, list[Link]] = {}
        labels = dict(MENU_GROUPS)
        for cp in self.plan.linked(SITEMAP):
            if cp.target == "none":
                continue
            groups.setdefault(labels.get(cp.category.group, "Khác"), []).append(self.text_link(cp))
        parts = [f'<h1 class="title">{e(self.sitemap_label())}</h1><ul class="sitemap">']
        parts.append(f'<li><a href="{e(self.home_path())}">Trang chủ</a></li>')
        for label, links in groups.items():
            inner = "".join(f"<li>{self.anchor(link)}</li>" for link in links)
            parts.append(f"<li><b>{e(label)}</b><ul>{inner}</ul></li>")
        parts.append("</ul>")
        return "".join(parts)

    def home_boxes(self) -> list[tuple[CategoryPlan, tuple[Item, ...]]]:
        return [
            (cp, cp.items[:4])
            for cp in self.plan.linked(HOME_BOX)
            if cp.id != "news_events" and cp.target == "list" and cp.items and cp.path
        ]

    def item_target(self, cp: CategoryPlan, item: Item) -> str:
        """Where a list entry leads: the attachment for file lists, else the article."""
        if self.is_file_list(cp) and "js_dates" not in cp.plants:
            return self.file_path(cp, item)
        return self.article_path(cp, item)

    # ----- routes -----
    def build_routes(self) -> dict[str, Handler]:
        routes: dict[str, Handler] = {}

        def add(path: str, handler: Handler) -> None:
            key = route_key(path, case_insensitive=self.case_insensitive)
            if key in routes:
                raise ValueError(f"{self.host}: two pages at {path}")
            routes[key] = handler

        add(self.home_path(), self._home)
        add("/robots.txt", lambda: text_response(self.robots_body(), server=self.server))
        if self.plan.html_sitemap:
            add(
                self.sitemap_path(),
                lambda: self.page(
                    self.sitemap_label(),
                    [("Trang chủ", self.home_path()), (self.sitemap_label(), None)],
                    self.sitemap_main(),
                ),
            )
        if self.options.sitemap_xml:
            add("/sitemap.xml", self._sitemap_xml)
        for cp in self.plan.categories.values():
            if not cp.path:
                continue
            owned = self.category_routes(cp)
            for path, handler in owned:
                add(path, handler)
            self.category_pages[cp.id] = tuple(f"https://{self.host}{path}" for path, _ in owned)
        return routes

    def category_routes(self, cp: CategoryPlan) -> list[tuple[str, Handler]]:
        out: list[tuple[str, Handler]] = []
        if cp.target == "static":
            out.append((cp.path, _bind_cp(self._static_page, cp)))
            if cp.id == "access_to_information_section":
                out.append(
                    (
                        self.access_form_path(),
                        lambda: file_response(
                            "Mau01a.doc",
                            "Phieu yeu cau cung cap thong tin",
                            last_modified=datetime.date(2018, 7, 1),
                            server=self.server,
                        ),
                    )
                )
        elif cp.target == "empty":
            out.append((cp.path, _bind_cp(self._empty_page, cp)))
        elif cp.target == "http_404":
            out.append(
                (
                    cp.path,
                    lambda: self.page(
                        "Không tìm thấy trang",
                        [("Trang chủ", self.home_path()), ("Lỗi", None)],
                        self.not_found_main(),
                        status=404,
                    ),
                )
            )
        elif cp.target == "http_500":
            out.append((cp.path, self.error_500))
        elif cp.target == "soft_404":
            out.append((cp.path, _bind_cp(self.soft_404, cp)))
        elif cp.target == "list":
            for page_no in range(1, self.pages_of(cp) + 1):
                path = self._page_href(cp, page_no)
                out.append((path, _bind_list(self._list_page, cp, page_no)))
            for item in cp.items:
                if not self.is_file_list(cp) or "js_dates" in cp.plants:
                    out.append((self.article_path(cp, item), _bind_item(self._article_page, cp, item)))
                if item.file_name:
                    out.append((self.file_path(cp, item), _bind_item(self._file, cp, item)))
        return out

    def _home(self) -> Response:
        return self.page(self.agency.name, [], self.home_main(), home=True)

    def _static_page(self, cp: CategoryPlan) -> Response:
        return self.page(cp.label, self.crumbs_for(cp), self.static_main(cp))

    def _empty_page(self, cp: CategoryPlan) -> Response:
        return self.page(cp.label, self.crumbs_for(cp), self.empty_main(cp))

    def _list_page(self, cp: CategoryPlan, page_no: int) -> Response:
        return self.page(cp.label, self.crumbs_for(cp), self.list_main(cp, page_no))

    def _article_page(self, cp: CategoryPlan, item: Item) -> Response:
        crumbs = [*self.crumbs_for(cp)[:-1], (cp.label, cp.path)]
        return self.page(item.title, crumbs, self.article_main(cp, item))

    def _file(self, cp: CategoryPlan, item: Item) -> Response:
        return file_response(item.file_name or "file.pdf", item.title, last_modified=item.day, server=self.server)

    def _sitemap_xml(self) -> Response:
        urls = [f"https://{self.host}{self.home_path()}"]
        for cp in self.plan.categories.values():
            # Categories planted as reachable one way only stay out of the XML sitemap too.
            if cp.path and cp.target in ("list", "static") and not cp.restricted:
                urls.append(cp.url)
                urls.extend(
                    f"https://{self.host}{self.article_path(cp, i)}" for i in cp.items if not self.is_file_list(cp)
                )
        body = "".join(f"<url><loc>{e(u)}</loc></url>" for u in urls)
        text = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
        return text_response(text, server=self.server, content_type="application/xml; charset=utf-8")

    def fallback(self, target: str) -> Response:
        return self.not_found(target)


def _bind_cp(fn: Callable[[CategoryPlan], Response], cp: CategoryPlan) -> Handler:
    return lambda: fn(cp)


def _bind_list(fn: Callable[[CategoryPlan, int], Response], cp: CategoryPlan, page_no: int) -> Handler:
    return lambda: fn(cp, page_no)


def _bind_item(fn: Callable[[CategoryPlan, Item], Response], cp: CategoryPlan, item: Item) -> Handler:
    return lambda: fn(cp, item)
