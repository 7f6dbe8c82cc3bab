"""The bundled sample portal itself: deterministic, served over real HTTP, planted as its truth says."""

from __future__ import annotations

import datetime
import http.client
import re
import socket
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.sample import SAMPLE_AS_OF
from auditor.sample.categories import CATEGORY_BY_ID, applicable_categories
from auditor.sample.plan import MENU, SIDE_TEXT
from auditor.sample.portal import Portal, build_portal, default_sites_yaml, load_agencies, portal_digest
from auditor.sample.server import SamplePortalServer
from auditor.sample.spec import load_ground_truth
from auditor.sample.text import ascii_fold
from auditor.sample.truth import Expected, expected_findings, plants_for

ROOT = Path(__file__).resolve().parents[1]
SITES_YAML = ROOT / "sites.yaml"
AGENCIES = load_agencies(SITES_YAML)
TRUTH = load_ground_truth()
EXPECTED = expected_findings(AGENCIES)
OK_AGENCIES = [a for a in AGENCIES if TRUTH.agencies[a.id].site == "ok"]
GENERAL = {"org_structure_functions", "agency_history_leaders", "contact_info", "news_events", "legal_documents"}
MAX_PAGES = 400  # far above the ~120 pages of a site: the crawl limit never hides a page


# ---------------------------------------------------------------- HTTP and HTML helpers


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def is_html(self) -> bool:
        return "text/html" in self.headers.get("content-type", "")

    def text(self) -> str:
        return self.body.decode("utf-8-sig", errors="replace")


@dataclass(frozen=True)
class Anchor:
    page: str  # URL of the page holding the link
    href: str  # absolute target
    text: str
    alts: tuple[str, ...]
    images: tuple[str, ...]
    in_footer: bool

    @property
    def image_only(self) -> bool:
        """Nothing but an image whose alt text is empty: the file name and URL are the only clues."""
        return self.text == "" and self.alts == ("",)


@dataclass
class Crawl:
    pages: dict[str, Fetched] = field(default_factory=dict)
    anchors: list[Anchor] = field(default_factory=list)

    def links_to(self, url: str) -> list[Anchor]:
        wanted = _norm_url(url)
        return [a for a in self.anchors if _norm_url(a.href) == wanted]

    def html_pages(self) -> dict[str, Fetched]:
        return {u: a for u, a in self.pages.items() if a.is_html and a.status == 200}


def _norm_url(url: str) -> str:
    # Hosts and IIS paths compare case-insensitively; the scheme does not matter to the sample.
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path.lower() or '/'}?{parts.query.lower()}"


