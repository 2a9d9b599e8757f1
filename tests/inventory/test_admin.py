"""The inventory admin: lists with constant queries and masked nothing-personal rows, stock entry
with the refusal shown, set components and rules validated, the push preview and reconcile pages,
and the menu rights."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.catalog.models import SKU
from modules.channels.models import ListingChange
from modules.inventory.models import AllocationRule, LineStock, ReconcileRun, SkuComponent, StockLevel, StockMovement
from modules.inventory.services import lines_stock_follow, stock_inbound
from tests.conftest import verified_client
from tests.inventory.helpers import stock_demo_catalog
from tests.inventory.test_allocation import pulled_store
from tests.inventory.test_stock_services import lines_make, sku_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(make_user):
    return verified_client(make_user("재고담당", rights={"inventory": {"view", "edit"}}))


@pytest.fixture
def viewer(make_user):
    return verified_client(make_user("재고조회", rights={"inventory": {"view"}}))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def grow_stock(n: int, warehouse) -> None:
    start = SKU.objects.count()
    for index in range(n):
        sku = sku_make(f"G{start + index}")
        stock_inbound(sku=sku, warehouse=warehouse, quantity=3 + index)
        lines_stock_follow(line_ids=[line.pk for line in lines_make(sku, [1])])
    # one short line too
    lines_stock_follow(line_ids=[line.pk for line in lines_make(sku, [99])])


@pytest.mark.parametrize(
    "url_name", ["inventory_stock:index", "inventory_ledger:index", "inventory_short:index", "inventory_sets:index"]
)
def test_lists_run_a_constant_number_of_queries(keeper, url_name):
    warehouse = stock_demo_catalog(quantity=4)
    grow_stock(2, warehouse)
    url = reverse(url_name)
    count_queries(keeper, url)  # warm: the session and settings rows are made on the first request
    small = count_queries(keeper, url)
    grow_stock(12, warehouse)
    assert count_queries(keeper, url) == small


def test_stock_list_shows_available_and_low_stock(keeper):
    warehouse = stock_demo_catalog(quantity=4)
    sku = SKU.objects.get(seller_code="RICE-4K-01")
    from modules.inventory.models import StockThreshold

    StockThreshold.objects.create(sku=sku, quantity=5)
    page = keeper.get(reverse("inventory_stock:index"), {"low": "true"}).content.decode()
    assert "RICE-4K-01" in page and "EAR-PRO-01" not in page and "⚠" in page
    assert warehouse.name in page
    search = keeper.get(reverse("inventory_stock:index"), {"q": "TUMB-500"}).content.decode()
    assert "TUMB-500-01" in search and "RICE-4K-01" not in search


def test_stock_entry_records_and_shows_a_refusal(keeper):
    warehouse = stock_demo_catalog(quantity=2)
    url = reverse("inventory_entry")
    assert keeper.get(url).status_code == 200
    response = keeper.post(
        url, {"kind": "inbound", "sku_code": "CAT-TOFU-01", "warehouse": warehouse.pk, "quantity": 5, "reason": ""}
    )
    assert response.status_code == 302
    assert StockLevel.objects.get(sku__seller_code="CAT-TOFU-01").on_hand == 7
    refused = keeper.post(
        url, {"kind": "adjust", "sku_code": "CAT-TOFU-01", "warehouse": warehouse.pk, "quantity": -9, "reason": "분실"}
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and "CAT-TOFU-01" in page and "data-form-error" in page
    assert StockLevel.objects.get(sku__seller_code="CAT-TOFU-01").on_hand == 7
    unknown = keeper.post(url, {"kind": "inbound", "sku_code": "NOPE", "warehouse": warehouse.pk, "quantity": 1})
    assert "NOPE" in unknown.content.decode()
    no_reason = keeper.post(
        url, {"kind": "count", "sku_code": "CAT-TOFU-01", "warehouse": warehouse.pk, "quantity": 3, "reason": ""}
    )
    assert no_reason.status_code == 200 and StockMovement.objects.filter(kind="adjustment").count() == 0


def test_a_viewer_sees_but_cannot_act(viewer, make_user):
    stock_demo_catalog(quantity=1)
    assert viewer.get(reverse("inventory_stock:index")).status_code == 200
    # Wagtail turns a refused admin view into a redirect home with a message.
    home = reverse("wagtailadmin_home")
    refused = viewer.get(reverse("inventory_entry"))
    assert refused.status_code == 302 and refused.url == home
    refused = viewer.post(reverse("inventory_reconcile"))
    assert refused.status_code == 302 and refused.url == home
    assert not ReconcileRun.objects.exists()
    outsider = verified_client(make_user("주문만", rights={"orders": {"view"}}))
    assert outsider.get(reverse("inventory_stock:index")).status_code in (302, 403)


def test_set_components_by_code_refuse_nesting_and_own_stock(keeper):
    stock_demo_catalog(quantity=3)
    url = reverse("inventory_sets:add")
    # A SKU with stock of its own cannot become a set.
    held = keeper.post(url, {"set_code": "EAR-PRO-02", "component_code": "EAR-PRO-01", "quantity": 1})
    assert held.status_code == 200 and "EAR-PRO-02" in held.content.decode()
    gift = sku_make("GIFTSET")
    ok = keeper.post(url, {"set_code": gift.seller_code, "component_code": "EAR-PRO-01", "quantity": 2})
    assert ok.status_code == 302
    assert SkuComponent.objects.filter(set_sku=gift, quantity=2).exists()
    nested = keeper.post(url, {"set_code": "TUMB-500-01", "component_code": gift.seller_code, "quantity": 1})
    assert nested.status_code == 200 and SkuComponent.objects.count() == 1


def test_allocation_rule_percentage_is_checked(keeper, sandbox_store):
    store, _ = pulled_store(sandbox_store, "naver")
    url = reverse("inventory_rules:add")
    bad = keeper.post(url, {"store": store.pk, "mode": "percent", "value": 150, "stop_at_zero": "on"})
    assert bad.status_code == 200 and not AllocationRule.objects.exists()
    good = keeper.post(url, {"store": store.pk, "mode": "percent", "value": 50, "stop_at_zero": "on"})
    assert good.status_code == 302 and AllocationRule.objects.get(store=store).value == 50


def test_preview_shows_old_and_new_and_pushes_all(keeper, sandbox_store):
    store, _ = pulled_store(sandbox_store, "coupang")
    store.stock_sync = False
    store.save(update_fields=["stock_sync"])
    stock_demo_catalog(quantity=6)
    url = reverse("inventory_preview")
    page = keeper.get(url, {"store": store.pk}).content.decode()
    assert "EAR-PRO-01" in page and "→ 6" in page and "data-push-all" in page
    response = keeper.post(url, {"store": store.pk})
    assert response.status_code == 302
    assert ListingChange.objects.filter(store=store, field="stock", status="pending", value=6).exists()


def test_reconcile_page_runs_and_lists(keeper):
    stock_demo_catalog(quantity=1)
    assert keeper.post(reverse("inventory_reconcile")).status_code == 302
    page = keeper.get(reverse("inventory_reconcile")).content.decode()
    assert "data-drift" in page and "data-reconcile-run" in page


def test_inventory_menu_is_in_the_sidebar(keeper):
    page = keeper.get(reverse("wagtailadmin_home")).content.decode()
    assert "inventory" in page and reverse("inventory_stock:index") in page
    assert LineStock.objects.count() == 0


def test_stock_list_downloads_the_rows_shown_in_the_adjustment_layout(keeper, viewer):
    from tests.catalog.test_sku_excel import sheet_rows

    warehouse = stock_demo_catalog(quantity=2)
    new_sku = sku_make("NOSTOCK")
    url = reverse("inventory_stock:index")
    page = keeper.get(url).content.decode()
    assert "excel=1" in page

    everything = sheet_rows(b"".join(keeper.get(url, {"excel": "1"}).streaming_content))
    codes = [row[0] for row in everything[1:]]
    # Unfiltered: every SKU, the one without stock too (so it can be counted).
    assert new_sku.seller_code in codes and len(codes) == SKU.objects.count()

    shown = sheet_rows(b"".join(keeper.get(url, {"q": "EAR-PRO-01", "excel": "1"}).streaming_content))
    assert [row[0] for row in shown[1:]] == ["EAR-PRO-01"]
    assert warehouse.name in shown[1]
    # Viewing stock is enough to download it (no personal data in it).
    assert viewer.get(url, {"excel": "1"}).status_code == 200
