"""Reconciliation: recompute every stock level from the ledger and report any drift, check that what
is reserved is what order lines hold, and compare each listing option's quantity with the channel's.

The ledger is the truth: with ``fix`` a drifted level is set back to the ledger's sums (the level
was written outside ``services.stock_apply``, e.g. by hand in the database). Reserved stock that
no order line holds is reported, never fixed silently: a person looks. The channel comparison uses
what the channel last reported for each option (``ListingOption.channel_stock``: set by every
successful push, and by a listings pull where the channel offers one — ``pull`` pulls first).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from modules.channels.models import ListingOption, Store

from .models import LineStock, ReconcileRun, StockLevel, StockMovement

REPORT_LIMIT = 500


def _ledger_sums() -> dict[tuple[int, int], tuple[int, int, int]]:
    return {
        (row["sku_id"], row["warehouse_id"]): (row["on_hand"] or 0, row["reserved"] or 0, row["expected"] or 0)
        for row in StockMovement.objects.order_by()
        .values("sku_id", "warehouse_id")
        .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), expected=Sum("expected_delta"))
    }


def _held_sums() -> dict[tuple[int, int], int]:
    return {
        (row["sku_id"], row["warehouse_id"]): row["total"] or 0
        for row in LineStock.objects.filter(state=LineStock.State.HELD)
        .order_by()
        .values("sku_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
    }


def _pull_listings(stores) -> list[str]:
    """Pull each store's product list now (the channel's own quantities); errors are reported."""
    from modules.channels.listing_services import listing_task_run, listings_pull_request

    problems = []
    for store in stores:
        try:
            task = listings_pull_request(store=store)
            task = listing_task_run(task=task)
            if task.status == task.Status.FAILED:
                problems.append(f"{store.name}: {task.message}")
        except Exception as exc:  # one store's failure must not stop the others' comparison
            problems.append(f"{store.name}: {exc}")
    return problems


def stock_reconcile(
    *, trigger: str = ReconcileRun.Trigger.MANUAL, fix: bool = False, pull: bool = False
) -> ReconcileRun:
    run = ReconcileRun.objects.create(trigger=trigger)
    names = {}
    with transaction.atomic():
        levels = list(
            StockLevel.objects.select_for_update().select_related("sku", "warehouse").order_by("pk")
            if fix
            else StockLevel.objects.select_related("sku", "warehouse").order_by("pk")
        )
        ledger = _ledger_sums()
        held = _held_sums()
        drift, corrected = [], []
        for level in levels:
            key = (level.sku_id, level.warehouse_id)
            names[key] = (level.sku.seller_code, level.warehouse.name)
            sums = ledger.get(key, (0, 0, 0))
            for field, value, expected in zip(
                ("on_hand", "reserved", "expected"),
                (level.on_hand, level.reserved, level.expected),
                sums,
                strict=True,
            ):
                if value != expected:
                    drift.append(
                        {
                            "sku": names[key][0],
                            "warehouse": names[key][1],
                            "field": field,
                            "level": value,
                            "ledger": expected,
                        }
                    )
            if fix and (level.on_hand, level.reserved, level.expected) != sums:
                level.on_hand, level.reserved, level.expected = sums
                corrected.append(level)
            if sums[1] != held.get(key, 0):
                drift.append(
                    {
                        "sku": names[key][0],
                        "warehouse": names[key][1],
                        "field": "held_by_orders",
                        "level": sums[1],
                        "ledger": held.get(key, 0),
                    }
                )
        missing = set(ledger) - {(level.sku_id, level.warehouse_id) for level in levels}
        for sku_id, warehouse_id in sorted(missing):
            drift.append(
                {
                    "sku": sku_id,
                    "warehouse": warehouse_id,
                    "field": "missing_level",
                    "level": None,
                    "ledger": ledger[(sku_id, warehouse_id)][0],
                }
            )
        if corrected:
            now = timezone.now()
            for level in corrected:
                level.updated_at = now
            StockLevel.objects.bulk_update(corrected, ["on_hand", "reserved", "expected", "updated_at"], batch_size=100)

    stores = list(Store.objects.filter(stock_sync=True, is_linked=True).order_by("pk"))
    problems = _pull_listings(stores) if pull else []
    options = (
        ListingOption.objects.filter(listing__store__in=stores, listing__link_stock=True, sku__isnull=False)
        .exclude(listing__channel_product_id="")
        .select_related("listing__store", "listing__product", "sku")
        .order_by("listing__store_id", "listing_id", "pk")
    )
    mismatches, checked = [], 0
    for option in options.iterator(chunk_size=2000):
        checked += 1
        if option.channel_stock is not None and option.channel_stock != option.stock:
            mismatches.append(
                {
                    "store": option.listing.store.name,
                    "listing": option.listing.display_name[:80],
                    "option": option.option_text or option.channel_option_id,
                    "sku": option.sku.seller_code,
                    "ours": option.stock,
                    "channel": option.channel_stock,
                }
            )
    run.levels_checked = len(levels)
    run.drift_count = len({(d["sku"], d["warehouse"]) for d in drift})
    run.fixed = bool(corrected)
    run.drift = drift[:REPORT_LIMIT]
    run.options_checked = checked
    run.channel_mismatches = len(mismatches)
    run.mismatches = mismatches[:REPORT_LIMIT] + [{"pull_error": text} for text in problems]
    run.finished_at = timezone.now()
    run.save()
    return run
