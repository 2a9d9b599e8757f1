"""Shipping: warehouses (the sender on labels), courier contracts, one shipment per bundle, the
numbers a shipment carried, label layouts and the print log.

A ``Shipment`` is the parcel of one ``orders.Bundle``: its courier and tracking number are copied
onto the bundle's lines when registered (the lines are what the channels take invoices for). The
state here summarises the lines' answers; the lines' own states stay the status machine's
(``orders.status``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from integrations.channels.base import COURIER_NAMES_KO, CourierCode
from modules.orders.models import Bundle

COURIER_CHOICES = [(code.value, COURIER_NAMES_KO[code]) for code in CourierCode]


class Warehouse(models.Model):
    """출고지: where parcels leave from. Its name is the sender (보내는 분) on labels."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Printed as the sender on labels."))
    zip_code = models.CharField(_("postcode"), max_length=10, blank=True)
    address1 = models.CharField(_("address"), max_length=200)
    address2 = models.CharField(_("address detail"), max_length=200, blank=True)
    phone1 = models.CharField(_("phone"), max_length=20)
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True)
    is_main = models.BooleanField(_("main warehouse"), default=False)
    active = models.BooleanField(_("active"), default=True)
    default_contract = models.ForeignKey(
        "CourierContract",
        verbose_name=_("default courier contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("zip_code"), FieldPanel("address1")]),
        FieldPanel("address2"),
        FieldRowPanel([FieldPanel("phone1"), FieldPanel("phone2")]),
        FieldRowPanel([FieldPanel("is_main"), FieldPanel("active")]),
        FieldPanel("default_contract"),
    ]

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["-is_main", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_main"], condition=Q(is_main=True), name="one_main_warehouse"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return " ".join(part for part in (self.address1, self.address2) if part)


class CourierContract(ClusterableModel):
    """A contract with a courier (택배 계약): the customer code, box sizes with their fares and the
    number band the courier allotted (운송장 번호 대역), from which labels take new numbers."""

    class Fare(models.TextChoices):
        CREDIT = "credit", _("Credit (신용)")
        PREPAID = "prepaid", _("Prepaid (선불)")
        COLLECT = "collect", _("Collect on delivery (착불)")

    name = models.CharField(_("name"), max_length=100)
    courier = models.CharField(_("courier"), max_length=20, choices=COURIER_CHOICES)
    contract_code = models.CharField(_("contract code"), max_length=40, blank=True, help_text=_("고객코드 / 계약코드"))
    fare = models.CharField(_("fare"), max_length=10, choices=Fare.choices, default=Fare.CREDIT)
    number_from = models.CharField(
        _("number band from"),
        max_length=20,
        blank=True,
        help_text=_("First number body of the band, without check digit."),
    )
    number_to = models.CharField(_("number band to"), max_length=20, blank=True)
    number_next = models.CharField(_("next number body"), max_length=20, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("courier")]),
        FieldRowPanel([FieldPanel("contract_code"), FieldPanel("fare")]),
        InlinePanel("boxes", heading=_("Box sizes"), label=_("Box size")),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("number_from"), FieldPanel("number_to")])],
            heading=_("Number band"),
        ),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("courier contract")
        verbose_name_plural = _("courier contracts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({COURIER_NAMES_KO.get(CourierCode(self.courier), self.courier)})"

    def clean(self) -> None:
        from .validators import number_band_problem

        problem = number_band_problem(self.courier, self.number_from, self.number_to)
        if problem:
            raise ValidationError({"number_from": problem})


class BoxSize(Orderable):
    """A box size of a contract with its fare (CJ codes: 01 극소, 02 소, 03 중, 04 대1, 07 대2)."""

    contract = ParentalKey(CourierContract, on_delete=models.CASCADE, related_name="boxes")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=40)
    price = models.PositiveIntegerField(_("fare"), default=0)

    panels = [FieldRowPanel([FieldPanel("code"), FieldPanel("name"), FieldPanel("price")])]

    class Meta(Orderable.Meta):
        verbose_name = _("box size")
        verbose_name_plural = _("box sizes")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ShipmentState(models.TextChoices):
    WAITING = "waiting", _("Waiting for invoice")
    REGISTERED = "registered", _("Invoice registered")
    SENT = "sent", _("Invoice sent")
    PARTLY_SENT = "partly_sent", _("Partly sent")
    FAILED = "failed", _("Send failed")
    FORCED = "forced", _("Marked sent")
    CANCELLED = "cancelled", _("Cancelled")


