"""Deterministic items (titles, dates, attachments) of every category list of the sample."""

# ruff: noqa: E501 - the title pools are Vietnamese sentences; wrapping them hurts reading.

from __future__ import annotations

import datetime
import functools
import random
from dataclasses import dataclass

from auditor.sample import SAMPLE_AS_OF
from auditor.sample.agencies import SampleAgency, short_name
from auditor.sample.spec import CategorySpec
from auditor.sample.text import fmt_dmy, rng_for, slugify

__all__ = ["Item", "items_for", "newest_date"]


@dataclass(frozen=True)
class Item:
    """One entry of a category list: an article, a document row or an attachment."""

    key: str
    title: str
    published: datetime.datetime
    summary: str
    paragraphs: tuple[str, ...]
    # Attachment file name (.pdf/.xls/.doc); for pdf-only lists the item is the file itself.
    file_name: str | None = None
    # Legal documents: "Số ký hiệu", and the effective date some tables also show.
    doc_number: str | None = None
    effective: datetime.date | None = None
    # Q&A: who asked, and the answer.
    asker: str | None = None
    answer: str | None = None

    @property
    def day(self) -> datetime.date:
        """The publish date."""
        return self.published.date()


_PLACES = (
    "xã Phước Hà",
    "xã Nhị Hà",
    "phường Đô Vinh",
    "xã Phước Dinh",
    "xã Lâm Sơn",
    "thị trấn Khánh Hải",
    "xã Phước Chiến",
    "xã Phước Kháng",
    "xã Công Hải",
    "xã Xuân Hải",
    "phường Mỹ Bình",
    "thị trấn Phước Dân",
    "xã An Hải",
    "xã Phước Thành",
    "xã Mỹ Sơn",
    "xã Bắc Phong",
)
_DISTRICTS = (
    "huyện Ninh Hải",
    "huyện Ninh Phước",
    "huyện Ninh Sơn",
    "huyện Bác Ái",
    "huyện Thuận Bắc",
    "huyện Thuận Nam",
    "thành phố Phan Rang - Tháp Chàm",
)
_FIELDS = (
    "tài nguyên nước",
    "trật tự xây dựng",
    "an toàn thực phẩm",
    "giao thông nông thôn",
    "văn hóa cơ sở",
    "đê điều",
    "chợ và trung tâm thương mại",
    "cụm công nghiệp",
)
_SECTORS = (
    "mạng lưới chợ",
    "thủy lợi",
    "giao thông vận tải",
    "vật liệu xây dựng",
    "du lịch",
    "điện lực",
    "nuôi trồng thủy sản",
)
_COMPANIES = (
    "Công ty TNHH Muối Ninh Thuận",
    "Công ty CP Nho Ninh Thuận",
    "Nhà máy đường Phan Rang",
    "Công ty TNHH Thủy sản Cà Ná",
    "Công ty CP Điện gió Đầm Nại",
)
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Đàng", "Châu")
_MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Hữu", "Ngọc", "Thanh")
_GIVEN = ("Hùng", "Lan", "Hải", "Tuấn", "Dũng", "Hoa", "Phương", "Sơn", "Bình", "Quang", "Tâm")

