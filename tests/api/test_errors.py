"""Bad input is a 4xx in the one envelope, naming the field; never a 5xx."""

import pytest
from django.test import override_settings

URL = "/api/v1/stock/adjustments/"


def body(response):
    return response.json()["error"]


def test_malformed_json_is_400(api):
    response = api.post(URL, raw='{"sku_id": 1,')
    assert response.status_code == 400
    assert body(response)["code"] == "malformed_json"
    assert "body" in body(response)["fields"]


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ('{"sku_id": 1, "reason": "a\\u0000b"}', "/reason"),
        ('{"lines": [{"x": "\\ud800"}]}', "/lines/0/x"),
        ('{"\\u00db\\u0000": [], "sku_id": 1}', "/\\xdb\\x00"),
    ],
)
def test_text_no_database_can_store_is_400_naming_where(api, raw, path):
    """NUL and lone surrogates are valid JSON but PostgreSQL refuses them (a 500 there before), also when
    the bad text is an unknown key echoed into the error and the idempotency record."""
    response = api.post(URL, raw=raw, HTTP_IDEMPOTENCY_KEY="nul-1")
    assert response.status_code == 400
    assert body(response)["code"] == "malformed_json"
    assert path in body(response)["fields"]["body"][0]


def test_unknown_fields_are_rejected_by_name(api):
    response = api.post(URL, {"sku_id": 1, "warehouse_id": 1, "delta": 1, "reason": "실사", "colour": "red"})
    assert response.status_code == 400
    assert body(response)["code"] == "invalid"
    assert body(response)["fields"] == {"colour": ["알 수 없는 필드입니다."]}


def test_unknown_fields_in_nested_lines_are_rejected(api):
    response = api.post(
        "/api/v1/stock/pos-sales/", {"reference": "R1", "lines": [{"sku_id": 1, "quantity": 1, "x": 2}]}
    )
    assert response.status_code == 400
    assert body(response)["fields"]["lines"] == {"0": {"x": ["알 수 없는 필드입니다."]}}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sku_id": "one", "warehouse_id": 1, "delta": 1, "reason": "r"}, "sku_id"),
        ({"sku_id": 1, "warehouse_id": 1, "delta": 1.5, "reason": "r"}, "delta"),
        ({"sku_id": 1, "warehouse_id": 1, "delta": 0, "reason": "r"}, "delta"),
        ({"sku_id": 1, "warehouse_id": 1, "delta": 1}, "reason"),
        ({"sku_id": 1, "warehouse_id": [1], "delta": 1, "reason": "r"}, "warehouse_id"),
    ],
)
def test_wrong_types_name_the_field(api, payload, field):
    response = api.post(URL, payload)
    assert response.status_code == 400
    assert field in body(response)["fields"]


def test_a_list_body_instead_of_an_object_is_400(api):
    response = api.post(URL, raw="[1, 2]")
    assert response.status_code == 400
    assert body(response)["code"] == "invalid"


@override_settings(API_MAX_BODY_BYTES=2048)
def test_oversize_body_is_413(api):
    response = api.post(URL, {"reason": "x" * 5000})
    assert response.status_code == 413
    assert body(response)["code"] == "request_too_large"


def test_bad_cursor_and_limit_are_400(api):
    response = api.get("/api/v1/orders/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert body(response)["code"] == "invalid_cursor"
    assert "cursor" in body(response)["fields"]
    for limit in ("0", "101", "ten"):
        response = api.get("/api/v1/orders/", {"limit": limit})
        assert response.status_code == 400
        assert "limit" in body(response)["fields"]


@pytest.mark.parametrize(("name", "value"), [("state", "nope"), ("store_id", "x"), ("ordered_from", "yesterday")])
def test_bad_filters_are_400(api, name, value):
    response = api.get("/api/v1/orders/", {name: value})
    assert response.status_code == 400
    assert name in body(response)["fields"]


def test_unknown_sku_and_warehouse_are_400_naming_the_field(api):
    response = api.post(URL, {"sku_id": 999, "warehouse_id": 999, "delta": 1, "reason": "r"})
    assert response.status_code == 400
    assert "sku_id" in body(response)["fields"]


def test_not_found_and_wrong_method(api):
    response = api.get("/api/v1/orders/999999/")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"
    response = api.client.delete("/api/v1/orders/", **api.headers)
    assert response.status_code == 405
    assert body(response)["code"] == "method_not_allowed"


def test_form_encoded_body_is_415(api):
    response = api.client.post(URL, {"sku_id": 1}, **api.headers)
    assert response.status_code == 415
    assert body(response)["code"] == "unsupported_media_type"
