"""N threads reserving one unit each on one SKU at the same time: nothing may be oversold.

``race()`` runs in the caller's database (the PostgreSQL test database from pytest); run as a
module (``python -m tests.support.stock_race``) it sets Django up from the environment — the
SQLite test runs it in a subprocess on a fresh file, where each thread has its own connection and
SQLite's IMMEDIATE transactions serialise the writers. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import threading
import time


def race_setup(*, stock: int, lines: int):
    from modules.catalog.models import SKU, Product
    from modules.channels.models import Store
    from modules.core.models import CompanySettings
    from modules.inventory.services import stock_inbound
    from modules.orders.models import Order, OrderLine
    from modules.shipping.models import Warehouse

    CompanySettings.load()
    warehouse = Warehouse.objects.create(
        name="경쟁 창고", address1="서울특별시 중구 세종대로 1", phone1="02-000-0000", is_main=True
    )
    product = Product.objects.create(name="경쟁 상품", seller_code="RACE", price=10000)
    sku = SKU.objects.create(product=product, seller_code="RACE-01")
    stock_inbound(sku=sku, warehouse=warehouse, quantity=stock, reason="race")
    store = Store.objects.create(marketplace="coupang", name="경쟁 스토어", seller_id="race")
    orders = Order.objects.bulk_create(
        [Order(store=store, channel_order_id=f"R{n}") for n in range(lines)], batch_size=500
    )
    created = OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, store=store, channel_line_id=f"R{n}-1", quantity=1, state="new", sku=sku)
            for n, order in enumerate(orders)
        ],
        batch_size=500,
    )
    return sku, warehouse, [line.pk for line in created]


def race(*, threads: int = 8, per_thread: int = 100, stock: int = 500) -> dict:
    from django.db import connection

    from modules.inventory.models import LineStock, StockLevel, StockMovement
    from modules.inventory.services import lines_stock_follow

    sku, warehouse, line_ids = race_setup(stock=stock, lines=threads * per_thread)
    chunks = [line_ids[n::threads] for n in range(threads)]
    reserved = [0] * threads
    errors: list[str] = []
    start = threading.Barrier(threads)

    def work(index: int) -> None:
        try:
            start.wait()
            for line_id in chunks[index]:
                reserved[index] += lines_stock_follow(line_ids=[line_id], retry_shorts=False).reserved
        except Exception as exc:  # reported, and the test fails on it
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    began = time.perf_counter()
    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - began
    level = StockLevel.objects.get(sku=sku, warehouse=warehouse)
    ledger = StockMovement.objects.filter(sku=sku, warehouse=warehouse)
    return {
        "vendor": connection.vendor,
        "attempts": threads * per_thread,
        "succeeded": sum(reserved),
        "held_rows": LineStock.objects.filter(sku=sku, state=LineStock.State.HELD).count(),
        "short_rows": LineStock.objects.filter(sku=sku, state=LineStock.State.SHORT).count(),
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "ledger_on_hand": sum(ledger.values_list("on_hand_delta", flat=True)),
        "ledger_reserved": sum(ledger.values_list("reserved_delta", flat=True)),
        "reserve_movements": ledger.filter(kind="reserve").count(),
        "errors": errors[:5],
        "seconds": round(seconds, 3),
        "per_second": round(threads * per_thread / seconds, 1) if seconds else 0.0,
    }


if __name__ == "__main__":
    import django

    django.setup()
    sys.stdout.write(json.dumps(race()) + "\n")
