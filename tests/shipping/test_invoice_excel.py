"""Invoices by Excel (송장 대상 목록): the shipments waiting for a number downloaded in a layout, and
tracking numbers uploaded back with a preview and per-row errors naming the row, the column and the
courier's rule; all-or-nothing and valid-rows-only; the same file twice changes nothing."""

from __future__ import annotations

import io
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from integrations.channels.base import CourierCode
from integrations.couriers import tracking
from modules.orders.bundles import bundles_assign
from modules.orders.models import OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.shipping import excel, services
from modules.shipping.excel import invoice_target_rows
from modules.shipping.models import BoxSize, CourierContract, Shipment, ShipmentNumber, Warehouse
from modules.spreadsheets.layouts import get_kind
from modules.spreadsheets.models import ExcelLayout, ImportJob, PersonalDataDownload
from modules.spreadsheets.services import (
    ImportRefused,
    import_job_confirm,
    import_job_create,
    layout_save,
    spreadsheet_export,
)
from tests.orders.test_desk_support import make_order, make_store
from tests.spreadsheets.files import xlsx_bytes

pytestmark = pytest.mark.django_db

_bodies = count(20_000_000_000)


def cj(body: int | None = None) -> str:
    """A valid CJ대한통운 number: 11 digits and their mod-7 check digit."""
    return tracking.compose(CourierCode.CJ, str(body if body is not None else next(_bodies)).zfill(11))


def hyphened(number: str) -> str:
    return f"{number[:4]}-{number[4:8]}-{number[8:]}"


# Test data (local: tests/shipping/conftest.py is written at the same time by another change) ---------


@pytest.fixture
def _contract(db):
    contract = CourierContract.objects.create(name="CJ 본사", courier="CJ", contract_code="A123")
    BoxSize.objects.create(contract=contract, code="02", name="소", price=3000, sort_order=0)
    BoxSize.objects.create(contract=contract, code="03", name="중", price=3500, sort_order=1)
    Warehouse.objects.create(
        name="장터 물류센터",
        zip_code="06236",
        address1="서울특별시 강남구 테헤란로 123",
        phone1="02-1234-5678",
        is_main=True,
        default_contract=contract,
    )
    return contract


_receivers = count(1)


def _parcel(store=None, *, state=OrderState.ACKNOWLEDGED, receiver=None, phone=None, lines=1, shipment=True):
    """An order of its own receiver in a bundle, with the bundle's shipment made unless asked not to."""
    n = next(_receivers)
    order = make_order(
        store or make_store("naver", name=f"네이버 {n}호점"),
        state=state,
        lines=lines,
        receiver=receiver or f"수취인{n:03d}",
        phone=phone or f"010-5555-{n:04d}",
    )
    bundles_assign(order_ids=[order.pk])
    bundle_id = order.lines.values_list("bundle_id", flat=True).first()
    assert bundle_id is not None
    if shipment:
        services.shipments_for_bundles(bundle_ids=[bundle_id])
    return order


def _shipment(order) -> Shipment:
    return Shipment.objects.get(bundle_id=order.lines.values_list("bundle_id", flat=True).first())


def _layout(name, fields):
    return layout_save(
        layout=ExcelLayout(
            name=name,
            kind="invoice_targets",
            columns=ExcelLayout.columns_value("invoice_targets", [{"field": key, "title": ""} for key in fields]),
        )
    )


def _upload(rows, layout, user=None):
    return import_job_create(
        kind="invoice_targets", upload=SimpleUploadedFile("송장.xlsx", xlsx_bytes(rows)), layout=layout, user=user
    )


def _errors(job) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for error in job.row_errors.order_by("row", "id"):
        found.setdefault(error.row, []).append((error.column, error.message))
    return found


def _sheet(result) -> list[list]:
    result.file.seek(0)
    data = result.file.read()
    result.file.close()
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def clerk(make_user):
    return make_user("송장담당", rights={"shipping": {"view", "edit", "pii"}})


# The kind ---------------------------------------------------------------------------------------------


