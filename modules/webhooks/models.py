"""Outbound webhooks of the Open API: subscriptions, the event outbox, deliveries and every attempt.

Events are not raised by signals: ``scanner.webhooks_scan`` reads the tables the core flow already
writes (orders, order events, claims, the stock ledger) from a stored high-water mark per source
and files one ``WebhookEvent`` per source row and event type (a unique constraint, so a rescan
never files an event twice), with one ``WebhookDelivery`` per active subscription that wants it.
``delivery.deliveries_send_due`` posts them, signed, and logs each try as a ``WebhookAttempt``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrations.webhooks.address import networks_parse, url_blocked_literal
from modules.core.crypto import EncryptedTextField, last4


class EventType(models.TextChoices):
    ORDER_CREATED = "order.created", _("Order created")
    ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
    CLAIM_CREATED = "claim.created", _("Claim created")
    STOCK_CHANGED = "stock.changed", _("Stock changed")


# The read scope an API client needs for each event type (checked when saved and when filed).
EVENT_SCOPE_AREA = {
    EventType.ORDER_CREATED: "orders",
    EventType.ORDER_STATUS_CHANGED: "orders",
    EventType.CLAIM_CREATED: "claims",
    EventType.STOCK_CHANGED: "stock",
}


def client_may_receive(client, event_type: str) -> bool:
    return bool(client.is_active and client.has_scope(EVENT_SCOPE_AREA[event_type], "read"))


class WebhookSubscription(models.Model):
    """An API client's endpoint and the event types it wants. The signing secret is generated here,
    shown once when created (or rotated) and stored encrypted (FIELD_ENCRYPTION_KEY).

    A client receives an event type only while it is active and holds that area's read scope
    (``EVENT_SCOPE_AREA``): the same data it could read through the API."""

    wagtail_reference_index_ignore = True

    client = models.ForeignKey(
        "api.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.URLField(_("endpoint URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = EncryptedTextField(_("signing secret"), editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    secret_rotated_at = models.DateTimeField(_("secret set at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def secret_hint(self) -> str:
        return last4(self.secret)

    def clean(self) -> None:
        blocked = url_blocked_literal(self.url or "", networks_parse(settings.WEBHOOK_BLOCKED_NETWORKS))
        if blocked is not None:
            raise ValidationError(
                {
                    "url": _(
                        "%(address)s is in a network the server does not call (this machine, link-local or "
                        "cloud metadata addresses); WEBHOOK_BLOCKED_NETWORKS sets the list."
                    )
                    % {"address": blocked}
                }
            )
        known = set(EventType.values)
        events = list(self.events or [])
        if not events:
            raise ValidationError({"events": _("Choose at least one event.")})
        unknown = [event for event in events if event not in known]
        if unknown:
            raise ValidationError({"events": _("Unknown events: %(events)s") % {"events": ", ".join(unknown)}})
        if len(set(events)) != len(events):
            raise ValidationError({"events": _("An event is listed twice.")})
        if self.client_id:
            missing = [
                f"{event} ({EVENT_SCOPE_AREA[event]}:read)"
                for event in events
                if not self.client.has_scope(EVENT_SCOPE_AREA[event], "read")
            ]
            if missing:
                raise ValidationError(
                    {"events": _("The client lacks the read scope for: %(events)s") % {"events": ", ".join(missing)}}
                )


class ScanCursor(models.Model):
    """High-water mark of one source table: the last id the scanner has filed events for."""

    source = models.CharField(max_length=30, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    # The overlap re-read never goes below this: rows passed while nobody subscribed stay passed.
    floor_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook scan cursor")
        verbose_name_plural = _("webhook scan cursors")

    def __str__(self) -> str:
        return f"{self.source} > {self.last_id}"


class WebhookEvent(models.Model):
    """The outbox: one event as sent to every subscriber (the payload is a snapshot taken when the
    scanner filed it). ``source``/``source_id`` name the row it was read from."""

    wagtail_reference_index_ignore = True

    uid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=30, choices=EventType.choices)
    source = models.CharField(_("source"), max_length=30)
    source_id = models.BigIntegerField(_("source row"))
    payload = models.JSONField(_("payload"), default=dict)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "event_type"], name="webhook_event_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} ({self.source} {self.source_id})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class WebhookDelivery(models.Model):
    """One event to one subscription. ``attempt_count`` counts every try; the backoff schedule
    counts from ``schedule_start`` (reset by a redelivery from the admin)."""

    wagtail_reference_index_ignore = True

    uid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        WebhookEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # Denormalised from the event for the admin's filters without a join.
    event_type = models.CharField(_("event"), max_length=30, choices=EventType.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    schedule_start = models.PositiveIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # A worker holds the delivery while it posts (claimed by a conditional UPDATE, so two workers
    # never post the same delivery at once); a crashed worker's hold simply expires.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    redelivered_at = models.DateTimeField(_("redelivered at"), null=True, blank=True)
    redelivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redelivered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub"),
            models.Index(fields=["subscription", "status"], name="webhook_delivery_sub_status"),
        ]

    def __str__(self) -> str:
        return str(self.uid)


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, to where, the answer (status and the start of the body), how
    long it took, or the network error."""

    wagtail_reference_index_ignore = True

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField(_("attempt"))
    manual = models.BooleanField(_("redelivery"), default=False)
    requested_at = models.DateTimeField(_("requested at"))
    url = models.CharField(_("URL"), max_length=500)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    response_excerpt = models.CharField(_("response"), max_length=1000, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery_id", "number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
