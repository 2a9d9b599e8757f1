import logging

import httpx
import pytest

from integrations.channels.base import RateLimit, RateLimited, Retryable
from integrations.channels.http import ChannelHttp, TokenBucket, rate_limiters


@pytest.fixture(autouse=True)
def _fresh_buckets():
    rate_limiters.clear()


def make_http(handler, **kwargs):
    sleeps = []
    http = ChannelHttp(
        base_url="https://api.example",
        store_key="store:1",
        rate_limit=RateLimit(rate=1000, burst=1000),
        channel="test",
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
        **kwargs,
    )
    return http, sleeps


def test_retries_429_honouring_retry_after_then_succeeds():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) < 3:
            return httpx.Response(429, headers={"Retry-After": "2"})
        return httpx.Response(200, json={"ok": True})

    http, sleeps = make_http(handler)
    assert http.request("GET", "/x").json() == {"ok": True}
    assert len(calls) == 3
    assert sleeps == [2.0, 2.0]


def test_gives_up_with_rate_limited_after_max_retries():
    http, sleeps = make_http(lambda request: httpx.Response(429, headers={"Retry-After": "1"}), max_retries=2)
    with pytest.raises(RateLimited) as exc:
        http.request("GET", "/x")
    assert exc.value.retry_after == 1.0
    assert len(sleeps) == 2


def test_5xx_and_timeouts_are_retried_with_backoff():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if len(calls) == 2:
            return httpx.Response(503)
        return httpx.Response(200, json={})

    http, sleeps = make_http(handler, backoff_base=0.5)
    assert http.request("GET", "/x").status_code == 200
    assert len(sleeps) == 2
    assert all(0 <= s <= 30 for s in sleeps)


def test_persistent_5xx_raises_retryable():
    http, _ = make_http(lambda request: httpx.Response(500), max_retries=1)
    with pytest.raises(Retryable) as exc:
        http.request("GET", "/x")
    assert exc.value.status == 500


def test_4xx_is_returned_to_the_caller_without_retry():
    calls = []
    http, sleeps = make_http(lambda request: calls.append(1) or httpx.Response(400, json={"code": "BAD"}))
    assert http.request("POST", "/x").status_code == 400
    assert len(calls) == 1 and sleeps == []


def test_each_attempt_is_signed_again():
    signatures = []

    def sign(request):
        signatures.append(len(signatures))
        request.headers["Authorization"] = f"sig-{len(signatures)}"

    seen = []

    def handler(request):
        seen.append(request.headers["Authorization"])
        return httpx.Response(500) if len(seen) == 1 else httpx.Response(200)

    http, _ = make_http(handler)
    http.request("GET", "/x", sign=sign)
    assert seen == ["sig-1", "sig-2"]


def test_token_bucket_waits_at_the_published_rate():
    now = [0.0]
    bucket = TokenBucket(RateLimit(rate=10, burst=2), clock=lambda: now[0])
    assert bucket.reserve() == 0 and bucket.reserve() == 0
    assert bucket.reserve() == pytest.approx(0.1)
    now[0] += 1.0
    assert bucket.reserve() == 0


def test_logs_hide_secrets_and_query_values(caplog):
    http, _ = make_http(lambda request: httpx.Response(200), secrets=["SECRET-KEY-123"])
    with caplog.at_level(logging.DEBUG, logger="jangteo.channels.http"):
        http.request("GET", "/vendors/SECRET-KEY-123/x", params={"receiverName": "홍길동"})
    text = caplog.text
    assert "SECRET-KEY-123" not in text and "홍길동" not in text
    assert "receiverName" in text
