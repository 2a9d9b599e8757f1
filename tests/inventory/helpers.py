"""Stock for tests: a main warehouse, the sandbox's catalogue as SKUs, and units on hand."""

from __future__ import annotations

from modules.catalog.models import SKU
from modules.inventory.models import LineStock, StockMovement
from modules.inventory.services import stock_inbound
from modules.shipping.models import Warehouse


def warehouse_make(name: str = "본사 창고", *, main: bool = True) -> Warehouse:
    return Warehouse.objects.create(
        name=name, address1="서울특별시 성동구 성수이로 77", phone1="02-555-0100", is_main=main
    )


def stock_demo_catalog(quantity: int = 50, warehouse: Warehouse | None = None) -> Warehouse:
    """The sandbox's products as SKUs (orders match them by seller code), each with ``quantity`` on hand."""
    from modules.core.demo import demo_catalog_load

    demo_catalog_load()
    warehouse = warehouse or warehouse_make()
    for sku in SKU.objects.all():
        stock_inbound(sku=sku, warehouse=warehouse, quantity=quantity, reason="test stock")
    return warehouse


def line_stock_states(lines) -> set[str]:
    return set(LineStock.objects.filter(line__in=lines).values_list("state", flat=True))


def movement_kinds(lines) -> list[str]:
    return list(StockMovement.objects.filter(line__in=lines).order_by("id").values_list("kind", flat=True))
