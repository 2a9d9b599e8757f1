"""HTTP behaviour shared by every channel client: timeouts, retries, rate limiting, redaction.

A channel's ``client.py`` builds one ``ChannelHttp`` per store and calls ``request()`` with a
``sign`` callback that (re)signs each attempt (Coupang's signed-date changes per request).

- Retries: 429 (honouring Retry-After), 5xx and network timeouts, with exponential backoff and
  full jitter, up to ``max_retries``; then RateLimited / Retryable is raised.
- 401/403 are returned to the caller, which knows the channel's error body and raises AuthFailed.
- A token bucket per store keeps us under the channel's published rate (shared by the threads of a
  process; each worker process has its own bucket, so set WORKER_PROCESSES with that in mind).
- Logs never contain secrets or personal data: headers are dropped, known secrets are masked and
  query strings are logged by parameter name only.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from .base import RateLimit, RateLimited, Retryable

logger = logging.getLogger("jangteo.channels.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class TokenBucket:
    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.clock = clock
        self.tokens = float(limit.burst)
        self.updated = clock()
        self.lock = threading.Lock()

    def reserve(self) -> float:
        """Takes a token; returns how long to wait before using it (0 when one was free)."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.limit.burst, self.tokens + (now - self.updated) * self.limit.rate)
            self.updated = now
            self.tokens -= 1
            if self.tokens >= 0:
                return 0.0
            return -self.tokens / self.limit.rate


class RateLimiterRegistry:
    """One bucket per key (a store), created on first use."""

    def __init__(self) -> None:
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, key: str, limit: RateLimit) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or bucket.limit != limit:
                bucket = self._buckets[key] = TokenBucket(limit)
            return bucket

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


rate_limiters = RateLimiterRegistry()


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class ChannelHttp:
    def __init__(
        self,
        *,
        base_url: str,
        store_key: str,
        rate_limit: RateLimit,
        channel: str,
        timeout: float = 15.0,
        max_retries: int = 4,
        transport: httpx.BaseTransport | None = None,
        secrets: Iterable[str] = (),
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        request_id_header: str = "",
    ):
        self.channel = channel
        self.store_key = store_key
        self.rate_limit = rate_limit
        self.max_retries = max_retries
        self.secrets = [s for s in secrets if s]
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep
        self.request_id_header = request_id_header
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self.client.close()

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.backoff_cap * 4)
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))  # noqa: S311

    def _throttle(self) -> None:
        wait = rate_limiters.bucket(self.store_key, self.rate_limit).reserve()
        if wait > 0:
            self.sleep(wait)

    def request_id(self, response: httpx.Response) -> str:
        return response.headers.get(self.request_id_header, "") if self.request_id_header else ""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        data: dict[str, Any] | None = None,
        sign: Callable[[httpx.Request], None] | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        attempts = (self.max_retries if retry else 0) + 1
        last_error: Exception | None = None
        for attempt in range(attempts):
            self._throttle()
            request = self.client.build_request(
                method, path, params=params, headers=headers, json=json, content=content, data=data
            )
            if sign is not None:
                sign(request)
            started = time.perf_counter()
            try:
                response = self.client.send(request)
                response.read()
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                last_error = exc
                self._log(request, None, started, attempt, note=type(exc).__name__)
                if attempt + 1 < attempts:
                    self.sleep(self._backoff(attempt, None))
                    continue
                raise Retryable(
                    f"{self.channel}: 응답이 없습니다 ({type(exc).__name__})", code="timeout"
                ) from exc
            self._log(request, response, started, attempt)
            if response.status_code not in RETRY_STATUSES:
                return response
            retry_after = retry_after_seconds(response)
            if attempt + 1 < attempts:
                self.sleep(self._backoff(attempt, retry_after))
                continue
            if response.status_code == 429:
                raise RateLimited(
                    f"{self.channel}: 호출 한도를 넘었습니다 (429)",
                    retry_after=retry_after,
                    code="429",
                    status=429,
                    request_id=self.request_id(response),
                )
            raise Retryable(
                f"{self.channel}: 서버 오류 {response.status_code}",
                code=str(response.status_code),
                status=response.status_code,
                request_id=self.request_id(response),
            )
        raise Retryable(f"{self.channel}: 요청 실패", code="unknown") from last_error  # pragma: no cover

    def _log(self, request: httpx.Request, response: httpx.Response | None, started: float, attempt: int, note=""):
        if not logger.isEnabledFor(logging.DEBUG):
            return
        # Path only, query by parameter names: values can hold names, phones or keys.
        query_names = ",".join(sorted({key for key, _value in request.url.params.multi_items()}))
        logger.debug(
            "%s %s %s%s -> %s %.0fms attempt=%d %s",
            self.channel,
            request.method,
            redact(request.url.path, self.secrets),
            f"?[{query_names}]" if query_names else "",
            response.status_code if response is not None else "-",
            (time.perf_counter() - started) * 1000,
            attempt + 1,
            note or (self.request_id(response) if response is not None else ""),
        )
