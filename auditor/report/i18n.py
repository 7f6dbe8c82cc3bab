"""Words the reports show, in Vietnamese first and English: statuses, reasons, headings."""

from __future__ import annotations

from ..models import Finding, Status

__all__ = ["REASONS", "STATUS_NAMES", "explain", "t"]

STATUS_NAMES: dict[Status, tuple[str, str]] = {
    Status.OK: ("Đạt", "OK"),
    Status.STALE: ("Chưa cập nhật", "Stale"),
    Status.EMPTY: ("Trống", "Empty"),
    Status.BROKEN: ("Liên kết hỏng", "Broken"),
    Status.MISSING: ("Không có", "Missing"),
    Status.UNKNOWN: ("Không xác định", "Unknown"),
}

REASONS: dict[str, tuple[str, str]] = {
    "fresh": (
        "Có nội dung, mục mới nhất còn trong thời hạn",
        "Content present, newest item within the allowed age",
    ),
    "present": ("Có nội dung", "Content present"),
    "older_than_max_age": ("Mục mới nhất quá thời hạn cập nhật", "Newest item older than allowed"),
    "placeholder_text": (
        'Trang chỉ ghi "đang được cập nhật" hoặc tương tự',
        "Page only says it is being updated",
    ),
    "no_content": ("Trang không có nội dung", "Page has no content"),
    "soft_404": (
        'Trang báo "không tìm thấy" (dù máy chủ trả mã 200)',
        "Page says not found (though served with 200)",
    ),
    "no_evidence": (
        "Không tìm thấy liên kết hay trang nào cho mục này",
        "No link or page for this category anywhere",
    ),
    "site_unreachable": ("Không truy cập được trang web", "Site unreachable"),
    "robots_disallowed": ("robots.txt không cho phép kiểm tra", "robots.txt disallows the audit"),
    "tls_error": ("Lỗi chứng chỉ TLS/HTTPS", "TLS certificate error"),
    "timeout": ("Máy chủ không trả lời kịp", "Server did not answer in time"),
    "server_error": ("Máy chủ báo lỗi", "Server error"),
    "blocked_403": ("Máy chủ từ chối truy cập (403)", "Server refused access (403)"),
    "page_budget_exhausted": (
        "Hết giới hạn số trang trước khi kiểm tra xong",
        "Page budget exhausted before the check finished",
    ),
    "out_of_scope": (
        "Chỉ có liên kết sang trang web khác ngoài phạm vi kiểm tra",
        "Only linked to a site outside the audit's scope",
    ),
    "no_date_found": (
        "Có nội dung nhưng không đọc được ngày đăng",
        "Content present but no publication date found",
    ),
    "not_html": ("Trang không phải HTML", "Not an HTML page"),
    "redirect_loop": ("Chuyển hướng vòng lặp", "Redirect loop"),
    "redirect_out_of_scope": (
        "Chuyển hướng ra ngoài phạm vi",
        "Redirects outside the audit's scope",
    ),
    "connection_reset": ("Kết nối bị ngắt", "Connection reset"),
    "audit_error": (
        "Lỗi của công cụ kiểm tra ở trang này (xin báo lại cho nhóm phát triển)",
        "The auditor failed on this site (a bug: please report it)",
    ),
}

_WORDS: dict[str, tuple[str, str]] = {
    "title": (
        "Kết quả kiểm tra thông tin bắt buộc trên cổng/trang thông tin điện tử",
        "Mandatory disclosure audit",
    ),
    "as_of": ("Ngày tham chiếu", "As of"),
    "agency": ("Cơ quan", "Agency"),
    "type": ("Loại", "Type"),
    "score": ("Điểm", "Score"),
    "site": ("Trạng thái trang", "Site status"),
    "category": ("Hạng mục", "Category"),
    "status": ("Kết quả", "Status"),
    "latest": ("Ngày mới nhất", "Newest date"),
    "evidence": ("Bằng chứng", "Evidence"),
    "reason": ("Lý do", "Reason"),
    "legal": ("Căn cứ pháp lý", "Legal basis"),
    "advisory": ("khuyến nghị", "advisory"),
    "not_scored": ("chưa chấm", "not scored"),
    "ruleset": ("Bộ quy tắc", "Rule set"),
    "instruments": ("Văn bản áp dụng", "Instruments applied"),
    "unverified": ("chưa đối chiếu văn bản gốc", "not checked against the official text"),
    "summary": ("Tổng hợp", "Summary"),
    "pages": ("Số trang đã đọc", "Pages read"),
    "binds": ("Áp dụng cho", "Binds"),
    "fix": ("Cách khắc phục", "How to fix"),
    "wrote": ("đã ghi", "wrote"),
    "fetch_stats": (
        "HTTP: {requests} yêu cầu — {full} trang tải đầy đủ, {not_modified} không đổi (304), "
        "{replayed} lấy lại từ lần chạy bị gián đoạn",
        "HTTP: {requests} requests — {full} full pages, {not_modified} not modified (304), "
        "{replayed} replayed from an interrupted run",
    ),
    "parse_stats": (
        "Trang: {parsed} được phân tích, {reused} không đổi dùng lại kết quả phân tích lần trước",
        "Pages: {parsed} parsed, {reused} unchanged and not parsed again",
    ),
    "crawl_reuse_stats": (
        "Trang web: {sites} không đổi (mọi yêu cầu nhận lại cùng câu trả lời), dùng lại lần thu thập trước",
        "Sites: {sites} unchanged (every request answered the same again), their last crawl reused",
    ),
    "advisory_note": (
        "Tổ chức Đảng, đoàn thể: kết quả mang tính khuyến nghị, không xếp hạng",
        "Party and mass organisations: advisory results, not ranked",
    ),
    "max_age": ("Tuổi tối đa (ngày)", "Max age (days)"),
    "scoring": (
        "Điểm = tỷ lệ có trọng số: Đạt 1; Chưa cập nhật 0,5; Trống và Liên kết hỏng 0,25; Không có 0. "
        "Mục không xác định không tính.",
        "Score = weighted share: ok 1, stale 0.5, empty and broken 0.25, missing 0. Unknown findings do not count.",
    ),
}


