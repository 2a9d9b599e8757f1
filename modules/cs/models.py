from django.db import models
from django.utils.translation import gettext_lazy as _

from integrations.channels.base import InquiryKind


class Inquiry(models.Model):
    """A buyer's question collected from a channel (상품 Q&A, 1:1 문의). Answering comes with the CS issue."""

    wagtail_reference_index_ignore = True

    store = models.ForeignKey("channels.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    channel_inquiry_id = models.CharField(_("channel inquiry id"), max_length=120)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[
            (InquiryKind.PRODUCT_QNA.value, _("Product Q&A")),
            (InquiryKind.CUSTOMER.value, _("Customer inquiry")),
        ],
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    content = models.TextField(_("question"))
    author = models.CharField(_("author"), max_length=100, blank=True)
    channel_product_id = models.CharField(_("channel product id"), max_length=100, blank=True)
    product_name = models.CharField(_("product"), max_length=300, blank=True)
    channel_order_id = models.CharField(_("channel order number"), max_length=100, blank=True)
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    answered = models.BooleanField(_("answered"), default=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ref = models.JSONField(default=dict, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=40, blank=True)
    collected_at = models.DateTimeField(_("collected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "channel_inquiry_id"], name="inquiry_store_channel_id"),
        ]

    def __str__(self) -> str:
        return self.title or self.content[:40]
