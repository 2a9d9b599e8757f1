"""The Open API's order list (``GET /api/v1/orders/?limit=100``) at 100,000 orders: queries and latency.

ours
    ``GET`` through ``django.test.Client`` with ``Authorization: Bearer <token>``, the whole
    middleware stack included: the API log middleware and its INSERT, token lookup with its client,
    the scope check, the per-client throttle (file cache), cursor pagination, the serializer
    (masked receiver, lines) and JSON rendering. Two pages of 100 orders: the first page and a page
    in the middle of the 100,000 (reached with a cursor of the form the API's ``next`` links carry,
    ``p=<id>``). The client's rate is set high (100000/s) so the throttle never refuses a call.
baseline
    The same rows as bare ``values()`` fetches, in the same run: the page of orders (the fields the
    API sends, store name and marketplace joined) and their lines' fields: 2 queries, no
    serialisation.

Timing: ``max(30, 5 × --repeat)`` timed calls of each after 2 warm-ups, ours and the baseline
alternating call by call; p50 is ``ours_s`` / ``baseline_s``, p95s are in the notes. Before the
timings, the SQL queries of one GET of each page are counted with ``CaptureQueriesContext``; the
run fails (raises) when a page takes more than 10 queries or the two pages take different counts.
The count is taken with the token's ``last_used_at`` fresh; at most once a minute per token a call
also UPDATEs it (one more query, counted separately and held to the same limit).

The data is the order desk benchmark's (``bench.order_desk.Seeder``, ``bulk_create``): five stores,
100,000 orders over 90 days with about 1.5 lines each, claims and events.
"""

from __future__ import annotations

import base64
import math
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import log, median, result
from bench.order_desk import Seeder, _catalog, _staff, _stores
from modules.api.models import ALL_SCOPES, ApiClient, ApiToken
from modules.api.services import token_create
from modules.orders.models import Order, OrderLine

TOTAL = 100_000
LIMIT = 100
MAX_QUERIES = 10
URL = "/api/v1/orders/"
CLIENT_NAME = "bench-api-orders"

ORDER_FIELDS = (
    "id",
    "store_id",
    "store__name",
    "store__marketplace",
    "channel_order_id",
    "ordered_at",
    "paid_at",
    "state",
    "total_amount",
    "shipping_fee",
    "receiver_name",
    "receiver_phone1",
    "zip_code",
    "address1",
    "address2",
    "collected_at",
    "updated_at",
)
LINE_FIELDS = (
    "id",
    "order_id",
    "channel_line_id",
    "product_name",
    "option_name",
    "seller_code",
    "sku_id",
    "quantity",
    "unit_price",
    "line_amount",
    "state",
    "courier",
    "tracking_number",
    "bundle_id",
)