_WORDS.update(
    {
        "ranking": ("Xếp hạng", "Ranking"),
        "heatmap": ("Bảng tổng hợp theo cơ quan và hạng mục", "Agencies by category"),
        "filter_status": ("Lọc theo kết quả", "Filter by status"),
        "filter_type": ("Lọc theo loại cơ quan", "Filter by agency type"),
        "filter_text": ("Tìm cơ quan", "Find an agency"),
        "all": ("Tất cả", "All"),
        "columns_legal": ("Căn cứ pháp lý của từng cột", "Legal basis of each column"),
        "weight": ("Trọng số", "Weight"),
        "how_scored": ("Cách tính điểm", "How the score was computed"),
        "counted": ("Số mục", "Findings"),
        "credit": ("Hệ số", "Credit"),
        "earned": ("Điểm đạt được", "Points earned"),
        "unknown_apart": (
            "Không xác định (không tính vào điểm, không coi là đạt hay không đạt)",
            "Unknown (left out of the score: neither a pass nor a failure)",
        ),
        "advisory_apart": ("Khuyến nghị (không tính điểm)", "Advisory (not scored)"),
        "waived_apart": ("Ngoại lệ được chấp thuận", "Approved exceptions"),
        "exceptions": ("Ngoại lệ đã đăng ký", "Declared exceptions"),
        "exception": ("Ngoại lệ", "Exception"),
        "not_applicable": ("không áp dụng", "not applicable"),
        "published_at": ("đã công bố tại", "published at"),
        "approved_by": ("Người phê duyệt", "Approved by"),
        "expires": ("Hết hạn", "Expires"),
        "expired": ("đã hết hạn, không còn tính", "expired, no longer counts"),
        "active": ("còn hiệu lực", "in force"),
        "changes": ("So với lần kiểm tra trước", "Compared with the previous run"),
        "previous": ("Lần trước", "Previous run"),
        "newly_failing": ("Mới phát sinh thiếu hoặc chưa cập nhật", "Newly missing or stale"),
        "fixed": ("Đã khắc phục", "Fixed"),
        "unchanged": ("Vẫn chưa khắc phục", "Still failing"),
        "no_previous": ("Chưa có lần kiểm tra trước để so sánh", "No previous run to compare with"),
        "escalated": ("Quá một quý chưa khắc phục: báo cáo lãnh đạo", "Failing for over a quarter: escalated"),
        "failing_since": ("Không đạt từ", "Failing since"),
        "history": ("Điểm qua các lần kiểm tra", "Score over past runs"),
        "newest_item": ("Mục mới nhất", "Newest item"),
        "what_to_do": ("Cần làm gì", "What to do"),
        "back": ("Về bảng tổng hợp", "Back to the overview"),
        "province_score": ("Điểm bình quân của tỉnh", "Province score (mean of ranked agencies)"),
        "rank": ("Hạng", "Rank"),
        "agency_id": ("Mã cơ quan", "Agency id"),
        "category_id": ("Mã hạng mục", "Category id"),
        "scored": ("Được chấm", "Scored"),
        "none": ("Không có", "None"),
        "gate_failed": ("Không đạt ngưỡng", "Gate failed"),
        "gate_province": ("điểm của tỉnh {score} thấp hơn {threshold}", "province score {score} is below {threshold}"),
        "gate_agency": (
            "điểm của {agency} là {score}, thấp hơn {threshold}",
            "{agency} scores {score}, below {threshold}",
        ),
        "gate_regression": (
            "có mục mới không đạt so với lần kiểm tra {date}",
            "findings newly failing since the run of {date}",
        ),
        "gate_unknown": (
            "{count} mục không xác định, nhiều hơn {limit}",
            "{count} unknown findings, more than {limit}",
        ),
        "computed": (
            "Điểm = điểm đạt được / tổng trọng số × 100 (làm tròn)",
            "Score = points earned / total weight × 100 (rounded)",
        ),
    }
)


def t(key: str, lang: str) -> str:
    vi, en = _WORDS[key]
    return en if lang == "en" else vi


def status_name(status: Status, lang: str) -> str:
    vi, en = STATUS_NAMES[status]
    return en if lang == "en" else vi


def explain(finding: Finding, lang: str) -> str:
    """A sentence for the reason code, falling back to the code itself."""
    code = finding.reason
    base = code.split(":", 1)[0]
    if base.startswith("http_"):
        status = base[5:]
        return f"Liên kết trả lỗi HTTP {status}" if lang != "en" else f"Link answers HTTP {status}"
    vi, en = REASONS.get(base, (code, code))
    return en if lang == "en" else vi