def test_the_kind_has_its_real_columns_and_an_importer():
    spec = get_kind("invoice_targets")
    titles = [field.title for field in spec.fields.values()]
    assert titles[:4] == ["배송번호", "묶음번호", "판매처", "주문번호"]
    assert {"수취인", "주소", "상품명", "수량", "택배사", "송장번호", "박스"} <= set(titles)
    assert {field.title for field in spec.personal_fields} >= {"수취인", "주소", "수취인연락처"}
    assert not spec.fields["receiver_masked"].personal
    assert isinstance(spec.importer, excel.InvoiceImporter)
    assert spec.area == "shipping" and spec.key_fields == ()


# Upload -----------------------------------------------------------------------------------------------


def test_happy_upload_registers_three_shipments_with_korean_courier_names(_contract, clerk):
    by_shipment, by_bundle, by_order = _parcel(lines=2), _parcel(), _parcel()
    # The third one's bundle has no shipment yet: the upload makes it.
    _shipment(by_order).delete()
    numbers = [cj(), cj(), cj()]
    bundle_id = by_bundle.lines.first().bundle_id
    layout = _layout("송장 입력", ["shipment_id", "bundle_id", "order_no", "store_name", "courier", "tracking_no"])
    rows = [
        ["배송번호", "묶음번호", "주문번호", "판매처", "택배사", "송장번호"],
        [f"S{_shipment(by_shipment).pk}", None, None, None, "CJ대한통운", hyphened(numbers[0])],
        [None, f"B{bundle_id}", None, None, "대한통운", hyphened(numbers[1])],
        [None, None, by_order.channel_order_id, by_order.store.name, "CJ택배", f" {hyphened(numbers[2])} "],
    ]
    job = _upload(rows, layout, user=clerk)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    assert job.error_rows == 0, _errors(job)
    assert (job.would_create, job.would_update, job.would_leave) == (3, 0, 0)
    assert not OrderLine.objects.filter(state=OrderState.INVOICE_REGISTERED).exists()  # the preview wrote nothing

    job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL, user=clerk)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.created, job.updated, job.unchanged) == (3, 0, 0)
    for order, number in zip([by_shipment, by_bundle, by_order], numbers, strict=True):
        lines = list(order.lines.all())
        assert {(line.state, line.courier, line.tracking_number) for line in lines} == {
            (OrderState.INVOICE_REGISTERED, "CJ", number)
        }
        shipment = _shipment(order)
        assert (shipment.courier, shipment.tracking_number) == ("CJ", number)
        events = OrderEvent.objects.filter(line__in=lines, kind="register_invoice")
        assert events.count() == len(lines)
        assert all(event.user_id == clerk.pk and event.payload["via"] == "excel" for event in events)
        assert ShipmentNumber.objects.get(shipment=shipment).source == ShipmentNumber.Source.EXCEL


def test_an_empty_courier_takes_the_contract_courier_and_a_box_by_name(_contract):
    order = _parcel()
    number = cj()
    layout = _layout("짧은 양식", ["order_no", "courier", "tracking_no", "box"])
    job = _upload([["주문번호", "택배사", "송장번호", "박스"], [order.channel_order_id, None, number, "소"]], layout)
    assert job.error_rows == 0, _errors(job)
    import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    shipment = _shipment(order)
    assert (shipment.courier, shipment.tracking_number, shipment.box_size) == ("CJ", number, "02")


