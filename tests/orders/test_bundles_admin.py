"""The Bundles list (masked, constant queries) and the bundle page with its actions, by area right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from modules.orders.models import Bundle, OrderEvent, OrderLine
from modules.orders.services import orders_collect
from tests.conftest import verified_client

from .test_bundles import HONG, bundles_of, channel_order, make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(make_user):
    return verified_client(make_user("viewer", rights={"orders": {"view"}}))


@pytest.fixture
def editor(make_user):
    return verified_client(make_user("editor", rights={"orders": {"view", "edit"}}))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def _receivers(store, prefix: str, count: int) -> None:
    orders = []
    for n in range(count):
        receiver = {**HONG, "address2": f"{prefix} {n}호"}
        orders += [
            channel_order(f"{prefix}{n}a", receiver=receiver, lines=2),
            channel_order(f"{prefix}{n}b", receiver=receiver),
        ]
    orders_collect(store=store, orders=orders)


def test_list_is_masked_and_keeps_a_constant_number_of_queries(viewer):
    store = make_store()
    _receivers(store, "P", 2)
    url = reverse("order_bundles:index")
    viewer.get(url)  # warm-up: site settings, content types
    few = _count(viewer, url)
    _receivers(store, "Q", 6)
    many = _count(viewer, url)
    assert few == many
    body = viewer.get(url).content.decode()
    assert "홍*동" in body and "010-1234-****" in body
    assert "홍길동" not in body and "5678" not in body
    assert Bundle.objects.count() == 8
    # Filters and search.
    assert viewer.get(url, {"kind": "combined"}).status_code == 200
    bundle_id = next(iter(bundles_of("Q3a")))
    found = viewer.get(url, {"q": "Q3b"}).content.decode()
    assert f"B{bundle_id}" in found and f"B{next(iter(bundles_of('P0a')))}<" not in found
    assert f"B{bundle_id}" in viewer.get(url, {"q": f"B{bundle_id}"}).content.decode()
    assert viewer.get(url, {"q": "01012345678", "shipping": "open", "marketplace": "coupang"}).status_code == 200


def test_bundles_menu_item_joins_the_orders_menu(viewer):
    # Shown in the sidebar to a user with the orders view right (viewsets register on URL loading).
    assert reverse("order_bundles:index") in viewer.get(reverse("wagtailadmin_home")).content.decode()
    items = [fn() for fn in hooks.get_hooks("register_orders_menu_item")]
    assert any(item.url == reverse("order_bundles:index") for item in items)


def test_bundle_page_queries_do_not_grow_with_its_orders(viewer):
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1")])
    small = Bundle.objects.get()
    orders_collect(
        store=store, orders=[channel_order(f"B{n}", receiver={**HONG, "name": "김영희"}, lines=2) for n in range(4)]
    )
    big = Bundle.objects.exclude(pk=small.pk).get()
    viewer.get(reverse("orders_bundle", args=[small.pk]))
    assert _count(viewer, reverse("orders_bundle", args=[small.pk])) == _count(
        viewer, reverse("orders_bundle", args=[big.pk])
    )
    body = viewer.get(reverse("orders_bundle", args=[big.pk])).content.decode()
    assert "김*희" in body and "김영희" not in body
    assert 'name="action"' not in body  # no actions without the edit right


def test_actions_need_the_edit_right(viewer):
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1", lines=2)])
    bundle = Bundle.objects.get()
    response = viewer.post(reverse("orders_bundle", args=[bundle.pk]), {"action": "visit_pickup_on"})
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not Bundle.objects.get().visit_pickup
    assert viewer.get(reverse("orders_bundles_regroup")).status_code == 302
    assert not OrderEvent.objects.filter(kind="visit_pickup").exists()


def test_split_merge_partial_visit_pickup_and_delay_from_the_page(editor):
    store = make_store()
    orders_collect(
        store=store, orders=[channel_order("A1", lines=3), channel_order("B1", receiver={**HONG, "name": "김철수"})]
    )
    bundle = Bundle.objects.get(pk=next(iter(bundles_of("A1"))))
    url = reverse("orders_bundle", args=[bundle.pk])
    assert editor.get(url).status_code == 200
    first, second, third = OrderLine.objects.filter(order__channel_order_id="A1").order_by("id")
    editor.post(url, {"action": "split", "line": [third.pk]})
    split_into = OrderLine.objects.get(pk=third.pk).bundle_id
    assert split_into != bundle.pk
    editor.post(url, {"action": "ship_partial", "line": [first.pk]})
    assert OrderLine.objects.get(pk=first.pk).bundle_id == bundle.pk
    assert OrderLine.objects.get(pk=second.pk).bundle_id not in (bundle.pk, split_into)
    # Merge by numbers: another receiver needs a reason.
    response = editor.post(url, {"action": "merge", "numbers": f"B1 B{split_into}"}, follow=True)
    assert "B1" in response.content.decode()
    editor.post(url, {"action": "merge", "numbers": f"B1 B{split_into}", "force_reason": "같은 주소"})
    assert bundles_of("B1") == {bundle.pk} and OrderLine.objects.get(pk=third.pk).bundle_id == bundle.pk
    # Same receiver suggested on the page.
    later = OrderLine.objects.get(pk=second.pk).bundle_id
    page = editor.get(url).content.decode()
    assert f'name="merge_bundle" value="{later}"' in page
    editor.post(url, {"action": "merge", "merge_bundle": [later]})
    assert OrderLine.objects.get(pk=second.pk).bundle_id == bundle.pk
    assert not Bundle.objects.filter(pk=later).exists()
    editor.post(url, {"action": "visit_pickup_on"})
    assert Bundle.objects.get(pk=bundle.pk).visit_pickup
    new_date = timezone.localdate() + timedelta(days=3)
    response = editor.post(
        url, {"action": "delay", "new_date": new_date.isoformat(), "reason": "custom_build"}, follow=True
    )
    assert set(OrderLine.objects.filter(bundle=bundle).values_list("expected_ship_date", flat=True)) == {new_date}
    assert "장터에만 기록했습니다" in response.content.decode()
    kinds = set(OrderEvent.objects.values_list("kind", flat=True))
    assert {"bundle", "bundle_split", "partial_shipment", "bundle_merge", "visit_pickup", "delay_notice"} <= kinds
    page = editor.get(url).content.decode()
    assert "같은 주소" in page  # the history shows the forced merge's reason
    editor.post(url, {"action": "automatic"})
    assert bundles_of("B1").isdisjoint(bundles_of("A1"))


def test_regroup_page(editor):
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1")])
    OrderLine.objects.update(bundle=None)
    Bundle.objects.all().delete()
    assert editor.get(reverse("orders_bundles_regroup")).status_code == 200
    response = editor.post(reverse("orders_bundles_regroup"))
    assert response.status_code == 302
    assert bundles_of("A1") != {None}


def test_generic_add_edit_delete_views_are_refused_even_to_editors(editor):
    store = make_store()
    orders_collect(store=store, orders=[channel_order("A1")])
    bundle = Bundle.objects.get()
    for name, args in (("add", []), ("edit", [bundle.pk]), ("delete", [bundle.pk])):
        response = editor.post(reverse(f"order_bundles:{name}", args=args), {"visit_pickup": "on"})
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), name
    assert list(Bundle.objects.values_list("pk", "visit_pickup")) == [(bundle.pk, False)]
    assert reverse("order_bundles:add") not in editor.get(reverse("order_bundles:index")).content.decode()
