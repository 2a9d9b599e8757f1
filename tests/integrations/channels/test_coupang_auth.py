"""Coupang HMAC signing: known answers, and the simulator refusing what the gateway refuses."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from integrations.channels.base import AuthFailed, ChannelConfig, RateLimit, RateLimited
from integrations.channels.coupang import auth
from integrations.channels.coupang.adapter import CoupangAdapter
from integrations.channels.http import rate_limiters
from integrations.sandbox.core import KST, SandboxTransport
from integrations.sandbox.coupang import DEMO_CREDENTIALS, CoupangSandbox

ORDERSHEETS = "/v2/providers/openapi/apis/api/v5/vendors/A00012345/ordersheets"
QUERY = "createdAtFrom=2025-03-01%2B09%3A00&createdAtTo=2025-03-02%2B09%3A00&status=ACCEPT&maxPerPage=50"
SECRET = "3c9a7e1f5b2d8c4a6e0f1b3d5c7a9e2f4b6d8a0c"


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


def make_adapter(transport, *, credentials=None, clock=None, rate_limit=None, max_retries=0):
    config = ChannelConfig(
        store_key="store:coupang-auth",
        base_url=CoupangAdapter.default_base_url,
        credentials=dict(credentials or DEMO_CREDENTIALS),
        transport=transport,
        rate_limit=rate_limit or RateLimit(1000, 1000),
        backoff_base=0.0,
        max_retries=max_retries,
    )
    return CoupangAdapter(config, clock=clock)


# -- known answers (signatures cross-checked with `openssl dgst -sha256 -hmac`) -----------------


def test_signed_date_is_utc_yymmdd_t_hhmmss_z():
    assert auth.signed_date(datetime(2025, 3, 1, 9, 30, 15, tzinfo=UTC)) == "250301T093015Z"
    kst = datetime(2025, 3, 2, 3, 30, 15, tzinfo=KST)
    assert auth.signed_date(kst) == "250301T183015Z"
    with pytest.raises(ValueError):
        auth.signed_date(datetime(2025, 3, 1, 9, 30, 15))


def test_string_to_sign_and_signature_known_answer():
    message = auth.string_to_sign("250301T093015Z", "GET", ORDERSHEETS, QUERY)
    assert message == f"250301T093015ZGET{ORDERSHEETS}{QUERY}"
    assert auth.signature(SECRET, message) == "951aa9ee7f6e9c19f388e43f969b2c20925f00e8a2572e8a0553f5eafede7e71"


def test_post_without_query_signs_date_method_path():
    path = "/v2/providers/openapi/apis/api/v4/vendors/A00012345/orders/invoices"
    message = auth.string_to_sign("250301T093015Z", "post", path, "")
    assert message == f"250301T093015ZPOST{path}"
    assert auth.signature("secret", message) == "8e8dbbbc13d26da83d87852eda17d9305d51a0b4e05fc17c2cc2756234c0c9f2"


def test_authorization_header_round_trip():
    header = auth.authorization(
        access_key="AK",
        secret_key=SECRET,
        method="GET",
        path=ORDERSHEETS,
        query=QUERY,
        now=datetime(2025, 3, 1, 9, 30, 15, tzinfo=UTC),
    )
    assert header == (
        "CEA algorithm=HmacSHA256, access-key=AK, signed-date=250301T093015Z, "
        "signature=951aa9ee7f6e9c19f388e43f969b2c20925f00e8a2572e8a0553f5eafede7e71"
    )
    assert auth.parse_authorization(header)["signed_date"] == "250301T093015Z"
    assert auth.parse_authorization("Bearer x") is None


def test_client_signs_the_query_exactly_as_sent_and_every_retry_anew():
    seen = []
    moments = iter(datetime(2025, 3, 1, 9, 30, s, tzinfo=UTC) for s in range(10))

    def handler(request: httpx.Request):
        seen.append(request)
        return httpx.Response(500) if len(seen) == 1 else httpx.Response(200, json={"code": 200, "data": []})

    adapter = make_adapter(httpx.MockTransport(handler), clock=lambda: next(moments), max_retries=2)
    adapter.client.ordersheets(created_from="2025-03-01+09:00", created_to="2025-03-02+09:00", status="ACCEPT")
    assert len(seen) == 2
    dates = []
    for request in seen:
        parts = auth.parse_authorization(request.headers["Authorization"])
        path, query = auth.split_raw_target(request.url.raw_path.decode())
        assert "%2B09%3A00" in query  # signed in its encoded form
        expected = auth.signature(DEMO_CREDENTIALS["secret_key"], parts["signed_date"] + "GET" + path + query)
        assert parts["signature"] == expected and parts["access_key"] == DEMO_CREDENTIALS["access_key"]
        dates.append(parts["signed_date"])
        assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert dates == ["250301T093000Z", "250301T093001Z"]


# -- the simulator refuses like the gateway -----------------------------------------------------


def test_valid_signature_is_accepted_and_verify_is_ok():
    result = make_adapter(SandboxTransport(CoupangSandbox())).verify()
    assert result.ok is True and "A00012345" in result.message


def test_wrong_secret_is_invalid_signature():
    adapter = make_adapter(SandboxTransport(CoupangSandbox()), credentials={**DEMO_CREDENTIALS, "secret_key": "x" * 40})
    with pytest.raises(AuthFailed) as exc:
        adapter.client.return_centers(page=1)
    assert "Invalid signature." in exc.value.message and exc.value.status == 401
    assert exc.value.request_id  # Coupang's transactionId
    result = adapter.verify()
    assert result.ok is False and "Invalid signature." in result.message and result.code == "401"


def test_clock_skew_is_an_expired_signature():
    skewed = make_adapter(SandboxTransport(CoupangSandbox()), clock=lambda: datetime.now(UTC) - timedelta(minutes=6))
    with pytest.raises(AuthFailed) as exc:
        skewed.client.return_centers(page=1)
    assert "Specified signature is expired." in exc.value.message
    assert "서버 시계" in exc.value.message
    assert skewed.verify().ok is False
    slightly_off = make_adapter(
        SandboxTransport(CoupangSandbox()), clock=lambda: datetime.now(UTC) + timedelta(minutes=4)
    )
    assert slightly_off.verify().ok is True


def test_unknown_access_key():
    adapter = make_adapter(SandboxTransport(CoupangSandbox()), credentials={**DEMO_CREDENTIALS, "access_key": "nope"})
    result = adapter.verify()
    assert result.ok is False and "Access Key" in result.message and "Unknown error occurred" in result.message


def test_vendor_id_of_another_seller_is_refused():
    adapter = make_adapter(
        SandboxTransport(CoupangSandbox()), credentials={**DEMO_CREDENTIALS, "vendor_id": "A00099999"}
    )
    result = adapter.verify()
    assert result.ok is False and result.code == "403" and "A00099999" in result.message


def test_missing_or_malformed_header():
    sandbox = CoupangSandbox()
    with httpx.Client(base_url="https://api-gateway.coupang.com", transport=SandboxTransport(sandbox)) as client:
        missing = client.get(ORDERSHEETS, params={"status": "ACCEPT"})
        malformed = client.get(ORDERSHEETS, headers={"Authorization": "CEA signature=abc"})
    assert missing.status_code == 401 and missing.json()["message"] == "Request is not authorized."
    assert missing.json()["code"] == "ERROR" and "transactionId" in missing.json()
    assert malformed.status_code == 401 and malformed.json()["message"] == "HMAC format is invalid."


def test_other_accounts_can_be_configured():
    other = {"vendor_id": "A00077777", "access_key": "ak-2", "secret_key": "sk-2-secret"}
    sandbox = CoupangSandbox(accounts=[DEMO_CREDENTIALS, other])
    assert make_adapter(SandboxTransport(sandbox), credentials=other).verify().ok is True
    assert make_adapter(SandboxTransport(CoupangSandbox()), credentials=other).verify().ok is False


def test_missing_credentials_do_not_call():
    result = make_adapter(
        httpx.MockTransport(lambda r: pytest.fail("called")), credentials={"vendor_id": "A1"}
    ).verify()
    assert result.ok is False and result.code == "missing_credentials"


def test_sandbox_throttles_above_ten_per_second_when_enforced():
    sandbox = CoupangSandbox(enforce_rate_limit=True)
    fast = make_adapter(SandboxTransport(sandbox), rate_limit=RateLimit(1000, 1000), max_retries=0)
    with pytest.raises(RateLimited) as exc:
        for _ in range(25):
            fast.client.return_centers(page=1)
    assert exc.value.status == 429
    assert 10 < len(sandbox.received) <= 25


def test_a_bucket_within_ten_per_second_never_trips_the_throttle():
    # burst + rate <= 10 keeps every one-second window at <= 10 requests, so the adapter's own
    # limit never trips Coupang's throttle (which may block a vendor for minutes).
    sandbox = CoupangSandbox(enforce_rate_limit=True)
    adapter = make_adapter(SandboxTransport(sandbox), rate_limit=CoupangAdapter.rate_limit, max_retries=0)
    for _ in range(11):
        adapter.client.return_centers(page=1)
    assert len(sandbox.received) == 11
    assert CoupangAdapter.rate_limit.rate + CoupangAdapter.rate_limit.burst <= 10
