"""Reads for the webhook admin pages (one query per list page, whatever the number of rows)."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription


def _count(statuses) -> Coalesce:
    counted = (
        WebhookDelivery.objects.filter(subscription=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("subscription")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def subscription_list() -> QuerySet[WebhookSubscription]:
    # Counted per row of the page (index subscription + status), not over the whole delivery table.
    return (
        WebhookSubscription.objects.select_related("client")
        .annotate(
            open_count=_count([DeliveryStatus.PENDING, DeliveryStatus.FAILED]),
            gave_up_count=_count([DeliveryStatus.GAVE_UP]),
        )
        .order_by("-id")
    )


def delivery_list() -> QuerySet[WebhookDelivery]:
    # The list shows no payload and no secret: neither is read (nor decrypted) per row.
    return WebhookDelivery.objects.select_related("subscription__client").defer("subscription__secret").order_by("-id")


def delivery_detail(delivery_id: int) -> WebhookDelivery:
    return WebhookDelivery.objects.select_related("subscription__client", "event", "redelivered_by").get(pk=delivery_id)


def delivery_attempts(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-number")
