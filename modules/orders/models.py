"""Orders collected from the channels.

The Channels issue writes here through ``services.orders_collect`` (upsert by store + channel id);
the Orders issue adds the status machine, events, bundling and the order desk on these tables.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrations.channels.base import ClaimState, ClaimType, CourierCode, LineState

from .status import OrderState

LINE_STATE_LABELS = {
    LineState.PENDING_PAYMENT: _("Awaiting payment"),
    LineState.PAID: _("New (paid)"),
    LineState.ACKNOWLEDGED: _("Acknowledged"),
    LineState.SHIPPED: _("Invoice sent"),
    LineState.IN_TRANSIT: _("In transit"),
    LineState.DELIVERED: _("Delivered"),
    LineState.PURCHASE_CONFIRMED: _("Purchase confirmed"),
    LineState.CANCELLED: _("Cancelled"),
    LineState.RETURNED: _("Returned"),
    LineState.EXCHANGED: _("Exchanged"),
    LineState.UNKNOWN: _("Unknown"),
}
CLAIM_TYPE_LABELS = {ClaimType.CANCEL: _("Cancel"), ClaimType.RETURN: _("Return"), ClaimType.EXCHANGE: _("Exchange")}
CLAIM_STATE_LABELS = {
    ClaimState.REQUESTED: _("Requested"),
    ClaimState.IN_PROGRESS: _("In progress"),
    ClaimState.COMPLETED: _("Completed"),
    ClaimState.REJECTED_BY_SELLER: _("Rejected"),
    ClaimState.WITHDRAWN_BY_BUYER: _("Withdrawn"),
    ClaimState.UNKNOWN: _("Unknown"),
}


class Order(models.Model):
    wagtail_reference_index_ignore = True

    store = models.ForeignKey("channels.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    channel_order_id = models.CharField(_("channel order number"), max_length=100)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=100, blank=True)
    buyer_phone = models.CharField(_("buyer phone"), max_length=30, blank=True)
    buyer_email = models.CharField(_("buyer e-mail"), max_length=200, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=100, blank=True)
    receiver_phone1 = models.CharField(_("receiver phone"), max_length=30, blank=True)
    receiver_phone2 = models.CharField(_("receiver phone 2"), max_length=30, blank=True)
    zip_code = models.CharField(_("postcode"), max_length=10, blank=True)
    address1 = models.CharField(_("address"), max_length=300, blank=True)
    address2 = models.CharField(_("address detail"), max_length=300, blank=True)
    delivery_message = models.CharField(_("delivery message"), max_length=500, blank=True)
    shipping_fee = models.IntegerField(_("shipping fee"), default=0)
    total_amount = models.BigIntegerField(_("total amount"), default=0)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    # Digest of what the channel sent; an unchanged order is skipped without a write.
    content_hash = models.CharField(max_length=40, blank=True)
    collected_at = models.DateTimeField(_("collected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Ours, not the channel's: the least advanced live line (status.order_summary_state).
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.NEW)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    # A receiver edited here is kept when the channel sends the order again (the edit wins).
    receiver_edited_at = models.DateTimeField(_("receiver edited at"), null=True, blank=True)
    # Personal data masked by the retention task (names, phones, address details replaced).
    pii_masked_at = models.DateTimeField(_("personal data masked at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "channel_order_id"], name="order_store_channel_id")]
        indexes = [
            models.Index(fields=["store", "-ordered_at"], name="order_store_time"),
            models.Index(fields=["state", "-ordered_at"], name="order_state_time"),
            models.Index(fields=["-ordered_at", "-id"], name="order_time_id"),
            models.Index(fields=["receiver_phone1"], name="order_receiver_phone"),
            models.Index(fields=["receiver_name"], name="order_receiver_name"),
        ]

    def __str__(self) -> str:
        return self.channel_order_id


class Bundle(models.Model):
    """합포장: order lines going to one receiver at one address in one parcel (a shipment candidate).

    Lines are grouped automatically by ``key`` (receiver name, phone and address, normalised, within
    one store or one marketplace by company setting); a person may merge and split by hand
    (``manual``), after which automatic grouping leaves the bundle alone."""

    wagtail_reference_index_ignore = True

    key = models.CharField(_("grouping key"), max_length=64, db_index=True)
    store = models.ForeignKey(
        "channels.Store", verbose_name=_("store"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marketplace = models.CharField(_("marketplace"), max_length=20, blank=True)
    manual = models.BooleanField(_("arranged by hand"), default=False)
    visit_pickup = models.BooleanField(_("visit pickup"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"B{self.pk}"


class OrderLine(models.Model):
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    store = models.ForeignKey("channels.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    channel_line_id = models.CharField(_("channel line id"), max_length=120)
    shipment_id = models.CharField(_("channel shipment id"), max_length=120, blank=True, db_index=True)
    channel_product_id = models.CharField(_("channel product id"), max_length=100, blank=True)
    channel_option_id = models.CharField(_("channel option id"), max_length=100, blank=True)
    seller_code = models.CharField(_("seller code"), max_length=100, blank=True, db_index=True)
    product_name = models.CharField(_("product"), max_length=300, blank=True)
    option_name = models.CharField(_("option"), max_length=300, blank=True)
    quantity = models.IntegerField(_("quantity"), default=0)
    unit_price = models.IntegerField(_("unit price"), default=0)
    discount = models.IntegerField(_("discount"), default=0)
    line_amount = models.BigIntegerField(_("amount"), default=0)
    shipping_fee = models.IntegerField(_("shipping fee"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=[(s.value, label) for s, label in LINE_STATE_LABELS.items()]
    )
    channel_status = models.CharField(_("channel status"), max_length=60, blank=True)
    claim_type = models.CharField(
        _("claim"), max_length=10, blank=True, choices=[(c.value, label) for c, label in CLAIM_TYPE_LABELS.items()]
    )
    claim_state = models.CharField(
        _("claim state"),
        max_length=20,
        blank=True,
        choices=[(c.value, label) for c, label in CLAIM_STATE_LABELS.items()],
    )
    channel_claim_id = models.CharField(_("channel claim id"), max_length=100, blank=True)
    courier = models.CharField(
        _("courier"), max_length=20, blank=True, choices=[(c.value, c.value) for c in CourierCode]
    )
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    expected_ship_date = models.DateField(_("expected ship date"), null=True, blank=True)
    ref = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    needs_attention = models.BooleanField(_("needs attention"), default=False, db_index=True)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("collected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Ours (status.py): moved by our actions and, forward only, by the channel's state in sync.
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.NEW)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    sku = models.ForeignKey(
        "catalog.SKU", verbose_name=_("SKU"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    match_source = models.CharField(
        _("matched by"),
        max_length=12,
        blank=True,
        choices=[("listing", _("Listing option")), ("seller_code", _("Seller code")), ("manual", _("By hand"))],
    )
    delay_reason = models.CharField(_("delay reason"), max_length=200, blank=True)
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("bundle"), null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    # The channel's answer to our last push for this line (acknowledge, invoice, cancel …).
    push_code = models.CharField(_("channel code"), max_length=60, blank=True)
    push_message = models.CharField(_("channel's answer"), max_length=500, blank=True)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "channel_line_id"], name="orderline_store_channel_id"),
        ]
        indexes = [models.Index(fields=["state", "store"], name="orderline_state_store")]

    def __str__(self) -> str:
        return self.channel_line_id


class OrderEvent(models.Model):
    """Append-only audit trail of an order: who did what, when, old -> new, and the payload."""

    class Source(models.TextChoices):
        USER = "user", _("Staff")
        SYNC = "sync", _("Channel sync")
        SYSTEM = "system", _("System")
        API = "api", _("Open API")

    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events")
    line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=40)
    old = models.CharField(_("before"), max_length=500, blank=True)
    new = models.CharField(_("after"), max_length=500, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    source = models.CharField(_("by"), max_length=10, choices=Source.choices, default=Source.SYSTEM)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old} → {self.new}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Order events are append-only.")
        super().save(*args, **kwargs)


class Claim(models.Model):
    """A cancel / return / exchange as the channel reports it (the Orders issue adds our handling)."""

    wagtail_reference_index_ignore = True

    store = models.ForeignKey("channels.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    channel_claim_id = models.CharField(_("channel claim id"), max_length=120)
    claim_type = models.CharField(
        _("claim"), max_length=10, choices=[(c.value, label) for c, label in CLAIM_TYPE_LABELS.items()]
    )
    state = models.CharField(
        _("state"), max_length=20, choices=[(c.value, label) for c, label in CLAIM_STATE_LABELS.items()]
    )
    channel_status = models.CharField(_("channel status"), max_length=60, blank=True)
    channel_order_id = models.CharField(_("channel order number"), max_length=100, db_index=True)
    channel_line_ids = models.JSONField(_("lines"), default=list)
    quantity = models.IntegerField(_("quantity"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reason_detail = models.TextField(_("reason detail"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    ref = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=40, blank=True)
    collected_at = models.DateTimeField(_("collected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Our handling: the last decision pushed from the claims desk and the channel's answer.
    decision = models.CharField(
        _("our decision"),
        max_length=10,
        blank=True,
        choices=[("approve", _("Approved")), ("reject", _("Rejected")), ("complete", _("Completed"))],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    push_code = models.CharField(_("channel code"), max_length=60, blank=True)
    push_message = models.CharField(_("channel's answer"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "channel_claim_id"], name="claim_store_channel_id")]
        indexes = [models.Index(fields=["claim_type", "state", "-requested_at"], name="claim_type_state_time")]

    def __str__(self) -> str:
        return f"{self.get_claim_type_display()} {self.channel_claim_id}"


# Personal-data access log and other models of the desk modules live beside them.
from .notify_models import *  # noqa: E402,F401,F403
from .pii_models import *  # noqa: E402,F401,F403
