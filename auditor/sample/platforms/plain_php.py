"""Hand-written PHP sites: index.php?com=…&id_category=N, table layouts, soft 404 pages."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from auditor.sample import SAMPLE_AS_OF
from auditor.sample.categories import CATEGORIES
from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan
from auditor.sample.platforms.base import Crumb, Platform, per_site
from auditor.sample.text import e, fmt_dmy, fmt_weekday
from auditor.sample.web import Handler, Response, route_key

__all__ = ["PlainPhp"]

# Modules with their own "com" value; everything else is a news category.
_COM = {
    "contact_info": "lien-he",
    "draft_consultation": "gopy-duthao",
    "qa_feedback": "hoi-dap",
    "legal_documents": "van-ban",
}


class PlainPhp(Platform):
    """A PHP site written by a local vendor around 2012."""

    name: ClassVar[str] = "plain_php"
    server: ClassVar[str] = "Apache/2.2.15 (CentOS)"
    per_page: ClassVar[int] = 5
    uid_base: ClassVar[int] = 120
    uid_step: ClassVar[int] = 2

    def extra_headers(self) -> tuple[tuple[str, str], ...]:
        return (("X-Powered-By", "PHP/5.3.3"),)

    def _index(self, cp: CategoryPlan) -> int:
        return 3 + next(n for n, c in enumerate(CATEGORIES) if c.id == cp.id)

    def category_path(self, cp: CategoryPlan) -> str:
        if cp.id in _COM:
            return f"/index.php?com={_COM[cp.id]}"
        if cp.category.kind == "static":
            return f"/index.php?com=gioi-thieu&id={self._index(cp)}"
        return f"/index.php?com=danhmuc_tin&id_category={self._index(cp)}"

    def page_path(self, cp: CategoryPlan, page_no: int) -> str:
        return self.add_query(self.list_base(cp), f"page={page_no}")

    def article_path(self, cp: CategoryPlan, item: Item) -> str:
        if cp.id in ("qa_feedback", "draft_consultation"):
            return f"/index.php?com={_COM[cp.id]}&id={self.uid(item)}"
        return f"/index.php?com=chitiet_tin&id_news={self.uid(item)}"

    def file_path(self, cp: CategoryPlan, item: Item) -> str:
        return f"/upload/files/{quote(item.file_name or 'file.pdf')}"

    def image_src(self, name: str) -> str:
        return f"/upload/hinhanh/{quote(name)}"

    def sitemap_path(self) -> str:
        return "/index.php?com=sodo-site"

    def english_path(self) -> str:
        return "/index.php?lang=en"

    def list_date(self, item: Item) -> str:
        return f"({fmt_dmy(item.day)})"

    def article_date(self, item: Item) -> str:
        return f"Cập nhật: {fmt_dmy(item.day)} {item.published.hour:02d}:{item.published.minute:02d}"

    def item_html(self, cp: CategoryPlan, item: Item, *, dated: bool = True) -> str:
        date = f' <span class="ngay">{e(self.list_date(item))}</span>' if dated else ""
        return (
            f'<tr><td class="tin"><img src="/images/bullet.gif" alt=""> <a href="{e(self.article_path(cp, item))}" class="link_tin">{e(item.title)}</a>'
            f'{date}<br><span class="tomtat">{e(item.summary)}</span></td></tr>'
        )

    def list_items_html(self, cp: CategoryPlan, items: tuple[Item, ...]) -> str:
        html = super().list_items_html(cp, items)
        if html.startswith('<ul class="news-list">'):
            return (
                '<table width="100%" cellpadding="4">'
                + html[len('<ul class="news-list">') : -len("</ul>")]
                + "</table>"
            )
        return html

    def _soft(self) -> Response:
        main = (
            '<table width="100%"><tr><td class="title_cm">THÔNG BÁO</td></tr>'
            '<tr><td align="center"><p><b>Trang bạn yêu cầu không tồn tại!</b></p>'
            '<p>Không tìm thấy trang. <a href="index.php">Quay lại trang chủ</a></p></td></tr></table>'
        )
        return self.page("Thông báo", [("Trang chủ", "/index.php")], main)

    def not_found(self, target: str) -> Response:
        # The script never sets a status: every unknown com or id is a 200 page.
        return self._soft()

    def soft_404(self, cp: CategoryPlan) -> Response:
        return self._soft()

    def build_routes(self) -> dict[str, Handler]:
        routes = super().build_routes()
        routes[route_key("/index.php")] = self._home  # the same page twice, as the real sites do
        return routes

    @per_site
    def _menu(self) -> str:
        cells = ['<td class="menu"><a href="index.php">TRANG CHỦ</a></td>']
        for group in self.menu_groups():
            sub = ""
            if group.children:
                sub = '<div class="submenu">' + "<br>".join(self.anchor(c) for c in group.children) + "</div>"
            cells.append(f'<td class="menu"><a href="{e(group.href)}">{e(group.label.upper())}</a>{sub}</td>')
        return '<table class="menu" cellspacing="0"><tr>' + "".join(cells) + "</tr></table>"

    def _crumbs(self, crumbs: list[Crumb]) -> str:
        if not crumbs:
            return ""
        parts = [f'<a href="{e(h)}" class="link_duongdan">{e(t)}</a>' if h else e(t) for t, h in crumbs]
        return '<div class="duongdan">' + " &gt; ".join(parts) + "</div>"

    def document(self, title: str, crumbs: list[Crumb], main: str, *, home: bool = False) -> str:
        english = self.english_link()
        lang = self.anchor(english) if english else ""
        texts = "".join(f'<tr><td class="dm">{self.anchor(t)}</td></tr>' for t in self.side_text_links())
        banners = "".join(f'<tr><td align="center">{self.anchor(b)}</td></tr>' for b in self.banner_links())
        footer_links = " | ".join(self.anchor(link) for link in self.footer_links())
        left = (
            f'<table width="100%"><tr><td class="title_dm">DANH MỤC</td></tr>{texts}</table>' if texts else ""
        ) + f'<table width="100%">{banners}</table>'
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><html><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f'<title>{e(title)}</title><link href="css/style.css" rel="stylesheet" type="text/css">'
            '<script language="javascript" src="js/script.js"></script></head>'
            '<body topmargin="0" leftmargin="0"><table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td><img src="images/banner.jpg" width="1000" height="150" alt=""></td></tr>'
            f'<tr><td><div class="ngaythang">{e(fmt_weekday(SAMPLE_AS_OF))}</div><div class="lang">{lang}</div></td></tr>'
            f"<tr><td>{self._menu()}</td></tr>"
            f'<tr><td><table width="100%"><tr><td width="220" valign="top">{left}</td>'
            f'<td valign="top">{self._crumbs(crumbs)}{main}</td>'
            f'<td width="200" valign="top">{self.counter_html()}{self.peer_options()}</td></tr></table></td></tr>'
            f'<tr><td class="footer"><div class="footer-links">{footer_links}</div>{self.footer_text()}</td></tr>'
            "</table></body></html>"
        )

    def home_main(self) -> str:
        news = self.plan.news
        items = self.latest_news(10)
        rows = "".join(self.item_html(news, i) for i in items)
        parts = [
            f'<table width="100%"><tr><td class="title_cm">{e(news.label.upper())}</td></tr>{rows}'
            f'<tr><td align="right"><a href="{e(self.href(news))}">Xem thêm &gt;&gt;</a></td></tr></table>'
        ]
        for cp, box_items in self.home_boxes():
            lis = "".join(
                f'<tr><td><a href="{e(self.item_target(cp, i))}">{e(i.title)}</a> {e(self.list_date(i))}</td></tr>'
                for i in box_items
            )
            parts.append(
                f'<table width="100%"><tr><td class="title_cm"><a href="{e(self.href(cp))}">{e(cp.label.upper())}</a></td></tr>{lis}</table>'
            )
        marquee = " *** ".join(e(i.title) for i in items[:5])
        parts.append(f"<marquee>{marquee}</marquee>")
        return "".join(parts) + self.home_extras()
