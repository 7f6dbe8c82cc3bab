"""Disclosure categories as the sample's sites label, slug and illustrate them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CATEGORIES",
    "CATEGORY_BY_ID",
    "MENU_GROUPS",
    "Category",
    "applicable_categories",
]


@dataclass(frozen=True)
class Category:
    """One disclosure category and the ways real sites name it."""

    id: str
    # "static": an undated page (structure, contacts); "dated": a list of dated items.
    kind: str
    # Which agency types publish it: general | state | portal | district | portal_district.
    scope: str
    # Key of the top-menu group it sits under on sites that put it in the menu.
    group: str
    # Label variants seen on real sites; the first is the most common.
    labels: tuple[str, ...]
    # URL slugs; variants dropping the letter đ entirely are as common as ones keeping it as d.
    slugs: tuple[str, ...]
    # Banner file names that are the only clue when a site links the category by image alone.
    images: tuple[str, ...]


_SCOPES_BY_TYPE: dict[str, frozenset[str]] = {
    "provincial_portal": frozenset({"general", "state", "portal", "portal_district"}),
    "department": frozenset({"general", "state"}),
    "district": frozenset({"general", "state", "district", "portal_district"}),
    # Party and mass organisations are not bound by the disclosure laws; only the general
    # categories are audited, and advisory.
    "party_org": frozenset({"general"}),
}

# Top-menu groups in the order sites show them.
MENU_GROUPS: tuple[tuple[str, str], ...] = (
    ("gioithieu", "Giới thiệu"),
    ("tintuc", "Tin tức"),
    ("vanban", "Văn bản"),
    ("quyhoach", "Quy hoạch - Kế hoạch"),
    ("moitruong", "Tài nguyên - Môi trường"),
    ("congkhai", "Thông tin công khai"),
    ("dichvu", "Dịch vụ công"),
    ("hoidap", "Hỏi đáp"),
    ("lienhe", "Liên hệ"),
)

CATEGORIES: tuple[Category, ...] = (
    Category(
        "org_structure_functions",
        "static",
        "general",
        "gioithieu",
        ("Cơ cấu tổ chức", "Chức năng, nhiệm vụ", "Chức năng nhiệm vụ", "Sơ đồ tổ chức"),
        ("co-cau-to-chuc", "chuc-nang-nhiem-vu", "so-do-to-chuc"),
        ("cocautochuc.png", "sodotochuc.jpg"),
    ),
    Category(
        "agency_history_leaders",
        "static",
        "general",
        "gioithieu",
        (
            "Ban lãnh đạo",
            "Lịch sử hình thành",
            "Lãnh đạo cơ quan",
            "Quá trình hình thành và phát triển",
        ),
        ("lanh-dao", "lanh-ao", "lich-su-hinh-thanh"),
        ("banlanhdao.png",),
    ),
    Category(
        "contact_info",
        "static",
        "general",
        "lienhe",
        ("Liên hệ", "Thông tin liên hệ"),
        ("lien-he", "thong-tin-lien-he"),
        ("lienhe.png",),
    ),
    Category(
        "news_events",
        "dated",
        "general",
        "tintuc",
        ("Tin tức - Sự kiện", "Tin tức sự kiện", "Tin hoạt động", "Tin tức"),
        ("tin-tuc-su-kien", "tin-hoat-dong", "tin-tuc"),
        ("tintuc.png",),
    ),
    Category(
        "legal_documents",
        "dated",
        "general",
        "vanban",
        ("Văn bản quy phạm pháp luật", "Văn bản pháp quy", "Hệ thống văn bản", "Văn bản QPPL"),
        ("van-ban-quy-pham-phap-luat", "van-ban-phap-quy", "van-ban"),
        ("van ban quy pham phap luat.png", "vanbanqppl.png"),
    ),
    Category(
        "locality_profile",
        "static",
        "portal_district",
        "gioithieu",
        ("Giới thiệu chung", "Tổng quan", "Điều kiện tự nhiên", "Điều kiện tự nhiên, xã hội"),
        ("gioi-thieu-chung", "tong-quan", "dieu-kien-tu-nhien"),
        ("tongquan.png",),
    ),
    Category(
        "direction_operation",
        "dated",
        "state",
        "tintuc",
        ("Chỉ đạo điều hành", "Thông tin chỉ đạo, điều hành", "Chỉ đạo - Điều hành"),
        ("chi-dao-dieu-hanh", "chi-ao-ieu-hanh", "thong-tin-chi-dao-dieu-hanh"),
        ("chidaodieuhanh.png", "ChiDaoDieuHanh.jpg"),
    ),
    Category(
        "official_gazette",
        "dated",
        "portal",
        "vanban",
        ("Công báo", "Công báo tỉnh", "Công báo điện tử"),
        ("cong-bao", "cong-bao-tinh"),
        ("congbao.png",),
    ),
    Category(
        "law_dissemination",
        "dated",
        "state",
        "tintuc",
        ("Phổ biến giáo dục pháp luật", "Phổ biến, giáo dục pháp luật", "Tuyên truyền pháp luật"),
        ("pho-bien-giao-duc-phap-luat", "pho-bien-phap-luat", "pbgdpl"),
        ("phobienphapluat.png", "pbgdpl.jpg"),
    ),
    Category(
        "admin_procedures_online_services",
        "dated",
        "state",
        "dichvu",
        ("Thủ tục hành chính", "Dịch vụ công trực tuyến", "Bộ thủ tục hành chính"),
        ("thu-tuc-hanh-chinh", "dich-vu-cong-truc-tuyen", "tthc"),
        ("thutuchanhchinh.png", "dichvucong.png"),
    ),
    Category(
        "socioeconomic_strategies_plans",
        "dated",
        "state",
        "quyhoach",
        (
            "Chiến lược, định hướng, quy hoạch, kế hoạch phát triển",
            "Kế hoạch phát triển kinh tế - xã hội",
            "Chiến lược - Định hướng phát triển",
        ),
        ("chien-luoc-dinh-huong-quy-hoach", "ke-hoach-phat-trien-kt-xh", "chien-luoc-phat-trien"),
        ("chienluocphattrien.png",),
    ),
    Category(
        "annual_work_programs_reports",
        "dated",
        "state",
        "quyhoach",
        ("Chương trình công tác", "Kế hoạch, báo cáo", "Chương trình, kế hoạch công tác"),
        ("chuong-trinh-cong-tac", "ke-hoach-bao-cao", "chuong-trinh-ke-hoach-cong-tac"),
        ("chuongtrinhcongtac.png",),
    ),
    Category(
        "sector_planning",
        "dated",
        "state",
        "quyhoach",
        ("Quy hoạch ngành, lĩnh vực", "Quy hoạch phát triển ngành", "Quy hoạch ngành"),
        ("quy-hoach-nganh-linh-vuc", "quy-hoach-phat-trien-nganh", "quy-hoach-nganh"),
        ("quyhoachnganh.png",),
    ),
    Category(
        "investment_incentives_opportunities",
        "dated",
        "state",
        "quyhoach",
        (
            "Dự án mời gọi đầu tư",
            "Kêu gọi đầu tư",
            "Thu hút đầu tư",
            "Danh mục dự án thu hút đầu tư",
            "Cơ hội đầu tư",
            "Chính sách ưu đãi đầu tư",
        ),
        ("du-an-moi-goi-dau-tu", "keu-goi-au-tu", "thu-hut-dau-tu", "co-hoi-dau-tu"),
        ("moigoidautu.jpg", "keugoidautu.png"),
    ),
    Category(
        "construction_urban_planning",
        "dated",
        "state",
        "quyhoach",
        ("Quy hoạch xây dựng, đô thị", "Quy hoạch xây dựng", "Quy hoạch đô thị"),
        ("quy-hoach-xay-dung-do-thi", "quy-hoach-xay-dung", "quy-hoach-o-thi"),
        ("quyhoachxaydung.png",),
    ),
    Category(
        "land_use_planning",
        "dated",
        "state",
        "quyhoach",
        ("Quy hoạch, kế hoạch sử dụng đất", "Kế hoạch sử dụng đất", "Quy hoạch sử dụng đất"),
        ("quy-hoach-ke-hoach-su-dung-dat", "ke-hoach-su-dung-at", "quy-hoach-su-dung-dat"),
        ("quyhoachsudungdat.png",),
    ),
    Category(
        "natural_resource_exploitation",
        "dated",
        "state",
        "moitruong",
        ("Khai thác tài nguyên, khoáng sản", "Khai thác khoáng sản", "Tài nguyên khoáng sản"),
        ("khai-thac-tai-nguyen-khoang-san", "khai-thac-khoang-san"),
        ("khaithackhoangsan.png",),
    ),
    Category(
        "waste_management_planning",
        "dated",
        "state",
        "moitruong",
        ("Quy hoạch quản lý chất thải rắn", "Quản lý chất thải rắn"),
        ("quy-hoach-quan-ly-chat-thai-ran", "quan-ly-chat-thai-ran"),
        ("chatthairan.png",),
    ),
    Category(
        "waste_sources_hazardous_waste",
        "dated",
        "state",
        "moitruong",
        ("Nguồn thải, chất thải nguy hại", "Chất thải nguy hại", "Thông tin nguồn thải"),
        ("nguon-thai-chat-thai-nguy-hai", "chat-thai-nguy-hai"),
        ("chatthainguyhai.png",),
    ),
    Category(
        "polluted_areas_incident_risk",
        "dated",
        "state",
        "moitruong",
        (
            "Khu vực ô nhiễm, nguy cơ sự cố môi trường",
            "Khu vực bị ô nhiễm môi trường",
            "Nguy cơ sự cố môi trường",
        ),
        ("khu-vuc-o-nhiem-su-co-moi-truong", "khu-vuc-o-nhiem"),
        ("khuvuconhiem.png",),
    ),
    Category(
        "environment_reports_inspections",
        "dated",
        "state",
        "moitruong",
        (
            "Báo cáo hiện trạng môi trường",
            "Thanh tra, kiểm tra môi trường",
            "Quan trắc - Hiện trạng môi trường",
        ),
        ("bao-cao-hien-trang-moi-truong", "thanh-tra-kiem-tra-moi-truong"),
        ("hientrangmoitruong.png",),
    ),
    Category(
        "budget_disclosure",
        "dated",
        "state",
        "congkhai",
        ("Công khai ngân sách", "Công khai tài chính ngân sách", "Công khai dự toán, quyết toán"),
        ("cong-khai-ngan-sach", "cong-khai-tai-chinh-ngan-sach"),
        ("congkhaingansach.jpg", "CongKhaiNganSach.png"),
    ),
    Category(
        "public_investment_procurement",
        "dated",
        "state",
        "congkhai",
        ("Đấu thầu, mua sắm công", "Đấu thầu mua sắm công", "Đầu tư công", "Thông tin đấu thầu"),
        ("dau-thau-mua-sam-cong", "-au-thau-mua-sam-cong", "au-tu-cong", "dau-tu-cong"),
        ("dauthau.png", "muasamcong.jpg"),
    ),
    Category(
        "draft_consultation",
        "dated",
        "state",
        "vanban",
        ("Lấy ý kiến dự thảo văn bản", "Góp ý dự thảo", "Dự thảo văn bản"),
        ("lay-y-kien-du-thao", "gop-y-du-thao", "du-thao-van-ban"),
        ("LayYKienDuThao357X50.png", "gopyduthao.png"),
    ),
    Category(
        "qa_feedback",
        "dated",
        "state",
        "hoidap",
        ("Hỏi đáp", "Hỏi - đáp", "Hỏi đáp trực tuyến"),
        ("hoi-dap", "hoi-ap", "hoi-dap-truc-tuyen"),
        ("hoidap.png",),
    ),
    Category(
        "statistics",
        "dated",
        "state",
        "congkhai",
        ("Thông tin thống kê", "Báo cáo thống kê", "Số liệu thống kê"),
        ("thong-tin-thong-ke", "bao-cao-thong-ke", "so-lieu-thong-ke"),
        ("thongtinbaocaothongke.png", "solieuthongke.jpg"),
    ),
    Category(
        "annual_financial_report",
        "dated",
        "state",
        "congkhai",
        ("Báo cáo tài chính năm", "Báo cáo tài chính", "Công khai báo cáo tài chính"),
        ("bao-cao-tai-chinh-nam", "bao-cao-tai-chinh"),
        ("baocaotaichinh.png",),
    ),
    Category(
        "science_programs",
        "dated",
        "state",
        "congkhai",
        ("Chương trình, đề tài khoa học", "Đề tài khoa học", "Nhiệm vụ khoa học và công nghệ"),
        ("chuong-trinh-de-tai-khoa-hoc", "de-tai-khoa-hoc", "e-tai-khoa-hoc"),
        ("detaikhoahoc.png",),
    ),
    Category(
        "recruitment_personnel",
        "dated",
        "state",
        "tintuc",
        ("Thông tin tuyển dụng", "Tuyển dụng", "Thông báo tuyển dụng"),
        ("thong-tin-tuyen-dung", "tuyen-dung", "thong-bao-tuyen-dung"),
        ("Tuyendungcongchucvienchuc.jpg", "tuyendung.png"),
    ),
    Category(
        "fees_charges_funds",
        "dated",
        "state",
        "congkhai",
        ("Phí, lệ phí", "Phí và lệ phí", "Phí, lệ phí và các quỹ"),
        ("phi-le-phi", "phi-va-le-phi", "phi-le-phi-quy"),
        ("philephi.png",),
    ),
    Category(
        "access_to_information_section",
        "static",
        "state",
        "congkhai",
        (
            "Tiếp cận thông tin",
            "Chuyên mục tiếp cận thông tin",
            "Thực hiện Luật Tiếp cận thông tin",
        ),
        ("tiep-can-thong-tin", "chuyen-muc-tiep-can-thong-tin"),
        ("tiepcanthongtin.png",),
    ),
    Category(
        "english_content",
        "static",
        "state",
        "gioithieu",
        ("English", "Tiếng Anh"),
        ("en",),
        ("flag_en.png", "english.gif"),
    ),
    Category(
        "commune_disclosures",
        "dated",
        "district",
        "congkhai",
        ("Công khai cấp xã", "Thông tin xã, thị trấn", "Công khai của UBND các xã, thị trấn"),
        ("cong-khai-cap-xa", "thong-tin-xa-thi-tran"),
        ("congkhaicapxa.png",),
    ),
)

CATEGORY_BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}


def applicable_categories(agency_type: str) -> tuple[Category, ...]:
    """Categories an agency of this type is audited for, in table order."""
    scopes = _SCOPES_BY_TYPE[agency_type]
    return tuple(c for c in CATEGORIES if c.scope in scopes)
