"""Listings (채널상품): validation per channel, options, draft, push queue (coalescing, batches,
per-item results), pull matching by seller code. The channel side is a scripted adapter here; the
sandbox end-to-end tests are in test_listings_sandbox.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_q.models import Schedule

from integrations.channels.base import (
    Capability,
    ChannelAdapter,
    ChannelListing,
    ChannelListingOption,
    ItemResult,
    ListingResult,
    ListingState,
    Marketplace,
    Page,
    ShippingFeeType,
    VerifyResult,
)
from modules.channels.listing_services import (
    listing_change_enqueue,
    listing_changes_push,
    listing_draft,
    listing_errors,
    listing_pull_page,
    listing_save,
    listing_task_run,
)
from modules.channels.models import Listing, ListingChange, ListingOption, ListingTask, Store
from tests.catalog.fixtures import *  # noqa: F403


class RecordingAdapter(ChannelAdapter):
    marketplace = Marketplace.COUPANG
    display_name = "test"
    default_base_url = "http://test"
    capabilities = frozenset(Capability)
    credential_fields = ()
    rate_limit = None
    batch_sizes = {Capability.STOCK_PUSH: 3, Capability.PRICE_PUSH: 3, Capability.SALE_STATUS_PUSH: 3}

    def __init__(self, *, refuse: set[str] = frozenset(), retry: set[str] = frozenset(), result=None):
        self.calls: list[tuple[str, list]] = []
        self.refuse = set(refuse)
        self.retry = set(retry)
        self.result = result

    def verify(self):
        return VerifyResult(ok=True, message="ok")

    def _results(self, name, changes):
        self.calls.append((name, list(changes)))
        out = []
        for change in changes:
            if change.option_id in self.refuse:
                out.append(ItemResult(key=change.option_id, ok=False, code="E1", message="판매중지된 옵션입니다"))
            elif change.option_id in self.retry:
                out.append(ItemResult(key=change.option_id, ok=False, code="429", message="잠시 후", retryable=True))
            else:
                out.append(ItemResult(key=change.option_id, ok=True))
        return out

    def push_stock(self, changes):
        return self._results("stock", changes)

    def push_prices(self, changes):
        return self._results("price", changes)

    def push_sale_status(self, changes):
        return self._results("status", changes)

    def create_listing(self, draft):
        self.calls.append(("create", [draft]))
        return self.result

    def update_listing(self, draft):
        self.calls.append(("update", [draft]))
        return self.result


@pytest.fixture
def store(db):
    return Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A00012345")


@pytest.fixture
def product(create_product):
    return create_product(options=[("색상", ["빨강", "파랑"]), ("크기", ["S", "M"])], seller_code="BIKE01")


@pytest.fixture
def listing(store, product):
    item = Listing(store=store, product=product, channel_category_id="12345", sale_price=135000)
    return listing_save(listing=item)


def test_saving_a_listing_creates_one_option_per_sku(listing, product):
    options = list(listing.options.order_by("sort_order"))
    assert [o.option_text for o in options] == [s.option_label for s in product.skus.order_by("sort_order")]
    assert all(o.on_sale for o in options)


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"sale_price": 5}, "sale_price", "10원~1,000,000,000원"),
        ({"sale_price": 135005}, "sale_price", "10원 단위"),
        ({"market_price": 135000}, "market_price", "판매가보다 높아야"),
        ({"shipping_fee_type": "fixed", "shipping_fee": 0}, "shipping_fee", "배송비를 입력하세요"),
        ({"shipping_fee_type": "free", "shipping_fee": 2500}, "shipping_fee", "0이어야"),
        (
            {"shipping_fee_type": "conditional", "shipping_fee": 3000, "free_threshold": 0},
            "free_threshold",
            "배송비보다 큰",
        ),
        ({"shipping_fee_type": "per_quantity", "shipping_fee": 3000, "per_quantity": 0}, "per_quantity", "1 이상"),
        ({"jeju_fee": 150000}, "jeju_fee", "100,000"),
        ({"remote_fee": 3005}, "remote_fee", "10원 단위"),
        ({"max_per_order": 5, "max_per_person": 2}, "max_per_order", "1인 최대 구매수량"),
        ({"as_phone": "A/S센터"}, "as_phone", "숫자와 하이픈"),
    ],
)
def test_each_sale_info_rule_names_its_field(listing, changes, field, fragment):
    for key, value in changes.items():
        setattr(listing, key, value)
    errors = listing_errors(listing=listing, options=list(listing.options.all()))
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]


def test_sale_period_end_before_start_is_refused(listing):
    listing.sale_start = timezone.now() + timedelta(days=3)
    listing.sale_end = timezone.now() + timedelta(days=1)
    assert "sale_end" in listing_errors(listing=listing)


def test_option_extra_price_outside_half_the_sale_price_is_refused(listing):
    option = listing.options.order_by("sort_order").last()
    with pytest.raises(ValidationError) as caught:
        listing_save(listing=listing, option_edits={option.pk: {"extra_price": 70000}})
    assert "options" in caught.value.message_dict
    option.refresh_from_db()
    assert option.extra_price == 0  # nothing written


def test_at_least_one_option_without_extra_price(listing):
    edits = {o.pk: {"extra_price": 1000} for o in listing.options.all()}
    with pytest.raises(ValidationError) as caught:
        listing_save(listing=listing, option_edits=edits)
    assert any("0원" in m for m in caught.value.message_dict["options"])


def test_eleven_street_takes_fewer_than_100_combinations(db, create_product):
    store = Store.objects.create(marketplace="elevenst", name="11번가", seller_id="s1")
    values = [str(n) for n in range(1, 11)]
    product = create_product(options=[("가", values), ("나", values)], seller_code="MANY01")
    with pytest.raises(ValidationError) as caught:
        listing_save(listing=Listing(store=store, product=product, channel_category_id="1", sale_price=135000))
    assert any("100개 미만" in m for m in caught.value.message_dict["options"])
    # The same product is fine on Coupang.
    coupang = Store.objects.create(marketplace="coupang", name="쿠팡", seller_id="s2")
    listing_save(listing=Listing(store=coupang, product=product, channel_category_id="1", sale_price=135000))


def test_push_needs_category_and_addresses(listing):
    listing.channel_category_id = ""
    errors = listing_errors(listing=listing, options=list(listing.options.all()), for_push=True)
    assert {"channel_category_id", "outbound_address", "return_address"} <= set(errors)


def test_draft_carries_options_by_seller_code(listing, product):
    listing.shipping_fee_type = "conditional"
    listing.shipping_fee = 3000
    listing.free_threshold = 30000
    listing.jeju_fee = 3000
    listing.save()
    draft = listing_draft(listing=listing)
    assert draft.option_names == ("색상", "크기")
    assert [o.seller_code for o in draft.options] == list(
        product.skus.order_by("sort_order").values_list("seller_code", flat=True)
    )
    assert draft.options[0].values == ("빨강", "S")
    assert draft.shipping.fee_type is ShippingFeeType.CONDITIONAL
    assert draft.shipping.free_threshold == 30000
    assert draft.seller_code == "BIKE01"
    assert draft.notice_category == "sports_equipment"


def _registered(listing):
    result = ListingResult(
        ok=True,
        channel_product_id="9000001",
        option_ids={o.sku.seller_code: f"V{o.pk}" for o in listing.options.select_related("sku")},
        state=ListingState.ON_SALE,
    )
    task = ListingTask.objects.create(store=listing.store, listing=listing, kind=ListingTask.Kind.REGISTER, total=4)
    return listing_task_run(task=task, adapter=RecordingAdapter(result=result))


def test_register_maps_channel_option_ids_and_logs(listing):
    task = _registered(listing)
    assert task.status == ListingTask.Status.DONE
    listing.refresh_from_db()
    assert listing.channel_product_id == "9000001"
    assert listing.state == "on_sale"
    assert listing.push_state == "ok"
    assert all(o.channel_option_id == f"V{o.pk}" for o in listing.options.all())
    messages = list(task.log.values_list("message", flat=True))
    assert any("9000001" in m for m in messages)


def test_refused_register_keeps_the_channels_message(listing):
    refusal = ListingResult(ok=False, code="ERROR", message="카테고리 코드가 올바르지 않습니다.")
    task = ListingTask.objects.create(store=listing.store, listing=listing, kind=ListingTask.Kind.REGISTER, total=1)
    task = listing_task_run(task=task, adapter=RecordingAdapter(result=refusal))
    assert task.status == ListingTask.Status.FAILED
    listing.refresh_from_db()
    assert listing.push_state == "failed"
    assert "카테고리 코드" in listing.push_message
    assert listing.channel_product_id == ""


def test_later_edits_are_queued_and_coalesced(listing, django_capture_on_commit_callbacks):
    _registered(listing)
    option = listing.options.order_by("sort_order").first()
    with django_capture_on_commit_callbacks(execute=True):
        listing_save(listing=listing, option_edits={option.pk: {"stock": 5}})
        listing_save(listing=listing, option_edits={option.pk: {"stock": 7}})
    pending = ListingChange.objects.filter(status="pending")
    assert list(pending.values_list("field", "value")) == [("stock", 7)]
    # The debounce: one one-off schedule for the store.
    assert Schedule.objects.filter(name=f"channels.listing_changes.store{listing.store_id}").count() == 1


def test_price_change_on_coupang_goes_per_option(listing):
    _registered(listing)
    listing.sale_price = 120000
    listing_save(listing=listing)
    changes = ListingChange.objects.filter(field="price", status="pending")
    assert changes.count() == 4
    assert set(changes.values_list("value", flat=True)) == {120000}


def test_queue_is_sent_in_batches_with_per_item_results(listing):
    _registered(listing)
    options = list(listing.options.order_by("sort_order"))
    for index, option in enumerate(options):
        listing_change_enqueue(listing=listing, option=option, field="stock", value=10 + index)
    refused = options[1].channel_option_id
    retried = options[2].channel_option_id
    adapter = RecordingAdapter(refuse={refused}, retry={retried})
    task = listing_changes_push(store=listing.store, adapter=adapter)
    assert [len(batch) for name, batch in adapter.calls] == [3, 1]  # batch size 3
    assert task.status == ListingTask.Status.PARTIAL
    assert task.succeeded == 2 and task.failed == 1
    by_option = {c.option_id: c for c in ListingChange.objects.all()}
    assert by_option[options[0].pk].status == "sent"
    assert by_option[options[1].pk].status == "failed"
    assert "판매중지" in by_option[options[1].pk].message
    assert by_option[options[2].pk].status == "pending"  # retryable: stays queued
    assert by_option[options[2].pk].attempts == 1
    options[0].refresh_from_db()
    assert options[0].channel_stock == 10


def test_changes_of_an_option_not_at_the_channel_fail_clearly(listing):
    option = listing.options.first()
    listing_change_enqueue(listing=listing, option=option, field="stock", value=3)
    task = listing_changes_push(store=listing.store, adapter=RecordingAdapter())
    change = ListingChange.objects.get()
    assert change.status == "failed" and change.code == "not_sent"
    assert task.failed == 1


def test_pull_links_by_product_seller_code_then_option_codes(store, product, create_product):
    other = create_product(name="다른 상품", seller_code="OTHER1")
    sku = product.skus.order_by("sort_order").first()
    other_sku = other.skus.get()
    items = [
        ChannelListing(
            product_id="P1",
            name="미니벨로",
            seller_code="BIKE01",
            state=ListingState.ON_SALE,
            sale_price=135000,
            options=[ChannelListingOption(option_id="O1", seller_code=sku.seller_code, price=135000, stock=3)],
        ),
        ChannelListing(
            product_id="P2",
            name="코드 없는 상품",
            options=[ChannelListingOption(option_id="O2", seller_code=other_sku.seller_code, price=135000)],
        ),
        ChannelListing(product_id="P3", name="모르는 상품", seller_code="NOPE"),
    ]
    counts = listing_pull_page(store=store, items=items)
    assert (counts.created, counts.linked) == (3, 2)
    first = Listing.objects.get(channel_product_id="P1")
    assert first.product == product
    option = first.options.get()
    assert option.sku == sku and option.channel_stock == 3
    assert Listing.objects.get(channel_product_id="P2").product == other
    assert Listing.objects.get(channel_product_id="P3").product is None
    # Pulling again updates and keeps the links.
    again = listing_pull_page(store=store, items=items)
    assert (again.created, again.updated) == (0, 3)
    assert ListingOption.objects.count() == 2


def test_pull_task_runs_every_page(store, product):
    class Pulling(RecordingAdapter):
        def fetch_listings(self):
            yield Page(items=[ChannelListing(product_id="A", name="a", seller_code="BIKE01")])
            yield Page(items=[ChannelListing(product_id="B", name="b")])

    task = ListingTask.objects.create(store=store, kind=ListingTask.Kind.PULL)
    task = listing_task_run(task=task, adapter=Pulling())
    assert task.status == ListingTask.Status.DONE
    assert task.total == 2
    assert Listing.objects.filter(store=store).count() == 2