# Title and summary templates per category. Shared pools avoid the labels of categories some
# sites deliberately lack (dự thảo, lệ phí, tuyển dụng, báo cáo tài chính…), so "missing"
# really means no evidence anywhere.
_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "news_events": (
        (
            "{ag} tổ chức Hội nghị sơ kết công tác 9 tháng đầu năm {y}",
            "Hội nghị đánh giá kết quả thực hiện nhiệm vụ và bàn giải pháp cho những tháng cuối năm.",
        ),
        (
            "Tập huấn chuyển đổi số cho cán bộ, công chức năm {y}",
            "Hơn 120 cán bộ, công chức tham dự lớp tập huấn kỹ năng số.",
        ),
        (
            "Kiểm tra tình hình thực hiện chương trình mục tiêu quốc gia tại {place}",
            "Đoàn kiểm tra ghi nhận nhiều chuyển biến tích cực.",
        ),
        (
            "Ninh Thuận đẩy mạnh ứng dụng công nghệ thông tin trong cải cách hành chính",
            "Tỷ lệ hồ sơ trực tuyến tăng mạnh so với cùng kỳ.",
        ),
        ("Gặp mặt kỷ niệm Ngày Phụ nữ Việt Nam 20/10", "Buổi gặp mặt diễn ra ấm cúng, thân mật."),
        (
            "Triển khai các giải pháp phòng, chống thiên tai mùa mưa bão năm {y}",
            "Các đơn vị chủ động phương án ứng phó.",
        ),
        ("Hội nghị triển khai nhiệm vụ trọng tâm quý IV năm {y}", "Hội nghị thống nhất các nhóm giải pháp trọng tâm."),
        ("Thăm, tặng quà gia đình chính sách tại {place}", "Đoàn đã trao 50 suất quà cho các gia đình chính sách."),
        (
            "Phát động phong trào thi đua hoàn thành thắng lợi nhiệm vụ năm {y}",
            "Phong trào thi đua được phát động sâu rộng.",
        ),
        ("Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10", "Nhiều hoạt động thiết thực được tổ chức."),
        ("Tổng kết mô hình dân vận khéo tại {place}", "Mô hình đã góp phần nâng cao đời sống người dân."),
        ("Đại hội Công đoàn cơ sở nhiệm kỳ {y} - {y5}", "Đại hội bầu Ban Chấp hành gồm 7 đồng chí."),
        (
            "Sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "Chuyên đề năm nay tập trung vào tinh thần trách nhiệm.",
        ),
        (
            "Kiểm tra công tác cải cách hành chính năm {y} tại {place}",
            "Đoàn kiểm tra đánh giá cao sự chủ động của địa phương.",
        ),
        ("Hội thi tìm hiểu về chuyển đổi số trong đoàn viên, thanh niên", "Hội thi thu hút 15 đội tham gia."),
        ("Ra quân làm sạch bãi biển Bình Sơn - Ninh Chữ", "Hơn 300 đoàn viên, thanh niên tham gia."),
    ),
    "direction_operation": (
        (
            "Kế hoạch số {n}/KH-UBND ngày {sd} về triển khai nhiệm vụ trọng tâm năm {y}",
            "Giao các sở, ngành, địa phương tổ chức thực hiện.",
        ),
        (
            "Công văn số {n}/UBND-KTTH ngày {sd} về việc tăng cường phòng, chống thiên tai",
            "Yêu cầu các đơn vị trực ban 24/24 giờ.",
        ),
        (
            "Chỉ thị số {n2}/CT-UBND ngày {sd} về đẩy mạnh giải ngân vốn năm {y}",
            "Chủ tịch UBND tỉnh yêu cầu quyết liệt thực hiện.",
        ),
        (
            "Quyết định số {n}/QĐ-UBND ngày {sd} ban hành Kế hoạch cải cách hành chính năm {ny}",
            "Kế hoạch gồm 6 nhóm nhiệm vụ.",
        ),
        (
            "Công điện về việc chủ động ứng phó với áp thấp nhiệt đới",
            "Các địa phương ven biển khẩn trương kêu gọi tàu thuyền vào nơi tránh trú.",
        ),
        (
            "Thông báo kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với {ag}",
            "Kết luận giao nhiệm vụ cụ thể cho từng đơn vị.",
        ),
        (
            "Kế hoạch triển khai Đề án 06 về ứng dụng dữ liệu dân cư năm {y}",
            "Phấn đấu hoàn thành các chỉ tiêu trong năm.",
        ),
        ("Văn bản chỉ đạo bảo đảm trật tự an toàn giao thông dịp cuối năm {y}", "Tăng cường tuần tra, kiểm soát."),
    ),
    "legal_documents": (
        ("Ban hành Quy định phân cấp quản lý nhà nước về {field} trên địa bàn tỉnh", ""),
        ("Sửa đổi, bổ sung Quy định về quản lý {field} trên địa bàn tỉnh Ninh Thuận", ""),
        ("Quy định bảng giá tính thuế tài nguyên năm {y}", ""),
        ("Quy định mức hỗ trợ phát triển sản xuất nông nghiệp giai đoạn {y}-{y4}", ""),
        ("Quy định chính sách hỗ trợ phát triển {field}", ""),
        ("Bãi bỏ văn bản quy phạm pháp luật hết hiệu lực thuộc lĩnh vực {field}", ""),
        ("Quy định quản lý, vận hành hệ thống thông tin giải quyết thủ tục hành chính tỉnh", ""),
        ("Ban hành Quy chế phối hợp quản lý {field}", ""),
        ("Quy định hạn mức giao đất ở tại nông thôn trên địa bàn tỉnh", ""),
    ),
    "official_gazette": (("Công báo tỉnh Ninh Thuận số {k} năm {y}", ""),),
    # Party and Front documents: resolutions, directives and guidance, not legal acts.
    "party_documents": (
        ("Nghị quyết về thực hiện nhiệm vụ chính trị năm {ny}", ""),
        ("Hướng dẫn tổ chức hội nghị đại biểu nhân dân ở {place}", ""),
        ("Chỉ thị về tăng cường công tác dân vận trong tình hình mới", ""),
        ("Kế hoạch tổ chức cuộc vận động Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh năm {y}", ""),
        ("Hướng dẫn công tác giám sát và phản biện xã hội năm {y}", ""),
        ("Thông báo kết luận hội nghị Thường trực về công tác quý {q} năm {qy}", ""),
    ),
    "law_dissemination": (
        ("Tuyên truyền Luật Đất đai đến người dân {place}", "Buổi tuyên truyền thu hút đông đảo người dân."),
        ("Hội thi hòa giải viên ở cơ sở năm {y}", "Hội thi có 12 đội tham gia."),
        (
            "Kế hoạch hưởng ứng Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam năm {y}",
            "Tổ chức các hoạt động hưởng ứng thiết thực.",
        ),
        ("Đề cương giới thiệu Luật Thanh tra (sửa đổi)", "Tài liệu phục vụ công tác tuyên truyền."),
        ("Tài liệu tuyên truyền phòng, chống ma túy trong học đường", "Tài liệu dành cho giáo viên và học sinh."),
        (
            "Cấp phát tài liệu pháp luật cho đồng bào dân tộc thiểu số tại {place}",
            "Hơn 500 cuốn tài liệu song ngữ được cấp phát.",
        ),
    ),
    "admin_procedures_online_services": (
        ("Công bố danh mục thủ tục hành chính mới ban hành lĩnh vực {field3}", "Danh mục gồm 12 thủ tục."),
        ("Công bố thủ tục hành chính được chuẩn hóa thuộc thẩm quyền giải quyết của {ag}", "Áp dụng từ ngày ký."),
        ("Danh mục dịch vụ công trực tuyến toàn trình năm {y}", "Người dân nộp hồ sơ qua Cổng dịch vụ công."),
        ("Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực {field3}", "Quy trình được điện tử hóa."),
    ),
    "socioeconomic_strategies_plans": (
        ("Kế hoạch phát triển kinh tế - xã hội 5 năm {p5}", "Mục tiêu tăng trưởng bình quân 10%/năm."),
        ("Tình hình kinh tế - xã hội tháng {m} năm {y}", "Các chỉ tiêu chủ yếu đạt khá."),
        (
            "Quy hoạch tỉnh Ninh Thuận thời kỳ 2021-2030, tầm nhìn đến năm 2050",
            "Quy hoạch được Thủ tướng Chính phủ phê duyệt.",
        ),
        (
            "Kế hoạch thực hiện nhiệm vụ phát triển kinh tế - xã hội năm {ny}",
            "Giao chỉ tiêu cho các ngành, địa phương.",
        ),
        (
            "Định hướng phát triển năng lượng tái tạo giai đoạn {y}-2030",
            "Ninh Thuận trở thành trung tâm năng lượng tái tạo.",
        ),
    ),
    "annual_work_programs_reports": (
        ("Chương trình công tác năm {ny} của {ag}", "Chương trình gồm các nhiệm vụ trọng tâm theo từng quý."),
        ("Kết quả thực hiện nhiệm vụ 9 tháng đầu năm {y}", "Hầu hết các chỉ tiêu đạt và vượt kế hoạch."),
        ("Kế hoạch công tác tháng {m1}/{y}", "Phân công nhiệm vụ cho các phòng, đơn vị."),
        ("Tổng kết công tác năm {py}, phương hướng nhiệm vụ năm {y}", "Đánh giá toàn diện kết quả năm qua."),
        ("Lịch công tác tuần từ ngày {wk1} đến ngày {wk2}", "Lịch công tác của cơ quan."),
    ),
    "sector_planning": (
        (
            "Quy hoạch phát triển {sector} tỉnh Ninh Thuận giai đoạn 2021-2030",
            "Quy hoạch xác định các mục tiêu phát triển.",
        ),
        ("Điều chỉnh quy hoạch {sector} đến năm 2030", "Điều chỉnh cho phù hợp quy hoạch tỉnh."),
        ("Công bố quy hoạch {sector} thời kỳ 2021-2030, tầm nhìn đến năm 2050", "Công bố công khai theo quy định."),
    ),
    "investment_incentives_opportunities": (
        ("Danh mục dự án kêu gọi đầu tư năm {y}", "Gồm 35 dự án thuộc các lĩnh vực ưu tiên."),
        ("Dự án Khu du lịch sinh thái {place} mời gọi đầu tư", "Quy mô 45 ha, tổng vốn dự kiến 800 tỷ đồng."),
        ("Thông tin dự án: Nhà máy chế biến nông sản tại {place}", "Ưu đãi theo quy định hiện hành."),
        ("Chính sách ưu đãi đầu tư vào Khu công nghiệp Phước Nam", "Miễn, giảm tiền thuê đất theo quy định."),
        ("Kêu gọi đầu tư Dự án khu đô thị mới Đông Bắc", "Diện tích 120 ha."),
    ),
    "construction_urban_planning": (
        (
            "Phê duyệt đồ án quy hoạch chi tiết xây dựng tỷ lệ 1/500 khu dân cư {place}",
            "Đồ án được phê duyệt theo quy định.",
        ),
        (
            "Điều chỉnh cục bộ quy hoạch chung đô thị Phan Rang - Tháp Chàm đến năm 2040",
            "Nội dung điều chỉnh tập trung khu vực ven biển.",
        ),
        ("Công bố quy hoạch phân khu tỷ lệ 1/2000 khu vực {place}", "Hồ sơ được niêm yết công khai."),
        ("Quy hoạch chung xây dựng {place} giai đoạn {y}-2035", "Định hướng phát triển không gian."),
    ),
    "land_use_planning": (
        ("Kế hoạch sử dụng đất năm {ny} của {district}", "Phê duyệt kèm theo bản đồ kế hoạch sử dụng đất."),
        ("Điều chỉnh quy hoạch sử dụng đất đến năm 2030 của {district}", "Công bố công khai theo Luật Đất đai."),
        ("Công bố công khai quy hoạch sử dụng đất thời kỳ 2021-2030 của {district}", "Hồ sơ kèm theo."),
    ),
    "natural_resource_exploitation": (
        ("Cấp giấy phép khai thác cát xây dựng tại {place}", "Thời hạn khai thác 5 năm."),
        ("Phê duyệt khu vực không đấu giá quyền khai thác khoáng sản", "Gồm 8 khu vực."),
        ("Kết quả đấu giá quyền khai thác đá xây dựng năm {y}", "Phiên đấu giá diễn ra công khai."),
        ("Danh sách tổ chức được cấp phép khai thác tài nguyên nước", "Cập nhật danh sách."),
    ),
    "waste_management_planning": (
        ("Quy hoạch quản lý chất thải rắn tỉnh Ninh Thuận đến năm 2030", "Quy hoạch các khu xử lý tập trung."),
        ("Kế hoạch thu gom, vận chuyển, xử lý chất thải rắn sinh hoạt năm {y}", "Nâng tỷ lệ thu gom lên 90%."),
        ("Phương án xử lý chất thải rắn tại bãi rác {place}", "Phương án được phê duyệt."),
    ),
    "waste_sources_hazardous_waste": (
        ("Danh sách cơ sở phát sinh chất thải nguy hại năm {y}", "Gồm 64 cơ sở."),
        ("Cấp sổ đăng ký chủ nguồn thải chất thải nguy hại cho {company}", "Cấp theo quy định."),
        ("Thông tin về các nguồn thải lớn trên địa bàn tỉnh", "Cập nhật định kỳ."),
    ),
    "polluted_areas_incident_risk": (
        ("Danh mục khu vực có nguy cơ xảy ra sự cố môi trường năm {y}", "Danh mục gồm 9 khu vực."),
        ("Thông tin khu vực ô nhiễm môi trường tại {place}", "Kết quả điều tra, đánh giá."),
        ("Kế hoạch ứng phó sự cố tràn dầu trên vùng biển tỉnh", "Phân công lực lượng ứng phó."),
    ),
    "environment_reports_inspections": (
        ("Tình hình công tác bảo vệ môi trường năm {py}", "Đánh giá kết quả bảo vệ môi trường."),
        ("Kết quả quan trắc môi trường quý {q} năm {qy}", "Các thông số cơ bản nằm trong giới hạn cho phép."),
        (
            "Kết luận thanh tra việc chấp hành pháp luật về bảo vệ môi trường tại {company}",
            "Kiến nghị xử lý các tồn tại.",
        ),
        ("Báo cáo hiện trạng môi trường tỉnh Ninh Thuận giai đoạn {pp5}", "Báo cáo 5 năm."),
    ),
    "budget_disclosure": (
        ("Công khai dự toán ngân sách năm {y}", "Số liệu kèm theo."),
        ("Công khai tình hình thực hiện dự toán ngân sách quý {q} năm {qy}", "Số liệu kèm theo."),
        ("Công khai quyết toán ngân sách năm {py}", "Số liệu kèm theo."),
        ("Công khai thực hiện dự toán ngân sách 9 tháng đầu năm {y}", "Số liệu kèm theo."),
    ),
    "public_investment_procurement": (
        ("Kế hoạch lựa chọn nhà thầu gói thầu mua sắm trang thiết bị năm {y}", "Hình thức chào hàng cạnh tranh."),
        ("Kết quả lựa chọn nhà thầu gói thầu số {k}: Xây lắp đường giao thông {place}", "Giá trúng thầu 4,2 tỷ đồng."),
        ("Kế hoạch đầu tư công trung hạn giai đoạn {p5}", "Tổng vốn dự kiến 12.000 tỷ đồng."),
        ("Thông báo mời chào giá mua sắm văn phòng phẩm", "Thời gian nhận báo giá 7 ngày."),
    ),
    "draft_consultation": (
        ("Lấy ý kiến góp ý dự thảo Quyết định ban hành Quy định về {field}", "Thời hạn góp ý 30 ngày kể từ ngày đăng."),
        ("Dự thảo Nghị quyết quy định chính sách hỗ trợ {field}", "Mời tổ chức, cá nhân góp ý."),
        ("Góp ý dự thảo Kế hoạch phát triển {sector} năm {ny}", "Ý kiến gửi về cơ quan soạn thảo."),
    ),
    "qa_feedback": (
        ("Hỏi về thủ tục cấp giấy chứng nhận quyền sử dụng đất", "Tôi muốn hỏi hồ sơ gồm những giấy tờ gì?"),
        ("Chế độ trợ cấp đối với người có công với cách mạng", "Xin hỏi mức trợ cấp hiện nay?"),
        ("Thời hạn giải quyết hồ sơ cấp giấy phép xây dựng", "Hồ sơ của tôi nộp đã 20 ngày."),
        ("Thủ tục đăng ký hộ kinh doanh cá thể", "Cần chuẩn bị những gì?"),
        ("Chính sách hỗ trợ học sinh dân tộc thiểu số", "Con tôi học lớp 10 có được hỗ trợ không?"),
    ),
    "statistics": (
        ("Số liệu thống kê tháng {m}/{y}", "Số liệu chủ yếu."),
        ("Niên giám thống kê năm {py}", "Số liệu cả năm."),
        ("Thống kê {sector} 9 tháng năm {y}", "Số liệu 9 tháng."),
        ("Số liệu thống kê quý {q} năm {qy}", "Số liệu quý."),
    ),
    "annual_financial_report": (
        ("Báo cáo tài chính năm {py}", "Công khai theo Thông tư 61/2017/TT-BTC."),
        ("Công khai báo cáo tài chính năm {py} của {ag}", "Số liệu kèm theo."),
        ("Báo cáo tài chính hợp nhất năm {py}", "Số liệu kèm theo."),
    ),
    "science_programs": (
        ("Danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh năm {ny}", "Gồm 14 nhiệm vụ."),
        ("Nghiệm thu đề tài khoa học ứng dụng tưới tiết kiệm nước cho cây nho", "Đề tài được đánh giá đạt loại khá."),
        ("Tuyển chọn tổ chức chủ trì đề tài khoa học năm {ny}", "Hồ sơ nộp trước ngày 30/11."),
    ),
    "recruitment_personnel": (
        ("Thông báo tuyển dụng viên chức năm {y}", "Chỉ tiêu 15 người."),
        ("Kết quả xét tuyển viên chức vòng 2 năm {y}", "Danh sách kèm theo."),
        ("Thông báo tuyển dụng công chức làm việc tại {ag}", "Hình thức thi tuyển."),
        ("Danh sách thí sinh đủ điều kiện dự tuyển", "Danh sách kèm theo."),
    ),
    "fees_charges_funds": (
        ("Mức thu phí, lệ phí thuộc thẩm quyền của HĐND tỉnh", "Áp dụng từ ngày 01/01/{ny}."),
        ("Công khai tình hình thu, sử dụng Quỹ phòng, chống thiên tai năm {py}", "Số liệu kèm theo."),
        ("Công khai mức thu phí thẩm định hồ sơ", "Theo Nghị quyết của HĐND tỉnh."),
    ),
    "commune_disclosures": (
        ("Công khai dự toán ngân sách năm {y} của UBND {place}", "Số liệu kèm theo."),
        ("Công khai kết quả bình xét hộ nghèo, cận nghèo tại {place}", "Danh sách niêm yết tại trụ sở."),
        ("Niêm yết công khai danh sách hỗ trợ nhà ở tại {place}", "Thời gian niêm yết 15 ngày."),
    ),
}

