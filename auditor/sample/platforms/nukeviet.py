"""NukeViet 4 sites: /vi/news/<cat>/<slug>-<id>.html, weekday dates, a "Tin mới nhất" block."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from auditor.sample import SAMPLE_AS_OF
from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_weekday

__all__ = ["NukeViet"]


class NukeViet(Platform):
    """NukeViet v4.4 with the default theme's blocks."""

    name: ClassVar[str] = "nukeviet"
    server: ClassVar[str] = "Apache/2.4.41 (Ubuntu)"
    per_page: ClassVar[int] = 5
    uid_base: ClassVar[int] = 340
    uid_step: ClassVar[int] = 3

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (("X-Powered-By", "PHP/7.4.3"),)

    def category_path(self, cp: CategoryPlan) -> str:
        if cp.category.kind == "static":
            if cp.id == "contact_info":
                return "/vi/contact/"
            return f"/vi/page/{cp.slug}.html"
        return f"/vi/news/{cp.slug}/"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        return f"{self.list_base(cp)}page-{page_no}"

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/vi/news/{cp.slug}/{self.article_slug(item)}-{self.uid(item)}.html"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/uploads/news/{item.day.year}_{item.day.month:02d}/{quote((item.file_name or 'file.pdf').lower())}"

    def image_src(self, name: str) -> str:
        return f"/uploads/banners/{quote(name)}"

    def sitemap_path(self) -> str:
        return "/vi/page/so-do-site.html"

    def access_form_path(self) -> str:
        return "/uploads/page/mau01a-phieu-yeu-cau.doc"

    def robots_txt(self) -> str:
        # NukeViet's stock robots.txt.
        return (
            "User-agent: *\nDisallow: /admin/\nDisallow: /data/\nDisallow: /includes/\nDisallow: /install/\n"
            "Disallow: /modules/\nDisallow: /themes/\nDisallow: /vendor/\nDisallow: /*?*\n"
        )

    def list_date(self, item: Item) -> str:
        return fmt_weekday(item.day)

    def article_date(self, item: Item) -> str:
        return f"{fmt_weekday(item.day)} {item.published.hour:02d}:{item.published.minute:02d}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = f'<p class="time">{e(self.list_date(item))}</p>' if dated else ""
        return (
            f'<div class="news_column panel panel-default"><div class="panel-body"><h3>'
            f'<a href="{e(self.article_path(cp, item))}" title="{e(item.title)}">{e(item.title)}</a></h3>'
            f'{date}<p class="text-justify">{e(item.summary)}</p></div></div>'
        )

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        html = super().list_items_html(cp, items)
        if html.startswith('<ul class="news-list">'):
            return '<div class="viewcat_page_new">' + html[len('<ul class="news-list">') : -len("</ul>")] + "</div>"
        return html

    def empty_main(self, cp: CategoryPlan) -> str:
        if "empty_nodata" in cp.plants:
            return f'<h1 class="title">{e(cp.label)}</h1><div class="alert alert-info">Chưa có dữ liệu</div>'
        return super().empty_main(cp)

    def not_found_main(self) -> str:
        return (
            '<div class="alert alert-danger"><h2>Lỗi 404 - Không tìm thấy trang</h2>'
            "<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p></div>"
        )

    @per_site
    def _menu(self) -> str:
        parts = ['<ul class="site-nav"><li><a href="/" title="Trang nhất"><em class="fa fa-home"></em></a></li>']
        for group in self.menu_groups():
            sub = ""
            if group.children:
                sub = '<ul class="subs">' + "".join(f"<li>{self.anchor(c)}</li>" for c in group.children) + "</ul>"
            parts.append(
                f'<li class="dropdown"><a href="{e(group.href)}" title="{e(group.label)}">{e(group.label)}</a>{sub}</li>'
            )
        return "".join(parts) + "</ul>"

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = [
            f'<li itemprop="itemListElement"><a href="{e(h)}"><span>{e(t)}</span></a></li>'
            if h
            else f"<li><span>{e(t)}</span></li>"
            for t, h in crumbs
        ]
        return '<div class="breadcrumbs-wrap"><ul class="breadcrumbs">' + "".join(parts) + "</ul></div>"

    def _block(self, title: str, body: str) -> str:
        return f'<div class="panel panel-primary"><div class="panel-heading">{e(title)}</div><div class="panel-body">{body}</div></div>'

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = f'<div class="language">{self.anchor(english)}</div>' if english else ""
        latest = "".join(
            f'<li><a href="{e(self.article_path(self.plan.news, i))}">{e(i.title)}</a><span class="small">{e(fmt_weekday(i.day))}</span></li>'
            for i in self.latest_news(6)
        )
        side = self._block("Tin mới nhất", f'<ul class="block_tophits">{latest}</ul>')
        texts = self.side_text_links()
        if texts:
            side += self._block("Chuyên mục", "<ul>" + "".join(f"<li>{self.anchor(t)}</li>" for t in texts) + "</ul>")
        side += self._block(
            "Liên kết", "".join(f'<div class="banner">{self.anchor(b)}</div>' for b in self.banner_links())
        )
        side += self._block("Thống kê", self.counter_html()) + self._block("Website liên kết", self.peer_options())
        footer_links = "".join(f"<li>{self.anchor(link)}</li>" for link in self.footer_links())
        return (
            '<!DOCTYPE html><html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#"><head>'
            f"<title>{e(title)} - {e(self.agency.name)}</title>"
            '<meta name="generator" content="NukeViet v4.4"><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            '<link rel="StyleSheet" href="/themes/default/css/style.css"><script src="/assets/js/jquery/jquery.min.js"></script>'
            "</head><body>"
            f'<header><div class="wraper"><div id="header"><div class="logo"><a href="/"><img src="{self.image_src("logo.png")}" alt="{e(self.agency.name)}"></a>'
            f'<span class="site_name">{e(self.agency.name)}</span></div>{lang}'
            f'<div class="current-time">{e(fmt_weekday(SAMPLE_AS_OF))}</div></div></div></header>'
            f'<nav class="second-nav" id="menusite">{self._menu()}</nav>'
            f'<section><div class="wraper" id="body"><div class="row"><div class="col-md-16">{self._crumbs(crumbs)}{main}</div>'
            f'<div class="col-md-8">{side}</div></div></div></section>'
            f'<footer id="footer"><div class="wraper"><ul class="footer-links">{footer_links}</ul>{self.footer_text()}'
            "<p>Thiết kế bởi VINADES.,JSC</p></div></footer></body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(9)
        top = items[0]
        parts = [
            f'<div class="news-featured"><img src="{self.image_src("hot.jpg")}" alt="{e(top.title)}">'
            f'<h2><a href="{e(self.article_path(news, top))}">{e(top.title)}</a></h2>'
            f'<p class="time">{e(self.list_date(top))}</p><p>{e(top.summary)} {e(top.paragraphs[0])}</p></div>'
        ]
        rows = "".join(self.item_html(news, i) for i in items[1:])
        parts.append(self._block(news.label, rows + f'<a href="{e(self.href(news))}">Xem tiếp</a>'))
        for cp, box_items in self.home_boxes():
            rows = "".join(
                f'<li><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a> <em>{e(self.list_date(i))}</em></li>'
                for i in box_items
            )
            parts.append(self._block(cp.label, f"<ul>{rows}</ul>" + f'<a href="{e(self.href(cp))}">Xem tiếp</a>'))
        parts.append(
            self._block(
                "Video", '<div id="player"></div><script>var playlist=["/uploads/video/gioithieu.mp4"];</script>'
            )
        )
        return "".join(parts) + self.home_extras()
