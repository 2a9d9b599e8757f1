"""Channel allocation: each store's rule turns available stock into the quantity its listing
options show; changes go through the push queue to the sandbox; at 0 the sale stops and resumes
when stock returns (only a stop we made)."""

from __future__ import annotations

import pytest

from modules.catalog.models import SKU
from modules.channels.listing_services import listing_changes_push, listing_task_run
from modules.channels.models import ListingChange, ListingOption, ListingTask
from modules.inventory.allocation import (
    allocation_push_store,
    allocation_refresh_dirty,
    allocation_targets,
    rule_quantity,
)
from modules.inventory.models import AllocationDirty, AllocationRule, SkuComponent, SoldOutMark
from modules.inventory.services import stock_adjust, stock_inbound
from tests.channels.conftest import fast_adapter
from tests.inventory.helpers import warehouse_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("mode", "value", "available", "expected"),
    [
        ("all", 0, 37, 37),
        ("all", 0, -4, 0),
        ("cap", 10, 37, 10),
        ("cap", 10, 6, 6),
        ("percent", 50, 37, 18),
        ("percent", 100, 37, 37),
        ("percent", 30, 2, 0),
        ("buffer", 5, 37, 32),
        ("buffer", 5, 3, 0),
    ],
)
def test_rule_quantity(mode, value, available, expected):
    assert rule_quantity(mode=mode, value=value, available=available) == expected


def pulled_store(sandbox_store, marketplace):
    """A store whose sandbox products are pulled and linked to our demo catalogue by seller code."""
    from modules.core.demo import demo_catalog_load

    store, sandbox = sandbox_store(marketplace)
    demo_catalog_load()
    task = ListingTask.objects.create(store=store, kind=ListingTask.Kind.PULL)
    assert listing_task_run(task=task, adapter=fast_adapter(store)).status == ListingTask.Status.DONE
    store.stock_sync = True
    store.save(update_fields=["stock_sync"])
    return store, sandbox


def remote_options(store) -> dict[str, object]:
    return {
        option.option_id: option
        for page in fast_adapter(store).fetch_listings()
        for item in page.items
        for option in item.options
    }


def remote_state(store, sandbox, option_id) -> tuple[int, bool]:
    """(stock, on sale) as the channel holds them. Coupang's product list says nothing of 판매중지
    (its inventories API does), so its sandbox's item is read directly."""
    stock = remote_options(store)[option_id].stock
    if store.marketplace == "coupang":
        return stock, sandbox._option(option_id).on_sale
    return stock, remote_options(store)[option_id].on_sale


def push(store):
    allocation_refresh_dirty()
    task = listing_changes_push(store=store, adapter=fast_adapter(store))
    if task is not None:
        assert task.failed == 0, list(task.log.values_list("message", flat=True))
    return task


def option_of(store, code) -> ListingOption:
    return ListingOption.objects.select_related("listing").get(listing__store=store, sku__seller_code=code)


@pytest.mark.parametrize("marketplace", ["coupang", "naver"])
def test_stock_reaches_the_channel_goes_sold_out_at_zero_and_resumes(sandbox_store, marketplace):
    store, sandbox = pulled_store(sandbox_store, marketplace)
    AllocationRule.objects.create(store=store, mode="buffer", value=2)
    wh = warehouse_make()
    sku = SKU.objects.get(seller_code="EAR-PRO-01")
    stock_inbound(sku=sku, warehouse=wh, quantity=12)
    assert AllocationDirty.objects.filter(sku=sku).exists()
    push(store)
    option = option_of(store, "EAR-PRO-01")
    assert (option.stock, option.channel_stock) == (10, 10)  # 12 less the buffer of 2
    assert remote_options(store)[option.channel_option_id].stock == 10
    assert not AllocationDirty.objects.exists()

    # Down to the buffer: 0 at the channel and the option's sale stopped.
    stock_adjust(sku=sku, warehouse=wh, delta=-10, reason="파손")
    push(store)
    option.refresh_from_db()
    assert (option.stock, option.on_sale, option.channel_on_sale) == (0, False, False)
    assert remote_state(store, sandbox, option.channel_option_id) == (0, False)
    assert SoldOutMark.objects.filter(option=option).exists()

    # Stock returns: the quantity goes up and the sale resumes.
    stock_inbound(sku=sku, warehouse=wh, quantity=5)
    push(store)
    option.refresh_from_db()
    assert (option.stock, option.on_sale) == (5, True)
    assert remote_state(store, sandbox, option.channel_option_id) == (5, True)
    assert not SoldOutMark.objects.filter(option=option).exists()


