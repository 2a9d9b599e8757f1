"""합포장: automatic grouping by receiver (store or marketplace scope), manual bundles left alone,
closed lines leaving, merge / split / partial shipment / visit pickup by hand, and the delay notice
pushed to Naver and recorded for channels without such an API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.channels.base import Address, ChannelOrder, ChannelOrderLine, LineState
from modules.channels.models import Store
from modules.core.models import CompanySettings
from modules.orders.bundles import (
    LineInfo,
    bundle_make_automatic,
    bundle_merge,
    bundle_set_visit_pickup,
    bundle_ship_partial,
    bundle_split,
    bundles_assign,
    bundles_regroup,
    group_lines,
    order_delay_notice,
    receiver_of,
)
from modules.orders.models import Bundle, Order, OrderEvent, OrderLine
from modules.orders.services import orders_collect
from modules.orders.status import OrderState
from tests.channels.conftest import fast_adapter

from .test_collect_and_actions import collect_all

pytestmark = pytest.mark.django_db

HONG = {
    "name": "홍길동",
    "phone1": "010-1234-5678",
    "zip_code": "06234",
    "address1": "서울특별시 강남구 테헤란로 123",
    "address2": "4층 401호",
}


def make_store(marketplace="coupang", name="스토어 A") -> Store:
    return Store.objects.create(marketplace=marketplace, name=name, seller_id=f"seller-{name}")


def channel_order(order_id: str, *, receiver: dict | None = None, lines: int = 1, state=LineState.PAID) -> ChannelOrder:
    return ChannelOrder(
        order_id=order_id,
        ordered_at=timezone.now(),
        receiver=Address(**(receiver or HONG)),
        lines=[
            ChannelOrderLine(
                line_id=f"{order_id}-{n}", shipment_id=order_id, state=state, quantity=1, product_name=f"상품 {n}"
            )
            for n in range(1, lines + 1)
        ],
    )


def bundles_of(*order_ids: str) -> set[int | None]:
    return set(OrderLine.objects.filter(order__channel_order_id__in=order_ids).values_list("bundle_id", flat=True))


def set_scope(scope: str) -> None:
    company = CompanySettings.load()
    company.bundle_scope = scope
    company.save()


# Grouping ---------------------------------------------------------------------------------------


def test_normalisation_ignores_spaces_hyphens_case_and_width():
    a = receiver_of(
        name="Kim Minsu", phone1="010-1234-5678", zip_code="06-234", address1="서울 강남구 테헤란로 1-2", address2="A동"
    )
    b = receiver_of(
        name="KIM  MINSU",
        phone1="+82 10 1234 5678",
        zip_code="06234",
        address1="서울 강남구 테헤란로12",
        address2=" ａ동 ",
    )
    assert a == b
    infos = [
        LineInfo(1, 10, 1, "coupang", a),
        LineInfo(2, 11, 1, "coupang", b),
        LineInfo(3, 12, 2, "coupang", a),
        LineInfo(4, 13, 1, "coupang", receiver_of(name="", phone1="")),
        LineInfo(5, 14, 1, "coupang", receiver_of(name="", phone1="")),
    ]
    assert sorted(group_lines(infos, "store").values()) == [[1, 2], [3], [4], [5]]
    assert sorted(group_lines(infos, "marketplace").values()) == [[1, 2, 3], [4], [5]]


def test_same_receiver_across_two_orders_shares_one_bundle():
    store = make_store()
    spaced = {**HONG, "phone1": "010 1234 5678", "address1": "서울특별시 강남구 테헤란로123", "address2": "4층401호"}
    orders_collect(store=store, orders=[channel_order("A1", lines=2), channel_order("A2", receiver=spaced)])
    bundle_ids = bundles_of("A1", "A2")
    assert len(bundle_ids) == 1 and None not in bundle_ids
    bundle = Bundle.objects.get()
    assert (bundle.manual, bundle.store_id, bundle.marketplace) == (False, store.pk, "coupang")
    assert OrderEvent.objects.filter(kind="bundle").count() == 3
    # A later order of the same receiver joins it; re-collecting the same orders changes nothing.
    orders_collect(store=store, orders=[channel_order("A3")])
    assert bundles_of("A1", "A3") == bundle_ids
    orders_collect(store=store, orders=[channel_order("A1", lines=2), channel_order("A2", receiver=spaced)])
    assert OrderEvent.objects.filter(kind="bundle").count() == 4


def test_different_address_makes_two_bundles():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1"), channel_order("A2", receiver={**HONG, "address2": "5층"})])
    assert len(bundles_of("A1", "A2")) == 2
    assert Bundle.objects.count() == 2


def test_scope_setting_groups_stores_of_one_marketplace():
    first, second = make_store("naver", "네이버 1"), make_store("naver", "네이버 2")
    other = make_store("coupang", "쿠팡")
    orders_collect(store=first, orders=[channel_order("N1")])
    orders_collect(store=second, orders=[channel_order("N2")])
    orders_collect(store=other, orders=[channel_order("C1")])
    assert len(bundles_of("N1", "N2")) == 2  # default: the same store only
    set_scope("marketplace")
    result = bundles_regroup()
    assert len(bundles_of("N1", "N2")) == 1
    assert bundles_of("N1").isdisjoint(bundles_of("C1"))  # another marketplace never
    bundle = Bundle.objects.get(pk=next(iter(bundles_of("N1"))))
    assert (bundle.store_id, bundle.marketplace) == (None, "naver")
    assert result.removed >= 1
    assert Bundle.objects.count() == 2
    # New orders of the second store join the marketplace bundle directly.
    orders_collect(store=second, orders=[channel_order("N3")])
    assert bundles_of("N3") == {bundle.pk}


def test_manual_bundles_are_not_regrouped():
    store = make_store()
    orders_collect(
        store=store, orders=[channel_order("A1", lines=2), channel_order("B1", receiver={**HONG, "name": "김철수"})]
    )
    bundle = Bundle.objects.get(pk=next(iter(bundles_of("A1"))))
    other = Bundle.objects.get(pk=next(iter(bundles_of("B1"))))
    bundle_merge(target=bundle, bundles=[other], force_reason="같은 집")
    assert bundles_of("A1", "B1") == {bundle.pk}
    # A new order of 홍길동 does not go into the bundle arranged by hand; collection does not undo it.
    orders_collect(store=store, orders=[channel_order("A2")])
    assert bundles_of("A2") != {bundle.pk} and None not in bundles_of("A2")
    orders_collect(store=store, orders=[channel_order("B1", receiver={**HONG, "name": "김철수", "address2": "5층"})])
    assert bundles_of("A1", "B1") == {bundle.pk}
    bundles_regroup()
    assert bundles_of("A1", "B1") == {bundle.pk}
    # Back to automatic: each receiver's lines go where grouping puts them.
    bundle_make_automatic(bundle=bundle)
    assert bundles_of("A1") == bundles_of("A2")
    assert bundles_of("B1").isdisjoint(bundles_of("A1"))


def test_closed_lines_leave_and_empty_bundles_are_removed():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1"), channel_order("A2")])
    (bundle_id,) = bundles_of("A1", "A2")
    orders_collect(store=store, orders=[channel_order("A1", state=LineState.CANCELLED)])
    assert bundles_of("A1") == {None} and bundles_of("A2") == {bundle_id}
    leave = OrderEvent.objects.get(kind="bundle_leave")
    assert (leave.old, leave.new, leave.order.channel_order_id) == (f"B{bundle_id}", "", "A1")
    orders_collect(store=store, orders=[channel_order("A2", state=LineState.CANCELLED)])
    assert not Bundle.objects.exists()


def test_a_bundle_being_packed_takes_no_new_order():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1")])
    (bundle_id,) = bundles_of("A1")
    OrderLine.objects.update(state=OrderState.INVOICE_REGISTERED)
    orders_collect(store=store, orders=[channel_order("A2")])
    assert bundles_of("A2") - {bundle_id} == bundles_of("A2") != {None}
    bundles_assign(line_ids=OrderLine.objects.values_list("id", flat=True))
    assert bundles_of("A1") == {bundle_id}  # the packed line stays in its parcel


def test_assign_costs_the_same_queries_for_few_or_many_lines():
    store = make_store()

    def run(prefix: str, count: int) -> int:
        orders = [channel_order(f"{prefix}{n}", receiver={**HONG, "name": f"{prefix}{n % 3}"}) for n in range(count)]
        orders_collect(store=store, orders=orders)
        ids = list(OrderLine.objects.filter(order__channel_order_id__startswith=prefix).values_list("id", flat=True))
        OrderLine.objects.filter(pk__in=ids).update(bundle=None)
        Bundle.objects.filter(lines__isnull=True).delete()
        with CaptureQueriesContext(connection) as queries:
            bundles_assign(line_ids=ids)
        return len(queries)

    CompanySettings.load()
    assert run("X", 5) == run("Y", 15)


# By hand ---------------------------------------------------------------------------------------


def test_merge_needs_the_same_receiver_unless_forced(make_user):
    user = make_user("packer", rights={"orders": {"view", "edit"}})
    store, naver = make_store(), make_store("naver", "네이버")
    orders_collect(store=store, orders=[channel_order("A1"), channel_order("B1", receiver={**HONG, "address2": "5층"})])
    orders_collect(store=naver, orders=[channel_order("N1")])
    target = Bundle.objects.get(pk=next(iter(bundles_of("A1"))))
    # The same receiver in another marketplace: merged without a reason.
    moved = bundle_merge(target=target, orders=[Order.objects.get(channel_order_id="N1")], user=user)
    assert moved == 1 and bundles_of("A1", "N1") == {target.pk}
    target.refresh_from_db()
    assert target.manual and target.store_id is None and target.marketplace == ""
    other = Bundle.objects.get(pk=next(iter(bundles_of("B1"))))
    with pytest.raises(ValidationError) as caught:
        bundle_merge(target=target, bundles=[other], user=user)
    assert "B1" in caught.value.message_dict["force_reason"][0]
    assert bundles_of("B1") == {other.pk}
    bundle_merge(target=target, bundles=[other], user=user, force_reason="고객 요청: 한 번에 보내기")
    assert bundles_of("A1", "B1", "N1") == {target.pk}
    assert not Bundle.objects.filter(pk=other.pk).exists()
    event = OrderEvent.objects.get(kind="bundle_merge", order__channel_order_id="B1")
    assert (event.old, event.new, event.user, event.message) == (
        f"B{other.pk}",
        f"B{target.pk}",
        user,
        "고객 요청: 한 번에 보내기",
    )
    assert event.payload["forced"] is True


def test_split_moves_chosen_lines_into_a_new_bundle():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1", lines=3)])
    bundle = Bundle.objects.get()
    lines = list(OrderLine.objects.order_by("id"))
    new = bundle_split(bundle=bundle, line_ids=[lines[2].pk])
    assert OrderLine.objects.get(pk=lines[2].pk).bundle_id == new.pk
    assert set(OrderLine.objects.filter(pk__in=[lines[0].pk, lines[1].pk]).values_list("bundle_id", flat=True)) == {
        bundle.pk
    }
    assert Bundle.objects.get(pk=bundle.pk).manual and new.manual and new.key == bundle.key
    assert OrderEvent.objects.filter(kind="bundle_split").count() == 1
    with pytest.raises(ValidationError):
        bundle_split(bundle=bundle, line_ids=[lines[0].pk, lines[1].pk])
    with pytest.raises(ValidationError):
        bundle_split(bundle=bundle, line_ids=[lines[2].pk])  # not in this bundle any more


def test_partial_shipment_keeps_the_chosen_lines_and_the_rest_waits():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1", lines=3)])
    bundle = Bundle.objects.get()
    first, *rest = OrderLine.objects.order_by("id")
    later = bundle_ship_partial(bundle=bundle, line_ids=[first.pk])
    assert OrderLine.objects.get(pk=first.pk).bundle_id == bundle.pk
    assert set(OrderLine.objects.filter(pk__in=[line.pk for line in rest]).values_list("bundle_id", flat=True)) == {
        later.pk
    }
    events = OrderEvent.objects.filter(kind="partial_shipment")
    assert sorted(e.payload["ships"] for e in events) == ["later", "later", "now"]
    with pytest.raises(ValidationError):
        bundle_ship_partial(bundle=later, line_ids=[line.pk for line in rest])
    # The waiting lines are not pulled back by the next collection (arranged by hand).
    orders_collect(store=store, orders=[channel_order("A1", lines=3, state=LineState.ACKNOWLEDGED)])
    assert OrderLine.objects.get(pk=rest[0].pk).bundle_id == later.pk


def test_visit_pickup_is_recorded_per_order():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1"), channel_order("A2")])
    bundle = Bundle.objects.get()
    bundle_set_visit_pickup(bundle=bundle, visit_pickup=True)
    bundle.refresh_from_db()
    assert bundle.visit_pickup and bundle.manual
    assert OrderEvent.objects.filter(kind="visit_pickup", new="visit_pickup").count() == 2
    orders_collect(store=store, orders=[channel_order("A3")])  # a courier order does not join it
    assert bundles_of("A3") != {bundle.pk}
    bundle_set_visit_pickup(bundle=bundle, visit_pickup=False)
    assert OrderEvent.objects.filter(kind="visit_pickup", new="courier").count() == 2


# Delay notice ---------------------------------------------------------------------------------


def _factory(store):
    return lambda _store: fast_adapter(store)


def test_delay_notice_is_pushed_to_naver(sandbox_store, make_user):
    user = make_user("packer", rights={"orders": {"view", "edit"}})
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(2)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    new_date = timezone.localdate() + timedelta(days=5)
    results = order_delay_notice(
        lines=lines,
        new_date=new_date,
        reason="product_prepare",
        detail="입고 지연",
        user=user,
        adapter_factory=_factory(store),
    )
    assert all(r.ok and r.pushed for r in results), [r.message for r in results]
    assert {sandbox.product_orders[line.channel_line_id].delayed_reason for line in lines} == {"PRODUCT_PREPARE"}
    assert set(OrderLine.objects.filter(store=store).values_list("expected_ship_date", flat=True)) == {new_date}
    event = OrderEvent.objects.filter(kind="delay_notice").first()
    assert (event.new, event.user, event.payload["pushed"]) == (str(new_date), user, True)
    assert OrderEvent.objects.filter(kind="delay_notice").count() == len(lines)
    # Naver takes one delay per product order: the second is refused and our date stays.
    again = order_delay_notice(
        lines=lines[:1],
        new_date=new_date + timedelta(days=2),
        reason="etc",
        detail="추가 지연",
        user=user,
        adapter_factory=_factory(store),
    )
    assert not again[0].ok and again[0].code == "104442" and again[0].message
    assert OrderLine.objects.get(pk=lines[0].pk).expected_ship_date == new_date
    assert OrderEvent.objects.filter(kind="push_failed", line=lines[0]).count() == 1


def test_delay_notice_on_coupang_is_recorded_here_only(sandbox_store):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(1)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    new_date = timezone.localdate() + timedelta(days=4)
    results = order_delay_notice(
        lines=lines, new_date=new_date, reason="customer_request", user=None, adapter_factory=_factory(store)
    )
    assert {(r.ok, r.pushed, r.code) for r in results} == {(True, False, "not_supported")}
    assert "판매채널이 지원하지 않아" in results[0].message
    assert OrderLine.objects.get(pk=lines[0].pk).expected_ship_date == new_date
    assert OrderEvent.objects.filter(kind="delay_notice", payload__pushed=False).count() == len(lines)


def test_delay_notice_checks_its_input():
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1")])
    lines = list(OrderLine.objects.select_related("order", "store"))
    with pytest.raises(ValidationError) as caught:
        order_delay_notice(lines=lines, new_date=timezone.localdate(), reason="etc", user=None)
    assert "new_date" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        order_delay_notice(lines=lines, new_date=timezone.localdate() + timedelta(days=2), reason="etc", user=None)
    assert "detail" in caught.value.message_dict
    OrderLine.objects.update(state=OrderState.INVOICE_SENT)
    lines = list(OrderLine.objects.select_related("order", "store"))
    results = order_delay_notice(
        lines=lines, new_date=timezone.localdate() + timedelta(days=2), reason="custom_build", user=None
    )
    assert [r.code for r in results] == ["illegal"]


def test_a_receiver_edit_moves_the_order_to_its_new_receivers_bundle():
    from modules.orders.actions import order_receiver_update

    store = make_store()
    orders_collect(
        store=store,
        orders=[channel_order("A1"), channel_order("A2"), channel_order("C1", receiver={**HONG, "address2": "9층"})],
    )
    assert bundles_of("A1") == bundles_of("A2")
    order = Order.objects.get(channel_order_id="A2")
    order_receiver_update(order=order, values={"address2": "9층"})  # regroups the order itself
    assert bundles_of("A2") == bundles_of("C1") and bundles_of("A1").isdisjoint(bundles_of("A2"))
