"""Inventory: stock per SKU and warehouse, the append-only movement ledger, the stock each order
line holds, set SKUs, per-store channel allocation rules and reconciliation runs.

Every number in ``StockLevel`` is the sum of the ledger's deltas for its SKU and warehouse; only
``services.stock_apply`` writes either of them, under row locks, in one transaction
(``reconcile`` checks the invariant). ``available`` = on hand − reserved is what can still be sold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StockLevel(models.Model):
    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    sku = models.ForeignKey("catalog.SKU", verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="stock_levels")
    warehouse = models.ForeignKey(
        "shipping.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    expected = models.IntegerField(_("expected inbound"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock")
        ordering = ["sku_id", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="stock_level_sku_warehouse"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_level_reserved_not_negative"),
            models.CheckConstraint(condition=Q(expected__gte=0), name="stock_level_expected_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    EXPECTED = "expected", _("Expected inbound")
    RECEIVE = "receive", _("Expected inbound received")
    OUTBOUND = "outbound", _("Outbound")
    ADJUSTMENT = "adjustment", _("Adjustment")
    RETURN = "return", _("Return restock")
    RESERVE = "reserve", _("Reserved for an order")
    RELEASE = "release", _("Reservation released")
    DIRECT_SALE = "direct_sale", _("Direct sale")


class StockMovement(models.Model):
    """One change of one stock level: append-only (never updated or deleted)."""

    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    sku = models.ForeignKey("catalog.SKU", verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(
        "shipping.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(_("on hand ±"), default=0)
    reserved_delta = models.IntegerField(_("reserved ±"), default=0)
    expected_delta = models.IntegerField(_("expected ±"), default=0)
    # The level right after this movement, so the ledger reads like a bank statement.
    on_hand_after = models.IntegerField(_("on hand after"), default=0)
    reserved_after = models.IntegerField(_("reserved after"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock ledger")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["sku", "warehouse", "id"], name="stock_move_level_idx"),
            models.Index(fields=["kind", "-id"], name="stock_move_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_hand_delta:+d}/{self.reserved_delta:+d}"


class LineStock(models.Model):
    """What one order line holds of one SKU (each component of a set SKU has its own row).

    The state follows the line (``services.lines_stock_follow``): held while it waits to ship,
    out once it left the warehouse, released by a cancel before that, returned by a completed
    return; short when there was not enough to reserve (tried again when stock comes in).
    """

    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        HELD = "held", _("Reserved")
        SHORT = "short", _("Out of stock")
        OUT = "out", _("Shipped out")
        RELEASED = "released", _("Released")
        RETURNED = "returned", _("Returned to stock")
        EXCHANGED = "exchanged", _("Exchanged (replacement shipped)")

    line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="stock_rows")
    sku = models.ForeignKey("catalog.SKU", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "shipping.Warehouse",
        verbose_name=_("warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order line stock")
        verbose_name_plural = _("order line stock")
        constraints = [models.UniqueConstraint(fields=["line", "sku"], name="line_stock_line_sku")]
        indexes = [models.Index(fields=["sku", "state"], name="line_stock_sku_state_idx")]

    def __str__(self) -> str:
        return f"{self.line_id}:{self.sku_id} {self.quantity} {self.state}"


class SkuComponent(models.Model):
    """A set SKU (세트상품) is made of components; it has no stock of its own."""

    set_sku = models.ForeignKey(
        "catalog.SKU", verbose_name=_("set SKU"), on_delete=models.CASCADE, related_name="components"
    )
    component = models.ForeignKey(
        "catalog.SKU", verbose_name=_("component SKU"), on_delete=models.PROTECT, related_name="used_in_sets"
    )
    quantity = models.PositiveIntegerField(_("quantity per set"), default=1)

    class Meta:
        verbose_name = _("set component")
        verbose_name_plural = _("set components")
        ordering = ["set_sku_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["set_sku", "component"], name="sku_component_unique"),
            models.CheckConstraint(condition=~Q(set_sku=F("component")), name="sku_component_not_itself"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="sku_component_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.set_sku_id} ⊃ {self.quantity} × {self.component_id}"


class StockThreshold(models.Model):
    """Low-stock threshold of one SKU (available over all warehouses at or under it is low)."""

    sku = models.OneToOneField(
        "catalog.SKU", verbose_name=_("SKU"), on_delete=models.CASCADE, primary_key=True, related_name="stock_threshold"
    )
    quantity = models.PositiveIntegerField(_("low-stock threshold"), default=0)

    class Meta:
        verbose_name = _("low-stock threshold")
        verbose_name_plural = _("low-stock thresholds")

    def __str__(self) -> str:
        return f"{self.sku_id} ≤ {self.quantity}"


class AllocationRule(models.Model):
    """How much of the available stock one store shows (채널별 배분 재고)."""

    class Mode(models.TextChoices):
        ALL = "all", _("All available")
        CAP = "cap", _("At most a fixed quantity")
        PERCENT = "percent", _("A percentage of available")
        BUFFER = "buffer", _("All but a safety buffer")

    store = models.OneToOneField(
        "channels.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="allocation_rule"
    )
    mode = models.CharField(_("rule"), max_length=10, choices=Mode.choices, default=Mode.ALL)
    value = models.PositiveIntegerField(
        _("value"),
        default=0,
        help_text=_("The cap or the safety buffer in units, or the percentage (1–100)."),
    )
    stop_at_zero = models.BooleanField(
        _("stop sale at zero"),
        default=True,
        help_text=_("Stop the option's sale at the channel when its quantity reaches 0; resume it when stock returns."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("allocation rule")
        verbose_name_plural = _("allocation rules")
        ordering = ["store_id"]

    def __str__(self) -> str:
        return f"{self.store}: {self.get_mode_display()}"


class SoldOutMark(models.Model):
    """The listing option's sale was stopped here because its allocation reached 0: resume it (and only
    it — a sale the seller stopped by hand stays stopped) when stock returns."""

    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    option = models.OneToOneField(
        "channels.ListingOption", on_delete=models.CASCADE, primary_key=True, related_name="sold_out_mark"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sold-out mark")
        verbose_name_plural = _("sold-out marks")

    def __str__(self) -> str:
        return str(self.option_id)


class AllocationDirty(models.Model):
    """A SKU whose availability changed since the allocation last ran (written with the change)."""

    # High-volume rows nobody edits: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    sku = models.OneToOneField("catalog.SKU", on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("SKU to allocate")
        verbose_name_plural = _("SKUs to allocate")

    def __str__(self) -> str:
        return str(self.sku_id)


class ReconcileRun(models.Model):
    """One recomputation of stock from the ledger, and the channel comparison, with what differed."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduled")
        COMMAND = "command", _("Command")
        MANUAL = "manual", _("By hand")

    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    levels_checked = models.PositiveIntegerField(_("levels checked"), default=0)
    drift_count = models.PositiveIntegerField(_("levels with drift"), default=0)
    fixed = models.BooleanField(_("levels corrected"), default=False)
    options_checked = models.PositiveIntegerField(_("channel options compared"), default=0)
    channel_mismatches = models.PositiveIntegerField(_("differ at the channel"), default=0)
    # [{"sku": code, "warehouse": name, "field": ..., "level": n, "ledger": n}, ...] (first 500)
    drift = models.JSONField(default=list, blank=True)
    # [{"store": ..., "listing": ..., "option": ..., "ours": n, "channel": n}, ...] (first 500)
    mismatches = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("stock reconciliation")
        verbose_name_plural = _("stock reconciliations")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"
