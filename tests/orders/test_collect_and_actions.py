"""Collected orders enter the status machine; actions push to the channel and move only what the
channel accepted; the channel's later moves come back through sync; SKU matching and the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from integrations.channels.base import ChannelOrder, ChannelOrderLine, LineState, Window
from modules.orders.actions import line_match, order_acknowledge, order_receiver_update, order_seller_cancel
from modules.orders.models import Order, OrderEvent, OrderLine
from modules.orders.services import _match_skus, orders_collect
from modules.orders.status import OrderState
from tests.catalog.fixtures import *  # noqa: F403
from tests.channels.conftest import MARKETPLACES, fast_adapter


def collect_all(store):
    adapter = fast_adapter(store)
    now = timezone.now()
    for page in adapter.fetch_orders(Window(now - timedelta(days=3), now + timedelta(minutes=5))):
        orders_collect(store=store, orders=page.items)


def _factory(store):
    return lambda _store: fast_adapter(store)


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_collected_lines_start_new_and_acknowledge_pushes(sandbox_store, marketplace):
    store, sandbox = sandbox_store(marketplace)
    sandbox.create_orders(6)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store, state=OrderState.NEW).select_related("order", "store"))
    assert len(lines) >= 6
    assert OrderEvent.objects.filter(kind="collected").count() >= 6
    results = order_acknowledge(lines=lines, user=None, adapter_factory=_factory(store))
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    assert set(OrderLine.objects.filter(store=store).values_list("state", flat=True)) == {OrderState.ACKNOWLEDGED}
    assert Order.objects.filter(store=store).exclude(state=OrderState.ACKNOWLEDGED).count() == 0
    assert OrderEvent.objects.filter(kind="acknowledge").count() == len(lines)
    # Confirming again is refused by our machine, before the channel.
    again = order_acknowledge(lines=list(OrderLine.objects.filter(store=store).select_related("order", "store")))
    assert not any(r.ok for r in again) and {r.code for r in again} == {"illegal"}
    # Re-collecting: the channel now says acknowledged too; nothing moves, no conflict.
    collect_all(store)
    assert not OrderLine.objects.filter(store=store, needs_attention=True).exists()


def test_ship_date_more_than_three_days_out_needs_a_reason(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(1)
    collect_all(store)
    lines = list(OrderLine.objects.select_related("order", "store"))
    with pytest.raises(ValidationError) as caught:
        order_acknowledge(lines=lines, expected_ship_date=timezone.localdate() + timedelta(days=5))
    assert "delay_reason" in caught.value.message_dict
    results = order_acknowledge(
        lines=lines,
        expected_ship_date=timezone.localdate() + timedelta(days=5),
        delay_reason="주문제작 상품",
        adapter_factory=_factory(store),
    )
    assert all(r.ok for r in results)
    assert OrderLine.objects.get(pk=lines[0].pk).delay_reason == "주문제작 상품"


def test_channel_moves_come_back_and_regressions_are_flagged(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(3)
    collect_all(store)
    boxes = sorted(sandbox.boxes)
    # Delivered at the channel: we follow forward.
    sandbox.deliver(boxes[0])
    collect_all(store)
    delivered = OrderLine.objects.filter(store=store, shipment_id=str(boxes[0]))
    assert set(delivered.values_list("state", flat=True)) == {OrderState.DELIVERED}
    assert OrderEvent.objects.filter(line__in=delivered, kind="state", source="sync").count() == delivered.count()
    # We confirmed, then the channel reports the box back at ACCEPT (paid): flagged, ours stays.
    third = OrderLine.objects.select_related("order", "store").filter(store=store, shipment_id=str(boxes[2])).first()
    box_lines = list(OrderLine.objects.select_related("order", "store").filter(shipment_id=str(boxes[2])))
    assert all(r.ok for r in order_acknowledge(lines=box_lines, adapter_factory=_factory(store)))
    sandbox.set_status(boxes[2], "ACCEPT")
    collect_all(store)
    third.refresh_from_db()
    assert third.state == OrderState.ACKNOWLEDGED
    assert third.needs_attention and any(f.startswith("state_conflict:") for f in third.flags)
    assert Order.objects.get(pk=third.order_id).needs_attention
    assert OrderEvent.objects.filter(line=third, kind="sync_conflict").count() == 1
    collect_all(store)  # the same conflict is not recorded twice
    assert OrderEvent.objects.filter(line=third, kind="sync_conflict").count() == 1


def test_an_order_cancelled_at_the_source_is_never_shippable(sandbox_store):
    store, _sandbox = sandbox_store("coupang")
    order = ChannelOrder(
        order_id="X1",
        ordered_at=timezone.now(),
        lines=[ChannelOrderLine(line_id="X1-1", shipment_id="B1", state=LineState.CANCELLED, quantity=1)],
    )
    orders_collect(store=store, orders=[order])
    line = OrderLine.objects.get(channel_line_id="X1-1")
    assert line.state == OrderState.CANCELLED
    assert Order.objects.get(channel_order_id="X1").state == OrderState.CANCELLED


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_seller_cancel_is_pushed(sandbox_store, marketplace):
    store, sandbox = sandbox_store(marketplace)
    sandbox.create_orders(2)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store")[:1])
    if marketplace == "coupang":  # Coupang cancels only in 상품준비중 (after confirming)
        assert order_acknowledge(lines=lines, adapter_factory=_factory(store))[0].ok
    results = order_seller_cancel(lines=lines, reason="sold_out", detail="재고 소진", adapter_factory=_factory(store))
    assert results[0].ok, results[0].message
    line = OrderLine.objects.get(pk=lines[0].pk)
    assert line.state == OrderState.CANCELLED
    assert OrderEvent.objects.filter(line=line, kind="seller_cancel").exists()


def test_skus_match_by_seller_code_and_by_remembered_mapping(sandbox_store, create_product):
    from modules.core.demo import demo_catalog_load

    store, sandbox = sandbox_store("coupang")
    demo_catalog_load()
    sandbox.create_orders(10)
    collect_all(store)
    lines = OrderLine.objects.filter(store=store)
    assert lines.filter(sku__isnull=False, match_source="seller_code").count() == lines.count()
    # A line with an unknown code waits; one click maps it and the next order of the option matches.
    product = create_product(seller_code="ODD01")
    sku = product.skus.get()
    line = lines.first()
    OrderLine.objects.filter(store=store, channel_option_id=line.channel_option_id).update(sku=None, match_source="")
    line.refresh_from_db()
    matched = line_match(line=line, sku=sku)
    assert matched == OrderLine.objects.filter(store=store, channel_option_id=line.channel_option_id).count()
    assert set(OrderLine.objects.filter(channel_option_id=line.channel_option_id).values_list("sku_id", flat=True)) == {
        sku.pk
    }
    OrderLine.objects.filter(pk=line.pk).update(sku=None, match_source="")
    fresh = [OrderLine.objects.get(pk=line.pk)]
    _match_skus(store=store, lines=fresh)
    assert fresh[0].sku_id == sku.pk and fresh[0].match_source == "listing"


def test_receiver_edit_is_recorded_and_survives_recollection(sandbox_store):
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(1)
    collect_all(store)
    order = Order.objects.get(store=store)
    old = order.address2
    changed = order_receiver_update(order=order, values={"address2": "101동 1001호 (수정)"})
    assert changed == ["address2"]
    event = OrderEvent.objects.get(order=order, kind="receiver_edit")
    assert (event.old, event.new) == (old, "101동 1001호 (수정)")
    Order.objects.filter(pk=order.pk).update(content_hash="")  # force the channel's copy to be written again
    collect_all(store)
    assert Order.objects.get(pk=order.pk).address2 == "101동 1001호 (수정)"


def test_masked_orders_stay_masked_when_the_channel_sends_them_again(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(1)
    collect_all(store)
    order = Order.objects.get(store=store)
    Order.objects.filter(pk=order.pk).update(
        receiver_name="홍*동",
        buyer_name="김*",
        receiver_phone1="010-****-****",
        raw={},
        content_hash="",
        pii_masked_at=timezone.now(),
    )
    collect_all(store)
    order.refresh_from_db()
    assert (order.receiver_name, order.buyer_name, order.receiver_phone1) == ("홍*동", "김*", "010-****-****")
    assert order.raw == {}


def test_an_invoice_changed_at_the_channel_is_followed_on_record(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(1)
    box = next(iter(sandbox.boxes))
    sandbox.ship(box, invoice="111122223333")
    collect_all(store)
    line = OrderLine.objects.filter(store=store).first()
    assert line.tracking_number == "111122223333"
    sandbox.boxes[box].invoice = "444455556666"
    for item in sandbox.boxes[box].items:
        if hasattr(item, "invoice"):
            item.invoice = "444455556666"
    collect_all(store)
    line.refresh_from_db()
    assert line.tracking_number == "444455556666"
    event = OrderEvent.objects.get(line=line, kind="invoice_changed")
    assert event.old.endswith("111122223333") and event.new.endswith("444455556666")
    assert event.source == "sync"


def test_cancelled_at_the_channel_after_acknowledgement_closes_the_line(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(1)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    assert all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=_factory(store)))
    order = ChannelOrder(
        order_id=lines[0].order.channel_order_id,
        ordered_at=lines[0].order.ordered_at,
        lines=[
            ChannelOrderLine(
                line_id=line.channel_line_id,
                shipment_id=line.shipment_id,
                state=LineState.CANCELLED,
                quantity=line.quantity,
                channel_status="CANCEL",
            )
            for line in lines
        ],
    )
    orders_collect(store=store, orders=[order])
    assert set(OrderLine.objects.filter(store=store).values_list("state", flat=True)) == {OrderState.CANCELLED}
    assert OrderEvent.objects.filter(kind="state", new=OrderState.CANCELLED, source="sync").count() == len(lines)


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_stores_set_to_confirm_automatically_do_so_after_collection(
    sandbox_store, marketplace, django_capture_on_commit_callbacks
):
    store, sandbox = sandbox_store(marketplace)
    store.auto_acknowledge = "auto"
    store.save()
    sandbox.create_orders(3)
    with django_capture_on_commit_callbacks(execute=True):
        collect_all(store)
    lines = OrderLine.objects.filter(store=store)
    assert lines.count() >= 3
    assert set(lines.values_list("state", flat=True)) == {OrderState.ACKNOWLEDGED}
    assert OrderEvent.objects.filter(kind="acknowledge", source="system").count() == lines.count()
