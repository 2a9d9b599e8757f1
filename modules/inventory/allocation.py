"""Channel allocation: how much of each SKU's available stock every listing option shows.

The available quantity of a SKU is on hand − reserved over the active warehouses (a set SKU: the
least, over its components, of available ÷ quantity per set). Each store's ``AllocationRule`` turns
it into the option's quantity (all, a cap, a percentage, all but a buffer). A changed quantity goes
into the channels' push queue (``listing_changes_enqueue``: debounced per store, sent in the
channel's batch sizes under its rate limit). At 0 the option's sale is stopped when the rule says so
(a ``SoldOutMark`` remembers it was us) and resumed when stock returns.

Stock changes mark their SKUs (``AllocationDirty``) in their own transaction; ``allocation_schedule``
runs ``allocation_refresh_dirty`` a few seconds later on the worker, for every change of that window
at once. Stores whose stock sync is off are left alone, except by the explicit bulk push from the
preview page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from modules.channels.listing_services import listing_changes_enqueue
from modules.channels.models import Listing, ListingChange, ListingOption, Store

from .models import AllocationDirty, AllocationRule, SkuComponent, SoldOutMark
from .selectors import available_by_sku

SCHEDULE_NAME = "inventory.allocation"
SCHEDULE_FUNC = "modules.inventory.tasks.allocation_refresh_dirty"
DEBOUNCE_SECONDS = 3
# Listing states whose options can be pushed to (a draft or a rejected product is not at the channel).
PUSHABLE_STATES = (
    Listing.State.ON_SALE,
    Listing.State.SOLD_OUT,
    Listing.State.SUSPENDED,
    Listing.State.PENDING_APPROVAL,
    Listing.State.UNKNOWN,
)


def rule_quantity(*, mode: str, value: int, available: int) -> int:
    """The quantity a store shows for ``available`` units under its rule (never below zero)."""
    available = max(0, available)
    if mode == AllocationRule.Mode.CAP:
        return min(available, value)
    if mode == AllocationRule.Mode.PERCENT:
        return available * min(value, 100) // 100
    if mode == AllocationRule.Mode.BUFFER:
        return max(0, available - value)
    return available


@dataclass
class Target:
    """What one listing option would show, next to what it shows now."""

    option: ListingOption
    available: int
    old: int
    new: int
    channel: int | None
    stop: bool = False  # its sale is to be stopped (reached 0)
    resume: bool = False  # its sale, stopped by us at 0, is to resume

    @property
    def changes(self) -> bool:
        return self.new != self.old or self.stop or self.resume or self.channel != self.new


def affected_skus(sku_ids: Iterable[int]) -> set[int]:
    """These SKUs and the set SKUs that contain any of them."""
    sku_ids = set(sku_ids)
    sets = set(SkuComponent.objects.filter(component_id__in=sku_ids).values_list("set_sku_id", flat=True))
    return sku_ids | sets


def _options(*, sku_ids: set[int] | None, store: Store | None, synced_only: bool):
    options = ListingOption.objects.filter(
        sku__isnull=False,
        listing__link_stock=True,
        listing__state__in=PUSHABLE_STATES,
        listing__store__is_linked=True,
    ).select_related("listing__store", "listing__product", "sku", "sold_out_mark")
    if sku_ids is not None:
        options = options.filter(sku_id__in=sku_ids)
    if store is not None:
        options = options.filter(listing__store=store)
    if synced_only:
        options = options.filter(listing__store__stock_sync=True)
    return options.order_by("listing__store_id", "listing_id", "sort_order", "pk")


def allocation_targets(
    *, sku_ids: Iterable[int] | None = None, store: Store | None = None, synced_only: bool = True
) -> list[Target]:
    """Read only: what each linked option would show now (for the preview and for the refresh)."""
    wanted = affected_skus(sku_ids) if sku_ids is not None else None
    options = list(_options(sku_ids=wanted, store=store, synced_only=synced_only))
    if not options:
        return []
    available = available_by_sku({option.sku_id for option in options})
    rules = {
        rule.store_id: rule
        for rule in AllocationRule.objects.filter(store_id__in={option.listing.store_id for option in options})
    }
    targets = []
    for option in options:
        rule = rules.get(option.listing.store_id)
        mode, value = (rule.mode, rule.value) if rule else (AllocationRule.Mode.ALL, 0)
        stop_at_zero = rule.stop_at_zero if rule else True
        units = available.get(option.sku_id, 0)
        quantity = rule_quantity(mode=mode, value=value, available=units)
        marked = _has_mark(option)
        target = Target(option=option, available=units, old=option.stock, new=quantity, channel=option.channel_stock)
        if quantity == 0 and stop_at_zero and option.on_sale and not marked:
            target.stop = True
        elif quantity > 0 and marked:
            target.resume = True
        targets.append(target)
    return targets


def _has_mark(option: ListingOption) -> bool:
    try:
        return option.sold_out_mark is not None
    except SoldOutMark.DoesNotExist:
        return False


@dataclass
class AllocationResult:
    options: int = 0  # options looked at
    queued: int = 0  # stock changes queued
    stopped: int = 0
    resumed: int = 0


@transaction.atomic
def allocation_apply(*, targets: list[Target], force: bool = False) -> AllocationResult:
    """Write the targets' quantities on the options and queue what changed for the channels.

    ``force`` queues every target's quantity even when ours did not change (the bulk push: the
    channel may hold something else)."""
    result = AllocationResult(options=len(targets))
    items: list[tuple[ListingOption, str, int]] = []
    changed_options: dict[int, ListingOption] = {}
    marks_new, marks_gone = [], []
    for target in targets:
        option = target.option
        if target.new != option.stock:
            option.stock = target.new
            changed_options[option.pk] = option
        if target.new != target.old or force or (target.channel is not None and target.channel != target.new):
            items.append((option, ListingChange.Field.STOCK, target.new))
            result.queued += 1
        if target.stop:
            option.on_sale = False
            changed_options[option.pk] = option
            marks_new.append(SoldOutMark(option=option))
            items.append((option, ListingChange.Field.STATUS, 0))
            result.stopped += 1
        elif target.resume:
            option.on_sale = True
            changed_options[option.pk] = option
            marks_gone.append(option.pk)
            items.append((option, ListingChange.Field.STATUS, 1))
            result.resumed += 1
    ListingOption.objects.bulk_update(list(changed_options.values()), ["stock", "on_sale"], batch_size=200)
    SoldOutMark.objects.bulk_create(marks_new, ignore_conflicts=True)
    SoldOutMark.objects.filter(option_id__in=marks_gone).delete()
    listing_changes_enqueue(items=items)
    return result


def allocation_refresh(*, sku_ids: Iterable[int]) -> AllocationResult:
    """Recompute and queue the options of these SKUs in the stores whose stock sync is on."""
    return allocation_apply(targets=allocation_targets(sku_ids=sku_ids, synced_only=True))


def allocation_refresh_dirty(*, limit: int = 5000) -> AllocationResult:
    """Take the SKUs marked since the last run and refresh their options (the worker's task)."""
    total = AllocationResult()
    while True:
        with transaction.atomic():
            sku_ids = list(
                AllocationDirty.objects.select_for_update()
                .order_by("marked_at", "sku_id")
                .values_list("sku_id", flat=True)[:limit]
            )
            if not sku_ids:
                return total
            # The marks are locked until this commits: a stock change meanwhile marks its SKU again
            # after this run (its insert waits for the delete), so nothing is missed.
            AllocationDirty.objects.filter(sku_id__in=sku_ids).delete()
            result = allocation_refresh(sku_ids=sku_ids)
        for name in ("options", "queued", "stopped", "resumed"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        if len(sku_ids) < limit:
            return total


def allocation_schedule() -> None:
    """Run the allocation a few seconds from now, unless a run is already waiting (so a steady
    stream of stock changes still gets pushed every few seconds, never postponed forever)."""
    if Schedule.objects.filter(name=SCHEDULE_NAME, repeats__gt=0).exists():
        return
    Schedule.objects.filter(name=SCHEDULE_NAME).delete()
    Schedule.objects.create(
        name=SCHEDULE_NAME,
        func=SCHEDULE_FUNC,
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=timezone.now() + timedelta(seconds=DEBOUNCE_SECONDS),
    )


def allocation_push_store(*, store: Store) -> AllocationResult:
    """The preview's "push all": every linked option of the store gets its quantity queued now."""
    return allocation_apply(targets=allocation_targets(store=store, synced_only=False), force=True)