def fetch(port: int, url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Fetched:
    """One request to the sample on 127.0.0.1, naming the real host in the Host header."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, target, headers={"Host": parts.hostname or "", **(headers or {})})
        response = connection.getresponse()
        return Fetched(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def fetch_following(port: int, url: str, hosts: set[str]) -> tuple[str, Fetched]:
    """GET, following redirects within the agency's hosts; returns the final URL and answer."""
    for _ in range(5):
        answer = fetch(port, url)
        location = answer.headers.get("location")
        if answer.status not in (301, 302, 303, 307, 308) or not location:
            return url, answer
        url = urljoin(url, location)
        if urlsplit(url).hostname not in hosts:
            return url, answer
    raise AssertionError(f"redirect loop at {url}")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _in_footer(node: LexborNode) -> bool:
    current: LexborNode | None = node
    while current is not None:
        attributes = current.attributes
        marks = f"{current.tag} {attributes.get('id') or ''} {attributes.get('class') or ''}".lower()
        if "footer" in marks:
            return True
        current = current.parent
    return False


def parse_anchors(page_url: str, html: str) -> list[Anchor]:
    anchors = []
    for node in LexborHTMLParser(html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        images = node.css("img")
        anchors.append(
            Anchor(
                page=page_url,
                href=urljoin(page_url, href),
                text=" ".join(node.text(deep=True).split()),
                alts=tuple((img.attributes.get("alt") or "") for img in images),
                images=tuple((img.attributes.get("src") or "") for img in images),
                in_footer=_in_footer(node),
            )
        )
    return anchors


def page_text(answer: Fetched) -> str:
    """Visible text, entities decoded, scripts and styles dropped, lower case."""
    tree = LexborHTMLParser(answer.text())
    for node in tree.css("script, style"):
        node.decompose()
    body = tree.body
    return normalise(" ".join((body.text(separator=" ") if body else "").split()))


def crawl_site(port: int, home: str, hosts: set[str]) -> Crawl:
    """Breadth-first crawl of every HTML page reachable on the agency's hosts."""
    crawl = Crawl()
    queue = [home]
    seen = {home}
    while queue and len(crawl.pages) < MAX_PAGES:
        url = queue.pop(0)
        final, answer = fetch_following(port, url, hosts)
        crawl.pages[url] = answer
        crawl.pages[final] = answer
        if not answer.is_html or answer.status != 200:
            continue
        for anchor in parse_anchors(final, answer.text()):
            crawl.anchors.append(anchor)
            target = anchor.href.split("#")[0]
            parts = urlsplit(target)
            if parts.hostname not in hosts or target in seen:
                continue
            if parts.path.rsplit(".", 1)[-1].lower() in ("pdf", "xls", "doc", "jpg", "png", "gif"):
                continue
            seen.add(target)
            queue.append(target)
    return crawl


def labels_of(category_id: str) -> list[str]:
    """Every way a site could name the category, for the "no evidence anywhere" check."""
    extra = {
        "agency_history_leaders": ["Lãnh đạo Sở", "Lãnh đạo Ban", "Lãnh đạo UBND", "Lãnh đạo tỉnh", "Ban Thường vụ"],
        "draft_consultation": ["Dự thảo", "Lấy ý kiến"],
        "fees_charges_funds": ["Lệ phí"],
        "science_programs": ["Đề tài", "Nhiệm vụ khoa học"],
        "annual_financial_report": ["Báo cáo tài chính"],
    }.get(category_id, [])
    return [normalise(x) for x in (*CATEGORY_BY_ID[category_id].labels, *extra)]


def home_of(portal: Portal, agency_id: str) -> bytes:
    site = portal.site_for(agency_id)
    response = site.render("/")
    location = response.header("Location")
    return site.render(location).body if location else response.body


@pytest.fixture(scope="module")
def portal() -> Portal:
    return build_portal(AGENCIES)


@pytest.fixture(scope="module")
def server(portal: Portal) -> Iterator[SamplePortalServer]:
    with SamplePortalServer(portal) as running:
        yield running


@pytest.fixture(scope="module")
def crawls(server: SamplePortalServer, portal: Portal) -> dict[str, Crawl]:
    def one(agency_id: str, url: str) -> tuple[str, Crawl]:
        return agency_id, crawl_site(server.port, url, set(portal.agency_hosts[agency_id]))

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(lambda a: one(a.id, a.url), OK_AGENCIES))


# ---------------------------------------------------------------- ground truth


def test_ground_truth_covers_every_agency_of_sites_yaml() -> None:
    assert len(AGENCIES) == 34
    assert {a.id for a in AGENCIES} == set(TRUTH.agencies)
    assert TRUTH.as_of == SAMPLE_AS_OF


def test_expected_findings_cover_every_applicable_category() -> None:
    for agency in AGENCIES:
        wanted = {c.id for c in applicable_categories(agency.type)}
        assert {c for (a, c) in EXPECTED if a == agency.id} == wanted, agency.id
    assert {c for (a, c) in EXPECTED if a == "tinhuy"} == GENERAL
    assert ("ninhthuan", "official_gazette") in EXPECTED
    assert ("stc", "official_gazette") not in EXPECTED
    assert ("ninhhai", "commune_disclosures") in EXPECTED
    assert ("ninhhai", "locality_profile") in EXPECTED


def test_expected_dates_follow_the_status() -> None:
    for (agency_id, category_id), expected in EXPECTED.items():
        where = (agency_id, category_id, expected)
        dated = CATEGORY_BY_ID[category_id].kind == "dated"
        if expected.status == "ok" and dated:
            assert expected.latest_date is not None, where
            assert 1 <= (SAMPLE_AS_OF - expected.latest_date).days <= 20, where
        elif expected.status == "stale":
            assert expected.latest_date is not None, where
            assert 2018 <= expected.latest_date.year <= 2022, where
        else:
            assert expected.latest_date is None, where
        assert (expected.reason is not None) == (expected.status == "unknown"), where


def test_each_defect_is_planted_on_three_agencies_across_platforms() -> None:
    found: dict[str, set[tuple[str, str]]] = {}
    for (agency_id, category_id), expected in EXPECTED.items():
        platform = TRUTH.agencies[agency_id].platform
        kinds = {expected.status, *plants_for(agency_id, category_id)}
        if expected.reason:
            kinds.add(expected.reason)
        for kind in kinds:
            found.setdefault(kind, set()).add((agency_id, platform))
    found["broken_http"] = found["http_404"] | found["http_500"]
    for kind in (
        "stale",
        "empty",
        "missing",
        "broken_http",
        "soft_404",
        "pdf_only_list",
        "image_only",
        "footer_only",
        "slug_only_no_d",
        "sitemap_only",
        "opaque_link",
        "out_of_scope",
        "undated_list",
    ):
        assert len({a for a, _ in found[kind]}) >= 3, kind
        assert len({p for _, p in found[kind]}) >= 2, kind
    for reason in ("site_unreachable", "robots_disallowed", "server_error"):
        assert found[reason], reason
        assert all(TRUTH.agencies[a].platform != "" and a != "ninhthuan" for a, _ in found[reason])


def test_title_dates_never_win() -> None:
    trap = EXPECTED[("skhdt", "investment_incentives_opportunities")]
    assert trap == Expected("stale", datetime.date(2020, 9, 8), None)
    old = EXPECTED[("ninhthuan", "direction_operation")]
    assert old.status == "ok"
    assert old.latest_date is not None
    assert old.latest_date > SAMPLE_AS_OF - datetime.timedelta(days=21)


def test_expected_accepts_other_agency_models() -> None:
    @dataclass(frozen=True)
    class OtherAgency:
        id: str
        name: str
        type: str
        url: str
        extra_hosts: tuple[str, ...] = ()

    others = [OtherAgency(a.id, a.name, a.type, a.url, a.extra_hosts) for a in AGENCIES[:4]]
    ids = {a.id for a in others}
    assert expected_findings(others) == {k: v for k, v in EXPECTED.items() if k[0] in ids}


# ---------------------------------------------------------------- generation


def test_two_builds_are_byte_identical(portal: Portal) -> None:
    again = build_portal(load_agencies(SITES_YAML))
    assert sorted(again) == sorted(portal)
    assert portal_digest(again) == portal_digest(portal)


def test_build_does_not_depend_on_the_process(portal: Portal) -> None:
    # str hashes are salted per process; nothing in the sample may depend on them.
    code = (
        "from auditor.sample.portal import build_portal, load_agencies, portal_digest;"
        f"print(portal_digest(build_portal(load_agencies({str(SITES_YAML)!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.strip() == portal_digest(portal)


def test_default_sites_yaml_is_the_repository_registry() -> None:
    assert default_sites_yaml() == SITES_YAML


def test_platforms_are_varied_and_recognisable(portal: Portal) -> None:
    marks = {
        "liferay": 'class="aui ltr"',
        "nukeviet": 'content="NukeViet v4',
        "dotnetnuke": "Default.aspx?tabid=",
        "drupal": 'content="Drupal 7',
        "plain_php": "index.php?com=",
        "portal_pages": "/portal/KenhTin/",
        "news_cms": "static.mediacdn.vn",
    }
    assert len({TRUTH.agencies[a.id].platform for a in AGENCIES}) >= 5
    for agency in AGENCIES:
        platform = TRUTH.agencies[agency.id].platform
        assert marks[platform] in home_of(portal, agency.id).decode("utf-8-sig"), agency.id


def test_site_quirks_are_rendered(portal: Portal) -> None:
    for agency in OK_AGENCIES:
        options = TRUTH.agencies[agency.id].options
        home = home_of(portal, agency.id)
        assert home.startswith(b"\xef\xbb\xbf") == options.bom, agency.id
        html = home.decode("utf-8-sig")
        outside_scripts = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
        has_raw_vietnamese = bool(re.search(r"[^\x00-\x7f]", outside_scripts))
        assert has_raw_vietnamese != options.entities, agency.id
        if options.entities:
            assert "Ng&agrave;y" in html or "&#273;" in html
        html_text = html if not options.entities else ""
        categories = portal.plans[agency.id].categories.values()
        if options.menu_case == "upper":
            in_menu = [cp for cp in categories if MENU in cp.placements and cp.target != "none"]
            assert in_menu
            assert all(f">{cp.label.upper()}<" in html_text for cp in in_menu), agency.id
        if options.ascii_side:
            in_side = [cp for cp in categories if SIDE_TEXT in cp.placements]
            assert in_side
            assert all(f">{ascii_fold(cp.label)}<" in html_text for cp in in_side), agency.id


def test_lists_use_the_date_styles_of_real_sites(portal: Portal) -> None:
    news_list = {
        "stc": r"Ngày đăng \d\d/\d\d/\d{4} \| \d\d:\d\d [AP]M",
        "snnptnt": r"\(\d\d/\d\d/\d{4}\)",
        "sxd": r"Đăng ngày \d\d - \d\d - \d{4}",
        "stnmt": r"Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy), \d\d/\d\d/\d{4}|Chủ Nhật, \d\d/\d\d/\d{4}",
        "sct": r"ngày \d{1,2} tháng \d{1,2} năm \d{4}",
        "stttt": r"-102\d{15}\.htm",
    }
    for agency_id, pattern in news_list.items():
        site = portal.site_for(agency_id)
        url = site.category_urls["news_events"]
        assert url is not None
        html = site.render(urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")).body
        assert re.search(pattern, html.decode("utf-8-sig")), agency_id
    legacy = portal.site_for("stc").render("/portal/KenhTin/Cong-khai-ngan-sach.aspx").body.decode()
    assert "| 12:00 AM" in legacy
    js = portal.site_for("sldtbxh")
    legal = js.category_urls["legal_documents"]
    assert legal is not None
    assert re.search(
        r"addItem\('[^']+','[^']+','\d\d/\d\d/\d{4}'",
        js.render(urlsplit(legal).path + "?" + urlsplit(legal).query).body.decode(),
    )


# ---------------------------------------------------------------- HTTP behaviour


def test_every_agency_home_page_is_served(server: SamplePortalServer, portal: Portal) -> None:
    resolve = server.resolve_map()
    for agency in AGENCIES:
        state = TRUTH.agencies[agency.id].site
        assert agency.host in resolve
        if state == "unreachable":
            assert resolve[agency.host] == ("127.0.0.1", server.dead_port)
            continue
        assert resolve[agency.host] == ("127.0.0.1", server.port)
        _, answer = fetch_following(server.port, agency.url, set(portal.agency_hosts[agency.id]))
        if state == "server_error":
            assert answer.status == 503
            continue
        assert answer.status == 200, agency.id
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert 20_000 <= len(answer.body) <= 60_000, (agency.id, len(answer.body))
        text = page_text(answer)
        assert normalise(agency.name) in text, agency.id
        assert "lượt truy cập" in text  # the visitor counter
        assert "new Date()" in answer.text()  # the JavaScript clock
        newest_news = portal.plans[agency.id].news.items[0].day  # home news is current
        assert (SAMPLE_AS_OF - newest_news).days <= 3


def test_extra_hosts_and_subdomains_are_served(server: SamplePortalServer) -> None:
    resolve = server.resolve_map()
    assert resolve["ninhthuan.gov.vn"] == ("127.0.0.1", server.port)
    answer = fetch(server.port, "https://ninhthuan.gov.vn/portal/Pages/default.aspx")
    assert answer.status == 301
    assert answer.headers["location"] == "https://www.ninhthuan.gov.vn/portal/Pages/default.aspx"
    documents = fetch(server.port, "https://vbpq.ninhthuan.gov.vn/")
    assert documents.status == 200
    assert "ngày ban hành" in page_text(documents)
    for host in ("dichvucong.ninhthuan.gov.vn", "dichvucong.gov.vn", "duthao.ninhthuan.gov.vn", "vbpl.vn"):
        assert host not in resolve


def test_unknown_host_is_a_plain_404(server: SamplePortalServer) -> None:
    answer = fetch(server.port, "http://example.gov.vn/")
    assert answer.status == 404
    assert answer.headers["content-type"].startswith("text/plain")


def test_conditional_get_answers_304(server: SamplePortalServer) -> None:
    url = "https://stc.ninhthuan.gov.vn/portal/Pages/default.aspx"
    first = fetch(server.port, url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert fetch(server.port, url).headers["etag"] == etag  # a hash of the body, not of the clock
    not_modified = fetch(server.port, url, {"If-None-Match": etag})
    assert not_modified.status == 304
    assert not_modified.body == b""
    assert fetch(server.port, url, {"If-Modified-Since": modified}).status == 304
    assert fetch(server.port, url, {"If-None-Match": '"other"'}).status == 200
    assert fetch(server.port, url, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}).status == 200
    assert datetime.datetime.strptime(modified, "%a, %d %b %Y %H:%M:%S GMT").date() <= SAMPLE_AS_OF


def test_head_has_the_headers_and_no_body(server: SamplePortalServer) -> None:
    url = "https://sct.ninhthuan.gov.vn/"
    head = fetch(server.port, url, method="HEAD")
    get = fetch(server.port, url)
    assert head.status == 200
    assert head.body == b""
    assert int(head.headers["content-length"]) == len(get.body)
    assert head.headers["etag"] == get.headers["etag"]


def test_request_log_records_hosts_and_headers(server: SamplePortalServer) -> None:
    server.clear_requests()
    fetch(server.port, "https://syt.ninhthuan.gov.vn/", {"User-Agent": "auditor-test", "If-None-Match": '"x"'})
    records = server.requests
    assert len(records) == 1
    assert (records[0].host, records[0].method, records[0].path) == ("syt.ninhthuan.gov.vn", "GET", "/")
    assert records[0].header("User-Agent") == "auditor-test"
    assert records[0].header("if-none-match") == '"x"'
    assert server.counts_by_host() == {"syt.ninhthuan.gov.vn": 1}


def test_unreachable_site_port_refuses_connections(server: SamplePortalServer) -> None:
    unreachable = [a for a in AGENCIES if TRUTH.agencies[a.id].site == "unreachable"]
    assert unreachable
    for agency in unreachable:
        address, port = server.resolve_map()[agency.host]
        assert port != server.port
        with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=2):
            pass


def test_server_error_site_answers_503_everywhere(server: SamplePortalServer) -> None:
    agency = next(a for a in AGENCIES if TRUTH.agencies[a.id].site == "server_error")
    for path in ("/", "/robots.txt", "/Default.aspx?tabid=53", "/missing"):
        answer = fetch(server.port, f"https://{agency.host}{path}")
        assert answer.status == 503
        assert answer.headers["retry-after"] == "1"


def test_robots_files(server: SamplePortalServer) -> None:
    for agency in AGENCIES:
        state = TRUTH.agencies[agency.id].site
        if state in ("unreachable", "server_error"):
            continue
        robots = fetch(server.port, f"https://{agency.host}/robots.txt")
        assert robots.status == 200
        assert robots.headers["content-type"].startswith("text/plain")
        if state == "robots_disallowed":
            assert robots.body == b"User-agent: *\nDisallow: /\n"
            continue
        lines = robots.body.decode().splitlines()
        assert lines[0] == "User-agent: *"
        assert "Disallow: /" not in lines, agency.id
        options = TRUTH.agencies[agency.id].options
        delays = [line for line in lines if line.startswith("Crawl-delay:")]
        assert delays == ([f"Crawl-delay: {options.crawl_delay:g}"] if options.crawl_delay else [])
        assert (f"Sitemap: https://{agency.host}/sitemap.xml" in lines) == options.sitemap_xml
        if options.sitemap_xml:
            sitemap = fetch(server.port, f"https://{agency.host}/sitemap.xml")
            assert sitemap.status == 200
            assert b"<urlset" in sitemap.body


def test_robots_disallowed_site_still_has_its_pages(server: SamplePortalServer) -> None:
    # A crawler that ignored robots.txt would find a normal site: the truth comes from robots.txt.
    agency = next(a for a in AGENCIES if TRUTH.agencies[a.id].site == "robots_disallowed")
    answer = fetch(server.port, agency.url)
    assert answer.status == 200
    assert all(e == Expected("unknown", None, "robots_disallowed") for (a, _), e in EXPECTED.items() if a == agency.id)


def test_not_found_behaviour_differs_by_platform(server: SamplePortalServer) -> None:
    def answer_of(url: str) -> Fetched:
        return fetch(server.port, url)

    assert answer_of("https://skhdt.ninhthuan.gov.vn/web/skhdt/khong-co").status == 404
    assert answer_of("https://stnmt.ninhthuan.gov.vn/vi/news/khong-co/").status == 404
    assert answer_of("https://sct.ninhthuan.gov.vn/node/99999").status == 404
    home = answer_of("https://sxd.ninhthuan.gov.vn/Default.aspx?tabid=999")
    assert (home.status, home.headers["location"]) == (302, "/")
    soft = answer_of("https://snnptnt.ninhthuan.gov.vn/index.php?com=khong-co")
    assert soft.status == 200
    assert "không tồn tại" in page_text(soft)
    moved = answer_of("https://stc.ninhthuan.gov.vn/portal/KenhTin/Khong-co.aspx")
    assert moved.status == 302
    assert "PageNotFoundError.aspx" in moved.headers["location"]
    _, answer = fetch_following(
        server.port, "https://stc.ninhthuan.gov.vn/portal/KenhTin/Khong-co.aspx", {"stc.ninhthuan.gov.vn"}
    )
    assert answer.status == 200
    assert "không tìm thấy trang" in page_text(answer)


def test_attachments_are_real_files(server: SamplePortalServer, portal: Portal) -> None:
    pdf = next(p for p in portal.site_for("stc").paths() if p.endswith(".pdf"))
    answer = fetch(server.port, f"https://stc.ninhthuan.gov.vn{pdf}")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body.startswith(b"%PDF-1.4")
    assert answer.body.rstrip().endswith(b"%%EOF")
    xls = next(p for p in portal.site_for("bqlkcn").paths() if p.endswith(".xls"))
    answer = fetch(server.port, f"https://bqlkcn.ninhthuan.gov.vn{xls}")
    assert answer.headers["content-type"] == "application/vnd.ms-excel"
    assert answer.body.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))


