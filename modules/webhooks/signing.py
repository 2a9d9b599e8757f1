"""Webhook signatures, and how a client checks them.

Every delivery is a ``POST`` with a JSON body and these headers:

- ``X-Jangteo-Event``: the event type, e.g. ``order.created``
- ``X-Jangteo-Delivery``: the delivery id (a UUID; the same on every retry of one delivery, so a
  client can drop duplicates with it)
- ``X-Jangteo-Timestamp``: Unix time in seconds when this attempt was signed
- ``X-Jangteo-Signature``: ``sha256=<hex>``, the HMAC-SHA256 with the subscription's secret of the
  bytes ``"<timestamp>.<body>"`` (the timestamp header, a full stop, the raw body as received)

A client verifies on the raw bytes before parsing the JSON, with a constant-time comparison, and
refuses timestamps too far from its own clock (replays). The function below is the reference; it
uses only the standard library and can be copied as is::

    ok = webhook_verify_signature(
        secret, request.headers["X-Jangteo-Timestamp"], request.body, request.headers["X-Jangteo-Signature"]
    )

The header may carry several comma-separated ``sha256=`` values; one match is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECONDS = 300


def webhook_signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Jangteo-Signature`` value for one attempt."""
    message = str(timestamp).encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def webhook_verify_signature(
    secret: str,
    timestamp: int | str,
    body: bytes,
    header: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``header`` is a valid signature of ``body`` at ``timestamp`` and the timestamp is
    within ``tolerance`` seconds of ``now`` (the current time by default; 0 turns the check off)."""
    try:
        signed_at = int(str(timestamp).strip())
    except (TypeError, ValueError):
        return False
    if tolerance and abs((time.time() if now is None else now) - signed_at) > tolerance:
        return False
    if isinstance(body, str):
        body = body.encode("utf-8")
    expected = webhook_signature(secret, signed_at, body)
    candidates = [part.strip() for part in (header or "").split(",")]
    return any(
        candidate.startswith(SIGNATURE_PREFIX) and hmac.compare_digest(candidate, expected) for candidate in candidates
    )
