from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrations.channels.base import Capability, CourierCode, ListingState, Marketplace, ShippingFeeType
from modules.core.crypto import EncryptedJSONField, EncryptedTextField

MARKETPLACE_LABELS = {
    Marketplace.COUPANG: _("Coupang"),
    Marketplace.NAVER: _("Naver SmartStore"),
    Marketplace.ELEVENST: _("11st"),
    Marketplace.WEMAKEPRICE: _("WeMakePrice (Excel only)"),
}

# The capability a sync kind needs from the store's adapter.
SYNC_KIND_CAPABILITY = {
    "orders": Capability.ORDERS,
    "claims": Capability.CLAIMS,
    "inquiries": Capability.INQUIRIES,
    "settlements": Capability.SETTLEMENTS,
    "templates": Capability.TEMPLATES_PULL,
}


class SyncKind(models.TextChoices):
    ORDERS = "orders", _("Orders")
    CLAIMS = "claims", _("Claims")
    INQUIRIES = "inquiries", _("Inquiries")
    SETTLEMENTS = "settlements", _("Settlements")
    TEMPLATES = "templates", _("Templates")


class Store(models.Model):
    """One seller account on one marketplace (판매채널 계정). A seller may run several per marketplace."""

    class AutoAcknowledge(models.TextChoices):
        MANUAL = "manual", _("Manual")
        AUTO = "auto", _("Automatic")

    class SettlementCycle(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    class AuthStatus(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked")
        OK = "ok", _("Connected")
        FAILED = "failed", _("Authentication failed")
        ERROR = "error", _("Could not check")

    marketplace = models.CharField(
        _("marketplace"), max_length=20, choices=[(m.value, label) for m, label in MARKETPLACE_LABELS.items()]
    )
    name = models.CharField(_("store name"), max_length=100)
    seller_id = models.CharField(_("seller ID"), max_length=100)
    credentials = EncryptedJSONField(_("API credentials"), blank=True, default=dict, editable=False)
    api_base_url = models.URLField(
        _("API base URL"),
        blank=True,
        help_text=_("Empty: the marketplace's own API host. Point it at the sandbox or a proxy if needed."),
    )
    representative_category = models.CharField(_("representative category"), max_length=100, blank=True)
    settlement_cycle = models.CharField(
        _("settlement cycle"), max_length=10, choices=SettlementCycle.choices, blank=True
    )
    memo = models.TextField(_("memo"), blank=True)

    contact_name = EncryptedTextField(_("contact name"), blank=True)
    contact_title = EncryptedTextField(_("title / department"), blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    contact_mobile = EncryptedTextField(_("contact mobile"), blank=True)

    is_linked = models.BooleanField(_("linked"), default=True, help_text=_("Off: no sync at all."))
    auto_acknowledge = models.CharField(
        _("order acknowledgement"), max_length=10, choices=AutoAcknowledge.choices, default=AutoAcknowledge.MANUAL
    )
    product_api = models.BooleanField(_("product API"), default=True)
    order_api = models.BooleanField(_("order API"), default=True)
    cs_api = models.BooleanField(_("CS API"), default=True)
    stock_sync = models.BooleanField(_("push stock"), default=False)
    price_sync = models.BooleanField(_("push prices"), default=False)
    status_sync = models.BooleanField(_("push sale status"), default=False)
    auto_extend_sale_period = models.BooleanField(
        _("extend sale period automatically"),
        default=False,
        help_text=_("At night, extend listings with less than 7 days of sale period left."),
    )

    order_sync_minutes = models.PositiveSmallIntegerField(
        _("collect orders every (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    claim_sync_minutes = models.PositiveSmallIntegerField(
        _("collect claims every (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    inquiry_sync_minutes = models.PositiveSmallIntegerField(
        _("collect inquiries every (minutes)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    settlement_sync_minutes = models.PositiveSmallIntegerField(
        _("collect settlements every (minutes)"),
        default=720,
        validators=[MinValueValidator(60), MaxValueValidator(10080)],
    )
    template_sync_minutes = models.PositiveSmallIntegerField(
        _("pull templates every (minutes)"), default=1440, validators=[MinValueValidator(60), MaxValueValidator(10080)]
    )

    auth_status = models.CharField(
        _("connection"), max_length=10, choices=AuthStatus.choices, default=AuthStatus.UNKNOWN, editable=False
    )
    auth_message = models.CharField(_("marketplace's answer"), max_length=500, blank=True, editable=False)
    auth_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    # Bumped whenever credentials change; a sync stopped by "authentication failed" resumes then.
    credentials_version = models.PositiveIntegerField(default=0, editable=False)
    auth_failed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["marketplace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["marketplace", "seller_id", "name"], name="store_unique_account"),
        ]

    def __str__(self) -> str:
        return f"{self.get_marketplace_display()} · {self.name}"

    def sync_interval_minutes(self, kind: str) -> int:
        return {
            SyncKind.ORDERS: self.order_sync_minutes,
            SyncKind.CLAIMS: self.claim_sync_minutes,
            SyncKind.INQUIRIES: self.inquiry_sync_minutes,
            SyncKind.SETTLEMENTS: self.settlement_sync_minutes,
            SyncKind.TEMPLATES: self.template_sync_minutes,
        }[kind]

    def kind_enabled(self, kind: str) -> bool:
        if not self.is_linked:
            return False
        if not self.adapter_supports(SYNC_KIND_CAPABILITY[kind]):
            return False
        return {
            SyncKind.ORDERS: self.order_api,
            SyncKind.CLAIMS: self.order_api,
            SyncKind.INQUIRIES: self.cs_api,
            SyncKind.SETTLEMENTS: self.order_api,
            SyncKind.TEMPLATES: self.product_api,
        }[kind]

    def adapter_supports(self, capability: Capability) -> bool:
        from integrations.channels.registry import adapter_class

        return capability in adapter_class(self.marketplace).capabilities

    @property
    def auth_blocked(self) -> bool:
        """Authentication failed with the current credentials: no retries until they change."""
        return self.auth_failed_version is not None and self.auth_failed_version == self.credentials_version


class SyncState(models.Model):
    """Per store and kind: the committed cursor, the run lease, and freshness."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sync_states")
    kind = models.CharField(_("kind"), max_length=20, choices=SyncKind.choices)
    cursor_at = models.DateTimeField(_("collected up to"), null=True, blank=True)
    # The lease makes "one run per store and kind" hold across processes and hosts: it is taken
    # with a conditional UPDATE, which the database serialises.
    lease_token = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync state")
        verbose_name_plural = _("sync states")
        constraints = [models.UniqueConstraint(fields=["store", "kind"], name="syncstate_store_kind")]

    def __str__(self) -> str:
        return f"{self.store} {self.get_kind_display()}"


class SyncRun(models.Model):
    """One collection run: the sync log (판매채널 연동 로그)."""

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Finished with errors")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Collect now")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(_("kind"), max_length=20, choices=SyncKind.choices)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    window_start = models.DateTimeField(_("window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("window to"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    fetched = models.PositiveIntegerField(_("fetched"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["store", "kind", "-started_at"], name="syncrun_store_kind_time")]

    def __str__(self) -> str:
        return f"{self.store} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class SyncRunError(models.Model):
    """One error of a run, with the channel's own code, message and request id."""

    wagtail_reference_index_ignore = True

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="errors")
    item_key = models.CharField(_("item"), max_length=200, blank=True)
    code = models.CharField(_("code"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=1000)
    request_id = models.CharField(_("request id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync error")
        verbose_name_plural = _("sync errors")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


# ---------------------------------------------------------------------------------------------
# Listings (채널상품): a product's sale on one store, with its options mapped to the channel's.
# ---------------------------------------------------------------------------------------------


class Listing(models.Model):
    """One product on one store: the per-channel sale info and the channel's product id."""

    class State(models.TextChoices):
        DRAFT = ListingState.DRAFT.value, _("Not sent")
        PENDING_APPROVAL = ListingState.PENDING_APPROVAL.value, _("Waiting for approval")
        ON_SALE = ListingState.ON_SALE.value, _("On sale")
        SUSPENDED = ListingState.SUSPENDED.value, _("Sale suspended")
        SOLD_OUT = ListingState.SOLD_OUT.value, _("Sold out")
        REJECTED = ListingState.REJECTED.value, _("Rejected by the channel")
        ENDED = ListingState.ENDED.value, _("Sale ended")
        UNKNOWN = ListingState.UNKNOWN.value, _("Unknown")

    class FeeType(models.TextChoices):
        FREE = ShippingFeeType.FREE.value, _("Free shipping")
        FIXED = ShippingFeeType.FIXED.value, _("Fixed fee")
        CONDITIONAL = ShippingFeeType.CONDITIONAL.value, _("Free over an amount")
        PER_QUANTITY = ShippingFeeType.PER_QUANTITY.value, _("Fee per quantity")

    class PushState(models.TextChoices):
        NEVER = "never", _("Never sent")
        PENDING = "pending", _("Sending")
        OK = "ok", _("Sent")
        FAILED = "failed", _("Failed")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="listings")
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        help_text=_("Empty for a product pulled from the channel and not linked yet."),
    )
    channel_product_id = models.CharField(_("channel product number"), max_length=50, blank=True)
    channel_seller_code = models.CharField(
        _("seller code at the channel"), max_length=100, blank=True, help_text=_("Used to match the product.")
    )
    name = models.CharField(
        _("product name for this channel"), max_length=100, blank=True, help_text=_("Empty: the product's name.")
    )
    channel_category_id = models.CharField(_("channel category"), max_length=40, blank=True)
    sale_price = models.PositiveIntegerField(_("sale price"), default=0)
    market_price = models.PositiveIntegerField(
        _("market price"), default=0, help_text=_("정가; 0 for none. Must be higher than the sale price.")
    )
    max_per_order = models.PositiveIntegerField(_("most per order"), default=0, help_text=_("0: no limit."))
    max_per_person = models.PositiveIntegerField(_("most per buyer"), default=0, help_text=_("0: no limit."))
    sale_start = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_end = models.DateTimeField(_("sale ends"), null=True, blank=True)

    shipping_fee_type = models.CharField(
        _("shipping fee type"), max_length=16, choices=FeeType.choices, default=FeeType.FREE
    )
    shipping_fee = models.PositiveIntegerField(_("shipping fee"), default=0)
    free_threshold = models.PositiveIntegerField(_("free from (won)"), default=0)
    per_quantity = models.PositiveIntegerField(_("one fee per how many items"), default=0)
    jeju_fee = models.PositiveIntegerField(_("Jeju surcharge"), default=0)
    remote_fee = models.PositiveIntegerField(_("remote-area surcharge"), default=0)
    return_fee = models.PositiveIntegerField(_("return shipping fee (one way)"), default=0)
    exchange_fee = models.PositiveIntegerField(_("exchange shipping fee (round trip)"), default=0)
    courier = models.CharField(
        _("courier"), max_length=16, choices=[(c.value, c.value) for c in CourierCode], default=CourierCode.CJ.value
    )
    lead_days = models.PositiveSmallIntegerField(
        _("days to dispatch"), default=2, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    outbound_address = models.ForeignKey(
        "snippets.AddressTemplate",
        verbose_name=_("outbound address"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_address = models.ForeignKey(
        "snippets.AddressTemplate",
        verbose_name=_("return address"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    as_phone = models.CharField(_("A/S phone"), max_length=20, blank=True)
    as_info = models.CharField(_("A/S information"), max_length=500, blank=True)
    link_stock = models.BooleanField(
        _("push stock"),
        default=True,
        help_text=_("Off: stock changes of the linked SKUs are not sent to this listing."),
    )

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    channel_status = models.CharField(_("status at the channel"), max_length=40, blank=True)
    push_state = models.CharField(
        _("last push"), max_length=10, choices=PushState.choices, default=PushState.NEVER, editable=False
    )
    push_message = models.CharField(_("channel's answer"), max_length=500, blank=True, editable=False)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True, editable=False)
    pulled_at = models.DateTimeField(_("pulled at"), null=True, blank=True, editable=False)
    raw = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel product")
        verbose_name_plural = _("channel products")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "channel_product_id"],
                condition=~models.Q(channel_product_id=""),
                name="listing_unique_channel_product",
            ),
            models.UniqueConstraint(
                fields=["store", "product"], condition=models.Q(product__isnull=False), name="listing_unique_product"
            ),
        ]
        indexes = [models.Index(fields=["store", "state"], name="listing_store_state_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.product_id and self.product:
            return self.product.name
        return self.channel_product_id or str(self.pk)


class ListingOption(models.Model):
    """One option of a listing and the SKU it sells; the channel's option id once known."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="options")
    sku = models.ForeignKey(
        "catalog.SKU", verbose_name=_("SKU"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel_option_id = models.CharField(_("channel option id"), max_length=50, blank=True)
    channel_seller_code = models.CharField(_("seller code at the channel"), max_length=100, blank=True)
    option_text = models.CharField(_("option"), max_length=255, blank=True)
    extra_price = models.IntegerField(_("extra price"), default=0)
    on_sale = models.BooleanField(_("on sale"), default=True)
    # The quantity offered on this listing. Set by hand until the inventory allocation fills it in.
    stock = models.PositiveIntegerField(_("quantity to sell"), default=0)
    # What the channel holds as far as we know (after the last successful push or pull).
    channel_price = models.IntegerField(_("price at the channel"), null=True, blank=True)
    channel_stock = models.IntegerField(_("stock at the channel"), null=True, blank=True)
    channel_on_sale = models.BooleanField(_("on sale at the channel"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("channel product option")
        verbose_name_plural = _("channel product options")
        ordering = ["listing_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "sku"], condition=models.Q(sku__isnull=False), name="listing_option_unique_sku"
            ),
            models.UniqueConstraint(
                fields=["listing", "channel_option_id"],
                condition=~models.Q(channel_option_id=""),
                name="listing_option_unique_channel_id",
            ),
        ]
        indexes = [models.Index(fields=["sku"], name="listing_option_sku_idx")]

    def __str__(self) -> str:
        return self.option_text or self.channel_option_id or str(self.pk)


class ListingTask(models.Model):
    """One push or pull run for listings (save-and-push, batch push, pull), with its live log."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("Register")
        UPDATE = "update", _("Full update")
        CHANGES = "changes", _("Price/stock/status changes")
        PULL = "pull", _("Pull listings")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        PARTIAL = "partial", _("Partly failed")
        FAILED = "failed", _("Failed")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="listing_tasks")
    listing = models.ForeignKey(
        Listing,
        verbose_name=_("channel product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("items"), default=0)
    succeeded = models.PositiveIntegerField(_("succeeded"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel product task")
        verbose_name_plural = _("channel product tasks")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.PARTIAL, self.Status.FAILED)


class ListingTaskLog(models.Model):
    """One line of a task's live log."""

    class Level(models.TextChoices):
        INFO = "info", _("Info")
        SUCCESS = "success", _("Success")
        ERROR = "error", _("Error")

    task = models.ForeignKey(ListingTask, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    message = models.CharField(max_length=1000)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.message


class ListingChange(models.Model):
    """The push queue: a price, stock or sale-status change waiting to go to the channel.

    Changes are coalesced: a newer change of the same option and field replaces the pending one, so a
    burst of stock moves costs one call (the debounce), and a batch sends them in the channel's sizes.
    """

    class Field(models.TextChoices):
        PRICE = "price", _("Price")
        STOCK = "stock", _("Stock")
        STATUS = "status", _("Sale status")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="changes")
    # Empty for a product-level change (11번가 prices and sale status per product; Naver's sale price).
    option = models.ForeignKey(ListingOption, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(_("what"), max_length=10, choices=Field.choices)
    value = models.IntegerField(_("new value"))  # won, units, or 1/0 for on sale
    old_value = models.IntegerField(_("old value"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    code = models.CharField(_("channel code"), max_length=50, blank=True)
    message = models.CharField(_("channel's answer"), max_length=500, blank=True)
    task = models.ForeignKey(ListingTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("listing change")
        verbose_name_plural = _("push queue")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "field"],
                condition=models.Q(status="pending", option__isnull=False),
                name="listing_change_one_pending",
            ),
            models.UniqueConstraint(
                fields=["listing", "field"],
                condition=models.Q(status="pending", option__isnull=True),
                name="listing_change_one_pending_product",
            ),
        ]
        indexes = [models.Index(fields=["store", "status", "id"], name="listing_change_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.old_value} → {self.value}"
