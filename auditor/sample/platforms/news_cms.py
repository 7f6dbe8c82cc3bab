"""News-CMS sites (chinhphu.vn family): /<slug>-<18-digit id>.htm, dates only in the id in lists."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_dmy_hm, seed_int

__all__ = ["NewsCms"]


class NewsCms(Platform):
    """The news CMS several provincial agencies license; assets come from static.mediacdn.vn."""

    name: ClassVar[str] = "news_cms"
    server: ClassVar[str] = "nginx"
    per_page: ClassVar[int] = 6

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (("X-Cache", "HIT"), ("Cache-Control", "public, max-age=60"))

    def category_path(self, cp: CategoryPlan) -> str:
        return f"/{cp.slug}.htm"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        return f"/{cp.slug}/trang-{page_no}.htm"

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        # 3-digit prefix, yyMMddHHmmss of the publish time, 3-digit sequence.
        moment = item.published
        second = seed_int(self.agency.id, item.key, "s") % 60
        stamp = f"{moment:%y%m%d%H%M}{second:02d}"
        return f"/{self.article_slug(item, words=12)}-102{stamp}{seed_int(self.agency.id, item.key) % 1000:03d}.htm"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        return (
            f"/Uploaded/{item.day.year}_{item.day.month:02d}_{item.day.day:02d}/{quote(item.file_name or 'file.pdf')}"
        )

    def image_src(self, name: str) -> str:
        return f"https://static.mediacdn.vn/{self.agency.id}/images/{quote(name)}"

    def sitemap_path(self) -> str:
        return "/so-do-site.htm"

    def english_path(self) -> str:
        return "/english.htm"

    def access_form_path(self) -> str:
        return "/Uploaded/2018_07_01/mau01a.doc"

    def robots_txt(self) -> str:
        return "User-agent: *\nDisallow: /search\nDisallow: /ajax/\n"

    def article_date(self, item: Item) -> str:
        return fmt_dmy_hm(item.published)

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        # Lists of this CMS show no date: the publish time is encoded in the article id.
        href = e(self.article_path(cp, item))
        return (
            f'<div class="box-stream-item"><a class="box-stream-link-with-avatar" href="{href}" title="{e(item.title)}">'
            f'<img class="box-stream-avatar" src="{self.image_src("thumb.jpg")}" alt="{e(item.title)}"></a>'
            f'<div class="box-stream-content"><h3><a class="box-stream-link-title" href="{href}">{e(item.title)}</a></h3>'
            f'<p class="box-stream-sapo">{e(item.summary)}</p></div></div>'
        )

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        html = super().list_items_html(cp, items)
        if html.startswith('<ul class="news-list">'):
            return '<div class="box-stream">' + html[len('<ul class="news-list">') : -len("</ul>")] + "</div>"
        return html

    def pager_html(self, cp: CategoryPlan, page_no: int, pages: int) -> str:
        if page_no >= pages:
            return ""
        return f'<div class="list__viewmore"><a href="{e(self.page_path(cp, page_no + 1))}">Xem thêm</a></div>'

    def article_main(self, cp: CategoryPlan, item: Item) -> str:
        html = super().article_main(cp, item)
        return html.replace('<div class="date">', '<div class="detail-time">', 1)

    @per_site
    def _menu(self) -> str:
        parts = ['<ul class="menu-nav"><li><a href="/" title="Trang chủ" class="home">Trang chủ</a></li>']
        for group in self.menu_groups():
            sub = ""
            if group.children:
                sub = (
                    '<div class="menu-sub"><ul>'
                    + "".join(f"<li>{self.anchor(c)}</li>" for c in group.children)
                    + "</ul></div>"
                )
            parts.append(
                f'<li class="has-sub"><a href="{e(group.href)}" title="{e(group.label)}">{e(group.label)}</a>{sub}</li>'
            )
        return "".join(parts) + "</ul>"

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = [
            f'<li><a href="{e(h)}">{e(t)}</a></li>' if h else f"<li><span>{e(t)}</span></li>" for t, h in crumbs[1:]
        ]
        return '<ul class="breadcrumb-list">' + "".join(parts) + "</ul>" if parts else ""

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = self.anchor(english) if english else ""
        texts = self.side_text_links()
        side = (
            (
                '<div class="box-category"><div class="box-title">Chuyên mục</div><ul>'
                + "".join(f"<li>{self.anchor(t)}</li>" for t in texts)
                + "</ul></div>"
            )
            if texts
            else ""
        )
        side += (
            '<div class="box-banner">' + "".join(f"<div>{self.anchor(b)}</div>" for b in self.banner_links()) + "</div>"
        )
        side += self.counter_html() + self.peer_options()
        footer_links = "".join(f"<li>{self.anchor(link)}</li>" for link in self.footer_links())
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{e(title)}</title>"
            f'<meta property="og:site_name" content="{e(self.agency.name)}">'
            f'<link rel="stylesheet" href="https://static.mediacdn.vn/{self.agency.id}/web_css/main.min.css">'
            f'<script src="https://static.mediacdn.vn/{self.agency.id}/web_js/main.min.js" defer></script></head>'
            f'<body><header class="header"><div class="container"><a class="logo" href="/" title="{e(self.agency.name)}">'
            f'<img src="{self.image_src("logo.png")}" alt="{e(self.agency.name)}"></a><div class="header__lang">{lang}</div>'
            f'<span id="clock"></span></div><nav class="menu">{self._menu()}</nav></header>'
            f'<main class="main"><div class="container"><div class="main__left">{self._crumbs(crumbs)}{main}</div>'
            f'<aside class="main__right">{side}</aside></div></main>'
            f'<footer class="footer"><div class="container"><ul class="footer__links">{footer_links}</ul>{self.footer_text()}</div></footer>'
            f"{self.clock_script()}</body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(12)
        parts = ['<div class="box-focus">' + "".join(self.item_html(news, i) for i in items[:4]) + "</div>"]
        parts.append(
            f'<div class="box-stream"><h2 class="box-title"><a href="{e(self.href(news))}">{e(news.label)}</a></h2>'
        )
        parts.append("".join(self.item_html(news, i) for i in items[4:]) + "</div>")
        for cp, box_items in self.home_boxes():
            lis = "".join(f'<li><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a></li>' for i in box_items)
            parts.append(
                f'<div class="box-cate"><h2 class="box-title"><a href="{e(self.href(cp))}">{e(cp.label)}</a></h2><ul>{lis}</ul></div>'
            )
        return "".join(parts) + self.home_extras()