# Titles of a stale list whose text carries newer, future and invalid dates (the field notes'
# pitfalls); the truth is each item's own publish date, set by the list.
_TRAP_TITLES = (
    ("Danh mục dự án kêu gọi đầu tư theo Quyết định số 12/QĐ-UBND ngày 31/3/2026", "Danh mục dự kiến."),
    ("Hội nghị xúc tiến đầu tư dự kiến tổ chức ngày 15/12/2026", "Thông tin chuẩn bị hội nghị."),
    ("Tình hình thu hút đầu tư 6 tháng đầu năm 2026 (số liệu dự báo)", "Dự báo."),
    ("Kỷ niệm 75 năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/2022): doanh nghiệp đồng hành", "Hoạt động tri ân."),
    ("Ngày 16/72/2020 cập nhật danh mục dự án ưu tiên", "Cập nhật."),
)
# Fresh list whose titles cite decisions of years ago (those dates must not win either).
_OLD_DATE_TITLES = (
    (
        "Sửa đổi, bổ sung một số điều của Quyết định số 45/2019/QĐ-UBND ngày 12/3/2019 của UBND tỉnh",
        "Quyết định có hiệu lực từ ngày ký.",
    ),
    (
        "Tiếp tục thực hiện Chỉ thị số 05/CT-UBND ngày 20/02/2018 về tăng cường kỷ luật, kỷ cương hành chính",
        "Yêu cầu các đơn vị nghiêm túc thực hiện.",
    ),
    ("Tổng kết 5 năm thực hiện Nghị quyết số 12-NQ/TU ngày 15/8/2020 của Tỉnh ủy", "Đánh giá kết quả đạt được."),
    ("Bãi bỏ Quyết định số 1030/QĐ-UBND ngày 22/6/2017 về quy chế phối hợp", "Quyết định có hiệu lực từ ngày ký."),
    ("Triển khai Kết luận số 14-KL/TW ngày 22/9/2021 của Bộ Chính trị", "Giao các sở, ngành triển khai."),
    ("Kế hoạch thực hiện Quyết định số 18/2019/QĐ-TTg ngày 19/4/2019 của Thủ tướng Chính phủ", "Kế hoạch kèm theo."),
    ("Đánh giá 3 năm thi hành Luật Tiếp cận thông tin (01/7/2018 - 01/7/2021)", "Tổng hợp kết quả."),
)

