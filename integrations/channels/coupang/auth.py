"""Coupang WING Open API request signing (shared/reference/channels.md §1.1).

Every request carries ``Authorization: CEA algorithm=HmacSHA256, access-key=…, signed-date=…,
signature=…``. The signature is HMAC-SHA256 (key = secret key) over
``signed-date + METHOD + path + query`` — path without host, query exactly as sent (already
URL-encoded) without the leading ``?``, no separators, body not signed — in lower-case hex. The
signed-date is UTC ``yyMMdd'T'HHmmss'Z'`` and is made anew for every attempt: the gateway refuses
stale or skewed dates with 401 "Specified signature is expired.". There is no token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime

ALGORITHM = "HmacSHA256"
SIGNED_DATE_FORMAT = "%y%m%dT%H%M%SZ"

_HEADER = re.compile(
    r"^CEA\s+algorithm=(?P<algorithm>[^,\s]+),\s*access-key=(?P<access_key>[^,\s]+),\s*"
    r"signed-date=(?P<signed_date>[^,\s]+),\s*signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


def signed_date(now: datetime) -> str:
    """``now`` (aware) as Coupang's UTC signed-date, e.g. ``250301T093015Z``."""
    if now.tzinfo is None:
        raise ValueError("signed_date needs an aware datetime")
    return now.astimezone(UTC).strftime(SIGNED_DATE_FORMAT)


def parse_signed_date(value: str) -> datetime:
    return datetime.strptime(value, SIGNED_DATE_FORMAT).replace(tzinfo=UTC)


def string_to_sign(date: str, method: str, path: str, query: str = "") -> str:
    return f"{date}{method.upper()}{path}{query.removeprefix('?')}"


def signature(secret_key: str, message: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(*, access_key: str, secret_key: str, method: str, path: str, query: str, now: datetime) -> str:
    """The full ``Authorization`` header value for one request."""
    date = signed_date(now)
    sig = signature(secret_key, string_to_sign(date, method, path, query))
    return f"CEA algorithm={ALGORITHM}, access-key={access_key}, signed-date={date}, signature={sig}"


def split_raw_target(raw_target: str) -> tuple[str, str]:
    """``/path?a=1&b=2`` (as sent on the wire) → (``/path``, ``a=1&b=2``)."""
    path, _sep, query = raw_target.partition("?")
    return path, query


def parse_authorization(header: str) -> dict[str, str] | None:
    """The header's parts, or None when it is not a CEA header (used by the simulator and tests)."""
    found = _HEADER.match(header.strip()) if header else None
    return found.groupdict() if found else None
