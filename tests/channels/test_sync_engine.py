import threading

import pytest
from django.db import connection

from integrations.channels.base import AuthFailed, LineState, RateLimited
from modules.channels.models import Store, SyncRun, SyncRunError, SyncState
from modules.channels.sync import OVERLAP, sync_run
from modules.orders.models import Order, OrderLine
from tests.channels.fakes import ScriptedAdapter, make_order


@pytest.fixture
def store(db):
    return Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A00012345", credentials={"k": "v"})


def pages_of(count, size):
    orders = [make_order(n) for n in range(count)]
    return [orders[i : i + size] for i in range(0, count, size)]


def test_run_collects_every_page_and_moves_the_cursor(store):
    adapter = ScriptedAdapter(pages_of(120, 50))
    run = sync_run(store=store, kind="orders", adapter=adapter)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.pages, run.fetched, run.created, run.updated) == (3, 120, 120, 0)
    assert OrderLine.objects.filter(store=store).count() == 120
    state = SyncState.objects.get(store=store, kind="orders")
    assert state.cursor_at == run.window_end
    assert state.lease_token == "" and state.last_success_at is not None


def test_rerun_creates_nothing_and_overlaps_the_window(store):
    first = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(60, 50)))
    adapter = ScriptedAdapter(pages_of(60, 50))
    again = sync_run(store=store, kind="orders", adapter=adapter)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 60)
    assert adapter.windows[0].start == first.window_end - OVERLAP
    assert Order.objects.count() == 60


def test_repeated_rows_across_pages_store_each_line_once(store):
    orders = [make_order(n) for n in range(10)]
    pages = [orders[:6], orders[4:10], orders[8:10]]  # the channel repeats rows across pages
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages))
    assert OrderLine.objects.count() == 10
    assert run.created == 10 and run.fetched == 14


def test_changed_line_is_updated(store):
    sync_run(store=store, kind="orders", adapter=ScriptedAdapter([[make_order(1)]]))
    shipped = make_order(1, state=LineState.SHIPPED, status="DEPARTURE")
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter([[shipped]]))
    assert (run.created, run.updated) == (0, 1)
    assert OrderLine.objects.get().status == LineState.SHIPPED


def test_error_after_page_k_keeps_the_cursor_and_the_rerun_completes(store):
    failing = ScriptedAdapter(pages_of(150, 50), fail_after=2)
    run = sync_run(store=store, kind="orders", adapter=failing)
    assert run.status == SyncRun.Status.FAILED
    assert run.created == 100  # pages 1-2 were committed
    assert SyncState.objects.get(store=store, kind="orders").cursor_at is None
    assert SyncRunError.objects.get(run=run).code == "RuntimeError"

    rerun = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(150, 50)))
    assert rerun.status == SyncRun.Status.SUCCEEDED
    assert (rerun.created, rerun.unchanged) == (50, 100)
    assert OrderLine.objects.count() == 150
    assert SyncState.objects.get(store=store, kind="orders").cursor_at == rerun.window_end


def test_rate_limit_fails_the_run_with_the_channel_code_and_keeps_retrying(store):
    error = RateLimited("쿠팡: 호출 한도를 넘었습니다 (429)", retry_after=5, code="429", request_id="req-1")
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(10, 5), fail_after=0, error=error))
    assert run.status == SyncRun.Status.FAILED
    logged = SyncRunError.objects.get(run=run)
    assert (logged.code, logged.request_id) == ("429", "req-1")
    store.refresh_from_db()
    assert not store.auth_blocked
    assert sync_run(store=store, kind="orders", adapter=ScriptedAdapter([])).status == SyncRun.Status.SUCCEEDED


def test_auth_failure_stops_sync_until_credentials_change(store):
    error = AuthFailed("유효하지 않은 서명입니다", code="401")
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(5, 5), fail_after=0, error=error))
    assert run.status == SyncRun.Status.FAILED
    store.refresh_from_db()
    assert store.auth_status == Store.AuthStatus.FAILED and store.auth_blocked
    assert store.auth_message == "유효하지 않은 서명입니다"

    skipped = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(5, 5)))
    assert skipped.status == SyncRun.Status.SKIPPED
    assert "인증" in skipped.message
    assert OrderLine.objects.count() == 0

    from modules.channels.services import store_credentials_update

    assert store_credentials_update(store=store, values={}) is False
    store.credentials_version += 1  # what a credential change does
    store.save()
    resumed = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(5, 5)))
    assert resumed.status == SyncRun.Status.SUCCEEDED


def test_unknown_status_is_stored_raw_flagged_and_the_run_continues(store):
    odd = make_order(1, state=LineState.UNKNOWN, status="MYSTERY")
    run = sync_run(store=store, kind="orders", adapter=ScriptedAdapter([[odd, make_order(2)]]))
    assert run.status == SyncRun.Status.PARTIAL
    assert run.created == 2 and run.flagged == 1
    line = OrderLine.objects.get(channel_line_id="O1-0")
    assert line.needs_attention and line.flags == ["unknown_status:MYSTERY"]
    assert SyncRunError.objects.get(run=run).code == "flagged"


def test_switched_off_store_is_skipped(store):
    store.is_linked = False
    store.save()
    assert sync_run(store=store, kind="orders", adapter=ScriptedAdapter([])).status == SyncRun.Status.SKIPPED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_runs_one_runs_the_other_is_skipped():
    store = Store.objects.create(marketplace="coupang", name="동시", seller_id="A1", credentials={})
    gate = threading.Event()
    slow = ScriptedAdapter(pages_of(20, 10), gate=gate)
    results = {}

    def first():
        try:
            results["first"] = sync_run(store=store, kind="orders", adapter=slow)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert slow.started.wait(10)
    try:
        results["second"] = sync_run(store=store, kind="orders", adapter=ScriptedAdapter(pages_of(20, 10)))
    finally:
        gate.set()
        thread.join(20)
    assert results["second"].status == SyncRun.Status.SKIPPED
    assert results["first"].status == SyncRun.Status.SUCCEEDED
    assert OrderLine.objects.count() == 20
    assert SyncRun.objects.filter(status=SyncRun.Status.SKIPPED).count() == 1
