"""Collecting 20,000 orders from the marketplace sandbox in-process, per marketplace.

For each marketplace:
- ``collect_<mp>_20k``: a full sync run (HTTP through the in-process sandbox, mapping, upsert by
  store + channel id, and after each page what collection does in Orders: our state from the
  channel's (status machine, OrderEvents), SKU matching, claim relink, order summaries, bundling;
  page commits, progress) against a direct bulk insert (``bulk_create``) of the same normalized
  Order and OrderLine rows into a fresh store, measured in the same run. ``n`` is the number of
  orders; the notes give orders/s and lines/s of both. ratio = ours / baseline in seconds, so the
  goal "at least a third of the direct rate" is ratio <= 3.
- ``recollect_<mp>_20k``: the same window collected again (creates nothing) against the first
  collection; goal: at least twice as fast, ratio <= 0.5.

The sandbox generates the orders before timing starts; the adapter's published rate limit is
lifted (it would measure the token bucket, not our code). The sandboxes' demo catalogue exists as
SKUs (seller codes as the channels send them), so SKU matching by seller code has work to do.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.db.models import Count

from bench.common import log, result
from integrations.channels.base import RateLimit, Window
from integrations.channels.registry import adapter_class
from integrations.sandbox.core import Faults, SandboxTransport
from integrations.sandbox.registry import sandbox_class
from modules.channels.adapters import IN_PROCESS_TRANSPORTS, adapter_for_store
from modules.channels.models import Store, SyncState
from modules.channels.services import store_save
from modules.channels.sync import sync_run
from modules.orders.models import Order, OrderEvent, OrderLine
from modules.orders.services import _line_row, _order_row

ORDERS = 20_000
MARKETPLACES = ("coupang", "naver", "elevenst")


def _store(marketplace: str, name: str) -> Store:
    module = __import__(f"integrations.sandbox.{marketplace}", fromlist=["DEMO_CREDENTIALS"])
    store = Store(marketplace=marketplace, name=name, seller_id="bench", is_linked=True)
    store_save(store=store, credentials=dict(module.DEMO_CREDENTIALS), verify=False)
    return store


def _catalog_skus() -> int:
    """A SKU for each option seller code of the sandboxes' demo catalogue (the same on every channel)."""
    from integrations.sandbox.fake import CATALOG_SPEC
    from modules.catalog.models import SKU, Product

    created = 0
    for name, code, price, options in CATALOG_SPEC:
        product, _ = Product.objects.get_or_create(
            seller_code=code[:10], defaults={"name": name, "maker": "장터", "price": price}
        )
        for n, option in enumerate(options):
            _sku, made = SKU.objects.get_or_create(
                seller_code=f"{code}-{n + 1:02d}",
                defaults={
                    "product": product,
                    "option_label": option,
                    "option_values": option.split("/"),
                    "sort_order": n,
                },
            )
            created += made
    return created


def _fast_adapter(store: Store):
    return adapter_for_store(store, rate_limit=RateLimit(1_000_000, 1_000_000), backoff_base=0.0)


def _baseline_insert(store: Store, orders) -> float:
    """Bulk-insert the same normalized rows directly: no HTTP, no mapping, no upsert lookups."""
    started = time.perf_counter()
    with transaction.atomic():
        seen = {}
        for order in orders:
            seen.setdefault(order.order_id, order)
        created = Order.objects.bulk_create(
            [Order(store=store, **_order_row(order)) for order in seen.values()], batch_size=1000
        )
        ids = {order.channel_order_id: order.pk for order in created}
        if created and created[0].pk is None:
            ids = dict(Order.objects.filter(store=store).values_list("channel_order_id", "pk"))
        lines = {}
        for order in orders:
            for line in order.lines:
                lines[line.line_id] = OrderLine(store=store, **_line_row(line, ids[order.order_id]))
        OrderLine.objects.bulk_create(list(lines.values()), batch_size=1000)
    return time.perf_counter() - started


