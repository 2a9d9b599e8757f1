"""The inventory issue's "Done when", walked end to end on the in-process marketplace sandbox:

a sandbox order reserves stock, a cancel releases it, a shipment takes it out, a return brings it
back, the Coupang and Naver stores of the sandbox show the allocated quantity (Coupang: all
available; Naver: all but a safety buffer of 1) and go sold-out at zero, and resume when stock
comes in again. Every step checks the stock levels, the quantity and sale state the sandbox
channels hold, and at the end the ledger and the reconciliation."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from integrations.channels.base import ClaimState, ClaimType, CourierCode
from integrations.couriers import tracking
from modules.catalog.models import SKU
from modules.channels.models import ListingOption
from modules.core.models import CompanySettings
from modules.inventory.models import AllocationRule, LineStock, MovementKind, SoldOutMark, StockLevel, StockMovement
from modules.inventory.reconcile import stock_reconcile
from modules.inventory.services import stock_inbound, stock_set_count
from modules.orders.actions import order_acknowledge, order_seller_cancel
from modules.orders.claims import claim_approve
from modules.orders.models import Claim, OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.shipping import services as shipping
from modules.shipping.models import CourierContract, Shipment, ShipmentState, Warehouse
from tests.channels.conftest import fast_adapter
from tests.inventory.helpers import stock_demo_catalog
from tests.inventory.test_allocation import pulled_store, push
from tests.orders.test_claims import sync_claims
from tests.orders.test_collect_and_actions import collect_all

pytestmark = pytest.mark.django_db

OPENING = 10  # units of every demo SKU on hand at the start
NAVER_BUFFER = 1


def _factory(store):
    return lambda _store: fast_adapter(store)


def cj(body: int) -> str:
    return tracking.compose(CourierCode.CJ, str(body).zfill(11))


def main_warehouse() -> Warehouse:
    """The main warehouse, shipping with a default CJ contract (shipments take it from there)."""
    contract = CourierContract.objects.create(
        name="CJ 본사", courier="CJ", contract_code="A123", number_from="30000000000", number_to="30000000009"
    )
    return Warehouse.objects.create(
        name="장터 물류센터",
        zip_code="06236",
        address1="서울특별시 강남구 테헤란로 123",
        phone1="02-1234-5678",
        is_main=True,
        default_contract=contract,
    )


def levels(warehouse) -> dict[str, tuple[int, int, int]]:
    """seller code -> (on hand, reserved, available) in the warehouse."""
    return {
        level.sku.seller_code: (level.on_hand, level.reserved, level.available)
        for level in StockLevel.objects.filter(warehouse=warehouse).select_related("sku")
    }


def expected_levels(on_hand: dict[str, int], reserved: dict[str, int]) -> dict[str, tuple[int, int, int]]:
    return {code: (on_hand[code], reserved[code], on_hand[code] - reserved[code]) for code in on_hand}


def shown(store, sandbox) -> dict[str, tuple[int, bool]]:
    """seller code -> (quantity, on sale) as the sandbox channel holds the store's options. Coupang's
    product list says nothing of 판매중지 (its inventories API does): its sandbox item is read directly."""
    code_of = dict(
        ListingOption.objects.filter(listing__store=store, sku__isnull=False).values_list(
            "channel_option_id", "sku__seller_code"
        )
    )
    remote = {
        option.option_id: option
        for page in fast_adapter(store).fetch_listings()
        for item in page.items
        for option in item.options
        if option.option_id in code_of
    }
    assert set(remote) == set(code_of)
    return {
        code_of[option_id]: (
            option.stock,
            sandbox._option(option_id).on_sale if store.marketplace == "coupang" else option.on_sale,
        )
        for option_id, option in remote.items()
    }


def allocated(available: dict[str, int], *, buffer: int = 0) -> dict[str, tuple[int, bool]]:
    """What a store should show: its share of the available stock, on sale while it is above 0."""
    out = {}
    for code, units in available.items():
        quantity = max(units - buffer, 0)
        out[code] = (quantity, quantity > 0)
    return out


def kinds_of(line) -> list[str]:
    return list(StockMovement.objects.filter(line=line).order_by("id").values_list("kind", flat=True))


def test_done_when_orders_cancel_ship_return_and_sold_out_reach_coupang_and_naver(sandbox_store):
    coupang, coupang_box = pulled_store(sandbox_store, "coupang")
    naver, naver_box = pulled_store(sandbox_store, "naver")
    AllocationRule.objects.create(store=coupang, mode=AllocationRule.Mode.ALL)
    AllocationRule.objects.create(store=naver, mode=AllocationRule.Mode.BUFFER, value=NAVER_BUFFER)
    assert coupang.stock_sync and naver.stock_sync

    settings = CompanySettings.load()
    assert settings.stock_management_enabled and settings.order_stock_link  # orders reserve stock
    # Stock leaves the warehouse when the invoice is sent to the channel (not when it is registered).
    settings.stock_outbound_point = "invoice_sent"
    settings.save()

    wh = stock_demo_catalog(quantity=OPENING, warehouse=main_warehouse())
    codes = set(SKU.objects.values_list("seller_code", flat=True))
    on_hand = dict.fromkeys(codes, OPENING)
    reserved = dict.fromkeys(codes, 0)

    def check(step: str) -> None:
        assert levels(wh) == expected_levels(on_hand, reserved), step
        push(coupang)
        push(naver)
        available = {code: on_hand[code] - reserved[code] for code in codes}
        assert shown(coupang, coupang_box) == allocated(available), step
        assert shown(naver, naver_box) == allocated(available, buffer=NAVER_BUFFER), step
        for store, buffer in ((coupang, 0), (naver, NAVER_BUFFER)):
            ours = {
                option.sku.seller_code: (option.stock, option.channel_stock, option.on_sale)
                for option in ListingOption.objects.filter(listing__store=store).select_related("sku")
            }
            assert ours == {
                code: (quantity, quantity, on_sale)
                for code, (quantity, on_sale) in allocated(available, buffer=buffer).items()
            }, step

    check("opening stock")

    # 1. Sandbox orders collected from Coupang reserve their SKUs' stock.
    coupang_box.create_orders(3)
    collect_all(coupang)
    lines = list(OrderLine.objects.filter(store=coupang).select_related("sku", "order", "store").order_by("id"))
    assert lines and all(line.sku_id and line.state == OrderState.NEW for line in lines)
    for line in lines:
        reserved[line.sku.seller_code] += line.quantity
    assert {LineStock.objects.get(line=line).state for line in lines} == {"held"}
    check("collected orders reserve")

    # 2. Confirmed (발주확인): still reserved. Then one line is cancelled by the seller: released.
    assert all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=_factory(coupang)))
    check("acknowledged orders keep their reservation")
    per_sku = Counter(line.sku.seller_code for line in lines)
    focal = max(sorted(per_sku), key=lambda code: per_sku[code])  # the SKU on the most lines
    cancelled = next(line for line in lines if line.sku.seller_code == focal)
    cancelled.refresh_from_db()
    (result,) = order_seller_cancel(
        lines=[OrderLine.objects.select_related("order", "store").get(pk=cancelled.pk)],
        reason="sold_out",
        detail="재고 소진",
        adapter_factory=_factory(coupang),
    )
    assert result.ok, result.message
    assert OrderLine.objects.get(pk=cancelled.pk).state == OrderState.CANCELLED
    reserved[focal] -= cancelled.quantity
    check("a cancel releases")

    # 3. The other lines ship: shipments for their bundles, invoices registered (stock still held at
    # this company's outbound point), then sent to Coupang: the goods leave the warehouse.
    shipping_lines = [line for line in lines if line.pk != cancelled.pk]
    bundle_ids = sorted(
        set(OrderLine.objects.filter(pk__in=[ln.pk for ln in shipping_lines]).values_list("bundle_id", flat=True))
    )
    assert None not in bundle_ids
    found = shipping.shipments_for_bundles(bundle_ids=bundle_ids)
    shipments = [found[pk] for pk in bundle_ids]
    assert all(s.warehouse == wh and s.courier == "CJ" for s in shipments)
    registered = shipping.invoices_register(entries=[(s, "CJ", cj(200 + i)) for i, s in enumerate(shipments)])
    assert all(r.ok for r in registered), [r.message for r in registered]
    assert set(OrderLine.objects.filter(pk__in=[ln.pk for ln in shipping_lines]).values_list("state", flat=True)) == {
        OrderState.INVOICE_REGISTERED
    }
    check("registered invoices: not out yet at the invoice_sent point")
    sent = shipping.invoices_send(
        shipments=Shipment.objects.filter(pk__in=[s.pk for s in shipments]), adapter_factory=_factory(coupang)
    )
    assert all(r.ok for r in sent), [(r.code, r.message) for r in sent]
    assert set(Shipment.objects.filter(pk__in=[s.pk for s in shipments]).values_list("state", flat=True)) == {
        ShipmentState.SENT
    }
    for line in shipping_lines:
        on_hand[line.sku.seller_code] -= line.quantity
        reserved[line.sku.seller_code] -= line.quantity
    assert not any(reserved.values())
    check("sent invoices take the goods out")
    collect_all(coupang)  # Coupang reports them shipped with our numbers: nothing moves
    check("collecting the shipped orders again")

    # 4. One parcel is delivered and returned: the return claim is collected and approved; the goods
    # come back into stock. The parcel with another line of the focal SKU, if any.
    returned_box = next(
        (line.shipment_id for line in shipping_lines if line.sku.seller_code == focal), shipping_lines[0].shipment_id
    )
    coupang_box.deliver(returned_box)
    collect_all(coupang)
    returned_lines = [line for line in shipping_lines if line.shipment_id == returned_box]
    assert {OrderLine.objects.get(pk=line.pk).state for line in returned_lines} == {OrderState.DELIVERED}
    check("delivered: out once")
    coupang_box.create_claim("return")
    collect_all(coupang)
    sync_claims(coupang)
    # (The seller's cancel of step 2 is a settled cancel claim of its own at Coupang.)
    assert set(
        Claim.objects.filter(store=coupang).exclude(claim_type=ClaimType.RETURN).values_list("state", flat=True)
    ) <= {ClaimState.COMPLETED}
    claim = Claim.objects.get(store=coupang, claim_type=ClaimType.RETURN)
    assert claim.state == ClaimState.REQUESTED
    assert sorted(claim.channel_line_ids) == sorted(line.channel_line_id for line in returned_lines)
    check("a requested return moves nothing yet")
    approved = claim_approve(claim=claim, adapter_factory=_factory(coupang))
    assert approved.ok, (approved.code, approved.message)
    claim.refresh_from_db()
    assert claim.state == ClaimState.COMPLETED
    assert {OrderLine.objects.get(pk=line.pk).state for line in returned_lines} == {OrderState.RETURNED}
    for line in returned_lines:
        on_hand[line.sku.seller_code] += line.quantity
    check("an approved return restocks")
    sync_claims(coupang)  # the channel agrees; nothing is restocked twice
    collect_all(coupang)
    check("syncing the settled return again")

    # 5. Counted at 0: both stores show 0 and stop the sale (sold out).
    assert reserved[focal] == 0
    sku = SKU.objects.get(seller_code=focal)
    stock_set_count(sku=sku, warehouse=wh, counted=0, reason="실사: 재고 없음")
    on_hand[focal] = 0
    check("counted at zero")
    assert shown(coupang, coupang_box)[focal] == (0, False)
    assert shown(naver, naver_box)[focal] == (0, False)
    marked = set(SoldOutMark.objects.values_list("option__listing__store", "option__sku__seller_code"))
    assert {(coupang.pk, focal), (naver.pk, focal)} <= marked

    # 6. Goods come in again: the sale resumes with each store's share.
    stock_inbound(sku=sku, warehouse=wh, quantity=6, reason="재입고")
    on_hand[focal] = 6
    check("stock back in")
    assert shown(coupang, coupang_box)[focal] == (6, True)
    assert shown(naver, naver_box)[focal] == (6 - NAVER_BUFFER, True)
    assert not SoldOutMark.objects.filter(option__sku=sku).exists()

    # The ledger: each line's movements in order, and the focal SKU's whole statement.
    assert kinds_of(cancelled) == [MovementKind.RESERVE, MovementKind.RELEASE]
    for line in shipping_lines:
        expected = [MovementKind.RESERVE, MovementKind.OUTBOUND]
        if line in returned_lines:
            expected.append(MovementKind.RETURN)
        assert kinds_of(line) == expected, line.sku.seller_code
    focal_lines = [line for line in lines if line.sku.seller_code == focal]
    statement = (
        [MovementKind.INBOUND]
        + [MovementKind.RESERVE] * len(focal_lines)
        + [MovementKind.RELEASE]
        + [MovementKind.OUTBOUND] * (len(focal_lines) - 1)
        + [MovementKind.RETURN] * sum(1 for line in returned_lines if line.sku.seller_code == focal)
        + [MovementKind.ADJUSTMENT, MovementKind.INBOUND]
    )
    moves = list(StockMovement.objects.filter(sku=sku, warehouse=wh).order_by("id"))
    assert [m.kind for m in moves] == statement
    assert (moves[-1].on_hand_after, moves[-1].reserved_after) == (6, 0)
    assert sum(m.on_hand_delta for m in moves) == 6 and sum(m.reserved_delta for m in moves) == 0
    by_line = defaultdict(set)
    for line_id, kind in OrderEvent.objects.filter(line__in=lines, kind__startswith="stock_").values_list(
        "line_id", "kind"
    ):
        by_line[line_id].add(kind)
    assert by_line[cancelled.pk] == {"stock_reserved", "stock_released"}
    for line in returned_lines:
        assert by_line[line.pk] == {"stock_reserved", "stock_out", "stock_returned"}

    # Reconciliation: the levels are the ledger's sums, reservations are all held by lines (none
    # now), and what we recorded of the channels matches what we pushed — first from our own records
    # of each push, then after pulling both stores' product lists again.
    for pull in (False, True):
        run = stock_reconcile(pull=pull)
        assert run.levels_checked == len(codes)
        assert (run.drift_count, run.drift) == (0, []), pull
        assert run.options_checked == 2 * len(codes)
        assert (run.channel_mismatches, run.mismatches) == (0, []), pull
