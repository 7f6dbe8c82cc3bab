"""Bodies of the undated pages: structure, leaders and history, contacts, locality, access, English."""

# ruff: noqa: E501 - the page texts are Vietnamese sentences; wrapping them hurts reading.

from __future__ import annotations

from auditor.sample.agencies import SampleAgency, short_name
from auditor.sample.text import ascii_fold, e, rng_for, slugify

__all__ = ["static_body", "unit_title"]

_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Đàng", "Châu", "Thông")
_MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Hữu", "Ngọc", "Thanh", "Quốc")
_GIVEN = ("Hùng", "Lan", "Hải", "Tuấn", "Dũng", "Hoa", "Phương", "Sơn", "Bình", "Quang", "Tâm", "Nhân")
_STREETS = (
    "Số 450 đường 21 tháng 8",
    "Số 01 đường 16 tháng 4",
    "Số 24 đường Lê Hồng Phong",
    "Số 117 đường Ngô Gia Tự",
    "Số 06 đường Trường Chinh",
    "Số 90 đường Thống Nhất",
)


def unit_title(agency: SampleAgency) -> tuple[str, str]:
    """Titles of the head and deputies ("Giám đốc", "Phó Giám đốc") for the agency's type."""
    if agency.type == "district" or agency.type == "provincial_portal":
        return "Chủ tịch", "Phó Chủ tịch"
    if agency.type == "party_org":
        return (
            "Bí thư" if agency.id == "tinhuy" else "Chủ tịch",
            "Phó Bí thư" if agency.id == "tinhuy" else "Phó Chủ tịch",
        )
    if agency.name.startswith("Ban") or agency.name.startswith("Văn phòng"):
        return "Trưởng ban" if agency.name.startswith(
            "Ban"
        ) else "Chánh Văn phòng", "Phó Trưởng ban" if agency.name.startswith("Ban") else "Phó Chánh Văn phòng"
    if agency.name.startswith("Thanh tra"):
        return "Chánh Thanh tra", "Phó Chánh Thanh tra"
    return "Giám đốc", "Phó Giám đốc"


def _person(agency: SampleAgency, salt: int) -> str:
    rng = rng_for(agency.id, "person", salt)
    return f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLES)} {rng.choice(_GIVEN)}"


def _phone(agency: SampleAgency, salt: int) -> str:
    rng = rng_for(agency.id, "phone", salt)
    return f"0259.38{rng.randint(10000, 99999)}"


def _org(agency: SampleAgency) -> str:
    name = e(agency.name)
    head, deputy = unit_title(agency)
    units: tuple[str, ...]
    if agency.type == "party_org":
        units = ("Văn phòng", "Ban Tổ chức", "Ban Tuyên giáo", "Ban Dân vận", "Ủy ban Kiểm tra")
        role = (
            "cơ quan lãnh đạo của Đảng bộ tỉnh giữa hai kỳ đại hội"
            if agency.id == "tinhuy"
            else "tổ chức liên minh chính trị, liên hiệp tự nguyện của các tổ chức chính trị - xã hội"
        )
    elif agency.type == "district" or agency.type == "provincial_portal":
        units = (
            "Văn phòng HĐND và UBND",
            "Phòng Nội vụ",
            "Phòng Tài chính - Kế hoạch",
            "Phòng Tài nguyên và Môi trường",
            "Phòng Kinh tế và Hạ tầng",
            "Phòng Văn hóa và Thông tin",
        )
        role = "cơ quan hành chính nhà nước ở địa phương, chịu trách nhiệm trước Hội đồng nhân dân cùng cấp và cơ quan nhà nước cấp trên"
    else:
        units = (
            "Văn phòng",
            "Thanh tra",
            "Phòng Kế hoạch - Tổng hợp",
            "Phòng Tổ chức cán bộ",
            "Phòng Quản lý chuyên ngành",
            "Trung tâm trực thuộc",
        )
        role = "cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh Ninh Thuận, có chức năng tham mưu, giúp UBND tỉnh quản lý nhà nước về lĩnh vực được giao"
    items = "".join(f"<li>{e(u)}</li>" for u in units)
    return (
        f"<h3>Vị trí và chức năng</h3><p>{name} là {e(role)}.</p>"
        f"<p>{name} có tư cách pháp nhân, có con dấu và tài khoản riêng; chịu sự chỉ đạo, quản lý về tổ chức, biên chế và công tác của cấp có thẩm quyền, đồng thời chịu sự hướng dẫn, kiểm tra về chuyên môn, nghiệp vụ của cơ quan cấp trên.</p>"
        "<h3>Nhiệm vụ và quyền hạn</h3><ol>"
        "<li>Trình cấp có thẩm quyền ban hành quyết định, chỉ thị và các văn bản khác thuộc phạm vi quản lý.</li>"
        "<li>Tổ chức thực hiện các văn bản pháp luật, quy hoạch, kế hoạch sau khi được phê duyệt.</li>"
        "<li>Kiểm tra, thanh tra, giải quyết khiếu nại, tố cáo theo quy định của pháp luật.</li>"
        "<li>Thực hiện công tác thông tin, báo cáo định kỳ và đột xuất về tình hình thực hiện nhiệm vụ được giao.</li>"
        "</ol>"
        f"<h3>Cơ cấu tổ chức</h3><p>{e(head)} và các {e(deputy)}; các phòng, đơn vị:</p><ul>{items}</ul>"
    )


