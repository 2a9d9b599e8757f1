"""Models of the events going out of orders (notify.py): the notices, and the lines already reported stuck.

Both are written only by ``notify.order_notice`` and the stuck-orders task; the dashboard panel
(notify_hooks) reads them. References are kept without database constraints so that a notice
never blocks deleting an order, a claim or a store, and survives them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["OrderNotice", "StuckLineReport"]


class OrderNotice(models.Model):
    """One event of one batch for one store ("12 new orders from 쿠팡 본점"), shown on the dashboard
    until someone marks it seen. ``count`` grows while a later batch joins it (notify.MERGE_WINDOW)."""

    class Kind(models.TextChoices):
        ORDER_NEW = "order.new", _("New orders")
        CLAIM_NEW = "claim.new", _("New claims")
        SYNC_FAILED = "sync.failed", _("Sync failed")
        ORDER_STUCK = "order.stuck", _("Not acknowledged in time")

    wagtail_reference_index_ignore = True

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    store = models.ForeignKey(
        "channels.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # The order or claim when the batch holds exactly one; more are listed in payload (order_ids / claim_ids).
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    claim = models.ForeignKey(
        "orders.Claim",
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Part of the merge key beside kind and store: the sync kind of a failed run ("orders", "claims" …).
    subject = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField(default=1)
    message = models.CharField(_("message"), max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    updated_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["seen_at", "-updated_at"], name="ordernotice_unseen")]

    def __str__(self) -> str:
        return f"{self.kind} ×{self.count}"


class StuckLineReport(models.Model):
    """A NEW line already reported past its acknowledge deadline: the stuck-orders task reports each line once."""

    wagtail_reference_index_ignore = True

    line = models.OneToOneField("orders.OrderLine", primary_key=True, on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(
        OrderNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    reported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.line_id)
