"""Writes for listings (채널상품): save with the channel's rules, save-and-push, the push queue, pull.

Flow
- ``listing_save`` validates the per-store sale info against our rules and the channel's (prices in
  10-won steps, market price above the sale price, option extra prices, the channel's option limit,
  shipping fee settings, sale period, addresses of this store) and refreshes the listing's options from
  the product's SKUs.
- ``listing_push`` queues a register (or a full update once the channel has an id) as a ListingTask;
  the worker runs ``listing_task_run``, which writes a line to the task's log at every step, so the
  admin page that polls it shows the push live.
- Later price/stock/status edits go through ``listing_change_enqueue``: one pending row per option and
  field (a newer value replaces an older one: that is the debounce), sent by ``listing_changes_push``
  in the channel's batch sizes, a few seconds after the last change (a one-off schedule per store).
- ``listings_pull`` reads every product of a store and links it to ours by seller code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task

from integrations.channels.base import (
    Address,
    Capability,
    ChannelError,
    ChannelListing,
    CourierCode,
    ListingDraft,
    ListingImage,
    ListingOptionDraft,
    ListingResult,
    ListingShipping,
    ListingState,
    Marketplace,
    PriceChange,
    SaleStatusChange,
    ShippingFeeType,
    StockChange,
    TaxType,
)
from modules.catalog import validators as catalog_rules

from .adapters import adapter_for_store
from .models import Listing, ListingChange, ListingOption, ListingTask, ListingTaskLog, Store

TASK_FUNC = "modules.channels.tasks.listing_task_run"
CHANGES_FUNC = "modules.channels.tasks.listing_changes_push_store"
# Seconds of quiet after the last change before a store's queue is sent (debounce).
CHANGES_DEBOUNCE_SECONDS = 10
# A change that keeps failing for a retryable reason is given up after this many attempts.
CHANGES_MAX_ATTEMPTS = 5

NAME_MAX = 100  # every channel we speak to takes 100 characters for a product name
AREA_FEE_MAX = 100_000  # Jeju/remote surcharges above this are refused by Naver and Coupang [U: Coupang]
SHIPPING_FEE_MAX = 100_000

# Where each channel takes price and sale-status changes: per option, or per product. 11번가 prices a
# product and stops its sale as a whole; option surcharges there change only with a full update.
CHANGE_LEVEL = {
    Marketplace.COUPANG: "option",
    Marketplace.NAVER: "product+option",
    Marketplace.ELEVENST: "product",
}

TAX_TYPES = {"taxable": TaxType.TAXABLE, "exempt": TaxType.TAX_FREE, "zero_rated": TaxType.ZERO_RATED}
ORIGIN_TEXT = {"domestic": "국산", "imported": "수입산"}


CHANNEL_FIELDS = (
    "channel_product_id",
    "channel_seller_code",
    "state",
    "channel_status",
    "push_state",
    "push_message",
    "pushed_at",
    "pulled_at",
    "raw",
)
SELLER_FIELDS = [
    f.name
    for f in Listing._meta.concrete_fields
    if not f.primary_key and f.name not in CHANNEL_FIELDS and f.name != "created_at"
]


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def listing_errors(*, listing: Listing, options: list[ListingOption] | None = None, for_push: bool = False) -> dict:
    """Every rule a listing breaks, by form field, in Korean; empty when it is fine."""
    errors: dict[str, list[str]] = {}
    store = listing.store
    product = listing.product

    name = listing.name or (product.name if product else "")
    if len(name) > NAME_MAX:
        _add(errors, "name", _("Product name: %(max)s characters at most for this channel.") % {"max": NAME_MAX})

    price = listing.sale_price
    if price < catalog_rules.PRICE_MIN or price > catalog_rules.PRICE_MAX:
        _add(errors, "sale_price", _("Sale price: between 10 and 1,000,000,000 won."))
    elif price % catalog_rules.PRICE_STEP:
        _add(errors, "sale_price", _("Sale price: in steps of 10 won."))
    if listing.market_price and listing.market_price <= price:
        _add(errors, "market_price", _("Market price: must be higher than the sale price, or 0 for none."))
    if listing.market_price % catalog_rules.PRICE_STEP:
        _add(errors, "market_price", _("Market price: in steps of 10 won."))

    if listing.max_per_order and listing.max_per_person and listing.max_per_order > listing.max_per_person:
        _add(errors, "max_per_order", _("Most per order cannot be more than most per buyer."))
    if listing.sale_start and listing.sale_end and listing.sale_end <= listing.sale_start:
        _add(errors, "sale_end", _("Sale period: the end must come after the start."))
    if for_push and listing.sale_end and listing.sale_end <= timezone.now():
        _add(errors, "sale_end", _("Sale period: the end has already passed."))

    fee_type = listing.shipping_fee_type
    if fee_type == Listing.FeeType.FREE and listing.shipping_fee:
        _add(errors, "shipping_fee", _("Shipping fee: must be 0 for free shipping."))
    if fee_type != Listing.FeeType.FREE and not listing.shipping_fee:
        _add(errors, "shipping_fee", _("Shipping fee: enter the fee for this fee type."))
    if listing.shipping_fee > SHIPPING_FEE_MAX:
        _add(errors, "shipping_fee", _("Shipping fee: 100,000 won at most."))
    if fee_type == Listing.FeeType.CONDITIONAL and listing.free_threshold <= listing.shipping_fee:
        _add(errors, "free_threshold", _("Free from: enter an order amount above the shipping fee."))
    if fee_type == Listing.FeeType.PER_QUANTITY and listing.per_quantity < 1:
        _add(errors, "per_quantity", _("Enter how many items one fee covers (1 or more)."))
    for field in ("jeju_fee", "remote_fee", "return_fee", "exchange_fee"):
        value = getattr(listing, field)
        if value > AREA_FEE_MAX:
            _add(errors, field, _("100,000 won at most."))
        elif value % catalog_rules.PRICE_STEP:
            _add(errors, field, _("In steps of 10 won."))
    if listing.as_phone and not _phone_ok(listing.as_phone):
        _add(errors, "as_phone", _("A/S phone: digits and hyphens, like 1588-1234 or 02-123-4567."))

    for field, expected in (("outbound_address", "outbound_address"), ("return_address", "return_address")):
        template = getattr(listing, field)
        if template is None:
            if for_push:
                _add(errors, field, _("Choose an address of this store (pull or create it under channel templates)."))
            continue
        if template.store_id != listing.store_id:
            _add(errors, field, _("This address belongs to another store."))
        elif getattr(template, "address_type", expected) != expected:
            _add(errors, field, _("This address is not of the right kind (outbound / return)."))
        elif for_push and not template.channel_template_id:
            _add(errors, field, _("This address is not registered at the channel yet; save it to push it first."))

    if for_push:
        if product is None:
            _add(errors, "product", _("Link a product before pushing."))
        elif product.main_image_id is None:
            _add(errors, "product", _("The product has no main image; every channel requires one."))
        if product is not None and not (product.detail_html or "").strip():
            _add(errors, "product", _("The product has no detail page (detail HTML); the channels require one."))
        if not listing.channel_category_id:
            _add(errors, "channel_category_id", _("Channel category: required to register the product."))
        if not listing.as_phone:
            _add(errors, "as_phone", _("A/S phone: the channels require one to register the product."))
        if not store.adapter_supports(Capability.LISTING_CREATE):
            _add(errors, "store", _("This store's channel does not take product registration through its API."))

    if options is not None and product is not None:
        active = [option for option in options if option.on_sale]
        try:
            catalog_rules.validate_sku_prices(
                sale_price=price,
                skus=[catalog_rules.SkuRow(label=o.option_text, extra_price=o.extra_price) for o in active],
            )
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, "options", message)
        message = catalog_rules.combination_limit_error(marketplace=store.marketplace, count=len(active))
        if message:
            _add(errors, "options", message)
        if for_push and not active:
            _add(errors, "options", _("No option is on sale."))
    return errors


def _phone_ok(value: str) -> bool:
    digits = value.replace("-", "")
    return digits.isdigit() and 8 <= len(digits) <= 12


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Save, options
# ---------------------------------------------------------------------------------------------


def listing_options_sync(*, listing: Listing) -> list[ListingOption]:
    """One option per SKU of the product (new SKUs added, retired ones taken off sale); ids kept."""
    if listing.product_id is None:
        return list(listing.options.all())
    from modules.catalog.models import SkuStatus

    existing = {option.sku_id: option for option in listing.options.all() if option.sku_id}
    result = []
    skus = list(listing.product.skus.all())
    for index, sku in enumerate(skus):
        option = existing.pop(sku.pk, None)
        if option is None:
            option = ListingOption(
                listing=listing, sku=sku, extra_price=sku.extra_price, on_sale=sku.status == SkuStatus.ON_SALE
            )
        option.option_text = sku.option_label
        option.sort_order = index
        if sku.status == SkuStatus.RETIRED:
            option.on_sale = False
        option.save()
        result.append(option)
    for option in existing.values():  # SKUs gone from the product: keep the row (channel id), off sale
        if option.on_sale:
            option.on_sale = False
            option.save(update_fields=["on_sale"])
    return result


@transaction.atomic
def listing_save(*, listing: Listing, option_edits: dict[int, dict] | None = None, user=None) -> Listing:
    """Validate and save a listing; ``option_edits`` maps option id -> {extra_price, on_sale, stock}.

    Once the listing is at the channel, changed prices, stock and sale status are queued for the
    channel (the full update is ``listing_push``)."""
    old = Listing.objects.filter(pk=listing.pk).first() if listing.pk else None
    if listing.product_id and not listing.sale_price:
        listing.sale_price = listing.product.price
    listing.full_clean(exclude=["product", "store", "outbound_address", "return_address"])
    if old is None:
        listing.save()
    else:
        # The channel's side (ids, state, push result) is written only by pushes and pulls; a form
        # loaded before a push finished must not overwrite it.
        listing.save(update_fields=SELLER_FIELDS)
        for name in CHANNEL_FIELDS:
            setattr(listing, name, getattr(old, name))
    options = listing_options_sync(listing=listing)
    old_options = {o.pk: (o.extra_price, o.on_sale, o.stock) for o in options}
    for option in options:
        edit = (option_edits or {}).get(option.pk)
        if edit:
            for key in ("extra_price", "on_sale", "stock"):
                if key in edit and edit[key] is not None:
                    setattr(option, key, edit[key])
    _raise(listing_errors(listing=listing, options=options))
    for option in options:
        if old_options[option.pk] != (option.extra_price, option.on_sale, option.stock):
            option.save(update_fields=["extra_price", "on_sale", "stock"])
    if old is not None and listing.channel_product_id:
        _queue_edits(listing=listing, old=old, options=options, old_options=old_options)
    return listing


def _queue_edits(*, listing: Listing, old: Listing, options: list[ListingOption], old_options: dict) -> None:
    """Queue what changed since the channel last heard of it (manual edits, always sent)."""
    marketplace = listing.store.marketplace
    price_level = status_level = CHANGE_LEVEL.get(marketplace, "option")
    price_changed = old.sale_price != listing.sale_price
    if price_changed and "product" in price_level:
        listing_change_enqueue(listing=listing, option=None, field=ListingChange.Field.PRICE, value=listing.sale_price)
    for option in options:
        if not option.channel_option_id:
            continue
        extra, on_sale, stock = old_options[option.pk]
        if "option" in price_level and (option.extra_price != extra or (price_changed and price_level == "option")):
            listing_change_enqueue(
                listing=listing,
                option=option,
                field=ListingChange.Field.PRICE,
                value=listing.sale_price + option.extra_price,
            )
        if option.on_sale != on_sale and "option" in status_level:
            listing_change_enqueue(
                listing=listing, option=option, field=ListingChange.Field.STATUS, value=int(option.on_sale)
            )
        if option.stock != stock:
            listing_change_enqueue(listing=listing, option=option, field=ListingChange.Field.STOCK, value=option.stock)


# ---------------------------------------------------------------------------------------------
# Draft building (our data -> the neutral ListingDraft)
# ---------------------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return (getattr(settings, "PUBLIC_MEDIA_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/") + url


def _image(image) -> ListingImage | None:
    if image is None:
        return None
    try:
        with image.open_file() as handle:
            content = handle.read()
    except OSError:
        content = None
    return ListingImage(url=_absolute(image.file.url), content=content, filename=image.file.name.rsplit("/", 1)[-1])


def _address(template) -> Address | None:
    if template is None:
        return None
    return Address(
        name=template.contact_name,
        phone1=template.phone1,
        phone2=template.phone2,
        zip_code=template.zip_code,
        address1=template.address1,
        address2=template.address2,
    )


def listing_draft(*, listing: Listing) -> ListingDraft:
    """The neutral registration/update payload for one listing."""
    product = listing.product
    options = [o for o in listing.options.select_related("sku").order_by("sort_order", "id") if o.sku_id]
    groups = list(product.option_groups.all())
    has_options = bool(groups)
    option_drafts = [
        ListingOptionDraft(
            seller_code=o.sku.seller_code,
            values=tuple(o.sku.option_values or ()),
            extra_price=o.extra_price,
            stock=o.stock if o.on_sale else 0,
            on_sale=o.on_sale,
            barcode=o.sku.barcode,
            option_id=o.channel_option_id,
        )
        for o in options
    ]
    single_stock = option_drafts[0].stock if option_drafts and not has_options else 0
    origin = ORIGIN_TEXT.get(product.origin_kind, "")
    if product.origin_country:
        origin = product.origin_country
    return ListingDraft(
        seller_code=product.seller_code or product.product_code or str(product.pk),
        name=listing.name or product.name,
        category_id=listing.channel_category_id,
        sale_price=listing.sale_price,
        market_price=listing.market_price,
        option_names=tuple(group.name for group in groups),
        options=option_drafts if has_options else [],
        stock=single_stock,
        brand=product.brand.name if product.brand_id else "",
        maker=product.maker,
        model=product.model_name,
        origin=origin,
        tax_type=TAX_TYPES.get(product.tax_type, TaxType.TAXABLE),
        adult_only=product.adult_only,
        keywords=tuple(product.keywords or ()),
        detail_html=product.detail_html,
        main_image=_image(product.main_image),
        extra_images=[img for img in (_image(extra.image) for extra in product.extra_images.all()) if img],
        max_per_order=listing.max_per_order,
        max_per_person=listing.max_per_person,
        sale_start=listing.sale_start,
        sale_end=listing.sale_end,
        shipping=ListingShipping(
            fee_type=ShippingFeeType(listing.shipping_fee_type),
            fee=listing.shipping_fee,
            free_threshold=listing.free_threshold,
            per_quantity=listing.per_quantity,
            jeju_fee=listing.jeju_fee,
            remote_fee=listing.remote_fee,
            return_fee=listing.return_fee,
            exchange_fee=listing.exchange_fee,
            courier=CourierCode(listing.courier),
            lead_days=listing.lead_days,
            outbound_template_id=listing.outbound_address.channel_template_id if listing.outbound_address else "",
            return_template_id=listing.return_address.channel_template_id if listing.return_address else "",
            return_address=_address(listing.return_address),
        ),
        as_phone=listing.as_phone,
        as_info=listing.as_info,
        notice_category=product.notice_category,
        notice_fields={key: product.notice_value(key) for key in (product.notice_values or {})},
        certifications=[{"kind": cert.kind, "number": cert.number} for cert in product.certifications.all()],
        channel_product_id=listing.channel_product_id,
    )


# ---------------------------------------------------------------------------------------------
# Tasks with a live log
# ---------------------------------------------------------------------------------------------


def task_log(task: ListingTask, message: str, level: str = ListingTaskLog.Level.INFO) -> None:
    ListingTaskLog.objects.create(task=task, message=message[:1000], level=level)


def _queue(task: ListingTask, func: str) -> None:
    transaction.on_commit(lambda: async_task(func, task.pk, task_name=f"listing-task-{task.pk}"))


def listing_push(*, listing: Listing, user=None) -> ListingTask:
    """Queue "save and push": a register, or a full update when the channel already has the product."""
    options = list(listing.options.all())
    _raise(listing_errors(listing=listing, options=options, for_push=True))
    kind = ListingTask.Kind.UPDATE if listing.channel_product_id else ListingTask.Kind.REGISTER
    if kind == ListingTask.Kind.UPDATE and not listing.store.adapter_supports(Capability.LISTING_UPDATE):
        raise ValidationError({"store": _("This store's channel does not take product updates through its API.")})
    with transaction.atomic():
        task = ListingTask.objects.create(
            store=listing.store, listing=listing, kind=kind, user=user, total=max(1, len(options))
        )
        Listing.objects.filter(pk=listing.pk).update(push_state=Listing.PushState.PENDING)
        task_log(task, _("Queued; waiting for the worker."))
        _queue(task, TASK_FUNC)
    return task


def listing_task_run(*, task: ListingTask, adapter=None) -> ListingTask:
    """Run a queued register/update/pull task (called by the worker)."""
    ListingTask.objects.filter(pk=task.pk).update(status=ListingTask.Status.RUNNING, started_at=timezone.now())
    task.refresh_from_db()
    own_adapter = adapter is None
    adapter = adapter or adapter_for_store(task.store)
    try:
        if task.kind == ListingTask.Kind.PULL:
            _pull(task=task, adapter=adapter)
        elif task.kind == ListingTask.Kind.CHANGES:
            _push_changes(task=task, adapter=adapter)
        else:
            _push_listing(task=task, adapter=adapter)
    except ChannelError as exc:
        task_log(task, _("Stopped: %(message)s") % {"message": exc}, ListingTaskLog.Level.ERROR)
        _finish(task, ListingTask.Status.FAILED, str(exc))
        if task.listing_id and task.kind in (ListingTask.Kind.REGISTER, ListingTask.Kind.UPDATE):
            Listing.objects.filter(pk=task.listing_id).update(
                push_state=Listing.PushState.FAILED, push_message=str(exc)[:500]
            )
    finally:
        if own_adapter:
            adapter.close()
    task.refresh_from_db()
    return task


def _finish(task: ListingTask, status: str, message: str = "") -> None:
    ListingTask.objects.filter(pk=task.pk).update(
        status=status,
        message=message[:500],
        finished_at=timezone.now(),
        succeeded=task.succeeded,
        failed=task.failed,
        total=task.total,
    )


def _push_listing(*, task: ListingTask, adapter) -> None:
    listing = Listing.objects.select_related("store", "product", "outbound_address", "return_address").get(
        pk=task.listing_id
    )
    task_log(task, _("Building the product data for %(store)s.") % {"store": listing.store})
    draft = listing_draft(listing=listing)
    task_log(
        task,
        _("Sending %(name)s with %(count)s options.") % {"name": draft.name, "count": len(draft.options) or 1},
    )
    if task.kind == ListingTask.Kind.REGISTER:
        result = adapter.create_listing(draft)
    else:
        result = adapter.update_listing(draft)
    _apply_result(task=task, listing=listing, result=result)


@transaction.atomic
def _apply_result(*, task: ListingTask, listing: Listing, result: ListingResult) -> None:
    now = timezone.now()
    if not result.ok:
        message = f"[{result.code}] {result.message}" if result.code else result.message
        task_log(task, _("The channel refused: %(message)s") % {"message": message}, ListingTaskLog.Level.ERROR)
        task.failed = task.total
        Listing.objects.filter(pk=listing.pk).update(
            push_state=Listing.PushState.FAILED, push_message=message[:500], pushed_at=now
        )
        _finish(task, ListingTask.Status.FAILED, message)
        return
    listing.channel_product_id = result.channel_product_id or listing.channel_product_id
    listing.state = result.state.value if result.state != ListingState.UNKNOWN else listing.state
    listing.push_state = Listing.PushState.OK
    listing.push_message = result.message[:500]
    listing.pushed_at = now
    listing.raw = result.raw or listing.raw
    listing.save(
        update_fields=["channel_product_id", "state", "push_state", "push_message", "pushed_at", "raw", "updated_at"]
    )
    task_log(
        task,
        _("Registered as channel product %(id)s (%(state)s).")
        % {"id": listing.channel_product_id, "state": listing.get_state_display()},
        ListingTaskLog.Level.SUCCESS,
    )
    mapped = missing = 0
    for option in listing.options.select_related("sku"):
        if option.sku_id is None:
            continue
        channel_id = result.option_ids.get(option.sku.seller_code, "")
        if channel_id:
            option.channel_option_id = channel_id
            option.channel_seller_code = option.sku.seller_code
            option.channel_price = listing.sale_price + option.extra_price
            option.channel_stock = option.stock if option.on_sale else 0
            option.channel_on_sale = option.on_sale
            option.save()
            mapped += 1
        elif option.on_sale:
            missing += 1
    if mapped:
        task_log(task, _("%(count)s options mapped to the channel's option ids.") % {"count": mapped})
    if missing:
        task_log(
            task,
            _("%(count)s options have no channel id yet (the channel assigns them after approval; pull later).")
            % {"count": missing},
        )
    task.succeeded = task.total
    _finish(task, ListingTask.Status.DONE, result.message)


# ---------------------------------------------------------------------------------------------
# The push queue
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def listing_change_enqueue(*, listing: Listing, option: ListingOption | None, field: str, value: int) -> ListingChange:
    """Queue one change; a pending change of the same option/field takes the new value instead."""
    lookup = Q(listing=listing, field=field, status=ListingChange.Status.PENDING)
    lookup &= Q(option=option) if option is not None else Q(option__isnull=True)
    pending = ListingChange.objects.select_for_update().filter(lookup).first()
    if pending is not None:
        if pending.value != value:
            pending.value = value
            pending.save(update_fields=["value", "updated_at"])
        change = pending
    else:
        old = None
        if option is not None:
            old = {
                ListingChange.Field.PRICE: option.channel_price,
                ListingChange.Field.STOCK: option.channel_stock,
                ListingChange.Field.STATUS: None if option.channel_on_sale is None else int(option.channel_on_sale),
            }[field]
        change = ListingChange.objects.create(
            listing=listing, option=option, store_id=listing.store_id, field=field, value=value, old_value=old
        )
    transaction.on_commit(lambda: changes_schedule(store_id=listing.store_id))
    return change


@transaction.atomic
def listing_changes_enqueue(*, items: Sequence[tuple[ListingOption, str, int]]) -> int:
    """Queue many option changes at once (the stock allocation's pushes): a pending change of the
    same option and field takes the new value, others are created; one schedule per store.
    Each option must come with its listing loaded. Returns how many changes are waiting for them."""
    if not items:
        return 0
    latest: dict[tuple[int, str], tuple[ListingOption, int]] = {}
    for option, field, value in items:
        latest[(option.pk, field)] = (option, value)
    pending = {
        (change.option_id, change.field): change
        for change in ListingChange.objects.select_for_update()
        .filter(option_id__in={key[0] for key in latest}, status=ListingChange.Status.PENDING)
        .order_by()
    }
    updated, created, stores = [], [], set()
    for (option_id, field), (option, value) in latest.items():
        stores.add(option.listing.store_id)
        change = pending.get((option_id, field))
        if change is not None:
            if change.value != value:
                change.value = value
                updated.append(change)
            continue
        old = {
            ListingChange.Field.PRICE: option.channel_price,
            ListingChange.Field.STOCK: option.channel_stock,
            ListingChange.Field.STATUS: None if option.channel_on_sale is None else int(option.channel_on_sale),
        }[field]
        created.append(
            ListingChange(
                listing_id=option.listing_id,
                option=option,
                store_id=option.listing.store_id,
                field=field,
                value=value,
                old_value=old,
            )
        )
    now = timezone.now()
    for change in updated:
        change.updated_at = now
    ListingChange.objects.bulk_update(updated, ["value", "updated_at"], batch_size=200)
    ListingChange.objects.bulk_create(created, batch_size=500)
    for store_id in sorted(stores):
        transaction.on_commit(lambda store_id=store_id: changes_schedule(store_id=store_id))
    return len(latest)


def changes_schedule(*, store_id: int) -> None:
    """Debounce: one pending one-off schedule per store, due a few seconds after the latest change."""
    name = f"channels.listing_changes.store{store_id}"
    due = timezone.now() + timedelta(seconds=CHANGES_DEBOUNCE_SECONDS)
    updated = Schedule.objects.filter(name=name, repeats__gt=0).update(next_run=due)
    if not updated:
        Schedule.objects.filter(name=name).delete()
        Schedule.objects.create(
            name=name, func=CHANGES_FUNC, args=repr((store_id,)), schedule_type=Schedule.ONCE, repeats=1, next_run=due
        )


def listing_changes_push(*, store: Store, user=None, adapter=None) -> ListingTask | None:
    """Send the store's pending changes now, in the channel's batch sizes; None when nothing waits."""
    if not ListingChange.objects.filter(store=store, status=ListingChange.Status.PENDING).exists():
        return None
    task = ListingTask.objects.create(store=store, kind=ListingTask.Kind.CHANGES, user=user)
    return listing_task_run(task=task, adapter=adapter)


def _ref(listing: Listing) -> dict:
    """The keys adapters read to place an option change: the channel product number under the name
    each adapter uses (Naver origin product, 11번가 prdNo) and a neutral one."""
    number = listing.channel_product_id
    return {"product_id": number, "origin_product_no": number, "prdNo": number}


def _push_changes(*, task: ListingTask, adapter) -> None:
    pending = list(
        ListingChange.objects.filter(store=task.store, status=ListingChange.Status.PENDING)
        .select_related("listing__product", "option")
        .order_by("id")
    )
    task.total = len(pending)
    task_log(task, _("%(count)s changes to send.") % {"count": len(pending)})
    by_field = {
        ListingChange.Field.STOCK: Capability.STOCK_PUSH,
        ListingChange.Field.PRICE: Capability.PRICE_PUSH,
        ListingChange.Field.STATUS: Capability.SALE_STATUS_PUSH,
    }
    for field, capability in by_field.items():
        changes = [c for c in pending if c.field == field]
        if not changes:
            continue
        if not adapter.supports(capability):
            _settle(task, changes, None, message=_("This channel does not take this change through its API."))
            continue
        size = adapter.batch_sizes.get(capability, 50) or 50
        sent = _SentResults(task)
        try:
            for start in range(0, len(changes), size):
                batch = changes[start : start + size]
                _send_batch(task=task, adapter=adapter, field=field, batch=batch, sent=sent)
        finally:
            sent.flush()  # what the channel already took is recorded even when a later call stops the task
    status = ListingTask.Status.DONE
    if task.failed and task.succeeded:
        status = ListingTask.Status.PARTIAL
    elif task.failed:
        status = ListingTask.Status.FAILED
    task_log(
        task,
        _("Done: %(ok)s sent, %(failed)s failed.") % {"ok": task.succeeded, "failed": task.failed},
        ListingTaskLog.Level.SUCCESS if not task.failed else ListingTaskLog.Level.ERROR,
    )
    _finish(task, status)


def _target(change: ListingChange) -> str:
    if change.option_id:
        return change.option.channel_option_id
    return change.listing.channel_product_id


# Results are written in groups of about this many changes, not once per call: Coupang takes one
# option per call, and a transaction per call cost ten times the HTTP time (bench/stock_push.py).
# A crash before a group is written leaves its changes pending: sent again, which is harmless for
# the absolute quantities, prices and sale states these changes carry.
SETTLE_EVERY = 500


class _SentResults:
    def __init__(self, task: ListingTask):
        self.task = task
        self.changes: list[ListingChange] = []
        self.results: list = []

    def add(self, changes: list[ListingChange], results) -> None:
        self.changes.extend(changes)
        self.results.extend(results)
        if len(self.changes) >= SETTLE_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.changes:
            _settle(self.task, self.changes, self.results)
        self.changes, self.results = [], []


def _send_batch(*, task: ListingTask, adapter, field: str, batch: list[ListingChange], sent: _SentResults) -> None:
    sendable = [c for c in batch if _target(c)]
    unsendable = [c for c in batch if not _target(c)]
    if unsendable:
        _settle(task, unsendable, None, message=_("Not at the channel yet (no channel id)."))
    if not sendable:
        return
    if field == ListingChange.Field.STOCK:
        results = adapter.push_stock(
            [StockChange(option_id=_target(c), quantity=c.value, ref=_ref(c.listing)) for c in sendable]
        )
    elif field == ListingChange.Field.PRICE:
        results = adapter.push_prices(
            [PriceChange(option_id=_target(c), price=c.value, ref=_ref(c.listing)) for c in sendable]
        )
    else:
        results = adapter.push_sale_status(
            [SaleStatusChange(option_id=_target(c), on_sale=bool(c.value), ref=_ref(c.listing)) for c in sendable]
        )
    sent.add(sendable, results)


CHANNEL_VALUE_FIELD = {
    ListingChange.Field.PRICE: "channel_price",
    ListingChange.Field.STOCK: "channel_stock",
    ListingChange.Field.STATUS: "channel_on_sale",
}


@transaction.atomic
def _settle(task: ListingTask, changes: list[ListingChange], results, *, message: str = "") -> None:
    """Store each change's result in bulk: what the channel now holds on the option, failures logged."""
    options: dict[int, ListingOption] = {}
    logs = []
    for index, change in enumerate(changes):
        result = results[index] if results is not None else None
        change.attempts += 1
        change.task = task
        if result is not None and result.ok:
            change.status = ListingChange.Status.SENT
            change.code, change.message = result.code, result.message[:500]
            task.succeeded += 1
            if change.option_id:
                option = options.setdefault(change.option_id, change.option)
                value = bool(change.value) if change.field == ListingChange.Field.STATUS else change.value
                setattr(option, CHANNEL_VALUE_FIELD[change.field], value)
            continue
        retry = result is not None and result.retryable and change.attempts < CHANGES_MAX_ATTEMPTS
        change.code = result.code if result is not None else "not_sent"
        change.message = (result.message if result is not None else message)[:500]
        if retry:
            change.status = ListingChange.Status.PENDING
        else:
            change.status = ListingChange.Status.FAILED
            task.failed += 1
        text = _("%(what)s of %(target)s: %(message)s") % {
            "what": change.get_field_display(),
            "target": _describe(change),
            "message": change.message,
        }
        logs.append(ListingTaskLog(task=task, message=text[:1000], level=ListingTaskLog.Level.ERROR))
    now = timezone.now()
    for change in changes:
        change.updated_at = now
    ListingChange.objects.bulk_update(changes, ["status", "attempts", "code", "message", "task", "updated_at"])
    ListingOption.objects.bulk_update(list(options.values()), sorted({CHANNEL_VALUE_FIELD[c.field] for c in changes}))
    ListingTaskLog.objects.bulk_create(logs)


def _describe(change: ListingChange) -> str:
    if change.option_id:
        return f"{change.listing} {change.option}".strip()
    return str(change.listing)


# ---------------------------------------------------------------------------------------------
# Pull
# ---------------------------------------------------------------------------------------------


def listings_pull_request(*, store: Store, user=None) -> ListingTask:
    if not store.adapter_supports(Capability.LISTINGS_PULL):
        raise ValidationError(_("This store's channel does not offer its product list through the API."))
    with transaction.atomic():
        task = ListingTask.objects.create(store=store, kind=ListingTask.Kind.PULL, user=user)
        task_log(task, _("Queued; waiting for the worker."))
        _queue(task, TASK_FUNC)
    return task


@dataclass
class PullCounts:
    created: int = 0
    updated: int = 0
    linked: int = 0


def _pull(*, task: ListingTask, adapter) -> None:
    counts = PullCounts()
    for number, page in enumerate(adapter.fetch_listings(), start=1):
        task.total += len(page.items)
        listing_pull_page(store=task.store, items=page.items, counts=counts)
        task.succeeded = task.total
        ListingTask.objects.filter(pk=task.pk).update(total=task.total, succeeded=task.succeeded)
        task_log(task, _("Page %(page)s: %(count)s products.") % {"page": number, "count": len(page.items)})
    message = _("%(created)s new, %(updated)s updated, %(linked)s linked to our products by seller code.") % {
        "created": counts.created,
        "updated": counts.updated,
        "linked": counts.linked,
    }
    task_log(task, message, ListingTaskLog.Level.SUCCESS)
    _finish(task, ListingTask.Status.DONE, message)


@transaction.atomic
def listing_pull_page(*, store: Store, items: list[ChannelListing], counts: PullCounts | None = None) -> PullCounts:
    """Upsert pulled products by channel product id; link unlinked ones to ours by seller code
    (the product's seller code, else the SKU codes of its options)."""
    from modules.catalog.models import SKU, Product

    counts = counts or PullCounts()
    now = timezone.now()
    ids = [item.product_id for item in items]
    existing = {
        listing.channel_product_id: listing
        for listing in Listing.objects.filter(store=store, channel_product_id__in=ids).prefetch_related("options")
    }
    codes = {item.seller_code for item in items if item.seller_code}
    option_codes = {option.seller_code for item in items for option in item.options if option.seller_code}
    products = {
        p.seller_code: p for p in Product.objects.filter(seller_code__in=codes, deleted_at__isnull=True).order_by()
    }
    skus = {
        sku.seller_code: sku
        for sku in SKU.objects.filter(seller_code__in=option_codes | codes).select_related("product").order_by()
    }
    linked_products = set(
        Listing.objects.filter(store=store, product__isnull=False).values_list("product_id", flat=True)
    )
    for item in items:
        listing = existing.get(item.product_id)
        created = listing is None
        if created:
            listing = Listing(store=store, channel_product_id=item.product_id)
        listing.channel_seller_code = item.seller_code
        if created:
            listing.name = item.name[:100]
            listing.sale_price = item.sale_price
            listing.market_price = item.market_price if item.market_price > item.sale_price else 0
            listing.channel_category_id = item.category_id
        listing.state = item.state.value
        listing.channel_status = item.channel_status[:40]
        listing.pulled_at = now
        listing.raw = item.raw
        if listing.product_id is None:
            product = products.get(item.seller_code)
            if product is None:
                matches = {skus[o.seller_code].product for o in item.options if o.seller_code in skus}
                if len(matches) == 1:
                    product = matches.pop()
                elif item.seller_code in skus:
                    product = skus[item.seller_code].product
            if product is not None and product.pk not in linked_products:
                listing.product = product
                linked_products.add(product.pk)
                counts.linked += 1
        listing.save()
        counts.created += created
        counts.updated += not created
        _pull_options(listing=listing, item=item, skus=skus, created=created)
    return counts


def _pull_options(*, listing: Listing, item: ChannelListing, skus: dict, created: bool) -> None:
    current = {o.channel_option_id: o for o in (listing.options.all() if not created else []) if o.channel_option_id}
    by_sku = {o.sku_id: o for o in (listing.options.all() if not created else []) if o.sku_id}
    for index, remote in enumerate(item.options):
        option = current.get(remote.option_id)
        sku = skus.get(remote.seller_code)
        if sku is not None and listing.product_id and sku.product_id != listing.product_id:
            sku = None  # an option code of another product: don't cross-link
        if option is None and sku is not None:
            option = by_sku.get(sku.pk)
        if option is None:
            option = ListingOption(listing=listing, sort_order=index)
        option.channel_option_id = remote.option_id
        option.channel_seller_code = remote.seller_code
        option.option_text = option.option_text or "/".join(remote.values)[:255]
        if option.sku_id is None and sku is not None:
            option.sku = sku
        option.channel_price = remote.price or None
        option.channel_stock = remote.stock
        option.channel_on_sale = remote.on_sale
        if option.pk is None:
            option.extra_price = remote.extra_price
            option.on_sale = remote.on_sale
            option.stock = remote.stock
        option.save()
