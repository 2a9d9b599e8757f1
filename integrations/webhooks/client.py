"""POST one signed webhook body and report what happened; HTTP only, no Django models.

Short timeouts (a subscriber that hangs must not hold a worker), no redirects followed (a 3xx is
an answer like any other non-2xx), only the first ``EXCERPT_BYTES`` of the answer are read.
Network errors are returned, never raised, so the caller always has something to log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)
EXCERPT_BYTES = 1000
# The whole answer must arrive within this, however slowly a server drips its body.
DEADLINE_SECONDS = 15.0
USER_AGENT = "Jangteo-Webhooks/1"

# Tests (and the demo) route requests here instead of the network: an httpx transport, e.g.
# httpx.MockTransport(handler). None means the real network.
transport_override: httpx.BaseTransport | None = None


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    body_excerpt: str
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> PostResult:
    started = time.monotonic()
    transport = transport or transport_override
    try:
        with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
            request_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **headers}
            with client.stream("POST", url, content=body, headers=request_headers) as response:
                excerpt = b""
                for chunk in response.iter_bytes():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES or time.monotonic() - started > DEADLINE_SECONDS:
                        break
                return PostResult(
                    status_code=response.status_code,
                    body_excerpt=excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace"),
                    latency_ms=_elapsed_ms(started),
                )
    except httpx.TimeoutException as exc:
        return PostResult(None, "", _elapsed_ms(started), error=f"timeout: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return PostResult(None, "", _elapsed_ms(started), error=f"{type(exc).__name__}: {exc}"[:500])
    except ValueError as exc:  # an URL httpx cannot use
        return PostResult(None, "", _elapsed_ms(started), error=f"invalid URL: {exc}"[:500])


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))
