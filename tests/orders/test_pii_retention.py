"""Personal data retention: which orders are masked, how each value ends up, the payloads and the
history cleaned, dry run, idempotency, counts, batches, the task, the command and the schedule."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from integrations.channels.base import NotSupported, Window
from modules.channels.models import Store
from modules.core.models import CompanySettings
from modules.orders import pii
from modules.orders.actions import order_receiver_update
from modules.orders.models import Claim, Order, OrderEvent, OrderLine, RetentionRun
from modules.orders.pii import months_before, personal_data_mask, retention_value
from modules.orders.services import claims_collect, orders_collect
from modules.orders.status import OrderState
from modules.orders.tasks_pii import mask_personal_data
from tests.channels.conftest import MARKETPLACES, fast_adapter

PERSON = {
    "buyer_name": "홍길동",
    "buyer_phone": "010-1234-5678",
    "buyer_email": "honggd@example.com",
    "receiver_name": "김영희",
    "receiver_phone1": "0504-1111-2222",
    "receiver_phone2": "010-9876-5432",
    "zip_code": "06236",
    "address1": "서울특별시 강남구 테헤란로 123",
    "address2": "장터빌딩 501호",
    "delivery_message": "문 앞에 놓아 주세요 (공동현관 1234)",
}
SECRETS = [
    "홍길동", "1234-5678", "01012345678", "honggd", "김영희", "1111-2222", "9876-5432", "장터빌딩", "501호",
    "공동현관",
]


def coupang_raw(order_number: str) -> dict:
    """The shape of a Coupang shipment box (orderer/receiver objects) plus an unknown key."""
    return {
        "orderId": order_number,
        "shipmentBoxId": 777,
        "orderedAt": "2026-01-02T10:00:00",
        "shippingPrice": 3000,
        "orderer": {"name": "홍길동", "email": "honggd@example.com", "safeNumber": "0504-0000-1111",
                    "ordererNumber": "010-1234-5678"},
        "receiver": {"name": "김영희", "safeNumber": "0504-1111-2222", "receiverNumber": "010-9876-5432",
                     "addr1": "서울특별시 강남구 테헤란로 123", "addr2": "장터빌딩 501호", "postCode": "06236"},
        "parcelPrintMessage": "문 앞에 놓아 주세요 (공동현관 1234)",
        "someNewField": "연락처 01012345678 / 홍길동 고객",
        "orderItems": [{"vendorItemId": 1, "sellerProductName": "텀블러", "shippingCount": 1}],
    }


@pytest.fixture
def store(db):
    return Store.objects.create(marketplace="coupang", name="쿠팡 스토어", seller_id="s1")


@pytest.fixture
def other_store(db):
    return Store.objects.create(marketplace="naver", name="네이버 스토어", seller_id="s2")


def make_order(store, number="O1", *, states=(OrderState.DELIVERED,), age_days=200, delivered_days=None, **values):
    """An order collected ``age_days`` ago whose lines reached ``states`` that long ago."""
    old = timezone.now() - timedelta(days=age_days)
    delivered = None if delivered_days is None else timezone.now() - timedelta(days=delivered_days)
    order = Order.objects.create(
        store=store, channel_order_id=number, ordered_at=old, raw=coupang_raw(number), delivered_at=delivered,
        **{**PERSON, **values},
    )
    for index, state in enumerate(states):
        OrderLine.objects.create(
            order=order, store=store, channel_line_id=f"{number}-{index}", status="delivered", state=state,
            state_changed_at=old, product_name="텀블러",
            raw={"productOrder": {"productOrderId": f"{number}-{index}", "productName": "텀블러",
                                  "shippingAddress": {"name": "김영희", "tel1": "0504-1111-2222",
                                                      "baseAddress": "서울특별시 강남구 테헤란로 123",
                                                      "detailedAddress": "장터빌딩 501호", "zipCode": "06236"},
                                  "shippingMemo": "문 앞에 놓아 주세요 (공동현관 1234)"},
                 "order": {"orderId": number, "ordererName": "홍길동", "ordererTel": "01012345678"}},
        )
    Order.objects.filter(pk=order.pk).update(collected_at=old)
    return Order.objects.get(pk=order.pk)


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def assert_clean(value) -> None:
    text = dump(value)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, (leaked, text)


# -- which orders ---------------------------------------------------------------------------------


def test_masks_closed_old_orders_and_leaves_open_or_recent_ones(store):
    due = [
        make_order(store, "DELIVERED", delivered_days=200),
        make_order(store, "COMPLETED", states=(OrderState.COMPLETED, OrderState.CANCELLED)),
        make_order(store, "CANCELLED", states=(OrderState.CANCELLED,)),
        make_order(store, "RETURNED", states=(OrderState.RETURNED, OrderState.EXCHANGED)),
        make_order(store, "NO-LINES", states=()),  # closed since its collection
    ]
    kept = [
        make_order(store, "OPEN", states=(OrderState.DELIVERED, OrderState.ACKNOWLEDGED)),
        make_order(store, "SHIPPED", states=(OrderState.SHIPPED,)),
        make_order(store, "RECENT", age_days=20, delivered_days=20),
        make_order(store, "RECENTLY-DELIVERED", delivered_days=10),  # lines old, delivery recent
        make_order(store, "NO-LINES-RECENT", states=(), age_days=20),
    ]
    # A line closed long ago but a return settled last week: the clock restarts.
    moved = make_order(store, "MOVED", states=(OrderState.RETURNED,))
    OrderLine.objects.filter(order=moved).update(state_changed_at=timezone.now() - timedelta(days=7))
    # Collected last week (a history import) with nothing recorded since: not yet.
    fresh = make_order(store, "FRESH")
    Order.objects.filter(pk=fresh.pk).update(collected_at=timezone.now() - timedelta(days=7))
    kept += [moved, fresh]

    run = personal_data_mask(months=3)

    assert run.orders_masked == len(due)
    assert set(Order.objects.filter(pii_masked_at__isnull=False).values_list("channel_order_id", flat=True)) == {
        order.channel_order_id for order in due
    }
    for order in kept:
        order.refresh_from_db()
        assert order.pii_masked_at is None
        assert [getattr(order, name) for name in PERSON] == list(PERSON.values())
        assert order.raw == coupang_raw(order.channel_order_id)


def test_retention_months_come_from_company_settings(store):
    make_order(store, "FOUR-MONTHS", age_days=125, delivered_days=125)
    settings = CompanySettings.load()
    settings.pii_retention_months = 6
    settings.save()
    assert personal_data_mask().orders_masked == 0
    settings.pii_retention_months = 3
    settings.save()
    run = personal_data_mask()
    assert (run.months, run.orders_masked) == (3, 1)


def test_cutoff_is_calendar_months_in_seoul():
    now = timezone.make_aware(timezone.datetime(2026, 5, 31, 9, 30))
    cutoff = months_before(now, 3)
    assert timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M") == "2026-02-28 09:30"
    assert timezone.localtime(months_before(now, 15)).strftime("%Y-%m-%d") == "2025-02-28"


# -- how values end up ------------------------------------------------------------------------------


def test_each_field_is_masked(store):
    order = make_order(store, "O1", delivered_days=200)
    personal_data_mask(months=3)
    order.refresh_from_db()
    assert order.buyer_name == "홍*동"
    assert order.buyer_phone == "010-****-****"
    assert order.buyer_email == "ho****@example.com"
    assert order.receiver_name == "김*희"
    assert order.receiver_phone1 == "0504-****-****"
    assert order.receiver_phone2 == "010-****-****"
    assert order.zip_code == "06236"  # an area, not a person: kept
    assert order.address1 == "서울특별시 강남구 테헤란로 123 ***"
    assert order.address2 == ""
    assert order.delivery_message == "***"
    assert order.pii_masked_at is not None
    # What the 5-year commerce record needs stays.
    assert (order.channel_order_id, order.store_id) == ("O1", store.pk)


@pytest.mark.parametrize(
    ("field", "value", "masked"),
    [
        ("receiver_phone1", "01098765432", "010********"),
        ("receiver_phone1", "+82 10-1234-5678", "+82 **-****-****"),
        ("receiver_phone1", "123", "***"),
        ("receiver_name", "Kim", "K*m"),
        ("receiver_name", "", ""),
        ("buyer_email", "ab@x.kr", "a*@x.kr"),
        ("address1", "경기도 성남시 분당구 판교역로 235 에이치스퀘어", "경기도 성남시 분당구 판교역로 235 ***"),
        ("address2", "101동 1001호", "***"),
        ("delivery_message", "경비실", "***"),
        ("zip_code", "13494", "13494"),
    ],
)
def test_retention_value(field, value, masked):
    assert retention_value(field, value) == masked
    assert retention_value(field, masked) == masked  # masking a masked value changes nothing


def test_payloads_of_order_lines_and_claims_are_cleaned(store, other_store):
    order = make_order(store, "O1", delivered_days=200)
    claim = Claim.objects.create(
        store=store, channel_claim_id="R1", claim_type="return", state="completed", channel_order_id="O1",
        reason="단순변심",
        raw={
            "requesterName": "홍길동", "requesterPhoneNumber": "010-1234-5678",
            "requesterAddress": "서울특별시 강남구 테헤란로 123", "requesterAddressDetail": "장터빌딩 501호",
            "returnItems": [{"vendorItemName": "텀블러"}], "memo": "홍길동 고객 요청",
        },
    )
    elsewhere = Claim.objects.create(  # same order number at another store: not this order's
        store=other_store, channel_claim_id="R2", claim_type="return", state="completed", channel_order_id="O1",
        raw={"requesterName": "홍길동"},
    )
    run = personal_data_mask(months=3)
    order.refresh_from_db()
    claim.refresh_from_db()
    elsewhere.refresh_from_db()
    assert_clean(order.raw)
    # What is not personal stays as the channel sent it.
    assert order.raw["orderId"] == "O1" and order.raw["shippingPrice"] == 3000
    assert order.raw["orderItems"] == [{"vendorItemId": 1, "sellerProductName": "텀블러", "shippingCount": 1}]
    assert order.raw["receiver"]["name"] == "***" and order.raw["parcelPrintMessage"] == "***"
    assert order.raw["someNewField"] == "연락처 *** / *** 고객"  # unknown key: the known values cut out
    for line in OrderLine.objects.filter(order=order):
        assert_clean(line.raw)
        assert line.raw["productOrder"]["productName"] == "텀블러"
    assert_clean(claim.raw)
    assert claim.raw["returnItems"] == [{"vendorItemName": "텀블러"}] and claim.reason == "단순변심"
    assert elsewhere.raw == {"requesterName": "홍길동"}
    assert (run.orders_masked, run.lines_cleaned, run.claims_cleaned) == (1, 1, 1)


def test_receiver_edit_history_is_masked_and_old_values_leave_the_payloads(store):
    order = make_order(store, "O1", delivered_days=200)
    order_receiver_update(
        order=order,
        values={"receiver_name": "박철수", "receiver_phone1": "010-5555-6666", "address2": "별관 2층",
                "zip_code": "06237", "delivery_message": "경비실에 맡겨 주세요"},
    )
    OrderLine.objects.filter(order=order).update(state_changed_at=timezone.now() - timedelta(days=200))
    other_event = OrderEvent.objects.create(order=order, kind="state", old="shipped", new="delivered")
    run = personal_data_mask(months=3)

    edits = {e.payload["field"]: (e.old, e.new) for e in OrderEvent.objects.filter(order=order, kind="receiver_edit")}
    assert edits == {
        "receiver_name": ("김*희", "박*수"),
        "receiver_phone1": ("0504-****-****", "010-****-****"),
        "address2": ("***", "***"),
        "zip_code": ("06236", "06237"),
        "delivery_message": ("***", "***"),
    }
    assert run.events_masked == 4  # the postcode edit had nothing to mask
    other_event.refresh_from_db()
    assert (other_event.old, other_event.new) == ("shipped", "delivered")
    order.refresh_from_db()
    assert (order.receiver_name, order.address1) == ("박*수", "서울특별시 강남구 테헤란로 123 ***")
    # The channel's payload still held the values from before the edit: gone too.
    assert_clean(order.raw)
    assert "박철수" not in dump(order.raw)


# -- the run ------------------------------------------------------------------------------------


def test_dry_run_counts_exactly_and_changes_nothing(store):
    for number in ("O1", "O2", "O3"):
        make_order(store, number, delivered_days=200)
    make_order(store, "OPEN", states=(OrderState.ACKNOWLEDGED,))
    order_receiver_update(order=Order.objects.get(channel_order_id="O1"), values={"receiver_name": "박철수"})
    OrderLine.objects.update(state_changed_at=timezone.now() - timedelta(days=200))
    before = list(Order.objects.order_by("pk").values())
    events_before = list(OrderEvent.objects.order_by("pk").values())
    lines_before = list(OrderLine.objects.order_by("pk").values("raw"))

    dry = personal_data_mask(months=3, dry_run=True)

    assert list(Order.objects.order_by("pk").values()) == before
    assert list(OrderEvent.objects.order_by("pk").values()) == events_before
    assert list(OrderLine.objects.order_by("pk").values("raw")) == lines_before
    assert (dry.dry_run, dry.status, dry.orders_masked, dry.events_masked, dry.lines_cleaned) == (
        True, RetentionRun.Status.DONE, 3, 1, 3,
    )
    real = personal_data_mask(months=3)
    assert (real.orders_masked, real.events_masked, real.lines_cleaned, real.claims_cleaned) == (
        dry.orders_masked, dry.events_masked, dry.lines_cleaned, dry.claims_cleaned,
    )


def test_idempotent(store):
    make_order(store, "O1", delivered_days=200)
    first = personal_data_mask(months=3)
    masked = list(Order.objects.values())
    lines = list(OrderLine.objects.values("raw"))
    second = personal_data_mask(months=3)
    assert (first.orders_masked, second.orders_masked, second.lines_cleaned) == (1, 0, 0)
    assert list(Order.objects.values()) == masked
    assert list(OrderLine.objects.values("raw")) == lines
    # Even forced through again (pii_masked_at cleared by hand), masked values stay as they are.
    Order.objects.update(pii_masked_at=None)
    third = personal_data_mask(months=3)
    assert third.orders_masked == 1 and third.lines_cleaned == 0
    assert [{k: v for k, v in row.items() if k != "pii_masked_at"} for row in Order.objects.values()] == [
        {k: v for k, v in row.items() if k != "pii_masked_at"} for row in masked
    ]


JUST_AFTER_MASKING = F("pii_masked_at") + timedelta(microseconds=1)


def test_data_written_again_after_masking_is_masked_again(store):
    order = make_order(store, "O1", delivered_days=200)
    personal_data_mask(months=3)
    # The channel sends the order again with its data (the order row, and a line's payload).
    Order.objects.filter(pk=order.pk).update(
        receiver_name="김영희", raw=coupang_raw("O1"), updated_at=JUST_AFTER_MASKING
    )
    line = OrderLine.objects.get(order=order)
    run = personal_data_mask(months=3)
    order.refresh_from_db()
    assert (run.orders_masked, order.receiver_name) == (1, "김*희")
    assert_clean(order.raw)
    OrderLine.objects.filter(pk=line.pk).update(
        raw={"order": {"ordererName": "홍길동"}}, updated_at=order.pii_masked_at + timedelta(microseconds=1)
    )
    run = personal_data_mask(months=3)
    assert (run.orders_masked, run.lines_cleaned) == (0, 1)  # the order itself had nothing new
    assert OrderLine.objects.get(pk=line.pk).raw == {"order": {"ordererName": "***"}}
    # Written without personal data (a person saved it): stamped again, not counted, then left alone.
    Order.objects.filter(pk=order.pk).update(updated_at=JUST_AFTER_MASKING)
    assert personal_data_mask(months=3).orders_masked == 0
    cutoff = months_before(timezone.now(), 3)
    assert not pii.retention_due(cutoff=cutoff).exists()


def test_batches_cost_the_same_queries_whatever_their_size(store):
    def queries_for(count: int, prefix: str) -> int:
        for index in range(count):
            order = make_order(store, f"{prefix}{index}", states=(OrderState.DELIVERED, OrderState.COMPLETED))
            OrderEvent.objects.create(order=order, kind="receiver_edit", old="김영희", new="박철수",
                                      payload={"field": "receiver_name"})
        with CaptureQueriesContext(connection) as queries:
            run = personal_data_mask(months=3, batch_size=100)
        assert run.orders_masked == count
        return len(queries)

    assert queries_for(4, "A") == queries_for(12, "B")


def test_runs_in_batches_and_counts_across_them(store):
    def queries_for(prefix: str, batch_size: int) -> int:
        Order.objects.all().delete()  # windows walk the old orders' keys, masked or not
        for index in range(7 if prefix else 0):
            make_order(store, f"{prefix}{index}", delivered_days=200)
        with CaptureQueriesContext(connection) as queries:
            run = personal_data_mask(months=3, batch_size=batch_size)
        expected = 7 if prefix else 0
        assert (run.orders_masked, run.lines_cleaned, run.status) == (expected, expected, "done")
        return len(queries)

    nothing = queries_for("", 100)
    one_batch = queries_for("A", 100)
    three_batches = queries_for("B", 3)  # 3 + 3 + 1
    assert Order.objects.filter(pii_masked_at__isnull=True).count() == 0
    assert three_batches - nothing == 3 * (one_batch - nothing)


def test_a_failed_run_is_recorded_and_keeps_what_it_masked(store, monkeypatch):
    for index in range(4):
        make_order(store, f"O{index}", delivered_days=200)
    real = pii._mask_batch
    calls = []

    def failing(orders, **kwargs):
        calls.append(len(orders))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(orders, **kwargs)

    monkeypatch.setattr(pii, "_mask_batch", failing)
    with pytest.raises(RuntimeError):
        personal_data_mask(months=3, batch_size=2)
    run = RetentionRun.objects.get()
    assert (run.status, run.orders_masked, run.message) == (RetentionRun.Status.FAILED, 2, "disk full")
    assert Order.objects.filter(pii_masked_at__isnull=False).count() == 2
    monkeypatch.setattr(pii, "_mask_batch", real)
    assert personal_data_mask(months=3).orders_masked == 2  # the next run carries on


def test_task_says_how_many_and_leaves_a_run_row(store):
    make_order(store, "O1", delivered_days=200)
    make_order(store, "O2", delivered_days=200)
    result = mask_personal_data()
    assert result.startswith("masked 2 orders closed before ")
    assert "(3 months): 0 history entries, 2 order lines, 0 claims" in result
    run = RetentionRun.objects.get()
    assert (run.trigger, run.dry_run, run.orders_masked, run.status) == ("schedule", False, 2, "done")
    assert run.finished_at is not None


def test_command_dry_run_and_run(store):
    make_order(store, "O1", delivered_days=200)
    out = StringIO()
    call_command("mask_personal_data", "--dry-run", stdout=out)
    assert out.getvalue().startswith("would mask 1 orders")
    assert Order.objects.get().pii_masked_at is None
    out = StringIO()
    call_command("mask_personal_data", "--months", "12", stdout=out)
    assert out.getvalue().startswith("masked 0 orders")
    out = StringIO()
    call_command("mask_personal_data", stdout=out)
    assert out.getvalue().startswith("masked 1 orders")
    assert list(RetentionRun.objects.order_by("pk").values_list("trigger", "dry_run", "orders_masked")) == [
        ("command", True, 1), ("command", False, 0), ("command", False, 1),
    ]


def test_daily_schedule_is_installed(db):
    schedule = Schedule.objects.get(name="orders.mask_personal_data")
    assert (schedule.func, schedule.schedule_type, schedule.cron) == (
        "modules.orders.tasks_pii.mask_personal_data", Schedule.CRON, "0 4 * * *",
    )


# -- with the channels' real payloads ---------------------------------------------------------------


def _collect(store, sandbox):
    adapter = fast_adapter(store)
    now = timezone.now()
    window = Window(now - timedelta(days=3), now + timedelta(minutes=5))
    for page in adapter.fetch_orders(window):
        orders_collect(store=store, orders=page.items)
    try:
        for page in adapter.fetch_claims(window):
            claims_collect(store=store, claims=page.items)
    except NotSupported:
        pass


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_collected_payloads_keep_no_personal_data(sandbox_store, marketplace):
    store, sandbox = sandbox_store(marketplace)
    sandbox.create_orders(4)
    sandbox.create_claim("cancel")
    _collect(store, sandbox)
    orders = list(Order.objects.filter(store=store))
    assert orders
    secrets = set()
    for order in orders:
        for name in pii.MASKED_BY_RETENTION:
            value = getattr(order, name)
            if len(value) >= 3:
                secrets.add(value)
                digits = "".join(ch for ch in value if ch.isdigit())
                if len(digits) >= 7 and name in pii.PHONE_FIELDS:
                    secrets.add(digits)
    assert secrets
    old = timezone.now() - timedelta(days=400)
    OrderLine.objects.filter(store=store).update(state=OrderState.COMPLETED, state_changed_at=old)
    Order.objects.filter(store=store).update(collected_at=old)

    before = [dump(raw) for raw in Claim.objects.filter(store=store).values_list("raw", flat=True)]
    assert before
    if marketplace != "elevenst":  # 11번가's claim rows name no person
        assert any(secret in text for secret in secrets for text in before)

    run = personal_data_mask(months=3)

    assert run.orders_masked == len(orders)
    texts = [dump(raw) for raw in Order.objects.filter(store=store).values_list("raw", flat=True)]
    texts += [dump(raw) for raw in OrderLine.objects.filter(store=store).values_list("raw", flat=True)]
    texts += [dump(raw) for raw in Claim.objects.filter(store=store).values_list("raw", flat=True)]
    leaked = {secret for secret in secrets for text in texts if secret in text}
    assert not leaked


def test_collection_stamps_the_first_delivery(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(2)
    _collect(store, sandbox)
    assert not Order.objects.filter(delivered_at__isnull=False).exists()
    box = sorted(sandbox.boxes)[0]
    sandbox.deliver(box)
    _collect(store, sandbox)
    delivered = Order.objects.get(lines__shipment_id=str(box))
    assert delivered.delivered_at is not None
    first = delivered.delivered_at
    assert Order.objects.filter(delivered_at__isnull=False).count() == 1
    sandbox.deliver(box, confirm=True)  # purchase confirmed later: the first delivery stays
    _collect(store, sandbox)
    delivered.refresh_from_db()
    assert delivered.delivered_at == first