def test_a_sale_stopped_by_hand_stays_stopped_when_stock_returns(sandbox_store):
    store, _sandbox = pulled_store(sandbox_store, "coupang")
    wh = warehouse_make()
    sku = SKU.objects.get(seller_code="TUMB-500-01")
    option = option_of(store, "TUMB-500-01")
    ListingOption.objects.filter(pk=option.pk).update(on_sale=False)  # the seller stopped it
    stock_inbound(sku=sku, warehouse=wh, quantity=4)
    push(store)
    option.refresh_from_db()
    assert (option.stock, option.on_sale) == (4, False)
    assert not ListingChange.objects.filter(option=option, field="status").exists()


def test_stores_get_their_own_share_and_unsynced_stores_are_left_alone(sandbox_store):
    coupang, _ = pulled_store(sandbox_store, "coupang")
    naver, _ = pulled_store(sandbox_store, "naver")
    AllocationRule.objects.create(store=coupang, mode="cap", value=3)
    AllocationRule.objects.create(store=naver, mode="percent", value=50)
    wh = warehouse_make()
    sku = SKU.objects.get(seller_code="CAT-TOFU-01")
    stock_inbound(sku=sku, warehouse=wh, quantity=9)
    allocation_refresh_dirty()
    assert (option_of(coupang, "CAT-TOFU-01").stock, option_of(naver, "CAT-TOFU-01").stock) == (3, 4)
    naver.stock_sync = False
    naver.save(update_fields=["stock_sync"])
    stock_inbound(sku=sku, warehouse=wh, quantity=11)
    allocation_refresh_dirty()
    assert (option_of(coupang, "CAT-TOFU-01").stock, option_of(naver, "CAT-TOFU-01").stock) == (3, 4)
    # The preview shows the unsynced store's old → new, and its bulk push queues every option.
    targets = {t.option.sku.seller_code: t for t in allocation_targets(store=naver, synced_only=False)}
    assert (targets["CAT-TOFU-01"].old, targets["CAT-TOFU-01"].new) == (4, 10)
    result = allocation_push_store(store=naver)
    assert result.queued == len(targets)
    assert option_of(naver, "CAT-TOFU-01").stock == 10
    assert ListingChange.objects.filter(store=naver, field="stock", status="pending").count() == len(targets)


def test_a_set_sku_listing_shows_what_its_components_allow(sandbox_store):
    store, _ = pulled_store(sandbox_store, "coupang")
    wh = warehouse_make()
    gift = SKU.objects.get(seller_code="EAR-PRO-02")  # sold as a set: one earphone and two tumblers
    SkuComponent.objects.create(set_sku=gift, component=SKU.objects.get(seller_code="EAR-PRO-01"), quantity=1)
    SkuComponent.objects.create(set_sku=gift, component=SKU.objects.get(seller_code="TUMB-500-01"), quantity=2)
    stock_inbound(sku=SKU.objects.get(seller_code="EAR-PRO-01"), warehouse=wh, quantity=10)
    stock_inbound(sku=SKU.objects.get(seller_code="TUMB-500-01"), warehouse=wh, quantity=7)
    push(store)
    assert option_of(store, "EAR-PRO-02").stock == 3
    assert option_of(store, "EAR-PRO-01").stock == 10
