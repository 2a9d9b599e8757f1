"""The demo stock: opening stock for every demo SKU through the ledger, stock push on for the demo
Coupang and Naver stores with their rules, loaded once."""

import pytest

from modules.catalog.models import SKU
from modules.channels.models import Store
from modules.core.demo import demo_catalog_load, demo_inventory_load, demo_shipping_load, demo_stores_load
from modules.inventory.models import AllocationRule, StockLevel, StockMovement
from modules.inventory.reconcile import stock_reconcile


@pytest.mark.django_db
def test_demo_stock_is_loaded_once_through_the_ledger():
    demo_stores_load()
    demo_catalog_load()
    demo_shipping_load()
    created = demo_inventory_load()
    assert len(created) == 3
    levels = {level.sku.seller_code: level for level in StockLevel.objects.select_related("sku")}
    assert set(levels) == set(SKU.objects.values_list("seller_code", flat=True))
    assert levels["EAR-PRO-01"].on_hand == 30 and levels["EAR-PRO-02"].on_hand == 2
    assert levels["TUMB-500-01"].on_hand == 0 and levels["TUMB-500-01"].expected == 20
    assert StockMovement.objects.count() == len(levels)
    synced = Store.objects.filter(stock_sync=True)
    assert sorted(synced.values_list("marketplace", flat=True)) == ["coupang", "naver"]
    assert AllocationRule.objects.get(store__marketplace="naver").mode == AllocationRule.Mode.BUFFER
    assert stock_reconcile().drift_count == 0

    assert demo_inventory_load() == []
    assert StockMovement.objects.count() == len(levels)
