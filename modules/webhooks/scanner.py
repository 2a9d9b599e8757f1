"""The outbox scanner: webhook events read from the tables the core flow already writes.

No signal and no hook in the order, claim or stock code: each source below is read by id from a
stored high-water mark (``ScanCursor``), in batches, and every new row becomes one ``WebhookEvent``
(unique per source row and event type) plus one ``WebhookDelivery`` per active subscription that
wants the event type.

- ``order`` → ``order.created`` (orders.Order, one per collected order)
- ``order_event`` → ``order.status_changed`` (orders.OrderEvent rows that move a line from one of
  our states to another: sync moves, desk and API actions, settled claims)
- ``claim`` → ``claim.created`` (orders.Claim)
- ``stock_movement`` → ``stock.changed`` (inventory.StockMovement rows that change on hand or
  reserved; expected-inbound-only movements change neither and are skipped)

Each batch runs in one transaction that holds the source's cursor row (``select_for_update``), so
one scanner per source at a time files events, and the cursor moves only with the events filed.
Ids are handed out before commit, so a long transaction can commit a row *below* a cursor that
has already moved past it; every scan therefore re-reads the last ``OVERLAP`` ids under the
cursor and files what is still missing (the unique constraint and an existence check keep that
from doubling anything).

A missing cursor starts at the table's current end: subscribers get events from the moment the
scanner (or the first subscription) starts, not the whole history. Without a subscription for an
event type its cursor just moves to the end, and so does its floor (the overlap re-read never
goes below it, so rows passed while nobody listened are not filed later).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from modules.inventory.models import StockMovement
from modules.orders.models import Claim, Order, OrderEvent, OrderLine
from modules.orders.status import OrderState

from .models import (
    EVENT_SCOPE_AREA,
    DeliveryStatus,
    EventType,
    ScanCursor,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    client_may_receive,
)

BATCH_SIZE = getattr(settings, "WEBHOOKS_SCAN_BATCH", 500)
OVERLAP = getattr(settings, "WEBHOOKS_SCAN_OVERLAP", 200)
STATES = [state.value for state in OrderState]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Source:
    name: str
    event_type: str
    model: type
    base: Callable[[], object]  # the source's rows as a queryset, before the id window
    build: Callable[[list[dict]], list[tuple[int, dict, datetime | None]]]  # rows → (id, payload, time)
    fields: tuple[str, ...] = field(default=())

    def read(self, *, after_id: int, limit: int) -> list[dict]:
        return list(self.base().filter(id__gt=after_id).order_by("id").values(*self.fields)[:limit])

    def max_id(self) -> int:
        return self.model.objects.aggregate(top=Max("id"))["top"] or 0


# order.created -----------------------------------------------------------------------------------

ORDER_FIELDS = (
    "id",
    "store_id",
    "store__name",
    "store__marketplace",
    "channel_order_id",
    "ordered_at",
    "paid_at",
    "total_amount",
    "shipping_fee",
    "state",
    "collected_at",
)
LINE_FIELDS = (
    "id",
    "order_id",
    "channel_line_id",
    "sku_id",
    "sku__seller_code",
    "product_name",
    "option_name",
    "quantity",
    "unit_price",
    "line_amount",
    "state",
)


def _line_payload(line: dict) -> dict:
    return {
        "id": line["id"],
        "channel_line_id": line["channel_line_id"],
        "sku": {"id": line["sku_id"], "seller_code": line["sku__seller_code"]} if line["sku_id"] else None,
        "product_name": line["product_name"],
        "option_name": line["option_name"],
        "quantity": line["quantity"],
        "unit_price": line["unit_price"],
        "line_amount": line["line_amount"],
        "state": line["state"],
    }


def _build_orders(rows: list[dict]) -> list[tuple[int, dict, datetime | None]]:
    # Personal data (buyer, receiver, address) stays out of the payload: a client that needs it
    # reads the order through the API, where its token's scopes apply.
    lines: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    for line in OrderLine.objects.filter(order_id__in=list(lines)).order_by("order_id", "id").values(*LINE_FIELDS):
        lines[line["order_id"]].append(_line_payload(line))
    built = []
    for row in rows:
        payload = {
            "order": {
                "id": row["id"],
                "store": {"id": row["store_id"], "name": row["store__name"], "marketplace": row["store__marketplace"]},
                "channel_order_id": row["channel_order_id"],
                "ordered_at": _iso(row["ordered_at"]),
                "paid_at": _iso(row["paid_at"]),
                "total_amount": row["total_amount"],
                "shipping_fee": row["shipping_fee"],
                "state": row["state"],
                "lines": lines[row["id"]],
            }
        }
        built.append((row["id"], payload, row["collected_at"]))
    return built


# order.status_changed ----------------------------------------------------------------------------


def _state_moves():
    return OrderEvent.objects.filter(line_id__isnull=False, old__in=STATES, new__in=STATES).exclude(old=F("new"))


def _build_state_moves(rows: list[dict]) -> list[tuple[int, dict, datetime | None]]:
    orders = {
        order["id"]: order
        for order in Order.objects.filter(id__in={row["order_id"] for row in rows})
        .order_by()
        .values("id", "store_id", "channel_order_id", "state")
    }
    lines = {
        line["id"]: line
        for line in OrderLine.objects.filter(id__in={row["line_id"] for row in rows})
        .order_by()
        .values("id", "channel_line_id", "sku_id", "sku__seller_code")
    }
    built = []
    for row in rows:
        order = orders.get(row["order_id"])
        line = lines.get(row["line_id"])
        if order is None or line is None:  # deleted since; nothing to tell
            continue
        payload = {
            "order": {
                "id": order["id"],
                "store_id": order["store_id"],
                "channel_order_id": order["channel_order_id"],
                # The order's summary state when the event was filed (it may have moved on).
                "state": order["state"],
            },
            "line": {
                "id": line["id"],
                "channel_line_id": line["channel_line_id"],
                "sku": {"id": line["sku_id"], "seller_code": line["sku__seller_code"]} if line["sku_id"] else None,
            },
            "from": row["old"],
            "to": row["new"],
            "action": row["kind"],
            "by": row["source"],
            "changed_at": _iso(row["created_at"]),
        }
        built.append((row["id"], payload, row["created_at"]))
    return built


# claim.created -----------------------------------------------------------------------------------

CLAIM_FIELDS = (
    "id",
    "store_id",
    "channel_claim_id",
    "claim_type",
    "state",
    "channel_order_id",
    "channel_line_ids",
    "quantity",
    "reason",
    "requested_at",
    "collected_at",
)


def _build_claims(rows: list[dict]) -> list[tuple[int, dict, datetime | None]]:
    order_ids = {
        (order["store_id"], order["channel_order_id"]): order["id"]
        for order in Order.objects.filter(
            store_id__in={row["store_id"] for row in rows},
            channel_order_id__in={row["channel_order_id"] for row in rows},
        )
        .order_by()
        .values("id", "store_id", "channel_order_id")
    }
    built = []
    for row in rows:
        payload = {
            "claim": {
                "id": row["id"],
                "store_id": row["store_id"],
                "channel_claim_id": row["channel_claim_id"],
                "type": row["claim_type"],
                "state": row["state"],
                "order_id": order_ids.get((row["store_id"], row["channel_order_id"])),
                "channel_order_id": row["channel_order_id"],
                "channel_line_ids": list(row["channel_line_ids"] or []),
                "quantity": row["quantity"],
                "reason": row["reason"],
                "requested_at": _iso(row["requested_at"]),
            }
        }
        built.append((row["id"], payload, row["collected_at"]))
    return built


# stock.changed -----------------------------------------------------------------------------------

MOVEMENT_FIELDS = (
    "id",
    "sku_id",
    "sku__seller_code",
    "sku__barcode",
    "warehouse_id",
    "warehouse__name",
    "kind",
    "on_hand_delta",
    "reserved_delta",
    "on_hand_after",
    "reserved_after",
    "reference",
    "created_at",
)


def _stock_moves():
    return StockMovement.objects.exclude(on_hand_delta=0, reserved_delta=0)


def _build_stock(rows: list[dict]) -> list[tuple[int, dict, datetime | None]]:
    built = []
    for row in rows:
        payload = {
            "sku": {"id": row["sku_id"], "seller_code": row["sku__seller_code"], "barcode": row["sku__barcode"]},
            "warehouse": {"id": row["warehouse_id"], "name": row["warehouse__name"]},
            # The level right after this movement (the ledger's own figures).
            "on_hand": row["on_hand_after"],
            "reserved": row["reserved_after"],
            "available": row["on_hand_after"] - row["reserved_after"],
            "change": {
                "movement_id": row["id"],
                "kind": row["kind"],
                "on_hand": row["on_hand_delta"],
                "reserved": row["reserved_delta"],
                "reference": row["reference"],
            },
            "changed_at": _iso(row["created_at"]),
        }
        built.append((row["id"], payload, row["created_at"]))
    return built


SOURCES: tuple[Source, ...] = (
    Source("order", EventType.ORDER_CREATED, Order, lambda: Order.objects.all(), _build_orders, ORDER_FIELDS),
    Source(
        "order_event",
        EventType.ORDER_STATUS_CHANGED,
        OrderEvent,
        _state_moves,
        _build_state_moves,
        ("id", "order_id", "line_id", "old", "new", "kind", "source", "created_at"),
    ),
    Source("claim", EventType.CLAIM_CREATED, Claim, lambda: Claim.objects.all(), _build_claims, CLAIM_FIELDS),
    Source("stock_movement", EventType.STOCK_CHANGED, StockMovement, _stock_moves, _build_stock, MOVEMENT_FIELDS),
)


# The scan ----------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    events: int = 0
    deliveries: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def subscribers_by_event() -> dict[str, list[int]]:
    """Active subscriptions per event type, of active clients holding the event's read scope."""
    wanted: dict[str, list[int]] = {}
    subscriptions = WebhookSubscription.objects.filter(is_active=True, client__is_active=True).select_related("client")
    for subscription in subscriptions.only("id", "events", "client__is_active", "client__scopes").order_by("id"):
        for event_type in subscription.events or []:
            if event_type in EVENT_SCOPE_AREA and client_may_receive(subscription.client, event_type):
                wanted.setdefault(event_type, []).append(subscription.pk)
    return wanted


