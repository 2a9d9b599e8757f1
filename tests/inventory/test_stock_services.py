"""Stock changes through the one service: the ledger and the levels agree, negative stock is refused
with the SKU named, set SKUs take their components, and order lines' stock follows their state."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from modules.catalog.models import SKU, Product
from modules.core.models import CompanySettings
from modules.inventory.models import LineStock, MovementKind, SkuComponent, StockLevel, StockMovement
from modules.inventory.selectors import available_by_sku
from modules.inventory.services import (
    StockRefused,
    lines_stock_follow,
    stock_adjust,
    stock_direct_sale,
    stock_expected_add,
    stock_expected_receive,
    stock_inbound,
    stock_set_count,
)
from modules.orders.models import Order, OrderEvent, OrderLine
from modules.orders.status import OrderState
from tests.inventory.helpers import warehouse_make

pytestmark = pytest.mark.django_db


def sku_make(code: str) -> SKU:
    product = Product.objects.create(name=f"상품 {code}", seller_code=code, price=10000)
    return SKU.objects.create(product=product, seller_code=f"{code}-01")


def level(sku, warehouse) -> StockLevel:
    return StockLevel.objects.get(sku=sku, warehouse=warehouse)


def ledger_agrees(sku, warehouse) -> bool:
    totals = StockMovement.objects.filter(sku=sku, warehouse=warehouse).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), expected=Sum("expected_delta")
    )
    current = level(sku, warehouse)
    return (totals["on_hand"] or 0, totals["reserved"] or 0, totals["expected"] or 0) == (
        current.on_hand,
        current.reserved,
        current.expected,
    )


def lines_make(sku, quantities, *, state=OrderState.NEW):
    from modules.channels.models import Store

    store = Store.objects.first() or Store.objects.create(marketplace="coupang", name="스토어", seller_id="s1")
    start = Order.objects.count()
    lines = []
    for n, quantity in enumerate(quantities):
        order = Order.objects.create(store=store, channel_order_id=f"O{start + n}")
        lines.append(
            OrderLine.objects.create(
                order=order, store=store, channel_line_id=f"L{start + n}", quantity=quantity, state=state, sku=sku
            )
        )
    return lines


def set_state(lines, state):
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(state=state)


def test_inbound_adjust_and_counts_are_on_the_ledger(make_user):
    user = make_user("stock", rights={"inventory": {"view", "edit"}})
    wh = warehouse_make()
    sku = sku_make("A")
    stock_inbound(sku=sku, warehouse=wh, quantity=10, reason="입고", reference="PO-1", user=user)
    stock_adjust(sku=sku, warehouse=wh, delta=-3, reason="파손", user=user)
    stock_set_count(sku=sku, warehouse=wh, counted=9, reason="실사", user=user)
    assert (level(sku, wh).on_hand, level(sku, wh).available) == (9, 9)
    moves = list(StockMovement.objects.filter(sku=sku).order_by("id"))
    assert [(m.kind, m.on_hand_delta, m.on_hand_after) for m in moves] == [
        (MovementKind.INBOUND, 10, 10),
        (MovementKind.ADJUSTMENT, -3, 7),
        (MovementKind.ADJUSTMENT, 2, 9),
    ]
    assert {m.user_id for m in moves} == {user.pk} and moves[0].reference == "PO-1"
    assert ledger_agrees(sku, wh)


def test_an_adjustment_below_zero_is_refused_with_the_sku_named_unless_allowed():
    wh = warehouse_make()
    sku = sku_make("NEG")
    stock_inbound(sku=sku, warehouse=wh, quantity=2)
    with pytest.raises(StockRefused) as refused:
        stock_adjust(sku=sku, warehouse=wh, delta=-5, reason="분실")
    assert "NEG-01" in refused.value.messages[0] and "0" in refused.value.messages[0]
    assert level(sku, wh).on_hand == 2 and StockMovement.objects.filter(sku=sku).count() == 1  # nothing written
    with pytest.raises(StockRefused):
        stock_adjust(sku=sku, warehouse=wh, delta=-1, reason="  ")  # a reason is required
    settings = CompanySettings.load()
    settings.allow_negative_stock = True
    settings.save()
    stock_adjust(sku=sku, warehouse=wh, delta=-5, reason="분실")
    assert level(sku, wh).on_hand == -3 and ledger_agrees(sku, wh)
    stock_inbound(sku=sku, warehouse=wh, quantity=1)  # an inbound onto negative stock is fine
    assert level(sku, wh).on_hand == -2


def test_an_adjustment_may_not_take_reserved_stock():
    wh = warehouse_make()
    sku = sku_make("RES")
    stock_inbound(sku=sku, warehouse=wh, quantity=5)
    lines_stock_follow(line_ids=[line.pk for line in lines_make(sku, [4])])
    with pytest.raises(StockRefused) as refused:
        stock_adjust(sku=sku, warehouse=wh, delta=-2, reason="파손")
    assert "RES-01" in refused.value.messages[0] and "4" in refused.value.messages[0]
    stock_adjust(sku=sku, warehouse=wh, delta=-1, reason="파손")
    assert (level(sku, wh).on_hand, level(sku, wh).reserved, level(sku, wh).available) == (4, 4, 0)


def test_expected_inbound_becomes_stock_when_received():
    wh = warehouse_make()
    sku = sku_make("EXP")
    stock_expected_add(sku=sku, warehouse=wh, quantity=20, reference="발주 7")
    assert (level(sku, wh).on_hand, level(sku, wh).expected) == (0, 20)
    assert available_by_sku([sku.pk]) == {sku.pk: 0}  # expected is not sellable yet
    stock_expected_receive(sku=sku, warehouse=wh, quantity=15)
    assert (level(sku, wh).on_hand, level(sku, wh).expected) == (15, 5)
    with pytest.raises(StockRefused):
        stock_expected_receive(sku=sku, warehouse=wh, quantity=6)  # more than is expected
    assert ledger_agrees(sku, wh)


def test_set_sku_available_is_the_least_of_its_components_and_reservations_hit_them():
    wh = warehouse_make()
    cup, lid = sku_make("CUP"), sku_make("LID")
    gift = sku_make("GIFT")
    SkuComponent.objects.create(set_sku=gift, component=cup, quantity=2)
    SkuComponent.objects.create(set_sku=gift, component=lid, quantity=1)
    stock_inbound(sku=cup, warehouse=wh, quantity=9)
    stock_inbound(sku=lid, warehouse=wh, quantity=3)
    assert available_by_sku([gift.pk, cup.pk, lid.pk]) == {gift.pk: 3, cup.pk: 9, lid.pk: 3}
    with pytest.raises(StockRefused):
        stock_inbound(sku=gift, warehouse=wh, quantity=1)  # a set has no stock of its own
    line = lines_make(gift, [2])[0]
    assert lines_stock_follow(line_ids=[line.pk]).reserved == 1
    rows = {row.sku_id: row for row in LineStock.objects.filter(line=line)}
    assert {sku: (row.quantity, row.state) for sku, row in rows.items()} == {
        cup.pk: (4, "held"),
        lid.pk: (2, "held"),
    }
    assert available_by_sku([gift.pk]) == {gift.pk: 1}  # cup 5 // 2 = 2, lid 1 // 1 = 1
    # A set sold at the counter takes its components; two more sets are not there.
    stock_direct_sale(sku=gift, quantity=1, channel="POS 매장", reference="R-1")
    assert available_by_sku([gift.pk, cup.pk, lid.pk]) == {gift.pk: 0, cup.pk: 3, lid.pk: 0}
    with pytest.raises(StockRefused) as refused:
        stock_direct_sale(sku=gift, quantity=1, channel="POS 매장", reference="R-2")
    assert "GIFT-01" in refused.value.messages[0]


def test_order_lines_reserve_release_ship_and_return():
    wh = warehouse_make()
    sku = sku_make("FLOW")
    stock_inbound(sku=sku, warehouse=wh, quantity=10)
    kept, cancelled = lines_make(sku, [3, 2])
    ids = [kept.pk, cancelled.pk]
    result = lines_stock_follow(line_ids=ids)
    assert result.reserved == 2
    assert (level(sku, wh).on_hand, level(sku, wh).reserved) == (10, 5)
    assert lines_stock_follow(line_ids=ids).reserved == 0  # idempotent
    set_state([cancelled], OrderState.CANCELLED)
    lines_stock_follow(line_ids=ids)
    assert (level(sku, wh).on_hand, level(sku, wh).reserved) == (10, 3)
    set_state([kept], OrderState.ACKNOWLEDGED)
    lines_stock_follow(line_ids=ids)
    assert level(sku, wh).reserved == 3  # confirmed, not shipped yet
    set_state([kept], OrderState.INVOICE_REGISTERED)  # the default outbound point
    lines_stock_follow(line_ids=ids)
    assert (level(sku, wh).on_hand, level(sku, wh).reserved) == (7, 0)
    set_state([kept], OrderState.DELIVERED)
    lines_stock_follow(line_ids=ids)
    assert level(sku, wh).on_hand == 7  # out once
    set_state([kept], OrderState.RETURNED)
    lines_stock_follow(line_ids=ids)
    lines_stock_follow(line_ids=ids)
    assert (level(sku, wh).on_hand, level(sku, wh).reserved) == (10, 0)
    kinds = list(StockMovement.objects.filter(line=kept).order_by("id").values_list("kind", flat=True))
    assert kinds == ["reserve", "outbound", "return"]
    assert list(StockMovement.objects.filter(line=cancelled).order_by("id").values_list("kind", flat=True)) == [
        "reserve",
        "release",
    ]
    history = set(OrderEvent.objects.filter(line=kept).values_list("kind", flat=True))
    assert {"stock_reserved", "stock_out", "stock_returned"} <= history
    assert ledger_agrees(sku, wh)


def test_the_outbound_point_is_a_company_setting():
    settings = CompanySettings.load()
    settings.stock_outbound_point = "invoice_sent"
    settings.save()
    wh = warehouse_make()
    sku = sku_make("PT")
    stock_inbound(sku=sku, warehouse=wh, quantity=5)
    line = lines_make(sku, [1], state=OrderState.INVOICE_REGISTERED)[0]
    lines_stock_follow(line_ids=[line.pk])
    assert (level(sku, wh).on_hand, level(sku, wh).reserved) == (5, 1)  # registered: still held
    set_state([line], OrderState.INVOICE_SENT)
    lines_stock_follow(line_ids=[line.pk])
    assert (level(sku, wh).on_hand, level(sku, wh).reserved) == (4, 0)


def test_short_lines_wait_and_reserve_when_stock_comes_in_oldest_first():
    wh = warehouse_make()
    sku = sku_make("SHORT")
    stock_inbound(sku=sku, warehouse=wh, quantity=1)
    first, second, third = lines_make(sku, [1, 2, 1])
    result = lines_stock_follow(line_ids=[first.pk, second.pk, third.pk])
    assert (result.reserved, result.short) == (1, 2)
    assert LineStock.objects.get(line=second).state == "short"
    assert OrderEvent.objects.filter(line=second, kind="stock_short").count() == 1
    lines_stock_follow(line_ids=[second.pk])
    assert OrderEvent.objects.filter(line=second, kind="stock_short").count() == 1  # said once
    stock_inbound(sku=sku, warehouse=wh, quantity=2)
    states = dict(LineStock.objects.filter(sku=sku).values_list("line_id", "state"))
    assert states == {first.pk: "held", second.pk: "held", third.pk: "short"}
    assert level(sku, wh).available == 0


def test_a_second_warehouse_serves_a_line_the_main_one_cannot():
    main, other = warehouse_make("본사"), warehouse_make("물류센터", main=False)
    sku = sku_make("TWO")
    stock_inbound(sku=sku, warehouse=main, quantity=1)
    stock_inbound(sku=sku, warehouse=other, quantity=5)
    small, big = lines_make(sku, [1, 3])
    lines_stock_follow(line_ids=[small.pk, big.pk])
    assert LineStock.objects.get(line=small).warehouse == main
    assert LineStock.objects.get(line=big).warehouse == other
    assert available_by_sku([sku.pk]) == {sku.pk: 2}


def test_no_order_link_means_orders_do_not_touch_stock():
    settings = CompanySettings.load()
    settings.order_stock_link = False
    settings.save()
    wh = warehouse_make()
    sku = sku_make("OFF")
    stock_inbound(sku=sku, warehouse=wh, quantity=3)
    line = lines_make(sku, [2])[0]
    lines_stock_follow(line_ids=[line.pk])
    assert not LineStock.objects.exists() and level(sku, wh).reserved == 0


def test_a_rematched_line_moves_its_reservation_to_the_new_sku():
    wh = warehouse_make()
    wrong, right = sku_make("WRONG"), sku_make("RIGHT")
    stock_inbound(sku=wrong, warehouse=wh, quantity=5)
    stock_inbound(sku=right, warehouse=wh, quantity=5)
    line = lines_make(wrong, [2])[0]
    lines_stock_follow(line_ids=[line.pk])
    OrderLine.objects.filter(pk=line.pk).update(sku=right)
    lines_stock_follow(line_ids=[line.pk])
    assert (level(wrong, wh).reserved, level(right, wh).reserved) == (0, 2)
