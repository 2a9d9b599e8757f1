"""Pushing new stock quantities for 10,000 listing options to the marketplace sandbox, per marketplace.

For Coupang and for Naver, separately: a linked store with stock push on, 10,000 listing options
(each its own SKU; products of 1 to 20 options, 80 options per 10 products, so 1,250 channel
products), all known to the in-process sandbox with 100 in stock, and ours saying 100 too. One
``stock_apply`` (the real service, untimed) then puts a different quantity (1..99) of every SKU
in the warehouse, so all 10,000 options need a push.

ours
    What runs after the stock change commits, until the channel holds the new numbers:
    ``allocation_refresh_dirty()`` (the marked SKUs, the allocation rule, options written, changes
    into the push queue) and ``listing_changes_push(store=…)`` (the queue sent in the channel's
    batch sizes, results settled on the options and the queue). The notes split the two.
baseline
    Naive: one adapter ``push_stock([one change])`` per option, through the same adapter class,
    configuration and in-process transport, with the same quantities (read from the options after
    ours, before timing; the sandbox's stock of these options is reset to 0 first so the check
    afterwards proves the baseline delivered them). No queue, no records, no DB work in the timing.

HTTP calls are counted at the transport (every request that reaches the sandbox, Naver's OAuth
token request included and reported apart). Both sides use the adapter without its published rate
limit and without backoff sleeps (``RateLimit(1e6, 1e6)``, ``backoff_base=0``): the token bucket
would otherwise sleep, and the same for both. What the calls would cost at the published rate
(Coupang 8/s, Naver 5/s) is in the notes: at a real channel that, not our CPU, is the time.

``ratio`` = ours / baseline in seconds. Runs: ``min(--repeat, 2)`` per side (each run its own stock
change), median. The naive baseline sends all 10,000 calls (no sampling, no extrapolation).
"""

from __future__ import annotations

import time
from collections import Counter

import httpx

from bench.common import log, median, result
from integrations.channels.base import RateLimit, StockChange
from integrations.channels.http import rate_limiters
from integrations.channels.registry import adapter_class
from integrations.sandbox.core import Faults, SandboxTransport
from integrations.sandbox.registry import sandbox_class
from modules.catalog.models import SKU, Product
from modules.channels.adapters import IN_PROCESS_TRANSPORTS, adapter_for_store
from modules.channels.listing_services import _ref, listing_changes_push
from modules.channels.models import Listing, ListingChange, ListingOption, Store
from modules.channels.services import store_save
from modules.inventory.allocation import allocation_refresh_dirty
from modules.inventory.models import MovementKind
from modules.inventory.services import Delta, stock_apply
from modules.shipping.models import Warehouse

OPTIONS = 10_000
SIZES = (1, 2, 3, 4, 5, 8, 10, 12, 15, 20)  # options per product, cycling: 80 per 10 products
START_STOCK = 100
MARKETPLACES = ("coupang", "naver")
PUBLISHED_RATE = {"coupang": 8.0, "naver": 5.0}  # requests/s the adapters keep to in production
ID_BASE = {"coupang": (390_000_000, 39_000_000_000), "naver": (7_900_000_001, 79_000_000_001)}


class CountingTransport(SandboxTransport):
    """The sandbox transport, counting the requests that reach the channel."""

    def __init__(self, app):
        super().__init__(app)
        self.calls: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/quantities/" in path or path.endswith("/option-stock"):
            kind = "stock"
        elif "oauth2" in path or "token" in path:
            kind = "token"
        else:
            kind = f"other {request.method} {path}"
        self.calls[kind] += 1
        return super().handle_request(request)


def _fast_adapter(store: Store):
    return adapter_for_store(store, rate_limit=RateLimit(1_000_000, 1_000_000), backoff_base=0.0)


def _product_sizes() -> list[int]:
    sizes, total, n = [], 0, 0
    while total < OPTIONS:
        size = min(SIZES[n % len(SIZES)], OPTIONS - total)
        sizes.append(size)
        total += size
        n += 1
    return sizes


