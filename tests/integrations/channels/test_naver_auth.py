"""Naver token signing (known answer from the official docs), the token cache, and the simulator's
refusals as the adapter sees them."""

import base64
import time
from datetime import datetime, timedelta

import bcrypt
import httpx
import pytest

from integrations.channels.base import AuthFailed, ChannelConfig, RateLimit, RateLimited, Retryable, Window
from integrations.channels.http import rate_limiters
from integrations.channels.naver import auth
from integrations.channels.naver.adapter import NaverAdapter
from integrations.channels.naver.auth import TokenCache, token_cache
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.naver import DEMO_CREDENTIALS, NaverSandbox

BASE = NaverAdapter.default_base_url


@pytest.fixture(autouse=True)
def _fresh():
    token_cache.clear()
    rate_limiters.clear()
    yield
    token_cache.clear()


class Clock:
    """The simulator's clock: real time plus an offset the test moves."""

    def __init__(self):
        self.offset = timedelta(0)

    def __call__(self):
        return datetime.now(KST) + self.offset


def make_adapter(sandbox, credentials=None, **overrides):
    config = ChannelConfig(
        store_key=overrides.pop("store_key", "store:auth"),
        base_url=BASE,
        credentials=credentials or DEMO_CREDENTIALS,
        transport=SandboxTransport(sandbox),
        rate_limit=RateLimit(1000, 1000),
        backoff_base=0.0,
        **overrides,
    )
    return NaverAdapter(config)


def raw_client(sandbox):
    return httpx.Client(base_url=BASE, transport=SandboxTransport(sandbox))


def exchange(sandbox, timestamp_ms, credentials=DEMO_CREDENTIALS):
    form = auth.token_form(credentials["client_id"], credentials["client_secret"], timestamp_ms)
    with raw_client(sandbox) as client:
        return client.post("/v1/oauth2/token", data=form)


def now_ms(offset=timedelta(0)):
    return int((time.time() + offset.total_seconds()) * 1000)


# -- signing -------------------------------------------------------------------------------------


def test_documented_signature_known_answer():
    # The example of the official Commerce API docs ("전자서명 생성 방법"), Python/Node/Java alike.
    assert (
        auth.sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299)
        == "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy"
    )


def test_password_is_client_id_underscore_timestamp():
    signature = auth.sign("my-app", DEMO_CREDENTIALS["client_secret"], 1700000000000)
    hashed = base64.b64decode(signature)
    assert hashed.startswith(b"$2a$04$")
    assert bcrypt.checkpw(b"my-app_1700000000000", hashed)


def test_non_canonical_salt_is_normalised_and_junk_refused():
    assert auth.canonical_salt("$2a$10$abcdefghijklmnopqrstuv") == b"$2a$10$abcdefghijklmnopqrstuu"
    assert auth.canonical_salt(DEMO_CREDENTIALS["client_secret"]) == DEMO_CREDENTIALS["client_secret"].encode()
    for junk in ("", "secret", "$2a$10$short", "$2a$10$abcdefghijklmnopqrst!u"):
        with pytest.raises(ValueError):
            auth.canonical_salt(junk)


def test_token_form_self_and_seller():
    form = auth.token_form("app", DEMO_CREDENTIALS["client_secret"], 1700000000000)
    assert form["type"] == "SELF" and "account_id" not in form
    assert form["grant_type"] == "client_credentials" and form["timestamp"] == "1700000000000"
    assert DEMO_CREDENTIALS["client_secret"] not in form.values()  # only the signature travels
    seller = auth.token_form("app", DEMO_CREDENTIALS["client_secret"], 1700000000000, "ncp_seller_1")
    assert seller["type"] == "SELLER" and seller["account_id"] == "ncp_seller_1"


def test_token_cache_refreshes_five_minutes_early_and_drops_only_its_token():
    now = [1000.0]
    cache = TokenCache(clock=lambda: now[0])
    key = ("base", "app", "SELF", "")
    cache.put(key, "t1", 10800)
    assert cache.get(key) == "t1"
    now[0] += 10800 - 301
    assert cache.get(key) == "t1"
    now[0] += 2
    assert cache.get(key) is None
    cache.put(key, "t2", 10800)
    cache.drop(key, "someone-else")
    assert cache.get(key) == "t2"
    cache.drop(key, "t2")
    assert cache.get(key) is None


