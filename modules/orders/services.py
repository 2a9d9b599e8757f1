"""Writes for orders. ``orders_collect`` is the one way collected orders enter the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from integrations.channels.base import ChannelClaim, ChannelOrder, ChannelOrderLine, LineState
from modules.core.upsert import upsert_by_key

from .models import Claim, Order, OrderLine


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
        order_result = upsert_by_key(
            Order, scope={"store_id": store.pk}, key_field="channel_order_id", rows=[_order_row(o) for o in orders]
        )
        line_rows = [_line_row(line, order_result.ids[order.order_id]) for order in orders for line in order.lines]
        line_result = upsert_by_key(
            OrderLine, scope={"store_id": store.pk}, key_field="channel_line_id", rows=line_rows
        )
    result.created = line_result.created
    result.updated = line_result.updated
    result.unchanged = line_result.unchanged
    changed = set(line_result.created_keys) | set(line_result.updated_keys)
    result.flagged_keys = [
        row["channel_line_id"] for row in line_rows if row["flags"] and row["channel_line_id"] in changed
    ]
    result.flagged = len(result.flagged_keys)
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
    result.created, result.updated, result.unchanged = upserted.created, upserted.updated, upserted.unchanged
    result.flagged_keys = [row["channel_claim_id"] for row in rows if row["flags"]]
    result.flagged = len(result.flagged_keys)
    return result
