"""Bulk actions of the order desk against the sandboxes: 발주확인 with the 3-day rule on the form,
판매취소 with the channel's refusal shown per order, 발송지연, "select all" honouring the filters,
and rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.orders import actions, bundles
from modules.orders.models import Order, OrderEvent, OrderLine
from modules.orders.status import OrderState
from tests.channels.conftest import fast_adapter
from tests.orders.test_collect_and_actions import collect_all
from tests.orders.test_desk_support import *  # noqa: F403
from tests.orders.test_desk_support import make_order, make_store

pytestmark = pytest.mark.django_db


def _url(action, orders, **extra):
    query = "&".join([f"id={order.pk}" for order in orders] + [f"{key}={value}" for key, value in extra.items()])
    return reverse("wagtail_bulk_action", args=["orders", "order", action]) + "?" + query


@pytest.fixture
def fast_channels(monkeypatch):
    """The stores' real adapters against the in-process sandboxes, without rate limits or sleeps."""
    monkeypatch.setattr(actions, "_adapter_for", fast_adapter)
    monkeypatch.setattr(bundles, "_adapter_for", fast_adapter)


@pytest.fixture
def collected(sandbox_store, fast_channels):
    def make(marketplace="coupang", count=3):
        store, sandbox = sandbox_store(marketplace)
        sandbox.create_orders(count)
        collect_all(store)
        return store, sandbox, list(Order.objects.filter(store=store).order_by("id"))

    return make


