"""The Open API admin: clients with scopes and allowed IPs, tokens created only in a two-factor
session and shown once (stored hashed, usable at once), revocation, the call log with filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.api.models import ApiClient, ApiLogEntry, ApiToken
from modules.api.services import hash_key
from tests.api.conftest import Api
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

CLIENTS = "/admin/open-api/clients/"
TOKENS = "/admin/open-api/tokens/"
LOG = "/admin/open-api/log/"


@pytest.fixture
def operator(make_user):
    return verified_client(make_user("운영자", rights={"settings": {"view", "edit"}, "logs": {"view"}}, totp=True))


def client_make(**fields):
    return ApiClient.objects.create(**{"name": "매장 POS", "scopes": ["stock:write"], **fields})


def test_client_create_with_scopes_and_ips(operator):
    response = operator.post(
        CLIENTS + "new/",
        {
            "name": "모바일 앱",
            "scopes": ["orders:write", "shipments:write", "orders:read"],
            "allowed_ips": "203.0.113.0/24, 198.51.100.7",
            "throttle_rate": "120/min",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    client = ApiClient.objects.get()
    assert client.scopes == ["orders:read", "orders:write", "shipments:write"]
    assert client.allowed_ips == "203.0.113.0/24\n198.51.100.7/32"
    assert client.created_by.username == "운영자"
    response = operator.post(CLIENTS + "new/", {"name": "x", "allowed_ips": "nope", "throttle_rate": "fast"})
    assert response.status_code == 200
    assert {"allowed_ips", "throttle_rate"} <= set(response.context["form"].errors)


def test_token_shown_once_stored_hashed_and_works(operator):
    client = client_make(scopes=["stock:read"])
    response = operator.post(TOKENS + "new/", {"client": client.pk, "name": "POS 1"})
    assert response.status_code == 200, response.content[:1500]
    assert "no-store" in response["Cache-Control"]
    key = response.context["key"]
    token = ApiToken.objects.get()
    assert key.startswith(f"jt_{token.prefix}_") and key in response.content.decode()
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert key not in operator.get(TOKENS).content.decode()
    assert Api(key).get("/api/v1/stock/").status_code == 200


def test_token_needs_a_two_factor_session(make_user):
    no_device = verified_client(make_user("무인증", rights={"settings": {"view", "edit"}}))
    client = client_make()
    assert no_device.get(TOKENS + "new/").status_code == 403
    response = no_device.post(TOKENS + "new/", {"client": client.pk, "name": "POS 1"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_revoke(operator):
    client = client_make(scopes=["stock:read"])
    operator.post(TOKENS + "new/", {"client": client.pk, "name": "POS 1"})
    token = ApiToken.objects.get()
    key_api = Api(operator.post(TOKENS + "new/", {"client": client.pk, "name": "POS 2"}).context["key"])
    second = ApiToken.objects.get(name="POS 2")
    assert operator.get(f"/admin/open-api/token/{second.pk}/revoke/").status_code == 200
    assert operator.post(f"/admin/open-api/token/{second.pk}/revoke/").status_code == 302
    second.refresh_from_db()
    assert second.revoked_at is not None
    token.refresh_from_db()
    assert token.revoked_at is None
    response = key_api.get("/api/v1/stock/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_revoked"


def test_viewer_cannot_create_or_revoke(make_user):
    viewer = verified_client(make_user("열람자", rights={"settings": {"view"}}, totp=True))
    client = client_make()
    assert viewer.get(CLIENTS).status_code == 200
    assert viewer.post(TOKENS + "new/", {"client": client.pk, "name": "x"}).status_code in {302, 403}
    assert not ApiToken.objects.exists()


def test_log_list_filters_and_constant_queries(operator):
    one, two = client_make(name="A"), client_make(name="B")
    rows = [
        ApiLogEntry(
            client=one if n % 2 else two,
            method="GET",
            path="/api/v1/orders/",
            status=200 if n % 3 else 401,
            latency_ms=n,
            request_id=f"r{n}",
        )
        for n in range(30)
    ]
    ApiLogEntry.objects.bulk_create(rows[:3])
    operator.get(LOG)
    with CaptureQueriesContext(connection) as few:
        assert operator.get(LOG).status_code == 200
    ApiLogEntry.objects.bulk_create(rows[3:])
    with CaptureQueriesContext(connection) as many:
        response = operator.get(LOG)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "r29" in response.content.decode()
    filtered = operator.get(LOG, {"client": one.pk, "status": 401})
    listed = list(filtered.context["object_list"])
    assert listed and all(e.client_id == one.pk and e.status == 401 for e in listed)
    assert operator.get(LOG, {"request_id": "r7"}).context["object_list"][0].request_id == "r7"