# ---------------------------------------------------------------- planted links and pages


def test_crawled_sites_stay_near_the_page_budget(crawls: dict[str, Crawl]) -> None:
    for agency_id, crawl in crawls.items():
        count = len(crawl.html_pages())
        assert 10 <= count <= 130, (agency_id, count)


def _date_forms(day: datetime.date) -> tuple[str, ...]:
    return (
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day:02d} - {day.month:02d} - {day.year}",
        f"ngày {day.day} tháng {day.month} năm {day.year}",
    )


def _date_shown(day: datetime.date, url: str, answer: Fetched, port: int, entries: set[str]) -> bool:
    """The expected newest date is visible on the list, in its links, or on its first entry's page."""
    html = answer.text()
    if any(form in html for form in _date_forms(day)):
        return True
    anchors = parse_anchors(url, html)
    if any(day.isoformat() in a.href or f"-102{day:%y%m%d}" in a.href for a in anchors):
        return True
    # Undated lists: the first entry's own page carries the date.
    first = next(a for a in anchors if _norm_url(a.href) in entries)
    entry = fetch(port, first.href)
    return entry.status == 200 and any(form in entry.text() for form in _date_forms(day))


def _check_missing(category_id: str, crawl: Crawl) -> None:
    labels = labels_of(category_id)
    folded = [ascii_fold(x) for x in labels if len(x) > 8]
    for url, answer in crawl.html_pages().items():
        text = page_text(answer)
        assert not [x for x in labels if x in text], url
        assert not [x for x in folded if x in ascii_fold(text)], url
    category = CATEGORY_BY_ID[category_id]
    for anchor in crawl.anchors:
        href = anchor.href.lower()
        assert not [s for s in category.slugs if len(s) > 3 and s in href], anchor
        assert not [i for i in category.images if i.lower() in " ".join(anchor.images).lower()], anchor
        if category_id == "english_content":
            parts = urlsplit(href)
            assert not re.search(r"(^|/)(en|english)(/|\.htm|$)|lang(uage)?=en", f"{parts.path}?{parts.query}")