def test_rows_with_errors_name_the_row_the_column_and_the_rule(_contract):
    store = make_store("coupang", name="쿠팡 본점")
    parcels = [_parcel(store) for _ in range(9)]
    unconfirmed = _parcel(store, state=OrderState.NEW)
    good = cj()
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    # A number already given to another receiver's parcel this month.
    used = cj()
    services.invoice_register(shipment=_shipment(parcels[8]), courier="CJ", tracking_number=used)
    twice = cj()
    layout = _layout("송장", ["order_no", "store_name", "courier", "tracking_no", "box"])
    rows = [
        ["주문번호", "판매처", "택배사", "송장번호", "박스"],
        [parcels[0].channel_order_id, store.name, "CJ대한통운", "12345", None],  # 2: length
        [parcels[1].channel_order_id, store.name, "CJ대한통운", bad_check, None],  # 3: check digit
        [parcels[2].channel_order_id, store.name, "CJ대한통운", "ABCD12345678", None],  # 4: letters
        [parcels[3].channel_order_id, store.name, "번개택배", cj(), None],  # 5: unknown courier
        ["NO-SUCH-ORDER", store.name, "CJ대한통운", cj(), None],  # 6: unknown order
        [parcels[4].channel_order_id, store.name, "CJ대한통운", used, None],  # 7: used for another receiver
        [parcels[5].channel_order_id, store.name, "CJ대한통운", twice, None],  # 8: fine
        [parcels[6].channel_order_id, store.name, "CJ대한통운", twice, None],  # 9: same number, other receiver
        [unconfirmed.channel_order_id, store.name, "CJ대한통운", cj(), None],  # 10: not confirmed yet
        [parcels[7].channel_order_id, store.name, "CJ대한통운", cj(), "특대"],  # 11: unknown box
        [parcels[7].channel_order_id, "다른 가게", "CJ대한통운", cj(), None],  # 12: not in that store
    ]
    job = _upload(rows, layout)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    errors = _errors(job)
    assert set(errors) == {2, 3, 4, 5, 6, 7, 9, 10, 11, 12}, errors
    assert all(len(items) == 1 for items in errors.values()), errors
    column = {row: items[0][0] for row, items in errors.items()}
    message = {row: items[0][1] for row, items in errors.items()}
    assert column[2] == column[3] == column[4] == column[7] == column[9] == "송장번호"
    assert "12자리" in message[2] and "5자리" in message[2]  # the length rule, with what was given
    assert "검증번호" in message[3] and "7로 나눈 나머지" in message[3]  # the check-digit rule named
    assert "숫자로만" in message[4]
    assert column[5] == "택배사" and "번개택배" in message[5]
    assert column[6] == "주문번호" and "NO-SUCH-ORDER" in message[6]
    assert "6개월" in message[7] and used in message[7]
    assert "8행" in message[9] and twice in message[9]
    assert column[10] == "주문번호" and "발주확인" in message[10]
    assert column[11] == "박스" and "02 소" in message[11]
    assert column[12] == "주문번호"
    assert (job.would_create, job.would_update, job.would_leave) == (1, 0, 0)

    # All or nothing: refused while rows have errors, nothing written.
    with pytest.raises(ImportRefused):
        import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    assert not ShipmentNumber.objects.filter(tracking_number=twice).exists()

    # Valid rows only: row 8 registered, the others left as they were.
    job = import_job_confirm(job=job, mode=ImportJob.Mode.VALID_ONLY)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.created, job.skipped) == (1, 10)
    assert set(parcels[5].lines.values_list("state", "tracking_number")) == {(OrderState.INVOICE_REGISTERED, twice)}
    for order in [*parcels[:5], parcels[6], parcels[7]]:
        assert set(order.lines.values_list("state", "tracking_number")) == {(OrderState.ACKNOWLEDGED, "")}
    assert set(unconfirmed.lines.values_list("state", flat=True)) == {OrderState.NEW}
    assert ShipmentNumber.objects.filter(tracking_number=used).count() == 1


def test_the_same_number_for_the_same_receiver_is_allowed(_contract):
    """Two parcels to one receiver and address may share a number (a re-sent parcel, two stores)."""
    first = _parcel(make_store("naver"), receiver="박영희", phone="010-7777-0001")
    second = _parcel(make_store("coupang"), receiver="박영희", phone="010-7777-0001")
    number = cj()
    layout = _layout("송장", ["shipment_id", "courier", "tracking_no"])
    rows = [["배송번호", "택배사", "송장번호"], *[[f"S{_shipment(o).pk}", "CJ", number] for o in (first, second)]]
    job = _upload(rows, layout)
    assert job.error_rows == 0, _errors(job)
    assert job.would_create == 2


def test_all_or_nothing_writes_nothing_when_a_row_turns_bad_at_write_time(_contract):
    """The preview was clean; before confirming, another parcel took one of the numbers: the import
    checks again and, all or nothing, writes no row."""
    parcels = [_parcel() for _ in range(3)]
    numbers = [cj() for _ in parcels]
    layout = _layout("송장", ["shipment_id", "tracking_no"])
    rows = [["배송번호", "송장번호"], *[[f"S{_shipment(o).pk}", n] for o, n in zip(parcels, numbers, strict=True)]]
    job = _upload(rows, layout)
    assert job.error_rows == 0 and job.would_create == 3
    other = _parcel()
    services.invoice_register(shipment=_shipment(other), courier="CJ", tracking_number=numbers[1])

    job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    assert job.status == ImportJob.Status.FAILED
    assert [(e.row, e.column) for e in job.row_errors.all()] == [(3, "송장번호")]
    assert not OrderLine.objects.filter(order__in=parcels, state=OrderState.INVOICE_REGISTERED).exists()
    assert not ShipmentNumber.objects.filter(shipment__bundle__lines__order__in=parcels).exists()


