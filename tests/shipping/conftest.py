"""Shipping fixtures: a store whose claims are fresh (the claim gate does not call the channel), a
CJ contract with box sizes and a number band, the main warehouse, and shipments built in bulk
(orders, lines, bundles, shipments and their number history) for any count.

    def test_something(make_shipment, make_shipments, warehouse):
        shipment = make_shipment(n_lines=2)                 # with a valid CJ number, lines registered
        waiting = make_shipment(tracking_number="")         # no number yet, lines confirmed (발주확인)
        many = make_shipments(1000)                         # bulk, a few queries per table
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.channels.base import CourierCode
from integrations.couriers import tracking
from modules.channels.models import Store, SyncKind, SyncState
from modules.orders.bundles import receiver_digest, receiver_of
from modules.orders.models import Bundle, Order, OrderLine
from modules.orders.status import OrderState
from modules.shipping.models import BoxSize, CourierContract, Shipment, ShipmentNumber, ShipmentState, Warehouse
from tests.channels.conftest import sandbox_store  # noqa: F401

AUTO = object()  # make_shipment(tracking_number=AUTO): a fresh valid CJ number

RECEIVER = {
    "receiver_name": "홍길동",
    "receiver_phone1": "010-1234-5678",
    "receiver_phone2": "",
    "zip_code": "06236",
    "address1": "서울특별시 강남구 테헤란로 123",
    "address2": "대한민국아파트 101동 1502호",
    "delivery_message": "문 앞에 놓아 주세요",
}
PRODUCTS = [
    ("무선 마우스", "블랙", "MOUSE-BK"),
    ("기계식 키보드", "갈축 / 화이트", "KB-BR-WH"),
    ("모니터 받침대", "", "STAND-01"),
    ("국내산 햇사과 5kg", "가정용", "APPLE-5K"),
]
CJ_BAND = ("60000000000", "60000999999")  # 11-digit bodies; labels add the check digit
BOXES = [("01", "극소", 3000), ("02", "소", 3500), ("03", "중", 4000), ("04", "대1", 5000), ("07", "대2", 6000)]

_numbers = itertools.count(1)
_serial = itertools.count(1)


def next_tracking_number() -> str:
    """A valid CJ number outside the fixture band (5xxxxxxxxxx + check digit), new on every call."""
    return tracking.compose(CourierCode.CJ, f"5{next(_numbers):010d}")


def claims_fresh(store: Store, *, when=None) -> None:
    """Mark the store's claims as just collected: the claim gate judges on the database only."""
    SyncState.objects.update_or_create(
        store=store, kind=SyncKind.CLAIMS, defaults={"last_success_at": when or timezone.now() + timedelta(hours=1)}
    )


@pytest.fixture
def make_store(db):
    def make(marketplace: str = "coupang", name: str = "쿠팡 본점", *, fresh_claims: bool = True) -> Store:
        store = Store.objects.create(marketplace=marketplace, name=name, seller_id=f"seller-{next(_serial)}")
        if fresh_claims:
            claims_fresh(store)
        return store

    return make


@pytest.fixture
def store(make_store):
    return make_store()


@pytest.fixture
def contract(db):
    contract = CourierContract.objects.create(
        name="CJ 본사 계약",
        courier=CourierCode.CJ,
        contract_code="30012345",
        fare=CourierContract.Fare.CREDIT,
        number_from=CJ_BAND[0],
        number_to=CJ_BAND[1],
    )
    for order, (code, name, price) in enumerate(BOXES):
        BoxSize.objects.create(contract=contract, code=code, name=name, price=price, sort_order=order)
    return contract


@pytest.fixture
def warehouse(contract):
    return Warehouse.objects.create(
        name="장터상회 물류센터",
        zip_code="10550",
        address1="경기도 고양시 덕양구 화정로 45",
        address2="B동 2층",
        phone1="031-123-4567",
        phone2="010-9876-5432",
        is_main=True,
        default_contract=contract,
    )


