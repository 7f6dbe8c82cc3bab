"""index.html in a real headless browser: no console errors, a full heatmap, and scraped XSS payloads inert.

Needs Debian's chromium. When /usr/bin/chromium is absent, CI=true and we are root, it is installed with
apt-get (at most about two minutes); otherwise the tests are skipped with the reason.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from auditor.models import AuditRun, Evidence, Status
from auditor.report import FORMATS

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
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return None
    return shutil.which("chromium")


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
    tree = LexborHTMLParser(dom)
    title = tree.css_first("title")
    assert title is not None
    assert title.text().strip() != MARKER
    assert tree.css("[data-pwned]") == []
    # Only our own script, no element with an event handler, no javascript: link.
    assert len(tree.css("script")) == 1
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            assert not (value or "").strip().lower().startswith("javascript:"), node.html
    assert all("Content Security Policy" not in line for line in console), console