class Shipment(models.Model):
    """The parcel of one bundle: courier, tracking number, box and where it leaves from."""

    wagtail_reference_index_ignore = True

    bundle = models.OneToOneField(
        "orders.Bundle",
        verbose_name=_("bundle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shipment",
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        CourierContract,
        verbose_name=_("courier contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    courier = models.CharField(_("courier"), max_length=20, choices=COURIER_CHOICES, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True, db_index=True)
    box_size = models.CharField(_("box size"), max_length=20, blank=True)
    receiver_digest = models.CharField(max_length=40, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ShipmentState.choices, default=ShipmentState.WAITING, db_index=True
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_code = models.CharField(_("channel code"), max_length=60, blank=True)
    send_message = models.CharField(_("channel's answer"), max_length=500, blank=True)
    print_count = models.PositiveIntegerField(_("labels printed"), default=0)
    printed_at = models.DateTimeField(_("last printed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-id"]
        indexes = [models.Index(fields=["courier", "tracking_number"], name="shipment_courier_number")]

    def __str__(self) -> str:
        return f"S{self.pk}"


class ShipmentNumber(models.Model):
    """Every tracking number a shipment carried, with the receiver it went to: the 6-month reuse
    check reads it, and a reprint with a new number keeps the old one here (``replaced_at``)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered")
        BULK = "bulk", _("Bulk")
        EXCEL = "excel", _("Excel")
        BAND = "band", _("Number band")
        API = "api", _("API")
        CHANNEL = "channel", _("Channel")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="numbers")
    courier = models.CharField(_("courier"), max_length=20, choices=COURIER_CHOICES)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    receiver_digest = models.CharField(max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracking number")
        verbose_name_plural = _("tracking numbers")
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["tracking_number", "courier", "registered_at"], name="number_reuse")]

    def __str__(self) -> str:
        return f"{self.courier} {self.tracking_number}"


LABEL_FIELDS = [
    ("logo", _("Logo")),
    ("tracking_barcode", _("Tracking number barcode")),
    ("receiver", _("Receiver name and phone (masked)")),
    ("receiver_address", _("Receiver address")),
    ("sender", _("Sender (warehouse)")),
    ("items", _("Items")),
    ("delivery_message", _("Delivery message")),
    ("box_size", _("Box size")),
    ("fare", _("Fare")),
    ("order_numbers", _("Order numbers")),
    ("printed_at", _("Printed time")),
]


class LabelLayout(models.Model):
    """운송장 양식: the label size and which fields are printed (a snippet)."""

    class Size(models.TextChoices):
        S100X150 = "100x150", _("100 × 150 mm")
        S123X100 = "123x100", _("123 × 100 mm (CJ standard)")

    name = models.CharField(_("name"), max_length=100)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, default=Size.S100X150)
    fields = models.JSONField(_("fields shown"), default=list, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item_lines = models.PositiveSmallIntegerField(
        _("item lines"), default=3, help_text=_("Items listed by name; the rest as “…외 N건”.")
    )
    is_default = models.BooleanField(_("default"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("label layout")
        verbose_name_plural = _("label layouts")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name

    def shows(self, field: str) -> bool:
        return field in (self.fields or [])


class PrintLog(models.Model):
    """출력 기록: each PDF of labels, picking or packing lists, who printed what."""

    class Kind(models.TextChoices):
        LABELS = "labels", _("Labels")
        PICKING = "picking", _("Picking list")
        PACKING = "packing", _("Packing list")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    layout_name = models.CharField(_("layout"), max_length=100, blank=True)
    shipment_ids = models.JSONField(_("shipments"), default=list)
    printed = models.PositiveIntegerField(_("printed"), default=0)
    skipped = models.JSONField(_("skipped"), default=list, blank=True)
    reprint = models.BooleanField(_("reprint"), default=False)
    new_numbers = models.PositiveIntegerField(_("new numbers"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("print log")
        verbose_name_plural = _("print logs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.kind


class ShippingBundle(Bundle):
    """The shipping desk's view of a bundle (a parcel to pack and send): a proxy, so the desk's list
    follows the shipping area's rights while the orders desk keeps its own on the same rows."""

    class Meta:
        proxy = True
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
