"""Reads for the claims desk: the lists (a fixed number of queries whatever the page size) and one
claim with its lines and their history."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import Claim, Order, OrderEvent, OrderLine


def claims_list(*, claim_type: str | None = None) -> QuerySet[Claim]:
    """Claims with what the desk shows beside them, fetched in the same query: the order's pk,
    receiver (masked by the view) and first product name, and how many lines the order has.
    Claims point at their order by (store, channel order number), not by a key, hence subqueries."""
    orders = Order.objects.filter(store_id=OuterRef("store_id"), channel_order_id=OuterRef("channel_order_id"))
    lines = OrderLine.objects.filter(
        store_id=OuterRef("store_id"), order__channel_order_id=OuterRef("channel_order_id")
    ).order_by("id")
    line_count = (
        OrderLine.objects.filter(store_id=OuterRef("store_id"), order__channel_order_id=OuterRef("channel_order_id"))
        .order_by()
        .values("order_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    queryset = (
        Claim.objects.select_related("store", "decided_by")
        .annotate(
            order_pk=Subquery(orders.values("pk")[:1]),
            receiver_name=Subquery(orders.values("receiver_name")[:1]),
            buyer_name=Subquery(orders.values("buyer_name")[:1]),
            product_name=Subquery(lines.values("product_name")[:1]),
            option_name=Subquery(lines.values("option_name")[:1]),
            order_line_count=Subquery(line_count[:1]),
        )
        .defer("raw", "ref")
        .order_by("-requested_at", "-id")
    )
    if claim_type:
        queryset = queryset.filter(claim_type=claim_type)
    return queryset


def claim_lines(*, claim: Claim) -> list[OrderLine]:
    """The order lines the claim covers (its channel line ids, else the whole order)."""
    lines = OrderLine.objects.filter(store_id=claim.store_id).select_related("order", "sku")
    if claim.channel_line_ids:
        lines = lines.filter(channel_line_id__in=claim.channel_line_ids)
    else:
        lines = lines.filter(order__channel_order_id=claim.channel_order_id)
    return list(lines.order_by("id"))


def claim_events(*, lines: list[OrderLine], limit: int = 200) -> list[OrderEvent]:
    """The history of the claim's lines, newest first."""
    if not lines:
        return []
    return list(
        OrderEvent.objects.filter(line_id__in=[line.pk for line in lines])
        .select_related("user", "line")
        .order_by("-id")[:limit]
    )
