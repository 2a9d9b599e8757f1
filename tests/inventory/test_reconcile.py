"""Reconciliation: levels recomputed from the ledger, drift reported (and fixed on request), stock
reserved but held by no order line reported, our quantity compared with the channel's."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from modules.catalog.models import SKU
from modules.channels.models import ListingOption
from modules.inventory.models import ReconcileRun, StockLevel
from modules.inventory.reconcile import stock_reconcile
from modules.inventory.services import stock_inbound
from tests.inventory.helpers import stock_demo_catalog, warehouse_make
from tests.inventory.test_allocation import pulled_store, push

pytestmark = pytest.mark.django_db


def test_a_clean_ledger_has_no_drift_and_a_hand_edit_is_found_and_fixed(capsys):
    wh = stock_demo_catalog(quantity=5)
    run = stock_reconcile()
    assert run.levels_checked == SKU.objects.count() and run.drift_count == 0
    sku = SKU.objects.get(seller_code="RICE-4K-01")
    StockLevel.objects.filter(sku=sku, warehouse=wh).update(on_hand=99, reserved=3)  # written behind our back
    run = stock_reconcile()
    fields = {(d["sku"], d["field"]): (d["level"], d["ledger"]) for d in run.drift}
    assert run.drift_count == 1 and not run.fixed
    assert fields[("RICE-4K-01", "on_hand")] == (99, 5) and fields[("RICE-4K-01", "reserved")] == (3, 0)
    call_command("stock_reconcile", "--fix")
    assert "1 with drift (corrected)" in capsys.readouterr().out
    level = StockLevel.objects.get(sku=sku, warehouse=wh)
    assert (level.on_hand, level.reserved) == (5, 0)
    assert stock_reconcile().drift_count == 0
    assert ReconcileRun.objects.filter(trigger="command", fixed=True).count() == 1


def test_our_quantity_is_compared_with_the_channels(sandbox_store):
    store, sandbox = pulled_store(sandbox_store, "naver")
    wh = warehouse_make()
    stock_inbound(sku=SKU.objects.get(seller_code="TEE-DAILY-01"), warehouse=wh, quantity=8)
    push(store)
    assert stock_reconcile(pull=True).channel_mismatches == 0
    # Someone changes the quantity in the channel's own seller centre.
    option = ListingOption.objects.get(listing__store=store, sku__seller_code="TEE-DAILY-01")
    from integrations.channels.base import StockChange
    from tests.channels.conftest import fast_adapter

    ref = {"origin_product_no": option.listing.channel_product_id}
    assert fast_adapter(store).push_stock([StockChange(option_id=option.channel_option_id, quantity=3, ref=ref)])[0].ok
    run = stock_reconcile(pull=True)
    mismatch = [m for m in run.mismatches if m.get("sku") == "TEE-DAILY-01"]
    assert mismatch and (mismatch[0]["ours"], mismatch[0]["channel"]) == (8, 3)
