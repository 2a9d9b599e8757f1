"""Events out of orders: new orders, new claims, failed syncs and orders not acknowledged in time.

Every event goes out through ``order_notice``. Until the notifications module exists (alert rules
and an outbox for SMS, 알림톡 and e-mail), a notice is a row that the dashboard shows
(notify_hooks.OrderNoticePanel); the notifications work plugs in here, in one place, and no call
site changes.

Cheap by design: one row per batch (a collected page, a failed run, one stuck-orders check per
store), never one per order; and a batch joins the store's unseen notice of the same kind from
the last MERGE_WINDOW ("12 new orders" becomes "15 new orders"), so a store collected every few
minutes gives a handful of rows a day, not hundreds.

Call sites (one line each): services.orders_collect / claims_collect (created rows only),
channels.sync._fail (a run saved as failed), and the stuck-orders task below (every 30 minutes,
scheduled by migration 0005_notices).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrations.channels.base import Marketplace

from .models import Claim, Order, OrderLine
from .notify_models import OrderNotice, StuckLineReport
from .status import OrderState

logger = logging.getLogger("jangteo.orders.notify")

KINDS = frozenset(OrderNotice.Kind.values)
# A batch joins the store's unseen notice of the same kind (and subject) created this recently.
MERGE_WINDOW = timedelta(hours=1)
# Order and claim ids kept in a notice's payload for links; the count goes on beyond it.
MAX_REFS = 100

# [U] Our assumption, not a published rule: the hours after payment (or the order time when the
# channel sends no payment time) within which a new line should be acknowledged (발주확인). The
# marketplaces publish ship-by deadlines rather than an acknowledge deadline; a person who has not
# confirmed an order within a day is late for any of them. Change per marketplace here.
ACKNOWLEDGE_DEADLINE_HOURS: dict[str, int] = {
    Marketplace.COUPANG: 24,
    Marketplace.NAVER: 24,
    Marketplace.ELEVENST: 24,
}
DEFAULT_ACKNOWLEDGE_DEADLINE_HOURS = 24


def order_notice(
    *,
    kind: str,
    store=None,
    order=None,
    claim=None,
    message: str = "",
    payload: dict | None = None,
    count: int = 1,
) -> OrderNotice | None:
    """Send one event out (today: record it for the dashboard). Never raises: an event that cannot
    be recorded is logged, and the collection, sync or task that raised it goes on.

    ``count`` is how many orders / claims / failed runs the batch holds; 0 records nothing, so call
    sites pass their created count unconditionally. ``payload`` may carry ``order_ids`` /
    ``claim_ids`` (links; a single one becomes the notice's order / claim) and, for sync failures,
    ``sync_kind`` (failures of different kinds stay apart).
    """
    if count <= 0:
        return None
    try:
        # A savepoint when called inside a caller's transaction: a failure here leaves it usable.
        with transaction.atomic():
            return _notice_record(
                kind=kind, store=store, order=order, claim=claim, message=message, payload=payload, count=count
            )
    except Exception:
        logger.exception("order notice %s for store %s not recorded", kind, getattr(store, "pk", None))
        return None


def _notice_record(*, kind, store, order, claim, message, payload, count) -> OrderNotice:
    if kind not in KINDS:
        raise ValueError(f"unknown order notice kind {kind!r}")
    payload = dict(payload or {})
    for key in ("order_ids", "claim_ids"):
        if key in payload:
            payload[key] = [int(pk) for pk in payload[key]][:MAX_REFS]
    if kind == OrderNotice.Kind.CLAIM_NEW and payload.get("claim_ids") and "types" not in payload:
        # Which claims desk list the notice links to: the types of the new claims, counted.
        payload["types"] = dict(
            Claim.objects.filter(pk__in=payload["claim_ids"])
            .order_by()
            .values_list("claim_type")
            .annotate(n=Count("id"))
        )
    subject = str(payload.get("sync_kind", ""))[:40]
    now = timezone.now()
    store_id = getattr(store, "pk", store)
    notice = (
        OrderNotice.objects.filter(
            kind=kind, store_id=store_id, subject=subject, seen_at__isnull=True, created_at__gte=now - MERGE_WINDOW
        )
        .order_by("-created_at")
        .first()
    )
    if notice is None:
        order_ids, claim_ids = payload.get("order_ids", []), payload.get("claim_ids", [])
        return OrderNotice.objects.create(
            kind=kind,
            store_id=store_id,
            order_id=getattr(order, "pk", order) or (order_ids[0] if count == 1 and len(order_ids) == 1 else None),
            claim_id=getattr(claim, "pk", claim) or (claim_ids[0] if count == 1 and len(claim_ids) == 1 else None),
            subject=subject,
            count=count,
            message=str(message)[:500],
            payload=payload,
            created_at=now,
            updated_at=now,
        )
    notice.payload = _merged(notice.payload, payload)
    notice.count += count
    notice.order_id = notice.claim_id = None  # more than one now: the links go to the lists
    notice.message = str(message)[:500] or notice.message
    notice.updated_at = now
    notice.save(update_fields=["payload", "count", "order", "claim", "message", "updated_at"])
    return notice


def _merged(old: dict, new: dict) -> dict:
    merged = {**old, **new}
    for key in ("order_ids", "claim_ids"):
        if key in old or key in new:
            merged[key] = [*old.get(key, []), *new.get(key, [])][:MAX_REFS]
    if "types" in old or "types" in new:
        types = dict(old.get("types", {}))
        for name, n in new.get("types", {}).items():
            types[name] = types.get(name, 0) + n
        merged["types"] = types
    return merged


# Stuck orders: new lines past the acknowledge deadline ------------------------------------------------


def stuck_lines(*, now: datetime | None = None) -> QuerySet[OrderLine]:
    """NEW lines (ours: not yet acknowledged) whose marketplace's acknowledge deadline has passed."""
    now = now or timezone.now()
    late = Q()
    for marketplace, hours in ACKNOWLEDGE_DEADLINE_HOURS.items():
        late |= Q(store__marketplace=marketplace, due_from__lt=now - timedelta(hours=hours))
    late |= Q(due_from__lt=now - timedelta(hours=DEFAULT_ACKNOWLEDGE_DEADLINE_HOURS)) & ~Q(
        store__marketplace__in=list(ACKNOWLEDGE_DEADLINE_HOURS)
    )
    return (
        OrderLine.objects.filter(state=OrderState.NEW)
        .annotate(due_from=Coalesce("order__paid_at", "order__ordered_at", "created_at"))
        .filter(late)
    )


def stuck_orders_report(*, now: datetime | None = None) -> int:
    """One notice per store for the lines that became stuck since the last check; each line is
    reported once (StuckLineReport). Returns the number of notices."""
    from modules.channels.models import Store

    reported = StuckLineReport.objects.filter(line=OuterRef("pk"))
    fresh = list(
        stuck_lines(now=now)
        .filter(~Exists(reported))
        .order_by("store_id", "order_id", "id")
        .values_list("pk", "store_id", "order_id")
    )
    if not fresh:
        return 0
    per_store: dict[int, list[tuple[int, int]]] = {}
    for line_id, store_id, order_id in fresh:
        per_store.setdefault(store_id, []).append((line_id, order_id))
    stores = Store.objects.in_bulk(list(per_store))
    notices = 0
    for store_id, lines in per_store.items():
        order_ids = list(dict.fromkeys(order_id for _line, order_id in lines))
        notice = order_notice(
            kind=OrderNotice.Kind.ORDER_STUCK,
            store=stores.get(store_id, store_id),
            count=len(order_ids),
            payload={"order_ids": order_ids},
        )
        if notice is None:
            continue  # not recorded: the next check reports these lines again
        StuckLineReport.objects.bulk_create(
            [StuckLineReport(line_id=line_id, notice=notice) for line_id, _order in lines],
            batch_size=500,
            ignore_conflicts=True,
        )
        notices += 1
    return notices


def report_stuck_orders() -> str:
    """django-q2 entry point (every 30 minutes): report the orders not acknowledged in time."""
    return f"{stuck_orders_report()} notice(s)"


# The dashboard -----------------------------------------------------------------------------------------


def notices_unseen(*, limit: int = 10) -> list[OrderNotice]:
    return list(
        OrderNotice.objects.filter(seen_at__isnull=True).select_related("store").order_by("-updated_at", "-id")[:limit]
    )


def notices_mark_seen(*, user, notice_ids: list[int] | None = None) -> int:
    """Mark the given unseen notices (all of them when None) as seen by ``user``; returns how many."""
    notices = OrderNotice.objects.filter(seen_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(seen_at=timezone.now(), seen_by=user if getattr(user, "is_authenticated", False) else None)


def orders_dashboard_counts(*, now: datetime | None = None) -> dict:
    """The panel's counters, in four queries whatever the number of orders: orders placed today
    (Seoul day), open claims by type, orders with a line needing attention, orders with a stuck line."""
    from .claims import OPEN_STATES
    from .filters import day_start

    now = now or timezone.now()
    open_claims = dict(
        Claim.objects.filter(state__in=OPEN_STATES).order_by().values_list("claim_type").annotate(n=Count("id"))
    )
    return {
        "today": Order.objects.filter(ordered_at__gte=day_start(timezone.localdate(now))).count(),
        "open_claims": open_claims,
        "attention": OrderLine.objects.filter(needs_attention=True).order_by().values("order_id").distinct().count(),
        "stuck": stuck_lines(now=now).order_by().values("order_id").distinct().count(),
    }
