"""Events out of orders (notify.py): new orders, new claims, failed syncs and stuck orders are
recorded once per batch through order_notice; the stuck-orders task reports each line once; the
dashboard panel shows them to people with the orders view right, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from integrations.channels.base import ChannelClaim, ClaimState, ClaimType, RateLimited
from modules.channels.models import Store, SyncRun
from modules.channels.sync import sync_run
from modules.orders import notify
from modules.orders.models import Order, OrderLine
from modules.orders.notify import order_notice, stuck_orders_report
from modules.orders.notify_models import OrderNotice, StuckLineReport
from modules.orders.services import claims_collect, orders_collect
from modules.orders.status import OrderState
from tests.channels.fakes import ScriptedAdapter, make_order
from tests.conftest import verified_client

NEW, CLAIM, FAILED, STUCK = (
    OrderNotice.Kind.ORDER_NEW,
    OrderNotice.Kind.CLAIM_NEW,
    OrderNotice.Kind.SYNC_FAILED,
    OrderNotice.Kind.ORDER_STUCK,
)


@pytest.fixture
def store(db):
    return Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A00012345", credentials={"k": "v"})


@pytest.fixture
def other_store(db):
    return Store.objects.create(marketplace="naver", name="스마트스토어", seller_id="ncp_1", credentials={"k": "v"})


def orders(start, count, **kwargs):
    return [make_order(n, **kwargs) for n in range(start, start + count)]


def claim(n, order_id, claim_type=ClaimType.CANCEL):
    return ChannelClaim(
        claim_id=f"C{n}",
        claim_type=claim_type,
        state=ClaimState.REQUESTED,
        channel_status="REQUEST",
        order_id=order_id,
        line_ids=[f"{order_id}-0"],
        quantity=1,
    )


# order.new / claim.new -----------------------------------------------------------------------------------


def test_a_batch_of_new_orders_is_one_notice_and_repeats_add_nothing(store):
    orders_collect(store=store, orders=orders(0, 12, lines=2))
    notice = OrderNotice.objects.get()
    assert (notice.kind, notice.store_id, notice.count) == (NEW, store.pk, 12)
    assert sorted(notice.payload["order_ids"]) == sorted(Order.objects.values_list("pk", flat=True))
    assert notice.order_id is None  # twelve orders: the link goes to the list
    # The same orders again (a rerun, an overlapping window): nothing new, no notice.
    orders_collect(store=store, orders=orders(0, 12, lines=2))
    assert OrderNotice.objects.get().count == 12


def test_later_batches_join_the_unseen_notice_until_it_is_seen(store, other_store):
    orders_collect(store=store, orders=orders(0, 1))
    single = OrderNotice.objects.get()
    assert single.count == 1 and single.order_id == Order.objects.get().pk  # one order: linked directly
    orders_collect(store=store, orders=orders(1, 3))
    orders_collect(store=other_store, orders=orders(100, 2))
    mine = OrderNotice.objects.get(store=store)
    assert (mine.pk, mine.count, mine.order_id, len(mine.payload["order_ids"])) == (single.pk, 4, None, 4)
    assert OrderNotice.objects.get(store=other_store).count == 2  # another store, another notice

    notify.notices_mark_seen(user=None, notice_ids=[mine.pk])
    orders_collect(store=store, orders=orders(4, 2))
    assert list(OrderNotice.objects.filter(store=store).order_by("id").values_list("count", flat=True)) == [4, 2]

    # Past the merge window a batch starts a new notice even when the last one is unseen.
    OrderNotice.objects.update(created_at=timezone.now() - notify.MERGE_WINDOW - timedelta(minutes=1))
    orders_collect(store=store, orders=orders(6, 1))
    assert OrderNotice.objects.filter(store=store).count() == 3


def test_a_notice_costs_two_queries_whatever_the_batch(store):
    orders_collect(store=store, orders=orders(0, 1))
    with CaptureQueriesContext(connection) as queries:
        order_notice(kind=NEW, store=store, count=500, payload={"order_ids": list(range(1, 501))})
    sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 2, sql  # find the unseen notice to join, update it
    notice = OrderNotice.objects.get()
    assert notice.count == 501 and len(notice.payload["order_ids"]) == notify.MAX_REFS


def test_new_claims_are_one_notice_per_batch_with_their_types(store):
    orders_collect(store=store, orders=orders(0, 3))
    claims = [claim(1, "O0"), claim(2, "O1", ClaimType.RETURN), claim(3, "O2", ClaimType.RETURN)]
    claims_collect(store=store, claims=claims)
    notice = OrderNotice.objects.get(kind=CLAIM)
    assert (notice.store_id, notice.count, notice.payload["types"]) == (store.pk, 3, {"cancel": 1, "return": 2})
    claims_collect(store=store, claims=claims)  # collected again: not new
    assert OrderNotice.objects.get(kind=CLAIM).count == 3


def test_a_notice_that_cannot_be_recorded_never_breaks_collection(store, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(notify, "_notice_record", broken)
    result = orders_collect(store=store, orders=orders(0, 3))
    assert result.created == 3 and Order.objects.count() == 3
    assert not OrderNotice.objects.exists()
    assert "order notice order.new" in caplog.text


def test_unknown_kinds_and_empty_batches_record_nothing(store):
    assert order_notice(kind="order.lost", store=store) is None
    assert order_notice(kind=NEW, store=store, count=0) is None
    assert not OrderNotice.objects.exists()


# sync.failed -----------------------------------------------------------------------------------------------


def test_a_failed_sync_run_is_recorded_and_repeats_join_it(store):
    error = RateLimited("쿠팡: 호출 한도를 넘었습니다 (429)", retry_after=5, code="429")
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter([orders(0, 5)], fail_after=0, error=error))
    assert run.status == SyncRun.Status.FAILED
    notice = OrderNotice.objects.get(kind=FAILED)
    assert (notice.store_id, notice.subject, notice.count) == (store.pk, "orders", 1)
    assert notice.message == "쿠팡: 호출 한도를 넘었습니다 (429)" and notice.payload["run_id"] == run.pk
    again = sync_run(store=store, kind="orders", adapter=ScriptedAdapter([orders(0, 5)], fail_after=0, error=error))
    notice.refresh_from_db()
    assert notice.count == 2 and notice.payload["run_id"] == again.pk
    # A run that succeeds records no failure.
    sync_run(store=store, kind="orders", adapter=ScriptedAdapter([orders(0, 5)]))
    assert OrderNotice.objects.get(kind=FAILED).count == 2


def test_a_failed_sync_is_saved_as_failed_even_when_the_notice_fails(store, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("notice table missing")

    monkeypatch.setattr(notify, "_notice_record", broken)
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter([orders(0, 5)], fail_after=0))
    assert run.status == SyncRun.Status.FAILED and run.message
    assert not OrderNotice.objects.exists()


# order.stuck -----------------------------------------------------------------------------------------------


def _paid(hours_ago: float, *order_ids: str) -> None:
    Order.objects.filter(channel_order_id__in=order_ids).update(paid_at=timezone.now() - timedelta(hours=hours_ago))


def test_stuck_orders_are_reported_once_per_store_and_never_again(store, other_store):
    orders_collect(store=store, orders=orders(0, 4, lines=2))
    orders_collect(store=other_store, orders=orders(10, 2))
    _paid(25, "O0", "O1", "O2", "O10")  # past the 24 hours
    _paid(23, "O3", "O11")  # not yet
    OrderLine.objects.filter(order__channel_order_id="O2").update(state=OrderState.ACKNOWLEDGED)
    OrderNotice.objects.all().delete()

    assert stuck_orders_report() == 2
    mine = OrderNotice.objects.get(kind=STUCK, store=store)
    assert mine.count == 2 and set(mine.payload["order_ids"]) == set(
        Order.objects.filter(channel_order_id__in=["O0", "O1"]).values_list("pk", flat=True)
    )
    assert OrderNotice.objects.get(kind=STUCK, store=other_store).count == 1
    assert StuckLineReport.objects.count() == 5  # two lines each of O0 and O1, one of O10

    # The next check (30 minutes later) finds the same lines still new: nothing is repeated.
    assert stuck_orders_report() == 0
    assert stuck_orders_report(now=timezone.now() + timedelta(minutes=30)) == 0
    assert OrderNotice.objects.get(kind=STUCK, store=store).count == 2

    # An hour later O3 and O11 are late too: only they are reported (joining each store's unseen notice).
    assert stuck_orders_report(now=timezone.now() + timedelta(hours=1, minutes=1)) == 2
    assert OrderNotice.objects.get(kind=STUCK, store=store).count == 3
    assert OrderNotice.objects.get(kind=STUCK, store=other_store).count == 2
    assert StuckLineReport.objects.count() == 8


def test_the_stuck_check_is_scheduled_every_30_minutes(db):
    schedule = Schedule.objects.get(name="orders.report_stuck_orders")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "modules.orders.notify.report_stuck_orders",
        Schedule.MINUTES,
        30,
    )
    assert notify.report_stuck_orders() == "0 notice(s)"


# The dashboard ---------------------------------------------------------------------------------------------


@pytest.fixture
def viewer(make_user):
    return verified_client(make_user("주문조회", rights={"orders": {"view"}}))


def test_the_panel_counts_and_links_for_people_with_the_orders_right(store, viewer, make_user):
    orders_collect(store=store, orders=orders(0, 3, lines=2))  # counts are of orders, not lines
    claims_collect(store=store, claims=[claim(1, "O0")])
    Order.objects.filter(channel_order_id="O0").update(ordered_at=timezone.now())
    _paid(1, "O0", "O2")
    _paid(30, "O1")
    OrderLine.objects.filter(order__channel_order_id="O2").update(needs_attention=True)
    html = viewer.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="order-notices"' in html
    today = timezone.localdate().isoformat()
    assert f"ordered_from={today}&amp;ordered_to={today}" in html
    assert 'data-kind="order.new"' in html and 'data-kind="claim.new"' in html
    assert reverse("orders_claim_detail", args=[OrderNotice.objects.get(kind=CLAIM).claim_id]) in html
    counts = notify.orders_dashboard_counts()
    assert counts == {"today": 1, "open_claims": {"cancel": 1}, "attention": 1, "stuck": 1}

    outsider = verified_client(make_user("상품만", rights={"products": {"view", "edit"}}))
    assert 'data-panel="order-notices"' not in outsider.get(reverse("wagtailadmin_home")).content.decode()


def test_mark_seen_one_or_all_needs_the_orders_right(store, other_store, viewer, make_user):
    orders_collect(store=store, orders=orders(0, 2))
    orders_collect(store=other_store, orders=orders(10, 2))
    first, second = OrderNotice.objects.order_by("id")
    url = reverse("orders_notices_seen")

    outsider = verified_client(make_user("상품만", rights={"products": {"view", "edit"}}))
    refused = outsider.post(url, {"notice": first.pk})  # Wagtail turns the refusal into a redirect home
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert viewer.get(url).status_code == 405
    assert not OrderNotice.objects.filter(seen_at__isnull=False).exists()

    response = viewer.post(url, {"notice": first.pk, "next": reverse("wagtailadmin_home")})
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    first.refresh_from_db()
    assert first.seen_at is not None and first.seen_by.username == "주문조회"
    html = viewer.get(reverse("wagtailadmin_home")).content.decode()
    assert f'data-notice="{first.pk}"' not in html and f'data-notice="{second.pk}"' in html

    assert viewer.post(url, {"next": "https://evil.example/"}).url == reverse("wagtailadmin_home")
    assert not OrderNotice.objects.filter(seen_at__isnull=True).exists()
    assert "data-notice=" not in viewer.get(reverse("wagtailadmin_home")).content.decode()


def test_the_panel_queries_are_constant(admin_client_verified, db):
    def add(n):
        start = Store.objects.count()
        for i in range(n):
            shop = Store.objects.create(marketplace="naver", name=f"s{start + i}", seller_id="x", credentials={})
            orders_collect(store=shop, orders=orders(1000 * (start + i), 2))
            claims_collect(store=shop, claims=[claim(1000 * (start + i), f"O{1000 * (start + i)}")])
            order_notice(kind=FAILED, store=shop, message="boom", payload={"sync_kind": "claims", "run_id": 1})
        _paid(30, *Order.objects.values_list("channel_order_id", flat=True))
        stuck_orders_report()

    url = reverse("wagtailadmin_home")
    add(1)
    admin_client_verified.get(url)
    with CaptureQueriesContext(connection) as few:
        assert admin_client_verified.get(url).status_code == 200
    add(3)
    with CaptureQueriesContext(connection) as many:
        html = admin_client_verified.get(url).content.decode()
    assert html.count("data-notice=") == 10  # 4 stores × 4 kinds, the latest ten shown
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries][len(few) :]
