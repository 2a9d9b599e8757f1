"""11번가 authentication: a static ``openapikey`` header (no signature, no token, no clock).

There is no signing recipe to known-answer test; we check the exact header, the refusals before any
request, and the simulator's error XML for a wrong or missing key (AuthFailed with 11번가's message,
verify() → ok=False with that message), plus the quota error.
"""

from datetime import datetime
from pathlib import Path

import httpx
import pytest

from integrations.channels.base import AuthFailed, ChannelConfig, LineRef, RateLimit, RateLimited, Rejected
from integrations.channels.elevenst.adapter import ElevenstAdapter
from integrations.channels.elevenst.auth import auth_headers
from integrations.channels.http import rate_limiters
from integrations.sandbox.core import KST, Faults, SandboxTransport
from integrations.sandbox.elevenst import DEMO_CREDENTIALS, ElevenstSandbox

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "payloads" / "elevenst"


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


def make(sandbox=None, credentials=None, **config):
    sandbox = sandbox or ElevenstSandbox(clock=lambda: datetime(2026, 3, 10, 10, 0, tzinfo=KST))
    adapter = ElevenstAdapter(
        ChannelConfig(
            store_key="store:11st-auth",
            base_url=ElevenstAdapter.default_base_url,
            credentials=dict(DEMO_CREDENTIALS) if credentials is None else credentials,
            transport=config.pop("transport", None) or SandboxTransport(sandbox),
            rate_limit=RateLimit(1000, 1000),
            backoff_base=0.0,
            **config,
        )
    )
    return adapter, sandbox


def test_the_header_is_the_key_itself():
    assert auth_headers("abc123") == {"openapikey": "abc123"}
    assert auth_headers("  abc123 ") == {"openapikey": "abc123"}


@pytest.mark.parametrize("key", ["", "   ", "two words", "키"])
def test_unusable_keys_are_refused_before_any_request(key):
    with pytest.raises(AuthFailed):
        auth_headers(key)
    adapter, sandbox = make(credentials={"api_key": key})
    result = adapter.verify()
    assert not result.ok and result.code in {"missing_key", "malformed_key"}
    assert not sandbox.received


def test_demo_key_verifies():
    adapter, sandbox = make()
    result = adapter.verify()
    assert result.ok and "출고지 1개" in result.message
    assert sandbox.received[-1] == ("GET", "/areaservice/outboundarea")


def test_wrong_key_answers_11st_error_xml_in_euc_kr():
    sandbox = ElevenstSandbox()
    with httpx.Client(base_url="http://sandbox", transport=SandboxTransport(sandbox)) as client:
        response = client.get("/rest/areaservice/outboundarea", headers={"openapikey": "wrong-key"})
    assert response.status_code == 200  # [U] 11번가 reports errors in the body
    assert response.headers["content-type"] == "text/xml;charset=EUC-KR"
    assert response.content.startswith(b'<?xml version="1.0" encoding="euc-kr"')
    text = response.content.decode("euc-kr")
    assert "<result_code>-997</result_code>" in text and "인증키가 올바르지 않습니다." in text


def test_wrong_key_raises_auth_failed_and_verify_reports_it():
    adapter, _sandbox = make(credentials={"api_key": "not-the-demo-key"})
    with pytest.raises(AuthFailed) as exc:
        adapter.client.addresses(outbound=True)
    assert exc.value.code == "-997" and exc.value.message == "인증키가 올바르지 않습니다."
    result = adapter.verify()
    assert (result.ok, result.code, result.message) == (False, "-997", "인증키가 올바르지 않습니다.")


def test_auth_failed_stops_a_batch():
    adapter, _sandbox = make(credentials={"api_key": "not-the-demo-key"})
    with pytest.raises(AuthFailed):
        adapter.acknowledge([LineRef("202603100000001", "202603100000001-1", "500000001")])


def test_accounts_configure_the_valid_keys():
    other = {"api_key": "another-seller-key-0000000000000"}
    sandbox = ElevenstSandbox(accounts=[other])
    assert make(sandbox, credentials=other)[0].verify().ok
    demo = make(sandbox)[0].verify()
    assert not demo.ok and demo.code == "-997"


def test_missing_header_is_refused_by_the_simulator():
    sandbox = ElevenstSandbox()
    with httpx.Client(base_url="http://sandbox", transport=SandboxTransport(sandbox)) as client:
        text = client.get("/rest/areaservice/inboundarea").content.decode("euc-kr")
    assert "-997" in text and "openapikey" in text


def test_http_401_with_xml_body_is_auth_failed():
    body = (FIXTURES / "error_auth.xml").read_bytes()
    transport = httpx.MockTransport(lambda request: httpx.Response(401, content=body))
    adapter, _ = make(transport=transport)
    with pytest.raises(AuthFailed) as exc:
        adapter.client.addresses(outbound=False)
    assert exc.value.code == "-997"


def test_quota_error_in_a_200_body_is_rate_limited():
    body = (FIXTURES / "error_quota.xml").read_bytes()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": "text/xml;charset=EUC-KR"})
    )
    adapter, _ = make(transport=transport)
    with pytest.raises(RateLimited) as exc:
        adapter.client.addresses(outbound=True)
    assert exc.value.code == "004" and "overedTraffic" in exc.value.message


def test_simulator_429_answers_004_and_exhausted_retries_are_rate_limited():
    sandbox = ElevenstSandbox(faults=Faults(rate_429=1.0, retry_after=0))
    with httpx.Client(base_url="http://sandbox", transport=SandboxTransport(sandbox)) as client:
        response = client.get("/rest/areaservice/outboundarea", headers={"openapikey": DEMO_CREDENTIALS["api_key"]})
    assert response.status_code == 429 and "overedTraffic" in response.content.decode("euc-kr")
    adapter, _ = make(sandbox, max_retries=1)
    with pytest.raises(RateLimited):
        adapter.client.addresses(outbound=True)


def test_other_errors_are_rejected_with_the_channel_code():
    adapter, _ = make()
    with pytest.raises(Rejected) as exc:
        adapter.client.order_list("complete", "202603010000", "202603090000")
    assert exc.value.code == "-1002" and "7일" in exc.value.message


def test_key_is_masked_in_logs(caplog):
    adapter, _ = make()
    with caplog.at_level("DEBUG", logger="jangteo.channels.http"):
        adapter.verify()
    assert caplog.records and DEMO_CREDENTIALS["api_key"] not in caplog.text
