"""Wagtail admin access-log list (/admin/access-log/) at 1,000 and 50,000 AccessLog rows.

ours
    ``GET /admin/access-log/`` through ``django.test.Client``, the whole middleware stack
    included, signed in as a superuser with a confirmed TOTP device whose session passed
    two-factor (as ``tests/conftest.py::verified_client``). One untimed warm-up GET, then the
    median of ``--repeat`` GETs.
baseline
    What the page fundamentally needs, timed the same way in the same state: the first page of
    rows, ``AccessLog.objects.order_by("-created_at", "-id").values(...)[:50]``, plus ``.count()``.

The SQL queries of one GET are counted with ``CaptureQueriesContext`` at each size; the count must
not grow with the number of rows. Every admin GET also inserts one AccessLog row (the access-log
middleware): that INSERT is part of each GET's query count, and the table holds the seeded rows
plus one row per GET made so far at that size (the notes give the number at the counted GET).

Rows are realistic: a dozen staff accounts (real users, so a list column that followed the
``user`` foreign key would show up as extra queries), admin paths of orders/products/customers,
office and remote addresses (IPv4 and IPv6), times spread over the last 30 days, mostly in office
hours, with ids increasing with time as in production.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from bench.common import log, median, result, time_calls
from modules.accounts.models import AccessLog
from modules.accounts.services import totp_device_create_confirmed

SIZES = ((1_000, "1k"), (50_000, "50k"))
PAGE_SIZE = 50  # AccessLogViewSet.list_per_page
BATCH_SIZE = 2_000
DAYS = 30
SEED = 20240601
ADMIN_USERNAME = "bench-admin"
BASELINE_FIELDS = ("id", "username", "method", "path", "status", "ip", "created_at")

# (username, relative activity)
STAFF = [
    ("kim.minji", 30),
    ("lee.jiho", 22),
    ("park.seoyeon", 18),
    ("choi.dohyun", 12),
    ("jung.haeun", 10),
    ("kang.jiwoo", 8),
    ("cho.yuna", 6),
    ("yoon.siwoo", 5),
    ("jang.eunji", 4),
    ("lim.junho", 3),
    ("warehouse-1", 14),
    ("cs-team", 9),
]
# Office hours in Korea weigh most (hour in Asia/Seoul, weight).
HOURS = [(h, 1) for h in range(0, 8)] + [(h, 12) for h in range(9, 19)] + [(8, 4), (19, 4)]
HOURS += [(h, 2) for h in range(20, 24)]
ORDER_STATUSES = ("paid", "preparing", "shipped", "delivered", "cancelled", "refund_requested")


def _make_ip(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return f"192.168.0.{rng.randint(2, 120)}"  # head office LAN
    if roll < 0.75:
        return f"10.20.{rng.randint(0, 3)}.{rng.randint(2, 250)}"  # warehouse
    if roll < 0.93:
        return f"203.0.113.{rng.randint(1, 254)}"  # remote work
    return f"2001:db8:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


def _make_request(rng: random.Random) -> tuple[str, str, int]:
    """(method, path, status) of one admin request."""
    roll = rng.random()
    if roll < 0.30:
        query = f"?status={rng.choice(ORDER_STATUSES)}&p={rng.randint(1, 40)}"
        return "GET", f"/admin/orders/{query if rng.random() < 0.6 else ''}", 200
    if roll < 0.50:
        order = rng.randint(1, 60_000)
        if rng.random() < 0.3:
            return "POST", f"/admin/orders/edit/{order}/", 302 if rng.random() < 0.9 else 200
        return "GET", f"/admin/orders/edit/{order}/", 200 if rng.random() < 0.98 else 404
    if roll < 0.62:
        return "GET", f"/admin/customers/inspect/{rng.randint(1, 20_000)}/", 200
    if roll < 0.72:
        product = rng.randint(1, 3_000)
        if rng.random() < 0.2:
            return "POST", f"/admin/products/edit/{product}/", 302
        return "GET", f"/admin/products/edit/{product}/", 200
    if roll < 0.80:
        return "GET", f"/admin/reports/sales/?from=2024-05-{rng.randint(1, 28):02d}&group=day", 200
    if roll < 0.86:
        return "GET", "/admin/", 200
    if roll < 0.90:
        return "GET", f"/admin/access-log/?username={rng.choice(STAFF)[0]}", 200
    if roll < 0.94:
        return "GET", "/admin/settings/core/companysettings/1/", 403 if rng.random() < 0.3 else 200
    if roll < 0.97:
        return "POST", f"/admin/orders/export/?format=xlsx&p={rng.randint(1, 5)}", 200
    return "GET", f"/admin/documents/{rng.randint(1, 500)}/", 200


def _staff_users() -> list[tuple[int, str, int]]:
    """(user id, username, weight) of the staff who made the logged requests."""
    user_model = get_user_model()
    names = [name for name, _ in STAFF]
    user_model.objects.filter(username__in=names).delete()
    user_model.objects.bulk_create(
        [user_model(username=name, password=make_password(None), is_staff=True) for name in names]
    )
    ids = dict(user_model.objects.filter(username__in=names).values_list("username", "pk"))
    return [(ids[name], name, weight) for name, weight in STAFF]


def _seed(total: int, staff: list[tuple[int, str, int]]) -> None:
    """Replace every AccessLog row with ``total`` generated ones."""
    rng = random.Random(SEED)
    AccessLog.objects.all().delete()
    now = timezone.now()
    start = timezone.localtime(now - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    hours, hour_weights = zip(*HOURS, strict=True)
    staff_weights = [weight for _, _, weight in staff]
    moments = []
    for _ in range(total):
        moment = start + timedelta(
            days=rng.randrange(DAYS),
            hours=rng.choices(hours, hour_weights)[0],
            seconds=rng.randrange(3600),
            microseconds=rng.randrange(1_000_000),
        )
        moments.append(min(moment, now - timedelta(seconds=1)))
    moments.sort()

    # created_at is auto_now_add: bulk_create would stamp every row with "now".
    created_at = AccessLog._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        with transaction.atomic():
            batch = []
            for moment in moments:
                user_id, username, _ = rng.choices(staff, staff_weights)[0]
                method, path, status = _make_request(rng)
                batch.append(
                    AccessLog(
                        user_id=user_id,
                        username=username,
                        method=method,
                        path=path,
                        status=status,
                        ip=_make_ip(rng),
                        created_at=moment,
                    )
                )
                if len(batch) >= BATCH_SIZE:
                    AccessLog.objects.bulk_create(batch)
                    batch = []
            if batch:
                AccessLog.objects.bulk_create(batch)
    finally:
        created_at.auto_now_add = True


def _verified_client() -> Client:
    user_model = get_user_model()
    user_model.objects.filter(username=ADMIN_USERNAME).delete()
    admin = user_model.objects.create_superuser(
        username=ADMIN_USERNAME, email="bench-admin@example.invalid", password=None
    )
    device = totp_device_create_confirmed(user=admin)
    client = Client()
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _baseline_fetch() -> tuple[list[dict], int]:
    rows = list(AccessLog.objects.order_by("-created_at", "-id").values(*BASELINE_FIELDS)[:PAGE_SIZE])
    return rows, AccessLog.objects.count()


def _measure_size(client: Client, url: str, size: int, label: str, args) -> dict:
    def get_page():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code} (location: {response.get('Location')})")
        return response

    # Warm-up GET doubles as a check that this is the list page with a full page of rows.
    first = get_page()
    html = first.content.decode()
    if html.count("<tr") < PAGE_SIZE or STAFF[0][0] not in html:
        raise RuntimeError(f"{url} does not look like the access-log list with {PAGE_SIZE} rows")

    page_times = time_calls(get_page, args.repeat, warmup=0)
    baseline_rows, baseline_total = _baseline_fetch()
    if len(baseline_rows) != PAGE_SIZE or baseline_total < size:
        raise RuntimeError(f"baseline fetched {len(baseline_rows)} rows of {baseline_total}")
    baseline_times = time_calls(_baseline_fetch, args.repeat)

    rows_at_count = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as captured:
        get_page()
    queries = [query["sql"] for query in captured.captured_queries]
    if args.verbose:
        log(f"{len(queries)} queries of one GET at {label}:")
        for sql in queries:
            log(f"  {sql}")
    return {
        "size": size,
        "label": label,
        "page_s": median(page_times),
        "baseline_s": median(baseline_times),
        "queries": len(queries),
        "accesslog_queries": sum("accounts_accesslog" in sql for sql in queries),
        "rows_at_count": rows_at_count,
    }


def run(args) -> list[dict]:
    url = reverse("access-log:index")
    staff = _staff_users()
    client = _verified_client()

    measured = []
    for size, label in SIZES:
        log(f"access_log_list: seeding {size:,} rows")
        _seed(size, staff)
        log(f"access_log_list: timing {url} at {label}")
        measured.append(_measure_size(client, url, size, label, args))

    counts = {m["label"]: m["queries"] for m in measured}
    equal = len(set(counts.values())) == 1
    counts_text = ", ".join(f"{label} {count}" for label, count in counts.items())
    if not equal:
        log(f"WARNING: queries per GET grow with rows ({counts_text}); rerun with -v to see them")

    results = []
    for m in measured:
        notes = (
            f"p50 page {m['page_s'] * 1000:.1f} ms vs bare page fetch+count {m['baseline_s'] * 1000:.2f} ms; "
            f"SQL queries per GET: {counts_text} (equal across sizes: {'yes' if equal else 'NO'}); "
            f"at {m['label']}: {m['accesslog_queries']} on accounts_accesslog incl. the middleware INSERT, "
            f"{m['rows_at_count']:,} rows at the counted GET; "
            f"{args.repeat} timed GETs after 1 warm-up; {connection.vendor}"
        )
        results.append(
            result(
                name=f"admin_access_log_list_{m['label']}",
                n=m["size"],
                ours_s=m["page_s"],
                baseline_s=m["baseline_s"],
                notes=notes,
            )
        )

    small, large = measured[0], measured[-1]
    results.append(
        result(
            name="admin_access_log_list_growth",
            n=large["size"],
            ours_s=large["page_s"],
            baseline_s=small["page_s"],
            notes=(
                f"p50 page at {large['size']:,} rows {large['page_s'] * 1000:.1f} ms / "
                f"at {small['size']:,} rows {small['page_s'] * 1000:.1f} ms "
                f"(bare fetch+count: {large['baseline_s'] * 1000:.2f} ms / {small['baseline_s'] * 1000:.2f} ms); "
                f"SQL queries per GET: {counts_text}"
            ),
        )
    )
    return results
