"""Shipping reads for the admin: the shipment desk list (over bundles, with their shipment), one
shipment's page, contracts and print logs. Constant queries per page."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from modules.orders.models import Bundle, OrderEvent, OrderLine
from modules.orders.status import OrderState

from .models import PrintLog, Shipment, ShipmentNumber, ShipmentState

# Lines that make a bundle a parcel to pack: confirmed, and registered but not sent.
TO_SHIP = (OrderState.ACKNOWLEDGED, OrderState.INVOICE_REGISTERED)
SENT_RECENT_DAYS = 30

TABS = {
    "waiting": "Waiting for invoice",
    "registered": "Invoice registered",
    "failed": "Send failed",
    "sent": "Sent",
}


def shipment_desk(tab: str = "waiting", *, model=Bundle) -> QuerySet[Bundle]:
    """Bundles on the shipping desk, newest first, with their shipment (one join).

    waiting: a confirmed line and no number yet; registered: a number, lines still to send;
    failed: the last send was refused; sent: sent in the last 30 days."""
    bundles = model.objects.select_related("shipment", "shipment__warehouse").order_by("-id")
    lines = OrderLine.objects.filter(bundle=OuterRef("pk"))
    if tab == "waiting":
        return bundles.filter(Exists(lines.filter(state=OrderState.ACKNOWLEDGED))).filter(
            Q(shipment__isnull=True) | Q(shipment__tracking_number="")
        )
    if tab == "registered":
        return bundles.filter(Exists(lines.filter(state=OrderState.INVOICE_REGISTERED))).exclude(
            shipment__state=ShipmentState.FAILED
        )
    if tab == "failed":
        return bundles.filter(shipment__state__in=[ShipmentState.FAILED, ShipmentState.PARTLY_SENT])
    if tab == "sent":
        since = timezone.now() - timedelta(days=SENT_RECENT_DAYS)
        return bundles.filter(
            shipment__state__in=[ShipmentState.SENT, ShipmentState.FORCED], shipment__sent_at__gte=since
        )
    return bundles.filter(Exists(lines.filter(state__in=TO_SHIP)) | Q(shipment__isnull=False))


def shipment_lines(bundle: Bundle) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(bundle=bundle).select_related("order", "store", "sku").order_by("order_id", "id")
    )


def shipment_numbers(shipment: Shipment | None) -> list[ShipmentNumber]:
    if shipment is None:
        return []
    return list(ShipmentNumber.objects.filter(shipment=shipment).select_related("user").order_by("-registered_at"))


def shipment_events(bundle: Bundle, *, limit: int = 50) -> list[OrderEvent]:
    kinds = ["register_invoice", "send_invoice", "force_complete", "update_invoice", "push_failed", "claim_gate"]
    return list(
        OrderEvent.objects.filter(line__bundle=bundle, kind__in=kinds)
        .select_related("user", "order")
        .order_by("-created_at", "-id")[:limit]
    )


def print_logs() -> QuerySet[PrintLog]:
    return PrintLog.objects.order_by("-created_at", "-id")
