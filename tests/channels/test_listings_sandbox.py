"""Listings end to end against the marketplace sandboxes: save and push a product with options,
option ids mapped back by seller code, later stock/price/status changes sent through the queue and
seen by the channel, and pulling the store's products linked to ours by seller code."""

from __future__ import annotations

import pytest

from integrations.channels.base import Capability
from modules.channels.listing_services import (
    listing_changes_push,
    listing_push,
    listing_save,
    listing_task_run,
    listings_pull_request,
)
from modules.channels.models import Listing, ListingChange, ListingTask, SyncKind
from modules.channels.sync import sync_run
from modules.core.demo import demo_catalog_load
from snippets.models import AddressTemplate
from tests.catalog.fixtures import *  # noqa: F403
from tests.channels.conftest import fast_adapter

MARKETPLACES = ["coupang", "naver", "elevenst"]
CATEGORY = {"coupang": "56137", "naver": "50000803", "elevenst": "1001440"}


@pytest.fixture
def with_image(make_image):
    def attach(product):
        image = make_image(f"main{product.pk}.jpg")
        detail = "<p>가볍고 튼튼한 미니벨로입니다.</p>"
        type(product).objects.filter(pk=product.pk).update(main_image=image, detail_html=detail)
        product.main_image, product.detail_html = image, detail
        return product

    return attach


def _listing(store, product) -> Listing:
    sync_run(store=store, kind=SyncKind.TEMPLATES, adapter=fast_adapter(store))
    outbound = AddressTemplate.objects.filter(store=store, address_type="outbound_address").first()
    returns = AddressTemplate.objects.filter(store=store, address_type="return_address").first()
    assert outbound and returns, "the sandbox offers address templates"
    listing = Listing(
        store=store,
        product=product,
        channel_category_id=CATEGORY[store.marketplace],
        sale_price=product.price,
        market_price=product.price + 20000,
        shipping_fee_type="conditional",
        shipping_fee=3000,
        free_threshold=50000,
        jeju_fee=3000,
        remote_fee=5000,
        return_fee=3000,
        exchange_fee=6000,
        outbound_address=outbound,
        return_address=returns,
        as_phone="1588-1234",
        as_info="구매처 고객센터로 연락 주세요.",
    )
    listing = listing_save(listing=listing)
    for option in listing.options.all():
        option.stock = 20
        option.save()
    return listing


def _run(task: ListingTask, store) -> ListingTask:
    """Tests run django-q synchronously; run again with the fast adapter when the queue did not."""
    task.refresh_from_db()
    if not task.is_finished:
        task = listing_task_run(task=task, adapter=fast_adapter(store))
    return task


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_save_and_push_then_queue_changes(sandbox_store, create_product, with_image, marketplace):
    store, sandbox = sandbox_store(marketplace)
    product = create_product(options=[("색상", ["빨강", "파랑"]), ("크기", ["S", "M"])], seller_code="BIKE01")
    listing = _listing(store, with_image(product))

    task = ListingTask.objects.create(store=store, listing=listing, kind=ListingTask.Kind.REGISTER, total=4)
    task = listing_task_run(task=task, adapter=fast_adapter(store))
    log = list(task.log.values_list("message", flat=True))
    assert task.status == ListingTask.Status.DONE, log
    listing.refresh_from_db()
    assert listing.channel_product_id
    options = list(listing.options.select_related("sku").order_by("sort_order"))
    assert all(option.channel_option_id for option in options), log

    # A stock edit and a sale stop go through the queue and reach the channel.
    first = options[0]
    listing_save(listing=listing, option_edits={first.pk: {"stock": 7}})
    assert ListingChange.objects.filter(listing=listing, status="pending").exists()
    pushed = listing_changes_push(store=store, adapter=fast_adapter(store))
    assert pushed.failed == 0, list(pushed.log.values_list("message", flat=True))
    first.refresh_from_db()
    assert first.channel_stock == 7

    # The channel's product list has it, and a pull keeps the link.
    pulled = list(fast_adapter(store).fetch_listings())
    found = [item for page in pulled for item in page.items if item.product_id == listing.channel_product_id]
    assert found
    remote = {option.option_id: option for option in found[0].options}
    assert remote[first.channel_option_id].stock == 7


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_full_update_keeps_option_ids(sandbox_store, create_product, with_image, marketplace):
    store, _sandbox = sandbox_store(marketplace)
    product = create_product(options=[("색상", ["빨강", "파랑"])], seller_code="BIKE02")
    listing = _listing(store, with_image(product))
    task = ListingTask.objects.create(store=store, listing=listing, kind=ListingTask.Kind.REGISTER, total=2)
    assert listing_task_run(task=task, adapter=fast_adapter(store)).status == ListingTask.Status.DONE
    ids = dict(listing.options.values_list("sku_id", "channel_option_id"))
    listing.refresh_from_db()
    listing.name = "알톤 미니벨로 자전거 특가"
    listing_save(listing=listing)
    task = ListingTask.objects.create(store=store, listing=listing, kind=ListingTask.Kind.UPDATE, total=2)
    task = listing_task_run(task=task, adapter=fast_adapter(store))
    assert task.status == ListingTask.Status.DONE, list(task.log.values_list("message", flat=True))
    assert dict(listing.options.values_list("sku_id", "channel_option_id")) == ids


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_a_refusal_shows_the_channels_message(sandbox_store, create_product, with_image, marketplace):
    store, _sandbox = sandbox_store(marketplace)
    product = create_product(seller_code="BIKE03")
    listing = _listing(store, with_image(product))
    Listing.objects.filter(pk=listing.pk).update(channel_category_id="")  # the channel requires it
    task = ListingTask.objects.create(store=store, listing=listing, kind=ListingTask.Kind.REGISTER, total=1)
    task = listing_task_run(task=task, adapter=fast_adapter(store))
    assert task.status == ListingTask.Status.FAILED
    listing.refresh_from_db()
    assert listing.push_state == "failed" and listing.push_message
    assert not listing.channel_product_id


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_pull_links_the_stores_products_to_ours(sandbox_store, marketplace):
    store, _sandbox = sandbox_store(marketplace)
    assert store.adapter_supports(Capability.LISTINGS_PULL)
    demo_catalog_load()
    task = ListingTask.objects.create(store=store, kind=ListingTask.Kind.PULL)
    task = listing_task_run(task=task, adapter=fast_adapter(store))
    assert task.status == ListingTask.Status.DONE, list(task.log.values_list("message", flat=True))
    pulled = Listing.objects.filter(store=store)
    assert pulled.count() >= 5
    linked = pulled.filter(product__isnull=False)
    assert linked.count() >= 5, [(x.channel_product_id, x.channel_seller_code) for x in pulled]
    option = linked.first().options.exclude(sku=None).first()
    assert option is not None and option.channel_option_id


def test_push_request_and_pull_request_queue_a_task(
    sandbox_store, create_product, with_image, django_capture_on_commit_callbacks
):
    store, _sandbox = sandbox_store("naver")
    product = create_product(options=[("색상", ["빨강", "파랑"])], seller_code="BIKE04")
    listing = _listing(store, with_image(product))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = listing_push(listing=listing)
        pull = listings_pull_request(store=store)
    assert len(callbacks) == 2
    assert task.kind == "register" and pull.kind == "pull"
    assert Listing.objects.get(pk=listing.pk).push_state == "pending"