def _build(marketplace: str, sandbox) -> tuple[Store, list[int]]:
    """The store, 10,000 SKUs and options in our database and at the sandbox. Returns the SKU ids."""
    module = __import__(f"integrations.sandbox.{marketplace}", fromlist=["DEMO_CREDENTIALS"])
    store = Store(marketplace=marketplace, name=f"벤치 재고 {marketplace}", seller_id="bench-push", is_linked=True)
    store_save(store=store, credentials=dict(module.DEMO_CREDENTIALS), verify=False)
    Store.objects.filter(pk=store.pk).update(stock_sync=True)
    store.refresh_from_db()

    prefix = {"coupang": "BPC", "naver": "BPN"}[marketplace]
    sizes = _product_sizes()
    products = Product.objects.bulk_create(
        [
            Product(name=f"벤치 상품 {n}", seller_code=f"{prefix}{n:05d}", maker="장터", price=10000)
            for n in range(len(sizes))
        ],
        batch_size=1000,
    )
    products = list(Product.objects.filter(seller_code__startswith=prefix).order_by("seller_code"))
    SKU.objects.bulk_create(
        [
            SKU(
                product=product,
                seller_code=f"{product.seller_code}-{k + 1:02d}",
                option_label=f"옵션 {k + 1}",
                sort_order=k,
            )
            for product, size in zip(products, sizes, strict=True)
            for k in range(size)
        ],
        batch_size=1000,
    )
    skus = {sku.seller_code: sku.pk for sku in SKU.objects.filter(seller_code__startswith=prefix)}
    product_base, option_base = ID_BASE[marketplace]
    Listing.objects.bulk_create(
        [
            Listing(
                store=store,
                product=product,
                channel_product_id=str(product_base + n),
                channel_seller_code=product.seller_code,
                name=product.name,
                sale_price=10000,
                state=Listing.State.ON_SALE,
            )
            for n, product in enumerate(products)
        ],
        batch_size=1000,
    )
    listings = {listing.product_id: listing for listing in Listing.objects.filter(store=store)}
    options, remote = [], []
    number = 0
    for n, (product, size) in enumerate(zip(products, sizes, strict=True)):
        for k in range(size):
            code = f"{product.seller_code}-{k + 1:02d}"
            option_id = str(option_base + number)
            number += 1
            options.append(
                ListingOption(
                    listing=listings[product.pk],
                    sku_id=skus[code],
                    channel_option_id=option_id,
                    channel_seller_code=code,
                    option_text=f"옵션 {k + 1}",
                    stock=START_STOCK,
                    channel_price=10000,
                    channel_stock=START_STOCK,
                    channel_on_sale=True,
                    sort_order=k,
                )
            )
            remote.append((str(product_base + n), product, option_id, code, k))
    ListingOption.objects.bulk_create(options, batch_size=1000)
    _sandbox_seed(marketplace, sandbox, remote)
    return store, sorted(skus.values())


def _sandbox_seed(marketplace: str, sandbox, remote) -> None:
    """The same products and options at the channel (the sandbox's own state, as its seed does it)."""
    if marketplace == "coupang":
        from integrations.sandbox.coupang import Option

        for product_id, product, option_id, code, k in remote:
            sandbox.options[int(option_id)] = Option(
                vendor_item_id=int(option_id),
                seller_product_id=int(product_id),
                product_id=int(product_id) + 7_000_000,
                product_name=product.name,
                option_name=f"옵션 {k + 1}",
                seller_code=code,
                price=10000,
                stock=START_STOCK,
                original_price=10000,
            )
        return
    seeded = sandbox.products
    for product_id, product, option_id, code, k in remote:
        record = seeded.get(product_id)
        if record is None:
            record = seeded[product_id] = {
                "originProductNo": product_id,
                "channelProductNo": str(8_000_000_000 + int(product_id)),
                "name": product.name,
                "sellerManagementCode": product.seller_code,
                "statusType": "SALE",
                "salePrice": 10000,
                "stockQuantity": 0,
                "categoryId": "50000803",
                "groupNames": {"optionGroupName1": "옵션"},
                "options": {},
            }
        record["options"][option_id] = {
            "id": int(option_id),
            "optionName1": f"옵션 {k + 1}",
            "stockQuantity": START_STOCK,
            "price": 0,
            "sellerManagerCode": code,
            "usable": True,
        }


