"""The permission matrix: every endpoint needs its area's scope, read for GET, write for the rest
(write includes read); a token of another area gets 403 scope_missing and nothing runs."""

import pytest

from modules.api.models import SCOPE_AREAS

ENDPOINTS = [
    ("get", "/api/v1/products/", "catalog", "read"),
    ("post", "/api/v1/products/", "catalog", "write"),
    ("get", "/api/v1/products/999999/", "catalog", "read"),
    ("patch", "/api/v1/products/999999/", "catalog", "write"),
    ("get", "/api/v1/skus/", "catalog", "read"),
    ("get", "/api/v1/skus/999999/", "catalog", "read"),
    ("patch", "/api/v1/skus/999999/", "catalog", "write"),
    ("get", "/api/v1/stock/", "stock", "read"),
    ("post", "/api/v1/stock/adjustments/", "stock", "write"),
    ("post", "/api/v1/stock/pos-sales/", "stock", "write"),
    ("get", "/api/v1/orders/", "orders", "read"),
    ("get", "/api/v1/orders/999999/", "orders", "read"),
    ("post", "/api/v1/orders/999999/acknowledge/", "orders", "write"),
    ("post", "/api/v1/orders/999999/cancel/", "orders", "write"),
    ("post", "/api/v1/orders/999999/invoice/", "shipments", "write"),
    ("get", "/api/v1/shipments/", "shipments", "read"),
    ("get", "/api/v1/shipments/999999/", "shipments", "read"),
    ("post", "/api/v1/shipments/999999/invoice/", "shipments", "write"),
    ("get", "/api/v1/claims/", "claims", "read"),
    ("get", "/api/v1/claims/999999/", "claims", "read"),
    ("post", "/api/v1/claims/999999/approve/", "claims", "write"),
    ("post", "/api/v1/claims/999999/reject/", "claims", "write"),
    ("get", "/api/v1/stores/", "stores", "read"),
    ("get", "/api/v1/stores/999999/", "stores", "read"),
    ("post", "/api/v1/stores/999999/collect/", "stores", "write"),
]


def call(api, method, path):
    return getattr(api, method)(path) if method == "get" else getattr(api, method)(path, {})


@pytest.mark.parametrize(("method", "path", "area", "level"), ENDPOINTS)
def test_scope_matrix(make_api, method, path, area, level):
    others = [f"{a}:write" for a, _label in SCOPE_AREAS if a != area]
    denied = call(make_api(others), method, path)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "scope_missing"
    assert f"{area}:{level}" in denied.json()["error"]["message"]

    reader = call(make_api([f"{area}:read"]), method, path)
    if level == "read":
        assert reader.status_code in {200, 404}
    else:
        assert reader.status_code == 403 and reader.json()["error"]["code"] == "scope_missing"

    writer = call(make_api([f"{area}:write"]), method, path)
    assert writer.status_code in {200, 400, 404}, writer.json()


def test_every_endpoint_is_in_the_matrix():
    from django.urls import get_resolver

    from modules.api import urls

    paths = {str(pattern.pattern) for pattern in urls.urlpatterns if pattern.name != "not-found"}
    covered = {p.removeprefix("/api/v1/").replace("999999", "<int:pk>") for _m, p, _a, _l in ENDPOINTS}
    assert paths == covered
    assert get_resolver()
