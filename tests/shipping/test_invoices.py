"""Invoices of shipments: registration (one, bulk, number band), the 6-month reuse rule, sending to
each channel's sandbox with the per-item answer, refusals, force complete, correction, claim gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from integrations.channels.base import CourierCode
from integrations.couriers import tracking
from modules.orders.actions import order_acknowledge
from modules.orders.models import OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.shipping import services
from modules.shipping.models import CourierContract, Shipment, ShipmentNumber, ShipmentState, Warehouse
from tests.channels.conftest import MARKETPLACES, fast_adapter
from tests.orders.test_collect_and_actions import collect_all

pytestmark = pytest.mark.django_db


def _factory(store):
    return lambda _store: fast_adapter(store)


def cj(body: int) -> str:
    return tracking.compose(CourierCode.CJ, str(body).zfill(11))


def _ready_shipments(store, sandbox, count: int) -> list[Shipment]:
    """Collected and confirmed orders of a sandbox store, one shipment per bundle."""
    sandbox.create_orders(count)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store, state=OrderState.NEW).select_related("order", "store"))
    assert all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=_factory(store)))
    bundle_ids = sorted(set(OrderLine.objects.filter(store=store).values_list("bundle_id", flat=True)))
    assert None not in bundle_ids
    found = services.shipments_for_bundles(bundle_ids=bundle_ids)
    return [found[pk] for pk in bundle_ids]


@pytest.fixture
def _warehouse(db):
    contract = CourierContract.objects.create(
        name="CJ 본사", courier="CJ", contract_code="A123", number_from="30000000000", number_to="30000000009"
    )
    return Warehouse.objects.create(
        name="장터 물류센터",
        zip_code="06236",
        address1="서울특별시 강남구 테헤란로 123",
        phone1="02-1234-5678",
        is_main=True,
        default_contract=contract,
    )


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_registered_invoices_are_sent_to_each_channel(sandbox_store, marketplace, _warehouse):
    store, sandbox = sandbox_store(marketplace)
    shipments = _ready_shipments(store, sandbox, 3)
    assert all(s.warehouse == _warehouse and s.courier == "CJ" for s in shipments)
    entries = [(s, "CJ", f"{cj(100 + i)[:4]}-{cj(100 + i)[4:8]}-{cj(100 + i)[8:]}") for i, s in enumerate(shipments)]
    results = services.invoices_register(entries=entries)
    assert all(r.ok for r in results), [r.message for r in results]
    lines = OrderLine.objects.filter(store=store)
    assert set(lines.values_list("state", flat=True)) == {OrderState.INVOICE_REGISTERED}
    assert all(line.tracking_number.isdigit() and line.courier == "CJ" for line in lines)
    assert OrderEvent.objects.filter(kind="register_invoice").count() == lines.count()

    sent = services.invoices_send(
        shipments=Shipment.objects.filter(pk__in=[s.pk for s in shipments]), adapter_factory=_factory(store)
    )
    assert all(r.ok for r in sent), [(r.code, r.message) for r in sent]
    assert set(lines.values_list("state", flat=True)) == {OrderState.INVOICE_SENT}
    assert set(Shipment.objects.filter(pk__in=[s.pk for s in shipments]).values_list("state", flat=True)) == {
        ShipmentState.SENT
    }
    assert all(line.push_code and line.pushed_at for line in lines)  # the channel's own success code
    # The channel now reports them shipped with our numbers: nothing to follow, nothing flagged.
    ours = dict(lines.values_list("pk", "tracking_number"))
    collect_all(store)
    assert dict(OrderLine.objects.filter(store=store).values_list("pk", "tracking_number")) == ours
    assert not OrderLine.objects.filter(store=store, needs_attention=True).exists()


def test_a_send_the_channel_refuses_keeps_the_message_and_marks_nothing_sent(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    (shipment,) = _ready_shipments(store, sandbox, 1)
    number = cj(777)
    services.invoice_register(shipment=shipment, courier="CJ", tracking_number=number)
    # Another seller's parcel already carries this number at Coupang (a real DUPLICATE_INVOICE_NUMBER).
    sandbox.invoices[("CJGLS", number)] = [(timezone.now(), ("남", "주소", "상세"), 999)]
    (result,) = services.invoices_send(
        shipments=[Shipment.objects.get(pk=shipment.pk)], adapter_factory=_factory(store)
    )
    assert not result.ok and result.code == "DUPLICATE_INVOICE_NUMBER"
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.FAILED and shipment.send_code == "DUPLICATE_INVOICE_NUMBER"
    assert "이미 저장된 송장번호" in shipment.send_message
    line = OrderLine.objects.get(store=store)
    assert line.state == OrderState.INVOICE_REGISTERED and line.push_code == "DUPLICATE_INVOICE_NUMBER"
    assert OrderEvent.objects.filter(line=line, kind="push_failed").exists()
    # A new number and a retry go through.
    services.invoice_register(shipment=shipment, courier="CJ", tracking_number=cj(778))
    (retry,) = services.invoices_send(shipments=[Shipment.objects.get(pk=shipment.pk)], adapter_factory=_factory(store))
    assert retry.ok
    assert ShipmentNumber.objects.filter(shipment=shipment).count() == 2
    assert ShipmentNumber.objects.get(shipment=shipment, tracking_number=number).replaced_at is not None


def test_wrong_numbers_are_refused_with_the_rule_named(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    (shipment,) = _ready_shipments(store, sandbox, 1)
    good = cj(5)
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as wrong_digit:
        services.invoice_register(shipment=shipment, courier="CJ", tracking_number=bad_check)
    assert "검증번호" in str(wrong_digit.value) and "CJ대한통운" in str(wrong_digit.value)
    with pytest.raises(ValidationError) as wrong_length:
        services.invoice_register(shipment=shipment, courier="CJ", tracking_number="12345")
    assert "자리" in str(wrong_length.value)
    assert OrderLine.objects.get(store=store).state == OrderState.ACKNOWLEDGED
    assert not ShipmentNumber.objects.exists()


def test_unconfirmed_orders_and_open_claims_are_not_registered(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(1)
    collect_all(store)
    bundle_id = OrderLine.objects.get(store=store).bundle_id
    shipment = services.shipments_for_bundles(bundle_ids=[bundle_id])[bundle_id]
    (result,) = services.invoices_register(entries=[(shipment, "CJ", cj(1))])
    assert not result.ok and result.code == "not_confirmed" and "발주확인" in result.message


def test_a_number_goes_to_one_receiver_within_six_months(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    first, second = _ready_shipments(store, sandbox, 2)
    number = cj(42)
    services.invoice_register(shipment=first, courier="CJ", tracking_number=number)
    (refused,) = services.invoices_register(entries=[(second, "CJ", number)])
    assert not refused.ok and refused.code == "number_used" and "6" in refused.message
    # The same number for another courier is another parcel.
    other = tracking.compose(CourierCode.HANJIN, "012345678")
    assert services.invoices_register(entries=[(second, "HANJIN", other)])[0].ok
    services.invoices_register(entries=[(second, "CJ", cj(44))])  # back to CJ before the 6-month check
    # Older than six months: free again.
    ShipmentNumber.objects.filter(tracking_number=number).update(registered_at=timezone.now() - timedelta(days=200))
    assert services.invoices_register(entries=[(second, "CJ", number)])[0].ok


def test_the_same_receiver_may_get_the_number_again(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    first, second = _ready_shipments(store, sandbox, 2)
    number = cj(43)
    services.invoice_register(shipment=first, courier="CJ", tracking_number=number)
    # Make the second parcel go to the same receiver and address (a re-sent parcel).
    order_first = OrderLine.objects.filter(bundle_id=first.bundle_id).first().order
    order_second = OrderLine.objects.filter(bundle_id=second.bundle_id).first().order
    for field in ("receiver_name", "receiver_phone1", "receiver_phone2", "zip_code", "address1", "address2"):
        setattr(order_second, field, getattr(order_first, field))
    order_second.save()
    assert services.invoices_register(entries=[(second, "CJ", number)])[0].ok


def test_bulk_registration_takes_numbers_in_order(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("elevenst")
    shipments = _ready_shipments(store, sandbox, 3)
    with pytest.raises(ValidationError) as mismatch:
        services.invoices_register_bulk(shipments=shipments, courier="CJ", numbers=[cj(1), cj(2)])
    assert "2" in str(mismatch.value) and "3" in str(mismatch.value)
    pasted = services.parse_number_list(f"{cj(1)}\n {cj(2)}\t{cj(3)}\n\n")
    results = services.invoices_register_bulk(shipments=shipments, courier="CJ", numbers=pasted)
    assert [r.ok for r in results] == [True, True, True]
    assert [Shipment.objects.get(pk=s.pk).tracking_number for s in shipments] == [cj(1), cj(2), cj(3)]
    # The same number twice in one paste is refused for the second receiver.
    again = services.invoices_register_bulk(shipments=shipments[:2], courier="CJ", numbers=[cj(9), cj(9)])
    assert again[0].ok and not again[1].ok and again[1].code == "number_twice"


def test_numbers_from_the_contract_band_are_valid_and_never_repeat(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    shipments = _ready_shipments(store, sandbox, 3)
    results = services.shipments_new_numbers(shipments=shipments)
    assert all(r.ok for r in results), [r.message for r in results]
    numbers = [Shipment.objects.get(pk=s.pk).tracking_number for s in shipments]
    assert numbers == [tracking.compose(CourierCode.CJ, f"3000000000{i}") for i in range(3)]
    assert all(tracking.is_valid(CourierCode.CJ, n) for n in numbers)
    contract = CourierContract.objects.get()
    assert contract.number_next == "30000000003"
    with pytest.raises(ValidationError) as exhausted:
        services.contract_take_numbers(contract=contract, count=8)
    assert "7" in str(exhausted.value)


def test_force_complete_moves_without_calling_the_channel(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("naver")
    (shipment,) = _ready_shipments(store, sandbox, 1)
    services.invoice_register(shipment=shipment, courier="CJ", tracking_number=cj(11))

    def no_channel(_store):
        raise AssertionError("force complete must not call the channel")

    (result,) = services.invoices_force_complete(shipments=[shipment])
    assert result.ok
    line = OrderLine.objects.get(store=store)
    assert line.state == OrderState.INVOICE_SENT
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.FORCED
    assert OrderEvent.objects.filter(line=line, kind="force_complete").exists()
    # Sending it afterwards says it is already out.
    (again,) = services.invoices_send(shipments=[shipment], adapter_factory=no_channel)
    assert again.code == "already_sent"


def test_correction_after_sending_where_the_channel_allows_it(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    (shipment,) = _ready_shipments(store, sandbox, 1)
    services.invoice_register(shipment=shipment, courier="CJ", tracking_number=cj(21))
    services.invoices_send(shipments=[Shipment.objects.get(pk=shipment.pk)], adapter_factory=_factory(store))
    with pytest.raises(ValidationError):
        services.invoice_register(shipment=Shipment.objects.get(pk=shipment.pk), courier="CJ", tracking_number=cj(22))
    result = services.invoice_correct(
        shipment=Shipment.objects.get(pk=shipment.pk),
        courier="CJ",
        tracking_number=cj(22),
        adapter_factory=_factory(store),
    )
    assert result.ok, result.message
    line = OrderLine.objects.get(store=store)
    assert line.tracking_number == cj(22)
    box = sandbox.boxes[int(line.shipment_id)]
    assert box.invoice == cj(22)
    assert OrderEvent.objects.filter(line=line, kind="update_invoice").exists()


def test_correction_where_the_channel_refuses_it_by_api(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("naver")
    (shipment,) = _ready_shipments(store, sandbox, 1)
    services.invoice_register(shipment=shipment, courier="CJ", tracking_number=cj(31))
    services.invoices_send(shipments=[Shipment.objects.get(pk=shipment.pk)], adapter_factory=_factory(store))
    result = services.invoice_correct(
        shipment=Shipment.objects.get(pk=shipment.pk),
        courier="CJ",
        tracking_number=cj(32),
        adapter_factory=_factory(store),
    )
    assert not result.ok and result.code == "not_supported"
    line = OrderLine.objects.get(store=store)
    assert line.tracking_number == cj(31)
    shipment.refresh_from_db()
    assert shipment.tracking_number == cj(31) and shipment.send_code == "not_supported"


def test_the_claim_gate_holds_back_a_parcel_with_a_cancel_request(sandbox_store, _warehouse):
    store, sandbox = sandbox_store("coupang")
    shipments = _ready_shipments(store, sandbox, 2)
    services.invoices_register(entries=[(s, "CJ", cj(50 + i)) for i, s in enumerate(shipments)])
    sandbox.create_claim("cancel")  # the buyer asks to cancel one of them at the channel
    results = services.invoices_send(
        shipments=Shipment.objects.filter(pk__in=[s.pk for s in shipments]).order_by("pk"),
        adapter_factory=_factory(store),
    )
    blocked = [r for r in results if r.code == "claim_open"]
    assert len(blocked) == 1 and not blocked[0].ok
    assert "취소" in blocked[0].message or "cancel" in blocked[0].message
    assert sum(1 for r in results if r.ok) == 1
    held = OrderLine.objects.filter(bundle_id=blocked[0].bundle_id)
    assert set(held.values_list("state", flat=True)) == {OrderState.INVOICE_REGISTERED}
    assert OrderEvent.objects.filter(kind="claim_gate", line__in=held).exists()


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_a_registered_invoice_survives_recollection_before_it_is_sent(sandbox_store, marketplace, _warehouse):
    store, sandbox = sandbox_store(marketplace)
    (shipment,) = _ready_shipments(store, sandbox, 1)
    services.invoice_register(shipment=shipment, courier="CJ", tracking_number=cj(61))
    collect_all(store)  # the channel knows no invoice yet
    line = OrderLine.objects.filter(store=store).first()
    assert (line.courier, line.tracking_number, line.state) == ("CJ", cj(61), OrderState.INVOICE_REGISTERED)
    assert not OrderEvent.objects.filter(kind="invoice_changed").exists()
    (sent,) = services.invoices_send(shipments=[Shipment.objects.get(pk=shipment.pk)], adapter_factory=_factory(store))
    assert sent.ok, sent.message
