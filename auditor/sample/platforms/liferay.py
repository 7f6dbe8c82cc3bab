"""Liferay 6.2 sites: /web/<site>/<page>, asset publishers, view_content details, p_p_id paging."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

import hashlib
import uuid
from typing import ClassVar
from urllib.parse import quote

from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_dmy, seed_int

__all__ = ["Liferay"]


class Liferay(Platform):
    """Liferay Portal CE 6.2 with a Vietnamese government theme."""

    name: ClassVar[str] = "liferay"
    server: ClassVar[str] = "Apache-Coyote/1.1"
    per_page: ClassVar[int] = 5
    uid_base: ClassVar[int] = 103_200
    uid_step: ClassVar[int] = 113

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("Liferay-Portal", "Liferay Portal Community Edition 6.2 CE GA6 (Newton / Build 6205 / January 6, 2016)"),
        )

    @property
    def _site(self) -> str:
        return f"/web/{self.agency.id}"

    @property
    def _group(self) -> int:
        return 20_180 + seed_int(self.agency.id, "group") % 9000

    def _instance(self, cp: CategoryPlan) -> str:
        return hashlib.sha256(f"{self.agency.id}{cp.id}".encode()).hexdigest()[:4].upper()

    def _uuid(self, *parts: str) -> str:
        return str(uuid.UUID(bytes=hashlib.md5("/".join(parts).encode()).digest()))  # noqa: S324

    # URL shapes
    def category_path(self, cp: CategoryPlan) -> str:
        return f"{self._site}/{cp.slug}"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        portlet = f"101_INSTANCE_{self._instance(cp)}"
        return (
            f"{self.list_base(cp)}?p_p_id={portlet}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
            f"&p_p_col_id=column-2&p_p_col_count=1&_{portlet}_delta={self.per_page}&_{portlet}_cur={page_no}"
        )

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"{self.category_path(cp)}/-/view_content/{self.uid(item)}-{self.article_slug(item)}"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        # Liferay document URLs end with a UUID, not with the file extension.
        name = quote(item.file_name or "file.pdf")
        return f"/documents/{self._group}/{self._group + 7}/{name}/{self._uuid(self.agency.id, item.key)}"

    def image_src(self, name: str) -> str:
        return f"/documents/{self._group}/0/{quote(name)}"

    def sitemap_path(self) -> str:
        return f"{self._site}/so-do-site"

    def english_path(self) -> str:
        return f"/en{self._site}/home"

    def access_form_path(self) -> str:
        return f"/documents/{self._group}/0/Mau01a.doc/{self._uuid(self.agency.id, 'mau01a')}"

    def href(self, cp: CategoryPlan) -> str:
        # Liferay navigation writes absolute URLs with the virtual host.
        return f"https://{self.host}{cp.path}" if cp.path else cp.url

    # dates
    def list_date(self, item: Item) -> str:
        return fmt_dmy(item.day)

    def article_date(self, item: Item) -> str:
        return f"Cập nhật lúc {item.published.hour:02d}:{item.published.minute:02d}, {fmt_dmy(item.day)}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = (
            f'<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{self.list_date(item)}</span></div>'
            if dated
            else ""
        )
        return (
            f'<div class="asset-abstract"><h3 class="asset-title"><a href="{e(self.article_path(cp, item))}">{e(item.title)}</a></h3>'
            f'{date}<div class="asset-summary">{e(item.summary)}</div></div>'
        )

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        html = super().list_items_html(cp, items)
        return (
            html.replace('<ul class="news-list">', '<div class="asset-publisher">').replace("</ul>", "</div>")
            if html.startswith('<ul class="news-list">')
            else html
        )

    def not_found_main(self) -> str:
        return (
            '<div class="portlet-msg-error">Không tìm thấy tài nguyên được yêu cầu.</div>'
            "<p>The requested resource could not be found.</p>"
            f'<p><a href="https://{self.host}/">Trang chủ</a></p>'
        )

    def empty_main(self, cp: CategoryPlan) -> str:
        if "empty_nodata" in cp.plants:
            return f'<h1 class="title">{e(cp.label)}</h1><div class="alert alert-info">Chưa có bài viết nào.</div>'
        return super().empty_main(cp)

    # markup
    @per_site
    def _nav(self) -> str:
        items = [f'<li class="selected"><a href="https://{self.host}/"><span>Trang chủ</span></a></li>']
        for group in self.menu_groups():
            child = ""
            if group.children:
                child = (
                    '<ul class="child-menu">'
                    + "".join(f'<li class="lfr-nav-item">{self.anchor(c)}</li>' for c in group.children)
                    + "</ul>"
                )
            items.append(
                f'<li class="lfr-nav-item"><a href="{e(group.href)}"><span>{e(group.label)}</span></a>{child}</li>'
            )
        return (
            '<nav class="sort-pages modify-pages" id="navigation"><ul aria-label="Trang web">'
            + "".join(items)
            + "</ul></nav>"
        )

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = []
        for text, href in crumbs:
            inner = (
                f'<a href="{e(href if href.startswith("http") else "https://" + self.host + href)}">{e(text)}</a>'
                if href
                else e(text)
            )
            parts.append(f'<li>{inner}<span class="divider">/</span></li>')
        return '<ul aria-label="Breadcrumb" class="breadcrumb breadcrumb-horizontal">' + "".join(parts) + "</ul>"

    def _portlet(self, title: str, body: str, pid: str) -> str:
        return (
            f'<section class="portlet" id="portlet_{pid}"><header class="portlet-topper"><h2 class="portlet-title">'
            f'<span class="portlet-title-text">{e(title)}</span></h2></header><div class="portlet-content">{body}</div></section>'
        )

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = self.anchor(english) if english else ""
        side = self._portlet("Liên kết", "".join(f"<p>{self.anchor(b)}</p>" for b in self.banner_links()), "banner")
        texts = self.side_text_links()
        if texts:
            side = (
                self._portlet(
                    "Chuyên mục", "<ul>" + "".join(f"<li>{self.anchor(t)}</li>" for t in texts) + "</ul>", "chuyenmuc"
                )
                + side
            )
        side += self._portlet("Thống kê truy cập", self.counter_html(), "counter")
        footer_links = " | ".join(self.anchor(link) for link in self.footer_links())
        return (
            '<!DOCTYPE html><html class="aui ltr" dir="ltr" lang="vi-VN"><head>'
            f"<title>{e(title)} - {e(self.agency.name)}</title>"
            '<meta content="text/html; charset=UTF-8" http-equiv="content-type">'
            f'<link href="/{self.agency.id}-theme/images/favicon.ico" rel="Shortcut Icon">'
            f'<link href="/html/css/main.css?browserId=other&amp;themeId={self.agency.id}theme_WAR_{self.agency.id}theme&amp;languageId=vi_VN" rel="stylesheet">'
            "<script>var themeDisplay=Liferay.ThemeDisplay={getCompanyId:function(){return '10154';},"
            f"getScopeGroupId:function(){{return '{self._group}';}},getLanguageId:function(){{return 'vi_VN';}},"
            "isSignedIn:function(){return false;}};</script></head>"
            f'<body class="yui3-skin-sam controls-visible guest-site signed-out public-page site"><div class="container-fluid" id="wrapper">'
            f'<header id="banner" role="banner"><div id="heading"><h1 class="site-title"><a class="logo" href="https://{self.host}/">'
            f'<img alt="{e(self.agency.name)}" src="{self.image_src("logo.png")}"></a></h1>'
            f'<div class="top-date"><span id="clock"></span></div><div class="language">{lang}</div></div>{self._nav()}</header>'
            f'<div id="content"><div class="portlet-layout row-fluid"><div class="span8 portlet-column" id="column-2">'
            f"{self._crumbs(crumbs)}{main}</div>"
            f'<div class="span4 portlet-column" id="column-3">{side}<div>{self.peer_options()}</div></div></div></div>'
            f'<footer id="footer" role="contentinfo"><div class="footer-links">{footer_links}</div>{self.footer_text()}</footer>'
            f"</div>{self.clock_script()}</body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(8)
        featured = "".join(
            f'<div class="asset-abstract"><img src="{self.image_src(f"news{n}.jpg")}" alt="">'
            f'<h3 class="asset-title"><a href="{e(self.article_path(news, i))}">{e(i.title)}</a></h3>'
            f'<div class="asset-metadata"><span class="metadata-publish-date">{self.list_date(i)}</span></div>'
            f'<div class="asset-summary">{e(i.summary)} {e(i.paragraphs[0])}</div></div>'
            for n, i in enumerate(items)
        )
        parts = [
            self._portlet(news.label, featured + f'<a class="more" href="{e(self.href(news))}">Xem thêm</a>', "news")
        ]
        for cp, box_items in self.home_boxes():
            rows = "".join(
                f'<li><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a> <span>({fmt_dmy(i.day)})</span></li>'
                for i in box_items
            )
            parts.append(
                self._portlet(cp.label, f'<ul>{rows}</ul><a href="{e(self.href(cp))}">Xem thêm</a>', f"box{cp.id[:6]}")
            )
        gallery = "".join(f'<img src="{self.image_src(f"album{n}.jpg")}" alt="Hình ảnh hoạt động">' for n in range(10))
        parts.append(self._portlet("Thư viện hình ảnh", gallery, "gallery"))
        return "".join(parts) + self.home_extras()

    def list_main(self, cp: CategoryPlan, page_no: int) -> str:
        inner = super().list_main(cp, page_no).replace(f'<h1 class="title">{e(cp.label)}</h1>', "", 1)
        return self._portlet(cp.label, inner, f"101_INSTANCE_{self._instance(cp)}")
