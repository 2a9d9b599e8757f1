"""Catalog, shipments, claims and stores over the API: reads with constant queries, writes through the
same services as the admin (claims approved/rejected at the sandbox channel, collect now queued)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.catalog.models import SKU, Product
from modules.catalog.services import category_create
from modules.channels.models import SyncRun
from modules.orders.models import Claim
from tests.catalog.fixtures import full_notice
from tests.channels.conftest import fast_adapter
from tests.orders.test_claims import claimed
from tests.shipping.conftest import next_tracking_number


def count_queries(api, path, params=None):
    api.get(path, params)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, params)
    assert response.status_code == 200, response.json()
    return len(ctx.captured_queries), response.json()


# Catalog ----------------------------------------------------------------------------------------------


@pytest.fixture
def category(db):
    return category_create(name="디지털/가전")


def product_body(category, **extra):
    return {
        "name": "블루투스 이어폰",
        "category_id": category.pk,
        "maker": "장터전자",
        "price": 39000,
        "seller_code": "EAR-NEW",
        "options": [{"name": "색상", "values": ["블랙", "화이트"]}],
        "notice_category": "sports_equipment",
        "notice_values": full_notice("sports_equipment", country="중국"),
        **extra,
    }


def test_product_create_generates_skus_and_update(api, category):
    response = api.post("/api/v1/products/", product_body(category))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["product_code"]
    assert [sku["option_values"] for sku in body["skus"]] == [["블랙"], ["화이트"]]
    assert body["options"] == [{"name": "색상", "values": ["블랙", "화이트"]}]
    product = Product.objects.get(pk=body["id"])
    assert product.skus.count() == 2
    response = api.patch(f"/api/v1/products/{product.pk}/", {"price": 42000, "status": "sold_out"})
    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert (product.price, product.status) == (42000, "sold_out")
    sku = product.skus.order_by("id").first()
    response = api.patch(f"/api/v1/skus/{sku.pk}/", {"extra_price": 1000, "seller_code": "EAR-NEW-BK"})
    assert response.status_code == 200, response.json()
    assert response.json()["extra_price"] == 1000
    assert SKU.objects.get(pk=sku.pk).seller_code == "EAR-NEW-BK"


def test_product_validation_is_400_naming_fields(api, category):
    response = api.post("/api/v1/products/", product_body(category, price=-1))
    assert response.status_code == 400 and "price" in response.json()["error"]["fields"]
    response = api.post("/api/v1/products/", product_body(category, category_id=999999))
    assert response.status_code == 400 and "category_id" in response.json()["error"]["fields"]
    response = api.post("/api/v1/products/", {"name": "x"})
    assert response.status_code == 400
    assert {"category_id", "maker", "price"} <= set(response.json()["error"]["fields"])


def test_catalog_lists_have_constant_queries(api, category):
    api.post("/api/v1/products/", product_body(category, seller_code="A"))
    few_products, _ = count_queries(api, "/api/v1/products/")
    few_skus, _ = count_queries(api, "/api/v1/skus/")
    for n in range(5):
        api.post("/api/v1/products/", product_body(category, seller_code=f"B{n}"))
    many_products, body = count_queries(api, "/api/v1/products/")
    assert len(body["results"]) == 6 and many_products == few_products
    many_skus, body = count_queries(api, "/api/v1/skus/")
    assert len(body["results"]) == 12 and many_skus == few_skus
    product_id = body["results"][0]["product_id"]
    _, filtered = count_queries(api, "/api/v1/skus/", {"product_id": product_id})
    assert {row["product_id"] for row in filtered["results"]} == {product_id}


# Shipments --------------------------------------------------------------------------------------------


def test_shipments_list_constant_and_invoice(api, make_shipments):
    make_shipments(2)
    few, _ = count_queries(api, "/api/v1/shipments/")
    waiting = make_shipments(10, tracking_number="")
    many, body = count_queries(api, "/api/v1/shipments/")
    assert many == few and len(body["results"]) == 12
    _, body = count_queries(api, "/api/v1/shipments/", {"state": "waiting"})
    assert len(body["results"]) == 10
    number = next_tracking_number()
    response = api.post(f"/api/v1/shipments/{waiting[0].pk}/invoice/", {"courier": "CJ", "tracking_number": number})
    assert response.status_code == 200, response.json()
    assert response.json()["tracking_number"] == number


# Claims -----------------------------------------------------------------------------------------------


@pytest.fixture
def claim_store(sandbox_store, monkeypatch):
    store, _sandbox, claim = claimed(sandbox_store, "naver", "return")
    monkeypatch.setattr("modules.orders.claims._adapter_for", lambda _store: fast_adapter(store))
    monkeypatch.setattr("modules.orders.actions._adapter_for", lambda _store: fast_adapter(store))
    return claim


def test_claims_list_and_approve(api, claim_store):
    queries, body = count_queries(api, "/api/v1/claims/")
    assert [row["id"] for row in body["results"]] == [claim_store.pk]
    assert body["results"][0]["order_id"] is not None
    assert queries <= 6
    response = api.post(f"/api/v1/claims/{claim_store.pk}/approve/", {})
    assert response.status_code == 200, response.json()
    assert response.json()["ok"] is True, response.json()
    assert Claim.objects.get(pk=claim_store.pk).decision == "approve"


def test_claim_reject_needs_a_reason(api, claim_store):
    response = api.post(f"/api/v1/claims/{claim_store.pk}/reject/", {})
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = api.post(f"/api/v1/claims/{claim_store.pk}/reject/", {"reason": "other", "detail": "상품 확인 중"})
    assert response.status_code == 200
    assert "ok" in response.json()


# Stores -----------------------------------------------------------------------------------------------


def test_stores_with_sync_status_and_collect_now(api, make_store):
    store = make_store()
    few, body = count_queries(api, "/api/v1/stores/")
    make_store("naver", "네이버")
    make_store("elevenst", "11번가")
    many, body = count_queries(api, "/api/v1/stores/")
    assert many == few and len(body["results"]) == 3
    kinds = {row["kind"] for row in body["results"][0]["sync"]}
    assert {"orders", "claims"} <= kinds
    response = api.post(f"/api/v1/stores/{store.pk}/collect/", {"kinds": ["orders"]})
    assert response.status_code == 202, response.json()
    run = SyncRun.objects.get(pk=response.json()["runs"][0]["id"])
    assert (run.store_id, run.kind, run.trigger) == (store.pk, "orders", SyncRun.Trigger.MANUAL)
    response = api.post(f"/api/v1/stores/{store.pk}/collect/", {"kinds": ["bogus"]})
    assert response.status_code == 400 and "kinds" in response.json()["error"]["fields"]
    assert api.get(f"/api/v1/stores/{store.pk}/").json()["id"] == store.pk