def _remote_stock(marketplace: str, sandbox, option_ids: list[str]) -> dict[str, int]:
    if marketplace == "coupang":
        return {oid: sandbox.options[int(oid)].stock for oid in option_ids}
    stock = {}
    for record in sandbox.products.values():
        for oid, option in record["options"].items():
            stock[oid] = option["stockQuantity"]
    return {oid: stock.get(oid) for oid in option_ids}


def _remote_reset(marketplace: str, sandbox, option_ids: list[str]) -> None:
    if marketplace == "coupang":
        for oid in option_ids:
            sandbox.options[int(oid)].stock = 0
        return
    wanted = set(option_ids)
    for record in sandbox.products.values():
        for oid, option in record["options"].items():
            if oid in wanted:
                option["stockQuantity"] = 0


def _ours(store: Store, transport: CountingTransport) -> tuple[float, float, object, Counter]:
    transport.calls.clear()
    started = time.perf_counter()
    allocation = allocation_refresh_dirty()
    allocated = time.perf_counter()
    adapter = _fast_adapter(store)
    try:
        task = listing_changes_push(store=store, adapter=adapter)
    finally:
        adapter.close()
    pushed = time.perf_counter()
    if task is None or task.failed or task.succeeded != OPTIONS:
        raise RuntimeError(f"push task: {task and (task.status, task.succeeded, task.failed)}")
    if allocation.queued < OPTIONS:
        raise RuntimeError(f"allocation queued {allocation.queued} of {OPTIONS}")
    return allocated - started, pushed - allocated, allocation, Counter(transport.calls)


def _naive(store: Store, transport: CountingTransport, changes: list[StockChange]) -> tuple[float, Counter]:
    transport.calls.clear()
    adapter = _fast_adapter(store)
    failed = 0
    started = time.perf_counter()
    try:
        for change in changes:
            failed += not adapter.push_stock([change])[0].ok
    finally:
        adapter.close()
    seconds = time.perf_counter() - started
    if failed:
        raise RuntimeError(f"naive baseline: {failed} of {len(changes)} calls failed")
    return seconds, Counter(transport.calls)


