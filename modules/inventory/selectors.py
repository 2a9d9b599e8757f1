"""Reads of stock: levels with their SKU and warehouse, available per SKU (set SKUs from their
components), the ledger and the lines waiting for stock."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import LineStock, SkuComponent, StockLevel, StockMovement


def stock_levels() -> QuerySet[StockLevel]:
    """Levels with what a list shows (SKU, its product, warehouse) and ``available_qty`` annotated."""
    return StockLevel.objects.select_related("sku__product", "warehouse").annotate(
        available_qty=F("on_hand") - F("reserved")
    )


def sku_available_subquery_for(sku_field: str = "pk"):
    """Available over active warehouses for the SKU whose id is the outer row's ``sku_field``."""
    totals = (
        StockLevel.objects.filter(sku_id=OuterRef(sku_field), warehouse__active=True)
        .order_by()
        .values("sku_id")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


def available_by_sku(sku_ids: Iterable[int]) -> dict[int, int]:
    """SKU id -> units that can still be sold over the active warehouses (never below zero).

    A set SKU's is the least, over its components, of the component's available ÷ its quantity."""
    sku_ids = set(sku_ids)
    if not sku_ids:
        return {}
    parts: dict[int, list[tuple[int, int]]] = {}
    for set_id, component_id, quantity in SkuComponent.objects.filter(set_sku_id__in=sku_ids).values_list(
        "set_sku_id", "component_id", "quantity"
    ):
        parts.setdefault(set_id, []).append((component_id, quantity))
    plain = (sku_ids - parts.keys()) | {component for items in parts.values() for component, _q in items}
    totals = dict(
        StockLevel.objects.filter(sku_id__in=plain, warehouse__active=True)
        .order_by()
        .values("sku_id")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values_list("sku_id", "total")
    )
    result = {}
    for sku_id in sku_ids:
        if sku_id in parts:
            result[sku_id] = min(max(0, totals.get(c, 0)) // q for c, q in parts[sku_id])
        else:
            result[sku_id] = max(0, totals.get(sku_id, 0))
    return result


def movements() -> QuerySet[StockMovement]:
    return StockMovement.objects.select_related("sku__product", "warehouse", "user", "line__order")


def short_lines() -> QuerySet[LineStock]:
    """Order lines waiting for stock, oldest first."""
    return LineStock.objects.filter(state=LineStock.State.SHORT).select_related("line__order", "sku__product")
