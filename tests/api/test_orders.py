"""Orders over the API: list with filters and a cursor that stays stable while orders arrive, constant
queries, detail with masked receiver, acknowledge and cancel through the channel (sandbox), invoice."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.orders.models import Order, OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.shipping.models import ShipmentState
from tests.channels.conftest import fast_adapter
from tests.orders.test_collect_and_actions import collect_all
from tests.shipping.conftest import next_tracking_number

URL = "/api/v1/orders/"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_list_newest_first_with_lines_and_masked_receiver(api, make_shipments):
    shipments = make_shipments(3, n_lines=2)
    response = api.get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    expected = sorted(Order.objects.values_list("id", flat=True), reverse=True)
    assert [row["id"] for row in rows] == expected
    first = rows[0]
    assert len(first["lines"]) == 2
    assert first["store"]["marketplace"] == "coupang"
    assert first["receiver"]["name"] != "홍길동" and first["receiver"]["name"].startswith("홍")
    assert "1502호" not in first["receiver"]["address"]
    assert first["lines"][0]["tracking_number"] == shipments[-1].tracking_number


def _queries(api, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(api, make_shipments):
    make_shipments(2, n_lines=1)
    _queries(api)  # the first call also records the token's last use
    few = _queries(api)
    make_shipments(40, n_lines=3)
    many = _queries(api, {"limit": 100})
    assert many == few
    assert many <= 6  # token with its client, orders with their store, lines, the log insert


def test_cursor_pages_are_stable_while_orders_arrive(api, make_shipments):
    make_shipments(25)
    page1 = api.get(URL, {"limit": 10}).json()
    make_shipments(7)  # new orders arrive between the pages
    page2 = api.get(page1["next"]).json()
    page3 = api.get(page2["next"]).json()
    seen = ids_of(page1) + ids_of(page2) + ids_of(page3)
    assert len(seen) == len(set(seen)) == 25
    assert seen == sorted(seen, reverse=True)
    assert page3["next"] is None
    # The new orders are before the first page, reached from the start (or page 1's previous link).
    fresh = api.get(URL, {"limit": 100}).json()
    assert len(ids_of(fresh)) == 32


def ids_of(page):
    return [row["id"] for row in page["results"]]


def test_filters(api, make_shipments, make_store):
    other = make_store("naver", "네이버 스토어")
    make_shipments(2)
    mine = make_shipments(1, store=other)
    order_id = Order.objects.get(store=other).pk
    assert ids(api.get(URL, {"store_id": other.pk})) == [order_id]
    assert ids(api.get(URL, {"state": "new"})) == []
    assert len(ids(api.get(URL, {"state": "acknowledged"}))) == 3
    since = (timezone.now() - timedelta(hours=3)).isoformat()
    assert len(ids(api.get(URL, {"ordered_from": since}))) == 3
    assert ids(api.get(URL, {"ordered_to": since})) == []
    number = Order.objects.get(store=other).channel_order_id
    assert ids(api.get(URL, {"channel_order_id": number})) == [order_id]
    assert mine


def test_detail(api, make_shipments):
    make_shipments(1, n_lines=3)
    order = Order.objects.get()
    response = api.get(f"{URL}{order.pk}/")
    assert response.status_code == 200
    assert response.json()["channel_order_id"] == order.channel_order_id
    assert [line["id"] for line in response.json()["lines"]] == sorted(order.lines.values_list("id", flat=True))


@pytest.fixture
def sandbox_orders(sandbox_store, monkeypatch):
    store, sandbox = sandbox_store("coupang")
    monkeypatch.setattr("modules.orders.actions._adapter_for", lambda _store: fast_adapter(store))
    sandbox.create_orders(2)
    collect_all(store)
    return store


def test_acknowledge_then_register_invoice_like_the_mobile_app(api, sandbox_orders, warehouse):
    order = Order.objects.filter(store=sandbox_orders).first()
    response = api.post(f"{URL}{order.pk}/acknowledge/", {})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["results"] and all(r["ok"] for r in body["results"]), body
    assert {line["state"] for line in body["order"]["lines"]} == {OrderState.ACKNOWLEDGED}
    assert OrderEvent.objects.filter(order=order, kind="acknowledge", source=OrderEvent.Source.API).exists()
    # Again: the machine refuses per line, not an error.
    again = api.post(f"{URL}{order.pk}/acknowledge/", {}).json()
    assert {r["code"] for r in again["results"]} == {"illegal"}

    number = next_tracking_number()
    response = api.post(f"{URL}{order.pk}/invoice/", {"courier": "CJ", "tracking_number": number})
    assert response.status_code == 200, response.json()
    assert response.json()["tracking_number"] == number
    assert response.json()["state"] == ShipmentState.REGISTERED
    assert set(OrderLine.objects.filter(order=order).values_list("state", flat=True)) == {OrderState.INVOICE_REGISTERED}


def test_invoice_with_a_bad_number_is_400_naming_the_field(api, sandbox_orders, warehouse):
    order = Order.objects.filter(store=sandbox_orders).first()
    api.post(f"{URL}{order.pk}/acknowledge/", {})
    response = api.post(f"{URL}{order.pk}/invoice/", {"courier": "CJ", "tracking_number": "123"})
    assert response.status_code == 400
    assert "tracking_number" in response.json()["error"]["fields"]


def test_cancel_needs_a_known_reason_and_pushes(api, sandbox_orders):
    order = Order.objects.filter(store=sandbox_orders).first()
    response = api.post(f"{URL}{order.pk}/cancel/", {"reason": "because"})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    line = order.lines.first()
    response = api.post(f"{URL}{order.pk}/cancel/", {"reason": "sold_out", "line_ids": [line.pk]})
    assert response.status_code == 200, response.json()
    assert [r["line_id"] for r in response.json()["results"]] == [line.pk]
    response = api.post(f"{URL}{order.pk}/cancel/", {"reason": "sold_out", "line_ids": [999999]})
    assert response.status_code == 400
    assert "line_ids" in response.json()["error"]["fields"]
