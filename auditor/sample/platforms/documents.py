"""The legal-documents system on its own subdomain (vbpq.…), as many provincial portals run it."""

# ruff: noqa: E501 - HTML templates read best one element per line, however long.

from __future__ import annotations

import datetime
from urllib.parse import quote

from auditor.sample.content import Item
from auditor.sample.plan import CategoryPlan, SitePlan
from auditor.sample.text import e, fmt_dmy
from auditor.sample.web import Handler, Response, file_response, page_response, route_key, text_response

__all__ = ["DocumentSystem"]


class DocumentSystem:
    """A search-and-table application listing the agency's legal documents."""

    server = "Microsoft-IIS/8.5"
    per_page = 5

    def __init__(self, plan: SitePlan, host: str) -> None:
        self.plan = plan
        self.host = host
        self.cp: CategoryPlan = plan.categories["legal_documents"]

    def _detail(self, item: Item) -> str:
        return f"/VanBan/ChiTiet?id={self.plan.uid_rank[item.key] + 5120}"

    def _file(self, item: Item) -> str:
        return f"/Upload/VanBan/{item.day.year}/{quote(item.file_name or 'vb.pdf')}"

    def _page_path(self, page_no: int) -> str:
        return "/" if page_no == 1 else f"/?page={page_no}"

    def _document(self, title: str, main: str) -> str:
        portal = f"https://{self.plan.agency.host}/"
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f'<title>{e(title)}</title><link rel="stylesheet" href="/Content/site.css"></head><body>'
            '<div class="header"><h2>HỆ THỐNG VĂN BẢN QUY PHẠM PHÁP LUẬT</h2>'
            f'<p>{e(self.plan.agency.name)}</p><a href="{e(portal)}">Về cổng thông tin</a></div>'
            '<form class="search" method="get" action="/"><input name="tukhoa" placeholder="Nhập số ký hiệu, trích yếu">'
            '<select name="loai"><option value="">Loại văn bản</option><option>Quyết định</option><option>Nghị quyết</option>'
            "<option>Chỉ thị</option></select><button>Tìm kiếm</button></form>"
            f'<div class="main">{main}</div><div class="footer">© Văn phòng UBND tỉnh Ninh Thuận</div></body></html>'
        )

    def _list(self, page_no: int) -> Response:
        start = (page_no - 1) * self.per_page
        rows = "".join(
            f"<tr><td>{start + n + 1}</td><td>{e(i.doc_number or '')}</td><td>{fmt_dmy(i.day)}</td>"
            f'<td><a href="{self._detail(i)}">{e(i.title)}</a></td><td>UBND tỉnh</td>'
            f'<td><a href="{self._file(i)}">Tải về</a></td></tr>'
            for n, i in enumerate(self.cp.items[start : start + self.per_page])
        )
        pages = max(1, -(-len(self.cp.items) // self.per_page))
        pager = " ".join(
            f"<b>{n}</b>" if n == page_no else f'<a href="{self._page_path(n)}">{n}</a>' for n in range(1, pages + 1)
        )
        main = (
            '<h1>Văn bản quy phạm pháp luật</h1><table class="grid"><thead><tr><th>STT</th><th>Số ký hiệu</th>'
            "<th>Ngày ban hành</th><th>Trích yếu</th><th>Cơ quan ban hành</th><th>File</th></tr></thead>"
            f'<tbody>{rows}</tbody></table><div class="pager">Trang: {pager}</div>'
        )
        newest = self.cp.items[0].day if self.cp.items else datetime.date(2023, 3, 9)
        return page_response(
            self._document("Văn bản quy phạm pháp luật", main), last_modified=newest, server=self.server
        )

    def _item(self, item: Item) -> Response:
        main = (
            f'<h1>{e(item.doc_number or "")}</h1><table class="detail">'
            f"<tr><th>Số ký hiệu</th><td>{e(item.doc_number or '')}</td></tr>"
            f"<tr><th>Ngày ban hành</th><td>{fmt_dmy(item.day)}</td></tr>"
            f"<tr><th>Ngày hiệu lực</th><td>{fmt_dmy(item.effective or item.day)}</td></tr>"
            f"<tr><th>Trích yếu</th><td>{e(item.title)}</td></tr>"
            f'<tr><th>Tệp đính kèm</th><td><a href="{self._file(item)}">{e(item.file_name or "")}</a></td></tr></table>'
        )
        return page_response(
            self._document(item.doc_number or item.title, main), last_modified=item.day, server=self.server
        )

    def build_routes(self) -> dict[str, Handler]:
        routes: dict[str, Handler] = {
            "/robots.txt": lambda: text_response("User-agent: *\nAllow: /\n", server=self.server)
        }
        pages = max(1, -(-len(self.cp.items) // self.per_page))
        for page_no in range(1, pages + 1):
            routes[route_key(self._page_path(page_no))] = _list_handler(self, page_no)
        for item in self.cp.items:
            routes[route_key(self._detail(item))] = _item_handler(self, item)
            routes[route_key(self._file(item))] = _file_handler(self, item)
        return routes

    def fallback(self, target: str) -> Response:
        main = "<h1>Lỗi 404</h1><p>Không tìm thấy văn bản.</p>"
        return page_response(self._document("Lỗi 404", main), last_modified=None, server=self.server, status=404)

    def file(self, item: Item) -> Response:
        return file_response(item.file_name or "vb.pdf", item.title, last_modified=item.day, server=self.server)


def _list_handler(system: DocumentSystem, page_no: int) -> Handler:
    return lambda: system._list(page_no)


def _item_handler(system: DocumentSystem, item: Item) -> Handler:
    return lambda: system._item(item)


def _file_handler(system: DocumentSystem, item: Item) -> Handler:
    return lambda: system.file(item)
