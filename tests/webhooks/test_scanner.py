"""The outbox scanner on real data: orders collected from a sandbox store, state moves from the
desk actions, a claim from the claims sync, the stock ledger from inbound and reservations. Each
source row becomes exactly one event, a rescan files nothing twice, late rows under the cursor are
still found, and every active subscription that wants the type gets one delivery."""

from __future__ import annotations

import pytest

from modules.inventory.models import StockLevel, StockMovement
from modules.orders.actions import order_acknowledge
from modules.orders.models import Claim, Order, OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.webhooks.models import DeliveryStatus, EventType, ScanCursor, WebhookDelivery, WebhookEvent
from modules.webhooks.scanner import OVERLAP, webhooks_scan
from tests.inventory.helpers import stock_demo_catalog
from tests.orders.test_claims import claimed, factory
from tests.orders.test_collect_and_actions import collect_all
from tests.webhooks.helpers import subscription_make

STATES = [state.value for state in OrderState]


def state_moves():
    return [
        event.pk
        for event in OrderEvent.objects.filter(line__isnull=False).order_by("id")
        if event.old in STATES and event.new in STATES and event.old != event.new
    ]


def stock_moves():
    return list(StockMovement.objects.exclude(on_hand_delta=0, reserved_delta=0).values_list("id", flat=True))


def filed(event_type):
    return list(
        WebhookEvent.objects.filter(event_type=event_type).order_by("source_id").values_list("source_id", flat=True)
    )


@pytest.fixture
def busy_store(sandbox_store):
    """A subscription first, then stock, collected orders, acknowledgements and a return claim."""
    everything, _secret = subscription_make()
    stock_only, _ = subscription_make(url="https://pos.example.test/hook", events=[EventType.STOCK_CHANGED])
    subscription_make(url="https://off.example.test/hook", is_active=False)
    store, sandbox, claim = claimed(sandbox_store, "coupang", "return")
    lines = list(OrderLine.objects.filter(store=store, state=OrderState.NEW).select_related("order", "store"))
    assert lines and all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=factory(store)))
    return everything, stock_only, store, claim


def test_each_source_row_is_one_event_and_rescans_file_nothing_twice(busy_store):
    everything, stock_only, store, claim = busy_store
    result = webhooks_scan()
    orders = sorted(Order.objects.values_list("id", flat=True))
    assert orders and filed(EventType.ORDER_CREATED) == orders
    moves = state_moves()
    assert moves and filed(EventType.ORDER_STATUS_CHANGED) == sorted(moves)
    assert filed(EventType.CLAIM_CREATED) == [claim.pk] == list(Claim.objects.values_list("id", flat=True))
    stock = stock_moves()
    assert stock and filed(EventType.STOCK_CHANGED) == sorted(stock)
    assert result.events == len(orders) + len(moves) + 1 + len(stock)
    # Deliveries: everything to the first subscription, stock only to the second, none to the inactive one.
    assert WebhookDelivery.objects.filter(subscription=everything).count() == result.events
    assert set(WebhookDelivery.objects.filter(subscription=stock_only).values_list("event_type", flat=True)) == {
        EventType.STOCK_CHANGED
    }
    assert WebhookDelivery.objects.filter(subscription=stock_only).count() == len(stock)
    assert WebhookDelivery.objects.count() == result.deliveries == result.events + len(stock)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    # Again: nothing new. A cursor put back to zero (restored backup, lost row): still nothing doubled.
    assert webhooks_scan().events == 0
    ScanCursor.objects.update(last_id=0)
    assert webhooks_scan(batch_size=7).events == 0
    assert WebhookEvent.objects.count() == result.events and WebhookDelivery.objects.count() == result.deliveries


def test_payloads(busy_store):
    _everything, _stock_only, store, claim = busy_store
    webhooks_scan()
    order = Order.objects.filter(store=store).order_by("id").first()
    data = WebhookEvent.objects.get(event_type=EventType.ORDER_CREATED, source_id=order.pk).payload["order"]
    assert data["channel_order_id"] == order.channel_order_id and data["store"]["marketplace"] == "coupang"
    assert len(data["lines"]) == order.lines.count() and data["lines"][0]["sku"]["seller_code"]
    assert "receiver_name" not in str(data) and order.receiver_name not in str(data)  # no personal data

    move = OrderEvent.objects.get(pk=state_moves()[-1])
    data = WebhookEvent.objects.get(event_type=EventType.ORDER_STATUS_CHANGED, source_id=move.pk).payload
    assert (data["from"], data["to"], data["action"]) == (move.old, move.new, move.kind)
    assert data["line"]["id"] == move.line_id and data["order"]["id"] == move.order_id

    data = WebhookEvent.objects.get(event_type=EventType.CLAIM_CREATED).payload["claim"]
    assert data["type"] == "return" and data["channel_claim_id"] == claim.channel_claim_id
    assert data["order_id"] == Order.objects.get(store=store, channel_order_id=claim.channel_order_id).pk

    # The last movement of each level carries the level as it is now.
    for level in StockLevel.objects.select_related("sku"):
        last = StockMovement.objects.filter(sku=level.sku, warehouse=level.warehouse).order_by("-id").first()
        data = WebhookEvent.objects.get(event_type=EventType.STOCK_CHANGED, source_id=last.pk).payload
        assert (data["on_hand"], data["reserved"], data["available"]) == (
            level.on_hand,
            level.reserved,
            level.on_hand - level.reserved,
        )
        assert data["sku"]["seller_code"] == level.sku.seller_code and data["warehouse"]["id"] == level.warehouse_id


