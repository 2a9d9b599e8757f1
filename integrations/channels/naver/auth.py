"""Naver Commerce API token signing and the process-wide token cache (§2.1).

``client_secret_sign = Base64(bcrypt.hashpw(f"{client_id}_{timestamp_ms}", client_secret))``: the
client secret *is* a bcrypt salt (``$2a$04$…`` / ``$2a$10$…``). Tokens live 3 hours; Naver hands
back the same token while ≥30 minutes remain, so we keep ours until 5 minutes before it expires
and drop it early when an API call answers 401 ``GW.AUTHN``.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import bcrypt

BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_REFRESH_MARGIN = 300.0  # seconds before expiry we stop using a cached token
TOKEN_PATH = "/v1/oauth2/token"


def canonical_salt(client_secret: str) -> bytes:
    """The secret as a salt python-bcrypt accepts.

    A 22-character bcrypt salt carries 128 bits, so only the top 2 bits of its last character count.
    jBCrypt and node's bcrypt ignore the rest; python-bcrypt ≥5 refuses a salt whose spare bits are set
    (Naver's own documented example secret ``$2a$10$abcdefghijklmnopqrstuv`` is one). Clearing them
    gives the same hash the other libraries compute.
    """
    secret = (client_secret or "").strip()
    parts = secret.split("$")
    # "", "2a", "10", "<22-char salt>[hash]"
    if len(parts) != 4 or len(parts[3]) < 22:
        raise ValueError("client_secret is not a bcrypt salt ($2a$NN$ + 22 characters)")
    salt = parts[3][:22]
    index = BCRYPT_ALPHABET.find(salt[-1])
    if index < 0 or any(ch not in BCRYPT_ALPHABET for ch in salt):
        raise ValueError("client_secret has characters outside the bcrypt alphabet")
    salt = salt[:-1] + BCRYPT_ALPHABET[index & 0b110000]
    return f"${parts[1]}${parts[2]}${salt}".encode("ascii")


def sign(client_id: str, client_secret: str, timestamp_ms: int) -> str:
    """``client_secret_sign`` for a token request (standard Base64 of the bcrypt hash)."""
    hashed = bcrypt.hashpw(f"{client_id}_{timestamp_ms}".encode(), canonical_salt(client_secret))
    return base64.standard_b64encode(hashed).decode("ascii")


def token_type(account_id: str | None) -> str:
    return "SELLER" if account_id else "SELF"


def token_form(client_id: str, client_secret: str, timestamp_ms: int, account_id: str | None = None) -> dict[str, str]:
    """Form body of ``POST /v1/oauth2/token``."""
    form = {
        "client_id": client_id,
        "timestamp": str(timestamp_ms),
        "grant_type": "client_credentials",
        "client_secret_sign": sign(client_id, client_secret, timestamp_ms),
        "type": token_type(account_id),
    }
    if account_id:
        form["account_id"] = account_id
    return form


@dataclass
class CachedToken:
    access_token: str
    refresh_at: float  # monotonic time after which we fetch a new one


CacheKey = tuple[str, str, str, str]  # (base_url, client_id, type, account_id)


class TokenCache:
    """Process-wide, thread-safe; one fetch at a time per key (the others wait for its token)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._tokens: dict[CacheKey, CachedToken] = {}
        self._key_locks: dict[CacheKey, threading.Lock] = {}
        self._lock = threading.Lock()

    def key_lock(self, key: CacheKey) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def get(self, key: CacheKey) -> str | None:
        with self._lock:
            cached = self._tokens.get(key)
            if cached is None or self.clock() >= cached.refresh_at:
                return None
            return cached.access_token

    def put(self, key: CacheKey, access_token: str, expires_in: float) -> None:
        margin = min(TOKEN_REFRESH_MARGIN, max(0.0, expires_in) / 2)
        with self._lock:
            self._tokens[key] = CachedToken(access_token, self.clock() + max(0.0, expires_in) - margin)

    def drop(self, key: CacheKey, access_token: str | None = None) -> None:
        """Forget the key's token (only if it still is ``access_token``, when given)."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and (access_token is None or cached.access_token == access_token):
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


token_cache = TokenCache()
