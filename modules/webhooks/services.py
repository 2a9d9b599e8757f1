"""Writes of the webhooks app: subscriptions (the secret made here, shown once) and the purge."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, WebhookEvent, WebhookSubscription

SECRET_PREFIX = "whsec_"
RETENTION_DAYS = getattr(settings, "WEBHOOKS_RETENTION_DAYS", 30)


def webhook_secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def subscription_create(*, subscription: WebhookSubscription, user=None) -> tuple[WebhookSubscription, str]:
    """Save a new subscription with a fresh secret; returns it and the secret (to show once)."""
    from .scanner import scan_cursors_start

    secret = webhook_secret_new()
    subscription.secret = secret
    subscription.secret_rotated_at = timezone.now()
    if user is not None and getattr(user, "is_authenticated", False):
        subscription.created_by = user
    subscription.full_clean()
    with transaction.atomic():
        subscription.save()
        # Events start now: the scanner's cursors are placed at the end of their tables if new.
        scan_cursors_start()
    return subscription, secret


def subscription_update(*, subscription: WebhookSubscription) -> WebhookSubscription:
    subscription.full_clean()
    subscription.save()
    return subscription


def subscription_rotate_secret(*, subscription: WebhookSubscription) -> str:
    """A new secret at once (the old one stops verifying); returns it to show once."""
    secret = webhook_secret_new()
    subscription.secret = secret
    subscription.secret_rotated_at = timezone.now()
    subscription.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    return secret


def webhook_events_purge(*, days: int = RETENTION_DAYS, chunk: int = 2000) -> int:
    """Delete events older than ``days`` with no open delivery (cascades to deliveries, attempts)."""
    cutoff = timezone.now() - timedelta(days=days)
    removed = 0
    while True:
        ids = list(
            WebhookEvent.objects.filter(created_at__lt=cutoff)
            .exclude(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
            .order_by("id")
            .values_list("id", flat=True)[:chunk]
        )
        if not ids:
            return removed
        WebhookEvent.objects.filter(id__in=ids).delete()
        removed += len(ids)