def _one(marketplace: str) -> list[dict]:
    sandbox = sandbox_class(marketplace)(faults=Faults(seed=5))
    base_url = adapter_class(marketplace).default_base_url.rstrip("/")
    IN_PROCESS_TRANSPORTS[base_url] = SandboxTransport(sandbox)
    try:
        log(f"channel_collect[{marketplace}]: sandbox creates {ORDERS:,} orders")
        sandbox.create_orders(ORDERS)

        store = _store(marketplace, f"bench-{marketplace}")
        log(f"channel_collect[{marketplace}]: sync run")
        started = time.perf_counter()
        run = sync_run(store=store, kind="orders", adapter=_fast_adapter(store))
        ours = time.perf_counter() - started
        if run.status not in ("succeeded", "partial"):
            raise RuntimeError(f"{marketplace} run failed: {run.message}")
        lines = OrderLine.objects.filter(store=store).count()
        orders = Order.objects.filter(store=store).count()
        # What the pipeline did after each page (so a silently skipped step shows in the notes).
        events = OrderEvent.objects.filter(order__store=store).count()
        matched = OrderLine.objects.filter(store=store, sku__isnull=False).count()
        bundled = OrderLine.objects.filter(store=store, bundle__isnull=False).count()
        states = dict(
            Order.objects.filter(store=store)
            .order_by()
            .values_list("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )

        # The same window again: everything unchanged, nothing written.
        SyncState.objects.filter(store=store, kind="orders").update(cursor_at=None)
        started = time.perf_counter()
        rerun = sync_run(store=store, kind="orders", adapter=_fast_adapter(store))
        recollect = time.perf_counter() - started

        # Baseline: the normalized rows of the same window, fetched untimed, inserted directly.
        window = Window(start=run.window_start, end=run.window_end)
        fetched = [order for page in _fast_adapter(store).fetch_orders(window) for order in page.items]
        baseline_store = _store(marketplace, f"bench-{marketplace}-direct")
        direct = _baseline_insert(baseline_store, fetched)
        direct_lines = OrderLine.objects.filter(store=baseline_store).count()
        direct_orders = Order.objects.filter(store=baseline_store).count()
    finally:
        IN_PROCESS_TRANSPORTS.pop(base_url, None)

    if (direct_orders, direct_lines) != (orders, lines):
        raise RuntimeError(f"baseline inserted {direct_orders} orders / {direct_lines} lines, ours {orders} / {lines}")
    ours_rate, direct_rate = orders / ours, direct_orders / direct
    state_text = ", ".join(f"{state} {n:,}" for state, n in sorted(states.items(), key=lambda item: -item[1]))
    return [
        result(
            name=f"collect_{marketplace}_20k",
            n=orders,
            ours_s=ours,
            baseline_s=direct,
            notes=(
                f"{ours_rate:,.0f} orders/s ({lines / ours:,.0f} lines/s) collected end to end "
                f"({orders:,} orders, {lines:,} lines, {run.pages} pages, {run.created:,} created) vs "
                f"{direct_rate:,.0f} orders/s ({direct_lines / direct:,.0f} lines/s) "
                "direct bulk insert of the same rows; "
                f"rate ratio {ours_rate / direct_rate:.2f} (goal >= 0.33); after the pages: {events:,} order events, "
                f"{matched:,} lines matched to a SKU, {bundled:,} lines in bundles, order states: {state_text}; "
                f"{connection.vendor}"
            ),
        ),
        result(
            name=f"recollect_{marketplace}_20k",
            n=orders,
            ours_s=recollect,
            baseline_s=ours,
            notes=(
                f"same window again: created {rerun.created}, updated {rerun.updated}, "
                f"unchanged {rerun.unchanged:,}; {recollect / ours:.2f}x the first run's time (goal <= 0.5)"
            ),
        ),
    ]


def run(args) -> list[dict]:
    _catalog_skus()
    measurements = []
    for marketplace in MARKETPLACES:
        measurements.extend(_one(marketplace))
    return measurements
