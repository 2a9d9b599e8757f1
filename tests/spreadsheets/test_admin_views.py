import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from modules.accounts.models import AllowedIP
from modules.spreadsheets.models import ImportJob
from tests.conftest import verified_client

from .conftest import DEMO_KIND
from .files import xlsx_bytes

pytestmark = pytest.mark.django_db


def test_upload_check_confirm_in_the_admin(demo_kind, make_user):
    user = make_user("admin-kim", rights={"settings": {"edit"}})
    client = verified_client(user)
    url = reverse("spreadsheets_import", args=[DEMO_KIND])
    page = client.get(url)
    assert page.status_code == 200
    assert "IP 대역" in page.content.decode()

    data = xlsx_bytes([["IP 대역", "메모"], ["10.0.0.0/8", "지점"], ["nope", "틀림"]])
    response = client.post(url, {"file": SimpleUploadedFile("ip.xlsx", data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("spreadsheets_import_job", args=[job.pk])
    assert job.created_by == user

    detail = client.get(response["Location"]).content.decode()
    assert "data-would-create>1<" in detail
    assert "data-error-rows>1<" in detail
    assert "IP 주소나 대역이 아닙니다." in detail  # the error row's message
    assert 'value="valid_only"' in detail and 'value="all"' not in detail

    progress = client.get(reverse("spreadsheets_import_progress", args=[job.pk])).json()
    assert progress["status"] == "validated" and progress["total_rows"] == 2

    errors = client.get(reverse("spreadsheets_import_errors", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert [c.value for c in sheet[2]][:2] == [3, "IP 대역"]

    response = client.post(reverse("spreadsheets_import_confirm", args=[job.pk]), {"mode": "valid_only"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert AllowedIP.objects.filter(network="10.0.0.0/8").exists()
    assert "data-result" in client.get(response["Location"]).content.decode()


def test_refused_file_shown_on_the_form(demo_kind, make_user):
    client = verified_client(make_user("admin-kim", rights={"settings": {"edit"}}))
    response = client.post(
        reverse("spreadsheets_import", args=[DEMO_KIND]), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 200
    assert "a.pdf" in response.content.decode()
    assert not ImportJob.objects.exists()


def denied(response) -> bool:
    """Wagtail turns PermissionDenied on admin URLs into a redirect to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_import_needs_the_kinds_area_edit_right(demo_kind, make_user):
    url = reverse("spreadsheets_import", args=[DEMO_KIND])
    assert denied(verified_client(make_user("orders-only", rights={"orders": {"edit"}})).get(url))
    assert denied(verified_client(make_user("viewer", rights={"settings": {"view"}})).get(url))
    sku_page = verified_client(make_user("sku", rights={"products": {"edit"}})).get(
        reverse("spreadsheets_import", args=["sku_list"])
    )
    assert sku_page.status_code == 200  # no importer yet: the page says so
    missing = verified_client(make_user("x", rights={"orders": {"edit"}})).get(
        reverse("spreadsheets_import", args=["nope"])
    )
    assert missing.status_code == 404


def test_import_index_and_template(demo_kind, admin_client_verified):
    index = admin_client_verified.get(reverse("spreadsheets_import_index"))
    assert index.status_code == 200
    assert reverse("spreadsheets_import", args=[DEMO_KIND]) in index.content.decode()
    template = admin_client_verified.get(reverse("spreadsheets_import_template", args=[DEMO_KIND]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["IP 대역", "메모"]


def test_layout_snippet_in_settings(make_user):
    settings_editor = verified_client(make_user("setter", rights={"settings": {"edit"}}))
    assert settings_editor.get("/admin/snippets/spreadsheets/excellayout/").status_code == 200
    add = settings_editor.get("/admin/snippets/spreadsheets/excellayout/add/")
    assert add.status_code == 200
    assert "sku_list:seller_code" in add.content.decode()
    orders_user = verified_client(make_user("orders", rights={"orders": {"edit"}}))
    assert denied(orders_user.get("/admin/snippets/spreadsheets/excellayout/"))


def _layout_post(name, kind, fields, *, is_default=False):
    data = {"name": name, "kind": kind, "columns-count": str(len(fields))}
    if is_default:
        data["is_default"] = "on"
    for index, (field, title) in enumerate(fields):
        data.update(
            {
                f"columns-{index}-type": "column",
                f"columns-{index}-deleted": "",
                f"columns-{index}-order": str(index),
                f"columns-{index}-id": "",
                f"columns-{index}-value-field": f"{kind}:{field}" if ":" not in field else field,
                f"columns-{index}-value-title": title,
            }
        )
    return data


def test_layout_created_in_the_admin_becomes_the_only_default(make_user):
    from modules.spreadsheets.models import ExcelLayout
    from modules.spreadsheets.services import layout_default

    old_default = layout_default(kind="sku_list")
    client = verified_client(make_user("setter", rights={"settings": {"edit"}}))
    url = "/admin/snippets/spreadsheets/excellayout/add/"
    response = client.post(
        url, _layout_post("원가 양식", "sku_list", [("seller_code", "코드"), ("cost", "")], is_default=True)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    layout = ExcelLayout.objects.get(name="원가 양식")
    assert [(c.field, c.title) for c in layout.column_list()] == [("seller_code", "코드"), ("cost", "원가")]
    old_default.refresh_from_db()
    assert layout.is_default and not old_default.is_default

    mixed = client.post(url, _layout_post("섞인 양식", "sku_list", [("order_list:order_no", "주문번호")]))
    assert mixed.status_code == 200
    assert not ExcelLayout.objects.filter(name="섞인 양식").exists()