_PARAGRAPHS = (
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, {ag} đã triển khai đồng bộ các giải pháp nhằm hoàn thành các chỉ tiêu, nhiệm vụ được giao.",
    "Theo đó, các phòng, đơn vị trực thuộc chủ động rà soát, đánh giá kết quả thực hiện, kịp thời đề xuất tháo gỡ khó khăn, vướng mắc phát sinh.",
    "Các cơ quan, đơn vị, địa phương căn cứ chức năng, nhiệm vụ được giao tổ chức thực hiện nghiêm túc; trong quá trình thực hiện nếu có khó khăn, vướng mắc, kịp thời phản ánh về {ag} để tổng hợp.",
    "Qua kiểm tra cho thấy, công tác tổ chức thực hiện cơ bản bảo đảm tiến độ; một số nội dung còn chậm do ảnh hưởng của thời tiết và nguồn lực hạn chế.",
    "Phát biểu tại buổi làm việc, đại diện {ag} đề nghị các đơn vị tiếp tục phát huy kết quả đạt được, khắc phục những hạn chế, phấn đấu hoàn thành kế hoạch năm.",
    "Người dân, tổ chức có nhu cầu tìm hiểu thông tin chi tiết vui lòng liên hệ bộ phận một cửa của {ag} trong giờ hành chính.",
)