def test_rows_committed_below_the_cursor_are_still_found(busy_store):
    webhooks_scan()
    # As if the newest orders' transaction had committed after the scanner moved past their ids.
    late = list(Order.objects.order_by("-id").values_list("id", flat=True)[:2])
    WebhookEvent.objects.filter(event_type=EventType.ORDER_CREATED, source_id__in=late).delete()
    assert ScanCursor.objects.get(source="order").last_id >= max(late) > max(late) - OVERLAP
    assert webhooks_scan().by_type == {EventType.ORDER_CREATED: 2}
    assert sorted(filed(EventType.ORDER_CREATED)) == sorted(Order.objects.values_list("id", flat=True))


def test_small_batches_cover_everything(busy_store):
    result = webhooks_scan(batch_size=3)
    assert result.by_type[EventType.STOCK_CHANGED] == len(stock_moves())
    assert result.by_type[EventType.ORDER_CREATED] == Order.objects.count()


def test_history_before_the_first_subscription_is_not_replayed(sandbox_store):
    store, sandbox = sandbox_store("naver")
    stock_demo_catalog()
    sandbox.create_orders(2)
    collect_all(store)
    # Without subscriptions the cursors move to the end and nothing is filed.
    assert webhooks_scan().events == 0
    assert ScanCursor.objects.get(source="order").last_id == max(Order.objects.values_list("id", flat=True))
    subscription_make(events=[EventType.ORDER_CREATED])
    assert webhooks_scan().events == 0
    sandbox.create_orders(1)
    collect_all(store)
    result = webhooks_scan()
    assert result.by_type == {EventType.ORDER_CREATED: 1}


def test_events_follow_the_clients_scopes_and_state(sandbox_store):
    from tests.webhooks.helpers import api_client_make

    pos = api_client_make("POS", scopes=["stock:write", "orders:read"])
    subscription, _secret = subscription_make(client=pos, events=[EventType.STOCK_CHANGED, EventType.ORDER_CREATED])
    erp = api_client_make("ERP")
    off, _ = subscription_make(client=erp, url="https://erp.example.test/off", events=[EventType.ORDER_CREATED])
    erp.is_active = False
    erp.save()
    pos.scopes = ["stock:read"]  # orders taken away after subscribing
    pos.save()
    store, sandbox = sandbox_store("coupang")
    stock_demo_catalog()
    sandbox.create_orders(1)
    collect_all(store)
    result = webhooks_scan()
    assert set(result.by_type) == {EventType.STOCK_CHANGED}
    assert set(WebhookDelivery.objects.values_list("subscription_id", flat=True)) == {subscription.pk}


def test_the_scheduled_task_files_and_posts(sandbox_store):
    import json

    from integrations.webhooks import client
    from modules.webhooks.tasks import webhooks_scan_and_send
    from tests.webhooks.helpers import Recorder

    subscription, _secret = subscription_make(events=[EventType.ORDER_CREATED])
    store, sandbox = sandbox_store("elevenst")
    sandbox.create_orders(2)
    collect_all(store)
    recorder = Recorder(200)
    client.transport_override = recorder.transport
    try:
        report = webhooks_scan_and_send()
        assert webhooks_scan_and_send().startswith("0 events")
    finally:
        client.transport_override = None
    assert report.startswith(f"{Order.objects.count()} events")
    posted = sorted(json.loads(r.content)["data"]["order"]["id"] for r in recorder.requests)
    assert posted == sorted(Order.objects.values_list("id", flat=True))
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}


@pytest.mark.django_db
def test_schedules_exist():
    from django_q.models import Schedule

    names = set(Schedule.objects.filter(name__startswith="webhooks.").values_list("name", "func"))
    assert names == {
        ("webhooks.scan_and_send", "modules.webhooks.tasks.webhooks_scan_and_send"),
        ("webhooks.purge", "modules.webhooks.tasks.webhooks_purge"),
    }


@pytest.mark.django_db
def test_purge_keeps_open_deliveries_and_recent_events():
    from datetime import timedelta

    from django.utils import timezone

    from modules.webhooks.models import WebhookAttempt
    from modules.webhooks.services import webhook_events_purge

    subscription, _secret = subscription_make()
    old = timezone.now() - timedelta(days=40)
    events = {}
    for n, status in enumerate([DeliveryStatus.SUCCEEDED, DeliveryStatus.GAVE_UP, DeliveryStatus.FAILED], start=1):
        event = WebhookEvent.objects.create(event_type=EventType.ORDER_CREATED, source="order", source_id=n)
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, event=event, event_type=event.event_type, status=status
        )
        WebhookAttempt.objects.create(delivery=delivery, number=1, requested_at=old, url="https://x.test/")
        events[status] = event
    recent = WebhookEvent.objects.create(event_type=EventType.ORDER_CREATED, source="order", source_id=9)
    WebhookEvent.objects.exclude(pk=recent.pk).update(created_at=old)
    assert webhook_events_purge(days=30) == 2
    left = set(WebhookEvent.objects.values_list("pk", flat=True))
    assert left == {events[DeliveryStatus.FAILED].pk, recent.pk}
    assert WebhookAttempt.objects.count() == 1