@pytest.fixture
def make_shipments(store, warehouse, contract):
    """make(count, n_lines=1, tracking_number=AUTO, store=None, receiver=None, products=None,
    box_size="", print_count=0) -> list[Shipment]: one order per shipment with ``n_lines`` lines,
    each in its own bundle. With a number (AUTO: a fresh valid CJ number each; a string: that
    number for every shipment) the lines are invoice_registered and the number is in the history;
    with ``tracking_number=""`` the lines are confirmed and the shipment waits for a number."""

    def make(
        count: int,
        *,
        n_lines: int = 1,
        tracking_number=AUTO,
        store: Store | None = None,
        receiver: dict | None = None,
        products: list[tuple[str, str, str]] | None = None,
        box_size: str = "",
        print_count: int = 0,
        line_state: str | None = None,
    ) -> list[Shipment]:
        target = store or default_store
        person = {**RECEIVER, **(receiver or {})}
        items = products or PRODUCTS
        now = timezone.now()
        numbers = [(next_tracking_number() if tracking_number is AUTO else tracking_number or "") for _ in range(count)]
        serials = [next(_serial) for _ in range(count)]
        digest = receiver_digest(
            receiver_of(
                name=person["receiver_name"],
                phone1=person["receiver_phone1"],
                zip_code=person["zip_code"],
                address1=person["address1"],
                address2=person["address2"],
            )
        )
        orders = Order.objects.bulk_create(
            [
                Order(
                    store=target,
                    channel_order_id=f"2026{serial:08d}",
                    ordered_at=now - timedelta(hours=2),
                    paid_at=now - timedelta(hours=2),
                    buyer_name=person["receiver_name"],
                    buyer_phone=person["receiver_phone1"],
                    total_amount=25_000 * n_lines,
                    state=OrderState.ACKNOWLEDGED,
                    **person,
                )
                for serial in serials
            ]
        )
        bundles = Bundle.objects.bulk_create(
            [Bundle(key=f"test-{serial}", store=target, marketplace=target.marketplace) for serial in serials]
        )
        lines = []
        for order, bundle, number, serial in zip(orders, bundles, numbers, serials, strict=True):
            state = line_state or (OrderState.INVOICE_REGISTERED if number else OrderState.ACKNOWLEDGED)
            for index in range(n_lines):
                name, option, code = items[index % len(items)]
                lines.append(
                    OrderLine(
                        order=order,
                        store=target,
                        bundle=bundle,
                        channel_line_id=f"L{serial:08d}-{index}",
                        seller_code=code,
                        product_name=name,
                        option_name=option,
                        quantity=1 + index % 3,
                        unit_price=25_000,
                        line_amount=25_000 * (1 + index % 3),
                        state=state,
                        state_changed_at=now,
                        courier=CourierCode.CJ if number else "",
                        tracking_number=number,
                    )
                )
        OrderLine.objects.bulk_create(lines)
        shipments = Shipment.objects.bulk_create(
            [
                Shipment(
                    bundle=bundle,
                    warehouse=warehouse,
                    contract=contract,
                    courier=CourierCode.CJ,
                    tracking_number=number,
                    receiver_digest=digest if number else "",
                    box_size=box_size,
                    state=ShipmentState.REGISTERED if number else ShipmentState.WAITING,
                    registered_at=now if number else None,
                    print_count=print_count,
                    printed_at=now if print_count else None,
                )
                for bundle, number in zip(bundles, numbers, strict=True)
            ]
        )
        ShipmentNumber.objects.bulk_create(
            [
                ShipmentNumber(
                    shipment=shipment,
                    courier=CourierCode.CJ,
                    tracking_number=shipment.tracking_number,
                    receiver_digest=digest,
                    source=ShipmentNumber.Source.MANUAL,
                )
                for shipment in shipments
                if shipment.tracking_number
            ]
        )
        return shipments

    default_store = store
    return make


@pytest.fixture
def make_shipment(make_shipments):
    """make(n_lines=1, tracking_number=AUTO, store=None, ...) -> Shipment (see make_shipments)."""

    def make(n_lines: int = 1, tracking_number=AUTO, **options) -> Shipment:
        return make_shipments(1, n_lines=n_lines, tracking_number=tracking_number, **options)[0]

    return make
