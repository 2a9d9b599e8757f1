"""Channel templates as Wagtail snippets: pulled from a store, edited here, pushed back on save."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from integrations.channels.base import TemplateKind
from modules.core.validators import validate_phone


class ChannelTemplateBase(models.Model):
    class PushState(models.TextChoices):
        LOCAL = "local", _("Not pushed yet")
        PUSHED = "pushed", _("Pushed")
        FAILED = "failed", _("Push failed")
        PULLED = "pulled", _("Pulled from channel")

    store = models.ForeignKey("channels.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("template name"), max_length=100)
    channel_template_id = models.CharField(_("channel template id"), max_length=100, blank=True, editable=False)
    push_state = models.CharField(
        _("push state"), max_length=10, choices=PushState.choices, default=PushState.LOCAL, editable=False
    )
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True, editable=False)
    push_error = models.CharField(_("last push error"), max_length=500, blank=True, editable=False)
    raw = models.JSONField(default=dict, blank=True, editable=False)
    content_hash = models.CharField(max_length=40, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    template_kind: TemplateKind

    class Meta:
        abstract = True
        ordering = ["store", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.store})"


class AddressTemplate(ChannelTemplateBase):
    """출고지 / 반품지 (11번가 주소록, 쿠팡 출고지·반품지, 네이버 주소록)."""

    class AddressType(models.TextChoices):
        OUTBOUND = TemplateKind.OUTBOUND_ADDRESS.value, _("Outbound (출고지)")
        RETURN = TemplateKind.RETURN_ADDRESS.value, _("Return (반품지)")

    address_type = models.CharField(_("address type"), max_length=20, choices=AddressType.choices)
    overseas = models.BooleanField(_("overseas address"), default=False)
    zip_code = models.CharField(_("postcode"), max_length=10, blank=True)
    address1 = models.CharField(_("address"), max_length=300)
    address2 = models.CharField(_("address detail"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state / province"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50)
    phone1 = models.CharField(_("contact phone"), max_length=30)
    phone2 = models.CharField(_("second phone"), max_length=30, blank=True)

    panels = [
        FieldPanel("store"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("address_type"), FieldPanel("overseas")]),
        MultiFieldPanel(
            [
                FieldPanel("zip_code"),
                FieldPanel("address1"),
                FieldPanel("address2"),
                FieldRowPanel([FieldPanel("country"), FieldPanel("state"), FieldPanel("city")]),
            ],
            heading=_("Address"),
        ),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("phone1"), FieldPanel("phone2")]),
    ]

    class Meta(ChannelTemplateBase.Meta):
        verbose_name = _("address template")
        verbose_name_plural = _("address templates")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "address_type", "channel_template_id"],
                condition=~models.Q(channel_template_id=""),
                name="addresstemplate_store_channel_id",
            )
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.overseas:
            for name in ("country", "city"):
                if not getattr(self, name):
                    errors[name] = _("Required for an overseas address.")
        else:
            if not self.zip_code:
                errors["zip_code"] = _("Required for a domestic address.")
            for name in ("phone1", "phone2"):
                value = getattr(self, name)
                if value:
                    try:
                        validate_phone(value)
                    except ValidationError as exc:
                        errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)


class DispatchDeadlineTemplate(ChannelTemplateBase):
    """발송마감 템플릿 (11번가): the daily cut-off and how many days until dispatch."""

    template_kind = TemplateKind.DISPATCH_DEADLINE

    cutoff_time = models.TimeField(_("same-day dispatch cut-off"), null=True, blank=True)
    dispatch_days = models.PositiveSmallIntegerField(_("days until dispatch"), default=1)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    panels = [
        FieldPanel("store"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("cutoff_time"), FieldPanel("dispatch_days")]),
        FieldPanel("memo"),
    ]

    class Meta(ChannelTemplateBase.Meta):
        verbose_name = _("dispatch deadline template")
        verbose_name_plural = _("dispatch deadline templates")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "channel_template_id"],
                condition=~models.Q(channel_template_id=""),
                name="dispatchtemplate_store_channel_id",
            )
        ]


class DeliveryTemplate(ChannelTemplateBase):
    """배송비 템플릿: fee type and surcharges (위메프-style templates carry their addresses too)."""

    template_kind = TemplateKind.DELIVERY

    class FeeType(models.TextChoices):
        FREE = "free", _("Free")
        FIXED = "fixed", _("Fixed fee")
        CONDITIONAL = "conditional", _("Free over an amount")
        PER_QUANTITY = "per_quantity", _("Per quantity")

    fee_type = models.CharField(_("shipping fee type"), max_length=20, choices=FeeType.choices, default=FeeType.FIXED)
    base_fee = models.PositiveIntegerField(_("shipping fee"), default=3000)
    free_over = models.PositiveIntegerField(_("free over (won)"), null=True, blank=True)
    jeju_extra_fee = models.PositiveIntegerField(_("Jeju surcharge"), default=3000)
    remote_extra_fee = models.PositiveIntegerField(_("remote-area surcharge"), default=5000)
    return_fee = models.PositiveIntegerField(_("return shipping fee (one way)"), default=3000)
    outbound_address = models.ForeignKey(
        AddressTemplate,
        verbose_name=_("outbound address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_address = models.ForeignKey(
        AddressTemplate,
        verbose_name=_("return address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("store"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("fee_type"), FieldPanel("base_fee"), FieldPanel("free_over")]),
        FieldRowPanel([FieldPanel("jeju_extra_fee"), FieldPanel("remote_extra_fee"), FieldPanel("return_fee")]),
        FieldRowPanel([FieldPanel("outbound_address"), FieldPanel("return_address")]),
    ]

    class Meta(ChannelTemplateBase.Meta):
        verbose_name = _("delivery template")
        verbose_name_plural = _("delivery templates")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "channel_template_id"],
                condition=~models.Q(channel_template_id=""),
                name="deliverytemplate_store_channel_id",
            )
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.fee_type == self.FeeType.CONDITIONAL and not self.free_over:
            raise ValidationError({"free_over": _("Enter the amount above which shipping is free.")})
