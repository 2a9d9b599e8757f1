"""11번가 authentication: one static key in the ``openapikey`` header; no signature, no token, no clock.

The key is issued in 셀러오피스 → Open API 관리 for one seller account, and 11번가 only accepts
calls from caller IPs registered there (channels.md §3.1 [S]). A refused key or an unregistered IP
comes back as an ordinary XML result with a negative ``result_code``; the codes below are the ones
our simulator answers and are **not** confirmed against the live API [U].
"""

from __future__ import annotations

from ..base import AuthFailed

HEADER = "openapikey"

# result_code → meaning, for the codes we treat as "credentials refused" (AuthFailed). [U]
AUTH_ERROR_CODES: dict[str, str] = {
    "-997": "인증키가 올바르지 않습니다.",
    "-998": "등록되지 않은 IP에서 호출했습니다.",
    "-999": "인증키가 만료되었습니다.",
}


def auth_headers(api_key: str) -> dict[str, str]:
    """The request headers that authenticate a call. Raises AuthFailed for an unusable key."""
    key = (api_key or "").strip()
    if not key:
        raise AuthFailed("11번가 Open API 인증키가 입력되지 않았습니다.", code="missing_key")
    if any(ch.isspace() for ch in key) or not key.isascii():
        raise AuthFailed("11번가 Open API 인증키 형식이 올바르지 않습니다.", code="malformed_key")
    return {HEADER: key}


def is_auth_error(code: str) -> bool:
    return code in AUTH_ERROR_CODES