def _check_access(agency_id: str, category_id: str, url: str, anchors: list[Anchor], crawl: Crawl) -> None:
    plants = plants_for(agency_id, category_id)
    if "image_only" in plants:
        for anchor in anchors:
            assert anchor.image_only, anchor
            names = {img.rsplit("/", 1)[-1].replace("%20", " ") for img in anchor.images}
            assert names & set(CATEGORY_BY_ID[category_id].images), anchor
    if "footer_only" in plants:
        assert all(anchor.in_footer for anchor in anchors), anchors
    if "slug_only_no_d" in plants:
        slug = TRUTH.agencies[agency_id].category(category_id).slug
        assert slug
        assert slug in url
        for anchor in anchors:
            assert anchor.image_only, anchor
            assert not re.search(r"hoi|dao|thau|lanh", " ".join(anchor.images)), anchor
    if "sitemap_only" in plants:
        holders = {a.page for a in anchors}
        assert len(holders) == 1, holders
        assert re.search(r"sơ đồ (site|cổng)", page_text(crawl.pages[holders.pop()]))
    if "opaque_link" in plants:
        for anchor in anchors:
            assert anchor.image_only, anchor
        assert not any(slug in url for slug in CATEGORY_BY_ID[category_id].slugs if len(slug) > 3)
    if plants & {"image_only", "slug_only_no_d", "sitemap_only", "opaque_link"}:
        assert not any(anchor.in_footer for anchor in anchors)


