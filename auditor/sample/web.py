"""HTTP side of a generated site: responses, route keys, conditional requests and tiny files."""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import mimetypes
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from auditor.sample.text import ascii_fold, entityize, http_date

__all__ = [
    "ASSET_EXTENSIONS",
    "Handler",
    "Response",
    "Site",
    "asset_response",
    "file_response",
    "page_response",
    "redirect",
    "route_key",
    "text_response",
]

ASSET_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "ico", "css", "js", "svg", "woff", "woff2"})
_BOM = b"\xef\xbb\xbf"
# A 1x1 transparent GIF: banners and icons only need to exist.
_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# Fixed date of the theme files, so assets are as cacheable as pages.
_ASSET_DAY = datetime.date(2023, 3, 9)


@dataclass(frozen=True)
class Response:
    """What a site answers: status, headers in order, and the body (empty for HEAD)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """First header of that name, case-insensitively."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


Handler = Callable[[], Response]


def route_key(target: str, *, case_insensitive: bool = False) -> str:
    """Normalised path-and-query used to match requests to routes.

    Query parameters are sorted so that a crawler which reorders them still finds the page;
    IIS sites match paths case-insensitively, as the real servers do.
    """
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    if case_insensitive:
        path = path.lower()
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return f"{path}?{urlencode(query)}" if query else path


def _finish(
    status: int,
    body: bytes,
    content_type: str,
    last_modified: datetime.date | None,
    server: str,
    extra: tuple[tuple[str, str], ...] = (),
) -> Response:
    headers = [("Content-Type", content_type), ("Server", server)]
    if status == 200:
        headers.append(("ETag", '"' + hashlib.sha1(body).hexdigest()[:20] + '"'))  # noqa: S324
        if last_modified is not None:
            headers.append(("Last-Modified", http_date(last_modified)))
    headers.extend(extra)
    return Response(status, tuple(headers), body)


def page_response(
    document: str,
    *,
    last_modified: datetime.date | None,
    server: str,
    status: int = 200,
    bom: bool = False,
    entities: bool = False,
    extra: tuple[tuple[str, str], ...] = (),
) -> Response:
    """An HTML page, optionally entity-encoded and with a BOM, as some real sites send."""
    if entities:
        document = entityize(document)
    body = (_BOM if bom else b"") + document.encode("utf-8")
    return _finish(status, body, "text/html; charset=utf-8", last_modified, server, extra)


