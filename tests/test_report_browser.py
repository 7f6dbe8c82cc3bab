"""index.html in a real headless browser: no console errors, a full heatmap, and scraped XSS payloads inert.

Needs Debian's chromium. When /usr/bin/chromium is absent, CI=true and we are root, it is installed with
apt-get update and install (a few minutes at most); otherwise the tests are skipped with the reason.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from selectolax.lexbor import LexborHTMLParser

from auditor.models import AuditRun, Evidence, Status
from auditor.report import FORMATS
from auditor.report.load import load_results

from .conftest import CliResult
from .servers import Reply, serve
from .test_report_formats import render_text, sample_run

MARKER = "PWNED"
# What each payload would do if it ran: mark the document where the dumped DOM shows it.
JS = f"document.title='{MARKER}';document.documentElement.setAttribute('data-pwned','1')"
PAYLOADS = (
    f"<script>{JS}</script>",
    f'<img src=x onerror="{JS}">',
    f'"><svg onload="{JS}">',
    f"javascript:{JS}",
)


def _find_chromium() -> str | None:
    found = shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None
    if found:
        return found
    if os.environ.get("CI") != "true" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    try:
        # A fresh machine's package lists are empty until updated.
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=120, check=False)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=240, check=False)
    except subprocess.TimeoutExpired:
        return None
    return shutil.which("chromium")


def _assert_no_payload_ran(dom: str) -> None:
    """The rendered page: title untouched, no planted element, only our own script, no handlers or js: links."""
    tree = LexborHTMLParser(dom)
    title = tree.css_first("title")
    assert title is not None
    assert title.text().strip() != MARKER
    assert tree.css("[data-pwned]") == []
    assert len(tree.css("script")) == 1
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            assert not (value or "").strip().lower().startswith("javascript:"), node.html


@pytest.fixture(scope="module")
def chromium() -> str:
    path = _find_chromium()
    if path is None:
        pytest.skip(
            "chromium is not installed (Debian: apt-get install chromium; installed automatically only when "
            "CI=true and running as root)"
        )
    return path


def _open(chromium: str, page: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """Load the page headless; return the DOM after scripts ran and the console messages."""
    profile = tmp_path / "profile"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=2000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


def test_report_renders_with_no_console_errors_and_a_full_heatmap(chromium: str, tmp_path: Path) -> None:
    run = sample_run()
    page = tmp_path / "index.html"
    page.write_text(render_text("html", run), encoding="utf-8")
    dom, console = _open(chromium, page, tmp_path)
    assert console == []
    tree = LexborHTMLParser(dom)
    assert len(tree.css("#heatmap td.cell")) == sum(len(c.findings) for c in run.scorecards)
    assert len(tree.css("#heatmap tbody tr")) == len(run.scorecards)
    assert tree.css_first("title") is not None


def _hostile(run: AuditRun) -> AuditRun:
    """Scraped titles, link texts and URLs carrying XSS payloads, as a crawled page would hand them over."""
    cards = []
    for card in run.scorecards:
        findings = []
        for i, finding in enumerate(card.findings):
            payload = PAYLOADS[i % len(PAYLOADS)]
            findings.append(
                dataclasses.replace(
                    finding,
                    evidence_url=f"javascript:{JS}" if i % 2 else finding.evidence_url,
                    evidence=Evidence(
                        pages=(f"javascript:alert('{MARKER}')",),
                        link_text=payload,
                        newest_title=payload,
                        newest_url=f"javascript:{JS}",
                    ),
                    status=Status.STALE if i % 3 == 0 else finding.status,
                )
            )
        agency = dataclasses.replace(card.agency, name=card.agency.name + PAYLOADS[1])
        cards.append(dataclasses.replace(card, agency=agency, findings=tuple(findings)))
    return dataclasses.replace(
        run, scorecards=tuple(cards), province=dataclasses.replace(run.province, name=PAYLOADS[0])
    )


def test_xss_payloads_in_scraped_text_never_execute(chromium: str, tmp_path: Path) -> None:
    html = FORMATS["html"].render(_hostile(sample_run()), "vi")
    assert isinstance(html, str)
    assert "<script>document.title" not in html
    assert "<img src=x" not in html
    page = tmp_path / "index.html"
    page.write_text(html, encoding="utf-8")
    dom, console = _open(chromium, page, tmp_path)
    _assert_no_payload_ran(dom)
    assert all("Content Security Policy" not in line for line in console), console


HOST = "xss.example.gov.vn"
# Entities in the page's source become the payloads in the crawled text (titles, link texts, items).
PAGE_JS = JS.replace('"', "&quot;")
HOSTILE_HOME = f"""<html><head><meta charset="utf-8"><title>&lt;script&gt;{PAGE_JS}&lt;/script&gt;Sở</title></head>
<body><div class="menu"><ul>
<li><a href="/tin-tuc">Tin tức - Sự kiện &lt;img src=x onerror="{PAGE_JS}"&gt;</a></li>
<li><a href="/van-ban">Văn bản quy phạm pháp luật</a></li>
<li><a href="/lien-he" title="&quot;&gt;&lt;svg onload=&quot;{PAGE_JS}&quot;&gt;">Liên hệ</a></li>
<li><a href="javascript:{PAGE_JS}">Công khai ngân sách</a></li>
<li><a href="/gioi-thieu/co-cau-to-chuc">Cơ cấu tổ chức &lt;script&gt;{PAGE_JS}&lt;/script&gt;</a></li></ul></div>
<div class="content"><h2>Tin mới</h2><p>Trang thông tin điện tử.</p></div></body></html>"""
HOSTILE_NEWS = f"""<html><body><div class="main"><h1>Tin tức - Sự kiện</h1><ul class="news">
<li><a href="/tin/1">&lt;img src=x onerror="{PAGE_JS}"&gt; Hội nghị tổng kết</a> <span>Ngày đăng 20/10/2026</span></li>
<li><a href="/tin/2">Tập huấn nghiệp vụ</a> <span>Ngày đăng 03/06/2019</span></li>
</ul></div></body></html>"""
HOSTILE_DOCUMENTS = """<html><body><div class="main"><h1>Văn bản quy phạm pháp luật</h1><ul class="news">
<li><a href="/vb/1">=HYPERLINK("http://evil.example/","Bấm vào đây")</a> <span>Ngày ban hành 25/10/2026</span></li>
<li><a href="/vb/2">@SUM(1+1) Quyết định số 12/2026/QĐ-UBND</a> <span>Ngày ban hành 03/06/2026</span></li>
</ul></div></body></html>"""
HOSTILE_STRUCTURE = f"""<html><head><title>Cơ cấu tổ chức &lt;script&gt;{PAGE_JS}&lt;/script&gt;</title></head><body>
<div class="main"><h1>Cơ cấu tổ chức</h1><p>Sở gồm Văn phòng Sở, Thanh tra Sở, Phòng Quản lý ngân sách, Phòng Tài chính
đầu tư, Phòng Quản lý giá và công sản.</p></div></body></html>"""
HOSTILE_CONTACT = """<html><body><div class="main"><h1>Liên hệ</h1><p>Địa chỉ: 450 Thống Nhất.
Điện thoại: 0259 3822 000. Email: =cmd|' /C calc'!A0</p></div></body></html>"""


def _crawl_hostile_site(run_cli: Callable[..., CliResult], out: Path) -> None:
    """`auditor check` on a site whose titles, link texts and URLs carry payloads: the whole pipeline."""
    pages = {"/": HOSTILE_HOME, "/tin-tuc": HOSTILE_NEWS, "/gioi-thieu/co-cau-to-chuc": HOSTILE_STRUCTURE}
    pages.update({"/lien-he": HOSTILE_CONTACT, "/van-ban": HOSTILE_DOCUMENTS})
    routes = {(HOST, path): (lambda n, body=body: Reply(body=body.encode())) for path, body in pages.items()}
    with serve(routes) as server:
        result = run_cli(
            "check", f"http://{HOST}/", "--type", "department", "--function", "finance", "--as-of", "2026-11-01",
            "--out", str(out), "--quiet", f"--connect-to={HOST}=127.0.0.1:{server.port}",
        )  # fmt: skip
    assert result.code == 0, result.stderr


def test_a_crawled_page_with_xss_payloads_gives_a_report_where_none_runs(
    chromium: str, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "report"
    _crawl_hostile_site(run_cli, out)
    results = (out / "results.json").read_text(encoding="utf-8")
    assert "onerror" in results, "the payloads should have reached the findings"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "<script>document" not in html
    dom, console = _open(chromium, out / "index.html", tmp_path)
    _assert_no_payload_ran(dom)
    assert console == []


def test_crawled_formula_text_reads_back_as_plain_text(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    out = tmp_path / "report"
    _crawl_hostile_site(run_cli, out)
    run = load_results(out / "results.json")
    scraped = [f.evidence.newest_title for c in run.scorecards for f in c.findings]
    assert any(t.startswith("=HYPERLINK") for t in scraped), scraped
    rows = list(csv.reader(io.StringIO(render_text("csv", run).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example/","Bấm vào đây")' in cells
    data = FORMATS["xlsx"].render(run, "vi")
    assert isinstance(data, bytes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil.example/","Bấm vào đây")' in [c.value for c in values]
    assert all(c.data_type == "s" and not c.value.startswith(("=", "+", "-", "@")) for c in values)
