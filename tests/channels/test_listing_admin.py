"""Listings admin: lists with constant queries, edit with the options table, save-and-push to the task
page, the task's live log, the push queue and pull pages, and rights."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.channels.listing_services import listing_change_enqueue, listing_save
from modules.channels.models import Listing, ListingChange, ListingTask, ListingTaskLog, Store
from tests.catalog.fixtures import *  # noqa: F403
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A00012345")


@pytest.fixture
def listing(store, create_product):
    product = create_product(options=[("색상", ["빨강", "파랑"])], seller_code="BIKE01")
    return listing_save(listing=Listing(store=store, product=product, channel_category_id="1", sale_price=135000))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_lists_keep_a_constant_number_of_queries(editor_client, store, create_product, listing):
    urls = [reverse("listings:index"), reverse("listing_queue:index"), reverse("listing_tasks:index")]
    option = listing.options.first()
    listing_change_enqueue(listing=listing, option=option, field="stock", value=1)
    ListingTask.objects.create(store=store, listing=listing, kind="register")
    for url in urls:  # warm-up: first views fill caches (site settings, content types)
        editor_client.get(url)
    first = [_count(editor_client, url) for url in urls]
    for number in range(12):
        product = create_product(seller_code=f"P{number:03d}", name=f"상품 {number}")
        other = listing_save(listing=Listing(store=store, product=product, channel_category_id="1", sale_price=1000))
        listing_change_enqueue(listing=other, option=other.options.first(), field="stock", value=number)
        ListingTask.objects.create(store=store, listing=other, kind="register", user=None)
    assert [_count(editor_client, url) for url in urls] == first


def test_edit_page_shows_the_options_and_saves_them(editor_client, listing):
    url = reverse("listings:edit", args=[listing.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    options = list(listing.options.order_by("sort_order"))
    assert f'name="option-{options[0].pk}-stock"' in content
    data = {
        "name": "",
        "channel_category_id": "56789",
        "sale_price": "135000",
        "market_price": "150000",
        "max_per_order": "0",
        "max_per_person": "0",
        "shipping_fee_type": "free",
        "shipping_fee": "0",
        "free_threshold": "0",
        "per_quantity": "0",
        "jeju_fee": "3000",
        "remote_fee": "5000",
        "return_fee": "3000",
        "exchange_fee": "6000",
        "courier": "CJ",
        "lead_days": "2",
        "as_phone": "1588-1234",
        "as_info": "",
        "link_stock": "on",
        f"option-{options[0].pk}-present": "1",
        f"option-{options[0].pk}-extra_price": "0",
        f"option-{options[0].pk}-stock": "12",
        f"option-{options[0].pk}-on_sale": "on",
        f"option-{options[1].pk}-present": "1",
        f"option-{options[1].pk}-extra_price": "5,000",
        f"option-{options[1].pk}-stock": "4",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    listing.refresh_from_db()
    assert listing.channel_category_id == "56789"
    assert listing.market_price == 150000
    options[1].refresh_from_db()
    assert (options[1].extra_price, options[1].stock, options[1].on_sale) == (5000, 4, False)
    # A rule broken: the message is on the page and nothing is saved.
    data["market_price"] = "100000"
    data[f"option-{options[1].pk}-extra_price"] = "90000"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "market_price" in form.errors
    options[1].refresh_from_db()
    assert options[1].extra_price == 5000


def test_save_and_push_refuses_what_the_channel_needs_first(editor_client, listing):
    response = editor_client.post(reverse("listings_push", args=[listing.pk]))
    assert response.status_code == 302
    assert ListingTask.objects.count() == 0
    messages = [str(m) for m in response.wsgi_request._messages]
    assert len(messages) == 1 and messages[0]


def test_task_page_and_its_log(editor_client, listing):
    task = ListingTask.objects.create(store=listing.store, listing=listing, kind="register")
    ListingTaskLog.objects.create(task=task, message="first")
    second = ListingTaskLog.objects.create(task=task, message="second", level="error")
    assert editor_client.get(reverse("listings_task", args=[task.pk])).status_code == 200
    data = editor_client.get(reverse("listings_task_log", args=[task.pk])).json()
    assert [line["message"] for line in data["lines"]] == ["first", "second"]
    assert data["finished"] is False
    data = editor_client.get(reverse("listings_task_log", args=[task.pk]) + f"?after={second.pk}").json()
    assert data["lines"] == []


def test_viewers_cannot_push_or_pull(make_user, listing):
    viewer = verified_client(make_user("조회만", rights={"products": {"view"}}))
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    assert viewer.post(reverse("listings_push", args=[listing.pk])).status_code in (302, 403)
    assert ListingTask.objects.count() == 0
    response = viewer.get(reverse("listings_pull"))
    assert response.status_code in (302, 403) and "Pull" not in response.content.decode()
    assert viewer.get(reverse("listings:index")).status_code == 200
    outsider = verified_client(make_user("주문만", rights={"orders": {"view"}}))
    assert outsider.get(reverse("listings:index")).status_code in (302, 403)


def test_send_queue_now_with_nothing_waiting(editor_client, store):
    response = editor_client.post(reverse("listings_send_queue"), {"store": store.pk})
    assert response.status_code == 302
    assert ListingChange.objects.count() == 0
