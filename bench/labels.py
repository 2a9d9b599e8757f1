"""1,000 courier labels from the database to one PDF, against bare WeasyPrint on the same HTML.

ours
    ``modules.shipping.labels.render_labels``: reads 1,000 shipments with their order lines,
    orders, warehouse and contract (a constant number of queries), masks the receivers, builds a
    Code128 SVG per tracking number, renders the label template (one block per label) and writes
    one PDF with WeasyPrint (shared FontConfiguration and parsed CSS, restricted URL fetcher).
baseline
    Bare WeasyPrint on the same document: the HTML string ours produced, built before timing,
    through ``HTML(string=...).write_pdf(stylesheets=[the same parsed CSS], font_config=the same
    FontConfiguration)``. The difference is everything ours does besides WeasyPrint.

Each shipment has two order lines (product, option, quantity), a CJ number, the 100 × 150 mm
built-in layout (every field). Time: median of ``min(--repeat, 2)`` runs each, ours and bare
alternating (this machine's speed drifts). ``ratio`` = ours / baseline in seconds, as every bench;
the goal "at least 0.7 of bare WeasyPrint's pages/s" is ``throughput_ratio`` >= 0.7 (ratio <= 1.43).
Memory, in separate runs (ours first, so bare may reuse pages ours freed): the tracemalloc peak of
Python allocations during the call and the growth of the process's RSS (sampled every 5 ms).
"""

from __future__ import annotations

import gc
import os
import threading
import time
import tracemalloc
from collections.abc import Callable

from django.utils import timezone

from bench.common import log, median, result
from integrations.channels.base import CourierCode
from integrations.couriers import tracking
from modules.channels.models import Store, SyncKind, SyncState
from modules.orders.models import Bundle, Order, OrderLine
from modules.orders.status import OrderState
from modules.shipping import labels
from modules.shipping.models import BoxSize, CourierContract, Shipment, ShipmentState, Warehouse

LABELS = 1_000
MB = 1024 * 1024
NAMES = ["김민지", "이지호", "박서연", "최도현", "정하은", "남궁민수"]
STREETS = [
    "서울특별시 강남구 테헤란로",
    "부산광역시 해운대구 센텀중앙로",
    "경기도 성남시 분당구 판교역로",
    "경상북도 울릉군 울릉읍 울릉순환로",
]
DETAILS = ["101동 1502호", "대한민국아파트 203동 804호", "3층", "B동 2층 물류창고 옆"]
PRODUCTS = [
    ("무선 마우스", "블랙", "MOUSE-BK"),
    ("기계식 키보드", "갈축 / 화이트", "KB-BR-WH"),
    ("스테인리스 텀블러 500ml", "실버", "TUMBLER-500"),
    ("국내산 햇사과 5kg", "가정용", "APPLE-5K"),
]
MESSAGES = ["문 앞에 놓아 주세요", "부재 시 경비실에 맡겨 주세요", "", "배송 전 연락 바랍니다"]


def seed(count: int) -> list[int]:
    """A store, a warehouse with a CJ contract, and ``count`` registered shipments of 2 lines each."""
    store = Store.objects.create(marketplace="coupang", name="벤치 스토어", seller_id="bench-labels")
    SyncState.objects.create(store=store, kind=SyncKind.CLAIMS, last_success_at=timezone.now())
    contract = CourierContract.objects.create(name="CJ 벤치", courier=CourierCode.CJ, contract_code="30012345")
    BoxSize.objects.create(contract=contract, code="02", name="소", price=3500, sort_order=0)
    warehouse = Warehouse.objects.create(
        name="장터상회 물류센터",
        zip_code="10550",
        address1="경기도 고양시 덕양구 화정로 45",
        address2="B동 2층",
        phone1="031-123-4567",
        is_main=True,
        default_contract=contract,
    )
    now = timezone.now()
    orders = Order.objects.bulk_create(
        [
            Order(
                store=store,
                channel_order_id=f"2026{i:08d}",
                ordered_at=now,
                receiver_name=NAMES[i % len(NAMES)],
                receiver_phone1=f"010-{1000 + i % 9000:04d}-{(i * 7919) % 10000:04d}",
                zip_code=f"{10000 + i % 50000:05d}",
                address1=f"{STREETS[i % len(STREETS)]} {1 + i % 500}",
                address2=DETAILS[i % len(DETAILS)],
                delivery_message=MESSAGES[i % len(MESSAGES)],
                state=OrderState.INVOICE_REGISTERED,
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    bundles = Bundle.objects.bulk_create(
        [Bundle(key=f"bench-{i}", store=store, marketplace="coupang") for i in range(count)], batch_size=500
    )
    numbers = [tracking.compose(CourierCode.CJ, f"6{i:010d}") for i in range(count)]
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                store=store,
                bundle=bundle,
                channel_line_id=f"L{i:08d}-{j}",
                product_name=PRODUCTS[(i + j) % len(PRODUCTS)][0],
                option_name=PRODUCTS[(i + j) % len(PRODUCTS)][1],
                seller_code=PRODUCTS[(i + j) % len(PRODUCTS)][2],
                quantity=1 + (i + j) % 3,
                state=OrderState.INVOICE_REGISTERED,
                courier=CourierCode.CJ,
                tracking_number=number,
            )
            for i, (order, bundle, number) in enumerate(zip(orders, bundles, numbers, strict=True))
            for j in range(2)
        ],
        batch_size=1000,
    )
    shipments = Shipment.objects.bulk_create(
        [
            Shipment(
                bundle=bundle,
                warehouse=warehouse,
                contract=contract,
                courier=CourierCode.CJ,
                tracking_number=number,
                state=ShipmentState.REGISTERED,
                registered_at=now,
            )
            for bundle, number in zip(bundles, numbers, strict=True)
        ],
        batch_size=500,
    )
    return [s.pk for s in shipments]