def scan_cursors_start() -> None:
    """Cursors that do not exist yet start at their table's current end (no history replayed)."""
    existing = set(ScanCursor.objects.values_list("source", flat=True))
    for source in SOURCES:
        if source.name not in existing:
            top = source.max_id()
            ScanCursor.objects.get_or_create(source=source.name, defaults={"last_id": top, "floor_id": top})


def _scan_batch(source: Source, *, subscribers: list[int], batch_size: int, result: ScanResult) -> bool:
    """One batch of one source; True when there may be more."""
    with transaction.atomic():
        top = source.max_id()
        cursor, _created = ScanCursor.objects.select_for_update().get_or_create(
            source=source.name, defaults={"last_id": top, "floor_id": top}
        )
        if not subscribers:
            if top > cursor.last_id or cursor.floor_id < cursor.last_id:
                cursor.last_id = cursor.floor_id = max(top, cursor.last_id)
                cursor.save(update_fields=["last_id", "floor_id", "updated_at"])
            return False
        start = max(cursor.floor_id, cursor.last_id - OVERLAP, 0)
        rows = source.read(after_id=start, limit=batch_size + OVERLAP)
        if not rows:
            return False
        ids = [row["id"] for row in rows]
        filed = set(
            WebhookEvent.objects.filter(
                source=source.name, event_type=source.event_type, source_id__gte=ids[0], source_id__lte=ids[-1]
            ).values_list("source_id", flat=True)
        )
        todo = [row for row in rows if row["id"] not in filed]
        new_rows = sum(1 for row in rows if row["id"] > cursor.last_id)
        if todo:
            events = [
                WebhookEvent(
                    event_type=source.event_type,
                    source=source.name,
                    source_id=source_id,
                    payload=payload,
                    occurred_at=occurred_at,
                )
                for source_id, payload, occurred_at in source.build(todo)
            ]
            WebhookEvent.objects.bulk_create(events, batch_size=500, ignore_conflicts=True)
            # ignore_conflicts returns no keys: read back what this batch filed.
            event_ids = list(
                WebhookEvent.objects.filter(
                    source=source.name,
                    event_type=source.event_type,
                    source_id__in=[event.source_id for event in events],
                ).values_list("id", flat=True)
            )
            now = timezone.now()
            deliveries = [
                WebhookDelivery(
                    subscription_id=subscription_id,
                    event_id=event_id,
                    event_type=source.event_type,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at=now,
                )
                for event_id in event_ids
                for subscription_id in subscribers
            ]
            WebhookDelivery.objects.bulk_create(deliveries, batch_size=500, ignore_conflicts=True)
            result.events += len(events)
            result.deliveries += len(deliveries)
            result.by_type[source.event_type] = result.by_type.get(source.event_type, 0) + len(events)
        if ids[-1] > cursor.last_id:
            cursor.last_id = ids[-1]
            cursor.save(update_fields=["last_id", "updated_at"])
        return new_rows >= batch_size


def webhooks_scan(*, batch_size: int = BATCH_SIZE, budget_seconds: float = 30.0) -> ScanResult:
    """File the events of every source since its cursor (see the module's docstring)."""
    started = time.monotonic()
    result = ScanResult()
    wanted = subscribers_by_event()
    for source in SOURCES:
        while _scan_batch(source, subscribers=wanted.get(source.event_type, []), batch_size=batch_size, result=result):
            if time.monotonic() - started > budget_seconds:
                break
    return result