CASES = sorted(k for k in EXPECTED if TRUTH.agencies[k[0]].site == "ok")


@pytest.mark.parametrize(("agency_id", "category_id"), CASES, ids=[f"{a}-{c}" for a, c in CASES])
def test_category_is_linked_and_served_as_planted(
    agency_id: str, category_id: str, crawls: dict[str, Crawl], portal: Portal, server: SamplePortalServer
) -> None:
    expected = EXPECTED[(agency_id, category_id)]
    plants = plants_for(agency_id, category_id)
    crawl = crawls[agency_id]
    plan = portal.plans[agency_id].categories[category_id]
    hosts = set(portal.agency_hosts[agency_id])

    if expected.status == "missing":
        assert portal.site_for(agency_id).category_urls[category_id] is None
        _check_missing(category_id, crawl)
        return

    url = plan.url
    # Links on the category's own pages (breadcrumbs of its articles) do not count: a crawler
    # has to find the category before it can see them.
    own = {_norm_url(u) for u in portal.site_for(agency_id).category_pages.get(category_id, ())}
    anchors = [a for a in crawl.links_to(url) if _norm_url(a.page) not in own]
    assert anchors, f"no link to {url}"

    if "offsite_only" in plants:
        assert expected == Expected("unknown", None, "out_of_scope")
        assert urlsplit(url).hostname not in hosts
        assert all(urlsplit(a.page).hostname in hosts for a in anchors)
        return
    _check_access(agency_id, category_id, url, anchors, crawl)

    final, answer = fetch_following(server.port, url, hosts)
    if expected.status == "broken":
        wanted = 404 if "http_404" in plants else 500 if "http_500" in plants else 200
        assert answer.status == wanted
        if wanted == 200:
            assert re.search(r"không tìm thấy|không tồn tại", page_text(answer))
        return

    assert answer.status == 200, (final, answer.status)
    text = page_text(answer)
    assert normalise(plan.label) in text or normalise(ascii_fold(plan.label)) in text  # heading names it
    if expected.status == "empty":
        assert "trang chủ" in text  # the layout and its breadcrumb are there
        listed = [a for a in parse_anchors(final, answer.text()) if re.search(r"view_content|chitiet|\.pdf", a.href)]
        assert not listed
        empty_table = re.search(r"</thead>\s*<tbody>\s*</tbody>", answer.text())
        assert "đang được cập nhật" in text or "chưa có" in text or empty_table
        return
    if expected.latest_date is not None:
        entries = own - {_norm_url(final)}
        assert _date_shown(expected.latest_date, final, answer, server.port, entries), (final, expected)