def _rss() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_of(fn: Callable[[], object]) -> tuple[float, float]:
    """(tracemalloc peak MB, peak RSS growth MB) of one call."""
    gc.collect()
    before = _rss()
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    try:
        fn()
        _current, traced_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        stop.set()
        sampler.join()
    peak[0] = max(peak[0], _rss())
    return traced_peak / MB, (peak[0] - before) / MB


def run(args) -> list[dict]:
    repeat = min(args.repeat, 2)
    log(f"seeding {LABELS:,} shipments")
    ids = seed(LABELS)
    spec = labels.layout_spec(None)
    css = labels.stylesheet("label", spec.size)
    config = labels.font_config()

    # The document ours renders, built once for the bare run (same data, same printed time).
    printed_at = timezone.now()
    found, lines_of = labels.load_shipments(ids)
    html = labels.labels_html([labels.label_data(found[pk], lines_of[pk], spec, printed_at) for pk in ids], spec)

    def ours():
        batch = labels.render_labels(shipments=ids, layout=spec, printed_at=printed_at)
        assert batch.pages == LABELS, batch.pages
        return batch

    def bare():
        from weasyprint import HTML

        document = HTML(string=html).render(stylesheets=[css], font_config=config)
        assert len(document.pages) == LABELS
        return document.write_pdf()

    log("warm-up (template, fonts) on 10 labels")
    labels.render_labels(shipments=ids[:10], layout=spec)
    ours_times, bare_times = [], []
    for round_ in range(repeat):
        for name, fn, times in (("ours", ours, ours_times), ("bare", bare, bare_times)):
            gc.collect()
            started = time.perf_counter()
            output = fn()
            times.append(time.perf_counter() - started)
            log(f"round {round_ + 1}: {name} {times[-1]:.1f}s")
    pdf_bytes = len(output)
    del output
    log("memory: ours, then bare")
    ours_traced, ours_rss = memory_of(ours)
    bare_traced, bare_rss = memory_of(bare)

    ours_s, bare_s = median(ours_times), median(bare_times)
    ours_rate, bare_rate = LABELS / ours_s, LABELS / bare_s
    throughput = ours_rate / bare_rate
    item = result(
        name="labels_pdf_1k",
        n=LABELS,
        ours_s=ours_s,
        baseline_s=bare_s,
        notes=(
            f"{LABELS:,} labels 100x150 mm, one PDF ({pdf_bytes / MB:.1f} MB): ours {ours_rate:.1f} pages/s, "
            f"bare WeasyPrint on the same HTML {bare_rate:.1f} pages/s, throughput ratio {throughput:.2f} "
            f"(goal >= 0.7); ours: tracemalloc peak {ours_traced:.0f} MB, RSS growth {ours_rss:.0f} MB; "
            f"bare: tracemalloc peak {bare_traced:.0f} MB, RSS growth {bare_rss:.0f} MB"
        ),
    )
    item.update(
        {
            "ours_pages_per_s": round(ours_rate, 2),
            "bare_pages_per_s": round(bare_rate, 2),
            "throughput_ratio": round(throughput, 3),
            "within_goal": throughput >= 0.7,
            "ours_peak_mb": round(ours_traced, 1),
            "ours_rss_growth_mb": round(ours_rss, 1),
            "baseline_peak_mb": round(bare_traced, 1),
            "baseline_rss_growth_mb": round(bare_rss, 1),
            "ours_runs_s": [round(t, 2) for t in ours_times],
            "baseline_runs_s": [round(t, 2) for t in bare_times],
        }
    )
    return [item]
