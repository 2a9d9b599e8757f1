"""Writes of the Open API app: tokens, the call log, idempotency keys, retention."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ApiClient, ApiLogEntry, ApiToken, IdempotencyKey

TOKEN_PREFIX = "jt"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """'jt_<prefix>_<secret>' → (prefix, secret); None when it has another shape."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@dataclass
class NewToken:
    token: ApiToken
    key: str  # shown once, never stored


def token_create(*, client: ApiClient, name: str, expires_at: datetime | None = None, user=None) -> NewToken:
    """A new token; the plain key is only in the return value."""
    for _attempt in range(5):
        prefix = secrets.token_hex(4)
        key = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    client=client,
                    name=name,
                    prefix=prefix,
                    key_hash=hash_key(key),
                    expires_at=expires_at,
                    created_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:  # prefix collision: draw again
            continue
        return NewToken(token=token, key=key)
    raise RuntimeError("could not draw a unique token prefix")


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """last_used_at at most once a minute per token, so reads stay one UPDATE-free request mostly."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def log_record(**fields) -> None:
    ApiLogEntry.objects.create(**fields)


def idempotency_retention() -> timedelta:
    return timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def api_cleanup(*, now: datetime | None = None) -> dict[str, int]:
    """Deletes log rows past API_LOG_RETENTION_DAYS and idempotency keys past 24 hours."""
    now = now or timezone.now()
    logs, _ = ApiLogEntry.objects.filter(created_at__lt=now - timedelta(days=settings.API_LOG_RETENTION_DAYS)).delete()
    keys, _ = IdempotencyKey.objects.filter(created_at__lt=now - idempotency_retention()).delete()
    return {"log_entries": logs, "idempotency_keys": keys}
