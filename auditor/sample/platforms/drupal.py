"""Drupal 7 sites: /node/N pages, aliased views with ?page=N (0-based), long-form dates."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from auditor.sample.categories import CATEGORIES
from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_long, weekday_name

__all__ = ["Drupal"]


class Drupal(Platform):
    """Drupal 7 with views for lists and nodes for everything else."""

    name: ClassVar[str] = "drupal"
    server: ClassVar[str] = "Apache/2.4.6 (CentOS) PHP/5.6.40"
    per_page: ClassVar[int] = 5
    uid_base: ClassVar[int] = 212
    uid_step: ClassVar[int] = 4
    related_with_dates: ClassVar[bool] = False

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (("X-Generator", "Drupal 7 (http://drupal.org)"), ("X-Drupal-Cache", "HIT"))

    def _node(self, cp: CategoryPlan) -> int:
        return 11 + next(n for n, c in enumerate(CATEGORIES) if c.id == cp.id)

    def category_path(self, cp: CategoryPlan) -> str:
        # Static pages are plain nodes (the URL says nothing); lists are aliased views.
        if cp.category.kind == "static":
            return f"/node/{self._node(cp)}"
        return f"/{cp.slug}"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        return self.add_query(self.list_base(cp), f"page={page_no - 1}")

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/node/{self.uid(item)}"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/sites/default/files/{item.day.year}-{item.day.month:02d}/{quote(item.file_name or 'file.pdf')}"

    def image_src(self, name: str) -> str:
        return f"/sites/default/files/banner/{quote(name)}"

    def sitemap_path(self) -> str:
        return "/sitemap"

    def english_path(self) -> str:
        return "/en"

    def access_form_path(self) -> str:
        return "/sites/default/files/2018-07/mau01a.doc"

    def robots_txt(self) -> str:
        # Drupal's stock robots.txt (its Crawl-delay: 10 comes from the site options, shortened).
        disallow = (
            "/includes/",
            "/misc/",
            "/modules/",
            "/profiles/",
            "/scripts/",
            "/themes/",
            "/CHANGELOG.txt",
            "/admin/",
            "/comment/reply/",
            "/filter/tips/",
            "/node/add/",
            "/search/",
            "/user/register/",
            "/user/password/",
            "/user/login/",
            "/user/logout/",
            "/?q=admin/",
            "/?q=user/login/",
        )
        return "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in disallow)

    def list_date(self, item: Item) -> str:
        return fmt_long(item.day)

    def article_date(self, item: Item) -> str:
        return f"{weekday_name(item.day)}, {fmt_long(item.day)} - {item.published.hour:02d}:{item.published.minute:02d}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = (
            f'<div class="views-field views-field-created"><span class="field-content">{e(self.list_date(item))}</span></div>'
            if dated
            else ""
        )
        return (
            f'<div class="views-row"><div class="views-field views-field-title"><span class="field-content">'
            f'<a href="{e(self.article_path(cp, item))}">{e(item.title)}</a></span></div>{date}'
            f'<div class="views-field views-field-body"><div class="field-content">{e(item.summary)}</div></div></div>'
        )

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        html = super().list_items_html(cp, items)
        if html.startswith('<ul class="news-list">'):
            return '<div class="view-content">' + html[len('<ul class="news-list">') : -len("</ul>")] + "</div>"
        return html

    def pager_html(self, cp: CategoryPlan, page_no: int, pages: int) -> str:
        if pages <= 1:
            return ""
        items = []
        if page_no > 1:
            items.append(f'<li class="pager-first first"><a href="{e(self._page_href(cp, 1))}">« đầu tiên</a></li>')
            items.append(f'<li class="pager-previous"><a href="{e(self._page_href(cp, page_no - 1))}">‹ trước</a></li>')
        for n in range(1, pages + 1):
            items.append(
                f'<li class="pager-current">{n}</li>'
                if n == page_no
                else f'<li class="pager-item"><a href="{e(self._page_href(cp, n))}">{n}</a></li>'
            )
        if page_no < pages:
            items.append(f'<li class="pager-next"><a href="{e(self._page_href(cp, page_no + 1))}">tiếp ›</a></li>')
            items.append(f'<li class="pager-last last"><a href="{e(self._page_href(cp, pages))}">cuối »</a></li>')
        return (
            '<h2 class="element-invisible">Các trang</h2><div class="item-list"><ul class="pager">'
            + "".join(items)
            + "</ul></div>"
        )

    def not_found_main(self) -> str:
        return '<h1 class="title" id="page-title">Không tìm thấy trang</h1><div class="content">Không thể tìm thấy trang được yêu cầu "The requested page could not be found".</div>'

    @per_site
    def _menu(self) -> str:
        parts = ['<ul class="menu"><li class="first leaf"><a href="/" class="active">Trang chủ</a></li>']
        for group in self.menu_groups():
            sub = ""
            cls = "expanded" if group.children else "leaf"
            if group.children:
                sub = (
                    '<ul class="menu">'
                    + "".join(f'<li class="leaf">{self.anchor(c)}</li>' for c in group.children)
                    + "</ul>"
                )
            parts.append(f'<li class="{cls}"><a href="{e(group.href)}">{e(group.label)}</a>{sub}</li>')
        return "".join(parts) + "</ul>"

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = [f'<a href="{e(h)}">{e(t)}</a>' if h else e(t) for t, h in crumbs]
        return (
            '<h2 class="element-invisible">Bạn đang ở đây</h2><div class="breadcrumb">' + " » ".join(parts) + "</div>"
        )

    def _block(self, bid: str, title: str, body: str) -> str:
        return f'<div id="block-{bid}" class="block"><h2>{e(title)}</h2><div class="content">{body}</div></div>'

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = f'<div id="block-locale-language" class="block">{self.anchor(english)}</div>' if english else ""
        texts = self.side_text_links()
        side = (
            self._block(
                "menu-chuyenmuc", "Chuyên mục", "<ul>" + "".join(f"<li>{self.anchor(t)}</li>" for t in texts) + "</ul>"
            )
            if texts
            else ""
        )
        side += self._block(
            "block-banner", "Liên kết", "".join(f"<div>{self.anchor(b)}</div>" for b in self.banner_links())
        )
        side += self._block("statistics-popular", "Thống kê truy cập", self.counter_html())
        side += self._block("lienket", "Liên kết website", self.peer_options())
        footer_links = "".join(f"<li>{self.anchor(link)}</li>" for link in self.footer_links())
        body_class = "front" if home else "not-front"
        return (
            '<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" version="XHTML+RDFa 1.0" dir="ltr"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            '<meta name="Generator" content="Drupal 7 (http://drupal.org)" />'
            f"<title>{e(title)} | {e(self.agency.name)}</title>"
            '<style type="text/css" media="all">@import url("/modules/system/system.base.css?q2w3e4");</style>'
            '<script type="text/javascript" src="/misc/jquery.js?v=1.4.4"></script>'
            '<script type="text/javascript">jQuery.extend(Drupal.settings, {"basePath":"\\/","pathPrefix":"","ajaxPageState":{"theme":"bartik"}});</script>'
            f'</head><body class="html {body_class} not-logged-in one-sidebar sidebar-second">'
            '<div id="skip-link"><a href="#main-content" class="element-invisible element-focusable">Skip to main content</a></div>'
            f'<div id="page-wrapper"><div id="page"><div id="header"><a href="/" title="Trang chủ" rel="home" id="logo"><img src="/sites/default/files/logo.png" alt="Trang chủ" /></a>'
            f'<div id="name-and-slogan"><div id="site-name"><strong><a href="/" rel="home"><span>{e(self.agency.name)}</span></a></strong></div></div>'
            f'{lang}<div id="clock"></div></div>'
            f'<div id="main-menu" class="navigation"><h2 class="element-invisible">Main menu</h2>{self._menu()}</div>'
            f'<div id="main-wrapper"><div id="main">{self._crumbs(crumbs)}<div id="content" class="column"><a id="main-content"></a>{main}</div>'
            f'<div id="sidebar-second" class="column sidebar">{side}</div></div></div>'
            f'<div id="footer-wrapper"><div id="footer"><ul class="menu">{footer_links}</ul>{self.footer_text()}</div></div>'
            f"</div></div>{self.clock_script()}</body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(8)
        rows = "".join(self.item_html(news, i) for i in items)
        parts = [
            self._block(
                "views-tin-moi",
                news.label,
                f'<div class="view-content">{rows}</div><div class="more-link"><a href="{e(self.href(news))}">Xem thêm</a></div>',
            )
        ]
        for cp, box_items in self.home_boxes():
            lis = "".join(
                f'<li><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a> <span class="date">{e(self.list_date(i))}</span></li>'
                for i in box_items
            )
            parts.append(
                self._block(
                    f"views-{cp.slug}",
                    cp.label,
                    f'<ul>{lis}</ul><div class="more-link"><a href="{e(self.href(cp))}">Xem thêm</a></div>',
                )
            )
        slides = "".join(
            f'<div class="slide"><img src="{self.image_src(f"slide{n}.jpg")}" alt="" /></div>' for n in range(6)
        )
        parts.append(self._block("views-slideshow", "Hình ảnh", slides))
        return "".join(parts) + self.home_extras()
