"""DotNetNuke sites: Default.aspx?tabid=N pages, ArticleView details, redirect-home on unknown pages."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

import base64
import hashlib
from typing import ClassVar
from urllib.parse import quote

from auditor.sample import SAMPLE_AS_OF
from auditor.sample.categories import CATEGORIES
from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_spaced, fmt_weekday
from auditor.sample.web import Handler, Response, page_response, redirect, route_key

__all__ = ["DotNetNuke"]

_HOME_TAB = 36


class DotNetNuke(Platform):
    """DNN 7 with a module per tab."""

    name: ClassVar[str] = "dotnetnuke"
    server: ClassVar[str] = "Microsoft-IIS/8.5"
    case_insensitive: ClassVar[bool] = True
    per_page: ClassVar[int] = 5
    uid_base: ClassVar[int] = 1510
    uid_step: ClassVar[int] = 5

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (("X-Powered-By", "ASP.NET"), ("X-AspNet-Version", "4.0.30319"))

    def _tab(self, cp: CategoryPlan) -> int:
        index = next(n for n, c in enumerate(CATEGORIES) if c.id == cp.id)
        return 53 + index * 2 + (len(self.agency.id) % 2)

    def _mid(self, cp: CategoryPlan) -> int:
        return 400 + self._tab(cp) * 3

    def home_path(self) -> str:
        return "/"

    def category_path(self, cp: CategoryPlan) -> str:
        return f"/Default.aspx?tabid={self._tab(cp)}"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        return self.add_query(self.list_base(cp), f"currentpage={page_no}")

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"{self.category_path(cp)}&ctl=ArticleView&mid={self._mid(cp)}&ArticleID={self.uid(item)}"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/Portals/0/VanBan/{item.day.year}/{quote(item.file_name or 'file.pdf')}"

    def image_src(self, name: str) -> str:
        return f"/Portals/0/Banner/{quote(name)}"

    def sitemap_path(self) -> str:
        return "/Default.aspx?tabid=41"

    def english_path(self) -> str:
        return f"/Default.aspx?tabid={_HOME_TAB}&language=en-US"

    def access_form_path(self) -> str:
        return "/Portals/0/TiepCanThongTin/Mau01a.doc"

    def robots_txt(self) -> str:
        return "User-agent: *\nDisallow: /admin/\nDisallow: /App_Browsers/\nDisallow: /App_Code/\nDisallow: /Providers/\nDisallow: /Install/\n"

    def list_date(self, item: Item) -> str:
        return f"Đăng ngày {fmt_spaced(item.day)}"

    def article_date(self, item: Item) -> str:
        return f"Đăng ngày {fmt_spaced(item.day)} - {item.published.hour:02d}:{item.published.minute:02d}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = f'<span class="article-date">{e(self.list_date(item))}</span>' if dated else ""
        return (
            f'<div class="article-item"><a class="article-title" href="{e(self.article_path(cp, item))}">{e(item.title)}</a>'
            f'{date}<div class="article-summary">{e(item.summary)}</div></div>'
        )

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        html = super().list_items_html(cp, items)
        if html.startswith('<ul class="news-list">'):
            return '<div class="article-list">' + html[len('<ul class="news-list">') : -len("</ul>")] + "</div>"
        return html

    def pager_html(self, cp: CategoryPlan, page_no: int, pages: int) -> str:
        return super().pager_html(cp, page_no, pages).replace('class="pager"', 'class="PagingTable"')

    def not_found(self, target: str) -> Response:
        # DNN answers an unknown tab or path by sending the visitor to the home page.
        return redirect("/", server=self.server)

    def error_500(self) -> Response:
        main = (
            '<div class="dnnFormMessage dnnFormValidationSummary">An error has occurred. '
            "Error: Bài viết is currently unavailable. Đã có lỗi xảy ra, vui lòng thử lại sau.</div>"
        )
        doc = self.document("Lỗi", [("Trang chủ", "/")], main)
        return page_response(doc, last_modified=None, server=self.server, status=500, extra=self.extra_headers())

    def build_routes(self) -> dict[str, Handler]:
        routes = super().build_routes()
        routes[route_key("/Default.aspx", case_insensitive=True)] = lambda: redirect(
            "/", server=self.server, status=301
        )
        routes[route_key(f"/Default.aspx?tabid={_HOME_TAB}", case_insensitive=True)] = lambda: redirect(
            "/", server=self.server, status=301
        )
        return routes

    def _viewstate(self, title: str) -> str:
        seed = f"dnn:{self.agency.id}:{title}".encode()
        chunks = []
        for n in range(20):
            seed = hashlib.sha1(seed + bytes([n])).digest()  # noqa: S324
            chunks.append(seed)
        return base64.b64encode(b"".join(chunks)).decode()

    @per_site
    def _menu(self) -> str:
        parts = ['<ul class="dnnmega"><li class="root"><a href="/">Trang chủ</a></li>']
        for group in self.menu_groups():
            sub = ""
            if group.children:
                sub = (
                    '<div class="megaborder"><ul>'
                    + "".join(f'<li class="category">{self.anchor(c)}</li>' for c in group.children)
                    + "</ul></div>"
                )
            parts.append(f'<li class="root"><a href="{e(group.href)}">{e(group.label)}</a>{sub}</li>')
        return '<div id="dnn_dnnMENU_RadMenu1">' + "".join(parts) + "</ul></div>"

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = [
            f'<a href="{e(h)}" class="SkinObject">{e(t)}</a>' if h else f'<span class="SkinObject">{e(t)}</span>'
            for t, h in crumbs
        ]
        return (
            '<span id="dnn_dnnBREADCRUMB_lblBreadCrumb">'
            + ' <img src="/images/breadcrumb.gif" alt=""> '.join(parts)
            + "</span>"
        )

    def _module(self, title: str, body: str, mid: int) -> str:
        return (
            f'<div class="DnnModule DnnModule-{mid}"><a name="{mid}"></a><div class="c_head"><h2 class="c_title">'
            f'<span id="dnn_ctr{mid}_dnnTITLE_titleLabel" class="Head">{e(title)}</span></h2></div>'
            f'<div id="dnn_ctr{mid}_ContentPane" class="c_content"><div id="dnn_ctr{mid}_ModuleContent">{body}</div></div></div>'
        )

    def list_main(self, cp: CategoryPlan, page_no: int) -> str:
        inner = super().list_main(cp, page_no).replace(f'<h1 class="title">{e(cp.label)}</h1>', "", 1)
        return self._module(cp.label, inner, self._mid(cp))

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = self.anchor(english) if english else ""
        banners = "".join(f"<p>{self.anchor(b)}</p>" for b in self.banner_links())
        texts = "".join(f"<li>{self.anchor(t)}</li>" for t in self.side_text_links())
        right = (self._module("Chuyên mục", f"<ul>{texts}</ul>", 380) if texts else "") + self._module(
            "Liên kết", banners, 381
        )
        right += self._module("Thống kê truy cập", self.counter_html(), 382) + self._module(
            "Liên kết website", self.peer_options(), 383
        )
        footer_links = " - ".join(self.anchor(link) for link in self.footer_links())
        return (
            '<!DOCTYPE html><html lang="vi-VN"><head id="Head"><meta content="text/html; charset=UTF-8" http-equiv="Content-Type" />'
            f"<title>\n\t{e(title)}\n</title>"
            '<meta id="MetaGenerator" name="GENERATOR" content="DotNetNuke " />'
            '<link href="/Portals/_default/default.css?cdv=112" type="text/css" rel="stylesheet"/>'
            '<script src="/Resources/libraries/jQuery/01_09_01/jquery.js?cdv=112" type="text/javascript"></script></head>'
            '<body id="Body"><form method="post" action="/" id="Form" enctype="multipart/form-data">'
            f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{self._viewstate(title)}" />'
            f'<div id="header"><a id="dnn_dnnLOGO_hypLogo" title="{e(self.agency.name)}" href="/">'
            f'<img id="dnn_dnnLOGO_imgLogo" src="/Portals/0/logo.png" alt="{e(self.agency.name)}" /></a>'
            f'<span id="dnn_dnnCURRENTDATE_lblDate" class="DateToken">{e(fmt_weekday(SAMPLE_AS_OF))}</span>'
            f'<div class="language-object">{lang}</div></div>'
            f'<div id="menu">{self._menu()}</div><div id="breadcrumb">{self._crumbs(crumbs)}</div>'
            f'<div id="dnn_ContentPane" class="contentPane">{main}</div>'
            f'<div id="dnn_RightPane" class="rightPane">{right}</div>'
            f'<div id="footer"><div id="dnn_FooterPane">{footer_links}{self.footer_text()}</div>'
            '<span id="dnn_dnnCOPYRIGHT_lblCopyright" class="Footer">Copyright 2016 by Ninh Thuận</span></div>'
            '<input name="ScrollTop" type="hidden" id="ScrollTop" /><input name="__dnnVariable" type="hidden" id="__dnnVariable" autocomplete="off" />'
            "</form></body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(10)
        rows = "".join(self.item_html(news, i) for i in items)
        parts = [
            self._module(
                news.label,
                f'<div class="article-list">{rows}</div><a href="{e(self.href(news))}">Xem thêm &gt;&gt;</a>',
                410,
            )
        ]
        for cp, box_items in self.home_boxes():
            lis = "".join(
                f'<li><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a> <span class="article-date">{e(self.list_date(i))}</span></li>'
                for i in box_items
            )
            parts.append(
                self._module(
                    cp.label, f'<ul>{lis}</ul><a href="{e(self.href(cp))}">Xem thêm &gt;&gt;</a>', self._mid(cp)
                )
            )
        photos = "".join(f'<img src="{self.image_src(f"anh{n}.jpg")}" alt="" />' for n in range(6))
        parts.append(self._module("Hình ảnh hoạt động", photos, 420))
        return "".join(parts) + self.home_extras()
