"""Tokens: hashed at rest, 401 with a clear code when missing, wrong, expired, revoked or the client off;
allowed IPs per client; per-client throttling; the call log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.api.models import ApiLogEntry, ApiToken
from modules.api.services import hash_key, token_revoke
from tests.api.conftest import Api

URL = "/api/v1/stock/"


def error_code(response):
    return response.json()["error"]["code"]


def test_token_is_stored_hashed_and_works(api):
    stored = ApiToken.objects.get(pk=api.token.pk)
    assert api.key not in {stored.prefix, stored.key_hash}
    assert stored.key_hash == hash_key(api.key)
    response = api.get(URL)
    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "not_authenticated"),
        ("Bearer", "token_invalid"),
        ("Token abc", "token_invalid"),
        ("Bearer jt_nope_nope", "token_invalid"),
        ("Bearer garbage", "token_invalid"),
    ],
)
def test_missing_or_wrong_token_is_401(db, header, code):
    client = Api(None) if header is None else Api(None, HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert error_code(response) == code
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["message"]


def test_wrong_secret_with_a_real_prefix_is_401(api):
    prefix = api.token.prefix
    response = Api(f"jt_{prefix}_wrongsecret").get(URL)
    assert response.status_code == 401
    assert error_code(response) == "token_invalid"


def test_expired_token_is_401_token_expired(make_api):
    api = make_api(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get(URL)
    assert response.status_code == 401
    assert error_code(response) == "token_expired"


def test_revoked_token_is_401_token_revoked(api):
    token_revoke(token=api.token)
    response = api.get(URL)
    assert response.status_code == 401
    assert error_code(response) == "token_revoked"


def test_inactive_client_is_401(api):
    api.api_client.is_active = False
    api.api_client.save()
    response = api.get(URL)
    assert response.status_code == 401
    assert error_code(response) == "client_inactive"


def test_allowed_ips_of_the_client(make_api):
    inside = make_api(allowed_ips="10.0.0.0/8\n192.0.2.7")
    assert inside.get(URL, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert inside.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 200
    response = inside.get(URL, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert error_code(response) == "ip_not_allowed"
    assert "203.0.113.9" in response.json()["error"]["message"]


def test_no_allowed_ips_means_any_address(api):
    assert api.get(URL, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_throttle_is_per_client(make_api):
    slow = make_api(rate="3/min")
    other = make_api(rate="3/min")
    assert [slow.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    response = slow.get(URL)
    assert response.status_code == 429
    assert error_code(response) == "throttled"
    assert int(response["Retry-After"]) >= 1
    assert other.get(URL).status_code == 200  # another client has its own budget


def test_every_call_is_logged_once_with_request_id(api):
    ok = api.get(URL, HTTP_X_REQUEST_ID="pos-42")
    denied = Api("jt_x_y").get(URL)
    rows = list(ApiLogEntry.objects.order_by("id"))
    assert [(r.client_id, r.method, r.path, r.status, r.request_id) for r in rows] == [
        (api.api_client.pk, "GET", URL, 200, "pos-42"),
        (None, "GET", URL, 401, denied["X-Request-ID"]),
    ]
    assert ok["X-Request-ID"] == "pos-42"
    assert rows[1].error_code == "token_invalid"
    assert rows[0].token_prefix == api.token.prefix
    assert all(r.latency_ms >= 0 for r in rows)


def test_a_nul_in_the_url_is_logged_escaped(api):
    """%00 decodes to a NUL that PostgreSQL text refuses: the call is still logged."""
    response = api.get("/api/v1/x%00/")
    assert response.status_code == 404
    assert list(ApiLogEntry.objects.values_list("path", "status")) == [("/api/v1/x\\x00/", 404)]