def _history(agency: SampleAgency, label: str) -> str:
    head, deputy = unit_title(agency)
    rows = []
    for salt, role in enumerate((head, deputy, deputy)):
        email = f"{slugify(_person(agency, salt)).replace('-', '')}@ninhthuan.gov.vn"
        rows.append(
            f"<tr><td>{e(_person(agency, salt))}</td><td>{e(role)}</td>"
            f"<td>{_phone(agency, salt)}</td><td>{email}</td></tr>"
        )
    rng = rng_for(agency.id, "founded")
    number = rng.randint(20, 140)
    return (
        f"<h3>{e(label)}</h3>"
        '<table class="table table-bordered"><thead><tr><th>Họ và tên</th><th>Chức vụ</th>'
        f"<th>Điện thoại</th><th>Email</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "<h3>Quá trình hình thành và phát triển</h3>"
        "<p>Ngày 01/4/1992, tỉnh Ninh Thuận được tái lập theo Nghị quyết của Quốc hội khóa VIII, kỳ họp thứ 10. "
        f"{e(agency.name)} được thành lập theo Quyết định số {number}/QĐ-UB ngày 15/4/1992 của UBND tỉnh, "
        "trên cơ sở tiếp nhận nhiệm vụ, tổ chức từ tỉnh Thuận Hải (cũ).</p>"
        "<p>Qua hơn 30 năm xây dựng và phát triển, cơ quan đã nhiều lần được kiện toàn về tổ chức bộ máy; "
        "năm 2015 được tổ chức lại theo Thông tư liên tịch của các Bộ, ngành Trung ương.</p>"
    )


def _contact(agency: SampleAgency) -> str:
    rng = rng_for(agency.id, "contact")
    street = rng.choice(_STREETS)
    email = f"{agency.id}@ninhthuan.gov.vn"
    return (
        f"<h3>{e(agency.name)}</h3>"
        f"<p><b>Địa chỉ:</b> {e(street)}, thành phố Phan Rang - Tháp Chàm, tỉnh Ninh Thuận</p>"
        f"<p><b>Điện thoại:</b> {_phone(agency, 9)} - <b>Fax:</b> {_phone(agency, 10)}</p>"
        f'<p><b>Email:</b> <a href="mailto:{email}">{email}</a></p>'
        '<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d3903.2!2d108.98!3d11.56" '
        'width="600" height="300" style="border:0" loading="lazy"></iframe>'
        '<form method="post" action="" class="contact-form">'
        '<p><label>Họ và tên</label><input type="text" name="hoten"></p>'
        '<p><label>Email</label><input type="text" name="email"></p>'
        '<p><label>Nội dung</label><textarea name="noidung" rows="5"></textarea></p>'
        '<p><input type="submit" value="Gửi"></p></form>'
    )