# Kept small so each site stays near 120 pages, yet news and direction lists still paginate.
_COUNTS = {
    "news_events": 10,
    "direction_operation": 6,
    "legal_documents": 8,
    "official_gazette": 6,
    "qa_feedback": 4,
}
# Environmental disclosures change rarely: real lists of them are short.
_SHORT_LISTS = frozenset(
    {
        "waste_management_planning",
        "waste_sources_hazardous_waste",
        "polluted_areas_incident_risk",
        "natural_resource_exploitation",
    }
)
# Document categories whose rows are attachments, not articles.
_FILE_ROWS = frozenset({"legal_documents", "official_gazette"})


def _ctx(agency: SampleAgency, rng: random.Random, moment: datetime.datetime) -> dict[str, str]:
    day = moment.date()
    sign = day - datetime.timedelta(days=rng.randint(2, 9))
    week_start = day + datetime.timedelta(days=7 - day.weekday())
    # Quarterly items report on the quarter just ended.
    quarter = (day.month - 1) // 3 or 4
    quarter_year = day.year if day.month > 3 else day.year - 1
    period = 2021 if day.year <= 2025 else 2026  # five-year plan periods
    return {
        "ag": short_name(agency),
        "y": str(day.year),
        "py": str(day.year - 1),
        "ny": str(day.year + 1),
        "y4": str(day.year + 4),
        "y5": str(day.year + 5),
        "m": str(day.month),
        "m1": str(day.month % 12 + 1),
        "q": ("I", "II", "III", "IV")[quarter - 1],
        "qy": str(quarter_year),
        "p5": f"{period}-{period + 4}",
        "pp5": f"{period - 5}-{period - 1}",
        "n": str(rng.randint(1200, 3900)),
        "n2": str(rng.randint(3, 30)),
        "k": str(rng.randint(2, 40)),
        "sd": f"{sign.day}/{sign.month}/{sign.year}",
        "wk1": fmt_dmy(week_start),
        "wk2": fmt_dmy(week_start + datetime.timedelta(days=4)),
        "place": rng.choice(_PLACES),
        "district": rng.choice(_DISTRICTS),
        "field": rng.choice(_FIELDS),
        "field3": rng.choice(("đất đai", "xây dựng", "hộ tịch", "đăng ký kinh doanh", "người có công")),
        "sector": rng.choice(_SECTORS),
        "company": rng.choice(_COMPANIES),
    }


