"""The sync engine over the real adapters and the marketplace simulators, in-process."""

from datetime import timedelta

import pytest
from django.db.models import Count

from integrations.sandbox.core import Faults
from modules.channels.models import SyncRun, SyncState
from modules.channels.sync import sync_run
from modules.cs.models import Inquiry
from modules.orders.models import Claim, Order, OrderLine
from tests.channels.conftest import MARKETPLACES, fast_adapter


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_orders_sync_end_to_end(sandbox_store, marketplace):
    store, sandbox = sandbox_store(marketplace)
    sandbox.create_orders(30)
    run = sync_run(store=store, kind="orders", adapter=fast_adapter(store))
    assert run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL), run.message
    orders = Order.objects.filter(store=store).count()
    assert orders >= 30
    lines = OrderLine.objects.filter(store=store)
    assert lines.count() >= 30
    # Personal data and amounts came through the mapper.
    order = Order.objects.filter(store=store).first()
    assert order.receiver_name and order.address1 and order.total_amount > 0
    # Re-collecting creates nothing.
    again = sync_run(store=store, kind="orders", adapter=fast_adapter(store))
    assert again.created == 0
    assert OrderLine.objects.filter(store=store).count() == lines.count()


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_two_thousand_orders_with_faults_store_exactly_once(sandbox_store, marketplace):
    faults = Faults(rate_429=0.2, rate_500=0.2, repeat_rate=0.3, retry_after=0, seed=11)
    store, sandbox = sandbox_store(marketplace, faults=faults)
    with sandbox.lock:
        faults_off = Faults(seed=1)
        sandbox.faults, kept = faults_off, sandbox.faults
        ids = sandbox.create_orders(2000)
        sandbox.faults = kept
    assert len(ids) == 2000

    run = sync_run(store=store, kind="orders", adapter=fast_adapter(store))
    assert run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL), run.message
    assert Order.objects.filter(store=store).count() == 2000
    assert not (
        OrderLine.objects.filter(store=store).values("channel_line_id").annotate(n=Count("id")).filter(n__gt=1).exists()
    )
    state = SyncState.objects.get(store=store, kind="orders")
    assert state.cursor_at == run.window_end
    assert sandbox.requests_served > 0


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_claims_and_inquiries_are_collected(sandbox_store, marketplace):
    store, sandbox = sandbox_store(marketplace)
    sandbox.create_orders(10)
    sync_run(store=store, kind="orders", adapter=fast_adapter(store))
    sandbox.create_claim("cancel")
    sandbox.create_inquiry()
    claims = sync_run(store=store, kind="claims", adapter=fast_adapter(store))
    assert claims.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL), claims.message
    assert Claim.objects.filter(store=store).count() >= 1
    inquiries = sync_run(store=store, kind="inquiries", adapter=fast_adapter(store))
    assert inquiries.status == SyncRun.Status.SUCCEEDED, inquiries.message
    assert Inquiry.objects.filter(store=store).count() >= 1


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_templates_are_pulled_into_snippets(sandbox_store, marketplace):
    from snippets.models import AddressTemplate

    store, _sandbox = sandbox_store(marketplace)
    run = sync_run(store=store, kind="templates", adapter=fast_adapter(store))
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    assert AddressTemplate.objects.filter(store=store).exists()
    again = sync_run(store=store, kind="templates", adapter=fast_adapter(store))
    assert again.created == 0


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_wrong_credentials_fail_with_the_marketplace_message_and_stop(sandbox_store, marketplace):
    store, _sandbox = sandbox_store(marketplace)
    store.credentials = {key: value[:-2] + "xx" for key, value in store.credentials.items()}
    store.save()
    run = sync_run(store=store, kind="orders", adapter=fast_adapter(store))
    assert run.status == SyncRun.Status.FAILED
    store.refresh_from_db()
    assert store.auth_status == "failed" and store.auth_blocked
    assert store.auth_message
    assert sync_run(store=store, kind="orders", adapter=fast_adapter(store)).status == SyncRun.Status.SKIPPED


def test_settlements_are_collected(sandbox_store):
    from modules.settlement.models import ChannelSettlementLine

    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(5)
    run = sync_run(store=store, kind="settlements", adapter=fast_adapter(store))
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    assert ChannelSettlementLine.objects.filter(store=store).count() == run.created
    assert timedelta(days=31) >= run.window_end - run.window_start
