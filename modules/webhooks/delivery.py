"""Sending deliveries: signed POSTs, retries with backoff, every attempt on record, redelivery.

A delivery is tried at once, then after each failure (any answer outside 2xx, a timeout or a
network error) again after ``RETRY_DELAYS`` — 1 min, 5 min, 30 min, 2 h, 6 h — and given up after
the sixth failed try. A redelivery from the admin puts it back to pending with the whole schedule
again (``schedule_start``). The HTTP request runs outside any transaction; a worker holds the
delivery with ``locked_until`` while it posts.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.webhooks import client as webhook_client
from integrations.webhooks.address import networks_parse, url_blocked_resolved
from integrations.webhooks.client import PostResult, webhook_post

from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEvent, client_may_receive
from .signing import webhook_signature

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than one attempt can take (client.DEADLINE_SECONDS plus the connect timeout).
LOCK = timedelta(seconds=60)
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def delivery_body(event: WebhookEvent) -> bytes:
    """The JSON every attempt of every delivery of ``event`` posts (the same bytes each time)."""
    envelope = {
        "id": str(event.uid),
        "type": event.event_type,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def delivery_headers(delivery: WebhookDelivery, *, body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    return {
        "X-Jangteo-Event": delivery.event_type,
        "X-Jangteo-Delivery": str(delivery.uid),
        "X-Jangteo-Timestamp": str(timestamp),
        "X-Jangteo-Signature": webhook_signature(secret, timestamp, body),
    }


def next_attempt_delay(tries_in_schedule: int) -> timedelta | None:
    """How long to wait after the ``tries_in_schedule``-th failed try; None: give up."""
    if tries_in_schedule <= len(RETRY_DELAYS):
        return RETRY_DELAYS[tries_in_schedule - 1]
    return None


def _claim(delivery_id: int, *, now) -> bool:
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    return bool(WebhookDelivery.objects.filter(free, pk=delivery_id, status__in=OPEN).update(locked_until=now + LOCK))


def delivery_attempt(*, delivery_id: int, transport: httpx.BaseTransport | None = None) -> WebhookAttempt | None:
    """Post one delivery now, whatever its schedule says; None when it is not open or another
    worker holds it."""
    if not _claim(delivery_id, now=timezone.now()):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription__client", "event").get(pk=delivery_id)
    subscription = delivery.subscription
    if not client_may_receive(subscription.client, delivery.event_type):
        # The client was switched off or lost the scope since the event was filed: not sent.
        delivery.status = DeliveryStatus.GAVE_UP
        delivery.next_attempt_at = None
        delivery.locked_until = None
        delivery.last_error = "client inactive or without the read scope for this event"
        delivery.save(update_fields=["status", "next_attempt_at", "locked_until", "last_error", "updated_at"])
        return None
    body = delivery_body(delivery.event)
    timestamp = int(time.time())
    headers = delivery_headers(delivery, body=body, secret=subscription.secret, timestamp=timestamp)
    requested_at = timezone.now()
    blocked = None
    if transport is None and webhook_client.transport_override is None:  # the real network
        blocked = url_blocked_resolved(subscription.url, networks_parse(settings.WEBHOOK_BLOCKED_NETWORKS))
    if blocked is not None:
        # Not sent: a failed attempt on record like any other, so the admin sees why.
        result = PostResult(None, "", 0, error=f"blocked address {blocked} (WEBHOOK_BLOCKED_NETWORKS)")
    else:
        result = webhook_post(subscription.url, body=body, headers=headers, transport=transport)
    number = delivery.attempt_count + 1
    with transaction.atomic():
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            manual=delivery.schedule_start > 0 and number == delivery.schedule_start + 1,
            requested_at=requested_at,
            url=subscription.url[:500],
            status_code=result.status_code,
            succeeded=result.ok,
            response_excerpt=result.body_excerpt[:1000],
            latency_ms=result.latency_ms,
            error=result.error[:500],
        )
        delivery.attempt_count = number
        delivery.last_attempt_at = requested_at
        delivery.last_status_code = result.status_code
        delivery.last_error = (result.error or ("" if result.ok else f"HTTP {result.status_code}"))[:500]
        delivery.locked_until = None
        if result.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.next_attempt_at = None
        else:
            delay = next_attempt_delay(number - delivery.schedule_start)
            if delay is None:
                delivery.status = DeliveryStatus.GAVE_UP
                delivery.next_attempt_at = None
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = requested_at + delay
        delivery.save(
            update_fields=[
                "attempt_count",
                "last_attempt_at",
                "last_status_code",
                "last_error",
                "locked_until",
                "status",
                "next_attempt_at",
                "updated_at",
            ]
        )
    return attempt


@dataclass
class SendResult:
    attempted: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped_unreachable: int = 0
    left_for_later: int = 0


def deliveries_due(*, limit: int, now=None) -> list[tuple[int, int]]:
    """(delivery id, subscription id) of open deliveries whose time has come, oldest first."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status__in=OPEN,
            next_attempt_at__lte=now,
            subscription__is_active=True,
            subscription__client__is_active=True,
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", "subscription_id")[:limit]
    )


def deliveries_send_due(
    *, limit: int = 500, budget_seconds: float = 40.0, transport: httpx.BaseTransport | None = None
) -> SendResult:
    """Post the due deliveries, one after the other, within ``budget_seconds`` (the rest stay due
    for the next run). A subscription that timed out or could not be reached is not tried again in
    the same run: its other deliveries wait without an attempt being counted."""
    started = time.monotonic()
    result = SendResult()
    unreachable: set[int] = set()
    due = deliveries_due(limit=limit)
    for index, (delivery_id, subscription_id) in enumerate(due):
        if time.monotonic() - started > budget_seconds:
            result.left_for_later = len(due) - index
            break
        if subscription_id in unreachable:
            result.skipped_unreachable += 1
            continue
        attempt = delivery_attempt(delivery_id=delivery_id, transport=transport)
        if attempt is None:
            continue
        result.attempted += 1
        if attempt.succeeded:
            result.succeeded += 1
        else:
            result.failed += 1
            if attempt.status_code is None:
                unreachable.add(subscription_id)
    return result


def delivery_redeliver(*, delivery: WebhookDelivery, user=None) -> WebhookDelivery:
    """Back to pending, due now, with the whole retry schedule again; the worker posts it at once
    (after the commit)."""
    if not delivery.subscription.is_active:
        raise ValidationError(_("The subscription is inactive; activate it before redelivering."))
    if not client_may_receive(delivery.subscription.client, delivery.event_type):
        raise ValidationError(_("The API client is inactive or lacks the read scope for this event."))
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
        delivery.schedule_start = delivery.attempt_count
        delivery.locked_until = None
        delivery.redelivered_at = now
        delivery.redelivered_by = user if user is not None and getattr(user, "is_authenticated", False) else None
        delivery.last_error = ""
        delivery.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "schedule_start",
                "locked_until",
                "redelivered_at",
                "redelivered_by",
                "last_error",
                "updated_at",
            ]
        )
        pk = delivery.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return delivery


def _enqueue(delivery_id: int) -> None:
    from django_q.tasks import async_task

    async_task("modules.webhooks.tasks.webhook_deliver", delivery_id, task_name=f"webhook-{delivery_id}")