def _newest(agency: SampleAgency, category_id: str, spec: CategorySpec) -> datetime.date:
    if spec.latest_date is not None:
        return spec.latest_date
    rng = rng_for(agency.id, category_id, "newest")
    # Home news is current (1-3 days old); every other fresh list is 1-20 days old, far from
    # the 2018-2022 stale dates, so no threshold between the two changes a finding.
    span = 3 if category_id == "news_events" else 20
    return SAMPLE_AS_OF - datetime.timedelta(days=rng.randint(1, span))


def _moments(
    rng: random.Random, newest: datetime.date, count: int, gap: tuple[int, int], legacy: bool
) -> list[datetime.datetime]:
    moments: list[datetime.datetime] = []
    day = newest
    for _ in range(count):
        hour, minute = (0, 0) if legacy else (rng.randint(7, 17), rng.randint(0, 59))
        moments.append(datetime.datetime(day.year, day.month, day.day, hour, minute))
        day -= datetime.timedelta(days=rng.randint(*gap))
    return moments


def _file_name(category_id: str, title: str, day: datetime.date, index: int, plants: frozenset[str]) -> str:
    if "file_name_dates" in plants:
        return f"{slugify(title, max_words=6)}-{day.isoformat()}.pdf"
    if category_id == "statistics":
        return f"SoLieuThongKe_{day.year}_{index + 1:02d}.xls"
    if category_id == "official_gazette":
        return f"CB_{day.year}_{day.month:02d}{day.day:02d}.pdf"
    stem = "".join(w[:1].upper() for w in slugify(title, max_words=8).split("-"))
    return f"{stem}_{day.year}_{index + 1:02d}.pdf"


