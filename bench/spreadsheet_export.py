"""Excel export of 100,000 order rows × 12 columns: our streaming writer against openpyxl.

ours
    ``modules.spreadsheets.writer.export_file``: XlsxWriter in ``constant_memory`` mode into an
    anonymous temporary file, with column widths from a 200-row sample, formula escaping and
    native numbers/dates (what every Excel download uses). Rows come from a generator, as they
    would from ``queryset.iterator()``.
baseline
    The same rows through openpyxl's normal (not write-only) ``Workbook``, saved to a temporary
    file: what a naive export (and django-import-export's xlsx format) does.

Time: median of ``min(--repeat, 3)`` runs each, without tracing. Memory, measured in separate
runs: the tracemalloc peak (Python allocations during the export) and the growth of the process's
resident set (RSS, sampled every 5 ms from /proc) above its level before the export. Ours is also
measured at 10,000 rows: its memory must not grow with rows (goal: under 150 MB above the start at
100,000 rows; it is a few MB).
"""

from __future__ import annotations

import gc
import os
import random
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import log, median, result
from modules.spreadsheets.cells import ValueType
from modules.spreadsheets.writer import WriterColumn, export_file

ROWS = 100_000
SMALL_ROWS = 10_000
SEED = 20261123
KST = ZoneInfo("Asia/Seoul")
MB = 1024 * 1024

COLUMNS = [
    WriterColumn("주문번호"),
    WriterColumn("주문일시", ValueType.DATETIME),
    WriterColumn("판매처"),
    WriterColumn("상품명"),
    WriterColumn("옵션"),
    WriterColumn("수량", ValueType.INT),
    WriterColumn("결제금액", ValueType.MONEY),
    WriterColumn("수취인명"),
    WriterColumn("수취인연락처"),
    WriterColumn("주소"),
    WriterColumn("배송메시지"),
    WriterColumn("송장번호"),
]
STORES = ["쿠팡 본점", "스마트스토어", "11번가", "G마켓", "옥션"]
PRODUCTS = ["무지 반팔 티셔츠", "데님 와이드 팬츠", "국내산 햇사과 5kg", "스테인리스 텀블러 500ml", "무선 충전 패드"]
OPTIONS = ["화이트 / M", "블랙 / L", "1박스", "실버", ""]
NAMES = ["김민지", "이지호", "박서연", "최도현", "정하은"]
STREETS = ["서울특별시 강남구 테헤란로", "부산광역시 해운대구 센텀중앙로", "경기도 성남시 분당구 판교역로"]
MESSAGES = ["문 앞에 놓아주세요", "부재 시 경비실", "=1+2 (수식처럼 보이는 메모)", "", "배송 전 연락 바랍니다"]


def order_rows(count: int) -> Iterator[list]:
    rng = random.Random(SEED)
    start = datetime(2026, 11, 1, tzinfo=KST)
    for i in range(count):
        yield [
            f"2026110{i:08d}",
            start + timedelta(seconds=i * 25),
            STORES[i % 5],
            PRODUCTS[rng.randrange(5)],
            OPTIONS[rng.randrange(5)],
            rng.randint(1, 5),
            rng.randrange(1_000, 200_000, 10),
            NAMES[rng.randrange(5)],
            f"010-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            f"{STREETS[rng.randrange(3)]} {rng.randint(1, 500)}, {rng.randint(101, 1504)}호",
            MESSAGES[rng.randrange(5)],
            f"{rng.randint(10**11, 10**12 - 1)}",
        ]


def ours(count: int) -> int:
    exported = export_file(COLUMNS, order_rows(count), filename="orders")
    rows = exported.rows
    exported.file.close()
    return rows


def baseline(count: int) -> int:
    import tempfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.title for column in COLUMNS])
    rows = 0
    for row in order_rows(count):
        row[1] = row[1].astimezone(KST).replace(tzinfo=None)
        sheet.append(row)
        rows += 1
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
    return rows


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


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (imports, first temp file)
    timings = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return median(timings)


def run(args) -> list[dict]:
    repeat = min(args.repeat, 3)
    # Memory first, ours before openpyxl, so openpyxl's freed pages do not hide our RSS growth.
    log("memory: ours at 10k and 100k rows")
    small_traced, small_rss = memory_of(lambda: ours(SMALL_ROWS))
    big_traced, big_rss = memory_of(lambda: ours(ROWS))
    log("time: ours at 10k and 100k rows")
    small_s = timed(lambda: ours(SMALL_ROWS), repeat)
    big_s = timed(lambda: ours(ROWS), repeat)
    log("memory and time: openpyxl at 10k and 100k rows (slow)")
    base_small_traced, base_small_rss = memory_of(lambda: baseline(SMALL_ROWS))
    base_small_s = timed(lambda: baseline(SMALL_ROWS), 1)
    base_big_traced, base_big_rss = memory_of(lambda: baseline(ROWS))
    base_big_s = timed(lambda: baseline(ROWS), 1)

    def notes(traced, rss, base_traced, base_rss, n):
        return (
            f"{n:,} rows x {len(COLUMNS)} cols; ours: tracemalloc peak {traced:.1f} MB, RSS growth {rss:.1f} MB; "
            f"openpyxl Workbook: tracemalloc peak {base_traced:.1f} MB, RSS growth {base_rss:.1f} MB"
        )

    measurements = []
    for n, seconds, base_seconds, traced, rss, base_traced, base_rss, label in (
        (SMALL_ROWS, small_s, base_small_s, small_traced, small_rss, base_small_traced, base_small_rss, "10k"),
        (ROWS, big_s, base_big_s, big_traced, big_rss, base_big_traced, base_big_rss, "100k"),
    ):
        item = result(
            name=f"spreadsheet_export_{label}",
            n=n,
            ours_s=seconds,
            baseline_s=base_seconds,
            notes=notes(traced, rss, base_traced, base_rss, n),
        )
        item.update(
            {
                "ours_peak_mb": round(traced, 2),
                "ours_rss_growth_mb": round(rss, 2),
                "baseline_peak_mb": round(base_traced, 2),
                "baseline_rss_growth_mb": round(base_rss, 2),
            }
        )
        measurements.append(item)
    growth = big_traced / small_traced if small_traced else None
    measurements[-1]["notes"] += (
        f"; ours 100k/10k tracemalloc peak ratio {growth:.2f} (flat = about 1)" if growth is not None else ""
    )
    measurements[-1]["within_goal"] = big_rss < 150
    return measurements
