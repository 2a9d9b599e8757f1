"""Stock by Excel (kinds "stock_inbound" and "stock_adjustment"): uploads through the engine's preview with
per-row errors naming the row and the column, writes through the stock services (ledger and levels agree),
refusals at write time as row errors, the stock download filled in and uploaded back, and a preview whose
queries do not grow with the rows.

Messages new with the upload are compared through gettext, so the tests hold before and after their Korean
translation is added."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from modules.catalog.models import SKU, Product
from modules.core.models import CompanySettings
from modules.inventory import excel, services
from modules.inventory.excel import ADJUSTMENT_KIND, INBOUND_KIND, stock_count_rows
from modules.inventory.models import MovementKind, SkuComponent, StockLevel, StockMovement
from modules.inventory.services import StockRefused, stock_adjust, stock_expected_add, stock_inbound
from modules.spreadsheets.layouts import default_columns, get_kind
from modules.spreadsheets.models import ExcelLayout, ImportJob
from modules.spreadsheets.services import (
    ImportRefused,
    import_job_confirm,
    import_job_create,
    layout_default,
    layout_save,
    spreadsheet_export,
)
from tests.conftest import verified_client
from tests.inventory.helpers import warehouse_make
from tests.spreadsheets.files import xlsx_bytes

pytestmark = pytest.mark.django_db

ALL, VALID_ONLY = ImportJob.Mode.ALL, ImportJob.Mode.VALID_ONLY
INBOUND_HEADER = [column.title for column in default_columns(INBOUND_KIND)]
ADJUST_HEADER = [column.title for column in default_columns(ADJUSTMENT_KIND)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sku_make(code: str, *, barcode: str = "") -> SKU:
    product = Product.objects.create(name=f"상품 {code}", seller_code=code[:10], price=10000)
    return SKU.objects.create(product=product, seller_code=code, barcode=barcode, option_label="블랙")


def row(header, **cells) -> list:
    """One row in ``header`` order from {title: value}; titles with a space are given with "_"."""
    cells = {title.replace("_", " "): value for title, value in cells.items()}
    return [cells.get(title) for title in header]


def upload(kind, rows, *, user=None, header=None):
    header = header or (INBOUND_HEADER if kind == INBOUND_KIND else ADJUST_HEADER)
    data = xlsx_bytes([header, *rows])
    return import_job_create(kind=kind, upload=SimpleUploadedFile("재고.xlsx", data), user=user)


def errors_of(job) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for error in job.row_errors.order_by("row", "id"):
        found.setdefault(error.row, []).append((error.column, error.message))
    return found


def on_hand(sku, warehouse) -> int:
    level = StockLevel.objects.filter(sku=sku, warehouse=warehouse).first()
    return level.on_hand if level else 0


def ledger_agrees() -> bool:
    for level in StockLevel.objects.all():
        totals = StockMovement.objects.filter(sku=level.sku, warehouse=level.warehouse).aggregate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), expected=Sum("expected_delta")
        )
        if (totals["on_hand"] or 0, totals["reserved"] or 0, totals["expected"] or 0) != (
            level.on_hand,
            level.reserved,
            level.expected,
        ):
            return False
    return True


def allow_negative(value: bool = True) -> None:
    company = CompanySettings.load()
    company.allow_negative_stock = value
    company.save()


@pytest.fixture
def main():
    return warehouse_make("본사 창고")


@pytest.fixture
def clerk(make_user):
    return make_user("재고담당", rights={"inventory": {"view", "edit"}})


# The kinds --------------------------------------------------------------------------------------------


def test_the_two_kinds_have_their_columns_importers_and_the_inventory_area():
    inbound, adjustment = get_kind(INBOUND_KIND), get_kind(ADJUSTMENT_KIND)
    assert INBOUND_HEADER == ["SKU 코드", "창고", "수량", "구분", "비고", "참조번호"]
    assert ADJUST_HEADER == [
        "SKU 코드",
        "상품명",
        "옵션",
        "창고",
        "현재고",
        "할당",
        "가용재고",
        "조정 수량",
        "실사 수량",
        "사유",
        "참조번호",
    ]
    assert [f.key for f in inbound.required_fields] == ["sku_code", "quantity"]
    assert [f.key for f in adjustment.required_fields] == ["sku_code"]
    assert isinstance(inbound.importer, excel.InboundImporter)
    assert isinstance(adjustment.importer, excel.AdjustmentImporter)
    assert inbound.area == adjustment.area == "inventory"
    assert not inbound.personal_fields and not adjustment.personal_fields


def test_the_upload_pages_take_a_file_to_its_preview(main, clerk, make_user):
    sku = sku_make("MOUSE-BK")
    client = verified_client(clerk)
    for kind in (INBOUND_KIND, ADJUSTMENT_KIND):
        page = client.get(reverse("spreadsheets_import", args=[kind]))
        assert page.status_code == 200 and "SKU 코드" in page.content.decode()
    data = xlsx_bytes([INBOUND_HEADER, row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 5})])
    response = client.post(
        reverse("spreadsheets_import", args=[INBOUND_KIND]), {"file": SimpleUploadedFile("입고.xlsx", data)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("spreadsheets_import_job", args=[job.pk])
    assert (job.status, job.would_update, job.error_rows) == (ImportJob.Status.VALIDATED, 1, 0)
    client.post(reverse("spreadsheets_import_confirm", args=[job.pk]), {"mode": "all"})
    assert on_hand(sku, main) == 5

    viewer = verified_client(make_user("조회만", rights={"inventory": {"view"}}))
    refused = viewer.get(reverse("spreadsheets_import", args=[ADJUSTMENT_KIND]))  # view only: no upload
    assert refused.status_code == 403 or (refused.status_code == 302 and refused["Location"] == "/admin/")


# Inbound ----------------------------------------------------------------------------------------------


def test_inbound_upload_moves_stock_through_the_services_with_the_ledger(main, clerk):
    other = warehouse_make("제2 물류센터", main=False)
    mouse, pad, cable = sku_make("MOUSE-BK", barcode="8801234567893"), sku_make("PAD-01"), sku_make("CABLE-01")
    stock_expected_add(sku=cable, warehouse=main, quantity=10)
    rows = [
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 10, "비고": "1차 입고", "참조번호": "PO-1"}),
        row(INBOUND_HEADER, **{"SKU 코드": 8801234567893, "수량": "1,000", "구분": "입고"}),  # barcode, as a number
        row(INBOUND_HEADER, **{"SKU 코드": "PAD-01", "창고": " 제2물류센터 ", "수량": 3}),  # spaces ignored
        row(INBOUND_HEADER, **{"SKU 코드": "PAD-01", "창고": "제2 물류센터", "수량": 7, "구분": "입고예정"}),
        row(INBOUND_HEADER, **{"SKU 코드": "CABLE-01", "수량": 4, "구분": "입고확정"}),  # expected arrived
        row(INBOUND_HEADER, **{"SKU 코드": "CABLE-01", "수량": -2, "구분": "입고 예정"}),  # expected taken back
    ]
    job = upload(INBOUND_KIND, rows, user=clerk)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    assert job.error_rows == 0, errors_of(job)
    assert (job.would_create, job.would_update, job.would_leave) == (0, 6, 0)
    assert StockMovement.objects.count() == 1  # the preview wrote nothing

    job = import_job_confirm(job=job, mode=ALL, user=clerk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.updated, job.unchanged) == (6, 0)
    assert on_hand(mouse, main) == 1010
    assert (on_hand(pad, other), StockLevel.objects.get(sku=pad, warehouse=other).expected) == (3, 7)
    cable_level = StockLevel.objects.get(sku=cable, warehouse=main)
    assert (cable_level.on_hand, cable_level.expected) == (4, 4)
    first = StockMovement.objects.filter(sku=mouse).order_by("id").first()
    assert (first.kind, first.on_hand_delta, first.reason, first.reference) == (
        MovementKind.INBOUND,
        10,
        "1차 입고",
        "PO-1",
    )
    assert first.user == clerk
    second = StockMovement.objects.filter(sku=mouse).order_by("id").last()
    assert second.reference == _("Excel upload #%(job)s") % {"job": job.pk}  # no 참조번호: the upload
    kinds = list(StockMovement.objects.filter(sku=cable).order_by("id").values_list("kind", flat=True))
    assert kinds == [MovementKind.EXPECTED, MovementKind.RECEIVE, MovementKind.EXPECTED]
    assert ledger_agrees()


def test_inbound_rows_with_errors_name_the_row_and_the_column(main):
    closed = warehouse_make("폐쇄 창고", main=False)
    closed.active = False
    closed.save()
    sku_make("MOUSE-BK")
    part, kit = sku_make("PART-01"), sku_make("KIT-01")
    SkuComponent.objects.create(set_sku=kit, component=part, quantity=2)
    cable = sku_make("CABLE-01")
    stock_expected_add(sku=cable, warehouse=main, quantity=3)
    rows = [
        row(INBOUND_HEADER, **{"SKU 코드": "NO-SUCH", "수량": 1}),  # 2: unknown SKU
        row(INBOUND_HEADER, **{"SKU 코드": "KIT-01", "수량": 1}),  # 3: a set SKU
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "창고": "없는 창고", "수량": 1}),  # 4: unknown warehouse
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "창고": "폐쇄 창고", "수량": 1}),  # 5: inactive
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 1.5}),  # 6: not a whole number
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 0}),  # 7: zero
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": -4}),  # 8: negative inbound
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 2, "구분": "출고"}),  # 9: unknown 구분
        row(INBOUND_HEADER, **{"SKU 코드": "CABLE-01", "수량": 2, "구분": "입고확정"}),  # 10: fine (3 expected)
        row(INBOUND_HEADER, **{"SKU 코드": "CABLE-01", "수량": 2, "구분": "입고확정"}),  # 11: only 1 left expected
        row(INBOUND_HEADER, **{"SKU 코드": "CABLE-01", "수량": 0, "구분": "입고예정"}),  # 12: zero expected
        row(INBOUND_HEADER, **{"SKU 코드": "NO-SUCH", "창고": "없는 창고", "수량": 1}),  # 13: both columns
        row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 5}),  # 14: fine
    ]
    job = upload(INBOUND_KIND, rows)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    errors = errors_of(job)
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13}, errors
    column = {number: [c for c, _m in items] for number, items in errors.items()}
    message = {number: items[0][1] for number, items in errors.items()}
    assert column[2] == column[3] == ["SKU 코드"]
    assert "NO-SUCH" in message[2]
    assert message[3] == _("%(sku)s is a set SKU: its stock is its components' stock; move the components instead.") % {
        "sku": "KIT-01"
    }
    assert column[4] == column[5] == ["창고"]
    assert "없는 창고" in message[4] and "본사 창고" in message[4]  # the warehouses there are, named
    assert message[5] == _("The warehouse “%(name)s” is not active.") % {"name": "폐쇄 창고"}
    assert column[6] == column[7] == column[8] == column[11] == column[12] == ["수량"]
    assert "1.5" in message[6]
    assert message[7] == message[8] == _("The quantity must be a whole number above zero.")
    assert column[9] == ["구분"] and "출고" in message[9]
    assert message[11] == _("%(sku)s at %(warehouse)s: only %(expected)s units are expected.") % {
        "sku": "CABLE-01",
        "warehouse": "본사 창고",
        "expected": 1,  # 3 expected, 2 received by row 10
    }
    assert column[13] == ["SKU 코드", "창고"]
    assert (job.would_update, job.error_rows) == (2, 11)

    with pytest.raises(ImportRefused):
        import_job_confirm(job=job, mode=ALL)
    assert StockMovement.objects.count() == 1

    job = import_job_confirm(job=job, mode=VALID_ONLY)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.updated, job.skipped) == (2, 11)
    assert on_hand(SKU.objects.get(seller_code="MOUSE-BK"), main) == 5
    assert on_hand(cable, main) == 2
    assert not StockLevel.objects.filter(sku=kit).exists()
    assert ledger_agrees()


def test_without_a_main_warehouse_the_warehouse_must_be_named(db):
    warehouse_make("A 창고", main=False)
    warehouse_make("B 창고", main=False)
    sku_make("MOUSE-BK")
    job = upload(
        INBOUND_KIND,
        [
            row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "수량": 1}),
            row(INBOUND_HEADER, **{"SKU 코드": "MOUSE-BK", "창고": "b창고", "수량": 1}),
        ],
    )
    assert errors_of(job) == {2: [("창고", _("Enter the warehouse: there is no active main warehouse."))]}


# Adjustment -------------------------------------------------------------------------------------------


def test_adjustments_and_counts_with_reasons(main, clerk):
    mouse, pad, cable = sku_make("MOUSE-BK"), sku_make("PAD-01"), sku_make("CABLE-01")
    for sku in (mouse, pad, cable):
        stock_inbound(sku=sku, warehouse=main, quantity=10)
    rows = [
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": -2, "사유": "파손"}),
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": -1, "사유": "분실", "참조번호": "CS-9"}),
        row(ADJUST_HEADER, **{"SKU 코드": "PAD-01", "실사_수량": 13, "사유": "재고실사"}),
        row(ADJUST_HEADER, **{"SKU 코드": "CABLE-01", "실사_수량": 10}),  # as the books say: no reason needed
        row(ADJUST_HEADER, **{"SKU 코드": "CABLE-01", "현재고": "아무거나"}),  # nothing to change: left alone
    ]
    job = upload(ADJUSTMENT_KIND, rows, user=clerk)
    assert job.error_rows == 0, errors_of(job)
    assert (job.would_update, job.would_leave) == (3, 2)
    job = import_job_confirm(job=job, mode=ALL, user=clerk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.updated, job.unchanged) == (3, 2)
    assert (on_hand(mouse, main), on_hand(pad, main), on_hand(cable, main)) == (7, 13, 10)
    moves = list(
        StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT)
        .order_by("id")
        .values_list("sku__seller_code", "on_hand_delta", "reason", "reference")
    )
    assert moves == [
        ("MOUSE-BK", -2, "파손", _("Excel upload #%(job)s") % {"job": job.pk}),
        ("MOUSE-BK", -1, "분실", "CS-9"),
        ("PAD-01", 3, "재고실사", _("Excel upload #%(job)s") % {"job": job.pk}),
    ]
    assert set(StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).values_list("user", flat=True)) == {clerk.pk}
    assert ledger_agrees()


def test_adjustment_rows_with_errors_name_the_row_and_the_column(main):
    mouse, pad = sku_make("MOUSE-BK"), sku_make("PAD-01")
    cable, usb = sku_make("CABLE-01"), sku_make("USB-01")
    part, kit = sku_make("PART-01"), sku_make("KIT-01")
    SkuComponent.objects.create(set_sku=kit, component=part, quantity=1)
    for sku in (mouse, pad, cable, usb):
        stock_inbound(sku=sku, warehouse=main, quantity=5)
    # 4 of USB-01's 5 are reserved for an order.
    services.stock_apply(deltas=[services.Delta(usb.pk, main.pk, MovementKind.RESERVE, reserved=4)])
    rows = [
        row(ADJUST_HEADER, **{"SKU 코드": "NO-SUCH", "조정_수량": 1, "사유": "x"}),  # 2: unknown SKU
        row(ADJUST_HEADER, **{"SKU 코드": "KIT-01", "실사_수량": 1, "사유": "x"}),  # 3: set SKU
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": -1}),  # 4: no reason
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": 0, "사유": "x"}),  # 5: zero
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": "2개", "사유": "x"}),  # 6: not a number
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": 1, "실사_수량": 6, "사유": "x"}),  # 7: both
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "실사_수량": -1, "사유": "x"}),  # 8: negative count
        row(ADJUST_HEADER, **{"SKU 코드": "PAD-01", "조정_수량": -3, "사유": "파손"}),  # 9: fine (5 → 2)
        row(ADJUST_HEADER, **{"SKU 코드": "PAD-01", "조정_수량": -3, "사유": "파손"}),  # 10: 2 → −1 refused
        row(ADJUST_HEADER, **{"SKU 코드": "CABLE-01", "실사_수량": 2, "사유": "실사"}),  # 11: fine
        row(ADJUST_HEADER, **{"SKU 코드": "CABLE-01", "실사_수량": 3, "사유": "실사"}),  # 12: counted twice
        row(ADJUST_HEADER, **{"SKU 코드": "PAD-01", "실사_수량": 9, "사유": "실사"}),  # 13: a count after ±
        row(ADJUST_HEADER, **{"SKU 코드": "USB-01", "조정_수량": -2, "사유": "분실"}),  # 14: below reserved
        row(ADJUST_HEADER, **{"SKU 코드": "USB-01", "조정_수량": -1, "사유": "분실"}),  # 15: fine (5 → 4, 4 held)
    ]
    job = upload(ADJUSTMENT_KIND, rows)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    errors = errors_of(job)
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14}, errors
    assert all(len(items) == 1 for items in errors.values()), errors
    column = {number: items[0][0] for number, items in errors.items()}
    message = {number: items[0][1] for number, items in errors.items()}
    assert column[2] == column[3] == "SKU 코드"
    assert column[4] == "사유" and message[4] == _("%(sku)s: an adjustment needs a reason.") % {"sku": "MOUSE-BK"}
    assert column[5] == column[6] == column[10] == column[14] == "조정 수량"
    assert column[7] == column[8] == column[12] == column[13] == "실사 수량"
    assert "2개" in message[6]
    # The SKU named, and where it would end after row 9.
    assert message[10] == _(
        "%(sku)s at %(warehouse)s: the stock would go below zero (%(after)s); negative stock is not allowed."
    ) % {"sku": "PAD-01", "warehouse": "본사 창고", "after": -1}
    repeated = _(
        "Row %(row)s already changes %(sku)s at %(warehouse)s: a counted quantity must be the only row of its SKU "
        "and warehouse."
    )
    assert message[12] == repeated % {"row": 11, "sku": "CABLE-01", "warehouse": "본사 창고"}
    assert message[13] == repeated % {"row": 9, "sku": "PAD-01", "warehouse": "본사 창고"}
    assert message[14] == _(
        "%(sku)s at %(warehouse)s: %(reserved)s of the stock is reserved for orders; "
        "the change would leave %(available)s available."
    ) % {"sku": "USB-01", "warehouse": "본사 창고", "reserved": 4, "available": -1}
    assert (job.would_update, job.error_rows) == (3, 11)

    job = import_job_confirm(job=job, mode=VALID_ONLY)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (on_hand(pad, main), on_hand(cable, main), on_hand(usb, main), on_hand(mouse, main)) == (2, 2, 4, 5)
    assert ledger_agrees()


def test_a_sku_named_by_its_code_and_by_its_barcode_is_the_same_sku(main):
    sku_make("MOUSE-BK", barcode="8801234567893")
    rows = [
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "실사_수량": 4, "사유": "실사"}),
        row(ADJUST_HEADER, **{"SKU 코드": "8801234567893", "창고": "본사창고", "실사_수량": 5, "사유": "실사"}),
    ]
    errors = errors_of(upload(ADJUSTMENT_KIND, rows))
    assert list(errors) == [3] and errors[3][0][0] == "실사 수량" and "MOUSE-BK" in errors[3][0][1]


def test_negative_stock_when_the_company_allows_it(main):
    mouse = sku_make("MOUSE-BK")
    stock_inbound(sku=mouse, warehouse=main, quantity=2)
    rows = [row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": -5, "사유": "분실"})]
    refused = upload(ADJUSTMENT_KIND, rows)
    assert [column for column, _m in errors_of(refused)[2]] == ["조정 수량"]
    assert "MOUSE-BK" in errors_of(refused)[2][0][1]

    allow_negative()
    job = upload(ADJUSTMENT_KIND, rows)
    assert job.error_rows == 0, errors_of(job)
    import_job_confirm(job=job, mode=ALL)
    assert on_hand(mouse, main) == -3
    assert ledger_agrees()


def test_stock_taken_between_preview_and_confirm_is_checked_again(main):
    """The preview was clean; before confirming, an order took stock: all or nothing writes no row."""
    mouse, pad = sku_make("MOUSE-BK"), sku_make("PAD-01")
    for sku in (mouse, pad):
        stock_inbound(sku=sku, warehouse=main, quantity=5)
    rows = [
        row(ADJUST_HEADER, **{"SKU 코드": "PAD-01", "조정_수량": 2, "사유": "재입고"}),
        row(ADJUST_HEADER, **{"SKU 코드": "MOUSE-BK", "조정_수량": -5, "사유": "파손"}),
    ]
    job = upload(ADJUSTMENT_KIND, rows)
    assert job.error_rows == 0
    stock_adjust(sku=mouse, warehouse=main, delta=-1, reason="다른 직원")
    job = import_job_confirm(job=job, mode=ALL)
    assert job.status == ImportJob.Status.FAILED
    assert [(e.row, e.column) for e in job.row_errors.all()] == [(3, "조정 수량")]
    assert (on_hand(pad, main), on_hand(mouse, main)) == (5, 4)


def test_a_refusal_by_the_service_at_write_time_becomes_a_row_error(main, monkeypatch):
    """What a service refuses when it writes (a SKU made a set meanwhile, a level locked and changed) is a row
    error: all or nothing rolls back the rows written before it; valid rows only writes the others."""
    skus = [sku_make(code) for code in ("A-01", "B-01", "C-01")]
    for sku in skus:
        stock_inbound(sku=sku, warehouse=main, quantity=5)
    real = services.stock_adjust

    def refusing(*, sku, **kwargs):
        if sku.seller_code == "B-01":
            raise StockRefused("B-01: 거부됨")
        return real(sku=sku, **kwargs)

    monkeypatch.setattr(services, "stock_adjust", refusing)
    rows = [
        row(ADJUST_HEADER, **{"SKU 코드": code, "조정_수량": -1, "사유": "파손"}) for code in ("A-01", "B-01", "C-01")
    ]
    job = import_job_confirm(job=upload(ADJUSTMENT_KIND, rows), mode=ALL)
    assert job.status == ImportJob.Status.FAILED
    assert [(e.row, e.column, e.message) for e in job.row_errors.all()] == [(3, "조정 수량", "B-01: 거부됨")]
    assert [on_hand(sku, main) for sku in skus] == [5, 5, 5]
    assert StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).count() == 0

    job = import_job_confirm(job=upload(ADJUSTMENT_KIND, rows), mode=VALID_ONLY)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.updated, job.skipped) == (2, 1)
    assert [on_hand(sku, main) for sku in skus] == [4, 5, 4]
    assert ledger_agrees()


def test_a_layout_without_either_quantity_column_says_so(main):
    sku_make("MOUSE-BK")
    layout = layout_save(
        layout=ExcelLayout(
            name="코드와 사유만",
            kind=ADJUSTMENT_KIND,
            columns=ExcelLayout.columns_value(
                ADJUSTMENT_KIND, [{"field": "sku_code", "title": ""}, {"field": "reason", "title": ""}]
            ),
        )
    )
    data = xlsx_bytes([["SKU 코드", "사유"], ["MOUSE-BK", "실사"]])
    job = import_job_create(kind=ADJUSTMENT_KIND, upload=SimpleUploadedFile("a.xlsx", data), layout=layout)
    assert [column for column, _m in errors_of(job)[2]] == ["SKU 코드"]
    assert "조정 수량" in errors_of(job)[2][0][1]


# Download, fill in, upload back -----------------------------------------------------------------------


def _sheet(result) -> list[list]:
    result.file.seek(0)
    data = result.file.read()
    result.file.close()
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_the_stock_download_filled_in_goes_back_up(main, clerk):
    other = warehouse_make("제2 물류센터", main=False)
    closed = warehouse_make("폐쇄 창고", main=False)
    mouse, pad, new = sku_make("MOUSE-BK"), sku_make("PAD-01"), sku_make("NEW-01")
    part, kit = sku_make("PART-01"), sku_make("KIT-01")
    SkuComponent.objects.create(set_sku=kit, component=part, quantity=2)
    stock_inbound(sku=mouse, warehouse=main, quantity=10)
    stock_inbound(sku=mouse, warehouse=other, quantity=4)
    stock_inbound(sku=pad, warehouse=closed, quantity=1)
    stock_inbound(sku=part, warehouse=main, quantity=6)
    services.stock_apply(deltas=[services.Delta(mouse.pk, main.pk, MovementKind.RESERVE, reserved=3)])
    closed.active = False
    closed.save()

    result = spreadsheet_export(kind=ADJUSTMENT_KIND, objects=stock_count_rows(), user=clerk)
    sheet = _sheet(result)
    assert sheet[0] == ADJUST_HEADER
    found = {(r[0], r[3]): r for r in sheet[1:]}
    # Every SKU that is not a set, at its active warehouses; one without stock at the main warehouse.
    assert set(found) == {
        ("MOUSE-BK", "본사 창고"),
        ("MOUSE-BK", "제2 물류센터"),
        ("PAD-01", "본사 창고"),
        ("NEW-01", "본사 창고"),
        ("PART-01", "본사 창고"),
    }
    assert found[("MOUSE-BK", "본사 창고")][1:7] == ["상품 MOUSE-BK", "블랙", "본사 창고", 10, 3, 7]
    assert found[("NEW-01", "본사 창고")][4:7] == [0, 0, 0]

    # The seller counts two of them and uploads the same file back.
    filled = [list(r) for r in sheet]
    for r in filled[1:]:
        if (r[0], r[3]) == ("MOUSE-BK", "제2 물류센터"):
            r[8], r[9] = 6, "재고실사"
        if r[0] == "NEW-01":
            r[8], r[9] = 12, "재고실사"
    job = import_job_create(kind=ADJUSTMENT_KIND, upload=SimpleUploadedFile("실사.xlsx", xlsx_bytes(filled)))
    assert job.error_rows == 0, errors_of(job)
    assert (job.would_update, job.would_leave) == (2, 3)
    import_job_confirm(job=job, mode=ALL)
    assert (on_hand(mouse, other), on_hand(new, main), on_hand(mouse, main)) == (6, 12, 10)
    assert ledger_agrees()

    # A stock list's own levels (e.g. filtered to one warehouse) download one row each.
    rows = list(stock_count_rows(levels=StockLevel.objects.filter(warehouse=other)))
    assert [(r.sku_code, r.warehouse, r.on_hand) for r in rows] == [("MOUSE-BK", "제2 물류센터", 6)]


# Queries ----------------------------------------------------------------------------------------------


def _skus_bulk(count: int, prefix: str) -> list[SKU]:
    products = Product.objects.bulk_create(
        [Product(name=f"상품 {n}", seller_code=f"{prefix}{n}", price=10000) for n in range(count)]
    )
    return SKU.objects.bulk_create(
        [SKU(product=product, seller_code=f"{prefix}-{n:05d}") for n, product in enumerate(products)]
    )


def test_the_preview_queries_do_not_grow_with_the_rows(main):
    small, big = _skus_bulk(20, "S"), _skus_bulk(1999, "B")
    StockLevel.objects.bulk_create([StockLevel(sku=sku, warehouse=main, on_hand=5) for sku in small + big])
    layout_default(kind=ADJUSTMENT_KIND)  # made by the first upload otherwise

    def queries(skus) -> int:
        rows = [row(ADJUST_HEADER, **{"SKU 코드": sku.seller_code, "조정_수량": -1, "사유": "파손"}) for sku in skus]
        rows.append(row(ADJUST_HEADER, **{"SKU 코드": "NO-SUCH", "조정_수량": 1, "사유": "x"}))
        with CaptureQueriesContext(connection) as captured:
            job = upload(ADJUSTMENT_KIND, rows)
        assert job.status == ImportJob.Status.VALIDATED and job.error_rows == 1, job.message
        assert job.would_update == len(skus)
        return len(captured)

    few, many = queries(small), queries(big)
    # 2,000 rows (the most checked inline) are read in two chunks of 1,000: a few statements per chunk, none per row.
    assert many <= few + 8, (few, many)