def _one(marketplace: str, warehouse: Warehouse, runs: int) -> dict:
    sandbox = sandbox_class(marketplace)(faults=Faults(seed=5))
    base_url = adapter_class(marketplace).default_base_url.rstrip("/")
    transport = IN_PROCESS_TRANSPORTS[base_url] = CountingTransport(sandbox)
    rate_limiters.clear()
    try:
        log(f"stock_push[{marketplace}]: building {OPTIONS:,} listing options")
        store, sku_ids = _build(marketplace, sandbox)
        allocation_refresh_dirty()  # marks left by an earlier benchmark of this run: not ours to time
        ours_alloc, ours_push, naive_times = [], [], []
        ours_calls = naive_calls = Counter()
        allocation = None
        for rep in range(runs):
            # A stock change of every SKU (the real service, untimed): 1..99 units on the first run
            # (the channel holds 100), one more on a second, so every option's quantity changes.
            deltas = [
                Delta(sku_id, warehouse.pk, MovementKind.INBOUND, on_hand=1 + (n * 37) % 99 if rep == 0 else 1)
                for n, sku_id in enumerate(sku_ids)
            ]
            stock_apply(deltas=deltas)
            alloc_s, push_s, allocation, ours_calls = _ours(store, transport)
            ours_alloc.append(alloc_s)
            ours_push.append(push_s)
            calls = sum(ours_calls.values())
            log(f"stock_push[{marketplace}] run {rep + 1} ours: {alloc_s + push_s:.2f}s, {calls} calls")

            options = list(ListingOption.objects.filter(listing__store=store).select_related("listing").order_by("pk"))
            expected = {option.channel_option_id: option.stock for option in options}
            got = _remote_stock(marketplace, sandbox, list(expected))
            wrong = sum(got[oid] != qty for oid, qty in expected.items())
            stale = sum(option.channel_stock != option.stock for option in options)
            if wrong or stale:
                raise RuntimeError(f"ours: {wrong} options differ at the sandbox, {stale} not settled")
            if ListingChange.objects.filter(store=store, status=ListingChange.Status.PENDING).exists():
                raise RuntimeError("ours: changes still pending after the push")

            changes = [
                StockChange(option_id=o.channel_option_id, quantity=o.stock, ref=_ref(o.listing)) for o in options
            ]
            _remote_reset(marketplace, sandbox, list(expected))
            naive_s, naive_calls = _naive(store, transport, changes)
            naive_times.append(naive_s)
            got = _remote_stock(marketplace, sandbox, list(expected))
            wrong = sum(got[oid] != qty for oid, qty in expected.items())
            if wrong:
                raise RuntimeError(f"naive: {wrong} options differ at the sandbox")
            log(f"stock_push[{marketplace}] run {rep + 1} naive: {naive_s:.2f}s, {sum(naive_calls.values())} calls")
    finally:
        IN_PROCESS_TRANSPORTS.pop(base_url, None)
        rate_limiters.clear()

    alloc_s, push_s, naive_s = median(ours_alloc), median(ours_push), median(naive_times)
    ours_s = alloc_s + push_s
    products = len(_product_sizes())
    ours_total, naive_total = sum(ours_calls.values()), sum(naive_calls.values())
    ours_stock, naive_stock = ours_calls["stock"], naive_calls["stock"]
    extra = {k: v for k, v in ours_calls.items() if k not in ("stock", "token")}
    rate = PUBLISHED_RATE[marketplace]
    return result(
        name=f"stock_push_{marketplace}_10k",
        n=OPTIONS,
        ours_s=ours_s,
        baseline_s=naive_s,
        notes=(
            f"HTTP calls: ours {ours_total:,} ({ours_stock:,} stock calls, {ours_calls['token']} token) vs naive "
            f"{naive_total:,} ({naive_stock:,} stock calls, {naive_calls['token']} token"
            + ("; Naver's token is cached per process, the naive side reused ours" if marketplace == "naver" else "")
            + f"); call ratio "
            f"{ours_total / naive_total:.3f}; {OPTIONS:,} options in {products:,} channel products "
            + (
                "(Coupang's quantity API takes one option per call, adapter batch size 1: 10,000 is the floor); "
                if marketplace == "coupang"
                else f"(one option-stock call per product would be the floor: {products:,}); "
            )
            + f"ours {ours_s:.2f}s = allocation {alloc_s:.2f}s ({allocation.options:,} options, "
            f"{allocation.queued:,} queued) + push {push_s:.2f}s; naive {naive_s:.2f}s of HTTP only; "
            f"{OPTIONS / ours_s:,.0f} vs {OPTIONS / naive_s:,.0f} options/s; at {marketplace}'s published "
            f"{rate:g} req/s the calls alone take ~{ours_total / rate:,.0f}s ours vs "
            f"~{naive_total / rate:,.0f}s naive; "
            "rate limit and backoff sleeps off on both sides; all options checked at the sandbox after each side; "
            f"{runs} run(s) each, median" + (f"; other calls by ours: {extra}" if extra else "")
        ),
    )


def run(args) -> list[dict]:
    runs = min(args.repeat, 2)
    warehouse = Warehouse.objects.create(
        name="재고 푸시 벤치 창고", address1="서울특별시 성동구 성수이로 77", phone1="02-555-0100", is_main=True
    )
    return [_one(marketplace, warehouse, runs) for marketplace in MARKETPLACES]