def text_response(
    text: str, *, server: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    """A plain text (robots.txt, XML, error) response."""
    return _finish(status, text.encode("utf-8"), content_type, None, server)


def redirect(location: str, *, server: str, status: int = 302) -> Response:
    """A redirect with the small HTML body IIS and Apache send."""
    body = (
        "<html><head><title>Object moved</title></head>"
        f'<body><h2>Object moved to <a href="{location}">here</a>.</h2></body></html>'
    )
    return _finish(status, body.encode(), "text/html; charset=utf-8", None, server, (("Location", location),))


def _tiny_pdf(title: str) -> bytes:
    """A small but well-formed one-page PDF whose text is the title."""
    text = ascii_fold(title)[:90].replace("\\", " ").replace("(", " ").replace(")", " ")
    stream = f"BT /F1 11 Tf 40 790 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def file_response(file_name: str, title: str, *, last_modified: datetime.date, server: str) -> Response:
    """An attachment: a real tiny PDF, or an Office file that starts with the OLE signature."""
    extension = file_name.rsplit(".", 1)[-1].lower()
    if extension == "pdf":
        body, content_type = _tiny_pdf(title), "application/pdf"
    else:
        body = _OLE_MAGIC + bytes(504) + ascii_fold(title).encode("ascii", "replace")
        content_type = "application/vnd.ms-excel" if extension.startswith("xls") else "application/msword"
    disposition = (("Content-Disposition", f'inline; filename="{ascii_fold(file_name)}"'),)
    return _finish(200, body, content_type, last_modified, server, disposition)


def asset_response(path: str, *, server: str) -> Response:
    """Theme files and banners: a 1x1 GIF for images, a stub for CSS and scripts."""
    extension = path.rsplit(".", 1)[-1].lower()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if extension == "css":
        body, content_type = b"body{font-family:Arial,sans-serif}\n", "text/css; charset=utf-8"
    elif extension == "js":
        body, content_type = b"/* theme script */\n", "application/javascript; charset=utf-8"
    else:
        body = _GIF
    return _finish(200, body, content_type, _ASSET_DAY, server, (("Cache-Control", "max-age=86400"),))


def _not_modified(response: Response, request_headers: Mapping[str, str]) -> bool:
    if response.status != 200:
        return False
    etag = response.header("ETag")
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag is not None and (etag in tags or "*" in tags)
    since = request_headers.get("if-modified-since")
    modified = response.header("Last-Modified")
    if since is None or modified is None:
        return False
    try:
        return email.utils.parsedate_to_datetime(modified) <= email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class Site:
    """One host of the sample: routes rendered lazily, a platform fallback, and a site state."""

    def __init__(
        self,
        *,
        host: str,
        agency_id: str,
        platform: str,
        state: str,
        server: str,
        routes: Mapping[str, Handler],
        fallback: Callable[[str], Response],
        case_insensitive: bool = False,
        category_urls: Mapping[str, str | None] | None = None,
        category_pages: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.host = host
        self.agency_id = agency_id
        self.platform = platform
        self.state = state
        self.server = server
        self.case_insensitive = case_insensitive
        # Entry URL of each category (None when planted missing) and the URLs of its own pages.
        self.category_urls: Mapping[str, str | None] = dict(category_urls or {})
        self.category_pages: Mapping[str, tuple[str, ...]] = dict(category_pages or {})
        self._routes = dict(routes)
        self._fallback = fallback
        self._cache: dict[str, Response] = {}
        self._lock = threading.Lock()

    def paths(self) -> list[str]:
        """Every route key the site serves directly (for tests and determinism checks)."""
        return sorted(self._routes)

    def render(self, target: str) -> Response:
        """The full response to a GET of that path, before conditional handling."""
        key = route_key(target, case_insensitive=self.case_insensitive)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        handler = self._routes.get(key)
        if handler is not None:
            response = handler()
        else:
            extension = urlsplit(target).path.rsplit(".", 1)[-1].lower()
            if "." in urlsplit(target).path.rsplit("/", 1)[-1] and extension in ASSET_EXTENSIONS:
                response = asset_response(urlsplit(target).path, server=self.server)
            else:
                response = self._fallback(target)
        with self._lock:
            self._cache[key] = response
        return response

    def handle(self, method: str, target: str, request_headers: Mapping[str, str]) -> Response:
        """Answer one request as the real server would."""
        if self.state == "server_error":
            # Every path, robots.txt included: an overloaded or broken upstream.
            body = b"<html><body><h1>HTTP Error 503. The service is unavailable.</h1></body></html>"
            return Response(
                503,
                (
                    ("Content-Type", "text/html; charset=us-ascii"),
                    ("Server", "Microsoft-HTTPAPI/2.0"),
                    ("Retry-After", "1"),
                    ("Content-Length", str(len(body))),
                ),
                b"" if method == "HEAD" else body,
            )
        if method not in ("GET", "HEAD"):
            return _finish(
                405, b"Method Not Allowed", "text/plain; charset=utf-8", None, self.server, (("Allow", "GET, HEAD"),)
            )
        headers = {k.lower(): v for k, v in request_headers.items()}
        response = self.render(target)
        if _not_modified(response, headers):
            kept = tuple((k, v) for k, v in response.headers if k in ("ETag", "Last-Modified", "Server"))
            return Response(304, kept, b"")
        full = (*response.headers, ("Content-Length", str(len(response.body))))
        return Response(response.status, full, b"" if method == "HEAD" else response.body)

    __call__ = handle