def test_a_registration_refused_by_the_service_becomes_a_row_error(_contract, monkeypatch):
    """What ``invoices_register`` refuses at write time (a line changed meanwhile) is a row error:
    all or nothing rolls everything back; valid rows only writes the others."""
    parcels = [_parcel() for _ in range(3)]
    numbers = [cj() for _ in parcels]
    layout = _layout("송장", ["shipment_id", "tracking_no"])
    rows = [["배송번호", "송장번호"], *[[f"S{_shipment(o).pk}", n] for o, n in zip(parcels, numbers, strict=True)]]
    refused = _shipment(parcels[0]).pk
    real = services.invoices_register

    def refusing(*, entries, **kwargs):
        results = real(entries=entries, **kwargs)
        for result in results:
            if result.shipment_id == refused:
                result.ok, result.code, result.message = False, "claim_open", "구매자가 취소를 요청했습니다."
        return results

    monkeypatch.setattr(services, "invoices_register", refusing)
    job = import_job_confirm(job=_upload(rows, layout), mode=ImportJob.Mode.ALL)
    assert job.status == ImportJob.Status.FAILED
    assert [(e.row, e.column, e.message) for e in job.row_errors.all()] == [
        (2, "배송번호", "구매자가 취소를 요청했습니다.")
    ]
    assert not OrderLine.objects.filter(state=OrderState.INVOICE_REGISTERED).exists()
    assert not ShipmentNumber.objects.exists()

    job = import_job_confirm(job=_upload(rows, layout), mode=ImportJob.Mode.VALID_ONLY)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.created, job.skipped) == (2, 1)
    assert set(Shipment.objects.exclude(tracking_number="").values_list("tracking_number", flat=True)) == set(
        numbers[1:]
    )


def test_the_same_file_twice_changes_nothing_and_a_new_number_is_a_change(_contract):
    parcels = [_parcel() for _ in range(3)]
    numbers = [cj() for _ in parcels]
    layout = _layout("송장", ["shipment_id", "courier", "tracking_no"])
    rows = [
        ["배송번호", "택배사", "송장번호"],
        *[[f"S{_shipment(o).pk}", "CJ대한통운", n] for o, n in zip(parcels, numbers, strict=True)],
    ]
    first = import_job_confirm(job=_upload(rows, layout), mode=ImportJob.Mode.ALL)
    assert first.created == 3
    events = OrderEvent.objects.filter(kind="register_invoice").count()

    again = _upload(rows, layout)
    assert again.error_rows == 0, _errors(again)
    assert (again.would_create, again.would_update, again.would_leave) == (0, 0, 3)
    again = import_job_confirm(job=again, mode=ImportJob.Mode.ALL)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert OrderEvent.objects.filter(kind="register_invoice").count() == events
    assert ShipmentNumber.objects.count() == 3

    replacement = cj()
    rows[1][2] = replacement
    changed = _upload(rows, layout)
    assert (changed.would_create, changed.would_update, changed.would_leave) == (0, 1, 2)
    import_job_confirm(job=changed, mode=ImportJob.Mode.ALL)
    assert _shipment(parcels[0]).tracking_number == replacement
    assert ShipmentNumber.objects.get(tracking_number=numbers[0]).replaced_at is not None


def test_a_row_without_a_number_is_left_alone_and_sent_invoices_are_refused(_contract):
    waiting, sent = _parcel(), _parcel()
    number = cj()
    services.invoice_register(shipment=_shipment(sent), courier="CJ", tracking_number=number)
    services.invoices_force_complete(shipments=[_shipment(sent)])
    layout = _layout("송장", ["shipment_id", "tracking_no"])
    rows = [
        ["배송번호", "송장번호"],
        [f"S{_shipment(waiting).pk}", None],
        [f"S{_shipment(sent).pk}", number],  # unchanged: the same number it was sent with
        [f"S{_shipment(sent).pk + 1000}", cj()],
    ]
    job = _upload(rows, layout)
    assert (job.would_create, job.would_leave) == (0, 2)
    assert {row: items[0][0] for row, items in _errors(job).items()} == {4: "배송번호"}
    rows[2][1] = cj()
    job = _upload(rows[:3], layout)
    errors = _errors(job)
    assert list(errors) == [3] and "이미 전송" in errors[3][0][1]


