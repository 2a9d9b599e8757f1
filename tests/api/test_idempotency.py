"""Idempotency-Key on POST/PATCH: same key + same body replays the first answer (nothing done twice),
another body is 409, keys are per client and kept 24 hours, the cleanup removes them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.api.models import ApiLogEntry, IdempotencyKey
from modules.api.services import api_cleanup
from modules.inventory.models import StockLevel, StockMovement
from modules.inventory.services import stock_inbound
from tests.inventory.helpers import warehouse_make

URL = "/api/v1/stock/adjustments/"


@pytest.fixture
def stock(db):
    from modules.catalog.models import SKU
    from modules.core.demo import demo_catalog_load

    demo_catalog_load()
    sku = SKU.objects.order_by("id").first()
    wh = warehouse_make()
    stock_inbound(sku=sku, warehouse=wh, quantity=10)
    return sku, wh


def adjust(api, stock, delta=-1, key="k-1", **extra):
    sku, wh = stock
    body = {"sku_id": sku.pk, "warehouse_id": wh.pk, "delta": delta, "reason": "실사"}
    return api.post(URL, body, HTTP_IDEMPOTENCY_KEY=key, **extra)


def on_hand(stock):
    return StockLevel.objects.get(sku=stock[0], warehouse=stock[1]).on_hand


def test_same_key_same_body_replays(api, stock):
    first = adjust(api, stock)
    second = adjust(api, stock)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert on_hand(stock) == 9
    assert StockMovement.objects.filter(reason="실사").count() == 1


def test_same_key_other_body_is_409(api, stock):
    adjust(api, stock)
    response = adjust(api, stock, delta=-2)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert on_hand(stock) == 9


def test_key_order_of_json_fields_does_not_matter(api, stock):
    sku, wh = stock
    adjust(api, stock)
    raw = f'{{"reason": "실사", "delta": -1, "warehouse_id": {wh.pk}, "sku_id": {sku.pk}}}'
    response = api.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201 and response["Idempotent-Replayed"] == "true"


def test_keys_are_per_client(make_api, stock):
    one, two = make_api(), make_api()
    adjust(one, stock)
    assert "Idempotent-Replayed" not in adjust(two, stock)
    assert on_hand(stock) == 8


def test_refusals_are_replayed_too_and_no_key_means_no_memory(api, stock):
    assert adjust(api, stock, delta=-50, key="big").status_code == 409
    assert adjust(api, stock, delta=-50, key="big")["Idempotent-Replayed"] == "true"
    sku, wh = stock
    body = {"sku_id": sku.pk, "warehouse_id": wh.pk, "delta": -1, "reason": "실사"}
    api.post(URL, body)
    api.post(URL, body)
    assert on_hand(stock) == 8


def test_bad_key_is_400(api, stock):
    response = adjust(api, stock, key="x" * 101)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_after_24_hours_the_key_is_new_again_and_cleanup_removes_old_rows(api, stock):
    adjust(api, stock)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = adjust(api, stock)
    assert "Idempotent-Replayed" not in response
    assert on_hand(stock) == 8
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    ApiLogEntry.objects.update(created_at=timezone.now() - timedelta(days=400))
    assert api_cleanup() == {"log_entries": 2, "idempotency_keys": 1}
    assert not IdempotencyKey.objects.exists()


def test_the_cleanup_is_scheduled(db):
    from django_q.models import Schedule

    assert Schedule.objects.filter(name="api.cleanup", func="modules.api.tasks.api_cleanup_task").exists()