@functools.cache
def items_for(agency: SampleAgency, category_id: str, spec: CategorySpec) -> tuple[Item, ...]:
    """The list of a category on an agency's site, newest first; empty when nothing is listed."""
    if spec.status in ("empty", "missing", "broken") or "offsite_only" in spec.plants:
        return ()
    if category_id not in _TEMPLATES:
        return ()  # static categories have no dated items
    rng = rng_for(agency.id, category_id, "items")
    stale = spec.status == "stale"
    count = _COUNTS.get(category_id, 2 if category_id in _SHORT_LISTS else 3) if not stale else 4
    if "title_dates_trap" in spec.plants:
        count = len(_TRAP_TITLES)
    gap = (1, 4) if category_id == "news_events" else (25, 200) if stale else (9, 45)
    moments = _moments(rng, _newest(agency, category_id, spec), count, gap, "legacy_time" in spec.plants)
    pool = "party_documents" if category_id == "legal_documents" and agency.type == "party_org" else category_id
    templates = list(_TEMPLATES[pool])
    rng.shuffle(templates)
    if "title_dates_trap" in spec.plants:
        templates = list(_TRAP_TITLES)
    elif "title_dates_old" in spec.plants:
        templates = list(_OLD_DATE_TITLES)
    items: list[Item] = []
    for index, moment in enumerate(moments):
        ctx = _ctx(agency, rng, moment)
        title_t, summary_t = templates[index % len(templates)]
        title = title_t.format(**ctx)
        if index >= len(templates):
            title = f"{title} (đợt {index // len(templates) + 1})"
        paragraphs = tuple(p.format(**ctx) for p in rng.sample(_PARAGRAPHS, 3))
        doc_number: str | None = None
        effective: datetime.date | None = None
        asker: str | None = None
        answer: str | None = None
        file_name: str | None = None
        if category_id == "legal_documents":
            # Numbers fall with age, as a register's do, so no two rows share a file.
            number = 70 - 4 * index - rng.randint(0, 3)
            if agency.type == "party_org":
                kind = rng.choice(
                    ("NQ/TU", "CT/TU", "KH/TU") if agency.id == "tinhuy" else ("HD/MTTQ-BTT", "KH/MTTQ-BTT")
                )
                doc_number = f"{number}-{kind}"
            else:
                kind = rng.choice(("QĐ-UBND", "QĐ-UBND", "NQ-HĐND"))
                doc_number = f"{number}/{moment.year}/{kind}"
            effective = moment.date() + datetime.timedelta(days=10)
            file_name = f"{number}_{moment.year}_{slugify(kind).upper()}.pdf"
        elif (
            category_id in _FILE_ROWS
            or "pdf_only_list" in spec.plants
            or category_id
            in (
                "budget_disclosure",
                "statistics",
                "annual_financial_report",
            )
        ):
            file_name = _file_name(category_id, title, moment.date(), index, spec.plants)
        if category_id == "qa_feedback":
            asker = f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLES)} {rng.choice(_GIVEN)}"
            answer = (
                f"Trả lời: Căn cứ quy định hiện hành, {short_name(agency)} trả lời như sau: "
                "ông (bà) vui lòng liên hệ Bộ phận tiếp nhận và trả kết quả để được hướng dẫn cụ thể."
            )
        items.append(
            Item(
                key=f"{category_id}:{index}",
                title=title,
                published=moment,
                summary=summary_t.format(**ctx),
                paragraphs=paragraphs,
                file_name=file_name,
                doc_number=doc_number,
                effective=effective,
                asker=asker,
                answer=answer,
            )
        )
    return tuple(items)


def newest_date(items: tuple[Item, ...]) -> datetime.date | None:
    """Publish date of the newest item, None for an empty list."""
    return max((i.day for i in items), default=None)