# -- the simulator's token endpoint --------------------------------------------------------------


def test_sandbox_issues_three_hour_tokens_and_reuses_them_while_30_minutes_remain():
    clock = Clock()
    sandbox = NaverSandbox(clock=clock)
    first = exchange(sandbox, now_ms())
    assert first.status_code == 200 and first.headers["GNCP-GW-Trace-ID"]
    body = first.json()
    assert body["token_type"] == "Bearer" and 10790 <= body["expires_in"] <= 10800
    clock.offset = timedelta(hours=2, minutes=20)  # 40 minutes left: same token
    again = exchange(sandbox, now_ms(clock.offset)).json()
    assert again["access_token"] == body["access_token"] and again["expires_in"] <= 40 * 60
    clock.offset = timedelta(hours=2, minutes=40)  # 20 minutes left: a new one, the old one still works
    renewed = exchange(sandbox, now_ms(clock.offset)).json()
    assert renewed["access_token"] != body["access_token"] and renewed["expires_in"] >= 10790
    with raw_client(sandbox) as client:
        old = client.get(
            "/v1/seller/addressbooks-for-page", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert old.status_code == 200
        clock.offset = timedelta(hours=3, minutes=1)
        expired = client.get(
            "/v1/seller/addressbooks-for-page", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
    assert expired.status_code == 401
    error = expired.json()
    assert error["code"] == "GW.AUTHN" and error["traceId"] == expired.headers["GNCP-GW-Trace-ID"]
    assert set(error) == {"code", "message", "timestamp", "traceId"}


def test_sandbox_accepts_url_safe_base64_signatures():
    sandbox = NaverSandbox()
    form = auth.token_form(DEMO_CREDENTIALS["client_id"], DEMO_CREDENTIALS["client_secret"], now_ms())
    hashed = base64.b64decode(form["client_secret_sign"])
    form["client_secret_sign"] = base64.urlsafe_b64encode(hashed).decode()
    with raw_client(sandbox) as client:
        assert client.post("/v1/oauth2/token", data=form).status_code == 200
        # The spec lists the parameters as query parameters; those work too.
        form["timestamp"] = str(now_ms())
        form["client_secret_sign"] = auth.sign(
            form["client_id"], DEMO_CREDENTIALS["client_secret"], int(form["timestamp"])
        )
        assert client.post("/v1/oauth2/token", params=form).status_code == 200


def test_sandbox_refuses_missing_parameters_with_invalid_inputs():
    sandbox = NaverSandbox()
    with raw_client(sandbox) as client:
        response = client.post("/v1/oauth2/token", data={"client_id": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "BadRequest" and body["invalidInputs"][0]["name"] == "timestamp"


# -- what the adapter makes of refusals ----------------------------------------------------------


def test_verify_ok_with_demo_credentials():
    sandbox = NaverSandbox()
    result = make_adapter(sandbox).verify()
    assert result.ok, result.message
    assert [item["path"] for item in sandbox.received] == [
        "/v1/oauth2/token",
        "/v1/pay-order/seller/product-orders/last-changed-statuses",
    ]


def test_bad_signature_is_auth_failed_with_navers_message():
    sandbox = NaverSandbox()
    wrong = {"client_id": DEMO_CREDENTIALS["client_id"], "client_secret": "$2a$04$SomeOtherSaltValue0000u"}
    result = make_adapter(sandbox, wrong).verify()
    assert not result.ok and result.code == "GW.AUTHN"
    assert "client_secret_sign" in result.message and "권한이 없습니다" in result.message
    with pytest.raises(AuthFailed) as excinfo:
        make_adapter(sandbox, wrong).client.token()
    assert excinfo.value.status == 401 and excinfo.value.request_id


def test_clock_skew_is_auth_failed():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    adapter.client.clock = lambda: time.time() - 400  # 6m40s behind
    result = adapter.verify()
    assert not result.ok and result.code == "BadRequest" and "5분" in result.message
    adapter.client.clock = lambda: time.time() + 400
    with pytest.raises(AuthFailed):
        list(adapter.fetch_orders(Window(datetime.now(KST) - timedelta(hours=1), datetime.now(KST))))


def test_unknown_client_and_malformed_secret():
    sandbox = NaverSandbox()
    unknown = {"client_id": "nobody", "client_secret": DEMO_CREDENTIALS["client_secret"]}
    result = make_adapter(sandbox, unknown).verify()
    assert not result.ok and "등록되지 않은 client_id" in result.message
    broken = make_adapter(sandbox, {"client_id": "x", "client_secret": "plain-secret"}).verify()
    assert not broken.ok and broken.code == "bad_secret"
    empty = make_adapter(sandbox, {"client_id": "", "client_secret": ""}).verify()
    assert not empty.ok and empty.code == "missing_credentials"


def test_seller_type_needs_the_linked_account():
    seller = {**DEMO_CREDENTIALS, "client_id": "solutionApp", "account_id": "ncp_1abc23_01"}
    sandbox = NaverSandbox(accounts=[seller])
    assert make_adapter(sandbox, seller).verify().ok
    token_request = sandbox.requests_to("/v1/oauth2/token")[0]["json"]
    assert token_request["type"] == "SELLER" and token_request["account_id"] == "ncp_1abc23_01"
    other = make_adapter(sandbox, {**seller, "account_id": "ncp_other"}, store_key="store:other").verify()
    assert not other.ok and other.code == "INTERLOCK_NOT_FOUND"
    as_self = make_adapter(sandbox, {**seller, "account_id": ""}, store_key="store:self").verify()
    assert not as_self.ok and as_self.code == "INTERLOCK_NOT_FOUND"


def test_expired_token_is_dropped_and_replaced_once():
    sandbox = NaverSandbox()
    sandbox.create_orders(3)
    adapter = make_adapter(sandbox)
    window = Window(datetime.now(KST) - timedelta(hours=1), datetime.now(KST) + timedelta(seconds=1))
    assert sum(len(page.items) for page in adapter.fetch_orders(window)) == 3
    sandbox.expire_tokens()
    assert sum(len(page.items) for page in adapter.fetch_orders(window)) == 3
    assert len(sandbox.requests_to("/v1/oauth2/token")) == 2
    # A token the channel never issued (e.g. a stale cache after a restart) is replaced the same way.
    token_cache.put(adapter.client.cache_key, "bogus-token", 10800)
    assert sum(len(page.items) for page in adapter.fetch_orders(window)) == 3
    assert len(sandbox.requests_to("/v1/oauth2/token")) == 3


def test_rejected_token_after_renewal_is_auth_failed():
    sandbox = NaverSandbox()
    adapter = make_adapter(sandbox)
    assert adapter.verify().ok
    sandbox.accounts = []  # the application was deleted at the channel
    sandbox.expire_tokens()
    with pytest.raises(AuthFailed) as excinfo:
        list(adapter.fetch_orders(Window(datetime.now(KST) - timedelta(hours=1), datetime.now(KST))))
    assert "등록되지 않은 client_id" in excinfo.value.message


def test_token_is_shared_by_stores_with_the_same_application():
    sandbox = NaverSandbox()
    assert make_adapter(sandbox, store_key="store:1").verify().ok
    assert make_adapter(sandbox, store_key="store:2").verify().ok
    assert len(sandbox.requests_to("/v1/oauth2/token")) == 1


def test_gateway_rate_limit_answer():
    sandbox = NaverSandbox(rate_limit=(0.001, 2))
    adapter = make_adapter(sandbox, max_retries=1)
    assert adapter.verify().ok  # token call is not limited; one API call used
    adapter.client.addressbooks_page(1)
    with raw_client(sandbox) as client:
        token = adapter.client.token()
        limited = client.get("/v1/seller/addressbooks-for-page", headers={"Authorization": f"Bearer {token}"})
    assert limited.status_code == 429 and limited.json()["code"] == "GW.RATE_LIMIT"
    assert limited.headers["GNCP-GW-RateLimit-Burst-Capacity"] == "2"
    assert limited.headers["GNCP-GW-RateLimit-Remaining"] == "0"
    with pytest.raises(RateLimited):
        adapter.client.addressbooks_page(1)


def test_cut_off_token_answer_is_asked_again():
    sandbox = NaverSandbox(faults=Faults(malformed_rate=1.0))
    adapter = make_adapter(sandbox)
    with pytest.raises(Retryable) as excinfo:
        adapter.client.token()
    assert excinfo.value.code == "malformed"
    assert len(sandbox.requests_to("/v1/oauth2/token")) == 3
    sandbox.faults.malformed_rate = 0.0
    assert adapter.client.token()
