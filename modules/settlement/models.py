from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelSettlementLine(models.Model):
    """A line of the channel's own settlement/revenue data, kept to compare with ours."""

    wagtail_reference_index_ignore = True

    store = models.ForeignKey("channels.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    channel_settlement_id = models.CharField(_("channel settlement id"), max_length=160)
    kind = models.CharField(_("kind"), max_length=30)
    channel_order_id = models.CharField(_("channel order number"), max_length=100, blank=True, db_index=True)
    channel_line_id = models.CharField(_("channel line id"), max_length=120, blank=True)
    recognized_on = models.DateField(_("recognized on"), null=True, blank=True)
    settle_on = models.DateField(_("settled on"), null=True, blank=True)
    sale_amount = models.BigIntegerField(_("sale amount"), default=0)
    commission = models.BigIntegerField(_("commission"), default=0)
    settlement_amount = models.BigIntegerField(_("settlement amount"), default=0)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=40, blank=True)
    collected_at = models.DateTimeField(_("collected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel settlement line")
        verbose_name_plural = _("channel settlement lines")
        ordering = ["-recognized_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "channel_settlement_id"], name="settlementline_store_channel_id"),
        ]

    def __str__(self) -> str:
        return self.channel_settlement_id
