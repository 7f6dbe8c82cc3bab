"""The "/portal/Pages" ASP.NET portal used by the province, its departments and districts."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

import base64
import hashlib
from typing import ClassVar
from urllib.parse import quote

from auditor.sample import SAMPLE_AS_OF
from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_ampm, fmt_weekday, seed_int
from auditor.sample.web import Handler, Response, page_response, redirect, route_key

__all__ = ["PortalPages"]

_NOT_FOUND_PATH = "/portal/Pages/PageNotFoundError.aspx"


def _cap(slug: str) -> str:
    return slug[:1].upper() + slug[1:]


class PortalPages(Platform):
    """SharePoint-style portal: /portal/KenhTin/<Slug>.aspx lists, dated /portal/Pages/ articles."""

    name: ClassVar[str] = "portal_pages"
    server: ClassVar[str] = "Microsoft-IIS/10.0"
    case_insensitive: ClassVar[bool] = True
    per_page: ClassVar[int] = 5

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (("X-Powered-By", "ASP.NET"), ("MicrosoftSharePointTeamServices", "15.0.0.4420"))

    # URL shapes
    def home_path(self) -> str:
        return "/portal/Pages/default.aspx"

    def _slug(self, cp: CategoryPlan) -> str:
        return cp.spec.slug or _cap(cp.slug)

    def category_path(self, cp: CategoryPlan) -> str:
        if cp.category.kind == "static":
            return f"/portal/Pages/{self._slug(cp)}.aspx"
        return f"/portal/KenhTin/{self._slug(cp)}.aspx"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        return self.add_query(self.list_base(cp), f"Page={page_no}")

    def opaque_path(self, cp: CategoryPlan) -> str:
        return f"/portal/KenhTin/Default.aspx?id={seed_int(self.agency.id, cp.id) % 60 + 20}"

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        day = item.day
        raw = hashlib.sha256(f"{self.agency.id}{item.key}".encode()).digest()
        short = base64.b32encode(raw).decode().lower()[:6]
        return f"/portal/Pages/{day.year}-{day.month}-{day.day}/{_cap(self.article_slug(item))}-{short}.aspx"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/portal/VanBan/{item.day.year}-{item.day.month:02d}/{quote(item.file_name or 'file.pdf')}"

    def image_src(self, name: str) -> str:
        return f"/portal/Photos/2023-03-09/{quote(name)}"

    def sitemap_path(self) -> str:
        return "/portal/Pages/So-do-cong.aspx"

    def english_path(self) -> str:
        return "/portal/en/Pages/default.aspx"

    def access_form_path(self) -> str:
        return "/portal/VanBan/2018-07/Mau01a_PhieuYeuCau.doc"

    # dates
    def list_date(self, item: Item) -> str:
        return f"Ngày đăng {fmt_ampm(item.published)}"

    def article_date(self, item: Item) -> str:
        return f"Ngày đăng {fmt_ampm(item.published)}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = f'<div class="NgayDang">{e(self.list_date(item))}</div>' if dated else ""
        return (
            f'<li class="item"><a class="TieuDe" href="{e(self.article_path(cp, item))}">{e(item.title)}</a>'
            f'{date}<div class="TrichDan">{e(item.summary)}</div></li>'
        )

    # behaviour
    def not_found(self, target: str) -> Response:
        # SharePoint sends unknown pages to PageNotFoundError.aspx, which answers 200.
        if route_key(target, case_insensitive=True).startswith(_NOT_FOUND_PATH.lower()):
            return self._not_found_page()
        return redirect(
            f"{_NOT_FOUND_PATH}?requestUrl={quote('https://' + self.host + target, safe='')}", server=self.server
        )

    def _not_found_page(self) -> Response:
        main = (
            '<div class="PageNotFound"><h2>Không tìm thấy trang</h2>'
            "<p>Trang bạn yêu cầu không tồn tại hoặc đã được di chuyển.</p>"
            f'<p><a href="{self.home_path()}">Về trang chủ</a></p></div>'
        )
        return self.page("Không tìm thấy trang", [("Trang chủ", self.home_path()), ("Thông báo", None)], main)

    def soft_404(self, cp: CategoryPlan) -> Response:
        return self.not_found(cp.path)

    def error_500(self) -> Response:
        body = (
            '<!DOCTYPE html><html><head><title>Runtime Error</title></head><body bgcolor="white">'
            "<span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>"
            '<h2> <i>Runtime Error</i> </h2></span><font face="Arial, Helvetica, Geneva, SunSans-Regular, sans-serif ">'
            "<b> Description: </b>An application error occurred on the server. The current custom error settings "
            "for this application prevent the details of the application error from being viewed remotely."
            "</font></body></html>"
        )
        return page_response(body, last_modified=None, server=self.server, status=500, extra=self.extra_headers())

    def build_routes(self) -> dict[str, Handler]:
        routes = super().build_routes()
        home = self.home_path()
        routes[route_key("/", case_insensitive=True)] = lambda: redirect(home, server=self.server)
        routes[route_key(_NOT_FOUND_PATH, case_insensitive=True)] = self._not_found_page
        return routes

    # markup
    def _viewstate(self, title: str) -> str:
        # ASP.NET pages carry a large opaque __VIEWSTATE; it makes pages as heavy as the real ones.
        chunks = []
        seed = f"{self.agency.id}:{title}".encode()
        for n in range(36):
            seed = hashlib.sha256(seed + bytes([n])).digest()
            chunks.append(seed)
        return base64.b64encode(b"".join(chunks)).decode()

    @per_site
    def _menu(self) -> str:
        parts = [
            f'<ul id="zz1_TopNavigationMenu" class="menu"><li class="static"><a href="{self.home_path()}">Trang chủ</a></li>'
        ]
        for group in self.menu_groups():
            sub = ""
            if group.children:
                sub = '<ul class="dynamic">' + "".join(f"<li>{self.anchor(c)}</li>" for c in group.children) + "</ul>"
            parts.append(f'<li class="static"><a href="{e(group.href)}">{e(group.label)}</a>{sub}</li>')
        parts.append("</ul>")
        return "".join(parts)

    @per_site
    def _right(self) -> str:
        banners = "".join(f'<div class="banner">{self.anchor(b)}</div>' for b in self.banner_links())
        texts = "".join(f"<li>{self.anchor(t)}</li>" for t in self.side_text_links())
        news = "".join(
            f'<li><a href="{e(self.article_path(self.plan.news, i))}">{e(i.title)}</a> <span>({i.day.day:02d}/{i.day.month:02d})</span></li>'
            for i in self.latest_news(5)
        )
        return (
            f'<div class="box"><div class="box-title">Tin mới</div><ul>{news}</ul></div>'
            + (f'<div class="box"><div class="box-title">Chuyên mục</div><ul>{texts}</ul></div>' if texts else "")
            + f'<div class="box banners">{banners}</div>'
            + f'<div class="box"><div class="box-title">Liên kết website</div>{self.peer_options()}</div>'
            + f'<div class="box"><div class="box-title">Thống kê truy cập</div>{self.counter_html()}</div>'
        )

    @per_site
    def _footer(self) -> str:
        links = " | ".join(self.anchor(link) for link in self.footer_links())
        return f'<div id="footer"><div class="footer-links">{links}</div>{self.footer_text()}</div>'

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = [f'<a href="{e(h)}">{e(t)}</a>' if h else f"<span>{e(t)}</span>" for t, h in crumbs]
        return '<div class="breadcrumb">' + " » ".join(parts) + "</div>"

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = f'<div class="lang">{self.anchor(english)}</div>' if english else ""
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
            '<html dir="ltr" lang="vi-VN"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f"<title>{e(title)}</title>"
            '<link rel="stylesheet" type="text/css" href="/portal/Style%20Library/css/portal.css" />'
            '<script type="text/javascript" src="/_layouts/15/init.js"></script></head>'
            '<body><form method="post" action="" id="aspnetForm">'
            f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{self._viewstate(title)}" />'
            f'<div id="header"><a href="{self.home_path()}"><img src="{self.image_src("banner.jpg")}" alt="{e(self.agency.name)}" /></a>'
            f'<div class="today">{fmt_weekday(SAMPLE_AS_OF)}</div>{lang}</div>'
            f'<div id="nav">{self._menu()}</div>'
            f'<div id="content"><div class="col-main">{self._crumbs(crumbs)}{main}</div>'
            f'<div class="col-right">{self._right()}</div></div>'
            f"{self._footer()}</form></body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(9)
        slides = "".join(
            f"addItem('{i.title.replace(chr(39), '')}','{self.article_path(news, i)}','{i.day.day:02d}/{i.day.month:02d}/{i.day.year}','{self.image_src(f'tin{n}.jpg')}');"
            for n, i in enumerate(items[:5])
        )
        top = items[0]
        lead = (
            f'<div class="tin-noibat"><img src="{self.image_src("tin0.jpg")}" alt="" />'
            f'<a class="TieuDe" href="{e(self.article_path(news, top))}">{e(top.title)}</a>'
            f'<div class="NgayDang">{e(self.list_date(top))}</div><p>{e(top.summary)}</p><p>{e(top.paragraphs[0])}</p></div>'
        )
        lst = "".join(self.item_html(news, i) for i in items[1:])
        boxes = []
        for cp, box_items in self.home_boxes():
            rows = "".join(
                f'<li><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a> <span class="NgayDang">({i.day.day:02d}/{i.day.month:02d}/{i.day.year})</span></li>'
                for i in box_items
            )
            boxes.append(
                f'<div class="box-home"><div class="box-title"><a href="{e(self.href(cp))}">{e(cp.label)}</a></div>'
                f'<ul>{rows}</ul><a class="more" href="{e(self.href(cp))}">Xem thêm &gt;&gt;</a></div>'
            )
        peers = ""
        if self.agency.type == "provincial_portal":
            peers = (
                '<div class="box-home"><div class="box-title">Các cơ quan, đơn vị</div><ul class="donvi">'
                + "".join(
                    f'<li><a href="http://{e(p.host)}/" target="_blank">{e(p.name)}</a></li>'
                    for p in self.plan.peers
                    if p.id != self.agency.id
                )
                + "</ul></div>"
            )
        gallery = "".join(f'<img src="{self.image_src(f"gallery{n}.jpg")}" alt="" />' for n in range(8))
        return (
            f'<div id="slider"></div><script type="text/javascript">var slides=[];function addItem(t,u,d,i){{slides.push([t,u,d,i]);}}{slides}</script>'
            f"{lead}"
            f'<div class="box-home"><div class="box-title"><a href="{e(self.href(news))}">{e(news.label)}</a></div>'
            f'<ul class="news-list">{lst}</ul><a class="more" href="{e(self.href(news))}">Xem thêm &gt;&gt;</a></div>'
            + "".join(boxes)
            + peers
            + f'<div class="box-home"><div class="box-title">Thư viện ảnh</div>{gallery}</div>'
            + '<div class="clock"><span id="clock"></span></div>'
            + self.clock_script()
            + self.home_extras()
        )
