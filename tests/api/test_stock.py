"""Stock over the API: levels per SKU × warehouse with constant queries, an adjustment with a reason,
and a POS sale whose change reaches the sandbox store through the channel allocation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.catalog.models import SKU
from modules.inventory.models import AllocationRule, MovementKind, StockLevel, StockMovement
from modules.inventory.services import stock_inbound
from tests.inventory.helpers import warehouse_make
from tests.inventory.test_allocation import option_of, pulled_store, push, remote_options


@pytest.fixture
def skus(db):
    from modules.core.demo import demo_catalog_load

    demo_catalog_load()
    return list(SKU.objects.order_by("id"))


def test_levels_list_and_filters_with_constant_queries(make_api, skus):
    api = make_api(["stock:read"])
    first, second = warehouse_make("본사 창고"), warehouse_make("2센터", main=False)
    for sku in skus[:3]:
        stock_inbound(sku=sku, warehouse=first, quantity=10)
    api.get("/api/v1/stock/")
    with CaptureQueriesContext(connection) as few:
        rows = api.get("/api/v1/stock/").json()["results"]
    assert len(rows) == 3
    for sku in skus:
        stock_inbound(sku=sku, warehouse=second, quantity=4)
    with CaptureQueriesContext(connection) as many:
        rows = api.get("/api/v1/stock/", {"limit": 100}).json()["results"]
    assert len(rows) == 3 + len(skus)
    assert len(many.captured_queries) == len(few.captured_queries)
    one = api.get("/api/v1/stock/", {"sku_id": skus[0].pk, "warehouse_id": first.pk}).json()["results"]
    assert [(r["on_hand"], r["reserved"], r["available"], r["warehouse_name"]) for r in one] == [
        (10, 0, 10, "본사 창고")
    ]
    by_code = api.get("/api/v1/stock/", {"seller_code": skus[0].seller_code}).json()["results"]
    assert {r["warehouse_id"] for r in by_code} == {first.pk, second.pk}


def test_adjust_with_a_reason(make_api, skus):
    api = make_api(["stock:write"])
    wh = warehouse_make()
    sku = skus[0]
    stock_inbound(sku=sku, warehouse=wh, quantity=10)
    response = api.post(
        "/api/v1/stock/adjustments/", {"sku_id": sku.pk, "warehouse_id": wh.pk, "delta": -3, "reason": "파손"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()[0]["on_hand_after"] == 7
    assert StockLevel.objects.get(sku=sku, warehouse=wh).on_hand == 7
    movement = StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).get()
    assert movement.reason == "파손"
    # Below zero is refused by the service: 409 with its message, nothing written.
    response = api.post(
        "/api/v1/stock/adjustments/", {"sku_id": sku.pk, "warehouse_id": wh.pk, "delta": -30, "reason": "파손"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "rejected"
    assert StockLevel.objects.get(sku=sku, warehouse=wh).on_hand == 7


def test_pos_sale_takes_stock_out_and_reaches_the_sandbox_store(make_api, sandbox_store):
    store, _sandbox = pulled_store(sandbox_store, "coupang")
    AllocationRule.objects.create(store=store, mode="all", value=0)
    wh = warehouse_make()
    sku = SKU.objects.get(seller_code="EAR-PRO-01")
    stock_inbound(sku=sku, warehouse=wh, quantity=12)
    push(store)
    option = option_of(store, "EAR-PRO-01")
    assert remote_options(store)[option.channel_option_id].stock == 12

    pos = make_api(["stock:read", "stock:write"], name="매장 POS")
    response = pos.post(
        "/api/v1/stock/pos-sales/",
        {"reference": "R-20261206-001", "channel": "성수 매장 POS", "lines": [{"sku_id": sku.pk, "quantity": 2}]},
        HTTP_IDEMPOTENCY_KEY="R-20261206-001",
    )
    assert response.status_code == 201, response.json()
    movement = response.json()["movements"][0]
    assert (movement["kind"], movement["on_hand_delta"], movement["on_hand_after"]) == (
        MovementKind.DIRECT_SALE,
        -2,
        10,
    )
    assert movement["reason"] == "성수 매장 POS" and movement["reference"] == "R-20261206-001"
    # The POS retries after a timeout: the sale is not taken twice.
    again = pos.post(
        "/api/v1/stock/pos-sales/",
        {"reference": "R-20261206-001", "channel": "성수 매장 POS", "lines": [{"sku_id": sku.pk, "quantity": 2}]},
        HTTP_IDEMPOTENCY_KEY="R-20261206-001",
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert StockLevel.objects.get(sku=sku, warehouse=wh).on_hand == 10

    push(store)
    assert remote_options(store)[option.channel_option_id].stock == 10


def test_pos_sale_of_more_than_available_is_refused_whole(make_api, skus):
    api = make_api(["stock:write"])
    wh = warehouse_make()
    stock_inbound(sku=skus[0], warehouse=wh, quantity=5)
    stock_inbound(sku=skus[1], warehouse=wh, quantity=1)
    response = api.post(
        "/api/v1/stock/pos-sales/",
        {"reference": "R-2", "lines": [{"sku_id": skus[0].pk, "quantity": 2}, {"sku_id": skus[1].pk, "quantity": 3}]},
    )
    assert response.status_code == 409
    assert StockLevel.objects.get(sku=skus[0], warehouse=wh).on_hand == 5  # the first line rolled back too
    response = api.post("/api/v1/stock/pos-sales/", {"reference": "R-3", "lines": [{"sku_id": 999999, "quantity": 1}]})
    assert response.status_code == 400 and "lines" in response.json()["error"]["fields"]
