"""Stock reservations per second under concurrent threads, against a bare locked counter.

The shape of ``tests/inventory/test_concurrency.py``: one SKU with 500 on hand (put in through
``stock_inbound``, so the ledger starts right), one warehouse, 8 threads × 100 order lines of one
unit each; every thread has its own database connection (opened before the start line) and the
threads start together on a barrier. 800 attempts for 500 units: exactly 500 must succeed and
nothing may be oversold.

ours
    ``modules.inventory.services.lines_stock_follow(line_ids=[line], retry_shorts=False)`` per line,
    as the concurrency test calls it: company settings read, the line and its stock rows read, the
    levels locked (SELECT … FOR UPDATE in primary-key order), the level written, one ledger movement
    per reservation, a LineStock row (held, or short when nothing is left), an order event, the SKU
    marked for the channel allocation and, after commit, the allocation's debounced schedule.
baseline
    The bare minimum that is still correct: per attempt, in a transaction, ``select_for_update()``
    the StockLevel row and a conditional ``F()`` update (``reserved + 1`` where ``on_hand >= reserved
    + 1``). No ledger, no line records, no events, no allocation mark. Same threads, same barrier,
    its own fresh SKU with 500.

Each repetition uses fresh SKUs and lines (built untimed); ours and the baseline alternate and the
median of ``--repeat`` runs is reported. ``ratio`` = ours / baseline in seconds (lower is better);
the notes give reservation attempts per second of both and the correctness checks.

Databases
    PostgreSQL (``BENCH_DATABASE_URL``): 8 threads, real row locks — the figure that matters.
    SQLite has one writer (IMMEDIATE transactions, busy_timeout): 8 threads would measure its
    busy-wait lock, not ours, so on SQLite the same 800 attempts run in ONE thread; the name says
    ``sqlite_1thread`` and the notes say so.

Other active warehouses (left by another benchmark of the same run) are set inactive for the
duration and restored afterwards, so every run has exactly the test's one warehouse.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import F, Sum

from bench.common import log, median, result
from modules.catalog.models import SKU, Product
from modules.channels.models import Store
from modules.core.models import CompanySettings
from modules.inventory.models import LineStock, StockLevel, StockMovement
from modules.inventory.services import lines_stock_follow, stock_inbound
from modules.orders.models import Order, OrderLine
from modules.shipping.models import Warehouse

STOCK = 500
PG_THREADS = 8
PER_THREAD = 100
ATTEMPTS = PG_THREADS * PER_THREAD


def _race(threads: int, work_items: list, attempt: Callable[[object], bool]) -> tuple[float, int, list[str]]:
    """Run ``attempt`` on every item, spread over ``threads`` threads started together.

    Returns (seconds from the start line until the last thread finished, successes, errors)."""
    chunks = [work_items[n::threads] for n in range(threads)]
    succeeded = [0] * threads
    errors: list[str] = []
    start = threading.Barrier(threads + 1)

    def work(index: int) -> None:
        try:
            connection.ensure_connection()  # not part of the timing
            start.wait()
            for item in chunks[index]:
                succeeded[index] += bool(attempt(item))
        except Exception as exc:  # reported in the notes and raised after the run
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began, sum(succeeded), errors


def _sku(label: str, warehouse: Warehouse) -> SKU:
    product = Product.objects.create(name=f"예약 벤치 {label}", seller_code=f"RSV{label}", price=10000)
    sku = SKU.objects.create(product=product, seller_code=f"RSV{label}-01")
    stock_inbound(sku=sku, warehouse=warehouse, quantity=STOCK, reason="bench")
    return sku


def _lines(sku: SKU, store: Store, label: str, count: int) -> list[int]:
    orders = Order.objects.bulk_create(
        [Order(store=store, channel_order_id=f"RSV{label}-{n}") for n in range(count)], batch_size=500
    )
    created = OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, store=store, channel_line_id=f"RSV{label}-{n}-1", quantity=1, state="new", sku=sku)
            for n, order in enumerate(orders)
        ],
        batch_size=500,
    )
    line_ids = [line.pk for line in created]
    if None in line_ids:  # a backend that does not return ids from bulk_create
        line_ids = list(OrderLine.objects.filter(store=store, sku=sku).order_by("pk").values_list("pk", flat=True))
    return line_ids


def _ours(sku: SKU, warehouse: Warehouse, line_ids: list[int], threads: int) -> tuple[float, dict]:
    def attempt(line_id: int) -> bool:
        return lines_stock_follow(line_ids=[line_id], retry_shorts=False).reserved == 1

    seconds, succeeded, errors = _race(threads, line_ids, attempt)
    level = StockLevel.objects.get(sku=sku, warehouse=warehouse)
    ledger = StockMovement.objects.filter(sku=sku, warehouse=warehouse).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
    )
    check = {
        "succeeded": succeeded,
        "errors": errors,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "held": LineStock.objects.filter(sku=sku, state=LineStock.State.HELD).count(),
        "short": LineStock.objects.filter(sku=sku, state=LineStock.State.SHORT).count(),
        "ledger_on_hand": ledger["on_hand"],
        "ledger_reserved": ledger["reserved"],
        "reserve_movements": StockMovement.objects.filter(sku=sku, warehouse=warehouse, kind="reserve").count(),
    }
    return seconds, check


def _baseline(sku: SKU, warehouse: Warehouse, attempts: int, threads: int) -> tuple[float, dict]:
    level_id = StockLevel.objects.get(sku=sku, warehouse=warehouse).pk

    def attempt(_n: int) -> bool:
        with transaction.atomic():
            StockLevel.objects.select_for_update().only("pk").get(pk=level_id)
            return bool(
                StockLevel.objects.filter(pk=level_id, on_hand__gte=F("reserved") + 1).update(
                    reserved=F("reserved") + 1
                )
            )

    seconds, succeeded, errors = _race(threads, list(range(attempts)), attempt)
    level = StockLevel.objects.get(pk=level_id)
    return seconds, {"succeeded": succeeded, "errors": errors, "on_hand": level.on_hand, "reserved": level.reserved}


def _ours_problems(check: dict, attempts: int) -> list[str]:
    expected_ok = min(STOCK, attempts)
    problems = [f"error {text}" for text in check["errors"][:3]]
    wanted = {
        "succeeded": expected_ok,
        "on_hand": STOCK,
        "reserved": expected_ok,
        "held": expected_ok,
        "short": attempts - expected_ok,
        "ledger_on_hand": STOCK,
        "ledger_reserved": expected_ok,
        "reserve_movements": expected_ok,
    }
    problems += [f"{key} {check[key]} != {value}" for key, value in wanted.items() if check[key] != value]
    return problems


def _baseline_problems(check: dict, attempts: int) -> list[str]:
    expected_ok = min(STOCK, attempts)
    problems = [f"error {text}" for text in check["errors"][:3]]
    if check["succeeded"] != expected_ok or check["reserved"] != expected_ok:
        problems.append(f"succeeded {check['succeeded']} / reserved {check['reserved']} != {expected_ok}")
    if check["reserved"] > check["on_hand"]:
        problems.append(f"oversold: reserved {check['reserved']} > on hand {check['on_hand']}")
    return problems


def run(args) -> list[dict]:
    vendor = connection.vendor
    threads = 1 if vendor == "sqlite" else PG_THREADS
    settings = CompanySettings.load()
    if not (settings.stock_management_enabled and settings.order_stock_link):
        raise RuntimeError("company settings: stock management and the order stock link must be on")

    warehouse = Warehouse.objects.create(
        name="예약 벤치 창고", address1="서울특별시 중구 세종대로 1", phone1="02-000-0000", is_main=True
    )
    others = list(Warehouse.objects.filter(active=True).exclude(pk=warehouse.pk).values_list("pk", flat=True))
    Warehouse.objects.filter(pk__in=others).update(active=False)
    store = Store.objects.create(marketplace="coupang", name="예약 벤치 스토어", seller_id="bench-reserve")
    ours_times, base_times, problems = [], [], []
    try:
        for rep in range(args.repeat):
            # Data for both sides first (untimed), then alternate which side goes first.
            sku_ours = _sku(f"{rep}O", warehouse)
            line_ids = _lines(sku_ours, store, f"{rep}O", ATTEMPTS)
            sku_base = _sku(f"{rep}B", warehouse)
            order = ("ours", "baseline") if rep % 2 == 0 else ("baseline", "ours")
            for side in order:
                if side == "ours":
                    seconds, check = _ours(sku_ours, warehouse, line_ids, threads)
                    ours_times.append(seconds)
                    problems += [f"ours run {rep + 1}: {p}" for p in _ours_problems(check, ATTEMPTS)]
                else:
                    seconds, check = _baseline(sku_base, warehouse, ATTEMPTS, threads)
                    base_times.append(seconds)
                    problems += [f"baseline run {rep + 1}: {p}" for p in _baseline_problems(check, ATTEMPTS)]
                log(
                    f"stock_reserve[{vendor}, {threads} thread(s)] run {rep + 1} {side}: "
                    f"{ATTEMPTS / seconds:,.0f} attempts/s, {check['succeeded']} reserved"
                )
    finally:
        Warehouse.objects.filter(pk__in=others).update(active=True)

    ours, base = median(ours_times), median(base_times)
    ok = min(STOCK, ATTEMPTS)
    if threads == 1:
        setup = (
            f"SQLite, ONE thread ({ATTEMPTS} attempts in a row): SQLite has a single writer, so this is the "
            "per-reservation cost without concurrency, not the 8-thread figure (that needs BENCH_DATABASE_URL "
            "on PostgreSQL)"
        )
    else:
        setup = f"{vendor}, {threads} threads × {PER_THREAD} attempts of one unit, own connection each"
    verdict = (
        "checks failed: " + "; ".join(problems[:6])
        if problems
        else (
            f"checks passed in every run: exactly {ok} of {ATTEMPTS} reserved on both sides, none oversold "
            f"(reserved {ok} <= on hand {STOCK}); ours also {ATTEMPTS - ok} short rows, {ok} held rows, "
            f"{ok} reserve movements, ledger sums = level"
        )
    )
    measurement = result(
        name=f"stock_reserve_{vendor}_{threads}thread{'s' if threads > 1 else ''}",
        n=ATTEMPTS,
        ours_s=ours,
        baseline_s=base,
        notes=(
            f"{ATTEMPTS / ours:,.0f} reservation attempts/s ({ok / ours:,.0f} successful/s) through "
            f"lines_stock_follow vs {ATTEMPTS / base:,.0f} attempts/s bare select_for_update + conditional F() "
            f"update; throughput ratio ours/baseline {base / ours:.2f}; {setup}; SKU with {STOCK}, "
            f"{len(ours_times)} run(s) each, median; {verdict}"
        ),
    )
    if problems:
        log("stock_reserve: " + "; ".join(problems))
    return [measurement]
