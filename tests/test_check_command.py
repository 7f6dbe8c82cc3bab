"""`auditor check URL`: an agency's self-check of one site, served on 127.0.0.1 by the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import CliResult
from .servers import Reply, serve

HOST = "stc.example.gov.vn"
HOME = """<html><head><meta charset="utf-8"><title>Sở Tài chính</title></head><body>
<div class="menu"><ul><li><a href="/gioi-thieu/co-cau-to-chuc">Cơ cấu tổ chức</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/lien-he">Liên hệ</a></li></ul></div>
<div class="content"><h2>Tin mới</h2><p>Chào mừng đến với trang thông tin điện tử Sở Tài chính.</p></div>
<div class="footer">Cơ quan chủ quản: Sở Tài chính. Điện thoại 0259 3822 000.</div></body></html>"""
NEWS = """<html><body><div class="menu"><a href="/">Trang chủ</a></div><div class="main"><h1>Tin tức - Sự kiện</h1>
<ul class="news"><li><a href="/tin/1">Hội nghị tổng kết công tác tài chính năm 2019</a> <span>Ngày đăng 20/12/2019</span></li>
<li><a href="/tin/2">Tập huấn nghiệp vụ kế toán</a> <span>Ngày đăng 03/06/2019</span></li></ul></div></body></html>"""
STRUCTURE = """<html><body><div class="main"><h1>Cơ cấu tổ chức</h1><p>Sở Tài chính gồm Văn phòng Sở, Thanh tra Sở,
Phòng Quản lý ngân sách, Phòng Tài chính đầu tư, Phòng Quản lý giá và công sản, Phòng Tài chính hành chính sự nghiệp.
</p></div></body></html>"""
CONTACT = """<html><body><div class="main"><h1>Liên hệ</h1><p>Địa chỉ: 450 Thống Nhất, Phan Rang - Tháp Chàm.
Điện thoại: 0259 3822 000. Email: stc@ninhthuan.gov.vn</p></div></body></html>"""


def test_check_prints_what_is_missing_or_stale_and_why(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    pages = {"/": HOME, "/tin-tuc": NEWS, "/gioi-thieu/co-cau-to-chuc": STRUCTURE, "/lien-he": CONTACT}
    routes = {(HOST, path): (lambda n, body=body: Reply(body=body.encode())) for path, body in pages.items()}
    with serve(routes) as server:
        result = run_cli(
            "check",
            f"http://{HOST}/",
            "--type",
            "department",
            "--function",
            "finance",
            "--as-of",
            "2026-11-01",
            "--out",
            str(tmp_path),
            "--quiet",
            "--lang",
            "en",
            f"--connect-to={HOST}=127.0.0.1:{server.port}",
        )
        assert server.hits_for_host(HOST) > 0
    assert result.code == 0, result.stderr
    findings = {
        f["category"]: f for f in json.loads((tmp_path / "results.json").read_text())["agencies"][0]["findings"]
    }
    assert findings["news_events"]["status"] == "stale"
    assert findings["news_events"]["latest_date"] == "2019-12-20"
    assert findings["org_structure_functions"]["status"] == "ok"
    assert findings["contact_info"]["status"] == "ok"
    assert findings["budget_disclosure"]["status"] == "missing"
    # The printed table names what is wrong and which article requires it.
    assert "Budget disclosure" in result.stdout
    assert "Missing" in result.stdout
    assert "Stale" in result.stdout
    assert f"Legal basis: {findings['budget_disclosure']['legal_basis']}" in result.stdout
    assert "How to fix:" in result.stdout