def _locality(agency: SampleAgency) -> str:
    rng = rng_for(agency.id, "locality")
    if agency.type == "provincial_portal":
        area, people, units = "3.355,7", "595.000", "6 huyện và 1 thành phố"
        where = "tỉnh Ninh Thuận"
    else:
        area = f"{rng.randint(200, 1100)},{rng.randint(1, 9)}"
        people = f"{rng.randint(40, 170)}.{rng.randint(100, 999)}"
        units = f"{rng.randint(6, 15)} xã, thị trấn"
        where = agency.name.replace("Ủy ban nhân dân ", "")
    return (
        f"<h3>Vị trí địa lý</h3><p>{e(where).capitalize()} nằm ở vùng duyên hải Nam Trung Bộ, phía Bắc giáp tỉnh Khánh Hòa, "
        "phía Nam giáp tỉnh Bình Thuận, phía Tây giáp tỉnh Lâm Đồng, phía Đông giáp Biển Đông.</p>"
        f"<h3>Diện tích và dân số</h3><p>Diện tích tự nhiên {area} km², dân số khoảng {people} người; "
        f"đơn vị hành chính gồm {units}. Dân tộc Kinh chiếm đa số, đồng bào Chăm và Raglai chiếm khoảng 22%.</p>"
        "<h3>Điều kiện tự nhiên</h3><p>Khí hậu nhiệt đới gió mùa, khô hạn nhất cả nước, nhiều nắng, nhiều gió; "
        "lượng mưa trung bình 700-800 mm/năm; thuận lợi phát triển điện gió, điện mặt trời, nho, táo và muối.</p>"
    )


def _access(agency: SampleAgency, file_href: str) -> str:
    person = _person(agency, 7)
    return (
        "<p>Thực hiện Luật Tiếp cận thông tin năm 2016 và Nghị định số 13/2018/NĐ-CP, "
        f"{e(short_name(agency))} công khai đầu mối và cách thức cung cấp thông tin cho công dân.</p>"
        f"<h3>Đầu mối cung cấp thông tin</h3><p>Ông (bà) {e(person)} - Văn phòng; điện thoại {_phone(agency, 7)}; "
        f"email {agency.id}@ninhthuan.gov.vn.</p>"
        "<h3>Cách thức yêu cầu cung cấp thông tin</h3><ul>"
        "<li>Trực tiếp tại Bộ phận tiếp nhận và trả kết quả;</li><li>Qua mạng điện tử, dịch vụ bưu chính, fax.</li></ul>"
        f'<p>Mẫu phiếu yêu cầu cung cấp thông tin: <a href="{e(file_href)}">Mẫu 01a (tải về)</a></p>'
    )


def _english(agency: SampleAgency) -> str:
    return (
        "<h3>Welcome</h3>"
        f"<p>Welcome to the official website of the {e(_english_name(agency))}, Ninh Thuan province, Viet Nam.</p>"
        "<h3>Functions and duties</h3><p>The agency advises the Provincial People's Committee on state management "
        "in its field and provides public services to citizens and businesses.</p>"
        "<h3>Contact</h3><p>Phan Rang - Thap Cham city, Ninh Thuan province. "
        f"Email: {agency.id}@ninhthuan.gov.vn</p>"
    )


def _english_name(agency: SampleAgency) -> str:
    if agency.type == "provincial_portal":
        return "People's Committee of Ninh Thuan Province"
    if agency.type == "district":
        place = agency.name.replace("Ủy ban nhân dân ", "").replace("huyện ", "").replace("thành phố ", "")
        return "People's Committee of " + ascii_fold(place)
    return agency.id.upper() + " agency"


def static_body(agency: SampleAgency, category_id: str, label: str, file_href: str = "") -> str:
    """HTML fragment of an undated page, free of layout."""
    if category_id == "org_structure_functions":
        return _org(agency)
    if category_id == "agency_history_leaders":
        return _history(agency, label)
    if category_id == "contact_info":
        return _contact(agency)
    if category_id == "locality_profile":
        return _locality(agency)
    if category_id == "access_to_information_section":
        return _access(agency, file_href)
    if category_id == "english_content":
        return _english(agency)
    raise KeyError(category_id)