def _p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _api_client() -> tuple[Client, ApiToken]:
    ApiClient.objects.filter(name=CLIENT_NAME).delete()
    api_client = ApiClient.objects.create(
        name=CLIENT_NAME, scopes=list(ALL_SCOPES), allowed_ips="", throttle_rate="100000/s"
    )
    new = token_create(client=api_client, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {new.key}")
    return client, new.token


def _cursor(position: int) -> str:
    """A cursor as the API's ``next`` link encodes it (DRF CursorPagination: base64 of ``p=<id>``)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")


def _decoded_cursor(link: str) -> dict:
    encoded = parse_qs(urlsplit(link).query)["cursor"][0]
    return parse_qs(base64.b64decode(encoded).decode("ascii"), keep_blank_values=True)


def _getter(client: Client, params: dict):
    def get():
        response = client.get(URL, params)
        if response.status_code != 200:
            raise RuntimeError(f"GET {URL} {params} answered {response.status_code}: {response.content[:300]!r}")
        return response

    return get


def _baseline(below_id: int | None):
    def fetch():
        orders = Order.objects.order_by("-id")
        if below_id is not None:
            orders = orders.filter(id__lt=below_id)
        rows = list(orders.values(*ORDER_FIELDS)[:LIMIT])
        lines = list(
            OrderLine.objects.filter(order_id__in=[row["id"] for row in rows]).order_by("id").values(*LINE_FIELDS)
        )
        return rows, lines

    return fetch


def _count_queries(get, verbose: bool, label: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        get()
    if verbose:
        log(f"{len(captured.captured_queries)} queries of one GET, {label}:")
        for query in captured.captured_queries:
            log(f"  {query['sql']}")
    return len(captured.captured_queries)


def _check_same_rows(get, baseline, label: str) -> dict:
    body = get().json()
    rows, lines = baseline()
    got = [row["id"] for row in body["results"]]
    want = [row["id"] for row in rows]
    if got != want or len(got) != LIMIT:
        raise RuntimeError(f"{label}: the API's ids {got[:3]}… ({len(got)}) differ from the baseline's {want[:3]}…")
    got_lines = sum(len(row["lines"]) for row in body["results"])
    if got_lines != len(lines):
        raise RuntimeError(f"{label}: the API sent {got_lines} lines, the baseline found {len(lines)}")
    return body


def _timed_alternating(ours, baseline, repeat: int, warmup: int = 2) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        ours()
        baseline()
    ours_times, baseline_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        ours()
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline()
        baseline_times.append(time.perf_counter() - started)
    return ours_times, baseline_times


def run(args) -> list[dict]:
    started = time.perf_counter()
    seeder = Seeder(_stores(), _catalog(), _staff())
    seeded = seeder.seed(TOTAL)
    counts = seeded["counts"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(
        f"api_orders: seeded {counts['orders']:,} orders, {counts['lines']:,} lines, {counts['claims']:,} claims, "
        f"{counts['events']:,} events in {time.perf_counter() - started:.1f}s"
    )
    client, token = _api_client()
    repeat = max(30, 5 * args.repeat)

    first_get = _getter(client, {"limit": LIMIT})
    first = _check_same_rows(first_get, _baseline(None), "first page")
    next_cursor = _decoded_cursor(first["next"])
    if set(next_cursor) != {"p"} or int(next_cursor["p"][0]) != first["results"][-1]["id"]:
        raise RuntimeError(f"the next link's cursor is not p=<last id>: {next_cursor}")
    middle_id = Order.objects.order_by("-id").values_list("id", flat=True)[TOTAL // 2]
    pages = [
        ("first", first_get, _baseline(None), "the first page"),
        (
            "middle",
            _getter(client, {"limit": LIMIT, "cursor": _cursor(middle_id)}),
            _baseline(middle_id),
            f"a page in the middle (cursor p={middle_id}, the {TOTAL // 2 + 1:,}th newest order: the {LIMIT} below it)",
        ),
    ]
    _check_same_rows(pages[1][1], pages[1][2], "middle page")

    queries, touched = {}, {}
    for label, get, _baseline_fetch, _what in pages:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        queries[label] = _count_queries(get, args.verbose, f"{label} page")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=None)
        touched[label] = _count_queries(get, args.verbose, f"{label} page, token's last use recorded")
    log(f"api_orders: queries per GET {queries}; with the token's once-a-minute last-use UPDATE {touched}")
    if len(set(queries.values())) != 1 or len(set(touched.values())) != 1:
        raise RuntimeError(f"queries per GET differ between pages: {queries} / with last-use update {touched}")
    if max(touched.values()) > MAX_QUERIES:
        raise RuntimeError(f"more than {MAX_QUERIES} queries per GET: {queries} / with last-use update {touched}")

    results = []
    for label, get, baseline_fetch, what in pages:
        log(f"api_orders: timing {label} page ({repeat} calls each)")
        ours_times, baseline_times = _timed_alternating(get, baseline_fetch, repeat)
        ours_p50, base_p50 = median(ours_times), median(baseline_times)
        ours_p95, base_p95 = _p95(ours_times), _p95(baseline_times)
        notes = (
            f"GET {URL}?limit={LIMIT}, {what}, bearer token through the whole middleware stack, vs bare values() "
            f"of the same {LIMIT} orders (store joined) and their lines (2 queries); "
            f"p50 ours {ours_p50 * 1000:.1f} ms vs baseline {base_p50 * 1000:.2f} ms; "
            f"p95 ours {ours_p95 * 1000:.1f} ms vs baseline {base_p95 * 1000:.2f} ms; "
            f"SQL queries per GET: {queries[label]} (first and middle page equal, limit {MAX_QUERIES}; incl. the "
            f"API log INSERT; {touched[label]} on the call that records the token's last use, once a minute); "
            f"{counts['orders']:,} orders / {counts['lines']:,} lines; {repeat} timed calls each after 2 warm-ups, "
            f"alternating; {connection.vendor}"
        )
        results.append(
            result(name=f"api_orders_{label}_page_100k", n=TOTAL, ours_s=ours_p50, baseline_s=base_p50, notes=notes)
        )
    return results