def test_bulk_acknowledge_pushes_and_shows_a_result_per_order(editor_client, collected):
    store, _sandbox, orders = collected("coupang", 3)
    page = editor_client.get(_url("acknowledge", orders, next="/admin/orders/"))
    assert page.status_code == 200
    content = page.content.decode()
    assert all(order.channel_order_id in content for order in orders)
    assert 'name="expected_ship_date"' in content and 'name="delay_reason"' in content
    response = editor_client.post(
        _url("acknowledge", orders, next="/admin/orders/"),
        {"expected_ship_date": (timezone.localdate() + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    outcomes = response.context["outcomes"]
    assert [outcome.ok for outcome in outcomes] == [True] * 3, [o.failures for o in outcomes]
    assert response.context["done"] == 3 and response.context["failed"] == 0
    assert set(OrderLine.objects.filter(store=store).values_list("state", flat=True)) == {OrderState.ACKNOWLEDGED}
    assert OrderEvent.objects.filter(kind="acknowledge", order__store=store).exists()
    # Again: nothing left to confirm, each order says why (our machine, before the channel).
    again = editor_client.post(_url("acknowledge", orders), {})
    assert again.context["done"] == 0 and again.context["failed"] == 3
    assert all(outcome.failures[0][1] == "illegal" for outcome in again.context["outcomes"])


def test_ship_date_over_three_days_needs_a_reason_on_the_field(editor_client, collected):
    store, _sandbox, orders = collected("coupang", 1)
    far = (timezone.localdate() + timedelta(days=6)).isoformat()
    response = editor_client.post(_url("acknowledge", orders), {"expected_ship_date": far})
    assert response.status_code == 200
    form = response.context["form"]
    assert "delay_reason" in form.errors
    assert set(OrderLine.objects.filter(store=store).values_list("state", flat=True)) == {OrderState.NEW}
    done = editor_client.post(
        _url("acknowledge", orders),
        {"expected_ship_date": far, "delay_reason": "made_to_order", "delay_detail": "각인 작업"},
    )
    assert done.context["done"] == 1
    line = OrderLine.objects.filter(store=store).first()
    assert line.expected_ship_date.isoformat() == far and "각인 작업" in line.delay_reason


def test_seller_cancel_shows_the_channels_refusal_per_order(editor_client, collected):
    """Coupang cancels only after 발주확인 (상품준비중): a new order is refused with Coupang's message."""
    store, _sandbox, orders = collected("coupang", 2)
    first, second = orders
    lines = list(OrderLine.objects.filter(order=first).select_related("order", "store"))
    assert all(r.ok for r in actions.order_acknowledge(lines=lines))
    page = editor_client.get(_url("seller_cancel", orders))
    assert 'name="reason"' in page.content.decode()
    missing = editor_client.post(_url("seller_cancel", orders), {"reason": ""})
    assert "reason" in missing.context["form"].errors
    response = editor_client.post(_url("seller_cancel", orders), {"reason": "sold_out", "detail": "재고 소진"})
    by_order = {outcome.order.pk: outcome for outcome in response.context["outcomes"]}
    assert by_order[first.pk].ok
    refused = by_order[second.pk]
    assert not refused.ok and refused.failures
    line, code, message = refused.failures[0]
    assert line is not None and message and code not in ("illegal", "")
    assert message in response.content.decode()
    assert set(OrderLine.objects.filter(order=first).values_list("state", flat=True)) == {OrderState.CANCELLED}
    assert set(OrderLine.objects.filter(order=second).values_list("state", flat=True)) == {OrderState.NEW}
    assert OrderEvent.objects.filter(order=second, kind="push_failed").exists()


def test_delay_notice_is_pushed_where_the_channel_takes_it(editor_client, collected):
    store, _sandbox, orders = collected("naver", 1)
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    assert all(r.ok for r in actions.order_acknowledge(lines=lines))
    page = editor_client.get(_url("delay_notice", orders))
    assert page.status_code == 200 and 'name="new_date"' in page.content.decode()
    new_date = timezone.localdate() + timedelta(days=5)
    response = editor_client.post(
        _url("delay_notice", orders),
        {"new_date": new_date.isoformat(), "reason": "product_prepare", "detail": "입고 지연"},
    )
    assert response.status_code == 200
    assert response.context["done"] == 1, [o.failures for o in response.context["outcomes"]]
    assert set(OrderLine.objects.filter(store=store).values_list("expected_ship_date", flat=True)) == {new_date}


def test_select_all_takes_the_filtered_list(editor_client, monkeypatch):
    coupang, naver = make_store("coupang"), make_store("naver")
    make_order(coupang, channel_order_id="C1")
    make_order(naver, channel_order_id="N1")
    make_order(naver, channel_order_id="N2", state="acknowledged")
    url = (
        reverse("wagtail_bulk_action", args=["orders", "order", "acknowledge"])
        + f"?id=all&marketplace=naver&store={naver.pk}"
    )
    page = editor_client.get(url)
    assert page.status_code == 200
    assert {item["item"].channel_order_id for item in page.context["items"]} == {"N1", "N2"}
    assert page.context["ready"] == 1  # N2 is already confirmed


def test_bulk_actions_need_the_edit_right(viewer_client):
    order = make_order(make_store())
    response = viewer_client.get(_url("acknowledge", [order]))
    assert response.status_code in (302, 403)
    response = viewer_client.post(_url("seller_cancel", [order]), {"reason": "sold_out"})
    assert response.status_code in (302, 403)
    assert OrderLine.objects.get(order=order).state == OrderState.NEW


def test_order_page_links_the_actions_it_can_take(editor_client):
    order = make_order(make_store())
    content = editor_client.get(reverse("orders_detail", args=[order.pk])).content.decode()
    assert reverse("wagtail_bulk_action", args=["orders", "order", "acknowledge"]) in content
    assert reverse("wagtail_bulk_action", args=["orders", "order", "seller_cancel"]) in content


def test_list_has_the_bulk_action_footer(editor_client):
    make_order(make_store())
    content = editor_client.get(reverse("orders:index")).content.decode()
    assert "data-bulk-action-footer" in content and "data-bulk-action-checkbox" in content
    assert reverse("wagtail_bulk_action", args=["orders", "order", "acknowledge"]) in content
