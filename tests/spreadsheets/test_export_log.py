import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from modules.spreadsheets.models import ExcelLayout, PersonalDataDownload
from modules.spreadsheets.services import ExportRefused, layout_save, spreadsheet_export
from modules.spreadsheets.views import export_response
from tests.conftest import verified_client

ORDERS = [
    SimpleNamespace(order_no="2026112300001", receiver_name="홍길동", receiver_phone="010-1234-5678", amount=12000),
    SimpleNamespace(order_no="2026112300002", receiver_name="=cmd|' /C calc'!A0", receiver_phone="", amount=-500),
]


def layout(kind="order_list", fields=("order_no", "amount"), name="주문 양식"):
    return layout_save(
        layout=ExcelLayout(
            name=name, kind=kind, columns=ExcelLayout.columns_value(kind, [{"field": f, "title": ""} for f in fields])
        )
    )


def sheet_of(result):
    result.file.seek(0)
    return openpyxl.load_workbook(io.BytesIO(result.file.read())).active


@pytest.mark.django_db
def test_export_without_personal_data_needs_no_reason_and_is_not_logged(make_user):
    user = make_user("kim", rights={"orders": {"view"}})
    result = spreadsheet_export(kind="order_list", objects=ORDERS, user=user, layout=layout())
    sheet = sheet_of(result)
    assert [c.value for c in sheet[1]] == ["주문번호", "결제금액"]
    assert [c.value for c in sheet[2]] == ["2026112300001", 12000]
    assert result.rows == 2
    assert not PersonalDataDownload.objects.exists()


@pytest.mark.django_db
def test_personal_data_needs_the_right_and_a_reason_and_is_logged(make_user):
    pii_layout = layout(fields=("order_no", "receiver_name", "receiver_phone"), name="송장용")
    viewer = make_user("viewer", rights={"orders": {"view"}})
    with pytest.raises(PermissionDenied):
        spreadsheet_export(kind="order_list", objects=ORDERS, user=viewer, layout=pii_layout, reason="택배 접수")
    clerk = make_user("clerk", rights={"orders": {"view", "pii"}})
    with pytest.raises(ExportRefused) as info:
        spreadsheet_export(kind="order_list", objects=ORDERS, user=clerk, layout=pii_layout, reason="  ")
    assert "수취인명" in str(info.value)
    assert not PersonalDataDownload.objects.exists()

    result = spreadsheet_export(
        kind="order_list",
        objects=ORDERS,
        user=clerk,
        layout=pii_layout,
        reason="택배 접수",
        description="11월 23일 신규 주문",
        ip="203.0.113.9",
    )
    sheet = sheet_of(result)
    assert sheet.cell(3, 2).value == "'=cmd|' /C calc'!A0"  # formula injection escaped
    log = PersonalDataDownload.objects.get()
    assert (log.user, log.username, log.kind, log.layout_name, log.rows) == (clerk, "clerk", "order_list", "송장용", 2)
    assert (log.reason, log.ip, log.description) == ("택배 접수", "203.0.113.9", "11월 23일 신규 주문")
    assert log.personal_fields == "수취인명, 수취인연락처"


@pytest.mark.django_db
def test_export_view_asks_for_the_reason_then_downloads(make_user):
    pii_layout = layout(fields=("order_no", "receiver_name"), name="수취인")
    user = make_user("clerk", rights={"orders": {"view", "pii"}})
    factory = RequestFactory()
    request = factory.get("/admin/orders/export/")
    request.user = user
    response = export_response(request, kind="order_list", objects=ORDERS, layout=pii_layout)
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    assert not PersonalDataDownload.objects.exists()

    request = factory.post("/admin/orders/export/", {"reason": "반품 회수"}, REMOTE_ADDR="198.51.100.4")
    request.user = user
    response = export_response(request, kind="order_list", objects=ORDERS, layout=pii_layout, description="필터: 오늘")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    b"".join(response.streaming_content)
    # Not response.close(): that fires request_finished, which closes the test's database
    # connection on PostgreSQL (health checks on) in the middle of the test transaction.
    log = PersonalDataDownload.objects.get()
    assert (log.reason, log.ip, log.rows) == ("반품 회수", "198.51.100.4", 2)


@pytest.mark.django_db
def test_download_log_is_listed_read_only_in_the_admin(make_user):
    PersonalDataDownload.objects.create(
        username="clerk", kind="order_list", layout_name="송장용", rows=3, reason="택배"
    )
    auditor = make_user("auditor", rights={"logs": {"view"}})
    client = verified_client(auditor)
    response = client.get("/admin/personal-data-downloads/")
    assert response.status_code == 200
    assert "택배" in response.content.decode()
    log = PersonalDataDownload.objects.get()
    assert client.get(f"/admin/personal-data-downloads/inspect/{log.pk}/").status_code == 200
    assert client.get(f"/admin/personal-data-downloads/edit/{log.pk}/").status_code in (302, 403, 404)
    assert client.get("/admin/personal-data-downloads/new/").status_code in (302, 403, 404)
    outsider = make_user("outsider", rights={"orders": {"view"}})
    assert verified_client(outsider).get("/admin/personal-data-downloads/").status_code in (302, 403)