# Download ---------------------------------------------------------------------------------------------


def test_download_lists_the_shipments_waiting_with_personal_data_logged(_contract, clerk):
    store = make_store("naver", name="네이버 본점")
    first = _parcel(store, receiver="김철수", lines=2)
    second = _parcel(store, receiver="이영희", shipment=False)
    _parcel(store, state=OrderState.NEW)  # not confirmed: not a target
    result = spreadsheet_export(kind="invoice_targets", objects=invoice_target_rows(), user=clerk, reason="택배사 접수")
    rows = _sheet(result)
    header, body = rows[0], rows[1:]
    assert header == [field.title for field in get_kind("invoice_targets").fields.values()]
    assert len(body) == 2
    row = dict(zip(header, body[0], strict=True))
    shipment = _shipment(first)
    assert row["배송번호"] == f"S{shipment.pk}" and row["묶음번호"] == f"B{shipment.bundle_id}"
    assert (row["판매처"], row["주문번호"]) == ("네이버 본점", first.channel_order_id)
    assert (row["수취인"], row["수취인(가림)"]) == ("김철수", "김*수")
    assert row["주소"] == "서울특별시 강남구 테헤란로 123 4층 401호"
    assert row["상품명"] == "무선 마우스 (블랙) 외 1건" and row["수량"] == 2
    assert row["택배사"] == "CJ대한통운" and row["송장번호"] in ("", None)
    assert dict(zip(header, body[1], strict=True))["수취인"] == "이영희"
    assert _shipment(second).courier == "CJ"  # made for the download
    log = PersonalDataDownload.objects.get()
    assert (log.kind, log.rows, log.reason) == ("invoice_targets", 2, "택배사 접수")


def test_download_queries_do_not_grow_with_the_rows(_contract):
    for _ in range(2):
        _parcel(shipment=False)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = [(row.shipment_id, row.order_no, row.courier, row.box) for row in invoice_target_rows()]
        return len(rows), len(captured)

    first_rows, first = queries()
    for _ in range(5):
        _parcel(shipment=False)
    more_rows, more = queries()
    assert (first_rows, more_rows) == (2, 7)
    assert more == first, (first, more)


def test_round_trip_download_fill_in_numbers_upload(_contract, make_user):
    viewer = make_user("조회만", rights={"shipping": {"view"}})
    parcels = [_parcel(lines=1 + n % 2) for n in range(3)]
    layout = _layout(
        "송장 입력용",
        [
            "shipment_id",
            "bundle_id",
            "order_no",
            "receiver_masked",
            "product_name",
            "quantity",
            "courier",
            "tracking_no",
        ],
    )
    result = spreadsheet_export(kind="invoice_targets", objects=invoice_target_rows(), user=viewer, layout=layout)
    assert not PersonalDataDownload.objects.exists()  # no personal column: no reason asked, nothing logged
    rows = _sheet(result)
    assert rows[0] == ["배송번호", "묶음번호", "주문번호", "수취인(가림)", "상품명", "수량", "택배사", "송장번호"]
    numbers = {}
    for row in rows[1:]:
        numbers[row[0]] = hyphened(cj())
        row[7] = numbers[row[0]]
    job = _upload(rows, layout)
    assert job.status == ImportJob.Status.VALIDATED and job.error_rows == 0, (job.message, _errors(job))
    assert job.would_create == 3
    job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    assert job.created == 3
    for order in parcels:
        shipment = _shipment(order)
        assert hyphened(shipment.tracking_number) == numbers[f"S{shipment.pk}"]
        assert set(order.lines.values_list("state", flat=True)) == {OrderState.INVOICE_REGISTERED}
    # The registered ones are still targets (not sent yet) and download with their numbers.
    again = _sheet(
        spreadsheet_export(kind="invoice_targets", objects=invoice_target_rows(), user=viewer, layout=layout)
    )
    assert {row[0]: hyphened(str(row[7])) for row in again[1:]} == numbers
    # …and go back up unchanged.
    job = _upload(again, layout)
    assert (job.would_create, job.would_update, job.would_leave) == (0, 0, 3)
