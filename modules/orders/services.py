"""Writes for orders. ``orders_collect`` is the one way collected orders enter the database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from integrations.channels.base import ChannelClaim, ChannelOrder, ChannelOrderLine, LineState
from modules.core.upsert import upsert_by_key

from . import status as machine
from .models import Claim, Order, OrderEvent, OrderLine
from .notify import order_notice
from .status import OrderState

RECEIVER_FIELDS = ("receiver_name", "receiver_phone1", "receiver_phone2", "zip_code", "address1", "address2")


@dataclass
class CollectResult:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    flagged_keys: list[str] = field(default_factory=list)

    def add(self, other: CollectResult) -> None:
        self.fetched += other.fetched
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.flagged += other.flagged
        self.flagged_keys.extend(other.flagged_keys)


def _order_row(order: ChannelOrder) -> dict:
    return {
        "channel_order_id": order.order_id,
        "ordered_at": order.ordered_at,
        "paid_at": order.paid_at,
        "buyer_name": order.buyer.name[:100],
        "buyer_phone": order.buyer.phone[:30],
        "buyer_email": order.buyer.email[:200],
        "receiver_name": order.receiver.name[:100],
        "receiver_phone1": order.receiver.phone1[:30],
        "receiver_phone2": order.receiver.phone2[:30],
        "zip_code": order.receiver.zip_code[:10],
        "address1": order.receiver.address1[:300],
        "address2": order.receiver.address2[:300],
        "delivery_message": order.delivery_message[:500],
        "shipping_fee": order.shipping_fee,
        "total_amount": order.total_amount,
        "flags": list(order.flags),
        "raw": order.raw,
    }


def _line_row(line: ChannelOrderLine, order_pk: int) -> dict:
    flags = list(line.flags)
    if line.state == LineState.UNKNOWN and not any(f.startswith("unknown_status") for f in flags):
        flags.append(f"unknown_status:{line.channel_status}")
    return {
        "order_id": order_pk,
        "channel_line_id": line.line_id,
        "shipment_id": line.shipment_id[:120],
        "channel_product_id": line.product_id[:100],
        "channel_option_id": line.option_id[:100],
        "seller_code": line.seller_code[:100],
        "product_name": line.product_name[:300],
        "option_name": line.option_name[:300],
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
        "line_amount": line.line_amount,
        "shipping_fee": line.shipping_fee,
        "status": line.state.value,
        "channel_status": line.channel_status[:60],
        "claim_type": line.claim_type.value if line.claim_type else "",
        "claim_state": line.claim_state.value if line.claim_state else "",
        "channel_claim_id": line.claim_id[:100],
        "courier": line.courier.value if line.courier else "",
        "tracking_number": line.tracking_number[:40],
        "expected_ship_date": line.expected_ship_date,
        "ref": line.ref,
        "flags": flags,
        "needs_attention": bool(flags),
        "raw": line.raw,
    }


def orders_collect(*, store, orders: list[ChannelOrder]) -> CollectResult:
    """Upsert one page of collected orders by (store, channel id); idempotent, one transaction.

    A channel that sends one order in parts (Coupang per shipment box, Naver per page) is merged:
    the order row is keyed by its channel order number, each line by its channel line id.
    Lines with an unknown status are stored as sent and flagged for a person.
    """
    result = CollectResult(fetched=sum(len(order.lines) for order in orders))
    if not orders:
        return result
    with transaction.atomic():
        order_rows = [_order_row(o) for o in orders]
        _keep_receiver_edits(store=store, rows=order_rows)
        order_result = upsert_by_key(Order, scope={"store_id": store.pk}, key_field="channel_order_id", rows=order_rows)
        line_rows = [_line_row(line, order_result.ids[order.order_id]) for order in orders for line in order.lines]
        # The invoice as we knew it, to record a change made at the channel (one query per page).
        known = (
            OrderLine.objects.filter(store=store, channel_line_id__in=[row["channel_line_id"] for row in line_rows])
            .exclude(tracking_number="")
            .order_by()
            .values_list("channel_line_id", "courier", "tracking_number", "state")
        )
        invoices_before = {}
        unsent = {}
        for key, courier, number, state in known:
            invoices_before[key] = (courier, number)
            if state == OrderState.INVOICE_REGISTERED:
                unsent[key] = (courier, number)
        # An invoice registered here but not sent yet is ours alone: the channel reports none, and
        # that must not wipe it (only a channel that reports another number corrects ours).
        for row in line_rows:
            if row["channel_line_id"] in unsent and not row.get("tracking_number"):
                row["courier"], row["tracking_number"] = unsent[row["channel_line_id"]]
        line_result = upsert_by_key(
            OrderLine, scope={"store_id": store.pk}, key_field="channel_line_id", rows=line_rows
        )
        changed_keys = set(line_result.created_keys) | set(line_result.updated_keys)
        if changed_keys:
            lines_after_collect(
                store=store,
                created_keys=set(line_result.created_keys),
                changed_keys=changed_keys,
                invoices_before=invoices_before,
            )
    result.created = line_result.created
    result.updated = line_result.updated
    result.unchanged = line_result.unchanged
    changed = set(line_result.created_keys) | set(line_result.updated_keys)
    result.flagged_keys = [
        row["channel_line_id"] for row in line_rows if row["flags"] and row["channel_line_id"] in changed
    ]
    result.flagged = len(result.flagged_keys)
    order_notice(
        kind="order.new",
        store=store,
        count=order_result.created,
        payload={"order_ids": [order_result.ids[key] for key in order_result.created_keys]},
    )
    return result


def _claim_row(claim: ChannelClaim) -> dict:
    return {
        "channel_claim_id": claim.claim_id[:120],
        "claim_type": claim.claim_type.value,
        "state": claim.state.value,
        "channel_status": claim.channel_status[:60],
        "channel_order_id": claim.order_id[:100],
        "channel_line_ids": list(claim.line_ids),
        "quantity": claim.quantity,
        "reason": claim.reason[:200],
        "reason_detail": claim.reason_detail,
        "requested_at": claim.requested_at,
        "completed_at": claim.completed_at,
        "ref": claim.ref,
        "flags": list(claim.flags),
        "raw": claim.raw,
    }


def claims_collect(*, store, claims: list[ChannelClaim]) -> CollectResult:
    result = CollectResult(fetched=len(claims))
    if not claims:
        return result
    rows = [_claim_row(claim) for claim in claims]
    with transaction.atomic():
        upserted = upsert_by_key(Claim, scope={"store_id": store.pk}, key_field="channel_claim_id", rows=rows)
        from .claims import claims_after_collect  # claims.py imports this module

        claims_after_collect(store=store, claim_ids=upserted.ids.values())
    result.created, result.updated, result.unchanged = upserted.created, upserted.updated, upserted.unchanged
    result.flagged_keys = [row["channel_claim_id"] for row in rows if row["flags"]]
    result.flagged = len(result.flagged_keys)
    order_notice(
        kind="claim.new",
        store=store,
        count=upserted.created,
        payload={"claim_ids": [upserted.ids[key] for key in upserted.created_keys]},
    )
    return result


# ---------------------------------------------------------------------------------------------
# After collection: our state from the channel's (two-way sync), SKU matching, order summaries
# ---------------------------------------------------------------------------------------------


PII_FIELDS = RECEIVER_FIELDS + ("buyer_name", "buyer_phone", "buyer_email", "delivery_message")


def _keep_receiver_edits(*, store, rows: list[dict]) -> None:
    """An order whose receiver was edited here keeps our values when the channel sends it again, and
    an order whose personal data was masked after the retention period stays masked."""
    from django.db.models import Q

    ids = [row["channel_order_id"] for row in rows]
    kept = {
        order["channel_order_id"]: order
        for order in Order.objects.filter(store=store, channel_order_id__in=ids)
        .filter(Q(receiver_edited_at__isnull=False) | Q(pii_masked_at__isnull=False))
        .order_by()
        .values("channel_order_id", "pii_masked_at", *PII_FIELDS)
    }
    for row in rows:
        ours = kept.get(row["channel_order_id"])
        if ours:
            for name in PII_FIELDS if ours["pii_masked_at"] else RECEIVER_FIELDS:
                row[name] = ours[name]
            if ours["pii_masked_at"]:
                row["raw"] = {}  # the channel's copy holds the personal data again


def event_build(
    *,
    order_id: int,
    line_id: int | None = None,
    kind: str,
    old: str = "",
    new: str = "",
    message: str = "",
    source: str = OrderEvent.Source.SYSTEM,
    user=None,
    payload: dict | None = None,
) -> OrderEvent:
    """An unsaved event (for bulk_create by callers that record many at once)."""
    return OrderEvent(
        order_id=order_id,
        line_id=line_id,
        kind=kind,
        old=str(old)[:500],
        new=str(new)[:500],
        message=str(message)[:500],
        source=source,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        payload=payload or {},
    )


def event_add(**fields) -> OrderEvent:
    """Record one event now (keyword arguments as ``event_build``)."""
    event = event_build(**fields)
    event.save()
    return event


def lines_after_collect(
    *, store, created_keys: set[str], changed_keys: set[str], invoices_before: dict | None = None
) -> None:
    """Apply the channel's state to ours for the lines this page created or changed.

    New lines take the state the channel reports (a line already cancelled at the source is never
    created as shippable); known lines move forward with the channel; a channel state behind ours
    is flagged for a person and ours stays. Every move is an OrderEvent (source: sync)."""
    now = timezone.now()
    lines = list(OrderLine.objects.filter(store=store, channel_line_id__in=changed_keys).order_by())
    initial = {line.pk: _after_collect_values(line) for line in lines}
    events: list[OrderEvent] = []
    touched_orders: set[int] = set()
    for line in lines:
        created = line.channel_line_id in created_keys
        before = (invoices_before or {}).get(line.channel_line_id)
        if before is not None and before != (line.courier, line.tracking_number):
            # The invoice was corrected (or removed) at the channel: ours follows, on record.
            events.append(
                OrderEvent(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="invoice_changed",
                    old=" ".join(before),
                    new=f"{line.courier} {line.tracking_number}".strip(),
                    source=OrderEvent.Source.SYNC,
                )
            )
            touched_orders.add(line.order_id)
        if created:
            state = machine.initial_state(line.status)
            if state is None:
                # Already flagged "unknown_status:…" by the row builder: a person places it.
                if not any(f.startswith("unknown_status") for f in (line.flags or [])):
                    _flag(line, f"unknown_status:{line.channel_status}")
                continue
            if line.state != state:
                line.state = state.value
                line.state_changed_at = now
            events.append(
                OrderEvent(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="collected",
                    new=line.state,
                    source=OrderEvent.Source.SYNC,
                    payload={"channel_status": line.channel_status},
                )
            )
            touched_orders.add(line.order_id)
            continue
        target, conflict = machine.sync_target(line.state, line.status)
        if target is not None:
            events.append(
                OrderEvent(
                    order_id=line.order_id,
                    line_id=line.pk,
                    kind="state",
                    old=line.state,
                    new=target.value,
                    source=OrderEvent.Source.SYNC,
                    payload={"channel_status": line.channel_status},
                )
            )
            line.state = target.value
            line.state_changed_at = now
            line.flags = [f for f in (line.flags or []) if not f.startswith("state_conflict:")]
            line.needs_attention = bool(line.flags)
            touched_orders.add(line.order_id)
        elif conflict:
            flag = f"state_conflict:{line.state}>{line.status}"
            if flag not in (line.flags or []):
                events.append(
                    OrderEvent(
                        order_id=line.order_id,
                        line_id=line.pk,
                        kind="sync_conflict",
                        old=line.state,
                        new=line.status,
                        source=OrderEvent.Source.SYNC,
                        message="채널 상태가 우리 상태보다 뒤에 있어 적용하지 않았습니다.",
                        payload={"channel_status": line.channel_status},
                    )
                )
                _flag(line, flag)
                touched_orders.add(line.order_id)
    # The first delivery of an order starts its personal data retention clock (orders/pii.py).
    reached = (OrderState.DELIVERED, OrderState.COMPLETED)
    delivered = {line.order_id for line in lines if line.state_changed_at == now and line.state in reached}
    if delivered:
        Order.objects.filter(pk__in=delivered, delivered_at__isnull=True).update(delivered_at=now)
    _match_skus(store=store, lines=[line for line in lines if line.sku_id is None])
    _write_changed(lines, initial)
    # Coupang and 11번가 order data carries no claim: put back the claim fields of re-collected lines
    # from their Claim rows (and settle claims collected before their order).
    from .claims import claims_relink_lines

    claims_relink_lines(store=store, line_keys=changed_keys)
    OrderEvent.objects.bulk_create(events, batch_size=500)
    touched_orders.update(line.order_id for line in lines)
    orders_refresh_summary(order_ids=touched_orders)
    new_lines = [line for line in lines if line.channel_line_id in created_keys and line.state == OrderState.NEW]
    if new_lines and store.auto_acknowledge == "auto":
        ids = [line.pk for line in new_lines]
        transaction.on_commit(lambda: _queue_auto_acknowledge(ids))
    # 합포장: lines that can ship join their receiver's bundle, closed ones leave theirs.
    from .bundles import bundles_assign

    bundles_assign(line_ids=[line.pk for line in lines])
    # Stock follows the lines: new ones reserve, cancelled ones release, shipped ones leave.
    from modules.inventory.services import lines_stock_follow

    lines_stock_follow(line_ids=[line.pk for line in lines])


AFTER_COLLECT_FIELDS = ("state", "state_changed_at", "flags", "needs_attention", "sku_id", "match_source")


def _after_collect_values(line: OrderLine) -> tuple:
    return tuple(json.dumps(v) if isinstance(v, list) else v for v in (getattr(line, f) for f in AFTER_COLLECT_FIELDS))


def _write_changed(lines: list[OrderLine], before: dict[int, tuple]) -> None:
    """Write what the collection step changed, one UPDATE per distinct set of values: the lines of a
    page mostly share a state and a handful of SKUs, and a bulk_update's CASE per row was half the
    cost of collecting."""
    groups: dict[tuple, list[int]] = {}
    for line in lines:
        values = _after_collect_values(line)
        if values != before[line.pk]:
            groups.setdefault(values, []).append(line.pk)
    for values, ids in groups.items():
        fields = dict(zip(AFTER_COLLECT_FIELDS, values, strict=True))
        fields["flags"] = json.loads(fields["flags"])
        for start in range(0, len(ids), 500):
            OrderLine.objects.filter(pk__in=ids[start : start + 500]).update(**fields)


def _queue_auto_acknowledge(line_ids: list[int]) -> None:
    from django_q.tasks import async_task

    async_task("modules.orders.tasks.auto_acknowledge", line_ids, task_name="orders-auto-acknowledge")


def _flag(line: OrderLine, flag: str) -> None:
    flags = list(line.flags or [])
    if flag not in flags:
        flags.append(flag)
    line.flags = flags
    line.needs_attention = True


def _match_skus(*, store, lines: list[OrderLine]) -> None:
    """SKU for each unmatched line: the listing option mapping first, then the seller code."""
    if not lines:
        return
    from modules.catalog.models import SKU
    from modules.channels.models import ListingOption

    option_ids = {line.channel_option_id for line in lines if line.channel_option_id}
    by_option = {
        (listing_product, option_id): sku_id
        for listing_product, option_id, sku_id in ListingOption.objects.filter(
            listing__store=store, channel_option_id__in=option_ids, sku__isnull=False
        )
        .order_by()
        .values_list("listing__channel_product_id", "channel_option_id", "sku_id")
    }
    by_option_only: dict[str, int] = {}
    for (_product, option_id), sku_id in by_option.items():
        by_option_only.setdefault(option_id, sku_id)
    codes = {line.seller_code for line in lines if line.seller_code}
    by_code = dict(SKU.objects.filter(seller_code__in=codes).order_by().values_list("seller_code", "id"))
    for line in lines:
        sku_id = by_option.get((line.channel_product_id, line.channel_option_id)) or by_option_only.get(
            line.channel_option_id
        )
        if sku_id:
            line.sku_id, line.match_source = sku_id, "listing"
        elif line.seller_code in by_code:
            line.sku_id, line.match_source = by_code[line.seller_code], "seller_code"


def orders_refresh_summary(*, order_ids) -> None:
    """Order state = the least advanced live line; needs attention = any line needs it."""
    order_ids = list(order_ids)
    if not order_ids:
        return
    per_order: dict[int, list[tuple[str, bool]]] = {}
    for order_id, state, attention in (
        OrderLine.objects.filter(order_id__in=order_ids)
        .order_by("id")
        .values_list("order_id", "state", "needs_attention")
    ):
        per_order.setdefault(order_id, []).append((state, attention))
    orders = list(Order.objects.filter(pk__in=order_ids).only("id", "state", "needs_attention"))
    changed = []
    for order in orders:
        rows = per_order.get(order.pk, [])
        state = machine.order_summary_state([r[0] for r in rows])
        attention = any(r[1] for r in rows)
        if (order.state, order.needs_attention) != (state, attention):
            order.state, order.needs_attention = state, attention
            changed.append(order)
    Order.objects.bulk_update(changed, ["state", "needs_attention"], batch_size=500)
